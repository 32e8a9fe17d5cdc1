/* The kernel command line parameters iommusim honours (-append "..."). */
#ifndef IOMMUSIM_INIT_CMDLINE_H
#define IOMMUSIM_INIT_CMDLINE_H

#include "base/bits.h"

struct kernel_cmdline {
	int iommu_passthrough;		/* -1 unset, 0/1 */
	int iommu_strict;		/* -1 unset, 0/1 */
	int iommu_forcedac;		/* 0/1 */
	bool swiotlb_force;		/* swiotlb=force */
	unsigned long swiotlb_nslabs;	/* swiotlb=N (0: default) */
	int deferred_probe_timeout;	/* seconds, default 10 with modules */
	int disable_bypass;		/* arm-smmu-v3.disable_bypass, default 1 */
	char *unknown;			/* what is passed on to user space */
};

/*
 * Parse like the kernel: unknown parameters are not errors (they go to
 * init); a known one with a bad value is -EINVAL with a message naming it.
 */
int kernel_cmdline_parse(const char *line, struct kernel_cmdline *out, char *err, size_t errlen);
void kernel_cmdline_free(struct kernel_cmdline *c);

#endif
