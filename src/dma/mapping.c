/*
 * The DMA API entry points (kernel/dma/mapping.c, 6.1): validate, then
 * dispatch to dev->dma_ops or to dma-direct when there are none.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "dma/mapping.h"

static struct dma_dev_stats dummy_stats;

struct dma_dev_stats *dma_dev_stats(struct device *dev)
{
	(void)dev;
	return &dummy_stats;
}

u64 dma_map_page_attrs(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir,
		       unsigned long attrs)
{
	if (!dev || !size || dir > DMA_FROM_DEVICE || !dev->dma_mask)
		return DMA_MAPPING_ERROR;
	if (dev->dma_ops)
		return dev->dma_ops->map_page ? dev->dma_ops->map_page(dev, phys, size, dir, attrs)
					      : DMA_MAPPING_ERROR;
	return phys;
}

void dma_unmap_page_attrs(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir,
			  unsigned long attrs)
{
	if (!dev || !size || dir > DMA_FROM_DEVICE)
		return;
	if (dev->dma_ops && dev->dma_ops->unmap_page)
		dev->dma_ops->unmap_page(dev, addr, size, dir, attrs);
}

int dma_map_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir, unsigned long attrs)
{
	if (!dev || !sg || nents <= 0 || dir > DMA_FROM_DEVICE)
		return 0;
	for (int i = 0; i < nents; i++) {
		sg[i].dma_address = dma_map_page_attrs(dev, sg[i].phys, sg[i].length, dir, attrs);
		sg[i].dma_length = sg[i].length;
		if (sg[i].dma_address == DMA_MAPPING_ERROR) {
			dma_unmap_sg_attrs(dev, sg, i, dir, attrs);
			return 0;
		}
	}
	return nents;
}

void dma_unmap_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
			enum dma_data_direction dir, unsigned long attrs)
{
	if (!dev || !sg || nents <= 0)
		return;
	for (int i = 0; i < nents; i++)
		dma_unmap_page_attrs(dev, sg[i].dma_address, sg[i].dma_length, dir, attrs);
}

u64 dma_alloc_coherent(struct device *dev, size_t size, u64 *dma_handle)
{
	if (!dev || !size || !dma_handle)
		return 0;
	if (dev->dma_ops && dev->dma_ops->alloc)
		return dev->dma_ops->alloc(dev, size, dma_handle, 0);
	return 0;
}

void dma_free_coherent(struct device *dev, size_t size, u64 cpu_pa, u64 dma_handle)
{
	if (dev && size && dev->dma_ops && dev->dma_ops->free)
		dev->dma_ops->free(dev, size, cpu_pa, dma_handle, 0);
}

void dma_sync_single_for_cpu(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir)
{
	(void)dev, (void)addr, (void)size, (void)dir;
}

void dma_sync_single_for_device(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir)
{
	(void)dev, (void)addr, (void)size, (void)dir;
}

size_t dma_max_mapping_size(struct device *dev)
{
	(void)dev;
	return SIZE_MAX;
}

unsigned int dma_get_max_seg_size(struct device *dev)
{
	return dev ? dev->max_segment_size : 0x10000;
}

int dma_set_max_seg_size(struct device *dev, unsigned int size)
{
	if (!dev)
		return -EIO;
	dev->max_segment_size = size;
	return 0;
}
