/*
 * QEMU 7.2's "pcie-pci-bridge" (hw/pci-bridge/pcie_pci_bridge.c): a PCIe-to-
 * PCI bridge, Red Hat 1b36:000e, PCIe port type 7, always with an SHPC (so
 * slot 0 behind it takes no device). Its DMA carries its secondary bus.
 */
#include <errno.h>
#include "hw/qdev_types.h"
#include "hw/pci_bridge_common.h"

static const struct qdev_prop pcie_pci_bridge_props[] = {
	QDEV_ON_OFF_AUTO("msi", QDEV_AUTO, QDEV_DEFAULT_ONLY),
};

static int pcie_pci_bridge_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_fn *fn = pci_bridge_fn_new(d, PCI_VENDOR_ID_REDHAT,
						 PCI_DEVICE_ID_REDHAT_PCIE_BRIDGE, HW_PCIE_PCI_BRIDGE);
	int ret;

	if (!fn)
		return -ENOMEM;
	fn->shpc = true;	/* pcie_pci_bridge_realize always inits SHPC */
	ret = pci_bridge_plug(b, d, fn);
	return ret ? ret : pci_bridge_realize_finish(b, d, fn, false);
}

const struct hw_device_type pcie_pci_bridge_type = {
	.name = "pcie-pci-bridge",
	.parent = &pci_device_type,
	.bus = "PCI",
	.categories = 1u << QDEV_CAT_BRIDGE,
	QDEV_PROPS(pcie_pci_bridge_props),
	.realize = pcie_pci_bridge_realize,
};
