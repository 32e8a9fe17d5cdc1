/*
 * IOMMU domains (drivers/iommu/iommu.c, 6.1): allocation from the bus's ops,
 * attaching groups, and iommu_map()/iommu_unmap() splitting a range into the
 * largest page sizes the domain supports.
 */
#include <errno.h>
#include <stdlib.h>
#include "iommu/iommu.h"
#include "pgtable/io_pgtable.h"	/* struct iommu_iotlb_gather */

struct iommu_domain *iommu_domain_alloc_type(struct kernel *k, const struct bus_type *bus, unsigned type)
{
	struct iommu_core *c = iommu_core(k);
	const struct iommu_ops *ops = NULL;
	for (size_t i = 0; i < c->nbus_ops; i++)
		if (c->bus_ops_bus[i] == bus)
			ops = c->bus_ops[i];
	if (!ops || !ops->domain_alloc)
		return NULL;
	struct iommu_domain *domain = ops->domain_alloc(k, type);
	if (!domain)
		return NULL;
	domain->type = type;
	domain->k = k;
	/* all sizes by default; the driver narrows them when the domain is finalised */
	if (!domain->pgsize_bitmap)
		domain->pgsize_bitmap = ops->pgsize_bitmap;
	if (!domain->ops)
		domain->ops = ops->default_domain_ops;
	return domain;
}

void iommu_domain_free(struct iommu_domain *domain)
{
	if (domain && domain->ops && domain->ops->free)
		domain->ops->free(domain);
}

struct iommu_domain *iommu_get_domain_for_dev(struct device *dev)
{
	return dev->iommu_group ? dev->iommu_group->domain : NULL;
}

/* Only a group sitting in its default or blocking domain takes a new one. */
int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	if (group->domain && group->domain != group->default_domain &&
	    group->domain != group->blocking_domain)
		return -EBUSY;
	return iommu_group_set_domain(group, domain);
}

/* __iommu_group_set_core_domain(): blocking while user space owns it, else default */
void iommu_detach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	if (group->domain != domain)
		return;
	struct iommu_domain *core = group->owner ? group->blocking_domain : group->default_domain;
	if (core)
		iommu_group_set_domain(group, core);
}

/* iommu_pgsize(): the biggest page that fits alignment and length, and how many in a row. */
static size_t iommu_pgsize(u64 bitmap, u64 iova, u64 paddr, size_t size, size_t *count)
{
	u64 addr_merge = iova | paddr;
	u64 pgsizes = bitmap & ((2ULL << (63 - __builtin_clzll(size))) - 1);
	if (addr_merge)
		pgsizes &= (addr_merge & -addr_merge) * 2 - 1;
	if (!pgsizes)
		return 0;
	size_t pgsize = 1ULL << (63 - __builtin_clzll(pgsizes));
	/* more pages of this size while the next bigger size is not yet aligned */
	u64 bigger = bitmap & ~((pgsize << 1) - 1);
	size_t n = size / pgsize;
	if (bigger) {
		u64 next = 1ULL << __builtin_ctzll(bigger);
		u64 offset = next - (iova & (next - 1));
		if ((iova ^ paddr) & (next - 1))
			offset = size;
		if (offset < size)
			n = offset / pgsize;
		if (!n)
			n = 1;
	}
	*count = n;
	return pgsize;
}

int iommu_map(struct iommu_domain *domain, u64 iova, u64 paddr, size_t size, int prot)
{
	if (!domain || !(domain->type & __IOMMU_DOMAIN_PAGING) || !domain->ops->map_pages)
		return -EINVAL;
	u64 min_pagesz = domain->pgsize_bitmap & -domain->pgsize_bitmap;
	if (!min_pagesz || !IS_ALIGNED(iova | paddr | size, min_pagesz) || !size)
		return -EINVAL;
	size_t done = 0;
	while (done < size) {
		size_t count = 0, mapped = 0;
		size_t pgsize = iommu_pgsize(domain->pgsize_bitmap, iova + done, paddr + done,
					     size - done, &count);
		if (!pgsize)
			break;
		int ret = domain->ops->map_pages(domain, iova + done, paddr + done, pgsize, count,
						 prot, &mapped);
		done += mapped;
		if (ret) {
			if (done)
				iommu_unmap(domain, iova, done);	/* never half-applied */
			return ret;
		}
	}
	return 0;
}

/* __iommu_unmap(): the largest pages first; what they held goes into gather */
static size_t __iommu_unmap(struct iommu_domain *domain, u64 iova, size_t size,
			    struct iommu_iotlb_gather *gather)
{
	if (!domain || !(domain->type & __IOMMU_DOMAIN_PAGING) || !domain->ops->unmap_pages)
		return 0;
	u64 min_pagesz = domain->pgsize_bitmap & -domain->pgsize_bitmap;
	if (!min_pagesz || !IS_ALIGNED(iova | size, min_pagesz))
		return 0;
	size_t done = 0;
	while (done < size) {
		size_t count = 0;
		size_t pgsize = iommu_pgsize(domain->pgsize_bitmap, iova + done, iova + done,
					     size - done, &count);
		if (!pgsize)
			break;
		size_t got = domain->ops->unmap_pages(domain, iova + done, pgsize, count, gather);
		if (!got)
			break;
		done += got;
	}
	return done;
}

void iommu_iotlb_sync(struct iommu_domain *domain, struct iommu_iotlb_gather *gather)
{
	if (domain && domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain, gather);
	iommu_iotlb_gather_init(gather);
}

/*
 * 6.1's iommu_unmap() is strict whatever the domain type, DMA-FQ included:
 * its own gather is never queued, and it syncs before returning. Only
 * dma-iommu defers, through iommu_unmap_fast() and its flush queue.
 */
size_t iommu_unmap(struct iommu_domain *domain, u64 iova, size_t size)
{
	struct iommu_iotlb_gather gather;
	iommu_iotlb_gather_init(&gather);
	size_t done = __iommu_unmap(domain, iova, size, &gather);
	iommu_iotlb_sync(domain, &gather);
	return done;
}

size_t iommu_unmap_fast(struct iommu_domain *domain, u64 iova, size_t size,
			struct iommu_iotlb_gather *gather)
{
	return __iommu_unmap(domain, iova, size, gather);
}

u64 iommu_iova_to_phys(struct iommu_domain *domain, u64 iova)
{
	if (!domain)
		return 0;
	if (domain->type == IOMMU_DOMAIN_IDENTITY)
		return iova;
	if (domain->type == IOMMU_DOMAIN_BLOCKED || !domain->ops->iova_to_phys)
		return 0;
	return domain->ops->iova_to_phys(domain, iova);
}
