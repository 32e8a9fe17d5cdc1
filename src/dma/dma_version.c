/* The DMA API of each kernel (dma_version.h). */
#include "dma/dma_version.h"

const struct dma_version dma_linux_6_1 = {
	.swiotlb_always = false,
	.swiotlb_shrinks_to_ram = false,
	.atomic_pools_by_managed_zone = false,
	.cma_cmdline_limit_as_given = false,
	.cma_bottom_up_by_limit = false,
	.cma_failure_says_size_asked = false,
	.cma_fixed_checks_high_memory = true,
	.zone_dma_limit_is_address = false,
};

const struct dma_version dma_linux_7_3 = {
	.swiotlb_always = true,
	.swiotlb_shrinks_to_ram = true,
	.atomic_pools_by_managed_zone = true,
	.cma_cmdline_limit_as_given = true,
	.cma_bottom_up_by_limit = true,
	.cma_failure_says_size_asked = true,
	.cma_fixed_checks_high_memory = false,
	.zone_dma_limit_is_address = true,
};
