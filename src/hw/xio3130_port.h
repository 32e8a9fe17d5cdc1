/*
 * What the two ports of QEMU 7.2's TI XIO3130 switch model lay out alike
 * (hw/pci-bridge/xio3130_upstream.c, xio3130_downstream.c): MSI at 0x70,
 * a subsystem ID capability (0:0) at 0x80, the PCIe capability at 0x90,
 * AER at 0x100.
 */
#ifndef IOMMUSIM_HW_XIO3130_PORT_H
#define IOMMUSIM_HW_XIO3130_PORT_H

#include "hw/pci_type_layouts.h"

#define PCI_VENDOR_ID_TI 0x104c

/*
 * A port's realize up to its PCIe capability of type exp_type (a PCI_EXP_TYPE_*):
 * the type 1 header, pcie_port_init_reg(), one 64-bit MSI vector (with an
 * MSI controller), the subsystem ID, the PCIe capability. 0 or an error.
 */
int xio3130_port_caps_init(struct hw_pci_fn *fn, const struct hw_pci_board *board, u8 exp_type);
/* pcie_aer_init() at 0x100 with the port's 8-deep header log: 0 or an error. */
int xio3130_port_aer_init(struct hw_pci_fn *fn);

#endif
