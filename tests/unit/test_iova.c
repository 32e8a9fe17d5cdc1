/* IOVA allocator: Linux 6.1 drivers/iommu/iova.c behaviour. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "dma/iova.h"

/* Small deterministic generator (portable, unlike rand_r). */
static int next_rand(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (int)((*seed >> 16) & 0x7fff);
}

#define PFN_32 0xFFFFFUL        /* DMA_BIT_MASK(32) >> 12 */
#define PFN_48 0xFFFFFFFFFUL    /* DMA_BIT_MASK(48) >> 12 */

static struct iova_domain d;

static void setup(void)
{
	cr_assert_eq(init_iova_domain(&d, SZ_4K, 1), 0);
}

static void teardown(void)
{
	put_iova_domain(&d);
}

/* Tree in order, ranges disjoint, count consistent, anchor last. */
static void check_tree(const struct iova_domain *iovad)
{
	unsigned long n = 0, prev_hi = 0;
	struct iova *it;
	bool first = true;

	for (it = iova_first(iovad); it; it = iova_next(it)) {
		cr_assert_leq(it->pfn_lo, it->pfn_hi);
		if (!first)
			cr_assert_gt(it->pfn_lo, prev_hi, "overlap at %lx", it->pfn_lo);
		prev_hi = it->pfn_hi;
		first = false;
		n++;
	}
	cr_assert_eq(n, iovad->nr_ranges + 1);
	cr_assert_eq(prev_hi, IOVA_ANCHOR);
	/* O(log n) depth: an AVL tree is at most ~1.44 log2(n) high. */
	{
		int lg = 0;

		while ((2UL << lg) <= n + 1)
			lg++;
		cr_assert_leq(iovad->root->height, (3 * (lg + 1)) / 2 + 1, "height %d for %lu nodes",
			      iovad->root->height, n);
	}
}

TestSuite(iova, .init = setup, .fini = teardown);

Test(iova, init_values)
{
	cr_assert_eq(d.dma_32bit_pfn, 0x100000UL);
	cr_assert_eq(d.max32_alloc_size, 0x100000UL);
	cr_assert_eq(iova_shift(&d), 12);
	cr_assert_eq(iova_rcache_range(), 128 * 1024UL);
	cr_assert_eq(d.nr_ranges, 0);
}

Test(iova, bad_granule)
{
	struct iova_domain x;

	cr_assert_eq(init_iova_domain(&x, 0, 1), -EINVAL);
	cr_assert_eq(init_iova_domain(&x, 3000, 1), -EINVAL);
	cr_assert_eq(init_iova_domain(&x, SZ_64K, 1), -EINVAL); /* above the 4K CPU page */
	cr_assert_eq(init_iova_domain(NULL, SZ_4K, 1), -EINVAL);
	cr_assert_eq(init_iova_domain(&x, 512, 1), 0);
	cr_assert_eq(x.dma_32bit_pfn, 1UL << 23);
	put_iova_domain(&x);
}

Test(iova, top_down_from_limit)
{
	struct iova *a = alloc_iova(&d, 1, PFN_32, true);
	struct iova *b = alloc_iova(&d, 4, PFN_32, true);
	struct iova *c = alloc_iova(&d, 3, PFN_32, true);
	struct iova *e = alloc_iova(&d, 3, PFN_32, false);

	cr_assert(a && b && c && e);
	cr_assert_eq(a->pfn_lo, 0xFFFFF);
	cr_assert_eq(b->pfn_lo, 0xFFFF8);
	cr_assert_eq(b->pfn_hi, 0xFFFFB);
	/* size 3 aligned to roundup_pow_of_two(3) = 4 */
	cr_assert_eq(c->pfn_lo, 0xFFFF4);
	cr_assert_eq(c->pfn_hi, 0xFFFF6);
	/* unaligned packs right below */
	cr_assert_eq(e->pfn_lo, 0xFFFF1);
	cr_assert_eq(iova_size(e), 3);
	cr_assert_eq(iova_dma_addr(&d, a), 0xFFFFF000ULL);
	cr_assert_eq(d.stats.allocs, 4);
	check_tree(&d);
}

Test(iova, size_alignment)
{
	static const unsigned long sizes[] = { 1, 2, 3, 5, 7, 8, 9, 16, 17, 31, 33, 100, 257, 1000 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct iova *v = alloc_iova(&d, sizes[i], PFN_32, true);
		unsigned long align = 1;

		while (align < sizes[i])
			align <<= 1;
		cr_assert(v);
		cr_assert_eq(v->pfn_lo % align, 0, "size %lu at %lx", sizes[i], v->pfn_lo);
		cr_assert_eq(iova_size(v), sizes[i]);
	}
	check_tree(&d);
}

Test(iova, limits_respected_and_32bit_then_64bit)
{
	struct iova *hi = alloc_iova(&d, 1, PFN_48, true);
	struct iova *lo = alloc_iova(&d, 1, PFN_32, true);
	struct iova *hi2 = alloc_iova(&d, 2, PFN_48, true);
	int i;

	cr_assert(hi && lo && hi2);
	cr_assert_eq(hi->pfn_lo, PFN_48);
	cr_assert_eq(lo->pfn_lo, PFN_32); /* the 64-bit range does not push 32-bit ones down */
	cr_assert_eq(hi2->pfn_lo, PFN_48 - 2 - 1);
	for (i = 0; i < 200; i++) {
		unsigned long limit = 0x1000UL + (unsigned long)i * 0x777;
		struct iova *v = alloc_iova(&d, (unsigned long)(i % 7) + 1, limit, i & 1);

		cr_assert(v);
		cr_assert_leq(v->pfn_hi, limit);
		cr_assert_geq(v->pfn_lo, d.start_pfn);
	}
	check_tree(&d);
}

Test(iova, reserved_msi_window_never_returned)
{
	/* MSI_IOVA_BASE 0x8000000, MSI_IOVA_LENGTH 0x100000 */
	struct iova *r = reserve_iova(&d, 0x8000, 0x80FF);
	struct iova *v;
	unsigned long n = 0;

	cr_assert(r);
	cr_assert_eq(d.stats.reserves, 1);
	v = alloc_iova(&d, 0x1000, 0x8FFF, true);
	cr_assert(v);
	cr_assert_eq(v->pfn_lo, 0x7000); /* 0x8000 would hit the window */
	while ((v = alloc_iova(&d, 0x10, 0x80FF + 0x100, false))) {
		cr_assert(v->pfn_hi < 0x8000 || v->pfn_lo > 0x80FF, "%lx-%lx", v->pfn_lo, v->pfn_hi);
		n++;
	}
	cr_assert_gt(n, 0);
	check_tree(&d);
	cr_assert_eq(find_iova(&d, 0x8050), r);
}

Test(iova, reserve_merges_like_linux)
{
	struct iova *a = reserve_iova(&d, 10, 20);
	struct iova *b = reserve_iova(&d, 15, 30);
	struct iova *c;

	cr_assert(a && b && a != b);
	cr_assert_eq(a->pfn_lo, 10);
	cr_assert_eq(a->pfn_hi, 20);
	cr_assert_eq(b->pfn_lo, 21); /* only the uncovered tail gets a node */
	cr_assert_eq(b->pfn_hi, 30);
	c = reserve_iova(&d, 5, 12);
	cr_assert_eq(c, a); /* grown downwards in place */
	cr_assert_eq(a->pfn_lo, 5);
	cr_assert_eq(d.nr_ranges, 2);
	check_tree(&d);
	cr_assert_null(reserve_iova(&d, 40, 39));
	cr_assert_null(reserve_iova(&d, 1, 1UL << 60)); /* address would not fit 64 bits */
}

Test(iova, exhaustion_returns_null_and_zero)
{
	struct iova_domain x;
	unsigned long pfn;
	int n = 0;

	cr_assert_eq(init_iova_domain(&x, SZ_4K, 1), 0);
	while (alloc_iova(&x, 1, 0xF, false))
		n++;
	cr_assert_eq(n, 15); /* pfns 1..15 */
	cr_assert_eq(x.stats.alloc_failures, 1);
	cr_assert_eq(x.max32_alloc_size, 1);
	cr_assert_eq(iova_domain_init_rcaches(&x), 0);
	pfn = alloc_iova_fast(&x, 1, 0xF, true);
	cr_assert_eq(pfn, 0);
	check_tree(&x);
	put_iova_domain(&x);
}

Test(iova, free_then_realloc_reuses)
{
	struct iova *a = alloc_iova(&d, 1, PFN_32, true);
	struct iova *b = alloc_iova(&d, 1, PFN_32, true);
	struct iova *c;

	cr_assert_eq(a->pfn_lo, 0xFFFFF);
	cr_assert_eq(b->pfn_lo, 0xFFFFE);
	cr_assert_eq(free_iova(&d, 0xFFFFF), 0);
	cr_assert_null(find_iova(&d, 0xFFFFF));
	c = alloc_iova(&d, 1, PFN_32, true);
	cr_assert_eq(c->pfn_lo, 0xFFFFF);
	__free_iova(&d, b);
	c = alloc_iova(&d, 1, PFN_32, true);
	cr_assert_eq(c->pfn_lo, 0xFFFFE);
	cr_assert_eq(d.stats.frees, 2);
	check_tree(&d);
}

Test(iova, find_iova_inside_range)
{
	struct iova *v = alloc_iova(&d, 16, PFN_32, true);

	cr_assert_eq(find_iova(&d, v->pfn_lo + 7), v);
	cr_assert_null(find_iova(&d, v->pfn_lo - 1));
	cr_assert_eq(free_iova(&d, v->pfn_lo + 3), 0); /* any pfn of the range frees it */
	cr_assert_eq(d.nr_ranges, 0);
}

Test(iova, bad_arguments)
{
	cr_assert_null(alloc_iova(&d, 0, PFN_32, true));
	cr_assert_null(alloc_iova(NULL, 1, PFN_32, true));
	cr_assert_eq(free_iova(&d, 0x1234), -ENOENT);
	cr_assert_eq(free_iova(&d, IOVA_ANCHOR), -ENOENT); /* the anchor is not freeable */
	__free_iova(&d, &d.anchor);
	cr_assert_eq(d.stats.frees, 0);
	cr_assert_eq(alloc_iova_fast(&d, 0, PFN_32, true), 0);
	cr_assert_eq(free_iova_fast(&d, 0x1234, 1), -EINVAL);
	cr_assert_eq(iova_set_cpu(&d, 0), -EINVAL); /* no rcaches yet */
	cr_assert_eq(iova_domain_init_rcaches_cpus(&d, 0), -EINVAL);
	cr_assert_eq(iova_domain_init_rcaches(&d), 0);
	cr_assert_eq(iova_domain_init_rcaches(&d), -EEXIST);
	cr_assert_eq(iova_set_cpu(&d, 2), -EINVAL);
	cr_assert_eq(iova_set_cpu(&d, 1), 0);
	check_tree(&d);
}

/*
 * max32_alloc_size: after a failed 32-bit request, any 32-bit request at
 * least as large fails without a walk, even where room exists, until a
 * range below 4 GiB is freed.
 */
Test(iova, max32_fast_fail)
{
	struct iova *blk, *v;

	/* Fill [1, 0xFFF]: a 4-page request under 0x1000 then fails... */
	blk = alloc_iova(&d, 0xFFF, 0xFFF, false);
	cr_assert(blk);
	cr_assert_eq(blk->pfn_lo, 1);
	cr_assert_null(alloc_iova(&d, 4, 0xFFF, true));
	cr_assert_eq(d.max32_alloc_size, 4);
	/* ...and now a 4-page request with the whole 32-bit space fails too. */
	cr_assert_null(alloc_iova(&d, 4, PFN_32, true));
	cr_assert_eq(d.stats.alloc_failures, 2);
	/* Smaller sizes still walk and succeed. */
	v = alloc_iova(&d, 3, PFN_32, false);
	cr_assert(v);
	cr_assert_eq(v->pfn_lo, 0xFFFFD);
	/* 64-bit limits are not subject to it. */
	cr_assert(alloc_iova(&d, 4, PFN_48, true));
	/* Freeing below 4 GiB resets it. */
	__free_iova(&d, v);
	cr_assert_eq(d.max32_alloc_size, d.dma_32bit_pfn);
	v = alloc_iova(&d, 4, PFN_32, true);
	cr_assert(v);
	cr_assert_eq(v->pfn_lo, 0xFFFFC);
}

Test(iova, rcache_hit_and_miss)
{
	unsigned long p, q;
	struct iova_rcache_info info;

	cr_assert_eq(iova_domain_init_rcaches(&d), 0);
	p = alloc_iova_fast(&d, 1, PFN_32, true);
	cr_assert_eq(p, 0xFFFFF);
	cr_assert_eq(d.stats.rcache_misses, 1);
	cr_assert_eq(free_iova_fast(&d, p, 1), 0);
	cr_assert_eq(d.nr_ranges, 1); /* cached ranges stay in the tree */
	cr_assert_eq(iova_rcache_get_info(&d, 0, 0, &info), 0);
	cr_assert_eq(info.loaded, 1);
	q = alloc_iova_fast(&d, 1, PFN_32, true);
	cr_assert_eq(q, p);
	cr_assert_eq(d.stats.rcache_hits, 1);
	cr_assert_eq(d.stats.allocs, 1);
	iova_rcache_get_info(&d, 0, 0, &info);
	cr_assert_eq(info.loaded, 0);
}

Test(iova, rcache_rounds_small_sizes)
{
	unsigned long p;
	struct iova *v;
	struct iova_rcache_info info;

	cr_assert_eq(iova_domain_init_rcaches(&d), 0);
	p = alloc_iova_fast(&d, 3, PFN_32, false);
	v = find_iova(&d, p);
	cr_assert_eq(iova_size(v), 4);
	cr_assert_eq(p % 4, 0);
	/* 31 -> 32 (order 5, cached); 33 stays 33 (order 6, never cached) */
	p = alloc_iova_fast(&d, 31, PFN_32, false);
	cr_assert_eq(iova_size(find_iova(&d, p)), 32);
	cr_assert_eq(free_iova_fast(&d, p, 31), 0);
	iova_rcache_get_info(&d, 5, 0, &info);
	cr_assert_eq(info.loaded, 1);
	p = alloc_iova_fast(&d, 33, PFN_32, false);
	v = find_iova(&d, p);
	cr_assert_eq(iova_size(v), 33);
	cr_assert_eq(p % 64, 0);
	cr_assert_eq(free_iova_fast(&d, p, 33), 0);
	cr_assert_null(find_iova(&d, p)); /* went straight back to the tree */
	cr_assert_eq(d.stats.rcache_inserts, 1);
}

Test(iova, rcache_respects_limit)
{
	unsigned long p, q;

	cr_assert_eq(iova_domain_init_rcaches(&d), 0);
	p = alloc_iova_fast(&d, 1, PFN_48, false);
	cr_assert_eq(p, PFN_48);
	free_iova_fast(&d, p, 1);
	q = alloc_iova_fast(&d, 1, PFN_32, false);
	cr_assert_eq(q, PFN_32); /* the cached 48-bit pfn is above this limit */
	cr_assert_eq(d.stats.rcache_misses, 2);
	cr_assert_eq(d.stats.rcache_hits, 0);
}

Test(iova, rcache_is_per_cpu)
{
	unsigned long p, q;

	cr_assert_eq(iova_domain_init_rcaches(&d), 0);
	p = alloc_iova_fast(&d, 1, PFN_32, false);
	free_iova_fast(&d, p, 1);
	cr_assert_eq(iova_set_cpu(&d, 1), 0);
	q = alloc_iova_fast(&d, 1, PFN_32, false);
	cr_assert_neq(q, p);
	cr_assert_eq(d.stats.rcache_misses, 2);
	cr_assert_eq(iova_set_cpu(&d, 0), 0);
	cr_assert_eq(alloc_iova_fast(&d, 1, PFN_32, false), p);
}

Test(iova, magazines_and_depot)
{
	enum { N = 2 * IOVA_MAG_SIZE + 1 };
	unsigned long pfns[N], p;
	struct iova_rcache_info info;
	int i;

	cr_assert_eq(iova_domain_init_rcaches(&d), 0);
	for (i = 0; i < N; i++)
		pfns[i] = alloc_iova_fast(&d, 1, PFN_48, false);
	for (i = 0; i < N; i++)
		cr_assert_eq(free_iova_fast(&d, pfns[i], 1), 0);
	/* 127 fill loaded, 127 more after the swap fill the other, the 255th spills to the depot */
	iova_rcache_get_info(&d, 0, 0, &info);
	cr_assert_eq(info.loaded, 1);
	cr_assert_eq(info.prev, IOVA_MAG_SIZE);
	cr_assert_eq(info.depot, 1);
	/* LIFO: the last freed comes back first */
	p = alloc_iova_fast(&d, 1, PFN_48, false);
	cr_assert_eq(p, pfns[N - 1]);
	/* next from the swapped-in prev magazine (the first 127 frees), newest first */
	p = alloc_iova_fast(&d, 1, PFN_48, false);
	cr_assert_eq(p, pfns[IOVA_MAG_SIZE - 1]);
	iova_rcache_get_info(&d, 0, 0, &info);
	cr_assert_eq(info.loaded, IOVA_MAG_SIZE - 1);
	cr_assert_eq(info.prev, 0);
	for (i = 0; i < IOVA_MAG_SIZE - 1; i++)
		alloc_iova_fast(&d, 1, PFN_48, false);
	/* both empty: the depot magazine (frees 128..254) is loaded */
	p = alloc_iova_fast(&d, 1, PFN_48, false);
	cr_assert_eq(p, pfns[2 * IOVA_MAG_SIZE - 1]);
	iova_rcache_get_info(&d, 0, 0, &info);
	cr_assert_eq(info.depot, 0);
	cr_assert_eq(info.loaded, IOVA_MAG_SIZE - 1);
	cr_assert_eq(d.stats.rcache_hits, IOVA_MAG_SIZE + 2);
	check_tree(&d);
}

Test(iova, depot_full_returns_magazine_to_tree)
{
	/* 2 per-CPU magazines + 32 in the depot + one more overflow event */
	enum { N = 2 * IOVA_MAG_SIZE + 1 + IOVA_MAG_SIZE * MAX_GLOBAL_MAGS };
	unsigned long *pfns = calloc(N, sizeof(*pfns));
	struct iova_rcache_info info;
	int i;

	cr_assert_eq(iova_domain_init_rcaches(&d), 0);
	for (i = 0; i < N; i++)
		pfns[i] = alloc_iova(&d, 1, PFN_48, true)->pfn_lo;
	for (i = 0; i < N; i++)
		free_iova_fast(&d, pfns[i], 1);
	iova_rcache_get_info(&d, 0, 0, &info);
	cr_assert_eq(info.depot, MAX_GLOBAL_MAGS);
	cr_assert_eq(info.loaded, 1);
	cr_assert_eq(info.prev, IOVA_MAG_SIZE);
	cr_assert_eq(d.stats.frees, IOVA_MAG_SIZE);
	cr_assert_eq(d.nr_ranges, (unsigned long)N - IOVA_MAG_SIZE);
	check_tree(&d);
	free(pfns);
}

Test(iova, flush_rcache_on_exhaustion)
{
	struct iova_domain x;
	unsigned long pfns[15];
	int i;

	cr_assert_eq(init_iova_domain(&x, SZ_4K, 1), 0);
	cr_assert_eq(iova_domain_init_rcaches(&x), 0);
	for (i = 0; i < 15; i++) {
		pfns[i] = alloc_iova_fast(&x, 1, 0xF, false);
		cr_assert_eq(pfns[i], 15UL - (unsigned long)i);
	}
	for (i = 0; i < 15; i++)
		free_iova_fast(&x, pfns[i], 1);
	/* the order-1 cache is empty and the tree is full of cached order-0 ranges */
	cr_assert_eq(alloc_iova_fast(&x, 2, 0xF, false), 0);
	cr_assert_eq(x.stats.rcache_flushes, 0);
	cr_assert_eq(alloc_iova_fast(&x, 2, 0xF, true), 0xE);
	cr_assert_eq(x.stats.rcache_flushes, 1);
	cr_assert_eq(x.nr_ranges, 1);
	check_tree(&x);
	put_iova_domain(&x);
}

Test(iova, random_stress_invariants)
{
	enum { SLOTS = 512 };
	struct iova *live[SLOTS] = { 0 };
	unsigned int seed = 12345;
	int i;

	for (i = 0; i < 20000; i++) {
		int k = next_rand(&seed) % SLOTS;

		if (live[k]) {
			__free_iova(&d, live[k]);
			live[k] = NULL;
		} else {
			unsigned long size = (unsigned long)(next_rand(&seed) % 40) + 1;
			unsigned long limit = (next_rand(&seed) & 1) ? PFN_32 : 0x3FFF;

			live[k] = alloc_iova(&d, size, limit, true);
			if (live[k]) {
				cr_assert_leq(live[k]->pfn_hi, limit);
				cr_assert_eq(find_iova(&d, live[k]->pfn_lo), live[k]);
			}
		}
	}
	check_tree(&d);
}
