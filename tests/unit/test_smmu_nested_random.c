/*
 * The nested (S1+S2) walk against an independent reference: random stage-1
 * and stage-2 tables (4K granule; blocks at levels 1 and 2, pages, holes,
 * random AP/S2AP/AF/APTable bits; stage-1 tables in IPA space, some of them
 * behind stage-2 holes, read-protected or access-flag-clear pages), then
 * thousands of lookups, each compared with a plain walker written here from
 * the Arm ARM / SMMUv3 rules (not the model's code): the PA on success, else
 * the event record's type, S2, CLASS, IPA and InputAddr. Each address is
 * translated twice (the second time usually from the TLB, with a random
 * access). The seed is fixed (SMMU_NESTED_SEED overrides it) and printed
 * with every failure.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test_smmu_util.h"

static u64 seed, rng;

static u64 rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static unsigned pct(void) { return (unsigned)(rnd() % 100); }

#define IAS 44 /* QEMU virt's SMMU: IAS = OAS = 44 */
#define PA_BITS 44 /* S2PS 44 */
#define DATA_WINDOW (8ULL << 30) /* data IPAs */
#define TABLE_IPA (1ULL << 38) /* IPA of the stage-1 table area */

/* The sizes the walks start from: input bits and start level of each stage. */
static unsigned s1_in, s2_in;
static int s1_start, s2_start;
#define VMID 9
#define SID 0x33

/* Stage-1 tables live in a 4M area: its first 2M behind a S2 block, the rest behind S2 pages. */
static u64 tbl_area, tbl_next[2];

static u64 tbl_ipa(u64 pa) { return TABLE_IPA + (pa - tbl_area); }
static u64 tbl_pa(u64 ipa) { return ipa - TABLE_IPA + tbl_area; }

static u64 rd(u64 pa)
{
	u64 v = 0;

	cr_assert_eq(guest_mem_read64(T.mem, pa, &v), 0, "seed %llu: read 0x%llx", (unsigned long long)seed,
		     (unsigned long long)pa);
	return v;
}

/* ---- building: a leaf at (addr, level) unless something already covers that slot ---- */

struct builder {
	u64 root;
	int start; /* 0 for stage 1, 1 for stage 2 */
	unsigned in_bits;
	bool s1; /* table pointers are IPAs (tbl_ipa) */
	struct t_pt *s2pages; /* stage 1: where its new tables get stage-2 pages */
};

static unsigned idx_at(const struct builder *b, u64 addr, int level)
{
	unsigned shift = 12 + 9 * (unsigned)(3 - level);
	unsigned bits = level == b->start ? b->in_bits - shift : 9;

	return (unsigned)((addr >> shift) & ((1ULL << bits) - 1));
}

static u64 s1_new_table(int half);

static bool build_leaf(struct builder *b, u64 addr, int level, u64 leaf)
{
	u64 table = b->root;

	for (int l = b->start;; l++) {
		u64 slot = table + 8ULL * idx_at(b, addr, l);
		u64 d = rd(slot);

		if (l == level) {
			if (d & PTE_VALID)
				return false;
			mwr64(slot, leaf);
			return true;
		}
		if (!(d & PTE_VALID)) {
			u64 next_pa;

			if (b->s1) {
				next_pa = s1_new_table((int)(rnd() & 1));
				d = tbl_ipa(next_pa) | PTE_VALID | PTE_TYPE;
				if (pct() < 8)
					d |= PTE_TABLE_APTABLE_RDONLY;
			} else {
				next_pa = t_alloc(4096, 4096);
				d = next_pa | PTE_VALID | PTE_TYPE;
			}
			mwr64(slot, d);
		} else if (!(d & PTE_TYPE)) {
			return false; /* a block covers it */
		}
		table = b->s1 ? tbl_pa(d & GENMASK_ULL(47, 12)) : (d & GENMASK_ULL(47, 12));
	}
}

static struct builder s1b, s2b;

/* A new zeroed stage-1 table page, in that half of the area; second-half pages get a random S2 page. */
static u64 s1_new_table(int half)
{
	u64 pa;

	if (tbl_next[half] + 4096 > tbl_area + (u64)(half + 1) * SZ_2M)
		half ^= 1;
	pa = tbl_next[half];
	cr_assert(pa + 4096 <= tbl_area + (u64)(half + 1) * SZ_2M, "table area full");
	tbl_next[half] += 4096;
	for (int i = 0; i < 512; i++)
		mwr64(pa + 8ULL * i, 0);
	if (half == 1) {
		unsigned p = pct();
		u64 attrs = PTE_AF | PTE_S2_AP_READ | PTE_S2_AP_WRITE;

		if (p < 4)
			return pa; /* a hole: stage 2 does not map this table */
		if (p < 7)
			attrs = PTE_AF | PTE_S2_AP_WRITE; /* no read */
		else if (p < 10)
			attrs = PTE_S2_AP_READ; /* access flag clear */
		cr_assert(build_leaf(&s2b, tbl_ipa(pa), 3, pa | attrs | PTE_VALID | PTE_TYPE));
	}
	return pa;
}

static u64 level_size(int level) { return 1ULL << (12 + 9 * (3 - level)); }

static void random_s2_leaf(void)
{
	int level = 1 + (int)(rnd() % 3);
	u64 size = level_size(level);
	u64 ipa = (rnd() % DATA_WINDOW) & ~(size - 1);
	u64 pa = (rnd() % (1ULL << PA_BITS)) & ~(size - 1);
	u64 attrs = 0;

	if (pct() < 3)
		pa = (1ULL << PA_BITS) + (rnd() % (1ULL << 40) & ~(size - 1)); /* beyond S2PS */
	if (pct() < 92)
		attrs |= PTE_AF;
	if (pct() < 85)
		attrs |= PTE_S2_AP_READ;
	if (pct() < 70)
		attrs |= PTE_S2_AP_WRITE;
	build_leaf(&s2b, ipa, level, (pa & GENMASK_ULL(47, 12)) | attrs | PTE_VALID | (level == 3 ? PTE_TYPE : 0));
}

/* The stage-1 leaves built, for lookups to aim at. */
struct leaf {
	u64 iova, size;
};
static struct leaf leaves[600];
static unsigned n_leaves;

/* Within stage 1's input range: a few level-0 slots of a 48-bit range, or all of a 39-bit one. */
static u64 random_iova(void)
{
	if (s1_in == 48)
		return (rnd() % 4) << 39 | (rnd() % (1ULL << 39));
	return rnd() % (1ULL << s1_in);
}

static void random_s1_leaf(void)
{
	int level = 1 + (int)(rnd() % 3);
	u64 size = level_size(level);
	u64 iova = random_iova() & ~(size - 1);
	u64 out = (rnd() % DATA_WINDOW) & ~(size - 1);
	unsigned p = pct();
	u64 attrs = PTE_S1_AP_UNPRIV;

	if (p < 4)
		out = ((1ULL << s2_in) + rnd() % (1ULL << 42)) & ~(size - 1); /* beyond S2T0SZ */
	else if (p < 6)
		out = ((1ULL << IAS) + rnd() % (1ULL << 46)) & ~(size - 1) & GENMASK_ULL(47, 0); /* beyond IAS */
	if (pct() < 93)
		attrs |= PTE_AF;
	if (pct() < 30)
		attrs |= PTE_S1_AP_RDONLY;
	if (build_leaf(&s1b, iova, level, (out & GENMASK_ULL(47, 12)) | attrs | PTE_VALID | (level == 3 ? PTE_TYPE : 0)) &&
	    n_leaves < ARRAY_SIZE(leaves))
		leaves[n_leaves++] = (struct leaf){ iova, size };
}

/* ---- the reference walker ---- */

struct ref {
	bool ok;
	u64 pa;
	u8 type;
	bool s2;
	u8 class;
	u64 ipa;
};

static struct ref ref_fault(u8 type, bool s2, u8 class, u64 ipa)
{
	return (struct ref){ .type = type, .s2 = s2, .class = class, .ipa = s2 ? ipa : 0 };
}

/*
 * Stage 2 of ipa from its start level; the start level's table may be
 * several concatenated ones (more index bits than 9).
 */
static struct ref ref_s2(u64 ipa, bool write, u8 class)
{
	u64 table = s2b.root;

	if (ipa >> s2_in)
		return ref_fault(SMMU_EVT_F_TRANSLATION, true, class, ipa);
	for (int level = s2_start; level <= 3; level++) {
		unsigned shift = 12 + 9 * (unsigned)(3 - level);
		unsigned bits = level == s2_start ? s2_in - shift : 9;
		u64 index = (ipa >> shift) & ((1ULL << bits) - 1);
		u64 d = rd(table + 8 * index);

		if (!(d & 1))
			return ref_fault(SMMU_EVT_F_TRANSLATION, true, class, ipa);
		if (level < 3 && (d & 2)) {
			table = d & GENMASK_ULL(47, 12);
			continue;
		}
		if (level == 3 && !(d & 2))
			return ref_fault(SMMU_EVT_F_TRANSLATION, true, class, ipa);
		u64 base = d & GENMASK_ULL(47, shift);

		if (base >> PA_BITS)
			return ref_fault(SMMU_EVT_F_ADDR_SIZE, true, class, ipa);
		if (!(d & PTE_AF))
			return ref_fault(SMMU_EVT_F_ACCESS, true, class, ipa);
		bool allowed = write ? (d & PTE_S2_AP_WRITE) : (d & PTE_S2_AP_READ);

		if (!allowed)
			return ref_fault(SMMU_EVT_F_PERMISSION, true, class, ipa);
		return (struct ref){ .ok = true, .pa = base | (ipa & ((1ULL << shift) - 1)) };
	}
	cr_assert_fail("unreachable");
	return (struct ref){ 0 };
}

/* Stage 1 (from its start level, tables at IPAs), then stage 2 of its output. */
static struct ref ref_nested(u64 iova, bool write)
{
	u64 table_ipa = tbl_ipa(s1b.root);
	bool ro_table = false;

	if (iova >> s1_in)
		return ref_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 0);
	for (int level = s1_start; level <= 3; level++) {
		unsigned shift = 12 + 9 * (unsigned)(3 - level);
		unsigned bits = level == s1_start ? s1_in - shift : 9;
		u64 desc_ipa = table_ipa + 8 * ((iova >> shift) & ((1ULL << bits) - 1));
		struct ref t = ref_s2(desc_ipa, false, SMMU_EVT_CLASS_TT);

		if (!t.ok)
			return t;
		u64 d = rd(t.pa);

		if (!(d & 1))
			return ref_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 0);
		if (level < 3 && (d & 2)) {
			if (d & PTE_TABLE_APTABLE_RDONLY)
				ro_table = true;
			table_ipa = d & GENMASK_ULL(47, 12);
			continue;
		}
		if (level == 0 || (level == 3 && !(d & 2)))
			return ref_fault(SMMU_EVT_F_TRANSLATION, false, SMMU_EVT_CLASS_IN, 0);
		u64 base = d & GENMASK_ULL(47, shift);

		if (base >> IAS)
			return ref_fault(SMMU_EVT_F_ADDR_SIZE, false, SMMU_EVT_CLASS_IN, 0);
		if (!(d & PTE_AF))
			return ref_fault(SMMU_EVT_F_ACCESS, false, SMMU_EVT_CLASS_IN, 0);
		if (write && ((d & PTE_S1_AP_RDONLY) || ro_table))
			return ref_fault(SMMU_EVT_F_PERMISSION, false, SMMU_EVT_CLASS_IN, 0);
		return ref_s2(base | (iova & ((1ULL << shift) - 1)), write, SMMU_EVT_CLASS_IN);
	}
	cr_assert_fail("unreachable");
	return (struct ref){ 0 };
}

/* ---- the test ---- */

static void setup(void)
{
	struct smmu_hw_config c;

	t_cfg_s1s2(&c);
	t_setup(&c);
}

TestSuite(smmu_nested_random, .init = setup, .fini = t_destroy);

static void check(u64 iova, bool write, const char *when)
{
	struct ref want = ref_nested(iova, write);
	struct smmu_event ev;
	u64 pa = 0;
	int ret = smmu_hw_translate(T.smmu, SID, SMMU_NO_SSID, iova, write, &pa, &ev);

	cr_assert_eq(ret, want.ok ? 0 : -EFAULT,
		     "seed %llu: %s %s of 0x%llx: model %d, reference %s (type 0x%x s2 %d)",
		     (unsigned long long)seed, when, write ? "write" : "read", (unsigned long long)iova, ret,
		     want.ok ? "ok" : "fault", want.type, want.s2);
	if (want.ok) {
		cr_assert_eq(pa, want.pa, "seed %llu: %s 0x%llx -> 0x%llx, reference 0x%llx", (unsigned long long)seed,
			     when, (unsigned long long)iova, (unsigned long long)pa, (unsigned long long)want.pa);
		cr_assert_eq(t_evt_pending(), 0);
		return;
	}
	t_evt_pop(&ev);
	cr_assert(ev.type == want.type && ev.s2 == want.s2 && ev.class == want.class &&
			  ev.ipa == (want.ipa & SMMU_EVT_3_IPA) && ev.input_addr == iova && ev.rnw == !write &&
			  ev.sid == SID,
		  "seed %llu: %s %s of 0x%llx: event type 0x%x s2 %d class %u ipa 0x%llx in 0x%llx, "
		  "reference type 0x%x s2 %d class %u ipa 0x%llx",
		  (unsigned long long)seed, when, write ? "write" : "read", (unsigned long long)iova, ev.type, ev.s2,
		  ev.class, (unsigned long long)ev.ipa, (unsigned long long)ev.input_addr, want.type, want.s2,
		  want.class, (unsigned long long)(want.ipa & SMMU_EVT_3_IPA));
	cr_assert_eq(t_evt_pending(), 0);
}

/* s1 and s2: input bits; the start levels follow (stage 2 with up to 16 concatenated tables). */
static void random_walks(unsigned s1_bits, unsigned s2_bits, u64 default_seed)
{
	const char *env = getenv("SMMU_NESTED_SEED");
	unsigned outcomes[4] = { 0 };

	seed = env ? strtoull(env, NULL, 0) : default_seed;
	n_leaves = 0;
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	s1_in = s1_bits;
	s2_in = s2_bits;
	s1_start = s1_in > 39 ? 0 : s1_in > 30 ? 1 : 2;
	s2_start = s2_in > 39 + 4 ? 0 : s2_in > 30 + 4 ? 1 : 2;
	unsigned root_shift = 12 + 9 * (unsigned)(3 - s2_start);
	u64 root_bytes = MAX(8ULL << (s2_in - root_shift), 4096ULL);

	/* Stage 2: its root, the table area's block, data leaves. */
	s2b = (struct builder){ .root = t_alloc(root_bytes, root_bytes), .start = s2_start, .in_bits = s2_in };
	tbl_area = t_alloc(2 * SZ_2M, SZ_2M);
	tbl_next[0] = tbl_area + 4096; /* the first page holds the CD */
	tbl_next[1] = tbl_area + SZ_2M;
	cr_assert(build_leaf(&s2b, TABLE_IPA, 2, tbl_area | PTE_AF | PTE_S2_AP_READ | PTE_S2_AP_WRITE | PTE_VALID));
	for (int i = 0; i < 400; i++)
		random_s2_leaf();

	/* Stage 1 in IPA space. */
	s1b = (struct builder){ .root = s1_new_table(0), .start = s1_start, .in_bits = s1_in, .s1 = true };
	for (int i = 0; i < 600; i++)
		random_s1_leaf();

	/* CD (ASID 5) at the table area's first page, STE nested. */
	u64 cd[8], ste[8];

	t_cd(cd, 5, CD_TG0_4K, 64 - s1_in, tbl_ipa(s1b.root));
	t_cd_write(tbl_area, cd);
	t_ste_s1(ste, tbl_ipa(tbl_area), 0);
	ste[0] = (ste[0] & ~STE0_CONFIG) | FIELD_PREP(STE0_CONFIG, STE_CONFIG_NESTED);
	t_ste_s2_fields(ste, VMID, 64 - s2_in, (unsigned)(2 - s2_start), STE_S2TG_4K, 4, s2b.root);
	t_ste_write(SID, ste);

	cr_assert_gt(n_leaves, 300, "seed %llu: too few stage-1 leaves", (unsigned long long)seed);

	for (int i = 0; i < 6000; i++) {
		u64 iova;

		unsigned p = pct();

		if (p < 70)
		{
			const struct leaf *l = &leaves[rnd() % n_leaves];

			iova = l->iova + ((rnd() % l->size) & ~7ULL);
		}
		else if (p < 97)
			iova = random_iova();
		else
			iova = (1ULL << s1_in) | rnd() % (1ULL << s1_in); /* beyond T0SZ */
		bool write = rnd() & 1;
		struct ref r = ref_nested(iova, write);

		outcomes[r.ok ? 0 : r.s2 ? (r.class == SMMU_EVT_CLASS_TT ? 2 : 3) : 1]++;
		check(iova, write, "miss");
		check(iova, rnd() & 1, "again");
		if (pct() < 2) {
			/* now and then: start over from an empty TLB */
			t_cmd(FIELD_PREP(CMD0_OP, CMD_TLBI_S12_VMALL) | FIELD_PREP(CMD0_VMID, VMID), 0);
		}
	}
	/* With the fixed seed every kind of outcome happened and the TLB answered the repeats. */
	const struct smmu_hw_stats *st = smmu_hw_stats(T.smmu);

	cr_log_info("seed %llu (S1 %u bits, S2 %u bits): ok %u, S1 faults %u, S2 faults on S1 tables %u, "
		    "on the output %u; TLB hits %llu",
		    (unsigned long long)seed, s1_in, s2_in, outcomes[0], outcomes[1], outcomes[2], outcomes[3],
		    (unsigned long long)st->tlb_hits);
	if (!env) {
		cr_assert(outcomes[0] > 100 && outcomes[1] > 100 && outcomes[2] > 10 && outcomes[3] > 100,
			  "seed %llu: outcomes ok %u s1-fault %u s2-tt-fault %u s2-in-fault %u",
			  (unsigned long long)seed, outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
		cr_assert_gt(st->tlb_hits, outcomes[0] / 2, "the second lookups used the TLB");
	}
}

/* 48-bit stage 1 from level 0; 40-bit stage 2 from two concatenated level-1 tables. */
Test(smmu_nested_random, s1_48bit_s2_40bit_concatenated, .timeout = 120) { random_walks(48, 40, 20261130); }
/* 39-bit stage 1 from level 1; 44-bit stage 2 from level 0. */
Test(smmu_nested_random, s1_39bit_s2_44bit, .timeout = 120) { random_walks(39, 44, 7301); }
/* 48-bit stage 1; 39-bit stage 2 from one level-1 table. */
Test(smmu_nested_random, s1_48bit_s2_39bit, .timeout = 120) { random_walks(48, 39, 1013); }
/* 39-bit stage 1; 42-bit stage 2 from eight concatenated level-1 tables. */
Test(smmu_nested_random, s1_39bit_s2_42bit_concatenated, .timeout = 120) { random_walks(39, 42, 424242); }
