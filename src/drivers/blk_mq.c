/* CPU-to-queue maps and the default scheduler's request count. */
#include "drivers/blk_mq.h"

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
