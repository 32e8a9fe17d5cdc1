/*
 * QEMU 7.2's "pxb-pcie" (hw/pci-bridge/pci_expander_bridge.c): a PCIe
 * expander bridge. On pcie.0 it is a host bridge function, Red Hat
 * 1b36:000b rev 0, class 0x060000, no capabilities, no pin; behind it QEMU
 * makes a new PCIe root bus numbered bus_nr (named by the pxb's id) that
 * takes only bridges (root ports...). Firmware would describe that root
 * bus to the OS (ACPI's _CRS); Linux on virt's DT knows only pcie.0, and
 * the pxb's header type 0 routes no config cycles: Linux sees the function
 * and nothing behind it.
 *
 * Where QEMU puts a PCI device without bus=: qbus_find_recursive() meets
 * the newest sysbus device's buses first, so after a pxb-pcie that is the
 * pxb's root bus (and only bridges go there).
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/pci_qdev.h"
#include "hw/pci_caps.h"
#include "hw/pci_type_layouts.h"

#define PCI_DEVICE_ID_REDHAT_PXB_PCIE 0x000b
#define NUMA_NODE_UNASSIGNED 128	/* MAX_NODES */

static const struct qdev_prop pxb_pcie_props[] = {
	QDEV_UINT8("bus_nr", 0, QDEV_MODELLED),
	/* the expander's own host bridge bypassing the SMMU: Linux never sees its bus */
	QDEV_BOOL("bypass_iommu", false, QDEV_NO_EFFECT),
	QDEV_UINT16("numa_node", NUMA_NODE_UNASSIGNED, QDEV_MODELLED),
};

/* pxb_dev_realize_common(): 66 MHz and fast back-to-back capable, a host bridge's class */
int pxb_pcie_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	(void)board;
	int ret = hw_pci_layout_header(fn, false);
	if (ret)
		return ret;
	hw_pci_set(fn->config, PCI_STATUS, 2, PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
	return 0;
}

/* pxb_register_bus(): the root bus's children may not share the new bus's number */
static bool bus_nr_in_use(const struct virt_build *b, unsigned bus_nr)
{
	if (b->pxb_bus_nrs[bus_nr / 32] & (1u << (bus_nr % 32)))
		return true;
	/* the bridges' secondary buses on pcie.0 number 0 until firmware or the OS numbers them */
	for (int i = 0; bus_nr == 0 && i < 256; i++) {
		const struct hw_pci_fn *f = b->m->pci_root->fn[i];
		if (f && f->secondary && f->header_type == 1)
			return true;
	}
	return false;
}

static int pxb_pcie_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	unsigned bus_nr = (unsigned)qdev_uint(d, "bus_nr");
	unsigned numa_node = (unsigned)qdev_uint(d, "numa_node");
	struct hw_pci_fn *fn;
	int ret;

	if (!bus)
		return -EINVAL;
	/* the realize refuses a conventional bus before a bridge's SHPC could refuse slot 0 */
	if (!bus->is_express)
		return virt_fail(b, "pxb-pcie devices cannot reside on a PCI bus");
	fn = pci_qdev_endpoint_fn_new(d, PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_PXB_PCIE, 0x060000);
	if (!fn)
		return -ENOMEM;
	ret = virt_pci_plug(b, bus, fn, d);
	if (ret) {
		virt_pci_fn_free(fn);
		return ret;
	}
	/* virt has NUMA support; -numa is not modelled, so there are no nodes */
	if (numa_node != NUMA_NODE_UNASSIGNED) {
		virt_pci_unplug(fn);
		return virt_fail(b, "Illegal numa node %u", numa_node);
	}
	if (!bus->is_root || bus->bridge) {
		virt_pci_unplug(fn);
		return virt_fail(b, "PXB devices can be attached only to root bus");
	}
	if (bus_nr_in_use(b, bus_nr)) {
		virt_pci_unplug(fn);
		return virt_fail(b, "Bus %u is already in use", bus_nr);
	}
	ret = pci_qdev_realize_rom(b, d, fn);
	if (ret)
		return ret;
	/* the expander's root bus: reachable by bus=ID and by default placement, never by Linux */
	fn->secondary = virt_pci_bus_new(true, true, fn->qemu_id, fn);
	if (!fn->secondary || (fn->qemu_id && idmap_put(&b->buses, fn->secondary->qemu_id, fn->secondary))) {
		virt_pci_unplug(fn);
		return -ENOMEM;
	}
	b->pxb_bus_nrs[bus_nr / 32] |= 1u << (bus_nr % 32);
	b->pxb_bus = fn->secondary;
	return 0;
}

const struct hw_device_type pxb_pcie_type = {
	.name = "pxb-pcie",
	.parent = &pci_device_type,
	.bus = "PCI",
	.desc = "PCI Express Expander Bridge",
	.categories = 1u << QDEV_CAT_BRIDGE,
	QDEV_PROPS(pxb_pcie_props),
	.realize = pxb_pcie_realize,
};
