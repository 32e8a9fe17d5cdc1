/*
 * The TLB's tag matching on invalidation: ASID, VMID, kind and address, on
 * both the hashed-probe path (ASID + VMID + small range) and the full scan.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "hw/smmuv3/smmu_tlb.h"

static struct smmu_tlb *tlb;

static void setup(void)
{
	tlb = malloc(sizeof(*tlb));
	cr_assert_not_null(tlb);
	smmu_tlb_init(tlb);
}

static void teardown(void)
{
	free(tlb);
}

TestSuite(smmu_tlb, .init = setup, .fini = teardown);

static void put(u8 kind, u16 asid, u16 vmid, u64 in, u8 shift, u64 ipa)
{
	struct smmu_tlb_entry e = {
		.in = in, .out = 0x40000000 + in, .ipa = ipa,
		.asid = asid, .vmid = vmid, .kind = kind, .size_shift = shift,
	};

	smmu_tlb_insert(tlb, &e);
	cr_assert_not_null(smmu_tlb_lookup(tlb, kind, asid, vmid, in));
}

static bool has(u8 kind, u16 asid, u16 vmid, u64 addr)
{
	return smmu_tlb_lookup(tlb, kind, asid, vmid, addr) != NULL;
}

#define S1_KINDS (BIT(SMMU_TLB_S1) | BIT(SMMU_TLB_NESTED))

Test(smmu_tlb, asid_only_scan_keeps_other_asids)
{
	/* TLBI_NH_ASID: no address, so always the scan path. */
	struct smmu_tlb_inval inv = { .kinds = S1_KINDS, .match_asid = true, .asid = 100,
				      .match_vmid = true, .vmid = 0 };

	put(SMMU_TLB_S1, 100, 0, 0x10000, 12, 0);
	put(SMMU_TLB_S1, 100, 0, 0x11000, 12, 0);
	put(SMMU_TLB_S1, 200, 0, 0x10000, 12, 0);
	cr_assert_eq(smmu_tlb_invalidate(tlb, &inv), 2);
	cr_assert_not(has(SMMU_TLB_S1, 100, 0, 0x10000));
	cr_assert_not(has(SMMU_TLB_S1, 100, 0, 0x11000));
	cr_assert(has(SMMU_TLB_S1, 200, 0, 0x10000), "another ASID's entry was dropped");
}

Test(smmu_tlb, asid_by_addr_scan_keeps_other_asids)
{
	/* Without VMID matching (no stage 2) a by-address TLBI takes the scan too. */
	struct smmu_tlb_inval inv = { .kinds = S1_KINDS, .match_asid = true, .asid = 7,
				      .by_addr = true, .start = 0x5000, .len = 1 };

	put(SMMU_TLB_S1, 7, 0, 0x5000, 12, 0);
	put(SMMU_TLB_S1, 8, 0, 0x5000, 12, 0);
	cr_assert_eq(smmu_tlb_invalidate(tlb, &inv), 1);
	cr_assert_not(has(SMMU_TLB_S1, 7, 0, 0x5000));
	cr_assert(has(SMMU_TLB_S1, 8, 0, 0x5000));
}

Test(smmu_tlb, probe_path_matches_asid_vmid_and_range)
{
	/* ASID + VMID + a 2-page range: few probes, so the hashed path. */
	struct smmu_tlb_inval inv = { .kinds = S1_KINDS, .match_asid = true, .asid = 3,
				      .match_vmid = true, .vmid = 9, .by_addr = true,
				      .start = 0x21000, .len = 0x2000 };

	put(SMMU_TLB_NESTED, 3, 9, 0x20000, 12, 0);
	put(SMMU_TLB_NESTED, 3, 9, 0x21000, 12, 0);
	put(SMMU_TLB_NESTED, 3, 9, 0x22000, 12, 0);
	put(SMMU_TLB_NESTED, 3, 9, 0x23000, 12, 0);
	put(SMMU_TLB_NESTED, 3, 10, 0x21000, 12, 0);
	put(SMMU_TLB_NESTED, 4, 9, 0x21000, 12, 0);
	/* A 2MB block covering the range is hit through its own size. */
	put(SMMU_TLB_NESTED, 3, 9, 0x200000, 21, 0);
	cr_assert_eq(smmu_tlb_invalidate(tlb, &inv), 2);
	cr_assert(has(SMMU_TLB_NESTED, 3, 9, 0x20000));
	cr_assert_not(has(SMMU_TLB_NESTED, 3, 9, 0x21000));
	cr_assert_not(has(SMMU_TLB_NESTED, 3, 9, 0x22000));
	cr_assert(has(SMMU_TLB_NESTED, 3, 9, 0x23000));
	cr_assert(has(SMMU_TLB_NESTED, 3, 10, 0x21000), "other VMID");
	cr_assert(has(SMMU_TLB_NESTED, 4, 9, 0x21000), "other ASID");
	cr_assert(has(SMMU_TLB_NESTED, 3, 9, 0x200000), "block outside the range");

	inv.start = 0x3ff000; /* the block's last page */
	inv.len = 0x1000;
	cr_assert_eq(smmu_tlb_invalidate(tlb, &inv), 1);
	cr_assert_not(has(SMMU_TLB_NESTED, 3, 9, 0x200000));
}

Test(smmu_tlb, vaa_drops_every_asid_at_that_va_only)
{
	struct smmu_tlb_inval inv = { .kinds = S1_KINDS, .match_vmid = true, .vmid = 0,
				      .by_addr = true, .start = 0x10000, .len = 1 };

	put(SMMU_TLB_S1, 100, 0, 0x10000, 12, 0);
	put(SMMU_TLB_S1, 200, 0, 0x10000, 12, 0);
	put(SMMU_TLB_S1, 200, 0, 0x11000, 12, 0);
	put(SMMU_TLB_S2, 0, 0, 0x10000, 12, 0x10000);
	cr_assert_eq(smmu_tlb_invalidate(tlb, &inv), 2);
	cr_assert_not(has(SMMU_TLB_S1, 100, 0, 0x10000));
	cr_assert_not(has(SMMU_TLB_S1, 200, 0, 0x10000));
	cr_assert(has(SMMU_TLB_S1, 200, 0, 0x11000));
	cr_assert(has(SMMU_TLB_S2, 0, 0, 0x10000), "stage-2 entries are not NH_* targets");
}

Test(smmu_tlb, vmid_all_and_s2_ipa_on_nested)
{
	struct smmu_tlb_inval vmall = { .kinds = BIT(SMMU_TLB_S1) | BIT(SMMU_TLB_S2) |
						 BIT(SMMU_TLB_NESTED),
					.match_vmid = true, .vmid = 5 };
	struct smmu_tlb_inval ipa = { .kinds = BIT(SMMU_TLB_S2) | BIT(SMMU_TLB_NESTED),
				      .match_vmid = true, .vmid = 6, .by_addr = true,
				      .by_ipa = true, .start = 0x80000, .len = 1 };

	put(SMMU_TLB_S2, 0, 5, 0x1000, 12, 0x1000);
	put(SMMU_TLB_NESTED, 1, 5, 0x2000, 12, 0x9000);
	put(SMMU_TLB_S2, 0, 6, 0x1000, 12, 0x1000);
	/* Nested: input 0x3000, IPA 0x80000; S2_IPA must hit it by IPA. */
	put(SMMU_TLB_NESTED, 1, 6, 0x3000, 12, 0x80000);
	put(SMMU_TLB_NESTED, 1, 6, 0x80000, 12, 0x4000);
	cr_assert_eq(smmu_tlb_invalidate(tlb, &vmall), 2);
	cr_assert_not(has(SMMU_TLB_S2, 0, 5, 0x1000));
	cr_assert_not(has(SMMU_TLB_NESTED, 1, 5, 0x2000));
	cr_assert(has(SMMU_TLB_S2, 0, 6, 0x1000));
	cr_assert_eq(smmu_tlb_invalidate(tlb, &ipa), 1);
	cr_assert_not(has(SMMU_TLB_NESTED, 1, 6, 0x3000));
	cr_assert(has(SMMU_TLB_NESTED, 1, 6, 0x80000), "matched on IPA, not input address");
}

Test(smmu_tlb, empty_range_and_flush_all)
{
	struct smmu_tlb_inval inv = { .kinds = S1_KINDS, .by_addr = true, .start = 0x1000,
				      .len = 0 };

	put(SMMU_TLB_S1, 1, 0, 0x1000, 12, 0);
	put(SMMU_TLB_S2, 0, 1, 0x200000, 21, 0);
	cr_assert_eq(smmu_tlb_invalidate(tlb, &inv), 0);
	cr_assert(has(SMMU_TLB_S1, 1, 0, 0x1000));
	cr_assert_eq(smmu_tlb_flush_all(tlb), 2);
	cr_assert_eq(tlb->shifts, 0);
	cr_assert_not(has(SMMU_TLB_S1, 1, 0, 0x1000));
	cr_assert_eq(smmu_tlb_flush_all(tlb), 0);
}
