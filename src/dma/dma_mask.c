#include <errno.h>
#include "dma/dma_mask.h"
#include "dma/mapping.h"

/*
 * dma_supported(): dma-iommu takes any mask; dma-direct takes every mask of
 * 32 bits or more (dma_direct_supported). Smaller ones would have to reach
 * the top of RAM on virt, whose RAM starts at 1 GiB: refused here.
 */
static bool dma_supported(const struct device *dev, u64 mask)
{
	if (dev->dma_ops)
		return true;
	return mask >= DMA_BIT_MASK(32);
}

int dma_set_mask(struct device *dev, u64 mask)
{
	if (!dev->dma_mask || !dma_supported(dev, mask))
		return -EIO;
	*dev->dma_mask = mask;
	return 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
	if (!dma_supported(dev, mask))
		return -EIO;
	dev->coherent_dma_mask = mask;
	return 0;
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	int rc = dma_set_mask(dev, mask);
	if (!rc)
		dma_set_coherent_mask(dev, mask);
	return rc;
}

int dma_mask_bits(u64 mask)
{
	return mask ? 64 - __builtin_clzll(mask) : 0;
}
