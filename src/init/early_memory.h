/*
 * The early boot's use of memory on arm64 (Linux setup_arch(),
 * bootmem_init(), start_kernel() up to mm_init()), replayed on memblock as
 * the reference guest boots: Debian's cloud kernel and the oracle's
 * initramfs, loaded by QEMU with -kernel/-initrd, each kernel's as
 * early_memory_version.h says. Only the allocations that decide where the
 * CMA area and the swiotlb pool land are replayed.
 */
#ifndef IOMMUSIM_INIT_EARLY_MEMORY_H
#define IOMMUSIM_INIT_EARLY_MEMORY_H

#include "base/device.h"
#include "base/memblock.h"
#include "base/page_alloc.h"

/* What the early boot learns about memory (mm's zone sizes, free_area_init()) */
struct early_mm {
	u64 ram_base, ram_end;
	u64 dma_phys_limit;		/* arm64_dma_phys_limit: the end of ZONE_DMA */
	u64 dma32_phys_limit;		/* max_zone_phys(32): the end of ZONE_DMA32 */
	u64 nr_kernel_pages, nr_all_pages;
	unsigned nr_cpus;		/* num_possible_cpus() */
	u64 initrd_base, initrd_size;	/* where QEMU put the initrd */
	struct tagged {			/* allocations later steps refer to (NODE_DATA) */
		u64 addr, size;
	} tags[4];
};

/*
 * setup_arch() as far as memblock goes: the RAM, the reservations of the
 * kernel image, initrd and DTB where QEMU put them, paging_init()'s page
 * tables, the unflattened DT, bootmem_init() (NUMA, on 6.1 sparsemem and
 * the memmap, zone sizes, the CMA area: logs "cma: ...") and
 * request_standard_resources().
 * 0, -ENOMEM (no RAM, or memblock could not grow).
 */
int early_memory_setup_arch(struct kernel *k, struct memblock *mb, struct early_mm *mm);
/*
 * start_kernel() up to mm_init(): on 7.3 sparsemem and the memmap,
 * setup_command_line(), the per-CPU first chunk, setup_log_buf() and the
 * dentry/inode hash tables.
 */
void early_memory_start_kernel(struct kernel *k, struct memblock *mb, const struct early_mm *mm);
/*
 * memblock_free_all(): pages (initialised here) may hand out what memblock
 * left free at or above low, the initrd too (free_initrd_mem() gives it
 * back once it is unpacked). 0, or -ENOMEM.
 */
int early_memory_free_all(struct memblock *mb, const struct early_mm *mm, struct page_alloc *pages, u64 low);

#endif
