/*
 * The translation path of one transaction (SMMUv3 spec 3.x "translation
 * flow"): SMMUEN/GBPA, config lookup, TLB, then the stage walks; faults
 * become event records, gated by CD.R / STE.S2R and CR2.RECINVSID.
 */
#include <errno.h>
#include <string.h>

#include "hw/smmuv3/smmu_hw_internal.h"

static void event_init(struct smmu_event *ev, u8 type, u32 sid, u32 ssid, u64 iova, bool write)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->sid = sid;
	ev->ssv = ssid != SMMU_NO_SSID;
	ev->ssid = ev->ssv ? ssid : 0;
	ev->input_addr = iova;
	ev->rnw = !write;
	ev->class = SMMU_EVT_CLASS_IN;
}

static int fault(struct smmu_hw *smmu, const struct smmu_xlate_cfg *xc, u32 sid, u32 ssid,
		 u64 iova, bool write, const struct smmu_walk_fault *f, struct smmu_event *ev)
{
	event_init(ev, f->type, sid, ssid, iova, write);
	ev->s2 = f->s2;
	ev->class = f->class;
	ev->ipa = f->s2 ? f->ipa : 0;
	ev->fetch_addr = f->fetch_addr;
	smmu->stats.faults++;
	/* CD.R and STE.S2R decide whether a stage's faults are recorded at all. */
	if (f->s2 ? !xc->record_s2 : !xc->record_s1)
		ev->type = 0;
	else
		smmu_hw_evtq_record(smmu, ev);
	return -EFAULT;
}

static int walk_and_fill(struct smmu_hw *smmu, const struct smmu_xlate_cfg *xc, u64 iova,
			 bool write, struct smmu_tlb_entry *ent, struct smmu_walk_fault *f)
{
	struct smmu_walk_result r1 = { .out = iova, .size_shift = 63, .writable = true };
	struct smmu_walk_result r2 = { .readable = true, .writable = true };
	u8 shift;

	if (xc->s1 && xc->s2) {
		/* Nested: the stage-1 tables' IPAs go through stage-2 TLB entries or walks. */
		struct smmu_walk_tlb wt = { .tlb = &smmu->tlb, .vmid = xc->vmid };

		if (smmu_walk_nested(smmu->mem, &xc->cd.s1, &xc->ste.s2, &wt, iova, write, &r1, f,
				     &smmu->wstats))
			return -EFAULT;
	} else if (xc->s1) {
		if (smmu_walk(smmu->mem, &xc->cd.s1, false, NULL, iova, write, &r1, f,
			      &smmu->wstats))
			return -EFAULT;
	} else if (iova >> smmu->cfg.ias) {
		/* Stage 1 bypassed: an input beyond the IAS is a stage-1 address size fault. */
		memset(f, 0, sizeof(*f));
		f->type = SMMU_EVT_F_ADDR_SIZE;
		f->class = SMMU_EVT_CLASS_IN;
		return -EFAULT;
	}
	if (xc->s2) {
		if (smmu_walk(smmu->mem, &xc->ste.s2, true, NULL, r1.out, write, &r2, f,
			      &smmu->wstats))
			return -EFAULT; /* f->ipa is r1.out, class IN */
	} else {
		r2.out = r1.out;
		r2.size_shift = r1.size_shift;
	}
	/* The combined entry is as large as the smaller of the two mappings. */
	shift = MIN(r1.size_shift, r2.size_shift);
	ent->in = iova & ~((1ULL << shift) - 1);
	ent->out = r2.out & ~((1ULL << shift) - 1);
	ent->ipa = r1.out & ~((1ULL << shift) - 1);
	ent->size_shift = shift;
	ent->kind = xc->tlb_kind;
	ent->asid = xc->asid;
	ent->vmid = xc->vmid;
	ent->perm = (u8)((r1.writable ? SMMU_TLB_PERM_S1W : 0) |
			 (r2.readable ? SMMU_TLB_PERM_S2R : 0) |
			 (r2.writable ? SMMU_TLB_PERM_S2W : 0));
	return 0;
}

/*
 * A TLB hit still checks the access against the cached permissions: stage 1
 * first, then stage 2 (as QEMU 10.0 tells them apart by the entry's
 * parent_perm). A stage-2 fault carries the IPA, as the spec defines the
 * field (QEMU 10.0 leaves it 0 on this path only).
 */
static bool tlb_perm_fault(const struct smmu_tlb_entry *e, u64 iova, bool write,
			   struct smmu_walk_fault *f)
{
	memset(f, 0, sizeof(*f));
	f->type = SMMU_EVT_F_PERMISSION;
	f->class = SMMU_EVT_CLASS_IN;
	if (write && !(e->perm & SMMU_TLB_PERM_S1W))
		return true;
	if (write ? !(e->perm & SMMU_TLB_PERM_S2W) : !(e->perm & SMMU_TLB_PERM_S2R)) {
		f->s2 = true;
		f->ipa = e->ipa + (iova - e->in);
		return true;
	}
	return false;
}

static int xlate(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, bool write, u64 *pa,
		 u8 *shift, struct smmu_event *ev)
{
	const struct smmu_xlate_cfg *xc;
	const struct smmu_tlb_entry *e;
	struct smmu_tlb_entry ent;
	struct smmu_walk_fault f;
	int ret;

	smmu->stats.translations++;
	ev->type = 0;
	if (!(smmu->cr0 & CR0_SMMUEN)) {
		/* Disabled SMMU: GBPA decides, and nothing is recorded. */
		if (smmu->gbpa & GBPA_ABORT) {
			smmu->stats.faults++;
			return -EFAULT;
		}
		*pa = iova;
		*shift = 12;
		return 0;
	}
	/* Config cache hit inline: this is the hot path of every DMA. */
	const struct smmu_cfg_entry *ce = &smmu->cfgc.e[smmu_cfg_index(sid, ssid)];

	if (ce->valid && ce->sid == sid && ce->ssid == ssid) {
		smmu->stats.cfg_hits++;
		xc = &ce->xc;
		ret = 0;
	} else {
		ret = smmu_hw_cfg_get(smmu, sid, ssid, &xc, ev);
	}
	if (ret) {
		smmu->stats.faults++;
		/* Invalid StreamIDs are only recorded with CR2.RECINVSID. */
		if (ev->type == SMMU_EVT_C_BAD_STREAMID && !(smmu->cr2 & CR2_RECINVSID))
			ev->type = 0;
		if (ev->type) {
			ev->input_addr = iova;
			/* A CD fetch is a read whatever the transaction (spec 7.3, CLASS CD). */
			if (!(ev->s2 && ev->class == SMMU_EVT_CLASS_CD))
				ev->rnw = !write;
			smmu_hw_evtq_record(smmu, ev);
		}
		return ret;
	}
	switch (xc->mode) {
	case SMMU_XLATE_ABORT:
		smmu->stats.faults++;
		return -EFAULT; /* STE.Config abort: terminated without an event */
	case SMMU_XLATE_DISABLED:
		event_init(ev, SMMU_EVT_F_STREAM_DISABLED, sid, ssid, iova, write);
		smmu->stats.faults++;
		smmu_hw_evtq_record(smmu, ev);
		return -EFAULT;
	case SMMU_XLATE_BYPASS:
		if (iova >> smmu->cfg.oas) {
			event_init(ev, SMMU_EVT_F_ADDR_SIZE, sid, ssid, iova, write);
			smmu->stats.faults++;
			smmu_hw_evtq_record(smmu, ev);
			return -EFAULT;
		}
		*pa = iova;
		*shift = 12;
		return 0;
	}

	e = smmu_tlb_lookup(&smmu->tlb, xc->tlb_kind, xc->asid, xc->vmid, iova);
	if (e) {
		smmu->stats.tlb_hits++;
		if (tlb_perm_fault(e, iova, write, &f))
			return fault(smmu, xc, sid, ssid, iova, write, &f, ev);
		*pa = e->out + (iova - e->in);
		*shift = e->size_shift;
		return 0;
	}
	smmu->stats.tlb_misses++;
	if (walk_and_fill(smmu, xc, iova, write, &ent, &f))
		return fault(smmu, xc, sid, ssid, iova, write, &f, ev);
	smmu_tlb_insert(&smmu->tlb, &ent);
	*pa = ent.out + (iova - ent.in);
	*shift = ent.size_shift;
	return 0;
}

int smmu_hw_translate(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, bool write,
		      u64 *pa, struct smmu_event *ev)
{
	struct smmu_event local;
	u64 out = 0;
	u8 shift;
	int ret;

	if (!smmu || !pa)
		return -EINVAL;
	ret = xlate(smmu, sid, ssid, iova, write, &out, &shift, ev ? ev : &local);
	if (!ret)
		*pa = out;
	return ret;
}

void smmu_hw_set_output(struct smmu_hw *smmu, smmu_hw_output_fn fn, void *opaque)
{
	smmu->out = fn;
	smmu->out_opaque = opaque;
}

int smmu_hw_dma(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, void *buf, size_t len,
		bool write)
{
	return smmu_hw_dma_rid(smmu, sid, ssid, iova, buf, len, write, sid);
}

int smmu_hw_dma_rid(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, void *buf, size_t len,
		    bool write, u32 requester_id)
{
	u8 *p = buf;

	if (!smmu || (!buf && len) || iova + len < iova)
		return -EINVAL;
	while (len) {
		struct smmu_event ev;
		u64 pa, room;
		u8 shift;
		size_t n;
		int ret;

		ret = xlate(smmu, sid, ssid, iova, write, &pa, &shift, &ev);
		if (ret)
			return ret;
		/* Move up to the end of this page or block, then translate again. */
		room = (1ULL << shift) - (iova & ((1ULL << shift) - 1));
		n = (size_t)MIN((u64)len, room);
		if (smmu->out)
			ret = smmu->out(smmu->out_opaque, pa, p, n, write, requester_id);
		else
			ret = write ? guest_mem_write(smmu->mem, pa, p, n)
				    : guest_mem_read(smmu->mem, pa, p, n);
		if (ret)
			return -EFAULT; /* not RAM: an external abort */
		p += n;
		iova += n;
		len -= n;
	}
	return 0;
}
