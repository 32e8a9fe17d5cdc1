/*
 * Generic AArch64 long-descriptor table walker (the smmu-common half of the
 * model): knows granules, levels, descriptors and permissions, nothing of
 * STEs or CDs. Stage 1 tables may live in IPA space, with each table access
 * translated by stage 2 (nested).
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_WALK_H
#define IOMMUSIM_HW_SMMUV3_SMMU_WALK_H

#include "base/bits.h"
#include "hw/mem.h"
#include "hw/smmuv3/smmu_tlb.h"

/* One stage's table configuration, already validated by the decoder. */
struct smmu_tt {
	u64 ttb; /* level-start table address */
	u8 granule_shift; /* 12, 14 or 16 */
	u8 in_bits; /* input address size: 64 - TxSZ */
	u8 start_level; /* 0..3 */
	u8 out_bits; /* effective output size (IPS / S2PS clamped to OAS) */
	bool affd; /* access flag faults disabled */
	bool ha; /* hardware sets the access flag */
	bool disabled; /* EPD0: every walk faults */
};

struct smmu_walk_fault {
	u8 type; /* SMMU_EVT_F_TRANSLATION, _ADDR_SIZE, _ACCESS, _PERMISSION, _WALK_EABT */
	bool s2;
	u8 class; /* SMMU_EVT_CLASS_* */
	u64 ipa; /* the stage-2 input that faulted (s2) */
	u64 fetch_addr; /* F_WALK_EABT: descriptor address */
};

struct smmu_walk_result {
	u64 out; /* output address of the input address */
	u8 size_shift; /* log2 of the mapping (page or block) size */
	bool readable, writable;
};

/* One step of a walk, as the debug views print it. */
enum smmu_walk_step_kind {
	SMMU_WALK_STEP_DESC, /* a descriptor was read */
	SMMU_WALK_STEP_TABLE_IPA, /* nested: a stage-1 descriptor address (IPA) goes to stage 2 */
	SMMU_WALK_STEP_TABLE_PA, /* nested: ... and stage 2 (walk or TLB) gave this PA */
};

struct smmu_walk_step {
	u8 kind; /* SMMU_WALK_STEP_* */
	bool s2; /* DESC: which stage's descriptor */
	bool s2_for_table; /* DESC: a stage-2 descriptor read to translate a stage-1 table address */
	bool tlb_hit; /* TABLE_PA: stage 2 answered from the TLB, no descriptor read */
	unsigned level; /* DESC: its level; TABLE_*: the stage-1 level being fetched */
	u64 addr; /* DESC: descriptor PA; TABLE_IPA/TABLE_PA: the IPA / PA */
	u64 desc; /* DESC: its value */
};

struct smmu_walk_stats {
	u64 walks;
	u64 reads;
	/* optional: every step, for the debug views (NULL on the fast path) */
	void (*trace)(void *opaque, const struct smmu_walk_step *step);
	void *trace_opaque;
};

/*
 * Stage-2 TLB entries a nested stage-1 walk looks up and fills for its table
 * addresses (QEMU 10.0's smmu-common translates them with smmu_translate(),
 * which caches them as stage-2 entries of the STE's VMID).
 */
struct smmu_walk_tlb {
	struct smmu_tlb *tlb;
	u16 vmid;
};

/*
 * Return the level at which a walk of in_bits starts with a granule, for
 * stage 1 (no concatenation), or -1 when out of range.
 */
int smmu_walk_s1_start_level(unsigned granule_shift, unsigned in_bits);
/*
 * Stage 2 start level from SL0 (VTCR encoding), or -1 when SL0 is reserved
 * or inconsistent with in_bits (more than 16 concatenated tables, or fewer
 * bits than a level resolves).
 */
int smmu_walk_s2_start_level(unsigned granule_shift, unsigned sl0, unsigned in_bits);

/*
 * Walk one stage for addr. s2 non-NULL on a stage-1 walk means the stage-1
 * tables are in IPA space and every table access goes through stage 2.
 * is_s2 says which stage tt is (for fault reporting and permissions).
 * Returns 0, or -EFAULT with *fault filled in.
 */
int smmu_walk(struct guest_mem *mem, const struct smmu_tt *tt, bool is_s2,
	      const struct smmu_tt *s2, u64 addr, bool write, struct smmu_walk_result *res,
	      struct smmu_walk_fault *fault, struct smmu_walk_stats *stats);

/*
 * A nested stage-1 walk (tables in IPA space, translated by s2) whose table
 * address translations use and fill wt's stage-2 TLB entries. A table
 * address stage 2 cannot translate is a stage-2 fault, CLASS TT, with the
 * descriptor's IPA.
 */
int smmu_walk_nested(struct guest_mem *mem, const struct smmu_tt *s1, const struct smmu_tt *s2,
		     const struct smmu_walk_tlb *wt, u64 addr, bool write,
		     struct smmu_walk_result *res, struct smmu_walk_fault *fault,
		     struct smmu_walk_stats *stats);

/*
 * A read the SMMU makes at an IPA of a nested stream (a stage-1 table
 * descriptor, a CD): its PA through wt's stage-2 TLB entries, or a stage-2
 * walk that fills one. Stage 2 must allow reads. 0, or -EFAULT with a
 * stage-2 fault whose class the caller sets.
 */
int smmu_walk_s2_read(struct guest_mem *mem, const struct smmu_tt *s2,
		      const struct smmu_walk_tlb *wt, u64 ipa, u64 *pa,
		      struct smmu_walk_fault *fault, struct smmu_walk_stats *stats);

#endif
