/*
 * vfio_config_init() of Linux 6.1 (drivers/vfio/pci/vfio_pci_config.c) at
 * the first open of a vfio-pci device: the virtual config space (vconfig)
 * filled from the function's standard header and from every capability it
 * keeps, and the map of which capability owns each byte (the permissions a
 * read or write gets, vfio_pci_config.c). vfio_cap_init() unchains the
 * capabilities it hides from the list; vfio_ecap_init() does the same in
 * extended space, where a hidden first capability stays as an anchor with
 * its ID and version cleared. Each hidden one is logged.
 *
 * Beyond 6.1: the extended capabilities whose length needs the VC, MFVC,
 * resizable BAR, DPA or TPH layouts (none of the modelled functions has
 * them) leave the whole extended space of vconfig unknown (vdev->vknown).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "base/le_bytes.h"
#include "uapi/vfio_pci_core.h"
#include "pci/pci.h"

/* pci_cap_length[]: 0 hides the capability, 0xff: variable (vfio_cap_len()) */
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

/* vfio_cap_len(): the length of a variable-length capability; -errno */
static int cap_length(struct vfio_pci_core_device *vdev, u8 cap, u8 pos)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned len = fixed_cap_length(cap);
	if (len != 0xff)
		return (int)len;
	u8 b;
	u16 w;
	u32 d;
	switch (cap) {
	case PCI_CAP_ID_MSI:
		/* vfio_msi_cap_len(): 64-bit addresses and per-vector masking widen it */
		if (pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &w))
			return -EIO;
		/* init_pci_cap_msi_perm() lays the permissions out once, from these flags */
		vdev->msi_flags = w;
		len = 10;
		if (w & PCI_MSI_FLAGS_64BIT)
			len += 4;
		if (w & PCI_MSI_FLAGS_MASKBIT)
			len += 10;
		return (int)len;
	case PCI_CAP_ID_PCIX:
		if (pci_read_config_word(pdev, pos + PCI_X_CMD, &w))
			return -EIO;
		if (!PCI_X_CMD_VERSION(w))
			return PCI_CAP_PCIX_SIZEOF_V0;
		if (pdev->cfg_size > PCI_CFG_SPACE_SIZE && !pci_read_config_dword(pdev, PCI_CFG_SPACE_SIZE, &d))
			vdev->extended_caps = d != 0;
		return PCI_CAP_PCIX_SIZEOF_V2;
	case PCI_CAP_ID_VNDR:
		return pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &b) ? -EIO : b;
	case PCI_CAP_ID_EXP:
		if (pdev->cfg_size > PCI_CFG_SPACE_SIZE && !pci_read_config_dword(pdev, PCI_CFG_SPACE_SIZE, &d))
			vdev->extended_caps = d != 0;
		if (pci_read_config_word(pdev, pos + PCI_EXP_FLAGS, &w))
			return -EIO;
		if ((w & PCI_EXP_FLAGS_VERS) == 1)
			return pdev->pcie_type == PCI_EXP_TYPE_RC_END ? 0xc : PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
		return pdev->pcie_type == PCI_EXP_TYPE_RC_END ? 0x2c : PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
	case PCI_CAP_ID_HT:
		if (pci_read_config_byte(pdev, pos + 3, &b))
			return -EIO;
		return (b & HT_3BIT_CAP_MASK) ? HT_CAP_SIZEOF_SHORT : HT_CAP_SIZEOF_LONG;
	case PCI_CAP_ID_SATA:
		if (pci_read_config_byte(pdev, pos + PCI_SATA_REGS, &b))
			return -EIO;
		return (b & PCI_SATA_REGS_MASK) == PCI_SATA_REGS_INLINE ? PCI_SATA_SIZEOF_LONG : PCI_SATA_SIZEOF_SHORT;
	default:
		return 0;
	}
}

/*
 * pci_ext_cap_length[] and vfio_ext_cap_len(): 0 hides it; -EOPNOTSUPP for
 * the layouts the model does not work out.
 */
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
		return pci_read_config_dword(pdev, epos + PCI_VSEC_HDR, &d) ? -EIO : (int)(d >> PCI_VSEC_HDR_LEN_SHIFT);
	case PCI_EXT_CAP_ID_ACS:
		if (pci_read_config_byte(pdev, epos + PCI_ACS_CAP, &b))
			return -EIO;
		if (!(b & PCI_ACS_EC))
			return 8;
		if (pci_read_config_byte(pdev, epos + PCI_ACS_EGRESS_BITS, &b))
			return -EIO;
		return 8 + (b ? (b + 31) / 32 * 32 : 256) / 8;
	case PCI_EXT_CAP_ID_VC:
	case PCI_EXT_CAP_ID_VC9:
	case PCI_EXT_CAP_ID_MFVC:
	case PCI_EXT_CAP_ID_REBAR:
	case PCI_EXT_CAP_ID_DPA:
	case PCI_EXT_CAP_ID_TPH:
		return -EOPNOTSUPP;
	default:
		/* root-only, obsolete, not yet supported, or unknown: hidden */
		return 0;
	}
}

/* vfio_fill_vconfig_bytes(): the function's bytes, the widest aligned accesses first */
static int fill_vconfig(struct vfio_pci_core_device *vdev, unsigned pos, unsigned len)
{
	while (len) {
		unsigned n = len >= 4 && !(pos % 4) ? 4 : len >= 2 && !(pos % 2) ? 2 : 1;
		u32 v;
		if (pci_read_config_dword(vdev->pdev, pos & ~3u, &v))
			return -EIO;
		for (unsigned i = 0; i < n; i++) {
			vdev->vconfig[pos + i] = (u8)(v >> (8 * ((pos + i) % 4)));
			vdev->vknown[pos + i] = 1;
		}
		pos += n;
		len -= n;
	}
	return 0;
}



/* vfio_cap_init() */
static int cap_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u8 *map = vdev->pci_config_map;
	u16 status;
	u8 pos;
	int caps = 0;
	if (pci_read_config_word(pdev, PCI_STATUS, &status))
		return -EIO;
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	if (pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos))
		return -EIO;
	u8 *prev = &vdev->vconfig[PCI_CAPABILITY_LIST];
	int loops = (PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / PCI_CAP_SIZEOF;
	while (pos && loops--) {
		u8 cap, next;
		int len = 0;
		if (pci_read_config_byte(pdev, pos, &cap) || pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT, &next))
			return -EIO;
		/* ID 0 is a null capability, which would clash with the basic header's map entry */
		if (cap && cap <= PCI_CAP_ID_MAX) {
			len = cap_length(vdev, cap, pos);
			if (len < 0)
				return len;
		}
		if (!len) {
			dev_info(&pdev->dev, "vfio_cap_init: hiding cap %#x@%#x\n", cap, pos);
			*prev = next;
			pos = next;
			continue;
		}
		for (int i = 0; i < len && pos + i < PCI_CFG_SPACE_SIZE; i++)
			if (map[pos + i] != VFIO_PCI_CAP_ID_INVALID)
				dev_warn(&pdev->dev, "vfio_cap_init: PCI config conflict @%#x, was cap %#x now cap %#x\n",
					 pos + i, map[pos + i], cap);
		if (pos + len > PCI_CFG_SPACE_SIZE)
			len = PCI_CFG_SPACE_SIZE - pos;
		memset(map + pos, cap, (size_t)len);
		int ret = fill_vconfig(vdev, pos, (unsigned)len);
		if (ret)
			return ret;
		if (cap == PCI_CAP_ID_PM) {
			/* vfio_update_pm_vconfig_bytes(): the user sees no PME support or state */
			u8 *pmc = &vdev->vconfig[pos + PCI_PM_PMC], *ctrl = &vdev->vconfig[pos + PCI_PM_CTRL];
			put_le(pmc, (u16)get_le(pmc, 2) & (u16)~PCI_PM_CAP_PME_MASK, 2);
			put_le(ctrl, (u16)get_le(ctrl, 2) & (u16)~(PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS), 2);
		}
		prev = &vdev->vconfig[pos + PCI_CAP_LIST_NEXT];
		pos = next;
		caps++;
	}
	if (!caps)
		put_le(&vdev->vconfig[PCI_STATUS], (u16)get_le(&vdev->vconfig[PCI_STATUS], 2) & (u16)~PCI_STATUS_CAP_LIST, 2);
	return 0;
}



/* vfio_ecap_init() */
static int ecap_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u8 *map = vdev->pci_config_map;
	int ecaps = 0;
	u8 *prev = NULL;
	if (!vdev->extended_caps)
		return 0;
	unsigned epos = PCI_CFG_SPACE_SIZE;
	int loops = (pdev->cfg_size - PCI_CFG_SPACE_SIZE) / PCI_CAP_SIZEOF;
	while (loops-- && epos >= PCI_CFG_SPACE_SIZE) {
		u32 header;
		int len = 0;
		bool hidden = false;
		if (pci_read_config_dword(pdev, epos, &header))
			return -EIO;
		u16 ecap = PCI_EXT_CAP_ID(header);
		if (ecap <= PCI_EXT_CAP_ID_MAX) {
			len = ext_cap_length(pdev, ecap, epos);
			if (len == -EOPNOTSUPP) {
				memset(vdev->vknown + PCI_CFG_SPACE_SIZE, 0, pdev->cfg_size - PCI_CFG_SPACE_SIZE);
				return 0;
			}
			if (len < 0)
				return len;
		}
		if (!len) {
			dev_info(&pdev->dev, "vfio_ecap_init: hiding ecap %#x@%#x\n", ecap, epos);
			if (prev) {
				epos = PCI_EXT_CAP_NEXT(header);
				put_le(prev, ((u32)get_le(prev, 4) & ~(0xffcU << 20)) | (u32)epos << 20, 4);
				continue;
			}
			/* the first stays in the chain as a placeholder (direct reads virtualize its header) */
			len = PCI_CAP_SIZEOF;
			hidden = true;
		}
		if (epos + (unsigned)len > pdev->cfg_size)
			len = (int)(pdev->cfg_size - epos);
		for (int i = 0; i < len; i++)
			if (map[epos + i] != VFIO_PCI_CAP_ID_INVALID)
				dev_warn(&pdev->dev,
					 "vfio_ecap_init: PCI config conflict @%#x, was ecap %#x now ecap %#x\n",
					 epos + i, map[epos + i], ecap);
		memset(map + epos, (u8)ecap, (size_t)len);
		int ret = fill_vconfig(vdev, epos, (unsigned)len);
		if (ret)
			return ret;
		if (hidden)
			put_le(&vdev->vconfig[epos], (u32)get_le(&vdev->vconfig[epos], 4) & (0xffcU << 20), 4);
		else
			ecaps++;
		prev = &vdev->vconfig[epos];
		epos = PCI_EXT_CAP_NEXT(header);
	}
	if (!ecaps)
		put_le(&vdev->vconfig[PCI_CFG_SPACE_SIZE], 0, 4);
	return 0;
}

int vfio_config_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	vdev->pci_config_map = malloc(pdev->cfg_size);
	vdev->vconfig = calloc(1, pdev->cfg_size);
	vdev->vknown = calloc(1, pdev->cfg_size);
	if (!vdev->pci_config_map || !vdev->vconfig || !vdev->vknown) {
		vfio_config_free(vdev);
		return -ENOMEM;
	}
	memset(vdev->pci_config_map, VFIO_PCI_CAP_ID_BASIC, PCI_STD_HEADER_SIZEOF);
	memset(vdev->pci_config_map + PCI_STD_HEADER_SIZEOF, VFIO_PCI_CAP_ID_INVALID,
	       pdev->cfg_size - PCI_STD_HEADER_SIZEOF);
	/* unassigned bytes are read raw from the function: known */
	memset(vdev->vknown, 1, pdev->cfg_size);
	int ret = fill_vconfig(vdev, 0, PCI_STD_HEADER_SIZEOF);
	if (ret)
		goto out;
	vdev->bardirty = true;
	/* vdev->rbar[]: what the BARs and the ROM register hold, to restore after a reset */
	for (unsigned i = 0; i < PCI_STD_NUM_BARS; i++)
		vdev->rbar[i] = (u32)get_le(&vdev->vconfig[PCI_BASE_ADDRESS_0 + 4 * i], 4);
	vdev->rbar[PCI_STD_NUM_BARS] = (u32)get_le(&vdev->vconfig[PCI_ROM_ADDRESS], 4);
	/*
	 * The BARs hold the addresses the kernel assigned (pci/setup_res.c);
	 * the ROM register keeps 0, as pci_std_update_resource() leaves a
	 * disabled ROM's register alone.
	 */
	ret = cap_init(vdev);
	if (!ret)
		ret = ecap_init(vdev);
	if (!ret)
		return 0;
out:
	vfio_config_free(vdev);
	return ret;
}

void vfio_config_free(struct vfio_pci_core_device *vdev)
{
	free(vdev->pci_config_map);
	free(vdev->vconfig);
	free(vdev->vknown);
	vdev->pci_config_map = NULL;
	vdev->vconfig = NULL;
	vdev->vknown = NULL;
}
