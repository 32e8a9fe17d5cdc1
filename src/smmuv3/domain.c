/*
 * arm-smmu-v3 domains (Linux 6.1 arm_smmu_domain_alloc, _finalise, attach,
 * map/unmap, and the io-pgtable flush ops). A domain learns its SMMU when a
 * first master attaches: only then are its stage, ASID/VMID, page tables
 * and context descriptor made.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smmuv3/domain.h"
#include "smmuv3/smmu_version.h"
#include "kversion/linux_version.h"
#include "smmuv3/smmu_tables.h"
#include "smmuv3/ste.h"
#include "smmuv3/cmdq.h"
#include "smmuv3/iommufd.h"
#include "kconfig/kconfig.h"
#include "base/page_alloc.h"
#include "pgtable/io_pgtable.h"

/* a domain with its (empty) table config, not yet on any SMMU */
static struct arm_smmu_domain *smmu_domain_new(struct kernel *k, unsigned type,
					       const struct iommu_domain_ops *ops,
					       enum arm_smmu_domain_stage stage)
{
	struct arm_smmu_domain *d = calloc(1, sizeof(*d));
	struct arm_smmu_domain_cfg *cfg = calloc(1, sizeof(*cfg));
	if (!d || !cfg) {
		free(d);
		free(cfg);
		return NULL;
	}
	d->cfg = cfg;
	d->domain.type = type;
	d->domain.k = k;
	d->domain.ops = ops;
	d->domain.priv = d;
	d->stage = stage;
	return d;
}

struct iommu_domain *arm_smmu_domain_alloc(struct kernel *k, unsigned type)
{
	/* 6.1 knows no BLOCKED domain: the core falls back to an empty UNMANAGED one */
	if (type != IOMMU_DOMAIN_UNMANAGED && type != IOMMU_DOMAIN_DMA &&
	    type != IOMMU_DOMAIN_DMA_FQ && type != IOMMU_DOMAIN_IDENTITY)
		return NULL;
	struct arm_smmu_domain *d = smmu_domain_new(k, type, &arm_smmu_domain_ops, ARM_SMMU_DOMAIN_S1);
	return d ? &d->domain : NULL;
}

/* ---- ASID / VMID allocators: lowest free id from 1 (xa_alloc / ida_alloc_range) ---- */

static int id_alloc(u8 *map, unsigned bits)
{
	for (u32 id = 1; id < (1U << bits); id++)
		if (!(map[id / 8] & (1U << (id % 8)))) {
			map[id / 8] |= (u8)(1U << (id % 8));
			return (int)id;
		}
	return -ENOSPC;
}

static void id_free(u8 *map, u32 id)
{
	if (map && id)
		map[id / 8] &= (u8)~(1U << (id % 8));
}

/* ---- io-pgtable callbacks ---- */

static u64 pgtbl_alloc_table(void *cookie, size_t size, size_t align)
{
	struct arm_smmu_device *smmu = cookie;
	return page_alloc(smmu->k->pages, MAX(size, align));
}

static void pgtbl_free_table(void *cookie, u64 pa, size_t size)
{
	struct arm_smmu_device *smmu = cookie;
	page_free(smmu->k->pages, pa, size);
}

static unsigned domain_leaf_shift(const struct arm_smmu_domain *d)
{
	return d->domain.pgsize_bitmap ? (unsigned)__builtin_ctzll(d->domain.pgsize_bitmap) : 12;
}

void arm_smmu_tlb_inv_context(struct arm_smmu_domain *d)
{
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	if (!d->smmu)
		return;
	if (d->stage == ARM_SMMU_DOMAIN_S1)
		arm_smmu_tlb_inv_asid(d->smmu, cfg->s1.cd.asid);
	else
		arm_smmu_tlb_inv_vmid(d->smmu, cfg->s2.vmid);
}

/* arm_smmu_tlb_inv_range_domain(): TLBI by VA (S1, by ASID) or IPA (S2, by VMID) */
static void tlb_inv_range_domain(u64 iova, size_t size, size_t granule, bool leaf,
				 struct arm_smmu_domain *d)
{
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	struct arm_smmu_cmdq_ent cmd = { .tlbi.leaf = leaf };

	if (d->stage == ARM_SMMU_DOMAIN_S1) {
		cmd.opcode = d->smmu->features & ARM_SMMU_FEAT_E2H ? CMDQ_OP_TLBI_EL2_VA
								   : CMDQ_OP_TLBI_NH_VA;
		cmd.tlbi.asid = cfg->s1.cd.asid;
	} else {
		cmd.opcode = CMDQ_OP_TLBI_S2_IPA;
		cmd.tlbi.vmid = cfg->s2.vmid;
	}
	arm_smmu_tlb_inv_range_cmd(d->smmu, &cmd, iova, size, granule, domain_leaf_shift(d));
}

static void flush_tlb_all(void *cookie)
{
	arm_smmu_tlb_inv_context(cookie);
}

static void flush_tlb_walk(unsigned long iova, size_t size, size_t granule, void *cookie)
{
	tlb_inv_range_domain(iova, size, granule, false, cookie);
}

static void iotlb_sync(struct arm_smmu_domain *d, struct iommu_iotlb_gather *gather)
{
	if (!gather->pgsize)
		return;
	tlb_inv_range_domain(gather->start, gather->end - gather->start + 1, gather->pgsize, true, d);
	gather->pgsize = 0;
	gather->start = ~0UL;
	gather->end = 0;
}

/* iommu_iotlb_gather_add_page(): a discontiguous page or new size flushes first */
static void flush_tlb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			       size_t granule, void *cookie)
{
	unsigned long end = iova + granule - 1;
	if (gather->pgsize && (gather->pgsize != granule || end + 1 < gather->start ||
			       iova > gather->end + 1))
		iotlb_sync(cookie, gather);
	gather->pgsize = granule;
	if (iova < gather->start)
		gather->start = iova;
	if (end > gather->end)
		gather->end = end;
}

static const struct iommu_flush_ops arm_smmu_flush_ops = {
	.tlb_flush_all = flush_tlb_all,
	.tlb_flush_walk = flush_tlb_walk,
	.tlb_add_page = flush_tlb_add_page,
};

/* ---- context descriptors (6.1 arm_smmu_write_ctx_desc) ---- */

/* arm_smmu_sync_cd(): CFGI_CD for every stream of every attached master, then a sync */
static void sync_cd(struct arm_smmu_domain *d, u32 ssid, bool leaf)
{
	struct arm_smmu_cmdq_batch cmds = { .num = 0 };
	struct arm_smmu_cmdq_ent cmd = { .opcode = CMDQ_OP_CFGI_CD,
					 .cfgi = { .ssid = ssid, .leaf = leaf } };
	for (size_t i = 0; i < d->nmasters; i++)
		for (unsigned s = 0; s < d->masters[i]->num_streams; s++) {
			cmd.cfgi.sid = d->masters[i]->streams[s].id;
			arm_smmu_cmdq_batch_add(d->smmu, &cmds, &cmd);
		}
	arm_smmu_cmdq_batch_submit(d->smmu, &cmds);
}

static int write_ctx_desc(struct arm_smmu_domain *d, u32 ssid, const struct arm_smmu_ctx_desc *cd)
{
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	u64 target[CTXDESC_CD_DWORDS], val;
	u64 pa = cfg->s1.cdtab_pa + (u64)ssid * (CTXDESC_CD_DWORDS << 3);
	struct guest_mem *mem = d->smmu->mem;

	if (ssid >= (1U << cfg->s1.s1cdmax))
		return -E2BIG;
	if (guest_mem_read64(mem, pa, &val))
		return -EFAULT;
	if (!cd) {
		val = 0;	/* remove */
	} else if (val & CTXDESC_CD_0_V) {
		/* live: only the ASID moves, in one store */
		val = (val & ~CTXDESC_CD_0_ASID) | FIELD_PREP(CTXDESC_CD_0_ASID, cd->asid);
	} else {
		arm_smmu_make_s1_cd(target, cd, false);
		/* words 1-3 first; the SMMU may read them in any order once V=1 */
		if (guest_mem_write64(mem, pa + 8, target[1]) ||
		    guest_mem_write64(mem, pa + 16, target[2]) ||
		    guest_mem_write64(mem, pa + 24, target[3]))
			return -EFAULT;
		sync_cd(d, ssid, true);
		val = target[0];
	}
	if (guest_mem_write64(mem, pa, val))
		return -EFAULT;
	d->smmu->stats.cd_writes++;
	sync_cd(d, ssid, true);
	return 0;
}

/* ---- finalise ---- */

static int finalise_s1(struct arm_smmu_domain *d, struct arm_smmu_master *master,
		       struct io_pgtable_cfg *pgtbl_cfg)
{
	struct arm_smmu_device *smmu = d->smmu;
	struct arm_smmu_tables *t = smmu->tables;
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	(void)master;	/* its ssid_bits: 0, QEMU 7.2 has no substreams */
	int asid = id_alloc(t->asid_map, smmu->asid_bits);
	if (asid < 0)
		return asid;
	cfg->s1.s1cdmax = 0;
	cfg->s1.s1fmt = STRTAB_STE_0_S1FMT_LINEAR;
	cfg->s1.cdtab_size = (1ULL << cfg->s1.s1cdmax) * (CTXDESC_CD_DWORDS << 3);
	cfg->s1.cdtab_pa = page_alloc(smmu->k->pages, cfg->s1.cdtab_size);
	if (!cfg->s1.cdtab_pa || guest_mem_fill(smmu->mem, cfg->s1.cdtab_pa, 0, cfg->s1.cdtab_size)) {
		dev_warn(smmu->dev, "failed to allocate context descriptor\n");
		if (cfg->s1.cdtab_pa)
			page_free(smmu->k->pages, cfg->s1.cdtab_pa, cfg->s1.cdtab_size);
		cfg->s1.cdtab_pa = 0;
		id_free(t->asid_map, (u32)asid);
		return -ENOMEM;
	}
	cfg->s1.cd.asid = (u16)asid;
	cfg->s1.cd.ttbr = pgtbl_cfg->arm_lpae_s1_cfg.ttbr;
	cfg->s1.cd.tcr = arm_smmu_cd_tcr_from_pgtbl(pgtbl_cfg);
	cfg->s1.cd.mair = pgtbl_cfg->arm_lpae_s1_cfg.mair;
	int ret = write_ctx_desc(d, 0, &cfg->s1.cd);
	if (ret) {
		page_free(smmu->k->pages, cfg->s1.cdtab_pa, cfg->s1.cdtab_size);
		cfg->s1.cdtab_pa = 0;
		id_free(t->asid_map, (u32)asid);
	}
	return ret;
}

static int finalise_s2(struct arm_smmu_domain *d, struct io_pgtable_cfg *pgtbl_cfg)
{
	struct arm_smmu_tables *t = d->smmu->tables;
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	/* VMID 0 stays for stage-2 bypass STEs */
	int vmid = id_alloc(t->vmid_map, d->smmu->vmid_bits);
	if (vmid < 0)
		return vmid;
	cfg->s2.vmid = (u16)vmid;
	cfg->s2.vttbr = pgtbl_cfg->arm_lpae_s2_cfg.vttbr;
	cfg->s2.vtcr = arm_smmu_ste_vtcr_from_pgtbl(pgtbl_cfg);
	return 0;
}

int arm_smmu_domain_finalise(struct arm_smmu_domain *d, struct arm_smmu_master *master)
{
	struct arm_smmu_device *smmu = d->smmu;
	struct io_pgtable_cfg pgtbl_cfg;
	struct io_pgtable_ops *ops;
	enum io_pgtable_fmt fmt;
	unsigned long ias, oas;
	int ret;

	if (!smmu || !smmu->tables || !smmu->k || !smmu->k->pages)
		return -EINVAL;
	if (d->domain.type == IOMMU_DOMAIN_IDENTITY) {
		d->stage = ARM_SMMU_DOMAIN_BYPASS;
		return 0;
	}
	/* the stage the SMMU can do */
	if (!(smmu->features & ARM_SMMU_FEAT_TRANS_S1))
		d->stage = ARM_SMMU_DOMAIN_S2;
	if (!(smmu->features & ARM_SMMU_FEAT_TRANS_S2))
		d->stage = ARM_SMMU_DOMAIN_S1;
	switch (d->stage) {
	case ARM_SMMU_DOMAIN_S1:
		ias = (smmu->features & ARM_SMMU_FEAT_VAX) ? 52 : 48;
		ias = MIN(ias, (unsigned long)ARM64_VA_BITS);
		oas = smmu->ias;
		fmt = ARM_64_LPAE_S1;
		break;
	case ARM_SMMU_DOMAIN_S2:
		ias = smmu->ias;
		oas = smmu->oas;
		fmt = ARM_64_LPAE_S2;
		break;
	default:
		return -EINVAL;
	}
	memset(&pgtbl_cfg, 0, sizeof(pgtbl_cfg));
	pgtbl_cfg.pgsize_bitmap = smmu->pgsize_bitmap;
	pgtbl_cfg.ias = (unsigned)ias;
	pgtbl_cfg.oas = (unsigned)oas;
	pgtbl_cfg.coherent_walk = smmu->features & ARM_SMMU_FEAT_COHERENCY;
	pgtbl_cfg.tlb = &arm_smmu_flush_ops;
	pgtbl_cfg.mem = smmu->mem;
	pgtbl_cfg.alloc_table = pgtbl_alloc_table;
	pgtbl_cfg.free_table = pgtbl_free_table;
	pgtbl_cfg.alloc_cookie = smmu;
	ops = alloc_io_pgtable_ops(fmt, &pgtbl_cfg, d);
	if (!ops)
		return -ENOMEM;
	d->domain.pgsize_bitmap = pgtbl_cfg.pgsize_bitmap;
	d->domain.geometry.aperture_start = 0;
	d->domain.geometry.aperture_end = (1ULL << pgtbl_cfg.ias) - 1;
	d->domain.geometry.force_aperture = true;
	if (d->stage == ARM_SMMU_DOMAIN_S1)
		ret = finalise_s1(d, master, &pgtbl_cfg);
	else
		ret = finalise_s2(d, &pgtbl_cfg);
	if (ret) {
		/* no TLBI for tables the SMMU never saw */
		io_pgtable_ops_to_pgtable(ops)->cfg.tlb = NULL;
		free_io_pgtable_ops(ops);
		return ret;
	}
	d->pgtbl_ops = ops;
	return 0;
}

/* ---- attach / detach ---- */

static void domain_remove_master(struct arm_smmu_domain *d, struct arm_smmu_master *master)
{
	for (size_t i = 0; i < d->nmasters; i++)
		if (d->masters[i] == master) {
			memmove(&d->masters[i], &d->masters[i + 1],
				(d->nmasters - i - 1) * sizeof(*d->masters));
			d->nmasters--;
			return;
		}
}

/* arm_smmu_detach_dev(): leave the domain, the streams go back to abort/bypass */
static void detach_master(struct arm_smmu_master *master)
{
	struct arm_smmu_domain *d = master->domain;
	if (!d)
		return;
	domain_remove_master(d, master);
	master->domain = NULL;
	arm_smmu_install_ste_for_dev(master);
}

/*
 * An attach: 6.1's arm_smmu_attach_dev() detaches first (the STE goes to
 * abort/bypass, then to the new domain's); 7.3 checks the new domain first,
 * then leaves the old one and lets the entry writer go straight from the
 * old STE to the new one (an error leaves the old attachment whole).
 */
static bool attach_direct(const struct arm_smmu_master *master)
{
	return kernel_version(master->smmu->k)->smmu->attach_direct_ste_update;
}

static void leave_domain(struct arm_smmu_master *master)
{
	if (!master->domain)
		return;
	domain_remove_master(master->domain, master);
	master->domain = NULL;
}

/*
 * arm_smmu_enable_iopf() (7.3): a domain with an IOPF handler (an iommufd
 * HWPT with a fault queue) needs ARM_SMMU_V3_SVA's IOPF queue: without it
 * (never built in the model) EOPNOTSUPP; with it, a master that does not
 * stall needs nothing.
 */
static int arm_smmu_enable_iopf(struct arm_smmu_master *master)
{
	if (!kconfig_enabled(kernel_config(master->smmu->k), KCONFIG_ARM_SMMU_V3_SVA))
		return -EOPNOTSUPP;
	return 0;
}

static int arm_smmu_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	struct arm_smmu_domain *d = to_smmu_domain(domain);
	struct arm_smmu_master *master;
	int ret;

	if (!dev_iommu_fwspec_get(dev) || !dev->iommu->priv)
		return -ENOENT;
	master = dev->iommu->priv;
	if (domain->iopf_handler) {
		ret = arm_smmu_enable_iopf(master);
		if (ret)
			return ret;
	}
	struct arm_smmu_master **m = realloc(d->masters, (d->nmasters + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	d->masters = m;
	if (!attach_direct(master))
		detach_master(master);
	if (!d->smmu) {
		d->smmu = master->smmu;
		ret = arm_smmu_domain_finalise(d, master);
		if (ret) {
			d->smmu = NULL;
			return ret;
		}
	} else if (d->smmu != master->smmu) {
		return -EINVAL;
	}
	leave_domain(master);
	master->domain = d;
	d->masters[d->nmasters++] = master;
	ret = arm_smmu_install_ste_for_dev(master);
	if (ret) {
		detach_master(master);
		return ret;
	}
	return 0;
}

static void arm_smmu_detach_dev(struct iommu_domain *domain, struct device *dev)
{
	struct arm_smmu_master *master = dev->iommu ? dev->iommu->priv : NULL;
	if (master && master->domain == to_smmu_domain(domain))
		detach_master(master);
}

/* ---- map / unmap ---- */

static int arm_smmu_map_pages(struct iommu_domain *domain, u64 iova, u64 paddr, size_t pgsize,
			      size_t pgcount, int prot, size_t *mapped)
{
	struct io_pgtable_ops *ops = to_smmu_domain(domain)->pgtbl_ops;
	if (!ops)
		return -ENODEV;
	return ops->map_pages(ops, iova, paddr, pgsize, pgcount, prot, mapped);
}

/*
 * The leaves go into the caller's gather, which says whether they are queued
 * (6.1: set by dma-iommu for its flush queue, whatever the domain type says);
 * the caller syncs it. Removed tables were invalidated on the way.
 */
static size_t arm_smmu_unmap_pages(struct iommu_domain *domain, u64 iova, size_t pgsize,
				   size_t pgcount, struct iommu_iotlb_gather *gather)
{
	struct io_pgtable_ops *ops = to_smmu_domain(domain)->pgtbl_ops;
	if (!ops)
		return 0;
	return ops->unmap_pages(ops, iova, pgsize, pgcount, gather);
}

/* arm_smmu_iotlb_sync(): one range TLBI for the gathered leaves, then CMD_SYNC */
static void arm_smmu_iotlb_sync(struct iommu_domain *domain, struct iommu_iotlb_gather *gather)
{
	struct arm_smmu_domain *d = to_smmu_domain(domain);
	if (d->smmu && d->pgtbl_ops)
		iotlb_sync(d, gather);
}

static u64 arm_smmu_iova_to_phys(struct iommu_domain *domain, u64 iova)
{
	struct io_pgtable_ops *ops = to_smmu_domain(domain)->pgtbl_ops;
	return ops ? ops->iova_to_phys(ops, iova) : 0;
}

static void arm_smmu_flush_iotlb_all(struct iommu_domain *domain)
{
	struct arm_smmu_domain *d = to_smmu_domain(domain);
	if (d->smmu && d->pgtbl_ops)
		arm_smmu_tlb_inv_context(d);
}

static void arm_smmu_domain_free(struct iommu_domain *domain)
{
	struct arm_smmu_domain *d = to_smmu_domain(domain);
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	/* masters still attached go back to abort/bypass first */
	while (d->nmasters)
		detach_master(d->masters[d->nmasters - 1]);
	if (d->pgtbl_ops)
		free_io_pgtable_ops(d->pgtbl_ops);
	if (d->smmu && cfg) {
		struct arm_smmu_tables *t = d->smmu->tables;
		if (d->stage == ARM_SMMU_DOMAIN_S1 && cfg->s1.cdtab_pa) {
			page_free(d->smmu->k->pages, cfg->s1.cdtab_pa, cfg->s1.cdtab_size);
			id_free(t ? t->asid_map : NULL, cfg->s1.cd.asid);
		} else if (d->stage == ARM_SMMU_DOMAIN_S2) {
			id_free(t ? t->vmid_map : NULL, cfg->s2.vmid);
		}
	}
	free(d->masters);
	free(cfg);
	free(d);
}

/* 7.3's arm_smmu_enforce_cache_coherency(): every attached master's root complex is CANWBS */
static bool arm_smmu_enforce_cache_coherency(struct iommu_domain *domain)
{
	struct arm_smmu_domain *d = to_smmu_domain(domain);
	for (size_t i = 0; i < d->nmasters; i++)
		if (!arm_smmu_master_canwbs(d->masters[i]))
			return false;
	return true;
}

const struct iommu_domain_ops arm_smmu_domain_ops = {
	.attach_dev = arm_smmu_attach_dev,
	.detach_dev = arm_smmu_detach_dev,
	.map_pages = arm_smmu_map_pages,
	.unmap_pages = arm_smmu_unmap_pages,
	.iotlb_sync = arm_smmu_iotlb_sync,
	.iova_to_phys = arm_smmu_iova_to_phys,
	.flush_iotlb_all = arm_smmu_flush_iotlb_all,
	.free = arm_smmu_domain_free,
	.enforce_cache_coherency = arm_smmu_enforce_cache_coherency,
};

/* ---- stage 2 and nesting (upstream, for iommufd) ---- */

struct iommu_domain *arm_smmu_domain_alloc_s2(struct kernel *k, struct arm_smmu_device *smmu)
{
	if (!smmu || !(smmu->features & ARM_SMMU_FEAT_TRANS_S2))
		return NULL;
	struct iommu_domain *dom = arm_smmu_domain_alloc(k, IOMMU_DOMAIN_UNMANAGED);
	if (!dom)
		return NULL;
	struct arm_smmu_domain *d = to_smmu_domain(dom);
	d->stage = ARM_SMMU_DOMAIN_S2;
	d->smmu = smmu;
	if (arm_smmu_domain_finalise(d, NULL)) {
		d->smmu = NULL;
		arm_smmu_domain_free(dom);
		return NULL;
	}
	return dom;
}

static void nested_domain_free(struct iommu_domain *domain)
{
	struct arm_smmu_domain *d = to_smmu_domain(domain);
	while (d->nmasters)
		detach_master(d->masters[d->nmasters - 1]);
	free(d->masters);
	free(d->cfg);
	free(d);
}

static int nested_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	struct arm_smmu_domain *d = to_smmu_domain(domain);
	if (!dev_iommu_fwspec_get(dev) || !dev->iommu->priv)
		return -ENOENT;
	struct arm_smmu_master *master = dev->iommu->priv;
	if (master->smmu != d->smmu)
		return -EINVAL;
	/* through a vSMMU: a translating guest STE needs the device's vDEVICE (its vSID) */
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	bool vmaster = false;
	u64 vsid = 0;
	if (cfg->vsmmu) {
		int err = arm_vsmmu_attach_prepare(cfg->vsmmu, master, cfg->nested_ste, &vmaster, &vsid);
		if (err)
			return err;
	}
	if (domain->iopf_handler) {
		int err = arm_smmu_enable_iopf(master);
		if (err)
			return err;
	}
	struct arm_smmu_master **m = realloc(d->masters, (d->nmasters + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	d->masters = m;
	if (attach_direct(master))
		leave_domain(master);
	else
		detach_master(master);
	master->domain = d;
	/* arm_smmu_attach_commit_vmaster() */
	master->vmaster = vmaster;
	master->vmaster_vsid = vsid;
	d->masters[d->nmasters++] = master;
	int ret = arm_smmu_install_ste_for_dev(master);
	if (ret)
		detach_master(master);
	return ret;
}

static const struct iommu_domain_ops arm_smmu_nested_ops = {
	.attach_dev = nested_attach_dev,
	.detach_dev = arm_smmu_detach_dev,
	.free = nested_domain_free,
};

struct iommu_domain *arm_smmu_domain_alloc_nested(struct iommu_domain *s2_parent,
						  const u64 guest_ste[2], int *err)
{
	struct arm_smmu_domain *parent = s2_parent ? to_smmu_domain(s2_parent) : NULL;
	u64 ste[2];
	int dummy;
	if (!err)
		err = &dummy;
	*err = -EINVAL;
	if (!parent || !guest_ste || parent->stage != ARM_SMMU_DOMAIN_S2 || !parent->pgtbl_ops ||
	    parent->domain.ops != &arm_smmu_domain_ops)
		return NULL;
	ste[0] = guest_ste[0];
	ste[1] = guest_ste[1];
	/* arm_smmu_validate_vste(): an invalid guest STE is an abort */
	if (!(ste[0] & STRTAB_STE_0_V)) {
		ste[0] = ste[1] = 0;
	} else {
		unsigned c = (unsigned)FIELD_GET(STRTAB_STE_0_CFG, ste[0]);
		if ((ste[0] & ~STRTAB_STE_0_NESTING_ALLOWED) || (ste[1] & ~STRTAB_STE_1_NESTING_ALLOWED) ||
		    (c != STRTAB_STE_0_CFG_ABORT && c != STRTAB_STE_0_CFG_BYPASS &&
		     c != STRTAB_STE_0_CFG_S1_TRANS)) {
			*err = -EIO;
			return NULL;
		}
	}
	struct arm_smmu_domain *d = smmu_domain_new(parent->domain.k, IOMMU_DOMAIN_UNMANAGED,
						    &arm_smmu_nested_ops, ARM_SMMU_DOMAIN_NESTED);
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	struct arm_smmu_domain_cfg *cfg = d->cfg;
	cfg->s2_parent = parent;
	cfg->nested_ste[0] = ste[0];
	cfg->nested_ste[1] = ste[1];
	d->smmu = parent->smmu;
	*err = 0;
	return &d->domain;
}
