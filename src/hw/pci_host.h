/*
 * The PCIe host bridge's config window (QEMU 7.2's GPEX, hw/pci/pcie_host.c):
 * ECAM, one MiB per bus, 4 KiB per function. A config cycle finds its bus
 * through the bridges' bus-number registers (pci_find_bus_nr(): the root
 * bus is 0, a bridge claims its secondary bus and forwards its range), then
 * the function at devfn. Nothing there reads all ones; a register past the
 * function's config space (or past 256 bytes behind a conventional bus)
 * reads all ones too, and writes there are dropped.
 */
#ifndef IOMMUSIM_HW_PCI_HOST_H
#define IOMMUSIM_HW_PCI_HOST_H

#include "machine/hw_pci.h"

struct hw_mmio;
struct hw_system;

struct hw_pci_host {
	struct hw_system *sys;		/* the machine whose devices a reset reaches (NULL: config space only) */
	u64 ecam_base, ecam_size;	/* the window's bus address; size / 1 MiB buses */
	struct hw_pci_bus *root;	/* bus 0 (NULL: no PCI host) */
	/*
	 * Where each bus number routes, remembered until a bridge's routing
	 * registers (bus numbers, bridge control) change: a lookup, not state
	 * QEMU has, so that a config cycle does not walk every bridge.
	 */
	struct hw_pci_bus *route[256];
	bool route_known[256];
};

/* pci_find_bus_nr(): the bus a config cycle for bus_num reaches, or NULL. */
struct hw_pci_bus *hw_pci_find_bus_nr(struct hw_pci_bus *root, unsigned bus_num);
/* pci_find_device(): the function at bus_num and devfn, or NULL. */
struct hw_pci_fn *hw_pci_find_device(struct hw_pci_bus *root, unsigned bus_num, unsigned devfn);

/* pcie_mmcfg_data_read/write(): an access of size 1, 2 or 4 at offset into the ECAM window. */
u32 hw_pci_host_config_read(struct hw_pci_host *host, u64 offset, unsigned size);
void hw_pci_host_config_write(struct hw_pci_host *host, u64 offset, u32 val, unsigned size);

/*
 * A bridge's bus-number or bridge control registers were written other than
 * through this host's window (iommusim_pci_config_write): routes are
 * looked up afresh.
 */
void hw_pci_host_routing_changed(struct hw_pci_host *host);

/* The ECAM window as the kernel ioremaps it. */
void hw_pci_host_ecam_mmio(struct hw_pci_host *host, struct hw_mmio *out);

#endif
