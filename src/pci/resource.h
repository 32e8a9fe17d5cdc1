/*
 * Address-space resources as kernel/resource.c keeps them (struct
 * resource): a tree of [start, end] ranges where each node's children lie
 * inside it, sorted by address. PCI's BARs, ROMs, bridge windows and the
 * host bridge's windows are such resources; allocate_resource() places a
 * new one in the first gap of its parent that fits.
 */
#ifndef IOMMUSIM_PCI_RESOURCE_H
#define IOMMUSIM_PCI_RESOURCE_H

#include <stddef.h>
#include "base/bits.h"

/* include/linux/ioport.h's flags, same values */
#define IORESOURCE_BITS		0x000000ffUL	/* bus-specific bits (a BAR's low bits) */
#define IORESOURCE_TYPE_BITS	0x00001f00UL
#define IORESOURCE_IO		0x00000100UL
#define IORESOURCE_MEM		0x00000200UL
#define IORESOURCE_PREFETCH	0x00002000UL
#define IORESOURCE_READONLY	0x00004000UL
#define IORESOURCE_SIZEALIGN	0x00040000UL	/* align to the size */
#define IORESOURCE_STARTALIGN	0x00080000UL	/* align to start (a bridge window's sizing) */
#define IORESOURCE_MEM_64	0x00100000UL
#define IORESOURCE_WINDOW	0x00200000UL	/* a host bridge's forwarding window */
#define IORESOURCE_DISABLED	0x10000000UL	/* a bridge window sized to nothing (7.3 keeps its type) */
#define IORESOURCE_UNSET	0x20000000UL	/* no address assigned yet */
#define IORESOURCE_ROM_ENABLE	(1UL << 0)	/* a ROM with its enable bit set at probe */

struct resource {
	u64 start, end;
	unsigned long flags;
	struct resource *parent, *sibling, *child;
};

static inline u64 resource_size(const struct resource *res)
{
	return res->end - res->start + 1;
}

/*
 * allocate_resource(): find the lowest range of size bytes inside root,
 * between min and max, starting on a multiple of align (a power of two),
 * that no child of root overlaps (first fit in address order, as
 * __find_resource() walks the gaps), and insert res there. 0, or -EBUSY
 * when no gap fits (res unchanged then).
 */
int allocate_resource(struct resource *root, struct resource *res, u64 size, u64 min, u64 max, u64 align);

/*
 * The constraint's alignf: given the aligned candidate avail (its start
 * aligned, the flags of the resource being placed) inside the free range
 * full_avail, the start to try instead (avail->start to keep it).
 */
typedef u64 (*resource_alignf)(void *data, const struct resource *avail, const struct resource *full_avail,
			       u64 size, u64 align);

/* allocate_resource() with an alignf (NULL: none); the range it returns must still fit the gap */
int allocate_resource_alignf(struct resource *root, struct resource *res, u64 size, u64 min, u64 max, u64 align,
			     resource_alignf alignf, void *data);

/* release_resource(): take res (and with it its children) out of its parent */
void release_resource(struct resource *res);

/*
 * %pR of a resource: "[io  0x1000-0x1fff]", "[mem 0x10000000-0x101fffff 64bit pref]",
 * "[mem size 0x00200000]" while unset, " disabled" at the end for a disabled
 * window. buf needs 64 bytes.
 */
const char *resource_str(const struct resource *res, char *buf, size_t len);

#endif
