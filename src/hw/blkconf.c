/* QEMU's blkconf_blocksizes(); see blkconf.h. */
#include <stdint.h>
#include "hw/blkconf.h"
#include "hw/blk_backend.h"

const char *const blkconf_on_error_values[] = { "report", "ignore", "enospc", "stop", "auto", NULL };

int blkconf_blocksizes(struct virt_build *b, const struct qdev *d)
{
	u64 lbs = qdev_uint(d, "logical_block_size"), pbs = qdev_uint(d, "physical_block_size");
	u64 min_io = qdev_uint(d, "min_io_size"), opt_io = qdev_uint(d, "opt_io_size");
	u64 gran = qdev_uint(d, "discard_granularity");

	if (!lbs)
		lbs = BDRV_SECTOR_SIZE;
	if (!pbs)
		pbs = BDRV_SECTOR_SIZE;
	if (lbs > pbs)
		return virt_fail(b, "logical_block_size > physical_block_size not supported");
	if (min_io % lbs)
		return virt_fail(b, "min_io_size must be a multiple of logical_block_size");
	if (min_io / lbs > UINT16_MAX)
		return virt_fail(b, "min_io_size must not exceed %u logical blocks", UINT16_MAX);
	if (opt_io % lbs)
		return virt_fail(b, "opt_io_size must be a multiple of logical_block_size");
	if (gran != UINT32_MAX && gran % lbs)
		return virt_fail(b, "discard_granularity must be a multiple of logical_block_size");
	return 0;
}
