/*
 * arm-smmu-v3 for iommufd (7.3's arm-smmu-v3-iommufd.c and the iommufd
 * members of arm_smmu_ops in arm-smmu-v3.c). See iommufd.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/uaccess.h"
#include "smmuv3/iommufd.h"
#include "smmuv3/domain.h"
#include "smmuv3/ste.h"
#include "smmuv3/cmdq.h"
#include "smmuv3/smmu_tables.h"
#include "hw/smmuv3/smmuv3_regs.h"
#include "kconfig/kconfig.h"
#include "uapi/iommufd.h"
#include "uapi/iommufd_eventq.h"
#include "smmuv3/evtq.h"
#include <endian.h>

/* opcodes and fields the driver's own builder never needs (arm-smmu-v3.h) */
#define VSMMU_OP_TLBI_NH_VAA 0x13
#define VSMMU_OP_ATC_INV 0x40
#define VSMMU_TLBI_0_SCALE GENMASK_ULL(25, 20)
#define VSMMU_ATC_0_SSID GENMASK_ULL(31, 12)
#define VSMMU_ATC_0_SID GENMASK_ULL(63, 32)
#define VSMMU_ATC_0_GLOBAL BIT(9)
#define VSMMU_ATC_1_SIZE GENMASK_ULL(5, 0)
#define VSMMU_ATC_1_ADDR_MASK GENMASK_ULL(63, 12)
#define VSMMU_ATC_INV_SIZE_ALL 52

bool arm_smmu_iommufd_built(const struct arm_smmu_device *smmu)
{
	return smmu && smmu->k && kconfig_enabled(kernel_config(smmu->k), KCONFIG_ARM_SMMU_V3_IOMMUFD);
}

static struct arm_smmu_master *dev_master(struct device *dev)
{
	return dev && dev->iommu ? dev->iommu->priv : NULL;
}

bool arm_smmu_master_canwbs(const struct arm_smmu_master *master)
{
	struct iommu_fwspec *fwspec = master ? dev_iommu_fwspec_get(master->dev) : NULL;
	return fwspec && (fwspec->flags & IOMMU_FWSPEC_PCI_RC_CANWBS);
}

/* arm_smmu_dbm_capable(): hardware dirty-bit updates on a coherent SMMU */
static bool dbm_capable(const struct arm_smmu_device *smmu)
{
	u32 need = ARM_SMMU_FEAT_HD | ARM_SMMU_FEAT_COHERENCY;
	return (smmu->features & need) == need;
}

bool arm_smmu_capable(struct device *dev, enum iommu_cap cap)
{
	struct arm_smmu_master *master = dev_master(dev);
	if (!master)
		return false;
	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
		return master->smmu->features & ARM_SMMU_FEAT_COHERENCY;
	case IOMMU_CAP_ENFORCE_CACHE_COHERENCY:
		return arm_smmu_master_canwbs(master);
	case IOMMU_CAP_NOEXEC:
	case IOMMU_CAP_DEFERRED_FLUSH:
		return true;
	case IOMMU_CAP_DIRTY_TRACKING:
		return dbm_capable(master->smmu);
	case IOMMU_CAP_PCI_ATS_SUPPORTED:
		/* arm_smmu_ats_supported(): the SMMU's ATS first; QEMU's SMMU has none */
		return false;
	default:
		return false;
	}
}

/* ---- IOMMU_GET_HW_INFO ---- */

void *arm_smmu_hw_info(struct device *dev, u32 *length, u32 *type, int *err)
{
	struct arm_smmu_master *master = dev_master(dev);
	if (!master) {
		*err = -ENODEV;
		return NULL;
	}
	if (!arm_smmu_iommufd_built(master->smmu)) {
		/* built without ARM_SMMU_V3_IOMMUFD: the op is NULL, the core answers type NONE */
		*type = IOMMU_HW_INFO_TYPE_NONE;
		*length = 0;
		*err = 0;
		return NULL;
	}
	/* another type asked for: only an implementation's hw_info (none modelled) knows it */
	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT && *type != IOMMU_HW_INFO_TYPE_ARM_SMMUV3) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	struct iommu_hw_info_arm_smmuv3 *info = calloc(1, sizeof(*info));
	if (!info) {
		*err = -ENOMEM;
		return NULL;
	}
	/* readl_relaxed() of IDR0..IDR5, IIDR and AIDR: what the hardware answers now */
	for (unsigned i = 0; i <= 5; i++)
		info->idr[i] = readl(&master->smmu->mmio, SMMU_REG_IDR0 + 4 * i);
	info->iidr = readl(&master->smmu->mmio, SMMU_REG_IIDR);
	info->aidr = readl(&master->smmu->mmio, SMMU_REG_AIDR);
	/* IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI: no modelled part has the erratum */
	*length = sizeof(*info);
	*type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	*err = 0;
	return info;
}

/* ---- paging domains with IOMMU_HWPT_ALLOC_* flags ---- */

struct iommu_domain *arm_smmu_domain_alloc_paging_flags(struct device *dev, u32 flags,
							const struct iommu_user_data *user_data, int *err)
{
	struct arm_smmu_master *master = dev_master(dev);
	const u32 paging_flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID |
				 IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (!master) {
		*err = -ENODEV;
		return NULL;
	}
	struct arm_smmu_device *smmu = master->smmu;
	if ((flags & ~paging_flags) || user_data) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	enum arm_smmu_domain_stage stage;
	switch (flags) {
	case 0:
		/* S1 when the SMMU has it */
		stage = smmu->features & ARM_SMMU_FEAT_TRANS_S1 ? ARM_SMMU_DOMAIN_S1 : ARM_SMMU_DOMAIN_S2;
		break;
	case IOMMU_HWPT_ALLOC_NEST_PARENT:
		/* both stages: QEMU's SMMU is stage 1 only unless the machine asks for nested */
		if (!(smmu->features & ARM_SMMU_FEAT_NESTING)) {
			*err = -EOPNOTSUPP;
			return NULL;
		}
		stage = ARM_SMMU_DOMAIN_S2;
		break;
	case IOMMU_HWPT_ALLOC_DIRTY_TRACKING:
	case IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_PASID:
	case IOMMU_HWPT_ALLOC_PASID:
		if (!(smmu->features & ARM_SMMU_FEAT_TRANS_S1)) {
			*err = -EOPNOTSUPP;
			return NULL;
		}
		/* arm_smmu_domain_finalise() with dirty tracking needs HD (io-pgtable's DBM quirk) */
		if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) && !dbm_capable(smmu)) {
			*err = -EOPNOTSUPP;
			return NULL;
		}
		stage = ARM_SMMU_DOMAIN_S1;
		break;
	default:
		*err = -EOPNOTSUPP;
		return NULL;
	}
	struct iommu_domain *dom = arm_smmu_domain_alloc(smmu->k, IOMMU_DOMAIN_UNMANAGED);
	if (!dom) {
		*err = -ENOMEM;
		return NULL;
	}
	struct arm_smmu_domain *d = to_smmu_domain(dom);
	d->stage = stage;
	d->smmu = smmu;
	/* a nest parent on an SMMU with S2FWB forces write-back in stage 2 (IO_PGTABLE_QUIRK_ARM_S2FWB) */
	if (flags & IOMMU_HWPT_ALLOC_NEST_PARENT)
		((struct arm_smmu_domain_cfg *)d->cfg)->s2.s2fwb = !!(smmu->features & ARM_SMMU_FEAT_S2FWB);
	int ret = arm_smmu_domain_finalise(d, master);
	if (ret) {
		d->smmu = NULL;
		dom->ops->free(dom);
		*err = ret;
		return NULL;
	}
	*err = 0;
	return dom;
}

/* ---- the vSMMU ---- */

size_t arm_smmu_get_viommu_size(struct device *dev, u32 viommu_type)
{
	struct arm_smmu_master *master = dev_master(dev);
	if (!master || !arm_smmu_iommufd_built(master->smmu))
		return 0;
	if (!(master->smmu->features & ARM_SMMU_FEAT_NESTING))
		return 0;
	/*
	 * The VM must not be able to make DMA bypass the caches (VFIO does no
	 * cache maintenance): the master is CANWBS, or S2FWB keeps stage 1 from
	 * making memory non-cacheable.
	 */
	if (!arm_smmu_master_canwbs(master) && !(master->smmu->features & ARM_SMMU_FEAT_S2FWB))
		return 0;
	if (viommu_type == IOMMU_VIOMMU_TYPE_ARM_SMMUV3)
		return sizeof(struct arm_vsmmu);
	/* other types come from an implementation's ops (tegra241 CMDQV): none modelled */
	return 0;
}

/* arm_smmu_validate_vste(): what a guest may ask for in its STE; EATS goes to the nested domain */
static int validate_vste(u64 ste[2], bool *enable_ats)
{
	if (!(ste[0] & STRTAB_STE_0_V)) {
		ste[0] = ste[1] = 0;
		return 0;
	}
	if ((ste[0] & ~STRTAB_STE_0_NESTING_ALLOWED) ||
	    (ste[1] & ~(STRTAB_STE_1_NESTING_ALLOWED | STRTAB_STE_1_EATS)))
		return -EIO;
	unsigned cfg = (unsigned)FIELD_GET(STRTAB_STE_0_CFG, ste[0]);
	if (cfg != STRTAB_STE_0_CFG_ABORT && cfg != STRTAB_STE_0_CFG_BYPASS && cfg != STRTAB_STE_0_CFG_S1_TRANS)
		return -EIO;
	/* full ATS or none: EATS 0 (abort) or 1 (translate) */
	unsigned eats = (unsigned)FIELD_GET(STRTAB_STE_1_EATS, ste[1]);
	ste[1] &= ~STRTAB_STE_1_EATS;
	if (eats != 0 && eats != STRTAB_STE_1_EATS_TRANS)
		return -EIO;
	if (cfg == STRTAB_STE_0_CFG_S1_TRANS)
		*enable_ats = eats == STRTAB_STE_1_EATS_TRANS;
	return 0;
}

/* iommu_copy_struct_from_user(): the type, min_len <= len <= ours, a zero tail past ours */
static int copy_user_struct(void *dst, size_t dst_len, size_t min_len, const struct iommu_user_data *u,
			    unsigned int type)
{
	if (u->type != type)
		return -EINVAL;
	if (u->len < min_len || dst_len < u->len)
		return -EINVAL;
	memset(dst, 0, dst_len);
	return copy_from_user(dst, (uintptr_t)u->uptr, u->len);
}

static struct iommu_domain *vsmmu_alloc_domain_nested(struct iommufd_viommu *viommu, u32 flags,
						      const struct iommu_user_data *user_data, int *err)
{
	struct arm_vsmmu *vsmmu = viommu->vsmmu;
	struct iommu_hwpt_arm_smmuv3 arg;
	bool enable_ats = false;
	if (flags) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	*err = copy_user_struct(&arg, sizeof(arg), sizeof(arg), user_data, IOMMU_HWPT_DATA_ARM_SMMUV3);
	if (*err)
		return NULL;
	u64 ste[2] = { arg.ste[0], arg.ste[1] };
	*err = validate_vste(ste, &enable_ats);
	if (*err)
		return NULL;
	(void)enable_ats;	/* no modelled device does ATS */
	struct iommu_domain *dom = arm_smmu_domain_alloc_nested(&vsmmu->s2_parent->domain, ste, err);
	if (dom)
		((struct arm_smmu_domain_cfg *)to_smmu_domain(dom)->cfg)->vsmmu = vsmmu;
	return dom;
}

int arm_vsmmu_attach_prepare(struct arm_vsmmu *vsmmu, struct arm_smmu_master *master, const u64 ste[2],
			     bool *vmaster, u64 *vsid)
{
	*vmaster = false;
	if (vsmmu->smmu != master->smmu)
		return -EINVAL;
	if (!iommufd_viommu_get_vdev_id(vsmmu->core, master->dev, vsid)) {
		*vmaster = true;
		return 0;
	}
	/* abort and bypass may attach without (the guest's GBPA) */
	unsigned cfg = (unsigned)FIELD_GET(STRTAB_STE_0_CFG, ste[0]);
	if (cfg == STRTAB_STE_0_CFG_ABORT || cfg == STRTAB_STE_0_CFG_BYPASS)
		return 0;
	return -ENOENT;
}

/* arm_vsmmu_vsid_to_sid(): the physical StreamID of the vDEVICE with this virtual one */
static int vsid_to_sid(struct arm_vsmmu *vsmmu, u32 vsid, u32 *sid)
{
	struct device *dev = iommufd_viommu_find_dev(vsmmu->core, vsid);
	struct arm_smmu_master *master = dev_master(dev);
	if (!master || !master->num_streams)
		return -EIO;
	*sid = master->streams[0].id;
	return 0;
}

static int vsmmu_vdevice_init(struct iommufd_vdevice *vdev)
{
	struct arm_smmu_master *master = dev_master(vdev->idev ? vdev->idev->dev : NULL);
	/* a vSID maps to streams[0] alone */
	if (!master || master->num_streams != 1)
		return -EOPNOTSUPP;
	return 0;
}

/* the range fields the spec calls Reserved (arm_vsmmu_validate_range) */
static int validate_range(const struct arm_smmu_device *smmu, const u64 data[2])
{
	bool range = !!(data[0] & (CMDQ_TLBI_0_NUM | VSMMU_TLBI_0_SCALE));
	unsigned ttl = (unsigned)FIELD_GET(CMDQ_TLBI_1_TTL, data[1]);
	unsigned tg = (unsigned)FIELD_GET(CMDQ_TLBI_1_TG, data[1]);
	if (!tg)
		return range || ttl ? -EIO : 0;
	if (tg == 2 && ttl == 1 && !(smmu->features & ARM_SMMU_FEAT_DS))
		return -EIO;
	if (!range && !ttl)
		return -EIO;
	return 0;
}

/* arm_vsmmu_validate_user_cmd(): the opcode is allowed and sets no field it may not */
static int validate_user_cmd(const struct arm_vsmmu *vsmmu, const u64 data[2])
{
	const struct arm_smmu_device *smmu = vsmmu->smmu;
	u64 allowed[2] = { CMDQ_0_OP, 0 };
	u64 asid_mask = FIELD_PREP(CMDQ_TLBI_0_ASID, (1ULL << smmu->asid_bits) - 1);

	switch (data[0] & CMDQ_0_OP) {
	case CMDQ_OP_TLBI_NSNH_ALL:
		break;
	case CMDQ_OP_TLBI_NH_VA:
	case VSMMU_OP_TLBI_NH_VAA:
		if ((data[0] & CMDQ_0_OP) == CMDQ_OP_TLBI_NH_VA)
			allowed[0] |= asid_mask;
		if (smmu->features & ARM_SMMU_FEAT_RANGE_INV) {
			if (validate_range(smmu, data))
				return -EIO;
			allowed[0] |= CMDQ_TLBI_0_NUM | VSMMU_TLBI_0_SCALE;
			allowed[1] |= CMDQ_TLBI_1_TG | CMDQ_TLBI_1_TTL;
			/* SCALE's top bit needs DS */
			if (!(smmu->features & ARM_SMMU_FEAT_DS))
				allowed[0] &= ~FIELD_PREP(VSMMU_TLBI_0_SCALE, 1ULL << 5);
		}
		allowed[0] |= CMDQ_TLBI_0_VMID;
		allowed[1] |= CMDQ_TLBI_1_LEAF | CMDQ_TLBI_1_VA_MASK;
		break;
	case CMDQ_OP_TLBI_NH_ASID:
	case CMDQ_OP_TLBI_NH_ALL:
		if ((data[0] & CMDQ_0_OP) == CMDQ_OP_TLBI_NH_ASID)
			allowed[0] |= asid_mask;
		allowed[0] |= CMDQ_TLBI_0_VMID;
		break;
	case VSMMU_OP_ATC_INV:
		if (!(smmu->features & ARM_SMMU_FEAT_ATS))
			return -EIO;
		if (FIELD_GET(VSMMU_ATC_1_SIZE, data[1]) > VSMMU_ATC_INV_SIZE_ALL)
			return -EIO;
		if (smmu->ssid_bits)
			allowed[0] |= CMDQ_0_SSV | VSMMU_ATC_0_SSID | VSMMU_ATC_0_GLOBAL;
		allowed[0] |= VSMMU_ATC_0_SID;
		allowed[1] |= VSMMU_ATC_1_SIZE | VSMMU_ATC_1_ADDR_MASK;
		break;
	case CMDQ_OP_CFGI_CD:
	case CMDQ_OP_CFGI_CD_ALL:
		if ((data[0] & CMDQ_0_OP) == CMDQ_OP_CFGI_CD) {
			if (smmu->ssid_bits)
				allowed[0] |= CMDQ_CFGI_0_SSID;
			allowed[1] |= CMDQ_CFGI_1_LEAF;
		}
		allowed[0] |= CMDQ_CFGI_0_SID;
		break;
	default:
		return -EIO;
	}
	/* any other bit (RES0, Secure) is refused before it can wedge the shared queue */
	if ((data[0] & ~allowed[0]) || (data[1] & ~allowed[1]))
		return -EIO;
	return 0;
}

int arm_vsmmu_convert_user_cmd(struct arm_vsmmu *vsmmu, u64 data[2])
{
	int ret = validate_user_cmd(vsmmu, data);
	if (ret)
		return ret;
	switch (data[0] & CMDQ_0_OP) {
	case CMDQ_OP_TLBI_NSNH_ALL:
		/* the guest's "everything" is everything of its VMID */
		data[0] = CMDQ_OP_TLBI_NH_ALL | FIELD_PREP(CMDQ_TLBI_0_VMID, vsmmu->vmid);
		data[1] = 0;
		break;
	case CMDQ_OP_TLBI_NH_VA:
	case VSMMU_OP_TLBI_NH_VAA:
	case CMDQ_OP_TLBI_NH_ALL:
	case CMDQ_OP_TLBI_NH_ASID:
		data[0] &= ~CMDQ_TLBI_0_VMID;
		data[0] |= FIELD_PREP(CMDQ_TLBI_0_VMID, vsmmu->vmid);
		break;
	case VSMMU_OP_ATC_INV:
	case CMDQ_OP_CFGI_CD:
	case CMDQ_OP_CFGI_CD_ALL: {
		u32 sid, vsid = (u32)FIELD_GET(CMDQ_CFGI_0_SID, data[0]);
		if (vsid_to_sid(vsmmu, vsid, &sid))
			return -EIO;
		data[0] &= ~CMDQ_CFGI_0_SID;
		data[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, sid);
		break;
	}
	default:
		return -EIO;
	}
	return 0;
}

/* iommu_copy_struct_from_full_user_array() into entry_num commands of two words */
static int copy_user_cmds(u64 *cmds, const struct iommu_user_data_array *array)
{
	const size_t ent = 2 * sizeof(u64);
	if (array->type != IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3)
		return -EINVAL;
	if (!array->entry_num)
		return -EINVAL;
	/* IOMMU_HWPT_INVALIDATE bounds entry_len by PAGE_SIZE */
	unsigned char entry[4096];
	if (array->entry_len > sizeof(entry))
		return -EINVAL;
	for (u32 i = 0; i < array->entry_num; i++) {
		int ret = copy_from_user(entry, (uintptr_t)array->uptr + (u64)i * array->entry_len, array->entry_len);
		if (ret)
			return ret;
		/* copy_struct_from_user(): shorter is zero-filled, longer must be zero past ours */
		for (u32 b = ent; b < array->entry_len; b++)
			if (entry[b])
				return -E2BIG;
		memcpy(&cmds[2 * i], entry, array->entry_len < ent ? array->entry_len : ent);
	}
	return 0;
}

static int vsmmu_cache_invalidate(struct iommufd_viommu *viommu, struct iommu_user_data_array *array)
{
	struct arm_vsmmu *vsmmu = viommu->vsmmu;
	struct arm_smmu_device *smmu = vsmmu->smmu;
	u32 n = array->entry_num, cur = 0, last = 0;
	int ret;
	/* kcalloc(): beyond KMALLOC_MAX_SIZE (4 MiB: order 10 of 4K pages) it fails (and WARNs once) */
	if ((u64)n * 2 * sizeof(u64) > (4ULL << 20))
		return -ENOMEM;
	u64 *cmds = calloc(n ? (size_t)n * 2 : 1, sizeof(u64));
	if (!cmds)
		return -ENOMEM;
	ret = copy_user_cmds(cmds, array);
	if (ret)
		goto out;
	while (cur != n) {
		ret = arm_vsmmu_convert_user_cmd(vsmmu, &cmds[2 * cur]);
		if (ret)
			goto out;
		cur++;
		/* issued in blocks of CMDQ_BATCH_ENTRIES - 1, each with its CMD_SYNC */
		if (cur != n && cur - last != CMDQ_BATCH_ENTRIES - 1)
			continue;
		ret = arm_smmu_cmdq_issue_cmdlist(smmu, &cmds[2 * last], (int)(cur - last), true);
		if (ret) {
			cur--;
			goto out;
		}
		last = cur;
	}
out:
	array->entry_num = cur;
	free(cmds);
	return ret;
}

static void vsmmu_destroy(struct iommufd_viommu *viommu)
{
	free(viommu->vsmmu);
	viommu->vsmmu = NULL;
}

static const struct iommufd_viommu_ops arm_vsmmu_ops = {
	.destroy = vsmmu_destroy,
	.alloc_domain_nested = vsmmu_alloc_domain_nested,
	.cache_invalidate = vsmmu_cache_invalidate,
	.vdevice_init = vsmmu_vdevice_init,
};

int arm_vsmmu_init(struct iommufd_viommu *viommu, struct iommu_domain *parent_domain,
		   const struct iommu_user_data *user_data)
{
	(void)user_data;	/* the ARM_SMMUV3 type takes no data */
	struct arm_smmu_device *smmu = viommu->iommu_dev ? viommu->iommu_dev->priv : NULL;
	struct arm_smmu_domain *s2_parent = to_smmu_domain(parent_domain);
	if (!smmu || s2_parent->smmu != smmu)
		return -EINVAL;
	if (viommu->type != IOMMU_VIOMMU_TYPE_ARM_SMMUV3)
		return -EOPNOTSUPP;
	struct arm_vsmmu *vsmmu = calloc(1, sizeof(*vsmmu));
	if (!vsmmu)
		return -ENOMEM;
	vsmmu->core = viommu;
	vsmmu->smmu = smmu;
	vsmmu->s2_parent = s2_parent;
	/* the S2 domain's VMID (7.3 allocates it with the domain) */
	vsmmu->vmid = ((struct arm_smmu_domain_cfg *)s2_parent->cfg)->s2.vmid;
	viommu->vsmmu = vsmmu;
	viommu->ops = &arm_vsmmu_ops;
	return 0;
}

/* ---- the vmaster's events (arm_vmaster_report_event) ---- */

int arm_vmaster_report_event(struct arm_smmu_master *master, const u64 evt[4])
{
	struct arm_smmu_domain *d = master ? master->domain : NULL;
	if (!d || d->stage != ARM_SMMU_DOMAIN_NESTED)
		return -EOPNOTSUPP;
	struct arm_vsmmu *vsmmu = ((struct arm_smmu_domain_cfg *)d->cfg)->vsmmu;
	/* arm_smmu_attach_prepare_vmaster() made one only with the device's vDEVICE */
	if (!vsmmu || !master->vmaster)
		return -EOPNOTSUPP;
	u64 vsid = master->vmaster_vsid;
	struct iommu_vevent_arm_smmuv3 vevt;
	vevt.evt[0] = htole64((evt[0] & ~EVTQ_0_SID) | FIELD_PREP(EVTQ_0_SID, vsid));
	for (unsigned i = 1; i < EVTQ_ENT_DWORDS; i++)
		vevt.evt[i] = htole64(evt[i]);
	return iommufd_viommu_report_event(vsmmu->core, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, &vevt, sizeof(vevt));
}
