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
#include "hw/virtio_rng_dev.h"
#include "hw/virtio_scsi_dev.h"
#include "hw/gic.h"
#include "hw/pci_irq.h"
#include "hw/pci_msix.h"
#include "hw/system.h"
#include "hw/pci_rid.h"

#define F(b) BIT(b)

/* DEFINE_VIRTIO_COMMON_FEATURES of 7.2 (queue_reset is new in 7.2: off for virt-7.1 and older) */
static u64 common_features(const struct hw_virtio *hw, bool pci)
{
	u64 f = F(24) /* notify_on_empty */ | F(27) /* any_layout */ | F(28) /* indirect_desc */ |
		F(29) /* event_idx */;
	f &= ~hw->features_off;	/* the device's properties: notify_on_empty=off ... */
	if (!hw->no_queue_reset)
		f |= F(40);	/* queue_reset */
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

/*
 * msi_send_message(): the function writes the message through its bus-master
 * address space, which is the SMMU's whether or not its virtqueues bypass it
 * (QEMU: pci_dev->bus_master_as, not vdev->dma_as).
 */
static int vdev_msi_send(void *opaque, u64 addr, u32 data)
{
	struct vdev_hw *d = opaque;
	u8 b[4] = { (u8)data, (u8)(data >> 8), (u8)(data >> 16), (u8)(data >> 24) };
	if (!d->pci_fn)
		return -EFAULT;
	return hw_pci_dma(d->sys, d->pci_fn, addr, b, sizeof(b), true, false) ? -EFAULT : 0;
}

struct vdev_hw *vdev_hw_new(struct hw_system *sys, struct hw_virtio *hw, char *err, size_t errlen)
{
	struct vdev_hw *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->sys = sys;
	d->hw = hw;
	d->pci_fn = hw->pci_proxy;
	d->wired_intid = d->pci_fn ? hw_pci_intx_intid(d->pci_fn) : hw->mmio_intid;
	d->config_vector = VIRTIO_NO_VECTOR;
	d->host_features = common_features(hw, d->pci_fn != NULL);
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
	case HW_VIRTIO_SCSI:
		/* control, event, then the request queues */
		d->nqueues = MIN(MAX(hw->num_queues, 1u), (unsigned)VDEV_MAX_QUEUES - VIRTIO_SCSI_VQ_NUM_FIXED) +
			     VIRTIO_SCSI_VQ_NUM_FIXED;
		if (vdev_scsi_init(d, err, errlen)) {
			free(d);
			return NULL;
		}
		d->host_features = vdev_scsi_features(d, d->host_features);
		break;
	case HW_VIRTIO_RNG:
		d->nqueues = 1;
		if (vdev_rng_init(d)) {
			free(d);
			return NULL;
		}
		break;
	default:
		d->nqueues = 1;
		break;
	}
	/* the device type's own feature properties turned off (discard=off, ...) */
	d->host_features &= ~hw->features_off;
	d->vq = calloc(d->nqueues, sizeof(*d->vq));
	if (!d->vq) {
		vdev_hw_free(d);
		return NULL;
	}
	for (unsigned q = 0; q < d->nqueues; q++) {
		d->vq[q].num_max = (u16)(hw->queue_size ? hw->queue_size : 256);
		if (hw->id == HW_VIRTIO_NET && q == 2)
			d->vq[q].num_max = 64;
		/* virtio-mmio's QueueNumMax is VIRTQUEUE_MAX_SIZE for every queue the device has */
		if (!d->pci_fn)
			d->vq[q].num_max = VIRTQUEUE_MAX_SIZE;
		d->vq[q].notification = true;
		d->vq[q].vector = VIRTIO_NO_VECTOR;
	}
	if (d->pci_fn && d->pci_fn->msix)
		hw_msix_set_sender(d->pci_fn->msix, vdev_msi_send, d);
	return d;
}

/* msix_vector_unuse() of every vector the device uses (virtio_pci_reset) */
static void unuse_vectors(struct vdev_hw *d)
{
	struct hw_msix *m = d->pci_fn ? d->pci_fn->msix : NULL;
	if (!m)
		return;
	if (d->config_vector != VIRTIO_NO_VECTOR)
		hw_msix_vector_unuse(m, d->config_vector);
	for (unsigned q = 0; d->vq && q < d->nqueues; q++)
		if (d->vq[q].vector != VIRTIO_NO_VECTOR)
			hw_msix_vector_unuse(m, d->vq[q].vector);
}

void vdev_hw_free(struct vdev_hw *d)
{
	if (!d)
		return;
	unuse_vectors(d);
	if (d->pci_fn && d->pci_fn->msix && d->pci_fn->msix->send_opaque == d)
		hw_msix_set_sender(d->pci_fn->msix, NULL, NULL);
	vdev_blk_free(d);
	vdev_rng_free(d);
	vdev_scsi_free(d);
	free(d->vq);
	free(d);
}

void vdev_hw_reset(struct vdev_hw *d)
{
	unuse_vectors(d);
	for (unsigned q = 0; q < d->nqueues; q++) {
		u16 max = d->vq[q].num_max;
		memset(&d->vq[q], 0, sizeof(d->vq[q]));
		d->vq[q].num_max = max;
		d->vq[q].notification = true;
		d->vq[q].vector = VIRTIO_NO_VECTOR;
	}
	d->guest_features = 0;
	d->status = 0;
	d->isr = 0;
	d->config_vector = VIRTIO_NO_VECTOR;
	d->broken = false;
	d->error[0] = '\0';
	vdev_scsi_reset(d);
}

void vdev_hw_set_status(struct vdev_hw *d, u8 status)
{
	if (!status) {
		vdev_hw_reset(d);
		return;
	}
	d->status = status;
	/* virtio_rng_set_status(): "something changed, try to process buffers" */
	if (d->rng)
		vdev_rng_process(d);
}

/* msix_vector_unuse(old); msix_vector_use(new), or no vector when that fails */
static u16 set_vector(struct vdev_hw *d, u16 old, u16 vector)
{
	struct hw_msix *m = d->pci_fn ? d->pci_fn->msix : NULL;
	if (old != VIRTIO_NO_VECTOR)
		hw_msix_vector_unuse(m, old);
	if (vector == VIRTIO_NO_VECTOR || hw_msix_vector_use(m, vector))
		return VIRTIO_NO_VECTOR;
	return vector;
}

u16 vdev_hw_set_config_vector(struct vdev_hw *d, u16 vector)
{
	d->config_vector = set_vector(d, d->config_vector, vector);
	return d->config_vector;
}

u16 vdev_hw_set_queue_vector(struct vdev_hw *d, unsigned q, u16 vector)
{
	if (q >= d->nqueues)
		return VIRTIO_NO_VECTOR;
	d->vq[q].vector = set_vector(d, d->vq[q].vector, vector);
	return d->vq[q].vector;
}

u8 vdev_hw_isr_read(struct vdev_hw *d)
{
	/* virtio_pci_isr read: qatomic_xchg(&vdev->isr, 0), INTx deasserted */
	u8 isr = d->isr;
	d->isr = 0;
	return isr;
}

void vdev_hw_isr_ack(struct vdev_hw *d, u8 bits)
{
	d->isr &= (u8)~bits;
}

int virtio_notify(struct vdev_hw *d, int q)
{
	u16 vector = q < 0 ? d->config_vector : d->vq[q].vector;
	/* virtio_irq / virtio_notify_config */
	d->isr |= q < 0 ? VDEV_ISR_QUEUE | VDEV_ISR_CONFIG : VDEV_ISR_QUEUE;
	d->irq.raised++;
	struct hw_msix *m = d->pci_fn ? d->pci_fn->msix : NULL;
	if (hw_msix_enabled(m)) {
		/* virtio_pci_notify(): with MSI-X on, only a vector interrupts */
		if (vector == VIRTIO_NO_VECTOR) {
			d->irq.no_vector++;
			return 0;
		}
		int ret = hw_msix_notify(m, vector);
		if (ret == 1)
			d->irq.msi_pended++;
		else if (!ret || ret == -EFAULT)
			d->irq.msi_sent++;
		if (ret == -EFAULT) {
			d->irq.msi_faulted++;
			return -EFAULT;
		}
		return 0;
	}
	/* INTx (level, as the ISR), or virtio-mmio's line */
	struct hw_system *hw = d->sys;
	if (d->wired_intid && hw && hw->gic) {
		d->irq.intx++;
		hw_gic_raise_spi(hw->gic, d->wired_intid);
	}
	return 0;
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
	return !(d->guest_features & F(VDEV_F_ACCESS_PLATFORM)) && !(d->sys && d->sys->smmu_translate_all);
}

void vdev_hw_config_read(const struct vdev_hw *d, unsigned offset, void *buf, unsigned len)
{
	memset(buf, 0, len);
	if (d->blk && offset < VIRTIO_BLK_CFG_SIZE)
		memcpy(buf, d->blk->config + offset, MIN(len, VIRTIO_BLK_CFG_SIZE - offset));
	vdev_scsi_config_read(d, offset, buf, len);
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
	vq->signalled_used = 0;
	vq->signalled_used_valid = false;
	return 0;
}

void vdev_hw_queue_release(struct vdev_hw *d, unsigned q)
{
	if (q >= d->nqueues)
		return;
	struct vdev_queue *vq = &d->vq[q];
	vq->ready = false;
	vq->desc = vq->avail = vq->used = 0;
}

void vdev_hw_notify(struct vdev_hw *d, unsigned q)
{
	if (q >= d->nqueues)
		return;
	d->vq[q].kicks++;
	if (d->blk)
		vdev_blk_handle_output(d, q);
	else if (d->rng)
		vdev_rng_process(d);
	else if (d->scsi)
		vdev_scsi_handle_output(d, q);
}

int vdev_dma(struct vdev_hw *d, u64 addr, void *buf, size_t len, bool write)
{
	int ret;
	if (!d->sys)
		return -ENODEV;
	if (d->pci_fn)
		ret = hw_pci_dma(d->sys, d->pci_fn, addr, buf, len, write, vdev_hw_bypass_iommu(d));
	else if (write)	/* virt's virtio-mmio transports sit beside the SMMU, not behind it */
		ret = hw_phys_write(d->sys, addr, buf, len, 0);
	else
		ret = hw_phys_read(d->sys, addr, buf, len);
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
	virtqueue_push_nonotify(d, q, elem, len);
	virtio_notify_queue(d, q);
}

void virtqueue_push_nonotify(struct vdev_hw *d, unsigned q, const struct vdev_elem *elem, u32 len)
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
}

/* virtio_split_should_notify(): the driver's suppression, read through the device's DMA */
static bool should_notify(struct vdev_hw *d, struct vdev_queue *vq)
{
	if (!has_event_idx(d))
		return !(ring_lduw(d, vq->avail) & VRING_AVAIL_F_NO_INTERRUPT);
	bool v = vq->signalled_used_valid;
	u16 old = vq->signalled_used, new_idx = vq->used_idx;
	vq->signalled_used_valid = true;
	vq->signalled_used = new_idx;
	u16 event = ring_lduw(d, vq->avail + 4 + 2ULL * vq->num);
	return !v || (u16)(new_idx - event - 1) < (u16)(new_idx - old);
}

void virtio_notify_queue(struct vdev_hw *d, unsigned q)
{
	if (q < d->nqueues && should_notify(d, &d->vq[q]))
		virtio_notify(d, (int)q);
}

void virtqueue_get_avail_bytes(struct vdev_hw *d, unsigned q, unsigned *in, unsigned *out,
			       unsigned max_in, unsigned max_out)
{
	unsigned in_total = 0, out_total = 0;
	*in = *out = 0;
	if (q >= d->nqueues || !d->vq[q].ready || d->broken)
		return;
	struct vdev_queue *vq = &d->vq[q];
	u16 idx = vq->last_avail_idx, avail_idx = vring_avail_idx(d, vq);
	/* every available chain, as virtqueue_split_get_avail_bytes walks them */
	for (unsigned n = 0; idx != avail_idx && n < vq->num; idx++, n++) {
		u16 head = ring_lduw(d, vq->avail + 4 + 2ULL * (idx % vq->num));
		if (head >= vq->num)
			break;
		u64 table = vq->desc;
		unsigned max = vq->num, i = head, steps = 0;
		struct vring_desc_dev desc;
		desc_read(d, table, i, &desc);
		if (desc.flags & VRING_DESC_F_INDIRECT) {
			if (!desc.len || desc.len % 16)
				break;
			table = desc.addr;
			max = desc.len / 16;
			i = 0;
			desc_read(d, table, i, &desc);
		}
		for (;;) {
			if (desc.flags & VRING_DESC_F_WRITE)
				in_total += desc.len;
			else
				out_total += desc.len;
			if (in_total >= max_in && out_total >= max_out)
				goto done;
			if (!(desc.flags & VRING_DESC_F_NEXT) || desc.next >= max || ++steps >= max)
				break;
			i = desc.next;
			desc_read(d, table, i, &desc);
		}
	}
done:
	*in = MIN(in_total, max_in);
	*out = MIN(out_total, max_out);
}
