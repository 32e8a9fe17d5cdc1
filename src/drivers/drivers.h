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
 * loaded. modprobe loads dependencies first. 0, -ENOENT (no such module),
 * -EEXIST from insmod is hidden as modprobe does (already loaded: 0).
 */
int modprobe(struct kernel *k, const char *name);
/* rmmod: -ENOENT when not loaded, -EBUSY when another module uses it */
int rmmod(struct kernel *k, const char *name);
/* names of every modelled module, and whether loaded, for lsmod */
size_t module_list(struct kernel *k, const char **names, bool *loaded, size_t max);
void modules_free(struct kernel *k);

#endif
