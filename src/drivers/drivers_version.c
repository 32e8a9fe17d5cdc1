/* The device drivers of each kernel (drivers_version.h). */
#include "drivers/drivers_version.h"

const struct drivers_version drivers_linux_6_1 = {
	.virtio_feature_bits = 64,
};

const struct drivers_version drivers_linux_7_3 = {
	.virtio_feature_bits = 128,
};
