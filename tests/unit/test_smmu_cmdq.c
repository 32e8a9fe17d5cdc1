/* Command queue: every command's effect on the caches, CMD_SYNC, CERROR_ILL, wrap. */
#include "test_smmu_util.h"

static void setup(void)
{
	struct smmu_hw_config c;

	t_cfg_s1s2(&c);
	t_setup(&c);
}

TestSuite(smmu_cmdq, .init = setup, .fini = t_destroy);

static u64 xl(u32 sid, u64 iova)
{
	u64 pa = 0;
	struct smmu_event ev;
	int ret = smmu_hw_translate(T.smmu, sid, SMMU_NO_SSID, iova, false, &pa, &ev);

	return ret ? (u64)(long long)ret : pa;
}

#define OP(op) FIELD_PREP(CMD0_OP, op)

static void write_ste_bypass(u32 sid, bool abort)
{
	u64 ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, abort ? STE_CONFIG_ABORT : STE_CONFIG_BYPASS) };

	t_ste_write(sid, ste);
}

Test(smmu_cmdq, cfgi_ste_and_range_and_all)
{
	for (u32 sid = 0; sid < 12; sid++)
		write_ste_bypass(sid, false);
	for (u32 sid = 0; sid < 12; sid++)
		cr_assert_eq(xl(sid, 0x41000000), 0x41000000);
	for (u32 sid = 0; sid < 12; sid++)
		write_ste_bypass(sid, true);
	/* Cached: the STE change is not seen yet. */
	cr_assert_eq(xl(1, 0x41000000), 0x41000000);
	t_cmd(OP(CMD_CFGI_STE) | FIELD_PREP(CMD0_SID, 1), 0);
	cr_assert_eq(xl(1, 0x41000000), (u64)-EFAULT);
	cr_assert_eq(xl(2, 0x41000000), 0x41000000);
	/* Range 1: 4 StreamIDs from the aligned base (4..7). */
	t_cmd(OP(CMD_CFGI_STE_RANGE) | FIELD_PREP(CMD0_SID, 6), FIELD_PREP(CMD1_CFGI_RANGE, 1));
	for (u32 sid = 4; sid < 8; sid++)
		cr_assert_eq(xl(sid, 0x41000000), (u64)-EFAULT, "sid %u", sid);
	cr_assert_eq(xl(3, 0x41000000), 0x41000000);
	cr_assert_eq(xl(8, 0x41000000), 0x41000000);
	/* CFGI_ALL: STE_RANGE with Range 31. */
	t_cmd(OP(CMD_CFGI_ALL), FIELD_PREP(CMD1_CFGI_RANGE, 31));
	for (u32 sid = 0; sid < 12; sid++)
		cr_assert_eq(xl(sid, 0x41000000), (u64)-EFAULT);
	cr_assert_eq(smmu_hw_stats(T.smmu)->cfg_invalidations, 3);
	cr_assert_eq(smmu_hw_stats(T.smmu)->cmds, 3);
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), 3);
}

Test(smmu_cmdq, cfgi_cd_and_cd_all)
{
	u64 cdtab;
	struct t_pt a = t_stream_s1(3, 1, &cdtab), b;

	t_pt_map(&a, 0x1000, 0x41000000, 3, T_S1_RW);
	t_pt_init(&b, 12, 48, 0, 0);
	t_pt_map(&b, 0x1000, 0x42000000, 3, T_S1_RW);
	cr_assert_eq(xl(3, 0x1000), 0x41000000);
	/* Switch the CD to another table and ASID: stale until CFGI_CD. */
	u64 cd[8];
	t_cd(cd, 2, CD_TG0_4K, 16, b.root);
	t_cd_write(cdtab, cd);
	cr_assert_eq(xl(3, 0x1000), 0x41000000);
	t_cmd(OP(CMD_CFGI_CD) | FIELD_PREP(CMD0_SID, 3) | FIELD_PREP(CMD0_SSID, 0), 0);
	cr_assert_eq(xl(3, 0x1000), 0x42000000);
	/* And back, with CFGI_CD_ALL. */
	t_cd(cd, 1, CD_TG0_4K, 16, a.root);
	t_cd_write(cdtab, cd);
	cr_assert_eq(xl(3, 0x1000), 0x42000000);
	t_cmd(OP(CMD_CFGI_CD_ALL) | FIELD_PREP(CMD0_SID, 3), 0);
	cr_assert_eq(xl(3, 0x1000), 0x41000000);
}

Test(smmu_cmdq, tlbi_nh_va_asid_vaa_all)
{
	struct t_pt a = t_stream_s1(1, 100, NULL), b = t_stream_s1(2, 200, NULL);
	u64 sa[4], sb;
	const struct smmu_hw_stats *st = smmu_hw_stats(T.smmu);

	for (int i = 0; i < 4; i++)
		sa[i] = t_pt_map(&a, 0x10000 + 0x1000ULL * (u64)i, 0x41000000 + 0x1000ULL * (u64)i, 3, T_S1_RW);
	sb = t_pt_map(&b, 0x10000, 0x42000000, 3, T_S1_RW);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(xl(1, 0x10000 + 0x1000ULL * (u64)i), 0x41000000 + 0x1000ULL * (u64)i);
	cr_assert_eq(xl(2, 0x10000), 0x42000000);

	/* Remap everything to +0x100000; the TLB keeps the old translations. */
	for (int i = 0; i < 4; i++)
		mwr64(sa[i], mrd64(sa[i]) + 0x100000);
	mwr64(sb, mrd64(sb) + 0x100000);
	cr_assert_eq(xl(1, 0x10000), 0x41000000);

	/* NH_VA for ASID 100, page 0 only. */
	t_cmd(OP(CMD_TLBI_NH_VA) | FIELD_PREP(CMD0_ASID, 100), 0x10000);
	cr_assert_eq(st->tlb_entries_dropped, 1);
	cr_assert_eq(xl(1, 0x10000), 0x41100000);
	cr_assert_eq(xl(1, 0x11000), 0x41001000);
	cr_assert_eq(xl(2, 0x10000), 0x42000000, "other ASID untouched");

	/* Range (RIL): TG 4K, NUM 1, SCALE 0 -> 2 pages from 0x11000. */
	t_cmd(OP(CMD_TLBI_NH_VA) | FIELD_PREP(CMD0_ASID, 100) | FIELD_PREP(CMD0_NUM, 1),
	      0x11000 | FIELD_PREP(CMD1_TG, 1));
	cr_assert_eq(xl(1, 0x11000), 0x41101000);
	cr_assert_eq(xl(1, 0x12000), 0x41102000);
	cr_assert_eq(xl(1, 0x13000), 0x41003000);

	/* NH_VAA: every ASID at that VA. */
	t_cmd(OP(CMD_TLBI_NH_VAA), 0x10000);
	cr_assert_eq(xl(2, 0x10000), 0x42100000);

	/* NH_ASID drops the rest of ASID 100. */
	t_cmd(OP(CMD_TLBI_NH_ASID) | FIELD_PREP(CMD0_ASID, 100), 0);
	cr_assert_eq(xl(1, 0x13000), 0x41103000);

	/* NH_ALL drops all stage-1 entries. */
	mwr64(sb, mrd64(sb) + 0x100000);
	cr_assert_eq(xl(2, 0x10000), 0x42100000, "NH_ASID 100 must keep ASID 200's entry cached");
	t_cmd(OP(CMD_TLBI_NH_ALL), 0);
	cr_assert_eq(xl(2, 0x10000), 0x42200000);
	cr_assert_eq(st->tlb_invalidations, 5);
}

static struct t_pt s2_stream(u32 sid, u16 vmid)
{
	struct t_pt pt;
	u64 ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S2) };

	t_pt_init(&pt, 12, 40, 1, 0);
	t_ste_s2_fields(ste, vmid, 24, 1, STE_S2TG_4K, 4, pt.root);
	t_ste_write(sid, ste);
	return pt;
}

Test(smmu_cmdq, tlbi_s12_vmall_s2_ipa_nsnh_all)
{
	struct t_pt a = s2_stream(1, 5), b = s2_stream(2, 6);
	u64 s1 = t_pt_map(&a, 0x1000, 0x41000000, 3, T_S2_RW);
	u64 s2 = t_pt_map(&a, 0x2000, 0x41001000, 3, T_S2_RW);
	u64 s3 = t_pt_map(&b, 0x1000, 0x42000000, 3, T_S2_RW);

	cr_assert_eq(xl(1, 0x1000), 0x41000000);
	cr_assert_eq(xl(1, 0x2000), 0x41001000);
	cr_assert_eq(xl(2, 0x1000), 0x42000000);
	mwr64(s1, mrd64(s1) + 0x100000);
	mwr64(s2, mrd64(s2) + 0x100000);
	mwr64(s3, mrd64(s3) + 0x100000);
	/* S2_IPA for VMID 5 at 0x2000 only. */
	t_cmd(OP(CMD_TLBI_S2_IPA) | FIELD_PREP(CMD0_VMID, 5), 0x2000);
	cr_assert_eq(xl(1, 0x1000), 0x41000000);
	cr_assert_eq(xl(1, 0x2000), 0x41101000);
	/* S12_VMALL for VMID 6 leaves VMID 5 alone. */
	t_cmd(OP(CMD_TLBI_S12_VMALL) | FIELD_PREP(CMD0_VMID, 6), 0);
	cr_assert_eq(xl(2, 0x1000), 0x42100000);
	cr_assert_eq(xl(1, 0x1000), 0x41000000);
	t_cmd(OP(CMD_TLBI_S12_VMALL) | FIELD_PREP(CMD0_VMID, 5), 0);
	cr_assert_eq(xl(1, 0x1000), 0x41100000);
	/* NSNH_ALL: everything. */
	mwr64(s1, mrd64(s1) + 0x100000);
	mwr64(s3, mrd64(s3) + 0x100000);
	t_cmd(OP(CMD_TLBI_NSNH_ALL), 0);
	cr_assert_eq(xl(1, 0x1000), 0x41200000);
	cr_assert_eq(xl(2, 0x1000), 0x42200000);
}

Test(smmu_cmdq, prefetch_and_sync)
{
	t_cmd(OP(CMD_PREFETCH_CONFIG) | FIELD_PREP(CMD0_SID, 3), 0);
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_SEV), 0);
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_NONE), 0);
	cr_assert_eq(T.irqs[SMMU_IRQ_CMD_SYNC], 0);
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_IRQ), 0);
	cr_assert_eq(T.irqs[SMMU_IRQ_CMD_SYNC], 1, "no MSI support: the wired cmdq-sync IRQ");
	cr_assert_eq(smmu_hw_stats(T.smmu)->cmd_syncs, 3);
	cr_assert_eq(smmu_hw_stats(T.smmu)->cmds, 4);
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), 4);
	cr_assert_eq(rd32(SMMU_REG_GERROR), 0);
}

Test(smmu_cmdq, sync_msi_write)
{
	struct smmu_hw_config c;

	t_destroy();
	t_cfg_s1s2(&c);
	c.msi = true;
	t_setup(&c);
	u64 msi = t_alloc(8, 8);
	mwr64(msi, 0);
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_IRQ) |
	      FIELD_PREP(CMD0_SYNC_MSIDATA, 0xcafef00dULL), msi + 4);
	cr_assert_eq(mrd64(msi), 0xcafef00dULL << 32, "MSIData at MSIAddress, 32 bits LE");
	cr_assert_eq(T.irqs[SMMU_IRQ_CMD_SYNC], 0);
	/* An MSI target outside RAM: GERROR.MSI_CMDQ_ABT_ERR. */
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_IRQ), 0x1000);
	cr_assert_eq(rd32(SMMU_REG_GERROR), GERROR_MSI_CMDQ_ABT_ERR);
	cr_assert_eq(T.irqs[SMMU_IRQ_GERROR], 1);
}

static void expect_ill(u64 c0, u64 c1)
{
	u32 cons = rd32(SMMU_REG_CMDQ_CONS), gerror = rd32(SMMU_REG_GERROR);
	int girq = T.irqs[SMMU_IRQ_GERROR];

	t_cmd(c0, c1);
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_IRQ), 0); /* must not run yet */
	u32 c = rd32(SMMU_REG_CMDQ_CONS);
	cr_assert_eq(c & GENMASK(19, 0), cons & GENMASK(19, 0), "CONS stays on the bad command");
	cr_assert_eq(FIELD_GET(CMDQ_CONS_ERR, c), CMDQ_CERROR_ILL);
	cr_assert_eq(rd32(SMMU_REG_GERROR) ^ gerror, GERROR_CMDQ_ERR, "CMDQ_ERR toggled");
	cr_assert_eq(T.irqs[SMMU_IRQ_GERROR], girq + 1);
	int syncs = T.irqs[SMMU_IRQ_CMD_SYNC];
	/* More PROD writes do nothing while the error is active. */
	wr32(SMMU_REG_CMDQ_PROD, rd32(SMMU_REG_CMDQ_PROD));
	cr_assert_eq(T.irqs[SMMU_IRQ_CMD_SYNC], syncs);
	/* Linux's recovery: overwrite the bad command with CMD_SYNC, ack GERRORN. */
	u64 slot = T.cmdq + 16ULL * (c & ((1u << T_CMDQ_SHIFT) - 1));
	mwr64(slot, OP(CMD_SYNC));
	mwr64(slot + 8, 0);
	wr32(SMMU_REG_GERRORN, rd32(SMMU_REG_GERROR));
	cr_assert_eq(T.irqs[SMMU_IRQ_CMD_SYNC], syncs + 1, "queue resumed");
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), rd32(SMMU_REG_CMDQ_PROD), "ERR cleared, queue drained");
}

Test(smmu_cmdq, cerror_ill)
{
	expect_ill(OP(0x7f), 0); /* unknown opcode */
	expect_ill(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, 3), 0); /* reserved CS */
	expect_ill(OP(CMD_TLBI_EL2_ALL), 0); /* no HYP */
	expect_ill(OP(CMD_ATC_INV), 0); /* no ATS */
	expect_ill(OP(CMD_PRI_RESP), 0); /* no PRI */
	expect_ill(OP(CMD_RESUME), 0); /* no stalls */
	expect_ill(OP(0), 0);
	cr_assert_eq(smmu_hw_stats(T.smmu)->cmdq_errors, 7);
}

Test(smmu_cmdq, stage2_commands_illegal_without_s2)
{
	struct smmu_hw_config c;

	t_destroy();
	smmu_hw_config_qemu_virt(&c);
	t_setup(&c);
	expect_ill(OP(CMD_TLBI_S12_VMALL), 0);
	expect_ill(OP(CMD_TLBI_S2_IPA), 0);
	/* The stage-1 commands are fine. */
	t_cmd(OP(CMD_TLBI_NH_ALL), 0);
	t_cmd(OP(CMD_TLBI_NSNH_ALL), 0);
	cr_assert_eq(FIELD_GET(CMDQ_CONS_ERR, rd32(SMMU_REG_CMDQ_CONS)), 0);
}

Test(smmu_cmdq, wrap_and_enable)
{
	u32 qsize = 1u << T_CMDQ_SHIFT;

	/* 2.5 laps of the ring: the wrap bit toggles on each lap. */
	for (u32 i = 0; i < qsize * 5 / 2; i++) {
		t_cmd(OP(CMD_SYNC), 0);
		if (i == qsize - 1)
			cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), qsize, "wrap bit set, index 0");
	}
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), (qsize / 2) | 0);
	cr_assert_eq(smmu_hw_stats(T.smmu)->cmds, qsize * 5 / 2);

	/* With CMDQEN clear, PROD moves but nothing is consumed until enabled. */
	wr32(SMMU_REG_CR0, CR0_SMMUEN | CR0_EVTQEN);
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_IRQ), 0);
	t_cmd(OP(CMD_SYNC) | FIELD_PREP(CMD0_SYNC_CS, CMD_SYNC_CS_IRQ), 0);
	cr_assert_eq(T.irqs[SMMU_IRQ_CMD_SYNC], 0);
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), qsize / 2);
	wr32(SMMU_REG_CR0, CR0_SMMUEN | CR0_EVTQEN | CR0_CMDQEN);
	cr_assert_eq(T.irqs[SMMU_IRQ_CMD_SYNC], 2);
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), qsize / 2 + 2);
	/* Software may move CONS only while the queue is disabled. */
	wr32(SMMU_REG_CMDQ_CONS, 0);
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), qsize / 2 + 2);
}

Test(smmu_cmdq, command_fetch_abort)
{
	/* A queue outside RAM: CERROR_ABT. */
	wr32(SMMU_REG_CR0, CR0_SMMUEN | CR0_EVTQEN);
	wr64(SMMU_REG_CMDQ_BASE, 0x1000 | T_CMDQ_SHIFT);
	wr32(SMMU_REG_CMDQ_PROD, 1);
	wr32(SMMU_REG_CR0, CR0_SMMUEN | CR0_EVTQEN | CR0_CMDQEN);
	cr_assert_eq(FIELD_GET(CMDQ_CONS_ERR, rd32(SMMU_REG_CMDQ_CONS)), CMDQ_CERROR_ABT);
	cr_assert_eq(rd32(SMMU_REG_GERROR), GERROR_CMDQ_ERR);
}
