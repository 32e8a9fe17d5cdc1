/*
 * virtio_blk, Linux 6.1: probe (queues, limits, capacity line), requests
 * through the split virtqueue, completion and the block layer's error line.
 * A request lives in the model's synchronous world: added, kicked (the
 * device runs at the notify, as QEMU's handle_output does); it completes
 * when the queue's interrupt runs virtblk_done(). A device that used the
 * buffers but whose interrupt never arrived (its MSI faulted at the SMMU)
 * leaves the request outstanding, as on real Linux.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virtio_blk.h"
#include "drivers/drivers.h"
#include "drivers/blk_mq.h"
#include "base/page_alloc.h"
#include "dma/mapping.h"
#include "hw/system.h"
#include "hw/virtio_blk_dev.h"

#define REQ_OP_READ 0
#define REQ_OP_WRITE 1
/* IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4): a task with the default nice */
#define IOPRIO_CLASS_BE 2
#define REQ_IOPRIO ((IOPRIO_CLASS_BE << 13) | 4)

struct virtblk_req {
	struct virtblk_req *next;
	u64 pdu_pa;			/* out_hdr at +0, status at +16 (kmalloc'd PDU) */
	bool done;
	u8 status;
	u32 len;
};

static const unsigned blk_features[] = {
	VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_GEOMETRY,
	VIRTIO_BLK_F_RO, VIRTIO_BLK_F_BLK_SIZE,
	VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_F_CONFIG_WCE,
	VIRTIO_BLK_F_MQ, VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES,
	VIRTIO_BLK_F_SECURE_ERASE,
};

static struct guest_mem *kmem(struct kernel *k)
{
	return k->hw->mem;
}

static u64 cread(struct virtio_device *vdev, unsigned off, unsigned len)
{
	u8 b[8] = { 0 };
	vdev->config->get(vdev, off, b, len);
	u64 v = 0;
	for (int i = (int)len - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

void string_get_size(u64 size, u64 blk_size, bool units_2, char *buf, int len)
{
	static const char *const u10[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
	static const char *const u2[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB" };
	static const unsigned rounding[] = { 500, 50, 5 };
	const unsigned divisor = units_2 ? 1024 : 1000;
	int i = 0, j;
	u32 remainder = 0, sf_cap;
	char tmp[12] = "";
	if (blk_size == 0)
		size = 0;
	if (size) {
		/* Napier's trick: keep both factors under 32 bits so the product fits */
		while (blk_size >> 32) {
			blk_size /= divisor;
			i++;
		}
		while (size >> 32) {
			size /= divisor;
			i++;
		}
		size *= blk_size;
		while (size >= divisor) {
			remainder = (u32)(size % divisor);
			size /= divisor;
			i++;
		}
		sf_cap = (u32)size;
		for (j = 0; sf_cap * 10 < 1000; j++)
			sf_cap *= 10;
		if (units_2) {
			remainder *= 1000;
			remainder >>= 10;
		}
		remainder += rounding[j];
		if (remainder >= 1000) {
			remainder -= 1000;
			size += 1;
		}
		if (j) {
			snprintf(tmp, sizeof(tmp), ".%03u", remainder);
			tmp[j + 1] = '\0';
		}
	}
	const char *unit = i >= (int)ARRAY_SIZE(u2) ? "UNK" : (units_2 ? u2 : u10)[i];
	snprintf(buf, (size_t)len, "%u%s %s", (u32)size, tmp, unit);
}

int virtblk_name_format(const char *prefix, int index, char *buf, size_t buflen)
{
	const int base = 'z' - 'a' + 1;
	char tail[16];
	int n = 0;
	if (index < 0)
		return -EINVAL;
	/* bijective base 26, most significant letter first */
	do {
		if (n == (int)sizeof(tail))
			return -EINVAL;
		tail[n++] = (char)('a' + index % base);
		index = index / base - 1;
	} while (index >= 0);
	size_t plen = strlen(prefix);
	if (plen + (size_t)n + 1 > buflen)
		return -EINVAL;
	memcpy(buf, prefix, plen);
	for (int i = 0; i < n; i++)
		buf[plen + i] = tail[n - 1 - i];
	buf[plen + n] = '\0';
	return 0;
}

int virtblk_limits(struct virtio_device *vdev, struct blk_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	u32 sg_elems = 1;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX))
		sg_elems = (u32)cread(vdev, VIRTIO_BLK_CFG_SEG_MAX, 4);
	if (!sg_elems)
		sg_elems = 1;
	sg_elems = MIN(sg_elems, VIRTIO_BLK_MAX_SG_ELEMS - 2);
	lim->logical_block_size = 512;
	lim->physical_block_size = 512;
	lim->io_min = 512;
	lim->seg_boundary_mask = BLK_SEG_BOUNDARY_MASK;
	/* blk_queue_max_segments() takes an unsigned short */
	lim->max_segments = (u16)sg_elems ? (u16)sg_elems : 1;

	/* "No real sector limit": blk_queue_max_hw_sectors(q, -1U) */
	u32 lbs_sectors = lim->logical_block_size >> SECTOR_SHIFT;
	lim->max_hw_sectors = UINT32_MAX / lbs_sectors * lbs_sectors;
	lim->max_sectors = blk_default_max_sectors(vdev->dev.k, lim->max_hw_sectors, 0, 0);

	size_t max_dma = virtio_max_dma_size(vdev);
	u32 max_size = max_dma > UINT32_MAX ? UINT32_MAX : (u32)max_dma;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX))
		max_size = MIN(max_size, (u32)cread(vdev, VIRTIO_BLK_CFG_SIZE_MAX, 4));
	if (max_size < PAGE_SIZE) {
		max_size = PAGE_SIZE;
		kprintf(vdev->dev.k, "blk_queue_max_segment_size: set to minimum %d", (int)max_size);
	}
	lim->max_segment_size = max_size;

	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE)) {
		u32 bs = (u32)cread(vdev, VIRTIO_BLK_CFG_BLK_SIZE, 4);
		/* blk_validate_block_size() */
		if (bs > PAGE_SIZE || bs < 512 || (bs & (bs - 1))) {
			dev_err(&vdev->dev, "virtio_blk: invalid block size: 0x%x\n", bs);
			return -EINVAL;
		}
		lim->logical_block_size = bs;
		lim->physical_block_size = MAX(lim->physical_block_size, bs);
		lim->io_min = MAX(lim->io_min, lim->physical_block_size);
		lbs_sectors = bs >> SECTOR_SHIFT;
		lim->max_hw_sectors = lim->max_hw_sectors / lbs_sectors * lbs_sectors;
		lim->max_sectors = lim->max_sectors / lbs_sectors * lbs_sectors;
	}
	/*
	 * virtblk_probe(): the topology, each field in logical blocks when
	 * non-zero (QEMU's alignment_offset is always 0)
	 */
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_TOPOLOGY)) {
		u32 bs = lim->logical_block_size;
		u8 exp = (u8)cread(vdev, VIRTIO_BLK_CFG_PHYSICAL_BLOCK_EXP, 1);
		u32 min_io = (u32)cread(vdev, VIRTIO_BLK_CFG_MIN_IO_SIZE, 2);
		u32 opt_io = (u32)cread(vdev, VIRTIO_BLK_CFG_OPT_IO_SIZE, 4);

		if (exp) {
			/* blk_queue_physical_block_size() */
			lim->physical_block_size = MAX(bs << exp, lim->logical_block_size);
			lim->io_min = MAX(lim->io_min, lim->physical_block_size);
		}
		if (min_io) {
			/* blk_limits_io_min(): never below the logical or physical block */
			lim->io_min = MAX(MAX(bs * min_io, lim->logical_block_size), lim->physical_block_size);
		}
		if (opt_io)
			lim->io_opt = bs * opt_io;
	}
	/* blk_validate_limits(): the default cap (7.3's follows a large io_opt or io_min) */
	lbs_sectors = lim->logical_block_size >> SECTOR_SHIFT;
	lim->max_sectors = blk_default_max_sectors(vdev->dev.k, lim->max_hw_sectors, lim->io_min, lim->io_opt) /
			   lbs_sectors * lbs_sectors;
	return 0;
}

struct virtio_blk *virtblk_find(struct kernel *k, const char *name)
{
	struct virtio_blk *all[64];
	size_t n = virtblk_list(k, all, ARRAY_SIZE(all));
	for (size_t i = 0; i < n && i < ARRAY_SIZE(all); i++)
		if (!strcmp(all[i]->disk_name, name) || !strcmp(all[i]->vdev->dev.name, name))
			return all[i];
	return NULL;
}

size_t virtblk_list(struct kernel *k, struct virtio_blk **out, size_t max)
{
	size_t n = 0;
	for (unsigned i = 0; i < 4096; i++) {
		struct virtio_device *vdev = virtio_device_by_index(k, i);
		if (!vdev) {
			if (!k->virtio)
				break;
			continue;
		}
		/* a disk exists once probe named it */
		if (vdev->dev.driver == &virtio_blk_driver.driver && vdev->priv &&
		    ((struct virtio_blk *)vdev->priv)->disk_name[0]) {
			if (n < max)
				out[n] = vdev->priv;
			n++;
		}
	}
	return n;
}

static int lowest_free_index(struct kernel *k)
{
	struct virtio_blk *all[64];
	size_t n = MIN(virtblk_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	for (int idx = 0;; idx++) {
		bool used = false;
		for (size_t i = 0; i < n; i++)
			used |= all[i]->index == idx;
		if (!used)
			return idx;
	}
}

static const char *blk_status_str(enum blk_sts s)
{
	switch (s) {
	case BLK_STS_NOTSUPP: return "operation not supported";
	case BLK_STS_RESOURCE: return "kernel resource";
	case BLK_STS_DEV_RESOURCE: return "device resource";
	default: return "I/O";
	}
}

/* virtblk_done(): the queue's interrupt; every used buffer completes its request */
static void virtblk_done(struct virtqueue *vq)
{
	struct virtio_blk *vblk = vq->vdev->priv;
	struct virtblk_req *r;
	u32 len;
	if (!vblk)
		return;
	while ((r = virtqueue_get_buf(vq, &len))) {
		u8 st = 0xff;
		guest_mem_read(kmem(vblk->vdev->dev.k), r->pdu_pa + 16, &st, 1);
		r->status = st;
		r->len = len;
		r->done = true;
	}
}

static void req_free(struct virtio_blk *vblk, struct virtblk_req *r)
{
	for (struct virtblk_req **p = &vblk->inflight; *p; p = &(*p)->next) {
		if (*p == r) {
			*p = r->next;
			break;
		}
	}
	page_free(vblk->vdev->dev.k->pages, r->pdu_pa, PAGE_SIZE);
	free(r);
}

/* blk_rq_map_sg() over a contiguous buffer: segments within max_segment_size and the boundary */
static unsigned map_segments(const struct blk_limits *lim, u64 pa, u64 len, struct vring_sg *sg,
			     unsigned max, bool raw)
{
	unsigned n = 0;
	while (len && n < max) {
		u64 seg = len;
		if (!raw) {
			seg = MIN(seg, (u64)lim->max_segment_size);
			u64 to_boundary = (lim->seg_boundary_mask - (pa & lim->seg_boundary_mask)) + 1;
			seg = MIN(seg, to_boundary);
		}
		sg[n].phys = pa;
		sg[n].length = (u32)seg;
		n++;
		pa += seg;
		len -= seg;
	}
	return len ? 0 : n;
}

/* One request: virtio_queue_rq() then the completion. */
static int virtblk_request(struct virtio_blk *vblk, int op, u64 sector, u64 pa, u64 len, bool raw)
{
	struct virtio_device *vdev = vblk->vdev;
	struct kernel *k = vdev->dev.k;
	struct virtqueue *vq = vblk->vqs[0];
	unsigned maxseg = raw ? 1 : vblk->lim.max_segments;
	struct vring_sg *sg = calloc(maxseg + 2, sizeof(*sg));
	struct virtblk_req *r = calloc(1, sizeof(*r));
	if (!sg || !r) {
		free(sg);
		free(r);
		return -ENOMEM;
	}
	unsigned nseg = len ? map_segments(&vblk->lim, pa, len, sg + 1, maxseg, raw) : 0;
	if (len && !nseg) {
		free(sg);
		free(r);
		return -EINVAL;
	}
	r->pdu_pa = page_alloc(k->pages, PAGE_SIZE);
	if (!r->pdu_pa) {
		free(sg);
		free(r);
		return -ENOMEM;
	}
	/* virtblk_setup_cmd(): struct virtio_blk_outhdr { type, ioprio, sector } */
	u8 hdr[17] = { 0 };
	u32 type = op == REQ_OP_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	for (int i = 0; i < 4; i++) {
		hdr[i] = (u8)(type >> (8 * i));
		hdr[4 + i] = (u8)((u32)REQ_IOPRIO >> (8 * i));
	}
	for (int i = 0; i < 8; i++)
		hdr[8 + i] = (u8)(sector >> (8 * i));
	hdr[16] = 0xff;		/* status, until the device writes it */
	guest_mem_write(kmem(k), r->pdu_pa, hdr, sizeof(hdr));

	/* virtblk_add_req(): header out, data out (write) or in (read), status in */
	sg[0] = (struct vring_sg){ r->pdu_pa, 16 };
	sg[nseg + 1] = (struct vring_sg){ r->pdu_pa + 16, 1 };
	unsigned out = 1 + (op == REQ_OP_WRITE ? nseg : 0);
	unsigned in = 1 + (op == REQ_OP_WRITE ? 0 : nseg);
	vblk->requests++;
	vblk->last_requests++;
	vblk->last_segments += nseg;
	int err = virtqueue_add_sgs(vq, sg, out, in, r);
	free(sg);
	if (err) {
		virtqueue_kick(vq);
		page_free(k->pages, r->pdu_pa, PAGE_SIZE);
		free(r);
		/* virtblk_fail_to_queue(): -ENOMEM is BLK_STS_RESOURCE (requeued, retried) */
		if (err == -ENOMEM || err == -ENOSPC)
			return -ENOMEM;
		kprintf(k, "%s error, dev %s, sector %llu op 0x%x:(%s) flags 0x%x phys_seg %u prio class %u",
			blk_status_str(BLK_STS_IOERR), vblk->disk_name, (unsigned long long)sector, op,
			op == REQ_OP_WRITE ? "WRITE" : "READ", 0u, nseg, IOPRIO_CLASS_BE);
		vblk->errors++;
		return -EIO;
	}
	r->next = vblk->inflight;
	vblk->inflight = r;
	virtqueue_kick(vq);
	if (!r->done) {
		/*
		 * the device never used the buffers, or used them but its
		 * interrupt never came: 6.1's virtio_blk has no timeout handler
		 */
		vblk->stuck++;
		return -ETIMEDOUT;
	}
	u8 st = r->status;
	req_free(vblk, r);
	/* free any older requests the device finally completed */
	for (struct virtblk_req *o = vblk->inflight, *nx; o; o = nx) {
		nx = o->next;
		if (o->done)
			req_free(vblk, o);
	}
	if (st == VIRTIO_BLK_S_OK)
		return 0;
	enum blk_sts sts = st == VIRTIO_BLK_S_UNSUPP ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
	/* blk_print_req_error() */
	kprintf(k, "%s error, dev %s, sector %llu op 0x%x:(%s) flags 0x%x phys_seg %u prio class %u",
		blk_status_str(sts), vblk->disk_name, (unsigned long long)sector, op,
		op == REQ_OP_WRITE ? "WRITE" : "READ", 0u, nseg, IOPRIO_CLASS_BE);
	vblk->errors++;
	return -EIO;
}

int virtblk_rw(struct virtio_blk *vblk, bool write, u64 sector, u64 nsect, u64 buf_pa, bool raw)
{
	if (!vblk || !nsect || !vblk->num_vqs)
		return -EINVAL;
	u32 lbs_sect = vblk->lim.logical_block_size >> SECTOR_SHIFT;
	if ((sector % lbs_sect) || (nsect % lbs_sect))
		return -EINVAL;
	if (!raw && (sector > vblk->capacity || nsect > vblk->capacity - sector))
		return -EINVAL;
	/* bio splitting: max_sectors and max_segments x max_segment_size per request */
	u64 max_bytes = (u64)vblk->lim.max_sectors << SECTOR_SHIFT;
	u64 seg_bytes = (u64)vblk->lim.max_segments * vblk->lim.max_segment_size;
	max_bytes = MIN(max_bytes, seg_bytes);
	max_bytes = ALIGN_DOWN(max_bytes, vblk->lim.logical_block_size);
	u64 left = nsect << SECTOR_SHIFT;
	vblk->last_requests = vblk->last_segments = 0;
	while (left) {
		u64 chunk = raw ? left : MIN(left, max_bytes);
		int ret = virtblk_request(vblk, write ? REQ_OP_WRITE : REQ_OP_READ, sector, buf_pa, chunk, raw);
		if (ret)
			return ret;
		sector += chunk >> SECTOR_SHIFT;
		buf_pa += chunk;
		left -= chunk;
	}
	return 0;
}

/* add_disk's partition scan reads the first page of the disk */
static void virtblk_scan_partitions(struct virtio_blk *vblk)
{
	struct kernel *k = vblk->vdev->dev.k;
	u64 n = MIN(vblk->capacity, (u64)(PAGE_SIZE >> SECTOR_SHIFT));
	n = ALIGN_DOWN(n, vblk->lim.logical_block_size >> SECTOR_SHIFT);
	if (!n)
		return;
	u64 pa = page_alloc(k->pages, PAGE_SIZE);
	if (!pa)
		return;
	int ret = virtblk_rw(vblk, false, 0, n, pa, false);
	if (ret == -EIO) {
		kprintf(k, "Buffer I/O error on dev %s, logical block 0, async page read", vblk->disk_name);
		kprintf(k, " %s: unable to read partition table", vblk->disk_name);
	}
	if (ret != -ETIMEDOUT)
		page_free(k->pages, pa, PAGE_SIZE);
}

static int virtblk_probe(struct virtio_device *vdev)
{
	if (!vdev->config) {
		dev_err(&vdev->dev, "virtblk_probe failure: config access disabled\n");
		return -EINVAL;
	}
	struct virtio_blk *vblk = calloc(1, sizeof(*vblk));
	if (!vblk)
		return -ENOMEM;
	vblk->vdev = vdev;
	/* the queues' callbacks find the disk here (it has no name until probe ends) */
	vdev->priv = vblk;
	int err = virtblk_limits(vdev, &vblk->lim);
	if (err)
		goto fail;
	/* init_vq(): one request queue per num_queues, at most one per CPU */
	unsigned num_vqs = 1;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_MQ)) {
		num_vqs = (unsigned)cread(vdev, VIRTIO_BLK_CFG_NUM_QUEUES, 2);
		if (!num_vqs) {
			dev_err(&vdev->dev, "MQ advertised but zero queues reported\n");
			err = -EINVAL;
			goto fail;
		}
	}
	/* min_not_zero(num_request_queues, nr_cpu_ids): no module parameter given */
	num_vqs = MIN(num_vqs, vdev->dev.k->nr_cpu_ids);
	dev_info(&vdev->dev, "%d/%d/%d default/read/poll queues\n", num_vqs, 0, 0);
	{
		/* init_vq(): "req.N", each with virtblk_done */
		vq_callback_t **callbacks = calloc(num_vqs, sizeof(*callbacks));
		char (*names)[16] = calloc(num_vqs, sizeof(*names));
		const char **np = calloc(num_vqs, sizeof(*np));
		err = callbacks && names && np ? 0 : -ENOMEM;
		for (unsigned i = 0; !err && i < num_vqs; i++) {
			callbacks[i] = virtblk_done;
			snprintf(names[i], sizeof(names[i]), "req.%u", i);
			np[i] = names[i];
		}
		if (!err)
			err = vdev->config->find_vqs(vdev, num_vqs, vblk->vqs, callbacks,
						     (const char *const *)np);
		free(callbacks);
		free(names);
		free(np);
	}
	if (err)
		goto fail;
	vblk->num_vqs = num_vqs;
	vblk->queue_depth = vblk->vqs[0]->num_free;
	if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))
		vblk->queue_depth /= 2;
	/* blk_mq_alloc_tag_set() -> virtblk_map_queues(), then the elevator's nr_requests */
	{
		const struct cpumask *aff[VIRTBLK_MAX_QUEUES];
		for (unsigned q = 0; q < num_vqs; q++)
			aff[q] = vdev->config->get_vq_affinity ? vdev->config->get_vq_affinity(vdev, q) : NULL;
		blk_mq_virtio_map_queues_of(vdev->dev.k, vblk->mq_map, vdev->dev.k->nr_cpu_ids, num_vqs, aff);
		vblk->nr_requests = blk_mq_nr_requests_of(vdev->dev.k, vblk->queue_depth, num_vqs);
	}
	vblk->index = lowest_free_index(vdev->dev.k);
	virtblk_name_format("vd", vblk->index, vblk->disk_name, sizeof(vblk->disk_name));
	vblk->writeback = virtio_has_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE)
				  ? cread(vdev, VIRTIO_BLK_CFG_WCE, 1) != 0
				  : virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	vblk->ro = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);

	/* virtblk_update_capacity() */
	vblk->capacity = cread(vdev, VIRTIO_BLK_CFG_CAPACITY, 8);
	u64 nblocks = (vblk->capacity + (vblk->lim.logical_block_size >> 9) - 1) /
		      (vblk->lim.logical_block_size >> 9);
	char s2[10], s10[10];
	string_get_size(nblocks, vblk->lim.logical_block_size, true, s2, sizeof(s2));
	string_get_size(nblocks, vblk->lim.logical_block_size, false, s10, sizeof(s10));
	dev_info(&vdev->dev, "[%s] %llu %d-byte logical blocks (%s/%s)\n", vblk->disk_name,
		 (unsigned long long)nblocks, (int)vblk->lim.logical_block_size, s10, s2);
	virtio_device_ready(vdev);
	/* device_add_disk() -> disk_scan_partitions() */
	virtblk_scan_partitions(vblk);
	return 0;
fail:
	vdev->priv = NULL;
	free(vblk);
	return err;
}

static void virtblk_release(struct virtio_device *vdev)
{
	struct virtio_blk *vblk = vdev->priv;
	if (!vblk)
		return;
	while (vblk->inflight) {
		struct virtblk_req *r = vblk->inflight;
		vblk->inflight = r->next;
		free(r);
	}
	/* the queues' host memory goes with the device (virtio_release_vqs) */
	free(vblk);
	vdev->priv = NULL;
}

static void virtblk_remove(struct virtio_device *vdev)
{
	struct virtio_blk *vblk = vdev->priv;
	if (!vblk)
		return;
	/* virtio_reset_device(), then the queues go (stuck requests with them) */
	vdev->config->set_status(vdev, 0);
	struct kernel *k = vdev->dev.k;
	while (vblk->inflight) {
		struct virtblk_req *r = vblk->inflight;
		vblk->inflight = r->next;
		page_free(k->pages, r->pdu_pa, PAGE_SIZE);
		free(r);
	}
	vdev->config->del_vqs(vdev);
	free(vblk);
	vdev->priv = NULL;
}

static const u32 blk_ids[] = { HW_VIRTIO_BLK, 0 };

struct virtio_driver virtio_blk_driver = {
	.driver = { .name = "virtio_blk", .bus = &virtio_bus },
	.ids = blk_ids,
	.feature_table = blk_features,
	.feature_table_size = ARRAY_SIZE(blk_features),
	.feature_table_legacy = blk_features,
	.feature_table_size_legacy = ARRAY_SIZE(blk_features),
	.irq_affinity = true,	/* init_vq() passes a struct irq_affinity */
	.probe = virtblk_probe,
	.remove = virtblk_remove,
	.release = virtblk_release,
};
