/*
 * dma-iommu's flush queue (drivers/iommu/dma-iommu.c, 6.1) for DMA-FQ
 * domains: an unmap clears the PTEs without invalidating, and parks the
 * IOVA in a per-CPU ring. One flush_iotlb_all covers everything queued, when
 * a ring is full or when the 10 ms timer fires; only then do the IOVAs go
 * back to the allocator. The timer runs on the kernel's virtual clock: it
 * fires on the first DMA call at or after its expiry (or when forced).
 */
#include <errno.h>
#include <stdlib.h>
#include "dma/dma_internal.h"

#define NSEC_PER_MSEC 1000000ULL

static inline bool fq_full(const struct iova_fq *fq)
{
	return (fq->tail + 1) % IOVA_FQ_SIZE == fq->head;
}

static inline unsigned int fq_ring_add(struct iova_fq *fq)
{
	unsigned int idx = fq->tail;
	fq->tail = (idx + 1) % IOVA_FQ_SIZE;
	return idx;
}

/* Give back every entry whose flush has completed. */
static void fq_ring_free(struct iommu_dma_cookie *cookie, struct iova_fq *fq)
{
	u64 counter = cookie->fq_flush_finish_cnt;
	while (fq->head != fq->tail) {
		struct iova_fq_entry *e = &fq->entries[fq->head];
		if (e->counter >= counter)
			break;
		free_iova_fast(&cookie->iovad, e->iova_pfn, e->pages);
		fq->head = (fq->head + 1) % IOVA_FQ_SIZE;
	}
}

/* fq_flush_iotlb(): one invalidate-all for the domain */
static void fq_flush_iotlb(struct iommu_dma_cookie *cookie)
{
	struct iommu_domain *domain = cookie->fq_domain;
	cookie->fq_flush_start_cnt++;
	if (domain->ops->flush_iotlb_all)
		domain->ops->flush_iotlb_all(domain);
	cookie->fq_flush_finish_cnt++;
	if (cookie->cur)
		cookie->cur->stats.fq_flushes++;
}

void fq_flush_timeout(struct iommu_dma_cookie *cookie)
{
	if (!cookie->fq_domain)
		return;
	cookie->fq_timer_on = false;
	fq_flush_iotlb(cookie);
	for (unsigned int cpu = 0; cpu < cookie->nr_cpus; cpu++)
		fq_ring_free(cookie, &cookie->fq[cpu]);
}

void iommu_dma_fq_check_timer(struct iommu_dma_cookie *cookie)
{
	if (cookie->fq_timer_on && cookie->core->k->log.clock_ns >= cookie->fq_timer_expires_ns)
		fq_flush_timeout(cookie);
}

void queue_iova(struct iommu_dma_cookie *cookie, unsigned long pfn, unsigned long pages)
{
	struct iova_fq *fq = &cookie->fq[cookie->iovad.cur_cpu % cookie->nr_cpus];
	/* first drop what other flushes already covered, to keep fq_full() rare */
	fq_ring_free(cookie, fq);
	if (fq_full(fq)) {
		fq_flush_iotlb(cookie);
		fq_ring_free(cookie, fq);
	}
	unsigned int idx = fq_ring_add(fq);
	fq->entries[idx].iova_pfn = pfn;
	fq->entries[idx].pages = pages;
	fq->entries[idx].counter = cookie->fq_flush_start_cnt;
	if (!cookie->fq_timer_on) {
		cookie->fq_timer_on = true;
		cookie->fq_timer_expires_ns = cookie->core->k->log.clock_ns +
					      IOVA_FQ_TIMEOUT_MS * NSEC_PER_MSEC;
	}
}

int iommu_dma_init_fq(struct iommu_domain *domain)
{
	struct iommu_dma_cookie *cookie = domain->iova_cookie;
	if (!cookie)
		return -EINVAL;
	if (cookie->fq_domain)
		return 0;
	cookie->fq_flush_start_cnt = cookie->fq_flush_finish_cnt = 0;
	cookie->nr_cpus = cookie->iovad.nr_cpus ? cookie->iovad.nr_cpus : 1;
	cookie->fq = calloc(cookie->nr_cpus, sizeof(*cookie->fq));
	if (!cookie->fq) {
		kprintf(domain->k, "iova flush queue initialization failed");
		return -ENOMEM;
	}
	cookie->fq_timer_on = false;
	cookie->fq_domain = domain;
	return 0;
}

void iommu_dma_free_fq(struct iommu_dma_cookie *cookie)
{
	/* the IOVAs still queued go with the iova_domain */
	free(cookie->fq);
	cookie->fq = NULL;
	cookie->fq_domain = NULL;
}
