/*
 * Device types qemu-system-aarch64 7.2 has but a user cannot create: the
 * virt board's own devices (user_creatable = false). -device NAME of one
 * is QEMU's "Parameter 'driver' expects a pluggable device type", not the
 * "is not a valid device model name" of a type QEMU lacks.
 */
#ifndef IOMMUSIM_HW_QDEV_NOT_PLUGGABLE_H
#define IOMMUSIM_HW_QDEV_NOT_PLUGGABLE_H

#include <stdbool.h>

bool qdev_type_not_pluggable(const char *name);

#endif
