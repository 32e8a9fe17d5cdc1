/*
 * How a PCI function's interrupts leave it, on the hardware side: its INTx
 * pin, swizzled by every bridge on the way up (QEMU's pci_swizzle_map_irq_fn,
 * (pin + slot) % 4 at each level) onto one of the host bridge's four lines,
 * which the board wires to GIC SPIs; and its MSI-X table and bus-number
 * registers, reset with the machine.
 */
#ifndef IOMMUSIM_HW_PCI_IRQ_H
#define IOMMUSIM_HW_PCI_IRQ_H

#include "machine/hw_pci.h"

/* The GIC INTID fn's INTx pin reaches, or 0 when it has no pin or no wiring. */
u32 hw_pci_intx_intid(const struct hw_pci_fn *fn);
/* System reset: every MSI-X table and bridge bus-number register below bus back to its reset state. */
void hw_pci_reset_tree(struct hw_pci_bus *bus);

#endif
