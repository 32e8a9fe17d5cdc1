/*
 * : what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; pci_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_PCI_PCI_VERSION_H
#define IOMMUSIM_PCI_PCI_VERSION_H

#include <stdbool.h>

struct pci_version {
	/*
	 * pci_enable_acs() runs from pci_dma_configure() (7.3): a port's ACS
	 * control is written when the IOMMU configures the function. 6.1 enables
	 * it at enumeration only when pci_request_acs() ran before, which on a
	 * DT machine it has not.
	 */
	bool acs_at_dma_configure;
};

extern const struct pci_version pci_linux_6_1, pci_linux_7_3;

#endif
