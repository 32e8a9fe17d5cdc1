/*
 * QEMU 7.2's "x3130-upstream" (hw/pci-bridge/xio3130_upstream.c): the
 * upstream port of a TI XIO3130 PCIe switch, 104c:8232 rev 2, on
 * "pcie-port". MSI (one vector, 64-bit) at 0x70, a subsystem ID capability
 * (0:0) at 0x80, the PCIe capability of an upstream port at 0x90, AER at
 * 0x100; no INTx pin, no slot, no ACS. Its secondary bus is where the
 * xio3130-downstream ports go.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/pci_bridge_common.h"
#include "hw/pci_caps.h"
#include "hw/xio3130_port.h"

#define XIO3130_UPSTREAM_DEVICE_ID 0x8232
#define XIO3130_UPSTREAM_REVISION 0x2

/* xio3130_upstream_realize(), in its order */
int xio3130_upstream_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	int ret = xio3130_port_caps_init(fn, board, PCI_EXP_TYPE_UPSTREAM);
	if (ret)
		return ret;
	hw_pcie_cap_flr_init(fn);
	hw_pcie_cap_deverr_init(fn);
	return xio3130_port_aer_init(fn);
}

static int xio3130_upstream_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_fn *fn = pci_bridge_fn_new(d, PCI_VENDOR_ID_TI, XIO3130_UPSTREAM_DEVICE_ID,
						 HW_PCIE_UPSTREAM);
	int ret;

	if (!fn)
		return -ENOMEM;
	fn->revision = XIO3130_UPSTREAM_REVISION;
	ret = pci_bridge_plug(b, d, fn);
	/* msi_init() without an MSI controller fails the realize */
	if (!ret)
		ret = pci_bridge_msi_required(b, fn, "MSI");
	return ret ? ret : pci_bridge_realize_finish(b, d, fn, true);
}

const struct hw_device_type xio3130_upstream_type = {
	.name = "x3130-upstream",
	.parent = &pcie_port_type,
	.bus = "PCI",
	.desc = "TI X3130 Upstream Port of PCI Express Switch",
	.categories = 1u << QDEV_CAT_BRIDGE,
	.realize = xio3130_upstream_realize,
};
