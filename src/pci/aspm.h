/*
 * PCIe Active State Power Management (drivers/pci/pcie/aspm.c): the link
 * state a downstream port gets once a slot below it is scanned.
 */
#ifndef IOMMUSIM_PCI_ASPM_H
#define IOMMUSIM_PCI_ASPM_H

struct pci_dev;

/*
 * pcie_aspm_init_link_state(): for a root port on the root bus, a switch
 * downstream port or a PCI-to-PCIe bridge with functions below, the link to
 * its function 0 (a PCIe-to-PCI bridge such as pcie-pci-bridge has no link
 * below it, whatever sits there). Linux 7.3 on a DT platform makes the L0s/L1 both ends
 * support the default and logs them on function 0 ("ASPM: default states
 * L0s"); a conventional function below, or a PCIe one without role-based
 * error reporting (pre-1.1), keeps ASPM off. Nothing else is modelled:
 * QEMU's Link Control ASPM bits are not writable.
 */
void pcie_aspm_init_link_state(struct pci_dev *pdev);

#endif
