/*
 * virtio_rng (drivers/char/hw_random/virtio-rng.c, Linux 6.1). Probe finds
 * the single "input" queue and posts the first request at once ("we always
 * have a pending entropy request"): one buffer, the driver's data array of
 * SMP_CACHE_BYTES (64 on arm64). The device answers once the driver is
 * ready (DRIVER_OK), and the answer's interrupt (random_recv_done) makes the
 * data available. The scan step after probe registers the source with the
 * hwrng core, whose add_early_randomness() reads without waiting: from a
 * device whose interrupt never arrived it gets nothing, and the request
 * stays outstanding. Reading the last available byte posts the next request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/drivers.h"
#include "drivers/hw_random.h"
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"
#include "base/page_alloc.h"
#include "hw/system.h"

#define VIRTRNG_DATA_SIZE 64		/* u8 data[SMP_CACHE_BYTES] */

struct virtrng_info {
	struct hwrng hwrng;
	struct virtio_device *vdev;
	struct virtqueue *vq;
	char name[25];
	int index;
	bool hwrng_register_done;
	bool hwrng_removed;
	bool have_data;			/* the have_data completion is done */
	unsigned data_avail, data_idx;
	u64 data_pa;			/* the data array, in the kzalloc'd info */
	u64 requests, answers;
};

static struct guest_mem *kmem(struct kernel *k)
{
	return k->hw->mem;
}

/* random_recv_done(): the queue's interrupt */
static void random_recv_done(struct virtqueue *vq)
{
	struct virtrng_info *vi = vq->vdev->priv;
	u32 len;
	/* "We can get spurious callbacks, e.g. shared IRQs + virtio_pci." */
	if (!vi || !virtqueue_get_buf(vi->vq, &len))
		return;
	vi->answers++;
	vi->data_avail = MIN(len, (u32)VIRTRNG_DATA_SIZE);
	vi->have_data = true;
	hwrng_data_ready(vq->vdev->dev.k, &vi->hwrng);
}

/* request_entropy(): the data array as one device-writable buffer, kicked */
static void request_entropy(struct virtrng_info *vi)
{
	vi->have_data = false;
	vi->data_idx = 0;
	struct vring_sg sg = { vi->data_pa, VIRTRNG_DATA_SIZE };
	/* "There should always be room for one buffer." */
	if (!virtqueue_add_inbuf(vi->vq, &sg, vi))
		vi->requests++;
	virtqueue_kick(vi->vq);
}

static unsigned copy_data(struct virtrng_info *vi, void *buf, unsigned size)
{
	size = MIN(size, vi->data_avail);
	guest_mem_read(kmem(vi->vdev->dev.k), vi->data_pa + vi->data_idx, buf, size);
	vi->data_idx += size;
	vi->data_avail -= size;
	if (vi->data_avail == 0)
		request_entropy(vi);
	return size;
}

static int virtio_read(struct hwrng *rng, void *buf, size_t size, bool wait, bool *blocked)
{
	struct virtrng_info *vi = rng->priv;
	size_t read = 0;
	*blocked = false;
	if (vi->hwrng_removed)
		return -ENODEV;
	/* copy available data */
	if (vi->data_avail) {
		unsigned chunk = copy_data(vi, buf, (unsigned)size);
		size -= chunk;
		read += chunk;
	}
	if (!wait)
		return (int)read;
	while (size) {
		/* wait_for_completion_killable(&vi->have_data): for ever if it never comes */
		if (!vi->have_data) {
			*blocked = true;
			return (int)read;
		}
		/* data_avail 0 after the completion: a cleanup woke us */
		if (!vi->data_avail)
			return (int)read;
		unsigned chunk = copy_data(vi, (u8 *)buf + read, (unsigned)size);
		size -= chunk;
		read += chunk;
	}
	return (int)read;
}

/* ida_simple_get(&rng_index_ida): the lowest index no bound device holds */
static int rng_index(struct kernel *k)
{
	for (int idx = 0;; idx++) {
		bool used = false;
		for (unsigned i = 0; i < 4096 && !used; i++) {
			struct virtio_device *v = virtio_device_by_index(k, i);
			if (!v) {
				if (!k->virtio)
					break;
				continue;
			}
			struct virtrng_info *vi = v->dev.driver == &virtio_rng_driver.driver ? v->priv : NULL;
			used = vi && vi->index == idx;
		}
		if (!used)
			return idx;
	}
}

/* probe_common() */
static int virtrng_probe(struct virtio_device *vdev)
{
	struct kernel *k = vdev->dev.k;
	struct virtrng_info *vi = calloc(1, sizeof(*vi));
	if (!vi)
		return -ENOMEM;
	vi->data_pa = page_alloc(k->pages, PAGE_SIZE);
	if (!vi->data_pa) {
		free(vi);
		return -ENOMEM;
	}
	guest_mem_fill(kmem(k), vi->data_pa, 0, VIRTRNG_DATA_SIZE);
	vi->vdev = vdev;
	vi->index = rng_index(k);
	snprintf(vi->name, sizeof(vi->name), "virtio_rng.%d", vi->index);
	vi->hwrng = (struct hwrng){ .name = vi->name, .read = virtio_read, .quality = 1000, .priv = vi };
	vdev->priv = vi;
	/* we expect a single virtqueue */
	int err;
	vi->vq = virtio_find_single_vq(vdev, random_recv_done, "input", &err);
	if (!vi->vq) {
		vdev->priv = NULL;
		page_free(k->pages, vi->data_pa, PAGE_SIZE);
		free(vi);
		return err;
	}
	/* we always have a pending entropy request */
	request_entropy(vi);
	return 0;
}

/* virtrng_scan(): after DRIVER_OK */
static void virtrng_scan(struct virtio_device *vdev)
{
	struct virtrng_info *vi = vdev->priv;
	if (vi && !hwrng_register(vdev->dev.k, &vi->hwrng))
		vi->hwrng_register_done = true;
}

/* remove_common() */
static void virtrng_remove(struct virtio_device *vdev)
{
	struct virtrng_info *vi = vdev->priv;
	struct kernel *k = vdev->dev.k;
	if (!vi)
		return;
	vi->hwrng_removed = true;
	vi->data_avail = 0;
	vi->data_idx = 0;
	vi->have_data = true;
	vdev->config->set_status(vdev, 0);
	if (vi->hwrng_register_done)
		hwrng_unregister(k, &vi->hwrng);
	vdev->config->del_vqs(vdev);
	page_free(k->pages, vi->data_pa, PAGE_SIZE);
	free(vi);
	vdev->priv = NULL;
}

static void virtrng_release(struct virtio_device *vdev)
{
	free(vdev->priv);
	vdev->priv = NULL;
}

static const u32 rng_ids[] = { HW_VIRTIO_RNG, 0 };

struct virtio_driver virtio_rng_driver = {
	.driver = { .name = "virtio_rng", .bus = &virtio_bus },
	.ids = rng_ids,
	.probe = virtrng_probe,
	.scan = virtrng_scan,
	.remove = virtrng_remove,
	.release = virtrng_release,
};
