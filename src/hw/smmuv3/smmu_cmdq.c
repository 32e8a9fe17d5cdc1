/*
 * Command queue consumer. Commands run synchronously when CMDQ_PROD is
 * written. An illegal command stops the queue with CONS pointing at it,
 * CONS.ERR = CERROR_ILL and GERROR.CMDQ_ERR activated; consumption resumes
 * once software acknowledges through GERRORN (spec 7.1), which is how
 * Linux's arm_smmu_cmdq_skip_err() recovers.
 */
#include <errno.h>
#include <string.h>

#include "hw/smmuv3/smmu_hw_internal.h"
#include "hw/smmuv3/smmuv3_tables.h"

/* Address range of a TLBI_*_VA / S2_IPA: one address, or a RIL range. */
static void tlbi_range(const struct smmu_hw *smmu, const u64 *cmd, u64 addr,
		       struct smmu_tlb_inval *inv)
{
	unsigned tg = (unsigned)FIELD_GET(CMD1_TG, cmd[1]);

	inv->by_addr = true;
	inv->start = addr;
	inv->len = 1;
	/* Without IDR3.RIL, TG/NUM/SCALE are RES0. */
	if (smmu->cfg.range_inv && tg) {
		unsigned gshift = 12 + 2 * (tg - 1); /* TG: 1 4K, 2 16K, 3 64K */
		u64 num = FIELD_GET(CMD0_NUM, cmd[0]) + 1;
		unsigned scale = (unsigned)FIELD_GET(CMD0_SCALE, cmd[0]);

		/* Range = (NUM+1) * 2^SCALE granules. */
		inv->start = addr & ~((1ULL << gshift) - 1);
		inv->len = num << (scale + gshift);
	}
}

static void do_tlbi(struct smmu_hw *smmu, const struct smmu_tlb_inval *inv)
{
	smmu->stats.tlb_invalidations++;
	smmu->stats.tlb_entries_dropped += smmu_tlb_invalidate(&smmu->tlb, inv);
}

/* CMD_SYNC completion: MSI write when asked and implemented, else the wired IRQ. */
static void cmd_sync(struct smmu_hw *smmu, const u64 *cmd)
{
	unsigned cs = (unsigned)FIELD_GET(CMD0_SYNC_CS, cmd[0]);
	u64 msiaddr = cmd[1] & CMD1_SYNC_MSIADDR;

	smmu->stats.cmd_syncs++;
	if (cs != CMD_SYNC_CS_IRQ)
		return; /* CS none: nothing; CS SEV: a WFE wake-up, invisible here */
	if (smmu->cfg.msi && msiaddr) {
		u8 data[4];
		u32 v = (u32)FIELD_GET(CMD0_SYNC_MSIDATA, cmd[0]);

		data[0] = (u8)v;
		data[1] = (u8)(v >> 8);
		data[2] = (u8)(v >> 16);
		data[3] = (u8)(v >> 24);
		if (guest_mem_write(smmu->mem, msiaddr, data, sizeof(data)))
			smmu_hw_gerror(smmu, GERROR_MSI_CMDQ_ABT_ERR);
		return;
	}
	smmu_hw_raise_irq(smmu, SMMU_IRQ_CMD_SYNC);
}

/* Execute one command: 0, or a CERROR_* code. */
static int cmd_exec(struct smmu_hw *smmu, const u64 *cmd)
{
	const struct smmu_hw_config *c = &smmu->cfg;
	u8 op = (u8)FIELD_GET(CMD0_OP, cmd[0]);
	u32 sid = (u32)FIELD_GET(CMD0_SID, cmd[0]);
	u16 asid = (u16)FIELD_GET(CMD0_ASID, cmd[0]);
	u16 vmid = (u16)FIELD_GET(CMD0_VMID, cmd[0]);
	struct smmu_tlb_inval inv;

	if (!c->asid16)
		asid &= 0xff;
	if (!c->vmid16)
		vmid &= 0xff;
	memset(&inv, 0, sizeof(inv));
	/* Stage-1 TLBIs name a VMID only when stage 2 exists. */
	inv.match_vmid = c->s2;
	inv.vmid = vmid;

	switch (op) {
	case CMD_PREFETCH_CONFIG:
	case CMD_PREFETCH_ADDR:
		return 0; /* a hint; nothing is required to happen */
	case CMD_CFGI_STE:
		smmu->stats.cfg_invalidations++;
		smmu_hw_cfg_inval_sid_range(smmu, sid, 1);
		return 0;
	case CMD_CFGI_STE_RANGE: {
		unsigned range = (unsigned)FIELD_GET(CMD1_CFGI_RANGE, cmd[1]);

		smmu->stats.cfg_invalidations++;
		if (range == 31) { /* CMD_CFGI_ALL */
			smmu_hw_cfg_inval_all(smmu);
			return 0;
		}
		/* 2^(Range+1) StreamIDs from the naturally aligned base. */
		u64 nr = 2ULL << range;

		smmu_hw_cfg_inval_sid_range(smmu, (u32)(sid & ~(nr - 1)), nr);
		return 0;
	}
	case CMD_CFGI_CD: {
		u32 ssid = (u32)FIELD_GET(CMD0_SSID, cmd[0]);

		smmu->stats.cfg_invalidations++;
		smmu_hw_cfg_inval_cd(smmu, sid, ssid);
		return 0;
	}
	case CMD_CFGI_CD_ALL:
		smmu->stats.cfg_invalidations++;
		smmu_hw_cfg_inval_sid_range(smmu, sid, 1);
		return 0;

	case CMD_TLBI_NH_ALL:
	case CMD_TLBI_NH_ASID:
	case CMD_TLBI_NH_VA:
	case CMD_TLBI_NH_VAA:
		if (!c->s1)
			return CMDQ_CERROR_ILL;
		/*
		 * Entries with an ASID: stage-1 and combined ones, of the
		 * command's VMID when stage 2 exists (QEMU 10.0's
		 * smmu_iotlb_inv_vmid_s1 / _asid_vmid / _iova). Stage-2 entries
		 * stay (QEMU's VAA would also drop a stage-2 entry at the same
		 * address: an over-invalidation nothing can observe).
		 */
		inv.kinds = BIT(SMMU_TLB_S1) | BIT(SMMU_TLB_NESTED);
		if (op == CMD_TLBI_NH_ASID || op == CMD_TLBI_NH_VA) {
			inv.match_asid = true;
			inv.asid = asid;
		}
		if (op == CMD_TLBI_NH_VA || op == CMD_TLBI_NH_VAA)
			tlbi_range(smmu, cmd, cmd[1] & CMD1_ADDR, &inv);
		do_tlbi(smmu, &inv);
		return 0;
	case CMD_TLBI_S12_VMALL:
		if (!c->s2)
			return CMDQ_CERROR_ILL;
		inv.kinds = BIT(SMMU_TLB_S1) | BIT(SMMU_TLB_S2) | BIT(SMMU_TLB_NESTED);
		inv.match_vmid = true;
		do_tlbi(smmu, &inv);
		return 0;
	case CMD_TLBI_S2_IPA:
		if (!c->s2)
			return CMDQ_CERROR_ILL;
		/*
		 * Stage-2 entries only (a stage-2-only stream's, and those a
		 * nested walk made for its stage-1 table addresses). Combined
		 * S1+S2 entries stay: the architecture does not require an IPA
		 * invalidation to reach them, QEMU 10.0's smmu_iotlb_inv_ipa()
		 * skips every entry with an ASID, and Linux 7.3 follows a nest
		 * parent's invalidation with TLBI_NH_ALL of its VMID
		 * (INV_TYPE_S2_VMID_S1_CLEAR).
		 */
		inv.kinds = BIT(SMMU_TLB_S2);
		inv.match_vmid = true;
		inv.by_ipa = true;
		tlbi_range(smmu, cmd, cmd[1] & CMD1_IPA, &inv);
		do_tlbi(smmu, &inv);
		return 0;
	case CMD_TLBI_NSNH_ALL:
		smmu->stats.tlb_invalidations++;
		smmu->stats.tlb_entries_dropped += smmu_tlb_flush_all(&smmu->tlb);
		return 0;
	case CMD_TLBI_EL2_ALL:
	case CMD_TLBI_EL2_ASID:
	case CMD_TLBI_EL2_VA:
	case CMD_TLBI_EL2_VAA:
		/* EL2 translation regimes exist only with IDR0.HYP; none is cached here. */
		if (!c->hyp)
			return CMDQ_CERROR_ILL;
		smmu->stats.tlb_invalidations++;
		return 0;
	case CMD_SYNC:
		if (FIELD_GET(CMD0_SYNC_CS, cmd[0]) == 3)
			return CMDQ_CERROR_ILL; /* reserved CS */
		cmd_sync(smmu, cmd);
		return 0;
	default:
		/* ATC_INV, PRI_RESP, RESUME, STALL_TERM: no ATS/PRI/stall here; others unknown. */
		return CMDQ_CERROR_ILL;
	}
}

static bool cmdq_error_active(const struct smmu_hw *smmu)
{
	return (smmu->gerror ^ smmu->gerrorn) & GERROR_CMDQ_ERR;
}

void smmu_hw_cmdq_process(struct smmu_hw *smmu)
{
	struct smmu_queue *q = &smmu->cmdq;

	if (smmu->cmdq_busy) {
		smmu->cmdq_kick = true; /* an IRQ handler wrote PROD/GERRORN */
		return;
	}
	smmu->cmdq_busy = true;
	do {
		u32 mask = smmu_queue_wrap_idx_mask(q);

		smmu->cmdq_kick = false;
		while ((smmu->cr0 & CR0_CMDQEN) && !cmdq_error_active(smmu) &&
		       ((q->prod ^ q->cons) & mask)) {
			u64 addr = smmu_queue_entry_addr(q, q->cons);
			u64 cmd[CMD_DWORDS];
			int err = 0;

			if (guest_mem_read64(smmu->mem, addr, &cmd[0]) ||
			    guest_mem_read64(smmu->mem, addr + 8, &cmd[1]))
				err = CMDQ_CERROR_ABT;
			else
				err = cmd_exec(smmu, cmd);
			if (err) {
				q->cons = (q->cons & ~CMDQ_CONS_ERR) | (u32)FIELD_PREP(CMDQ_CONS_ERR, err);
				smmu->stats.cmdq_errors++;
				smmu_hw_gerror(smmu, GERROR_CMDQ_ERR);
				break;
			}
			smmu->stats.cmds++;
			/* Advance index+wrap; ERR reads CERROR_NONE after a good command. */
			q->cons = ((q->cons + 1) & mask);
			mask = smmu_queue_wrap_idx_mask(q);
		}
	} while (smmu->cmdq_kick);
	smmu->cmdq_busy = false;
}
