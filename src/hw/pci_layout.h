/*
 * Each QEMU 7.2 PCI device type's config space, built once when the board
 * realizes its devices: a table keyed by QEMU type name (fn->qemu_driver),
 * each entry a layout function that makes fn->config from the description's
 * fields with hw/pci_config.h and hw/pci_caps.h, in the order the QEMU type's
 * realize adds them. A device file that builds its own config space sets
 * fn->config itself and is left alone; a type without an entry gets a
 * generic layout from the description (IDs, PCIe capability, MSI-X, ACS).
 */
#ifndef IOMMUSIM_HW_PCI_LAYOUT_H
#define IOMMUSIM_HW_PCI_LAYOUT_H

#include "machine/hw_pci.h"

/*
 * What the board tells every layout: whether the interrupt controller takes
 * MSIs (msi_nonbroken), and the PCIDevice properties every PCIe function
 * gets from the QEMU release and machine type (the release's default,
 * hw/pci_hw_version.h, unless a machine type's compat properties turn it off).
 */
struct nvme_hw_version;

struct hw_pci_board {
	bool msi_nonbroken;
	/* x-pcie-ext-tag: Device Capabilities offer the 8-bit Tag field (QEMU 9.2+; off for virt-9.1 and older) */
	bool pcie_ext_tag;
	/*
	 * x-pcie-err-unc-mask: AER's Uncorrectable Error Mask is writable and
	 * starts with internal errors and blocked TLP prefixes masked (QEMU 8.0+;
	 * off for virt-7.2 and older); without it the register reads 0, read-only
	 */
	bool pcie_err_unc_mask;
	/* the release's pcie_cap_slot_reset() leaves the power indicator off (pci_hw_version.h) */
	bool slot_reset_power_indicator_off;
	const struct nvme_hw_version *nvme;	/* the release's nvme controller (NULL: 7.2's) */
};

typedef int (*hw_pci_layout_fn)(struct hw_pci_fn *fn, const struct hw_pci_board *board);

/* The layout of a QEMU type name, or NULL when it has none of its own. */
hw_pci_layout_fn hw_pci_layout_lookup(const char *qemu_driver);

/*
 * Give fn a config space (its type's layout, else the generic one) unless it
 * has one already. 0, -ENOMEM, or -EINVAL when the layout does not fit
 * (capabilities overlap: a device QEMU would refuse). fn unchanged on error.
 */
int hw_pci_layout_build(struct hw_pci_fn *fn, const struct hw_pci_board *board);
/* Every function of the tree below bus, bus by bus in devfn order. */
int hw_pci_layout_build_tree(struct hw_pci_bus *bus, const struct hw_pci_board *board);
/* Release every function's config space below bus (the board owns them). */
void hw_pci_layout_free_tree(struct hw_pci_bus *bus);

#endif
