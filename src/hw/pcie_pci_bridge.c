/*
 * QEMU 7.2's "pcie-pci-bridge" (hw/pci-bridge/pcie_pci_bridge.c): a PCIe-to-
 * PCI bridge, Red Hat 1b36:000e, PCIe port type 7, always with an SHPC (so
 * slot 0 behind it takes no device). Its DMA carries its secondary bus.
 */
#include <errno.h>
#include "hw/qdev_types.h"
#include "hw/pci_qdev.h"

static const struct qdev_prop pcie_pci_bridge_props[] = {
	QDEV_ON_OFF_AUTO("msi", QDEV_AUTO, QDEV_DEFAULT_ONLY),
};

static int pcie_pci_bridge_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	struct hw_pci_fn *fn;
	int ret;

	if (!bus)
		return -EINVAL;
	fn = pci_qdev_fn_new(d);
	if (!fn)
		return -ENOMEM;
	fn->vendor = PCI_VENDOR_ID_REDHAT;
	fn->device = PCI_DEVICE_ID_REDHAT_PCIE_BRIDGE;
	fn->class = 0x060400;
	fn->header_type = 1;
	fn->pcie_type = HW_PCIE_PCI_BRIDGE;
	fn->shpc = true;	/* pcie_pci_bridge_realize always inits SHPC */
	ret = virt_pci_plug(b, bus, fn, d);
	if (ret) {
		virt_pci_fn_free(fn);
		return ret;
	}
	ret = pci_qdev_realize_rom(b, d, fn);
	if (ret)
		return ret;
	if (virt_pci_bridge_bus(b, fn, false)) {
		virt_pci_unplug(fn);
		return -ENOMEM;
	}
	return 0;
}

const struct hw_device_type pcie_pci_bridge_type = {
	.name = "pcie-pci-bridge",
	.parent = &pci_device_type,
	.bus = "PCI",
	.categories = 1u << QDEV_CAT_BRIDGE,
	QDEV_PROPS(pcie_pci_bridge_props),
	.realize = pcie_pci_bridge_realize,
};
