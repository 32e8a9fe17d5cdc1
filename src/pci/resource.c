/*
 * The resource tree of kernel/resource.c, as far as PCI's assignment uses
 * it: allocation into the first gap that fits, release, and the %pR text.
 */
#include <errno.h>
#include <stdio.h>
#include "pci/resource.h"

static u64 align_up(u64 x, u64 align)
{
	return (x + align - 1) & ~(align - 1);
}

/*
 * __find_resource(): the gaps between root's children in address order,
 * each clipped to [min, max]; the first whose aligned start leaves room
 * for size wins.
 */
static int find_resource(const struct resource *root, u64 size, u64 min, u64 max, u64 align, unsigned long flags,
			 resource_alignf alignf, void *data, u64 *where)
{
	const struct resource *this = root->child;
	u64 gap_start = root->start;
	if (this && this->start == root->start) {
		gap_start = this->end + 1;
		this = this->sibling;
	}
	for (;;) {
		u64 gap_end = this ? this->start - 1 : root->end;
		if (gap_end >= gap_start) {
			u64 s = gap_start < min ? min : gap_start;
			u64 e = gap_end > max ? max : gap_end;
			u64 a = align_up(s, align);
			if (alignf && s <= e && a >= s && a <= e) {
				struct resource avail = { .start = a, .end = e, .flags = flags };
				struct resource full = { .start = s, .end = e, .flags = flags };
				a = alignf(data, &avail, &full, size, align);
			}
			/* the aligned start must not wrap, and the whole range must fit */
			if (s <= e && a >= s && a <= e && size && e - a >= size - 1) {
				*where = a;
				return 0;
			}
		}
		if (!this || this->end == root->end)
			break;
		gap_start = this->end + 1;
		this = this->sibling;
	}
	return -EBUSY;
}

int allocate_resource(struct resource *root, struct resource *res, u64 size, u64 min, u64 max, u64 align)
{
	return allocate_resource_alignf(root, res, size, min, max, align, NULL, NULL);
}

int allocate_resource_alignf(struct resource *root, struct resource *res, u64 size, u64 min, u64 max, u64 align,
			     resource_alignf alignf, void *data)
{
	if (!align)
		align = 1;
	u64 start;
	if (find_resource(root, size, min, max, align, res->flags, alignf, data, &start))
		return -EBUSY;
	res->start = start;
	res->end = start + size - 1;
	/* __request_resource(): linked in address order among root's children */
	struct resource **p = &root->child;
	while (*p && (*p)->start < res->start)
		p = &(*p)->sibling;
	res->sibling = *p;
	res->parent = root;
	*p = res;
	return 0;
}

void release_resource(struct resource *res)
{
	struct resource *parent = res->parent;
	if (!parent)
		return;
	for (struct resource **p = &parent->child; *p; p = &(*p)->sibling) {
		if (*p == res) {
			*p = res->sibling;
			break;
		}
	}
	res->parent = NULL;
	res->sibling = NULL;
}

const char *resource_str(const struct resource *res, char *buf, size_t len)
{
	bool io = res->flags & IORESOURCE_IO;
	/* io_spec and mem_spec: 0x and at least 4 or 8 hex digits */
	int width = io ? 4 : 8;
	int n;
	if (res->flags & IORESOURCE_UNSET)
		n = snprintf(buf, len, "[%s size 0x%0*llx", io ? "io " : "mem", width,
			     (unsigned long long)resource_size(res));
	else if (res->start == res->end)
		n = snprintf(buf, len, "[%s 0x%0*llx", io ? "io " : "mem", width, (unsigned long long)res->start);
	else
		n = snprintf(buf, len, "[%s 0x%0*llx-0x%0*llx", io ? "io " : "mem", width,
			     (unsigned long long)res->start, width, (unsigned long long)res->end);
	if (n < 0 || (size_t)n >= len)
		return buf;
	snprintf(buf + n, len - (size_t)n, "%s%s%s%s]", (res->flags & IORESOURCE_MEM_64) ? " 64bit" : "",
		 (res->flags & IORESOURCE_PREFETCH) ? " pref" : "", (res->flags & IORESOURCE_WINDOW) ? " window" : "",
		 (res->flags & IORESOURCE_DISABLED) ? " disabled" : "");
	return buf;
}
