/*
 * dma-direct (kernel/dma/direct.c, 6.1) for a device without dma_ops: the
 * DMA address is the physical one (virt has no dma-ranges offset), and a
 * buffer the device cannot reach, or every buffer under swiotlb=force,
 * bounces through the default swiotlb pool.
 */
#include <errno.h>
#include <stdint.h>
#include "dma/dma_internal.h"
#include "base/page_alloc.h"
#include "hw/system.h"

static inline u64 min_not_zero(u64 a, u64 b)
{
	return !a ? b : !b ? a : MIN(a, b);
}

/* dma_capable(): the whole buffer under min_not_zero(mask, bus limit) */
static bool dma_capable(const struct device *dev, u64 addr, size_t size)
{
	u64 end = addr + size - 1;
	if (addr == DMA_MAPPING_ERROR || end < addr)
		return false;
	return end <= min_not_zero(*dev->dma_mask, dev->bus_dma_limit);
}

/* the device as swiotlb sees it, refreshed because drivers change masks */
static struct swiotlb_dev *swiotlb_dev_of(struct dma_dev_state *st)
{
	struct device *dev = st->dev;
	st->sdev.dma_mask = dev->dma_mask ? *dev->dma_mask : 0;
	st->sdev.bus_dma_limit = dev->bus_dma_limit;
	st->sdev.seg_boundary_mask = dev->seg_boundary_mask;
	st->sdev.min_align_mask = 0;	/* no dma_parms min_align_mask on these devices */
	return &st->sdev;
}

static u64 swiotlb_copies(const struct io_tlb_mem *mem)
{
	return mem->stats.bounces_to_device + mem->stats.bounces_from_device;
}

static u64 swiotlb_copied_bytes(const struct io_tlb_mem *mem)
{
	return mem->stats.bounce_bytes_to_device + mem->stats.bounce_bytes_from_device;
}

/* per-device bounce counters: what the pool copied during this call */
struct bounce_mark {
	u64 copies, bytes;
};

static inline struct bounce_mark bounce_begin(const struct io_tlb_mem *mem)
{
	return (struct bounce_mark){ swiotlb_copies(mem), swiotlb_copied_bytes(mem) };
}

static inline void bounce_end(struct dma_dev_state *st, const struct io_tlb_mem *mem,
			      struct bounce_mark m)
{
	st->stats.bounces += swiotlb_copies(mem) - m.copies;
	st->stats.bounce_bytes += swiotlb_copied_bytes(mem) - m.bytes;
}

static u64 do_swiotlb_map(struct dma_dev_state *st, u64 phys, size_t size,
			  enum dma_data_direction dir, unsigned long attrs)
{
	struct io_tlb_mem *mem = &st->core->io_tlb;
	struct bounce_mark m = bounce_begin(mem);
	u64 addr = swiotlb_map(mem, swiotlb_dev_of(st), phys, size, dir, attrs);
	bounce_end(st, mem, m);
	return addr;
}

u64 dma_direct_map_page(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir,
			unsigned long attrs)
{
	struct dma_dev_state *st = dma_dev_state(dev);
	if (!st)
		return DMA_MAPPING_ERROR;
	struct io_tlb_mem *mem = &st->core->io_tlb;
	/* is_swiotlb_force_bounce() */
	if (mem->nslabs && mem->force_bounce)
		return do_swiotlb_map(st, phys, size, dir, attrs);
	if (!dma_capable(dev, phys, size)) {
		if (is_swiotlb_active(mem))
			return do_swiotlb_map(st, phys, size, dir, attrs);
		if (!st->warned_overflow) {
			st->warned_overflow = true;
			dev_warn(dev, "DMA addr 0x%016llx+%zu overflow (mask %llx, bus limit %llx).",
				 (unsigned long long)phys, size, (unsigned long long)*dev->dma_mask,
				 (unsigned long long)dev->bus_dma_limit);
		}
		return DMA_MAPPING_ERROR;
	}
	/* coherent on virt (dma-coherent or not, the model keeps no CPU caches) */
	return phys;
}

int dma_direct_unmap_page(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir,
			  unsigned long attrs)
{
	struct dma_dev_state *st = dma_dev_state(dev);
	if (!st)
		return -ENOMEM;
	struct io_tlb_mem *mem = &st->core->io_tlb;
	if (!is_swiotlb_buffer(mem, addr))
		return 0;	/* nothing was bounced: nothing to undo */
	struct bounce_mark m = bounce_begin(mem);
	int ret = swiotlb_tbl_unmap_single(mem, swiotlb_dev_of(st), addr, size, dir, attrs);
	bounce_end(st, mem, m);
	return ret;
}

void dma_direct_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
			 enum dma_data_direction dir, unsigned long attrs)
{
	for (int i = 0; i < nents; i++)
		dma_direct_unmap_page(dev, sg[i].dma_address, sg[i].dma_length, dir, attrs);
}

/* No merging in dma-direct: one DMA segment per entry. */
int dma_direct_map_sg(struct device *dev, struct scatterlist *sg, int nents,
		      enum dma_data_direction dir, unsigned long attrs)
{
	for (int i = 0; i < nents; i++) {
		u64 addr = dma_direct_map_page(dev, sg[i].phys, sg[i].length, dir, attrs);
		if (addr == DMA_MAPPING_ERROR) {
			dma_direct_unmap_sg(dev, sg, i, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC);
			return -EIO;
		}
		sg[i].dma_address = addr;
		sg[i].dma_length = sg[i].length;
	}
	return nents;
}

/* dma_coherent_ok(): the buffer must sit under the coherent mask */
static bool dma_coherent_ok(const struct device *dev, u64 phys, size_t size)
{
	return phys + size - 1 <= min_not_zero(dev->coherent_dma_mask, dev->bus_dma_limit);
}

u64 dma_direct_alloc(struct device *dev, size_t size, u64 *dma_handle, unsigned long attrs)
{
	struct kernel *k = dev->k;
	struct hw_system *hw = k->hw;
	(void)attrs;
	size = ALIGN_UP(size, PAGE_SIZE);
	if (!k->pages || !hw)
		return 0;
	u64 pa = page_alloc(k->pages, size);
	if (!pa)
		return 0;
	if (!dma_coherent_ok(dev, pa, size) || guest_mem_fill(hw->mem, pa, 0, size)) {
		page_free(k->pages, pa, size);
		return 0;
	}
	*dma_handle = pa;
	return pa;
}

void dma_direct_free(struct device *dev, size_t size, u64 cpu_pa, u64 dma_handle, unsigned long attrs)
{
	(void)attrs, (void)dma_handle;
	page_free(dev->k->pages, cpu_pa, ALIGN_UP(size, PAGE_SIZE));
}

void dma_direct_sync_single_for_cpu(struct device *dev, u64 addr, size_t size,
				    enum dma_data_direction dir)
{
	struct dma_dev_state *st = dma_dev_state(dev);
	if (!st || !is_swiotlb_buffer(&st->core->io_tlb, addr))
		return;
	struct bounce_mark m = bounce_begin(&st->core->io_tlb);
	swiotlb_sync_single_for_cpu(&st->core->io_tlb, swiotlb_dev_of(st), addr, size, dir);
	bounce_end(st, &st->core->io_tlb, m);
}

void dma_direct_sync_single_for_device(struct device *dev, u64 addr, size_t size,
				       enum dma_data_direction dir)
{
	struct dma_dev_state *st = dma_dev_state(dev);
	if (!st || !is_swiotlb_buffer(&st->core->io_tlb, addr))
		return;
	struct bounce_mark m = bounce_begin(&st->core->io_tlb);
	swiotlb_sync_single_for_device(&st->core->io_tlb, swiotlb_dev_of(st), addr, size, dir);
	bounce_end(st, &st->core->io_tlb, m);
}

/*
 * dma_direct_supported(): every mask of 32 bits or more (arm64 has ZONE_DMA32
 * memory); a smaller one must still reach min(last page of RAM, the top of
 * ZONE_DMA), where the allocator can always find memory for the device.
 */
bool dma_direct_supported(struct device *dev, u64 mask)
{
	if (mask >= DMA_BIT_MASK(32))
		return true;
	struct dma_core *core = dma_core_get(dev->k);
	if (!core)
		return false;
	u64 min_mask = core->ram_end > PAGE_SIZE ? core->ram_end - PAGE_SIZE : 0;
	min_mask = MIN(min_mask, core->zone_dma_limit);
	return mask >= min_mask;
}

/* dma_direct_get_required_mask(): enough bits for the last page of RAM */
u64 dma_direct_get_required_mask(struct device *dev)
{
	struct dma_core *core = dma_core_get(dev->k);
	if (!core || core->ram_end <= PAGE_SIZE)
		return DMA_BIT_MASK(32);
	u64 last = core->ram_end - PAGE_SIZE;
	return (1ULL << (63 - __builtin_clzll(last))) * 2 - 1;
}

size_t dma_direct_max_mapping_size(struct device *dev)
{
	struct dma_dev_state *st = dma_dev_state(dev);
	if (!st || !is_swiotlb_active(&st->core->io_tlb))
		return SIZE_MAX;
	/* dma_addressing_limited() */
	bool limited = dev->dma_mask &&
		       min_not_zero(*dev->dma_mask, dev->bus_dma_limit) < dma_direct_get_required_mask(dev);
	if (limited || st->core->io_tlb.force_bounce)
		return swiotlb_max_mapping_size(swiotlb_dev_of(st));
	return SIZE_MAX;
}
