/*
 * QEMU 7.2's virtio-blk device (hw/block/virtio-blk.c) over a raw -drive
 * file: its host features, its config space, and request handling
 * (VIRTIO_BLK_T_IN/OUT/FLUSH/GET_ID) with QEMU's checks and status codes.
 */
#ifndef IOMMUSIM_HW_VIRTIO_BLK_DEV_H
#define IOMMUSIM_HW_VIRTIO_BLK_DEV_H

#include <stdio.h>
#include "hw/blk_backend.h"
#include "hw/virtqueue_dev.h"

/* include/uapi/linux/virtio_blk.h */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_SCSI 7
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14
#define VIRTIO_BLK_F_SECURE_ERASE 16

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_BARRIER 0x80000000u

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

/* struct virtio_blk_config offsets */
#define VIRTIO_BLK_CFG_CAPACITY 0
#define VIRTIO_BLK_CFG_SIZE_MAX 8
#define VIRTIO_BLK_CFG_SEG_MAX 12
#define VIRTIO_BLK_CFG_BLK_SIZE 20
#define VIRTIO_BLK_CFG_PHYSICAL_BLOCK_EXP 24	/* topology: log2(physical / logical) */
#define VIRTIO_BLK_CFG_ALIGNMENT_OFFSET 25
#define VIRTIO_BLK_CFG_MIN_IO_SIZE 26		/* in logical blocks, 16 bits */
#define VIRTIO_BLK_CFG_OPT_IO_SIZE 28		/* in logical blocks, 32 bits */
#define VIRTIO_BLK_CFG_WCE 32
#define VIRTIO_BLK_CFG_NUM_QUEUES 34
#define VIRTIO_BLK_CFG_SIZE 60

#define VIRTIO_BLK_ID_BYTES 20

struct vdev_blk {
	struct blk_backend be;		/* the -drive (hw/blk_backend.h) */
	u32 logical_block_size;
	u8 config[VIRTIO_BLK_CFG_SIZE];
	u64 reads, writes, ioerrs;
};

/* Open the drive (read-only when readonly=on): 0, or -errno with err set as QEMU words it. */
int vdev_blk_init(struct vdev_hw *d, char *err, size_t errlen);
void vdev_blk_free(struct vdev_hw *d);
/* virtio_blk_get_features(): the blk bits QEMU adds to the common ones. */
u64 vdev_blk_features(const struct vdev_hw *d, u64 features);
/* virtio_blk_handle_vq(): run every request the queue holds. */
void vdev_blk_handle_output(struct vdev_hw *d, unsigned q);

#endif
