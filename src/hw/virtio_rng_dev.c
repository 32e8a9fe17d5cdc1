/*
 * virtio-rng, device side: is_guest_ready(), get_request_size() over the
 * available buffers, then chr_read() as the backend answers: pop, copy,
 * push each element, one virtio_notify() at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include "hw/virtio_rng_dev.h"

int vdev_rng_init(struct vdev_hw *d)
{
	struct vdev_rng *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	/* a seed per device, so two devices do not hand out the same bytes */
	r->state = 0x9e3779b97f4a7c15ULL ^ (u64)d->hw->id << 32 ^ (u64)(uintptr_t)d->hw->pci_proxy;
	if (!r->state)
		r->state = 1;
	d->rng = r;
	return 0;
}

void vdev_rng_free(struct vdev_hw *d)
{
	free(d->rng);
	d->rng = NULL;
}

/* xorshift64*: the stand-in for qemu_guest_getrandom() */
static u8 next_byte(struct vdev_rng *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return (u8)((r->state * 0x2545f4914f6cdd1dULL) >> 56);
}

static bool guest_ready(const struct vdev_hw *d)
{
	return d->nqueues && d->vq[0].ready && (d->status & VDEV_S_DRIVER_OK);
}

void vdev_rng_process(struct vdev_hw *d)
{
	struct vdev_rng *r = d->rng;
	if (!r || !guest_ready(d) || d->broken)
		return;
	/* the default quota (max-bytes) is unlimited: ask for everything available */
	unsigned in, out;
	virtqueue_get_avail_bytes(d, 0, &in, &out, 0xffffffffu, 0);
	if (!in)
		return;
	r->requests++;
	/* rng-builtin answers (a bottom half in QEMU; here at once): chr_read() */
	u8 *buf = malloc(in);
	if (!buf)
		return;
	for (unsigned i = 0; i < in; i++)
		buf[i] = next_byte(r);
	struct vdev_elem *elem = malloc(sizeof(*elem));
	size_t offset = 0;
	while (elem && offset < in) {
		if (virtqueue_pop(d, 0, elem) <= 0)
			break;
		/* iov_from_buf(): as much as the element's writable buffers take */
		size_t len = MIN(elem->in_len, (size_t)in - offset);
		if (len && vdev_elem_write(d, elem, 0, buf + offset, len)) {
			/* the buffer could not be mapped for writing */
			virtio_error(d, "virtio: bogus descriptor or out of resources");
			vdev_elem_release(elem);
			d->vq[0].inuse--;
			break;
		}
		offset += len;
		r->bytes += len;
		virtqueue_push_nonotify(d, 0, elem, (u32)len);
		vdev_elem_release(elem);
	}
	free(elem);
	free(buf);
	virtio_notify_queue(d, 0);
	/* more buffers than the answer filled: ask the backend again */
	if (!virtio_queue_empty(d, 0) && offset)
		vdev_rng_process(d);
}
