/*
 * What QEMU 7.2's e1000 and e1000e share (hw/net/e1000x_common.c and their
 * realize functions' first steps): an Intel Ethernet controller function
 * with INTA whose netdev= backend is claimed before it realizes.
 */
#ifndef IOMMUSIM_HW_E1000X_COMMON_H
#define IOMMUSIM_HW_E1000X_COMMON_H

#include "hw/pci_qdev.h"

#define PCI_VENDOR_ID_INTEL 0x8086

/*
 * The start of an e1000 family realize: d's bus, its netdev claimed, then a
 * new 8086:device Ethernet controller function (class 0x0200) with INTA and
 * QEMU's default subsystem IDs, not on the bus yet. 0, or -EINVAL with
 * QEMU's message or -ENOMEM, with nothing allocated.
 */
int e1000x_realize_start(struct virt_build *b, const struct qdev *d, u16 device,
			 struct hw_pci_bus **bus, struct hw_pci_fn **fn);

#endif
