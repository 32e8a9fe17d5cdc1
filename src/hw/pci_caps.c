/* QEMU 7.2's capability helpers: register values and write masks as its devices set them. */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/pci_caps.h"

/* QEMU's pcie_regs.h: what its devices support of the AER status bits */
#define HW_PCI_EXP_VER2_SIZEOF 0x3c	/* QEMU's PCIe capability, version 2 */
#define HW_AER_UNC_SUPPORTED 0x03fff030u	/* DLP .. TLP prefix blocked */
#define HW_AER_UNC_SEVERITY_DEFAULT 0x00462030u
#define HW_AER_COR_SUPPORTED 0x0000f1c1u
#define HW_AER_COR_MASK_DEFAULT 0x0000e000u	/* advisory non-fatal, internal, header log overflow */
#define HW_AER_ROOT_CMD_EN_MASK 0x7u
#define HW_AER_ROOT_STATUS_REPORT_MASK 0x7fu

static void set_bits(struct hw_pci_config *c, unsigned off, unsigned size, u32 bits)
{
	hw_pci_set(c, off, size, hw_pci_get(c, off, size) | bits);
}

static u32 get_mask(const u8 *mask, unsigned off, unsigned size)
{
	u32 v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | mask[off + i];
	return v;
}

static void or_wmask(struct hw_pci_config *c, unsigned off, unsigned size, u32 bits)
{
	hw_pci_set_wmask(c, off, size, get_mask(c->wmask, off, size) | bits);
}

static void or_w1cmask(struct hw_pci_config *c, unsigned off, unsigned size, u32 bits)
{
	hw_pci_set_w1cmask(c, off, size, get_mask(c->w1cmask, off, size) | bits);
}

void hw_pcie_cap_lnksta_dllla(struct hw_pci_fn *fn)
{
	set_bits(fn->config, fn->config->exp_cap + PCI_EXP_LNKSTA, 2, PCI_EXP_LNKSTA_DLLLA);
}

int hw_pcie_cap_init(struct hw_pci_fn *fn, u8 offset, u8 type, u8 port, enum hw_pcie_link_speed speed,
		     unsigned width)
{
	struct hw_pci_config *c = fn->config;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_EXP, offset, HW_PCI_EXP_VER2_SIZEOF);
	if (pos < 0)
		return pos;
	c->exp_cap = (u8)pos;
	/* pcie_cap_v1_fill(): version 2, role-based errors, an x1 2.5 GT/s link with L0s */
	hw_pci_set(c, pos + PCI_EXP_FLAGS, 2, (u32)(type << 4) & PCI_EXP_FLAGS_TYPE) ;
	set_bits(c, pos + PCI_EXP_FLAGS, 2, 2);
	hw_pci_set(c, pos + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_RBER);
	hw_pci_set(c, pos + PCI_EXP_LNKCAP, 4, (u32)port << 24 | PCI_EXP_LNKCAP_ASPM_L0S | 1u << 4 | 1u);
	hw_pci_set(c, pos + PCI_EXP_LNKSTA, 2, 1u << 4 | 1u);
	/* pcie_cap_fill_slot_lnk(): a slot's configured link */
	if (speed) {
		u32 lnkcap = hw_pci_get(c, pos + PCI_EXP_LNKCAP, 4) & ~(PCI_EXP_LNKCAP_MLW | PCI_EXP_LNKCAP_SLS);
		lnkcap |= (width << 4) & PCI_EXP_LNKCAP_MLW;
		lnkcap |= (u32)speed & PCI_EXP_LNKCAP_SLS;
		if (width > 1 || speed > HW_PCIE_LINK_2_5GT)
			lnkcap |= PCI_EXP_LNKCAP_LBNC;
		if (speed > HW_PCIE_LINK_2_5GT) {
			lnkcap |= PCI_EXP_LNKCAP_DLLLARC;
			set_bits(c, pos + PCI_EXP_LNKSTA, 2, PCI_EXP_LNKSTA_DLLLA);
			hw_pci_set(c, pos + PCI_EXP_LNKCTL2, 2, (u32)speed & PCI_EXP_LNKCTL2_TLS);
		}
		hw_pci_set(c, pos + PCI_EXP_LNKCAP, 4, lnkcap);
		if (speed > HW_PCIE_LINK_5GT) {
			u32 sls = PCI_EXP_LNKCAP2_SLS_2_5GB | PCI_EXP_LNKCAP2_SLS_5_0GB | PCI_EXP_LNKCAP2_SLS_8_0GB;
			if (speed > HW_PCIE_LINK_8GT)
				sls |= PCI_EXP_LNKCAP2_SLS_16_0GB;
			hw_pci_set(c, pos + PCI_EXP_LNKCAP2, 4, sls);
		}
	}
	/* version 2: extended fmt field and end-end TLP prefix supported */
	hw_pci_set(c, pos + PCI_EXP_DEVCAP2, 4, 0x00100000u | PCI_EXP_DEVCAP2_EE_PREFIX);
	hw_pci_set_wmask(c, pos + PCI_EXP_DEVCTL2, 2, 0x8000 /* end-end TLP prefix blocking */);
	return pos;
}

int hw_pcie_endpoint_cap_init(struct hw_pci_fn *fn, u8 offset)
{
	u8 type = PCI_EXP_TYPE_ENDPOINT;
	/* Windows wants integrated endpoints on a root complex: QEMU says so on a PCIe root bus */
	if (fn->bus && fn->bus->is_express && fn->bus->is_root)
		type = PCI_EXP_TYPE_RC_END;
	return hw_pcie_cap_init(fn, offset, type, 0, 0, 0);
}

void hw_pcie_cap_deverr_init(struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	unsigned pos = c->exp_cap;
	set_bits(c, pos + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_RBER);
	or_wmask(c, pos + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE |
						  PCI_EXP_DEVCTL_URRE);
	or_w1cmask(c, pos + PCI_EXP_DEVSTA, 2, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_FED |
						   PCI_EXP_DEVSTA_URD);
}

void hw_pcie_cap_lnkctl_init(struct hw_pci_fn *fn)
{
	or_wmask(fn->config, fn->config->exp_cap + PCI_EXP_LNKCTL, 2, PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES);
}

void hw_pcie_cap_arifwd_init(struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	set_bits(c, c->exp_cap + PCI_EXP_DEVCAP2, 4, PCI_EXP_DEVCAP2_ARI);
	or_wmask(c, c->exp_cap + PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_ARI);
}

void hw_pcie_cap_flr_init(struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	set_bits(c, c->exp_cap + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_FLR);
	or_wmask(c, c->exp_cap + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR);
}

void hw_pcie_cap_root_init(struct hw_pci_fn *fn)
{
	hw_pci_set_wmask(fn->config, fn->config->exp_cap + PCI_EXP_RTCTL, 2,
			 PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE | PCI_EXP_RTCTL_SEFEE);
}

void hw_pcie_cap_slot_init(struct hw_pci_fn *fn, u16 slot, bool hotplug, bool present)
{
	struct hw_pci_config *c = fn->config;
	unsigned pos = c->exp_cap;
	set_bits(c, pos + PCI_EXP_FLAGS, 2, PCI_EXP_FLAGS_SLOT);
	u32 sltcap = (u32)slot << 19 | PCI_EXP_SLTCAP_EIP | PCI_EXP_SLTCAP_PIP | PCI_EXP_SLTCAP_AIP |
		     PCI_EXP_SLTCAP_ABP | PCI_EXP_SLTCAP_PCP;
	if (hotplug)
		sltcap |= PCI_EXP_SLTCAP_HPS | PCI_EXP_SLTCAP_HPC;
	hw_pci_set(c, pos + PCI_EXP_SLTCAP, 4, sltcap);
	/*
	 * Slot Control's writable fields (the interlock control always reads 0;
	 * no link-state or power-fault enables), and its state after
	 * pcie_cap_slot_reset(): attention indicator off, the power controller
	 * (power indicator on) powering the slot only when device 0 is there
	 */
	hw_pci_set_wmask(c, pos + PCI_EXP_SLTCTL, 2,
			 PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC | PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_CCIE |
			 PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PCC);
	u32 sltctl = PCI_EXP_SLTCTL_ATTN_IND_OFF;
	sltctl |= present ? PCI_EXP_SLTCTL_PWR_IND_ON : PCI_EXP_SLTCTL_PWR_IND_OFF | PCI_EXP_SLTCTL_PCC;
	hw_pci_set(c, pos + PCI_EXP_SLTCTL, 2, sltctl);
	hw_pci_set_w1cmask(c, pos + PCI_EXP_SLTSTA, 2,
			   PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD | PCI_EXP_SLTSTA_MRLSC | PCI_EXP_SLTSTA_PDC |
			   PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_DLLSC);
	if (present)
		hw_pci_set(c, pos + PCI_EXP_SLTSTA, 2, PCI_EXP_SLTSTA_PDS);
}

void hw_pcie_port_init_reg(struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	/* 66 MHz and fast back-to-back do not apply to a PCIe port */
	hw_pci_set(c, PCI_STATUS, 2, hw_pci_get(c, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	hw_pci_set(c, PCI_SEC_STATUS, 2, 0);
	u32 hardwired = PCI_BRIDGE_CTL_MASTER_ABORT | PCI_BRIDGE_CTL_FAST_BACK | 0x100 | 0x200 | 0x400 | 0x800;
	hw_pci_set_wmask(c, PCI_BRIDGE_CONTROL, 2, get_mask(c->wmask, PCI_BRIDGE_CONTROL, 2) & ~hardwired);
	hw_pci_set_w1cmask(c, PCI_BRIDGE_CONTROL, 2, get_mask(c->w1cmask, PCI_BRIDGE_CONTROL, 2) & ~hardwired);
}

int hw_pcie_aer_init(struct hw_pci_fn *fn, u8 ver, u16 offset, u16 size, unsigned log_max)
{
	struct hw_pci_config *c = fn->config;
	int ret = hw_pcie_add_capability(c, PCI_EXT_CAP_ID_ERR, ver, offset, size);
	if (ret)
		return ret;
	c->aer_cap = offset;
	hw_pci_set_w1cmask(c, offset + PCI_ERR_UNCOR_STATUS, 4, HW_AER_UNC_SUPPORTED);
	/* Uncorrectable Error Mask: read-only 0 in 7.2 (QEMU 8.0 makes it writable, x-pcie-err-unc-mask) */
	hw_pci_set(c, offset + PCI_ERR_UNCOR_SEVER, 4, HW_AER_UNC_SEVERITY_DEFAULT);
	hw_pci_set_wmask(c, offset + PCI_ERR_UNCOR_SEVER, 4, HW_AER_UNC_SUPPORTED);
	hw_pci_set_w1cmask(c, offset + PCI_ERR_COR_STATUS, 4, HW_AER_COR_SUPPORTED);
	hw_pci_set(c, offset + PCI_ERR_COR_MASK, 4, HW_AER_COR_MASK_DEFAULT);
	hw_pci_set_wmask(c, offset + PCI_ERR_COR_MASK, 4, HW_AER_COR_SUPPORTED);
	u32 cap = PCI_ERR_CAP_ECRC_GENC | PCI_ERR_CAP_ECRC_CHKC, wcap = PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE;
	if (log_max > 1) {
		cap |= 0x200;	/* multiple header recording capable */
		wcap |= 0x400;	/* ... and enable */
	}
	hw_pci_set(c, offset + PCI_ERR_CAP, 4, cap);
	hw_pci_set_wmask(c, offset + PCI_ERR_CAP, 4, wcap);
	u8 type = c->exp_cap ? (u8)((hw_pci_get(c, c->exp_cap + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_TYPE) >> 4) : 0;
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM || type == PCI_EXP_TYPE_UPSTREAM) {
		or_wmask(c, PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_SERR);
		or_w1cmask(c, PCI_STATUS, 2, PCI_STATUS_SIG_SYSTEM_ERROR);
	}
	if (type == PCI_EXP_TYPE_ROOT_PORT) {
		/* pcie_aer_root_init() */
		hw_pci_set_wmask(c, offset + PCI_ERR_ROOT_COMMAND, 4, HW_AER_ROOT_CMD_EN_MASK);
		hw_pci_set_w1cmask(c, offset + PCI_ERR_ROOT_STATUS, 4, HW_AER_ROOT_STATUS_REPORT_MASK);
	}
	return offset;
}

int hw_pcie_acs_init(struct hw_pci_fn *fn, u16 offset)
{
	struct hw_pci_config *c = fn->config;
	int ret = hw_pcie_add_capability(c, PCI_EXT_CAP_ID_ACS, 1, offset, 8);
	if (ret)
		return ret;
	c->acs_cap = offset;
	u8 type = c->exp_cap ? (u8)((hw_pci_get(c, c->exp_cap + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_TYPE) >> 4) : 0;
	u16 bits = 0;
	/* downstream-facing ports implement SV, TB, RR, CR, UF and DT; other functions none */
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM)
		bits = PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF | PCI_ACS_DT;
	hw_pci_set(c, offset + PCI_ACS_CAP, 2, bits);
	hw_pci_set_wmask(c, offset + PCI_ACS_CTRL, 2, bits);
	return offset;
}

int hw_msi_init(struct hw_pci_fn *fn, u8 offset, unsigned nr_vectors, bool msi64bit, bool per_vector_mask)
{
	struct hw_pci_config *c = fn->config;
	if (!nr_vectors || nr_vectors > 32 || (nr_vectors & (nr_vectors - 1)))
		return -EINVAL;
	unsigned log2 = (unsigned)__builtin_ctz(nr_vectors);
	u8 size = msi64bit ? (per_vector_mask ? 0x18 : 0x0e) : (per_vector_mask ? 0x14 : 0x0a);
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_MSI, offset, size);
	if (pos < 0)
		return pos;
	c->msi_cap = (u8)pos;
	u16 flags = (u16)(log2 << 1);
	if (msi64bit)
		flags |= PCI_MSI_FLAGS_64BIT;
	if (per_vector_mask)
		flags |= PCI_MSI_FLAGS_MASKBIT;
	hw_pci_set(c, pos + PCI_MSI_FLAGS, 2, flags);
	hw_pci_set_wmask(c, pos + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
	hw_pci_set_wmask(c, pos + PCI_MSI_ADDRESS_LO, 4, 0xfffffffc);
	if (msi64bit)
		hw_pci_set_wmask(c, pos + PCI_MSI_ADDRESS_HI, 4, 0xffffffff);
	unsigned data = msi64bit ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32;
	hw_pci_set_wmask(c, pos + data, 2, 0xffff);
	if (per_vector_mask) {
		unsigned mask = msi64bit ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32;
		hw_pci_set_wmask(c, pos + mask, 4, nr_vectors == 32 ? 0xffffffff : (1u << nr_vectors) - 1);
	}
	return pos;
}

int hw_msix_cap_init(struct hw_pci_fn *fn, u8 offset, unsigned nentries, u8 table_bar, u32 table_offset,
		     u8 pba_bar, u32 pba_offset)
{
	struct hw_pci_config *c = fn->config;
	if (!nentries || nentries > 2048 || table_bar > 5 || pba_bar > 5 || (table_offset | pba_offset) & 7)
		return -EINVAL;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_MSIX, offset, PCI_CAP_MSIX_SIZEOF);
	if (pos < 0)
		return pos;
	c->msix_cap = (u8)pos;
	hw_pci_set(c, pos + PCI_MSIX_FLAGS, 2, nentries - 1);
	hw_pci_set(c, pos + PCI_MSIX_TABLE, 4, table_offset | table_bar);
	hw_pci_set(c, pos + PCI_MSIX_PBA, 4, pba_offset | pba_bar);
	/* only the upper byte's Enable and Function Mask */
	hw_pci_set_wmask(c, pos + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	return pos;
}

int hw_pci_pm_init(struct hw_pci_fn *fn, u8 offset)
{
	struct hw_pci_config *c = fn->config;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_PM, offset, PCI_PM_SIZEOF);
	if (pos < 0)
		return pos;
	c->pm_cap = (u8)pos;
	hw_pci_set(c, pos + PCI_PM_PMC, 2, 0x3);
	hw_pci_set_wmask(c, pos + PCI_PM_CTRL, 2, PCI_PM_CTRL_STATE_MASK);
	return pos;
}

int hw_pci_bridge_ssvid_init(struct hw_pci_fn *fn, u8 offset, u16 svid, u16 ssid)
{
	struct hw_pci_config *c = fn->config;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_SSVID, offset, 8);
	if (pos < 0)
		return pos;
	hw_pci_set(c, pos + PCI_SSVID_VENDOR_ID, 2, svid);
	hw_pci_set(c, pos + PCI_SSVID_DEVICE_ID, 2, ssid);
	return pos;
}

int hw_slotid_cap_init(struct hw_pci_fn *fn, unsigned nslots, u8 chassis, u8 offset)
{
	struct hw_pci_config *c = fn->config;
	if (nslots > 0x1f)
		return -EINVAL;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_SLOTID, offset, 4);
	if (pos < 0)
		return pos;
	hw_pci_set(c, pos + PCI_SID_ESR, 1, nslots | PCI_SID_ESR_FIC);
	hw_pci_set(c, pos + PCI_SID_CHASSIS_NR, 1, chassis);
	/* QEMU lets firmware renumber the chassis */
	hw_pci_set_wmask(c, pos + PCI_SID_CHASSIS_NR, 1, 0xff);
	return pos;
}

int hw_shpc_cap_init(struct hw_pci_fn *fn, u8 offset)
{
	struct hw_pci_config *c = fn->config;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_SHPC, offset, 8);
	if (pos < 0)
		return pos;
	hw_pci_set_wmask(c, pos + 2, 1, 0xff);	/* DWORD select */
	hw_pci_set_w1cmask(c, pos + 3, 1, 0xff);	/* pending interrupt */
	return pos;
}

int hw_virtio_pci_add_cap(struct hw_pci_fn *fn, u8 cfg_type, u8 bar, u32 offset, u32 length, u8 cap_len,
			  u32 notify_off_multiplier)
{
	struct hw_pci_config *c = fn->config;
	if (cap_len < 16)
		return -EINVAL;
	int pos = hw_pci_add_capability(c, PCI_CAP_ID_VNDR, 0, cap_len);
	if (pos < 0)
		return pos;
	/* struct virtio_pci_cap: cap_len, cfg_type, bar, id, padding, offset, length */
	hw_pci_set(c, pos + 2, 1, cap_len);
	hw_pci_set(c, pos + 3, 1, cfg_type);
	hw_pci_set(c, pos + 4, 1, bar);
	hw_pci_set(c, pos + 8, 4, offset);
	hw_pci_set(c, pos + 12, 4, length);
	if (cfg_type == 2 /* VIRTIO_PCI_CAP_NOTIFY_CFG */ && cap_len >= 20)
		hw_pci_set(c, pos + 16, 4, notify_off_multiplier);
	if (cfg_type == 5 /* VIRTIO_PCI_CAP_PCI_CFG: a window the driver points anywhere */ && cap_len >= 20) {
		hw_pci_set_wmask(c, pos + 4, 1, 0xff);
		hw_pci_set_wmask(c, pos + 8, 4, 0xffffffff);
		hw_pci_set_wmask(c, pos + 12, 4, 0xffffffff);
		hw_pci_set_wmask(c, pos + 16, 4, 0xffffffff);
	}
	return pos;
}

int hw_pci_register_bar(struct hw_pci_fn *fn, unsigned bar, u8 type, u64 size)
{
	struct hw_pci_config *c = fn->config;
	bool bridge = (hw_pci_get(c, PCI_HEADER_TYPE, 1) & 0x7f) == PCI_HEADER_TYPE_BRIDGE;
	if (bar == HW_PCI_ROM_SLOT) {
		/* the expansion ROM: its address bits and the enable bit writable */
		if (size < 2048 || (size & (size - 1)) || size > 0x80000000ULL)
			return -EINVAL;
		unsigned reg = bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
		hw_pci_set(c, reg, 4, 0);
		hw_pci_set_wmask(c, reg, 4, (u32)~(size - 1) | PCI_ROM_ADDRESS_ENABLE);
		return 0;
	}
	bool is64 = !(type & PCI_BASE_ADDRESS_SPACE_IO) && (type & PCI_BASE_ADDRESS_MEM_TYPE_64);
	unsigned nbars = bridge ? 2 : 6;
	if (bar + (is64 ? 1 : 0) >= nbars || size < 4 || (size & (size - 1)))
		return -EINVAL;
	unsigned reg = PCI_BASE_ADDRESS_0 + bar * 4;
	u64 wmask = ~(size - 1);
	/* the type bits stay read-only */
	if (type & PCI_BASE_ADDRESS_SPACE_IO)
		wmask &= 0xffffffffULL & ~(u64)0x3;
	else
		wmask &= ~(u64)0xf;
	hw_pci_set(c, reg, 4, type);
	hw_pci_set_wmask(c, reg, 4, (u32)wmask);
	if (is64) {
		hw_pci_set(c, reg + 4, 4, 0);
		hw_pci_set_wmask(c, reg + 4, 4, (u32)(wmask >> 32));
	}
	return 0;
}
