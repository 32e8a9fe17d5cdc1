/*
 * The default CMA area's command line (kernel/dma/contiguous.c's early
 * parameter "cma="): cma=SIZE[@BASE[-LIMIT]], each a memparse() number
 * (K, M, G, T, P, E suffixes).
 */
#ifndef IOMMUSIM_DMA_CONTIGUOUS_H
#define IOMMUSIM_DMA_CONTIGUOUS_H

#include "base/bits.h"

struct cma_cmdline {
	bool set;		/* size_cmdline != -1: cma= was given */
	u64 size, base;		/* size_cmdline, base_cmdline */
	u64 limit;		/* limit_cmdline: 0 none; BASE without -LIMIT fixes the area (BASE + SIZE) */
};

/* memparse(): a number (0x hex, 0 octal) and a binary suffix; *end past what was read */
u64 dma_memparse(const char *s, const char **end);

/*
 * early_cma(): read "cma=" into out. -EINVAL for "cma" without a value
 * (Linux logs "cma: Config string not provided", then do_early_param's
 * "Malformed early option 'cma'"); out is then unchanged.
 */
int dma_contiguous_parse_cmdline(const char *arg, struct cma_cmdline *out);

#endif
