/*
 * The atomic DMA pools (Linux kernel/dma/pool.c, dma_atomic_pool_init(), a
 * postcore_initcall): 128 KiB per GiB of managed memory, at least 128 KiB,
 * at most a MAX_ORDER block, allocated as one power-of-two block per pool,
 * and "DMA: preallocated N KiB GFP pool for atomic allocations" per pool.
 *
 * Which pools exist is the kernel's (dma_version.h): 6.1 always makes the
 * GFP_KERNEL and (with ZONE_DMA32 configured) the GFP_DMA32 pool; 7.3 makes
 * a pool only for a zone with managed pages. On virt, RAM starts at 1 GiB
 * and ZONE_DMA reaches 4 GiB: ZONE_DMA32 is empty and ZONE_NORMAL is what
 * lies past 4 GiB and was not reserved at boot.
 */
#include <errno.h>
#include <stdlib.h>
#include "base/memblock.h"
#include "dma/dma_internal.h"
#include "dma/dma_version.h"
#include "kversion/linux_version.h"

#define POOL_PAGE_SIZE 4096ULL
#define SZ_128K_BYTES (128ULL << 10)
#define SZ_1G_BYTES (1ULL << 30)
/* MAX_ORDER_NR_PAGES, and the largest block (order 10) both kernels allocate */
#define POOL_MAX_ORDER 10u

enum pool_zone { POOL_ZONE_DMA, POOL_ZONE_DMA32, POOL_ZONE_NORMAL, NR_POOL_ZONES };

static u64 overlap(u64 a, u64 b, u64 lo, u64 hi)
{
	u64 s = MAX(a, lo), e = MIN(b, hi);
	return e > s ? e - s : 0;
}

/*
 * The pages each zone manages once memblock hands its free memory to the
 * buddy allocator (memblock_free_all) and the CMA area's pages join them
 * (cma_init_reserved_areas, a core_initcall).
 */
static int managed_pages(const struct memblock *mb, const struct dma_core *core, u64 dma32_end,
			 u64 managed[NR_POOL_ZONES])
{
	const u64 bounds[NR_POOL_ZONES + 1] = { 0, core->dma_phys_limit, MAX(dma32_end, core->dma_phys_limit), ~0ULL };
	size_t n = memblock_free_ranges(mb, NULL, 0);
	struct memblock_region *r = n ? calloc(n, sizeof(*r)) : NULL;
	if (n && !r)
		return -ENOMEM;
	memblock_free_ranges(mb, r, n);
	for (int z = 0; z < NR_POOL_ZONES; z++) {
		u64 bytes = overlap(core->cma_base, core->cma_base + core->cma_size, bounds[z], bounds[z + 1]);
		for (size_t i = 0; i < n; i++)
			bytes += overlap(r[i].base, r[i].base + r[i].size, bounds[z], bounds[z + 1]);
		managed[z] = bytes / POOL_PAGE_SIZE;
	}
	free(r);
	return 0;
}

/* get_order(): the smallest power-of-two number of pages that holds size */
static unsigned get_order(u64 size)
{
	unsigned order = 0;
	while ((POOL_PAGE_SIZE << order) < size)
		order++;
	return order;
}

int dma_atomic_pool_init(struct kernel *k, const struct memblock *mb, u64 dma32_end)
{
	struct dma_core *core = dma_core_get(k);
	const struct linux_version *lv = kernel_version(k);
	const struct dma_version *dv = lv ? lv->dma : NULL;
	u64 managed[NR_POOL_ZONES];
	if (!core || !mb)
		return -EINVAL;
	int ret = managed_pages(mb, core, dma32_end, managed);
	if (ret)
		return ret;
	/* 128 KiB per GiB of totalram_pages(), in [128 KiB, MAX_ORDER_NR_PAGES pages] */
	u64 totalram = managed[POOL_ZONE_DMA] + managed[POOL_ZONE_DMA32] + managed[POOL_ZONE_NORMAL];
	u64 pages = MIN(totalram / (SZ_1G_BYTES / SZ_128K_BYTES), 1ULL << POOL_MAX_ORDER);
	u64 size = MAX(pages * POOL_PAGE_SIZE, SZ_128K_BYTES);
	/* atomic_pool_expand(): one block of get_order(size), what gen_pool_size() then reports */
	u64 pool = POOL_PAGE_SIZE << MIN(get_order(size), POOL_MAX_ORDER);
	bool by_zone = dv && dv->atomic_pools_by_managed_zone;
	static const char *const gfp[NR_POOL_ZONES] = {
		[POOL_ZONE_DMA] = "GFP_KERNEL|GFP_DMA", [POOL_ZONE_DMA32] = "GFP_KERNEL|GFP_DMA32",
		[POOL_ZONE_NORMAL] = "GFP_KERNEL",
	};
	/* in dma_atomic_pool_init()'s order: the kernel's pool, then GFP_DMA's, then GFP_DMA32's */
	static const enum pool_zone order[NR_POOL_ZONES] = { POOL_ZONE_NORMAL, POOL_ZONE_DMA, POOL_ZONE_DMA32 };
	for (int i = 0; i < NR_POOL_ZONES; i++) {
		enum pool_zone z = order[i];
		/* 6.1: the GFP_KERNEL pool always, GFP_DMA's with managed DMA pages, GFP_DMA32's always */
		bool make = (by_zone || z == POOL_ZONE_DMA) ? managed[z] != 0 : true;
		if (make)
			kprintf(k, "DMA: preallocated %llu KiB %s pool for atomic allocations",
				(unsigned long long)(pool >> 10), gfp[z]);
	}
	return 0;
}
