/*
 * The IOVA space of an IOAS (7.3's io_pagetable.c): areas (mappings) over
 * shared pages, the allowed and reserved ranges, the IOVA allocator, and
 * map/unmap/copy's checks with 7.3's errnos. The areas are one sorted array
 * (7.3 keeps interval trees; the answers do not depend on it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/iommufd.h"

/* arm64 with 4K pages (the model's only page size) */
#define IOPT_PAGE_SIZE 4096ULL

void iopt_init_table(struct io_pagetable *iopt, u64 max_alloc_alignment)
{
	memset(iopt, 0, sizeof(*iopt));
	iopt->max_alloc_alignment = max_alloc_alignment;
	/* no domain yet: the whole u64 space, no alignment */
	iopt->iova_alignment = 1;
}

void iopt_destroy_table(struct io_pagetable *iopt)
{
	for (size_t i = 0; i < iopt->nareas; i++)
		iopt_put_pages(iopt->areas[i].pages);
	free(iopt->areas);
	free(iopt->allowed);
	free(iopt->reserved);
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

static void remove_area(struct io_pagetable *iopt, size_t i)
{
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
	if (done < nslices) {
		/* out of memory: take back what went in */
		at = *iova;
		for (size_t i = 0; i < done; i++) {
			for (size_t j = 0; j < iopt->nareas; j++)
				if (iopt->areas[j].iova == at) {
					remove_area(iopt, j);
					break;
				}
			at += slices[i].length;
		}
		return -ENOMEM;
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

/* iopt_calculate_iova_alignment() with no domain and no access: PAGE_SIZE when large pages are off */
static int calculate_iova_alignment(struct io_pagetable *iopt)
{
	u64 align = iopt->disable_large_pages ? IOPT_PAGE_SIZE : 1;
	if (align > iopt->iova_alignment) {
		/* iopt_check_iova_alignment(): every area must already be aligned */
		for (size_t i = 0; i < iopt->nareas; i++) {
			const struct iopt_area *a = &iopt->areas[i];
			if ((a->iova & (align - 1)) || ((a->last - a->iova + 1) & (align - 1)) ||
			    ((a->start_byte % IOPT_PAGE_SIZE) & (align - 1)))
				return -EADDRINUSE;
		}
	}
	iopt->iova_alignment = align;
	return 0;
}

int iopt_disable_large_pages(struct io_pagetable *iopt)
{
	if (iopt->disable_large_pages)
		return 0;
	/* (with a domain holding mappings: EINVAL; no domains yet) */
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
