/*
 * Sizing and assigning a hierarchy's resources as pci_host_probe() does it
 * on a host bridge no firmware configured (drivers/pci/setup-bus.c of 6.1,
 * called with no realloc list): every bridge window is sized bottom up from
 * what lies below it, then each bus's resources are assigned, largest
 * alignment first, and each bridge is programmed with its windows.
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/pci_regs.h>
#include "pci/pci.h"
#include "pci/pci_version.h"
#include "pci/setup_bus.h"
#include "kversion/linux_version.h"

/* pci_hotplug_io_size, pci_hotplug_mmio_size, pci_hotplug_mmio_pref_size defaults */
#define PCI_HOTPLUG_IO_SIZE 256
#define PCI_HOTPLUG_MMIO_SIZE (2u << 20)
#define PCI_HOTPLUG_MMIO_PREF_SIZE (2u << 20)

/* window_alignment(): bridge memory windows on 1M, I/O windows on 4K (no 1K I/O bridges here) */
#define PCI_P2P_DEFAULT_MEM_ALIGN 0x100000
#define PCI_P2P_DEFAULT_IO_ALIGN 0x1000

static u64 window_alignment(unsigned long type)
{
	if (type & IORESOURCE_MEM)
		return PCI_P2P_DEFAULT_MEM_ALIGN;
	if (type & IORESOURCE_IO)
		return PCI_P2P_DEFAULT_IO_ALIGN;
	return 1;
}

static u64 align_up(u64 x, u64 align)
{
	return (x + align - 1) / align * align;
}

static u64 max_u64(u64 a, u64 b)
{
	return a > b ? a : b;
}

const char *pci_busn_str(const struct pci_bus *bus, char *buf, size_t len)
{
	if (bus->busn_end != bus->number)
		snprintf(buf, len, "[bus %02x-%02x]", bus->number, bus->busn_end);
	else
		snprintf(buf, len, "[bus %02x]", bus->number);
	return buf;
}

/*
 * find_bus_resource_of_type(): the bus's first unassigned window whose
 * flags under type_mask equal type, else the first assigned one, else NULL.
 */
static struct resource *find_bus_resource_of_type(struct pci_bus *bus, unsigned long type_mask, unsigned long type)
{
	struct resource *assigned = NULL;
	for (int i = 0; i < PCI_BUS_NUM_RESOURCES; i++) {
		struct resource *r = bus->resource[i];
		if (!r || (r->flags & type_mask) != type)
			continue;
		if (!r->parent)
			return r;
		if (!assigned)
			assigned = r;
	}
	return assigned;
}

void pci_bridge_check_ranges(struct pci_bus *bus)
{
	struct pci_dev *bridge = bus->self;
	bridge->resource[PCI_BRIDGE_MEM_WINDOW].flags |= IORESOURCE_MEM;
	if (bridge->io_window)
		bridge->resource[PCI_BRIDGE_IO_WINDOW].flags |= IORESOURCE_IO;
	if (bridge->pref_window) {
		struct resource *b = &bridge->resource[PCI_BRIDGE_PREF_MEM_WINDOW];
		b->flags |= IORESOURCE_MEM | IORESOURCE_PREFETCH;
		if (bridge->pref_64_window)
			b->flags |= IORESOURCE_MEM_64 | PCI_PREF_RANGE_TYPE_64;
	}
}

/* a window no longer needed loses its type; Linux says so when it had an address */
static void disable_window(struct pci_bus *bus, struct resource *b_res)
{
	if (bus->self && (b_res->start || b_res->end)) {
		char r[80], bn[32];
		dev_info(&bus->self->dev, "disabling bridge window %s to %s (unused)\n",
			 resource_str(b_res, r, sizeof(r)), pci_busn_str(bus, bn, sizeof(bn)));
	}
	b_res->flags = 0;
}

/*
 * pbus_size_io(): the I/O resources below (small ones, which ISA aliasing
 * would re-align, apart from those of 1K or more), at least min_size,
 * rounded up to the largest alignment among them and the window's 4K.
 */
static void pbus_size_io(struct pci_bus *bus, u64 min_size)
{
	struct resource *b_res = find_bus_resource_of_type(bus, IORESOURCE_IO, IORESOURCE_IO);
	if (!b_res || b_res->parent)
		return;
	u64 size = 0, size1 = 0, min_align = window_alignment(IORESOURCE_IO);
	for (size_t d = 0; d < bus->ndevices; d++) {
		struct pci_dev *dev = bus->devices[d];
		for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
			struct resource *r = &dev->resource[i];
			if (r->parent || !(r->flags & IORESOURCE_IO))
				continue;
			u64 r_size = resource_size(r);
			if (r_size < 0x400)
				size += r_size;
			else
				size1 += r_size;
			min_align = max_u64(min_align, pci_resource_alignment(dev, r));
		}
	}
	/* calculate_iosize(): a fresh window's old size (start = end = 0) counts as none */
	u64 old_size = resource_size(b_res);
	if (old_size == 1)
		old_size = 0;
	u64 size0 = align_up(max_u64(max_u64(size, min_size) + size1, old_size), min_align);
	if (!size0) {
		disable_window(bus, b_res);
		return;
	}
	b_res->start = min_align;
	b_res->end = b_res->start + size0 - 1;
	b_res->flags |= IORESOURCE_STARTALIGN;
}

/*
 * calculate_mem_align(): the smallest window alignment (from 1M up) that
 * still lets the resources below pack: aligns[order] sums the alignments
 * of the resources aligned on 1M << order.
 */
static u64 calculate_mem_align(const u64 *aligns, int max_order)
{
	u64 align = 0, min_align = 0;
	for (int order = 0; order <= max_order; order++) {
		u64 align1 = 1ULL << (order + 20);
		if (!align)
			min_align = align1;
		else if (align_up(align + min_align, min_align) < align1)
			min_align = align1 >> 1;
		align += aligns[order];
	}
	return min_align;
}

/*
 * pbus_size_mem(): the window whose flags under mask|PREFETCH are type
 * holds the resources below whose flags under mask are type, type2 or
 * type3: the sum of each one's size (at least its alignment), at least
 * min_size, rounded to calculate_mem_align(). -ENOSPC when the bridge has
 * no such window.
 */
static int pbus_size_mem(struct pci_bus *bus, unsigned long mask, unsigned long type, unsigned long type2,
			 unsigned long type3, u64 min_size)
{
	struct resource *b_res = find_bus_resource_of_type(bus, mask | IORESOURCE_PREFETCH, type);
	if (!b_res)
		return -ENOSPC;
	if (b_res->parent)
		return 0;
	u64 aligns[24] = { 0 };	/* 1M to 8T */
	int max_order = 0;
	u64 size = 0;
	for (size_t d = 0; d < bus->ndevices; d++) {
		struct pci_dev *dev = bus->devices[d];
		for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
			struct resource *r = &dev->resource[i];
			unsigned long f = r->flags & mask;
			if (r->parent || (f != type && f != type2 && f != type3))
				continue;
			u64 r_size = resource_size(r);
			u64 align = pci_resource_alignment(dev, r);
			int order = align ? __builtin_ctzll(align) - 20 : 0;
			if (order < 0)
				order = 0;
			if (order >= 24) {
				char buf[80];
				dev_warn(&dev->dev, "%s %s: disabling; bad alignment %#llx\n", pci_resource_name(dev, i),
					 resource_str(r, buf, sizeof(buf)), (unsigned long long)align);
				r->flags = 0;
				continue;
			}
			size += max_u64(r_size, align);
			/* a resource larger than its alignment does not add to the alignment */
			if (r_size <= align)
				aligns[order] += align;
			if (order > max_order)
				max_order = order;
		}
	}
	u64 min_align = max_u64(calculate_mem_align(aligns, max_order), window_alignment(b_res->flags));
	/* calculate_memsize() */
	u64 old_size = resource_size(b_res);
	if (old_size == 1)
		old_size = 0;
	u64 size0 = align_up(max_u64(max_u64(size, min_size), old_size), min_align);
	if (!size0) {
		disable_window(bus, b_res);
		return 0;
	}
	b_res->start = min_align;
	b_res->end = size0 + min_align - 1;
	b_res->flags |= IORESOURCE_STARTALIGN;
	return 0;
}

/*
 * __pci_bus_size_bridges() with no realloc list: children first; the root
 * bus's windows are the host bridge's and are not sized (no size_windows
 * on pci-host-generic). A hotplug bridge's windows get the hotplug sizes
 * as their minimum. 64-bit prefetchable resources go into a 64-bit
 * prefetchable window when there is one, all prefetchable ones into a
 * 32-bit one otherwise; the rest into the memory window.
 */
void pci_bus_size_bridges(struct pci_bus *bus)
{
	for (size_t d = 0; d < bus->ndevices; d++)
		if (bus->devices[d]->subordinate)
			pci_bus_size_bridges(bus->devices[d]->subordinate);
	if (pci_is_root_bus(bus))
		return;
	struct pci_dev *bridge = bus->self;
	u64 add_io = 0, add_mmio = 0, add_mmio_pref = 0;
	pci_bridge_check_ranges(bus);
	if (bridge->is_hotplug_bridge) {
		add_io = PCI_HOTPLUG_IO_SIZE;
		add_mmio = PCI_HOTPLUG_MMIO_SIZE;
		add_mmio_pref = PCI_HOTPLUG_MMIO_PREF_SIZE;
	}
	pbus_size_io(bus, add_io);
	const struct resource *pref = &bridge->resource[PCI_BRIDGE_PREF_MEM_WINDOW];
	unsigned long mask = IORESOURCE_MEM, prefmask = IORESOURCE_MEM | IORESOURCE_PREFETCH;
	unsigned long type2 = 0, type3 = 0;
	if (pref->flags & IORESOURCE_MEM_64) {
		prefmask |= IORESOURCE_MEM_64;
		if (!pbus_size_mem(bus, prefmask, prefmask, prefmask, prefmask, add_mmio_pref)) {
			/* non-prefetchable and 32-bit prefetchable resources share the memory window */
			mask = prefmask;
			type2 = prefmask & ~IORESOURCE_MEM_64;
			type3 = prefmask & ~IORESOURCE_PREFETCH;
		}
	}
	if (!type2) {
		prefmask &= ~IORESOURCE_MEM_64;
		if (!pbus_size_mem(bus, prefmask, prefmask, prefmask, prefmask, add_mmio_pref))
			mask = prefmask;
		else
			add_mmio += add_mmio_pref;
		type2 = type3 = IORESOURCE_MEM;
	}
	pbus_size_mem(bus, mask, IORESOURCE_MEM, type2, type3, add_mmio);
}

/* a resource waiting for its address, with the function that has it */
struct pci_dev_resource {
	struct pci_dev *dev;
	int resno;
	u64 align;
};

struct pci_dev_resource_list {
	struct pci_dev_resource *v;
	size_t n, cap;
};

/*
 * pdev_sort_resources(): each resource still without an address goes in
 * before the first one of smaller alignment, so the list is by alignment,
 * largest first, and stable among equals.
 */
static void pdev_sort_resources(struct pci_dev *dev, struct pci_dev_resource_list *head)
{
	for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
		struct resource *r = &dev->resource[i];
		if (!r->flags || r->parent)
			continue;
		u64 r_align = pci_resource_alignment(dev, r);
		if (!r_align) {
			char buf[80];
			dev_warn(&dev->dev, "BAR %d: %s has bogus alignment\n", i, resource_str(r, buf, sizeof(buf)));
			continue;
		}
		if (head->n == head->cap) {
			size_t cap = head->cap ? head->cap * 2 : 16;
			struct pci_dev_resource *v = realloc(head->v, cap * sizeof(*v));
			if (!v)
				return;
			head->v = v;
			head->cap = cap;
		}
		size_t at = 0;
		while (at < head->n && head->v[at].align >= r_align)
			at++;
		for (size_t j = head->n; j > at; j--)
			head->v[j] = head->v[j - 1];
		head->v[at] = (struct pci_dev_resource){ .dev = dev, .resno = i, .align = r_align };
		head->n++;
	}
}

/* __dev_sort_resources(): functions without a class and host bridges keep what they have */
static void __dev_sort_resources(struct pci_dev *dev, struct pci_dev_resource_list *head)
{
	u16 class = (u16)(dev->class >> 8);
	if (class == 0x0000 /* PCI_CLASS_NOT_DEFINED */ || class == 0x0600 /* PCI_CLASS_BRIDGE_HOST */)
		return;
	if (class == 0x0800 /* PCI_CLASS_SYSTEM_PIC */) {
		u16 command;
		pci_read_config_word(dev, PCI_COMMAND, &command);
		if (command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
			return;
	}
	pdev_sort_resources(dev, head);
}

/*
 * pbus_assign_resources_sorted() -> __assign_resources_sorted() with no
 * realloc list: every resource of the bus's functions in sorted order; one
 * that finds no space loses its type (reset_resource()).
 */
static void pbus_assign_resources_sorted(struct pci_bus *bus)
{
	struct pci_dev_resource_list head = { 0 };
	for (size_t d = 0; d < bus->ndevices; d++)
		__dev_sort_resources(bus->devices[d], &head);
	for (size_t i = 0; i < head.n; i++) {
		struct resource *res = &head.v[i].dev->resource[head.v[i].resno];
		if (resource_size(res) && pci_assign_resource(head.v[i].dev, head.v[i].resno))
			*res = (struct resource){ 0 };
	}
	free(head.v);
}

/* pci_setup_bridge_io(): base and limit in 4K units, their upper 16 bits, or off (base above limit) */
static void pci_setup_bridge_io(struct pci_dev *bridge)
{
	const struct resource *res = &bridge->resource[PCI_BRIDGE_IO_WINDOW];
	u16 l;
	u32 io_upper16;
	if (res->parent && (res->flags & IORESOURCE_IO)) {
		u8 base_lo = (u8)((res->start >> 8) & PCI_IO_RANGE_MASK);
		u8 limit_lo = (u8)((res->end >> 8) & PCI_IO_RANGE_MASK);
		l = (u16)(limit_lo << 8 | base_lo);
		io_upper16 = (u32)(res->end & 0xffff0000) | (u32)(res->start >> 16);
		char buf[80];
		dev_info(&bridge->dev, "  %s %s\n", pci_resource_name(bridge, PCI_BRIDGE_IO_WINDOW),
			 resource_str(res, buf, sizeof(buf)));
	} else {
		io_upper16 = 0;
		l = 0x00f0;
	}
	/* the range stays off while the lower half changes */
	pci_write_config_dword(bridge, PCI_IO_BASE_UPPER16, 0x0000ffff);
	pci_write_config_word(bridge, PCI_IO_BASE, l);
	pci_write_config_dword(bridge, PCI_IO_BASE_UPPER16, io_upper16);
}

/* pci_setup_bridge_mmio(): base and limit in 1M units, or off */
static void pci_setup_bridge_mmio(struct pci_dev *bridge)
{
	const struct resource *res = &bridge->resource[PCI_BRIDGE_MEM_WINDOW];
	u32 l;
	if (res->parent && (res->flags & IORESOURCE_MEM)) {
		l = (u32)((res->start >> 16) & 0xfff0) | (u32)(res->end & 0xfff00000);
		char buf[80];
		dev_info(&bridge->dev, "  %s %s\n", pci_resource_name(bridge, PCI_BRIDGE_MEM_WINDOW),
			 resource_str(res, buf, sizeof(buf)));
	} else {
		l = 0x0000fff0;
	}
	pci_write_config_dword(bridge, PCI_MEMORY_BASE, l);
}

/* pci_setup_bridge_mmio_pref(): the upper limit cleared first, then base/limit and both upper halves */
static void pci_setup_bridge_mmio_pref(struct pci_dev *bridge)
{
	const struct resource *res = &bridge->resource[PCI_BRIDGE_PREF_MEM_WINDOW];
	u32 l, bu = 0, lu = 0;
	pci_write_config_dword(bridge, PCI_PREF_LIMIT_UPPER32, 0);
	if (res->parent && (res->flags & IORESOURCE_PREFETCH)) {
		l = (u32)((res->start >> 16) & 0xfff0) | (u32)(res->end & 0xfff00000);
		if (res->flags & IORESOURCE_MEM_64) {
			bu = (u32)(res->start >> 32);
			lu = (u32)(res->end >> 32);
		}
		char buf[80];
		dev_info(&bridge->dev, "  %s %s\n", pci_resource_name(bridge, PCI_BRIDGE_PREF_MEM_WINDOW),
			 resource_str(res, buf, sizeof(buf)));
	} else {
		l = 0x0000fff0;
	}
	pci_write_config_dword(bridge, PCI_PREF_MEMORY_BASE, l);
	pci_write_config_dword(bridge, PCI_PREF_BASE_UPPER32, bu);
	pci_write_config_dword(bridge, PCI_PREF_LIMIT_UPPER32, lu);
}

void pci_setup_bridge(struct pci_bus *bus)
{
	struct pci_dev *bridge = bus->self;
	char bn[32];
	dev_info(&bridge->dev, "PCI bridge to %s\n", pci_busn_str(bus, bn, sizeof(bn)));
	pci_setup_bridge_io(bridge);
	pci_setup_bridge_mmio(bridge);
	pci_setup_bridge_mmio_pref(bridge);
	pci_write_config_word(bridge, PCI_BRIDGE_CONTROL, bus->bridge_ctl);
}

/*
 * __pci_bus_assign_resources(): this bus's resources, then each bridge's
 * bus below in devfn order, the bridge programmed once its subtree is
 * done (unless a driver already enabled it).
 */
void pci_bus_assign_resources(struct pci_bus *bus)
{
	pbus_assign_resources_sorted(bus);
	for (size_t d = 0; d < bus->ndevices; d++) {
		struct pci_dev *dev = bus->devices[d];
		struct pci_bus *b = dev->subordinate;
		if (!b)
			continue;
		pci_bus_assign_resources(b);
		if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
			if (!dev->enable_cnt)
				pci_setup_bridge(b);
		} else {
			dev_info(&dev->dev, "not setting up bridge for bus %04x:%02x\n", bus->host->domain, b->number);
		}
	}
}

void pci_host_assign_resources(struct pci_bus *bus)
{
	if (kernel_version(bus->host->bridge_parent->k)->pci->assign_with_realloc) {
		pci_assign_unassigned_root_bus_resources(bus);
		return;
	}
	pci_bus_size_bridges(bus);
	pci_bus_assign_resources(bus);
}
