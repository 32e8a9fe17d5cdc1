/*
 * QEMU 7.2's split virtqueue, device side (hw/virtio/virtio.c): every ring
 * and buffer access is the device's own DMA, in the order QEMU makes them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "hw/virtqueue_dev.h"
#include "hw/virtio_blk_dev.h"
#include "drivers/device_dma.h"
#include "machine/machine.h"
#include "pci/pci.h"

#define F(b) BIT(b)

/* DEFINE_VIRTIO_COMMON_FEATURES of 7.2 (queue_reset is new in 7.2 and on for virt-7.2) */
static u64 common_features(const struct hw_virtio *hw, bool pci)
{
	u64 f = F(24) /* notify_on_empty */ | F(27) /* any_layout */ | F(28) /* indirect_desc */ |
		F(29) /* event_idx */ | F(40) /* queue_reset */;
	if (hw->iommu_platform)
		f |= F(33);
	/* virtio_pci_pre_plugged / virtio_mmio_pre_plugged: VERSION_1 for a modern interface */
	if (hw->modern)
		f |= F(32);
	/* virtio_pci_pre_plugged always adds BAD_FEATURE; modern reads mask it (legacy_features) */
	if (pci)
		f |= F(30);
	return f;
}

/* virtio_net_get_features() with a peer that has no vnet header (user or no netdev) */
static u64 net_features(u64 f)
{
	/* the on-by-default property bits */
	f |= F(0) | F(1) | F(2) | F(6) | F(7) | F(8) | F(9) | F(10) | F(11) | F(12) | F(13) | F(14) |
	     F(15) | F(16) | F(17) | F(18) | F(19) | F(20) | F(21) | F(23);
	f |= F(5);	/* VIRTIO_NET_F_MAC, always */
	/* !peer_has_vnet_hdr: no checksum/TSO/ECN/UFO offloads */
	f &= ~(F(0) | F(11) | F(12) | F(13) | F(1) | F(7) | F(8) | F(9) | F(10) | F(14));
	return f;
}

struct vdev_hw *vdev_hw_new(struct kernel *k, struct hw_virtio *hw, struct device *bus_master,
			    char *err, size_t errlen)
{
	struct vdev_hw *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->k = k;
	d->hw = hw;
	d->bus_master = bus_master;
	d->host_features = common_features(hw, bus_master && dev_is_pci(bus_master));
	switch (hw->id) {
	case HW_VIRTIO_BLK:
		d->nqueues = MIN(MAX(hw->num_queues, 1u), (unsigned)VDEV_MAX_QUEUES);
		/* err says why a drive did not open; the device then has no medium */
		if (vdev_blk_init(d, err, errlen)) {
			free(d);
			return NULL;
		}
		d->host_features = vdev_blk_features(d, d->host_features);
		break;
	case HW_VIRTIO_NET:
		d->nqueues = 3;		/* rx, tx, ctrl (CTRL_VQ) */
		d->host_features = net_features(d->host_features);
		break;
	default:
		d->nqueues = 1;
		break;
	}
	d->vq = calloc(d->nqueues, sizeof(*d->vq));
	if (!d->vq) {
		vdev_hw_free(d);
		return NULL;
	}
	for (unsigned q = 0; q < d->nqueues; q++) {
		d->vq[q].num_max = (u16)(hw->queue_size ? hw->queue_size : 256);
		if (hw->id == HW_VIRTIO_NET && q == 2)
			d->vq[q].num_max = 64;
		d->vq[q].notification = true;
	}
	return d;
}

void vdev_hw_free(struct vdev_hw *d)
{
	if (!d)
		return;
	vdev_blk_free(d);
	free(d->vq);
	free(d);
}

void vdev_hw_reset(struct vdev_hw *d)
{
	for (unsigned q = 0; q < d->nqueues; q++) {
		u16 max = d->vq[q].num_max;
		memset(&d->vq[q], 0, sizeof(d->vq[q]));
		d->vq[q].num_max = max;
		d->vq[q].notification = true;
	}
	d->guest_features = 0;
	d->status = 0;
	d->broken = false;
	d->error[0] = '\0';
}

u64 vdev_hw_device_features(const struct vdev_hw *d, bool legacy_iface)
{
	if (legacy_iface)
		return (u32)d->host_features;
	return d->host_features & ~F(30);
}

int vdev_hw_set_features(struct vdev_hw *d, u64 features)
{
	/* virtio_set_features_nocheck: bits the device does not have are refused */
	if (features & ~d->host_features)
		return -EINVAL;
	d->guest_features = features;
	return 0;
}

bool vdev_hw_bypass_iommu(const struct vdev_hw *d)
{
	const struct machine *m = d->k->machine;
	return !(d->guest_features & F(VDEV_F_ACCESS_PLATFORM)) && !(m && m->smmu_translate_all);
}

void vdev_hw_config_read(const struct vdev_hw *d, unsigned offset, void *buf, unsigned len)
{
	memset(buf, 0, len);
	if (d->blk && offset < VIRTIO_BLK_CFG_SIZE)
		memcpy(buf, d->blk->config + offset, MIN(len, VIRTIO_BLK_CFG_SIZE - offset));
}

int vdev_hw_queue_set(struct vdev_hw *d, unsigned q, u16 num, u64 desc, u64 avail, u64 used)
{
	if (q >= d->nqueues || !num || num > d->vq[q].num_max || (num & (num - 1)))
		return -EINVAL;
	struct vdev_queue *vq = &d->vq[q];
	vq->num = num;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->ready = true;
	vq->last_avail_idx = vq->shadow_avail_idx = vq->used_idx = vq->inuse = 0;
	return 0;
}

void vdev_hw_notify(struct vdev_hw *d, unsigned q)
{
	if (q >= d->nqueues)
		return;
	d->vq[q].kicks++;
	if (d->blk)
		vdev_blk_handle_output(d, q);
}

int vdev_dma(struct vdev_hw *d, u64 addr, void *buf, size_t len, bool write)
{
	if (!d->bus_master)
		return -ENODEV;
	int ret = device_dma(d->bus_master, addr, buf, len, write, vdev_hw_bypass_iommu(d));
	if (ret)
		d->dma_faults++;
	return ret;
}

void virtio_error(struct vdev_hw *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
	d->broken = true;
	/* a VERSION_1 device asks for a reset; a legacy one just stops */
	if (d->guest_features & F(VDEV_F_VERSION_1))
		d->status |= 0x40;
}

/* --- ring fields, through the device's DMA: a faulting read is 0, a faulting write is lost --- */

static u16 ring_lduw(struct vdev_hw *d, u64 addr)
{
	u8 b[2] = { 0, 0 };
	if (vdev_dma(d, addr, b, 2, false))
		return 0;
	return (u16)(b[0] | b[1] << 8);
}

static void ring_stw(struct vdev_hw *d, u64 addr, u16 v)
{
	u8 b[2] = { (u8)v, (u8)(v >> 8) };
	vdev_dma(d, addr, b, 2, true);
}

static void ring_stl(struct vdev_hw *d, u64 addr, u32 v)
{
	u8 b[4] = { (u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24) };
	vdev_dma(d, addr, b, 4, true);
}

static bool has_event_idx(const struct vdev_hw *d)
{
	return d->guest_features & F(VDEV_F_EVENT_IDX);
}

/* vring_avail_idx(): also refreshes the shadow */
static u16 vring_avail_idx(struct vdev_hw *d, struct vdev_queue *vq)
{
	vq->shadow_avail_idx = ring_lduw(d, vq->avail + 2);
	return vq->shadow_avail_idx;
}

void virtio_queue_set_notification(struct vdev_hw *d, unsigned q, bool enable)
{
	struct vdev_queue *vq = &d->vq[q];
	vq->notification = enable;
	if (!vq->ready)
		return;
	if (has_event_idx(d)) {
		/* vring_set_avail_event(vq, vring_avail_idx(vq)): written only while notifying */
		u16 idx = vring_avail_idx(d, vq);
		if (vq->notification)
			ring_stw(d, vq->used + 4 + 8ULL * vq->num, idx);
	} else {
		u16 flags = ring_lduw(d, vq->used);
		flags = enable ? (u16)(flags & ~VRING_USED_F_NO_NOTIFY) : (u16)(flags | VRING_USED_F_NO_NOTIFY);
		ring_stw(d, vq->used, flags);
	}
}

bool virtio_queue_empty(struct vdev_hw *d, unsigned q)
{
	struct vdev_queue *vq = &d->vq[q];
	if (d->broken || !vq->ready)
		return true;
	if (vq->shadow_avail_idx != vq->last_avail_idx)
		return false;
	return vring_avail_idx(d, vq) == vq->last_avail_idx;
}

struct vring_desc_dev {
	u64 addr;
	u32 len;
	u16 flags, next;
};

static void desc_read(struct vdev_hw *d, u64 table, unsigned i, struct vring_desc_dev *desc)
{
	u8 b[16];
	if (vdev_dma(d, table + 16ULL * i, b, 16, false))
		memset(b, 0, sizeof(b));
	desc->addr = 0;
	for (int j = 7; j >= 0; j--)
		desc->addr = desc->addr << 8 | b[j];
	desc->len = (u32)b[8] | (u32)b[9] << 8 | (u32)b[10] << 16 | (u32)b[11] << 24;
	desc->flags = (u16)(b[12] | b[13] << 8);
	desc->next = (u16)(b[14] | b[15] << 8);
}

void vdev_elem_release(struct vdev_elem *elem)
{
	if (!elem)
		return;
	free(elem->out_data);
	elem->out_data = NULL;
}

/* virtqueue_map_desc() for a device-readable buffer: the data is read now. */
static bool map_out(struct vdev_hw *d, struct vdev_elem *elem, const struct vring_desc_dev *desc)
{
	if (!desc->len) {
		virtio_error(d, "virtio: zero sized buffers are not allowed");
		return false;
	}
	if (elem->out_num == VIRTQUEUE_MAX_SIZE) {
		virtio_error(d, "virtio: too many write descriptors in indirect table");
		return false;
	}
	u8 *p = realloc(elem->out_data, elem->out_len + desc->len);
	if (!p) {
		virtio_error(d, "virtio: bogus descriptor or out of resources");
		return false;
	}
	elem->out_data = p;
	if (vdev_dma(d, desc->addr, p + elem->out_len, desc->len, false)) {
		virtio_error(d, "virtio: bogus descriptor or out of resources");
		return false;
	}
	elem->out[elem->out_num++] = (struct vdev_iov){ desc->addr, desc->len };
	elem->out_len += desc->len;
	return true;
}

/* A device-writable buffer: its translation is checked when the device writes it. */
static bool map_in(struct vdev_hw *d, struct vdev_elem *elem, const struct vring_desc_dev *desc)
{
	if (!desc->len) {
		virtio_error(d, "virtio: zero sized buffers are not allowed");
		return false;
	}
	if (elem->in_num == VIRTQUEUE_MAX_SIZE) {
		virtio_error(d, "virtio: too many write descriptors in indirect table");
		return false;
	}
	elem->in[elem->in_num++] = (struct vdev_iov){ desc->addr, desc->len };
	elem->in_len += desc->len;
	return true;
}

int virtqueue_pop(struct vdev_hw *d, unsigned q, struct vdev_elem *elem)
{
	if (q >= d->nqueues)
		return 0;
	struct vdev_queue *vq = &d->vq[q];
	/* the iov arrays are large: clear only the counts */
	elem->index = 0;
	elem->out_num = elem->in_num = 0;
	elem->out_len = elem->in_len = 0;
	elem->out_data = NULL;
	if (virtio_queue_empty(d, q))
		return 0;
	if (vq->inuse >= vq->num) {
		virtio_error(d, "Virtqueue size exceeded");
		return -EIO;
	}
	/* virtqueue_get_head() */
	u16 head = ring_lduw(d, vq->avail + 4 + 2ULL * (vq->last_avail_idx % vq->num));
	vq->last_avail_idx++;
	if (head >= vq->num) {
		virtio_error(d, "Guest says index %u is available", head);
		return -EIO;
	}
	if (has_event_idx(d) && vq->notification)
		ring_stw(d, vq->used + 4 + 8ULL * vq->num, vq->last_avail_idx);

	u64 table = vq->desc;
	unsigned max = vq->num, i = head, entries = 0;
	struct vring_desc_dev desc;
	desc_read(d, table, i, &desc);
	if (desc.flags & VRING_DESC_F_INDIRECT) {
		if (!desc.len || desc.len % 16) {
			virtio_error(d, "Invalid size for indirect buffer table");
			return -EIO;
		}
		table = desc.addr;
		max = desc.len / 16;
		i = 0;
		desc_read(d, table, i, &desc);
	}
	for (;;) {
		bool ok;
		if (desc.flags & VRING_DESC_F_WRITE) {
			ok = map_in(d, elem, &desc);
		} else if (elem->in_num) {
			virtio_error(d, "Incorrect order for descriptors");
			ok = false;
		} else {
			ok = map_out(d, elem, &desc);
		}
		if (ok && ++entries > max) {
			virtio_error(d, "Looped descriptor");
			ok = false;
		}
		if (!ok) {
			vdev_elem_release(elem);
			return -EIO;
		}
		if (!(desc.flags & VRING_DESC_F_NEXT))
			break;
		if (desc.next >= max) {
			virtio_error(d, "Desc next is %u", desc.next);
			vdev_elem_release(elem);
			return -EIO;
		}
		i = desc.next;
		desc_read(d, table, i, &desc);
	}
	elem->index = head;
	vq->inuse++;
	vq->popped++;
	return 1;
}

int vdev_elem_write(struct vdev_hw *d, const struct vdev_elem *elem, size_t offset,
		    const void *buf, size_t len)
{
	const u8 *p = buf;
	for (unsigned i = 0; i < elem->in_num && len; i++) {
		const struct vdev_iov *iov = &elem->in[i];
		if (offset >= iov->len) {
			offset -= iov->len;
			continue;
		}
		size_t n = MIN(len, iov->len - offset);
		if (vdev_dma(d, iov->addr + offset, (void *)p, n, true))
			return -EFAULT;
		p += n;
		len -= n;
		offset = 0;
	}
	return len ? -EINVAL : 0;
}

void virtqueue_push(struct vdev_hw *d, unsigned q, const struct vdev_elem *elem, u32 len)
{
	struct vdev_queue *vq = &d->vq[q];
	/* virtqueue_fill + virtqueue_flush */
	u64 slot = vq->used + 4 + 8ULL * (vq->used_idx % vq->num);
	ring_stl(d, slot, elem->index);
	ring_stl(d, slot + 4, len);
	vq->used_idx++;
	ring_stw(d, vq->used + 2, vq->used_idx);
	vq->inuse--;
	vq->pushed++;
	/* virtio_notify -> virtio_should_notify reads the driver's suppression */
	bool notify;
	if (has_event_idx(d)) {
		u16 event = ring_lduw(d, vq->avail + 4 + 2ULL * vq->num);
		u16 new_idx = vq->used_idx, old = (u16)(new_idx - 1);
		notify = (u16)(new_idx - event - 1) < (u16)(new_idx - old);
	} else {
		notify = !(ring_lduw(d, vq->avail) & VRING_AVAIL_F_NO_INTERRUPT);
	}
	if (notify)
		d->isr++;
}
