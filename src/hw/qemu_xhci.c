/*
 * QEMU 7.2's "qemu-xhci" (hw/usb/hcd-xhci-pci.c, hcd-xhci-nec.c's sibling):
 * Red Hat's USB 3 xHCI controller, 1b36:000d rev 1, class 0x0c0330, with
 * INTA, its registers in a 16 KiB 64-bit BAR 0, a PCIe endpoint capability
 * at 0xa0 when its bus is PCIe (a root complex integrated endpoint on
 * pcie.0) and MSI-X (16 vectors, table at 0x3000 and PBA at 0x3800 of
 * BAR 0) at 0x90 when the interrupt controller takes MSIs (msix=auto).
 * The reference kernel has no USB support: no driver probes it.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/pci_qdev.h"
#include "hw/pci_caps.h"
#include "hw/pci_msix.h"
#include "hw/pci_type_layouts.h"

#define PCI_DEVICE_ID_REDHAT_XHCI 0x000d
#define XHCI_REVISION 0x1
#define XHCI_MAXINTRS 16
#define XHCI_MMIO_SIZE 0x4000
#define XHCI_MSIX_CAP 0x90
#define XHCI_EXP_CAP 0xa0
#define XHCI_MSIX_TABLE 0x3000
#define XHCI_MSIX_PBA 0x3800
#define XHCI_SBRN 0x60		/* serial bus release number register */

static const struct qdev_prop qemu_xhci_props[] = {
	/* a USB host device to pass through: not modelled */
	QDEV_LINK("host", "link<device>", "device", QDEV_DEFAULT_ONLY),
	/* the root hub's USB 2 and USB 3 ports (QEMU caps both at 15): no answer shows the hub */
	QDEV_UINT32("p2", 4, QDEV_NO_EFFECT),
	QDEV_UINT32("p3", 4, QDEV_NO_EFFECT),
	QDEV_BIT("streams", true, QDEV_NO_EFFECT),
	QDEV_CHILD("xhci-core", "child<base-xhci>"),
};

/* usb_xhci_pci_realize(): header, BAR 0, the PCIe capability on a PCIe bus, then MSI-X */
int qemu_xhci_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	(void)board;
	int ret = hw_pci_layout_header(fn, fn->pcie_type != HW_PCIE_NONE);
	if (ret)
		return ret;
	hw_pci_set(fn->config, XHCI_SBRN, 1, 0x30);	/* USB 3.0 */
	ret = hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64,
				  XHCI_MMIO_SIZE);
	if (!ret && fn->pcie_type != HW_PCIE_NONE)
		ret = hw_pcie_endpoint_cap_init(fn, XHCI_EXP_CAP);
	if (ret >= 0 && fn->msix)
		ret = hw_msix_cap_init(fn, XHCI_MSIX_CAP, XHCI_MAXINTRS, 0, XHCI_MSIX_TABLE, 0, XHCI_MSIX_PBA);
	return ret < 0 ? ret : 0;
}

static int qemu_xhci_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	struct hw_pci_fn *fn;

	if (!bus)
		return -EINVAL;
	fn = pci_qdev_endpoint_fn_new(d, PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_XHCI, 0x0c0330);
	if (!fn)
		return -ENOMEM;
	fn->revision = XHCI_REVISION;
	fn->intx_pin = 1;
	if (bus->is_express)
		fn->pcie_type = bus->is_root ? HW_PCIE_RC_END : HW_PCIE_ENDPOINT;
	if (b->msi_nonbroken) {
		fn->msix = hw_msix_new(XHCI_MAXINTRS);
		if (!fn->msix) {
			virt_pci_fn_free(fn);
			return -ENOMEM;
		}
	}
	return pci_qdev_register(b, bus, d, fn);
}

const struct hw_device_type qemu_xhci_type = {
	.name = "qemu-xhci",
	.parent = &pci_device_type,
	.bus = "PCI",
	.categories = 1u << QDEV_CAT_USB,
	QDEV_PROPS(qemu_xhci_props),
	.realize = qemu_xhci_realize,
};
