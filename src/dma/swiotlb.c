/*
 * Software IO TLB, following Linux 6.1 kernel/dma/swiotlb.c (6.1.y stable).
 *
 * Slot bookkeeping is Linux's: slots[i].list counts the free slots from i
 * to the end of its segment, so a search needs only one look per slot, and
 * a freed run merges with its free neighbours inside the segment.
 */
#include "dma/swiotlb.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define INVALID_PHYS_ADDR (~0ULL)
#define SWIOTLB_PR_PREFIX "software IO TLB: "

/* DEFAULT_RATELIMIT_INTERVAL (5 * HZ) and DEFAULT_RATELIMIT_BURST */
#define RATELIMIT_INTERVAL_NS (5ULL * 1000000000ULL)
#define RATELIMIT_BURST 10

/* warn-once sites */
#define WARN_INVALID_SIZES BIT(0)
#define WARN_BEFORE_START BIT(1)
#define WARN_OVERFLOW_OFFSET BIT(2)
#define WARN_OVERFLOW_SIZE BIT(3)
#define WARN_MAP_OVERFLOW BIT(4)

/* Room for a boot pool of a few TiB at most; keeps shifts from overflowing. */
#define SWIOTLB_MAX_NSLABS (1UL << 40)
#define SWIOTLB_MAX_NAREAS (1U << 16)

static void swiotlb_vlog(const struct io_tlb_mem *mem, int level, const struct swiotlb_dev *dev,
			 const char *fmt, va_list ap)
{
	char buf[256];

	if (!mem || !mem->log)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	mem->log(mem->ctx, level, dev, buf);
}

__attribute__((format(printf, 4, 5)))
static void swiotlb_log(const struct io_tlb_mem *mem, int level, const struct swiotlb_dev *dev,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	swiotlb_vlog(mem, level, dev, fmt, ap);
	va_end(ap);
}

/* dev_warn_once()/dev_WARN_ONCE(): true the first time a site fires. */
static bool warn_once(struct io_tlb_mem *mem, unsigned int site)
{
	if (mem->warned_once & site)
		return false;
	mem->warned_once |= site;
	return true;
}

/*
 * ___ratelimit(): up to RATELIMIT_BURST messages an interval; when a new
 * interval starts after suppressions, say how many were dropped, naming
 * the calling function as Linux does. Without a clock nothing is limited.
 */
static bool swiotlb_ratelimit(struct io_tlb_mem *mem, struct swiotlb_ratelimit *rs,
			      const char *func)
{
	u64 now;

	if (!mem->clock)
		return true;
	now = mem->clock(mem->ctx);
	if (!rs->started) {
		rs->started = true;
		rs->begin_ns = now;
	}
	if (now > rs->begin_ns + RATELIMIT_INTERVAL_NS) {
		if (rs->missed) {
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, NULL, "%s: %d callbacks suppressed",
				    func, rs->missed);
			rs->missed = 0;
		}
		rs->begin_ns = now;
		rs->printed = 0;
	}
	if (rs->printed < RATELIMIT_BURST) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	return false;
}

static bool is_pow2(unsigned long x)
{
	return x && !(x & (x - 1));
}

static unsigned long roundup_pow2(unsigned long x)
{
	unsigned long r = 1;

	while (r < x)
		r <<= 1;
	return r;
}

static unsigned long io_tlb_offset(unsigned long val)
{
	return val & (IO_TLB_SEGSIZE - 1);
}

static unsigned long nr_slots(u64 val)
{
	return (unsigned long)((val + IO_TLB_SIZE - 1) / IO_TLB_SIZE);
}

static u64 slot_addr(u64 start, u64 idx)
{
	return start + (idx << IO_TLB_SHIFT);
}

int swiotlb_parse_cmdline(const char *arg, struct swiotlb_params *p)
{
	char *end;

	if (!arg || !p)
		return -EINVAL;
	/* setup_io_tlb_npages(): "<slabs>" is aligned to avoid a short tail segment */
	if (isdigit((unsigned char)*arg)) {
		unsigned long n = strtoul(arg, &end, 0);

		p->nslabs = ALIGN_UP(n, IO_TLB_SEGSIZE);
		arg = end;
	}
	if (*arg == ',')
		++arg;
	if (isdigit((unsigned char)*arg)) {
		/* swiotlb_adjust_nareas(): 0 areas means one */
		p->nareas = (unsigned int)strtoul(arg, &end, 0);
		if (!p->nareas)
			p->nareas = 1;
		arg = end;
	}
	if (*arg == ',')
		++arg;
	if (!strcmp(arg, "force"))
		p->force = true;
	else if (!strcmp(arg, "noforce"))
		p->noforce = true;
	return 0;
}

/* swiotlb_adjust_nareas(): a power of two areas, 0 meaning one */
static unsigned long areas_pow2(unsigned long nareas)
{
	return !nareas ? 1 : is_pow2(nareas) ? nareas : roundup_pow2(nareas);
}

/*
 * round_up_default_nslabs(): a pool split into areas has at least a
 * segment an area and a power of two slots. True when it grew.
 */
static bool round_up_nslabs(unsigned long *nslabs, unsigned long nareas)
{
	if (*nslabs < IO_TLB_SEGSIZE * nareas) {
		*nslabs = roundup_pow2(IO_TLB_SEGSIZE * nareas);
		return true;
	}
	if (is_pow2(*nslabs))
		return false;
	*nslabs = roundup_pow2(*nslabs);
	return true;
}

/*
 * swiotlb_adjust_nareas() + round_up_default_nslabs(): areas are a power of
 * two, each at least one segment, and a pool split into areas is rounded
 * up to a power of two slots.
 */
static int compute_geometry(const struct swiotlb_params *p, unsigned long *nslabs_out,
			    unsigned int *nareas_out, bool *rounded)
{
	unsigned long nslabs = p->nslabs ? p->nslabs : IO_TLB_DEFAULT_SIZE >> IO_TLB_SHIFT;
	unsigned long nareas = p->nareas ? p->nareas : p->nr_cpus;

	if (nslabs > SWIOTLB_MAX_NSLABS || nareas > SWIOTLB_MAX_NAREAS)
		return -EINVAL;
	nareas = areas_pow2(nareas);
	*rounded = round_up_nslabs(&nslabs, nareas);
	*nslabs_out = nslabs;
	*nareas_out = (unsigned int)nareas;
	return 0;
}

/* limit_nareas(): no more areas than whole segments */
static unsigned int limit_nareas(unsigned int nareas, unsigned long nslabs)
{
	return nslabs < (unsigned long)nareas * IO_TLB_SEGSIZE ? (unsigned int)(nslabs / IO_TLB_SEGSIZE) : nareas;
}

int swiotlb_cmdline_lines(const struct swiotlb_params *p, char lines[2][SWIOTLB_LINE_MAX])
{
	unsigned long nslabs;
	unsigned int nareas;
	bool rounded;
	int n = 0;

	if (!p || !p->nareas || compute_geometry(p, &nslabs, &nareas, &rounded))
		return 0;
	snprintf(lines[n++], SWIOTLB_LINE_MAX, SWIOTLB_PR_PREFIX "area num %u.", nareas);
	if (rounded)
		snprintf(lines[n++], SWIOTLB_LINE_MAX, SWIOTLB_PR_PREFIX "SWIOTLB bounce buffer size roundup to %luMB",
			 (unsigned long)((u64)nslabs << IO_TLB_SHIFT >> 20));
	return n;
}

u64 swiotlb_size_or_default(const struct swiotlb_params *p)
{
	unsigned long nslabs;
	unsigned int nareas;
	bool rounded;

	if (!p || compute_geometry(p, &nslabs, &nareas, &rounded))
		return 0;
	return (u64)nslabs << IO_TLB_SHIFT;
}

/*
 * swiotlb_adjust_size(): only when swiotlb= named no size, the default pool
 * becomes size bytes in whole segments (rounded up for swiotlb='s areas).
 * Returns the slabs the pool now has (the default when nothing changed).
 */
static unsigned long adjust_size(struct io_tlb_mem *mem, const struct swiotlb_params *p, u64 size)
{
	const unsigned long default_nslabs = IO_TLB_DEFAULT_SIZE >> IO_TLB_SHIFT;
	unsigned long nslabs = p->nslabs ? p->nslabs : default_nslabs;

	if (!size || nslabs != default_nslabs || size > (u64)SWIOTLB_MAX_NSLABS << IO_TLB_SHIFT)
		return nslabs;
	size = ALIGN_UP(size, IO_TLB_SIZE);
	nslabs = ALIGN_UP(size >> IO_TLB_SHIFT, IO_TLB_SEGSIZE);
	if (p->nareas && p->nareas <= SWIOTLB_MAX_NAREAS && round_up_nslabs(&nslabs, areas_pow2(p->nareas)))
		size = (u64)nslabs << IO_TLB_SHIFT;
	swiotlb_log(mem, SWIOTLB_LOGLEVEL_INFO, NULL,
		    SWIOTLB_PR_PREFIX "SWIOTLB bounce buffer size adjusted to %luMB", (unsigned long)(size >> 20));
	return nslabs;
}

int swiotlb_init(struct io_tlb_mem *mem, const struct swiotlb_params *params)
{
	struct swiotlb_params q;
	const struct swiotlb_params *p = &q;
	unsigned long nslabs, i;
	unsigned int nareas;
	bool rounded;
	u64 bytes;
	int ret;

	if (!mem || !params)
		return -EINVAL;
	q = *params;
	memset(mem, 0, sizeof(*mem));
	mem->gmem = p->gmem;
	mem->log = p->log;
	mem->clock = p->clock;
	mem->ctx = p->ctx;

	/* the arch's swiotlb_adjust_size() runs first, whatever comes next (bad parameters: nothing said) */
	if (p->adjust_size && (!p->gmem || !IS_ALIGNED(p->base, SWIOTLB_PAGE_SIZE)))
		return -EINVAL;
	if (p->adjust_size)
		q.nslabs = adjust_size(mem, p, p->adjust_size);

	/* Only a DMA-limited machine, or swiotlb=force, gets a default pool. */
	if (!p->addressing_limit && !p->force)
		return 0;
	if (p->noforce)
		return 0;
	if (!p->gmem || !IS_ALIGNED(p->base, SWIOTLB_PAGE_SIZE))
		return -EINVAL;

	ret = compute_geometry(p, &nslabs, &nareas, &rounded);
	if (ret)
		return ret;
	bytes = (u64)nslabs << IO_TLB_SHIFT;
	if (!p->alloc_low && !guest_mem_valid(p->gmem, p->base, bytes))
		return -ENOMEM;

	/* swiotlb_init_remap() sizes the areas only when swiotlb= did not (it printed them then) */
	if (!p->nareas) {
		swiotlb_log(mem, SWIOTLB_LOGLEVEL_INFO, NULL, SWIOTLB_PR_PREFIX "area num %u.", nareas);
		if (rounded)
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_INFO, NULL,
				    SWIOTLB_PR_PREFIX "SWIOTLB bounce buffer size roundup to %luMB",
				    (unsigned long)(bytes >> 20));
	}

	/*
	 * swiotlb_init_remap(): swiotlb_memblock_alloc() of the pool, halved
	 * (in whole segments) until it fits or is down to IO_TLB_MIN_SLABS.
	 */
	u64 base = p->base;
	if (p->alloc_low) {
		unsigned long want = nslabs;
		while (!(base = p->alloc_low(p->alloc_ctx, ALIGN_UP(bytes, SWIOTLB_PAGE_SIZE), SWIOTLB_PAGE_SIZE))) {
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, NULL,
				    SWIOTLB_PR_PREFIX "swiotlb_memblock_alloc: Failed to allocate %llu bytes tlb structure",
				    (unsigned long long)ALIGN_UP(bytes, SWIOTLB_PAGE_SIZE));
			if (nslabs <= IO_TLB_MIN_SLABS)
				return 0;
			nslabs = ALIGN_UP(nslabs >> 1, IO_TLB_SEGSIZE);
			nareas = limit_nareas(nareas, nslabs);
			bytes = (u64)nslabs << IO_TLB_SHIFT;
		}
		if (want != nslabs)
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_INFO, NULL,
				    SWIOTLB_PR_PREFIX "SWIOTLB bounce buffer size adjusted %lu -> %lu slabs",
				    want, nslabs);
		if (!guest_mem_valid(p->gmem, base, bytes))
			return -ENOMEM;
	}

	mem->slots = calloc(nslabs, sizeof(*mem->slots));
	mem->areas = calloc(nareas, sizeof(*mem->areas));
	if (!mem->slots || !mem->areas) {
		swiotlb_exit(mem);
		return -ENOMEM;
	}
	/* swiotlb_init_io_tlb_mem() */
	mem->nslabs = nslabs;
	mem->start = base;
	mem->end = base + bytes;
	mem->nareas = nareas;
	mem->area_nslabs = (unsigned int)(nslabs / nareas);
	mem->force_bounce = p->force;
	for (i = 0; i < nslabs; i++) {
		mem->slots[i].list = IO_TLB_SEGSIZE - (unsigned int)io_tlb_offset(i);
		mem->slots[i].orig_addr = INVALID_PHYS_ADDR;
		mem->slots[i].alloc_size = 0;
	}
	/* The pool starts zeroed (memset in swiotlb_init_io_tlb_mem). */
	if (guest_mem_fill(p->gmem, base, 0, bytes)) {
		swiotlb_exit(mem);
		return -ENOMEM;
	}

	if (p->verbose)
		swiotlb_log(mem, SWIOTLB_LOGLEVEL_INFO, NULL,
			    SWIOTLB_PR_PREFIX "mapped [mem 0x%016llx-0x%016llx] (%luMB)",
			    (unsigned long long)mem->start, (unsigned long long)mem->end,
			    (unsigned long)(bytes >> 20));
	return 0;
}

void swiotlb_exit(struct io_tlb_mem *mem)
{
	if (!mem)
		return;
	free(mem->slots);
	free(mem->areas);
	mem->slots = NULL;
	mem->areas = NULL;
	mem->nslabs = 0;
	mem->nareas = 0;
	mem->area_nslabs = 0;
	mem->start = mem->end = 0;
}

int swiotlb_set_cpu(struct io_tlb_mem *mem, unsigned int cpu)
{
	if (!mem)
		return -EINVAL;
	mem->cpu = cpu; /* areas are picked with cpu & (nareas - 1) */
	return 0;
}

bool is_swiotlb_active(const struct io_tlb_mem *mem)
{
	return mem && mem->nslabs;
}

bool is_swiotlb_buffer(const struct io_tlb_mem *mem, u64 paddr)
{
	return mem && mem->nslabs && paddr >= mem->start && paddr < mem->end;
}

unsigned long swiotlb_mem_used(const struct io_tlb_mem *mem)
{
	unsigned long used = 0;
	unsigned int i;

	if (!mem)
		return 0;
	for (i = 0; i < mem->nareas; i++)
		used += mem->areas[i].used;
	return used;
}

unsigned int swiotlb_max_segment(const struct io_tlb_mem *mem)
{
	if (!mem || !mem->nslabs)
		return 0;
	return (unsigned int)ALIGN_DOWN((u64)mem->nslabs << IO_TLB_SHIFT, SWIOTLB_PAGE_SIZE);
}

size_t swiotlb_max_mapping_size(const struct swiotlb_dev *dev)
{
	int min_align_mask = dev ? (int)dev->min_align_mask : 0;
	int min_align = 0;

	/* The search skips slots for min_align_mask, which costs this much room. */
	if (min_align_mask)
		min_align = ((min_align_mask + (int)IO_TLB_SIZE - 1) / (int)IO_TLB_SIZE) *
			    (int)IO_TLB_SIZE;
	return (size_t)IO_TLB_SIZE * IO_TLB_SEGSIZE - (size_t)min_align;
}

/* The offset into a slot that keeps the device's min_align_mask bits. */
static unsigned int swiotlb_align_offset(const struct swiotlb_dev *dev, u64 addr)
{
	return (unsigned int)(addr & dev->min_align_mask & (IO_TLB_SIZE - 1));
}

static unsigned long dev_seg_boundary(const struct swiotlb_dev *dev)
{
	return dev->seg_boundary_mask ? dev->seg_boundary_mask : ULONG_MAX;
}

/* boundary_mask == ~0UL would overflow nr_slots(mask + 1). */
static unsigned long get_max_slots(unsigned long boundary_mask)
{
	if (boundary_mask == ULONG_MAX)
		return 1UL << (sizeof(long) * CHAR_BIT - IO_TLB_SHIFT);
	return nr_slots((u64)boundary_mask + 1);
}

static unsigned int wrap_area_index(const struct io_tlb_mem *mem, unsigned int index)
{
	return index >= mem->area_nslabs ? 0 : index;
}

/* iommu_is_span_boundary(): would nr slots from index cross a boundary? */
static bool is_span_boundary(unsigned long index, unsigned long nr, unsigned long shift,
			     unsigned long boundary_size)
{
	shift = (shift + index) & (boundary_size - 1);
	return shift + nr > boundary_size;
}

/* swiotlb_do_find_slots(): search one area from its saved index. */
static int do_find_slots(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
			 unsigned int area_index, u64 orig_addr, size_t alloc_size,
			 unsigned int alloc_align_mask)
{
	struct io_tlb_area *area = &mem->areas[area_index];
	unsigned long boundary_mask = dev_seg_boundary(dev);
	u64 tbl_dma_addr = mem->start & boundary_mask;
	unsigned long max_slots = get_max_slots(boundary_mask);
	unsigned int iotlb_align_mask = dev->min_align_mask;
	unsigned long nslots = nr_slots(alloc_size);
	unsigned int offset = swiotlb_align_offset(dev, orig_addr);
	unsigned int stride, index, wrap, slot_base, slot_index;
	unsigned long i, count = 0, steps = 0;

	/*
	 * The allocation is at least slot aligned, and the bits of
	 * min_align_mask kept by offsetting into it need no matching.
	 */
	alloc_align_mask |= IO_TLB_SIZE - 1;
	iotlb_align_mask &= ~alloc_align_mask;

	/*
	 * With an alignment requirement only aligned slots are tried; from
	 * PAGE_SIZE up, only page-aligned ones.
	 */
	stride = (iotlb_align_mask >> IO_TLB_SHIFT) + 1;
	if (alloc_size >= SWIOTLB_PAGE_SIZE)
		stride = MAX(stride, stride << (SWIOTLB_PAGE_SHIFT - IO_TLB_SHIFT));
	stride = MAX(stride, (alloc_align_mask >> IO_TLB_SHIFT) + 1);

	if (nslots > mem->area_nslabs - area->used)
		return -1;

	slot_base = area_index * mem->area_nslabs;
	index = wrap = wrap_area_index(mem, (unsigned int)ALIGN_UP(area->index, stride));
	do {
		/*
		 * Model guard: 6.1 can cycle forever when a min_align mismatch
		 * puts the walk off the stride grid; a terminating walk never
		 * takes more than two passes over the area.
		 */
		if (++steps > 2UL * mem->area_nslabs + 2)
			return -1;
		slot_index = slot_base + index;

		if (orig_addr && (slot_addr(tbl_dma_addr, slot_index) & iotlb_align_mask) !=
				 (orig_addr & iotlb_align_mask)) {
			index = wrap_area_index(mem, index + 1);
			continue;
		}
		/* A run of nslots free slots that does not cross the boundary. */
		if (!is_span_boundary(slot_index, nslots, nr_slots(tbl_dma_addr), max_slots) &&
		    mem->slots[slot_index].list >= nslots)
			goto found;
		index = wrap_area_index(mem, index + stride);
	} while (index != wrap);
	return -1;

found:
	for (i = slot_index; i < slot_index + nslots; i++) {
		mem->slots[i].list = 0;
		/* size_t arithmetic, wrapping as in 6.1 when offset spills a slot */
		mem->slots[i].alloc_size = alloc_size - (offset + ((i - slot_index) << IO_TLB_SHIFT));
		mem->slots[i].head_nslots = 0;
	}
	mem->slots[slot_index].head_nslots = (unsigned int)nslots;
	/* Free slots before the run, in the same segment, now end at it. */
	/* From slot 0, i wraps to ULONG_MAX, whose segment offset ends the loop. */
	for (i = (unsigned long)slot_index - 1;
	     io_tlb_offset(i) != IO_TLB_SEGSIZE - 1 && mem->slots[i].list; i--)
		mem->slots[i].list = (unsigned int)++count;

	/* The next search in this area starts after this run. */
	if (index + nslots < mem->area_nslabs)
		area->index = index + (unsigned int)nslots;
	else
		area->index = 0;
	area->used += nslots;
	return (int)slot_index;
}

/* swiotlb_find_slots(): start with this CPU's area, then try the others. */
static int find_slots(struct io_tlb_mem *mem, const struct swiotlb_dev *dev, u64 orig_addr,
		      size_t alloc_size, unsigned int alloc_align_mask)
{
	unsigned int start = mem->cpu & (mem->nareas - 1);
	unsigned int i = start;
	int index;

	do {
		index = do_find_slots(mem, dev, i, orig_addr, alloc_size, alloc_align_mask);
		if (index >= 0)
			return index;
		if (++i >= mem->nareas)
			i = 0;
	} while (i != start);
	return -1;
}


/*
 * swiotlb_bounce(): copy between the original buffer and the pool,
 * clamped to the mapping. 0 also where Linux warns and copies nothing.
 */
static int swiotlb_bounce(struct io_tlb_mem *mem, const struct swiotlb_dev *dev, u64 tlb_addr,
			  size_t size, enum dma_data_direction dir)
{
	unsigned long index = (unsigned long)((tlb_addr - mem->start) >> IO_TLB_SHIFT);
	u64 orig_addr = mem->slots[index].orig_addr;
	size_t alloc_size = mem->slots[index].alloc_size;
	unsigned int tlb_offset, orig_addr_offset;
	int ret;

	if (orig_addr == INVALID_PHYS_ADDR)
		return 0;

	tlb_offset = (unsigned int)(tlb_addr & (IO_TLB_SIZE - 1));
	orig_addr_offset = swiotlb_align_offset(dev, orig_addr);
	if (tlb_offset < orig_addr_offset) {
		if (warn_once(mem, WARN_BEFORE_START))
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, dev,
				    "Access before mapping start detected. orig offset %u, requested offset %u.",
				    orig_addr_offset, tlb_offset);
		return 0;
	}
	tlb_offset -= orig_addr_offset;
	if (tlb_offset > alloc_size) {
		if (warn_once(mem, WARN_OVERFLOW_OFFSET))
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, dev,
				    "Buffer overflow detected. Allocation size: %zu. Mapping size: %zu+%u.",
				    alloc_size, size, tlb_offset);
		return 0;
	}
	orig_addr += tlb_offset;
	alloc_size -= tlb_offset;
	if (size > alloc_size) {
		if (warn_once(mem, WARN_OVERFLOW_SIZE))
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, dev,
				    "Buffer overflow detected. Allocation size: %zu. Mapping size: %zu.",
				    alloc_size, size);
		size = alloc_size;
	}

	if (dir == DMA_TO_DEVICE) {
		ret = guest_mem_copy(mem->gmem, tlb_addr, orig_addr, size);
		if (!ret) {
			mem->stats.bounces_to_device++;
			mem->stats.bounce_bytes_to_device += size;
		}
	} else {
		ret = guest_mem_copy(mem->gmem, orig_addr, tlb_addr, size);
		if (!ret) {
			mem->stats.bounces_from_device++;
			mem->stats.bounce_bytes_from_device += size;
		}
	}
	return ret;
}

/* Return a mapping's slots, merging with free neighbours in the segment. */
static void swiotlb_release_slots(struct io_tlb_mem *mem, unsigned long index, unsigned int offset)
{
	unsigned long nslots = nr_slots(mem->slots[index].alloc_size + offset);
	struct io_tlb_area *area = &mem->areas[index / mem->area_nslabs];
	unsigned long count, i;

	if (index + nslots < ALIGN_UP(index + 1, IO_TLB_SEGSIZE))
		count = mem->slots[index + nslots].list;
	else
		count = 0;

	for (i = index + nslots; i-- > index;) {
		mem->slots[i].list = (unsigned int)++count;
		mem->slots[i].orig_addr = INVALID_PHYS_ADDR;
		mem->slots[i].alloc_size = 0;
		mem->slots[i].head_nslots = 0;
	}
	for (i = index; i-- > 0 && io_tlb_offset(i) != IO_TLB_SEGSIZE - 1 && mem->slots[i].list;)
		mem->slots[i].list = (unsigned int)++count;
	area->used -= nslots;
}

static bool valid_dir(enum dma_data_direction dir)
{
	return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE || dir == DMA_FROM_DEVICE ||
	       dir == DMA_NONE;
}

u64 swiotlb_tbl_map_single(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
			   u64 orig_addr, size_t mapping_size, size_t alloc_size,
			   unsigned int alloc_align_mask, enum dma_data_direction dir,
			   unsigned long attrs)
{
	unsigned int offset, i;
	unsigned long boundary;
	unsigned long used;
	int index;
	u64 tlb_addr;

	if (!mem)
		return DMA_MAPPING_ERROR;
	if (!dev || !valid_dir(dir)) {
		mem->stats.errors++;
		return DMA_MAPPING_ERROR;
	}
	if (!mem->nslabs) {
		if (swiotlb_ratelimit(mem, &mem->rl_nopool, __func__))
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, dev,
				    "Can not allocate SWIOTLB buffer earlier and can't now provide you with the DMA bounce buffer");
		mem->stats.errors++;
		return DMA_MAPPING_ERROR;
	}
	if (mapping_size > alloc_size) {
		if (warn_once(mem, WARN_INVALID_SIZES))
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, dev,
				    "Invalid sizes (mapping: %zd bytes, alloc: %zd bytes)",
				    (ssize_t)mapping_size, (ssize_t)alloc_size);
		mem->stats.errors++;
		return DMA_MAPPING_ERROR;
	}
	offset = swiotlb_align_offset(dev, orig_addr);
	boundary = dev_seg_boundary(dev);
	/*
	 * Linux BUG()s on an empty allocation and on a boundary that is not
	 * 2^n - 1. Sizes are kept where slot counts cannot overflow; anything
	 * larger than the pool still gets the "full" message, as in Linux.
	 */
	if (!alloc_size || alloc_size > (SIZE_MAX >> 1) ||
	    (boundary != ULONG_MAX && !is_pow2(boundary + 1))) {
		mem->stats.errors++;
		return DMA_MAPPING_ERROR;
	}

	index = find_slots(mem, dev, orig_addr, alloc_size + offset, alloc_align_mask);
	if (index == -1) {
		mem->stats.full++;
		if (!(attrs & DMA_ATTR_NO_WARN) &&
		    swiotlb_ratelimit(mem, &mem->rl_full, __func__))
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, dev,
				    "swiotlb buffer is full (sz: %zd bytes), total %lu (slots), used %lu (slots)",
				    (ssize_t)alloc_size, mem->nslabs, swiotlb_mem_used(mem));
		return DMA_MAPPING_ERROR;
	}

	/* Remember where each slot came from, for the syncs and the unmap. */
	for (i = 0; i < nr_slots(alloc_size + offset); i++)
		mem->slots[index + i].orig_addr = slot_addr(orig_addr, i);
	tlb_addr = slot_addr(mem->start, (u64)index) + offset;

	/*
	 * Always copy in, even for DMA_FROM_DEVICE: the device may not
	 * overwrite everything, and stale pool data must not leak.
	 */
	if (swiotlb_bounce(mem, dev, tlb_addr, mapping_size, DMA_TO_DEVICE)) {
		/* The original buffer is not RAM: undo, nothing half-applied. */
		swiotlb_release_slots(mem, (unsigned long)index, offset);
		mem->stats.errors++;
		return DMA_MAPPING_ERROR;
	}
	mem->stats.maps++;
	used = swiotlb_mem_used(mem);
	if (used > mem->stats.max_used)
		mem->stats.max_used = used;
	return tlb_addr;
}

/* The head slot of the live mapping tlb_addr belongs to, or -1. */
static long mapping_head(const struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
			 u64 tlb_addr, unsigned int *offset)
{
	unsigned long index;

	if (!is_swiotlb_buffer(mem, tlb_addr))
		return -1;
	*offset = swiotlb_align_offset(dev, tlb_addr);
	if (tlb_addr - *offset < mem->start)
		return -1;
	index = (unsigned long)((tlb_addr - *offset - mem->start) >> IO_TLB_SHIFT);
	if (mem->slots[index].orig_addr == INVALID_PHYS_ADDR || !mem->slots[index].head_nslots)
		return -1;
	return (long)index;
}

int swiotlb_tbl_unmap_single(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
			     u64 tlb_addr, size_t mapping_size, enum dma_data_direction dir,
			     unsigned long attrs)
{
	unsigned int offset;
	long index;

	if (!mem || !dev || !valid_dir(dir))
		return -EINVAL;
	/*
	 * Linux trusts its callers (they test is_swiotlb_buffer() first);
	 * here an address that does not start a live mapping is refused.
	 */
	index = mapping_head(mem, dev, tlb_addr, &offset);
	if (index < 0) {
		mem->stats.errors++;
		return -EINVAL;
	}
	if (!(attrs & DMA_ATTR_SKIP_CPU_SYNC) &&
	    (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL))
		swiotlb_bounce(mem, dev, tlb_addr, mapping_size, DMA_FROM_DEVICE);
	swiotlb_release_slots(mem, (unsigned long)index, offset);
	mem->stats.unmaps++;
	return 0;
}

/* A sync must land inside a live mapping. */
static bool sync_target_ok(const struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
			   u64 tlb_addr)
{
	unsigned long index;

	if (!dev || !is_swiotlb_buffer(mem, tlb_addr))
		return false;
	index = (unsigned long)((tlb_addr - mem->start) >> IO_TLB_SHIFT);
	return mem->slots[index].orig_addr != INVALID_PHYS_ADDR;
}

int swiotlb_sync_single_for_device(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
				   u64 tlb_addr, size_t size, enum dma_data_direction dir)
{
	if (!mem)
		return -EINVAL;
	/* DMA_NONE here is a BUG() in Linux. */
	if (!sync_target_ok(mem, dev, tlb_addr) ||
	    (dir != DMA_TO_DEVICE && dir != DMA_BIDIRECTIONAL && dir != DMA_FROM_DEVICE)) {
		mem->stats.errors++;
		return -EINVAL;
	}
	if (dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL)
		return swiotlb_bounce(mem, dev, tlb_addr, size, DMA_TO_DEVICE);
	return 0;
}

int swiotlb_sync_single_for_cpu(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
				u64 tlb_addr, size_t size, enum dma_data_direction dir)
{
	if (!mem)
		return -EINVAL;
	if (!sync_target_ok(mem, dev, tlb_addr) ||
	    (dir != DMA_FROM_DEVICE && dir != DMA_BIDIRECTIONAL && dir != DMA_TO_DEVICE)) {
		mem->stats.errors++;
		return -EINVAL;
	}
	if (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL)
		return swiotlb_bounce(mem, dev, tlb_addr, size, DMA_FROM_DEVICE);
	return 0;
}

static u64 min_not_zero(u64 a, u64 b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return MIN(a, b);
}

u64 swiotlb_map(struct io_tlb_mem *mem, const struct swiotlb_dev *dev, u64 paddr,
		size_t size, enum dma_data_direction dir, unsigned long attrs)
{
	u64 swiotlb_addr, end;

	swiotlb_addr = swiotlb_tbl_map_single(mem, dev, paddr, size, size, 0, dir, attrs);
	if (swiotlb_addr == DMA_MAPPING_ERROR)
		return DMA_MAPPING_ERROR;

	/* dma_capable(): the bounce buffer itself must be reachable. */
	end = swiotlb_addr + size - 1;
	if (end > min_not_zero(dev->dma_mask, dev->bus_dma_limit)) {
		swiotlb_tbl_unmap_single(mem, dev, swiotlb_addr, size, dir,
					 attrs | DMA_ATTR_SKIP_CPU_SYNC);
		if (warn_once(mem, WARN_MAP_OVERFLOW))
			swiotlb_log(mem, SWIOTLB_LOGLEVEL_WARNING, dev,
				    "swiotlb addr 0x%016llx+%zu overflow (mask %llx, bus limit %llx).",
				    (unsigned long long)swiotlb_addr, size,
				    (unsigned long long)dev->dma_mask,
				    (unsigned long long)dev->bus_dma_limit);
		return DMA_MAPPING_ERROR;
	}
	return swiotlb_addr;
}
