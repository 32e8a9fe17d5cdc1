/*
 * STEs and CDs, driver side. The target entries follow upstream Linux's
 * arm_smmu_make_*_ste() (6.9+) with 6.1's field choices (SHCFG incoming for
 * bypass, S1DSS=SSID0, WBRA S1 table walks, inner shareable); the writer is
 * upstream's arm_smmu_write_entry(): it looks at which bits the SMMU uses in
 * the current and the target entry and picks the shortest safe sequence.
 */
#include <errno.h>
#include <string.h>
#include "smmuv3/ste.h"
#include "smmuv3/cmdq.h"
#include "pgtable/io_pgtable.h"

void arm_smmu_make_abort_ste(u64 *target)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_ABORT);
	/* 6.1 writes abort and bypass STEs alike: word 1 asks for incoming shareability */
	target[1] = FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
}

void arm_smmu_make_bypass_ste(u64 *target)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_BYPASS);
	/* 6.1 always asks for the incoming shareability on bypass */
	target[1] = FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
}

void arm_smmu_make_cdtable_ste(u64 *target, const struct arm_smmu_device *smmu,
			       const struct arm_smmu_s1_cfg *s1, unsigned s1dss, bool stall_enabled,
			       bool ats_enabled)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) |
		    FIELD_PREP(STRTAB_STE_0_S1FMT, s1->s1fmt) |
		    (s1->cdtab_pa & STRTAB_STE_0_S1CTXPTR_MASK) |
		    FIELD_PREP(STRTAB_STE_0_S1CDMAX, s1->s1cdmax);
	target[1] = FIELD_PREP(STRTAB_STE_1_S1DSS, s1dss) |
		    FIELD_PREP(STRTAB_STE_1_S1CIR, STRTAB_STE_1_S1C_CACHE_WBRA) |
		    FIELD_PREP(STRTAB_STE_1_S1COR, STRTAB_STE_1_S1C_CACHE_WBRA) |
		    FIELD_PREP(STRTAB_STE_1_S1CSH, ARM_SMMU_SH_ISH) |
		    FIELD_PREP(STRTAB_STE_1_EATS, ats_enabled ? STRTAB_STE_1_EATS_TRANS : 0);
	/* a stall-capable SMMU must be told not to stall masters that cannot */
	if ((smmu->features & ARM_SMMU_FEAT_STALLS) && !stall_enabled)
		target[1] |= STRTAB_STE_1_S1STALLD;
	/* SHCFG only matters when S1DSS lets substream-less traffic bypass */
	if (s1dss == STRTAB_STE_1_S1DSS_BYPASS)
		target[1] |= FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
	if (smmu->features & ARM_SMMU_FEAT_E2H) {
		target[1] |= FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_EL2);
	} else {
		target[1] |= FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_NSEL1);
		/* S1 TLB entries of the NS-EL1 regime are tagged with VMID 0 */
		target[2] = FIELD_PREP(STRTAB_STE_2_S2VMID, 0);
	}
}

void arm_smmu_make_s2_domain_ste(u64 *target, const struct arm_smmu_s2_cfg *s2,
				 bool stall_enabled, bool ats_enabled)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S2_TRANS);
	target[1] = FIELD_PREP(STRTAB_STE_1_EATS, ats_enabled ? STRTAB_STE_1_EATS_TRANS : 0) |
		    FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
	/* AArch64 tables, S2PTW (stage-1 walks to device memory fault), S2R: record faults */
	target[2] = FIELD_PREP(STRTAB_STE_2_S2VMID, s2->vmid) |
		    FIELD_PREP(STRTAB_STE_2_VTCR, s2->vtcr) | STRTAB_STE_2_S2AA64 |
		    STRTAB_STE_2_S2PTW | (stall_enabled ? STRTAB_STE_2_S2S : 0) | STRTAB_STE_2_S2R;
	target[3] = s2->vttbr & STRTAB_STE_3_S2TTB_MASK;
}

void arm_smmu_make_nested_ste(u64 *target, const struct arm_smmu_s2_cfg *s2,
			      const u64 guest_ste[2], bool ats_enabled)
{
	arm_smmu_make_s2_domain_ste(target, s2, false, ats_enabled);
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_NESTED);
	/* only the S1 fields a guest may own; Config comes from us */
	target[0] |= guest_ste[0] & STRTAB_STE_0_NESTING_ALLOWED & ~(STRTAB_STE_0_CFG | STRTAB_STE_0_V);
	target[1] |= guest_ste[1] & STRTAB_STE_1_NESTING_ALLOWED;
	/* merge events of a guest's faults (a DoS guard on the EVTQ) */
	target[1] |= STRTAB_STE_1_MEV;
}

u64 arm_smmu_cd_tcr_from_pgtbl(const struct io_pgtable_cfg *cfg)
{
	const __typeof__(cfg->arm_lpae_s1_cfg.tcr) *tcr = &cfg->arm_lpae_s1_cfg.tcr;
	/* TTBR1 walks are disabled (EPD1): DMA uses the low half only */
	return FIELD_PREP(CTXDESC_CD_0_TCR_T0SZ, tcr->tsz) | FIELD_PREP(CTXDESC_CD_0_TCR_TG0, tcr->tg) |
	       FIELD_PREP(CTXDESC_CD_0_TCR_IRGN0, tcr->irgn) |
	       FIELD_PREP(CTXDESC_CD_0_TCR_ORGN0, tcr->orgn) |
	       FIELD_PREP(CTXDESC_CD_0_TCR_SH0, tcr->sh) | FIELD_PREP(CTXDESC_CD_0_TCR_IPS, tcr->ips) |
	       CTXDESC_CD_0_TCR_EPD1 | CTXDESC_CD_0_AA64;
}

u64 arm_smmu_ste_vtcr_from_pgtbl(const struct io_pgtable_cfg *cfg)
{
	const __typeof__(cfg->arm_lpae_s2_cfg.vtcr) *vtcr = &cfg->arm_lpae_s2_cfg.vtcr;
	return FIELD_PREP(STRTAB_STE_2_VTCR_S2T0SZ, vtcr->tsz) |
	       FIELD_PREP(STRTAB_STE_2_VTCR_S2SL0, vtcr->sl) |
	       FIELD_PREP(STRTAB_STE_2_VTCR_S2IR0, vtcr->irgn) |
	       FIELD_PREP(STRTAB_STE_2_VTCR_S2OR0, vtcr->orgn) |
	       FIELD_PREP(STRTAB_STE_2_VTCR_S2SH0, vtcr->sh) |
	       FIELD_PREP(STRTAB_STE_2_VTCR_S2TG, vtcr->tg) |
	       FIELD_PREP(STRTAB_STE_2_VTCR_S2PS, vtcr->ps);
}

void arm_smmu_make_s1_cd(u64 *target, const struct arm_smmu_ctx_desc *cd, bool stall_enabled)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	/* R: record faults, A: abort (not stall) them, ASET: non-shared ASID (no SVA) */
	target[0] = cd->tcr | CTXDESC_CD_0_R | CTXDESC_CD_0_A | CTXDESC_CD_0_ASET |
		    CTXDESC_CD_0_AA64 | FIELD_PREP(CTXDESC_CD_0_ASID, cd->asid) | CTXDESC_CD_0_V |
		    (stall_enabled ? CTXDESC_CD_0_S : 0);
	target[1] = cd->ttbr & CTXDESC_CD_1_TTB0_MASK;
	target[3] = cd->mair;
}

/* ---- used bits ---- */

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
			   STRTAB_STE_1_EATS;
		used[2] |= STRTAB_STE_2_S2VMID;
		/* spec 13.5: SHCFG applies to what S1DSS lets bypass */
		if (FIELD_GET(STRTAB_STE_1_S1DSS, ent[1]) == STRTAB_STE_1_S1DSS_BYPASS)
			used[1] |= STRTAB_STE_1_SHCFG;
	}
	/* stage 2 translates (Config S2 or nested) */
	if (cfg & BIT(1)) {
		used[1] |= STRTAB_STE_1_EATS | STRTAB_STE_1_SHCFG | STRTAB_STE_1_MEV;
		used[2] |= STRTAB_STE_2_S2VMID | STRTAB_STE_2_VTCR | STRTAB_STE_2_S2AA64 |
			   STRTAB_STE_2_S2ENDI | STRTAB_STE_2_S2PTW | STRTAB_STE_2_S2S |
			   STRTAB_STE_2_S2R;
		used[3] |= STRTAB_STE_3_S2TTB_MASK;
	}
	/*
	 * Bypass applies SHCFG. An abort STE ignores it, but 6.1 writes it
	 * there too (incoming); counting it as used keeps the writer's rule
	 * that a target sets no bit its config ignores.
	 */
	if (cfg == STRTAB_STE_0_CFG_BYPASS || cfg == STRTAB_STE_0_CFG_ABORT)
		used[1] |= STRTAB_STE_1_SHCFG;
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

/* ---- the writer ---- */

/*
 * Which qwords must change in bits the current entry uses; unused_update is
 * the entry with every bit it does not use already set to the target value.
 */
static u8 entry_qword_diff(struct arm_smmu_entry_writer *writer, const u64 *entry,
			   const u64 *target, u64 *unused_update)
{
	u64 target_used[NUM_ENTRY_QWORDS], cur_used[NUM_ENTRY_QWORDS];
	u8 diff = 0;

	writer->ops->get_used(entry, cur_used);
	writer->ops->get_used(target, target_used);
	for (unsigned i = 0; i < NUM_ENTRY_QWORDS; i++) {
		unused_update[i] = (entry[i] & cur_used[i]) | (target[i] & ~cur_used[i]);
		if ((unused_update[i] & target_used[i]) != target[i])
			diff |= (u8)(1U << i);
	}
	return diff;
}

/* Store the qwords [start, start+len) that differ, then sync if any did. */
static bool entry_set(struct arm_smmu_entry_writer *writer, u64 *entry, const u64 *target,
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
	if (changed) {
		writer->nsyncs++;
		writer->ops->sync(writer);
	}
	return changed;
}

void arm_smmu_write_entry(struct arm_smmu_entry_writer *writer, u64 *entry, const u64 *target)
{
	u64 unused_update[NUM_ENTRY_QWORDS];
	u8 diff = entry_qword_diff(writer, entry, target, unused_update);

	if (__builtin_popcount(diff) == 1) {
		/*
		 * Hitless: fill the bits the entry ignores, flip the one
		 * critical qword, then clear what the target no longer uses.
		 */
		unsigned critical = (unsigned)__builtin_ctz(diff);
		unused_update[critical] = entry[critical];
		entry_set(writer, entry, unused_update, 0, NUM_ENTRY_QWORDS);
		entry_set(writer, entry, target, critical, 1);
		entry_set(writer, entry, target, 0, NUM_ENTRY_QWORDS);
	} else if (diff) {
		/* breaking: V=0, the other qwords, then word 0 with V=1 */
		unused_update[0] = 0;
		entry_set(writer, entry, unused_update, 0, 1);
		entry_set(writer, entry, target, 1, NUM_ENTRY_QWORDS - 1);
		entry_set(writer, entry, target, 0, 1);
	} else {
		/* no used bit changes; only stray unused bits may remain */
		entry_set(writer, entry, target, 0, NUM_ENTRY_QWORDS);
	}
}

/* ---- STEs in the stream table ---- */

static void arm_smmu_ste_writer_sync(struct arm_smmu_entry_writer *writer)
{
	struct arm_smmu_cmdq_ent cmd = {
		.opcode = CMDQ_OP_CFGI_STE,
		.cfgi = { .sid = writer->sid, .leaf = true },
	};
	writer->smmu->stats.ste_syncs++;
	arm_smmu_cmdq_issue_cmd_with_sync(writer->smmu, &cmd);
}

static const struct arm_smmu_entry_writer_ops arm_smmu_ste_writer_ops = {
	.get_used = arm_smmu_get_ste_used,
	.sync = arm_smmu_ste_writer_sync,
};

int arm_smmu_write_ste(struct arm_smmu_device *smmu, u32 sid, const u64 *target)
{
	struct arm_smmu_entry_writer writer = {
		.ops = &arm_smmu_ste_writer_ops,
		.smmu = smmu,
		.sid = sid,
		.mem = smmu->mem,
	};
	u64 cur[NUM_ENTRY_QWORDS];
	int ret = arm_smmu_ste_pa(smmu, sid, &writer.entry_pa);
	if (ret)
		return ret;
	if (guest_mem_read(smmu->mem, writer.entry_pa, cur, sizeof(cur)))
		return -EFAULT;
	arm_smmu_write_entry(&writer, cur, target);
	smmu->stats.ste_qword_writes += writer.nqwords;
	if (writer.err)
		return writer.err;
	/* the new STE is likely to be used soon */
	struct arm_smmu_cmdq_ent prefetch = { .opcode = CMDQ_OP_PREFETCH_CFG, .prefetch.sid = sid };
	arm_smmu_cmdq_issue_cmd(smmu, &prefetch);
	return 0;
}

void arm_smmu_make_master_ste(u64 *target, struct arm_smmu_master *master)
{
	struct arm_smmu_domain *d = master->domain;
	struct arm_smmu_domain_cfg *cfg = d ? d->cfg : NULL;

	if (!d) {
		/* detached: abort unless arm-smmu-v3.disable_bypass=0 */
		if (master->smmu->allow_bypass)
			arm_smmu_make_bypass_ste(target);
		else
			arm_smmu_make_abort_ste(target);
		return;
	}
	switch (d->stage) {
	case ARM_SMMU_DOMAIN_BYPASS:
		arm_smmu_make_bypass_ste(target);
		return;
	case ARM_SMMU_DOMAIN_S1:
		if (cfg && cfg->s1.cdtab_pa) {
			arm_smmu_make_cdtable_ste(target, master->smmu, &cfg->s1,
						  STRTAB_STE_1_S1DSS_SSID0, false, false);
			return;
		}
		break;
	case ARM_SMMU_DOMAIN_S2:
		if (cfg) {
			arm_smmu_make_s2_domain_ste(target, &cfg->s2, false, false);
			return;
		}
		break;
	case ARM_SMMU_DOMAIN_NESTED:
		if (cfg && cfg->s2_parent && cfg->s2_parent->cfg) {
			const struct arm_smmu_domain_cfg *pc = cfg->s2_parent->cfg;
			/* the guest's Config decides: abort, S2 only, or S1 over S2 */
			switch (FIELD_GET(STRTAB_STE_0_CFG, cfg->nested_ste[0])) {
			case STRTAB_STE_0_CFG_S1_TRANS:
				arm_smmu_make_nested_ste(target, &pc->s2, cfg->nested_ste, false);
				return;
			case STRTAB_STE_0_CFG_BYPASS:
				arm_smmu_make_s2_domain_ste(target, &pc->s2, false, false);
				return;
			default:
				break;
			}
		}
		break;
	}
	/* a domain that was never finalised translates nothing */
	arm_smmu_make_abort_ste(target);
}
