#include <errno.h>
#include "dma/dma_mask.h"
#include "dma/dma_internal.h"

/* dma_supported(): dma-iommu has no dma_supported op, so takes any mask */
static bool dma_supported(struct device *dev, u64 mask)
{
	if (dev->dma_ops)
		return true;
	return dma_direct_supported(dev, mask);
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
