/*
 * Linux 7.3's entry writer (entry_writer.h): the used bits of STEs and CDs,
 * the bits an update may change in any order, and the three update shapes.
 */
#include <errno.h>
#include <string.h>
#include "smmuv3/entry_writer.h"
#include "smmuv3/ste.h"

void arm_smmu_get_ste_used(const u64 *ent, u64 *used)
{
	unsigned cfg = (unsigned)FIELD_GET(STRTAB_STE_0_CFG, ent[0]);

	memset(used, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	used[0] = STRTAB_STE_0_V;
	if (!(ent[0] & STRTAB_STE_0_V))
		return;
	used[0] |= STRTAB_STE_0_CFG;
	/* stage 1 translates (Config S1 or nested) */
	if (cfg & BIT(0)) {
		used[0] |= STRTAB_STE_0_S1FMT | STRTAB_STE_0_S1CTXPTR_MASK | STRTAB_STE_0_S1CDMAX;
		used[1] |= STRTAB_STE_1_S1DSS | STRTAB_STE_1_S1CIR | STRTAB_STE_1_S1COR |
			   STRTAB_STE_1_S1CSH | STRTAB_STE_1_S1STALLD | STRTAB_STE_1_STRW |
			   STRTAB_STE_1_EATS | STRTAB_STE_1_MEV;
		used[2] |= STRTAB_STE_2_S2VMID;
		/* spec 13.5: SHCFG applies to what S1DSS lets bypass */
		if (FIELD_GET(STRTAB_STE_1_S1DSS, ent[1]) == STRTAB_STE_1_S1DSS_BYPASS)
			used[1] |= STRTAB_STE_1_SHCFG;
	}
	/* stage 2 translates (Config S2 or nested) */
	if (cfg & BIT(1)) {
		used[1] |= STRTAB_STE_1_S2FWB | STRTAB_STE_1_EATS | STRTAB_STE_1_SHCFG |
			   STRTAB_STE_1_MEV;
		used[2] |= STRTAB_STE_2_S2VMID | STRTAB_STE_2_VTCR | STRTAB_STE_2_S2AA64 |
			   STRTAB_STE_2_S2ENDI | STRTAB_STE_2_S2PTW | STRTAB_STE_2_S2S |
			   STRTAB_STE_2_S2R;
		used[3] |= STRTAB_STE_3_S2TTB_MASK;
	}
	/* an abort STE reads nothing past Config; bypass applies SHCFG */
	if (cfg == STRTAB_STE_0_CFG_BYPASS)
		used[1] |= STRTAB_STE_1_SHCFG;
}

void arm_smmu_get_ste_update_safe(const u64 *cur, const u64 *target, u64 *safe)
{
	const u64 eats_s1chk = FIELD_PREP(STRTAB_STE_1_EATS, STRTAB_STE_1_EATS_S1CHK);
	const u64 eats_trans = FIELD_PREP(STRTAB_STE_1_EATS, STRTAB_STE_1_EATS_TRANS);

	/*
	 * ATS is off in the device while EATS changes, so EATS_TRANS may go
	 * in any order; not with S1CHK (0b11 would be an errant value) nor
	 * with S2S (S2S and EATS set together make a bad STE).
	 */
	if (!((cur[1] | target[1]) & eats_s1chk) && !((cur[2] | target[2]) & STRTAB_STE_2_S2S))
		safe[1] |= eats_trans;
	/* MEV only merges fault records, which software must accept anyway */
	safe[1] |= STRTAB_STE_1_MEV;
}

void arm_smmu_get_cd_used(const u64 *ent, u64 *used)
{
	memset(used, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	used[0] = CTXDESC_CD_0_V;
	if (!(ent[0] & CTXDESC_CD_0_V))
		return;
	memset(used, 0xff, NUM_ENTRY_QWORDS * sizeof(u64));
	/* EPD0: the TTB0 walk fields are IGNORED */
	if (ent[0] & CTXDESC_CD_0_TCR_EPD0) {
		used[0] &= ~(CTXDESC_CD_0_TCR_T0SZ | CTXDESC_CD_0_TCR_TG0 | CTXDESC_CD_0_TCR_IRGN0 |
			     CTXDESC_CD_0_TCR_ORGN0 | CTXDESC_CD_0_TCR_SH0);
		used[1] &= ~CTXDESC_CD_1_TTB0_MASK;
	}
}

/*
 * Which qwords must change in bits the current entry uses; unused_update is
 * the entry with every bit it does not use (or may change safely) already
 * at its target value.
 */
static u8 entry_qword_diff(struct arm_smmu_entry_writer *writer, const u64 *entry,
			   const u64 *target, u64 *unused_update)
{
	u64 target_used[NUM_ENTRY_QWORDS], cur_used[NUM_ENTRY_QWORDS];
	u64 safe[NUM_ENTRY_QWORDS] = { 0 };
	u8 diff = 0;

	writer->ops->get_used(entry, cur_used);
	writer->ops->get_used(target, target_used);
	if (writer->ops->get_update_safe)
		writer->ops->get_update_safe(entry, target, safe);
	for (unsigned i = 0; i < NUM_ENTRY_QWORDS; i++) {
		/* a safe bit counts only when both configurations use it */
		safe[i] &= target_used[i] & cur_used[i];
		cur_used[i] &= ~safe[i];
		unused_update[i] = (entry[i] & cur_used[i]) | (target[i] & ~cur_used[i]);
		if ((unused_update[i] & target_used[i]) != target[i])
			diff |= (u8)(1U << i);
	}
	return diff;
}

bool arm_smmu_entry_store(struct arm_smmu_entry_writer *writer, u64 *entry, const u64 *target,
			  unsigned start, unsigned len)
{
	bool changed = false;

	for (unsigned i = start; len; len--, i++) {
		if (entry[i] == target[i])
			continue;
		entry[i] = target[i];
		writer->nqwords++;
		/* one 64-bit single-copy-atomic store, as the SMMU reads them */
		if (writer->mem && guest_mem_write64(writer->mem, writer->entry_pa + 8ULL * i, target[i]) &&
		    !writer->err)
			writer->err = -EFAULT;
		changed = true;
	}
	return changed;
}

/* entry_set(): the stores, then a sync if any was made */
static void entry_set(struct arm_smmu_entry_writer *writer, u64 *entry, const u64 *target,
		      unsigned start, unsigned len)
{
	if (arm_smmu_entry_store(writer, entry, target, start, len)) {
		writer->nsyncs++;
		writer->ops->sync(writer);
	}
}

void arm_smmu_write_entry(struct arm_smmu_entry_writer *writer, u64 *entry, const u64 *target)
{
	u64 unused_update[NUM_ENTRY_QWORDS];
	u8 diff = entry_qword_diff(writer, entry, target, unused_update);

	if (__builtin_popcount(diff) == 1) {
		/* hitless: the critical qword's unused bits go with it, one store */
		unsigned critical = (unsigned)__builtin_ctz(diff);

		unused_update[critical] = entry[critical];
		entry_set(writer, entry, unused_update, 0, NUM_ENTRY_QWORDS);
		entry_set(writer, entry, target, critical, 1);
		entry_set(writer, entry, target, 0, NUM_ENTRY_QWORDS);
	} else if (diff) {
		/* breaking: V=0, the other qwords, then qword 0 with V=1 */
		unused_update[0] = 0;
		entry_set(writer, entry, unused_update, 0, 1);
		entry_set(writer, entry, target, 1, NUM_ENTRY_QWORDS - 1);
		entry_set(writer, entry, target, 0, 1);
	} else {
		/* no used bit changes; safe or unused bits may */
		entry_set(writer, entry, target, 0, NUM_ENTRY_QWORDS);
	}
}
