/*
 * The virtio bus (drivers/virtio/virtio.c, Linux 6.1) and what transports
 * hand it: feature negotiation in virtio_dev_probe, the config ops a
 * transport implements (virtio_config_ops), and the device's QEMU side
 * (struct vdev_hw) the transport reaches through its registers.
 */
#ifndef IOMMUSIM_DRIVERS_VIRTIO_H
#define IOMMUSIM_DRIVERS_VIRTIO_H

#include "base/device.h"
#include "machine/hw_pci.h"

/* include/uapi/linux/virtio_config.h */
#define VIRTIO_TRANSPORT_F_START 28
#define VIRTIO_TRANSPORT_F_END 41
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_BAD_FEATURE 30		/* QEMU offers it to legacy drivers only */
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_ORDER_PLATFORM 36
#define VIRTIO_F_SR_IOV 37
#define VIRTIO_F_RING_RESET 40

/* status bits */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER 2
#define VIRTIO_CONFIG_S_DRIVER_OK 4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED 0x80

struct vdev_hw;
struct virtqueue;
struct virtio_device;
struct cpumask;

/* A virtqueue's interrupt callback (the driver's "used buffers" handler). */
typedef void vq_callback_t(struct virtqueue *vq);

/* The transport's half of the bus (struct virtio_config_ops). */
struct virtio_config_ops {
	u64 (*get_features)(struct virtio_device *vdev);
	/* writes vdev->features to the device; 0 or -errno */
	int (*finalize_features)(struct virtio_device *vdev);
	u8 (*get_status)(struct virtio_device *vdev);
	void (*set_status)(struct virtio_device *vdev, u8 status);
	/* device config space */
	void (*get)(struct virtio_device *vdev, unsigned offset, void *buf, unsigned len);
	/*
	 * vp_find_vqs / vm_find_vqs: set up nvqs queues, each with its callback
	 * (NULL: no interrupt wanted) and name, and the interrupts that call
	 * them; 0 or -errno, nothing kept on error
	 */
	int (*find_vqs)(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
			vq_callback_t *callbacks[], const char *const names[]);
	void (*del_vqs)(struct virtio_device *vdev);
	/*
	 * The CPUs the interrupt of queue index is managed for (its per-queue
	 * vector's spread when the driver asked for one), or NULL; optional
	 */
	const struct cpumask *(*get_vq_affinity)(struct virtio_device *vdev, unsigned index);
	/* the model's teardown: free vdev->transport's host memory, no device access */
	void (*release)(struct virtio_device *vdev);
};

struct virtio_device {
	struct device dev;
	unsigned index;			/* virtioN */
	u32 device_id;			/* VIRTIO_ID_* */
	u32 vendor;
	u64 features;			/* negotiated */
	bool legacy;			/* driven through the legacy interface */
	struct hw_virtio *hw;
	struct device *dma_dev;		/* the transport device that does the DMA (dev.parent) */
	const struct virtio_config_ops *config;
	struct vdev_hw *vhw;		/* the device model behind the transport */
	void *priv;			/* the virtio driver's */
	struct virtqueue **vqs;		/* what find_vqs set up */
	unsigned nvqs;
	void *transport;		/* the transport's per-device state (interrupts) */
};

struct virtio_driver {
	struct device_driver driver;
	const u32 *ids;			/* device ids, 0-terminated */
	const unsigned *feature_table;
	unsigned feature_table_size;
	const unsigned *feature_table_legacy;	/* NULL: same as feature_table */
	unsigned feature_table_size_legacy;
	/* find_vqs() is given a struct irq_affinity: per-queue vectors get a managed spread */
	bool irq_affinity;
	int (*probe)(struct virtio_device *vdev);
	/* after DRIVER_OK: what the driver does once the device is live (virtio-rng registers) */
	void (*scan)(struct virtio_device *vdev);
	void (*remove)(struct virtio_device *vdev);
	/* a config-change interrupt */
	void (*config_changed)(struct virtio_device *vdev);
	/* at teardown of the whole model: free host memory only, no device access */
	void (*release)(struct virtio_device *vdev);
};

extern const struct bus_type virtio_bus;

static inline struct virtio_device *dev_to_virtio(struct device *dev)
{
	return (struct virtio_device *)dev;
}

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned fbit)
{
	return fbit < 64 && (vdev->features & BIT(fbit));
}

/* virtio_has_dma_quirk(): a device without ACCESS_PLATFORM bypasses the IOMMU */
static inline bool virtio_has_dma_quirk(const struct virtio_device *vdev)
{
	return !virtio_has_feature(vdev, VIRTIO_F_ACCESS_PLATFORM);
}

/* vring_use_dma_api() of 6.1: only ACCESS_PLATFORM (or Xen, never here) uses the DMA API */
bool vring_use_dma_api(const struct virtio_device *vdev);
/* virtio_max_dma_size(): dma_max_mapping_size(parent) with the DMA API, else SIZE_MAX */
size_t virtio_max_dma_size(struct virtio_device *vdev);
/* vring_transport_features(): clear the transport bits the ring does not know */
void vring_transport_features(struct virtio_device *vdev);

/*
 * The features virtio_dev_probe() would negotiate: driver table (the legacy
 * one when the device lacks VERSION_1) AND device features, plus the
 * transport bits 28..40 the device offers (the transport's finalize prunes).
 */
u64 virtio_negotiate(const struct virtio_driver *drv, u64 device_features);

void virtio_add_status(struct virtio_device *vdev, u8 status);
void virtio_device_ready(struct virtio_device *vdev);

/*
 * The transports' common queue setup (vp_setup_vq / vm_setup_vq): queue
 * index's ring of the device's queue size at align, then the device is
 * given its addresses (legacy: one PFN, the device derives avail/used with
 * its own alignment). The queue joins vdev->vqs. NULL with *err: -ENOENT
 * (no such queue, or in use), -ENOMEM, -E2BIG (a legacy ring's PFN does not
 * fit in 32 bits), -EINVAL (the device refused it).
 */
struct virtqueue *virtio_transport_setup_vq(struct virtio_device *vdev, unsigned index,
					    vq_callback_t *callback, const char *name,
					    unsigned long align, bool legacy, int *err);
/* Start vdev->vqs for nvqs queues (none set up yet): 0 or -ENOMEM. */
int virtio_transport_vqs_begin(struct virtio_device *vdev, unsigned nvqs);
/* Delete every queue vdev->vqs holds. */
void virtio_transport_del_vqs(struct virtio_device *vdev);
/* The model's teardown: free the queues' host memory, no device access. */
void virtio_release_vqs(struct virtio_device *vdev);
/* virtio_config_changed(): the driver's config_changed, when bound. */
void virtio_config_changed(struct virtio_device *vdev);
/* virtio_find_single_vq() */
struct virtqueue *virtio_find_single_vq(struct virtio_device *vdev, vq_callback_t *callback,
					const char *name, int *err);
u8 virtio_transport_get_status(struct virtio_device *vdev);
void virtio_transport_set_status(struct virtio_device *vdev, u8 status);
void virtio_transport_get(struct virtio_device *vdev, unsigned offset, void *buf, unsigned len);

/* register_virtio_device(): "virtioN" with the lowest free N */
struct virtio_device *register_virtio_device(struct device *transport, struct hw_virtio *hw,
					     bool legacy, const struct virtio_config_ops *ops,
					     struct vdev_hw *vhw, void *transport_state);
void unregister_virtio_device(struct virtio_device *vdev);
void virtio_devices_free(struct kernel *k);
/* The device model the board realized for hw, or NULL: a lookup, never a creation (hardware outlives drivers). */
struct vdev_hw *virtio_hw_lookup(struct kernel *k, const struct hw_virtio *hw);
/* virtioN by index, NULL when none */
struct virtio_device *virtio_device_by_index(struct kernel *k, unsigned index);

#endif
