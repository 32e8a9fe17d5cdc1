/*
 * Firmware layer: the kernel's view of the device tree (drivers/of), read
 * through libfdt only. Nodes are libfdt offsets into the blob.
 */
#ifndef IOMMUSIM_FW_OF_H
#define IOMMUSIM_FW_OF_H

#include "base/bits.h"

/* of_device_is_available(): no "status", or "okay"/"ok". */
bool of_device_is_available(const void *fdt, int node);
/* of_device_is_compatible(): true when compat is one of the node's strings. */
bool of_device_is_compatible(const void *fdt, int node, const char *compat);

/*
 * Address index idx of the node's "reg", translated through the parents'
 * "ranges" to a CPU physical address. 0, -ENOENT (no such entry) or -EINVAL.
 */
int of_address(const void *fdt, int node, int idx, u64 *addr, u64 *size);

/*
 * The platform device name Linux gives a DT node: "<addr>.<name>" from the
 * first translated reg address and the node name without its unit address
 * (of_device_make_bus_id), e.g. "9050000.smmuv3". Returns the length or -errno.
 */
int of_device_name(const void *fdt, int node, char *buf, size_t len);

/* Node a phandle points at, or -FDT_ERR_NOTFOUND (negative). */
int of_find_node_by_phandle(const void *fdt, u32 phandle);

/*
 * of_map_id(): translate id through a "<map>" property such as "iommu-map"
 * (with its optional "<map>-mask"), as drivers/of/base.c does:
 * entries <id-base phandle out-base length>; the first matching entry wins.
 * On success *target is the node the phandle names and *id_out the mapped id.
 * When the node has no such map: *target = -1 and *id_out = id, returns 0
 * (the caller then looks at "iommus"/"msi-parent" instead).
 * Returns -ENODEV when the map exists but no entry matches (Linux: "no
 * iommu-map translation for id 0x.. on ..." is the caller's message),
 * -EINVAL when the map is malformed.
 * Also, as drivers/of/base.c: -ENODEV when the matching entry's phandle
 * names no node, -EFAULT when the <map>-mask clears bits of an id-base
 * met before a match ("Invalid %s translation - %s-mask ... ignores id-base").
 */
int of_map_id(const void *fdt, int node, u32 id, const char *map_name,
	      const char *map_mask_name, int *target, u32 *id_out);

/*
 * The index-th specifier of a phandle list such as "iommus" with its
 * "#iommu-cells": *target is the provider node, args/nargs its cells.
 * Returns 0, -ENOENT past the end, -EINVAL when malformed.
 */
int of_parse_phandle_with_args(const void *fdt, int node, const char *list,
			       const char *cells_name, int index, int *target,
			       u32 *args, int max_args, int *nargs);

/* A u32 property, or -ENOENT / -EINVAL (wrong length). */
int of_property_read_u32(const void *fdt, int node, const char *name, u32 *out);
/*
 * arm64's smp_init_cpus() from the DT: the available /cpus children whose
 * device_type is "cpu" (each one a possible CPU). At least 1: the boot CPU.
 */
unsigned of_count_cpus(const void *fdt);

/*
 * dma-ranges of the node's bus (the parent chain, as of_dma_get_range does):
 * the highest reachable CPU address + 1 as a limit. Returns 0 and *limit=0
 * when there are no dma-ranges (no restriction), -EINVAL when malformed.
 * Precisely: the search starts at node itself, exactly as of_dma_get_range(np)
 * does (an empty dma-ranges defers to the parent; once a level was looked at,
 * a missing one ends the search with "none"). On success *dma_start is the
 * lowest bus address of all entries, *cpu_start the CPU address it maps to,
 * and *size the span from *dma_start to the highest entry end (so the limit
 * is *dma_start + *size); *size = 0 means no dma-ranges. Linux's
 * "size & 1" mask workaround is left to the caller (of_dma_configure_id).
 */
int of_dma_range_limit(const void *fdt, int node, u64 *dma_start, u64 *cpu_start, u64 *size);

#endif
