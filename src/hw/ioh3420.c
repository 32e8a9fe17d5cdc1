/*
 * QEMU 7.2's "ioh3420" (hw/pci-bridge/ioh3420.c on pcie_root_port.c's
 * "pcie-root-port-base"): the Intel X58 IOH root port, 8086:3420 rev 2.
 * Unlike pcie-root-port it interrupts through MSI (2 vectors, 32-bit,
 * maskable, at 0x60), has no ACS capability (no acs_offset, so disable-acs
 * changes nothing) and keeps the 2.5 GT/s x1 link. Its subsystem ID
 * capability at 0x40 names Intel, the PCIe capability sits at 0x90, AER at
 * 0x100.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/pci_bridge_common.h"
#include "hw/pci_caps.h"
#include "hw/pci_type_layouts.h"

#define PCI_VENDOR_ID_INTEL 0x8086
#define IOH_EP_DEVICE_ID 0x3420
#define IOH_EP_REVISION 0x2
#define IOH_EP_SSVID_OFFSET 0x40
#define IOH_EP_MSI_OFFSET 0x60
#define IOH_EP_MSI_NR_VECTOR 2
#define IOH_EP_EXP_OFFSET 0x90
#define IOH_EP_AER_OFFSET 0x100

/* ioh3420_aer_vector(): message 1 when the guest enabled both MSI vectors, else 0 */
static u8 ioh3420_aer_vector(const struct hw_pci_fn *fn)
{
	const struct hw_pci_config *c = fn->config;
	if (!c || !c->msi_cap)
		return 0;
	u32 qsize = (hw_pci_get(c, c->msi_cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_QSIZE) >> 4;
	return qsize == 1 ? 1 : 0;
}

/* rp_realize() with ioh3420's class hooks, in its order */
int ioh3420_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	int ret = hw_pci_layout_header(fn, true);
	if (ret)
		return ret;
	hw_pcie_port_init_reg(fn);
	ret = hw_pci_bridge_ssvid_init(fn, IOH_EP_SSVID_OFFSET, PCI_VENDOR_ID_INTEL, 0);
	if (ret >= 0 && board->msi_nonbroken)
		ret = hw_msi_init(fn, IOH_EP_MSI_OFFSET, IOH_EP_MSI_NR_VECTOR, false, true);
	if (ret >= 0)
		ret = hw_pcie_cap_init(fn, IOH_EP_EXP_OFFSET, PCI_EXP_TYPE_ROOT_PORT, 0, 0, 0);
	if (ret < 0)
		return ret;
	/* x-pcie-lnksta-dllla: a root port's link reports the data link layer active */
	hw_pcie_cap_lnksta_dllla(fn);
	hw_pcie_cap_arifwd_init(fn);
	hw_pcie_cap_deverr_init(fn);
	hw_pcie_cap_slot_init(fn, fn->slot, fn->hotplug_slot, hw_pci_bus_occupied(fn->secondary));
	hw_pcie_cap_root_init(fn);
	ret = hw_pcie_aer_init(fn, 2, IOH_EP_AER_OFFSET, HW_PCI_ERR_SIZEOF, 8);
	return ret < 0 ? ret : 0;
}

static int ioh3420_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_fn *fn = pci_bridge_fn_new(d, PCI_VENDOR_ID_INTEL, IOH_EP_DEVICE_ID,
						 HW_PCIE_ROOT_PORT);
	int ret;

	if (!fn)
		return -ENOMEM;
	fn->revision = IOH_EP_REVISION;
	pcie_slot_props_apply(fn, d);
	fn->intx_pin = 1;
	fn->aer_vector = ioh3420_aer_vector;
	ret = pci_bridge_plug(b, d, fn);
	/* ioh3420_interrupts_init(): msi_init() refuses without an MSI controller */
	if (!ret)
		ret = pci_bridge_msi_required(b, fn, "MSI");
	if (!ret)
		ret = pcie_slot_chassis_add(b, fn);
	return ret ? ret : pci_bridge_realize_finish(b, d, fn, true);
}

const struct hw_device_type ioh3420_type = {
	.name = "ioh3420",
	.parent = &pcie_root_port_base_type,
	.bus = "PCI",
	.desc = "Intel IOH device id 3420 PCIE Root Port",
	.categories = 1u << QDEV_CAT_BRIDGE,
	.realize = ioh3420_realize,
};
