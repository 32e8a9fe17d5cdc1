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
#include "hw/pci_type_layouts.h"

#define PCI_VENDOR_ID_TI 0x104c
#define XIO3130_DOWNSTREAM_DEVICE_ID 0x8233
#define XIO3130_DOWNSTREAM_REVISION 0x1
#define XIO3130_MSI_OFFSET 0x70
#define XIO3130_SSVID_OFFSET 0x80
#define XIO3130_EXP_OFFSET 0x90
#define XIO3130_AER_OFFSET 0x100
#define PCI_ERR_SIZEOF_QEMU 0x48

/* xio3130_downstream_realize(), in its order */
int xio3130_downstream_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	int ret = hw_pci_layout_header(fn, true);
	if (ret)
		return ret;
	hw_pcie_port_init_reg(fn);
	if (board->msi_nonbroken)
		ret = hw_msi_init(fn, XIO3130_MSI_OFFSET, 1, true, false);
	if (ret >= 0)
		ret = hw_pci_bridge_ssvid_init(fn, XIO3130_SSVID_OFFSET, 0, 0);
	if (ret >= 0)
		ret = hw_pcie_cap_init(fn, XIO3130_EXP_OFFSET, PCI_EXP_TYPE_DOWNSTREAM, 0, 0, 0);
	if (ret < 0)
		return ret;
	struct hw_pci_config *c = fn->config;
	/* pcie_cap_fill_slot_lnk(): the slot's speed and width, 0 on this type */
	hw_pci_set(c, XIO3130_EXP_OFFSET + PCI_EXP_LNKCAP, 4,
		   hw_pci_get(c, XIO3130_EXP_OFFSET + PCI_EXP_LNKCAP, 4) & ~(u32)(PCI_EXP_LNKCAP_MLW | PCI_EXP_LNKCAP_SLS));
	hw_pci_set(c, XIO3130_EXP_OFFSET + PCI_EXP_LNKSTA, 2,
		   hw_pci_get(c, XIO3130_EXP_OFFSET + PCI_EXP_LNKSTA, 2) | PCI_EXP_LNKSTA_DLLLA);
	hw_pcie_cap_flr_init(fn);
	hw_pcie_cap_deverr_init(fn);
	hw_pcie_cap_slot_init(fn, fn->slot, fn->hotplug_slot, hw_pci_bus_occupied(fn->secondary));
	hw_pcie_cap_arifwd_init(fn);
	ret = hw_pcie_aer_init(fn, 2, XIO3130_AER_OFFSET, PCI_ERR_SIZEOF_QEMU, 8);
	return ret < 0 ? ret : 0;
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
