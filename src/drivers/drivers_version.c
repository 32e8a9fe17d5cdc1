/* The device drivers of each kernel (drivers_version.h). */
#include "drivers/drivers_version.h"

const struct drivers_version drivers_linux_6_1 = {
	.virtio_feature_bits = 64,
	.blk_def_max_sectors = 2560,
};

const struct drivers_version drivers_linux_7_3 = {
	.virtio_feature_bits = 128,
	.builtin_driver_creates_module_kobject = true,
	.platform_driver_mod_name = true,
	.probe_failure_dev_err = true,
	.blk_mq_map_groups_cpus_evenly = true,
	.blk_def_max_sectors = 8192,
	.blk_max_sectors_follows_io_opt = true,
	.vfio_ref_while_devices_registered = true,
	.pci_reset_warns_without_reset_handlers = true,
};
