#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include "fw/of_index.h"

struct phandle_ent {
	u32 phandle;
	int node;
};

struct of_index {
	const void *fdt;
	int *parent;			/* by node offset / 4; -1 at the root */
	size_t nslots;
	struct phandle_ent *ph;		/* sorted by phandle */
	size_t nph;
};

/* a few kernels per thread at most (tests and benchmarks boot one at a time) */
#define MAX_INDEXES 8
static _Thread_local struct of_index indexes[MAX_INDEXES];

static struct of_index *find(const void *fdt)
{
	for (int i = 0; i < MAX_INDEXES; i++)
		if (indexes[i].fdt == fdt && fdt)
			return &indexes[i];
	return NULL;
}

static int cmp_ph(const void *a, const void *b)
{
	u32 x = ((const struct phandle_ent *)a)->phandle, y = ((const struct phandle_ent *)b)->phandle;
	return x < y ? -1 : x > y;
}

int of_index_attach(const void *fdt)
{
	if (!fdt || fdt_check_header(fdt))
		return -EINVAL;
	if (find(fdt))
		return 0;
	struct of_index *ix = find(NULL);
	for (int i = 0; !ix && i < MAX_INDEXES; i++)
		if (!indexes[i].fdt)
			ix = &indexes[i];
	if (!ix)
		return -ENOMEM;
	size_t nslots = fdt_size_dt_struct(fdt) / 4 + 1;
	int *parent = malloc(nslots * sizeof(*parent));
	struct phandle_ent *ph = NULL;
	size_t nph = 0, capph = 0;
	if (!parent)
		return -ENOMEM;
	/* walk once, keeping the chain of open nodes by depth */
	int stack[64];
	int depth = 0;
	for (int node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= 64)
			continue;
		stack[depth] = node;
		if ((size_t)node / 4 < nslots)
			parent[node / 4] = depth ? stack[depth - 1] : -1;
		u32 p = fdt_get_phandle(fdt, node);
		if (p) {
			if (nph == capph) {
				capph = capph ? capph * 2 : 16;
				struct phandle_ent *n = realloc(ph, capph * sizeof(*n));
				if (!n) {
					free(ph);
					free(parent);
					return -ENOMEM;
				}
				ph = n;
			}
			ph[nph++] = (struct phandle_ent){ p, node };
		}
	}
	if (nph)
		qsort(ph, nph, sizeof(*ph), cmp_ph);
	*ix = (struct of_index){ fdt, parent, nslots, ph, nph };
	return 0;
}

void of_index_detach(const void *fdt)
{
	struct of_index *ix = find(fdt);
	if (!ix)
		return;
	free(ix->parent);
	free(ix->ph);
	*ix = (struct of_index){ 0 };
}

int of_parent(const void *fdt, int node)
{
	struct of_index *ix = find(fdt);
	if (ix && node >= 0 && (size_t)node / 4 < ix->nslots && !(node & 3)) {
		int p = ix->parent[node / 4];
		return p >= 0 ? p : -FDT_ERR_NOTFOUND;
	}
	return fdt_parent_offset(fdt, node);
}

int of_phandle_node(const void *fdt, u32 phandle)
{
	struct of_index *ix = find(fdt);
	if (!ix)
		return fdt_node_offset_by_phandle(fdt, phandle);
	size_t lo = 0, hi = ix->nph;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->ph[mid].phandle < phandle)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nph && ix->ph[lo].phandle == phandle ? ix->ph[lo].node : -FDT_ERR_NOTFOUND;
}
