/*
 * Split virtqueues, driver side (Linux 6.1 drivers/virtio/virtio_ring.c).
 * The CPU writes the ring through guest physical memory; the addresses it
 * writes into descriptors (and tells the device for the rings) are DMA
 * addresses from the DMA API, or physical addresses without it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virtio_ring.h"
#include "base/page_alloc.h"
#include "dma/mapping.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

bool vring_use_dma_api(const struct virtio_device *vdev)
{
	/* 6.1: only !virtio_has_dma_quirk (ACCESS_PLATFORM) or a Xen guest, never here */
	return !virtio_has_dma_quirk(vdev);
}

size_t virtio_max_dma_size(struct virtio_device *vdev)
{
	size_t max_segment_size = SIZE_MAX;
	if (vring_use_dma_api(vdev))
		max_segment_size = dma_max_mapping_size(vdev->dev.parent);
	return max_segment_size;
}

void vring_transport_features(struct virtio_device *vdev)
{
	for (unsigned i = VIRTIO_TRANSPORT_F_START; i < VIRTIO_TRANSPORT_F_END; i++) {
		switch (i) {
		case VIRTIO_RING_F_INDIRECT_DESC:
		case VIRTIO_RING_F_EVENT_IDX:
		case VIRTIO_F_VERSION_1:
		case VIRTIO_F_ACCESS_PLATFORM:
		case VIRTIO_F_RING_PACKED:
		case VIRTIO_F_ORDER_PLATFORM:
			break;
		default:
			/* a bit the ring does not understand */
			vdev->features &= ~BIT(i);
		}
	}
}

static struct guest_mem *vq_mem(const struct virtqueue *vq)
{
	return ((struct hw_system *)vq->vdev->dev.k->hw)->mem;
}

static void cpu_w16(struct virtqueue *vq, u64 pa, u16 v)
{
	u8 b[2] = { (u8)v, (u8)(v >> 8) };
	guest_mem_write(vq_mem(vq), pa, b, 2);
}

static u16 cpu_r16(struct virtqueue *vq, u64 pa)
{
	u8 b[2] = { 0, 0 };
	guest_mem_read(vq_mem(vq), pa, b, 2);
	return (u16)(b[0] | b[1] << 8);
}

static u32 cpu_r32(struct virtqueue *vq, u64 pa)
{
	u8 b[4] = { 0 };
	guest_mem_read(vq_mem(vq), pa, b, 4);
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static void cpu_wdesc(struct virtqueue *vq, u64 pa, u64 addr, u32 len, u16 flags, u16 next)
{
	u8 b[16];
	for (int i = 0; i < 8; i++)
		b[i] = (u8)(addr >> (8 * i));
	for (int i = 0; i < 4; i++)
		b[8 + i] = (u8)(len >> (8 * i));
	b[12] = (u8)flags;
	b[13] = (u8)(flags >> 8);
	b[14] = (u8)next;
	b[15] = (u8)(next >> 8);
	guest_mem_write(vq_mem(vq), pa, b, 16);
}

/* vring_alloc_queue(): coherent DMA memory, or zeroed pages addressed by PA */
static u64 vring_alloc_queue(struct virtio_device *vdev, bool dma_api, u64 size, u64 *dma)
{
	struct kernel *k = vdev->dev.k;
	u64 pa;
	if (dma_api) {
		pa = dma_alloc_coherent(vdev->dev.parent, size, dma);
	} else {
		pa = page_alloc(k->pages, ALIGN_UP(size, PAGE_SIZE));
		*dma = pa;
	}
	if (pa)
		guest_mem_fill(k->hw->mem, pa, 0, size);
	return pa;
}

static void vring_free_queue(struct virtio_device *vdev, bool dma_api, u64 size, u64 pa, u64 dma)
{
	if (dma_api)
		dma_free_coherent(vdev->dev.parent, size, pa, dma);
	else
		page_free(vdev->dev.k->pages, pa, ALIGN_UP(size, PAGE_SIZE));
}

struct virtqueue *vring_create_virtqueue(unsigned index, unsigned num, unsigned long align,
					 struct virtio_device *vdev,
					 bool (*notify)(struct virtqueue *vq))
{
	if (!vdev || !num || num > 32768 || (num & (num - 1)) || !align || (align & (align - 1)))
		return NULL;
	struct virtqueue *vq = calloc(1, sizeof(*vq));
	if (!vq)
		return NULL;
	vq->desc_state = calloc(num, sizeof(*vq->desc_state));
	vq->desc_extra = calloc(num, sizeof(*vq->desc_extra));
	if (!vq->desc_state || !vq->desc_extra)
		goto fail;
	vq->vdev = vdev;
	vq->index = index;
	vq->num = num;
	vq->align = align;
	vq->use_dma_api = vring_use_dma_api(vdev);
	vq->dma_dev = vdev->dev.parent;
	vq->indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	vq->event = virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX);
	vq->weak_barriers = true;
	vq->notify = notify;
	vq->msix_vector = VIRTIO_MSI_NO_VECTOR;
	vq->ring_bytes = vring_size(num, align);
	vq->ring_pa = vring_alloc_queue(vdev, vq->use_dma_api, vq->ring_bytes, &vq->ring_dma);
	if (!vq->ring_pa)
		goto fail;
	/* vring_init(): desc, then avail (+used_event), then used aligned */
	u64 avail_off = 16ULL * num;
	u64 used_off = ALIGN_UP(avail_off + 2ULL * (3 + num), align);
	vq->desc_pa = vq->ring_pa;
	vq->avail_pa = vq->ring_pa + avail_off;
	vq->used_pa = vq->ring_pa + used_off;
	vq->desc_dma = vq->ring_dma;
	vq->avail_dma = vq->ring_dma + avail_off;
	vq->used_dma = vq->ring_dma + used_off;
	vq->num_free = (u16)num;
	vq->free_head = 0;
	for (unsigned i = 0; i < num - 1; i++)
		vq->desc_extra[i].next = (u16)(i + 1);
	return vq;
fail:
	free(vq->desc_state);
	free(vq->desc_extra);
	free(vq);
	return NULL;
}

static void unmap_extra(struct virtqueue *vq, const struct vring_desc_extra *e)
{
	if (!vq->use_dma_api)
		return;
	if (e->flags & VRING_DESC_F_INDIRECT)
		dma_unmap_single(vring_dma_dev(vq), e->addr, e->len, DMA_TO_DEVICE);
	else
		dma_unmap_page_attrs(vring_dma_dev(vq), e->addr, e->len,
				     (e->flags & VRING_DESC_F_WRITE) ? DMA_FROM_DEVICE : DMA_TO_DEVICE, 0);
}

/* vring_map_one_sg(): dma_map_page on the transport, or the physical address */
static u64 vring_map_one_sg(struct virtqueue *vq, const struct vring_sg *sg, enum dma_data_direction dir)
{
	if (!vq->use_dma_api)
		return sg->phys;
	return dma_map_page_attrs(vring_dma_dev(vq), sg->phys, sg->length, dir, 0);
}

int virtqueue_add_sgs(struct virtqueue *vq, const struct vring_sg *sgs, unsigned out_sgs,
		      unsigned in_sgs, void *data)
{
	unsigned total = out_sgs + in_sgs;
	if (!vq || !sgs || !data || !total || total > VIRTQUEUE_MAX_SIZE)
		return -EINVAL;
	for (unsigned n = 0; n < total; n++)
		if (!sgs[n].length)
			return -EINVAL;
	if (vq->broken)
		return -EIO;
	struct kernel *k = vq->vdev->dev.k;
	u16 head = vq->free_head;
	bool indirect = vq->indirect && total > 1 && vq->num_free;
	struct vring_desc_extra *ind = NULL;
	u64 ind_pa = 0, ind_dma = 0, ind_bytes = 16ULL * total;
	if (indirect) {
		/* alloc_indirect_split(): kmalloc'd, so ordinary RAM */
		ind = calloc(total, sizeof(*ind));
		ind_pa = ind ? page_alloc(k->pages, ALIGN_UP(ind_bytes, PAGE_SIZE)) : 0;
		if (!ind_pa) {
			free(ind);
			ind = NULL;
			indirect = false;
		}
	}
	unsigned descs_used = indirect ? 1 : total;
	if (vq->num_free < descs_used) {
		if (out_sgs)
			vq->notify(vq);
		if (indirect) {
			page_free(k->pages, ind_pa, ALIGN_UP(ind_bytes, PAGE_SIZE));
			free(ind);
		}
		return -ENOSPC;
	}
	/* map every buffer first, so a failure leaves nothing mapped */
	u64 *addr = malloc(total * sizeof(*addr));
	if (!addr) {
		if (indirect) {
			page_free(k->pages, ind_pa, ALIGN_UP(ind_bytes, PAGE_SIZE));
			free(ind);
		}
		return -ENOMEM;
	}
	unsigned mapped = 0;
	for (; mapped < total; mapped++) {
		enum dma_data_direction dir = mapped < out_sgs ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
		addr[mapped] = vring_map_one_sg(vq, &sgs[mapped], dir);
		if (addr[mapped] == DMA_MAPPING_ERROR)
			break;
	}
	if (mapped == total && indirect) {
		/* fill the table, then vring_map_single() it (a bounce copies it now) */
		for (unsigned n = 0; n < total; n++) {
			u16 flags = (u16)((n < out_sgs ? 0 : VRING_DESC_F_WRITE) |
					  (n + 1 < total ? VRING_DESC_F_NEXT : 0));
			cpu_wdesc(vq, ind_pa + 16ULL * n, addr[n], sgs[n].length, flags, (u16)(n + 1));
			ind[n] = (struct vring_desc_extra){ addr[n], sgs[n].length, flags, (u16)(n + 1) };
		}
		ind_dma = vq->use_dma_api ? dma_map_single(vring_dma_dev(vq), ind_pa, ind_bytes, DMA_TO_DEVICE)
					  : ind_pa;
		if (ind_dma == DMA_MAPPING_ERROR)
			mapped = total + 1;
	}
	if (mapped != total) {
		/* unmap_release: every buffer mapped so far */
		for (unsigned n = 0; n < MIN(mapped, total); n++) {
			struct vring_desc_extra e = { addr[n], sgs[n].length,
						      (u16)(n < out_sgs ? 0 : VRING_DESC_F_WRITE), 0 };
			unmap_extra(vq, &e);
		}
		if (indirect) {
			page_free(k->pages, ind_pa, ALIGN_UP(ind_bytes, PAGE_SIZE));
			free(ind);
		}
		free(addr);
		vq->map_errors++;
		return -ENOMEM;
	}
	u16 i = head;
	for (unsigned n = 0; n < total && !indirect; n++) {
		u16 flags = (u16)((n < out_sgs ? 0 : VRING_DESC_F_WRITE) | (n + 1 < total ? VRING_DESC_F_NEXT : 0));
		{
			u16 next = vq->desc_extra[i].next;
			cpu_wdesc(vq, vq->desc_pa + 16ULL * i, addr[n], sgs[n].length, flags, next);
			vq->desc_extra[i].addr = addr[n];
			vq->desc_extra[i].len = sgs[n].length;
			vq->desc_extra[i].flags = flags;
			i = next;
		}
	}
	free(addr);
	if (indirect) {
		cpu_wdesc(vq, vq->desc_pa + 16ULL * head, ind_dma, (u32)ind_bytes, VRING_DESC_F_INDIRECT,
			  vq->desc_extra[head].next);
		vq->desc_extra[head].addr = ind_dma;
		vq->desc_extra[head].len = (u32)ind_bytes;
		vq->desc_extra[head].flags = VRING_DESC_F_INDIRECT;
		vq->free_head = vq->desc_extra[head].next;
		vq->desc_state[head].indir_pa = ind_pa;
		vq->desc_state[head].indir_dma = ind_dma;
		vq->desc_state[head].indir_num = total;
		/* the table's own descriptors, for unmapping at detach */
		vq->desc_state[head].indir_extra = ind;
		vq->desc_state[head].data = data;
		vq->desc_state[head].ndescs = 1;
	} else {
		vq->free_head = i;
		vq->desc_state[head].data = data;
		vq->desc_state[head].ndescs = (u16)total;
	}
	vq->num_free = (u16)(vq->num_free - descs_used);
	/* put the head in the avail ring, then publish the new index */
	u16 slot = vq->avail_idx_shadow & (u16)(vq->num - 1);
	cpu_w16(vq, vq->avail_pa + 4 + 2ULL * slot, head);
	vq->avail_idx_shadow++;
	cpu_w16(vq, vq->avail_pa + 2, vq->avail_idx_shadow);
	vq->num_added++;
	return 0;
}

static bool vring_need_event(u16 event_idx, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event_idx - 1) < (u16)(new_idx - old);
}

bool virtqueue_kick(struct virtqueue *vq)
{
	if (!vq || vq->broken)
		return false;
	/* virtqueue_kick_prepare_split() */
	u16 new_idx = vq->avail_idx_shadow, old = (u16)(new_idx - vq->num_added);
	vq->num_added = 0;
	bool needs_kick;
	if (vq->event)
		needs_kick = vring_need_event(cpu_r16(vq, vq->used_pa + 4 + 8ULL * vq->num), new_idx, old);
	else
		needs_kick = !(cpu_r16(vq, vq->used_pa) & VRING_USED_F_NO_NOTIFY);
	if (!needs_kick)
		return false;
	vq->kicks++;
	if (!vq->notify(vq)) {
		vq->broken = true;
		return false;
	}
	return true;
}

/* detach_buf_split(): unmap the chain (and the indirect table), free the descriptors */
static void detach_buf_split(struct virtqueue *vq, u16 head)
{
	struct vring_desc_state *st = &vq->desc_state[head];
	struct kernel *k = vq->vdev->dev.k;
	u16 i = head;
	st->data = NULL;
	while (vq->desc_extra[i].flags & VRING_DESC_F_NEXT) {
		unmap_extra(vq, &vq->desc_extra[i]);
		i = vq->desc_extra[i].next;
		vq->num_free++;
	}
	unmap_extra(vq, &vq->desc_extra[i]);
	vq->desc_extra[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free++;
	if (st->indir_extra) {
		for (unsigned j = 0; j < st->indir_num; j++)
			unmap_extra(vq, &st->indir_extra[j]);
		page_free(k->pages, st->indir_pa, ALIGN_UP(16ULL * st->indir_num, PAGE_SIZE));
		free(st->indir_extra);
		st->indir_extra = NULL;
		st->indir_pa = st->indir_dma = 0;
		st->indir_num = 0;
	}
	for (u16 j = head;; j = vq->desc_extra[j].next) {
		bool more = vq->desc_extra[j].flags & VRING_DESC_F_NEXT;
		vq->desc_extra[j].flags = 0;
		if (!more)
			break;
	}
}

void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
	if (!vq || vq->broken)
		return NULL;
	/* more_used_split() */
	if (vq->last_used_idx == cpu_r16(vq, vq->used_pa + 2))
		return NULL;
	u16 slot = vq->last_used_idx & (u16)(vq->num - 1);
	u32 id = cpu_r32(vq, vq->used_pa + 4 + 8ULL * slot);
	u32 l = cpu_r32(vq, vq->used_pa + 8 + 8ULL * slot);
	if (id >= vq->num) {
		dev_err(&vq->vdev->dev, "req.%u:id %u out of range\n", vq->index, id);
		vq->broken = true;
		return NULL;
	}
	void *data = vq->desc_state[id].data;
	if (!data) {
		dev_err(&vq->vdev->dev, "req.%u:id %u is not a head!\n", vq->index, id);
		vq->broken = true;
		return NULL;
	}
	detach_buf_split(vq, (u16)id);
	vq->last_used_idx++;
	/* callbacks enabled: tell the device where the next interrupt is wanted */
	cpu_w16(vq, vq->avail_pa + 4 + 2ULL * vq->num, vq->last_used_idx);
	if (len)
		*len = l;
	return data;
}

bool vring_interrupt(struct virtqueue *vq)
{
	/* more_used(): the device moved the used index past what the driver took */
	if (!vq || vq->last_used_idx == cpu_r16(vq, vq->used_pa + 2))
		return false;
	if (vq->broken)
		return false;
	vq->interrupts++;
	if (vq->callback)
		vq->callback(vq);
	return true;
}

/* free the host side of a queue: no device access, no DMA API */
static void vring_free_host(struct virtqueue *vq)
{
	for (unsigned j = 0; j < vq->num; j++)
		free(vq->desc_state[j].indir_extra);
	free(vq->desc_state);
	free(vq->desc_extra);
	free(vq);
}

void vring_del_virtqueue(struct virtqueue *vq)
{
	if (!vq)
		return;
	for (unsigned i = 0; i < vq->num; i++) {
		if (vq->desc_state[i].indir_extra) {
			page_free(vq->vdev->dev.k->pages, vq->desc_state[i].indir_pa,
				  ALIGN_UP(16ULL * vq->desc_state[i].indir_num, PAGE_SIZE));
			free(vq->desc_state[i].indir_extra);
		}
	}
	vring_free_queue(vq->vdev, vq->use_dma_api, vq->ring_bytes, vq->ring_pa, vq->ring_dma);
	free(vq->desc_state);
	free(vq->desc_extra);
	free(vq);
}

/* --- what virtio-pci and virtio-mmio share --- */

static bool vring_notify_device(struct virtqueue *vq)
{
	struct vdev_hw *d = vq->vdev->vhw;
	if (!d)
		return false;
	vdev_hw_notify(d, vq->index);
	return true;
}

u8 virtio_transport_get_status(struct virtio_device *vdev)
{
	return vdev->vhw ? vdev->vhw->status : 0;
}

void virtio_transport_set_status(struct virtio_device *vdev, u8 status)
{
	if (vdev->vhw)
		vdev_hw_set_status(vdev->vhw, status);
}

void virtio_transport_get(struct virtio_device *vdev, unsigned offset, void *buf, unsigned len)
{
	if (vdev->vhw)
		vdev_hw_config_read(vdev->vhw, offset, buf, len);
	else
		memset(buf, 0, len);
}

void virtio_transport_del_vqs(struct virtio_device *vdev)
{
	for (unsigned i = 0; i < vdev->nvqs; i++) {
		if (vdev->vhw)
			vdev_hw_queue_release(vdev->vhw, vdev->vqs[i]->index);
		vring_del_virtqueue(vdev->vqs[i]);
	}
	free(vdev->vqs);
	vdev->vqs = NULL;
	vdev->nvqs = 0;
}

void virtio_release_vqs(struct virtio_device *vdev)
{
	for (unsigned i = 0; i < vdev->nvqs; i++)
		vring_free_host(vdev->vqs[i]);
	free(vdev->vqs);
	vdev->vqs = NULL;
	vdev->nvqs = 0;
}

int virtio_transport_vqs_begin(struct virtio_device *vdev, unsigned nvqs)
{
	free(vdev->vqs);
	vdev->nvqs = 0;
	vdev->vqs = calloc(nvqs ? nvqs : 1, sizeof(*vdev->vqs));
	return vdev->vqs ? 0 : -ENOMEM;
}

struct virtqueue *virtio_transport_setup_vq(struct virtio_device *vdev, unsigned index,
					    vq_callback_t *callback, const char *name,
					    unsigned long align, bool legacy, int *err)
{
	struct vdev_hw *d = vdev->vhw;
	if (!d || index >= d->nqueues || !vdev->vqs) {
		*err = -ENOENT;
		return NULL;
	}
	struct vdev_queue *q = &d->vq[index];
	unsigned num = q->num_max;
	/* setup_vq(): a queue the device does not have, or one already enabled */
	if (!num || q->ready) {
		*err = -ENOENT;
		return NULL;
	}
	struct virtqueue *vq = vring_create_virtqueue(index, num, align, vdev, vring_notify_device);
	if (!vq) {
		*err = -ENOMEM;
		return NULL;
	}
	vq->callback = callback;
	snprintf(vq->name, sizeof(vq->name), "%s", name ? name : "");
	u64 desc = vq->desc_dma, avail = vq->avail_dma, used = vq->used_dma;
	if (legacy) {
		u64 pfn = desc >> PAGE_SHIFT;
		if (pfn >> 32) {
			vring_del_virtqueue(vq);
			*err = -E2BIG;
			return NULL;
		}
		/* virtio_queue_update_rings(): the device lays the ring out from the PFN */
		desc = pfn << PAGE_SHIFT;
		avail = desc + 16ULL * num;
		used = ALIGN_UP(avail + 4 + 2ULL * num, align);
	}
	if (vdev_hw_queue_set(d, index, (u16)num, desc, avail, used)) {
		vring_del_virtqueue(vq);
		*err = -EINVAL;
		return NULL;
	}
	vdev->vqs[vdev->nvqs++] = vq;
	return vq;
}

void virtio_config_changed(struct virtio_device *vdev)
{
	struct virtio_driver *drv = (struct virtio_driver *)vdev->dev.driver;
	if (drv && drv->config_changed)
		drv->config_changed(vdev);
}

struct virtqueue *virtio_find_single_vq(struct virtio_device *vdev, vq_callback_t *callback,
					const char *name, int *err)
{
	struct virtqueue *vq = NULL;
	vq_callback_t *callbacks[] = { callback };
	const char *const names[] = { name };
	*err = vdev->config->find_vqs(vdev, 1, &vq, callbacks, names);
	return *err ? NULL : vq;
}
