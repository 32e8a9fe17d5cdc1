/*
 * QEMU 7.2's hw/block/block.c checks of a block device's configuration,
 * shared by the devices that take DEFINE_BLOCK_PROPERTIES (virtio-blk,
 * nvme).
 */
#ifndef IOMMUSIM_HW_BLKCONF_H
#define IOMMUSIM_HW_BLKCONF_H

#include "hw/qdev.h"
#include "machine/virt_internal.h"

/*
 * blkconf_blocksizes(): d's logical/physical block sizes, min_io_size,
 * opt_io_size and discard_granularity against each other (an unset size is
 * the backend's, 512 for a raw file or null-co). 0, or -EINVAL with QEMU's
 * message.
 */
int blkconf_blocksizes(struct virt_build *b, const struct qdev *d);

#endif
