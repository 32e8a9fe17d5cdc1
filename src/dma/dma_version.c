/* The DMA API of each kernel (dma_version.h). */
#include "dma/dma_version.h"

const struct dma_version dma_linux_6_1 = {
	.swiotlb_always = false,
	.swiotlb_shrinks_to_ram = false,
	.atomic_pools_by_managed_zone = false,
};

const struct dma_version dma_linux_7_3 = {
	.swiotlb_always = true,
	.swiotlb_shrinks_to_ram = true,
	.atomic_pools_by_managed_zone = true,
};
