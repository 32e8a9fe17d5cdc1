/*
 * Reads of a vfio-pci device's config region (drivers/vfio/pci/
 * vfio_pci_config.c, 6.1): vconfig is what the device held when
 * vfio_config_init() ran at the first open, with the capabilities
 * vfio_cap_init() and vfio_ecap_init() hide unchained, and since nothing
 * writes through the device file (pwrite is not modelled) the virtualized
 * bits still equal the device's: each byte reads as the device has it, but
 * the next pointers and the extended capabilities' headers, which come from
 * the walks. Refused with -EOPNOTSUPP, before anything is read: the BARs
 * and the ROM register (vconfig keeps the addresses the kernel assigned,
 * which the model does not assign), the interrupt line (the Linux irq
 * number the kernel wrote there), and extended config space when an
 * extended capability's length is one the model does not work out (VC,
 * MFVC, resizable BAR, DPA, TPH).
 */
#include <errno.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "uapi/vfio.h"
#include "pci/pci.h"

/* pci_cap_length[] of vfio_pci_config.c: 0 hides the capability, 0xff: variable */
static unsigned fixed_cap_length(u8 cap)
{
	switch (cap) {
	case PCI_CAP_ID_PM:
		return PCI_PM_SIZEOF;
	case PCI_CAP_ID_AGP:
		return PCI_AGP_SIZEOF;
	case PCI_CAP_ID_VPD:
		return PCI_CAP_VPD_SIZEOF;
	case PCI_CAP_ID_MSI:
	case PCI_CAP_ID_PCIX:
	case PCI_CAP_ID_HT:
	case PCI_CAP_ID_VNDR:
	case PCI_CAP_ID_EXP:
	case PCI_CAP_ID_SATA:
		return 0xff;
	case PCI_CAP_ID_MSIX:
		return PCI_CAP_MSIX_SIZEOF;
	case PCI_CAP_ID_AF:
		return PCI_CAP_AF_SIZEOF;
	default:
		/* slot ID, CompactPCI, debug port, SHPC, SSVID, AGP3, secure device, unknown */
		return 0;
	}
}

/*
 * vfio_cap_len(), for the variable-length capabilities the modelled
 * functions carry (MSI, vendor-specific, PCI Express); the others are
 * counted as hidden, which no modelled function has.
 */
static unsigned cap_length(struct pci_dev *pdev, u8 cap, u8 pos)
{
	unsigned len = fixed_cap_length(cap);
	if (len != 0xff)
		return len;
	u8 b;
	u16 flags;
	switch (cap) {
	case PCI_CAP_ID_VNDR:
		return pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &b) ? 0 : b;
	case PCI_CAP_ID_MSI:
		/* vfio_msi_cap_len(): 64-bit address and per-vector masking widen it */
		if (pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &flags))
			return 0;
		len = 10;	/* the minimum: ID, next, flags, a 32-bit address, data */
		if (flags & PCI_MSI_FLAGS_64BIT)
			len += 4;
		if (flags & PCI_MSI_FLAGS_MASKBIT)
			len += 10;
		return len;
	case PCI_CAP_ID_EXP:
		if (pci_read_config_word(pdev, pos + PCI_EXP_FLAGS, &flags))
			return 0;
		if ((flags & PCI_EXP_FLAGS_VERS) == 1)
			return pdev->pcie_type == PCI_EXP_TYPE_RC_END ? 0xc : PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
		return pdev->pcie_type == PCI_EXP_TYPE_RC_END ? 0x2c : PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
	default:
		return 0;
	}
}

/* What a config byte reads as, or whether the model refuses it. */
struct vconfig_byte {
	bool known;
	bool virt;	/* from vconfig (a rewritten next pointer) rather than the device */
	u8 value;
};

/* the bytes the model answers (see the comment at the top) */
static bool byte_known(unsigned pos)
{
	bool bars = pos >= PCI_BASE_ADDRESS_0 && pos < PCI_CARDBUS_CIS;
	bool rom = pos >= PCI_ROM_ADDRESS && pos < PCI_ROM_ADDRESS + 4;
	return !bars && !rom && pos != PCI_INTERRUPT_LINE;
}

/*
 * vfio_cap_init()'s walk: each capability kept or hidden (unchained from
 * its predecessor's next pointer); the bytes the model answers marked.
 */
/* pci_ext_cap_length[] and vfio_ext_cap_len(): 0 hides it, -1: a length the model does not work out */
static int ext_cap_length(struct pci_dev *pdev, u16 ecap, unsigned epos)
{
	u8 b;
	u32 d;
	switch (ecap) {
	case PCI_EXT_CAP_ID_ERR:
		return PCI_ERR_ROOT_COMMAND;
	case PCI_EXT_CAP_ID_DSN:
		return PCI_EXT_CAP_DSN_SIZEOF;
	case PCI_EXT_CAP_ID_PWR:
		return PCI_EXT_CAP_PWR_SIZEOF;
	case PCI_EXT_CAP_ID_ARI:
		return PCI_EXT_CAP_ARI_SIZEOF;
	case PCI_EXT_CAP_ID_ATS:
		return PCI_EXT_CAP_ATS_SIZEOF;
	case PCI_EXT_CAP_ID_SRIOV:
		return PCI_EXT_CAP_SRIOV_SIZEOF;
	case PCI_EXT_CAP_ID_MCAST:
		return PCI_EXT_CAP_MCAST_ENDPOINT_SIZEOF;
	case PCI_EXT_CAP_ID_PRI:
		return PCI_EXT_CAP_PRI_SIZEOF;
	case PCI_EXT_CAP_ID_LTR:
		return PCI_EXT_CAP_LTR_SIZEOF;
	case PCI_EXT_CAP_ID_VNDR:
		return pci_read_config_dword(pdev, epos + PCI_VSEC_HDR, &d) ? -1 : (int)(d >> PCI_VSEC_HDR_LEN_SHIFT);
	case PCI_EXT_CAP_ID_ACS:
		if (pci_read_config_byte(pdev, epos + PCI_ACS_CAP, &b))
			return -1;
		if (!(b & PCI_ACS_EC))
			return 8;
		if (pci_read_config_byte(pdev, epos + PCI_ACS_EGRESS_BITS, &b))
			return -1;
		return 8 + (b ? (b + 31) / 32 * 32 : 256) / 8;
	case PCI_EXT_CAP_ID_VC:
	case PCI_EXT_CAP_ID_VC9:
	case PCI_EXT_CAP_ID_MFVC:
	case PCI_EXT_CAP_ID_REBAR:
	case PCI_EXT_CAP_ID_DPA:
	case PCI_EXT_CAP_ID_TPH:
		return -1;
	default:
		/* root-only, obsolete, not yet supported, or unknown: hidden */
		return 0;
	}
}

/*
 * vfio_ecap_init()'s walk when the function has extended capabilities:
 * a hidden one is unchained from its predecessor's header, or, first in
 * the chain, stays as an anchor with its ID and version cleared; with no
 * capability kept the header at 0x100 reads 0. The headers read from
 * vconfig (vfio_direct_config_read's mangling). Extended config space is
 * refused when a capability's length is one the model does not work out.
 */
static void build_ext_vconfig(struct pci_dev *pdev, struct vconfig_byte *v, bool log)
{
	u32 dword;
	for (unsigned pos = PCI_CFG_SPACE_SIZE; pos < pdev->cfg_size; pos++)
		v[pos].known = true;
	/* vdev->extended_caps: found with the PCIe capability, a dword at 0x100 */
	if (!pdev->pcie_cap || pci_read_config_dword(pdev, PCI_CFG_SPACE_SIZE, &dword) || !dword)
		return;
	unsigned epos = PCI_CFG_SPACE_SIZE, ecaps = 0;
	int prev = -1;
	int loops = (pdev->cfg_size - PCI_CFG_SPACE_SIZE) / PCI_CAP_SIZEOF;
	while (loops-- && epos >= PCI_CFG_SPACE_SIZE) {
		u32 header;
		if (pci_read_config_dword(pdev, (int)epos, &header))
			break;
		u16 ecap = PCI_EXT_CAP_ID(header);
		int len = ecap <= PCI_EXT_CAP_ID_MAX ? ext_cap_length(pdev, ecap, epos) : 0;
		if (len < 0) {
			for (unsigned pos = PCI_CFG_SPACE_SIZE; pos < pdev->cfg_size; pos++)
				v[pos].known = false;
			return;
		}
		bool hidden = false;
		if (!len) {
			if (log)
				dev_info(&pdev->dev, "vfio_ecap_init: hiding ecap %#x@%#x\n", ecap, epos);
			if (prev >= 0) {
				epos = PCI_EXT_CAP_NEXT(header);
				u32 p = 0;
				for (int i = 0; i < 4; i++)
					p |= (u32)v[prev + i].value << (8 * i);
				p = (p & ~(0xffcU << 20)) | (epos << 20);
				for (int i = 0; i < 4; i++)
					v[prev + i].value = (u8)(p >> (8 * i));
				continue;
			}
			hidden = true;
		}
		u32 vheader = hidden ? header & (0xffcU << 20) : header;
		for (int i = 0; i < 4; i++) {
			v[epos + i].virt = true;
			v[epos + i].value = (u8)(vheader >> (8 * i));
		}
		if (!hidden)
			ecaps++;
		prev = (int)epos;
		epos = PCI_EXT_CAP_NEXT(header);
	}
	if (!ecaps)
		for (int i = 0; i < 4; i++) {
			v[PCI_CFG_SPACE_SIZE + i].virt = true;
			v[PCI_CFG_SPACE_SIZE + i].value = 0;
		}
}

static int build_vconfig(struct pci_dev *pdev, struct vconfig_byte *v, bool log)
{
	memset(v, 0, sizeof(*v) * PCI_CFG_SPACE_EXP_SIZE);
	build_ext_vconfig(pdev, v, log);
	for (unsigned pos = 0; pos < PCI_CFG_SPACE_SIZE; pos++)
		v[pos].known = byte_known(pos);
	u16 status;
	u8 pos;
	if (pci_read_config_word(pdev, PCI_STATUS, &status))
		return -EIO;
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	if (pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos))
		return -EIO;
	struct vconfig_byte *prev = &v[PCI_CAPABILITY_LIST];
	prev->virt = true;
	prev->value = pos;
	int loops = (PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / PCI_CAP_SIZEOF;
	while (pos && loops--) {
		u8 cap, next;
		if (pci_read_config_byte(pdev, pos, &cap) || pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT, &next))
			return -EIO;
		unsigned len = cap && cap <= PCI_CAP_ID_MAX ? cap_length(pdev, cap, pos) : 0;
		if (!len) {
			if (log)
				dev_info(&pdev->dev, "vfio_cap_init: hiding cap %#x@%#x\n", cap, pos);
			prev->value = next;
			pos = next;
			continue;
		}
		v[pos + PCI_CAP_LIST_NEXT].virt = true;
		v[pos + PCI_CAP_LIST_NEXT].value = next;
		prev = &v[pos + PCI_CAP_LIST_NEXT];
		pos = next;
	}
	return 0;
}

void vfio_pci_config_init(struct pci_dev *pdev)
{
	struct vconfig_byte v[PCI_CFG_SPACE_EXP_SIZE];
	build_vconfig(pdev, v, true);
}

ssize_t vfio_pci_config_read(struct pci_dev *pdev, u8 *buf, size_t count, u64 pos)
{
	/* vfio_config_do_rw(): the access lies within the function's config space */
	if (pos >= pdev->cfg_size || pos + count > pdev->cfg_size)
		return count ? -EFAULT : 0;
	if (!count)
		return 0;
	struct vconfig_byte v[PCI_CFG_SPACE_EXP_SIZE];
	int ret = build_vconfig(pdev, v, false);
	if (ret)
		return ret;
	for (size_t i = 0; i < count; i++)
		if (!v[pos + i].known)
			return -EOPNOTSUPP;
	for (size_t i = 0; i < count; i++) {
		const struct vconfig_byte *b = &v[pos + i];
		if (b->virt)
			buf[i] = b->value;
		else if (pci_read_config_byte(pdev, (int)(pos + i), &buf[i]))
			return -EIO;
	}
	return (ssize_t)count;
}
