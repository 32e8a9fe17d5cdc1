/*
 * dma-iommu's setup (drivers/iommu/dma-iommu.c, 6.1): a device in a DMA or
 * DMA-FQ domain gets iommu_dma_ops once its domain accepts the device's
 * DMA range; otherwise Linux keeps dma-direct and says so (seed 000).
 */
#include "dma/mapping.h"
#include "iommu/iommu.h"

const struct dma_map_ops iommu_dma_ops = {
	.name = "dma-iommu",
};

const char *dma_ops_name(const struct device *dev)
{
	return dev->dma_ops ? dev->dma_ops->name : "dma-direct";
}

static int iommu_dma_init_domain(struct iommu_domain *domain, u64 base, u64 limit)
{
	if (domain->geometry.force_aperture &&
	    (base > domain->geometry.aperture_end || limit < domain->geometry.aperture_start)) {
		kprintf(domain->k, "specified DMA range outside IOMMU capability");
		return -1;
	}
	return 0;
}

void iommu_setup_dma_ops(struct device *dev, u64 dma_base, u64 dma_limit)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);
	if (!domain)
		goto out_err;
	if (domain->type & __IOMMU_DOMAIN_DMA_API) {
		if (iommu_dma_init_domain(domain, dma_base, dma_limit))
			goto out_err;
		dev->dma_ops = &iommu_dma_ops;
	}
	return;
out_err:
	kprintf(dev->k, "Failed to set up IOMMU for device %s; retaining platform DMA ops", dev->name);
}
