/*
 * struct cpumask for the CPUs a machine can have (NR_CPUS: Debian's arm64
 * config has 256, virt with GICv3 up to 512: the mask is sized for 512).
 */
#ifndef IOMMUSIM_BASE_CPUMASK_H
#define IOMMUSIM_BASE_CPUMASK_H

#include "base/bits.h"

#define CPUMASK_BITS 512

struct cpumask {
	u64 bits[CPUMASK_BITS / 64];
};

static inline void cpumask_set_cpu(unsigned cpu, struct cpumask *m)
{
	if (cpu < CPUMASK_BITS)
		m->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline bool cpumask_test_cpu(unsigned cpu, const struct cpumask *m)
{
	return cpu < CPUMASK_BITS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

#endif
