/* The device drivers of each kernel (drivers_version.h). */
#include "drivers/drivers_version.h"

const struct drivers_version drivers_linux_6_1 = {
	.virtio_feature_bits = 64,
	.blk_def_max_sectors = 2560,
	.nvme_max_io_bytes = 4u << 20,
	.nvme_max_segments = 127,
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
	.nvme_max_io_bytes = 8u << 20,
	.nvme_io_size_by_dma_opt_mapping_size = true,
	.nvme_max_segments = 256,
	.nvme_io_opt_needs_nows = true,
	.nvme_atomic_write_limits = true,
	.blk_nr_requests_mq_only = true,
	.virtio_scsi_logs_queue_split = true,
	.pcie_port_aer_root_only = true,
	.msi_alloc_failure_is_enospc = true,
};
