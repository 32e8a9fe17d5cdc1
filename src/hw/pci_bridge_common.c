/*
 * Realize steps shared by QEMU 7.2's bridges and PCIe ports; see
 * pci_bridge_common.h.
 */
#include <errno.h>
#include "hw/pci_bridge_common.h"

#define PCI_CLASS_BRIDGE_PCI_PROGIF 0x060400

struct hw_pci_fn *pci_bridge_fn_new(const struct qdev *d, u16 vendor, u16 device,
				    enum hw_pcie_type pcie_type)
{
	struct hw_pci_fn *fn = pci_qdev_fn_new(d);

	if (!fn)
		return NULL;
	fn->vendor = vendor;
	fn->device = device;
	fn->class = PCI_CLASS_BRIDGE_PCI_PROGIF;
	fn->header_type = 1;
	fn->pcie_type = pcie_type;
	return fn;
}

int pci_bridge_plug(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	int ret;

	if (!bus) {
		virt_pci_fn_free(fn);
		return -EINVAL;
	}
	ret = virt_pci_plug(b, bus, fn, d);
	if (ret)
		virt_pci_fn_free(fn);
	return ret;
}

void pcie_slot_props_apply(struct hw_pci_fn *fn, const struct qdev *d)
{
	fn->hotplug_slot = qdev_bool(d, "hotplug");
	fn->chassis = (u8)qdev_uint(d, "chassis");
	fn->slot = (u16)qdev_uint(d, "slot");
}

int pcie_slot_chassis_add(struct virt_build *b, struct hw_pci_fn *fn)
{
	int ret = virt_pcie_chassis_add_slot(b, fn->chassis, fn->slot);

	if (!ret)
		return 0;
	virt_pci_unplug(fn);
	if (ret == -EBUSY)
		return virt_fail(b, "Can't add chassis slot, error %d", ret);
	return ret;
}

int pci_bridge_msi_required(struct virt_build *b, struct hw_pci_fn *fn, const char *what)
{
	if (b->msi_nonbroken)
		return 0;
	virt_pci_unplug(fn);
	return virt_fail(b, "%s is not supported by interrupt controller", what);
}

int pci_bridge_realize_finish(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn,
			      bool express)
{
	int ret = pci_qdev_realize_rom(b, d, fn);

	if (ret)
		return ret;
	if (virt_pci_bridge_bus(b, fn, express)) {
		virt_pci_unplug(fn);
		return -ENOMEM;
	}
	return 0;
}
