/*
 * Reads and writes of a vfio-pci device's config region (Linux 6.1,
 * drivers/vfio/pci/vfio_pci_config.c). Each access is cut into aligned
 * chunks within one capability; the capability that owns the chunk
 * (pci_config_map, vfio_pci_config_init.c) gives its permission bits: per
 * bit, whether it is virtualized (read from and written to vconfig) and
 * whether the user may write it (the rest of a write is dropped). What is
 * neither virtualized nor written comes from the function itself, and
 * writable bits that are not virtualized reach it. Some capabilities do
 * more on a write: the command register's memory/io enables and INTx
 * disable, BAR sizing, the PCIe FLR bit and read request size, the power
 * state, MSI's control word.
 *
 * Beyond 6.1: reads of a vconfig byte the model does not know (the BAR
 * addresses the kernel assigned; see vfio_pci_config_init.c) are refused
 * with -EOPNOTSUPP until the user has written it; so are writes to the VPD
 * capability (no modelled function has one).
 */
#include <errno.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "base/le_bytes.h"
#include "uapi/vfio_pci_core.h"
#include "uapi/vfio.h"
#include "pci/pci.h"

/* pci_try_reset_function() (vfio_pci_try_reset_function()): its result is not looked at */
static int function_reset(struct pci_dev *pdev)
{
	return vfio_pci_try_reset_function(pdev);
}

/* One field of a capability's permission table (p_setb/p_setw/p_setd). */
struct perm_field {
	u16 off;
	u8 size;
	u32 virt, write;
};

#define ALL 0xffffffffu

/* init_pci_cap_basic_perm() */
static const struct perm_field basic_perm[] = {
	{ PCI_VENDOR_ID, 2, ALL, 0 },
	{ PCI_DEVICE_ID, 2, ALL, 0 },
	{ PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE, ALL },
	{ PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0 },
	{ PCI_CACHE_LINE_SIZE, 1, 0, ALL },
	{ PCI_LATENCY_TIMER, 1, 0, ALL },
	{ PCI_BIST, 1, 0, ALL },
	{ PCI_BASE_ADDRESS_0, 4, ALL, ALL },
	{ PCI_BASE_ADDRESS_1, 4, ALL, ALL },
	{ PCI_BASE_ADDRESS_2, 4, ALL, ALL },
	{ PCI_BASE_ADDRESS_3, 4, ALL, ALL },
	{ PCI_BASE_ADDRESS_4, 4, ALL, ALL },
	{ PCI_BASE_ADDRESS_5, 4, ALL, ALL },
	{ PCI_ROM_ADDRESS, 4, ALL, ALL },
	{ PCI_CAPABILITY_LIST, 1, ALL, 0 },
	{ PCI_INTERRUPT_LINE, 1, ALL, ALL },
	{ PCI_INTERRUPT_PIN, 1, ALL, 0 },
};

/* init_pci_cap_pm_perm() */
static const struct perm_field pm_perm[] = {
	{ PCI_CAP_LIST_NEXT, 1, ALL, 0 },
	{ PCI_PM_PMC, 2, PCI_PM_CAP_PME_MASK, 0 },
	{ PCI_PM_CTRL, 4, PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS,
	  ~(u32)(PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS | PCI_PM_CTRL_STATE_MASK) },
};

/* init_pci_cap_vpd_perm() */
static const struct perm_field vpd_perm[] = {
	{ PCI_CAP_LIST_NEXT, 1, ALL, 0 },
	{ PCI_VPD_ADDR, 2, ALL, ALL },
	{ PCI_VPD_DATA, 4, ALL, ALL },
};

/* init_pci_cap_pcix_perm() */
static const struct perm_field pcix_perm[] = {
	{ PCI_CAP_LIST_NEXT, 1, ALL, 0 },
	{ PCI_X_CMD, 2, 0, ALL },
	{ PCI_X_ECC_CSR, 4, 0, ALL },
};

/* init_pci_cap_exp_perm() */
static const struct perm_field exp_perm[] = {
	{ PCI_CAP_LIST_NEXT, 1, ALL, 0 },
	{ PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_READRQ,
	  ~(u32)PCI_EXP_DEVCTL_PHANTOM },
	{ PCI_EXP_DEVCTL2, 2, 0, ~(u32)PCI_EXP_DEVCTL2_ARI },
};

/* init_pci_cap_af_perm() */
static const struct perm_field af_perm[] = {
	{ PCI_CAP_LIST_NEXT, 1, ALL, 0 },
	{ PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR, PCI_AF_CTRL_FLR },
};

#define AER_UNC_WRITABLE                                                                                   \
	(PCI_ERR_UNC_UND | PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN | PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_FCP | \
	 PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_RX_OVER |      \
	 PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC | PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN | \
	 PCI_ERR_UNC_MCBTLP | PCI_ERR_UNC_ATOMEG | PCI_ERR_UNC_TLPPRE)
#define AER_COR_WRITABLE                                                                                \
	(PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL |         \
	 PCI_ERR_COR_REP_TIMER | PCI_ERR_COR_ADV_NFAT | PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER)

/* init_pci_ext_cap_err_perm(): the header virtualized (it holds the next pointer) */
static const struct perm_field err_perm[] = {
	{ 0, 4, ALL, 0 },
	{ PCI_ERR_UNCOR_STATUS, 4, 0, AER_UNC_WRITABLE },
	{ PCI_ERR_UNCOR_MASK, 4, 0, AER_UNC_WRITABLE },
	{ PCI_ERR_UNCOR_SEVER, 4, 0, AER_UNC_WRITABLE },
	{ PCI_ERR_COR_STATUS, 4, 0, AER_COR_WRITABLE },
	{ PCI_ERR_COR_MASK, 4, 0, AER_COR_WRITABLE },
	{ PCI_ERR_CAP, 4, 0, PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE },
};

/* init_pci_ext_cap_pwr_perm() */
static const struct perm_field pwr_perm[] = {
	{ 0, 4, ALL, 0 },
	{ PCI_PWR_DATA, 1, 0, ALL },
};

/* What reads and writes of a chunk do (the perm_bits' readfn and writefn). */
enum perm_kind {
	PERM_BASIC,		/* vfio_basic_config_read/write */
	PERM_DEFAULT,		/* vfio_default_config_read/write over a table */
	PERM_PM,		/* default read, vfio_pm_config_write */
	PERM_VPD,		/* default read, vfio_vpd_config_write */
	PERM_EXP,		/* default read, vfio_exp_config_write */
	PERM_AF,		/* default read, vfio_af_config_write */
	PERM_MSI,		/* vfio_msi_config_read/write (a per-device table) */
	PERM_DIRECT_RO,		/* vfio_direct_config_read, writes dropped */
	PERM_DIRECT_RAW,	/* vfio_direct_config_read, vfio_raw_config_write (vendor-specific) */
	PERM_RAW,		/* unassigned: vfio_raw_config_read/write */
	PERM_VIRT,		/* vfio_virt_config_read/write */
};

struct perm {
	enum perm_kind kind;
	const struct perm_field *fields;
	size_t nfields;
	struct perm_field msi[7];	/* init_pci_cap_msi_perm()'s table for this function */
};

#define TABLE(kind, t) \
	(struct perm) { kind, t, sizeof(t) / sizeof(t[0]), { { 0 } } }



/* init_pci_cap_msi_perm(): the layout follows the control word's 64-bit and mask bits */
static void msi_perm(struct perm *p, u16 flags)
{
	size_t n = 0;
	p->msi[n++] = (struct perm_field){ PCI_CAP_LIST_NEXT, 1, ALL, 0 };
	/* the control register's upper byte is reserved */
	p->msi[n++] = (struct perm_field){ PCI_MSI_FLAGS, 1, ALL, ALL };
	p->msi[n++] = (struct perm_field){ PCI_MSI_ADDRESS_LO, 4, ALL, ALL };
	if (flags & PCI_MSI_FLAGS_64BIT) {
		p->msi[n++] = (struct perm_field){ PCI_MSI_ADDRESS_HI, 4, ALL, ALL };
		p->msi[n++] = (struct perm_field){ PCI_MSI_DATA_64, 2, ALL, ALL };
		if (flags & PCI_MSI_FLAGS_MASKBIT) {
			p->msi[n++] = (struct perm_field){ PCI_MSI_MASK_64, 4, 0, ALL };
			p->msi[n++] = (struct perm_field){ PCI_MSI_PENDING_64, 4, 0, ALL };
		}
	} else {
		p->msi[n++] = (struct perm_field){ PCI_MSI_DATA_32, 2, ALL, ALL };
		if (flags & PCI_MSI_FLAGS_MASKBIT) {
			p->msi[n++] = (struct perm_field){ PCI_MSI_MASK_32, 4, 0, ALL };
			p->msi[n++] = (struct perm_field){ PCI_MSI_PENDING_32, 4, 0, ALL };
		}
	}
	p->kind = PERM_MSI;
	p->nfields = n;
}

/* cap_perms[] and ecap_perms[] as vfio_pci_init_perm_bits() fills them */
static struct perm cap_perm(const struct vfio_pci_core_device *vdev, u8 cap)
{
	struct perm p;
	switch (cap) {
	case VFIO_PCI_CAP_ID_BASIC:
		return TABLE(PERM_BASIC, basic_perm);
	case PCI_CAP_ID_PM:
		return TABLE(PERM_PM, pm_perm);
	case PCI_CAP_ID_VPD:
		return TABLE(PERM_VPD, vpd_perm);
	case PCI_CAP_ID_PCIX:
		return TABLE(PERM_DEFAULT, pcix_perm);
	case PCI_CAP_ID_EXP:
		return TABLE(PERM_EXP, exp_perm);
	case PCI_CAP_ID_AF:
		return TABLE(PERM_AF, af_perm);
	case PCI_CAP_ID_MSI:
		msi_perm(&p, vdev->msi_flags);
		return p;
	case PCI_CAP_ID_VNDR:
		return (struct perm){ .kind = PERM_DIRECT_RAW };
	default:
		return (struct perm){ .kind = PERM_DIRECT_RO };
	}
}

static struct perm ecap_perm(u8 ecap)
{
	switch (ecap) {
	case PCI_EXT_CAP_ID_ERR:
		return TABLE(PERM_DEFAULT, err_perm);
	case PCI_EXT_CAP_ID_PWR:
		return TABLE(PERM_DEFAULT, pwr_perm);
	case PCI_EXT_CAP_ID_VNDR:
		return (struct perm){ .kind = PERM_DIRECT_RAW };
	default:
		/* every other extended capability, and a hidden anchor with an ID past the table */
		return (struct perm){ .kind = PERM_DIRECT_RO };
	}
}

/* the virt and write masks of count bytes at offset in the capability */
static void perm_masks(const struct perm *p, unsigned offset, unsigned count, u32 *virt, u32 *write)
{
	/* a per-function MSI table lives in the perm itself */
	const struct perm_field *fields = p->kind == PERM_MSI ? p->msi : p->fields;
	*virt = *write = 0;
	for (unsigned i = 0; i < count; i++)
		for (size_t f = 0; f < p->nfields; f++) {
			const struct perm_field *fl = &fields[f];
			unsigned at = offset + i;
			if (at < fl->off || at >= fl->off + fl->size)
				continue;
			unsigned sh = 8 * (at - fl->off);
			*virt |= ((fl->virt >> sh) & 0xff) << (8 * i);
			*write |= ((fl->write >> sh) & 0xff) << (8 * i);
		}
}



/* pci_user_read_config_*(): the function's own register; -EIO when it does not answer */
static int user_read(struct pci_dev *pdev, unsigned pos, unsigned count, u32 *val)
{
	u8 b;
	u16 w;
	int ret;
	switch (count) {
	case 1:
		ret = pci_read_config_byte(pdev, pos, &b);
		*val = b;
		break;
	case 2:
		ret = pci_read_config_word(pdev, pos, &w);
		*val = w;
		break;
	default:
		ret = pci_read_config_dword(pdev, pos, val);
		break;
	}
	return ret ? -EIO : 0;
}

static int user_write(struct pci_dev *pdev, unsigned pos, unsigned count, u32 val)
{
	int ret;
	switch (count) {
	case 1:
		ret = pci_write_config_byte(pdev, pos, (u8)val);
		break;
	case 2:
		ret = pci_write_config_word(pdev, pos, (u16)val);
		break;
	default:
		ret = pci_write_config_dword(pdev, pos, val);
		break;
	}
	return ret ? -EIO : 0;
}

/* the model's: a virtualized byte it does not know */
static bool virt_unknown(const struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, u32 virt)
{
	for (unsigned i = 0; i < count; i++)
		if (((virt >> (8 * i)) & 0xff) && !vdev->vknown[pos + i])
			return true;
	return false;
}

/* vfio_default_config_read() */
static int default_read(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
			unsigned offset, u32 *val)
{
	u32 virt, write;
	perm_masks(p, offset, count, &virt, &write);
	if (virt_unknown(vdev, pos, count, virt))
		return -EOPNOTSUPP;
	*val = (u32)get_le(vdev->vconfig + pos, (int)count);
	u32 all = count == 4 ? ALL : (1u << (8 * count)) - 1;
	if (virt != all) {
		u32 phys;
		int ret = user_read(vdev->pdev, pos, count, &phys);
		if (ret)
			return ret;
		*val = (phys & ~virt) | (*val & virt);
	}
	return 0;
}

/* vfio_default_config_write() */
static int default_write(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
			 unsigned offset, u32 val)
{
	u32 virt, write;
	perm_masks(p, offset, count, &virt, &write);
	if (!write)
		return 0;
	if (write & virt) {
		u32 v = (u32)get_le(vdev->vconfig + pos, (int)count);
		v = (v & ~(write & virt)) | (val & write & virt);
		put_le(vdev->vconfig + pos, v, (int)count);
		/* a byte whose virtual bits were all written is known now */
		for (unsigned i = 0; i < count; i++) {
			u8 vb = (u8)(virt >> (8 * i)), wb = (u8)(write >> (8 * i));
			if (vb && (vb & wb) == vb)
				vdev->vknown[pos + i] = 1;
		}
	}
	if (write & ~virt) {
		u32 phys;
		int ret = user_read(vdev->pdev, pos, count, &phys);
		if (ret)
			return ret;
		phys = (phys & ~(write & ~virt)) | (val & write & ~virt);
		ret = user_write(vdev->pdev, pos, count, phys);
		if (ret)
			return ret;
	}
	return 0;
}

/* vfio_direct_config_read(): the function's bytes, but a capability's ID/next or an ecap header */
static int direct_read(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, unsigned offset, u32 *val)
{
	int ret = user_read(vdev->pdev, pos, count, val);
	if (ret)
		return ret;
	if (pos >= PCI_CFG_SPACE_SIZE) {
		if (offset < 4)
			*val = (u32)get_le(vdev->vconfig + pos, (int)count);
	} else if (pos >= PCI_STD_HEADER_SIZEOF) {
		if (offset == PCI_CAP_LIST_ID && count > 1)
			*val = (*val & ~0xffffu) | (u32)get_le(vdev->vconfig + pos, (int)2);
		else if (offset == PCI_CAP_LIST_NEXT)
			*val = (*val & ~0xffu) | vdev->vconfig[pos];
	}
	return 0;
}

/* the PCI resource flags of a BAR as a BAR's low bits (vfio_generate_bar_flags()) */
static u32 bar_flags(struct pci_dev *pdev, unsigned bar)
{
	u32 v;
	if (pci_read_config_dword(pdev, PCI_BASE_ADDRESS_0 + 4 * bar, &v))
		return 0;
	if (v & PCI_BASE_ADDRESS_SPACE_IO)
		return PCI_BASE_ADDRESS_SPACE_IO;
	return v & (PCI_BASE_ADDRESS_MEM_PREFETCH | PCI_BASE_ADDRESS_MEM_TYPE_64);
}

/* AND a vconfig dword with mask; a byte the mask clears entirely is known from then on */
static void vbar_and(struct vfio_pci_core_device *vdev, unsigned pos, u32 mask, u32 or)
{
	put_le(vdev->vconfig + pos, ((u32)get_le(vdev->vconfig + pos, 4) & mask) | or, 4);
	for (unsigned i = 0; i < 4; i++)
		if (!((mask >> (8 * i)) & 0xff))
			vdev->vknown[pos + i] = 1;
}

/*
 * vfio_bar_fixup(): the virtual BARs answer as hardware would to sizing.
 * The kernel assigned every BAR it sized (the model assumes so: a BAR with
 * a length is taken as placed); an unimplemented one reads 0.
 */
static void bar_fixup(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	if (!vdev->bardirty)
		return;
	for (unsigned i = 0; i < PCI_STD_NUM_BARS; i++) {
		unsigned pos = PCI_BASE_ADDRESS_0 + 4 * i;
		if (!pdev->bar_len[i]) {
			vbar_and(vdev, pos, 0, 0);
			continue;
		}
		u64 mask = ~(pdev->bar_len[i] - 1);
		u32 flags = bar_flags(pdev, i);
		vbar_and(vdev, pos, (u32)mask, flags);
		if ((vdev->vconfig[pos] & PCI_BASE_ADDRESS_MEM_TYPE_64) && i + 1 < PCI_STD_NUM_BARS) {
			i++;
			vbar_and(vdev, pos + 4, (u32)(mask >> 32), 0);
		}
	}
	/* the ROM: its size, or 0 without one (no shadow ROMs on these machines) */
	if (pdev->rom_len)
		vbar_and(vdev, PCI_ROM_ADDRESS, (u32)~(pdev->rom_len - 1) | PCI_ROM_ADDRESS_ENABLE, 0);
	else
		vbar_and(vdev, PCI_ROM_ADDRESS, 0, 0);
	vdev->bardirty = false;
}

static bool is_bar(unsigned offset)
{
	return (offset >= PCI_BASE_ADDRESS_0 && offset < PCI_BASE_ADDRESS_5 + 4) || offset == PCI_ROM_ADDRESS;
}

/* vfio_basic_config_read() (no function of these machines lacks the memory enable bit) */
static int basic_read(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
		      u32 *val)
{
	if (is_bar(pos))
		bar_fixup(vdev);
	return default_read(vdev, pos, count, p, pos, val);
}

/* vfio_need_bar_restore(): a BAR no longer holds what it held at enable */
static bool need_bar_restore(struct vfio_pci_core_device *vdev)
{
	for (unsigned i = 0; i < PCI_STD_NUM_BARS; i++) {
		u32 bar;
		if (vdev->rbar[i] &&
		    (pci_read_config_dword(vdev->pdev, PCI_BASE_ADDRESS_0 + 4 * i, &bar) || bar != vdev->rbar[i]))
			return true;
	}
	return false;
}

/* vfio_bar_restore(): the real BARs back after a reset the kernel did not see */
static void bar_restore(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	dev_info(&pdev->dev, "vfio_bar_restore: reset recovery - restoring BARs\n");
	for (unsigned i = 0; i < PCI_STD_NUM_BARS; i++)
		pci_write_config_dword(pdev, PCI_BASE_ADDRESS_0 + 4 * i, vdev->rbar[i]);
	pci_write_config_dword(pdev, PCI_ROM_ADDRESS, vdev->rbar[PCI_STD_NUM_BARS]);
}

/* vfio_pci_intx_mask()/unmask() with no INTx in use: the function's bit follows the user's */
static void intx_follow(struct vfio_pci_core_device *vdev)
{
	bool disable = (u16)get_le(&vdev->vconfig[PCI_COMMAND], 2) & PCI_COMMAND_INTX_DISABLE;
	if (disable == vdev->virq_disabled)
		return;
	vdev->virq_disabled = disable;
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, !disable);
}

/* vfio_basic_config_write() */
static int basic_write(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
		       u32 val)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 new_cmd = 0;
	if (pos == PCI_COMMAND) {
		u16 phys_cmd, virt_cmd = (u16)get_le(&vdev->vconfig[PCI_COMMAND], 2);
		if (pci_read_config_word(pdev, PCI_COMMAND, &phys_cmd))
			return -EIO;
		new_cmd = (u16)val;
		bool new_mem = new_cmd & PCI_COMMAND_MEMORY, new_io = new_cmd & PCI_COMMAND_IO;
		if ((new_mem && (virt_cmd & PCI_COMMAND_MEMORY) && !(phys_cmd & PCI_COMMAND_MEMORY)) ||
		    (new_io && (virt_cmd & PCI_COMMAND_IO) && !(phys_cmd & PCI_COMMAND_IO)) || need_bar_restore(vdev))
			bar_restore(vdev);
	}
	int ret = default_write(vdev, pos, count, p, pos, val);
	if (ret)
		return ret;
	if (pos == PCI_COMMAND) {
		/* the user's memory/io enables, for the test above next time */
		u16 mask = PCI_COMMAND_MEMORY | PCI_COMMAND_IO;
		u16 virt_cmd = (u16)get_le(&vdev->vconfig[PCI_COMMAND], 2);
		put_le(&vdev->vconfig[PCI_COMMAND], (u16)((virt_cmd & ~mask) | (new_cmd & mask)), 2);
	}
	if (pos >= PCI_COMMAND && pos <= PCI_COMMAND + 1)
		intx_follow(vdev);
	if (is_bar(pos))
		vdev->bardirty = true;
	return 0;
}

/* vfio_pm_config_write(): the state bits are not the user's; a write asks the kernel to move the function */
static int pm_write(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
		    unsigned offset, u32 val)
{
	int ret = default_write(vdev, pos, count, p, offset, val);
	if (ret)
		return ret;
	if (offset == PCI_PM_CTRL)
		vfio_pci_set_power_state(vdev, val & PCI_PM_CTRL_STATE_MASK);
	return 0;
}

/*
 * vfio_exp_config_write(): the FLR bit is virtual and reads 0; set, it resets
 * the function when its Device Capabilities offer FLR. A new read request
 * size goes to the function, but never below its payload size.
 */
static int exp_write(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
		     unsigned offset, u32 val)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned start = pos - offset;
	u8 *ctrl = &vdev->vconfig[start + PCI_EXP_DEVCTL];
	u16 readrq = (u16)get_le(ctrl, 2) & PCI_EXP_DEVCTL_READRQ;
	int ret = default_write(vdev, pos, count, p, offset, val);
	if (ret)
		return ret;
	if ((u16)get_le(ctrl, 2) & PCI_EXP_DEVCTL_BCR_FLR) {
		u32 cap;
		put_le(ctrl, (u16)get_le(ctrl, 2) & (u16)~PCI_EXP_DEVCTL_BCR_FLR, 2);
		if (!pci_read_config_dword(pdev, start + PCI_EXP_DEVCAP, &cap) && (cap & PCI_EXP_DEVCAP_FLR))
			function_reset(pdev);
	}
	if (readrq != ((u16)get_le(ctrl, 2) & PCI_EXP_DEVCTL_READRQ)) {
		unsigned rq = 128u << (((u16)get_le(ctrl, 2) & PCI_EXP_DEVCTL_READRQ) >> 12);
		u16 devctl;
		if (pci_read_config_word(pdev, start + PCI_EXP_DEVCTL, &devctl))
			return -EIO;
		/* pcie_get_mps() */
		unsigned mps = 128u << ((devctl & PCI_EXP_DEVCTL_PAYLOAD) >> 5);
		if (rq < mps)
			rq = mps;
		/* pcie_set_readrq(): 128..4096 only */
		if (rq <= 4096) {
			unsigned enc = 0;
			while ((128u << enc) < rq)
				enc++;
			devctl = (u16)((devctl & ~PCI_EXP_DEVCTL_READRQ) | enc << 12);
			pci_write_config_word(pdev, start + PCI_EXP_DEVCTL, devctl);
		}
	}
	return 0;
}

/* vfio_af_config_write(): FLR through Advanced Features when it offers FLR and TP */
static int af_write(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
		    unsigned offset, u32 val)
{
	unsigned start = pos - offset;
	u8 *ctrl = &vdev->vconfig[start + PCI_AF_CTRL];
	int ret = default_write(vdev, pos, count, p, offset, val);
	if (ret)
		return ret;
	if (*ctrl & PCI_AF_CTRL_FLR) {
		u8 cap;
		*ctrl &= (u8)~PCI_AF_CTRL_FLR;
		if (!pci_read_config_byte(vdev->pdev, start + PCI_AF_CAP, &cap) && (cap & PCI_AF_CAP_FLR) &&
		    (cap & PCI_AF_CAP_TP))
			function_reset(vdev->pdev);
	}
	return 0;
}

/* vfio_msi_config_read(): the vectors offered are those the user enabled (msi_qmax) */
static int msi_read(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
		    unsigned offset, u32 *val)
{
	if (offset <= PCI_MSI_FLAGS && offset + count >= PCI_MSI_FLAGS) {
		u8 *flags = &vdev->vconfig[pos - offset];
		u16 f = (u16)(((u16)get_le(flags, 2) & ~PCI_MSI_FLAGS_QMASK) | vdev->msi_qmax << 1);
		put_le(flags, f, 2);
	}
	return default_read(vdev, pos, count, p, offset, val);
}

/* vfio_msi_config_write(): enable is the ioctl's, the queue size at most what was enabled */
static int msi_write(struct vfio_pci_core_device *vdev, unsigned pos, unsigned count, const struct perm *p,
		     unsigned offset, u32 val)
{
	int ret = default_write(vdev, pos, count, p, offset, val);
	if (ret || !(offset <= PCI_MSI_FLAGS && offset + count >= PCI_MSI_FLAGS))
		return ret;
	unsigned start = pos - offset;
	u8 *pflags = &vdev->vconfig[start + PCI_MSI_FLAGS];
	u16 flags = (u16)get_le(pflags, 2);
	/* SET_IRQS is not modelled: MSI is never the interrupt type in use */
	flags &= (u16)~PCI_MSI_FLAGS_ENABLE;
	if (((flags & PCI_MSI_FLAGS_QSIZE) >> 4) > vdev->msi_qmax)
		flags = (u16)((flags & ~PCI_MSI_FLAGS_QSIZE) | vdev->msi_qmax << 4);
	put_le(pflags, flags, 2);
	return pci_write_config_word(vdev->pdev, start + PCI_MSI_FLAGS, flags) ? -EIO : 0;
}

/* vfio_find_cap_start() */
static unsigned find_cap_start(const struct vfio_pci_core_device *vdev, unsigned pos)
{
	unsigned base = pos >= PCI_CFG_SPACE_SIZE ? PCI_CFG_SPACE_SIZE : PCI_STD_HEADER_SIZEOF;
	u8 cap = vdev->pci_config_map[pos];
	if (cap == VFIO_PCI_CAP_ID_BASIC)
		return 0;
	while (pos - 1 >= base && vdev->pci_config_map[pos - 1] == cap)
		pos--;
	return pos;
}

/* vfio_pci_cap_remaining_dword(): up to the dword's end or the capability's */
static unsigned remaining_dword(const struct vfio_pci_core_device *vdev, unsigned pos)
{
	u8 cap = vdev->pci_config_map[pos];
	unsigned i = 1;
	while ((pos + i) % 4 && vdev->pci_config_map[pos + i] == cap)
		i++;
	return i;
}

/* a VPD access goes through pci_read_vpd()/pci_write_vpd(): no modelled function has VPD */
static int vpd_write(void)
{
	return -EOPNOTSUPP;
}

/* vfio_config_do_rw(): one chunk; its length, or -errno */
static ssize_t do_rw(struct vfio_pci_core_device *vdev, u8 *buf, size_t count, unsigned pos, bool write)
{
	unsigned n = remaining_dword(vdev, pos);
	if (count < n)
		n = (unsigned)count;
	n = n >= 4 && !(pos % 4) ? 4 : n >= 2 && !(pos % 2) ? 2 : 1;
	u8 cap = vdev->pci_config_map[pos];
	struct perm p;
	unsigned start = 0;
	if (cap == VFIO_PCI_CAP_ID_INVALID) {
		p = (struct perm){ .kind = PERM_RAW };
		start = pos;
	} else if (cap == VFIO_PCI_CAP_ID_INVALID_VIRT) {
		p = (struct perm){ .kind = PERM_VIRT };
		start = pos;
	} else if (pos >= PCI_CFG_SPACE_SIZE) {
		start = find_cap_start(vdev, pos);
		p = cap > PCI_EXT_CAP_ID_MAX ? (struct perm){ .kind = PERM_DIRECT_RO } : ecap_perm(cap);
	} else {
		if (cap != VFIO_PCI_CAP_ID_BASIC)
			start = find_cap_start(vdev, pos);
		p = cap_perm(vdev, cap);
	}
	unsigned offset = pos - start;
	u32 val = 0;
	int ret = 0;
	if (write) {
		val = (u32)get_le(buf, (int)n);
		switch (p.kind) {
		case PERM_BASIC:
			ret = basic_write(vdev, pos, n, &p, val);
			break;
		case PERM_DEFAULT:
		case PERM_MSI:
			ret = p.kind == PERM_MSI ? msi_write(vdev, pos, n, &p, offset, val)
						 : default_write(vdev, pos, n, &p, offset, val);
			break;
		case PERM_PM:
			ret = pm_write(vdev, pos, n, &p, offset, val);
			break;
		case PERM_VPD:
			ret = vpd_write();
			break;
		case PERM_EXP:
			ret = exp_write(vdev, pos, n, &p, offset, val);
			break;
		case PERM_AF:
			ret = af_write(vdev, pos, n, &p, offset, val);
			break;
		case PERM_DIRECT_RAW:
		case PERM_RAW:
			ret = user_write(vdev->pdev, pos, n, val);
			break;
		case PERM_VIRT:
			put_le(vdev->vconfig + pos, val, (int)n);
			memset(vdev->vknown + pos, 1, n);
			break;
		case PERM_DIRECT_RO:
			break;
		}
		return ret ? ret : (ssize_t)n;
	}
	switch (p.kind) {
	case PERM_BASIC:
		ret = basic_read(vdev, pos, n, &p, &val);
		break;
	case PERM_MSI:
		ret = msi_read(vdev, pos, n, &p, offset, &val);
		break;
	case PERM_DEFAULT:
	case PERM_PM:
	case PERM_VPD:
	case PERM_EXP:
	case PERM_AF:
		ret = default_read(vdev, pos, n, &p, offset, &val);
		break;
	case PERM_DIRECT_RO:
	case PERM_DIRECT_RAW:
		ret = direct_read(vdev, pos, n, offset, &val);
		break;
	case PERM_RAW:
		ret = user_read(vdev->pdev, pos, n, &val);
		break;
	case PERM_VIRT:
		ret = virt_unknown(vdev, pos, n, ALL) ? -EOPNOTSUPP : 0;
		val = (u32)get_le(vdev->vconfig + pos, (int)n);
		break;
	}
	if (ret)
		return ret;
	put_le(buf, val, (int)n);
	return n;
}

ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev, u8 *buf, size_t count, u64 pos, bool write)
{
	struct pci_dev *pdev = vdev->pdev;
	if (!count)
		return 0;
	if (pos >= pdev->cfg_size || pos + count > pdev->cfg_size)
		return -EFAULT;
	/* a read the model refuses part of hands over nothing */
	u8 bytes[PCI_CFG_SPACE_EXP_SIZE];
	u8 *p = write ? buf : bytes;
	size_t done = 0;
	while (done < count) {
		ssize_t ret = do_rw(vdev, p + done, count - done, (unsigned)(pos + done), write);
		if (ret < 0)
			return ret;
		done += (size_t)ret;
	}
	if (!write)
		memcpy(buf, bytes, count);
	return (ssize_t)done;
}
