/*
 * QEMU 7.2's generic PCIe root port, "pcie-root-port" (hw/pci-bridge/
 * gen_pcie_root_port.c on pcie_root_port.c's "pcie-root-port-base"):
 * Red Hat 1b36:000c, a type 1 header with a PCIe root port capability, a
 * hotplug slot, one MSI-X vector, and ACS unless disable-acs=on.
 */
#include <errno.h>
#include "hw/qdev_types.h"
#include "hw/pci_bridge_common.h"
#include "hw/pci_msix.h"

static const struct qdev_prop pcie_root_port_base_props[] = {
	/* rp_realize: no ACS extended capability, so Linux sees no isolation */
	QDEV_BOOL("disable-acs", false, QDEV_MODELLED),
};

const struct hw_device_type pcie_root_port_base_type = {
	.name = "pcie-root-port-base",
	.parent = &pcie_slot_type,
	.abstract = true,
	.bus = "PCI",
	QDEV_PROPS(pcie_root_port_base_props),
};

static const char *const pcie_link_speeds[] = { "2_5", "5", "8", "16", NULL };
static const char *const pcie_link_widths[] = { "1", "2", "4", "8", "12", "16", "32", NULL };

static const struct qdev_prop pcie_root_port_props[] = {
	PCI_BRIDGE_RESERVE_PROPS,
	QDEV_BOOL("x-migrate-msix", true, QDEV_NO_EFFECT),
	/* the link's speed and width: the sysfs link files show them */
	{ .name = "x-speed", .kind = QDEV_PROP_ENUM, .type = "PCIELinkSpeed",
	  .desc = "2_5/5/8/16", .has_default = true, .def.e = 3, .values = pcie_link_speeds,
	  .effect = QDEV_DEFAULT_ONLY },
	{ .name = "x-width", .kind = QDEV_PROP_ENUM, .type = "PCIELinkWidth",
	  .desc = "1/2/4/8/12/16/32", .has_default = true, .def.e = 6, .values = pcie_link_widths,
	  .effect = QDEV_DEFAULT_ONLY },
};

static int pcie_root_port_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_fn *fn = pci_bridge_fn_new(d, PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_PCIE_RP,
						 HW_PCIE_ROOT_PORT);
	int ret;

	if (!fn)
		return -ENOMEM;
	pcie_slot_props_apply(fn, d);
	/* rp_realize adds ACS at GEN_PCIE_ROOT_PORT_ACS_OFFSET; pcie_acs_init gives
	 * downstream ports SV, TB, RR, CR, UF, DT */
	if (!qdev_bool(d, "disable-acs")) {
		fn->has_acs = true;
		fn->acs_cap = PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR |
			      PCI_ACS_UF | PCI_ACS_DT;
	}
	fn->intx_pin = 1;
	ret = pci_bridge_plug(b, d, fn);
	if (ret)
		return ret;
	/* gen_rp_interrupts_init(): one exclusive-BAR MSI-X vector, in use from realize */
	ret = pci_bridge_msi_required(b, fn, "MSI-X");
	if (ret)
		return ret;
	fn->msix = hw_msix_new(1);
	if (!fn->msix) {
		virt_pci_unplug(fn);
		return -ENOMEM;
	}
	hw_msix_vector_use(fn->msix, 0);
	ret = pcie_slot_chassis_add(b, fn);
	if (ret)
		return ret;
	/* gen_rp_realize: the reserve capability after the port itself */
	ret = pci_bridge_reserve_check(b, d);
	if (ret) {
		virt_pci_unplug(fn);
		return ret;
	}
	return pci_bridge_realize_finish(b, d, fn, true);
}

const struct hw_device_type pcie_root_port_type = {
	.name = "pcie-root-port",
	.parent = &pcie_root_port_base_type,
	.bus = "PCI",
	.desc = "PCI Express Root Port",
	.categories = 1u << QDEV_CAT_BRIDGE,
	QDEV_PROPS(pcie_root_port_props),
	.realize = pcie_root_port_realize,
};
