/*
 * The device side of virtio (QEMU 7.2 hw/virtio/virtio.c): host features,
 * the split virtqueues as the device reads them (virtqueue_pop/push), and
 * every access to descriptors, rings and buffers made as the device's own
 * DMA (hw_pci_dma for a virtio-pci function). QEMU gives a device without VIRTIO_F_ACCESS_PLATFORM the
 * plain memory address space; with it, the IOMMU's (here: the SMMU).
 *
 * A DMA that faults behaves as in QEMU: a ring read through a faulting
 * IOMMU returns 0 (the unassigned region), a ring write is dropped, and a
 * buffer that cannot be mapped is virtio_error() ("virtio: bogus descriptor
 * or out of resources"): the device is broken and the element never used.
 */
#ifndef IOMMUSIM_HW_VIRTQUEUE_DEV_H
#define IOMMUSIM_HW_VIRTQUEUE_DEV_H

#include "hw/system.h"
#include "machine/hw_pci.h"

#define VDEV_MAX_QUEUES 1024		/* VIRTIO_QUEUE_MAX */
#define VIRTQUEUE_MAX_SIZE 1024

/* struct vring_desc flags */
/* transport feature bits the device side looks at (virtio spec numbers) */
#define VDEV_F_ANY_LAYOUT 27
#define VDEV_F_EVENT_IDX 29
#define VDEV_F_VERSION_1 32
#define VDEV_F_ACCESS_PLATFORM 33

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_USED_F_NO_NOTIFY 1
#define VRING_AVAIL_F_NO_INTERRUPT 1

#define VIRTIO_NO_VECTOR 0xffff		/* VIRTIO_MSI_NO_VECTOR */
#define VDEV_ISR_QUEUE 1		/* ISR status bits */
#define VDEV_ISR_CONFIG 2
#define VDEV_S_DRIVER_OK 4		/* device status bit */

struct vdev_queue {
	u16 num_max;			/* QUEUE_NUM_MAX (queue-size) */
	u16 num;			/* what the driver set */
	u64 desc, avail, used;		/* device-side addresses (IOVA or PA) */
	bool ready;
	bool notification;		/* vq->notification */
	u16 vector;			/* its MSI-X vector, VIRTIO_NO_VECTOR when none */
	u16 signalled_used;		/* used index at the last notification decision */
	bool signalled_used_valid;
	u16 last_avail_idx, shadow_avail_idx, used_idx, inuse;
	u64 kicks, popped, pushed;
};

/* One buffer of an element: a device-side address and its length. */
struct vdev_iov {
	u64 addr;
	u32 len;
};

/* VirtQueueElement, with the buffers still unmapped (addresses only). */
struct vdev_elem {
	u16 index;			/* head descriptor */
	unsigned out_num, in_num;
	struct vdev_iov out[VIRTQUEUE_MAX_SIZE], in[VIRTQUEUE_MAX_SIZE];
	u8 *out_data;			/* the device-readable bytes, read at pop */
	size_t out_len, in_len;
};

struct vdev_blk;
struct vdev_rng;
struct vdev_scsi;
struct hw_pci_fn;

/* How the device's interrupts left it (counters). */
struct vdev_irq_stats {
	u64 raised;			/* virtio_notify_vector() calls: used buffers, config changes */
	u64 msi_sent;			/* MSI-X messages written (32-bit bus-master writes) */
	u64 msi_faulted;		/* ... aborted on the way (SMMU fault): the driver never hears */
	u64 msi_pended;			/* ... held back: the vector was masked */
	u64 no_vector;			/* MSI-X on, but the queue or config had no vector */
	u64 intx;			/* wired line raised (INTx, or virtio-mmio's line) */
};

struct vdev_hw {
	struct hw_system *sys;		/* the machine it was realized in: its bus, SMMU and GIC */
	struct hw_virtio *hw;
	bool legacy_iface;		/* the driver uses the legacy (0.9.5) interface */
	u64 host_features;		/* vdev->host_features after get_features */
	u64 guest_features;
	u8 status;
	bool broken;			/* virtio_error() happened */
	char error[160];		/* QEMU's error_report() of it */
	unsigned nqueues;
	struct vdev_queue *vq;		/* nqueues of them */
	struct vdev_blk *blk;		/* virtio-blk backend, or NULL */
	struct vdev_rng *rng;		/* virtio-rng backend, or NULL */
	struct vdev_scsi *scsi;		/* virtio-scsi's bus and state, or NULL */
	u64 dma_faults;			/* device DMA that faulted (rings, buffers) */
	/* interrupts: the PCI function's MSI-X and INTx, or virtio-mmio's wired line */
	struct hw_pci_fn *pci_fn;	/* the function behind a virtio-pci proxy, else NULL */
	u32 wired_intid;		/* the line INTx or the mmio transport raises (0: none) */
	u8 isr;				/* ISR status (read to clear on PCI, acked on mmio) */
	u16 config_vector;		/* MSI-X vector of config changes */
	struct vdev_irq_stats irq;
};

/*
 * Realize QEMU's device for hw in the machine sys (the board does, before the
 * kernel runs): host features per its type and transport (modern adds
 * VERSION_1; legacy PCI also shows BAD_FEATURE). It masters its DMA as the
 * PCI function that carries it (hw->pci_proxy) or as virt's virtio-mmio
 * transport, which QEMU does not put behind the SMMU. NULL on allocation
 * failure or a drive that cannot be opened (err has QEMU's message).
 */
struct vdev_hw *vdev_hw_new(struct hw_system *sys, struct hw_virtio *hw, char *err, size_t errlen);
void vdev_hw_free(struct vdev_hw *d);
/* A transport reset (status 0): queues, features, vectors and the broken flag cleared. */
void vdev_hw_reset(struct vdev_hw *d);
/* virtio_set_status(): 0 resets; the device may start work (virtio-rng at DRIVER_OK). */
void vdev_hw_set_status(struct vdev_hw *d, u8 status);

/*
 * The proxy's vector registers (common config msix_config / queue_msix_vector,
 * legacy VIRTIO_MSI_*_VECTOR): the write, then the value a read returns,
 * which is VIRTIO_NO_VECTOR when the function has no such MSI-X entry.
 */
u16 vdev_hw_set_config_vector(struct vdev_hw *d, u16 vector);
u16 vdev_hw_set_queue_vector(struct vdev_hw *d, unsigned q, u16 vector);
/* ISR status: virtio-pci's read clears it (and lowers INTx); virtio-mmio acks bits. */
u8 vdev_hw_isr_read(struct vdev_hw *d);
void vdev_hw_isr_ack(struct vdev_hw *d, u8 bits);
/*
 * virtio_notify_vector(): queue q's vector (q < 0: a config change), MSI-X
 * when the function has it enabled, else the wired line. 0, or -EFAULT when
 * the MSI write was aborted.
 */
int virtio_notify(struct vdev_hw *d, int q);

/* The features the transport's feature register shows (legacy: low 32 bits incl. BAD_FEATURE). */
u64 vdev_hw_device_features(const struct vdev_hw *d, bool legacy_iface);
/* virtio_set_features(): 0, or -EINVAL for bits the device does not offer. */
int vdev_hw_set_features(struct vdev_hw *d, u64 features);
/* QEMU's access: plain memory unless ACCESS_PLATFORM was negotiated (or the machine forces the SMMU). */
bool vdev_hw_bypass_iommu(const struct vdev_hw *d);
/* Device config space (virtio-blk: struct virtio_blk_config); out of range reads as 0. */
void vdev_hw_config_read(const struct vdev_hw *d, unsigned offset, void *buf, unsigned len);

/* Set queue q's size and ring addresses and enable it: 0, -EINVAL (q, num out of range). */
int vdev_hw_queue_set(struct vdev_hw *d, unsigned q, u16 num, u64 desc, u64 avail, u64 used);
/* The driver gave the queue up (legacy PFN 0, modern: never enabled): not ready any more. */
void vdev_hw_queue_release(struct vdev_hw *d, unsigned q);
/* Driver notify: the device's handle_output for queue q. */
void vdev_hw_notify(struct vdev_hw *d, unsigned q);

/* The device's own DMA: 0 or -EFAULT (counted in dma_faults). */
int vdev_dma(struct vdev_hw *d, u64 addr, void *buf, size_t len, bool write);

/*
 * virtqueue_pop(): 1 and *elem filled, 0 when the queue is empty (or reads
 * as empty through a faulting IOMMU), -EIO after virtio_error().
 */
int virtqueue_pop(struct vdev_hw *d, unsigned q, struct vdev_elem *elem);
/* virtqueue_push() + virtio_notify(): used element with len bytes written. */
void virtqueue_push(struct vdev_hw *d, unsigned q, const struct vdev_elem *elem, u32 len);
/* virtio_notify(vdev, vq): the interrupt, unless the driver suppressed it. */
void virtio_notify_queue(struct vdev_hw *d, unsigned q);
/* virtqueue_fill + flush only: the caller notifies once for a batch. */
void virtqueue_push_nonotify(struct vdev_hw *d, unsigned q, const struct vdev_elem *elem, u32 len);
/*
 * virtqueue_get_avail_bytes(): the device-writable (in) and readable (out)
 * bytes of the buffers the driver made available, read without popping,
 * counting up to max_in / max_out.
 */
void virtqueue_get_avail_bytes(struct vdev_hw *d, unsigned q, unsigned *in, unsigned *out,
			       unsigned max_in, unsigned max_out);
/* Write len bytes into the element's device-writable buffers from offset; 0 or -EFAULT. */
int vdev_elem_write(struct vdev_hw *d, const struct vdev_elem *elem, size_t offset,
		    const void *buf, size_t len);
void vdev_elem_release(struct vdev_elem *elem);
/* virtio_queue_set_notification(): the EVENT_IDX or NO_NOTIFY suppression QEMU writes */
void virtio_queue_set_notification(struct vdev_hw *d, unsigned q, bool enable);
/* virtio_queue_empty(): reads avail->idx (0 through a faulting IOMMU) */
bool virtio_queue_empty(struct vdev_hw *d, unsigned q);
/* virtio_error(): broken, VERSION_1 devices also set NEEDS_RESET. */
void virtio_error(struct vdev_hw *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
