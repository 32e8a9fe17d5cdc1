/* Managed interrupt spreads and blk-mq's CPU-to-queue maps (6.1's rules). */
#include <errno.h>
#include <criterion/criterion.h>
#include "drivers/irq_affinity.h"
#include "drivers/blk_mq.h"

static unsigned first_cpu(const struct cpumask *m, unsigned nr)
{
	for (unsigned c = 0; c < nr; c++)
		if (cpumask_test_cpu(c, m))
			return c;
	return ~0u;
}

static unsigned weight(const struct cpumask *m, unsigned nr)
{
	unsigned w = 0;
	for (unsigned c = 0; c < nr; c++)
		w += cpumask_test_cpu(c, m);
	return w;
}

Test(irq_affinity, spread_in_runs_after_the_pre_vectors)
{
	struct cpumask m[8];
	/* virtio's config vector, then 3 queues over 4 CPUs: {0,1} {2} {3} */
	cr_assert_eq(irq_create_affinity_masks(4, 1, 4, m), 0);
	cr_assert_eq(weight(&m[0], 4), 4, "the pre-vector gets every CPU");
	cr_assert_eq(first_cpu(&m[1], 4), 0);
	cr_assert_eq(weight(&m[1], 4), 2);
	cr_assert_eq(first_cpu(&m[2], 4), 2);
	cr_assert_eq(weight(&m[2], 4), 1);
	cr_assert_eq(first_cpu(&m[3], 4), 3);
	/* more vectors than CPUs: one CPU each, the rest none */
	cr_assert_eq(irq_create_affinity_masks(5, 1, 2, m), 0);
	cr_assert_eq(weight(&m[1], 2), 1);
	cr_assert_eq(weight(&m[2], 2), 1);
	cr_assert_eq(weight(&m[3], 2), 0);
	cr_assert_eq(irq_create_affinity_masks(1, 2, 4, m), -EINVAL);
	cr_assert_eq(irq_create_affinity_masks(2, 1, 0, m), -EINVAL);
}

Test(blk_mq, virtio_map_uses_the_spread_else_goes_round)
{
	unsigned short map[8];
	struct cpumask m[3];
	irq_create_affinity_masks(3, 1, 4, m);
	const struct cpumask *aff[2] = { &m[1], &m[2] };
	blk_mq_virtio_map_queues(map, 4, 2, aff);
	cr_assert(map[0] == 0 && map[1] == 0 && map[2] == 1 && map[3] == 1);
	/* one queue without a managed vector: blk_mq_map_queues() for all */
	aff[1] = NULL;
	blk_mq_virtio_map_queues(map, 4, 2, aff);
	cr_assert(map[0] == 0 && map[1] == 1 && map[2] == 0 && map[3] == 1);
}

Test(blk_mq, nr_requests_follows_the_default_elevator)
{
	cr_assert_eq(blk_mq_nr_requests(256, 1), 256, "mq-deadline: 2 * min(256, 128)");
	cr_assert_eq(blk_mq_nr_requests(64, 1), 128);
	cr_assert_eq(blk_mq_nr_requests(128, 3), 128, "none: the tag depth");
	cr_assert_eq(blk_mq_nr_requests(1024, 2), 1024);
}
