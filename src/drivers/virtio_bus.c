/*
 * The virtio bus (drivers/virtio/virtio.c, 6.1): match by device ID, and
 * virtio_dev_probe's feature negotiation before the driver's probe.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virtio.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

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

void virtio_add_status(struct virtio_device *vdev, u8 status)
{
	if (vdev->config)
		vdev->config->set_status(vdev, (u8)(vdev->config->get_status(vdev) | status));
}

void virtio_device_ready(struct virtio_device *vdev)
{
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER_OK);
}

static u64 table_bits(const unsigned *t, unsigned n)
{
	u64 f = 0;
	for (unsigned i = 0; i < n; i++)
		if (t[i] < 64)
			f |= BIT(t[i]);
	return f;
}

u64 virtio_negotiate(const struct virtio_driver *drv, u64 device_features)
{
	u64 driver_features = table_bits(drv->feature_table, drv->feature_table_size);
	u64 driver_features_legacy = drv->feature_table_legacy ?
		table_bits(drv->feature_table_legacy, drv->feature_table_size_legacy) : driver_features;
	u64 f = (device_features & BIT(VIRTIO_F_VERSION_1)) ? driver_features & device_features
							     : driver_features_legacy & device_features;
	/* transport features are always preserved for finalize_features to judge */
	for (unsigned i = VIRTIO_TRANSPORT_F_START; i < VIRTIO_TRANSPORT_F_END; i++)
		if (device_features & BIT(i))
			f |= BIT(i);
	return f;
}

/* virtio_features_ok(): FEATURES_OK for a VERSION_1 device, and the device must keep it */
static int virtio_features_ok(struct virtio_device *vdev)
{
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return 0;
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	u8 status = vdev->config->get_status(vdev);
	if (!(status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		dev_err(&vdev->dev, "virtio: device refuses features: %x\n", status);
		return -ENODEV;
	}
	return 0;
}

static int virtio_dev_probe(struct device *dev)
{
	struct virtio_device *vdev = dev_to_virtio(dev);
	struct virtio_driver *vdrv = (struct virtio_driver *)dev->driver;
	int err;
	if (!vdev->config)
		return vdrv->probe ? vdrv->probe(vdev) : 0;
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	vdev->features = virtio_negotiate(vdrv, vdev->config->get_features(vdev));
	err = vdev->config->finalize_features(vdev);
	if (!err)
		err = virtio_features_ok(vdev);
	if (!err && vdrv->probe)
		err = vdrv->probe(vdev);
	if (err) {
		virtio_add_status(vdev, VIRTIO_CONFIG_S_FAILED);
		return err;
	}
	if (!(vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_DRIVER_OK))
		virtio_device_ready(vdev);
	if (vdrv->scan)
		vdrv->scan(vdev);
	return 0;
}

static void virtio_dev_remove(struct device *dev)
{
	struct virtio_device *vdev = dev_to_virtio(dev);
	struct virtio_driver *vdrv = (struct virtio_driver *)dev->driver;
	if (vdrv->remove)
		vdrv->remove(vdev);
	/*
	 * the driver is gone: reset, then acknowledge again for the next one;
	 * 6.1 keeps dev->features (sysfs still shows the last negotiation)
	 */
	if (vdev->config) {
		vdev->config->set_status(vdev, 0);
		virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	}
}

const struct bus_type virtio_bus = {
	.name = "virtio",
	.match = virtio_dev_match,
	.probe = virtio_dev_probe,
	.remove = virtio_dev_remove,
};

/*
 * The device model behind a transport: the board realized it before the
 * kernel ran; the kernel only finds it (as a driver finds a device through
 * its BARs or registers), never creates it.
 */
struct vdev_hw *virtio_hw_lookup(struct kernel *k, const struct hw_virtio *hw)
{
	return hw_virtio_device(k->hw, hw);
}

struct virtio_device *virtio_device_by_index(struct kernel *k, unsigned index)
{
	struct virtio_state *st = k->virtio;
	return st && index < st->n ? st->devs[index] : NULL;
}

struct virtio_device *register_virtio_device(struct device *transport, struct hw_virtio *hw,
					     bool legacy, const struct virtio_config_ops *ops,
					     struct vdev_hw *vhw, void *transport_state)
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
	vdev->config = ops;
	vdev->vhw = vhw;
	vdev->transport = transport_state;
	st->devs[idx] = vdev;
	/* register_virtio_device(): reset, then ACKNOWLEDGE, before the bus probes */
	if (ops) {
		ops->set_status(vdev, 0);
		virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	}
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
	for (size_t i = 0; i < st->n; i++) {
		struct virtio_device *vdev = st->devs[i];
		if (vdev && vdev->dev.driver) {
			struct virtio_driver *vdrv = (struct virtio_driver *)vdev->dev.driver;
			if (vdrv->release)
				vdrv->release(vdev);
		}
		if (vdev) {
			virtio_release_vqs(vdev);
			if (vdev->config && vdev->config->release)
				vdev->config->release(vdev);
		}
		free(vdev);
	}
	free(st->devs);
	free(st);
	k->virtio = NULL;
}
