/* The drivers iommusim models, and the module loader that registers them. */
#ifndef IOMMUSIM_DRIVERS_DRIVERS_H
#define IOMMUSIM_DRIVERS_DRIVERS_H

#include "base/platform.h"
#include "pci/pci.h"

extern struct platform_driver gen_pci_driver;
extern struct pci_driver pcie_portdriver;
extern struct pci_driver virtio_pci_driver;
extern struct pci_driver vfio_pci_driver;
extern struct pci_driver nvme_driver;
extern struct platform_driver virtio_mmio_driver;
extern struct virtio_driver virtio_blk_driver, virtio_net_driver, virtio_rng_driver;

/* The model's implementation of the driver a kernel configuration names, or NULL. */
struct device_driver *model_driver(const char *name);
/* The module drv is in when k's configuration builds it as one (=m), else NULL. */
const char *driver_module(struct kernel *k, const struct device_driver *drv);
/*
 * The module module_add_driver() links drv's directory to: its module, or
 * for a built-in driver registered with a mod_name (PCI's always; platform's
 * when the kernel's __platform_driver_register passes one) the built-in
 * module's /sys/module entry when it has one or the kernel creates it; else NULL.
 */
const char *driver_module_kobject(struct kernel *k, const struct device_driver *drv);
/*
 * Whether /sys/module/name exists for a built-in module: it has parameters
 * or a version (param_sysfs_builtin, version_sysfs_builtin), or a registered
 * driver links to it.
 */
bool builtin_module_kobject(struct kernel *k, const char *name);
/*
 * device_initcall: the configuration's built-in drivers register, in its
 * link order (those the model does not implement are skipped).
 */
void driver_initcalls(struct kernel *k);

/*
 * Modules register their drivers when loaded. modprobe loads what
 * modules.dep lists for the module first, deepest first. 0, -ENOENT (not in
 * modules.dep); a module loaded already, or built in (modules.builtin), is no
 * error, as modprobe hides insmod's -EEXIST.
 */
int modprobe(struct kernel *k, const char *name);
/* delete_module(): 0, -ENOENT (not loaded), -EAGAIN (EWOULDBLOCK: another module uses it) */
int rmmod(struct kernel *k, const char *name);
/*
 * modprobe -r: the module (nothing to do when it is not loaded), then each of
 * its modules.dep dependencies that nothing uses any more. 0, -ENOENT (not in
 * modules.dep), -EEXIST (built in: modprobe says "module X is builtin"), or
 * the module's own delete_module() error.
 */
int modprobe_remove(struct kernel *k, const char *name);

/* One line of /proc/modules. */
#define MODULE_MAX_HOLDERS 8
struct module_info {
	const char *name;
	unsigned int size;
	unsigned int refcnt;
	const char *holders[MODULE_MAX_HOLDERS];	/* the modules using it, newest first */
	int nholders;
};
/*
 * try_module_get()/module_put(): a reference an open file or an object in use
 * holds on a loaded module (counted in lsmod's "Used by"; rmmod fails with
 * EWOULDBLOCK while one is held). 0, -ENOENT (not loaded), -ENOMEM.
 */
int module_get(struct kernel *k, const char *name);
void module_put(struct kernel *k, const char *name);
/* The loaded modules, newest first as /proc/modules lists them; how many. */
size_t module_list(struct kernel *k, struct module_info *out, size_t max);
void modules_free(struct kernel *k);

#endif
