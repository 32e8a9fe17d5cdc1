/* The generic table walker: granules, levels, blocks, faults, stage 2, nested. */
#include "test_smmu_util.h"

#include "hw/smmuv3/smmu_event.h"
#include "hw/smmuv3/smmu_walk.h"

static struct smmu_walk_stats ws;

static void setup(void)
{
	struct smmu_hw_config c;

	smmu_hw_config_qemu_virt(&c);
	t_create(&c);
	memset(&ws, 0, sizeof(ws));
}

TestSuite(smmu_walk, .init = setup, .fini = t_destroy);

static struct smmu_tt tt_from(const struct t_pt *pt, unsigned out_bits)
{
	struct smmu_tt tt = {
		.ttb = pt->root, .granule_shift = (u8)pt->g, .in_bits = (u8)pt->in_bits,
		.start_level = (u8)pt->start, .out_bits = (u8)out_bits,
	};
	return tt;
}

static int walk(const struct smmu_tt *tt, bool s2, u64 addr, bool write,
		struct smmu_walk_result *r, struct smmu_walk_fault *f)
{
	memset(f, 0, sizeof(*f));
	return smmu_walk(T.mem, tt, s2, NULL, addr, write, r, f, &ws);
}

Test(smmu_walk, s1_start_levels)
{
	cr_assert_eq(smmu_walk_s1_start_level(12, 48), 0);
	cr_assert_eq(smmu_walk_s1_start_level(12, 39), 1);
	cr_assert_eq(smmu_walk_s1_start_level(12, 25), 2);
	cr_assert_eq(smmu_walk_s1_start_level(14, 48), 0);
	cr_assert_eq(smmu_walk_s1_start_level(14, 47), 1);
	cr_assert_eq(smmu_walk_s1_start_level(16, 48), 1);
	cr_assert_eq(smmu_walk_s1_start_level(16, 42), 2);
	cr_assert_eq(smmu_walk_s1_start_level(12, 49), -1);
	cr_assert_eq(smmu_walk_s1_start_level(12, 12), -1);
}

Test(smmu_walk, s2_start_levels_and_concatenation)
{
	/* 4K, 40-bit IPA from level 1: two concatenated level-1 tables. */
	cr_assert_eq(smmu_walk_s2_start_level(12, 1, 40), 1);
	/* 4K from level 2 would need 2^19 entries: more than 16 tables. */
	cr_assert_eq(smmu_walk_s2_start_level(12, 0, 40), -1);
	cr_assert_eq(smmu_walk_s2_start_level(12, 0, 34), 2);
	cr_assert_eq(smmu_walk_s2_start_level(12, 2, 48), 0);
	cr_assert_eq(smmu_walk_s2_start_level(12, 3, 40), -1);
	cr_assert_eq(smmu_walk_s2_start_level(16, 1, 42), 2);
	cr_assert_eq(smmu_walk_s2_start_level(16, 0, 32), 3);
	cr_assert_eq(smmu_walk_s2_start_level(14, 1, 36), 2);
	/* Fewer input bits than the start level resolves. */
	cr_assert_eq(smmu_walk_s2_start_level(12, 1, 30), -1);
}

static void page_for_granule(unsigned g, unsigned in_bits, int start, unsigned nlevels)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;
	u64 iova = 0x0000123456000000ULL & ((1ULL << in_bits) - 1);
	u64 pa = 0x40800000ULL + (1ULL << g) * 3;
	u64 off = (1ULL << g) - 8;

	t_pt_init(&pt, g, in_bits, start, 0);
	t_pt_map(&pt, iova, pa, 3, T_S1_RW);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, iova + off, true, &r, &f), 0);
	cr_assert_eq(r.out, pa + off);
	cr_assert_eq(r.size_shift, g);
	cr_assert(r.readable && r.writable);
	cr_assert_eq(ws.reads, nlevels, "granule %u: %llu reads", g, (unsigned long long)ws.reads);
	/* The neighbouring page is not mapped. */
	cr_assert_eq(walk(&tt, false, iova + (1ULL << g), false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_TRANSLATION);
	cr_assert_not(f.s2);
	cr_assert_eq(f.class, SMMU_EVT_CLASS_IN);
}

Test(smmu_walk, page_4k_4level) { page_for_granule(12, 48, 0, 4); }
Test(smmu_walk, page_4k_3level) { page_for_granule(12, 39, 1, 3); }
Test(smmu_walk, page_16k_4level) { page_for_granule(14, 48, 0, 4); }
Test(smmu_walk, page_16k_3level) { page_for_granule(14, 47, 1, 3); }
Test(smmu_walk, page_64k_3level) { page_for_granule(16, 48, 1, 3); }
Test(smmu_walk, page_64k_2level) { page_for_granule(16, 42, 2, 2); }

static void block(unsigned g, unsigned in_bits, int start, int level, unsigned size_shift)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;
	u64 iova = 3ULL << size_shift, pa = 1ULL << 40;

	t_pt_init(&pt, g, in_bits, start, 0);
	t_pt_map(&pt, iova, pa, level, T_S1_RW);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, iova + 0x1234, false, &r, &f), 0);
	cr_assert_eq(r.out, pa + 0x1234);
	cr_assert_eq(r.size_shift, size_shift);
	cr_assert_eq(walk(&tt, false, iova + (1ULL << size_shift) - 1, false, &r, &f), 0);
	cr_assert_eq(r.out, pa + (1ULL << size_shift) - 1);
}

Test(smmu_walk, block_4k_1g) { block(12, 48, 0, 1, 30); }
Test(smmu_walk, block_4k_2m) { block(12, 48, 0, 2, 21); }
Test(smmu_walk, block_16k_32m) { block(14, 48, 0, 2, 25); }
Test(smmu_walk, block_64k_512m) { block(16, 48, 1, 2, 29); }

static void reserved_block(unsigned g, unsigned in_bits, int start, int level)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	t_pt_init(&pt, g, in_bits, start, 0);
	t_pt_map(&pt, 0, 0, level, T_S1_RW);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, 0x10, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_TRANSLATION);
}

Test(smmu_walk, no_block_at_level0_4k) { reserved_block(12, 48, 0, 0); }
Test(smmu_walk, no_block_at_level1_16k) { reserved_block(14, 48, 0, 1); }
Test(smmu_walk, no_block_at_level1_64k) { reserved_block(16, 48, 1, 1); }

Test(smmu_walk, level3_reserved_encoding)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	t_pt_init(&pt, 12, 48, 0, 0);
	u64 slot = t_pt_map(&pt, 0x5000, 0x41000000, 3, T_S1_RW);
	struct smmu_tt tt = tt_from(&pt, 44);

	mwr64(slot, mrd64(slot) & ~PTE_TYPE); /* 0b01 at level 3 */
	cr_assert_eq(walk(&tt, false, 0x5000, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_TRANSLATION);
}

Test(smmu_walk, input_range_and_epd)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	t_pt_init(&pt, 12, 39, 1, 0);
	t_pt_map(&pt, 0x1000, 0x41000000, 3, T_S1_RW);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, 0x1000, false, &r, &f), 0);
	/* Beyond 2^(64-T0SZ): a translation fault before any read. */
	u64 reads = ws.reads;
	cr_assert_eq(walk(&tt, false, 1ULL << 39, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_TRANSLATION);
	cr_assert_eq(ws.reads, reads);
	tt.disabled = true;
	cr_assert_eq(walk(&tt, false, 0x1000, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_TRANSLATION);
}

Test(smmu_walk, access_flag)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	t_pt_init(&pt, 12, 48, 0, 0);
	u64 slot = t_pt_map(&pt, 0x7000, 0x41000000, 3, PTE_S1_AP_UNPRIV);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, 0x7000, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_ACCESS);
	cr_assert_eq(mrd64(slot) & PTE_AF, 0);
	tt.affd = true; /* AF faults disabled: the access goes through */
	cr_assert_eq(walk(&tt, false, 0x7000, false, &r, &f), 0);
	cr_assert_eq(mrd64(slot) & PTE_AF, 0);
	tt.affd = false;
	tt.ha = true; /* hardware access flag update */
	cr_assert_eq(walk(&tt, false, 0x7000, false, &r, &f), 0);
	cr_assert_eq(mrd64(slot) & PTE_AF, PTE_AF);
}

Test(smmu_walk, s1_permissions)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	t_pt_init(&pt, 12, 48, 0, 0);
	t_pt_map(&pt, 0x1000, 0x41000000, 3, T_S1_RO);
	t_pt_map(&pt, 0x2000, 0x41001000, 3, T_S1_RW);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, 0x1000, false, &r, &f), 0);
	cr_assert_not(r.writable);
	cr_assert_eq(walk(&tt, false, 0x1008, true, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_PERMISSION);
	cr_assert_eq(walk(&tt, false, 0x2000, true, &r, &f), 0);
	/* APTable[1] on the level-2 table descriptor makes everything below read-only. */
	u64 l2 = t_pt_slot(&pt, 0x2000, 2);
	mwr64(l2, mrd64(l2) | PTE_TABLE_APTABLE_RDONLY);
	cr_assert_eq(walk(&tt, false, 0x2000, true, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_PERMISSION);
	cr_assert_eq(walk(&tt, false, 0x2000, false, &r, &f), 0);
}

Test(smmu_walk, address_size)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	t_pt_init(&pt, 12, 48, 0, 0);
	t_pt_map(&pt, 0x1000, 1ULL << 44, 3, T_S1_RW); /* output just beyond 44 bits */
	t_pt_map(&pt, 0x2000, (1ULL << 44) - 0x1000, 3, T_S1_RW);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, 0x1000, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_ADDR_SIZE);
	cr_assert_eq(walk(&tt, false, 0x2000, false, &r, &f), 0);
	/* A table pointer beyond the output size. */
	u64 l1 = t_pt_slot(&pt, 1ULL << 39, 1);
	(void)l1;
	u64 l0 = t_pt_slot(&pt, 1ULL << 39, 0);
	mwr64(l0, (1ULL << 45) | PTE_VALID | PTE_TYPE);
	cr_assert_eq(walk(&tt, false, 1ULL << 39, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_ADDR_SIZE);
	/* And the TTB itself. */
	tt.ttb = 1ULL << 46;
	cr_assert_eq(walk(&tt, false, 0x2000, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_ADDR_SIZE);
}

Test(smmu_walk, external_abort_on_table_fetch)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	t_pt_init(&pt, 12, 48, 0, 0);
	u64 l0 = t_pt_slot(&pt, 0x1000, 0);
	mwr64(l0, 0x10000000ULL | PTE_VALID | PTE_TYPE); /* below RAM */
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, false, 0x1000, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_WALK_EABT);
	cr_assert_eq(f.class, SMMU_EVT_CLASS_TT);
	cr_assert_eq(f.fetch_addr, 0x10000000ULL);
}

Test(smmu_walk, s2_concatenated_and_permissions)
{
	struct t_pt pt;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;
	u64 ipa_hi = (1ULL << 39) | 0x3000; /* lands in the second concatenated table */

	t_pt_init(&pt, 12, 40, 1, 0);
	cr_assert_eq(smmu_walk_s2_start_level(12, 1, 40), 1);
	t_pt_map(&pt, ipa_hi, 0x42000000, 3, T_S2_RW);
	t_pt_map(&pt, 0x5000, 0x42001000, 3, PTE_AF | PTE_S2_AP_READ);
	t_pt_map(&pt, 0x6000, 0x42002000, 3, PTE_AF);
	struct smmu_tt tt = tt_from(&pt, 44);

	cr_assert_eq(walk(&tt, true, ipa_hi + 4, true, &r, &f), 0);
	cr_assert_eq(r.out, 0x42000004ULL);
	cr_assert_eq(walk(&tt, true, 0x5000, false, &r, &f), 0);
	cr_assert_eq(walk(&tt, true, 0x5010, true, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_PERMISSION);
	cr_assert(f.s2);
	cr_assert_eq(f.ipa, 0x5010);
	cr_assert_eq(walk(&tt, true, 0x6000, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_PERMISSION);
	cr_assert_eq(walk(&tt, true, 1ULL << 40, false, &r, &f), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_TRANSLATION);
	cr_assert(f.s2);
}

Test(smmu_walk, nested_table_accesses_go_through_s2)
{
	const u64 delta = 0x100000000ULL; /* IPA = PA + 4 GiB for the S1 tables */
	struct t_pt s1, s2;
	struct smmu_walk_result r;
	struct smmu_walk_fault f;

	/* Stage 2: 2M blocks mapping IPA [T_ALLOC_BASE+delta, +32M) -> PA, and the data page. */
	t_pt_init(&s2, 12, 44, 0, 0);
	for (u64 off = 0; off < (32ULL << 20); off += SZ_2M)
		t_pt_map(&s2, T_ALLOC_BASE + delta + off, T_ALLOC_BASE + off, 2, T_S2_RW);
	t_pt_map(&s2, 0x80000000ULL, 0x43000000ULL, 3, T_S2_RW);
	/* Stage 1 tables written at PA, linked by IPA. */
	t_pt_init(&s1, 12, 48, 0, delta);
	t_pt_map(&s1, 0x9000, 0x80000000ULL, 3, T_S1_RW);
	struct smmu_tt tt1 = tt_from(&s1, 44);
	struct smmu_tt tt2 = tt_from(&s2, 44);

	tt1.ttb = s1.root + delta;
	memset(&ws, 0, sizeof(ws));
	cr_assert_eq(smmu_walk(T.mem, &tt1, false, &tt2, 0x9abc, true, &r, &f, &ws), 0);
	cr_assert_eq(r.out, 0x80000abcULL, "stage-1 output is the IPA");
	/* 4 S1 descriptors, each fetched after a 3-level S2 walk (2M blocks). */
	cr_assert_eq(ws.reads, 4 + 4 * 3);
	cr_assert_eq(ws.walks, 1 + 4);

	/* Unmap the S2 block holding the level-0 S1 table: S2 fault, CLASS TT. */
	u64 blk = t_pt_slot(&s2, ALIGN_DOWN(tt1.ttb, SZ_2M), 2);
	mwr64(blk, 0);
	cr_assert_eq(smmu_walk(T.mem, &tt1, false, &tt2, 0x9abc, false, &r, &f, &ws), -EFAULT);
	cr_assert_eq(f.type, SMMU_EVT_F_TRANSLATION);
	cr_assert(f.s2);
	cr_assert_eq(f.class, SMMU_EVT_CLASS_TT);
	cr_assert_eq(f.ipa, tt1.ttb, "IPA of the level-0 descriptor");
}
