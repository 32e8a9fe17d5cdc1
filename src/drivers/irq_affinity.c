/* irq_create_affinity_masks() on one node: consecutive CPUs per vector. */
#include <errno.h>
#include <string.h>
#include "drivers/irq_affinity.h"

int irq_create_affinity_masks(unsigned nvecs, unsigned pre_vectors, unsigned nr_cpus,
			      struct cpumask *masks)
{
	if (pre_vectors > nvecs || !nr_cpus || nr_cpus > CPUMASK_BITS)
		return -EINVAL;
	memset(masks, 0, nvecs * sizeof(*masks));
	/* irq_default_affinity for the vectors that need no spreading */
	for (unsigned v = 0; v < pre_vectors; v++)
		for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
			cpumask_set_cpu(cpu, &masks[v]);
	unsigned spread = nvecs - pre_vectors;
	if (!spread)
		return 0;
	/*
	 * __irq_build_affinity_masks(): with more vectors than CPUs each CPU
	 * gets its own vector; else ncpus / n CPUs each, the remainder going
	 * one apiece to the first vectors.
	 */
	unsigned n = MIN(spread, nr_cpus);
	unsigned per = nr_cpus / n, extra = nr_cpus % n, cpu = 0;
	for (unsigned v = 0; v < n; v++) {
		unsigned take = per + (v < extra ? 1 : 0);
		for (unsigned i = 0; i < take; i++)
			cpumask_set_cpu(cpu++, &masks[pre_vectors + v]);
	}
	return 0;
}
