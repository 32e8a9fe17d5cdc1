/*
 * virtio_blk (drivers/block/virtio_blk.c, 6.1) and the slice of the block
 * layer it needs: queue limits as virtblk_probe sets them, requests built
 * the way blk_rq_map_sg + virtblk_add_req build them, and the error line
 * blk_print_req_error prints.
 */
#ifndef IOMMUSIM_DRIVERS_VIRTIO_BLK_H
#define IOMMUSIM_DRIVERS_VIRTIO_BLK_H

#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"
#include "base/cpumask.h"

#define SECTOR_SHIFT 9
#define BLK_DEF_MAX_SECTORS 2560u
#define BLK_SEG_BOUNDARY_MASK 0xffffffffULL
#define VIRTIO_BLK_MAX_SG_ELEMS 32768u
#define VIRTBLK_MAX_QUEUES 512	/* one per CPU at most; virt has up to 512 */

/* struct queue_limits, the fields /sys/block/X/queue shows */
struct blk_limits {
	u32 max_segments;
	u32 max_segment_size;
	u32 max_hw_sectors;
	u32 max_sectors;
	u32 logical_block_size;
	u32 physical_block_size;
	u32 io_min, io_opt;
	u64 seg_boundary_mask;
};

enum blk_sts {
	BLK_STS_OK = 0,
	BLK_STS_NOTSUPP = 1,
	BLK_STS_RESOURCE = 9,		/* mapping failed: blk-mq requeues */
	BLK_STS_DEV_RESOURCE = 13,	/* ring full */
	BLK_STS_IOERR = 10,
	BLK_STS_STUCK = 100,		/* model: the device never used the buffers */
};

struct virtblk_req;

struct virtio_blk {
	struct virtio_device *vdev;
	int index;			/* vd_index_ida */
	char disk_name[32];		/* vda */
	unsigned num_vqs;
	struct virtqueue *vqs[VIRTBLK_MAX_QUEUES];
	u64 capacity;			/* 512-byte sectors */
	bool ro;
	bool writeback;
	unsigned queue_depth;
	unsigned nr_requests;		/* queue/nr_requests */
	unsigned short mq_map[CPUMASK_BITS];	/* each CPU's hardware queue */
	struct blk_limits lim;
	struct virtblk_req *inflight;	/* requests the device has not completed */
	u64 requests, errors, stuck;
	unsigned last_requests, last_segments;	/* how the last virtblk_rw was split */
};

/*
 * The queue limits virtblk_probe() sets, from the negotiated features, the
 * device config and virtio_max_dma_size(): max_segments = seg_max (at least
 * 1), max_segment_size = min(U32_MAX, max DMA size, size_max), max_hw_sectors
 * UINT_MAX ("no real sector limit"), max_sectors = min(that, 2560).
 */
int virtblk_limits(struct virtio_device *vdev, struct blk_limits *lim);
/* string_get_size() of lib/string_helpers.c: units 10 ("1.05 MB") or 2 ("1.00 MiB") */
void string_get_size(u64 size, u64 blk_size, bool units_2, char *buf, int len);
/* virtblk_name_format(): 0 -> vda, 25 -> vdz, 26 -> vdaa */
int virtblk_name_format(const char *prefix, int index, char *buf, size_t buflen);

/* The disk called name ("vda") or on virtio device name ("virtio1"); NULL when none. */
struct virtio_blk *virtblk_find(struct kernel *k, const char *name);
/* Every virtio disk, in virtio index order; returns how many (at most max stored). */
size_t virtblk_list(struct kernel *k, struct virtio_blk **out, size_t max);

/*
 * Read or write nsect sectors at sector, the data at guest-physical buf_pa
 * (contiguous). raw=false: split into requests within the queue limits, as
 * the block layer would; raw=true: one request, one segment, limits ignored
 * (what a driver without the virtio_max_dma_size cap would send).
 * 0, -EIO (the device said IOERR or UNSUPP: logged as blk_print_req_error),
 * -ENOMEM (a DMA mapping failed: blk-mq would requeue and retry),
 * -ETIMEDOUT (the device did not complete it: Linux would wait forever),
 * -EINVAL (bad range or arguments; nothing sent).
 */
int virtblk_rw(struct virtio_blk *vblk, bool write, u64 sector, u64 nsect, u64 buf_pa, bool raw);

#endif
