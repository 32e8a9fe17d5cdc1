/*
 * The blk-mq facts a disk shows in sysfs (block/blk-mq-cpumap.c,
 * blk-mq-virtio.c, blk-mq-sched.c, elevator.c): which hardware queue each CPU
 * submits to, the request count the default scheduler sets, and the default
 * max_sectors of blk_validate_limits(). The *_of() ones answer as k's kernel.
 */
#ifndef IOMMUSIM_DRIVERS_BLK_MQ_H
#define IOMMUSIM_DRIVERS_BLK_MQ_H

#include "base/cpumask.h"
#include "base/bits.h"

struct kernel;

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

/*
 * 7.x's blk_mq_map_queues(): group_cpus_evenly() splits the CPUs into
 * nr_queues runs of consecutive CPUs (the first nr_cpus % nr_queues one CPU
 * longer), run q to queue q: 2 queues on 4 CPUs are 0,1 / 2,3.
 */
void blk_mq_map_queues_grouped(unsigned short *mq_map, unsigned nr_cpus, unsigned nr_queues);
/* k's blk_mq_map_queues() and blk_mq_virtio_map_queues() (its fallback is k's) */
void blk_mq_map_queues_of(const struct kernel *k, unsigned short *mq_map, unsigned nr_cpus,
			  unsigned nr_queues);
void blk_mq_virtio_map_queues_of(const struct kernel *k, unsigned short *mq_map, unsigned nr_cpus,
				 unsigned nr_queues, const struct cpumask *const *affinity);
/*
 * queue/nr_requests under k's default elevator: mq-deadline for a single
 * queue only when built in (a module the guest never loads leaves "none",
 * whose nr_requests is the tag depth: Debian's 7.3 has MQ_IOSCHED_DEADLINE=m).
 */
unsigned blk_mq_nr_requests_of(const struct kernel *k, unsigned queue_depth, unsigned nr_hw_queues);
/*
 * blk_validate_limits()' max_sectors when the driver sets none: 6.1 caps it
 * at BLK_DEF_MAX_SECTORS (1280 KiB); 7.3 at BLK_DEF_MAX_SECTORS_CAP (4 MiB),
 * or io_opt / io_min when larger (in bytes; 0: none).
 */
u32 blk_default_max_sectors(const struct kernel *k, u32 max_hw_sectors, u32 io_min, u32 io_opt);

#endif
