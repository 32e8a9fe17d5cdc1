/* dma_set_mask() and friends (kernel/dma/mapping.c). */
#ifndef IOMMUSIM_DMA_DMA_MASK_H
#define IOMMUSIM_DMA_DMA_MASK_H

#include "base/device.h"

/* 0, or -EIO when the device cannot do DMA or the mask is too small for RAM */
int dma_set_mask(struct device *dev, u64 mask);
int dma_set_coherent_mask(struct device *dev, u64 mask);
int dma_set_mask_and_coherent(struct device *dev, u64 mask);
/* fls64(), the number sysfs dma_mask_bits shows */
int dma_mask_bits(u64 mask);

#endif
