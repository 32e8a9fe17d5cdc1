/*
 * The config space of each PCI device type iommusim models, as QEMU 7.2's
 * realize functions lay it out (gpex-root: hw/pci-host/gpex.c;
 * pcie-root-port: hw/pci-bridge/pcie_root_port.c + gen_pcie_root_port.c;
 * pci-bridge: pci_bridge_dev.c; pcie-pci-bridge: pcie_pci_bridge.c;
 * virtio-*-pci: hw/virtio/virtio-pci.c realize and device_plugged).
 * Checked byte for byte against real QEMU 7.2 (tests/linux/pci_config_*).
 */
#include <errno.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "hw/pci_caps.h"
#include "hw/pci_layout.h"
#include "hw/pci_msix.h"
#include "hw/pci_reset.h"
#include "hw/pci_type_layouts.h"

#define PCI_VENDOR_ID_REDHAT 0x1b36

static bool has_children(const struct hw_pci_bus *bus)
{
	for (int i = 0; bus && i < 256; i++)
		if (bus->fn[i])
			return true;
	return false;
}

/* msix_init_exclusive_bar(): table at 0 and PBA in the upper half of a BAR of its own */
static int msix_exclusive_bar(struct hw_pci_fn *fn, u8 bar)
{
	const struct hw_msix *m = fn->msix;
	u64 size = 4096;
	while (size < (u64)m->pba_offset + ((m->nentries + 63) / 64) * 8)
		size *= 2;
	int ret = hw_msix_cap_init(fn, 0, m->nentries, bar, 0, bar, m->pba_offset);
	if (ret >= 0)
		ret = hw_pci_register_bar(fn, bar, PCI_BASE_ADDRESS_SPACE_MEMORY, size);
	return ret < 0 ? ret : 0;
}

/* gpex-root: the host bridge function at 00:00.0, no capabilities */
static int gpex_root_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	(void)board;
	return hw_pci_layout_header(fn, false);
}

/*
 * pcie-root-port: the bridge header with PCIe port registers, the
 * subsystem ID capability at 0x40, MSI-X (one vector, exclusive BAR 0), the
 * PCIe capability of a root port with its slot (16 GT/s x32 as
 * gen_pcie_root_port sets it), AER at 0x100 and ACS right after it.
 */
static int pcie_root_port_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	(void)board;
	fn->config = hw_pci_config_new(true);
	if (!fn->config)
		return -ENOMEM;
	struct hw_pci_header h = hw_pci_header_of(fn);
	h.interrupt_pin = 1;
	hw_pci_config_init_header(fn->config, &h);
	hw_pcie_port_init_reg(fn);
	int ret = hw_pci_bridge_ssvid_init(fn, 0x40, PCI_VENDOR_ID_REDHAT, 0);
	if (ret >= 0 && fn->msix)
		ret = msix_exclusive_bar(fn, 0);
	if (ret >= 0)
		ret = hw_pcie_cap_init(fn, 0, PCI_EXP_TYPE_ROOT_PORT, 0, HW_PCIE_LINK_16GT, 32);
	if (ret < 0)
		return ret;
	hw_pcie_cap_arifwd_init(fn);
	hw_pcie_cap_deverr_init(fn);
	hw_pcie_cap_slot_init(fn, fn->slot, fn->hotplug_slot, has_children(fn->secondary));
	hw_pcie_cap_root_init(fn);
	ret = hw_pcie_aer_init(fn, 2, 0x100, HW_PCI_ERR_SIZEOF, 8);
	if (ret >= 0 && fn->has_acs)
		ret = hw_pcie_acs_init(fn, 0x100 + HW_PCI_ERR_SIZEOF);
	return ret < 0 ? ret : 0;
}

/* pci-bridge: SHPC (with its BAR and INTA) when shpc=on, the slot ID capability, MSI with SHPC */
static int pci_bridge_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	fn->config = hw_pci_config_new(false);
	if (!fn->config)
		return -ENOMEM;
	struct hw_pci_header h = hw_pci_header_of(fn);
	h.interrupt_pin = fn->shpc ? 1 : 0;
	hw_pci_config_init_header(fn->config, &h);
	int ret = 0;
	if (fn->shpc)
		ret = hw_shpc_cap_init(fn, 0);
	if (ret >= 0)
		ret = hw_slotid_cap_init(fn, 0, fn->chassis, 0);
	/* MSI only serves the SHPC, and needs an MSI controller (msi_nonbroken) */
	if (ret >= 0 && fn->shpc && board->msi_nonbroken)
		ret = hw_msi_init(fn, 0, 1, true, true);
	if (ret >= 0 && fn->shpc)
		ret = hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64, 256);
	return ret < 0 ? ret : 0;
}

/* pcie-pci-bridge: SHPC, the PCIe capability of a PCIe-to-PCI bridge, PM, AER, MSI */
static int pcie_pci_bridge_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	fn->config = hw_pci_config_new(true);
	if (!fn->config)
		return -ENOMEM;
	struct hw_pci_header h = hw_pci_header_of(fn);
	h.interrupt_pin = 1;
	hw_pci_config_init_header(fn->config, &h);
	int ret = hw_shpc_cap_init(fn, 0);
	if (ret >= 0)
		ret = hw_pcie_cap_init(fn, 0, PCI_EXP_TYPE_PCI_BRIDGE, 0, 0, 0);
	if (ret >= 0)
		ret = hw_pci_pm_init(fn, 0);
	if (ret < 0)
		return ret;
	hw_pcie_cap_arifwd_init(fn);
	hw_pcie_cap_deverr_init(fn);
	ret = hw_pcie_aer_init(fn, 2, 0x100, HW_PCI_ERR_SIZEOF, 0);
	if (ret >= 0 && board->msi_nonbroken)
		ret = hw_msi_init(fn, 0, 1, true, true);
	if (ret >= 0)
		ret = hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64, 256);
	return ret < 0 ? ret : 0;
}

/*
 * the legacy I/O BAR: the common header (24 bytes with MSI-X) and the
 * device's config, a power of 2 (virtio-blk's config as far as its
 * discard and write-zeroes features reach; net's MAC and status)
 */
static u64 virtio_legacy_io_size(const struct hw_pci_fn *fn)
{
	switch (fn->virtio->id) {
	case HW_VIRTIO_BLK:
		/* without discard and write-zeroes the config ends before max_discard_sectors (36 bytes) */
		return (fn->virtio->features_off & (1ULL << 13 | 1ULL << 14)) == (1ULL << 13 | 1ULL << 14) ? 64 : 128;
	case HW_VIRTIO_NET: return 32;
	case HW_VIRTIO_SCSI: return 64;
	default: return 32;
	}
}

/*
 * virtio-*-pci: behind a PCIe port a modern function is PCIe (endpoint
 * capability with FLR, deverr and lnkctl, then PM); the modern interface's
 * vendor capabilities over BAR 4 (common, ISR, device, notify, PCI config
 * window); MSI-X in BAR 1 when the function has it; the legacy I/O BAR 0.
 */
static int virtio_pci_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	(void)board;
	if (!fn->virtio)
		return -EINVAL;
	bool express = fn->pcie_type != HW_PCIE_NONE;
	fn->config = hw_pci_config_new(express);
	if (!fn->config)
		return -ENOMEM;
	struct hw_pci_header h = hw_pci_header_of(fn);
	h.interrupt_pin = 1;
	hw_pci_config_init_header(fn->config, &h);
	int ret = 0;
	if (express) {
		ret = hw_pcie_endpoint_cap_init(fn, 0);
		if (ret >= 0)
			ret = hw_pci_pm_init(fn, 0);
		if (ret < 0)
			return ret;
		hw_pcie_cap_deverr_init(fn);
		hw_pcie_cap_lnkctl_init(fn);
		hw_pcie_cap_flr_init(fn);
	}
	if (fn->virtio->modern) {
		/* VIRTIO_PCI_CAP_COMMON_CFG, ISR_CFG, DEVICE_CFG, NOTIFY_CFG (4 bytes a queue), PCI_CFG */
		static const struct { u8 type; u32 offset; u8 len; } caps[] = {
			{ 1, 0x0000, 16 }, { 3, 0x1000, 16 }, { 4, 0x2000, 16 }, { 2, 0x3000, 20 },
		};
		for (size_t i = 0; ret >= 0 && i < ARRAY_SIZE(caps); i++)
			ret = hw_virtio_pci_add_cap(fn, caps[i].type, 4, caps[i].offset, 0x1000, caps[i].len, 4);
		if (ret >= 0)
			ret = hw_virtio_pci_add_cap(fn, 5, 0, 0, 0, 20, 0);
		if (ret >= 0)
			ret = hw_pci_register_bar(fn, 4, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64 |
						 PCI_BASE_ADDRESS_MEM_PREFETCH, 0x4000);
	}
	if (ret >= 0 && fn->msix)
		ret = msix_exclusive_bar(fn, 1);
	if (ret >= 0 && fn->virtio->legacy)
		ret = hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_IO, virtio_legacy_io_size(fn));
	return ret < 0 ? ret : 0;
}

/*
 * A type without a layout of its own: the description's IDs, a PCIe
 * capability of its port type, MSI-X in BAR 0, the ACS capability with the
 * description's bits at 0x100.
 */
static int generic_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	(void)board;
	bool express = fn->pcie_type != HW_PCIE_NONE;
	int ret = hw_pci_layout_header(fn, express);
	if (ret)
		return ret;
	if (express) {
		ret = hw_pcie_cap_init(fn, 0, (u8)fn->pcie_type, 0, 0, 0);
		if (ret >= 0 && (fn->pcie_type == HW_PCIE_ROOT_PORT || fn->pcie_type == HW_PCIE_DOWNSTREAM))
			hw_pcie_cap_slot_init(fn, fn->slot, fn->hotplug_slot, has_children(fn->secondary));
	}
	if (ret >= 0 && fn->msix)
		ret = msix_exclusive_bar(fn, 0);
	if (ret >= 0 && express && fn->has_acs) {
		struct hw_pci_config *c = fn->config;
		ret = hw_pcie_add_capability(c, PCI_EXT_CAP_ID_ACS, 1, 0x100, 8);
		if (!ret) {
			c->acs_cap = 0x100;
			hw_pci_set(c, 0x100 + PCI_ACS_CAP, 2, fn->acs_cap);
			hw_pci_set_wmask(c, 0x100 + PCI_ACS_CTRL, 2, fn->acs_cap);
		}
	}
	return ret < 0 ? ret : 0;
}

static const struct {
	const char *qemu_driver;
	hw_pci_layout_fn layout;
} layouts[] = {
	{ "gpex-root", gpex_root_layout },
	{ "pcie-root-port", pcie_root_port_layout },
	{ "pci-bridge", pci_bridge_layout },
	{ "pcie-pci-bridge", pcie_pci_bridge_layout },
	{ "virtio-blk-pci", virtio_pci_layout },
	{ "virtio-net-pci", virtio_pci_layout },
	{ "virtio-rng-pci", virtio_pci_layout },
	{ "virtio-blk-pci-transitional", virtio_pci_layout },
	{ "virtio-blk-pci-non-transitional", virtio_pci_layout },
	{ "virtio-net-pci-transitional", virtio_pci_layout },
	{ "virtio-net-pci-non-transitional", virtio_pci_layout },
	{ "virtio-rng-pci-transitional", virtio_pci_layout },
	{ "virtio-rng-pci-non-transitional", virtio_pci_layout },
	{ "virtio-scsi-pci-transitional", virtio_pci_layout },
	{ "virtio-scsi-pci-non-transitional", virtio_pci_layout },
	{ "ioh3420", ioh3420_layout },
	{ "x3130-upstream", xio3130_upstream_layout },
	{ "xio3130-downstream", xio3130_downstream_layout },
	{ "e1000", e1000_layout },
	{ "e1000e", e1000e_layout },
	{ "qemu-xhci", qemu_xhci_layout },
	{ "ich9-ahci", ich9_ahci_layout },
	{ "pxb-pcie", pxb_pcie_layout },
	{ "nvme", nvme_layout },
	{ "virtio-scsi-pci", virtio_pci_layout },
};

hw_pci_layout_fn hw_pci_layout_lookup(const char *qemu_driver)
{
	for (size_t i = 0; qemu_driver && i < ARRAY_SIZE(layouts); i++)
		if (!strcmp(layouts[i].qemu_driver, qemu_driver))
			return layouts[i].layout;
	return NULL;
}

/* QEMU's uncorrectable errors: the supported ones, and those masked at reset with x-pcie-err-unc-mask */
#define HW_AER_UNC_SUPPORTED 0x03fff030u
#define HW_AER_UNC_MASK_DEFAULT (PCI_ERR_UNC_INTN | PCI_ERR_UNC_TLPPRE)

/*
 * What pcie_cap_v1_fill() and pcie_aer_init() add from the PCIDevice's
 * cap_present bits, whichever helper put the capability there: the
 * Extended Tag Field Supported bit (x-pcie-ext-tag) and AER's writable
 * Uncorrectable Error Mask (x-pcie-err-unc-mask).
 */
static void pcie_cap_present_bits(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	struct hw_pci_config *c = fn->config;
	if (board->pcie_ext_tag && c->exp_cap)
		hw_pci_set(c, c->exp_cap + PCI_EXP_DEVCAP, 4,
			   hw_pci_get(c, c->exp_cap + PCI_EXP_DEVCAP, 4) | PCI_EXP_DEVCAP_EXT_TAG);
	/* the reset before the guest runs: a powered slot's indicator reads off (pcie_cap_slot_reset) */
	c->slot_reset_power_indicator_off = board->slot_reset_power_indicator_off;
	if (c->slot_reset_power_indicator_off && c->exp_cap &&
	    (hw_pci_get(c, c->exp_cap + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_SLOT) &&
	    (hw_pci_get(c, c->exp_cap + PCI_EXP_SLTCAP, 4) & PCI_EXP_SLTCAP_PCP))
		hw_pci_set(c, c->exp_cap + PCI_EXP_SLTCTL, 2,
			   hw_pci_get(c, c->exp_cap + PCI_EXP_SLTCTL, 2) | PCI_EXP_SLTCTL_PWR_IND_OFF);
	if (board->pcie_err_unc_mask && c->aer_cap) {
		hw_pci_set(c, c->aer_cap + PCI_ERR_UNCOR_MASK, 4, HW_AER_UNC_MASK_DEFAULT);
		hw_pci_set_wmask(c, c->aer_cap + PCI_ERR_UNCOR_MASK, 4, HW_AER_UNC_SUPPORTED);
	}
}

int hw_pci_layout_build(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	if (!fn || !board)
		return -EINVAL;
	if (fn->config)
		return 0;
	hw_pci_layout_fn layout = hw_pci_layout_lookup(fn->qemu_driver);
	int ret = (layout ? layout : generic_layout)(fn, board);
	/* pci_qdev_realize() adds the option ROM after the device's own realize */
	if (!ret && fn->rom_size)
		ret = hw_pci_register_bar(fn, HW_PCI_ROM_SLOT, 0, fn->rom_size);
	if (ret) {
		hw_pci_config_free(fn->config);
		fn->config = NULL;
		return ret;
	}
	pcie_cap_present_bits(fn, board);
	hw_pci_bridge_power_on(fn);
	/* the function's MSI-X state starts as its Message Control says: disabled, unmasked */
	if (fn->msix && fn->config->msix_cap)
		hw_msix_control_write(fn->msix, 0);
	return 0;
}

int hw_pci_layout_build_tree(struct hw_pci_bus *bus, const struct hw_pci_board *board)
{
	for (int i = 0; bus && i < 256; i++) {
		struct hw_pci_fn *fn = bus->fn[i];
		if (!fn)
			continue;
		int ret = hw_pci_layout_build(fn, board);
		if (!ret)
			ret = hw_pci_layout_build_tree(fn->secondary, board);
		if (ret)
			return ret;
	}
	return 0;
}

void hw_pci_layout_free_tree(struct hw_pci_bus *bus)
{
	for (int i = 0; bus && i < 256; i++) {
		struct hw_pci_fn *fn = bus->fn[i];
		if (!fn)
			continue;
		hw_pci_config_free(fn->config);
		fn->config = NULL;
		hw_pci_layout_free_tree(fn->secondary);
	}
}
