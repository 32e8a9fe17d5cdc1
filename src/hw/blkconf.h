/*
 * QEMU 7.2's hw/block/block.c checks of a block device's configuration,
 * shared by the devices that take DEFINE_BLOCK_PROPERTIES (virtio-blk,
 * nvme).
 */
#ifndef IOMMUSIM_HW_BLKCONF_H
#define IOMMUSIM_HW_BLKCONF_H

#include "hw/qdev.h"
#include "machine/virt_internal.h"

/* BlockdevOnError's values, as QEMU's qapi lists them */
extern const char *const blkconf_on_error_values[];

/* DEFINE_BLOCK_ERROR_PROPERTIES' rerror/werror: BlockdevOnError, "auto" by default */
#define BLKCONF_ON_ERROR_PROP(n) \
	{ .name = (n), .kind = QDEV_PROP_ENUM, .type = "BlockdevOnError", \
	  .desc = "Error handling policy, report/ignore/enospc/stop/auto", .has_default = true, \
	  .def.e = 4, .values = blkconf_on_error_values, .effect = QDEV_DEFAULT_ONLY }
/* DEFINE_BLOCK_PROPERTIES' block sizes: 0 (the backend's) by default */
#define BLKCONF_BLOCKSIZE_PROP(n, eff) \
	{ .name = (n), .kind = QDEV_PROP_BLOCKSIZE, .type = "size", \
	  .desc = "A power of two between 512 B and 2 MiB", .has_default = true, .def.u = 0, \
	  .effect = (eff) }

/*
 * blkconf_blocksizes(): d's logical/physical block sizes, min_io_size,
 * opt_io_size and discard_granularity against each other (an unset size is
 * the backend's, 512 for a raw file or null-co). 0, or -EINVAL with QEMU's
 * message.
 */
int blkconf_blocksizes(struct virt_build *b, const struct qdev *d);

#endif
