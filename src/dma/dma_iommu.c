/*
 * dma-iommu (drivers/iommu/dma-iommu.c, Linux 6.1): the DMA ops of a device
 * in a DMA or DMA-FQ domain. Every mapping takes an IOVA from the domain's
 * allocator (rcache first), maps it in the IOMMU page tables, and on unmap
 * either invalidates at once (strict) or parks the IOVA in the flush queue.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include "dma/dma_internal.h"
#include "base/page_alloc.h"
#include "hw/system.h"
#include "pci/pci.h"
#include "pgtable/io_pgtable.h"

const char *dma_ops_name(const struct device *dev)
{
	return dev->dma_ops ? dev->dma_ops->name : "dma-direct";
}

/* ---- cookie and domain setup ---- */

static struct iommu_dma_cookie *iommu_get_dma_cookie(struct iommu_domain *domain, struct dma_core *core)
{
	if (domain->iova_cookie)
		return domain->iova_cookie;
	struct iommu_dma_cookie *cookie = calloc(1, sizeof(*cookie));
	if (!cookie)
		return NULL;
	if (dma_core_track_cookie(core, cookie)) {
		free(cookie);
		return NULL;
	}
	cookie->core = core;
	domain->iova_cookie = cookie;
	return cookie;
}

void iommu_put_dma_cookie(struct iommu_dma_cookie *cookie)
{
	if (!cookie)
		return;
	iommu_dma_free_fq(cookie);
	if (cookie->iovad.granule)
		put_iova_domain(&cookie->iovad);
	/* the MSI pages go with the domain: its page tables go too, no unmap */
	free(cookie->msi_pages);
	free(cookie);
}

static u64 fdt_cells(const fdt32_t *p, int n)
{
	u64 v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * iova_reserve_pci_windows(): the host bridge's memory windows are not DMA
 * targets (peer-to-peer would hit them), so their bus addresses are never
 * handed out. The windows are the host node's "ranges" (IO space skipped).
 */
static void iova_reserve_pci_windows(struct pci_dev *pdev, struct iova_domain *iovad)
{
	const void *fdt = pdev->dev.k->fdt;
	struct pci_host *host = pdev->bus ? pdev->bus->host : NULL;
	if (!fdt || !host || !host->bridge_parent || host->bridge_parent->of_node < 0)
		return;
	int np = host->bridge_parent->of_node;
	int parent = fdt_parent_offset(fdt, np);
	int na = fdt_address_cells(fdt, np), ns = fdt_size_cells(fdt, np);
	int pna = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	int len;
	const fdt32_t *r = fdt_getprop(fdt, np, "ranges", &len);
	if (!r || na != 3 || pna < 1 || pna > 2 || ns < 1 || ns > 2)
		return;
	int cells = na + pna + ns;
	for (int i = 0; (i + 1) * cells * 4 <= len; i++) {
		const fdt32_t *e = r + i * cells;
		u32 space = (fdt32_to_cpu(e[0]) >> 24) & 3;
		if (space != 2 && space != 3)	/* IORESOURCE_MEM only */
			continue;
		u64 pci_addr = fdt_cells(e + 1, 2);
		u64 size = fdt_cells(e + na + pna, ns);
		if (!size)
			continue;
		reserve_iova(iovad, iova_pfn(iovad, pci_addr), iova_pfn(iovad, pci_addr + size - 1));
	}
}

/* The device's reserved regions, as iommu_get_resv_regions(dev) lists them. */
static int dev_resv_regions(struct device *dev, struct iommu_resv_region *r, int max)
{
	struct iommu_device *iommu = dev->iommu ? dev->iommu->iommu_dev : NULL;
	if (iommu && iommu->ops && iommu->ops->get_resv_regions)
		return iommu->ops->get_resv_regions(dev, r, max);
	return dev->iommu_group ? iommu_get_group_resv_regions(dev->iommu_group, r, max) : 0;
}

static int iova_reserve_iommu_regions(struct device *dev, struct iommu_domain *domain)
{
	struct iommu_dma_cookie *cookie = domain->iova_cookie;
	struct iova_domain *iovad = &cookie->iovad;
	struct iommu_resv_region r[IOMMU_MAX_RESV * 4];
	if (dev_is_pci(dev))
		iova_reserve_pci_windows(to_pci_dev(dev), iovad);
	int n = dev_resv_regions(dev, r, (int)ARRAY_SIZE(r));
	for (int i = 0; i < n; i++) {
		/*
		 * 6.1 skips IOMMU_RESV_SW_MSI: dma-iommu itself allocates MSI
		 * doorbell IOVAs in DMA domains; the fixed window is for
		 * unmanaged (VFIO) domains.
		 */
		if (r[i].type == IOMMU_RESV_SW_MSI || !r[i].length)
			continue;
		reserve_iova(iovad, iova_pfn(iovad, r[i].start),
			     iova_pfn(iovad, r[i].start + r[i].length - 1));
	}
	return 0;
}

static int iommu_dma_init_domain(struct iommu_domain *domain, u64 base, u64 limit, struct device *dev)
{
	struct iommu_dma_cookie *cookie = domain->iova_cookie;
	if (!cookie || !domain->pgsize_bitmap)
		return -EINVAL;
	struct iova_domain *iovad = &cookie->iovad;
	/* the smallest page the domain maps is the IOVA granule */
	unsigned int order = (unsigned int)__builtin_ctzll(domain->pgsize_bitmap);
	unsigned long base_pfn = MAX(1UL, (unsigned long)(base >> order));

	if (domain->geometry.force_aperture) {
		if (base > domain->geometry.aperture_end || limit < domain->geometry.aperture_start) {
			kprintf(domain->k, "specified DMA range outside IOMMU capability");
			return -EFAULT;
		}
		base_pfn = MAX(base_pfn, (unsigned long)(domain->geometry.aperture_start >> order));
	}
	/* a domain set up by an earlier device of the group must agree */
	if (iovad->start_pfn) {
		if ((1UL << order) != iovad->granule || base_pfn != iovad->start_pfn) {
			kprintf(domain->k, "Incompatible range for DMA domain");
			return -EFAULT;
		}
		return 0;
	}
	int ret = init_iova_domain(iovad, 1UL << order, base_pfn);
	if (!ret)
		ret = iova_domain_init_rcaches(iovad);
	if (ret) {
		if (iovad->granule)
			put_iova_domain(iovad);
		iovad->start_pfn = 0;
		return ret;
	}
	/* a flush queue that cannot be set up leaves the domain strict */
	if (domain->type == IOMMU_DOMAIN_DMA_FQ && iommu_dma_init_fq(domain))
		domain->type = IOMMU_DOMAIN_DMA;
	return iova_reserve_iommu_regions(dev, domain);
}

void iommu_setup_dma_ops(struct device *dev, u64 dma_base, u64 dma_limit)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);
	struct dma_core *core = dma_core_get(dev->k);
	if (!domain || !core)
		goto out_err;
	if (domain->type & __IOMMU_DOMAIN_DMA_API) {
		if (!iommu_get_dma_cookie(domain, core) ||
		    iommu_dma_init_domain(domain, dma_base, dma_limit, dev))
			goto out_err;
		dev->dma_ops = &iommu_dma_ops;
	}
	return;
out_err:
	kprintf(dev->k, "Failed to set up IOMMU for device %s; retaining platform DMA ops", dev->name);
}

/* ---- per-call context ---- */

struct dma_call {
	struct dma_dev_state *st;
	struct iommu_domain *domain;
	struct iommu_dma_cookie *cookie;
	u64 tlbi0;
};

/* The DMA domain a call works on, with the flush timer run first if due. */
static bool call_begin(struct device *dev, struct dma_call *c)
{
	c->st = dev->dma_state ? dev->dma_state : dma_dev_state(dev);
	c->domain = iommu_get_domain_for_dev(dev);
	if (!c->st || !c->domain || !(c->domain->type & __IOMMU_DOMAIN_DMA_API))
		return false;
	c->cookie = c->domain->iova_cookie;
	if (!c->cookie || !c->cookie->iovad.granule)
		return false;
	c->cookie->cur = c->st;
	c->tlbi0 = dma_dev_tlbi_count(dev);
	if (c->cookie->fq_timer_on)
		iommu_dma_fq_check_timer(c->cookie);
	return true;
}

static void call_end(struct device *dev, struct dma_call *c)
{
	c->st->stats.invalidations += dma_dev_tlbi_count(dev) - c->tlbi0;
	c->cookie->cur = NULL;
}

int dma_info_to_prot(enum dma_data_direction dir, bool coherent, unsigned long attrs)
{
	int prot = coherent ? IOMMU_CACHE : 0;
	(void)attrs;	/* DMA_ATTR_PRIVILEGED is not modelled */
	switch (dir) {
	case DMA_BIDIRECTIONAL:
		return prot | IOMMU_READ | IOMMU_WRITE;
	case DMA_TO_DEVICE:
		return prot | IOMMU_READ;
	case DMA_FROM_DEVICE:
		return prot | IOMMU_WRITE;
	default:
		return 0;
	}
}

static inline u64 min_not_zero(u64 a, u64 b)
{
	return !a ? b : !b ? a : MIN(a, b);
}

/*
 * iommu_dma_alloc_iova(): size is granule aligned. The rcache rounds small
 * sizes to a power of two; PCI devices try below 4 GiB first (SAC) unless
 * iommu.forcedac=1, then the whole limit. 0 when the space is exhausted.
 */
static u64 iommu_dma_alloc_iova(struct dma_call *c, struct device *dev, size_t size, u64 dma_limit)
{
	struct iova_domain *iovad = &c->cookie->iovad;
	unsigned long shift = iova_shift(iovad);
	unsigned long iova_len = (unsigned long)(size >> shift), iova = 0;
	u64 hits = iovad->stats.rcache_hits, misses = iovad->stats.rcache_misses;

	dma_limit = min_not_zero(dma_limit, dev->bus_dma_limit);
	if (c->domain->geometry.force_aperture)
		dma_limit = MIN(dma_limit, c->domain->geometry.aperture_end);
	if (dma_limit > DMA_BIT_MASK(32) && !c->cookie->core->forcedac && dev_is_pci(dev))
		iova = alloc_iova_fast(iovad, iova_len, (unsigned long)(DMA_BIT_MASK(32) >> shift), false);
	if (!iova)
		iova = alloc_iova_fast(iovad, iova_len, (unsigned long)(dma_limit >> shift), true);
	c->st->stats.iova_cache_hits += iovad->stats.rcache_hits - hits;
	c->st->stats.iova_cache_misses += iovad->stats.rcache_misses - misses;
	return (u64)iova << shift;
}

/* a queued gather's IOVA waits in the flush queue; any other goes back now */
static void iommu_dma_free_iova(struct dma_call *c, u64 iova, size_t size,
				const struct iommu_iotlb_gather *gather)
{
	struct iova_domain *iovad = &c->cookie->iovad;
	if (iommu_iotlb_gather_queued(gather))
		queue_iova(c->cookie, iova_pfn(iovad, iova), (unsigned long)(size >> iova_shift(iovad)));
	else
		free_iova_fast(iovad, iova_pfn(iovad, iova), (unsigned long)(size >> iova_shift(iovad)));
}

/*
 * __iommu_dma_unmap(): the whole granule-aligned range must be one IOVA
 * allocation of this domain and mapped, else -EINVAL and nothing changes
 * (Linux WARNs and frees anyway, corrupting its caches). The one place 6.1
 * defers an invalidation: with a flush queue the gather is marked queued, the
 * PTEs go at once and the IOTLB keeps them until the queue's flush-all.
 */
static int __iommu_dma_unmap(struct dma_call *c, u64 dma_addr, size_t size)
{
	struct iova_domain *iovad = &c->cookie->iovad;
	u64 iova_off = iova_offset(iovad, dma_addr);
	dma_addr -= iova_off;
	size = iova_align(iovad, size + iova_off);
	if (!size || dma_addr + size - 1 < dma_addr)
		return -EINVAL;
	struct iova *iova = find_iova(iovad, iova_pfn(iovad, dma_addr));
	if (!iova || iova->pfn_lo != iova_pfn(iovad, dma_addr) ||
	    iova->pfn_hi < iova_pfn(iovad, dma_addr + size - 1))
		return -EINVAL;
	struct iommu_iotlb_gather gather;
	iommu_iotlb_gather_init(&gather);
	gather.queued = c->cookie->fq_domain != NULL;
	size_t unmapped = iommu_unmap_fast(c->domain, dma_addr, size, &gather);
	if (!gather.queued)
		iommu_iotlb_sync(c->domain, &gather);
	if (!unmapped)
		return -EINVAL;	/* never mapped, or unmapped already: nothing changed */
	if (unmapped != size)
		dev_warn(c->st->dev, "WARNING: unmapped 0x%zx of 0x%zx bytes at IOVA 0x%llx",
			 unmapped, size, (unsigned long long)dma_addr);
	iommu_dma_free_iova(c, dma_addr, size, &gather);
	return 0;
}

static u64 __iommu_dma_map(struct dma_call *c, struct device *dev, u64 phys, size_t size, int prot,
			   u64 dma_mask)
{
	struct iova_domain *iovad = &c->cookie->iovad;
	u64 iova_off = iova_offset(iovad, phys);
	size = iova_align(iovad, size + iova_off);
	u64 iova = iommu_dma_alloc_iova(c, dev, size, dma_mask);
	if (!iova)
		return DMA_MAPPING_ERROR;
	if (iommu_map(c->domain, iova, phys - iova_off, size, prot)) {
		iommu_dma_free_iova(c, iova, size, NULL);
		return DMA_MAPPING_ERROR;
	}
	return iova + iova_off;
}

/* ---- the ops ---- */

static u64 iommu_dma_map_page(struct device *dev, u64 phys, size_t size, enum dma_data_direction dir,
			      unsigned long attrs)
{
	struct dma_call c;
	if (!call_begin(dev, &c))
		return DMA_MAPPING_ERROR;
	/* no untrusted devices on virt: never bounces through swiotlb */
	int prot = dma_info_to_prot(dir, dev->dma_coherent, attrs);
	u64 addr = __iommu_dma_map(&c, dev, phys, size, prot, *dev->dma_mask);
	call_end(dev, &c);
	return addr;
}

static int iommu_dma_unmap(struct device *dev, u64 dma, size_t size)
{
	struct dma_call c;
	if (!call_begin(dev, &c))
		return -ENODEV;
	int ret = __iommu_dma_unmap(&c, dma, size);
	call_end(dev, &c);
	return ret;
}

static void iommu_dma_unmap_page(struct device *dev, u64 dma, size_t size, enum dma_data_direction dir,
				 unsigned long attrs)
{
	(void)dir, (void)attrs;
	if (iommu_dma_unmap(dev, dma, size))
		dma_dev_state(dev)->stats.unmap_errors++;
}

/*
 * __finalise_sg(): lay the segments out in the one IOVA range and merge
 * neighbours: a segment that starts on a granule, does not start a new
 * seg_boundary window and keeps the run within max_seg_size joins the
 * previous DMA segment. Also restores the fields iommu_dma_map_sg stashed.
 */
static int __finalise_sg(struct device *dev, struct scatterlist *sg, int nents, u64 dma_addr)
{
	u64 seg_mask = dev->seg_boundary_mask ? dev->seg_boundary_mask : ~0ULL;
	unsigned int max_len = dma_get_max_seg_size(dev);
	unsigned int cur_len = 0;
	int count = 0, cur = 0;

	for (int i = 0; i < nents; i++) {
		struct scatterlist *s = &sg[i];
		unsigned int s_iova_off = (unsigned int)s->dma_address;
		unsigned int s_length = s->dma_length;
		unsigned int s_iova_len = s->length;

		s->dma_address = DMA_MAPPING_ERROR;
		s->dma_length = 0;
		s->phys += s_iova_off;
		s->length = s_length;

		if (cur_len && !s_iova_off && (dma_addr & seg_mask) && max_len - cur_len >= s_length) {
			cur_len += s_length;
		} else {
			if (i > 0)
				cur++;
			cur_len = s_length;
			count++;
			sg[cur].dma_address = dma_addr + s_iova_off;
		}
		sg[cur].dma_length = cur_len;
		dma_addr += s_iova_len;
		if (s_length + s_iova_off < s_iova_len)
			cur_len = 0;
	}
	return count;
}

/* __invalidate_sg(): undo the stash after a failure */
static void __invalidate_sg(struct scatterlist *sg, int nents)
{
	for (int i = 0; i < nents; i++) {
		struct scatterlist *s = &sg[i];
		if (s->dma_address != DMA_MAPPING_ERROR)
			s->phys += s->dma_address;
		if (s->dma_length)
			s->length = s->dma_length;
		s->dma_address = DMA_MAPPING_ERROR;
		s->dma_length = 0;
	}
}

/*
 * iommu_map_sg(): physically contiguous runs in one iommu_map each; a
 * failure undoes what was mapped with a plain (strict) iommu_unmap.
 */
static size_t dma_iommu_map_sg(struct iommu_domain *domain, u64 iova, struct scatterlist *sg, int nents,
			       int prot)
{
	size_t mapped = 0, len = 0;
	u64 start = 0;
	for (int i = 0; i <= nents; i++) {
		if (len && (i == nents || sg[i].phys != start + len)) {
			if (iommu_map(domain, iova + mapped, start, len, prot)) {
				if (mapped)
					iommu_unmap(domain, iova, mapped);
				return 0;
			}
			mapped += len;
			len = 0;
		}
		if (i == nents)
			break;
		if (len) {
			len += sg[i].length;
		} else {
			len = sg[i].length;
			start = sg[i].phys;
		}
	}
	return mapped;
}

static int iommu_dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
			    enum dma_data_direction dir, unsigned long attrs)
{
	struct dma_call c;
	if (!call_begin(dev, &c))
		return -ENODEV;
	struct iova_domain *iovad = &c.cookie->iovad;
	int prot = dma_info_to_prot(dir, dev->dma_coherent, attrs);
	u64 mask = dev->seg_boundary_mask ? dev->seg_boundary_mask : ~0ULL;
	u64 iova_len = 0;
	struct scatterlist *prev = NULL;
	int ret;

	/*
	 * Stash each segment's offset in dma_address and length in dma_length,
	 * and make phys/length granule aligned; pad so that no segment
	 * straddles a seg_boundary window in the single IOVA range.
	 */
	for (int i = 0; i < nents; i++) {
		struct scatterlist *s = &sg[i];
		u64 s_iova_off = iova_offset(iovad, s->phys);
		u64 s_length = s->length;
		u64 pad_len = (mask - iova_len + 1) & mask;

		s->dma_address = s_iova_off;
		s->dma_length = (u32)s_length;
		s->phys -= s_iova_off;
		s_length = iova_align(iovad, s_length + s_iova_off);
		s->length = (u32)s_length;
		if (pad_len && pad_len < s_length - 1) {
			prev->length += (u32)pad_len;
			iova_len += pad_len;
		}
		iova_len += s_length;
		prev = s;
	}
	if (!iova_len) {
		ret = __finalise_sg(dev, sg, nents, 0);
		goto out;
	}
	u64 iova = iommu_dma_alloc_iova(&c, dev, iova_len, *dev->dma_mask);
	if (!iova) {
		ret = -ENOMEM;
		goto out_restore_sg;
	}
	if (dma_iommu_map_sg(c.domain, iova, sg, nents, prot) < iova_len) {
		iommu_dma_free_iova(&c, iova, iova_len, NULL);
		ret = -ENOMEM;
		goto out_restore_sg;
	}
	ret = __finalise_sg(dev, sg, nents, iova);
	goto out;
out_restore_sg:
	__invalidate_sg(sg, nents);
out:
	call_end(dev, &c);
	return ret;
}

static void iommu_dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
			       enum dma_data_direction dir, unsigned long attrs)
{
	(void)dir, (void)attrs;
	/* one IOVA allocation: from the first segment's start to the last one's end */
	u64 start = 0, end = 0;
	int i = 0;
	for (; i < nents; i++) {
		if (!sg[i].dma_length)
			break;
		if (i == 0)
			start = sg[i].dma_address;
		end = sg[i].dma_address + sg[i].dma_length;
	}
	if (!end || iommu_dma_unmap(dev, start, end - start))
		dma_dev_state(dev)->stats.unmap_errors++;
}

/*
 * iommu_dma_alloc(): zeroed pages mapped contiguously in IOVA under the
 * coherent mask. Linux builds the buffer from scattered pages and vmaps it;
 * here the CPU side is one physically contiguous block (the API hands back
 * one PA), so the IOVA layout and the IOMMU mapping are the same as 6.1's.
 */
static u64 iommu_dma_alloc(struct device *dev, size_t size, u64 *dma_handle, unsigned long attrs)
{
	struct kernel *k = dev->k;
	struct hw_system *hw = k->hw;
	struct dma_call c;
	(void)attrs;
	if (!k->pages || !hw || !call_begin(dev, &c))
		return 0;
	size = ALIGN_UP(size, PAGE_SIZE);
	u64 pa = page_alloc(k->pages, size), cpu = 0;
	if (pa && !guest_mem_fill(hw->mem, pa, 0, size)) {
		int prot = dma_info_to_prot(DMA_BIDIRECTIONAL, dev->dma_coherent, attrs);
		u64 iova = __iommu_dma_map(&c, dev, pa, size, prot, dev->coherent_dma_mask);
		if (iova != DMA_MAPPING_ERROR) {
			*dma_handle = iova;
			cpu = pa;
		}
	}
	if (pa && !cpu)
		page_free(k->pages, pa, size);
	call_end(dev, &c);
	return cpu;
}

static void iommu_dma_free(struct device *dev, size_t size, u64 cpu_pa, u64 dma_handle, unsigned long attrs)
{
	(void)attrs;
	size = ALIGN_UP(size, PAGE_SIZE);
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);
	/* only pages that really back this mapping go back to the allocator */
	if (!domain || !domain->ops->iova_to_phys || domain->ops->iova_to_phys(domain, dma_handle) != cpu_pa ||
	    iommu_dma_unmap(dev, dma_handle, size)) {
		dma_dev_state(dev)->stats.unmap_errors++;
		return;
	}
	page_free(dev->k->pages, cpu_pa, size);
}

/* coherent, trusted devices: nothing to sync (no swiotlb, no cache maintenance) */
static void iommu_dma_sync_single(struct device *dev, u64 dma, size_t size, enum dma_data_direction dir)
{
	(void)dev, (void)dma, (void)size, (void)dir;
}

/* iommu_dma_max_mapping_size(): only untrusted devices (swiotlb) are limited */
static size_t iommu_dma_max_mapping_size(struct device *dev)
{
	(void)dev;
	return SIZE_MAX;
}

const struct dma_map_ops iommu_dma_ops = {
	.name = "dma-iommu",
	.map_page = iommu_dma_map_page,
	.unmap_page = iommu_dma_unmap_page,
	.map_sg = iommu_dma_map_sg,
	.unmap_sg = iommu_dma_unmap_sg,
	.alloc = iommu_dma_alloc,
	.free = iommu_dma_free,
	.sync_single_for_cpu = iommu_dma_sync_single,
	.sync_single_for_device = iommu_dma_sync_single,
	.max_mapping_size = iommu_dma_max_mapping_size,
};

/* ---- MSI doorbells (iommu_dma_prepare_msi / iommu_dma_compose_msi_msg) ---- */

/* the device's current domain when dma-iommu owns it and its allocator is up */
static struct iommu_dma_cookie *msi_cookie(struct device *dev, struct iommu_domain **domain)
{
	*domain = iommu_get_domain_for_dev(dev);
	struct iommu_dma_cookie *cookie = *domain ? (*domain)->iova_cookie : NULL;
	return cookie && cookie->iovad.granule ? cookie : NULL;
}

static const struct iommu_dma_msi_page *msi_page_find(const struct iommu_dma_cookie *cookie, u64 phys)
{
	for (size_t i = 0; i < cookie->nmsi_pages; i++)
		if (cookie->msi_pages[i].phys == phys)
			return &cookie->msi_pages[i];
	return NULL;
}

int iommu_dma_prepare_msi(struct device *dev, u64 msi_addr)
{
	struct iommu_domain *domain;
	if (!dev || !msi_cookie(dev, &domain))
		return 0;
	struct dma_call c;
	if (!call_begin(dev, &c))
		return 0;
	/* iommu_dma_get_msi_page(): one granule, cached in the cookie's list */
	size_t size = c.cookie->iovad.granule;
	u64 phys = msi_addr & ~((u64)size - 1);
	int ret = 0;
	if (!msi_page_find(c.cookie, phys)) {
		struct iommu_dma_msi_page *p = realloc(c.cookie->msi_pages,
						       (c.cookie->nmsi_pages + 1) * sizeof(*p));
		u64 iova = p ? iommu_dma_alloc_iova(&c, dev, size, dev->dma_mask ? *dev->dma_mask : DMA_BIT_MASK(32)) : 0;
		if (p)
			c.cookie->msi_pages = p;
		if (!iova) {
			ret = -ENOMEM;
		} else if (iommu_map(c.domain, iova, phys, size, IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO)) {
			iommu_dma_free_iova(&c, iova, size, NULL);
			ret = -ENOMEM;
		} else {
			c.cookie->msi_pages[c.cookie->nmsi_pages++] = (struct iommu_dma_msi_page){ phys, iova };
		}
	}
	call_end(dev, &c);
	return ret;
}

u64 iommu_dma_compose_msi_addr(struct device *dev, u64 msi_addr)
{
	struct iommu_domain *domain;
	struct iommu_dma_cookie *cookie = dev ? msi_cookie(dev, &domain) : NULL;
	if (!cookie)
		return msi_addr;
	u64 granule = cookie->iovad.granule;
	const struct iommu_dma_msi_page *p = msi_page_find(cookie, msi_addr & ~(granule - 1));
	/* WARN_ON(!msi_page) in 6.1: the message keeps the physical address */
	return p ? p->iova + (msi_addr & (granule - 1)) : msi_addr;
}

size_t iommu_dma_msi_pages(struct device *dev, u64 *phys, u64 *iova, size_t max)
{
	struct iommu_domain *domain;
	struct iommu_dma_cookie *cookie = dev ? msi_cookie(dev, &domain) : NULL;
	if (!cookie)
		return 0;
	for (size_t i = 0; i < cookie->nmsi_pages && i < max; i++) {
		phys[i] = cookie->msi_pages[i].phys;
		iova[i] = cookie->msi_pages[i].iova;
	}
	return cookie->nmsi_pages;
}

/* ---- the flush-queue timer, from outside ---- */

int iommu_dma_flush_fq(struct device *dev)
{
	struct dma_call c;
	if (!dev || !call_begin(dev, &c))
		return -ENODEV;
	int ret = -ENODEV;
	if (c.cookie->fq_domain) {
		fq_flush_timeout(c.cookie);
		ret = 0;
	}
	call_end(dev, &c);
	return ret;
}

void iommu_dma_run_fq_timers(struct kernel *k)
{
	if (!k)
		return;
	/* through devices: only their current domains are known to be alive */
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *dev = k->devices[i];
		struct iommu_domain *domain = dev ? iommu_get_domain_for_dev(dev) : NULL;
		struct iommu_dma_cookie *cookie = domain && (domain->type & __IOMMU_DOMAIN_DMA_API)
							  ? domain->iova_cookie : NULL;
		if (cookie && cookie->fq_timer_on &&
		    k->log.clock_ns >= cookie->fq_timer_expires_ns) {
			struct dma_call c;
			if (call_begin(dev, &c))
				call_end(dev, &c);
		}
	}
}
