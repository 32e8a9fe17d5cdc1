/*
 * Linux 7.3's entry writer against upstream's KUnit suite
 * (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-test.c in the 7.3 source):
 * one test per KUnit case, named as upstream names it, with its entries
 * (an SMMU with STALLS and ATTR_TYPES_OVR, a CD table at 0xF0F0F0F0F0F0 with
 * S1FMT 64K_L2 and S1CDMAX 0xFF, the S2 and S1 page-table values KUnit uses)
 * and its expected sync counts. Each sync checks what KUnit checks: an
 * entry with word 0 zero is a disruptive step, any other step matches the
 * initial or the target entry in the bits it uses (less the update-safe
 * bits), and the writer ends on the target.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "smmuv3/ste.h"
#include "smmuv3/entry_writer.h"
#include "kversion/linux_version.h"

#define NUM_EXPECTED_SYNCS(x) (x)

struct test_writer {
	struct arm_smmu_entry_writer writer;
	const u64 *init_entry, *target_entry;
	u64 *entry;
	bool invalid_entry_written;
	unsigned num_syncs;
	unsigned mixed_steps;		/* steps showing neither configuration */
};

static struct kernel linux73 = { .version = &linux_7_3 };
static struct arm_smmu_device smmu = {
	.k = &linux73,
	.features = ARM_SMMU_FEAT_STALLS | ARM_SMMU_FEAT_ATTR_TYPES_OVR,
};

enum master_feat {
	MASTER_ATS = 1 << 0,
	MASTER_STALL = 1 << 1,
	MASTER_NESTED = 1 << 2,
};

static bool differs_in_used_bits(const u64 *entry, const u64 *used, const u64 *ref,
				 const u64 *safe)
{
	for (int i = 0; i < NUM_ENTRY_QWORDS; i++) {
		u64 u = used[i] & ~safe[i];
		if ((entry[i] & u) != (ref[i] & u))
			return true;
	}
	return false;
}

static void record_sync(struct arm_smmu_entry_writer *writer)
{
	struct test_writer *t = (struct test_writer *)writer;
	u64 used[NUM_ENTRY_QWORDS] = { 0 }, safe_init[NUM_ENTRY_QWORDS] = { 0 },
	    safe_target[NUM_ENTRY_QWORDS] = { 0 };

	t->num_syncs++;
	if (!t->entry[0]) {
		t->invalid_entry_written = true;
		return;
	}
	writer->ops->get_used(t->entry, used);
	if (writer->ops->get_update_safe) {
		writer->ops->get_update_safe(t->entry, t->init_entry, safe_init);
		writer->ops->get_update_safe(t->entry, t->target_entry, safe_target);
	}
	if (differs_in_used_bits(t->entry, used, t->init_entry, safe_init) &&
	    differs_in_used_bits(t->entry, used, t->target_entry, safe_target))
		t->mixed_steps++;
}

static const struct arm_smmu_entry_writer_ops test_ste_ops = {
	.sync = record_sync,
	.get_used = arm_smmu_get_ste_used,
	.get_update_safe = arm_smmu_get_ste_update_safe,
};

static const struct arm_smmu_entry_writer_ops test_cd_ops = {
	.sync = record_sync,
	.get_used = arm_smmu_get_cd_used,
};

static void expect_transition(const struct arm_smmu_entry_writer_ops *ops, const u64 *cur,
			      const u64 *target, unsigned num_syncs_expected, bool hitless)
{
	u64 copy[NUM_ENTRY_QWORDS];
	struct test_writer t = { .writer = { .ops = ops } };

	memcpy(copy, cur, sizeof(copy));
	t.init_entry = cur;
	t.target_entry = target;
	t.entry = copy;
	arm_smmu_write_entry(&t.writer, copy, target);
	cr_expect_eq(t.invalid_entry_written, !hitless, "V=0 seen: %d", t.invalid_entry_written);
	cr_expect_eq(t.num_syncs, num_syncs_expected, "%u syncs, expected %u", t.num_syncs,
		     num_syncs_expected);
	cr_expect_eq(t.mixed_steps, 0, "a step showed neither entry");
	cr_expect_eq(memcmp(copy, target, sizeof(copy)), 0, "the entry is not the target");
	cr_expect_eq(t.writer.nsyncs, t.num_syncs);
}

static void ste_hitless(const u64 *cur, const u64 *target, unsigned n)
{
	expect_transition(&test_ste_ops, cur, target, n, true);
}

static void ste_non_hitless(const u64 *cur, const u64 *target, unsigned n)
{
	expect_transition(&test_ste_ops, cur, target, n, false);
}

static void cd_hitless(const u64 *cur, const u64 *target, unsigned n)
{
	expect_transition(&test_cd_ops, cur, target, n, true);
}

static void cd_non_hitless(const u64 *cur, const u64 *target, unsigned n)
{
	expect_transition(&test_cd_ops, cur, target, n, false);
}

static u64 bypass_ste[NUM_ENTRY_QWORDS], abort_ste[NUM_ENTRY_QWORDS];
static const u64 fake_cdtab_dma_addr = 0xF0F0F0F0F0F0ULL;

static void suite_init(void)
{
	arm_smmu_make_bypass_ste(bypass_ste, &smmu);
	arm_smmu_make_abort_ste(abort_ste, &smmu);
}

/* KUnit's S2 domain: vttbr 0xdaedbeefdeadbeef, ps 1, tg 2, sh 3, orgn 1, irgn 2, sl 3, tsz 4 */
static void make_s2_ste(u64 *ste, unsigned feat)
{
	struct arm_smmu_s2_cfg s2 = {
		.vmid = 0,
		.vttbr = 0xdaedbeefdeadbeefULL,
		.vtcr = FIELD_PREP(STRTAB_STE_2_VTCR_S2T0SZ, 4) |
			FIELD_PREP(STRTAB_STE_2_VTCR_S2SL0, 3) |
			FIELD_PREP(STRTAB_STE_2_VTCR_S2IR0, 2) |
			FIELD_PREP(STRTAB_STE_2_VTCR_S2OR0, 1) |
			FIELD_PREP(STRTAB_STE_2_VTCR_S2SH0, 3) |
			FIELD_PREP(STRTAB_STE_2_VTCR_S2TG, 2) |
			FIELD_PREP(STRTAB_STE_2_VTCR_S2PS, 1),
	};
	arm_smmu_make_s2_domain_ste(ste, &smmu, &s2, feat & MASTER_STALL, feat & MASTER_ATS);
}

static void make_cdtable_ste(u64 *ste, unsigned s1dss, u64 dma_addr, unsigned feat)
{
	struct arm_smmu_s1_cfg s1 = {
		.cdtab_pa = dma_addr,
		.s1cdmax = 0xFF,
		.s1fmt = STRTAB_STE_0_S1FMT_64K_L2,
	};
	arm_smmu_make_cdtable_ste(ste, &smmu, &s1, s1dss, feat & MASTER_STALL, feat & MASTER_ATS);
	if (feat & MASTER_NESTED) {
		u64 s2ste[NUM_ENTRY_QWORDS];

		make_s2_ste(s2ste, feat & ~MASTER_NESTED);
		ste[0] |= FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_NESTED);
		ste[1] |= STRTAB_STE_1_MEV;
		for (int i = 2; i < NUM_ENTRY_QWORDS; i++)
			ste[i] = s2ste[i];
	}
}

/* KUnit's S1 domain CD: ttbr 0xdaedbeefdeadbeef, ips 1, tg 2, sh 3, orgn 1, irgn 2, tsz 4 */
static void make_s1_cd(u64 *cd, unsigned asid)
{
	struct arm_smmu_ctx_desc ctx = {
		.asid = (u16)asid,
		.ttbr = 0xdaedbeefdeadbeefULL,
		.tcr = FIELD_PREP(CTXDESC_CD_0_TCR_T0SZ, 4) | FIELD_PREP(CTXDESC_CD_0_TCR_TG0, 2) |
		       FIELD_PREP(CTXDESC_CD_0_TCR_IRGN0, 2) | FIELD_PREP(CTXDESC_CD_0_TCR_ORGN0, 1) |
		       FIELD_PREP(CTXDESC_CD_0_TCR_SH0, 3) | FIELD_PREP(CTXDESC_CD_0_TCR_IPS, 1) |
		       CTXDESC_CD_0_TCR_EPD1 | CTXDESC_CD_0_AA64,
		.mair = 0xabcdef012345678ULL,
	};
	arm_smmu_make_s1_cd(cd, &ctx, false);
}

/*
 * 7.3's arm_smmu_make_sva_cd() for a master that cannot stall on an SMMU
 * without STALL_FORCE or HTTU: an mm's tables (4K pages, 48-bit VA, WBWA
 * inner shareable walks), or with no mm a CD that faults everything (EPD0,
 * no R, no S). The IPS and MAIR are the CPU's: any fixed values do.
 */
static void make_sva_cd(u64 *cd, bool with_mm, unsigned asid)
{
	memset(cd, 0, NUM_ENTRY_QWORDS * sizeof(u64));
	cd[0] = CTXDESC_CD_0_TCR_EPD1 | CTXDESC_CD_0_V | FIELD_PREP(CTXDESC_CD_0_TCR_IPS, 5) |
		CTXDESC_CD_0_AA64 | CTXDESC_CD_0_R | CTXDESC_CD_0_A | CTXDESC_CD_0_ASET |
		FIELD_PREP(CTXDESC_CD_0_ASID, asid);
	if (with_mm) {
		cd[0] |= FIELD_PREP(CTXDESC_CD_0_TCR_T0SZ, 64 - 48) |
			 FIELD_PREP(CTXDESC_CD_0_TCR_TG0, 0) | FIELD_PREP(CTXDESC_CD_0_TCR_IRGN0, 1) |
			 FIELD_PREP(CTXDESC_CD_0_TCR_ORGN0, 1) | FIELD_PREP(CTXDESC_CD_0_TCR_SH0, 3);
		cd[1] = 0xdaedbeefdeadbeefULL & CTXDESC_CD_1_TTB0_MASK;
	} else {
		cd[0] |= CTXDESC_CD_0_TCR_EPD0;
		cd[0] &= ~(CTXDESC_CD_0_S | CTXDESC_CD_0_R);
	}
	cd[3] = 0x000000ff440c0400ULL;
}

TestSuite(arm_smmu_v3_kunit_test, .init = suite_init);

Test(arm_smmu_v3_kunit_test, write_ste_test_bypass_to_abort)
{
	ste_hitless(bypass_ste, abort_ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_abort_to_bypass)
{
	ste_hitless(abort_ste, bypass_ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_cdtable_to_abort)
{
	u64 ste[8];
	make_cdtable_ste(ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	ste_hitless(ste, abort_ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_abort_to_cdtable)
{
	u64 ste[8];
	make_cdtable_ste(ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	ste_hitless(abort_ste, ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_cdtable_to_bypass)
{
	u64 ste[8];
	make_cdtable_ste(ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	ste_hitless(ste, bypass_ste, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_bypass_to_cdtable)
{
	u64 ste[8];
	make_cdtable_ste(ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	ste_hitless(bypass_ste, ste, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_cdtable_s1dss_change)
{
	u64 ste[8], s1dss_bypass[8];
	make_cdtable_ste(ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	make_cdtable_ste(s1dss_bypass, STRTAB_STE_1_S1DSS_BYPASS, fake_cdtab_dma_addr, MASTER_ATS);
	/* S1DSS lives in word 1 alone: one write each way */
	ste_hitless(ste, s1dss_bypass, NUM_EXPECTED_SYNCS(1));
	ste_hitless(s1dss_bypass, ste, NUM_EXPECTED_SYNCS(1));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_s1dssbypass_to_stebypass)
{
	u64 s1dss_bypass[8];
	make_cdtable_ste(s1dss_bypass, STRTAB_STE_1_S1DSS_BYPASS, fake_cdtab_dma_addr, MASTER_ATS);
	ste_hitless(s1dss_bypass, bypass_ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_stebypass_to_s1dssbypass)
{
	u64 s1dss_bypass[8];
	make_cdtable_ste(s1dss_bypass, STRTAB_STE_1_S1DSS_BYPASS, fake_cdtab_dma_addr, MASTER_ATS);
	ste_hitless(bypass_ste, s1dss_bypass, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_s2_to_abort)
{
	u64 ste[8];
	make_s2_ste(ste, MASTER_ATS);
	ste_hitless(ste, abort_ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_abort_to_s2)
{
	u64 ste[8];
	make_s2_ste(ste, MASTER_ATS);
	ste_hitless(abort_ste, ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_s2_to_bypass)
{
	u64 ste[8];
	make_s2_ste(ste, MASTER_ATS);
	ste_hitless(ste, bypass_ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_bypass_to_s2)
{
	u64 ste[8];
	make_s2_ste(ste, MASTER_ATS);
	ste_hitless(bypass_ste, ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_s1_to_s2)
{
	u64 s1_ste[8], s2_ste[8];
	make_cdtable_ste(s1_ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	make_s2_ste(s2_ste, MASTER_ATS);
	ste_hitless(s1_ste, s2_ste, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_s2_to_s1)
{
	u64 s1_ste[8], s2_ste[8];
	make_cdtable_ste(s1_ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	make_s2_ste(s2_ste, MASTER_ATS);
	ste_hitless(s2_ste, s1_ste, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_non_hitless)
{
	u64 ste[8], ste_2[8];
	/* a new CD table pointer and a new S1DSS at once: two words, V=0 first */
	make_cdtable_ste(ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_ATS);
	make_cdtable_ste(ste_2, STRTAB_STE_1_S1DSS_BYPASS, 0x4B4B4b4B4BULL, MASTER_ATS);
	ste_non_hitless(ste, ste_2, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_cd_test_s1_clear)
{
	u64 cd[8] = { 0 }, cd_2[8];
	make_s1_cd(cd_2, 1997);
	cd_non_hitless(cd, cd_2, NUM_EXPECTED_SYNCS(2));
	cd_non_hitless(cd_2, cd, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_cd_test_s1_change_asid)
{
	u64 cd[8], cd_2[8];
	make_s1_cd(cd, 778);
	make_s1_cd(cd_2, 1997);
	cd_hitless(cd, cd_2, NUM_EXPECTED_SYNCS(1));
	cd_hitless(cd_2, cd, NUM_EXPECTED_SYNCS(1));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_s1_to_s2_stall)
{
	u64 s1_ste[8], s2_ste[8];
	make_cdtable_ste(s1_ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_STALL);
	make_s2_ste(s2_ste, MASTER_STALL);
	ste_hitless(s1_ste, s2_ste, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_s2_to_s1_stall)
{
	u64 s1_ste[8], s2_ste[8];
	make_cdtable_ste(s1_ste, STRTAB_STE_1_S1DSS_SSID0, fake_cdtab_dma_addr, MASTER_STALL);
	make_s2_ste(s2_ste, MASTER_STALL);
	ste_hitless(s2_ste, s1_ste, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_nested_s1dssbypass_to_s1bypass)
{
	u64 s1_ste[8], s2_ste[8];
	make_cdtable_ste(s1_ste, STRTAB_STE_1_S1DSS_BYPASS, fake_cdtab_dma_addr,
			 MASTER_ATS | MASTER_NESTED);
	make_s2_ste(s2_ste, 0);
	/* one more sync than the way back: EATS and MEV, now ignored, are cleared */
	ste_hitless(s1_ste, s2_ste, NUM_EXPECTED_SYNCS(3));
}

Test(arm_smmu_v3_kunit_test, write_ste_test_nested_s1bypass_to_s1dssbypass)
{
	u64 s1_ste[8], s2_ste[8];
	make_cdtable_ste(s1_ste, STRTAB_STE_1_S1DSS_BYPASS, fake_cdtab_dma_addr,
			 MASTER_ATS | MASTER_NESTED);
	make_s2_ste(s2_ste, 0);
	ste_hitless(s2_ste, s1_ste, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_cd_test_sva_clear)
{
	u64 cd[8] = { 0 }, cd_2[8];
	make_sva_cd(cd_2, true, 1997);
	cd_non_hitless(cd, cd_2, NUM_EXPECTED_SYNCS(2));
	cd_non_hitless(cd_2, cd, NUM_EXPECTED_SYNCS(2));
}

Test(arm_smmu_v3_kunit_test, write_cd_test_sva_release)
{
	u64 cd[8], cd_2[8];
	make_sva_cd(cd, true, 1997);
	make_sva_cd(cd_2, false, 1997);
	/* TTB0 is ignored under EPD0: hitless both ways */
	cd_hitless(cd, cd_2, NUM_EXPECTED_SYNCS(2));
	cd_hitless(cd_2, cd, NUM_EXPECTED_SYNCS(2));
}
