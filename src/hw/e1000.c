/*
 * QEMU 7.2's "e1000" (hw/net/e1000.c; alias e1000-82540em): the Intel
 * 82540EM Gigabit Ethernet controller, 8086:100e rev 3, a conventional PCI
 * function (no capabilities: 256 bytes of config even on a PCIe bus) with
 * INTA, its registers in BAR 0 (128 KiB) and an I/O BAR 1 (64 bytes).
 * The reference kernel's configuration (src/kconfig/linux_6_1.c) has no
 * E1000 driver, so Linux enumerates it and nothing probes it: no group, a
 * 32-bit DMA mask.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/e1000x_common.h"
#include "hw/pci_caps.h"
#include "hw/pci_type_layouts.h"

#define E1000_DEV_ID_82540EM 0x100e
#define E1000_REVISION 0x3
#define E1000_MMIO_SIZE 0x20000
#define E1000_IO_SIZE 0x40

static const struct qdev_prop e1000_props[] = {
	/* link negotiation, interrupt mitigation, MAC registers and migration: device internals */
	QDEV_BIT("autonegotiation", true, QDEV_NO_EFFECT),
	{ .name = "bootindex", .kind = QDEV_PROP_INT32, .type = "int32", .effect = QDEV_NO_EFFECT },
	QDEV_BIT("extra_mac_registers", true, QDEV_NO_EFFECT),
	QDEV_BIT("init-vet", true, QDEV_NO_EFFECT),
	/* the address a driver would read: no driver reads it */
	{ .name = "mac", .kind = QDEV_PROP_MACADDR, .type = "str",
	  .desc = "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56", .effect = QDEV_NO_EFFECT },
	QDEV_BIT("migrate_tso_props", true, QDEV_NO_EFFECT),
	QDEV_BIT("mitigation", true, QDEV_NO_EFFECT),
	{ .name = "netdev", .kind = QDEV_PROP_STR, .type = "str",
	  .desc = "ID of a netdev to use as a backend", .effect = QDEV_MODELLED },
};

/* pci_e1000_realize(): the header, the MMIO and I/O BARs */
int e1000_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	(void)board;
	int ret = hw_pci_layout_header(fn, false);
	if (!ret)
		ret = hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, E1000_MMIO_SIZE);
	if (!ret)
		ret = hw_pci_register_bar(fn, 1, PCI_BASE_ADDRESS_SPACE_IO, E1000_IO_SIZE);
	return ret;
}

static int e1000_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus;
	struct hw_pci_fn *fn;
	int ret = e1000x_realize_start(b, d, E1000_DEV_ID_82540EM, &bus, &fn);

	if (ret)
		return ret;
	fn->revision = E1000_REVISION;
	return pci_qdev_register(b, bus, d, fn);
}

/* e1000_class_init(): Debian's ipxe-qemu efi-e1000.rom */
static const struct hw_option_rom efi_e1000_rom = { "efi-e1000.rom", 249856 };

const struct hw_device_type e1000_type = {
	.name = "e1000",
	.rom = &efi_e1000_rom,
	.parent = &pci_device_type,
	.alias = "e1000-82540em",
	.bus = "PCI",
	.desc = "Intel Gigabit Ethernet",
	.categories = 1u << QDEV_CAT_NETWORK,
	QDEV_PROPS(e1000_props),
	.realize = e1000_realize,
};
