/*
 * QEMU 7.2's "ich9-ahci" (hw/ide/ich.c; alias ahci): the ICH9 SATA
 * controller in AHCI mode, 8086:2922 rev 2, class 0x010601, a conventional
 * function (256 bytes of config on any bus) with INTA, the index/data pair
 * in I/O BAR 4 (32 bytes) and the AHCI registers in BAR 5 (4 KiB), a SATA
 * capability at 0xa8 and MSI (one vector, 64-bit) at 0x80 when the
 * interrupt controller takes MSIs. The reference kernel has no AHCI
 * driver: nothing probes it.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/pci_qdev.h"
#include "hw/pci_caps.h"
#include "hw/pci_type_layouts.h"

#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_DEVICE_ID_INTEL_82801IR 0x2922
#define ICH9_AHCI_REVISION 0x2
#define ICH9_IDP_BAR 4
#define ICH9_MEM_BAR 5
#define ICH9_IDP_SIZE 0x20
#define ICH9_MEM_SIZE 0x1000
#define ICH9_MSI_CAP_OFFSET 0x80
#define ICH9_SATA_CAP_OFFSET 0xa8
#define ICH9_SATA_CAP_SIZE 8
#define ICH9_AMR 0x90		/* address map register */
#define PCI_CAP_ID_SATA 0x12
#define ICH9_IDP_INDEX_LOG2 4

static const struct qdev_prop ich9_ahci_props[] = {
	QDEV_CHILD("ahci-idp[0]", "child<memory-region>"),
	QDEV_CHILD("ahci[0]", "child<memory-region>"),
};

/* pci_ich9_ahci_realize(): the header, AHCI mode, the BARs, the SATA capability, then MSI */
int ich9_ahci_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	int ret = hw_pci_layout_header(fn, false);
	if (ret)
		return ret;
	hw_pci_set(fn->config, ICH9_AMR, 1, 1u << 6);
	ret = hw_pci_register_bar(fn, ICH9_IDP_BAR, PCI_BASE_ADDRESS_SPACE_IO, ICH9_IDP_SIZE);
	if (!ret)
		ret = hw_pci_register_bar(fn, ICH9_MEM_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY, ICH9_MEM_SIZE);
	if (!ret)
		ret = hw_pci_add_capability(fn->config, PCI_CAP_ID_SATA, ICH9_SATA_CAP_OFFSET, ICH9_SATA_CAP_SIZE);
	if (ret < 0)
		return ret;
	/* revision 1.0; the BAR-relative index/data pair in BAR 4 at offset 0x10 */
	hw_pci_set(fn->config, ICH9_SATA_CAP_OFFSET + 2, 2, 0x10);
	hw_pci_set(fn->config, ICH9_SATA_CAP_OFFSET + 4, 4, (ICH9_IDP_BAR + 4) | ICH9_IDP_INDEX_LOG2 << 4);
	if (board->msi_nonbroken)
		ret = hw_msi_init(fn, ICH9_MSI_CAP_OFFSET, 1, true, false);
	return ret < 0 ? ret : 0;
}

static int ich9_ahci_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	struct hw_pci_fn *fn;

	if (!bus)
		return -EINVAL;
	fn = pci_qdev_endpoint_fn_new(d, PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_82801IR, 0x010601);
	if (!fn)
		return -ENOMEM;
	fn->revision = ICH9_AHCI_REVISION;
	fn->intx_pin = 1;
	return pci_qdev_register(b, bus, d, fn);
}

const struct hw_device_type ich9_ahci_type = {
	.name = "ich9-ahci",
	.parent = &pci_device_type,
	.alias = "ahci",
	.bus = "PCI",
	.categories = 1u << QDEV_CAT_STORAGE,
	QDEV_PROPS(ich9_ahci_props),
	.realize = ich9_ahci_realize,
};
