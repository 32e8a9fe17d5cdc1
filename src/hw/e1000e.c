/*
 * QEMU 7.2's "e1000e" (hw/net/e1000e.c): the Intel 82574L GbE controller,
 * 8086:10d3 rev 0, a PCIe endpoint (a version 1 PCIe capability; a root
 * complex integrated endpoint on pcie.0) with INTA, MSI-X (5 vectors in
 * BAR 3), MSI, power management, AER and a device serial number, its
 * subsystem IDs from subsys_ven/subsys (8086:0000 by default). No driver
 * of the reference kernel probes it (E1000E is not in its configuration).
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/e1000x_common.h"
#include "hw/pci_caps.h"
#include "hw/pci_msix.h"
#include "hw/pci_type_layouts.h"

#define E1000_DEV_ID_82574L 0x10d3
#define E1000E_MMIO_SIZE 0x20000
#define E1000E_FLASH_SIZE 0x20000
#define E1000E_IO_SIZE 0x20
#define E1000E_MSIX_SIZE 0x4000
#define E1000E_MSIX_VEC_NUM 5
#define E1000E_MSIX_IDX 3
#define E1000E_MSIX_TABLE 0x0000
#define E1000E_MSIX_PBA 0x2000
#define E1000E_MSIX_CAP 0xa0
#define E1000E_PCIE_CAP 0xe0
#define E1000E_MSI_CAP 0xd0
#define E1000E_PM_CAP 0xc8
#define E1000E_AER_CAP 0x100
#define E1000E_DSN_CAP 0x140
#define PCI_EXP_VER1_SIZEOF 0x14
#define PCI_EXT_CAP_DSN_SIZEOF_QEMU 0xc

static const struct qdev_prop e1000e_props[] = {
	{ .name = "bootindex", .kind = QDEV_PROP_INT32, .type = "int32", .effect = QDEV_NO_EFFECT },
	/* how QEMU offloads for its backend */
	{ .name = "disable_vnet_hdr", .kind = QDEV_PROP_UINT8, .type = "uint8",
	  .desc = "Do not use virtio headers, perform SW offloads emulation instead",
	  .has_default = true, .def.u = 0, .effect = QDEV_NO_EFFECT },
	QDEV_BOOL("init-vet", true, QDEV_NO_EFFECT),
	/* the address a driver would read, and the serial number (DSN) made from it */
	{ .name = "mac", .kind = QDEV_PROP_MACADDR, .type = "str",
	  .desc = "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56", .effect = QDEV_MODELLED },
	{ .name = "netdev", .kind = QDEV_PROP_STR, .type = "str",
	  .desc = "ID of a netdev to use as a backend", .effect = QDEV_MODELLED },
	{ .name = "subsys", .kind = QDEV_PROP_UINT16, .type = "uint16", .desc = "PCI device Subsystem ID",
	  .has_default = true, .def.u = 0, .effect = QDEV_MODELLED },
	{ .name = "subsys_ven", .kind = QDEV_PROP_UINT16, .type = "uint16",
	  .desc = "PCI device Subsystem Vendor ID", .has_default = true, .def.u = PCI_VENDOR_ID_INTEL,
	  .effect = QDEV_MODELLED },
};

/* pcie_endpoint_cap_v1_init(): the 20-byte version 1 capability, an x1 2.5 GT/s link */
static int pcie_endpoint_cap_v1(struct hw_pci_fn *fn, u8 offset)
{
	struct hw_pci_config *c = fn->config;
	u8 type = fn->pcie_type == HW_PCIE_RC_END ? PCI_EXP_TYPE_RC_END : PCI_EXP_TYPE_ENDPOINT;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_EXP, offset, PCI_EXP_VER1_SIZEOF);
	if (pos < 0)
		return pos;
	c->exp_cap = (u8)pos;
	hw_pci_set(c, pos + PCI_EXP_FLAGS, 2, (u32)(type << 4) | 1);
	hw_pci_set(c, pos + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_RBER);
	hw_pci_set(c, pos + PCI_EXP_LNKCAP, 4, PCI_EXP_LNKCAP_ASPM_L0S | 1u << 4 | 1u);
	hw_pci_set(c, pos + PCI_EXP_LNKSTA, 2, 1u << 4 | 1u);
	return pos;
}

/* e1000e_pci_realize(): BARs, then MSI-X, PCIe, MSI, PM (each new one heads the list), AER, DSN */
int e1000e_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	int ret = hw_pci_layout_header(fn, true);
	if (!ret)
		ret = hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, E1000E_MMIO_SIZE);
	if (!ret)
		ret = hw_pci_register_bar(fn, 1, PCI_BASE_ADDRESS_SPACE_MEMORY, E1000E_FLASH_SIZE);
	if (!ret)
		ret = hw_pci_register_bar(fn, 2, PCI_BASE_ADDRESS_SPACE_IO, E1000E_IO_SIZE);
	if (!ret)
		ret = hw_pci_register_bar(fn, E1000E_MSIX_IDX, PCI_BASE_ADDRESS_SPACE_MEMORY, E1000E_MSIX_SIZE);
	if (!ret && fn->msix)
		ret = hw_msix_cap_init(fn, E1000E_MSIX_CAP, E1000E_MSIX_VEC_NUM, E1000E_MSIX_IDX, E1000E_MSIX_TABLE,
				       E1000E_MSIX_IDX, E1000E_MSIX_PBA);
	if (ret >= 0)
		ret = pcie_endpoint_cap_v1(fn, E1000E_PCIE_CAP);
	if (ret >= 0 && board->msi_nonbroken)
		ret = hw_msi_init(fn, E1000E_MSI_CAP, 1, true, false);
	if (ret >= 0)
		ret = hw_pci_pm_init(fn, E1000E_PM_CAP);
	if (ret < 0)
		return ret;
	/* e1000e_add_pm_capability(): PM version 2 with device specific initialization */
	hw_pci_set(fn->config, E1000E_PM_CAP + PCI_PM_PMC, 2, PCI_PM_CAP_DSI | 2);
	ret = hw_pcie_aer_init(fn, 2, E1000E_AER_CAP, HW_PCI_ERR_SIZEOF, 0);
	if (ret >= 0)
		ret = hw_pcie_add_capability(fn->config, PCI_EXT_CAP_ID_DSN, 1, E1000E_DSN_CAP,
					     PCI_EXT_CAP_DSN_SIZEOF_QEMU);
	if (ret < 0)
		return ret;
	/* e1000e_gen_dsn(): the MAC's OUI, ff ff, then the rest of it, most significant byte first */
	const u8 *mac = fn->macaddr;
	u32 lo = (u32)mac[5] | (u32)mac[4] << 8 | (u32)mac[3] << 16 | 0xffu << 24;
	u32 hi = 0xffu | (u32)mac[2] << 8 | (u32)mac[1] << 16 | (u32)mac[0] << 24;
	hw_pci_set(fn->config, E1000E_DSN_CAP + 4, 4, lo);
	hw_pci_set(fn->config, E1000E_DSN_CAP + 8, 4, hi);
	return 0;
}

static int e1000e_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus;
	struct hw_pci_fn *fn;
	int ret = e1000x_realize_start(b, d, E1000_DEV_ID_82574L, &bus, &fn);

	if (ret)
		return ret;
	fn->subsystem_vendor = (u16)qdev_uint(d, "subsys_ven");
	fn->subsystem_device = (u16)qdev_uint(d, "subsys");
	fn->pcie_type = bus->is_express && bus->is_root ? HW_PCIE_RC_END : HW_PCIE_ENDPOINT;
	/* e1000e_init_msix(): without MSI support the function has the pin only */
	if (b->msi_nonbroken) {
		fn->msix = hw_msix_new(E1000E_MSIX_VEC_NUM);
		if (!fn->msix) {
			virt_pci_fn_free(fn);
			return -ENOMEM;
		}
	}
	return pci_qdev_register(b, bus, d, fn);
}

/* e1000e_class_init(): Debian's ipxe-qemu efi-e1000e.rom */
static const struct hw_option_rom efi_e1000e_rom = { "efi-e1000e.rom", 249856 };

const struct hw_device_type e1000e_type = {
	.name = "e1000e",
	.rom = &efi_e1000e_rom,
	.parent = &pci_device_type,
	.bus = "PCI",
	.desc = "Intel 82574L GbE Controller",
	.categories = 1u << QDEV_CAT_NETWORK,
	QDEV_PROPS(e1000e_props),
	.realize = e1000e_realize,
};
