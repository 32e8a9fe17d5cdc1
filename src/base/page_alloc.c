#include <stdlib.h>
#include <string.h>
#include "base/page_alloc.h"

static unsigned order_of(u64 size)
{
	u64 pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned order = 0;
	while ((1ULL << order) < pages)
		order++;
	return order;
}

void page_alloc_init(struct page_alloc *pa, u64 base, u64 size)
{
	memset(pa, 0, sizeof(*pa));
	pa->low = ALIGN_UP(base, PAGE_SIZE);
	pa->top = ALIGN_DOWN(base + size, PAGE_SIZE);
}

void page_alloc_destroy(struct page_alloc *pa)
{
	for (unsigned i = 0; i <= PAGE_ALLOC_MAX_ORDER; i++)
		free(pa->free[i]);
	memset(pa, 0, sizeof(*pa));
}

u64 page_alloc(struct page_alloc *pa, u64 size)
{
	if (!size)
		return 0;
	unsigned order = order_of(size);
	if (order > PAGE_ALLOC_MAX_ORDER)
		return 0;
	u64 bytes = PAGE_SIZE << order;
	if (pa->nfree[order]) {
		pa->allocated_bytes += bytes;
		return pa->free[order][--pa->nfree[order]];
	}
	u64 addr = ALIGN_DOWN(pa->top - bytes, bytes);
	if (pa->top < bytes || addr < pa->low)
		return 0;
	/* the gap left by alignment is given to the smaller free lists */
	for (u64 gap = addr + bytes; gap < pa->top;) {
		unsigned o = 0;
		while (o < order && IS_ALIGNED(gap, PAGE_SIZE << (o + 1)) &&
		       gap + (PAGE_SIZE << (o + 1)) <= pa->top)
			o++;
		page_free(pa, gap, PAGE_SIZE << o);
		pa->allocated_bytes += PAGE_SIZE << o;
		gap += PAGE_SIZE << o;
	}
	pa->top = addr;
	pa->allocated_bytes += bytes;
	return addr;
}

void page_free(struct page_alloc *pa, u64 addr, u64 size)
{
	unsigned order = order_of(size);
	if (!addr || order > PAGE_ALLOC_MAX_ORDER)
		return;
	if (pa->nfree[order] == pa->capfree[order]) {
		size_t cap = pa->capfree[order] ? pa->capfree[order] * 2 : 16;
		u64 *p = realloc(pa->free[order], cap * sizeof(*p));
		if (!p)
			return;	/* the block is leaked, never handed out twice */
		pa->free[order] = p;
		pa->capfree[order] = cap;
	}
	pa->free[order][pa->nfree[order]++] = addr;
	pa->allocated_bytes -= PAGE_SIZE << order;
}
