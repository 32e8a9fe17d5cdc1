/*
 * Managed interrupt affinity (kernel/irq/affinity.c, 6.1): how
 * irq_create_affinity_masks() spreads a device's vectors over the CPUs when a
 * driver passes a struct irq_affinity (virtio_blk, virtio_scsi, nvme).
 */
#ifndef IOMMUSIM_DRIVERS_IRQ_AFFINITY_H
#define IOMMUSIM_DRIVERS_IRQ_AFFINITY_H

#include "base/cpumask.h"

/*
 * masks[0..nvecs): the pre_vectors first ones (e.g. virtio's config vector)
 * get every CPU, the others share nr_cpus CPUs out in consecutive runs, the
 * first (nr_cpus % n) runs one CPU longer (one NUMA node, no SMT siblings:
 * virt's CPUs as the reference guest sees them). A vector beyond nr_cpus
 * spread ones gets no CPU. 0, or -EINVAL (pre_vectors > nvecs, no CPU).
 */
int irq_create_affinity_masks(unsigned nvecs, unsigned pre_vectors, unsigned nr_cpus,
			      struct cpumask *masks);

#endif
