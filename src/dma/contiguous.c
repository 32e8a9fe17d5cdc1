/*
 * The default CMA area (kernel/dma/contiguous.c and mm/cma.c):
 * bootmem_init() reserves it with dma_contiguous_reserve(arm64_dma_phys_limit):
 * CONFIG_CMA_SIZE_MBYTES, or what cma= says, the highest that fits under
 * the limit (6.1: just under the memmap, or at the top of the DMA zone
 * when RAM goes past it; 7.3: under the page tables and the DT).
 */
#include <errno.h>
#include <ctype.h>
#include "base/memblock.h"
#include "dma/contiguous.h"
#include "dma/dma_internal.h"
#include "dma/dma_version.h"
#include "init/cmdline.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"

#define SZ_1M_BYTES (1ULL << 20)
#define SZ_4G_BYTES (1ULL << 32)
/* CMA_MIN_ALIGNMENT_BYTES: a pageblock, 2 MiB with 4 KiB pages */
#define CMA_MIN_ALIGNMENT_BYTES SZ_2M

/* simple_strtoull(s, end, 0): 0x hex, 0 octal, else decimal; no sign, no spaces, wrapping on overflow */
static u64 simple_strtoull0(const char *s, const char **end)
{
	unsigned base = 10;
	if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x' && isxdigit((unsigned char)s[2])) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	u64 v = 0;
	for (;; s++) {
		int c = tolower((unsigned char)*s);
		unsigned d = isdigit(c) ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
		if (d >= base)
			break;
		v = v * base + d;
	}
	*end = s;
	return v;
}

u64 dma_memparse(const char *s, const char **end)
{
	const char *e;
	u64 v = simple_strtoull0(s, &e);
	unsigned shift = 0;
	switch (tolower((unsigned char)*e)) {
	case 'e': shift += 10; /* fall through */
	case 'p': shift += 10; /* fall through */
	case 't': shift += 10; /* fall through */
	case 'g': shift += 10; /* fall through */
	case 'm': shift += 10; /* fall through */
	case 'k': shift += 10; e++; break;
	default: break;
	}
	if (end)
		*end = e;
	return v << shift;
}

int dma_contiguous_parse_cmdline(const char *arg, struct cma_cmdline *out)
{
	const char *p = arg;
	if (!arg || !out)
		return -EINVAL;
	struct cma_cmdline c = { .set = true };
	c.size = dma_memparse(p, &p);
	if (*p == '@') {
		c.base = dma_memparse(p + 1, &p);
		/* SIZE@BASE fixes the area there; -LIMIT only bounds it */
		c.limit = *p == '-' ? dma_memparse(p + 1, &p) : c.base + c.size;
	}
	*out = c;
	return 0;
}

/*
 * cma_declare_contiguous_nid(base, *size, limit, alignment 0, order 0,
 * fixed): 0 with *out the area's address, or -errno after saying why
 * (the caller logs "Failed to reserve"). *size becomes the size aligned
 * to a pageblock once it has been.
 */
static int cma_declare_contiguous(struct kernel *k, struct memblock *mb, u64 base, u64 *sizep, u64 limit,
				  bool fixed, u64 *out)
{
	u64 size = *sizep;
	const struct dma_version *dv = kernel_version(k)->dma;
	u64 memblock_end = memblock_end_of_DRAM(mb);
	u64 alignment = CMA_MIN_ALIGNMENT_BYTES;

	if (!size)
		return -EINVAL;
	if (fixed && (base & (alignment - 1))) {
		kprintf(k, "cma: Region at 0x%016llx must be aligned to 0x%016llx bytes",
			(unsigned long long)base, (unsigned long long)alignment);
		return -EINVAL;
	}
	/* 6.1 checks a fixed area against high_memory, the end of RAM on arm64 */
	if (dv && dv->cma_fixed_checks_high_memory && fixed && base < memblock_end && base + size > memblock_end) {
		kprintf(k, "cma: Region at 0x%016llx defined on low/high memory boundary (0x%016llx)",
			(unsigned long long)base, (unsigned long long)memblock_end);
		return -EINVAL;
	}
	base = ALIGN_UP(base, alignment);
	size = *sizep = ALIGN_UP(size, alignment);
	limit &= ~(alignment - 1);
	if (!base)
		fixed = false;
	if (!limit || limit > memblock_end)
		limit = memblock_end;
	if (base + size > limit || base + size < base) {
		kprintf(k, "cma: Size (0x%016llx) of region at 0x%016llx exceeds limit (0x%016llx)",
			(unsigned long long)size, (unsigned long long)base, (unsigned long long)limit);
		return -EINVAL;
	}
	if (fixed) {
		if (memblock_is_region_reserved(mb, base, size) || memblock_reserve(mb, base, size))
			return -EBUSY;
		*out = base;
		return 0;
	}

	u64 addr = 0;
	/*
	 * With room past 4 GiB, a bottom-up try above 4 GiB first, to keep the
	 * DMA zones free: when the limit leaves that room (7.3), when RAM does
	 * (6.1: it finds nothing when the limit is lower).
	 */
	u64 room_end = dv && dv->cma_bottom_up_by_limit ? limit : memblock_end;
	if (!mb->bottom_up && room_end >= SZ_4G_BYTES + size) {
		mb->bottom_up = true;
		addr = memblock_alloc_range_nid(mb, size, alignment, SZ_4G_BYTES, limit);
		mb->bottom_up = false;
	}
	if (!addr)
		addr = memblock_alloc_range_nid(mb, size, alignment, base, limit);
	if (!addr)
		return -ENOMEM;
	*out = addr;
	return 0;
}

int dma_contiguous_reserve(struct kernel *k, struct memblock *mb, u64 limit)
{
	struct dma_core *core = dma_core_get(k);
	const struct kernel_config *config = kernel_config(k);
	const struct dma_version *dv = kernel_version(k)->dma;
	if (!core || !mb)
		return -EINVAL;
	if (!kconfig_enabled(config, KCONFIG_DMA_CMA))
		return 0;
	const struct cma_cmdline *cmd = k->cmdline ? &k->cmdline->cma : NULL;
	u64 size, base = 0;
	bool fixed = false;
	if (cmd && cmd->set) {
		size = cmd->size;
		base = cmd->base;
		/* 7.3 takes the user's limit as it is; 6.1 keeps the lower of it and the DMA zone's */
		if (dv && dv->cma_cmdline_limit_as_given)
			limit = cmd->limit ? cmd->limit : limit;
		else
			limit = cmd->limit && (!limit || cmd->limit < limit) ? cmd->limit : limit;
		fixed = cmd->base + cmd->size == cmd->limit;
	} else {
		/* CONFIG_CMA_SIZE_SEL_MBYTES: the size is CONFIG_CMA_SIZE_MBYTES */
		size = (u64)kconfig_number(config, KCONFIG_CMA_SIZE_MBYTES) * SZ_1M_BYTES;
	}
	if (!size)
		return 0;
	u64 at = 0, declared = size;
	if (cma_declare_contiguous(k, mb, base, &declared, limit, fixed, &at)) {
		/* 6.1 sanitised the size in place: it reports the pageblock-aligned one */
		u64 said = dv && dv->cma_failure_says_size_asked ? size : declared;
		kprintf(k, "cma: Failed to reserve %llu MiB", (unsigned long long)(said / SZ_1M_BYTES));
		return -ENOMEM;
	}
	core->cma_base = at;
	core->cma_size = ALIGN_UP(size, CMA_MIN_ALIGNMENT_BYTES);
	kprintf(k, "cma: Reserved %llu MiB at 0x%016llx", (unsigned long long)(size / SZ_1M_BYTES),
		(unsigned long long)at);
	return 0;
}
