/*
 * STEs and CDs, driver side. The target entries follow Linux's
 * arm_smmu_make_*_ste() with each kernel's field choices (SHCFG: see
 * ste.h; S1DSS=SSID0, WBRA S1 table walks, inner shareable on both), and
 * each kernel's way of writing a live STE: 6.1's arm_smmu_write_strtab_ent()
 * or 7.3's entry writer (entry_writer.c).
 */
#include <errno.h>
#include <string.h>
#include "smmuv3/ste.h"
#include "smmuv3/cmdq.h"
#include "smmuv3/smmu_version.h"
#include "kversion/linux_version.h"
#include "pgtable/io_pgtable.h"

static const struct smmu_version *ste_version(const struct arm_smmu_device *smmu)
{
	return kernel_version(smmu ? smmu->k : NULL)->smmu;
}

/* Does this STE ask for the incoming shareability (SHCFG)? */
static bool wants_shcfg_incoming(const struct arm_smmu_device *smmu)
{
	return !ste_version(smmu)->ste_shcfg_needs_attr_types_ovr ||
	       (smmu && (smmu->features & ARM_SMMU_FEAT_ATTR_TYPES_OVR));
}

void arm_smmu_make_abort_ste(u64 *target, const struct arm_smmu_device *smmu)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_ABORT);
	/* 6.1 writes abort and bypass STEs alike: word 1 asks for incoming shareability */
	if (!ste_version(smmu)->ste_shcfg_needs_attr_types_ovr)
		target[1] = FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
}

void arm_smmu_make_bypass_ste(u64 *target, const struct arm_smmu_device *smmu)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_BYPASS);
	if (wants_shcfg_incoming(smmu))
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
	if (s1dss == STRTAB_STE_1_S1DSS_BYPASS && wants_shcfg_incoming(smmu))
		target[1] |= FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
	if (smmu->features & ARM_SMMU_FEAT_E2H) {
		target[1] |= FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_EL2);
	} else {
		target[1] |= FIELD_PREP(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_NSEL1);
		/* S1 TLB entries of the NS-EL1 regime are tagged with VMID 0 */
		target[2] = FIELD_PREP(STRTAB_STE_2_S2VMID, 0);
	}
}

void arm_smmu_make_s2_domain_ste(u64 *target, const struct arm_smmu_device *smmu,
				 const struct arm_smmu_s2_cfg *s2, bool stall_enabled, bool ats_enabled)
{
	memset(target, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	target[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S2_TRANS);
	target[1] = FIELD_PREP(STRTAB_STE_1_EATS, ats_enabled ? STRTAB_STE_1_EATS_TRANS : 0);
	/* 6.1 leaves word 1 of the abort/bypass STE before it: SHCFG incoming */
	if (wants_shcfg_incoming(smmu))
		target[1] |= FIELD_PREP(STRTAB_STE_1_SHCFG, STRTAB_STE_1_SHCFG_INCOMING);
	/* AArch64 tables, S2PTW (stage-1 walks to device memory fault), S2R: record faults */
	target[2] = FIELD_PREP(STRTAB_STE_2_S2VMID, s2->vmid) |
		    FIELD_PREP(STRTAB_STE_2_VTCR, s2->vtcr) | STRTAB_STE_2_S2AA64 |
		    STRTAB_STE_2_S2PTW | (stall_enabled ? STRTAB_STE_2_S2S : 0) | STRTAB_STE_2_S2R;
	target[3] = s2->vttbr & STRTAB_STE_3_S2TTB_MASK;
	/* stage 2 forces write-back: the stage-1 attributes cannot make DMA non-coherent */
	if (s2->s2fwb)
		target[1] |= STRTAB_STE_1_S2FWB;
}

void arm_smmu_make_nested_ste(u64 *target, const struct arm_smmu_device *smmu,
			      const struct arm_smmu_s2_cfg *s2, const u64 guest_ste[2], bool ats_enabled)
{
	arm_smmu_make_s2_domain_ste(target, smmu, s2, false, ats_enabled);
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

/* ---- 6.1's arm_smmu_write_strtab_ent() ---- */

bool arm_smmu_ste_translates(const u64 *target)
{
	unsigned cfg = (unsigned)FIELD_GET(STRTAB_STE_0_CFG, target[0]);

	return (target[0] & STRTAB_STE_0_V) && cfg != STRTAB_STE_0_CFG_ABORT &&
	       cfg != STRTAB_STE_0_CFG_BYPASS;
}

static void strtab_ent_sync(struct arm_smmu_entry_writer *writer)
{
	writer->nsyncs++;
	writer->ops->sync(writer);
}

void arm_smmu_write_strtab_ent(struct arm_smmu_entry_writer *writer, u64 *entry,
			       const u64 *target)
{
	if (!arm_smmu_ste_translates(target)) {
		/* words 0, 1 and 2 (the VMID nuked), then the sync, changed or not */
		arm_smmu_entry_store(writer, entry, target, 0, 3);
		strtab_ent_sync(writer);
		return;
	}
	/* everything but word 0, sync, word 0 (V and Config) alone, sync */
	arm_smmu_entry_store(writer, entry, target, 1, NUM_ENTRY_QWORDS - 1);
	strtab_ent_sync(writer);
	arm_smmu_entry_store(writer, entry, target, 0, 1);
	strtab_ent_sync(writer);
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
	.get_update_safe = arm_smmu_get_ste_update_safe,
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
	bool prefetch_cfg = true;
	switch (ste_version(smmu)->ste_writer) {
	case ARM_SMMU_STE_WRITER_STRTAB_ENT:
		arm_smmu_write_strtab_ent(&writer, cur, target);
		/* 6.1 returns before its prefetch when the STE aborts or bypasses */
		prefetch_cfg = arm_smmu_ste_translates(target);
		break;
	case ARM_SMMU_STE_WRITER_USED_BITS:
		arm_smmu_write_entry(&writer, cur, target);
		break;
	}
	smmu->stats.ste_qword_writes += writer.nqwords;
	if (writer.err)
		return writer.err;
	/* the new STE is likely to be used soon */
	if (prefetch_cfg) {
		struct arm_smmu_cmdq_ent prefetch = { .opcode = CMDQ_OP_PREFETCH_CFG,
						      .prefetch.sid = sid };
		arm_smmu_cmdq_issue_cmd(smmu, &prefetch);
	}
	return 0;
}

void arm_smmu_make_master_ste(u64 *target, struct arm_smmu_master *master)
{
	struct arm_smmu_domain *d = master->domain;
	struct arm_smmu_domain_cfg *cfg = d ? d->cfg : NULL;

	if (!d) {
		/* detached: abort unless arm-smmu-v3.disable_bypass=0 */
		if (master->smmu->allow_bypass)
			arm_smmu_make_bypass_ste(target, master->smmu);
		else
			arm_smmu_make_abort_ste(target, master->smmu);
		return;
	}
	switch (d->stage) {
	case ARM_SMMU_DOMAIN_BYPASS:
		arm_smmu_make_bypass_ste(target, master->smmu);
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
			arm_smmu_make_s2_domain_ste(target, master->smmu, &cfg->s2, false, false);
			return;
		}
		break;
	case ARM_SMMU_DOMAIN_NESTED:
		if (cfg && cfg->s2_parent && cfg->s2_parent->cfg) {
			const struct arm_smmu_domain_cfg *pc = cfg->s2_parent->cfg;
			/* the guest's Config decides: abort, S2 only, or S1 over S2 */
			switch (FIELD_GET(STRTAB_STE_0_CFG, cfg->nested_ste[0])) {
			case STRTAB_STE_0_CFG_S1_TRANS:
				arm_smmu_make_nested_ste(target, master->smmu, &pc->s2, cfg->nested_ste,
							 false);
				return;
			case STRTAB_STE_0_CFG_BYPASS:
				arm_smmu_make_s2_domain_ste(target, master->smmu, &pc->s2, false, false);
				return;
			default:
				break;
			}
		}
		break;
	}
	/* a domain that was never finalised translates nothing */
	arm_smmu_make_abort_ste(target, master->smmu);
}
