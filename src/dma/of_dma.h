/* DMA configuration of a device from the DT (drivers/of/device.c, arch/arm64/mm/dma-mapping.c). */
#ifndef IOMMUSIM_DMA_OF_DMA_H
#define IOMMUSIM_DMA_OF_DMA_H

#include "base/device.h"

/*
 * of_dma_configure_id(): bus limits from dma-ranges, masks clipped to them,
 * coherency, the IOMMU (of_iommu_configure) and the DMA ops. 0, -EPROBE_DEFER
 * or -EINVAL (malformed dma-ranges).
 */
int of_dma_configure_id(struct device *dev, int np, bool force_dma, const u32 *id);

#endif
