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
	/*
	 * cma=SIZE@BASE-LIMIT: 7.3 takes the user's LIMIT as given ("Hornor the
	 * user setup dma address limit"); 6.1 keeps min_not_zero(LIMIT, the
	 * DMA zone's end).
	 */
	bool cma_cmdline_limit_as_given;
	/*
	 * The CMA area tries bottom-up above 4 GiB first when its limit leaves
	 * room there (7.3's cma_alloc_mem); 6.1 asks it of the end of RAM.
	 */
	bool cma_bottom_up_by_limit;
	/*
	 * "cma: Failed to reserve N MiB" names the size asked for (7.3); 6.1
	 * names it aligned to a pageblock once the checks got that far.
	 */
	bool cma_failure_says_size_asked;
	/*
	 * A fixed CMA area (cma=SIZE@BASE) must not cross high_memory: "Region
	 * at B defined on low/high memory boundary (E)" (6.1, whatever the
	 * config); 7.3 checks that only with CONFIG_HIGHMEM, which arm64 has not.
	 */
	bool cma_fixed_checks_high_memory;
	/*
	 * ZONE_DMA ends at the DT's lowest dma-ranges top itself (7.3's
	 * zone_dma_limit, capped at 4 GiB when RAM starts below); 6.1 at the
	 * power of two holding it (zone_dma_bits = fls64(), at most 32).
	 */
	bool zone_dma_limit_is_address;
};

extern const struct dma_version dma_linux_6_1, dma_linux_7_3;

#endif
