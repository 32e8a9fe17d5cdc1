/*
 * State the dma/ files share (private to src/dma): the per-kernel DMA core
 * (default swiotlb pool, iommu.forcedac), the per-device state behind
 * dev->dma_state, and dma-iommu's per-domain cookie with its flush queue.
 */
#ifndef IOMMUSIM_DMA_DMA_INTERNAL_H
#define IOMMUSIM_DMA_DMA_INTERNAL_H

#include "dma/mapping.h"
#include "dma/iova.h"
#include "dma/swiotlb.h"
#include "iommu/iommu.h"

/* drivers/iommu/dma-iommu.c, 6.1: entries per CPU queue and the flush timer */
#define IOVA_FQ_SIZE 256
#define IOVA_FQ_TIMEOUT_MS 10

struct dma_core {
	struct kernel *k;
	struct io_tlb_mem io_tlb;	/* io_tlb_default_mem */
	bool forcedac;			/* iommu.forcedac=1 */
	u64 ram_end;			/* end of RAM: dma_direct_get_required_mask() */
	unsigned zone_dma_bits;		/* arm64's zone_dma_bits (6.1) */
	u64 zone_dma_limit;		/* ZONE_DMA's last address as dma-direct sees it: dma_direct_supported() */
	u64 dma_phys_limit;		/* arm64_dma_phys_limit: the end of ZONE_DMA */
	u64 cma_base, cma_size;		/* dma_contiguous_default_area (size 0: none) */
	struct dma_dev_state **devs;	/* every per-device state, freed at exit */
	size_t ndevs, capdevs;
	struct iommu_dma_cookie **cookies;
	size_t ncookies, capcookies;
};

struct dma_dev_state {
	struct device *dev;
	struct dma_core *core;
	struct dma_dev_stats stats;
	struct swiotlb_dev sdev;	/* what swiotlb reads of the device */
	bool warned_overflow;		/* dev_WARN_ONCE in dma_direct_map_page */
};

struct iova_fq_entry {
	unsigned long iova_pfn;
	unsigned long pages;
	u64 counter;			/* fq_flush_start_cnt when queued */
};

struct iova_fq {
	struct iova_fq_entry entries[IOVA_FQ_SIZE];
	unsigned int head, tail;
};

/* A doorbell page mapped in the domain (struct iommu_dma_msi_page) */
struct iommu_dma_msi_page {
	u64 phys;
	u64 iova;
};

/* struct iommu_dma_cookie (IOMMU_DMA_IOVA_COOKIE only: no MSI cookies here) */
struct iommu_dma_cookie {
	struct iommu_dma_msi_page *msi_pages;	/* msi_page_list */
	size_t nmsi_pages;
	struct iova_domain iovad;
	struct iommu_domain *fq_domain;	/* set once the flush queue is up */
	struct iova_fq *fq;		/* one per CPU */
	unsigned int nr_cpus;
	u64 fq_flush_start_cnt, fq_flush_finish_cnt;
	bool fq_timer_on;
	u64 fq_timer_expires_ns;	/* virtual clock */
	struct dma_core *core;
	/* the device whose call is running: where flush costs are counted */
	struct dma_dev_state *cur;
};

/* dma_init.c */
struct dma_core *dma_core_get(struct kernel *k);
struct dma_dev_state *dma_dev_state(struct device *dev);
int dma_core_track_cookie(struct dma_core *core, struct iommu_dma_cookie *cookie);
/* IOTLB invalidation commands the device's IOMMU has issued so far */
u64 dma_dev_tlbi_count(struct device *dev);

/* direct.c (kernel/dma/direct.c) */
u64 dma_direct_map_page(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir,
			unsigned long attrs);
int dma_direct_unmap_page(struct device *dev, u64 addr, size_t size, enum dma_data_direction dir,
			  unsigned long attrs);
int dma_direct_map_sg(struct device *dev, struct scatterlist *sg, int nents,
		      enum dma_data_direction dir, unsigned long attrs);
void dma_direct_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
			 enum dma_data_direction dir, unsigned long attrs);
u64 dma_direct_alloc(struct device *dev, size_t size, u64 *dma_handle, unsigned long attrs);
void dma_direct_free(struct device *dev, size_t size, u64 cpu_pa, u64 dma_handle, unsigned long attrs);
void dma_direct_sync_single_for_cpu(struct device *dev, u64 addr, size_t size,
				    enum dma_data_direction dir);
void dma_direct_sync_single_for_device(struct device *dev, u64 addr, size_t size,
				       enum dma_data_direction dir);
size_t dma_direct_max_mapping_size(struct device *dev);
u64 dma_direct_get_required_mask(struct device *dev);
bool dma_direct_supported(struct device *dev, u64 mask);

/* dma_fq.c: the flush queue of a DMA-FQ domain */
int iommu_dma_init_fq(struct iommu_domain *domain);
void iommu_dma_free_fq(struct iommu_dma_cookie *cookie);
void queue_iova(struct iommu_dma_cookie *cookie, unsigned long pfn, unsigned long pages);
/* run the 10 ms timer when the virtual clock has passed it */
void iommu_dma_fq_check_timer(struct iommu_dma_cookie *cookie);
void fq_flush_timeout(struct iommu_dma_cookie *cookie);

/*
 * pool.c: dma_atomic_pool_init() for the memory mb leaves free (ZONE_DMA32
 * ending at dma32_end), logging "DMA: preallocated ..." per pool. 0,
 * -EINVAL, -ENOMEM.
 */
struct memblock;
int dma_atomic_pool_init(struct kernel *k, const struct memblock *mb, u64 dma32_end);

/* dma_debugfs.c: publish /sys/kernel/debug/iommusim/dma */
void dma_debugfs_init(void);

/* dma_iommu.c */
void iommu_put_dma_cookie(struct iommu_dma_cookie *cookie);
int dma_info_to_prot(enum dma_data_direction dir, bool coherent, unsigned long attrs);

static inline bool valid_dma_direction(enum dma_data_direction dir)
{
	return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE || dir == DMA_FROM_DEVICE;
}

#endif
