/* The drivers iommusim models, and the modules that register them. */
#ifndef IOMMUSIM_DRIVERS_DRIVERS_H
#define IOMMUSIM_DRIVERS_DRIVERS_H

#include "base/platform.h"
#include "pci/pci.h"

extern struct platform_driver gen_pci_driver;
extern struct pci_driver pcie_portdriver;
extern struct pci_driver virtio_pci_driver;
extern struct pci_driver vfio_pci_driver;
extern struct platform_driver virtio_mmio_driver;
extern struct virtio_driver virtio_blk_driver, virtio_net_driver, virtio_rng_driver;

/*
 * Built-in drivers register at their initcall, in link order; modules when
 * loaded. modprobe loads what modules.dep lists for the module first, deepest
 * first. 0, -ENOENT (not in modules.dep); a module loaded already is no
 * error, as modprobe hides insmod's -EEXIST.
 */
int modprobe(struct kernel *k, const char *name);
/* delete_module(): 0, -ENOENT (not loaded), -EAGAIN (EWOULDBLOCK: another module uses it) */
int rmmod(struct kernel *k, const char *name);
/*
 * modprobe -r: the module (nothing to do when it is not loaded), then each of
 * its modules.dep dependencies that nothing uses any more. 0, -ENOENT (not in
 * modules.dep), or the module's own delete_module() error.
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
/* The loaded modules, newest first as /proc/modules lists them; how many. */
size_t module_list(struct kernel *k, struct module_info *out, size_t max);
void modules_free(struct kernel *k);

#endif
