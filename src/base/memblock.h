/*
 * memblock, the boot-time allocator of guest physical memory (Linux 6.1
 * mm/memblock.c): the RAM the firmware describes, the ranges reserved in it,
 * and allocations that take the highest free range that fits (top-down,
 * the default) or the lowest (bottom-up, which CMA asks for above 4 GiB).
 * The early boot's allocations run through it so the CMA area and the
 * swiotlb pool land where Linux puts them; afterwards its free ranges are
 * what the page allocator may hand out (memblock_free_all).
 */
#ifndef IOMMUSIM_BASE_MEMBLOCK_H
#define IOMMUSIM_BASE_MEMBLOCK_H

#include "base/bits.h"

/* memblock_alloc_try_nid()'s max_addr: memblock.current_limit */
#define MEMBLOCK_ALLOC_ACCESSIBLE 0ULL
#define MEMBLOCK_ALLOC_ANYWHERE (~0ULL)

struct memblock_region {
	u64 base, size;
};

struct memblock_type {
	struct memblock_region *regions;	/* sorted by base, never overlapping or touching */
	size_t cnt, cap;
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
	bool bottom_up;			/* memblock_set_bottom_up() */
	u64 current_limit;		/* MEMBLOCK_ALLOC_ANYWHERE unless set */
	bool nomem;			/* a region array could not grow: every later call fails */
};

void memblock_init(struct memblock *mb);
void memblock_destroy(struct memblock *mb);

/* memblock_add(), memblock_reserve(), memblock_phys_free(): 0, -EINVAL (size
 * 0 or the range wraps), or -ENOMEM (the region array could not grow). */
int memblock_add(struct memblock *mb, u64 base, u64 size);
int memblock_reserve(struct memblock *mb, u64 base, u64 size);
int memblock_phys_free(struct memblock *mb, u64 base, u64 size);

u64 memblock_start_of_DRAM(const struct memblock *mb);
u64 memblock_end_of_DRAM(const struct memblock *mb);
/* memblock_is_region_reserved(): does [base, base + size) touch a reservation? */
bool memblock_is_region_reserved(const struct memblock *mb, u64 base, u64 size);

/* The free ranges (memory not reserved), lowest first: how many; the first max go to out. */
size_t memblock_free_ranges(const struct memblock *mb, struct memblock_region *out, size_t max);

/*
 * memblock_alloc_range_nid(): find size bytes aligned to align (a power of
 * two; 0 counts as SMP_CACHE_BYTES) in the free memory of [start, end),
 * as memblock_find_in_range_node() does (the first page is never handed
 * out; end MEMBLOCK_ALLOC_ACCESSIBLE means current_limit), and reserve it.
 * Returns its address, or 0 when nothing fits.
 */
u64 memblock_alloc_range_nid(struct memblock *mb, u64 size, u64 align, u64 start, u64 end);
/* memblock_alloc_try_nid(): max_addr capped at current_limit, and a second
 * try without min_addr when nothing fits above it. 0 when nothing fits. */
u64 memblock_alloc_try_nid(struct memblock *mb, u64 size, u64 align, u64 min_addr, u64 max_addr);
/* memblock_alloc(): anywhere accessible. 0 when nothing fits. */
u64 memblock_alloc(struct memblock *mb, u64 size, u64 align);

#endif
