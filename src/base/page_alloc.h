/*
 * The kernel's allocator of guest physical memory (pages for page tables,
 * stream tables, queues, DMA buffers). Blocks are power-of-two pages,
 * naturally aligned, taken from the top of the highest free range that
 * holds them downwards and recycled per order, so a map/unmap loop reuses
 * the same pages. The free ranges are what memblock left after the boot
 * (memblock_free_all), so nothing the early boot reserved (the CMA area,
 * the swiotlb pool, the memmap) is ever handed out.
 */
#ifndef IOMMUSIM_BASE_PAGE_ALLOC_H
#define IOMMUSIM_BASE_PAGE_ALLOC_H

#include "base/bits.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define PAGE_ALLOC_MAX_ORDER 20

struct page_alloc_range {
	u64 low, top;			/* [low, top) still never handed out */
};

struct page_alloc {
	struct page_alloc_range *ranges;	/* sorted by address, never overlapping */
	size_t nranges, capranges;
	u64 *free[PAGE_ALLOC_MAX_ORDER + 1];
	size_t nfree[PAGE_ALLOC_MAX_ORDER + 1], capfree[PAGE_ALLOC_MAX_ORDER + 1];
	u64 allocated_bytes;
};

/* One free range, [base, base + size) trimmed to whole pages (none when size is 0). */
void page_alloc_init(struct page_alloc *pa, u64 base, u64 size);
/* Another free range, outside the others: 0, -EINVAL (overlap), -ENOMEM. */
int page_alloc_add_range(struct page_alloc *pa, u64 base, u64 size);
void page_alloc_destroy(struct page_alloc *pa);
/* A block of at least size bytes aligned to its own size; 0 when out of memory. */
u64 page_alloc(struct page_alloc *pa, u64 size);
void page_free(struct page_alloc *pa, u64 addr, u64 size);

#endif
