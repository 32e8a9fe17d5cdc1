/*
 * The device drivers (src/drivers) and the sysfs they show: what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; drivers_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_DRIVERS_DRIVERS_VERSION_H
#define IOMMUSIM_DRIVERS_DRIVERS_VERSION_H

#include <stdbool.h>

struct drivers_version {
	/* virtio's features attribute: how many bits it prints (6.1: 64, 7.3: 128) */
	unsigned virtio_feature_bits;
	/*
	 * module_add_driver() for a built-in driver: 7.3 creates its
	 * /sys/module entry (lookup_or_create_module_kobject), so every one
	 * registered with a mod_name has a module link (pcieport ->
	 * pcieportdrv); 6.1 links only to an entry that exists already (a
	 * module with parameters: nvme).
	 */
	bool builtin_driver_creates_module_kobject;
	/* __platform_driver_register() passes KBUILD_MODNAME (7.3); 6.1's gives none */
	bool platform_driver_mod_name;
	/*
	 * call_driver_probe(): a failed probe is logged by dev_err() with the
	 * device's prefix, "probe with driver %s failed with error %d" (7.3);
	 * 6.1 logs "%s: probe of %s failed with error %d" (driver, device)
	 */
	bool probe_failure_dev_err;
	/*
	 * blk_mq_map_queues(): 7.3 gives each queue a run of consecutive CPUs
	 * (group_cpus_evenly: 2 queues on 4 CPUs 0,1 / 2,3); 6.1 goes round
	 * (0,2 / 1,3)
	 */
	bool blk_mq_map_groups_cpus_evenly;
	/* the default max_sectors cap in sectors: 6.1 BLK_DEF_MAX_SECTORS 2560, 7.3 4 MiB */
	unsigned blk_def_max_sectors;
	/* 7.3's blk_validate_limits(): an io_opt (else io_min) past the cap raises max_sectors to it */
	bool blk_max_sectors_follows_io_opt;
	/*
	 * lsmod's count of vfio: on 7.3 one more while any device is bound to
	 * vfio-pci (the first bind takes it, the last unbind drops it, measured
	 * on 7.3.4 with two devices in two groups); 6.1 counts only users
	 */
	bool vfio_ref_while_devices_registered;
	/*
	 * pci_dev_save_and_disable() / pci_dev_restore(): 7.3 warns "resetting"
	 * and "reset done" when the bound driver has no reset_prepare /
	 * reset_done error handler (vfio-pci: at open and at each reset); 6.1
	 * only calls the handlers it finds
	 */
	bool pci_reset_warns_without_reset_handlers;
	/*
	 * nvme-pci's largest command before Identify: 6.1 NVME_MAX_KB_SZ (4 MiB)
	 * and dma_max_mapping_size(); 7.3 NVME_MAX_BYTES (8 MiB) and
	 * dma_opt_mapping_size() (128 KiB through dma-iommu: 33 segments)
	 */
	unsigned nvme_max_io_bytes;
	bool nvme_io_size_by_dma_opt_mapping_size;
	/* NVME_MAX_SEGS: 6.1 127, 7.3 256 (a page of SGL descriptors) */
	unsigned nvme_max_segments;
	/* nvme_update_disk_info(): 7.3 sets optimal_io_size only for a non-zero NOWS; 6.1 NOWS + 1 blocks */
	bool nvme_io_opt_needs_nows;
	/* 7.3's nvme_configure_atomic_write(): the physical block capped at the atomic write unit */
	bool nvme_atomic_write_limits;
	/* virtscsi_init(): 7.3 logs its 'N/0/0 default/read/poll queues' (poll queues since 6.2) */
	bool virtio_scsi_logs_queue_split;
	/* queue_attr_visible(): 7.3 shows queue/nr_requests only for blk-mq queues; 6.1 for all */
	bool blk_nr_requests_mq_only;
	/*
	 * get_port_device_capability(): 7.3 gives the AER service to root ports
	 * (and event collectors) only, so a switch port without hotplug has no
	 * service and takes no interrupt (its irq reads 0); 6.1 to every port
	 * with the AER capability (its MSI allocated, aer_probe() binding none)
	 */
	bool pcie_port_aer_root_only;
	/*
	 * What a PCI MSI/MSI-X allocation whose first vector the MSI domain
	 * could not allocate answers (the doorbell not prepared): 7.3's
	 * msi_handle_pci_fail() says -ENOSPC (measured: SET_IRQS on a cdev not
	 * attached); 6.1 passes the domain's error on
	 */
	bool msi_alloc_failure_is_enospc;
};

extern const struct drivers_version drivers_linux_6_1, drivers_linux_7_3;

#endif
