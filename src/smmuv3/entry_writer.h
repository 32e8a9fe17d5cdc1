/*
 * Linux 7.3's entry writer (arm_smmu_write_entry and its used-bits and
 * update-safe rules): moves a live STE or CD to a target value so that the
 * SMMU, which reads an entry 64 bits at a time in no defined order, only
 * ever sees the old or the new configuration in the bits it uses, or (when
 * two qwords must change) an invalid entry. Each step ends in ops->sync
 * (CFGI_STE/CFGI_CD + CMD_SYNC for the driver).
 */
#ifndef IOMMUSIM_SMMUV3_ENTRY_WRITER_H
#define IOMMUSIM_SMMUV3_ENTRY_WRITER_H

#include "base/bits.h"
#include "hw/mem.h"

#define NUM_ENTRY_QWORDS 8

struct arm_smmu_device;
struct arm_smmu_entry_writer;

struct arm_smmu_entry_writer_ops {
	/* which bits of an entry the SMMU reads, given the entry's own value */
	void (*get_used)(const u64 *entry, u64 *used);
	/*
	 * Optional: bits used by both cur and target that may change in any
	 * order all the same (7.3's STE: MEV, and EATS_TRANS when neither side
	 * has EATS_S1CHK or S2S); they are not counted as a used-bit change.
	 */
	void (*get_update_safe)(const u64 *cur, const u64 *target, u64 *safe);
	/* make the stores so far visible to the SMMU (CFGI + CMD_SYNC) */
	void (*sync)(struct arm_smmu_entry_writer *writer);
};

struct arm_smmu_entry_writer {
	const struct arm_smmu_entry_writer_ops *ops;
	struct arm_smmu_device *smmu;	/* NULL in unit tests of the algorithm */
	u32 sid;			/* STE writer: the stream to invalidate */
	struct guest_mem *mem;		/* where the entry lives (NULL: host copy only) */
	u64 entry_pa;
	unsigned nsyncs;		/* steps taken (syncs issued) */
	unsigned nqwords;		/* qword stores made */
	int err;			/* first guest memory error */
};

/* 7.3's arm_smmu_get_ste_used(): V; Config; S1 and S2 fields by Config; SHCFG for bypass */
void arm_smmu_get_ste_used(const u64 *ent, u64 *used);
/* 7.3's arm_smmu_get_ste_update_safe() */
void arm_smmu_get_ste_update_safe(const u64 *cur, const u64 *target, u64 *safe);
/* arm_smmu_get_cd_used(): V alone when invalid; all but the TTB0 walk fields under EPD0 */
void arm_smmu_get_cd_used(const u64 *ent, u64 *used);

/*
 * Move entry (the host copy of what is in memory) to target:
 *  - no used bit changes: store the qwords that differ, one sync;
 *  - one qword's used bits change (hitless): the unused bits first, the
 *    critical qword, then the now-unused bits (a step is skipped, with its
 *    sync, when it stores nothing);
 *  - more: qword 0 with V=0, qwords 1..7, then qword 0 (three syncs).
 */
void arm_smmu_write_entry(struct arm_smmu_entry_writer *writer, u64 *entry, const u64 *target);

/*
 * Store target's qwords [start, start + len) that differ from entry (each
 * one 64-bit store to writer->mem at entry_pa) and count them; no sync.
 * True when anything was stored.
 */
bool arm_smmu_entry_store(struct arm_smmu_entry_writer *writer, u64 *entry, const u64 *target,
			  unsigned start, unsigned len);

#endif
