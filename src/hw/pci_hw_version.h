/*
 * QEMU's PCI device models: what differs between the QEMU releases the
 * model answers as (src/machine/qemu_version.h). One field per behaviour,
 * named by the behaviour; pci_hw_version.c has each release's values.
 * Machine-type compat properties are not here: they are the machine's.
 */
#ifndef IOMMUSIM_HW_PCI_HW_VERSION_H
#define IOMMUSIM_HW_PCI_HW_VERSION_H

#include <stdbool.h>

struct pci_hw_version {
	/* PCIe functions advertise the Extended Tag Field in Device Capabilities (10.0) */
	bool devcap_ext_tag;
};

extern const struct pci_hw_version pci_hw_qemu_7_2, pci_hw_qemu_10_0;

#endif
