/*
 * The kernel's device-tree helpers (drivers/of/base.c, address.c,
 * platform.c in Linux 6.1) over a flattened blob, through libfdt.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <libfdt.h>

#include "fw/of.h"
#include "fw/of_index.h"

/* OF_ROOT_NODE_{ADDR,SIZE}_CELLS_DEFAULT and OF_MAX_ADDR_CELLS */
#define OF_ROOT_ADDR_CELLS_DEFAULT 1
#define OF_ROOT_SIZE_CELLS_DEFAULT 1
#define OF_MAX_ADDR_CELLS 4
#define OF_BAD_ADDR (~0ULL)

bool of_device_is_available(const void *fdt, int node)
{
	int len;
	const char *st = fdt_getprop(fdt, node, "status", &len);

	/* __of_device_is_available: no status, or "okay"/"ok" */
	if (!st)
		return true;
	if (len > 0 && strnlen(st, (size_t)len) < (size_t)len)
		return !strcmp(st, "okay") || !strcmp(st, "ok");
	return false;
}

bool of_device_is_compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const char *p = fdt_getprop(fdt, node, "compatible", &len);

	if (!p || len <= 0 || !compat)
		return false;
	/* of_compat_cmp() is strcasecmp over each string of the list */
	for (const char *end = p + len; p < end; p += strnlen(p, (size_t)(end - p)) + 1)
		if (!strncasecmp(p, compat, (size_t)(end - p)) &&
		    strnlen(p, (size_t)(end - p)) == strlen(compat))
			return true;
	return false;
}

int of_property_read_u32(const void *fdt, int node, const char *name, u32 *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (len < (int)sizeof(*p))
		return -EINVAL;
	*out = fdt32_to_cpu(p[0]);
	return 0;
}

int of_find_node_by_phandle(const void *fdt, u32 phandle)
{
	int off;

	if (!phandle || phandle == (u32)-1)
		return -FDT_ERR_NOTFOUND;
	off = of_phandle_node(fdt, phandle);
	return off < 0 ? -FDT_ERR_NOTFOUND : off;
}

static u64 read_number(const fdt32_t *cell, int n)
{
	u64 r = 0;

	/* of_read_number(): cells beyond 64 bits shift out the top */
	while (n-- > 0)
		r = (r << 32) | fdt32_to_cpu(*cell++);
	return r;
}

/* of_bus_n_{addr,size}_cells(): the first ancestor-or-self that says, else default */
static int bus_n_cells(const void *fdt, int np, const char *name, int dflt)
{
	while (np >= 0) {
		int len;
		const fdt32_t *p = fdt_getprop(fdt, np, name, &len);

		if (p && len >= 4)
			return (int)fdt32_to_cpu(*p);
		np = of_parent(fdt, np);
	}
	return dflt;
}

static bool is_pci_bus(const void *fdt, int np)
{
	const char *t;

	if (np < 0)
		return false;
	t = fdt_getprop(fdt, np, "device_type", NULL);
	return t && (!strcmp(t, "pci") || !strcmp(t, "pciex"));
}

/* count_cells for a node whose parent is parent (of_bus_*_count_cells) */
static void count_cells(const void *fdt, int parent, int *na, int *ns)
{
	if (is_pci_bus(fdt, parent)) {
		*na = 3;
		*ns = 2;
		return;
	}
	*na = bus_n_cells(fdt, parent, "#address-cells", OF_ROOT_ADDR_CELLS_DEFAULT);
	*ns = bus_n_cells(fdt, parent, "#size-cells", OF_ROOT_SIZE_CELLS_DEFAULT);
}

#define CHECK_ADDR_COUNT(na) ((na) > 0 && (na) <= OF_MAX_ADDR_CELLS)
#define CHECK_COUNTS(na, ns) (CHECK_ADDR_COUNT(na) && (ns) > 0)

/* PCI phys.hi space code -> IORESOURCE_IO/MEM class (of_bus_pci_get_flags) */
static int pci_space(u32 hi)
{
	switch ((hi >> 24) & 3) {
	case 1: return 1;	/* I/O */
	case 2: case 3: return 2;	/* 32/64-bit memory */
	default: return 0;	/* configuration space */
	}
}

/* bus->map(): offset of addr inside one range entry, or OF_BAD_ADDR */
static u64 bus_map(bool pci, const fdt32_t *addr, const fdt32_t *range, int na, int ns, int pna)
{
	u64 cp, s, da;

	if (pci) {
		if ((pci_space(fdt32_to_cpu(addr[0])) ^ pci_space(fdt32_to_cpu(range[0]))) & 3)
			return OF_BAD_ADDR;
		cp = read_number(range + 1, na - 1);
		da = read_number(addr + 1, na - 1);
	} else {
		cp = read_number(range, na);
		da = read_number(addr, na);
	}
	s = read_number(range + na + pna, ns);
	if (da < cp || da >= cp + s)
		return OF_BAD_ADDR;
	return da - cp;
}

/*
 * __of_translate_address(): carry an address in dev's bus space up through
 * each ancestor's rprop ("ranges" or "dma-ranges") to the root. A missing
 * "ranges" stops translation; a missing "dma-ranges" is 1:1.
 */
static int translate(const void *fdt, int dev, const fdt32_t *in, const char *rprop, u64 *out)
{
	fdt32_t addr[OF_MAX_ADDR_CELLS];
	int parent = of_parent(fdt, dev);
	int na, ns, pna, pns;
	bool pci;

	if (parent < 0)
		return -EINVAL;
	count_cells(fdt, parent, &na, &ns);
	if (!CHECK_COUNTS(na, ns))
		return -EINVAL;
	pci = is_pci_bus(fdt, parent);
	memcpy(addr, in, (size_t)na * 4);

	for (;;) {
		const fdt32_t *ranges;
		int rlen, rone, pparent;
		u64 offset = OF_BAD_ADDR, sum;
		bool ppci;

		dev = parent;
		pparent = of_parent(fdt, dev);
		if (pparent < 0) {
			/* reached the root */
			*out = read_number(addr, na);
			return 0;
		}
		count_cells(fdt, pparent, &pna, &pns);
		if (!CHECK_COUNTS(pna, pns))
			return -EINVAL;
		ppci = is_pci_bus(fdt, pparent);

		ranges = fdt_getprop(fdt, dev, rprop, &rlen);
		if (!ranges && strcmp(rprop, "dma-ranges"))
			return -EINVAL;	/* no ranges: cannot translate */
		if (!ranges || rlen == 0) {
			offset = read_number(addr, na);
			memset(addr, 0, (size_t)pna * 4);
		} else {
			rlen /= 4;
			rone = na + pna + ns;
			for (; rlen >= rone; rlen -= rone, ranges += rone) {
				offset = bus_map(pci, addr, ranges, na, ns, pna);
				if (offset != OF_BAD_ADDR)
					break;
			}
			if (offset == OF_BAD_ADDR)
				return -EINVAL;
			memcpy(addr, ranges + na, (size_t)pna * 4);
		}
		/* pbus->translate(): add the offset; PCI keeps its flags cell */
		{
			fdt32_t *a = ppci ? addr + 1 : addr;
			int n = ppci ? pna - 1 : pna;

			sum = read_number(a, n) + offset;
			memset(a, 0, (size_t)n * 4);
			if (n > 1)
				a[n - 2] = cpu_to_fdt32((u32)(sum >> 32));
			a[n - 1] = cpu_to_fdt32((u32)sum);
		}
		na = pna;
		ns = pns;
		pci = ppci;
		parent = pparent;
	}
}

int of_address(const void *fdt, int node, int idx, u64 *addr, u64 *size)
{
	int parent = of_parent(fdt, node);
	int na, ns, len, onesize;
	const fdt32_t *reg;

	if (parent < 0 || idx < 0)
		return parent < 0 ? -EINVAL : -ENOENT;
	count_cells(fdt, parent, &na, &ns);
	if (!CHECK_ADDR_COUNT(na) || ns < 0)
		return -EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return -ENOENT;
	onesize = na + ns;
	if (len / 4 < (idx + 1) * onesize)
		return -ENOENT;
	reg += idx * onesize;
	if (size)
		*size = read_number(reg + na, ns);
	return addr ? translate(fdt, node, reg, "ranges", addr) : 0;
}

int of_device_name(const void *fdt, int node, char *buf, size_t len)
{
	char name[256] = "";
	int n = 0;

	/* of_device_make_bus_id(): climb until a "reg" translates */
	while (node >= 0 && of_parent(fdt, node) >= 0) {
		const char *full = fdt_get_name(fdt, node, NULL);
		const char *reg = fdt_getprop(fdt, node, "reg", NULL);
		char tmp[256];
		u64 a;

		if (!full)
			return -EINVAL;
		if (reg && !of_address(fdt, node, 0, &a, NULL)) {
			/* %pOFn: the node name without its unit address */
			int base = (int)strcspn(full, "@");

			if (name[0])
				n = snprintf(buf, len, "%llx.%.*s:%s", (unsigned long long)a, base, full, name);
			else
				n = snprintf(buf, len, "%llx.%.*s", (unsigned long long)a, base, full);
			return n < 0 ? -EINVAL : n;
		}
		{
			size_t fl = strlen(full), nl = strlen(name);

			if (fl + 1 + nl + 1 > sizeof(tmp))
				return -ENAMETOOLONG;
			memcpy(tmp, full, fl);
			if (nl) {
				tmp[fl] = ':';
				memcpy(tmp + fl + 1, name, nl + 1);
			} else {
				tmp[fl] = '\0';
			}
			memcpy(name, tmp, sizeof(name));
		}
		node = of_parent(fdt, node);
	}
	if (!name[0])
		return -EINVAL;	/* the root gets no name this way */
	n = snprintf(buf, len, "%s", name);
	return n < 0 ? -EINVAL : n;
}

int of_map_id(const void *fdt, int node, u32 id, const char *map_name,
	      const char *map_mask_name, int *target, u32 *id_out)
{
	const fdt32_t *map;
	int len;
	u32 mask = 0xffffffff, masked;

	if (!fdt || node < 0 || !map_name || !target || !id_out)
		return -EINVAL;
	map = fdt_getprop(fdt, node, map_name, &len);
	if (!map) {
		/* no map: no translation, the caller falls back to iommus/msi-parent */
		*target = -1;
		*id_out = id;
		return 0;
	}
	/* "Bad %s length": entries are 4 cells */
	if (len <= 0 || len % (4 * (int)sizeof(fdt32_t)))
		return -EINVAL;
	/* "<map>-mask" overrides the all-ones default; a bad one is ignored */
	if (map_mask_name)
		of_property_read_u32(fdt, node, map_mask_name, &mask);
	masked = mask & id;
	for (; len > 0; len -= 16, map += 4) {
		u32 id_base = fdt32_to_cpu(map[0]);
		u32 phandle = fdt32_to_cpu(map[1]);
		u32 out_base = fdt32_to_cpu(map[2]);
		u32 id_len = fdt32_to_cpu(map[3]);
		int tnode;

		/* "Invalid %s translation - %s-mask (0x%x) ignores id-base (0x%x)" */
		if (id_base & ~mask)
			return -EFAULT;
		if (masked < id_base || (u64)masked >= (u64)id_base + id_len)
			continue;
		tnode = of_find_node_by_phandle(fdt, phandle);
		if (tnode < 0)
			return -ENODEV;
		*target = tnode;
		*id_out = masked - id_base + out_base;
		return 0;
	}
	return -ENODEV;
}

int of_parse_phandle_with_args(const void *fdt, int node, const char *list,
			       const char *cells_name, int index, int *target,
			       u32 *args, int max_args, int *nargs)
{
	const fdt32_t *p;
	int len, cur = 0;

	if (index < 0)
		return -EINVAL;
	p = fdt_getprop(fdt, node, list, &len);
	if (!p)
		return -ENOENT;
	if (len % 4)
		return -EINVAL;
	for (const fdt32_t *end = p + len / 4; p < end; cur++) {
		u32 ph = fdt32_to_cpu(*p++);
		int prov = -1;
		u32 count = 0;

		if (ph) {
			prov = of_find_node_by_phandle(fdt, ph);
			if (prov < 0)
				return -EINVAL;	/* "could not find phandle" */
			if (of_property_read_u32(fdt, prov, cells_name, &count))
				return -EINVAL;	/* "could not get %s" */
			if (count > (u32)(end - p))
				return -EINVAL;	/* "arguments longer than property" */
		}
		if (cur == index) {
			/* an empty (0) phandle entry is a hole: nothing there */
			if (!ph)
				return -ENOENT;
			if ((int)count > max_args)
				return -EINVAL;
			for (u32 i = 0; i < count; i++)
				args[i] = fdt32_to_cpu(p[i]);
			*target = prov;
			*nargs = (int)count;
			return 0;
		}
		p += count;
	}
	return -ENOENT;
}

/*
 * of_dma_get_range(): the node's own "dma-ranges", else its parents'; an
 * empty one means "look further up"; once one was looked for, a missing
 * one ends the search with nothing. Returns the overall DMA window (lowest
 * bus address, the CPU address that maps to it, span to the highest end).
 */
int of_dma_range_limit(const void *fdt, int node, u64 *dma_start, u64 *cpu_start, u64 *size)
{
	const fdt32_t *ranges = NULL;
	bool found = false;
	int np = node, len = 0, na, pna, ns, rone;
	u64 lo = ~0ULL, hi = 0, lo_cpu = 0;

	*dma_start = 0;
	*cpu_start = 0;
	*size = 0;
	while (np >= 0) {
		ranges = fdt_getprop(fdt, np, "dma-ranges", &len);
		if (ranges && len > 0)
			break;
		if (found && !ranges)
			return 0;
		found = true;
		np = of_parent(fdt, np);
	}
	if (np < 0 || !ranges)
		return 0;

	/* of_range_parser: child cells from np itself, parent cells from above */
	na = is_pci_bus(fdt, np) ? 3 : bus_n_cells(fdt, np, "#address-cells", OF_ROOT_ADDR_CELLS_DEFAULT);
	ns = is_pci_bus(fdt, np) ? 2 : bus_n_cells(fdt, np, "#size-cells", OF_ROOT_SIZE_CELLS_DEFAULT);
	{
		int pp = of_parent(fdt, np);
		int dummy;

		if (pp < 0)
			return -EINVAL;
		count_cells(fdt, pp, &pna, &dummy);
	}
	if (!CHECK_COUNTS(na, ns) || !CHECK_ADDR_COUNT(pna))
		return -EINVAL;
	rone = na + pna + ns;
	if (len % (rone * 4))
		return -EINVAL;
	for (int i = 0; i < len / (rone * 4); i++) {
		const fdt32_t *r = ranges + i * rone;
		u64 bus = is_pci_bus(fdt, np) ? read_number(r + 1, na - 1) : read_number(r, na);
		u64 sz = read_number(r + na + pna, ns);
		u64 cpu;

		/* of_translate_dma_address() of the parent-side cells */
		if (translate(fdt, np, r + na, "dma-ranges", &cpu))
			return -EINVAL;
		if (!sz)
			continue;
		if (bus < lo) {
			lo = bus;
			lo_cpu = cpu;
		}
		if (bus + sz > hi)
			hi = bus + sz;
	}
	if (lo == ~0ULL)
		return -EINVAL;
	*dma_start = lo;
	*cpu_start = lo_cpu;
	*size = hi - lo;
	return 0;
}

unsigned of_count_cpus(const void *fdt)
{
	unsigned n = 0;
	int cpus = fdt ? fdt_path_offset(fdt, "/cpus") : -1;
	if (cpus < 0)
		return 1;
	int node;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		if (type && !strcmp(type, "cpu") && of_device_is_available(fdt, node))
			n++;
	}
	return n ? n : 1;
}
