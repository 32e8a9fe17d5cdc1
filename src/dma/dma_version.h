/*
 * : what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; dma_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_DMA_DMA_VERSION_H
#define IOMMUSIM_DMA_DMA_VERSION_H

#include <stdbool.h>

struct dma_version {
	/*
	 * swiotlb is always set up and first shrunk to 1 MB per GB of RAM when
	 * all of RAM is DMA-able (7.3's swiotlb_adjust_size() from arm64's
	 * mem_init()); 6.1 sets it up only when RAM passes the DMA zone or with
	 * swiotlb=force.
	 */
	bool swiotlb_always;
};

extern const struct dma_version dma_linux_6_1, dma_linux_7_3;

#endif
