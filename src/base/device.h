/*
 * The driver core (drivers/base): buses, devices, drivers, probing, the
 * deferred-probe list, driver_override, bind/unbind. A struct kernel holds one
 * booted system; every object points back at it, so several can coexist.
 */
#ifndef IOMMUSIM_BASE_DEVICE_H
#define IOMMUSIM_BASE_DEVICE_H

#include "base/bits.h"
#include "base/log.h"

struct kernel;
struct device;
struct device_driver;
struct dev_iommu;
struct iommu_group;
struct dma_map_ops;
struct page_alloc;
struct kernel_config;
struct linux_version;
struct pci_dynid;
struct machine;
struct kernel_cmdline;
struct pci_host;
struct platform_list;
struct hw_system;
struct iommu_core;
struct arm_smmu_device;
struct module_state;
struct virtio_state;
struct irq_core;
struct hwrng_core;
struct dma_dev_state;

struct bus_type {
	const char *name;		/* "pci", "platform", "virtio" */
	/* >0 match, 0 no match (as bus->match in Linux) */
	int (*match)(struct device *dev, struct device_driver *drv);
	/* bus-level probe wrapper; NULL calls drv->probe */
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);
	int (*dma_configure)(struct device *dev);
	void (*dma_cleanup)(struct device *dev);
	/* what the bus's unregister does besides the core's (pci_unregister_driver(): its dynamic IDs go) */
	void (*driver_unregistered)(struct kernel *k, const struct device_driver *drv);
};

struct device_driver {
	const char *name;
	const struct bus_type *bus;
	bool driver_managed_dma;	/* VFIO: no default-domain ownership */
	bool suppress_bind_attrs;	/* no bind/unbind files in its sysfs directory */
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);
	/*
	 * The model's: remove() would wait for user space to let go of the
	 * device (VFIO's open device files), which the one modelled process
	 * cannot do while it waits: the unbind fails instead (-EDEADLK).
	 */
	bool (*remove_blocks)(struct device *dev);
	const void *id_table;		/* bus specific */
};

struct device {
	struct kernel *k;
	char name[48];
	const struct bus_type *bus;
	struct device *parent;
	struct device_driver *driver;
	char *driver_override;
	int of_node;			/* DT node offset, -1 when none */
	bool match_driver;		/* may be probed (PCI: after pci_bus_add_device) */
	bool dead;			/* removed */
	void *drvdata;			/* driver private */
	void *busdata;			/* bus object that embeds/owns this device */

	/* IOMMU (dev->iommu, dev->iommu_group) */
	struct dev_iommu *iommu;
	struct iommu_group *iommu_group;

	/* DMA */
	u64 dma_mask_store;
	u64 *dma_mask;			/* NULL: not DMA capable */
	u64 coherent_dma_mask;
	u64 bus_dma_limit;		/* 0: none */
	bool dma_coherent;
	const struct dma_map_ops *dma_ops;	/* NULL: dma-direct */
	u32 max_segment_size;
	u64 seg_boundary_mask;
	struct dma_dev_state *dma_state;	/* dma/ layer per-device data */

	/* deferred probe */
	bool deferred;			/* on the pending list */
	u64 bind_seq;			/* when it was bound: its place in the driver's device list */
};

/* One booted system. */
struct kernel {
	struct klog log;
	struct device **devices;	/* every device, in device_add order */
	size_t ndevices, devices_cap;
	struct device_driver **drivers;	/* registered drivers, in order */
	size_t ndrivers, drivers_cap;
	struct device **deferred;	/* deferred_probe_pending_list */
	size_t ndeferred, deferred_cap;
	bool deferred_probe_enabled;	/* set at late_initcall */
	bool initcalls_done;
	int deferred_probe_timeout;	/* seconds; 0: expired, -1: wait for ever */
	u64 deferred_timeout_at_ns;	/* when the timeout work fires (0: none) */
	bool deferred_trigger;		/* a bind happened: rerun the pending list */
	int probe_depth;
	u64 bind_seq;			/* bindings so far */
	unsigned nr_cpu_ids;		/* the CPUs the firmware describes */
	/* bus->p->drivers_autoprobe, per system: the buses where it was turned off */
	const struct bus_type *autoprobe_off[8];
	struct pci_dynid *pci_dynids;	/* new_id's IDs of every PCI driver (pci/pci_dynid.c) */

	const struct linux_version *version;	/* which kernel it is (src/kversion) */
	const struct kernel_config *config;	/* what it was built with (src/kconfig) */

	/* subsystems, owned by their layers (each type is private to its layer) */
	const struct machine *machine;	/* the board the kernel boots on */
	const void *fdt;		/* the firmware's device tree (a flattened blob) */
	struct kernel_cmdline *cmdline;
	struct pci_host *pci;
	struct platform_list *platform;	/* platform devices made from the DT */
	struct hw_system *hw;		/* the machine's hardware */
	struct page_alloc *pages;	/* guest RAM the kernel allocates from */
	struct iommu_core *iommu;
	struct arm_smmu_device *smmu;
	struct module_state *modules;	/* loaded modules */
	struct virtio_state *virtio;	/* virtio bus state */
	struct irq_core *irq;		/* IRQ numbers, the MSI parent */
	struct hwrng_core *hwrng;	/* drivers/char/hw_random */
	struct uapi_state *uapi;	/* the user process and its VFIO files (src/uapi) */
};

/* dev_driver_string(): the driver's name, else the bus name. */
const char *dev_driver_string(const struct device *dev);
void dev_printk(const struct device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define dev_info dev_printk
#define dev_warn dev_printk
#define dev_err dev_printk
void kprintf(struct kernel *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void device_initialize(struct kernel *k, struct device *dev, const struct bus_type *bus,
		       struct device *parent, const char *name);
/* Add to the bus; probes at once when dev->match_driver is set and the bus autoprobes. */
int device_add(struct device *dev);
/* device_initial_probe(): try to bind dev to a driver now, whatever drivers_autoprobe says. */
void device_initial_probe(struct device *dev);
/* bus_probe_device(): device_initial_probe() when the bus's drivers_autoprobe is on. */
void bus_probe_device(struct device *dev);
void device_release_driver(struct device *dev);
void device_del(struct device *dev);

int driver_register(struct kernel *k, struct device_driver *drv);
void driver_unregister(struct kernel *k, struct device_driver *drv);
struct device_driver *driver_find(struct kernel *k, const char *name, const struct bus_type *bus);
struct device *bus_find_device_by_name(struct kernel *k, const struct bus_type *bus, const char *name);

/*
 * sysfs writes on the driver core: drivers/X/bind, drivers/X/unbind,
 * bus/drivers_probe. Return 0 or the errno the write would fail with.
 */
int driver_bind_store(struct device_driver *drv, struct device *dev);
int driver_unbind_store(struct device_driver *drv, struct device *dev);
int bus_rescan_store(struct device *dev);
/*
 * /sys/bus/B/drivers_autoprobe (on at boot): when off, a new device
 * (device_add) and a new driver (driver_register) bind nothing by
 * themselves, nor does the deferred-probe work; bind, drivers_probe and
 * new_id still probe. The store: a value starting with '0' turns it off,
 * anything else on.
 */
bool bus_drivers_autoprobe(struct kernel *k, const struct bus_type *bus);
int bus_drivers_autoprobe_store(struct kernel *k, const struct bus_type *bus, const char *buf);

/*
 * Writing a kobject's uevent file (kobject_synth_uevent()): 0, or -EINVAL
 * for an unknown action or malformed arguments, logged with the kobject's
 * path (e.g. "/bus/pci/drivers/vfio-pci").
 */
int kobject_synth_uevent(struct kernel *k, const char *kobj_path, const char *buf, size_t count);

/* Run the deferred-probe work and the timeout when the clock has passed it. */
void driver_deferred_probe_trigger(struct kernel *k);
void deferred_probe_run_pending(struct kernel *k);
/* late_initcall: enable deferred probing, run it, arm the timeout. */
void deferred_probe_initcall(struct kernel *k);
/* driver_deferred_probe_check_state(): -EPROBE_DEFER, or -ETIMEDOUT after the timeout. */
int driver_deferred_probe_check_state(struct device *dev);
/* The virtual clock moved: fire the deferred-probe timeout if due. */
void driver_core_tick(struct kernel *k);

#define EPROBE_DEFER 517

#endif
