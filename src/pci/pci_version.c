/* The PCI core of each kernel (pci_version.h). */
#include "pci/pci_version.h"

const struct pci_version pci_linux_6_1 = {
	.acs_at_dma_configure = false,
};

const struct pci_version pci_linux_7_3 = {
	.acs_at_dma_configure = true,
};
