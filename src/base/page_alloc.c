#include <errno.h>
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
	page_alloc_add_range(pa, base, size);
}

int page_alloc_add_range(struct page_alloc *pa, u64 base, u64 size)
{
	u64 low = ALIGN_UP(base, PAGE_SIZE), top = ALIGN_DOWN(base + size, PAGE_SIZE);
	if (!size || base + size < base || top <= low)
		return 0;
	size_t i = 0;
	while (i < pa->nranges && pa->ranges[i].top <= low)
		i++;
	if (i < pa->nranges && pa->ranges[i].low < top)
		return -EINVAL;
	if (pa->nranges == pa->capranges) {
		size_t cap = pa->capranges ? pa->capranges * 2 : 8;
		struct page_alloc_range *r = realloc(pa->ranges, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		pa->ranges = r;
		pa->capranges = cap;
	}
	memmove(&pa->ranges[i + 1], &pa->ranges[i], (pa->nranges - i) * sizeof(*pa->ranges));
	pa->ranges[i] = (struct page_alloc_range){ low, top };
	pa->nranges++;
	return 0;
}

void page_alloc_destroy(struct page_alloc *pa)
{
	for (unsigned i = 0; i <= PAGE_ALLOC_MAX_ORDER; i++)
		free(pa->free[i]);
	free(pa->ranges);
	memset(pa, 0, sizeof(*pa));
}

/* A block cut from the top of one range; the gap its alignment leaves goes to the smaller free lists. */
static u64 carve(struct page_alloc *pa, struct page_alloc_range *r, unsigned order)
{
	u64 bytes = PAGE_SIZE << order;
	if (r->top < bytes)
		return 0;
	u64 addr = ALIGN_DOWN(r->top - bytes, bytes);
	if (addr < r->low)
		return 0;
	for (u64 gap = addr + bytes; gap < r->top;) {
		unsigned o = 0;
		while (o < order && IS_ALIGNED(gap, PAGE_SIZE << (o + 1)) &&
		       gap + (PAGE_SIZE << (o + 1)) <= r->top)
			o++;
		page_free(pa, gap, PAGE_SIZE << o);
		pa->allocated_bytes += PAGE_SIZE << o;
		gap += PAGE_SIZE << o;
	}
	r->top = addr;
	return addr;
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
	for (size_t i = pa->nranges; i-- > 0;) {
		u64 addr = carve(pa, &pa->ranges[i], order);
		if (addr) {
			pa->allocated_bytes += bytes;
			return addr;
		}
	}
	return 0;
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
