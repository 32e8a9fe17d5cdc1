/*
 * The split virtqueue, driver side (drivers/virtio/virtio_ring.c, 6.1).
 * With the DMA API (vring_use_dma_api) the ring comes from
 * dma_alloc_coherent() on the transport device and every buffer is
 * dma_map_page()d there; without it the ring is plain zeroed guest pages
 * and descriptors carry physical addresses.
 */
#ifndef IOMMUSIM_DRIVERS_VIRTIO_RING_H
#define IOMMUSIM_DRIVERS_VIRTIO_RING_H

#include "drivers/virtio.h"

/* One buffer handed to virtqueue_add_sgs: guest-physical, CPU side. */
struct vring_sg {
	u64 phys;
	u32 length;
};

/* vring_size(): descriptors, avail ring (+used_event), padding to align, used ring (+avail_event) */
static inline u64 vring_size(unsigned num, unsigned long align)
{
	return ALIGN_UP(16ULL * num + 2ULL * (3 + num), align) + 2ULL * 3 + 8ULL * num;
}

/* What the driver remembers to unmap a descriptor (desc_extra). */
struct vring_desc_extra {
	u64 addr;
	u32 len;
	u16 flags, next;
};

struct vring_desc_state {
	void *data;			/* NULL: free */
	u64 indir_pa, indir_dma;	/* the indirect table, when used */
	unsigned indir_num;
	struct vring_desc_extra *indir_extra;	/* the table's entries, for unmapping */
	u16 ndescs;
};

struct virtqueue {
	struct virtio_device *vdev;
	unsigned index;
	unsigned num;
	bool use_dma_api;
	bool indirect, event, weak_barriers;
	struct device *dma_dev;		/* vdev->dev.parent */
	u64 ring_pa, ring_dma;		/* CPU and device addresses of the ring */
	u64 ring_bytes;			/* allocated size */
	unsigned long align;
	u64 desc_pa, avail_pa, used_pa;	/* CPU side */
	u64 desc_dma, avail_dma, used_dma;	/* what the device is told */
	u16 free_head, num_free, avail_idx_shadow, last_used_idx;
	unsigned num_added;
	bool broken;
	struct vring_desc_state *desc_state;
	struct vring_desc_extra *desc_extra;
	/* the transport's notify (vp_notify / vm_notify) */
	bool (*notify)(struct virtqueue *vq);
	vq_callback_t *callback;	/* the driver's, run by vring_interrupt() */
	char name[32];
	u16 msix_vector;		/* virtio-pci: its vector, VIRTIO_MSI_NO_VECTOR when none */
	u64 kicks, map_errors;
	u64 interrupts;			/* vring_interrupt() calls that found used buffers */
};

#define VIRTIO_MSI_NO_VECTOR 0xffff

/*
 * vring_create_virtqueue(): num entries (a power of two), ring aligned to
 * align, on vdev's transport. NULL when the ring cannot be allocated.
 */
struct virtqueue *vring_create_virtqueue(unsigned index, unsigned num, unsigned long align,
					 struct virtio_device *vdev,
					 bool (*notify)(struct virtqueue *vq));
void vring_del_virtqueue(struct virtqueue *vq);

/*
 * virtqueue_add_sgs(): out_sgs device-readable then in_sgs device-writable
 * buffers, one descriptor chain (indirect when negotiated and more than one
 * buffer). 0, -ENOSPC (ring full), -ENOMEM (a mapping failed: nothing left
 * mapped), -EIO (broken), -EINVAL (bad arguments).
 */
int virtqueue_add_sgs(struct virtqueue *vq, const struct vring_sg *sgs, unsigned out_sgs,
		      unsigned in_sgs, void *data);
/* virtqueue_kick(): notify unless the device suppressed it; true when notified */
bool virtqueue_kick(struct virtqueue *vq);
/* virtqueue_get_buf(): the next used buffer's data and *len, unmapped; NULL when none */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);
/*
 * vring_interrupt(): the queue's interrupt arrived: when the device used
 * buffers, the callback runs and true is returned (IRQ_HANDLED); false
 * when there was nothing (IRQ_NONE).
 */
bool vring_interrupt(struct virtqueue *vq);
/* virtqueue_add_inbuf(): one device-writable buffer */
static inline int virtqueue_add_inbuf(struct virtqueue *vq, const struct vring_sg *sg, void *data)
{
	return virtqueue_add_sgs(vq, sg, 0, 1, data);
}

/* The vring's dma device (vring_dma_dev) */
static inline struct device *vring_dma_dev(const struct virtqueue *vq)
{
	return vq->dma_dev;
}

#endif
