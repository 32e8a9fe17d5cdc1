/*
 * QEMU 7.2's "pxb" (hw/pci-bridge/pci_expander_bridge.c): the conventional
 * PCI expander bridge. It may sit only on a conventional root bus, and virt
 * has none (pcie.0 and pxb-pcie's buses are PCIe, a bridge's bus is no root
 * bus), so QEMU always refuses it there: this type gives its refusals, in
 * the order its realize checks.
 */
#include <errno.h>
#include "hw/qdev_types.h"
#include "hw/pci_qdev.h"

#define NUMA_NODE_UNASSIGNED 128	/* MAX_NODES */

static const struct qdev_prop pxb_props[] = {
	QDEV_UINT8("bus_nr", 0, QDEV_MODELLED),
	QDEV_BOOL("bypass_iommu", false, QDEV_NO_EFFECT),
	QDEV_UINT16("numa_node", NUMA_NODE_UNASSIGNED, QDEV_MODELLED),
};

static int pxb_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	unsigned numa_node = (unsigned)qdev_uint(d, "numa_node");
	struct hw_pci_fn *fn;
	int ret;

	if (!bus)
		return -EINVAL;
	/* on an expander's root bus do_pci_register_device() refuses it before its realize runs */
	if (bus->is_root && bus->bridge) {
		fn = pci_qdev_fn_new(d);
		if (!fn)
			return -ENOMEM;
		fn->vendor = PCI_VENDOR_ID_REDHAT;
		fn->device = 0x0009;	/* PCI_DEVICE_ID_REDHAT_PXB */
		fn->class = 0x060000;
		ret = virt_pci_plug(b, bus, fn, d);
		if (ret) {
			virt_pci_fn_free(fn);
			return ret;
		}
		virt_pci_unplug(fn);
	}
	/* the realize's checks come before a bridge's SHPC could refuse the slot */
	if (bus->is_express)
		return virt_fail(b, "pxb devices cannot reside on a PCIe bus");
	/* virt has NUMA support; -numa is not modelled, so there are no nodes */
	if (numa_node != NUMA_NODE_UNASSIGNED)
		return virt_fail(b, "Illegal numa node %u", numa_node);
	/* pxb_register_bus(): virt's conventional buses are all behind bridges */
	return virt_fail(b, "PXB devices can be attached only to root bus");
}

const struct hw_device_type pxb_type = {
	.name = "pxb",
	.parent = &pci_device_type,
	.bus = "PCI",
	.desc = "PCI Expander Bridge",
	.categories = 1u << QDEV_CAT_BRIDGE,
	QDEV_PROPS(pxb_props),
	.realize = pxb_realize,
};
