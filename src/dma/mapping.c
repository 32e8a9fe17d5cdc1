/*
 * The DMA API entry points (kernel/dma/mapping.c, 6.1): check the
 * arguments, then go to dma-direct when the device has no dma_ops
 * (dma_map_direct()) or to its ops. Where Linux BUG()s or WARNs on bad
 * input (DMA_NONE, no dma_mask, size 0, NULL device) the call fails here
 * without changing anything; the per-device counters record every call.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "dma/dma_internal.h"

static inline struct dma_dev_state *state_of(struct device *dev)
{
	return dev->dma_state ? dev->dma_state : dma_dev_state(dev);
}

u64 dma_map_page_attrs(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir,
		       unsigned long attrs)
{
	if (!dev)
		return DMA_MAPPING_ERROR;
	struct dma_dev_state *st = state_of(dev);
	if (!st)
		return DMA_MAPPING_ERROR;
	u64 addr = DMA_MAPPING_ERROR;
	if (valid_dma_direction(dir) && dev->dma_mask && size && phys + size - 1 >= phys) {
		if (!dev->dma_ops)
			addr = dma_direct_map_page(dev, phys, size, dir, attrs);
		else if (dev->dma_ops->map_page)
			addr = dev->dma_ops->map_page(dev, phys, size, dir, attrs);
	}
	if (addr == DMA_MAPPING_ERROR)
		st->stats.map_errors++;
	else
		st->stats.maps++;
	return addr;
}

void dma_unmap_page_attrs(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir,
			  unsigned long attrs)
{
	if (!dev)
		return;
	struct dma_dev_state *st = state_of(dev);
	if (!st)
		return;
	if (!valid_dma_direction(dir) || !size || addr == DMA_MAPPING_ERROR) {
		st->stats.unmap_errors++;
		return;
	}
	if (!dev->dma_ops) {
		if (dma_direct_unmap_page(dev, addr, size, dir, attrs)) {
			st->stats.unmap_errors++;
			return;
		}
	} else if (dev->dma_ops->unmap_page) {
		u64 errs = st->stats.unmap_errors;
		dev->dma_ops->unmap_page(dev, addr, size, dir, attrs);
		if (st->stats.unmap_errors != errs)
			return;
	}
	st->stats.unmaps++;
}

static bool sg_valid(const struct scatterlist *sg, int nents)
{
	if (!sg || nents <= 0)
		return false;
	for (int i = 0; i < nents; i++)
		if (!sg[i].length || sg[i].phys + sg[i].length - 1 < sg[i].phys)
			return false;
	return true;
}

int dma_map_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir, unsigned long attrs)
{
	if (!dev)
		return 0;
	struct dma_dev_state *st = state_of(dev);
	if (!st)
		return 0;
	int ents = -EINVAL;
	if (valid_dma_direction(dir) && dev->dma_mask && sg_valid(sg, nents)) {
		if (!dev->dma_ops)
			ents = dma_direct_map_sg(dev, sg, nents, dir, attrs);
		else if (dev->dma_ops->map_sg)
			ents = dev->dma_ops->map_sg(dev, sg, nents, dir, attrs);
	}
	if (ents <= 0) {
		st->stats.map_errors++;
		return 0;
	}
	st->stats.sg_maps++;
	st->stats.sg_segments_in += (u64)nents;
	st->stats.sg_segments_out += (u64)ents;
	return ents;
}

/* nents is what was passed to dma_map_sg, not what it returned (as in Linux) */
void dma_unmap_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
			enum dma_data_direction dir, unsigned long attrs)
{
	if (!dev)
		return;
	struct dma_dev_state *st = state_of(dev);
	if (!st)
		return;
	if (!valid_dma_direction(dir) || !sg || nents <= 0) {
		st->stats.unmap_errors++;
		return;
	}
	u64 errs = st->stats.unmap_errors;
	if (!dev->dma_ops)
		dma_direct_unmap_sg(dev, sg, nents, dir, attrs);
	else if (dev->dma_ops->unmap_sg)
		dev->dma_ops->unmap_sg(dev, sg, nents, dir, attrs);
	if (st->stats.unmap_errors == errs)
		st->stats.unmaps++;
}

u64 dma_alloc_coherent(struct device *dev, size_t size, u64 *dma_handle)
{
	if (!dev)
		return 0;
	struct dma_dev_state *st = state_of(dev);
	if (!st)
		return 0;
	u64 cpu = 0, handle = 0;
	/* Linux WARNs without a coherent mask; sizes beyond the allocator fail */
	if (size && dma_handle && dev->coherent_dma_mask && size <= (1ULL << 32)) {
		if (!dev->dma_ops)
			cpu = dma_direct_alloc(dev, size, &handle, 0);
		else if (dev->dma_ops->alloc)
			cpu = dev->dma_ops->alloc(dev, size, &handle, 0);
	}
	if (!cpu) {
		st->stats.map_errors++;
		return 0;
	}
	*dma_handle = handle;
	st->stats.allocs++;
	return cpu;
}

void dma_free_coherent(struct device *dev, size_t size, u64 cpu_pa, u64 dma_handle)
{
	if (!dev)
		return;
	struct dma_dev_state *st = state_of(dev);
	if (!st)
		return;
	if (!size || !cpu_pa || size > (1ULL << 32)) {
		st->stats.unmap_errors++;
		return;
	}
	u64 errs = st->stats.unmap_errors;
	if (!dev->dma_ops)
		dma_direct_free(dev, size, cpu_pa, dma_handle, 0);
	else if (dev->dma_ops->free)
		dev->dma_ops->free(dev, size, cpu_pa, dma_handle, 0);
	if (st->stats.unmap_errors == errs)
		st->stats.frees++;
}

/* the two sync directions share their checks and counting */
static void dma_sync_single(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir,
			    bool for_cpu)
{
	if (!dev || !valid_dma_direction(dir) || !size)
		return;
	struct dma_dev_state *st = state_of(dev);
	if (!st)
		return;
	st->stats.syncs++;
	if (!dev->dma_ops) {
		if (for_cpu)
			dma_direct_sync_single_for_cpu(dev, addr, size, dir);
		else
			dma_direct_sync_single_for_device(dev, addr, size, dir);
	} else if (for_cpu && dev->dma_ops->sync_single_for_cpu) {
		dev->dma_ops->sync_single_for_cpu(dev, addr, size, dir);
	} else if (!for_cpu && dev->dma_ops->sync_single_for_device) {
		dev->dma_ops->sync_single_for_device(dev, addr, size, dir);
	}
}

void dma_sync_single_for_cpu(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir)
{
	dma_sync_single(dev, addr, size, dir, true);
}

void dma_sync_single_for_device(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir)
{
	dma_sync_single(dev, addr, size, dir, false);
}

size_t dma_max_mapping_size(struct device *dev)
{
	if (!dev)
		return 0;
	if (!dev->dma_ops)
		return dma_direct_max_mapping_size(dev);
	if (dev->dma_ops->max_mapping_size)
		return dev->dma_ops->max_mapping_size(dev);
	return SIZE_MAX;
}

/* dma_parms defaults when a bus set none: 64 KiB */
unsigned int dma_get_max_seg_size(struct device *dev)
{
	return dev && dev->max_segment_size ? dev->max_segment_size : 0x10000;
}

int dma_set_max_seg_size(struct device *dev, unsigned int size)
{
	if (!dev)
		return -EIO;
	dev->max_segment_size = size;
	return 0;
}
