/*
 * io-pgtable ARM LPAE: map/unmap/iova_to_phys on every granule and stage,
 * descriptors read back from guest memory bit by bit, the TCR/VTCR/MAIR
 * values Linux 6.1 computes, the block split on partial unmap, and the TLB
 * callbacks a driver sees.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hw/mem.h"
#include "pgtable/io_pgtable.h"

#define RAM_SIZE (512ULL << 20)
#define TABLE_POOL (VIRT_RAM_BASE + (256ULL << 20)) /* tables in the top half */
#define DATA_PA (VIRT_RAM_BASE + 0x01000000ULL)	    /* where "DMA buffers" map to */
#define SZ_32M 0x2000000ULL
#define SZ_512M 0x20000000ULL
#define ADDR_MASK GENMASK_ULL(47, 12)

/* A bump allocator that remembers what is live so leaks and bad frees show. */
struct table_alloc {
	u64 next;
	int nalloc, nfree, bad_free;
	int fail_after; /* successful allocations left before failing; -1: never */
	size_t last_size, last_align;
	struct {
		u64 pa;
		size_t size;
		bool live;
	} rec[4096];
	int nrec;
};

struct flush_count {
	int all, walk, add;
	unsigned long walk_iova;
	size_t walk_size, walk_granule;
	unsigned long add_iova;
	size_t add_granule;
	void *cookie;
	struct iommu_iotlb_gather *gather;
};

static struct guest_mem *mem;
static struct table_alloc ta;
static struct flush_count fc;

static u64 test_alloc_table(void *cookie, size_t size, size_t align)
{
	struct table_alloc *a = cookie;
	u64 pa;

	if (a->fail_after == 0)
		return 0;
	if (a->fail_after > 0)
		a->fail_after--;
	pa = ALIGN_UP(a->next, align);
	a->next = pa + size;
	a->nalloc++;
	a->last_size = size;
	a->last_align = align;
	if (a->nrec < (int)ARRAY_SIZE(a->rec)) {
		a->rec[a->nrec].pa = pa;
		a->rec[a->nrec].size = size;
		a->rec[a->nrec].live = true;
		a->nrec++;
	}
	/* Dirty the page: the table code must zero what it gets. */
	guest_mem_fill(mem, pa, 0xa5, size);
	return pa;
}

static void test_free_table(void *cookie, u64 pa, size_t size)
{
	struct table_alloc *a = cookie;

	a->nfree++;
	for (int i = 0; i < a->nrec; i++) {
		if (a->rec[i].pa == pa && a->rec[i].live) {
			if (a->rec[i].size != size)
				a->bad_free++;
			a->rec[i].live = false;
			return;
		}
	}
	a->bad_free++;
}

static int live_tables(void)
{
	int n = 0;

	for (int i = 0; i < ta.nrec; i++)
		n += ta.rec[i].live;
	return n;
}

static void fc_flush_all(void *cookie)
{
	struct flush_count *f = cookie;

	f->all++;
	f->cookie = cookie;
}

static void fc_flush_walk(unsigned long iova, size_t size, size_t granule, void *cookie)
{
	struct flush_count *f = cookie;

	f->walk++;
	f->walk_iova = iova;
	f->walk_size = size;
	f->walk_granule = granule;
	f->cookie = cookie;
}

static void fc_add_page(struct iommu_iotlb_gather *gather, unsigned long iova, size_t granule,
			void *cookie)
{
	struct flush_count *f = cookie;

	f->add++;
	f->add_iova = iova;
	f->add_granule = granule;
	f->gather = gather;
	f->cookie = cookie;
}

static const struct iommu_flush_ops fc_ops = {
	.tlb_flush_all = fc_flush_all,
	.tlb_flush_walk = fc_flush_walk,
	.tlb_add_page = fc_add_page,
};

static void setup(void)
{
	mem = guest_mem_new(VIRT_RAM_BASE, RAM_SIZE);
	cr_assert_not_null(mem);
	memset(&ta, 0, sizeof(ta));
	ta.next = TABLE_POOL;
	ta.fail_after = -1;
	memset(&fc, 0, sizeof(fc));
}

static void teardown(void)
{
	guest_mem_free(mem);
}

static struct io_pgtable_cfg mkcfg(unsigned long pgsizes, unsigned ias, unsigned oas)
{
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = pgsizes,
		.ias = ias,
		.oas = oas,
		.coherent_walk = true,
		.tlb = &fc_ops,
		.mem = mem,
		.alloc_table = test_alloc_table,
		.free_table = test_free_table,
		.alloc_cookie = &ta,
	};
	return cfg;
}

static struct io_pgtable_ops *mkops(enum io_pgtable_fmt fmt, struct io_pgtable_cfg *cfg)
{
	struct io_pgtable_ops *ops = alloc_io_pgtable_ops(fmt, cfg, &fc);

	cr_assert_not_null(ops, "alloc_io_pgtable_ops(fmt %d, pgsizes %#lx, ias %u)", fmt,
			   cfg->pgsize_bitmap, cfg->ias);
	return ops;
}

static u64 rd(u64 pa)
{
	u64 v = 0;

	cr_assert_eq(guest_mem_read64(mem, pa, &v), 0, "read64 %#llx", (unsigned long long)pa);
	return v;
}

/* Descriptor address at one level: table + index * 8, index = iova[shift+bits-1:shift]. */
static u64 slot(u64 table, u64 iova, unsigned shift, unsigned bits)
{
	return table + ((iova >> shift) & ((1ULL << bits) - 1)) * 8;
}

/* 4K granule, 48-bit S1: the four descriptors on iova's path (0 when absent). */
static void walk4k(u64 ttbr, u64 iova, u64 d[4])
{
	u64 t = ttbr;

	memset(d, 0, 4 * sizeof(u64));
	for (int l = 0; l < 4; l++) {
		d[l] = rd(slot(t, iova, 39 - 9 * l, 9));
		if ((d[l] & 3) != 3 || l == 3)
			return;
		t = d[l] & ADDR_MASK;
	}
}

TestSuite(io_pgtable, .init = setup, .fini = teardown);

/* ---- construction: granule, limits, registers ---- */

Test(io_pgtable, s1_4k_registers_and_pgsizes)
{
	struct io_pgtable_cfg cfg =
		mkcfg(SZ_4K | SZ_16K | SZ_64K | SZ_2M | SZ_32M | SZ_512M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);

	cr_expect_eq(cfg.pgsize_bitmap, SZ_4K | SZ_2M | SZ_1G);
	cr_expect_eq(cfg.ias, 48);
	cr_expect_eq(cfg.oas, 48);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.tg, ARM_LPAE_TCR_TG0_4K);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.sh, ARM_LPAE_TCR_SH_IS);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.irgn, ARM_LPAE_TCR_RGN_WBWA);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.orgn, ARM_LPAE_TCR_RGN_WBWA);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.ips, ARM_LPAE_TCR_PS_48_BIT);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.tsz, 16);
	/* NC at 0, WBRWA at 1, device-nGnRE at 2, inner-NC/outer-WB at 3. */
	cr_expect_eq(cfg.arm_lpae_s1_cfg.mair, 0xf404ff44ULL);
	/* One pgd page: 512 entries of 4 levels' level 0. */
	cr_expect_eq(ta.nalloc, 1);
	cr_expect_eq(ta.last_size, SZ_4K);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.ttbr, ta.rec[0].pa);
	cr_expect(IS_ALIGNED(cfg.arm_lpae_s1_cfg.ttbr, SZ_4K));
	/* The allocator's dirt was wiped. */
	cr_expect_eq(rd(cfg.arm_lpae_s1_cfg.ttbr + 0xff8), 0);
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
	cr_expect_eq(ta.bad_free, 0);
}

Test(io_pgtable, s1_16k_64k_granules)
{
	struct io_pgtable_cfg c16 = mkcfg(SZ_16K | SZ_64K | SZ_32M | SZ_512M | SZ_1G, 48, 44);
	struct io_pgtable_ops *o16 = mkops(ARM_64_LPAE_S1, &c16);
	struct io_pgtable_cfg c64 = mkcfg(SZ_64K | SZ_512M | SZ_2M, 40, 40);
	struct io_pgtable_ops *o64 = mkops(ARM_64_LPAE_S1, &c64);

	/* 16K and 64K offered, no 4K: the smallest granule above the CPU page wins. */
	cr_expect_eq(c16.pgsize_bitmap, SZ_16K | SZ_32M);
	cr_expect_eq(c16.arm_lpae_s1_cfg.tcr.tg, ARM_LPAE_TCR_TG0_16K);
	cr_expect_eq(c16.arm_lpae_s1_cfg.tcr.ips, ARM_LPAE_TCR_PS_44_BIT);
	cr_expect_eq(c16.arm_lpae_s1_cfg.tcr.tsz, 16);
	cr_expect_eq(c64.pgsize_bitmap, SZ_64K | SZ_512M);
	cr_expect_eq(c64.arm_lpae_s1_cfg.tcr.tg, ARM_LPAE_TCR_TG0_64K);
	cr_expect_eq(c64.arm_lpae_s1_cfg.tcr.ips, ARM_LPAE_TCR_PS_40_BIT);
	cr_expect_eq(c64.arm_lpae_s1_cfg.tcr.tsz, 24);
	free_io_pgtable_ops(o16);
	free_io_pgtable_ops(o64);
	cr_expect_eq(live_tables(), 0);
}

Test(io_pgtable, address_size_clamps)
{
	struct io_pgtable_cfg c4 = mkcfg(SZ_4K, 52, 52);
	struct io_pgtable_ops *o4 = mkops(ARM_64_LPAE_S1, &c4);
	struct io_pgtable_cfg c64 = mkcfg(SZ_64K, 52, 52);
	struct io_pgtable_ops *o64 = mkops(ARM_64_LPAE_S1, &c64);

	/* 52-bit addresses need the 64K granule; otherwise both clamp to 48. */
	cr_expect_eq(c4.ias, 48);
	cr_expect_eq(c4.oas, 48);
	cr_expect_eq(c4.pgsize_bitmap, SZ_4K);
	cr_expect_eq(c64.ias, 52);
	cr_expect_eq(c64.oas, 52);
	cr_expect_eq(c64.arm_lpae_s1_cfg.tcr.ips, ARM_LPAE_TCR_PS_52_BIT);
	cr_expect_eq(c64.arm_lpae_s1_cfg.tcr.tsz, 12);
	/* Input was 64K only: 512M is not added, 4TB is (oas > 48) only if offered. */
	cr_expect_eq(c64.pgsize_bitmap, SZ_64K);
	free_io_pgtable_ops(o4);
	free_io_pgtable_ops(o64);
}

Test(io_pgtable, bad_configs_refused)
{
	struct io_pgtable_cfg cfg;

	cfg = mkcfg(0x800, 48, 48); /* 2K: no LPAE granule */
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cfg = mkcfg(0, 48, 48);
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 48, 39); /* 39 bits has no IPS encoding */
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 48, 39);
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S2, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 12, 48); /* nothing above the page offset */
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 48, 48);
	cfg.quirks = IO_PGTABLE_QUIRK_ARM_NS; /* no quirk is valid at stage 2 */
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S2, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 48, 48);
	cfg.quirks = IO_PGTABLE_QUIRK_NO_PERMS;
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 48, 48);
	cfg.quirks = IO_PGTABLE_QUIRK_ARM_OUTER_WBWA; /* only for non-coherent walks */
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 48, 48);
	cr_expect_null(alloc_io_pgtable_ops(ARM_V7S, &cfg, &fc));
	cr_expect_null(alloc_io_pgtable_ops(IO_PGTABLE_NUM_FMTS, &cfg, &fc));
	cr_expect_null(alloc_io_pgtable_ops((enum io_pgtable_fmt)-1, &cfg, &fc));
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, NULL, &fc));
	cfg = mkcfg(SZ_4K, 48, 48);
	cfg.mem = NULL;
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cfg = mkcfg(SZ_4K, 48, 48);
	cfg.alloc_table = NULL;
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	/* pgd allocation failure */
	cfg = mkcfg(SZ_4K, 48, 48);
	ta.fail_after = 0;
	cr_expect_null(alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, &fc));
	cr_expect_eq(live_tables(), 0);
	free_io_pgtable_ops(NULL);
}

Test(io_pgtable, s1_noncoherent_and_quirks)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K, 48, 40);
	struct io_pgtable_ops *ops;

	cfg.coherent_walk = false;
	cfg.quirks = IO_PGTABLE_QUIRK_ARM_OUTER_WBWA;
	ops = mkops(ARM_64_LPAE_S1, &cfg);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.sh, ARM_LPAE_TCR_SH_OS);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.irgn, ARM_LPAE_TCR_RGN_NC);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.orgn, ARM_LPAE_TCR_RGN_WBWA);
	free_io_pgtable_ops(ops);

	cfg = mkcfg(SZ_16K, 48, 48);
	cfg.coherent_walk = false;
	ops = mkops(ARM_64_LPAE_S1, &cfg);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.orgn, ARM_LPAE_TCR_RGN_NC);
	free_io_pgtable_ops(ops);

	/* TTBR1: the TG1 encoding, and only the upper half of the space maps. */
	cfg = mkcfg(SZ_4K, 48, 48);
	cfg.quirks = IO_PGTABLE_QUIRK_ARM_TTBR1;
	ops = mkops(ARM_64_LPAE_S1, &cfg);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.tg, ARM_LPAE_TCR_TG1_4K);
	cr_expect_eq(ops->map(ops, 0x1000, DATA_PA, SZ_4K, IOMMU_READ), -ERANGE);
	cr_expect_eq(ops->map(ops, 0xfffffffffffff000UL, DATA_PA, SZ_4K, IOMMU_READ), 0);
	cr_expect_eq(ops->iova_to_phys(ops, 0xfffffffffffff010UL), DATA_PA + 0x10);
	free_io_pgtable_ops(ops);
	cfg = mkcfg(SZ_64K, 48, 48);
	cfg.quirks = IO_PGTABLE_QUIRK_ARM_TTBR1;
	ops = mkops(ARM_64_LPAE_S1, &cfg);
	cr_expect_eq(cfg.arm_lpae_s1_cfg.tcr.tg, ARM_LPAE_TCR_TG1_64K);
	free_io_pgtable_ops(ops);
}

/* Expected VTCR and pgd for one stage-2 geometry. */
static void check_s2(unsigned long pgsizes, unsigned ias, unsigned oas, unsigned tg, unsigned sl,
		     unsigned ps, size_t pgd_alloc)
{
	struct io_pgtable_cfg cfg = mkcfg(pgsizes, ias, oas);
	struct io_pgtable_ops *ops;

	ta.nalloc = 0;
	ops = mkops(ARM_64_LPAE_S2, &cfg);
	cr_expect_eq(cfg.arm_lpae_s2_cfg.vtcr.tg, tg, "ias %u", ias);
	cr_expect_eq(cfg.arm_lpae_s2_cfg.vtcr.sl, sl, "ias %u gran %#lx: sl", ias, pgsizes);
	cr_expect_eq(cfg.arm_lpae_s2_cfg.vtcr.ps, ps, "ias %u", ias);
	cr_expect_eq(cfg.arm_lpae_s2_cfg.vtcr.tsz, 64 - ias, "ias %u", ias);
	cr_expect_eq(cfg.arm_lpae_s2_cfg.vtcr.sh, ARM_LPAE_TCR_SH_IS);
	cr_expect_eq(cfg.arm_lpae_s2_cfg.vtcr.irgn, ARM_LPAE_TCR_RGN_WBWA);
	cr_expect_eq(cfg.arm_lpae_s2_cfg.vtcr.orgn, ARM_LPAE_TCR_RGN_WBWA);
	cr_expect_eq(ta.nalloc, 1);
	cr_expect_eq(ta.last_size, pgd_alloc, "ias %u gran %#lx: pgd %zu", ias, pgsizes,
		     ta.last_size);
	/* Concatenated tables are aligned to their whole size. */
	cr_expect(IS_ALIGNED(cfg.arm_lpae_s2_cfg.vttbr, pgd_alloc));
	free_io_pgtable_ops(ops);
}

Test(io_pgtable, s2_vtcr_and_concatenation)
{
	/* 4K, 48 bits: 512-entry level-0 pgd, too big to fold; SL0=2 is level 0. */
	check_s2(SZ_4K, 48, 48, ARM_LPAE_TCR_TG0_4K, 2, ARM_LPAE_TCR_PS_48_BIT, SZ_4K);
	/* 4K, 44 bits: 32 level-0 entries > 16: still level 0. */
	check_s2(SZ_4K, 44, 44, ARM_LPAE_TCR_TG0_4K, 2, ARM_LPAE_TCR_PS_44_BIT, SZ_4K);
	/* 4K, 43 bits: 16 entries: folded into 16 concatenated level-1 tables. */
	check_s2(SZ_4K, 43, 44, ARM_LPAE_TCR_TG0_4K, 1, ARM_LPAE_TCR_PS_44_BIT, 16 * SZ_4K);
	/* 4K, 40 bits (QEMU's SMMU): 2 concatenated level-1 tables, SL0=1. */
	check_s2(SZ_4K, 40, 40, ARM_LPAE_TCR_TG0_4K, 1, ARM_LPAE_TCR_PS_40_BIT, 2 * SZ_4K);
	/* 4K, 32 bits: three levels, 4-entry level-1 pgd in one page. */
	check_s2(SZ_4K, 32, 32, ARM_LPAE_TCR_TG0_4K, 1, ARM_LPAE_TCR_PS_32_BIT, SZ_4K);
	/* 16K, 48 bits: 2 level-0 entries fold into 2 level-1 tables; SL0=2 is level 1. */
	check_s2(SZ_16K, 48, 48, ARM_LPAE_TCR_TG0_16K, 2, ARM_LPAE_TCR_PS_48_BIT, 2 * SZ_16K);
	/* 64K, 48 bits: three levels from level 1, SL0=2. */
	check_s2(SZ_64K, 48, 48, ARM_LPAE_TCR_TG0_64K, 2, ARM_LPAE_TCR_PS_48_BIT, SZ_4K);
	/* 64K, 42 bits: two levels from level 2, SL0=1. */
	check_s2(SZ_64K, 42, 42, ARM_LPAE_TCR_TG0_64K, 1, ARM_LPAE_TCR_PS_42_BIT, SZ_64K);
	cr_expect_eq(live_tables(), 0);
	cr_expect_eq(ta.bad_free, 0);
}

Test(io_pgtable, s2_concatenated_pgd_indexing)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K, 40, 40);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S2, &cfg);
	u64 vttbr = cfg.arm_lpae_s2_cfg.vttbr;
	unsigned long top = (1UL << 40) - SZ_4K;
	u64 l1;

	cr_assert_eq(ops->map(ops, top, DATA_PA, SZ_4K, IOMMU_READ | IOMMU_WRITE), 0);
	/* Level 1 indexes 10 bits over the two pages: entry 1023 is the last one. */
	l1 = rd(vttbr + 1023 * 8);
	cr_expect_eq(l1 & 3, ARM_LPAE_PTE_TYPE_TABLE);
	cr_expect_eq(rd(vttbr + 511 * 8), 0);
	cr_expect_eq(ops->iova_to_phys(ops, top + 0x7), DATA_PA + 0x7);
	cr_expect_eq(ops->map(ops, 1UL << 40, DATA_PA, SZ_4K, IOMMU_READ), -ERANGE);
	free_io_pgtable_ops(ops);
}

/* ---- map / unmap / iova_to_phys on every granule and stage ---- */

struct geometry {
	enum io_pgtable_fmt fmt;
	unsigned long pgsizes;
	unsigned ias;
	size_t page, block;
};

static const struct geometry geometries[] = {
	{ ARM_64_LPAE_S1, SZ_4K | SZ_2M | SZ_1G, 48, SZ_4K, SZ_2M },
	{ ARM_64_LPAE_S1, SZ_16K | SZ_32M, 48, SZ_16K, SZ_32M },
	{ ARM_64_LPAE_S1, SZ_64K | SZ_512M, 48, SZ_64K, SZ_512M },
	{ ARM_64_LPAE_S2, SZ_4K | SZ_2M | SZ_1G, 40, SZ_4K, SZ_2M },
	{ ARM_64_LPAE_S2, SZ_16K | SZ_32M, 48, SZ_16K, SZ_32M },
	{ ARM_64_LPAE_S2, SZ_64K | SZ_512M, 42, SZ_64K, SZ_512M },
};

Test(io_pgtable, map_unmap_every_granule_and_stage)
{
	for (size_t g = 0; g < ARRAY_SIZE(geometries); g++) {
		const struct geometry *geo = &geometries[g];
		struct io_pgtable_cfg cfg = mkcfg(geo->pgsizes, geo->ias, 40);
		struct io_pgtable_ops *ops = mkops(geo->fmt, &cfg);
		unsigned long iova = 3 * geo->block + 5 * geo->page;
		unsigned long biova = 8 * geo->block;
		u64 bpa = ALIGN_UP(DATA_PA, geo->block);
		size_t mapped = 0;

		cr_expect_eq(ops->iova_to_phys(ops, iova), 0, "geo %zu: empty", g);
		cr_assert_eq(ops->map_pages(ops, iova, DATA_PA, geo->page, 1, IOMMU_READ | IOMMU_WRITE,
					    &mapped),
			     0, "geo %zu", g);
		cr_expect_eq(mapped, geo->page);
		cr_expect_eq(ops->iova_to_phys(ops, iova + 0x123), DATA_PA + 0x123, "geo %zu", g);
		cr_expect_eq(ops->iova_to_phys(ops, iova + geo->page), 0, "geo %zu: next page", g);
		cr_expect_eq(ops->iova_to_phys(ops, iova - 1), 0, "geo %zu: prev page", g);

		/* An aligned block-sized map is one block entry. */
		int before = ta.nalloc;
		cr_assert_eq(ops->map(ops, biova, bpa, geo->block, IOMMU_READ), 0, "geo %zu", g);
		cr_expect_eq(ops->iova_to_phys(ops, biova + geo->block - 8), bpa + geo->block - 8);
		/* Only the tables above the block level can be new; no leaf table. */
		cr_expect_leq(ta.nalloc - before, 2, "geo %zu", g);

		cr_expect_eq(ops->unmap(ops, iova, geo->page, NULL), geo->page, "geo %zu", g);
		cr_expect_eq(ops->iova_to_phys(ops, iova + 0x123), 0, "geo %zu", g);
		cr_expect_eq(ops->unmap(ops, biova, geo->block, NULL), geo->block, "geo %zu", g);
		cr_expect_eq(ops->iova_to_phys(ops, biova), 0, "geo %zu", g);
		/* Nothing left to unmap. */
		cr_expect_eq(ops->unmap(ops, iova, geo->page, NULL), 0, "geo %zu", g);
		/* Remap of what was unmapped. */
		cr_expect_eq(ops->map(ops, iova, DATA_PA + geo->page, geo->page, IOMMU_WRITE), 0);
		cr_expect_eq(ops->iova_to_phys(ops, iova + 1), DATA_PA + geo->page + 1);
		free_io_pgtable_ops(ops);
		cr_expect_eq(live_tables(), 0, "geo %zu: leaked tables", g);
	}
	cr_expect_eq(ta.bad_free, 0);
}

Test(io_pgtable, block_and_table_descriptors_4k)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);
	u64 ttbr = cfg.arm_lpae_s1_cfg.ttbr;
	u64 d[4];

	/* 1G block: pgd + level 1 table, entry at level 1 is a block. */
	cr_assert_eq(ops->map(ops, SZ_1G, VIRT_RAM_BASE, SZ_1G, IOMMU_READ), 0);
	cr_expect_eq(ta.nalloc, 2);
	walk4k(ttbr, SZ_1G, d);
	cr_expect_eq(d[0] & 3, ARM_LPAE_PTE_TYPE_TABLE);
	cr_expect_eq(d[1] & 3, ARM_LPAE_PTE_TYPE_BLOCK);
	cr_expect_eq(d[1] & ADDR_MASK, VIRT_RAM_BASE);

	/* 2M block: one more table (level 2). */
	cr_assert_eq(ops->map(ops, 4 * SZ_2M, DATA_PA, SZ_2M, IOMMU_READ), 0);
	cr_expect_eq(ta.nalloc, 3);
	walk4k(ttbr, 4 * SZ_2M, d);
	cr_expect_eq(d[1] & 3, ARM_LPAE_PTE_TYPE_TABLE);
	cr_expect_eq(d[1] & ADDR_MASK, ta.rec[2].pa);
	cr_expect_eq(d[2] & 3, ARM_LPAE_PTE_TYPE_BLOCK);
	cr_expect_eq(d[2] & ADDR_MASK, DATA_PA);

	/* A 4K page beside it: one leaf table, a page (type 3) at level 3. */
	cr_assert_eq(ops->map(ops, 5 * SZ_2M, DATA_PA, SZ_4K, IOMMU_READ), 0);
	cr_expect_eq(ta.nalloc, 4);
	walk4k(ttbr, 5 * SZ_2M, d);
	cr_expect_eq(d[2] & 3, ARM_LPAE_PTE_TYPE_TABLE);
	cr_expect_eq(d[3] & 3, ARM_LPAE_PTE_TYPE_PAGE);
	/* Coherent walker: no software sync marker in table descriptors. */
	cr_expect_eq(d[2] & ARM_LPAE_PTE_SW_SYNC, 0);
	cr_expect_eq(d[2] & ARM_LPAE_PTE_NSTABLE, 0);

	/* A page inside the 2M block cannot be mapped over it. */
	cr_expect_eq(ops->map(ops, 4 * SZ_2M + SZ_4K, DATA_PA, SZ_4K, IOMMU_READ), -EEXIST);
	/* Nor a block over a block, nor a page over a page. */
	cr_expect_eq(ops->map(ops, 4 * SZ_2M, 0, SZ_2M, IOMMU_READ), -EEXIST);
	cr_expect_eq(ops->map(ops, 5 * SZ_2M, 0, SZ_4K, IOMMU_READ), -EEXIST);
	cr_expect_eq(ops->iova_to_phys(ops, 5 * SZ_2M), DATA_PA);
	cr_expect_eq(ops->iova_to_phys(ops, 4 * SZ_2M + 0x1234), DATA_PA + 0x1234);
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
}

Test(io_pgtable, block_over_table_replaces_table)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);

	cr_assert_eq(ops->map(ops, SZ_2M, DATA_PA, SZ_4K, IOMMU_READ), 0);
	int live = live_tables();
	/* Linux 6.1 unmaps and frees the level-3 table, then writes the block. */
	cr_expect_eq(ops->map(ops, SZ_2M, DATA_PA + SZ_2M, SZ_2M, IOMMU_READ), 0);
	cr_expect_eq(fc.walk, 1);
	cr_expect_eq(fc.walk_iova, SZ_2M);
	cr_expect_eq(fc.walk_size, SZ_2M);
	cr_expect_eq(fc.walk_granule, SZ_4K);
	cr_expect_eq(live_tables(), live - 1);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_2M + 8), DATA_PA + SZ_2M + 8);
	free_io_pgtable_ops(ops);
}

Test(io_pgtable, map_pages_stops_at_table_end)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);
	size_t mapped = 0;
	unsigned long iova = SZ_2M - 4 * SZ_4K;

	/* 10 pages from 4 before a 2M boundary: only the 4 in this leaf table. */
	cr_assert_eq(ops->map_pages(ops, iova, DATA_PA, SZ_4K, 10, IOMMU_READ, &mapped), 0);
	cr_expect_eq(mapped, 4 * SZ_4K);
	cr_expect_eq(ops->iova_to_phys(ops, iova + 3 * SZ_4K), DATA_PA + 3 * SZ_4K);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_2M), 0);
	/* The caller carries on from there, as __iommu_map does. */
	cr_assert_eq(ops->map_pages(ops, iova + mapped, DATA_PA + mapped, SZ_4K, 6, IOMMU_READ,
				    &mapped),
		     0);
	cr_expect_eq(mapped, 10 * SZ_4K);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_2M + 5 * SZ_4K), DATA_PA + 9 * SZ_4K);
	/* unmap_pages likewise stops at the table end. */
	cr_expect_eq(ops->unmap_pages(ops, iova, SZ_4K, 10, NULL), 4 * SZ_4K);
	cr_expect_eq(ops->unmap_pages(ops, SZ_2M, SZ_4K, 6, NULL), 6 * SZ_4K);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_2M), 0);
	/* An unmap running into a hole stops there. */
	cr_assert_eq(ops->map_pages(ops, 0, DATA_PA, SZ_4K, 2, IOMMU_READ, NULL), 0);
	cr_expect_eq(ops->unmap_pages(ops, 0, SZ_4K, 5, NULL), 2 * SZ_4K);
	free_io_pgtable_ops(ops);
}

/* ---- bad input ---- */

Test(io_pgtable, out_of_range_and_bad_sizes)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 40);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);
	int tables = ta.nalloc;
	size_t mapped = 0;

	cr_expect_eq(ops->map(ops, 1UL << 48, DATA_PA, SZ_4K, IOMMU_READ), -ERANGE);
	cr_expect_eq(ops->map(ops, ~0UL & ~0xfffUL, DATA_PA, SZ_4K, IOMMU_READ), -ERANGE);
	cr_expect_eq(ops->map(ops, 0, 1ULL << 40, SZ_4K, IOMMU_READ), -ERANGE);
	cr_expect_eq(ops->map_pages(ops, 0, DATA_PA, SZ_4K * 2, 1, IOMMU_READ, &mapped), -EINVAL);
	cr_expect_eq(ops->map_pages(ops, 0, DATA_PA, 0, 1, IOMMU_READ, &mapped), -EINVAL);
	cr_expect_eq(ops->map_pages(ops, 0, DATA_PA, SZ_16K, 1, IOMMU_READ, &mapped), -EINVAL);
	cr_expect_eq(ops->map_pages(ops, 0, DATA_PA, SZ_4K | SZ_2M, 1, IOMMU_READ, &mapped),
		     -EINVAL);
	cr_expect_eq(mapped, 0);
	/* Rejected maps left no table behind. */
	cr_expect_eq(ta.nalloc, tables);
	/* No access requested: nothing to do, success. */
	cr_expect_eq(ops->map_pages(ops, 0, DATA_PA, SZ_4K, 1, IOMMU_CACHE, &mapped), 0);
	cr_expect_eq(mapped, 0);
	cr_expect_eq(ops->iova_to_phys(ops, 0), 0);
	cr_expect_eq(ta.nalloc, tables);

	cr_assert_eq(ops->map(ops, 0, DATA_PA, SZ_4K, IOMMU_READ), 0);
	cr_expect_eq(ops->unmap(ops, 0, SZ_16K, NULL), 0);
	cr_expect_eq(ops->unmap(ops, 0, SZ_4K | SZ_2M, NULL), 0);
	cr_expect_eq(ops->unmap(ops, 0, 0, NULL), 0);
	cr_expect_eq(ops->unmap_pages(ops, 0, SZ_4K, 0, NULL), 0);
	cr_expect_eq(ops->unmap(ops, 1UL << 48, SZ_4K, NULL), 0);
	cr_expect_eq(ops->unmap(ops, SZ_1G, SZ_4K, NULL), 0); /* never mapped */
	cr_expect_eq(ops->iova_to_phys(ops, 0), DATA_PA, "bad unmaps left the page alone");
	cr_expect_eq(fc.add, 0);
	free_io_pgtable_ops(ops);
}

Test(io_pgtable, table_allocation_failure)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);

	ta.fail_after = 0;
	cr_expect_eq(ops->map(ops, 0, DATA_PA, SZ_4K, IOMMU_READ), -ENOMEM);
	cr_expect_eq(ops->iova_to_phys(ops, 0), 0);
	ta.fail_after = -1;
	cr_assert_eq(ops->map(ops, 0, DATA_PA, SZ_2M, IOMMU_READ), 0);
	/* A split needs a table: without one, nothing is unmapped and the block stays. */
	ta.fail_after = 0;
	cr_expect_eq(ops->unmap(ops, SZ_4K, SZ_4K, NULL), 0);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_4K), DATA_PA + SZ_4K);
	ta.fail_after = -1;
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
}

/* ---- partial unmap of a block ---- */

Test(io_pgtable, partial_unmap_splits_2m_block)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);
	u64 ttbr = cfg.arm_lpae_s1_cfg.ttbr;
	unsigned long iova = 3 * SZ_2M;
	unsigned long hole = iova + 5 * SZ_4K;
	struct iommu_iotlb_gather gather = { 0 };
	u64 d[4], blk;

	cr_assert_eq(ops->map(ops, iova, DATA_PA, SZ_2M,
			      IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_NOEXEC),
		     0);
	walk4k(ttbr, iova, d);
	blk = d[2];
	int tables = ta.nalloc;

	cr_expect_eq(ops->unmap(ops, hole, SZ_4K, &gather), SZ_4K);
	/* One new level-3 table took the block's place. */
	cr_expect_eq(ta.nalloc, tables + 1);
	walk4k(ttbr, iova, d);
	cr_expect_eq(d[2] & 3, ARM_LPAE_PTE_TYPE_TABLE);
	cr_expect_eq(d[2] & ADDR_MASK, ta.rec[ta.nrec - 1].pa);
	/* The hole is gone, and only it; TLB told about exactly that page. */
	cr_expect_eq(ops->iova_to_phys(ops, hole), 0);
	cr_expect_eq(fc.add, 1);
	cr_expect_eq(fc.add_iova, hole);
	cr_expect_eq(fc.add_granule, SZ_4K);
	cr_expect_eq(fc.gather, &gather);
	cr_expect_eq(fc.cookie, &fc);
	cr_expect_eq(fc.walk, 0);
	for (unsigned i = 0; i < 512; i++) {
		unsigned long va = iova + i * SZ_4K;
		u64 pte;

		if (va == hole)
			continue;
		cr_assert_eq(ops->iova_to_phys(ops, va + 0x10), DATA_PA + i * SZ_4K + 0x10, "page %u",
			     i);
		/* Same attributes as the block, now as pages. */
		pte = rd((d[2] & ADDR_MASK) + i * 8);
		cr_assert_eq(pte & ~ADDR_MASK & ~3ULL, blk & ~ADDR_MASK & ~3ULL, "page %u attrs", i);
		cr_assert_eq(pte & 3, ARM_LPAE_PTE_TYPE_PAGE);
	}
	cr_expect_eq(rd((d[2] & ADDR_MASK) + 5 * 8), 0);

	/* Unmapping several pages of a block at once. */
	cr_assert_eq(ops->map(ops, 6 * SZ_2M, DATA_PA, SZ_2M, IOMMU_READ), 0);
	fc.add = 0;
	cr_expect_eq(ops->unmap_pages(ops, 6 * SZ_2M + 8 * SZ_4K, SZ_4K, 3, &gather), 3 * SZ_4K);
	cr_expect_eq(fc.add, 3);
	cr_expect_eq(ops->iova_to_phys(ops, 6 * SZ_2M + 10 * SZ_4K), 0);
	cr_expect_eq(ops->iova_to_phys(ops, 6 * SZ_2M + 11 * SZ_4K), DATA_PA + 11 * SZ_4K);
	cr_expect_eq(ops->iova_to_phys(ops, 6 * SZ_2M + 7 * SZ_4K), DATA_PA + 7 * SZ_4K);

	/* Unmapping the whole 2M now frees the split table: a walk flush. */
	int live = live_tables();
	cr_expect_eq(ops->unmap(ops, iova, SZ_2M, &gather), SZ_2M);
	cr_expect_eq(fc.walk, 1);
	cr_expect_eq(fc.walk_iova, iova);
	cr_expect_eq(fc.walk_size, SZ_2M);
	cr_expect_eq(fc.walk_granule, SZ_4K);
	cr_expect_eq(live_tables(), live - 1);
	cr_expect_eq(ops->iova_to_phys(ops, iova + SZ_4K), 0);
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
	cr_expect_eq(ta.bad_free, 0);
}

Test(io_pgtable, partial_unmap_splits_1g_block_twice)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);
	unsigned long iova = SZ_1G;
	unsigned long hole = iova + 3 * SZ_2M + SZ_4K;
	u64 d[4];

	cr_assert_eq(ops->map(ops, iova, VIRT_RAM_BASE, SZ_1G, IOMMU_READ), 0);
	int tables = ta.nalloc;
	cr_expect_eq(ops->unmap(ops, hole, SZ_4K, NULL), SZ_4K);
	/* 1G -> 512 x 2M blocks, then the one holding the hole -> 512 x 4K. */
	cr_expect_eq(ta.nalloc, tables + 2);
	walk4k(cfg.arm_lpae_s1_cfg.ttbr, hole, d);
	cr_expect_eq(d[1] & 3, ARM_LPAE_PTE_TYPE_TABLE);
	cr_expect_eq(d[2] & 3, ARM_LPAE_PTE_TYPE_TABLE);
	cr_expect_eq(d[3], 0);
	walk4k(cfg.arm_lpae_s1_cfg.ttbr, iova + 7 * SZ_2M, d);
	cr_expect_eq(d[2] & 3, ARM_LPAE_PTE_TYPE_BLOCK);
	cr_expect_eq(d[2] & ADDR_MASK, VIRT_RAM_BASE + 7 * SZ_2M);
	cr_expect_eq(ops->iova_to_phys(ops, hole), 0);
	cr_expect_eq(ops->iova_to_phys(ops, hole - 8), VIRT_RAM_BASE + 3 * SZ_2M + SZ_4K - 8);
	cr_expect_eq(ops->iova_to_phys(ops, hole + SZ_4K), VIRT_RAM_BASE + 3 * SZ_2M + 2 * SZ_4K);
	cr_expect_eq(ops->iova_to_phys(ops, iova + SZ_1G - 1), VIRT_RAM_BASE + SZ_1G - 1);
	cr_expect_eq(fc.add, 1);
	/* Unmap a whole 2M block of the split 1G. */
	cr_expect_eq(ops->unmap(ops, iova + 9 * SZ_2M, SZ_2M, NULL), SZ_2M);
	cr_expect_eq(ops->iova_to_phys(ops, iova + 9 * SZ_2M), 0);
	cr_expect_eq(fc.add, 2);
	cr_expect_eq(fc.add_granule, SZ_2M);
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
}

Test(io_pgtable, partial_unmap_64k_and_s2)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_64K | SZ_512M, 42, 40);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S2, &cfg);
	u64 pa = VIRT_RAM_BASE;

	cr_assert_eq(ops->map(ops, SZ_512M, pa, SZ_512M, IOMMU_READ | IOMMU_WRITE), 0);
	cr_expect_eq(ops->unmap(ops, SZ_512M + 100 * SZ_64K, SZ_64K, NULL), SZ_64K);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_512M + 100 * SZ_64K), 0);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_512M + 101 * SZ_64K + 3), pa + 101 * SZ_64K + 3);
	cr_expect_eq(ops->iova_to_phys(ops, SZ_512M + 99 * SZ_64K), pa + 99 * SZ_64K);
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
}

/* ---- descriptor bits, field by field ---- */

static u64 leaf4k(struct io_pgtable_ops *ops, struct io_pgtable_cfg *cfg, unsigned long iova,
		  int prot)
{
	u64 d[4];

	cr_assert_eq(ops->map(ops, iova, DATA_PA, SZ_4K, prot), 0);
	walk4k(cfg->arm_lpae_s1_cfg.ttbr, iova, d);
	return d[3];
}

Test(io_pgtable, s1_leaf_descriptor_fields)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);
	u64 pte;

	pte = leaf4k(ops, &cfg, 0x1000, IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE | IOMMU_NOEXEC);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(1, 0), pte), 3, "page descriptor");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(4, 2), pte), ARM_LPAE_MAIR_ATTR_IDX_CACHE, "AttrIndx");
	cr_expect_eq(FIELD_GET(BIT(5), pte), 0, "NS");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 1, "AP: EL0 too, read/write");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(9, 8), pte), 3, "SH inner shareable");
	cr_expect_eq(FIELD_GET(BIT(10), pte), 1, "AF");
	cr_expect_eq(FIELD_GET(BIT(11), pte), 1, "nG");
	cr_expect_eq(pte & ADDR_MASK, DATA_PA, "output address");
	cr_expect_eq(FIELD_GET(BIT(52), pte), 0, "contiguous");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(54, 53), pte), 3, "PXN|UXN");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(63, 55), pte), 0, "upper bits");

	pte = leaf4k(ops, &cfg, 0x2000, IOMMU_READ);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 3, "AP: read-only, EL0");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(4, 2), pte), ARM_LPAE_MAIR_ATTR_IDX_NC);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(9, 8), pte), 2, "SH outer for non-cacheable");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(54, 53), pte), 0, "executable");

	pte = leaf4k(ops, &cfg, 0x3000, IOMMU_READ | IOMMU_PRIV);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 2, "AP: read-only, privileged");

	pte = leaf4k(ops, &cfg, 0x4000, IOMMU_WRITE | IOMMU_PRIV);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 0, "AP: read/write, privileged");

	pte = leaf4k(ops, &cfg, 0x5000, IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO | IOMMU_CACHE);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(4, 2), pte), ARM_LPAE_MAIR_ATTR_IDX_DEV, "MMIO wins");
	free_io_pgtable_ops(ops);
}

Test(io_pgtable, s1_ns_quirk_and_noncoherent_tables)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops;
	u64 d[4];

	cfg.quirks = IO_PGTABLE_QUIRK_ARM_NS;
	cfg.coherent_walk = false;
	ops = mkops(ARM_64_LPAE_S1, &cfg);
	cr_assert_eq(ops->map(ops, 0x7000, DATA_PA, SZ_4K, IOMMU_READ), 0);
	walk4k(cfg.arm_lpae_s1_cfg.ttbr, 0x7000, d);
	for (int l = 0; l < 3; l++) {
		cr_expect_eq(d[l] & ARM_LPAE_PTE_NSTABLE, ARM_LPAE_PTE_NSTABLE, "NSTable l%d", l);
		/* Linux marks a table entry it has cleaned to memory for the walker. */
		cr_expect_eq(d[l] & ARM_LPAE_PTE_SW_SYNC, ARM_LPAE_PTE_SW_SYNC, "SW_SYNC l%d", l);
		cr_expect_eq(d[l] & 3, 3);
	}
	cr_expect_eq(d[3] & ARM_LPAE_PTE_NS, ARM_LPAE_PTE_NS);
	cr_expect_eq(d[3] & ARM_LPAE_PTE_SW_SYNC, 0);
	/* The walk still works through the marked entries. */
	cr_expect_eq(ops->iova_to_phys(ops, 0x7abc), DATA_PA + 0xabc);
	cr_expect_eq(ops->unmap(ops, 0x7000, SZ_4K, NULL), SZ_4K);
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
}

Test(io_pgtable, s2_leaf_descriptor_fields)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 40, 40);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S2, &cfg);
	u64 vttbr = cfg.arm_lpae_s2_cfg.vttbr;
	u64 l1, l2, pte;

	/* Start level 1, 10 index bits over 2 concatenated pages. */
	cr_assert_eq(ops->map(ops, 0x1000, DATA_PA, SZ_4K, IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE),
		     0);
	l1 = rd(slot(vttbr, 0x1000, 30, 10));
	l2 = rd(slot(l1 & ADDR_MASK, 0x1000, 21, 9));
	pte = rd(slot(l2 & ADDR_MASK, 0x1000, 12, 9));
	cr_expect_eq(FIELD_GET(GENMASK_ULL(1, 0), pte), 3);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(5, 2), pte), 0xf, "MemAttr: outer+inner WB");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 3, "S2AP read+write");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(9, 8), pte), 3, "SH inner");
	cr_expect_eq(FIELD_GET(BIT(10), pte), 1, "AF");
	cr_expect_eq(FIELD_GET(BIT(11), pte), 0, "no nG at stage 2");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(54, 53), pte), 0, "XN");
	cr_expect_eq(pte & ADDR_MASK, DATA_PA);

	cr_assert_eq(ops->map(ops, 0x2000, DATA_PA, SZ_4K, IOMMU_READ | IOMMU_NOEXEC), 0);
	pte = rd(slot(l2 & ADDR_MASK, 0x2000, 12, 9));
	cr_expect_eq(FIELD_GET(GENMASK_ULL(5, 2), pte), 0x5, "MemAttr: normal NC");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 1, "S2AP read");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(9, 8), pte), 2, "SH outer");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(54, 53), pte), 3, "XN");

	cr_assert_eq(ops->map(ops, 0x3000, DATA_PA, SZ_4K, IOMMU_WRITE | IOMMU_MMIO), 0);
	pte = rd(slot(l2 & ADDR_MASK, 0x3000, 12, 9));
	cr_expect_eq(FIELD_GET(GENMASK_ULL(5, 2), pte), 0x1, "MemAttr: device nGnRE");
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 2, "S2AP write");

	/* A 2M block at level 2 carries the same attributes with type 1. */
	cr_assert_eq(ops->map(ops, SZ_2M, DATA_PA - (DATA_PA % SZ_2M), SZ_2M,
			      IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE),
		     0);
	pte = rd(slot(l1 & ADDR_MASK, SZ_2M, 21, 9));
	cr_expect_eq(pte & 3, ARM_LPAE_PTE_TYPE_BLOCK);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(5, 2), pte), 0xf);
	cr_expect_eq(FIELD_GET(GENMASK_ULL(7, 6), pte), 3);
	free_io_pgtable_ops(ops);
}

Test(io_pgtable, s1_64k_52bit_output_address)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_64K | SZ_512M, 52, 52);
	struct io_pgtable_ops *ops;
	u64 pa = (1ULL << 50) | (3ULL << 48) | 0x123450000ULL;
	u64 l1, l2, pte;

	ops = mkops(ARM_64_LPAE_S1, &cfg);
	cr_assert_eq(ops->map(ops, 0x10000, pa, SZ_64K, IOMMU_READ), 0);
	/* 52-bit, 64K: three levels from level 1 with a 1024-entry pgd (ias 52). */
	l1 = rd(slot(cfg.arm_lpae_s1_cfg.ttbr, 0x10000, 42, 10));
	l2 = rd(slot(l1 & ADDR_MASK, 0x10000, 29, 13));
	pte = rd(slot(l2 & ADDR_MASK, 0x10000, 16, 13));
	/* PA[51:48] travel in descriptor bits [15:12]. */
	cr_expect_eq(FIELD_GET(GENMASK_ULL(15, 12), pte), pa >> 48);
	cr_expect_eq(pte & GENMASK_ULL(47, 16), pa & GENMASK_ULL(47, 16));
	cr_expect_eq(ops->iova_to_phys(ops, 0x10000 + 0x42), pa + 0x42);
	cr_expect_eq(ops->map(ops, 0x20000, 1ULL << 52, SZ_64K, IOMMU_READ), -ERANGE);
	free_io_pgtable_ops(ops);
}

/* ---- TLB callbacks ---- */

Test(io_pgtable, flush_callbacks_counted)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops = mkops(ARM_64_LPAE_S1, &cfg);
	struct iommu_iotlb_gather gather = { 0 };

	cr_assert_eq(ops->map_pages(ops, 0x10000, DATA_PA, SZ_4K, 4, IOMMU_READ, NULL), 0);
	cr_expect_eq(fc.add + fc.walk + fc.all, 0, "mapping flushes nothing");

	cr_expect_eq(ops->unmap_pages(ops, 0x10000, SZ_4K, 2, &gather), 2 * SZ_4K);
	cr_expect_eq(fc.add, 2, "one tlb_add_page per leaf");
	cr_expect_eq(fc.add_iova, 0x11000);
	cr_expect_eq(fc.add_granule, SZ_4K);
	cr_expect_eq(fc.gather, &gather);
	cr_expect_eq(fc.walk, 0);

	/* With a flush queue behind it, leaf unmaps leave the TLB to the queue. */
	gather.queued = true;
	cr_expect_eq(ops->unmap(ops, 0x12000, SZ_4K, &gather), SZ_4K);
	cr_expect_eq(fc.add, 2);

	/* Removing a whole table: a walk flush over its span, and it is freed. */
	int live = live_tables();
	cr_expect_eq(ops->unmap(ops, 0, SZ_2M, &gather), SZ_2M);
	cr_expect_eq(fc.walk, 1);
	cr_expect_eq(fc.walk_iova, 0);
	cr_expect_eq(fc.walk_size, SZ_2M);
	cr_expect_eq(fc.walk_granule, SZ_4K);
	cr_expect_eq(live_tables(), live - 1);
	cr_expect_eq(ops->iova_to_phys(ops, 0x13000), 0);

	/* Removing a level-1 entry takes the level-2 and level-3 tables under it. */
	cr_assert_eq(ops->map(ops, SZ_1G + SZ_4K, DATA_PA, SZ_4K, IOMMU_READ), 0);
	live = live_tables();
	cr_expect_eq(ops->unmap(ops, SZ_1G, SZ_1G, NULL), SZ_1G);
	cr_expect_eq(fc.walk, 2);
	cr_expect_eq(fc.walk_size, SZ_1G);
	cr_expect_eq(live_tables(), live - 2);

	cr_expect_eq(fc.all, 0);
	free_io_pgtable_ops(ops);
	cr_expect_eq(fc.all, 1, "free flushes the whole TLB");
	cr_expect_eq(fc.cookie, &fc);
	cr_expect_eq(live_tables(), 0);
}

Test(io_pgtable, no_flush_ops_is_fine)
{
	struct io_pgtable_cfg cfg = mkcfg(SZ_4K | SZ_2M | SZ_1G, 48, 48);
	struct io_pgtable_ops *ops;

	cfg.tlb = NULL;
	ops = mkops(ARM_64_LPAE_S1, &cfg);
	cr_assert_eq(ops->map(ops, 0, DATA_PA, SZ_2M, IOMMU_READ), 0);
	cr_expect_eq(ops->unmap(ops, SZ_4K, SZ_4K, NULL), SZ_4K);
	cr_expect_eq(ops->unmap(ops, 0, SZ_2M, NULL), SZ_2M);
	free_io_pgtable_ops(ops);
	cr_expect_eq(live_tables(), 0);
}

/* Linux's own selftest sequence (arm_lpae_run_tests), on every granule/ias/stage. */
Test(io_pgtable, linux_selftest_sequence)
{
	static const unsigned long pgsizes[] = { SZ_4K | SZ_2M | SZ_1G, SZ_16K | SZ_32M,
						 SZ_64K | SZ_512M };
	static const unsigned ias[] = { 32, 36, 40, 42, 44, 48 };
	static const enum io_pgtable_fmt fmts[] = { ARM_64_LPAE_S1, ARM_64_LPAE_S2 };

	for (size_t p = 0; p < ARRAY_SIZE(pgsizes); p++)
		for (size_t a = 0; a < ARRAY_SIZE(ias); a++)
			for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
				struct io_pgtable_cfg cfg = mkcfg(pgsizes[p], ias[a], 48);
				struct io_pgtable_ops *ops = mkops(fmts[f], &cfg);
				unsigned long iova = 0, bitmap = cfg.pgsize_bitmap;
				size_t size;

				cr_assert_eq(ops->iova_to_phys(ops, 42), 0);
				cr_assert_eq(ops->iova_to_phys(ops, SZ_1G + 42), 0);
				/* Distinct mappings of each size, 1G apart, identity-mapped. */
				for (unsigned b = 0; b < 64; b++) {
					if (!(bitmap & (1UL << b)))
						continue;
					size = 1UL << b;
					cr_assert_eq(ops->map(ops, iova, iova, size,
							      IOMMU_READ | IOMMU_WRITE |
								      IOMMU_NOEXEC | IOMMU_CACHE),
						     0, "p%zu a%zu f%zu size %#zx", p, a, f, size);
					cr_assert_neq(ops->map(ops, iova, iova + size, size,
							       IOMMU_READ | IOMMU_NOEXEC),
						      0);
					cr_assert_eq(ops->iova_to_phys(ops, iova + 42), iova + 42);
					iova += SZ_1G;
				}
				/* Partial unmap, and remap of it. */
				size = 1UL << __builtin_ctzl(bitmap);
				cr_assert_eq(ops->unmap(ops, SZ_1G + size, size, NULL), size);
				cr_assert_eq(ops->map(ops, SZ_1G + size, size, size, IOMMU_READ), 0);
				cr_assert_eq(ops->iova_to_phys(ops, SZ_1G + size + 42), size + 42);
				/* Full unmap, and remap. */
				iova = 0;
				for (unsigned b = 0; b < 64; b++) {
					if (!(bitmap & (1UL << b)))
						continue;
					size = 1UL << b;
					cr_assert_eq(ops->unmap(ops, iova, size, NULL), size);
					cr_assert_eq(ops->iova_to_phys(ops, iova + 42), 0);
					cr_assert_eq(ops->map(ops, iova, iova, size, IOMMU_WRITE), 0);
					cr_assert_eq(ops->iova_to_phys(ops, iova + 42), iova + 42);
					iova += SZ_1G;
				}
				free_io_pgtable_ops(ops);
				cr_assert_eq(live_tables(), 0);
			}
	cr_expect_eq(ta.bad_free, 0);
}
