#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virtio.h"

struct virtio_state {
	struct virtio_device **devs;	/* by index; NULL where free */
	size_t n;
};

static struct virtio_state *virtio_state(struct kernel *k)
{
	if (!k->virtio)
		k->virtio = calloc(1, sizeof(struct virtio_state));
	return k->virtio;
}

static int virtio_dev_match(struct device *dev, struct device_driver *drv)
{
	const struct virtio_driver *vdrv = (const struct virtio_driver *)drv;
	for (const u32 *id = vdrv->ids; id && *id; id++)
		if (*id == dev_to_virtio(dev)->device_id)
			return 1;
	return 0;
}

static int virtio_dev_probe(struct device *dev)
{
	struct virtio_driver *vdrv = (struct virtio_driver *)dev->driver;
	return vdrv->probe ? vdrv->probe(dev_to_virtio(dev)) : 0;
}

static void virtio_dev_remove(struct device *dev)
{
	struct virtio_driver *vdrv = (struct virtio_driver *)dev->driver;
	if (vdrv->remove)
		vdrv->remove(dev_to_virtio(dev));
}

const struct bus_type virtio_bus = {
	.name = "virtio",
	.match = virtio_dev_match,
	.probe = virtio_dev_probe,
	.remove = virtio_dev_remove,
};

struct virtio_device *register_virtio_device(struct device *transport, struct hw_virtio *hw,
					     bool legacy)
{
	struct kernel *k = transport->k;
	struct virtio_state *st = virtio_state(k);
	if (!st)
		return NULL;
	size_t idx = 0;
	while (idx < st->n && st->devs[idx])
		idx++;
	if (idx == st->n) {
		struct virtio_device **p = realloc(st->devs, (st->n + 1) * sizeof(*p));
		if (!p)
			return NULL;
		st->devs = p;
		st->devs[st->n++] = NULL;
	}
	struct virtio_device *vdev = calloc(1, sizeof(*vdev));
	if (!vdev)
		return NULL;
	char name[24];
	snprintf(name, sizeof(name), "virtio%zu", idx);
	device_initialize(k, &vdev->dev, &virtio_bus, transport, name);
	vdev->dev.busdata = vdev;
	vdev->index = (unsigned)idx;
	vdev->device_id = hw->id;
	vdev->vendor = 0x1af4;
	vdev->hw = hw;
	vdev->legacy = legacy;
	vdev->dma_dev = transport;
	st->devs[idx] = vdev;
	device_add(&vdev->dev);
	return vdev;
}

void unregister_virtio_device(struct virtio_device *vdev)
{
	struct virtio_state *st = virtio_state(vdev->dev.k);
	device_del(&vdev->dev);
	st->devs[vdev->index] = NULL;
	free(vdev);
}

void virtio_devices_free(struct kernel *k)
{
	struct virtio_state *st = k->virtio;
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		free(st->devs[i]);
	free(st->devs);
	free(st);
	k->virtio = NULL;
}
