/*
 * One resource's address (drivers/pci/setup-res.c and bus.c of 6.1):
 * pci_assign_resource() takes the first gap that fits in a window of the
 * function's bus, trying the windows that match the resource best first,
 * then writes the BAR (pci_std_update_resource()). The host bridge's
 * windows and the bridges' windows hold bus addresses here: virt's memory
 * windows map 1:1 and its I/O window starts at port 0.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "pci/pci.h"
#include "pci/setup_bus.h"
#include "pci/pci_version.h"
#include "kversion/linux_version.h"

/* PCIBIOS_MIN_IO and PCIBIOS_MIN_MEM of arm64 */
#define PCIBIOS_MIN_IO 0x1000
#define PCIBIOS_MIN_MEM 0

/* the bus address ranges a BAR can reach (pci_32_bit, pci_64_bit, pci_high) */
struct pci_bus_region {
	u64 start, end;
};
static const struct pci_bus_region pci_32_bit = { 0, 0xffffffffULL };
static const struct pci_bus_region pci_64_bit = { 0, ~0ULL };
static const struct pci_bus_region pci_high = { 0x100000000ULL, ~0ULL };

const char *pci_resource_name(const struct pci_dev *dev, int resno)
{
	static const char *const bar_name[PCI_NUM_RESOURCES] = {
		"BAR 0", "BAR 1", "BAR 2", "BAR 3", "BAR 4", "BAR 5", "ROM",
		/* the window's type is in the %pR that follows */
		"bridge window", "bridge window", "bridge window",
	};
	(void)dev;
	return resno >= 0 && resno < PCI_NUM_RESOURCES ? bar_name[resno] : "unknown";
}

u64 pci_resource_alignment(const struct pci_dev *dev, const struct resource *res)
{
	(void)dev;
	switch (res->flags & (IORESOURCE_SIZEALIGN | IORESOURCE_STARTALIGN)) {
	case IORESOURCE_SIZEALIGN:
		return resource_size(res);
	case IORESOURCE_STARTALIGN:
		return res->start;
	default:
		return 0;
	}
}

/*
 * pci_align_resource() (7.3, pci_version.align_window_tail_first): a memory
 * resource whose size is not a multiple of its alignment (a bridge window
 * aligned for its largest resource) starts the remainder earlier when the
 * free range has room there, so the tail does not waste the next alignment
 * step. 6.1's pcibios_align_resource() keeps the aligned start.
 */
static u64 pci_align_resource(void *data, const struct resource *avail, const struct resource *full_avail, u64 size,
			      u64 align)
{
	(void)data;
	if (!(avail->flags & IORESOURCE_MEM) || size % align == 0)
		return avail->start;
	u64 remainder = size % align;
	/* pci_min_window_alignment() of a memory window: 1M */
	if (remainder % 0x100000)
		return avail->start;
	if (avail->start < remainder || full_avail->start > avail->start - remainder)
		return avail->start;
	return avail->start - remainder;
}

/*
 * pci_bus_alloc_from_region(): the bus's windows in order; a window of
 * another type (under type_mask) is skipped, and so is a prefetchable one
 * for a non-prefetchable resource. Each is clipped to region; a window
 * that does not start at 0 overrides min.
 */
static int pci_bus_alloc_from_region(struct pci_bus *bus, struct resource *res, u64 size, u64 align,
				     u64 min, unsigned long type_mask, const struct pci_bus_region *region)
{
	type_mask |= IORESOURCE_TYPE_BITS;
	for (int i = 0; i < PCI_BUS_NUM_RESOURCES; i++) {
		struct resource *r = bus->resource[i];
		/* a window without an address (its assignment failed) or disabled holds nothing */
		if (!r || (r->flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED)))
			continue;
		if ((res->flags ^ r->flags) & type_mask)
			continue;
		if ((r->flags & IORESOURCE_PREFETCH) && !(res->flags & IORESOURCE_PREFETCH))
			continue;
		u64 start = r->start > region->start ? r->start : region->start;
		u64 end = r->end < region->end ? r->end : region->end;
		if (end < start)
			continue;	/* nothing of the window in region */
		u64 min_used = start ? start : min;
		resource_alignf alignf =
			kernel_version(bus->host->bridge_parent->k)->pci->align_window_tail_first ? pci_align_resource : NULL;
		if (!allocate_resource_alignf(r, res, size, min_used, end, align, alignf, NULL))
			return 0;
	}
	return -ENOMEM;
}

/* pci_bus_alloc_resource(): a 64-bit resource tries above 4G first */
static int pci_bus_alloc_resource(struct pci_bus *bus, struct resource *res, u64 size, u64 align, u64 min,
				  unsigned long type_mask)
{
	if (res->flags & IORESOURCE_MEM_64) {
		if (!pci_bus_alloc_from_region(bus, res, size, align, min, type_mask, &pci_high))
			return 0;
		return pci_bus_alloc_from_region(bus, res, size, align, min, type_mask, &pci_64_bit);
	}
	return pci_bus_alloc_from_region(bus, res, size, align, min, type_mask, &pci_32_bit);
}

/*
 * __pci_assign_resource(): an exact prefetchable/64-bit match first; a
 * 64-bit prefetchable resource may then go into a 32-bit prefetchable
 * window; anything but a plain 32-bit resource finally into any memory
 * window (sizing put resources into windows the same way).
 */
static int __pci_assign_resource(struct pci_bus *bus, struct pci_dev *dev, int resno, u64 size, u64 align)
{
	struct resource *res = &dev->resource[resno];
	u64 min = (res->flags & IORESOURCE_IO) ? PCIBIOS_MIN_IO : PCIBIOS_MIN_MEM;
	if (!pci_bus_alloc_resource(bus, res, size, align, min, IORESOURCE_PREFETCH | IORESOURCE_MEM_64))
		return 0;
	if ((res->flags & (IORESOURCE_PREFETCH | IORESOURCE_MEM_64)) == (IORESOURCE_PREFETCH | IORESOURCE_MEM_64) &&
	    !pci_bus_alloc_resource(bus, res, size, align, min, IORESOURCE_PREFETCH))
		return 0;
	if (res->flags & (IORESOURCE_PREFETCH | IORESOURCE_MEM_64))
		return pci_bus_alloc_resource(bus, res, size, align, min, 0);
	return -ENOMEM;
}

/*
 * pci_std_update_resource(): the BAR register gets the bus address and
 * its own low bits; a 64-bit BAR's upper half follows with memory decoding
 * off meanwhile. A ROM's register is written only when its enable bit was
 * set, which QEMU's never is.
 */
static void pci_std_update_resource(struct pci_dev *dev, int resno)
{
	struct resource *res = &dev->resource[resno];
	if (!res->flags || (res->flags & IORESOURCE_UNSET))
		return;
	u32 new = (u32)res->start, mask, check;
	unsigned reg;
	if (res->flags & IORESOURCE_IO) {
		mask = (u32)PCI_BASE_ADDRESS_IO_MASK;
		new |= (u32)(res->flags & ~PCI_BASE_ADDRESS_IO_MASK & IORESOURCE_BITS);
	} else if (resno == PCI_ROM_RESOURCE) {
		mask = (u32)PCI_ROM_ADDRESS_MASK;
	} else {
		mask = (u32)PCI_BASE_ADDRESS_MEM_MASK;
		new |= (u32)(res->flags & ~PCI_BASE_ADDRESS_MEM_MASK & IORESOURCE_BITS);
	}
	if (resno < PCI_ROM_RESOURCE) {
		reg = PCI_BASE_ADDRESS_0 + 4 * (unsigned)resno;
	} else if (resno == PCI_ROM_RESOURCE) {
		if (!(res->flags & IORESOURCE_ROM_ENABLE))
			return;
		reg = dev->rom_base_reg;
		new |= PCI_ROM_ADDRESS_ENABLE;
	} else {
		return;
	}
	bool disable = res->flags & IORESOURCE_MEM_64;
	u16 cmd = 0;
	if (disable) {
		pci_read_config_word(dev, PCI_COMMAND, &cmd);
		pci_write_config_word(dev, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY);
	}
	pci_write_config_dword(dev, reg, new);
	pci_read_config_dword(dev, reg, &check);
	if ((new ^ check) & mask)
		dev_err(&dev->dev, "%s: error updating (%#010x != %#010x)\n", pci_resource_name(dev, resno), new, check);
	if (res->flags & IORESOURCE_MEM_64) {
		new = (u32)(res->start >> 32);
		pci_write_config_dword(dev, reg + 4, new);
		pci_read_config_dword(dev, reg + 4, &check);
		if (check != new)
			dev_err(&dev->dev, "%s: error updating (high %#010x != %#010x)\n",
				pci_resource_name(dev, resno), new, check);
	}
	if (disable)
		pci_write_config_word(dev, PCI_COMMAND, cmd);
}

int pci_assign_resource(struct pci_dev *dev, int resno)
{
	struct resource *res = &dev->resource[resno];
	const char *name = pci_resource_name(dev, resno);
	char buf[80];
	res->flags |= IORESOURCE_UNSET;
	u64 align = pci_resource_alignment(dev, res);
	if (!align) {
		dev_info(&dev->dev, "%s %s: can't assign; bogus alignment\n", name, resource_str(res, buf, sizeof(buf)));
		return -EINVAL;
	}
	u64 size = resource_size(res);
	/* _pci_assign_resource(): up through transparent bridges (programming interface 1) */
	struct pci_bus *bus = dev->bus;
	int ret;
	while ((ret = __pci_assign_resource(bus, dev, resno, size, align))) {
		if (!bus->parent || (bus->self->class & 0xff) != 1)
			break;
		bus = bus->parent;
	}
	if (ret < 0) {
		/* pci_revert_fw_address(): arm64 firmware leaves no address to fall back on */
		dev_info(&dev->dev, "%s %s: can't assign; no space\n", name, resource_str(res, buf, sizeof(buf)));
		dev_info(&dev->dev, "%s %s: failed to assign\n", name, resource_str(res, buf, sizeof(buf)));
		return -ENOMEM;
	}
	res->flags &= ~(IORESOURCE_UNSET | IORESOURCE_STARTALIGN);
	if (resno >= PCI_BRIDGE_RESOURCES)
		res->flags &= ~IORESOURCE_DISABLED;
	dev_info(&dev->dev, "%s %s: assigned\n", name, resource_str(res, buf, sizeof(buf)));
	if (resno < PCI_BRIDGE_RESOURCES)
		pci_std_update_resource(dev, resno);
	return 0;
}

/* _pci_assign_resource(): up through transparent bridges (programming interface 1) */
static int assign_on_bus(struct pci_dev *dev, int resno, u64 size, u64 align)
{
	struct pci_bus *bus = dev->bus;
	int ret;
	while ((ret = __pci_assign_resource(bus, dev, resno, size, align))) {
		if (!bus->parent || (bus->self->class & 0xff) != 1)
			break;
		bus = bus->parent;
	}
	return ret;
}

int pci_reassign_resource(struct pci_dev *dev, int resno, u64 addsize, u64 min_align)
{
	struct resource *res = &dev->resource[resno];
	const char *name = pci_resource_name(dev, resno);
	char buf[80];
	unsigned long flags = res->flags;
	res->flags |= IORESOURCE_UNSET;
	if (!res->parent) {
		dev_info(&dev->dev, "%s %s: can't reassign; unassigned resource\n", name,
			 resource_str(res, buf, sizeof(buf)));
		return -EINVAL;
	}
	/*
	 * reallocate_resource(): the resource's own range counts as free while
	 * the first fit is looked for; back where it was when nothing fits
	 */
	struct resource *parent = res->parent;
	u64 old_start = res->start, old_end = res->end;
	release_resource(res);
	int ret = assign_on_bus(dev, resno, old_end - old_start + 1 + addsize, min_align);
	if (ret) {
		res->start = old_start;
		res->end = old_end;
		allocate_resource(parent, res, old_end - old_start + 1, old_start, old_end, 1);
		res->flags = flags;
		dev_info(&dev->dev, "%s %s: failed to expand by %#llx\n", name, resource_str(res, buf, sizeof(buf)),
			 (unsigned long long)addsize);
		return ret;
	}
	res->flags &= ~(IORESOURCE_UNSET | IORESOURCE_STARTALIGN);
	dev_info(&dev->dev, "%s %s: reassigned; expanded by %#llx\n", name, resource_str(res, buf, sizeof(buf)),
		 (unsigned long long)addsize);
	if (resno < PCI_BRIDGE_RESOURCES)
		pci_std_update_resource(dev, resno);
	return 0;
}

void pci_release_resource(struct pci_dev *dev, int resno)
{
	struct resource *res = &dev->resource[resno];
	if (!res->parent)
		return;
	char buf[80];
	dev_info(&dev->dev, "%s %s: releasing\n", pci_resource_name(dev, resno), resource_str(res, buf, sizeof(buf)));
	release_resource(res);
	res->end = res->end - res->start;
	res->start = 0;
	res->flags |= IORESOURCE_UNSET;
}
