/* QEMU's PCI device models of each release (pci_hw_version.h). */
#include "hw/pci_hw_version.h"

const struct pci_hw_version pci_hw_qemu_7_2 = {
	.devcap_ext_tag = false,
	.aer_unc_mask = false,
	.slot_reset_power_indicator_off = false,
};

const struct pci_hw_version pci_hw_qemu_10_0 = {
	.devcap_ext_tag = true,
	.aer_unc_mask = true,
	.slot_reset_power_indicator_off = true,
};
