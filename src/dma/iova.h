/*
 * IOVA allocator: the model of Linux 6.1 drivers/iommu/iova.c.
 *
 * An iova_domain holds the allocated IOVA ranges (in granule-sized page
 * frames) in an ordered, balanced tree, topped by an anchor node at ~0UL.
 * alloc_iova() searches top-down from limit_pfn exactly as 6.1's
 * __alloc_and_insert_iova_range() does (cached nodes, 32-bit fast-fail
 * through max32_alloc_size, one retry from the limit), so the IOVAs handed
 * out, and their order, match a real kernel's.
 *
 * alloc_iova_fast()/free_iova_fast() add the per-CPU range caches (rcache):
 * for each size order below IOVA_RANGE_CACHE_MAX_SIZE, every CPU owns a
 * 'loaded' and a 'prev' magazine of IOVA_MAG_SIZE pfns, and full magazines
 * go to a depot of MAX_GLOBAL_MAGS. The current CPU is a domain field
 * (iova_set_cpu), standing in for raw_cpu_ptr().
 *
 * Extensions over Linux, for "bad input never crashes": functions check
 * their arguments and return NULL / 0 / -errno where Linux would BUG or WARN.
 */
#ifndef IOMMUSIM_DMA_IOVA_H
#define IOMMUSIM_DMA_IOVA_H

#include "base/bits.h"

/* The CPU page size of the reference kernel (Debian arm64: 4K pages). */
#define IOVA_CPU_PAGE_SHIFT 12
#define IOVA_CPU_PAGE_SIZE (1UL << IOVA_CPU_PAGE_SHIFT)

/* log2 of the largest range (in granules) the rcache holds, plus one: 6.1 value. */
#define IOVA_RANGE_CACHE_MAX_SIZE 6
/* 127 pfns + the size word make a 1024-byte magazine (6.0+). */
#define IOVA_MAG_SIZE 127
/* Magazines per size order in the global depot. */
#define MAX_GLOBAL_MAGS 32
/* The anchor sits above every usable pfn. */
#define IOVA_ANCHOR (~0UL)

/* CPUs the rcache models when the caller does not say (virt -smp 2). */
#define IOVA_DEFAULT_NR_CPUS 2
#define IOVA_MAX_NR_CPUS 512

/* Balanced-tree linkage; stands in for struct rb_node. */
struct iova_node {
	struct iova_node *left;
	struct iova_node *right;
	struct iova_node *parent;
	int height;
};

struct iova {
	struct iova_node node; /* first member: a node pointer is its iova */
	unsigned long pfn_hi;  /* highest allocated pfn */
	unsigned long pfn_lo;  /* lowest allocated pfn */
};

struct iova_stats {
	u64 allocs;          /* ranges alloc_iova() inserted (including rcache misses) */
	u64 alloc_failures;  /* alloc_iova() found no room */
	u64 frees;           /* ranges removed from the tree */
	u64 reserves;        /* reserve_iova() calls that succeeded */
	u64 rcache_hits;     /* alloc_iova_fast() served from a magazine */
	u64 rcache_misses;   /* alloc_iova_fast() fell back to the tree */
	u64 rcache_inserts;  /* free_iova_fast() kept the range in a magazine */
	u64 rcache_flushes;  /* alloc_iova_fast() emptied every cache to retry */
};

struct iova_rcache;

struct iova_domain {
	struct iova_node *root;
	struct iova_node *cached_node;   /* last allocated above dma_32bit_pfn */
	struct iova_node *cached32_node; /* last allocated below dma_32bit_pfn */
	unsigned long granule;           /* bytes per pfn */
	unsigned long start_pfn;         /* lowest pfn handed out */
	unsigned long dma_32bit_pfn;     /* first pfn at or above 4 GiB */
	unsigned long max32_alloc_size;  /* size of the last failed 32-bit allocation */
	struct iova anchor;
	unsigned long nr_ranges;         /* nodes in the tree, anchor excluded */

	struct iova_rcache *rcaches;     /* NULL until iova_domain_init_rcaches() */
	unsigned int nr_cpus;
	unsigned int cur_cpu;            /* the CPU raw_cpu_ptr() would pick */

	struct iova_stats stats;
};

static inline unsigned long iova_size(const struct iova *iova)
{
	return iova->pfn_hi - iova->pfn_lo + 1;
}

static inline unsigned long iova_shift(const struct iova_domain *iovad)
{
	return (unsigned long)__builtin_ctzl(iovad->granule);
}

static inline unsigned long iova_mask(const struct iova_domain *iovad)
{
	return iovad->granule - 1;
}

static inline u64 iova_offset(const struct iova_domain *iovad, u64 iova)
{
	return iova & iova_mask(iovad);
}

static inline u64 iova_align(const struct iova_domain *iovad, u64 size)
{
	return ALIGN_UP(size, iovad->granule);
}

static inline u64 iova_dma_addr(const struct iova_domain *iovad, const struct iova *iova)
{
	return (u64)iova->pfn_lo << iova_shift(iovad);
}

static inline unsigned long iova_pfn(const struct iova_domain *iovad, u64 iova)
{
	return (unsigned long)(iova >> iova_shift(iovad));
}

/* Largest IOVA size (bytes) the rcache holds: PAGE_SIZE << (MAX_SIZE - 1). */
unsigned long iova_rcache_range(void);

/*
 * 0, or -EINVAL when granule is 0, not a power of two, or larger than the
 * CPU page (Linux BUG()s). The domain starts with no rcaches.
 */
int init_iova_domain(struct iova_domain *iovad, unsigned long granule, unsigned long start_pfn);
/* Frees every range and the rcaches; the domain may be re-initialised after. */
void put_iova_domain(struct iova_domain *iovad);

/*
 * Allocate 'size' pfns at or below limit_pfn, top-down. With size_aligned,
 * pfn_lo is aligned to roundup_pow_of_two(size). NULL when there is no room
 * (or size is 0).
 */
struct iova *alloc_iova(struct iova_domain *iovad, unsigned long size,
			unsigned long limit_pfn, bool size_aligned);
/* The range holding pfn, or NULL. */
struct iova *find_iova(struct iova_domain *iovad, unsigned long pfn);
/* Frees a range find_iova()/alloc_iova()/reserve_iova() returned. */
void __free_iova(struct iova_domain *iovad, struct iova *iova);
/* Frees the range holding pfn: 0, or -ENOENT when none does. */
int free_iova(struct iova_domain *iovad, unsigned long pfn);
/*
 * Keep [pfn_lo, pfn_hi] out of allocation, merging with overlapping ranges
 * as 6.1 does. NULL when pfn_lo > pfn_hi or a pfn cannot be expressed as
 * an address.
 */
struct iova *reserve_iova(struct iova_domain *iovad, unsigned long pfn_lo, unsigned long pfn_hi);

/* Per-CPU caches with IOVA_DEFAULT_NR_CPUS CPUs: 0 or -ENOMEM/-EEXIST. */
int iova_domain_init_rcaches(struct iova_domain *iovad);
/* Same with an explicit CPU count (1..IOVA_MAX_NR_CPUS), else -EINVAL. */
int iova_domain_init_rcaches_cpus(struct iova_domain *iovad, unsigned int nr_cpus);
/* Select the CPU the next fast alloc/free runs on: 0 or -EINVAL. */
int iova_set_cpu(struct iova_domain *iovad, unsigned int cpu);

/*
 * Linux's alloc_iova_fast(): sizes below 2^(IOVA_RANGE_CACHE_MAX_SIZE-1)
 * are rounded up to a power of two; try the rcache, then the tree
 * (size-aligned), then, with flush_rcache, empty every cache and retry.
 * Returns pfn_lo, or 0 when exhausted.
 */
unsigned long alloc_iova_fast(struct iova_domain *iovad, unsigned long size,
			      unsigned long limit_pfn, bool flush_rcache);
/*
 * Linux's free_iova_fast(): cache the range when its order is cacheable,
 * else free it in the tree. -EINVAL when pfn does not start a range
 * (Linux would cache the bogus pfn).
 */
int free_iova_fast(struct iova_domain *iovad, unsigned long pfn, unsigned long size);
/* Return every cached range of one CPU / of the depot to the tree. */
void free_cpu_cached_iovas(unsigned int cpu, struct iova_domain *iovad);
void free_global_cached_iovas(struct iova_domain *iovad);

/* What one size order's caches hold, for tests and debugfs-like views. */
struct iova_rcache_info {
	unsigned long loaded;   /* pfns in this CPU's loaded magazine */
	unsigned long prev;     /* pfns in this CPU's prev magazine */
	unsigned long depot;    /* full magazines in the depot */
};
int iova_rcache_get_info(const struct iova_domain *iovad, unsigned int order,
			 unsigned int cpu, struct iova_rcache_info *info);

/* In-order walk helpers (anchor included last). */
struct iova *iova_first(const struct iova_domain *iovad);
struct iova *iova_next(const struct iova *iova);

#endif
