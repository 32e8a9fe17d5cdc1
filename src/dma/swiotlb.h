/*
 * Software IO TLB: the model of Linux 6.1 kernel/dma/swiotlb.c, with what
 * 7.3's arm64 adds before it (swiotlb_adjust_size(), swiotlb_params.adjust_size).
 *
 * The bounce pool is a run of 2 KiB slots (IO_TLB_SIZE) in guest physical
 * memory, grouped into segments of IO_TLB_SEGSIZE slots that no mapping
 * crosses, and split into areas (one per possible CPU, rounded to a power of
 * two) each searched round-robin from its own index. A mapping copies the
 * caller's buffer into the pool and hands out the pool address; unmap and
 * the sync calls copy back in the directions Linux does. Messages Linux
 * prints go to a caller-supplied log callback with the same wording.
 *
 * struct device is reduced to what swiotlb reads from it (struct
 * swiotlb_dev); the pool is passed explicitly where Linux reads
 * dev->dma_io_tlb_mem. Physical and DMA addresses are equal (no offset on
 * the virt machine, no memory encryption).
 */
#ifndef IOMMUSIM_DMA_SWIOTLB_H
#define IOMMUSIM_DMA_SWIOTLB_H

#include <stddef.h>

#include "base/bits.h"
#include "dma/mapping.h" /* enum dma_data_direction, DMA_MAPPING_ERROR */
#include "hw/mem.h"

#ifndef DMA_ATTR_SKIP_CPU_SYNC
#define DMA_ATTR_SKIP_CPU_SYNC (1UL << 5)
#endif
#ifndef DMA_ATTR_NO_WARN
#define DMA_ATTR_NO_WARN (1UL << 8)
#endif

/* include/linux/swiotlb.h, 6.1 */
#define IO_TLB_SEGSIZE 128
#define IO_TLB_SHIFT 11
#define IO_TLB_SIZE (1U << IO_TLB_SHIFT)
#define IO_TLB_DEFAULT_SIZE (64UL << 20)
/* kernel/dma/swiotlb.c: the smallest pool (1 MiB) */
#define IO_TLB_MIN_SLABS ((1UL << 20) >> IO_TLB_SHIFT)

/* The CPU page of the reference kernel (Debian arm64: 4K). */
#define SWIOTLB_PAGE_SHIFT 12
#define SWIOTLB_PAGE_SIZE (1UL << SWIOTLB_PAGE_SHIFT)

/* printk levels the log callback receives */
#define SWIOTLB_LOGLEVEL_ERR 3
#define SWIOTLB_LOGLEVEL_WARNING 4
#define SWIOTLB_LOGLEVEL_INFO 6

/* What swiotlb reads from struct device. */
struct swiotlb_dev {
	void *owner;                    /* the caller's device (struct device *), for its log callback */
	const char *name;               /* dev_name(), e.g. "0000:00:02.0" */
	unsigned int min_align_mask;    /* dma_get_min_align_mask(); 0 without dma_parms */
	unsigned long seg_boundary_mask;/* dma_parms->segment_boundary_mask; 0 = ULONG_MAX */
	u64 dma_mask;                   /* *dev->dma_mask, for swiotlb_map's dma_capable() */
	u64 bus_dma_limit;              /* 0 = none */
};

/*
 * Log sink. dev is NULL for pr_*() lines, whose text then carries the
 * "software IO TLB: " prefix; for dev_*() lines the caller adds the
 * "<driver> <dev_name>: " prefix. The text has no trailing newline.
 */
typedef void (*swiotlb_log_fn)(void *ctx, int level, const struct swiotlb_dev *dev,
			       const char *text);
/* Virtual clock in nanoseconds, for the printk rate limits; may be NULL. */
typedef u64 (*swiotlb_clock_fn)(void *ctx);

/* The kernel command line and the platform facts swiotlb_init() needs. */
struct swiotlb_params {
	unsigned long nslabs;   /* swiotlb=<slabs>; 0 = IO_TLB_DEFAULT_SIZE */
	unsigned int nareas;    /* swiotlb=<slabs>,<areas>; 0 = from nr_cpus */
	bool force;             /* swiotlb=force */
	bool noforce;           /* swiotlb=noforce */
	unsigned int nr_cpus;   /* num_possible_cpus(); 0 counts as 1 */
	bool addressing_limit;  /* swiotlb_init()'s: the arch says some RAM is out of DMA's reach */
	/*
	 * The arch's swiotlb_adjust_size(bytes) before swiotlb_init(), 0 for
	 * none: the default pool (when swiotlb= set no size) becomes that
	 * many bytes, in whole segments, rounded for swiotlb='s areas, and
	 * "SWIOTLB bounce buffer size adjusted to NMB" says so.
	 */
	u64 adjust_size;
	bool verbose;           /* SWIOTLB_VERBOSE: print where the pool is */
	struct guest_mem *gmem;
	u64 base;               /* where the pool is, when alloc_low is NULL */
	/*
	 * memblock_alloc_low(bytes, align) for the pool: its address, or 0
	 * when nothing fits (swiotlb_init then halves the pool and retries,
	 * as 6.1.y does). NULL: the pool is at base.
	 */
	u64 (*alloc_low)(void *alloc_ctx, u64 bytes, u64 align);
	void *alloc_ctx;
	swiotlb_log_fn log;
	swiotlb_clock_fn clock;
	void *ctx;
};

struct io_tlb_slot {
	u64 orig_addr;          /* INVALID_PHYS_ADDR when free */
	size_t alloc_size;      /* bytes from this slot to the mapping's end */
	unsigned int list;      /* free slots from here to the segment end; 0 = used */
	unsigned int head_nslots; /* model only: slots of the mapping starting here, else 0 */
};

struct io_tlb_area {
	unsigned long used;
	unsigned int index;     /* where the next search starts */
};

/* printk_ratelimit state: DEFAULT_RATELIMIT_INTERVAL 5 s, BURST 10 */
struct swiotlb_ratelimit {
	u64 begin_ns;
	bool started;
	int printed;
	int missed;
};

struct swiotlb_stats {
	u64 maps;               /* successful swiotlb_tbl_map_single() */
	u64 unmaps;
	u64 full;               /* maps refused: no free slots */
	u64 errors;             /* calls refused for bad arguments */
	u64 bounces_to_device;  /* copies into the pool */
	u64 bounces_from_device;/* copies out of the pool */
	u64 bounce_bytes_to_device;
	u64 bounce_bytes_from_device;
	unsigned long max_used; /* high-water mark of used slots */
};

struct io_tlb_mem {
	u64 start;              /* pool base (phys == dma) */
	u64 end;                /* exclusive */
	unsigned long nslabs;   /* 0: no pool (swiotlb not needed or disabled) */
	bool force_bounce;
	unsigned int nareas;
	unsigned int area_nslabs;
	struct io_tlb_area *areas;
	struct io_tlb_slot *slots;

	unsigned int cpu;       /* raw_smp_processor_id() of the caller */
	struct guest_mem *gmem;
	swiotlb_log_fn log;
	swiotlb_clock_fn clock;
	void *ctx;
	struct swiotlb_ratelimit rl_full;
	struct swiotlb_ratelimit rl_nopool;
	unsigned int warned_once; /* one bit a dev_warn_once()/dev_WARN_ONCE() site */
	struct swiotlb_stats stats;
};

/*
 * Parse the value of "swiotlb=" as setup_io_tlb_npages() does:
 * [<slabs>][,<areas>][,force|noforce]; slabs are aligned up to
 * IO_TLB_SEGSIZE. 0, or -EINVAL for a NULL argument.
 */
int swiotlb_parse_cmdline(const char *arg, struct swiotlb_params *p);

/*
 * What parsing swiotlb= prints when it names an area count (6.1.y's
 * swiotlb_adjust_nareas() runs then, at early-param time, and swiotlb_init()
 * does not size the areas again): "area num N." and, when the pool has to
 * grow to a power of two, the roundup line. The number of lines (0..2).
 */
#define SWIOTLB_LINE_MAX 96
int swiotlb_cmdline_lines(const struct swiotlb_params *p, char lines[2][SWIOTLB_LINE_MAX]);

/* Pool bytes swiotlb_init() will use for these parameters (0 if none). */
u64 swiotlb_size_or_default(const struct swiotlb_params *p);

/*
 * swiotlb_init(addressing_limit, flags) for the default pool. Returns 0
 * with mem->nslabs == 0 when no pool is needed (no addressing limit and no
 * force, or noforce) or alloc_low found room for none, 0 with a pool,
 * -EINVAL for bad parameters (no guest memory, base not page aligned),
 * -ENOMEM when the pool does not fit in guest RAM or host memory runs out.
 * Logs Linux's boot lines.
 */
int swiotlb_init(struct io_tlb_mem *mem, const struct swiotlb_params *p);
void swiotlb_exit(struct io_tlb_mem *mem);
/* The CPU whose area searches start first: 0 or -EINVAL. */
int swiotlb_set_cpu(struct io_tlb_mem *mem, unsigned int cpu);

/*
 * Bounce orig_addr: returns the pool address (keeping the bits of
 * orig_addr under min_align_mask) or DMA_MAPPING_ERROR. Copies
 * mapping_size bytes to the pool whatever the direction, as 6.1 does.
 */
u64 swiotlb_tbl_map_single(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
			   u64 orig_addr, size_t mapping_size, size_t alloc_size,
			   unsigned int alloc_align_mask, enum dma_data_direction dir,
			   unsigned long attrs);
/* Copies back for FROM_DEVICE/BIDIRECTIONAL, frees the slots. 0 or -EINVAL. */
int swiotlb_tbl_unmap_single(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
			     u64 tlb_addr, size_t mapping_size, enum dma_data_direction dir,
			     unsigned long attrs);
/* 0, or -EINVAL for an address outside a mapping or a direction Linux BUG()s on. */
int swiotlb_sync_single_for_device(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
				   u64 tlb_addr, size_t size, enum dma_data_direction dir);
int swiotlb_sync_single_for_cpu(struct io_tlb_mem *mem, const struct swiotlb_dev *dev,
				u64 tlb_addr, size_t size, enum dma_data_direction dir);
/* dma-direct's entry: map, then check the result against the device's masks. */
u64 swiotlb_map(struct io_tlb_mem *mem, const struct swiotlb_dev *dev, u64 paddr,
		size_t size, enum dma_data_direction dir, unsigned long attrs);

size_t swiotlb_max_mapping_size(const struct swiotlb_dev *dev);
unsigned int swiotlb_max_segment(const struct io_tlb_mem *mem);
bool is_swiotlb_active(const struct io_tlb_mem *mem);
bool is_swiotlb_buffer(const struct io_tlb_mem *mem, u64 paddr);
/* Used slots over all areas (debugfs io_tlb_used). */
unsigned long swiotlb_mem_used(const struct io_tlb_mem *mem);

#endif
