/*
 * The IOVA space of an IOAS (7.3's io_pagetable.c): areas (mappings) over
 * shared pages, the allowed and reserved ranges, the IOVA allocator, and
 * map/unmap/copy's checks with 7.3's errnos. The areas are one sorted array
 * (7.3 keeps interval trees; the answers do not depend on it). With
 * domains (the HWPTs of attached devices) every area's user pages are
 * pinned and mapped into each domain; unmapping takes them out again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/iommufd.h"
#include "uapi/uapi.h"
#include "iommu/iommu.h"

/* arm64 with 4K pages (the model's only page size) */
#define IOPT_PAGE_SIZE 4096ULL

void iopt_init_table(struct io_pagetable *iopt, u64 max_alloc_alignment)
{
	memset(iopt, 0, sizeof(*iopt));
	iopt->max_alloc_alignment = max_alloc_alignment;
	/* no domain yet: the whole u64 space, no alignment */
	iopt->iova_alignment = 1;
}

static void area_unpin(struct iopt_area *a);

void iopt_destroy_table(struct io_pagetable *iopt)
{
	/* the HWPTs, which hold the IOAS, are gone: no domain maps an area any more */
	for (size_t i = 0; i < iopt->nareas; i++) {
		area_unpin(&iopt->areas[i]);
		iopt_put_pages(iopt->areas[i].pages);
	}
	free(iopt->areas);
	free(iopt->allowed);
	free(iopt->reserved);
	free(iopt->reserved_owner);
	free(iopt->domains);
	memset(iopt, 0, sizeof(*iopt));
}

void iopt_put_pages(struct iopt_pages *pages)
{
	if (pages && !--pages->refs)
		free(pages);
}

int iopt_alloc_user_pages(u64 uptr, u64 length, bool writable, struct iopt_pages_slice *out)
{
	u64 end, down = uptr & ~(IOPT_PAGE_SIZE - 1);
	if (__builtin_add_overflow(uptr, length, &end))
		return -EOVERFLOW;
	/* iopt_alloc_pages(): size_t lengths, and DIV_ROUND_UP must not overflow */
	if (length > UINT64_MAX - IOPT_PAGE_SIZE || !length)
		return -EINVAL;
	struct iopt_pages *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->refs = 1;
	p->uptr = down;
	p->npages = (length + (uptr - down) + IOPT_PAGE_SIZE - 1) / IOPT_PAGE_SIZE;
	p->writable = writable;
	*out = (struct iopt_pages_slice){ .pages = p, .start_byte = uptr - down, .length = length };
	return 0;
}

int iopt_alloc_file_pages(u64 start, u64 length, bool writable, struct iopt_pages_slice *out)
{
	int ret = iopt_alloc_user_pages(start, length, writable, out);
	if (!ret)
		out->pages->file = true;
	return ret;
}

/* the first area meeting [start, last], or nareas */
static size_t area_first(const struct io_pagetable *iopt, u64 start, u64 last)
{
	for (size_t i = 0; i < iopt->nareas; i++) {
		if (iopt->areas[i].iova > last)
			break;
		if (iopt->areas[i].last >= start)
			return i;
	}
	return iopt->nareas;
}

static bool ranges_meet(const struct iopt_range *r, size_t n, u64 start, u64 last)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].start <= last && r[i].last >= start)
			return true;
	return false;
}

static u64 roundup_pow_of_two(u64 v)
{
	return v <= 1 ? 1 : 1ULL << (64 - __builtin_clzll(v - 1));
}

/* __alloc_iova_check_range(): the first IOVA >= *start in [.., last] with the alignment and page offset */
static bool check_range(u64 *start, u64 last, u64 length, u64 align, u64 page_offset)
{
	u64 aligned;
	if (__builtin_add_overflow(*start, align - 1, &aligned))
		return false;
	aligned &= ~(align - 1);
	aligned |= page_offset;
	if (aligned >= last || last - aligned < length - 1)
		return false;
	*start = aligned;
	return true;
}

/* sorted union of the reserved ranges and the areas, adjacent ones merged */
static struct iopt_range *used_spans(const struct io_pagetable *iopt, size_t *n)
{
	size_t cap = iopt->nreserved + iopt->nareas, k = 0;
	struct iopt_range *all = malloc((cap ? cap : 1) * sizeof(*all));
	if (!all)
		return NULL;
	size_t r = 0, a = 0;
	while (r < iopt->nreserved || a < iopt->nareas) {
		struct iopt_range next;
		if (a == iopt->nareas ||
		    (r < iopt->nreserved && iopt->reserved[r].start < iopt->areas[a].iova))
			next = iopt->reserved[r++];
		else {
			next = (struct iopt_range){ iopt->areas[a].iova, iopt->areas[a].last };
			a++;
		}
		if (k && (all[k - 1].last == UINT64_MAX || next.start <= all[k - 1].last + 1)) {
			if (next.last > all[k - 1].last)
				all[k - 1].last = next.last;
		} else {
			all[k++] = next;
		}
	}
	*n = k;
	return all;
}

/*
 * iopt_alloc_iova(): the lowest IOVA in an allowed span (all of [PAGE_SIZE,
 * U64_MAX - PAGE_SIZE] when none is set), in a hole of the reserved ranges
 * and areas, aligned to the length's power of two, capped by the user
 * address's own alignment and by HPAGE_SIZE (PAGE_SIZE without THP), keeping the user
 * address's offset in its page. Never 0.
 */
static int iopt_alloc_iova(const struct io_pagetable *iopt, u64 *iova, u64 addr, u64 length)
{
	u64 page_offset = addr % IOPT_PAGE_SIZE;
	if (!length || length >= UINT64_MAX / 2)
		return -EOVERFLOW;
	u64 align = roundup_pow_of_two(length);
	if (addr && (1ULL << __builtin_ctzll(addr)) < align)
		align = 1ULL << __builtin_ctzll(addr);
	if (align >= iopt->max_alloc_alignment)
		align = iopt->max_alloc_alignment;
	if (align < iopt->iova_alignment)
		return -EINVAL;

	const u64 lo = IOPT_PAGE_SIZE, hi = UINT64_MAX - IOPT_PAGE_SIZE;
	/* the allowed spans clipped to [lo, hi], adjacent ranges merged */
	struct iopt_range whole = { lo, hi };
	struct iopt_range *spans = iopt->nallowed ? malloc(iopt->nallowed * sizeof(*spans)) : &whole;
	size_t nspans = iopt->nallowed ? 0 : 1;
	if (!spans)
		return -ENOMEM;
	for (size_t i = 0; i < iopt->nallowed; i++) {
		struct iopt_range r = iopt->allowed[i];
		if (r.last < lo || r.start > hi)
			continue;
		r.start = r.start < lo ? lo : r.start;
		r.last = r.last > hi ? hi : r.last;
		if (nspans && spans[nspans - 1].last + 1 == r.start)
			spans[nspans - 1].last = r.last;
		else
			spans[nspans++] = r;
	}
	size_t nused;
	struct iopt_range *used = used_spans(iopt, &nused);
	int ret = -ENOSPC;
	if (!used)
		ret = -ENOMEM;
	for (size_t s = 0; used && s < nspans && ret == -ENOSPC; s++) {
		u64 start = spans[s].start, last = spans[s].last;
		if (!check_range(&start, last, length, align, page_offset))
			continue;
		/* the holes the used ranges leave in [start, last], lowest first */
		u64 hole = start;
		for (size_t u = 0; ret == -ENOSPC; u++) {
			const struct iopt_range *r = u < nused ? &used[u] : NULL;
			if (r && r->last < hole)
				continue;
			if (r && r->start <= hole) {
				if (r->last >= last)
					break;
				hole = r->last + 1;
				continue;
			}
			u64 hole_last = r && r->start - 1 < last ? r->start - 1 : last;
			u64 cand = hole;
			if (check_range(&cand, hole_last, length, align, page_offset)) {
				*iova = cand;
				ret = 0;
			}
			if (!r || r->start > last || r->last >= last)
				break;
			hole = r->last + 1;
		}
	}
	free(used);
	if (spans != &whole)
		free(spans);
	return ret;
}

/* iopt_check_iova(): a fixed IOVA's checks */
static int iopt_check_iova(const struct io_pagetable *iopt, u64 iova, u64 length)
{
	u64 last;
	if (iova & (iopt->iova_alignment - 1))
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	if (ranges_meet(iopt->reserved, iopt->nreserved, iova, last))
		return -EINVAL;
	if (area_first(iopt, iova, last) != iopt->nareas)
		return -EEXIST;
	return 0;
}

static int insert_area(struct io_pagetable *iopt, const struct iopt_area *a)
{
	if (iopt->nareas == iopt->capareas) {
		size_t cap = iopt->capareas ? 2 * iopt->capareas : 8;
		struct iopt_area *n = realloc(iopt->areas, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		iopt->areas = n;
		iopt->capareas = cap;
	}
	size_t i = 0;
	while (i < iopt->nareas && iopt->areas[i].iova < a->iova)
		i++;
	memmove(&iopt->areas[i + 1], &iopt->areas[i], (iopt->nareas - i) * sizeof(*a));
	iopt->areas[i] = *a;
	iopt->nareas++;
	return 0;
}

/* the area's user pages pinned (get_user_pages of the whole area): 0 or -EFAULT */
static int area_pin(struct kernel *k, struct iopt_area *a)
{
	if (a->pinned_block)
		return 0;
	/* a file's pages: memfd_pin_folios() takes shmem and hugetlbfs files only */
	if (a->pages->file)
		return -EINVAL;
	u64 pa;
	struct uapi_user_block *block;
	u64 len = a->last - a->iova + 1;
	if (uapi_user_pa(k, a->pages->uptr + a->start_byte, len, &pa, &block))
		return -EFAULT;
	block->pinned += (unsigned long)a->pages->npages;
	a->pinned_block = block;
	a->pinned_pa = pa;
	return 0;
}

static void area_unpin(struct iopt_area *a)
{
	if (!a->pinned_block)
		return;
	a->pinned_block->pinned -= (unsigned long)a->pages->npages;
	a->pinned_block = NULL;
	a->pinned_pa = 0;
}

/* iopt_area_fill_domain(): the area's pinned pages at its IOVA, with its protection */
static int area_map_domain(struct iopt_area *a, struct iommu_domain *domain)
{
	return iommu_map(domain, a->iova, a->pinned_pa, a->last - a->iova + 1, a->iommu_prot);
}

static void area_unmap_domain(struct iopt_area *a, struct iommu_domain *domain)
{
	iommu_unmap(domain, a->iova, a->last - a->iova + 1);
}

/* the area pinned and in every domain of the table; nothing of it when it fails */
static int area_fill_domains(struct io_pagetable *iopt, struct iopt_area *a)
{
	if (!iopt->ndomains)
		return 0;
	int ret = area_pin(iopt->domains[0]->k, a);
	if (ret)
		return ret;
	for (size_t d = 0; d < iopt->ndomains; d++) {
		ret = area_map_domain(a, iopt->domains[d]);
		if (ret) {
			while (d-- > 0)
				area_unmap_domain(a, iopt->domains[d]);
			area_unpin(a);
			return ret;
		}
	}
	return 0;
}

static void area_unfill_domains(struct io_pagetable *iopt, struct iopt_area *a)
{
	/* an area is pinned exactly while the domains map it */
	if (!a->pinned_block)
		return;
	for (size_t d = 0; d < iopt->ndomains; d++)
		area_unmap_domain(a, iopt->domains[d]);
	area_unpin(a);
}

static void remove_area(struct io_pagetable *iopt, size_t i)
{
	area_unfill_domains(iopt, &iopt->areas[i]);
	iopt_put_pages(iopt->areas[i].pages);
	memmove(&iopt->areas[i], &iopt->areas[i + 1], (iopt->nareas - i - 1) * sizeof(iopt->areas[0]));
	iopt->nareas--;
}

/*
 * iopt_alloc_area_pages() + iopt_insert_area(): every slice checked before
 * any is inserted, so a failure leaves the table as it was. On success the
 * areas take the slices' page references.
 */
int iopt_map_pages(struct io_pagetable *iopt, const struct iopt_pages_slice *slices, size_t nslices,
		   u64 length, u64 *iova, int iommu_prot, unsigned int flags)
{
	int ret;
	if ((length & (iopt->iova_alignment - 1)) || !length)
		return -EINVAL;
	if (flags & IOPT_ALLOC_IOVA)
		ret = iopt_alloc_iova(iopt, iova, slices[0].pages->uptr + slices[0].start_byte, length);
	else
		ret = iopt_check_iova(iopt, *iova, length);
	if (ret)
		return ret;
	u64 at = *iova;
	for (size_t i = 0; i < nslices; i++) {
		const struct iopt_pages_slice *s = &slices[i];
		u64 last;
		if ((iommu_prot & IOMMU_WRITE) && !s->pages->writable)
			return -EPERM;
		if ((s->start_byte % IOPT_PAGE_SIZE) & (iopt->iova_alignment - 1))
			return -EINVAL;
		if (__builtin_add_overflow(at, s->length - 1, &last))
			return -EOVERFLOW;
		at = last + 1;
	}
	at = *iova;
	size_t done = 0;
	for (; done < nslices; done++) {
		const struct iopt_pages_slice *s = &slices[done];
		struct iopt_area a = { .iova = at, .last = at + s->length - 1, .pages = s->pages,
				       .start_byte = s->start_byte, .iommu_prot = iommu_prot };
		if (insert_area(iopt, &a))
			break;
		s->pages->refs++;
		at += s->length;
	}
	/* iopt_fill_domains_pages(): pinned and mapped into every domain, or -EFAULT and none of them */
	int fill = done < nslices ? -ENOMEM : 0;
	for (size_t i = 0, a = 0; !fill && i < iopt->nareas && a < nslices; i++) {
		struct iopt_area *area = &iopt->areas[i];
		if (area->iova < *iova || area->iova > *iova + (length - 1))
			continue;
		fill = area_fill_domains(iopt, area);
		a++;
	}
	if (fill) {
		/* take back what went in (remove_area() unmaps what was mapped) */
		at = *iova;
		for (size_t i = 0; i < done; i++) {
			for (size_t j = 0; j < iopt->nareas; j++)
				if (iopt->areas[j].iova == at) {
					remove_area(iopt, j);
					break;
				}
			at += slices[i].length;
		}
		return fill;
	}
	return 0;
}

int iopt_get_pages(struct io_pagetable *iopt, u64 iova, u64 length, struct iopt_pages_slice **out,
		   size_t *n)
{
	u64 last;
	*out = NULL;
	*n = 0;
	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	/* the areas must cover [iova, last] with no gap (iopt_for_each_contig_area) */
	struct iopt_pages_slice *s = calloc(iopt->nareas ? iopt->nareas : 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	size_t k = 0;
	u64 cur = iova;
	bool covered = false;
	for (size_t i = area_first(iopt, iova, last); i < iopt->nareas; i++) {
		struct iopt_area *a = &iopt->areas[i];
		if (a->iova > cur)
			break;
		u64 end = a->last < last ? a->last : last;
		s[k++] = (struct iopt_pages_slice){ .pages = a->pages,
						    .start_byte = a->start_byte + (cur - a->iova),
						    .length = end - cur + 1 };
		a->pages->refs++;
		if (end == last) {
			covered = true;
			break;
		}
		cur = end + 1;
	}
	if (!covered) {
		iopt_free_pages_list(s, k);
		return -ENOENT;
	}
	*out = s;
	*n = k;
	return 0;
}

void iopt_free_pages_list(struct iopt_pages_slice *slices, size_t n)
{
	for (size_t i = 0; i < n; i++)
		iopt_put_pages(slices[i].pages);
	free(slices);
}

/*
 * iopt_unmap_iova_range(): whole areas inside [start, last], lowest first.
 * An area that sticks out of the range stops it with ENOENT, and the areas
 * before it stay unmapped (7.3 does not undo them).
 */
static int unmap_range(struct io_pagetable *iopt, u64 start, u64 last, u64 *unmapped)
{
	u64 bytes = 0;
	int ret = 0;
	size_t i;
	while ((i = area_first(iopt, start, last)) != iopt->nareas) {
		struct iopt_area *a = &iopt->areas[i];
		if (a->iova < start || a->last > last) {
			ret = -ENOENT;
			break;
		}
		u64 a_last = a->last;
		bytes += a->last - a->iova + 1;
		remove_area(iopt, i);
		if (a_last >= last)
			break;
		start = a_last + 1;
	}
	if (unmapped)
		*unmapped = bytes;
	return ret;
}

int iopt_unmap_iova(struct io_pagetable *iopt, u64 iova, u64 length, u64 *unmapped)
{
	u64 last;
	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	return unmap_range(iopt, iova, last, unmapped);
}

int iopt_unmap_all(struct io_pagetable *iopt, u64 *unmapped)
{
	/* nothing mapped is a success */
	return unmap_range(iopt, 0, UINT64_MAX, unmapped);
}

int iopt_set_allow_iova(struct io_pagetable *iopt, struct iopt_range *allowed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ranges_meet(iopt->reserved, iopt->nreserved, allowed[i].start, allowed[i].last))
			return -EADDRINUSE;
	free(iopt->allowed);
	iopt->allowed = allowed;
	iopt->nallowed = n;
	return 0;
}

size_t iopt_iova_holes(const struct io_pagetable *iopt, struct iopt_range *out, size_t max)
{
	size_t n = 0;
	u64 next = 0;
	bool open = true;
	for (size_t i = 0; i < iopt->nreserved; i++) {
		const struct iopt_range *r = &iopt->reserved[i];
		if (r->start > next) {
			if (n < max)
				out[n] = (struct iopt_range){ next, r->start - 1 };
			n++;
		}
		if (r->last == UINT64_MAX) {
			open = false;
			break;
		}
		if (r->last + 1 > next)
			next = r->last + 1;
	}
	if (open) {
		if (n < max)
			out[n] = (struct iopt_range){ next, UINT64_MAX };
		n++;
	}
	return n;
}

/* iopt_check_iova_alignment(): every area already aligned to align, else -EADDRINUSE */
static int check_iova_alignment(const struct io_pagetable *iopt, u64 align)
{
	for (size_t i = 0; i < iopt->nareas; i++) {
		const struct iopt_area *a = &iopt->areas[i];
		if ((a->iova & (align - 1)) || ((a->last - a->iova + 1) & (align - 1)) ||
		    ((a->start_byte % IOPT_PAGE_SIZE) & (align - 1)))
			return -EADDRINUSE;
	}
	return 0;
}

/* a domain's smallest page: 1 << __ffs(pgsize_bitmap) */
static u64 domain_min_page(const struct iommu_domain *domain)
{
	return domain->pgsize_bitmap ? 1ULL << __builtin_ctzll(domain->pgsize_bitmap) : IOPT_PAGE_SIZE;
}

/*
 * iopt_calculate_iova_alignment(): PAGE_SIZE when large pages are off, else
 * 1, raised to every domain's smallest page (no accesses are modelled)
 */
static int calculate_iova_alignment(struct io_pagetable *iopt)
{
	u64 align = iopt->disable_large_pages ? IOPT_PAGE_SIZE : 1;
	for (size_t d = 0; d < iopt->ndomains; d++)
		if (domain_min_page(iopt->domains[d]) > align)
			align = domain_min_page(iopt->domains[d]);
	if (align > iopt->iova_alignment) {
		int ret = check_iova_alignment(iopt, align);
		if (ret)
			return ret;
	}
	iopt->iova_alignment = align;
	return 0;
}

int iopt_reserve_iova(struct io_pagetable *iopt, u64 start, u64 last, const void *owner)
{
	if (area_first(iopt, start, last) != iopt->nareas ||
	    ranges_meet(iopt->allowed, iopt->nallowed, start, last))
		return -EADDRINUSE;
	struct iopt_range *r = realloc(iopt->reserved, (iopt->nreserved + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	iopt->reserved = r;
	const void **o = realloc(iopt->reserved_owner, (iopt->nreserved + 1) * sizeof(*o));
	if (!o)
		return -ENOMEM;
	iopt->reserved_owner = o;
	/* sorted by start; ranges of different owners may overlap (two devices' SW_MSI) */
	size_t i = iopt->nreserved;
	while (i > 0 && r[i - 1].start > start) {
		r[i] = r[i - 1];
		o[i] = o[i - 1];
		i--;
	}
	r[i] = (struct iopt_range){ start, last };
	o[i] = owner;
	iopt->nreserved++;
	return 0;
}

void iopt_remove_reserved_iova(struct io_pagetable *iopt, const void *owner)
{
	size_t k = 0;
	for (size_t i = 0; i < iopt->nreserved; i++) {
		if (iopt->reserved_owner[i] == owner)
			continue;
		iopt->reserved[k] = iopt->reserved[i];
		iopt->reserved_owner[k] = iopt->reserved_owner[i];
		k++;
	}
	iopt->nreserved = k;
}

int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt, struct device *dev, u64 *sw_msi_start)
{
	struct iommu_resv_region resv[IOMMU_MAX_RESV];
	int n = 0;
	if (dev->iommu && dev->iommu->iommu_dev && dev->iommu->iommu_dev->ops->get_resv_regions)
		n = dev->iommu->iommu_dev->ops->get_resv_regions(dev, resv, IOMMU_MAX_RESV);
	unsigned int num_hw_msi = 0, num_sw_msi = 0;
	for (int i = 0; i < n; i++) {
		if (resv[i].type == IOMMU_RESV_DIRECT_RELAXABLE)
			continue;
		if (sw_msi_start && resv[i].type == IOMMU_RESV_MSI)
			num_hw_msi++;
		if (sw_msi_start && resv[i].type == IOMMU_RESV_SW_MSI) {
			*sw_msi_start = resv[i].start;
			num_sw_msi++;
		}
		int ret = iopt_reserve_iova(iopt, resv[i].start, resv[i].start + resv[i].length - 1, dev);
		if (ret) {
			iopt_remove_reserved_iova(iopt, dev);
			return ret;
		}
	}
	/* drivers offer one SW_MSI window or hardware ones, never both */
	if ((num_sw_msi && num_hw_msi) || num_sw_msi > 1) {
		iopt_remove_reserved_iova(iopt, dev);
		return -EINVAL;
	}
	return 0;
}

/* iopt_fill_domain(): every area pinned and mapped into the new domain; all or nothing */
static int fill_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	for (size_t i = 0; i < iopt->nareas; i++) {
		struct iopt_area *a = &iopt->areas[i];
		bool pinned_here = !a->pinned_block;
		int ret = area_pin(domain->k, a);
		if (!ret) {
			ret = area_map_domain(a, domain);
			if (ret && pinned_here)
				area_unpin(a);
		}
		if (ret) {
			while (i-- > 0) {
				area_unmap_domain(&iopt->areas[i], domain);
				if (!iopt->ndomains)
					area_unpin(&iopt->areas[i]);
			}
			return ret;
		}
	}
	return 0;
}

int iopt_table_add_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	for (size_t d = 0; d < iopt->ndomains; d++)
		if (iopt->domains[d] == domain)
			return -EEXIST;
	/* a domain must take PAGE_SIZE: iopt_pages work in pages */
	u64 align = domain_min_page(domain) > iopt->iova_alignment ? domain_min_page(domain) : iopt->iova_alignment;
	if (align > IOPT_PAGE_SIZE)
		return -EINVAL;
	int ret;
	if (align != iopt->iova_alignment && (ret = check_iova_alignment(iopt, align)))
		return ret;
	/* no area outside the domain's aperture: what lies outside becomes reserved */
	if (domain->geometry.aperture_start &&
	    (ret = iopt_reserve_iova(iopt, 0, domain->geometry.aperture_start - 1, domain)))
		goto out_reserved;
	if (domain->geometry.aperture_end != UINT64_MAX &&
	    (ret = iopt_reserve_iova(iopt, domain->geometry.aperture_end + 1, UINT64_MAX, domain)))
		goto out_reserved;
	struct iommu_domain **domains = realloc(iopt->domains, (iopt->ndomains + 1) * sizeof(*domains));
	if (!domains) {
		ret = -ENOMEM;
		goto out_reserved;
	}
	iopt->domains = domains;
	ret = fill_domain(iopt, domain);
	if (ret)
		goto out_reserved;
	iopt->iova_alignment = align;
	iopt->domains[iopt->ndomains++] = domain;
	return 0;
out_reserved:
	iopt_remove_reserved_iova(iopt, domain);
	return ret;
}

void iopt_table_remove_domain(struct io_pagetable *iopt, struct iommu_domain *domain)
{
	size_t d = 0;
	while (d < iopt->ndomains && iopt->domains[d] != domain)
		d++;
	if (d == iopt->ndomains)
		return;
	/* the tail entry takes the erased one's place (7.3 keeps the xarray dense so) */
	iopt->domains[d] = iopt->domains[--iopt->ndomains];
	/* iopt_unfill_domain(): out of this domain; unpinned when it was the last */
	for (size_t i = 0; i < iopt->nareas; i++) {
		area_unmap_domain(&iopt->areas[i], domain);
		if (!iopt->ndomains)
			area_unpin(&iopt->areas[i]);
	}
	iopt_remove_reserved_iova(iopt, domain);
	calculate_iova_alignment(iopt);
}

int iopt_disable_large_pages(struct io_pagetable *iopt)
{
	if (iopt->disable_large_pages)
		return 0;
	/* a domain already holding mappings may have large pages in them */
	if (iopt->ndomains && iopt->nareas)
		return -EINVAL;
	iopt->disable_large_pages = true;
	int ret = calculate_iova_alignment(iopt);
	if (ret)
		iopt->disable_large_pages = false;
	return ret;
}

void iopt_enable_large_pages(struct io_pagetable *iopt)
{
	iopt->disable_large_pages = false;
	calculate_iova_alignment(iopt);
}
