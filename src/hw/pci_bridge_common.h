/*
 * The realize steps QEMU 7.2's bridges and PCIe ports share (hw/pci/
 * pci_bridge.c pci_bridge_initfn, hw/pci/pcie_port.c's pcie-slot, the
 * ports' msi_init checks): a type 1 function on the parent bus, the slot's
 * chassis/slot/hotplug, its pcie_chassis_add_slot(), and the secondary bus
 * once the option ROM checks passed. Each device's own file keeps its IDs,
 * properties and what it does between these steps.
 */
#ifndef IOMMUSIM_HW_PCI_BRIDGE_COMMON_H
#define IOMMUSIM_HW_PCI_BRIDGE_COMMON_H

#include "hw/pci_qdev.h"

/*
 * A new PCI-to-PCI bridge function for d (class 0x0604, type 1 header) of
 * vendor:device and PCIe port type pcie_type (HW_PCIE_NONE: conventional),
 * not on a bus yet; NULL (-ENOMEM).
 */
struct hw_pci_fn *pci_bridge_fn_new(const struct qdev *d, u16 vendor, u16 device,
				    enum hw_pcie_type pcie_type);
/*
 * fn on the bus d's bus= names, as pci_qdev_realize registers it: 0, or
 * -EINVAL with QEMU's message and fn freed.
 */
int pci_bridge_plug(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn);
/* "pcie-slot"'s chassis, slot and hotplug properties of d, into fn. */
void pcie_slot_props_apply(struct hw_pci_fn *fn, const struct qdev *d);
/*
 * pcie_chassis_add_slot() for the plugged fn's chassis/slot: 0, or an error
 * with fn unplugged (-EBUSY: QEMU's "Can't add chassis slot" message, -EINVAL).
 */
int pcie_slot_chassis_add(struct virt_build *b, struct hw_pci_fn *fn);
/*
 * A port's msi_init()/msix_init() without an MSI controller (what names
 * "MSI" or "MSI-X"): 0 when the board has one, else -EINVAL with QEMU's
 * message and the plugged fn unplugged.
 */
int pci_bridge_msi_required(struct virt_build *b, struct hw_pci_fn *fn, const char *what);
/*
 * The end of a bridge's realize: the option ROM checks, then its secondary
 * bus (PCIe when express). 0, or an error with fn unplugged.
 */
int pci_bridge_realize_finish(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn,
			      bool express);

#endif
