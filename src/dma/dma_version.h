/*
 * The DMA API: what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; dma_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_DMA_DMA_VERSION_H
#define IOMMUSIM_DMA_DMA_VERSION_H

#include <stdbool.h>

struct dma_version {
	/*
	 * arm64's mem_init()/arch_mm_preinit() calls swiotlb_init(true): the
	 * default pool is always made (7.3). 6.1 passes max_pfn >
	 * PFN_DOWN(arm64_dma_phys_limit): a pool only when RAM goes past the
	 * DMA zone, or with swiotlb=force.
	 */
	bool swiotlb_always;
	/*
	 * When all of RAM is in the DMA zone, arch_mm_preinit() first shrinks
	 * the default pool to 1 MB per GB of RAM (swiotlb_adjust_size(), for
	 * kmalloc() bouncing only): 7.3. 6.1 keeps 64 MB.
	 */
	bool swiotlb_shrinks_to_ram;
	/*
	 * The atomic DMA pools: one for each zone with managed pages, so on
	 * virt with RAM under 4 GiB only GFP_DMA's (7.3). 6.1 always makes the
	 * GFP_KERNEL and GFP_DMA32 pools, GFP_DMA's when ZONE_DMA has pages.
	 */
	bool atomic_pools_by_managed_zone;
};

extern const struct dma_version dma_linux_6_1, dma_linux_7_3;

#endif
