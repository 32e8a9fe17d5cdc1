/*
 * An index of a device tree for the lookups libfdt does by scanning:
 * a node's parent and a phandle's node (Linux keeps a phandle cache for
 * the same reason). A booted kernel attaches its DT once; lookups on a DT
 * without an index fall back to libfdt.
 */
#ifndef IOMMUSIM_FW_OF_INDEX_H
#define IOMMUSIM_FW_OF_INDEX_H

#include "base/bits.h"

/* 0, or -ENOMEM / -EINVAL (not a valid blob); the blob must not change while attached */
int of_index_attach(const void *fdt);
void of_index_detach(const void *fdt);

/* fdt_parent_offset() and fdt_node_offset_by_phandle(), indexed when possible */
int of_parent(const void *fdt, int node);
int of_phandle_node(const void *fdt, u32 phandle);

#endif
