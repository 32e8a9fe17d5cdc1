/*
 * QEMU 7.2's virtio-blk over a raw file. Requests are handled as
 * virtio_blk_handle_vq() does: suppress notifications, pop every element,
 * check headers (a malformed one is virtio_error), check the sector range
 * (out of range: VIRTIO_BLK_S_IOERR), do the I/O, write the status byte and
 * push. A write to a read-only drive fails with EACCES, which the default
 * werror policy reports to the guest as VIRTIO_BLK_S_IOERR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/virtio_blk_dev.h"
#include "base/le_bytes.h"

/* BDRV_REQUEST_MAX_SECTORS: INT_MAX bytes rounded down to the sector */
#define BDRV_REQUEST_MAX_SECTORS ((0x7fffffffu & ~511u) >> 9)

int vdev_blk_init(struct vdev_hw *d, char *err, size_t errlen)
{
	struct vdev_blk *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	const struct hw_virtio *hw = d->hw;
	/* logical_block_size=, else the raw backend's 512-byte sectors */
	b->logical_block_size = hw->logical_block_size ? hw->logical_block_size : BDRV_SECTOR_SIZE;
	int ret = blk_backend_open(&b->be, hw->drive_file, hw->drive_readonly, hw->drive_snapshot, err, errlen);
	if (ret) {
		free(b);
		return ret;
	}
	u64 total_sectors = b->be.total_sectors;
	u8 *c = b->config;
	put_le(c + VIRTIO_BLK_CFG_CAPACITY, total_sectors, 8);
	put_le(c + VIRTIO_BLK_CFG_SEG_MAX, hw->seg_max, 4);
	put_le(c + VIRTIO_BLK_CFG_BLK_SIZE, b->logical_block_size, 4);
	/* virtio_blk_update_config's topology: the physical block as a power of the logical one */
	u32 pbs = hw->physical_block_size ? hw->physical_block_size : BDRV_SECTOR_SIZE;
	u8 exp = 0;
	while ((b->logical_block_size << exp) < pbs)
		exp++;
	c[VIRTIO_BLK_CFG_PHYSICAL_BLOCK_EXP] = exp;
	put_le(c + VIRTIO_BLK_CFG_MIN_IO_SIZE, hw->min_io_size / b->logical_block_size, 2);
	put_le(c + VIRTIO_BLK_CFG_OPT_IO_SIZE, hw->opt_io_size / b->logical_block_size, 4);
	/* write-cache=on or auto with cache=writeback (the default): enabled */
	c[VIRTIO_BLK_CFG_WCE] = hw->write_cache_off ? 0 : 1;
	put_le(c + VIRTIO_BLK_CFG_NUM_QUEUES, d->nqueues, 2);
	/* discard / write-zeroes limits as virtio_blk_update_config fills them */
	put_le(c + 36, BDRV_REQUEST_MAX_SECTORS, 4);
	put_le(c + 40, 1, 4);
	put_le(c + 44, b->logical_block_size >> 9, 4);
	put_le(c + 48, BDRV_REQUEST_MAX_SECTORS, 4);
	put_le(c + 52, 1, 4);
	c[56] = 1;
	d->blk = b;
	return 0;
}

void vdev_blk_free(struct vdev_hw *d)
{
	if (!d->blk)
		return;
	blk_backend_close(&d->blk->be);
	free(d->blk);
	d->blk = NULL;
}

u64 vdev_blk_features(const struct vdev_hw *d, u64 f)
{
	/* properties on by default: config-wce, discard, write-zeroes */
	f |= BIT(VIRTIO_BLK_F_CONFIG_WCE) | BIT(VIRTIO_BLK_F_DISCARD) | BIT(VIRTIO_BLK_F_WRITE_ZEROES);
	f |= BIT(VIRTIO_BLK_F_SEG_MAX) | BIT(VIRTIO_BLK_F_GEOMETRY) | BIT(VIRTIO_BLK_F_TOPOLOGY) |
	     BIT(VIRTIO_BLK_F_BLK_SIZE);
	if (!(f & BIT(VDEV_F_VERSION_1))) {
		/* a legacy-only device keeps the old SCSI passthrough bit and drops ANY_LAYOUT */
		f &= ~BIT(VDEV_F_ANY_LAYOUT);
		f |= BIT(VIRTIO_BLK_F_SCSI);
	}
	/* virtio_blk_get_features: FLUSH with the write cache on, or with config-wce (x-enable-wce-if-config-wce) */
	if (!d->hw->write_cache_off || !(d->hw->features_off & BIT(VIRTIO_BLK_F_CONFIG_WCE)))
		f |= BIT(VIRTIO_BLK_F_FLUSH);
	if (d->blk && d->blk->be.readonly)
		f |= BIT(VIRTIO_BLK_F_RO);
	if (d->nqueues > 1)
		f |= BIT(VIRTIO_BLK_F_MQ);
	return f;
}

static bool sect_range_ok(const struct vdev_blk *b, u64 sector, size_t size)
{
	u64 nb = size >> 9;
	u64 mask = (b->logical_block_size / BDRV_SECTOR_SIZE) - 1;
	if (nb > BDRV_REQUEST_MAX_SECTORS || (sector & mask) || size % b->logical_block_size)
		return false;
	return sector <= b->be.total_sectors && nb <= b->be.total_sectors - sector;
}

/* 0: completed or to be completed; -1: virtio_error, the element is dropped */
static int handle_request(struct vdev_hw *d, unsigned q, struct vdev_elem *elem)
{
	struct vdev_blk *b = d->blk;
	if (elem->out_num < 1 || elem->in_num < 1) {
		virtio_error(d, "virtio-blk missing headers");
		return -1;
	}
	if (elem->out_len < 16) {
		virtio_error(d, "virtio-blk request outhdr too short");
		return -1;
	}
	if (elem->in[elem->in_num - 1].len < 1) {
		virtio_error(d, "virtio-blk request inhdr too short");
		return -1;
	}
	u32 type = (u32)get_le(elem->out_data, 4);
	u64 sector = get_le(elem->out_data + 8, 8);
	size_t data_in = elem->in_len - 1;	/* the last byte is the status */
	u8 status = VIRTIO_BLK_S_OK;
	switch (type & ~(VIRTIO_BLK_T_OUT | VIRTIO_BLK_T_BARRIER)) {
	case VIRTIO_BLK_T_IN: {
		bool is_write = type & VIRTIO_BLK_T_OUT;
		size_t size = is_write ? elem->out_len - 16 : data_in;
		if (!sect_range_ok(b, sector, size)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		if (is_write) {
			if (blk_backend_write(&b->be, sector * BDRV_SECTOR_SIZE, elem->out_data + 16, size))
				status = VIRTIO_BLK_S_IOERR;
			else
				b->writes++;
			break;
		}
		if (b->be.null_co) {
			b->reads++;
			break;
		}
		u8 *buf = malloc(size ? size : 1);
		if (!buf || blk_backend_read(&b->be, sector * BDRV_SECTOR_SIZE, buf, size)) {
			status = VIRTIO_BLK_S_IOERR;
			free(buf);
			break;
		}
		int ret = vdev_elem_write(d, elem, 0, buf, size);
		free(buf);
		if (ret) {
			/* the buffer could not be mapped for writing (dma_memory_map failed) */
			virtio_error(d, "virtio: bogus descriptor or out of resources");
			return -1;
		}
		b->reads++;
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		blk_backend_flush(&b->be);
		break;
	case VIRTIO_BLK_T_GET_ID: {
		/* no serial= property: an empty, NUL-terminated id */
		u8 nul = 0;
		if (data_in && vdev_elem_write(d, elem, 0, &nul, 1)) {
			virtio_error(d, "virtio: bogus descriptor or out of resources");
			return -1;
		}
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (status == VIRTIO_BLK_S_IOERR)
		b->ioerrs++;
	if (vdev_elem_write(d, elem, data_in, &status, 1)) {
		virtio_error(d, "virtio: bogus descriptor or out of resources");
		return -1;
	}
	virtqueue_push(d, q, elem, (u32)elem->in_len);
	return 0;
}

void vdev_blk_handle_output(struct vdev_hw *d, unsigned q)
{
	if (q >= d->nqueues || !d->vq[q].ready || d->broken)
		return;
	struct vdev_elem *elem = malloc(sizeof(*elem));
	if (!elem)
		return;
	bool suppress = d->vq[q].notification;
	unsigned rounds = 0;
	do {
		if (suppress)
			virtio_queue_set_notification(d, q, false);
		while (virtqueue_pop(d, q, elem) > 0) {
			int ret = handle_request(d, q, elem);
			vdev_elem_release(elem);
			if (ret) {
				/* virtqueue_detach_element */
				d->vq[q].inuse--;
				break;
			}
		}
		if (suppress)
			virtio_queue_set_notification(d, q, true);
	} while (!virtio_queue_empty(d, q) && ++rounds < 4 * VIRTQUEUE_MAX_SIZE);
	free(elem);
}
