/* The virtio bus (drivers/virtio/virtio.c) and what transports hand it. */
#ifndef IOMMUSIM_DRIVERS_VIRTIO_H
#define IOMMUSIM_DRIVERS_VIRTIO_H

#include "base/device.h"
#include "machine/hw_pci.h"

#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33

struct virtio_device {
	struct device dev;
	unsigned index;			/* virtioN */
	u32 device_id;			/* VIRTIO_ID_* */
	u32 vendor;
	u64 features;			/* negotiated */
	bool legacy;			/* driven through the legacy interface */
	struct hw_virtio *hw;
	struct device *dma_dev;		/* the transport device that does the DMA */
};

struct virtio_driver {
	struct device_driver driver;
	const u32 *ids;			/* device ids, 0-terminated */
	int (*probe)(struct virtio_device *vdev);
	void (*remove)(struct virtio_device *vdev);
};

extern const struct bus_type virtio_bus;

static inline struct virtio_device *dev_to_virtio(struct device *dev)
{
	return (struct virtio_device *)dev;
}

/* register_virtio_device(): "virtioN" with the lowest free N */
struct virtio_device *register_virtio_device(struct device *transport, struct hw_virtio *hw,
					     bool legacy);
void unregister_virtio_device(struct virtio_device *vdev);
void virtio_devices_free(struct kernel *k);

#endif
