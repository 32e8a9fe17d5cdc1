/*
 * A PCIe function's link bandwidth (drivers/pci/pci.c: pcie_bandwidth_capable,
 * pcie_bandwidth_available, __pcie_print_link_status).
 */
#ifndef IOMMUSIM_PCI_PCIE_BW_H
#define IOMMUSIM_PCI_PCIE_BW_H

struct pci_dev;

/*
 * pcie_report_downtraining(): for function 0 of a PCIe endpoint or switch
 * upstream port, when a link on its way up to the root bus (its own
 * included; a conventional bridge reads as an Unknown x0 link) carries less
 * than its own link could, "N Gb/s available PCIe bandwidth, limited by ...".
 * Both kernels, at enumeration.
 */
void pcie_report_downtraining(struct pci_dev *dev);

#endif
