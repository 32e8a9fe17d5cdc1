/*
 * QEMU 7.2's "pci-bridge" (hw/pci-bridge/pci_bridge_dev.c): a conventional
 * PCI-to-PCI bridge, Red Hat 1b36:0001, with a standard hotplug controller
 * (shpc=on) and a slot ID capability that needs a chassis number.
 */
#include <errno.h>
#include "hw/qdev_types.h"
#include "hw/pci_bridge_common.h"

static const struct qdev_prop pci_bridge_dev_props[] = {
	PCI_BRIDGE_RESERVE_PROPS,
	QDEV_UINT8("chassis_nr", 0, QDEV_MODELLED),
	/* the bridge's own MSI capability (for its SHPC): not modelled */
	QDEV_ON_OFF_AUTO("msi", QDEV_AUTO, QDEV_DEFAULT_ONLY),
	QDEV_BIT("shpc", true, QDEV_MODELLED),
};

static int pci_bridge_dev_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_fn *fn = pci_bridge_fn_new(d, PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_BRIDGE,
						 HW_PCIE_NONE);
	int ret;

	if (!fn)
		return -ENOMEM;
	fn->shpc = qdev_bool(d, "shpc");
	fn->chassis = (u8)qdev_uint(d, "chassis_nr");
	ret = pci_bridge_plug(b, d, fn);
	if (ret)
		return ret;
	/* slotid_cap_init() */
	if (!fn->chassis) {
		virt_pci_unplug(fn);
		return virt_fail(b, "Bridge chassis not specified. Each bridge is required to be assigned a unique chassis id > 0.");
	}
	ret = pci_bridge_reserve_check(b, d);
	if (ret) {
		virt_pci_unplug(fn);
		return ret;
	}
	return pci_bridge_realize_finish(b, d, fn, false);
}

const struct hw_device_type pci_bridge_dev_type = {
	.name = "pci-bridge",
	.parent = &pci_device_type,
	.bus = "PCI",
	.desc = "Standard PCI Bridge",
	.categories = 1u << QDEV_CAT_BRIDGE,
	QDEV_PROPS(pci_bridge_dev_props),
	.realize = pci_bridge_dev_realize,
};
