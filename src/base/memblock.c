#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/memblock.h"

#define PAGE_SIZE_MB 0x1000ULL
#define SMP_CACHE_BYTES 64ULL

void memblock_init(struct memblock *mb)
{
	memset(mb, 0, sizeof(*mb));
	mb->current_limit = MEMBLOCK_ALLOC_ANYWHERE;
}

void memblock_destroy(struct memblock *mb)
{
	free(mb->memory.regions);
	free(mb->reserved.regions);
	memset(mb, 0, sizeof(*mb));
}

static int type_reserve_slots(struct memblock *mb, struct memblock_type *t, size_t more)
{
	if (t->cnt + more <= t->cap)
		return 0;
	size_t cap = t->cap ? t->cap : 16;
	while (cap < t->cnt + more)
		cap *= 2;
	struct memblock_region *r = realloc(t->regions, cap * sizeof(*r));
	if (!r) {
		mb->nomem = true;
		return -ENOMEM;
	}
	t->regions = r;
	t->cap = cap;
	return 0;
}

/* [base, end) joins the set; overlapping and touching regions merge, as memblock_merge_regions() does */
static int type_add(struct memblock *mb, struct memblock_type *t, u64 base, u64 end)
{
	if (type_reserve_slots(mb, t, 1))
		return -ENOMEM;
	size_t i = 0;
	while (i < t->cnt && t->regions[i].base + t->regions[i].size < base)
		i++;
	size_t j = i;
	while (j < t->cnt && t->regions[j].base <= end) {
		base = MIN(base, t->regions[j].base);
		end = MAX(end, t->regions[j].base + t->regions[j].size);
		j++;
	}
	/* regions [i, j) are replaced by one */
	if (j == i) {
		memmove(&t->regions[i + 1], &t->regions[i], (t->cnt - i) * sizeof(*t->regions));
		t->cnt++;
	} else if (j > i + 1) {
		memmove(&t->regions[i + 1], &t->regions[j], (t->cnt - j) * sizeof(*t->regions));
		t->cnt -= j - i - 1;
	}
	t->regions[i].base = base;
	t->regions[i].size = end - base;
	return 0;
}

/* [base, end) leaves the set; a region it cuts in two becomes two */
static int type_remove(struct memblock *mb, struct memblock_type *t, u64 base, u64 end)
{
	if (type_reserve_slots(mb, t, 1))
		return -ENOMEM;
	for (size_t i = 0; i < t->cnt;) {
		u64 rb = t->regions[i].base, re = rb + t->regions[i].size;
		if (re <= base || rb >= end) {
			i++;
			continue;
		}
		if (rb < base && re > end) {
			memmove(&t->regions[i + 1], &t->regions[i], (t->cnt - i) * sizeof(*t->regions));
			t->cnt++;
			t->regions[i].size = base - rb;
			t->regions[i + 1].base = end;
			t->regions[i + 1].size = re - end;
			return 0;
		}
		if (rb < base) {
			t->regions[i++].size = base - rb;
		} else if (re > end) {
			t->regions[i].base = end;
			t->regions[i].size = re - end;
			i++;
		} else {
			memmove(&t->regions[i], &t->regions[i + 1], (t->cnt - i - 1) * sizeof(*t->regions));
			t->cnt--;
		}
	}
	return 0;
}

static bool range_ok(u64 base, u64 size)
{
	return size && base + size > base;
}

int memblock_add(struct memblock *mb, u64 base, u64 size)
{
	if (!range_ok(base, size))
		return -EINVAL;
	return type_add(mb, &mb->memory, base, base + size);
}

int memblock_reserve(struct memblock *mb, u64 base, u64 size)
{
	if (!range_ok(base, size))
		return -EINVAL;
	return type_add(mb, &mb->reserved, base, base + size);
}

int memblock_phys_free(struct memblock *mb, u64 base, u64 size)
{
	if (!range_ok(base, size))
		return -EINVAL;
	return type_remove(mb, &mb->reserved, base, base + size);
}

u64 memblock_start_of_DRAM(const struct memblock *mb)
{
	return mb->memory.cnt ? mb->memory.regions[0].base : 0;
}

u64 memblock_end_of_DRAM(const struct memblock *mb)
{
	if (!mb->memory.cnt)
		return 0;
	const struct memblock_region *r = &mb->memory.regions[mb->memory.cnt - 1];
	return r->base + r->size;
}

bool memblock_is_region_reserved(const struct memblock *mb, u64 base, u64 size)
{
	for (size_t i = 0; i < mb->reserved.cnt; i++) {
		const struct memblock_region *r = &mb->reserved.regions[i];
		if (r->base < base + size && base < r->base + r->size)
			return true;
	}
	return false;
}

/* The free ranges, bottom up: what for_each_free_mem_range() walks (and its _reverse twin, top down) */
size_t memblock_free_ranges(const struct memblock *mb, struct memblock_region *out, size_t max)
{
	size_t n = 0, r = 0;
	for (size_t m = 0; m < mb->memory.cnt; m++) {
		u64 cur = mb->memory.regions[m].base;
		u64 mend = cur + mb->memory.regions[m].size;
		while (r < mb->reserved.cnt && mb->reserved.regions[r].base + mb->reserved.regions[r].size <= cur)
			r++;
		for (size_t k = r; cur < mend; k++) {
			u64 next = mend;
			if (k < mb->reserved.cnt && mb->reserved.regions[k].base < mend)
				next = MAX(cur, mb->reserved.regions[k].base);
			if (next > cur) {
				if (out && n < max)
					out[n] = (struct memblock_region){ cur, next - cur };
				n++;
			}
			if (next >= mend || k >= mb->reserved.cnt)
				break;
			cur = mb->reserved.regions[k].base + mb->reserved.regions[k].size;
		}
	}
	return n;
}

static u64 clamp_u64(u64 v, u64 lo, u64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static u64 find_in_range(const struct memblock *mb, u64 size, u64 align, u64 start, u64 end)
{
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE)
		end = mb->current_limit;
	/* avoid allocating the first page */
	start = MAX(start, PAGE_SIZE_MB);
	end = MAX(start, end);

	size_t n = memblock_free_ranges(mb, NULL, 0);
	struct memblock_region *fr = n ? malloc(n * sizeof(*fr)) : NULL;
	if (!fr)
		return 0;
	memblock_free_ranges(mb, fr, n);
	u64 found = 0;
	if (mb->bottom_up) {
		for (size_t i = 0; i < n && !found; i++) {
			u64 this_start = clamp_u64(fr[i].base, start, end);
			u64 this_end = clamp_u64(fr[i].base + fr[i].size, start, end);
			u64 cand = ALIGN_UP(this_start, align);
			if (cand >= this_start && cand < this_end && this_end - cand >= size)
				found = cand;
		}
	} else {
		for (size_t i = n; i-- > 0 && !found;) {
			u64 this_start = clamp_u64(fr[i].base, start, end);
			u64 this_end = clamp_u64(fr[i].base + fr[i].size, start, end);
			if (this_end < size)
				continue;
			u64 cand = ALIGN_DOWN(this_end - size, align);
			if (cand >= this_start)
				found = cand;
		}
	}
	free(fr);
	return found;
}

u64 memblock_alloc_range_nid(struct memblock *mb, u64 size, u64 align, u64 start, u64 end)
{
	if (!size || mb->nomem)
		return 0;
	if (!align)
		align = SMP_CACHE_BYTES;
	if (align & (align - 1))
		return 0;
	u64 found = find_in_range(mb, size, align, start, end);
	if (found && !memblock_reserve(mb, found, size))
		return found;
	return 0;
}

u64 memblock_alloc_try_nid(struct memblock *mb, u64 size, u64 align, u64 min_addr, u64 max_addr)
{
	if (max_addr > mb->current_limit)
		max_addr = mb->current_limit;
	u64 addr = memblock_alloc_range_nid(mb, size, align, min_addr, max_addr);
	/* retry allocation without lower limit */
	if (!addr && min_addr)
		addr = memblock_alloc_range_nid(mb, size, align, 0, max_addr);
	return addr;
}

u64 memblock_alloc(struct memblock *mb, u64 size, u64 align)
{
	return memblock_alloc_try_nid(mb, size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
}
