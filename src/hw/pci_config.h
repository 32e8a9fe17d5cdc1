/*
 * Config-space registers of a PCI function that the hardware keeps state in
 * and the kernel writes through ECAM: so far a bridge's bus-number registers
 * (the type 1 header's PCI_PRIMARY_BUS, PCI_SECONDARY_BUS and
 * PCI_SUBORDINATE_BUS bytes, which the kernel programs while it enumerates and
 * QEMU's pci_bus_num() reads back). The rest of config space is still read
 * from the description's fields (machine/hw_pci.h).
 */
#ifndef IOMMUSIM_HW_PCI_CONFIG_H
#define IOMMUSIM_HW_PCI_CONFIG_H

#include "machine/hw_pci.h"

#define HW_PCI_PRIMARY_BUS 0x18
#define HW_PCI_SECONDARY_BUS 0x19
#define HW_PCI_SUBORDINATE_BUS 0x1a
#define HW_PCI_SEC_LATENCY_TIMER 0x1b

/*
 * A config read of size 1, 2 or 4 at offset (aligned to its size): 0 and *val,
 * -EINVAL for a bad size or alignment, -EOPNOTSUPP for a register the model
 * does not keep (anything but a bridge's dword at 0x18; its latency timer
 * reads 0).
 */
int hw_pci_config_read(const struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 *val);
/* The write: the same errors; the bytes written land as on QEMU's bridge (all three bus numbers are RW). */
int hw_pci_config_write(struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 val);

#endif
