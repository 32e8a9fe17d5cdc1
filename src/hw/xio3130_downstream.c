/*
 * QEMU 7.2's "xio3130-downstream" (hw/pci-bridge/xio3130_downstream.c): a
 * downstream port of a TI XIO3130 PCIe switch, 104c:8233 rev 1, on
 * "pcie-slot": a hotplug slot numbered by chassis/slot (unique, as root
 * ports' are), MSI (one vector, 64-bit) at 0x70, a subsystem ID capability
 * (0:0) at 0x80, the PCIe capability of a downstream port at 0x90 (its link
 * capability without speed or width: the slot's are never set), AER at
 * 0x100. No INTx pin and, in 7.2, no ACS capability: the functions below
 * two downstream ports of one switch are not isolated from each other.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/pci_bridge_common.h"
#include "hw/pci_caps.h"
#include "hw/xio3130_port.h"

#define XIO3130_DOWNSTREAM_DEVICE_ID 0x8233
#define XIO3130_DOWNSTREAM_REVISION 0x1

/* xio3130_downstream_realize(), in its order */
int xio3130_downstream_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	int ret = xio3130_port_caps_init(fn, board, PCI_EXP_TYPE_DOWNSTREAM);
	if (ret)
		return ret;
	struct hw_pci_config *c = fn->config;
	/* pcie_cap_fill_slot_lnk(): the slot's speed and width, 0 on this type */
	hw_pci_set(c, c->exp_cap + PCI_EXP_LNKCAP, 4,
		   hw_pci_get(c, c->exp_cap + PCI_EXP_LNKCAP, 4) & ~(u32)(PCI_EXP_LNKCAP_MLW | PCI_EXP_LNKCAP_SLS));
	hw_pcie_cap_lnksta_dllla(fn);
	hw_pcie_cap_flr_init(fn);
	hw_pcie_cap_deverr_init(fn);
	hw_pcie_cap_slot_init(fn, fn->slot, fn->hotplug_slot, hw_pci_bus_occupied(fn->secondary));
	hw_pcie_cap_arifwd_init(fn);
	return xio3130_port_aer_init(fn);
}

static int xio3130_downstream_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_fn *fn = pci_bridge_fn_new(d, PCI_VENDOR_ID_TI, XIO3130_DOWNSTREAM_DEVICE_ID,
						 HW_PCIE_DOWNSTREAM);
	int ret;

	if (!fn)
		return -ENOMEM;
	fn->revision = XIO3130_DOWNSTREAM_REVISION;
	pcie_slot_props_apply(fn, d);
	ret = pci_bridge_plug(b, d, fn);
	if (!ret)
		ret = pci_bridge_msi_required(b, fn, "MSI");
	if (!ret)
		ret = pcie_slot_chassis_add(b, fn);
	return ret ? ret : pci_bridge_realize_finish(b, d, fn, true);
}

const struct hw_device_type xio3130_downstream_type = {
	.name = "xio3130-downstream",
	.parent = &pcie_slot_type,
	.bus = "PCI",
	.desc = "TI X3130 Downstream Port of PCI Express Switch",
	.categories = 1u << QDEV_CAT_BRIDGE,
	.realize = xio3130_downstream_realize,
};
