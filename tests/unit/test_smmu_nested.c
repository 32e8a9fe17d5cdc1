/*
 * Nested (S1+S2) translation through the SMMU model, as the SMMUv3 spec
 * (IHI 0070) defines it and QEMU 10.0's smmu-common/smmuv3 model it: stage-1
 * descriptors read through stage 2; a stage-2 fault while fetching a stage-1
 * table (CLASS TT, the descriptor's IPA) against one on the output (CLASS IN,
 * the data's IPA); address size faults of either stage; permissions of both
 * stages combined; the TLB's combined entries (the smaller page of the two),
 * its stage-2 entries for the stage-1 table addresses, and what each TLBI and
 * CFGI command removes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hw/smmuv3/smmu_debug.h"
#include "test_smmu_util.h"

static void setup(void)
{
	struct smmu_hw_config c;

	t_cfg_s1s2(&c);
	t_setup(&c);
}

TestSuite(smmu_nested, .init = setup, .fini = t_destroy);

/* Stage 2 maps IPA = PA + DELTA over all RAM with one 1G block. */
#define DELTA 0x100000000ULL
#define DATA_IPA 0x80000000ULL
#define DATA_PA 0x58000000ULL

struct nest {
	u32 sid;
	u16 vmid, asid;
	struct t_pt s1, s2;
	u64 cdtab; /* PA of the CD table (4 CDs); the STE holds its IPA */
};

static void nest_write_ste(const struct nest *n, unsigned s2ps, u64 s2root)
{
	u64 ste[8];

	t_ste_s1(ste, n->cdtab + DELTA, 2);
	ste[0] = (ste[0] & ~STE0_CONFIG) | FIELD_PREP(STE0_CONFIG, STE_CONFIG_NESTED);
	t_ste_s2_fields(ste, n->vmid, 24, 1, STE_S2TG_4K, s2ps, s2root);
	t_ste_write(n->sid, ste);
}

/* CD 0 with asid, CD 1 with asid + 1, both on the same stage-1 tables. */
static void nest_write_cds(const struct nest *n, u64 s1root_ipa)
{
	u64 cd[8];

	t_cd(cd, n->asid, CD_TG0_4K, 16, s1root_ipa);
	t_cd_write(n->cdtab, cd);
	t_cd(cd, n->asid + 1, CD_TG0_4K, 16, s1root_ipa);
	t_cd_write(n->cdtab + 64, cd);
}

static void nest_make(struct nest *n, u32 sid, u16 vmid, u16 asid, unsigned s2ps)
{
	memset(n, 0, sizeof(*n));
	n->sid = sid;
	n->vmid = vmid;
	n->asid = asid;
	t_pt_init(&n->s2, 12, 40, 1, 0);
	t_pt_map(&n->s2, VIRT_RAM_BASE + DELTA, VIRT_RAM_BASE, 1, T_S2_RW);
	n->cdtab = t_alloc(256, 256);
	t_pt_init(&n->s1, 12, 48, 0, DELTA);
	nest_write_cds(n, n->s1.root + DELTA);
	nest_write_ste(n, s2ps, n->s2.root);
}

static int xl(const struct nest *n, u32 ssid, u64 iova, bool write, u64 *pa)
{
	struct smmu_event ev;

	return smmu_hw_translate(T.smmu, n->sid, ssid, iova, write, pa, &ev);
}

static const struct smmu_hw_stats *stats(void)
{
	return smmu_hw_stats(T.smmu);
}

/* Translate and say whether the TLB answered. */
static bool hit(const struct nest *n, u64 iova)
{
	u64 before = stats()->tlb_hits, pa;

	cr_assert_eq(xl(n, SMMU_NO_SSID, iova, false, &pa), 0, "iova 0x%llx", (unsigned long long)iova);
	return stats()->tlb_hits == before + 1;
}

/* Descriptors read by one translation. */
static u64 reads_of(const struct nest *n, u64 iova)
{
	u64 before = stats()->ptw_reads, pa;

	cr_assert_eq(xl(n, SMMU_NO_SSID, iova, false, &pa), 0);
	return stats()->ptw_reads - before;
}

static void expect_event(u8 type, bool s2, u8 class, u64 ipa, u64 iova, bool write, u32 sid,
			 u32 ssid)
{
	struct smmu_event ev;

	t_evt_pop(&ev);
	cr_assert_eq(ev.type, type, "type 0x%x, expected 0x%x", ev.type, type);
	cr_assert_eq(ev.s2, s2, "S2");
	cr_assert_eq(ev.class, class, "CLASS %u, expected %u", ev.class, class);
	cr_assert_eq(ev.ipa, ipa & SMMU_EVT_3_IPA, "IPA 0x%llx, expected 0x%llx",
		     (unsigned long long)ev.ipa, (unsigned long long)(ipa & SMMU_EVT_3_IPA));
	cr_assert_eq(ev.input_addr, iova, "InputAddr");
	cr_assert_eq(ev.rnw, !write, "RnW");
	cr_assert_eq(ev.sid, sid, "StreamID");
	cr_assert_eq(ev.ssv, ssid != SMMU_NO_SSID, "SSV");
	cr_assert_eq(ev.ssid, ssid == SMMU_NO_SSID ? 0 : ssid, "SubstreamID");
	cr_assert_eq(t_evt_pending(), 0);
}

static void cmd_tlbi(u8 op, u16 asid, u16 vmid, u64 addr)
{
	t_cmd(FIELD_PREP(CMD0_OP, op) | FIELD_PREP(CMD0_ASID, asid) | FIELD_PREP(CMD0_VMID, vmid),
	      addr & (op == CMD_TLBI_S2_IPA ? CMD1_IPA : CMD1_ADDR));
	cr_assert_eq(stats()->cmdq_errors, 0);
}

Test(smmu_nested, s1_descriptors_are_read_through_s2)
{
	struct nest n;
	u64 pa;
	u8 v = 0x5a, back = 0;

	nest_make(&n, 0x40, 12, 77, 4);
	t_pt_map(&n.s1, 0x7000, DATA_IPA, 3, T_S1_RW);
	t_pt_map(&n.s2, DATA_IPA, DATA_PA, 3, T_S2_RW);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x7123, true, &pa), 0);
	cr_assert_eq(pa, DATA_PA + 0x123);
	cr_assert_eq(smmu_hw_dma(T.smmu, n.sid, 1, 0x7456, &v, 1, true), 0, "SSID 1: CD 1, same tables");
	cr_assert_eq(guest_mem_read(T.mem, DATA_PA + 0x456, &back, 1), 0);
	cr_assert_eq(back, 0x5a);
	cr_assert_eq(t_evt_pending(), 0);
}

Test(smmu_nested, s2_fault_fetching_a_s1_table_is_class_tt_with_its_ipa)
{
	struct nest n;
	u64 pa, iova = (1ULL << 39) | 0x5008;

	nest_make(&n, 0x41, 12, 77, 4);
	t_pt_map(&n.s1, 0x7000, DATA_IPA, 3, T_S1_RW);
	/* The level-1 table for 512G..1T sits at an IPA stage 2 does not map. */
	mwr64(t_pt_slot(&n.s1, iova, 0), 0x90000000ULL | PTE_VALID | PTE_TYPE);
	cr_assert_eq(xl(&n, 1, iova, true, &pa), -EFAULT);
	/* the level-1 index of iova is 0: the descriptor is at the table's first IPA */
	expect_event(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_TT, 0x90000000ULL, iova, true,
		     n.sid, 1);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, iova, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_TT, 0x90000000ULL, iova, false,
		     n.sid, SMMU_NO_SSID);

	/* Mapped by stage 2 without read permission: a stage-2 permission fault, CLASS TT. */
	t_pt_map(&n.s2, 0x90000000ULL, DATA_PA, 3, PTE_AF | PTE_S2_AP_WRITE);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, iova, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_PERMISSION, true, SMMU_EVT_CLASS_TT, 0x90000000ULL, iova, false,
		     n.sid, SMMU_NO_SSID);
	/* Its access flag clear: a stage-2 access flag fault, CLASS TT. */
	t_pt_map(&n.s2, 0x90000000ULL, DATA_PA, 3, PTE_S2_AP_READ);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, iova, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_ACCESS, true, SMMU_EVT_CLASS_TT, 0x90000000ULL, iova, false, n.sid,
		     SMMU_NO_SSID);
}

Test(smmu_nested, s2_fault_on_the_output_is_class_in_with_the_data_ipa)
{
	struct nest n;
	u64 pa;

	nest_make(&n, 0x42, 12, 77, 4);
	t_pt_map(&n.s1, 0x7000, DATA_IPA + 0x3000, 3, T_S1_RW);
	cr_assert_eq(xl(&n, 1, 0x7abc, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_IN, DATA_IPA + 0x3000, 0x7abc,
		     false, n.sid, 1);
	/* A stage-1 fault in the same stream: S2=0, no IPA. */
	cr_assert_eq(xl(&n, 1, 0x9abc, true, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 0, 0x9abc, true, n.sid, 1);
}

Test(smmu_nested, address_size_faults_of_each_stage)
{
	struct nest n;
	u64 pa;

	nest_make(&n, 0x43, 12, 77, 4);
	/* Stage-1 output beyond the IAS (44 bits): a stage-1 address size fault. */
	t_pt_map(&n.s1, 0x1000, 1ULL << 44, 3, T_S1_RW);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x1010, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_ADDR_SIZE, false, SMMU_EVT_CLASS_IN, 0, 0x1010, false, n.sid,
		     SMMU_NO_SSID);
	/* An IPA within the IAS but beyond S2T0SZ (40 bits): stage-2 translation fault. */
	t_pt_map(&n.s1, 0x2000, 1ULL << 40, 3, T_S1_RW);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x2020, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_IN, 1ULL << 40, 0x2020, false,
		     n.sid, SMMU_NO_SSID);

	/* S2PS 32 bits: a stage-2 output at 4G is a stage-2 address size fault... */
	nest_write_ste(&n, 0, n.s2.root);
	t_cmd(FIELD_PREP(CMD0_OP, CMD_CFGI_STE) | FIELD_PREP(CMD0_SID, n.sid), 0);
	t_pt_map(&n.s1, 0x3000, DATA_IPA, 3, T_S1_RW);
	t_pt_map(&n.s2, DATA_IPA, 1ULL << 32, 3, T_S2_RW);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x3030, true, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_ADDR_SIZE, true, SMMU_EVT_CLASS_IN, DATA_IPA, 0x3030, true, n.sid,
		     SMMU_NO_SSID);
	/* ... on the output, CLASS IN; on a stage-1 table's address, CLASS TT. */
	u64 iova = 3ULL << 39;
	mwr64(t_pt_slot(&n.s1, iova, 0), 0xa0000000ULL | PTE_VALID | PTE_TYPE);
	t_pt_map(&n.s2, 0xa0000000ULL, 1ULL << 32, 3, T_S2_RW);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, iova, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_ADDR_SIZE, true, SMMU_EVT_CLASS_TT, 0xa0000000ULL, iova, false,
		     n.sid, SMMU_NO_SSID);
}

/* A stage-2 fault on the CD fetch: CLASS CD, the CD's IPA, and RnW 1 (the fetch is a read). */
Test(smmu_nested, s2_fault_on_the_cd_fetch_is_class_cd_and_a_read)
{
	struct nest n;
	u64 pa;

	nest_make(&n, 0x48, 12, 77, 4);
	n.cdtab = 0xa0000000ULL - DELTA; /* its IPA, 0xa0000000, is unmapped */
	nest_write_ste(&n, 4, n.s2.root);
	cr_assert_eq(xl(&n, 1, 0x7010, true, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_CD, 0xa0000000ULL + 64, 0x7010,
		     false, n.sid, 1);
}

/* A table descriptor whose next-level address is too large: an address size fault of its own stage. */
Test(smmu_nested, address_size_of_a_table_pointer)
{
	struct nest n;
	u64 pa, iova = 1ULL << 39;

	nest_make(&n, 0x4c, 12, 77, 0);
	/* Stage 1's level-1 table at IPA 2^44: beyond the IAS. */
	mwr64(t_pt_slot(&n.s1, iova, 0), (1ULL << 44) | PTE_VALID | PTE_TYPE);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, iova, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_ADDR_SIZE, false, SMMU_EVT_CLASS_IN, 0, iova, false, n.sid, SMMU_NO_SSID);
	/* S2PS 32 bits: stage 2's level-2 table for the data at PA 4G: a stage-2 address size fault, IN. */
	t_pt_map(&n.s1, 0x5000, 0xc0001000ULL, 3, T_S1_RW);
	mwr64(t_pt_slot(&n.s2, 0xc0000000ULL, 1), (1ULL << 32) | PTE_VALID | PTE_TYPE);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x5008, true, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_ADDR_SIZE, true, SMMU_EVT_CLASS_IN, 0xc0001000ULL, 0x5008, true, n.sid,
		     SMMU_NO_SSID);
}

/* S1 AP x S2 AP: a write needs both; a read needs stage 2's read; stage 1 is checked first. */
Test(smmu_nested, permissions_combine_both_stages)
{
	static const struct {
		u64 s1, s2;
		bool read_ok, write_ok;
		bool write_fault_s2;
	} cases[] = {
		{ T_S1_RW, T_S2_RW, true, true, false },
		{ T_S1_RO, T_S2_RW, true, false, false },
		{ T_S1_RW, PTE_AF | PTE_S2_AP_READ, true, false, true },
		{ T_S1_RO, PTE_AF | PTE_S2_AP_READ, true, false, false },
		{ T_S1_RW, PTE_AF | PTE_S2_AP_WRITE, false, true, true },
		{ T_S1_RO, PTE_AF | PTE_S2_AP_WRITE, false, false, false },
	};
	struct nest n;
	u64 pa;

	nest_make(&n, 0x44, 12, 77, 4);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 iova = 0x100000 + i * 0x1000ULL, ipa = DATA_IPA + i * 0x1000ULL;

		t_pt_map(&n.s1, iova, ipa, 3, cases[i].s1);
		t_pt_map(&n.s2, ipa, DATA_PA + i * 0x1000ULL, 3, cases[i].s2);
	}
	/* Lap 0 reads first (a read fills the TLB), lap 1 writes first after a flush. */
	for (int lap = 0; lap < 2; lap++) {
		cmd_tlbi(CMD_TLBI_S12_VMALL, 0, n.vmid, 0);
		for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
			u64 iova = 0x100000 + i * 0x1000ULL + 0x18, ipa = DATA_IPA + i * 0x1000ULL;

			for (int k = 0; k < 2; k++) {
				bool write = (k == 0) == (lap == 1);
				bool ok = write ? cases[i].write_ok : cases[i].read_ok;
				int ret = xl(&n, SMMU_NO_SSID, iova, write, &pa);

				cr_assert_eq(ret, ok ? 0 : -EFAULT, "case %u lap %d %s", i, lap,
					     write ? "write" : "read");
				if (ok) {
					cr_assert_eq(pa, DATA_PA + i * 0x1000ULL + 0x18);
					continue;
				}
				bool s2 = write ? cases[i].write_fault_s2 : true;

				expect_event(SMMU_EVT_F_PERMISSION, s2, SMMU_EVT_CLASS_IN,
					     s2 ? ipa : 0, iova, write, n.sid, SMMU_NO_SSID);
			}
		}
	}
}

/* The combined entry is as large as the smaller of the two mappings. */
static void combined_size(int s1_level, int s2_level, u64 entry_size)
{
	struct nest n;
	u64 iova = 0x40000000ULL, ipa = 0xc0000000ULL, pa = 0x40000000ULL;
	u64 s1_size = s1_level == 3 ? SZ_4K : s1_level == 2 ? SZ_2M : SZ_1G;
	u64 s2_size = s2_level == 3 ? SZ_4K : s2_level == 2 ? SZ_2M : SZ_1G;

	nest_make(&n, 0x45, 12, 77, 4);
	/* Enough leaves that each stage covers the same 2M at least. */
	for (u64 off = 0; off < MAX(s1_size, SZ_2M); off += s1_size)
		t_pt_map(&n.s1, iova + off, ipa + off, s1_level, T_S1_RW);
	for (u64 off = 0; off < MAX(s2_size, SZ_2M); off += s2_size)
		t_pt_map(&n.s2, ipa + off, pa + off, s2_level, T_S2_RW);
	cr_assert_not(hit(&n, iova + 0x10));
	cr_assert(hit(&n, iova + entry_size - 8), "same entry at its last byte");
	if (entry_size < SZ_2M)
		cr_assert_not(hit(&n, iova + entry_size), "next entry");
	else
		cr_assert(hit(&n, iova + SZ_2M - 8));
}

Test(smmu_nested, combined_entry_s1_block_s2_page) { combined_size(2, 3, SZ_4K); }
Test(smmu_nested, combined_entry_s1_page_s2_block) { combined_size(3, 2, SZ_4K); }
Test(smmu_nested, combined_entry_both_2m) { combined_size(2, 2, SZ_2M); }
Test(smmu_nested, combined_entry_s1_2m_s2_1g) { combined_size(2, 1, SZ_2M); }

/*
 * QEMU 10.0 translates a nested walk's stage-1 table addresses with its
 * stage-2 TLB: the next miss on the same tables reads stage-1 descriptors
 * and the data's stage-2 walk only.
 */
Test(smmu_nested, s2_entries_cache_the_s1_table_addresses)
{
	struct nest n;

	nest_make(&n, 0x46, 12, 77, 4);
	t_pt_map(&n.s1, 0x7000, DATA_IPA, 3, T_S1_RW);
	t_pt_map(&n.s1, 0x8000, DATA_IPA + 0x1000, 3, T_S1_RW);
	t_pt_map(&n.s2, DATA_IPA, DATA_PA, 3, T_S2_RW);
	t_pt_map(&n.s2, DATA_IPA + 0x1000, DATA_PA + 0x1000, 3, T_S2_RW);
	/*
	 * First translation: the CD fetch walks stage 2 (1 read: the 1G block
	 * that also holds every S1 table) and leaves a stage-2 entry; the walk
	 * reads 4 S1 levels whose IPAs that entry translates, then 3 S2 levels
	 * for the data.
	 */
	cr_assert_eq(reads_of(&n, 0x7000), 1 + 4 + 3);
	cr_assert_eq(reads_of(&n, 0x8000), 4 + 3, "table addresses from the S2 entry");
	/* NH_ALL keeps stage-2 entries. */
	cmd_tlbi(CMD_TLBI_NH_ALL, 0, n.vmid, 0);
	cr_assert_eq(reads_of(&n, 0x7000), 4 + 3);
	/* S2_IPA of the S1 root's IPA drops that stage-2 entry, not the combined ones. */
	cmd_tlbi(CMD_TLBI_S2_IPA, 0, n.vmid, n.s1.root + DELTA);
	cr_assert(hit(&n, 0x7000), "combined entry kept");
	cr_assert_eq(reads_of(&n, 0x8000), 4 + 1 + 3, "the tables' S2 entry walked again");
	cmd_tlbi(CMD_TLBI_NH_ALL, 0, n.vmid, 0);
	cr_assert_eq(reads_of(&n, 0x7000), 4 + 3);
	/* S12_VMALL drops both kinds. */
	cmd_tlbi(CMD_TLBI_S12_VMALL, 0, n.vmid, 0);
	cr_assert_eq(reads_of(&n, 0x8000), 4 + 1 + 3);
	/* Another VMID's invalidation leaves them. */
	cmd_tlbi(CMD_TLBI_S12_VMALL, 0, n.vmid + 1, 0);
	cr_assert(hit(&n, 0x8000));
}

/* Two nested streams, same ASID, VMIDs 12 and 13; three pages each. */
static void two_streams(struct nest *a, struct nest *b)
{
	nest_make(a, 0x50, 12, 77, 4);
	nest_make(b, 0x51, 13, 77, 4);
	for (u64 i = 0; i < 3; i++) {
		t_pt_map(&a->s1, 0x10000 + i * 0x1000, DATA_IPA + i * 0x1000, 3, T_S1_RW);
		t_pt_map(&b->s1, 0x10000 + i * 0x1000, DATA_IPA + i * 0x1000, 3, T_S1_RW);
		t_pt_map(&a->s2, DATA_IPA + i * 0x1000, DATA_PA + i * 0x1000, 3, T_S2_RW);
		t_pt_map(&b->s2, DATA_IPA + i * 0x1000, DATA_PA + 0x100000 + i * 0x1000, 3, T_S2_RW);
	}
}

static void fill(const struct nest *a, const struct nest *b)
{
	for (u64 i = 0; i < 3; i++) {
		hit(a, 0x10000 + i * 0x1000);
		hit(b, 0x10000 + i * 0x1000);
	}
}

Test(smmu_nested, tlbi_nh_va_and_vaa_match_asid_and_vmid)
{
	struct nest a, b;

	two_streams(&a, &b);
	fill(&a, &b);
	cmd_tlbi(CMD_TLBI_NH_VA, 77, 12, 0x10000);
	cr_assert_not(hit(&a, 0x10000));
	cr_assert(hit(&a, 0x11000), "other address");
	cr_assert(hit(&b, 0x10000), "other VMID");
	cmd_tlbi(CMD_TLBI_NH_VA, 78, 12, 0x11000);
	cr_assert(hit(&a, 0x11000), "other ASID");
	cmd_tlbi(CMD_TLBI_NH_VAA, 0, 13, 0x12000);
	cr_assert_not(hit(&b, 0x12000), "VAA: any ASID");
	cr_assert(hit(&a, 0x12000), "VAA: of its VMID only");
}

Test(smmu_nested, tlbi_nh_asid_and_nh_all_are_vmid_scoped)
{
	struct nest a, b;
	u64 pa;

	two_streams(&a, &b);
	fill(&a, &b);
	/* SSID 1 uses CD 1: ASID 78. */
	cr_assert_eq(xl(&a, 1, 0x10000, false, &pa), 0);
	cmd_tlbi(CMD_TLBI_NH_ASID, 77, 12, 0);
	cr_assert_not(hit(&a, 0x10000));
	cr_assert_not(hit(&a, 0x12000));
	cr_assert(hit(&b, 0x10000));
	u64 before = stats()->tlb_hits;
	cr_assert_eq(xl(&a, 1, 0x10000, false, &pa), 0);
	cr_assert_eq(stats()->tlb_hits, before + 1, "ASID 78 kept");
	cmd_tlbi(CMD_TLBI_NH_ALL, 0, 13, 0);
	cr_assert_not(hit(&b, 0x11000));
	cr_assert(hit(&a, 0x10000), "refilled after NH_ASID, kept by VMID 13's NH_ALL");
}

/*
 * S2_IPA removes stage-2 entries only: a combined entry built on the old
 * IPA mapping still translates until TLBI_NH_ALL (or S12_VMALL) of the VMID,
 * as QEMU 10.0 does and as Linux 7.3 relies on (it sends NH_ALL after a nest
 * parent's invalidation).
 */
Test(smmu_nested, tlbi_s2_ipa_leaves_combined_entries_to_nh_all)
{
	struct nest a, b;
	u64 pa;

	two_streams(&a, &b);
	fill(&a, &b);
	t_pt_map(&a.s2, DATA_IPA, DATA_PA + 0x5000, 3, T_S2_RW);
	cmd_tlbi(CMD_TLBI_S2_IPA, 0, 12, DATA_IPA);
	cr_assert_eq(xl(&a, SMMU_NO_SSID, 0x10010, false, &pa), 0);
	cr_assert_eq(pa, DATA_PA + 0x10, "combined entry kept");
	cmd_tlbi(CMD_TLBI_NH_ALL, 0, 12, 0);
	cr_assert_eq(xl(&a, SMMU_NO_SSID, 0x10010, false, &pa), 0);
	cr_assert_eq(pa, DATA_PA + 0x5010);
	cr_assert(hit(&b, 0x10000), "VMID 13 untouched");
	cmd_tlbi(CMD_TLBI_S12_VMALL, 0, 13, 0);
	cr_assert_not(hit(&b, 0x10000));
	cr_assert(hit(&a, 0x10000));
}

Test(smmu_nested, cfgi_ste_and_cd_drop_the_config_cache)
{
	struct nest a, b;
	u64 pa;

	two_streams(&a, &b);
	fill(&a, &b);
	/* A new stage-1 root mapping 0x10000 elsewhere: unseen until CFGI_CD. */
	struct t_pt s1;

	t_pt_init(&s1, 12, 48, 0, DELTA);
	t_pt_map(&s1, 0x10000, DATA_IPA + 0x2000, 3, T_S1_RW);
	nest_write_cds(&a, s1.root + DELTA);
	cmd_tlbi(CMD_TLBI_NH_ALL, 0, 12, 0);
	cr_assert_eq(xl(&a, SMMU_NO_SSID, 0x10000, false, &pa), 0);
	cr_assert_eq(pa, DATA_PA, "cached CD");
	t_cmd(FIELD_PREP(CMD0_OP, CMD_CFGI_CD) | FIELD_PREP(CMD0_SID, a.sid) | FIELD_PREP(CMD0_SSID, 0), 0);
	cmd_tlbi(CMD_TLBI_NH_ALL, 0, 12, 0);
	cr_assert_eq(xl(&a, SMMU_NO_SSID, 0x10000, false, &pa), 0);
	cr_assert_eq(pa, DATA_PA + 0x2000, "new CD after CFGI_CD");

	/* A new stage 2 (b's) for stream a: unseen until CFGI_STE. */
	nest_write_ste(&a, 4, b.s2.root);
	cmd_tlbi(CMD_TLBI_S12_VMALL, 0, 12, 0);
	cr_assert_eq(xl(&a, SMMU_NO_SSID, 0x10000, false, &pa), 0);
	cr_assert_eq(pa, DATA_PA + 0x2000, "cached STE");
	t_cmd(FIELD_PREP(CMD0_OP, CMD_CFGI_STE) | FIELD_PREP(CMD0_SID, a.sid), 0);
	cmd_tlbi(CMD_TLBI_S12_VMALL, 0, 12, 0);
	cr_assert_eq(xl(&a, SMMU_NO_SSID, 0x10000, false, &pa), 0);
	cr_assert_eq(pa, DATA_PA + 0x100000 + 0x2000, "new STE after CFGI_STE");
}

/* ---- the debug view: both stages, level by level ---- */

static char *walk_view(const struct nest *n, u64 iova, bool write)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	smmu_hw_debug_walk(T.smmu, n->sid, SMMU_NO_SSID, iova, write, f);
	fclose(f);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

Test(smmu_nested, debug_walk_shows_both_stages_level_by_level)
{
	struct nest n;
	char line[160];

	nest_make(&n, 0x47, 12, 77, 4);
	u64 leaf = t_pt_map(&n.s1, 0x7000, DATA_IPA, 3, T_S1_RW);
	u64 s2leaf = t_pt_map(&n.s2, DATA_IPA, DATA_PA, 3, T_S2_RW);
	u64 s2blk = t_pt_slot(&n.s2, VIRT_RAM_BASE + DELTA, 1);
	u64 before = stats()->ptw_reads;
	char *v = walk_view(&n, 0x7123, true);

	cr_assert_eq(stats()->ptw_reads, before, "the view fills no cache and counts nothing");
	cr_assert(!strncmp(v, "walk sid 0x47 iova 0x7123 (write)\n", 34), "%s", v);
	snprintf(line, sizeof(line), "nested: ASID 77, VMID 12; stage 1 tables at IPAs (TTB0 0x%llx)",
		 (unsigned long long)(n.s1.root + DELTA));
	cr_assert(has_line(v, line), "%s\n---\n%s", line, v);
	/* Level 0: its descriptor's IPA, the S2 walk of it (one 1G block), the PA, the descriptor. */
	snprintf(line, sizeof(line), "  S1 L0 descriptor at IPA 0x%llx:", (unsigned long long)(n.s1.root + DELTA));
	cr_assert(has_line(v, line), "%s\n---\n%s", line, v);
	snprintf(line, sizeof(line), "    S2 L1 @0x%llx: 0x%016llx block", (unsigned long long)s2blk,
		 (unsigned long long)mrd64(s2blk));
	cr_assert(has_line(v, line), "%s\n---\n%s", line, v);
	snprintf(line, sizeof(line), "    S2 -> PA 0x%llx", (unsigned long long)n.s1.root);
	cr_assert(has_line(v, line), "%s\n---\n%s", line, v);
	snprintf(line, sizeof(line), "  S1 L0 @0x%llx: 0x%016llx table", (unsigned long long)n.s1.root,
		 (unsigned long long)mrd64(n.s1.root));
	cr_assert(has_line(v, line), "%s\n---\n%s", line, v);
	snprintf(line, sizeof(line), "  S1 L3 @0x%llx: 0x%016llx page", (unsigned long long)leaf,
		 (unsigned long long)mrd64(leaf));
	cr_assert(has_line(v, line), "%s\n---\n%s", line, v);
	cr_assert(has_line(v, "  S1 -> IPA 0x80000123 (4 KiB page, rw)"), "%s", v);
	snprintf(line, sizeof(line), "  S2 L3 @0x%llx: 0x%016llx page", (unsigned long long)s2leaf,
		 (unsigned long long)mrd64(s2leaf));
	cr_assert(has_line(v, line), "%s\n---\n%s", line, v);
	cr_assert(has_line(v, "  S2 -> PA 0x58000123 (4 KiB page, rw)"), "%s", v);
	cr_assert(has_line(v, "-> pa 0x58000123 (4 KiB page, rw)"), "%s", v);
	/* 4 S1 levels, each announced with its IPA. */
	int n_ipa = 0;
	for (const char *p = v; (p = strstr(p, "descriptor at IPA")); p++)
		n_ipa++;
	cr_assert_eq(n_ipa, 4);
	free(v);

	/* A fault on a S1 table fetch names stage 2, CLASS TT and the IPA. */
	u64 iova = 1ULL << 39;
	mwr64(t_pt_slot(&n.s1, iova, 0), 0x90000000ULL | PTE_VALID | PTE_TYPE);
	v = walk_view(&n, iova, false);
	cr_assert(has_line(v, "  S1 L1 descriptor at IPA 0x90000000:"), "%s", v);
	cr_assert(has_line(v, "fault: F_TRANSLATION (event 0x10) at stage 2, CLASS TT, IPA 0x90000000"), "%s", v);
	free(v);
	cr_assert_eq(t_evt_pending(), 0, "the view records no event");
}

Test(smmu_nested, debug_ste_reads_the_cd_through_stage_2)
{
	struct nest n;
	char line[160];
	char *buf = NULL;
	size_t len = 0;

	nest_make(&n, 0x49, 12, 77, 4);
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(smmu_hw_debug_ste(T.smmu, n.sid, SMMU_NO_SSID, f), 0);
	fclose(f);
	cr_assert(strstr(buf, "Config=S1+S2 ") && strstr(buf, "S2VMID=12 "), "%s", buf);
	snprintf(line, sizeof(line), "CD at IPA 0x%llx -> PA 0x%llx", (unsigned long long)(n.cdtab + DELTA),
		 (unsigned long long)n.cdtab);
	cr_assert(has_line(buf, line), "%s\n---\n%s", line, buf);
	cr_assert(strstr(buf, "V=1 ASID=77 "), "%s", buf);
	free(buf);
}

/* Stage 2's own table outside RAM while translating a stage-1 table's IPA: F_WALK_EABT, S2, CLASS TT. */
Test(smmu_nested, s2_walk_abort_fetching_a_s1_table)
{
	struct nest n;
	struct smmu_event ev;
	u64 pa, iova = 2ULL << 39;
	const u64 nowhere = 0x10000000ULL; /* below RAM: nothing answers */

	nest_make(&n, 0x4a, 12, 77, 4);
	mwr64(t_pt_slot(&n.s1, iova, 0), 0xc0000000ULL | PTE_VALID | PTE_TYPE);
	/* S2's level-1 entry for IPA 3G points at a level-2 table that is not RAM. */
	mwr64(t_pt_slot(&n.s2, 0xc0000000ULL, 1), nowhere | PTE_VALID | PTE_TYPE);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, iova, true, &pa), -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_WALK_EABT);
	cr_assert(ev.s2);
	cr_assert_eq(ev.class, SMMU_EVT_CLASS_TT);
	cr_assert_eq(ev.fetch_addr, nowhere + 8 * ((0xc0000000ULL >> 21) & 511), "the S2 descriptor's PA");
	cr_assert_eq(ev.input_addr, iova);
	cr_assert_not(ev.rnw);
}

/* CD.R gates stage-1 records only, STE.S2R stage-2 ones (CLASS TT and IN alike). */
Test(smmu_nested, cd_r_and_ste_s2r_gate_each_stage)
{
	struct nest n;
	u64 pa, cd[8], ste2;

	nest_make(&n, 0x4b, 12, 77, 4);
	t_pt_map(&n.s1, 0x7000, DATA_IPA, 3, T_S1_RW); /* DATA_IPA: no S2 mapping */
	mwr64(t_pt_slot(&n.s1, 1ULL << 39, 0), 0x90000000ULL | PTE_VALID | PTE_TYPE);
	/* CD.R clear: the stage-1 fault goes unrecorded, stage-2 ones are still recorded. */
	for (int i = 0; i < 8; i++)
		cd[i] = mrd64(n.cdtab + 8 * i);
	mwr64(n.cdtab, cd[0] & ~CD0_R);
	t_cmd(FIELD_PREP(CMD0_OP, CMD_CFGI_CD) | FIELD_PREP(CMD0_SID, n.sid), 0);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x9000, false, &pa), -EFAULT);
	cr_assert_eq(t_evt_pending(), 0);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x7000, false, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_TRANSLATION, true, SMMU_EVT_CLASS_IN, DATA_IPA, 0x7000, false, n.sid,
		     SMMU_NO_SSID);
	/* S2R clear (CD.R back): stage-2 faults, on the output or on a table, go unrecorded. */
	mwr64(n.cdtab, cd[0]);
	ste2 = mrd64(T.strtab + n.sid * 64ULL + 16);
	mwr64(T.strtab + n.sid * 64ULL + 16, ste2 & ~STE2_S2R);
	t_cmd(FIELD_PREP(CMD0_OP, CMD_CFGI_STE) | FIELD_PREP(CMD0_SID, n.sid), 0);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x7000, true, &pa), -EFAULT);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 1ULL << 39, true, &pa), -EFAULT);
	cr_assert_eq(t_evt_pending(), 0);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, 0x9000, true, &pa), -EFAULT);
	expect_event(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 0, 0x9000, true, n.sid, SMMU_NO_SSID);
}

/*
 * A 64K stage-1 table over 4K stage-2 pages that stage 2 scatters (page p of
 * each table's IPA range at PA page 15 - p): every stage-1 descriptor is read
 * at the PA of its own IPA, not at an offset from the table's base.
 */
static u64 scattered_pa(u64 ipa_base, u64 pa_base, u64 ipa)
{
	return pa_base + (15 - ((ipa - ipa_base) >> 12)) * 0x1000ULL + (ipa & 0xfff);
}

Test(smmu_nested, s1_64k_tables_over_scattered_s2_pages)
{
	struct nest n;
	const u64 l2_ipa = 0x90000000ULL, l3_ipa = 0x90010000ULL;
	u64 l2_pa = t_alloc(SZ_64K, SZ_64K), l3_pa = t_alloc(SZ_64K, SZ_64K), cd[8], pa;
	/* 42-bit input, 64K granule: level 2 (13 bits from bit 29), level 3 (13 bits from bit 16) */
	u64 iova = (1000ULL << 29) | (5000ULL << 16) | 0x1234;

	nest_make(&n, 0x4d, 12, 77, 4);
	for (u64 p = 0; p < 16; p++) {
		t_pt_map(&n.s2, l2_ipa + p * 0x1000, l2_pa + (15 - p) * 0x1000, 3, T_S2_RW);
		t_pt_map(&n.s2, l3_ipa + p * 0x1000, l3_pa + (15 - p) * 0x1000, 3, T_S2_RW);
	}
	t_pt_map(&n.s2, DATA_IPA, DATA_PA, 2, T_S2_RW); /* a 2M block */
	mwr64(scattered_pa(l2_ipa, l2_pa, l2_ipa + 8 * 1000), l3_ipa | PTE_VALID | PTE_TYPE);
	mwr64(scattered_pa(l3_ipa, l3_pa, l3_ipa + 8 * 5000), DATA_IPA | T_S1_RW | PTE_VALID | PTE_TYPE);
	t_cd(cd, 77, CD_TG0_64K, 22, l2_ipa);
	t_cd_write(n.cdtab, cd);
	t_cmd(FIELD_PREP(CMD0_OP, CMD_CFGI_CD) | FIELD_PREP(CMD0_SID, n.sid), 0);
	cr_assert_eq(xl(&n, SMMU_NO_SSID, iova, true, &pa), 0);
	cr_assert_eq(pa, DATA_PA + 0x1234);
	/* the combined entry: the smaller of a 64K page and a 2M block, to its last byte */
	cr_assert(hit(&n, iova - 0x1234 + SZ_64K - 8));
}
