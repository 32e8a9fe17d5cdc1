/* The DMA API's per-device ops (include/linux/dma-map-ops.h). */
#ifndef IOMMUSIM_DMA_MAPPING_H
#define IOMMUSIM_DMA_MAPPING_H

#include "base/device.h"

#define DMA_MAPPING_ERROR (~0ULL)

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

struct dma_map_ops {
	const char *name;		/* how the views name them: "dma-iommu" */
	u64 (*map_page)(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir);
	void (*unmap_page)(struct device *dev, u64 dma, size_t size, enum dma_data_direction dir);
};

/* dev->dma_ops, or dma-direct when NULL */
const char *dma_ops_name(const struct device *dev);

/* arm64's arch_setup_dma_ops(): coherency, and dma-iommu when an IOMMU is there. */
void arch_setup_dma_ops(struct device *dev, u64 dma_base, u64 size, bool iommu, bool coherent);
/* dma-iommu's hook: dev->dma_ops = iommu_dma_ops for a DMA domain. */
void iommu_setup_dma_ops(struct device *dev, u64 dma_base, u64 dma_limit);
extern const struct dma_map_ops iommu_dma_ops;

#endif
