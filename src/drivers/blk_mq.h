/*
 * The blk-mq facts a disk shows in sysfs (block/blk-mq-cpumap.c,
 * blk-mq-virtio.c, blk-mq-sched.c, 6.1): which hardware queue each CPU
 * submits to, and the request count the default scheduler sets.
 */
#ifndef IOMMUSIM_DRIVERS_BLK_MQ_H
#define IOMMUSIM_DRIVERS_BLK_MQ_H

#include "base/cpumask.h"

#define BLKDEV_DEFAULT_RQ 128u

/*
 * blk_mq_map_queues(): the first nr_queues CPUs get queues 0.., the others
 * go round (no SMT siblings on virt's DT CPUs as the reference sees them).
 */
void blk_mq_map_queues(unsigned short *mq_map, unsigned nr_cpus, unsigned nr_queues);
/*
 * blk_mq_virtio_map_queues(): each queue takes the CPUs of its vector's
 * managed affinity; affinity[q] NULL for any queue (no per-queue MSI-X
 * vector, or none managed) falls back to blk_mq_map_queues().
 */
void blk_mq_virtio_map_queues(unsigned short *mq_map, unsigned nr_cpus, unsigned nr_queues,
			      const struct cpumask *const *affinity);
/*
 * queue/nr_requests: the tag set's depth, or twice min(depth, 128) when the
 * queue gets mq-deadline (elevator_get_default(): a single hardware queue).
 */
unsigned blk_mq_nr_requests(unsigned queue_depth, unsigned nr_hw_queues);

#endif
