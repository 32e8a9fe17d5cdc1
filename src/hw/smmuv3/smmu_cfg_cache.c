/*
 * Stream table lookup (linear and 2-level), CD fetch (through stage 2 when
 * nested) and the configuration cache. Only successful configurations are
 * cached: an STE the driver fixes up is picked up again without a CFGI, as
 * on hardware that never caches an ILLEGAL structure.
 */
#include <errno.h>
#include <string.h>

#include "hw/smmuv3/smmu_hw_internal.h"
#include "hw/smmuv3/smmuv3_tables.h"

static int cfg_event(struct smmu_event *ev, u8 type, u32 sid, u32 ssid, int err)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->sid = sid;
	ev->ssv = ssid != SMMU_NO_SSID;
	ev->ssid = ev->ssv ? ssid : 0;
	return err;
}

static int read_words(struct smmu_hw *smmu, u64 pa, u64 *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (guest_mem_read64(smmu->mem, pa + 8 * i, &w[i]))
			return -EFAULT;
	return 0;
}

/* Address of the STE for sid, or an event (C_BAD_STREAMID / F_STE_FETCH). */
int smmu_hw_ste_locate(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 *addr, struct smmu_event *ev)
{
	unsigned log2size = (unsigned)FIELD_GET(STRTAB_BASE_CFG_LOG2SIZE, smmu->strtab_base_cfg);
	unsigned fmt = (unsigned)FIELD_GET(STRTAB_BASE_CFG_FMT, smmu->strtab_base_cfg);
	u64 base = smmu->strtab_base & STRTAB_BASE_ADDR;

	if (log2size > smmu->cfg.sidsize)
		log2size = smmu->cfg.sidsize;
	if ((u64)sid >> log2size)
		return cfg_event(ev, SMMU_EVT_C_BAD_STREAMID, sid, ssid, -EIO);
	if (fmt == STRTAB_BASE_CFG_FMT_2LVL && smmu->cfg.strtab_2lvl) {
		unsigned split = (unsigned)FIELD_GET(STRTAB_BASE_CFG_SPLIT, smmu->strtab_base_cfg);
		u64 l1addr, l1desc;
		unsigned span;
		u32 l2idx;

		/* SPLIT is 6, 8 or 10; reserved values behave as 6, and never beyond the table. */
		if (split != 8 && split != 10)
			split = 6;
		if (split > log2size)
			split = log2size;
		l1addr = base + (u64)(sid >> split) * 8;
		if (guest_mem_read64(smmu->mem, l1addr, &l1desc)) {
			cfg_event(ev, SMMU_EVT_F_STE_FETCH, sid, ssid, -EIO);
			ev->fetch_addr = l1addr;
			return -EIO;
		}
		span = (unsigned)FIELD_GET(L1STD_SPAN, l1desc);
		l2idx = sid & ((1u << split) - 1);
		/* SPAN 0 means no level-2 table; SPAN n covers 2^(n-1) STEs. */
		if (span == 0 || span > split + 1 || l2idx >= (1u << (span - 1)))
			return cfg_event(ev, SMMU_EVT_C_BAD_STREAMID, sid, ssid, -EIO);
		*addr = (l1desc & L1STD_L2PTR) + (u64)l2idx * (STE_DWORDS * 8);
		return 0;
	}
	*addr = base + (u64)sid * (STE_DWORDS * 8);
	return 0;
}

/*
 * Fetch and decode the CD at index for the STE, into xc->cd. A translation
 * (use_tlb) counts its reads and uses and fills the TLB; a debug view does
 * neither.
 */
static int cd_fetch(struct smmu_hw *smmu, u32 sid, u32 ssid, u32 index, struct smmu_xlate_cfg *xc,
		    struct smmu_event *ev, bool use_tlb)
{
	u64 addr = xc->ste.s1ctxptr + (u64)index * (CD_DWORDS * 8);
	u64 cd[CD_DWORDS];
	unsigned out_limit = xc->s2 ? smmu->cfg.ias : smmu->cfg.oas;

	if (xc->s2) {
		/*
		 * Nested: S1ContextPtr is an IPA, translated by stage 2 through
		 * the TLB's stage-2 entries of the STE's VMID, as QEMU 10.0 does.
		 */
		struct smmu_walk_tlb wt = { .tlb = &smmu->tlb, .vmid = smmu->cfg.s2 ? xc->ste.vmid : 0 };
		struct smmu_walk_stats quiet = { 0 };
		struct smmu_walk_fault f;
		u64 pa;

		if (smmu_walk_s2_read(smmu->mem, &xc->ste.s2, use_tlb ? &wt : NULL, addr, &pa, &f,
				      use_tlb ? &smmu->wstats : &quiet)) {
			cfg_event(ev, f.type, sid, ssid, -EFAULT);
			ev->s2 = true;
			ev->class = SMMU_EVT_CLASS_CD;
			ev->ipa = addr;
			ev->fetch_addr = f.fetch_addr;
			ev->rnw = true;
			/* Unrecorded when STE.S2R is clear, like any stage-2 fault. */
			if (!xc->ste.s2r)
				ev->type = 0;
			return -EFAULT;
		}
		addr = pa;
	}
	if (read_words(smmu, addr, cd, CD_DWORDS)) {
		cfg_event(ev, SMMU_EVT_F_CD_FETCH, sid, ssid, -EIO);
		ev->fetch_addr = addr;
		return -EIO;
	}
	if (smmu_cd_decode(cd, &smmu->cfg, out_limit, &xc->cd))
		return cfg_event(ev, SMMU_EVT_C_BAD_CD, sid, ssid, -EIO);
	return 0;
}

static int cfg_build(struct smmu_hw *smmu, u32 sid, u32 ssid, struct smmu_xlate_cfg *xc,
		     struct smmu_event *ev, bool use_tlb)
{
	u64 addr, ste[STE_DWORDS];
	bool has_ssid = ssid != SMMU_NO_SSID;
	int ret;

	memset(xc, 0, sizeof(*xc));
	ret = smmu_hw_ste_locate(smmu, sid, ssid, &addr, ev);
	if (ret)
		return ret;
	if (read_words(smmu, addr, ste, STE_DWORDS)) {
		cfg_event(ev, SMMU_EVT_F_STE_FETCH, sid, ssid, -EIO);
		ev->fetch_addr = addr;
		return -EIO;
	}
	if (smmu_ste_decode(ste, &smmu->cfg, &xc->ste))
		return cfg_event(ev, SMMU_EVT_C_BAD_STE, sid, ssid, -EIO);

	switch (xc->ste.config) {
	case STE_CONFIG_ABORT:
		xc->mode = SMMU_XLATE_ABORT;
		return 0;
	case STE_CONFIG_BYPASS:
		/* Substreams need stage 1: a SubstreamID here is C_BAD_SUBSTREAMID. */
		if (has_ssid)
			return cfg_event(ev, SMMU_EVT_C_BAD_SUBSTREAMID, sid, ssid, -EIO);
		xc->mode = SMMU_XLATE_BYPASS;
		return 0;
	}
	xc->mode = SMMU_XLATE_TRANSLATE;
	xc->s1 = STE_CONFIG_S1_EN(xc->ste.config);
	xc->s2 = STE_CONFIG_S2_EN(xc->ste.config);
	xc->record_s2 = xc->ste.s2r;
	/* Without a CD (stage 1 bypassed) nothing suppresses stage-1 faults. */
	xc->record_s1 = true;
	/* With S2P the STE's VMID tags stage-1 entries too (spec 3.17). */
	xc->vmid = smmu->cfg.s2 ? xc->ste.vmid : 0;

	if (xc->s1) {
		u32 index = 0;

		if (has_ssid) {
			/* Beyond the CD table, or SSID 0 when S1DSS routes no-SSID traffic to CD 0. */
			if (!xc->ste.s1cdmax || ssid >> xc->ste.s1cdmax ||
			    (ssid == 0 && xc->ste.s1dss == STE_S1DSS_SSID0))
				return cfg_event(ev, SMMU_EVT_C_BAD_SUBSTREAMID, sid, ssid, -EIO);
			index = ssid;
		} else if (xc->ste.s1cdmax) {
			if (xc->ste.s1dss == STE_S1DSS_TERMINATE) {
				xc->mode = SMMU_XLATE_DISABLED;
				return 0;
			}
			if (xc->ste.s1dss == STE_S1DSS_BYPASS)
				xc->s1 = false;
		}
		if (xc->s1) {
			ret = cd_fetch(smmu, sid, ssid, index, xc, ev, use_tlb);
			if (ret)
				return ret;
			xc->asid = xc->cd.asid;
			xc->record_s1 = xc->cd.r;
		}
	} else if (has_ssid) {
		return cfg_event(ev, SMMU_EVT_C_BAD_SUBSTREAMID, sid, ssid, -EIO);
	}
	xc->tlb_kind = xc->s1 && xc->s2 ? SMMU_TLB_NESTED : xc->s1 ? SMMU_TLB_S1 : SMMU_TLB_S2;
	return 0;
}

int smmu_hw_cfg_build(struct smmu_hw *smmu, u32 sid, u32 ssid, struct smmu_xlate_cfg *xc,
		      struct smmu_event *ev)
{
	return cfg_build(smmu, sid, ssid, xc, ev, false);
}

int smmu_hw_cfg_get(struct smmu_hw *smmu, u32 sid, u32 ssid, const struct smmu_xlate_cfg **xc,
		    struct smmu_event *ev)
{
	struct smmu_cfg_entry *e = &smmu->cfgc.e[smmu_cfg_index(sid, ssid)];
	struct smmu_xlate_cfg fresh;
	int ret;

	if (e->valid && e->sid == sid && e->ssid == ssid) {
		smmu->stats.cfg_hits++;
		*xc = &e->xc;
		return 0;
	}
	smmu->stats.cfg_misses++;
	ret = cfg_build(smmu, sid, ssid, &fresh, ev, true);
	if (ret)
		return ret;
	e->valid = true;
	e->sid = sid;
	e->ssid = ssid;
	e->xc = fresh;
	*xc = &e->xc;
	return 0;
}

u64 smmu_hw_cfg_inval_sid_range(struct smmu_hw *smmu, u32 sid_first, u64 nr)
{
	u64 n = 0;

	for (unsigned i = 0; i < SMMU_CFG_CACHE_ENTRIES; i++) {
		struct smmu_cfg_entry *e = &smmu->cfgc.e[i];

		if (e->valid && e->sid >= sid_first && (u64)(e->sid - sid_first) < nr) {
			e->valid = false;
			n++;
		}
	}
	return n;
}

u64 smmu_hw_cfg_inval_cd(struct smmu_hw *smmu, u32 sid, u32 ssid)
{
	u64 n = 0;

	/*
	 * CD 0 also serves transactions without a SubstreamID; dropping a
	 * little more than asked is always allowed.
	 */
	for (unsigned i = 0; i < SMMU_CFG_CACHE_ENTRIES; i++) {
		struct smmu_cfg_entry *e = &smmu->cfgc.e[i];

		if (e->valid && e->sid == sid &&
		    (e->ssid == ssid || (ssid == 0 && e->ssid == SMMU_NO_SSID))) {
			e->valid = false;
			n++;
		}
	}
	return n;
}

u64 smmu_hw_cfg_inval_all(struct smmu_hw *smmu)
{
	u64 n = 0;

	for (unsigned i = 0; i < SMMU_CFG_CACHE_ENTRIES; i++) {
		if (smmu->cfgc.e[i].valid) {
			smmu->cfgc.e[i].valid = false;
			n++;
		}
	}
	return n;
}
