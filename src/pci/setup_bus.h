/*
 * What the two ways of assigning a hierarchy's resources share
 * (setup_bus.c: 6.1's pci_bus_size_bridges + pci_bus_assign_resources;
 * setup_bus_realloc.c: 7.3's pci_assign_unassigned_root_bus_resources).
 */
#ifndef IOMMUSIM_PCI_SETUP_BUS_H
#define IOMMUSIM_PCI_SETUP_BUS_H

#include "pci/pci.h"

/* the busn_res of a bus as %pR prints it: "[bus 01]" or "[bus 01-03]" */
const char *pci_busn_str(const struct pci_bus *bus, char *buf, size_t len);
/* pci_bridge_check_ranges(): the window types the bridge implements get their flags */
void pci_bridge_check_ranges(struct pci_bus *bus);
/*
 * pci_setup_bridge(): "PCI bridge to [bus ..]", then each window that has
 * an address (logged) or off (base above limit), then Bridge Control.
 */
void pci_setup_bridge(struct pci_bus *bus);
/*
 * pci_assign_unassigned_root_bus_resources() of 7.3 (setup_bus_realloc.c):
 * sizing with a realloc list, assignment with optional sizes first and the
 * fallback without them, then every bus's resources logged.
 */
void pci_assign_unassigned_root_bus_resources(struct pci_bus *bus);
/*
 * pci_reassign_resource(): an assigned resource grown by addsize with
 * min_align, moved when it cannot grow in place; logged either way; 0,
 * -EINVAL when it had no address, -ENOMEM when nothing fits (it stays).
 */
int pci_reassign_resource(struct pci_dev *dev, int resno, u64 addsize, u64 min_align);
/* pci_release_resource(): an assigned resource loses its address ("releasing"), keeping its size */
void pci_release_resource(struct pci_dev *dev, int resno);
/*
 * What pci_host_probe() does between the scan and pci_bus_add_devices():
 * 6.1 sizes and assigns once (pci_bus_size_bridges, pci_bus_assign_resources),
 * 7.3 runs pci_assign_unassigned_root_bus_resources() (assign_with_realloc).
 */
void pci_host_assign_resources(struct pci_bus *bus);

#endif
