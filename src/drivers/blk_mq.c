/* CPU-to-queue maps and the default scheduler's request count. */
#include "drivers/blk_mq.h"
#include "drivers/drivers_version.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"

void blk_mq_map_queues(unsigned short *mq_map, unsigned nr_cpus, unsigned nr_queues)
{
	unsigned q = 0;
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		mq_map[cpu] = (unsigned short)(q++ % nr_queues);
}

void blk_mq_virtio_map_queues(unsigned short *mq_map, unsigned nr_cpus, unsigned nr_queues,
			      const struct cpumask *const *affinity)
{
	for (unsigned q = 0; q < nr_queues; q++) {
		if (!affinity || !affinity[q]) {
			blk_mq_map_queues(mq_map, nr_cpus, nr_queues);
			return;
		}
	}
	for (unsigned q = 0; q < nr_queues; q++)
		for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
			if (cpumask_test_cpu(cpu, affinity[q]))
				mq_map[cpu] = (unsigned short)q;
}

unsigned blk_mq_nr_requests(unsigned queue_depth, unsigned nr_hw_queues)
{
	if (nr_hw_queues != 1)
		return queue_depth;
	return 2 * MIN(queue_depth, BLKDEV_DEFAULT_RQ);
}

void blk_mq_map_queues_grouped(unsigned short *mq_map, unsigned nr_cpus, unsigned nr_queues)
{
	if (nr_queues >= nr_cpus) {
		/* a group per CPU; the groups past the last CPU stay empty */
		for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
			mq_map[cpu] = (unsigned short)cpu;
		return;
	}
	unsigned per = nr_cpus / nr_queues, extra = nr_cpus % nr_queues, cpu = 0;
	for (unsigned q = 0; q < nr_queues; q++)
		for (unsigned n = per + (q < extra); n > 0 && cpu < nr_cpus; n--)
			mq_map[cpu++] = (unsigned short)q;
}

void blk_mq_map_queues_of(const struct kernel *k, unsigned short *mq_map, unsigned nr_cpus,
			  unsigned nr_queues)
{
	if (kernel_version(k)->drivers->blk_mq_map_groups_cpus_evenly)
		blk_mq_map_queues_grouped(mq_map, nr_cpus, nr_queues);
	else
		blk_mq_map_queues(mq_map, nr_cpus, nr_queues);
}

void blk_mq_virtio_map_queues_of(const struct kernel *k, unsigned short *mq_map, unsigned nr_cpus,
				 unsigned nr_queues, const struct cpumask *const *affinity)
{
	for (unsigned q = 0; q < nr_queues; q++) {
		if (!affinity || !affinity[q]) {
			blk_mq_map_queues_of(k, mq_map, nr_cpus, nr_queues);
			return;
		}
	}
	blk_mq_virtio_map_queues(mq_map, nr_cpus, nr_queues, affinity);
}

unsigned blk_mq_nr_requests_of(const struct kernel *k, unsigned queue_depth, unsigned nr_hw_queues)
{
	if (!kconfig_builtin(kernel_config(k), KCONFIG_MQ_IOSCHED_DEADLINE))
		return queue_depth;
	return blk_mq_nr_requests(queue_depth, nr_hw_queues);
}

u32 blk_default_max_sectors(const struct kernel *k, u32 max_hw_sectors, u32 io_min, u32 io_opt)
{
	u32 cap = kernel_version(k)->drivers->blk_def_max_sectors;
	if (kernel_version(k)->drivers->blk_max_sectors_follows_io_opt) {
		if ((u64)io_opt > (u64)cap << 9)
			return MIN(max_hw_sectors, io_opt >> 9);
		if ((u64)io_min > (u64)cap << 9)
			return MIN(max_hw_sectors, io_min >> 9);
	}
	return MIN(max_hw_sectors, cap);
}
