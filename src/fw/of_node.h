/* Small node helpers of drivers/of over libfdt, inline. */
#ifndef IOMMUSIM_FW_OF_NODE_H
#define IOMMUSIM_FW_OF_NODE_H

#include <libfdt.h>
#include <stdbool.h>
#include "fw/of_index.h"

/* of_get_parent(): the parent node, or -1 at the root or on error. */
static inline int of_get_parent(const void *fdt, int node)
{
	if (!fdt || node <= 0)
		return -1;
	int parent = of_parent(fdt, node);
	return parent < 0 ? -1 : parent;
}

/* of_property_read_bool(): the property exists (empty ones included). */
static inline bool of_property_present(const void *fdt, int node, const char *name)
{
	return fdt && node >= 0 && fdt_getprop(fdt, node, name, NULL) != NULL;
}

#endif
