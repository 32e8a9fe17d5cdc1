/*
 * Config-space layouts of the PCI device types whose files keep their own
 * (hw_pci_layout_fn, hw/pci_layout.h): each lays fn->config out as its QEMU
 * 7.2 type's realize does. hw/pci_layout.c's table names them by QEMU type.
 * The helpers below are the description's header and slot presence.
 */
#ifndef IOMMUSIM_HW_PCI_TYPE_LAYOUTS_H
#define IOMMUSIM_HW_PCI_TYPE_LAYOUTS_H

#include "hw/pci_config.h"
#include "hw/pci_layout.h"

int ioh3420_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int xio3130_upstream_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int xio3130_downstream_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int e1000_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int e1000e_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int qemu_xhci_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int ich9_ahci_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int pxb_pcie_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);
int nvme_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board);

/* The header fields of fn's description (IDs, class, header type, pin). */
static inline struct hw_pci_header hw_pci_header_of(const struct hw_pci_fn *fn)
{
	return (struct hw_pci_header){
		.vendor = fn->vendor,
		.device = fn->device,
		.subsystem_vendor = fn->subsystem_vendor,
		.subsystem_device = fn->subsystem_device,
		.revision = fn->revision,
		.class = fn->class,
		.header_type = fn->header_type,
		.multifunction = fn->multifunction,
		.interrupt_pin = fn->intx_pin,
	};
}

/* A new config space for fn with its description's header: 0 or -ENOMEM. */
static inline int hw_pci_layout_header(struct hw_pci_fn *fn, bool express)
{
	fn->config = hw_pci_config_new(express);
	if (!fn->config)
		return -ENOMEM;
	struct hw_pci_header h = hw_pci_header_of(fn);
	hw_pci_config_init_header(fn->config, &h);
	return 0;
}

/* Whether a slot's bus has a device (cold plug sets Presence Detect). */
static inline bool hw_pci_bus_occupied(const struct hw_pci_bus *bus)
{
	for (int i = 0; bus && i < 256; i++)
		if (bus->fn[i])
			return true;
	return false;
}

#endif
