/* INTx routing through bridges to the host bridge's lines, and the reset of MSI-X state. */
#include "hw/pci_irq.h"
#include "hw/pci_msix.h"

#define HW_PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)

u32 hw_pci_intx_intid(const struct hw_pci_fn *fn)
{
	if (!fn || !fn->intx_pin || fn->intx_pin > 4 || !fn->bus)
		return 0;
	unsigned pin = fn->intx_pin - 1u;
	const struct hw_pci_fn *f = fn;
	/* each bridge maps its secondary bus's pins by the slot of the device behind it */
	while (f->bus->bridge) {
		pin = (pin + HW_PCI_SLOT(f->devfn)) % 4;
		f = f->bus->bridge;
		if (!f->bus)
			return 0;
	}
	/* the host bridge swizzles once more onto its four lines (virt's interrupt-map) */
	if (!f->bus->intx_intid)
		return 0;
	return f->bus->intx_intid + (pin + HW_PCI_SLOT(f->devfn)) % 4;
}

void hw_pci_reset_tree(struct hw_pci_bus *bus)
{
	if (!bus)
		return;
	for (int i = 0; i < 256; i++) {
		struct hw_pci_fn *fn = bus->fn[i];
		if (!fn)
			continue;
		hw_msix_reset(fn->msix);
		hw_pci_reset_tree(fn->secondary);
	}
}
