/*
 * QEMU's PCI device models: what differs between the QEMU releases the
 * model answers as (src/machine/qemu_version.h). One field per behaviour,
 * named by the behaviour; pci_hw_version.c has each release's values.
 * Machine-type compat properties are not here: they are the machine's
 * (the board's PCIDevice properties, hw/pci_layout.h, start from these).
 */
#ifndef IOMMUSIM_HW_PCI_HW_VERSION_H
#define IOMMUSIM_HW_PCI_HW_VERSION_H

#include <stdbool.h>

struct pci_hw_version {
	/*
	 * PCIe functions advertise the Extended Tag Field in Device Capabilities
	 * (x-pcie-ext-tag, default on since QEMU 9.2; hw_compat_9_1 turns it off)
	 */
	bool devcap_ext_tag;
	/*
	 * AER's Uncorrectable Error Mask is implemented: writable, internal
	 * errors and blocked TLP prefixes masked at reset (x-pcie-err-unc-mask,
	 * default on since QEMU 8.0; hw_compat_7_2 turns it off). 7.2: read-only 0.
	 */
	bool aer_unc_mask;
	/*
	 * pcie_cap_slot_reset() sets the Power Indicator Control to off before
	 * OR-ing in the power controller's on/off (QEMU 8.0, "set power indicator
	 * to off on reset by default"): a slot with a power controller reads
	 * "off" (11) even when occupied. 7.2: on (01) when device 0 is there.
	 */
	bool slot_reset_power_indicator_off;
};

extern const struct pci_hw_version pci_hw_qemu_7_2, pci_hw_qemu_10_0;

#endif
