/* Every device type of the registry (qdev_types.def), for parents and the board. */
#ifndef IOMMUSIM_HW_QDEV_TYPES_H
#define IOMMUSIM_HW_QDEV_TYPES_H

#include "hw/qdev.h"

#define DEVICE_TYPE(t) extern const struct hw_device_type t;
#include "hw/qdev_types.def"
#undef DEVICE_TYPE

#endif
