/*
 * vfio_iommu_type1 of Linux 6.1 (drivers/vfio/vfio_iommu_type1.c): the
 * container's IOMMU backend. Groups attach to UNMANAGED domains of the IOMMU
 * core (one domain for every group an IOMMU takes, as 6.1 reuses a
 * compatible one); user mappings (vfio_dma) pin the process's pages and map
 * them in every domain; the usable IOVA ranges are the domains' apertures
 * less the groups' reserved regions; VFIO_IOMMU_GET_INFO reports them in its
 * capability chain with the migration and DMA-availability capabilities.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "uapi/vfio.h"
#include "uapi/uapi_version.h"
#include "kversion/linux_version.h"
#include "base/log.h"
#include "drivers/drivers.h"
#include "drivers/irq.h"
#include "iommu/iommu.h"
#include "pci/pci.h"
#include "pgtable/io_pgtable.h"

#define PAGE_SHIFT_4K 12
#define PAGE_SIZE_4K (1ULL << PAGE_SHIFT_4K)
#define PAGE_MASK_4K (~(PAGE_SIZE_4K - 1))
/* the dma_entry_limit module parameter's default (U16_MAX) */
#define DMA_ENTRY_LIMIT 65535u
/* DIRTY_BITMAP_BYTES(DIRTY_BITMAP_PAGES_MAX): INT_MAX pages, a bit each, in u64s */
#define DIRTY_BITMAP_SIZE_MAX ((((u64)0x7fffffff + 63) & ~63ULL) / 8)

struct vfio_dma {
	u64 iova, size, vaddr;
	u64 pa;				/* the pinned pages, contiguous in guest RAM */
	int prot;
	bool lock_cap;			/* capable(CAP_IPC_LOCK) when it was mapped */
	bool vaddr_invalid;		/* VFIO_DMA_UNMAP_FLAG_VADDR */
	struct uapi_user_block *block;
};

#define VFIO_MSI_PAGES_MAX 8
struct vfio_domain {
	struct iommu_domain *domain;
	struct iommu_group **groups;
	size_t ngroups;
	/*
	 * iommu_get_msi_cookie() at the SW_MSI window's base when the first
	 * group has one (0: none): MSI doorbell pages take IOVAs from msi_next
	 * up, one page each, in the order the MSIs need them
	 */
	u64 msi_base, msi_next;
	u64 msi_phys[VFIO_MSI_PAGES_MAX], msi_iova[VFIO_MSI_PAGES_MAX];
	size_t nmsi;
};

struct iova_range {
	u64 start, end;			/* inclusive */
};

struct vfio_iommu {
	struct kernel *k;
	struct vfio_domain *domains;
	size_t ndomains;
	struct vfio_dma *dma;		/* sorted by iova, never overlapping */
	size_t ndma, capdma;
	struct iova_range *iova;	/* iova_list: empty means no limit yet */
	size_t niova;
	u64 pgsize_bitmap;
	unsigned int dma_avail;
	bool v2, nesting;
};

long vfio_iommu_type1_check_extension(struct kernel *k, struct vfio_iommu *iommu, unsigned long arg)
{
	switch (arg) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_TYPE1_NESTING_IOMMU:
		return kernel_version(k)->uapi->type1_nesting;
	case VFIO_UPDATE_VADDR:
		/* 6.1.y: only with a container, and no emulated (mdev) group in it */
		return iommu != NULL;
	case VFIO_DMA_CC_IOMMU:
		/* enforce_cache_coherency: arm-smmu-v3 of 6.1 has no such op */
		(void)iommu;
		return 0;
	default:
		return 0;
	}
}

int vfio_iommu_type1_open(struct kernel *k, unsigned long arg, struct vfio_iommu **out)
{
	bool v2 = false, nesting = false;
	switch (arg) {
	case VFIO_TYPE1_IOMMU:
		break;
	case VFIO_TYPE1_NESTING_IOMMU:
		nesting = true;
		/* nesting implies v2 */
		__attribute__((fallthrough));
	case VFIO_TYPE1v2_IOMMU:
		v2 = true;
		break;
	default:
		return -EINVAL;
	}
	struct vfio_iommu *iommu = calloc(1, sizeof(*iommu));
	if (!iommu)
		return -ENOMEM;
	iommu->k = k;
	iommu->v2 = v2;
	iommu->nesting = nesting;
	iommu->dma_avail = DMA_ENTRY_LIMIT;
	iommu->pgsize_bitmap = PAGE_MASK_4K;
	/* vfio_ioctl_set_iommu(): the backend's module is held while it serves the container */
	module_get(k, "vfio_iommu_type1");
	*out = iommu;
	return 0;
}

/* --- the mappings --- */

/* the first mapping that overlaps [start, start+size), or its index where it would go */
static size_t dma_lower_bound(const struct vfio_iommu *iommu, u64 start)
{
	size_t lo = 0, hi = iommu->ndma;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct vfio_dma *d = &iommu->dma[mid];
		if (d->iova + d->size <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* vfio_find_dma(): a mapping overlapping [start, start+size); size 0 looks for one around start */
static struct vfio_dma *find_dma(struct vfio_iommu *iommu, u64 start, u64 size)
{
	size_t i = dma_lower_bound(iommu, start);
	if (i == iommu->ndma)
		return NULL;
	struct vfio_dma *d = &iommu->dma[i];
	/* the rb-tree walk: left while start+size <= dma->iova */
	if (start + size <= d->iova)
		return NULL;
	return d;
}

static void unmap_domains(struct vfio_iommu *iommu, struct vfio_dma *d)
{
	for (size_t i = 0; i < iommu->ndomains; i++)
		iommu_unmap(iommu->domains[i].domain, d->iova, d->size);
}

/* vfio_remove_dma(): unmapped from every domain, unpinned, unaccounted */
static void remove_dma(struct vfio_iommu *iommu, size_t idx)
{
	struct vfio_dma *d = &iommu->dma[idx];
	struct uapi_state *st = iommu->k->uapi;
	if (d->block) {
		unmap_domains(iommu, d);
		unsigned long npage = d->size >> PAGE_SHIFT_4K;
		d->block->pinned -= npage;
		st->locked_vm -= npage;
	}
	memmove(d, d + 1, (iommu->ndma - idx - 1) * sizeof(*d));
	iommu->ndma--;
	iommu->dma_avail++;
}

static void remove_all_dma(struct vfio_iommu *iommu)
{
	while (iommu->ndma)
		remove_dma(iommu, iommu->ndma - 1);
}

void vfio_iommu_type1_release(struct vfio_iommu *iommu)
{
	remove_all_dma(iommu);
	for (size_t i = 0; i < iommu->ndomains; i++) {
		struct vfio_domain *vd = &iommu->domains[i];
		for (size_t j = 0; j < vd->ngroups; j++)
			iommu_detach_group(vd->domain, vd->groups[j]);
		iommu_domain_free(vd->domain);
		free(vd->groups);
	}
	free(iommu->domains);
	free(iommu->dma);
	free(iommu->iova);
	module_put(iommu->k, "vfio_iommu_type1");
	free(iommu);
}

void vfio_iommu_type1_stats(const struct vfio_iommu *iommu, struct vfio_iommu_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->ndma = iommu->ndma;
	for (size_t i = 0; i < iommu->ndma; i++)
		st->mapped_bytes += iommu->dma[i].size;
	st->dma_avail = iommu->dma_avail;
	st->ndomains = iommu->ndomains;
}

int vfio_iommu_type1_vaddr(struct vfio_iommu *iommu, u64 iova, u64 len, u64 *vaddr)
{
	struct vfio_dma *d = find_dma(iommu, iova, 1);
	if (!d || d->vaddr_invalid || len > d->size - (iova - d->iova))
		return -ENOENT;
	*vaddr = d->vaddr + (iova - d->iova);
	return 0;
}

/* --- the IOVA ranges --- */

/* vfio_update_pgsize_bitmap(): what every domain maps, at least the CPU's page */
static void update_pgsize_bitmap(struct vfio_iommu *iommu)
{
	u64 bitmap = ~0ULL;
	for (size_t i = 0; i < iommu->ndomains; i++)
		bitmap &= iommu->domains[i].domain->pgsize_bitmap;
	if (bitmap & ~PAGE_MASK_4K) {
		bitmap &= PAGE_MASK_4K;
		bitmap |= PAGE_SIZE_4K;
	}
	iommu->pgsize_bitmap = bitmap;
}

/* the apertures' intersection, less every group's reserved regions (not relaxable ones) */
static int compute_iova(struct vfio_iommu *iommu, struct iommu_domain *extra_dom,
			struct iommu_group *extra_grp, struct iova_range **out, size_t *nout)
{
	u64 start = 0, end = ~0ULL;
	bool any = false;
	for (size_t i = 0; i <= iommu->ndomains; i++) {
		struct iommu_domain *d = i < iommu->ndomains ? iommu->domains[i].domain : extra_dom;
		if (!d)
			continue;
		any = true;
		if (d->geometry.aperture_start > start)
			start = d->geometry.aperture_start;
		if (d->geometry.aperture_end < end)
			end = d->geometry.aperture_end;
	}
	*out = NULL;
	*nout = 0;
	if (!any)
		return 0;
	struct iova_range *r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	size_t n = 0;
	if (start <= end)
		r[n++] = (struct iova_range){ start, end };
	struct iommu_resv_region resv[IOMMU_MAX_RESV * 4];
	for (size_t i = 0; i <= iommu->ndomains; i++) {
		size_t ng = i < iommu->ndomains ? iommu->domains[i].ngroups : (extra_grp ? 1 : 0);
		for (size_t j = 0; j < ng; j++) {
			struct iommu_group *g = i < iommu->ndomains ? iommu->domains[i].groups[j] : extra_grp;
			int nr = iommu_get_group_resv_regions(g, resv, (int)(sizeof(resv) / sizeof(resv[0])));
			for (int m = 0; m < nr; m++) {
				if (resv[m].type == IOMMU_RESV_DIRECT_RELAXABLE)
					continue;
				u64 rs = resv[m].start, re = resv[m].start + resv[m].length - 1;
				/* vfio_iommu_resv_exclude(): cut [rs, re] out of every range */
				for (size_t q = 0; q < n; q++) {
					if (re < r[q].start || rs > r[q].end)
						continue;
					struct iova_range keep = r[q];
					bool lo = rs > keep.start, hi = re < keep.end;
					if (lo && hi) {
						struct iova_range *nr2 = realloc(r, (n + 1) * sizeof(*r));
						if (!nr2) {
							free(r);
							return -ENOMEM;
						}
						r = nr2;
						memmove(&r[q + 2], &r[q + 1], (n - q - 1) * sizeof(*r));
						r[q] = (struct iova_range){ keep.start, rs - 1 };
						r[q + 1] = (struct iova_range){ re + 1, keep.end };
						n++;
						q++;
					} else if (lo) {
						r[q].end = rs - 1;
					} else if (hi) {
						r[q].start = re + 1;
					} else {
						memmove(&r[q], &r[q + 1], (n - q - 1) * sizeof(*r));
						n--;
						q--;
					}
				}
			}
		}
	}
	*out = r;
	*nout = n;
	return 0;
}

static bool range_has_dma(struct vfio_iommu *iommu, u64 start, u64 end)
{
	return end >= start && find_dma(iommu, start, end - start + 1) != NULL;
}

/* vfio_iommu_iova_dma_valid(): [start, end] inside one range (any, when there is no list) */
static bool iova_dma_valid(const struct vfio_iommu *iommu, u64 start, u64 end)
{
	if (!iommu->niova)
		return true;
	for (size_t i = 0; i < iommu->niova; i++)
		if (start >= iommu->iova[i].start && end <= iommu->iova[i].end)
			return true;
	return false;
}

/* --- groups --- */

static struct vfio_domain *domain_of(struct vfio_iommu *iommu, struct iommu_group *g, size_t *gi)
{
	for (size_t i = 0; i < iommu->ndomains; i++)
		for (size_t j = 0; j < iommu->domains[i].ngroups; j++)
			if (iommu->domains[i].groups[j] == g) {
				if (gi)
					*gi = j;
				return &iommu->domains[i];
			}
	return NULL;
}

static const struct bus_type *group_bus(struct iommu_group *g)
{
	return g->ndevices ? g->devices[0]->bus : &pci_bus_type;
}

static int add_group(struct vfio_domain *vd, struct iommu_group *g)
{
	struct iommu_group **groups = realloc(vd->groups, (vd->ngroups + 1) * sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	vd->groups = groups;
	vd->groups[vd->ngroups++] = g;
	return 0;
}

/* vfio_iommu_replay(): the existing mappings into a new domain */
static int replay(struct vfio_iommu *iommu, struct iommu_domain *domain)
{
	for (size_t i = 0; i < iommu->ndma; i++) {
		struct vfio_dma *d = &iommu->dma[i];
		if (!d->block)
			continue;
		int ret = iommu_map(domain, d->iova, d->pa, d->size, d->prot | IOMMU_CACHE);
		if (ret) {
			while (i-- > 0)
				if (iommu->dma[i].block)
					iommu_unmap(domain, iommu->dma[i].iova, iommu->dma[i].size);
			return ret;
		}
	}
	return 0;
}

int vfio_iommu_type1_attach_group(struct vfio_iommu *iommu, struct iommu_group *group)
{
	struct kernel *k = iommu->k;
	if (domain_of(iommu, group, NULL))
		return -EINVAL;
	struct iommu_domain *domain = iommu_domain_alloc_type(k, group_bus(group), IOMMU_DOMAIN_UNMANAGED);
	if (!domain)
		return -EIO;
	int ret = iommu_attach_group(domain, group);
	if (ret)
		goto out_free;
	/* the aperture is known once attached; mappings outside it conflict */
	struct iova_range *r;
	size_t n;
	ret = -EINVAL;
	for (size_t i = 0; i < iommu->ndma; i++)
		if (iommu->dma[i].iova < domain->geometry.aperture_start ||
		    iommu->dma[i].iova + iommu->dma[i].size - 1 > domain->geometry.aperture_end)
			goto out_detach;
	/* vfio_iommu_resv_conflict(): a mapping inside a reserved region */
	struct iommu_resv_region resv[IOMMU_MAX_RESV * 4];
	int nr = iommu_get_group_resv_regions(group, resv, (int)(sizeof(resv) / sizeof(resv[0])));
	for (int i = 0; i < nr; i++)
		if (resv[i].type != IOMMU_RESV_DIRECT_RELAXABLE &&
		    range_has_dma(iommu, resv[i].start, resv[i].start + resv[i].length - 1))
			goto out_detach;
	/*
	 * MSIs of an assigned device must not reach other devices' vectors:
	 * only an MSI controller that remaps (the GICv3 ITS) isolates them.
	 */
	if (!irq_domain_check_msi_remap(k)) {
		kprintf(k, "vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the "
			   "module param \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on "
			   "this platform\n");
		ret = -EPERM;
		goto out_detach;
	}
	ret = compute_iova(iommu, domain, group, &r, &n);
	if (ret)
		goto out_detach;
	/* a compatible domain takes the group: this one is not needed */
	for (size_t i = 0; i < iommu->ndomains; i++) {
		struct vfio_domain *vd = &iommu->domains[i];
		if (vd->domain->ops != domain->ops)
			continue;
		iommu_detach_group(domain, group);
		if (!iommu_attach_group(vd->domain, group)) {
			ret = add_group(vd, group);
			if (ret) {
				iommu_detach_group(vd->domain, group);
				free(r);
				goto out_free;
			}
			iommu_domain_free(domain);
			goto done;
		}
		ret = iommu_attach_group(domain, group);
		if (ret) {
			free(r);
			goto out_free;
		}
	}
	struct vfio_domain *domains = realloc(iommu->domains, (iommu->ndomains + 1) * sizeof(*domains));
	if (!domains) {
		ret = -ENOMEM;
		free(r);
		goto out_detach;
	}
	iommu->domains = domains;
	struct vfio_domain *vd = &iommu->domains[iommu->ndomains];
	memset(vd, 0, sizeof(*vd));
	vd->domain = domain;
	/* vfio_iommu_has_sw_msi(): the MSI cookie at the window's base */
	for (int i = 0; i < nr; i++)
		if (resv[i].type == IOMMU_RESV_SW_MSI)
			vd->msi_base = vd->msi_next = resv[i].start;
	ret = add_group(vd, group);
	if (!ret)
		ret = replay(iommu, domain);
	if (ret) {
		free(vd->groups);
		free(r);
		goto out_detach;
	}
	iommu->ndomains++;
	update_pgsize_bitmap(iommu);
done:
	free(iommu->iova);
	iommu->iova = r;
	iommu->niova = n;
	return 0;
out_detach:
	iommu_detach_group(domain, group);
out_free:
	iommu_domain_free(domain);
	return ret;
}

void vfio_iommu_type1_detach_group(struct vfio_iommu *iommu, struct iommu_group *group)
{
	size_t gi;
	struct vfio_domain *vd = domain_of(iommu, group, &gi);
	if (!vd)
		return;
	/* the last domain going takes every mapping with it */
	if (vd->ngroups == 1 && iommu->ndomains == 1)
		remove_all_dma(iommu);
	iommu_detach_group(vd->domain, group);
	memmove(&vd->groups[gi], &vd->groups[gi + 1], (vd->ngroups - gi - 1) * sizeof(*vd->groups));
	vd->ngroups--;
	if (!vd->ngroups) {
		for (size_t i = 0; i < iommu->ndma; i++)
			if (iommu->dma[i].block)
				iommu_unmap(vd->domain, iommu->dma[i].iova, iommu->dma[i].size);
		iommu_domain_free(vd->domain);
		free(vd->groups);
		size_t di = (size_t)(vd - iommu->domains);
		memmove(vd, vd + 1, (iommu->ndomains - di - 1) * sizeof(*vd));
		iommu->ndomains--;
		update_pgsize_bitmap(iommu);
	}
	/* vfio_iommu_aper_expand() and vfio_iommu_resv_refresh() */
	struct iova_range *r;
	size_t n;
	if (!compute_iova(iommu, NULL, NULL, &r, &n)) {
		free(iommu->iova);
		iommu->iova = r;
		iommu->niova = n;
	}
}

/* --- ioctls --- */

/*
 * vfio_info_cap_add(): a capability appended to the chain. 6.1 does not pad
 * them, so a capability may sit unaligned: they are copied in and out whole;
 * 7.3 pads each to 8 bytes with zeros (uapi_version.info_caps_aligned).
 */
struct cap_chain {
	u8 buf[512];
	size_t size;
	size_t last;			/* offset of the last header, or SIZE_MAX */
	bool aligned;			/* each capability padded to 8 bytes */
};

static int cap_add(struct cap_chain *c, const void *cap, size_t size)
{
	size_t room = c->aligned ? (size + 7) & ~(size_t)7 : size;
	if (c->size + room > sizeof(c->buf))
		return -ENOMEM;
	memset(c->buf + c->size, 0, room);
	memcpy(c->buf + c->size, cap, size);
	if (c->last != SIZE_MAX) {
		struct vfio_info_cap_header h;
		memcpy(&h, c->buf + c->last, sizeof(h));
		h.next = (u32)c->size;
		memcpy(c->buf + c->last, &h, sizeof(h));
	}
	c->last = c->size;
	c->size += room;
	return 0;
}

/* vfio_info_cap_shift(): the offsets as seen from the start of the reply */
static void cap_shift(struct cap_chain *c, size_t offset)
{
	for (size_t at = 0; at + sizeof(struct vfio_info_cap_header) <= c->size;) {
		struct vfio_info_cap_header h;
		memcpy(&h, c->buf + at, sizeof(h));
		size_t next = h.next;
		if (!next)
			break;
		h.next = (u32)(next + offset);
		memcpy(c->buf + at, &h, sizeof(h));
		at = next;
	}
}

static long get_info(struct vfio_iommu *iommu, struct vfio_iommu_type1_info *arg)
{
	size_t minsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes) + sizeof(arg->iova_pgsizes);
	if (!arg)
		return -EFAULT;
	struct vfio_iommu_type1_info info;
	memset(&info, 0, sizeof(info));
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return -EINVAL;
	size_t outsz = info.argsz < sizeof(info) ? info.argsz : sizeof(info);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = iommu->pgsize_bitmap;

	struct cap_chain caps = { .last = SIZE_MAX, .aligned = kernel_version(iommu->k)->uapi->info_caps_aligned };
	struct vfio_iommu_type1_info_cap_migration mig = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, .version = 1 },
		.flags = 0,
		.pgsize_bitmap = iommu->pgsize_bitmap & -iommu->pgsize_bitmap,
		.max_dirty_bitmap_size = DIRTY_BITMAP_SIZE_MAX,
	};
	struct vfio_iommu_type1_info_dma_avail avail = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
		.avail = iommu->dma_avail,
	};
	int ret = cap_add(&caps, &mig, sizeof(mig));
	if (!ret)
		ret = cap_add(&caps, &avail, sizeof(avail));
	if (!ret && iommu->niova) {
		size_t sz = sizeof(struct vfio_iommu_type1_info_cap_iova_range) +
			    iommu->niova * sizeof(struct vfio_iova_range);
		struct vfio_iommu_type1_info_cap_iova_range *cap = calloc(1, sz);
		if (!cap)
			return -ENOMEM;
		cap->header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
		cap->header.version = 1;
		cap->nr_iovas = (u32)iommu->niova;
		for (size_t i = 0; i < iommu->niova; i++) {
			cap->iova_ranges[i].start = iommu->iova[i].start;
			cap->iova_ranges[i].end = iommu->iova[i].end;
		}
		ret = cap_add(&caps, cap, sz);
		free(cap);
	}
	if (ret)
		return ret;
	info.flags |= VFIO_IOMMU_INFO_CAPS;
	if (info.argsz < sizeof(info) + caps.size) {
		/* too small for the chain: say how big it must be */
		info.argsz = (u32)(sizeof(info) + caps.size);
	} else {
		cap_shift(&caps, sizeof(info));
		memcpy((u8 *)arg + sizeof(info), caps.buf, caps.size);
		info.cap_offset = sizeof(info);
	}
	memcpy(arg, &info, outsz);
	return 0;
}

/* vfio_pin_map_dma(): pin the user pages, account them, map them in every domain */
static int pin_map(struct vfio_iommu *iommu, struct vfio_dma *d)
{
	struct kernel *k = iommu->k;
	struct uapi_state *st = k->uapi;
	int ret = uapi_user_pa(k, d->vaddr, d->size, &d->pa, &d->block);
	if (ret)
		return ret;
	unsigned long npage = d->size >> PAGE_SHIFT_4K;
	if (!d->lock_cap) {
		unsigned long limit = st->memlock_limit >> PAGE_SHIFT_4K;
		if (st->locked_vm + npage > limit) {
			kprintf(k, "vfio_pin_pages_remote: RLIMIT_MEMLOCK (%lu) exceeded\n",
				limit << PAGE_SHIFT_4K);
			d->block = NULL;
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < iommu->ndomains; i++) {
		ret = iommu_map(iommu->domains[i].domain, d->iova, d->pa, d->size, d->prot | IOMMU_CACHE);
		if (ret) {
			while (i-- > 0)
				iommu_unmap(iommu->domains[i].domain, d->iova, d->size);
			d->block = NULL;
			return ret;
		}
	}
	d->block->pinned += npage;
	st->locked_vm += npage;
	return 0;
}

static long map_dma(struct vfio_iommu *iommu, struct vfio_iommu_type1_dma_map *arg)
{
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_map, size) + sizeof(arg->size);
	u32 mask = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE | VFIO_DMA_MAP_FLAG_VADDR;
	if (!arg)
		return -EFAULT;
	struct vfio_iommu_type1_dma_map map;
	memcpy(&map, arg, minsz);
	if (map.argsz < minsz || (map.flags & ~mask))
		return -EINVAL;
	bool set_vaddr = map.flags & VFIO_DMA_MAP_FLAG_VADDR;
	int prot = 0;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if ((prot && set_vaddr) || (!prot && !set_vaddr))
		return -EINVAL;
	u64 pgsize = iommu->pgsize_bitmap & -iommu->pgsize_bitmap;
	u64 iova = map.iova, size = map.size, vaddr = map.vaddr;
	if (!size || ((size | iova | vaddr) & (pgsize - 1)))
		return -EINVAL;
	/* no wrap of the IOVA or of the user address */
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		return kernel_version(iommu->k)->uapi->type1_wrap_errno;
	struct vfio_dma *d = find_dma(iommu, iova, size);
	if (set_vaddr) {
		if (!d)
			return -ENOENT;
		if (!d->vaddr_invalid || d->iova != iova || d->size != size)
			return -EINVAL;
		d->vaddr = vaddr;
		d->vaddr_invalid = false;
		return 0;
	}
	if (d)
		return -EEXIST;
	if (!iommu->dma_avail)
		return -ENOSPC;
	if (!iova_dma_valid(iommu, iova, iova + size - 1))
		return -EINVAL;
	if (iommu->ndma == iommu->capdma) {
		size_t cap = iommu->capdma ? iommu->capdma * 2 : 16;
		struct vfio_dma *nd = realloc(iommu->dma, cap * sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		iommu->dma = nd;
		iommu->capdma = cap;
	}
	struct vfio_dma nd = { .iova = iova, .size = size, .vaddr = vaddr, .prot = prot,
			       .lock_cap = iommu->k->uapi->cap_ipc_lock };
	/* without an IOMMU-backed domain the mapping is only recorded */
	if (iommu->ndomains) {
		int ret = pin_map(iommu, &nd);
		if (ret)
			return ret;
	}
	size_t idx = dma_lower_bound(iommu, iova);
	memmove(&iommu->dma[idx + 1], &iommu->dma[idx], (iommu->ndma - idx) * sizeof(nd));
	iommu->dma[idx] = nd;
	iommu->ndma++;
	iommu->dma_avail--;
	return 0;
}

static long do_unmap(struct vfio_iommu *iommu, struct vfio_iommu_type1_dma_unmap *unmap)
{
	u64 pgsize = iommu->pgsize_bitmap & -iommu->pgsize_bitmap;
	u64 iova = unmap->iova, size = unmap->size;
	bool all = unmap->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	bool invalidate_vaddr = unmap->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	u64 unmapped = 0;
	if (iova & (pgsize - 1))
		return -EINVAL;
	if (all) {
		if (iova || size)
			return -EINVAL;
		size = ~0ULL;
	} else if (!size || (size & (pgsize - 1))) {
		return -EINVAL;
	} else if (iova + size - 1 < iova) {
		return kernel_version(iommu->k)->uapi->type1_wrap_errno;
	}
	/* v2: the range must not cut a mapping in two */
	if (iommu->v2 && !all) {
		struct vfio_dma *d = find_dma(iommu, iova, 1);
		if (d && d->iova != iova)
			return -EINVAL;
		d = find_dma(iommu, iova + size - 1, 0);
		if (d && d->iova + d->size != iova + size)
			return -EINVAL;
	}
	size_t i = dma_lower_bound(iommu, iova);
	if (invalidate_vaddr) {
		size_t first = i;
		for (; i < iommu->ndma && iommu->dma[i].iova <= iova + (size - 1); i++) {
			if (iommu->dma[i].vaddr_invalid) {
				for (size_t j = first; j < i; j++)
					iommu->dma[j].vaddr_invalid = false;
				return -EINVAL;
			}
			iommu->dma[i].vaddr_invalid = true;
			unmapped += iommu->dma[i].size;
		}
	} else {
		while (i < iommu->ndma && iommu->dma[i].iova <= iova + (size - 1)) {
			/* v1 removes a mapping only from its first page */
			if (!iommu->v2 && iova > iommu->dma[i].iova)
				break;
			unmapped += iommu->dma[i].size;
			remove_dma(iommu, i);
		}
	}
	unmap->size = unmapped;
	return 0;
}

static long unmap_dma(struct vfio_iommu *iommu, struct vfio_iommu_type1_dma_unmap *arg)
{
	size_t minsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) + sizeof(arg->size);
	u32 mask = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_VADDR | VFIO_DMA_UNMAP_FLAG_ALL;
	if (!arg)
		return -EFAULT;
	struct vfio_iommu_type1_dma_unmap unmap;
	memcpy(&unmap, arg, minsz);
	if (unmap.argsz < minsz || (unmap.flags & ~mask))
		return -EINVAL;
	if ((unmap.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) &&
	    (unmap.flags & (VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR)))
		return -EINVAL;
	/* dirty tracking is never started in the model: 6.1 refuses the bitmap then */
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
		return -EINVAL;
	long ret = do_unmap(iommu, &unmap);
	if (ret)
		return ret;
	/* only a success writes the size unmapped back */
	memcpy(arg, &unmap, minsz);
	return 0;
}

long vfio_iommu_type1_ioctl(struct vfio_iommu *iommu, unsigned long cmd, void *arg)
{
	switch (cmd) {
	case VFIO_CHECK_EXTENSION:
		return vfio_iommu_type1_check_extension(iommu->k, iommu, (unsigned long)arg);
	case VFIO_IOMMU_GET_INFO:
		return get_info(iommu, arg);
	case VFIO_IOMMU_MAP_DMA:
		return map_dma(iommu, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(iommu, arg);
	case VFIO_IOMMU_DIRTY_PAGES:
		/* dirty page tracking is not modelled */
		return -EOPNOTSUPP;
	default:
		return -ENOTTY;
	}
}

/*
 * iommu_dma_prepare_msi() on a type1 domain (dma-iommu's MSI cookie,
 * iommu_dma_get_msi_page()): a doorbell page already mapped keeps its IOVA;
 * a new one takes the cookie's next page, mapped write-only MMIO. The
 * message carries that IOVA. A domain without a cookie leaves it physical.
 */
int vfio_iommu_type1_sw_msi(struct kernel *k, struct iommu_group *group, u64 doorbell, u64 *msg_addr)
{
	const u64 page = 4096;
	struct uapi_state *st = k->uapi;
	struct vfio_domain *vd = NULL;
	*msg_addr = doorbell;
	for (size_t i = 0; st && i < st->ngroups && !vd; i++) {
		struct vfio_group *g = st->groups[i];
		if (g && g->iommu_group == group && g->container && g->container->iommu)
			vd = domain_of(g->container->iommu, group, NULL);
	}
	if (!vd || !vd->msi_base)
		return 0;
	u64 phys = doorbell & ~(page - 1);
	size_t i = 0;
	while (i < vd->nmsi && vd->msi_phys[i] != phys)
		i++;
	if (i == vd->nmsi) {
		if (vd->nmsi == VFIO_MSI_PAGES_MAX ||
		    iommu_map(vd->domain, vd->msi_next, phys, page, IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO))
			return -ENOMEM;
		vd->msi_phys[i] = phys;
		vd->msi_iova[i] = vd->msi_next;
		vd->msi_next += page;
		vd->nmsi++;
	}
	*msg_addr = vd->msi_iova[i] + (doorbell & (page - 1));
	return 0;
}
