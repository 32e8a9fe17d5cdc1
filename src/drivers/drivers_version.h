/*
 * : what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; drivers_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_DRIVERS_DRIVERS_VERSION_H
#define IOMMUSIM_DRIVERS_DRIVERS_VERSION_H

#include <stdbool.h>

struct drivers_version {
	/* virtio's features attribute: how many bits it prints (6.1: 64, 7.3: 128) */
	unsigned virtio_feature_bits;
};

extern const struct drivers_version drivers_linux_6_1, drivers_linux_7_3;

#endif
