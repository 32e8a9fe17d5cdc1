/*
 * Sizing and assigning a hierarchy's resources as 7.3's pci_host_probe()
 * does it (drivers/pci/setup-bus.c, pci_assign_unassigned_root_bus_resources
 * with one try: pci=realloc is neither asked for nor detected). Bridge
 * windows are sized bottom up with a realloc list: what a window must hold
 * (its size), and apart, what it would like to hold (a hotplug bridge's
 * extra space, the disabled ROMs below it, the children's own extras) as
 * its "add_size", logged. Each bus then assigns its resources with the
 * extras first; when something required does not fit, what was assigned of
 * the failing type is released and the bus assigns again without extras,
 * then grows or places the optional parts one by one. At the end every
 * bus's resources are logged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "pci/pci.h"
#include "pci/setup_bus.h"

/* pci_hotplug_io_size, pci_hotplug_mmio_size, pci_hotplug_mmio_pref_size defaults */
#define PCI_HOTPLUG_IO_SIZE 256
#define PCI_HOTPLUG_MMIO_SIZE (2u << 20)
#define PCI_HOTPLUG_MMIO_PREF_SIZE (2u << 20)

/* pci_min_window_alignment(): memory windows on 1M, I/O windows on 4K */
#define PCI_P2P_DEFAULT_MEM_ALIGN 0x100000
#define PCI_P2P_DEFAULT_IO_ALIGN 0x1000

#define PCI_RES_TYPE_MASK (IORESOURCE_IO | IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_MEM_64)

/*
 * struct pci_dev_resource: a resource with the function that has it, what
 * it held when it was put on the list (start, end, flags), and for the
 * realloc list its optional extra size and the alignment that needs.
 */
struct dev_res {
	struct pci_dev *dev;
	int resno;
	u64 start, end;
	unsigned long flags;
	u64 add_size, min_align;
};

/*
 * A list of them in list order (pci_dev_res_add_to_list() puts new ones
 * first): v[0..n) inside the allocation base[0..cap), with room kept in
 * front so that adding at the head, what the sizing passes do for every
 * window and optional resource, moves nothing.
 */
struct dev_res_list {
	struct dev_res *v;
	size_t n;
	struct dev_res *base;
	size_t front, cap;		/* v == base + front; front + n <= cap */
	/*
	 * How many entries hold each resource (open addressing on the
	 * resource's address), so that looking up one the list lacks, most
	 * lookups of the sizing passes, needs no walk. No table (an
	 * allocation failed): every lookup walks.
	 */
	struct res_count *counts;
	size_t nslots, nused;
	bool counts_broken;
};

struct res_count {
	const struct resource *r;
	size_t count;
};

static struct resource *res_of(const struct dev_res *d)
{
	return &d->dev->resource[d->resno];
}

static u64 align_up(u64 x, u64 align)
{
	return align ? (x + align - 1) / align * align : x;
}

static u64 max_u64(u64 a, u64 b)
{
	return a > b ? a : b;
}

static bool assigned(const struct resource *r)
{
	return r->parent != NULL;
}

static size_t count_slot(const struct res_count *t, size_t nslots, const struct resource *r)
{
	size_t i = (size_t)(((uintptr_t)r >> 4) * 0x9e3779b97f4a7c15ULL) & (nslots - 1);
	while (t[i].r && t[i].r != r)
		i = (i + 1) & (nslots - 1);
	return i;
}

/* entries holding r change by delta */
static void count_adjust(struct dev_res_list *l, const struct resource *r, long delta)
{
	if (l->counts_broken)
		return;
	if ((l->nused + 1) * 2 > l->nslots) {
		size_t nslots = l->nslots ? 2 * l->nslots : 64;
		struct res_count *t = calloc(nslots, sizeof(*t));
		if (!t) {
			free(l->counts);
			l->counts = NULL;
			l->counts_broken = true;
			return;
		}
		size_t used = 0;
		for (size_t i = 0; i < l->nslots; i++)
			if (l->counts[i].count) {
				t[count_slot(t, nslots, l->counts[i].r)] = l->counts[i];
				used++;
			}
		free(l->counts);
		l->counts = t;
		l->nslots = nslots;
		l->nused = used;
	}
	size_t i = count_slot(l->counts, l->nslots, r);
	if (!l->counts[i].r) {
		l->counts[i].r = r;
		l->nused++;
	}
	l->counts[i].count += (size_t)delta;
}

/* no entry holds r (false: one may) */
static bool count_none(const struct dev_res_list *l, const struct resource *r)
{
	if (l->counts_broken || !l->n)
		return !l->n;
	return !l->counts || !l->counts[count_slot(l->counts, l->nslots, r)].count;
}

/* a new allocation with as much room before the entries as after them */
static int list_grow(struct dev_res_list *l)
{
	size_t cap = 2 * l->n + 32;
	struct dev_res *base = malloc(cap * sizeof(*base));
	if (!base)
		return -ENOMEM;
	size_t front = (cap - l->n) / 2;
	if (l->n)
		memcpy(base + front, l->v, l->n * sizeof(*base));
	free(l->base);
	l->base = base;
	l->front = front;
	l->cap = cap;
	l->v = base + front;
	return 0;
}

static int list_insert(struct dev_res_list *l, size_t at, struct dev_res d)
{
	if (at == 0) {
		if (!l->front && list_grow(l))
			return -ENOMEM;
		l->front--;
		l->v = l->base + l->front;
	} else {
		if (l->front + l->n == l->cap && list_grow(l))
			return -ENOMEM;
		memmove(&l->v[at + 1], &l->v[at], (l->n - at) * sizeof(*l->v));
	}
	l->v[at] = d;
	l->n++;
	count_adjust(l, res_of(&d), 1);
	return 0;
}

/* the shorter side moves */
static void list_del_at(struct dev_res_list *l, size_t at)
{
	count_adjust(l, res_of(&l->v[at]), -1);
	if (at < l->n / 2) {
		memmove(&l->v[1], &l->v[0], at * sizeof(*l->v));
		l->front++;
		l->v = l->base + l->front;
	} else {
		memmove(&l->v[at], &l->v[at + 1], (l->n - at - 1) * sizeof(*l->v));
	}
	l->n--;
}

static void list_free(struct dev_res_list *l)
{
	free(l->base);
	free(l->counts);
	*l = (struct dev_res_list){ 0 };
}

/* pci_dev_res_add_to_list(): a snapshot of the resource, at the head */
static int list_add_res(struct dev_res_list *l, struct pci_dev *dev, int resno, u64 add_size, u64 min_align)
{
	const struct resource *r = &dev->resource[resno];
	return list_insert(l, 0, (struct dev_res){ .dev = dev, .resno = resno, .start = r->start, .end = r->end,
						     .flags = r->flags, .add_size = add_size, .min_align = min_align });
}

/* res_to_dev_res(): the entry of a resource, or -1 */
static long list_find(const struct dev_res_list *l, const struct resource *r)
{
	if (count_none(l, r))
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (res_of(&l->v[i]) == r)
			return (long)i;
	return -1;
}

static void list_remove_res(struct dev_res_list *l, const struct resource *r)
{
	long i = list_find(l, r);
	if (i >= 0)
		list_del_at(l, (size_t)i);
}

/*
 * For each resource of head, the first entry of l holding it (-1: none),
 * sorted by resource: one pass over l instead of a list_find() per resource
 * (l is the realloc list, which holds every optional part of the tree).
 */
struct res_index {
	const struct resource *r;
	long at;
};

static int res_index_cmp(const void *a, const void *b)
{
	const struct resource *x = ((const struct res_index *)a)->r, *y = ((const struct res_index *)b)->r;
	return x < y ? -1 : x > y;
}

static long res_index_find(const struct res_index *ix, size_t n, const struct resource *r)
{
	const struct res_index key = { .r = r }, *hit = bsearch(&key, ix, n, sizeof(*ix), res_index_cmp);
	return hit ? hit->at : -1;
}

static struct res_index *res_index_build(const struct dev_res_list *head, const struct dev_res_list *l)
{
	struct res_index *ix = calloc(head->n + 1, sizeof(*ix));
	if (!ix)
		return NULL;
	for (size_t i = 0; i < head->n; i++)
		ix[i] = (struct res_index){ .r = res_of(&head->v[i]), .at = -1 };
	qsort(ix, head->n, sizeof(*ix), res_index_cmp);
	for (size_t i = 0; i < l->n; i++) {
		const struct res_index key = { .r = res_of(&l->v[i]) };
		struct res_index *hit = bsearch(&key, ix, head->n, sizeof(*ix), res_index_cmp);
		if (hit && hit->at < 0)
			hit->at = (long)i;
	}
	return ix;
}

/* list_remove_res() of each of head's resources: the entries ix found, dropped in one pass */
static void list_remove_indexed(struct dev_res_list *l, const struct res_index *ix, size_t n)
{
	bool *drop = calloc(l->n + 1, sizeof(*drop));
	if (!drop) {
		for (size_t i = 0; i < n; i++)
			list_remove_res(l, ix[i].r);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (ix[i].at >= 0)
			drop[ix[i].at] = true;
	size_t kept = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (!drop[i])
			l->v[kept++] = l->v[i];
		else
			count_adjust(l, res_of(&l->v[i]), -1);
	}
	l->n = kept;
	free(drop);
}

static u64 get_res_add_size(const struct dev_res_list *l, const struct resource *r)
{
	long i = l ? list_find(l, r) : -1;
	return i >= 0 ? l->v[i].add_size : 0;
}

/* pci_dev_res_restore(): back to the snapshot, unless it got an address meanwhile */
static void dev_res_restore(const struct dev_res *d)
{
	struct resource *r = res_of(d);
	if (assigned(r))
		return;
	r->start = d->start;
	r->end = d->end;
	r->flags = d->flags;
}

static bool is_bridge_win(int resno)
{
	return resno >= PCI_BRIDGE_RESOURCES && resno < PCI_NUM_RESOURCES;
}

/* pci_resource_is_optional(): a disabled ROM, or a bridge window of no size */
static bool resource_is_optional(const struct pci_dev *dev, int resno)
{
	const struct resource *r = &dev->resource[resno];
	if (resno == PCI_ROM_RESOURCE && !(r->flags & IORESOURCE_ROM_ENABLE))
		return true;
	return is_bridge_win(resno) && resource_size(r) == 0;
}

/* pdev_resources_assignable(): functions without a class and host bridges keep what they have */
static bool pdev_resources_assignable(struct pci_dev *dev)
{
	u16 class = (u16)(dev->class >> 8);
	if (class == 0x0000 /* PCI_CLASS_NOT_DEFINED */ || class == 0x0600 /* PCI_CLASS_BRIDGE_HOST */)
		return false;
	if (class == 0x0800 /* PCI_CLASS_SYSTEM_PIC */) {
		u16 command;
		pci_read_config_word(dev, PCI_COMMAND, &command);
		if (command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
			return false;
	}
	return true;
}

/* pdev_resource_assignable(): it has a type, and a bridge window is not disabled */
static bool pdev_resource_assignable(const struct pci_dev *dev, int resno)
{
	const struct resource *r = &dev->resource[resno];
	if (!r->flags)
		return false;
	return !(is_bridge_win(resno) && (r->flags & IORESOURCE_DISABLED));
}

static bool pdev_resource_should_fit(const struct pci_dev *dev, int resno)
{
	return !assigned(&dev->resource[resno]) && pdev_resource_assignable(dev, resno);
}

/*
 * find_bus_resource_of_type(): the root bus's first unassigned window of
 * the type (flags under type_mask), else its first assigned one.
 */
static struct resource *find_bus_resource_of_type(struct pci_bus *bus, unsigned long type_mask, unsigned long type)
{
	struct resource *first_assigned = NULL;
	for (int i = 0; i < PCI_BUS_NUM_RESOURCES; i++) {
		struct resource *r = bus->resource[i];
		if (!r || (r->flags & type_mask) != type)
			continue;
		if (!assigned(r))
			return r;
		if (!first_assigned)
			first_assigned = r;
	}
	return first_assigned;
}

/*
 * pbus_select_window_for_type(): I/O into the I/O window; non-prefetchable
 * memory into the memory window, as is all memory without a prefetchable
 * window; a 64-bit prefetchable window takes only 64-bit prefetchable
 * resources, a 32-bit one all prefetchable ones.
 */
static struct resource *pbus_select_window_for_type(struct pci_bus *bus, unsigned long type)
{
	unsigned long iores_type = type & IORESOURCE_TYPE_BITS;
	type &= PCI_RES_TYPE_MASK;
	if (iores_type != IORESOURCE_IO && iores_type != IORESOURCE_MEM)
		return NULL;
	if (pci_is_root_bus(bus)) {
		struct resource *win = find_bus_resource_of_type(bus, type, type);
		if (win)
			return win;
		type &= ~IORESOURCE_MEM_64;
		win = find_bus_resource_of_type(bus, type, type);
		if (win)
			return win;
		type &= ~IORESOURCE_PREFETCH;
		return find_bus_resource_of_type(bus, type, type);
	}
	struct resource *io = bus->resource[0], *mmio = bus->resource[1], *pref = bus->resource[2];
	if (iores_type == IORESOURCE_IO)
		return io && (io->flags & IORESOURCE_IO) ? io : NULL;
	if (mmio && !(mmio->flags & IORESOURCE_MEM))
		mmio = NULL;
	if (pref && !(pref->flags & IORESOURCE_MEM))
		pref = NULL;
	if (!(type & IORESOURCE_PREFETCH) || !pref)
		return mmio;
	if ((type & IORESOURCE_MEM_64) || !(pref->flags & IORESOURCE_MEM_64))
		return pref;
	return mmio;
}

/* pbus_select_window(): an assigned resource's window is where it is */
static struct resource *pbus_select_window(struct pci_bus *bus, const struct resource *r)
{
	if (assigned(r))
		return r->parent;
	return pbus_select_window_for_type(bus, r->flags);
}

/* resource_set_range(): start and size */
static void set_range(struct resource *r, u64 start, u64 size)
{
	r->start = start;
	r->end = start + size - 1;
}

static void log_add_size(struct pci_bus *bus, const struct resource *b_res, u64 add_size, const u64 *add_align)
{
	char r[80], bn[32];
	if (add_align)
		dev_info(&bus->self->dev, "bridge window %s to %s add_size %llx add_align %llx\n",
			 resource_str(b_res, r, sizeof(r)), pci_busn_str(bus, bn, sizeof(bn)),
			 (unsigned long long)add_size, (unsigned long long)*add_align);
	else
		dev_info(&bus->self->dev, "bridge window %s to %s add_size %llx\n", resource_str(b_res, r, sizeof(r)),
			 pci_busn_str(bus, bn, sizeof(bn)), (unsigned long long)add_size);
}

static void disable_window(struct pci_bus *bus, struct resource *b_res)
{
	if (bus->self && (b_res->start || b_res->end)) {
		char r[80], bn[32];
		dev_info(&bus->self->dev, "disabling bridge window %s to %s (unused)\n",
			 resource_str(b_res, r, sizeof(r)), pci_busn_str(bus, bn, sizeof(bn)));
	}
	b_res->flags |= IORESOURCE_DISABLED;
}

/* calculate_iosize() (no ISA aliasing on arm64) */
static u64 calculate_iosize(u64 size, u64 min_size, u64 size1, u64 add_size, u64 children_add_size, u64 old_size,
			    u64 align)
{
	if (size < min_size)
		size = min_size;
	if (old_size == 1)
		old_size = 0;
	size += size1;
	size = max_u64(size, add_size) + children_add_size;
	return align_up(max_u64(size, old_size), align);
}

/*
 * pbus_size_io(): the I/O resources below, with the hotplug extra and the
 * children's own extras as the optional part (when any).
 */
static int pbus_size_io(struct pci_bus *bus, u64 add_size, struct dev_res_list *realloc_head)
{
	struct resource *b_res = pbus_select_window_for_type(bus, IORESOURCE_IO);
	if (!b_res || assigned(b_res))
		return 0;
	u64 size = 0, size1 = 0, children_add_size = 0, min_align = PCI_P2P_DEFAULT_IO_ALIGN;
	for (size_t d = 0; d < bus->ndevices; d++) {
		struct pci_dev *dev = bus->devices[d];
		for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
			struct resource *r = &dev->resource[i];
			if (assigned(r) || !(r->flags & IORESOURCE_IO) || !pdev_resource_assignable(dev, i))
				continue;
			u64 r_size = resource_size(r);
			if (r_size < 0x400)
				size += r_size;
			else
				size1 += r_size;
			min_align = max_u64(min_align, pci_resource_alignment(dev, r));
			children_add_size += get_res_add_size(realloc_head, r);
		}
	}
	u64 size0 = calculate_iosize(size, realloc_head ? 0 : add_size, size1, 0, 0, resource_size(b_res), min_align);
	if (size0)
		b_res->flags &= ~IORESOURCE_DISABLED;
	size1 = size0;
	if (realloc_head && (add_size || children_add_size))
		size1 = calculate_iosize(size, 0, size1, add_size, children_add_size, resource_size(b_res), min_align);
	if (!size0 && !size1) {
		disable_window(bus, b_res);
		return 0;
	}
	set_range(b_res, min_align, size0);
	b_res->flags |= IORESOURCE_STARTALIGN;
	if (bus->self && size1 > size0 && realloc_head) {
		b_res->flags &= ~IORESOURCE_DISABLED;
		int resno = (int)(b_res - bus->self->resource);
		if (list_add_res(realloc_head, bus->self, resno, size1 - size0, min_align))
			return -ENOMEM;
		log_add_size(bus, b_res, size1 - size0, NULL);
	}
	return 0;
}

/*
 * calculate_head_align(): the window's start alignment that leaves no gap
 * ahead of its largest resources, smaller ones filling the head room
 * (aligns[order]: the summed alignments of the resources aligned on
 * 1M << order).
 */
static u64 calculate_head_align(const u64 *aligns, int max_order)
{
	u64 head_align = 1ULL << (max_order + 20), remainder = 0;
	for (int order = max_order - 1; order >= 0; order--) {
		u64 align1 = 1ULL << (order + 20);
		remainder += aligns[order];
		while (head_align > align1 && remainder >= head_align / 2) {
			head_align /= 2;
			remainder -= head_align;
		}
	}
	return head_align;
}

/*
 * pbus_size_mem(): the memory resources below that go into b_res: the
 * required ones make its size; optional ones (disabled ROMs, windows of no
 * size) and the children's extras, with the hotplug extra as the minimum,
 * make the optional part and its alignment.
 */
static int pbus_size_mem(struct pci_bus *bus, struct resource *b_res, u64 add_size, struct dev_res_list *realloc_head)
{
	if (!b_res || assigned(b_res))
		return 0;
	u64 aligns[28] = { 0 };	/* 1M to 128T */
	int max_order = 0;
	u64 size = 0, children_add_size = 0, add_align = 0;
	for (size_t d = 0; d < bus->ndevices; d++) {
		struct pci_dev *dev = bus->devices[d];
		for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
			struct resource *r = &dev->resource[i];
			if (!pdev_resources_assignable(dev) || !pdev_resource_should_fit(dev, i))
				continue;
			if (b_res != pbus_select_window(bus, r))
				continue;
			u64 align = pci_resource_alignment(dev, r);
			int order = align ? __builtin_ctzll(align) - 20 : 0;
			if (order < 0)
				order = 0;
			if (order >= 28) {
				char buf[80];
				dev_warn(&dev->dev, "%s %s: disabling; bad alignment %#llx\n", pci_resource_name(dev, i),
					 resource_str(r, buf, sizeof(buf)), (unsigned long long)align);
				r->flags = 0;
				continue;
			}
			/* pbus_size_mem_optional() */
			if (realloc_head) {
				long e = is_bridge_win(i) ? list_find(realloc_head, r) : -1;
				if (e >= 0) {
					children_add_size += realloc_head->v[e].add_size;
					add_align = max_u64(add_align, realloc_head->v[e].min_align);
				}
				if (resource_is_optional(dev, i)) {
					if (e < 0 && list_add_res(realloc_head, dev, i, 0, align))
						return -ENOMEM;
					children_add_size += resource_size(r);
					add_align = max_u64(add_align, align);
					continue;
				}
			}
			u64 r_size = resource_size(r);
			size += max_u64(r_size, align);
			/* a resource larger than its alignment leaves head room it cannot fill */
			if (r_size <= align)
				aligns[order] += align;
			if (order > max_order)
				max_order = order;
		}
	}
	u64 win_align = PCI_P2P_DEFAULT_MEM_ALIGN;
	u64 min_align = max_u64(calculate_head_align(aligns, max_order), win_align);
	/* calculate_memsize() */
	u64 size0 = align_up(max_u64(size, realloc_head ? 0 : add_size), win_align), size1 = 0;
	if (size0) {
		set_range(b_res, min_align, size0);
		b_res->flags &= ~IORESOURCE_DISABLED;
	}
	if (realloc_head && (add_size || children_add_size)) {
		add_align = max_u64(min_align, add_align);
		size1 = align_up(max_u64(size + children_add_size, add_size), win_align);
	}
	if (!size0 && !size1) {
		disable_window(bus, b_res);
		return 0;
	}
	set_range(b_res, min_align, size0);
	b_res->flags |= IORESOURCE_STARTALIGN;
	if (bus->self && realloc_head && (size1 > size0 || add_align > min_align)) {
		b_res->flags &= ~IORESOURCE_DISABLED;
		u64 extra = size1 > size0 ? size1 - size0 : 0;
		int resno = (int)(b_res - bus->self->resource);
		if (list_add_res(realloc_head, bus->self, resno, extra, add_align))
			return -ENOMEM;
		log_add_size(bus, b_res, extra, &add_align);
	}
	return 0;
}

/*
 * __pci_bus_size_bridges(): children first; the root bus's windows are the
 * host bridge's and are not sized (pci-host-generic has no size_windows).
 */
static int pci_bus_size_bridges_realloc(struct pci_bus *bus, struct dev_res_list *realloc_head)
{
	for (size_t d = 0; d < bus->ndevices; d++) {
		struct pci_bus *b = bus->devices[d]->subordinate;
		if (b && pci_bus_size_bridges_realloc(b, realloc_head))
			return -ENOMEM;
	}
	if (pci_is_root_bus(bus) || bus->self->hdr_type != PCI_HEADER_TYPE_BRIDGE)
		return 0;
	u64 add_io = 0, add_mmio = 0, add_mmio_pref = 0;
	pci_bridge_check_ranges(bus);
	if (bus->self->is_hotplug_bridge) {
		add_io = PCI_HOTPLUG_IO_SIZE;
		add_mmio = PCI_HOTPLUG_MMIO_SIZE;
		add_mmio_pref = PCI_HOTPLUG_MMIO_PREF_SIZE;
	}
	if (pbus_size_io(bus, add_io, realloc_head))
		return -ENOMEM;
	struct resource *b_res =
		pbus_select_window_for_type(bus, IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_MEM_64);
	if (b_res && (b_res->flags & IORESOURCE_PREFETCH) && pbus_size_mem(bus, b_res, add_mmio_pref, realloc_head))
		return -ENOMEM;
	b_res = pbus_select_window_for_type(bus, IORESOURCE_MEM);
	if (b_res && pbus_size_mem(bus, b_res, add_mmio, realloc_head))
		return -ENOMEM;
	return 0;
}

/* pdev_sort_resources(): before the first resource of smaller alignment (stable among equals) */
static int pdev_sort_resources(struct pci_dev *dev, struct dev_res_list *head)
{
	if (!pdev_resources_assignable(dev))
		return 0;
	for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
		struct resource *r = &dev->resource[i];
		if (!pdev_resource_should_fit(dev, i))
			continue;
		u64 r_align = pci_resource_alignment(dev, r);
		if (!r_align) {
			char buf[80];
			dev_warn(&dev->dev, "%s %s: alignment must not be zero\n", pci_resource_name(dev, i),
				 resource_str(r, buf, sizeof(buf)));
			continue;
		}
		size_t at = head->n;
		for (size_t j = 0; j < head->n; j++) {
			if (r_align > pci_resource_alignment(head->v[j].dev, res_of(&head->v[j]))) {
				at = j;
				break;
			}
		}
		if (list_insert(head, at, (struct dev_res){ .dev = dev, .resno = i, .start = r->start, .end = r->end,
							     .flags = r->flags }))
			return -ENOMEM;
	}
	return 0;
}

/* reset_resource(): a window keeps its type but has no address; anything else is emptied */
static void reset_resource(struct pci_dev *dev, int resno)
{
	struct resource *r = &dev->resource[resno];
	if (is_bridge_win(resno)) {
		r->flags |= IORESOURCE_UNSET;
		return;
	}
	*r = (struct resource){ 0 };
}

/* assign_requested_resources_sorted(): each one with a size, optional ones only when asked */
static int assign_requested(struct dev_res_list *head, struct dev_res_list *fail_head, bool optional)
{
	for (size_t i = 0; i < head->n; i++) {
		struct dev_res *d = &head->v[i];
		struct resource *r = res_of(d);
		if (!resource_size(r))
			continue;
		if (!optional && resource_is_optional(d->dev, d->resno))
			continue;
		if (pci_assign_resource(d->dev, d->resno) && fail_head &&
		    list_add_res(fail_head, d->dev, d->resno, 0, 0))
			return -ENOMEM;
	}
	return 0;
}

/* pci_fail_res_type_mask(): a failed prefetchable resource counts as memory too */
static unsigned long fail_res_type_mask(const struct dev_res_list *fail_head)
{
	unsigned long mask = 0;
	for (size_t i = 0; i < fail_head->n; i++)
		mask |= fail_head->v[i].flags;
	return mask & (IORESOURCE_IO | IORESOURCE_MEM | IORESOURCE_PREFETCH);
}

/* pci_need_to_release() */
static bool need_to_release(unsigned long mask, const struct resource *r)
{
	if (r->flags & IORESOURCE_IO)
		return mask & IORESOURCE_IO;
	if (r->flags & IORESOURCE_PREFETCH) {
		if (mask & IORESOURCE_PREFETCH)
			return true;
		return (mask & IORESOURCE_MEM) && !(r->parent->flags & IORESOURCE_PREFETCH);
	}
	if (r->flags & IORESOURCE_MEM)
		return mask & IORESOURCE_MEM;
	return false;
}

static bool required_resource_failed(const struct dev_res_list *fail_head)
{
	for (size_t i = 0; i < fail_head->n; i++)
		if (!resource_is_optional(fail_head->v[i].dev, fail_head->v[i].resno))
			return true;
	return false;
}

/*
 * reassign_resources_sorted(): each extra request of a resource on the
 * head list: an unassigned optional one is placed with its extra size (a
 * failure ignored), an assigned one grown in place or moved; the request
 * leaves the list either way.
 */
static void reassign_resources_sorted(struct dev_res_list *realloc_head, const struct dev_res_list *head)
{
	for (size_t i = 0; i < realloc_head->n;) {
		struct dev_res *a = &realloc_head->v[i];
		struct resource *r = res_of(a);
		if (list_find(head, r) < 0) {
			i++;
			continue;
		}
		if (!assigned(r) && resource_size(r) && !resource_is_optional(a->dev, a->resno)) {
			list_del_at(realloc_head, i);
			continue;
		}
		if (!assigned(r)) {
			set_range(r, a->min_align, resource_size(r) + a->add_size);
			pci_assign_resource(a->dev, a->resno);
		} else if (a->add_size || (a->min_align && r->start % a->min_align)) {
			r->flags |= a->flags & (IORESOURCE_STARTALIGN | IORESOURCE_SIZEALIGN);
			if (pci_reassign_resource(a->dev, a->resno, a->add_size, a->min_align)) {
				char buf[80];
				dev_info(&a->dev->dev, "%s %s: failed to add optional %llx\n",
					 pci_resource_name(a->dev, a->resno), resource_str(r, buf, sizeof(buf)),
					 (unsigned long long)a->add_size);
			}
		}
		list_del_at(realloc_head, i);
	}
}

/*
 * __assign_resources_sorted(): the sorted resources of a bus, first each
 * with its optional extra (a window's larger alignment moving it up the
 * list); when something required fails, release what was assigned of the
 * failed types, assign the required parts alone, then the optional ones.
 * Whatever stays without an address goes on fail_head and is reset.
 */
static int assign_resources_sorted(struct dev_res_list *head, struct dev_res_list *realloc_head,
				   struct dev_res_list *fail_head)
{
	struct dev_res_list save = { 0 }, local_fail = { 0 };
	int ret = -ENOMEM;
	struct res_index *ix = res_index_build(head, realloc_head);
	if (!ix)
		return -ENOMEM;
	if (realloc_head->n) {
		for (size_t i = 0; i < head->n; i++)
			if (list_insert(&save, save.n, head->v[i]))
				goto out_free;
		for (size_t i = 0; i < head->n; i++) {
			struct dev_res *d = &head->v[i];
			struct resource *r = res_of(d);
			long e = res_index_find(ix, head->n, r);
			if (e < 0)
				continue;
			const struct dev_res *add = &realloc_head->v[e];
			r->end += add->add_size;
			if (!(r->flags & IORESOURCE_STARTALIGN) || add->min_align <= r->start)
				continue;
			set_range(r, add->min_align, resource_size(r));
			/* keep the list sorted: before the first of smaller alignment */
			for (size_t j = 0; j < head->n; j++) {
				if (add->min_align > pci_resource_alignment(head->v[j].dev, res_of(&head->v[j]))) {
					if (j < i) {
						struct dev_res moved = *d;
						for (size_t k = i; k > j; k--)
							head->v[k] = head->v[k - 1];
						head->v[j] = moved;
					}
					break;
				}
			}
		}
	}
	if (assign_requested(head, &local_fail, true))
		goto out_free;
	if (!local_fail.n) {
		list_remove_indexed(realloc_head, ix, head->n);
		goto out;
	}
	if (!required_resource_failed(&local_fail) && !realloc_head->n) {
		for (size_t i = 0; i < save.n; i++)
			dev_res_restore(&save.v[i]);
		goto out;
	}
	unsigned long fail_type = fail_res_type_mask(&local_fail);
	for (size_t i = 0; i < head->n;) {
		struct resource *r = res_of(&head->v[i]);
		if (assigned(r) && !need_to_release(fail_type, r)) {
			list_remove_res(realloc_head, r);
			list_remove_res(&save, r);
			list_del_at(head, i);
			continue;
		}
		i++;
	}
	for (size_t i = 0; i < head->n; i++) {
		pci_release_resource(head->v[i].dev, head->v[i].resno);
		dev_res_restore(&head->v[i]);
	}
	for (size_t i = 0; i < save.n; i++)
		dev_res_restore(&save.v[i]);
	assign_requested(head, NULL, false);
	if (realloc_head->n)
		reassign_resources_sorted(realloc_head, head);
out:
	ret = 0;
	for (size_t i = 0; i < head->n; i++) {
		struct dev_res *d = &head->v[i];
		if (assigned(res_of(d)))
			continue;
		if (fail_head && list_add_res(fail_head, d->dev, d->resno, 0, 0))
			ret = -ENOMEM;
		reset_resource(d->dev, d->resno);
	}
out_free:
	free(ix);
	list_free(&save);
	list_free(&local_fail);
	return ret;
}

/*
 * __pci_bus_assign_resources(): this bus's resources, then each bridge's
 * bus below in devfn order, the bridge programmed once its subtree is done.
 */
static int pci_bus_assign_resources_realloc(struct pci_bus *bus, struct dev_res_list *realloc_head,
					    struct dev_res_list *fail_head)
{
	struct dev_res_list head = { 0 };
	int ret = 0;
	for (size_t d = 0; d < bus->ndevices && !ret; d++)
		ret = pdev_sort_resources(bus->devices[d], &head);
	if (!ret)
		ret = assign_resources_sorted(&head, realloc_head, fail_head);
	list_free(&head);
	for (size_t d = 0; d < bus->ndevices && !ret; d++) {
		struct pci_dev *dev = bus->devices[d];
		struct pci_bus *b = dev->subordinate;
		if (!b)
			continue;
		ret = pci_bus_assign_resources_realloc(b, realloc_head, fail_head);
		if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
			if (!dev->enable_cnt)
				pci_setup_bridge(b);
		} else {
			dev_info(&dev->dev, "not setting up bridge for bus %04x:%02x\n", bus->host->domain, b->number);
		}
	}
	return ret;
}

/* pci_bus_dump_resources(): each bus's windows with a type and an end, buses depth first */
static void pci_bus_dump_resources(struct pci_bus *bus)
{
	for (int i = 0; i < PCI_BUS_NUM_RESOURCES; i++) {
		const struct resource *r = bus->resource[i];
		if (!r || !r->end || !r->flags)
			continue;
		/* the root bus's windows come after the four bridge-window slots */
		int n = pci_is_root_bus(bus) ? i + 4 : i;
		char buf[80];
		kprintf(bus->host->bridge_parent->k, "pci_bus %04x:%02x: resource %d %s\n", bus->host->domain,
			bus->number, n, resource_str(r, buf, sizeof(buf)));
	}
	for (size_t d = 0; d < bus->ndevices; d++)
		if (bus->devices[d]->subordinate)
			pci_bus_dump_resources(bus->devices[d]->subordinate);
}

void pci_assign_unassigned_root_bus_resources(struct pci_bus *bus)
{
	struct dev_res_list realloc_head = { 0 }, fail_head = { 0 };
	int ret = pci_bus_size_bridges_realloc(bus, &realloc_head);
	if (!ret)
		ret = pci_bus_assign_resources_realloc(bus, &realloc_head, &fail_head);
	if (ret)
		kprintf(bus->host->bridge_parent->k, "pci_bus %04x:%02x: out of memory while assigning resources\n",
			bus->host->domain, bus->number);
	else if (fail_head.n)
		kprintf(bus->host->bridge_parent->k,
			"pci_bus %04x:%02x: Some PCI device resources are unassigned, try booting with pci=realloc\n",
			bus->host->domain, bus->number);
	list_free(&realloc_head);
	list_free(&fail_head);
	pci_bus_dump_resources(bus);
}
