/*
 * Linux 6.1's STE update, arm_smmu_write_strtab_ent(): an abort or bypass
 * STE is words 0..2 and one sync, always; a translating STE is every word
 * but 0, a sync, word 0, a sync. The counts here are 6.1's; 7.3's entry
 * writer does the same transitions in test_ste_writer_73.c's counts.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "smmuv3/ste.h"

struct rec_writer {
	struct arm_smmu_entry_writer w;
	u64 *entry;
	u64 seen[4][NUM_ENTRY_QWORDS];	/* the entry at each sync */
	unsigned n;
};

static void rec_sync(struct arm_smmu_entry_writer *w)
{
	struct rec_writer *r = (struct rec_writer *)w;
	if (r->n < 4)
		memcpy(r->seen[r->n], r->entry, sizeof(r->seen[0]));
	r->n++;
}

static const struct arm_smmu_entry_writer_ops rec_ops = {
	.get_used = arm_smmu_get_ste_used,
	.sync = rec_sync,
};

/* 6.1's view of QEMU's SMMU (smmu->k NULL: the reference kernel) */
static struct arm_smmu_device smmu61 = { .features = ARM_SMMU_FEAT_TRANS_S1 | ARM_SMMU_FEAT_TRANS_S2 };

static unsigned write61(u64 *entry, const u64 *target, struct rec_writer *r)
{
	memset(r, 0, sizeof(*r));
	r->w.ops = &rec_ops;
	r->entry = entry;
	arm_smmu_write_strtab_ent(&r->w, entry, target);
	cr_assert_eq(r->w.nsyncs, r->n);
	return r->n;
}

static void make_s1(u64 *ste)
{
	struct arm_smmu_s1_cfg s1 = { .cdtab_pa = 0x40100000 };
	arm_smmu_make_cdtable_ste(ste, &smmu61, &s1, STRTAB_STE_1_S1DSS_SSID0, false, false);
}

static void make_s2(u64 *ste)
{
	struct arm_smmu_s2_cfg s2 = { .vmid = 1, .vttbr = 0x48000000,
				      .vtcr = FIELD_PREP(STRTAB_STE_2_VTCR_S2T0SZ, 20) };
	arm_smmu_make_s2_domain_ste(ste, &smmu61, &s2, false, false);
}

Test(ste_writer_61, abort_to_s1_is_two_syncs_word_0_last)
{
	u64 abort_ste[8], s1[8], entry[8];
	struct rec_writer r;
	arm_smmu_make_abort_ste(abort_ste, &smmu61);
	make_s1(s1);
	memcpy(entry, abort_ste, sizeof(entry));
	cr_assert_eq(write61(entry, s1, &r), 2);
	/* first sync: still the abort STE's word 0, the S1 fields behind it */
	cr_assert_eq(r.seen[0][0], abort_ste[0]);
	cr_assert_eq(r.seen[0][1], s1[1]);
	cr_assert_eq(memcmp(r.seen[1], s1, sizeof(s1)), 0);
	cr_assert_eq(memcmp(entry, s1, sizeof(s1)), 0);
	cr_assert(arm_smmu_ste_translates(s1));
}

Test(ste_writer_61, s1_to_abort_is_one_sync)
{
	u64 abort_ste[8], s1[8], entry[8];
	struct rec_writer r;
	arm_smmu_make_abort_ste(abort_ste, &smmu61);
	make_s1(s1);
	memcpy(entry, s1, sizeof(entry));
	cr_assert_eq(write61(entry, abort_ste, &r), 1);
	cr_assert_eq(memcmp(entry, abort_ste, sizeof(entry)), 0);
	cr_assert_not(arm_smmu_ste_translates(abort_ste));
}

Test(ste_writer_61, detach_from_s2_leaves_words_3_to_7)
{
	u64 abort_ste[8], s2[8], entry[8];
	struct rec_writer r;
	arm_smmu_make_abort_ste(abort_ste, &smmu61);
	make_s2(s2);
	memcpy(entry, s2, sizeof(entry));
	cr_assert_eq(write61(entry, abort_ste, &r), 1);
	/* words 0..2 written (the VMID nuked); S2TTB stays, ignored by an abort STE */
	cr_assert_eq(entry[0], abort_ste[0]);
	cr_assert_eq(entry[1], abort_ste[1]);
	cr_assert_eq(entry[2], 0);
	cr_assert_eq(entry[3], 0x48000000ULL);
	cr_assert_eq(r.w.nqwords, 2, "word 1 was SHCFG=incoming already");
}

Test(ste_writer_61, unchanged_abort_still_syncs)
{
	u64 abort_ste[8], entry[8];
	struct rec_writer r;
	arm_smmu_make_abort_ste(abort_ste, &smmu61);
	memcpy(entry, abort_ste, sizeof(entry));
	/* the SMMU may have cached a negative lookup: one sync, no store */
	cr_assert_eq(write61(entry, abort_ste, &r), 1);
	cr_assert_eq(r.w.nqwords, 0);
}

Test(ste_writer_61, bypass_to_s2_and_s1_to_s1)
{
	u64 bypass_ste[8], s1[8], s2[8], entry[8];
	struct rec_writer r;
	arm_smmu_make_bypass_ste(bypass_ste, &smmu61);
	make_s2(s2);
	memcpy(entry, bypass_ste, sizeof(entry));
	cr_assert_eq(write61(entry, s2, &r), 2);
	/* word 1 keeps the bypass STE's SHCFG, as 6.1's S2 path never rewrites it */
	cr_assert_eq(r.seen[0][0], bypass_ste[0]);
	cr_assert_eq(entry[1], bypass_ste[1]);
	/* a translating STE rewritten as itself: still two syncs */
	make_s1(s1);
	memcpy(entry, s1, sizeof(entry));
	cr_assert_eq(write61(entry, s1, &r), 2);
	cr_assert_eq(r.w.nqwords, 0);
}

Test(ste_writer_61, abort_and_bypass_fields)
{
	u64 ste[8];
	arm_smmu_make_abort_ste(ste, &smmu61);
	cr_assert_eq(ste[0], 0x1ULL);
	cr_assert_eq(ste[1], 1ULL << 44, "SHCFG=incoming, as arm_smmu_init_bypass_stes");
	arm_smmu_make_bypass_ste(ste, &smmu61);
	cr_assert_eq(ste[0], 0x9ULL);
	cr_assert_eq(ste[1], 1ULL << 44);
	cr_assert_not(arm_smmu_ste_translates((u64[8]){ 0 }), "an invalid STE translates nothing");
}
