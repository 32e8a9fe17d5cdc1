/*
 * The DMA API (include/linux/dma-mapping.h, dma-map-ops.h; Linux 6.1):
 * what drivers call, and the per-device ops behind it. dev->dma_ops NULL
 * means dma-direct (with swiotlb bouncing when needed); iommu_dma_ops is
 * dma-iommu for devices in a DMA or DMA-FQ domain.
 */
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

/* attrs */
#define DMA_ATTR_SKIP_CPU_SYNC (1UL << 5)
#define DMA_ATTR_NO_WARN (1UL << 8)

/* A scatterlist entry: CPU side (page_link as a guest PA) and DMA side. */
struct scatterlist {
	u64 phys;		/* guest physical address of the data */
	u32 length;
	u64 dma_address;	/* filled by dma_map_sg */
	u32 dma_length;
};

struct dma_map_ops {
	const char *name;	/* how the views name them: "dma-iommu" */
	u64 (*map_page)(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir,
			unsigned long attrs);
	void (*unmap_page)(struct device *dev, u64 dma, size_t size, enum dma_data_direction dir,
			   unsigned long attrs);
	/* number of DMA segments (<= nents), or a negative errno */
	int (*map_sg)(struct device *dev, struct scatterlist *sg, int nents,
		      enum dma_data_direction dir, unsigned long attrs);
	void (*unmap_sg)(struct device *dev, struct scatterlist *sg, int nents,
			 enum dma_data_direction dir, unsigned long attrs);
	/* returns the CPU-side PA of the buffer (0 on failure), *dma_handle the device side */
	u64 (*alloc)(struct device *dev, size_t size, u64 *dma_handle, unsigned long attrs);
	void (*free)(struct device *dev, size_t size, u64 cpu_pa, u64 dma_handle, unsigned long attrs);
	void (*sync_single_for_cpu)(struct device *dev, u64 dma, size_t size, enum dma_data_direction dir);
	void (*sync_single_for_device)(struct device *dev, u64 dma, size_t size, enum dma_data_direction dir);
	size_t (*max_mapping_size)(struct device *dev);
	u64 (*get_required_mask)(struct device *dev);
};

/* Per-device counters, shown in /sys/kernel/debug/iommusim/dma/DEVICE. */
struct dma_dev_stats {
	u64 maps, unmaps, map_errors;
	u64 sg_maps, sg_segments_in, sg_segments_out;
	u64 allocs, frees;
	u64 bounces, bounce_bytes;	/* swiotlb copies */
	u64 iova_cache_hits, iova_cache_misses;
	u64 invalidations;		/* IOTLB invalidations this device's unmaps caused */
	u64 fq_flushes;			/* flush-queue flushes (DMA-FQ) */
	u64 unmap_errors;		/* unmaps of addresses this device never mapped */
	u64 syncs;			/* dma_sync_* calls */
};

/* dev->dma_ops, or "dma-direct" when NULL */
const char *dma_ops_name(const struct device *dev);
struct dma_dev_stats *dma_dev_stats(struct device *dev);

/* the API drivers call; every one validates its arguments and never half-applies */
u64 dma_map_page_attrs(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir,
		       unsigned long attrs);
void dma_unmap_page_attrs(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir,
			  unsigned long attrs);
static inline u64 dma_map_single(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir)
{
	return dma_map_page_attrs(dev, phys, size, dir, 0);
}
static inline void dma_unmap_single(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir)
{
	dma_unmap_page_attrs(dev, addr, size, dir, 0);
}
static inline bool dma_mapping_error(struct device *dev, u64 addr)
{
	(void)dev;
	return addr == DMA_MAPPING_ERROR;
}
/* dma_map_sg_attrs(): segments mapped (0 on failure, as Linux) */
int dma_map_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_sg_attrs(struct device *dev, struct scatterlist *sg, int nents,
			enum dma_data_direction dir, unsigned long attrs);
u64 dma_alloc_coherent(struct device *dev, size_t size, u64 *dma_handle);
void dma_free_coherent(struct device *dev, size_t size, u64 cpu_pa, u64 dma_handle);
void dma_sync_single_for_cpu(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir);
void dma_sync_single_for_device(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir);
size_t dma_max_mapping_size(struct device *dev);
/* dma_get_max_seg_size() / dma_set_max_seg_size() */
unsigned int dma_get_max_seg_size(struct device *dev);
int dma_set_max_seg_size(struct device *dev, unsigned int size);

/* arm64's arch_setup_dma_ops(): coherency, and dma-iommu when an IOMMU is there. */
void arch_setup_dma_ops(struct device *dev, u64 dma_base, u64 size, bool iommu, bool coherent);
/* dma-iommu's hook: dev->dma_ops = iommu_dma_ops for a DMA domain. */
void iommu_setup_dma_ops(struct device *dev, u64 dma_base, u64 dma_limit);
extern const struct dma_map_ops iommu_dma_ops;

/*
 * iommu_dma_prepare_msi(): before an MSI of dev is composed, map the doorbell
 * page at msi_addr into the device's domain when that domain is dma-iommu's
 * (it has an IOVA cookie): an IOVA from the domain's allocator under the
 * device's DMA mask, mapped IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO, once
 * per domain (the cookie's MSI page list). Nothing to do without a group or
 * in an identity domain. 0, or -ENOMEM (no IOVA, or the map failed).
 */
int iommu_dma_prepare_msi(struct device *dev, u64 msi_addr);
/*
 * iommu_dma_compose_msi_msg(): the address the device must write for
 * msi_addr: the doorbell page's IOVA plus the offset in a dma-iommu domain
 * that has the page, else msi_addr itself.
 */
u64 iommu_dma_compose_msi_addr(struct device *dev, u64 msi_addr);
/* The doorbell pages a domain's cookie holds: how many, up to max (phys, iova) pairs. */
size_t iommu_dma_msi_pages(struct device *dev, u64 *phys, u64 *iova, size_t max);

struct memblock;

/*
 * arm64's zone_sizes_init() for the DMA layer: zone_dma_bits (at most 32,
 * less when the DT's dma-ranges end lower) and arm64_dma_phys_limit, the
 * end of ZONE_DMA, which it returns (0 without RAM); *dma32_phys_limit
 * (when not NULL) gets the end of ZONE_DMA32.
 */
u64 dma_zone_init(struct kernel *k, u64 *dma32_phys_limit);
/*
 * kernel/dma/contiguous.c dma_contiguous_reserve(limit): the default CMA
 * area (CONFIG_CMA_SIZE_MBYTES, 64 MiB) from memblock under limit, logged
 * as Linux logs it ("cma: Reserved 64 MiB at ..." or "cma: Failed to
 * reserve 64 MiB"). 0, -ENOMEM when it does not fit, -EINVAL without a core.
 */
int dma_contiguous_reserve(struct kernel *k, struct memblock *mb, u64 limit);
/*
 * arm64 mem_init()'s swiotlb_init() (kernel_boot calls it after the early
 * allocations): the default pool from memblock_alloc_low(), only when RAM
 * reaches past ZONE_DMA or with swiotlb=force. 0, or -ENOMEM.
 */
int dma_subsys_init(struct kernel *k, struct memblock *mb);
void dma_subsys_exit(struct kernel *k);

/*
 * dma-iommu's flush queue: the 10 ms timer runs on the next DMA call once
 * the virtual clock passed it; these run it now. iommu_dma_flush_fq: -ENODEV
 * when the device's domain has no flush queue. iommu_dma_run_fq_timers: every
 * expired timer of the kernel's DMA domains.
 */
int iommu_dma_flush_fq(struct device *dev);
void iommu_dma_run_fq_timers(struct kernel *k);

/* The "key: value" lines of /sys/kernel/debug/iommusim/dma/DEVICE, malloc'd (NULL on ENOMEM). */
char *dma_dev_stats_text(struct device *dev);

#endif
