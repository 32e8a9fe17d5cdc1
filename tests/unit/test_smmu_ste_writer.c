/*
 * The STE/CD entry writer of Linux 7.3 (arm_smmu_write_entry) on 7.3's
 * entries, beyond upstream's KUnit cases (test_ste_writer_73.c has those):
 * for each transition between abort, bypass, S1 (CD table), S2 and nested
 * STEs, count the steps (syncs) and check at every step that what the SMMU
 * could read is either the old or the new configuration in the bits it
 * uses, and only disruptive updates ever show V=0. Also the CD and STE
 * field values the make functions build for 6.1 and for 7.3.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "smmuv3/ste.h"
#include "pgtable/io_pgtable.h"
#include "hw/mem.h"
#include "kversion/linux_version.h"

struct test_writer {
	struct arm_smmu_entry_writer w;
	const u64 *init, *target;
	u64 *entry;			/* the live copy the "hardware" sees */
	bool expect_hitless;
	bool saw_invalid;
	unsigned bad_steps;
	void (*get_used)(const u64 *, u64 *);
};

/* Does entry equal ref in every bit ref's configuration uses (and use the same bits)? */
static bool same_config(void (*get_used)(const u64 *, u64 *), const u64 *entry, const u64 *ref)
{
	u64 eu[NUM_ENTRY_QWORDS], ru[NUM_ENTRY_QWORDS];
	get_used(entry, eu);
	get_used(ref, ru);
	for (int i = 0; i < NUM_ENTRY_QWORDS; i++)
		if (eu[i] != ru[i] || (entry[i] & eu[i]) != (ref[i] & ru[i]))
			return false;
	return true;
}

static void test_sync(struct arm_smmu_entry_writer *w)
{
	struct test_writer *t = (struct test_writer *)w;
	/* V: bit 0 of an STE, bit 31 of a CD */
	u64 vbit = t->get_used == arm_smmu_get_cd_used ? CTXDESC_CD_0_V : STRTAB_STE_0_V;

	if (same_config(t->get_used, t->entry, t->init) ||
	    same_config(t->get_used, t->entry, t->target))
		return;
	/* neither config: only allowed as a disruptive V=0 step */
	if (!(t->entry[0] & vbit)) {
		t->saw_invalid = true;
		if (!t->expect_hitless)
			return;
	}
	t->bad_steps++;
}

static const struct arm_smmu_entry_writer_ops test_ste_ops = {
	.get_used = arm_smmu_get_ste_used,
	.sync = test_sync,
};
static const struct arm_smmu_entry_writer_ops test_cd_ops = {
	.get_used = arm_smmu_get_cd_used,
	.sync = test_sync,
};

/* Run the writer from init to target; return the number of syncs. */
static unsigned transition(const struct arm_smmu_entry_writer_ops *ops, const u64 *init,
			   const u64 *target, bool hitless)
{
	u64 entry[NUM_ENTRY_QWORDS];
	struct test_writer t = { 0 };
	memcpy(entry, init, sizeof(entry));
	t.w.ops = ops;
	t.init = init;
	t.target = target;
	t.entry = entry;
	t.expect_hitless = hitless;
	t.get_used = ops->get_used;
	arm_smmu_write_entry(&t.w, entry, target);
	cr_assert_eq(memcmp(entry, target, sizeof(entry)), 0, "entry did not reach the target");
	cr_assert_eq(t.bad_steps, 0, "a step exposed a torn or mixed entry");
	if (hitless)
		cr_assert_not(t.saw_invalid, "a hitless update went through V=0");
	return t.w.nsyncs;
}

static unsigned ste_transition(const u64 *init, const u64 *target, bool hitless)
{
	return transition(&test_ste_ops, init, target, hitless);
}

/* ---- the entries of the suite ---- */

static struct kernel linux73 = { .version = &linux_7_3 };
/* QEMU's SMMU (no ATTR_TYPES_OVR, no stalls) as each kernel drives it */
static struct arm_smmu_device smmu_73 = {
	.k = &linux73,
	.features = ARM_SMMU_FEAT_TRANS_S1 | ARM_SMMU_FEAT_TRANS_S2,
};
static struct arm_smmu_device smmu_61 = {
	.features = ARM_SMMU_FEAT_TRANS_S1 | ARM_SMMU_FEAT_TRANS_S2,
};
static const struct arm_smmu_device *smmu_s1s2;

static void make_s1(u64 *ste, u64 cdtab, unsigned s1dss)
{
	struct arm_smmu_s1_cfg s1 = { .cdtab_pa = cdtab, .s1fmt = 0, .s1cdmax = 0 };
	arm_smmu_make_cdtable_ste(ste, smmu_s1s2, &s1, s1dss, false, false);
}

static void make_s2(u64 *ste, u16 vmid, u64 vttbr)
{
	struct arm_smmu_s2_cfg s2 = { .vmid = vmid, .vttbr = vttbr,
				      .vtcr = FIELD_PREP(STRTAB_STE_2_VTCR_S2T0SZ, 20) |
					      FIELD_PREP(STRTAB_STE_2_VTCR_S2SL0, 1) |
					      FIELD_PREP(STRTAB_STE_2_VTCR_S2PS, 4) };
	arm_smmu_make_s2_domain_ste(ste, smmu_s1s2, &s2, false, false);
}

static void make_nested(u64 *ste, u16 vmid, u64 guest_cdtab)
{
	struct arm_smmu_s2_cfg s2 = { .vmid = vmid, .vttbr = 0x48000000,
				      .vtcr = FIELD_PREP(STRTAB_STE_2_VTCR_S2T0SZ, 20) };
	u64 guest[2] = { STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) |
				 (guest_cdtab & STRTAB_STE_0_S1CTXPTR_MASK),
			 FIELD_PREP(STRTAB_STE_1_S1DSS, STRTAB_STE_1_S1DSS_SSID0) };
	arm_smmu_make_nested_ste(ste, smmu_s1s2, &s2, guest, false);
}

static u64 abort_ste[8], bypass_ste[8], s1_ste[8], s1_ste2[8], s1_bypass_dss[8], s2_ste[8],
	s2_ste_vmid2[8], nested_ste[8], zero_ste[8];

static void build(const struct arm_smmu_device *smmu)
{
	smmu_s1s2 = smmu;
	arm_smmu_make_abort_ste(abort_ste, smmu);
	arm_smmu_make_bypass_ste(bypass_ste, smmu);
	make_s1(s1_ste, 0x40100000, STRTAB_STE_1_S1DSS_SSID0);
	make_s1(s1_ste2, 0x40200000, STRTAB_STE_1_S1DSS_SSID0);
	make_s1(s1_bypass_dss, 0x40100000, STRTAB_STE_1_S1DSS_BYPASS);
	make_s2(s2_ste, 1, 0x48000000);
	make_s2(s2_ste_vmid2, 2, 0x49000000);
	make_nested(nested_ste, 1, 0x40300000);
	memset(zero_ste, 0, sizeof(zero_ste));
}

static void setup(void)
{
	build(&smmu_73);
}

static void setup_61(void)
{
	build(&smmu_61);
}

TestSuite(ste_writer, .init = setup);

Test(ste_writer, bypass_to_abort_is_one_step)
{
	/* without ATTR_TYPES_OVR 7.3's bypass has an empty word 1: only word 0 flips */
	cr_assert_eq(ste_transition(bypass_ste, abort_ste, true), 1);
}

Test(ste_writer, abort_to_bypass_is_one_step)
{
	cr_assert_eq(ste_transition(abort_ste, bypass_ste, true), 1);
}

Test(ste_writer, abort_to_s1_and_back_are_hitless)
{
	/* S1 fields in, then word 0; back: word 0, then the S1 fields cleared */
	cr_assert_eq(ste_transition(abort_ste, s1_ste, true), 2);
	cr_assert_eq(ste_transition(s1_ste, abort_ste, true), 2);
}

Test(ste_writer, bypass_to_s1_and_back_are_hitless)
{
	/*
	 * no SHCFG to clear (no ATTR_TYPES_OVR): two steps, where KUnit's
	 * SMMU with ATTR_TYPES_OVR needs three
	 */
	cr_assert_eq(ste_transition(bypass_ste, s1_ste, true), 2);
	cr_assert_eq(ste_transition(s1_ste, bypass_ste, true), 2);
}

Test(ste_writer, s1_cd_table_change_is_one_store)
{
	/* only word 0 (S1ContextPtr) differs: a single 64-bit store */
	cr_assert_eq(ste_transition(s1_ste, s1_ste2, true), 1);
}

Test(ste_writer, s1dss_change_is_hitless)
{
	/* S1DSS lives in word 1 only; SHCFG rides along as it becomes used */
	cr_assert_eq(ste_transition(s1_ste, s1_bypass_dss, true), 1);
	cr_assert_eq(ste_transition(s1_bypass_dss, s1_ste, true), 1);
	cr_assert_eq(ste_transition(s1_bypass_dss, bypass_ste, true), 2);
	cr_assert_eq(ste_transition(bypass_ste, s1_bypass_dss, true), 2);
}

Test(ste_writer, s2_to_abort_and_bypass_are_hitless)
{
	cr_assert_eq(ste_transition(s2_ste, abort_ste, true), 2);
	cr_assert_eq(ste_transition(abort_ste, s2_ste, true), 2);
	cr_assert_eq(ste_transition(s2_ste, bypass_ste, true), 2);
	cr_assert_eq(ste_transition(bypass_ste, s2_ste, true), 2);
}

Test(ste_writer, s1_to_s2_is_disruptive)
{
	/* VMID (word 2, used by both) and the config (word 0) both change: V=0 first */
	cr_assert_eq(ste_transition(s1_ste, s2_ste, false), 3);
	cr_assert_eq(ste_transition(s2_ste, s1_ste, false), 3);
}

Test(ste_writer, s2_domain_change_is_disruptive)
{
	/* VMID and S2TTB in words 2 and 3 */
	cr_assert_eq(ste_transition(s2_ste, s2_ste_vmid2, false), 3);
}

Test(ste_writer, s2_to_nested_and_back)
{
	/* the same S2 underneath: words 0 and 1 change (config + guest S1 fields) */
	cr_assert_eq(ste_transition(s2_ste, nested_ste, false), 3);
	cr_assert_eq(ste_transition(nested_ste, s2_ste, false), 3);
	/* from abort, everything the nested STE uses was unused: hitless */
	cr_assert_eq(ste_transition(abort_ste, nested_ste, true), 2);
	cr_assert_eq(ste_transition(nested_ste, abort_ste, true), 2);
}

Test(ste_writer, nested_to_s1_is_disruptive)
{
	cr_assert_eq(ste_transition(nested_ste, s1_ste, false), 3);
}

Test(ste_writer, from_an_all_zero_entry_is_one_or_two_steps)
{
	/* V=0 uses only V: fill words 1-7, then word 0 (an abort STE is word 0 alone) */
	cr_assert_eq(ste_transition(zero_ste, abort_ste, true), 1);
	cr_assert_eq(ste_transition(zero_ste, s2_ste, true), 2);
}

Test(ste_writer, same_entry_needs_no_step)
{
	cr_assert_eq(ste_transition(s1_ste, s1_ste, true), 0);
	cr_assert_eq(ste_transition(abort_ste, abort_ste, true), 0);
}

Test(ste_writer, stray_unused_bits_are_cleaned_in_one_step)
{
	u64 dirty[8];
	memcpy(dirty, abort_ste, sizeof(dirty));
	dirty[3] = 0x1234000;	/* ignored by an abort STE */
	cr_assert_eq(ste_transition(dirty, abort_ste, true), 1);
}

Test(ste_writer, writer_stores_only_changed_qwords)
{
	u64 entry[8];
	struct test_writer t = { 0 };
	memcpy(entry, s1_ste, sizeof(entry));
	t.w.ops = &test_ste_ops;
	t.init = s1_ste;
	t.target = s1_ste2;
	t.entry = entry;
	t.get_used = arm_smmu_get_ste_used;
	arm_smmu_write_entry(&t.w, entry, s1_ste2);
	cr_assert_eq(t.w.nqwords, 1);
}

Test(ste_writer, writer_writes_guest_memory)
{
	struct guest_mem *mem = guest_mem_new(VIRT_RAM_BASE, 1 << 20);
	u64 entry[8], got[8];
	struct test_writer t = { 0 };
	cr_assert_not_null(mem);
	memcpy(entry, abort_ste, sizeof(entry));
	cr_assert_eq(guest_mem_write(mem, VIRT_RAM_BASE + 0x1000, entry, sizeof(entry)), 0);
	t.w.ops = &test_ste_ops;
	t.w.mem = mem;
	t.w.entry_pa = VIRT_RAM_BASE + 0x1000;
	t.init = abort_ste;
	t.target = s2_ste;
	t.entry = entry;
	t.get_used = arm_smmu_get_ste_used;
	arm_smmu_write_entry(&t.w, entry, s2_ste);
	cr_assert_eq(t.w.err, 0);
	cr_assert_eq(guest_mem_read(mem, VIRT_RAM_BASE + 0x1000, got, sizeof(got)), 0);
	cr_assert_eq(memcmp(got, s2_ste, sizeof(got)), 0);
	/* an entry outside RAM is reported, not a crash */
	memcpy(entry, abort_ste, sizeof(entry));
	t.w.entry_pa = VIRT_RAM_BASE + (2 << 20);
	t.w.err = 0;
	arm_smmu_write_entry(&t.w, entry, s2_ste);
	cr_assert_eq(t.w.err, -EFAULT);
	guest_mem_free(mem);
}

/* ---- field values ---- */

TestSuite(ste_fields, .init = setup_61);
TestSuite(ste_fields_73, .init = setup);

/* 7.3 on QEMU (no ATTR_TYPES_OVR): no SHCFG anywhere */
Test(ste_fields_73, abort_bypass_s2_without_shcfg)
{
	cr_assert_eq(abort_ste[0], 0x1ULL);
	cr_assert_eq(abort_ste[1], 0);
	cr_assert_eq(bypass_ste[0], 0x9ULL);
	cr_assert_eq(bypass_ste[1], 0);
	cr_assert_eq(s2_ste[1] & STRTAB_STE_1_SHCFG, 0);
	cr_assert_eq(s1_bypass_dss[1] & STRTAB_STE_1_SHCFG, 0);
	/* with ATTR_TYPES_OVR the bypass and S2 STEs ask for incoming */
	struct arm_smmu_device ovr = { .k = &linux73, .features = ARM_SMMU_FEAT_ATTR_TYPES_OVR };
	u64 ste[8];
	arm_smmu_make_bypass_ste(ste, &ovr);
	cr_assert_eq(ste[1], 1ULL << 44);
	arm_smmu_make_abort_ste(ste, &ovr);
	cr_assert_eq(ste[1], 0, "never on abort");
}

Test(ste_fields, abort_and_bypass)
{
	cr_assert_eq(abort_ste[0], 0x1ULL);
	/* 6.1 writes SHCFG=incoming in word 1 for abort as for bypass, and clears word 2 */
	cr_assert_eq(abort_ste[1], 1ULL << 44);
	cr_assert_eq(abort_ste[2], 0);
	cr_assert_eq(bypass_ste[0], 0x9ULL);	/* V | Config 0b100 */
	cr_assert_eq(bypass_ste[1], 1ULL << 44);	/* SHCFG = incoming */
}

Test(ste_fields, s1_cd_table)
{
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, s1_ste[0]), 5);
	cr_assert_eq(s1_ste[0] & STRTAB_STE_0_S1CTXPTR_MASK, 0x40100000ULL);
	cr_assert_eq(FIELD_GET(STRTAB_STE_1_S1DSS, s1_ste[1]), STRTAB_STE_1_S1DSS_SSID0);
	cr_assert_eq(FIELD_GET(STRTAB_STE_1_S1CIR, s1_ste[1]), 1);
	cr_assert_eq(FIELD_GET(STRTAB_STE_1_S1COR, s1_ste[1]), 1);
	cr_assert_eq(FIELD_GET(STRTAB_STE_1_S1CSH, s1_ste[1]), 3);
	cr_assert_eq(FIELD_GET(STRTAB_STE_1_STRW, s1_ste[1]), STRTAB_STE_1_STRW_NSEL1);
	cr_assert_eq(s1_ste[1] & STRTAB_STE_1_SHCFG, 0);
	cr_assert_eq(s1_bypass_dss[1] & STRTAB_STE_1_SHCFG, 1ULL << 44);
	/* a stall-capable SMMU gets S1STALLD for masters that cannot stall */
	struct arm_smmu_device stall = { .features = ARM_SMMU_FEAT_STALLS };
	struct arm_smmu_s1_cfg s1 = { .cdtab_pa = 0x40100000 };
	u64 ste[8];
	arm_smmu_make_cdtable_ste(ste, &stall, &s1, STRTAB_STE_1_S1DSS_SSID0, false, false);
	cr_assert(ste[1] & STRTAB_STE_1_S1STALLD);
	/* E2H: EL2 stream world, no VMID */
	struct arm_smmu_device e2h = { .features = ARM_SMMU_FEAT_E2H };
	arm_smmu_make_cdtable_ste(ste, &e2h, &s1, STRTAB_STE_1_S1DSS_SSID0, false, true);
	cr_assert_eq(FIELD_GET(STRTAB_STE_1_STRW, ste[1]), STRTAB_STE_1_STRW_EL2);
	cr_assert_eq(FIELD_GET(STRTAB_STE_1_EATS, ste[1]), 1);
}

Test(ste_fields, s2_and_nested)
{
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, s2_ste[0]), 6);
	cr_assert_eq(FIELD_GET(STRTAB_STE_2_S2VMID, s2_ste[2]), 1);
	cr_assert_eq(FIELD_GET(STRTAB_STE_2_VTCR, s2_ste[2]) & 0x3f, 20);	/* S2T0SZ */
	cr_assert_eq((s2_ste[2] >> 38) & 3, 1);	/* S2SL0 */
	cr_assert_eq((s2_ste[2] >> 48) & 7, 4);	/* S2PS */
	cr_assert(s2_ste[2] & STRTAB_STE_2_S2AA64);
	cr_assert(s2_ste[2] & STRTAB_STE_2_S2PTW);
	cr_assert(s2_ste[2] & STRTAB_STE_2_S2R);
	cr_assert_eq(s2_ste[3], 0x48000000ULL);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, nested_ste[0]), 7);
	cr_assert_eq(nested_ste[0] & STRTAB_STE_0_S1CTXPTR_MASK, 0x40300000ULL);
	cr_assert_eq(nested_ste[3], 0x48000000ULL);
	cr_assert(nested_ste[1] & STRTAB_STE_1_MEV);
	/* a guest cannot smuggle in bits outside the nesting-allowed set */
	struct arm_smmu_s2_cfg s2 = { .vmid = 3 };
	u64 guest[2] = { ~0ULL, ~0ULL }, ste[8];
	arm_smmu_make_nested_ste(ste, &smmu_61, &s2, guest, false);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), 7);
	cr_assert_eq(ste[1] & STRTAB_STE_1_STRW, 0);
	cr_assert_eq(ste[1] & STRTAB_STE_1_EATS, 0);
	cr_assert_eq(FIELD_GET(STRTAB_STE_2_S2VMID, ste[2]), 3);
}

/* ---- context descriptors ---- */

static u64 next_table = VIRT_RAM_BASE + 0x100000;
static u64 t_alloc(void *cookie, size_t size, size_t align)
{
	(void)cookie;
	u64 a = ALIGN_UP(next_table, MAX(size, align));
	next_table = a + size;
	return a;
}
static void t_free(void *cookie, u64 pa, size_t size)
{
	(void)cookie;
	(void)pa;
	(void)size;
}

Test(cd_fields, from_io_pgtable_cfg)
{
	struct guest_mem *mem = guest_mem_new(VIRT_RAM_BASE, 16 << 20);
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
		.ias = 48, .oas = 44, .coherent_walk = true,
		.mem = mem, .alloc_table = t_alloc, .free_table = t_free,
	};
	struct io_pgtable_ops *ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, NULL);
	cr_assert_not_null(ops);
	struct arm_smmu_ctx_desc cd = {
		.asid = 7, .ttbr = cfg.arm_lpae_s1_cfg.ttbr,
		.tcr = arm_smmu_cd_tcr_from_pgtbl(&cfg), .mair = cfg.arm_lpae_s1_cfg.mair,
	};
	u64 w[8];
	arm_smmu_make_s1_cd(w, &cd, false);
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_T0SZ, w[0]), 16);	/* 64 - 48 */
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_TG0, w[0]), 0);	/* 4K */
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_IRGN0, w[0]), 1);	/* WBWA: coherent walk */
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_ORGN0, w[0]), 1);
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_SH0, w[0]), 3);	/* inner shareable */
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_IPS, w[0]), 4);	/* 44-bit */
	cr_assert(w[0] & CTXDESC_CD_0_TCR_EPD1);
	cr_assert_eq(w[0] & CTXDESC_CD_0_TCR_EPD0, 0);
	cr_assert_eq(w[0] & CTXDESC_CD_0_ENDI, 0);	/* little-endian kernel */
	cr_assert(w[0] & CTXDESC_CD_0_AA64);
	cr_assert(w[0] & CTXDESC_CD_0_R);
	cr_assert(w[0] & CTXDESC_CD_0_A);
	cr_assert(w[0] & CTXDESC_CD_0_ASET);
	cr_assert(w[0] & CTXDESC_CD_0_V);
	cr_assert_eq(w[0] & CTXDESC_CD_0_S, 0);
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_ASID, w[0]), 7);
	cr_assert_eq(w[1], cfg.arm_lpae_s1_cfg.ttbr & CTXDESC_CD_1_TTB0_MASK);
	cr_assert_neq(w[1], 0);
	cr_assert_eq(w[2], 0);
	cr_assert_eq(w[3], cfg.arm_lpae_s1_cfg.mair);
	free_io_pgtable_ops(ops);
	guest_mem_free(mem);
}

Test(cd_fields, used_bits_and_asid_change)
{
	struct arm_smmu_ctx_desc cd = { .asid = 1, .ttbr = 0x40001000, .tcr = 16, .mair = 0xff04 };
	u64 a[8], b[8], z[8] = { 0 }, used[8];
	arm_smmu_make_s1_cd(a, &cd, false);
	cd.asid = 2;
	arm_smmu_make_s1_cd(b, &cd, false);
	/* an ASID change is one store to word 0 */
	cr_assert_eq(transition(&test_cd_ops, a, b, true), 1);
	/* installing into an invalid CD: words 1-3, then word 0 */
	cr_assert_eq(transition(&test_cd_ops, z, a, true), 2);
	/* EPD0 makes the TTB0 walk fields unused */
	a[0] |= CTXDESC_CD_0_TCR_EPD0;
	arm_smmu_get_cd_used(a, used);
	cr_assert_eq(used[1] & CTXDESC_CD_1_TTB0_MASK, 0);
	cr_assert_eq(used[0] & CTXDESC_CD_0_TCR_T0SZ, 0);
	arm_smmu_get_cd_used(z, used);
	cr_assert_eq(used[0], CTXDESC_CD_0_V);
	cr_assert_eq(used[1], 0);
}
