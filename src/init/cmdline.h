/*
 * The kernel command line (-append "..."), read as Linux 6.1 reads it:
 * parse_early_param(), then parse_args("Booting kernel") with the built-in
 * kernel_params and unknown_bootoption(). What iommusim models is kept in
 * the fields; every other parameter Linux knows is accepted; an unknown one
 * goes to init and into "Unknown kernel command line parameters".
 */
#ifndef IOMMUSIM_INIT_CMDLINE_H
#define IOMMUSIM_INIT_CMDLINE_H

#include "base/bits.h"
#include "dma/contiguous.h"

struct kernel;
struct kparam_table;

struct kernel_cmdline {
	int iommu_passthrough;		/* -1 unset, 0/1 */
	int iommu_strict;		/* -1 unset, 0/1 */
	int iommu_forcedac;		/* 0/1 */
	/* swiotlb=[<slabs>][,<areas>][,force|noforce], as swiotlb_parse_cmdline() reads it */
	unsigned long swiotlb_nslabs;	/* aligned to IO_TLB_SEGSIZE (0: default) */
	unsigned int swiotlb_nareas;	/* 0: one a possible CPU */
	bool swiotlb_force, swiotlb_noforce;
	struct cma_cmdline cma;		/* cma=SIZE[@BASE[-LIMIT]] (early_cma) */
	int deferred_probe_timeout;	/* seconds, default 10 with modules */
	int disable_bypass;		/* arm-smmu-v3.disable_bypass, default 1 */
	char *unknown;			/* what is passed on to user space, or NULL */
	/* what the kernel logs while parsing: '\n'-separated lines, or NULL */
	char *early_log;		/* parse_early_param(): "Malformed early option 'x'" */
	char *args_log;			/* parse_args(): "Booting kernel: `v' invalid for parameter `p'" */
};

/*
 * Parse like the kernel: unknown parameters are not errors (they go to
 * init), a bad value is what Linux logs (and the default stays). -EINVAL
 * with a message naming it for a parameter Linux knows that would change
 * the answers and that iommusim does not model (mem=, maxcpus=, ...), and
 * for a line that would make Linux panic (more than 32 init arguments).
 */
int kernel_cmdline_parse(const char *line, const struct kparam_table *known,
			 struct kernel_cmdline *out, char *err, size_t errlen);
void kernel_cmdline_free(struct kernel_cmdline *c);

/*
 * Log what the kernel prints about its command line: early_log (before
 * setup_arch's memory lines), or the "Kernel command line:" line, the
 * parse_args() complaints and the unknown parameters (start_kernel).
 */
void kernel_cmdline_log(struct kernel *k, const struct kernel_cmdline *c, const char *line, bool early);

#endif
