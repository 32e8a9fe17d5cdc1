/*
 * The early boot's use of memory, per kernel (src/kversion/linux_version.h):
 * how each kernel's Debian image is laid out where QEMU loads it, and the
 * memblock allocations its setup_arch() and start_kernel() make up to
 * mm_init(), in order, as data. early_memory.c replays them; this file says
 * what they are for 6.1 and for 7.3 (both read in the memblock=debug log of
 * the reference guest booted with earlycon, which keeps every line).
 */
#ifndef IOMMUSIM_INIT_EARLY_MEMORY_VERSION_H
#define IOMMUSIM_INIT_EARLY_MEMORY_VERSION_H

#include <stddef.h>
#include "base/bits.h"

struct early_mm;

/* What the sizes depend on (the machine, the command line, the zones) */
struct early_ctx {
	const struct early_mm *mm;
	/*
	 * The address space the kernel runs with: PHYS_MASK_SHIFT (48, or 52
	 * with LPA2, which sizes sparsemem's mem_section roots) and the levels
	 * of its page tables (4, or 5 with LPA2's 52-bit VA on 4K pages)
	 */
	unsigned phys_mask_shift;
	unsigned pgtable_levels;
	u64 nsections;			/* present memory sections */
	u64 nroots;			/* mem_section roots they fall in */
	u64 nr_memory_regions;		/* memblock.memory.cnt */
	u64 dt_unflattened;		/* unflatten_device_tree()'s allocation */
	u64 cmdline_len;		/* strlen(boot_command_line) */
	u64 log_buf_len;		/* setup_log_buf()'s new buffer, 0 when it keeps the static one */
	u64 dhash_bytes, ihash_bytes;	/* the dentry and inode hash tables */
};

enum early_op {
	EARLY_ALLOC,			/* memblock_alloc_try_nid(size, align, 0, accessible) */
	EARLY_ALLOC_BELOW_MAX_PFN,	/* memblock_phys_alloc_range(size, align, 0, PFN_PHYS(max_pfn)) */
	EARLY_ALLOC_PGDAT_SECTION,	/* first within NODE_DATA's memory section */
	EARLY_ALLOC_OF_ALIASES,		/* of_alias_scan(): a struct alias_prop per /aliases property */
	EARLY_FREE,			/* memblock_free() of the allocation with the same tag */
	EARLY_FREE_INIT_PG_DIR,		/* paging_init() gives the image's init_pg_dir back */
	EARLY_DMA_CONTIGUOUS,		/* the zones' limits, then dma_contiguous_reserve(): the CMA area */
};

struct early_alloc {
	const char *site;		/* the Linux allocation it stands for */
	enum early_op op;
	u64 size;			/* bytes, when size_of is NULL */
	u64 (*size_of)(const struct early_ctx *c);
	u64 align;
	u64 count;			/* how many of them, when count_of is NULL (0: one) */
	u64 (*count_of)(const struct early_ctx *c);
	int tag;			/* non-zero: what a later EARLY_FREE names */
};

/* allocations a later step refers to */
enum { EARLY_TAG_NODE_DATA = 1, EARLY_TAG_PCPU_AI, EARLY_TAG_PCPU_AREAS, EARLY_NR_TAGS };

/* The reference guest's Image as memblock sees it (its header and System.map) */
struct early_image {
	u64 size;			/* _end - _text: the Image header's image_size */
	u64 reserve_offset;		/* where arm64_memblock_init()'s reservation starts: _stext or _text */
	u64 init_pg_dir_offset;		/* init_pg_dir - _text, for EARLY_FREE_INIT_PG_DIR */
	u64 init_pg_dir_size;
};

struct early_memory_version {
	struct early_image image;
	/*
	 * The oracle's initramfs for this kernel (busybox, the init, the
	 * probes, the kernel's modules), which QEMU loads at RAM + min(RAM / 2,
	 * 128 MiB): its size places the DTB after it.
	 */
	u64 initrd_size;
	/* unflatten_device_tree(): sizeof(struct device_node), sizeof(struct property) (96 on 6.1, 112 on 7.3) */
	u64 dt_node_size, dt_property_size;
	/*
	 * What sizes the hash tables (nr_kernel_pages, nr_all_pages): 7.3's
	 * calc_nr_kernel_pages() counts the pages memblock has free at the end
	 * of free_area_init(), before the memmap exists; 6.1 counts each zone's
	 * pages less its memmap.
	 */
	bool kernel_pages_from_free_memblock;
	/*
	 * CONFIG_ARM64_LPA2 with 52-bit VA and PA on 4K pages (7.3's Debian
	 * build): when the boot CPU's ID_AA64MMFR0_EL1.TGRAN4 says 52-bit
	 * (FEAT_LPA2), early_map_kernel() keeps 52-bit VA and 5 levels and
	 * PHYS_MASK_SHIFT is 52; otherwise 48 bits and 4 levels. 6.1's build is
	 * 48-bit only (VA_BITS_48, PA_BITS_48, 4 levels), whatever the CPU.
	 */
	bool lpa2_52bit;
	/* setup_arch() from paging_init() to request_standard_resources() */
	const struct early_alloc *setup_arch;
	size_t nr_setup_arch;
	/* start_kernel() from there to mm_init()'s mem_init() */
	const struct early_alloc *start_kernel;
	size_t nr_start_kernel;
};

extern const struct early_memory_version early_memory_linux_6_1, early_memory_linux_7_3;

#endif
