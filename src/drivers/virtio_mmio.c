/*
 * virtio-mmio (drivers/virtio/virtio_mmio.c, 6.1): one platform device per
 * transport node; an empty transport (device ID 0) ends the probe quietly.
 * Legacy (version 1) transports keep a 44-bit coherent mask for the ring PFN.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "drivers/virtio.h"
#include "dma/dma_mask.h"
#include "base/page_alloc.h"
#include "machine/machine.h"
#include "hw/virtqueue_dev.h"

#define VIRTIO_MMIO_VRING_ALIGN PAGE_SIZE

static u64 vm_get_features(struct virtio_device *vdev)
{
	return vdev->vhw ? vdev_hw_device_features(vdev->vhw, vdev->legacy) : 0;
}

/* vm_finalize_features() */
static int vm_finalize_features(struct virtio_device *vdev)
{
	vring_transport_features(vdev);
	if (!vdev->legacy && !virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "New virtio-mmio devices (version 2) must provide VIRTIO_F_VERSION_1 feature!\n");
		return -EINVAL;
	}
	if (vdev->legacy)
		vdev->features &= 0xffffffffULL;
	return vdev->vhw ? vdev_hw_set_features(vdev->vhw, vdev->features) : -ENODEV;
}

static int vm_find_vqs(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[])
{
	int err = virtio_transport_find_vqs(vdev, nvqs, vqs, VIRTIO_MMIO_VRING_ALIGN, vdev->legacy);
	if (err == -E2BIG)
		dev_err(&vdev->dev, "platform bug: legacy virtio-mmio must not be used with RAM above 0x%llxGB\n",
			1ULL << (32 + PAGE_SHIFT - 30));
	return err;
}

static const struct virtio_config_ops virtio_mmio_config_ops = {
	.get_features = vm_get_features,
	.finalize_features = vm_finalize_features,
	.get_status = virtio_transport_get_status,
	.set_status = virtio_transport_set_status,
	.get = virtio_transport_get,
	.find_vqs = vm_find_vqs,
	.del_vqs = virtio_transport_del_vqs,
};

static const char *const virtio_mmio_match[] = { "virtio,mmio", NULL };

static struct hw_virtio *transport_of(struct platform_device *pdev)
{
	const struct machine *m = pdev->dev.k->machine;
	if (!m || pdev->base < VIRT_MMIO_BASE)
		return NULL;
	u64 idx = (pdev->base - VIRT_MMIO_BASE) / VIRT_MMIO_STRIDE;
	return idx < VIRT_MMIO_TRANSPORTS ? m->mmio[idx] : NULL;
}

static int virtio_mmio_probe(struct platform_device *pdev)
{
	struct hw_virtio *hw = transport_of(pdev);
	if (!hw || hw->id == HW_VIRTIO_NONE)
		return -ENODEV;
	int rc;
	if (hw->legacy) {
		rc = dma_set_mask(&pdev->dev, DMA_BIT_MASK(64));
		if (!rc)
			dma_set_coherent_mask(&pdev->dev, DMA_BIT_MASK(32 + 12));
	} else {
		rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	}
	if (rc)
		rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (rc)
		dev_warn(&pdev->dev, "Failed to enable 64-bit or 32-bit DMA.  Trying to continue, but this might not work.\n");
	struct vdev_hw *vhw = virtio_hw_lookup(pdev->dev.k, hw, &pdev->dev);
	if (!vhw)
		return -ENODEV;
	vhw->legacy_iface = hw->legacy;
	pdev->dev.drvdata = register_virtio_device(&pdev->dev, hw, hw->legacy, &virtio_mmio_config_ops, vhw);
	return pdev->dev.drvdata ? 0 : -ENOMEM;
}

static void virtio_mmio_remove(struct platform_device *pdev)
{
	if (pdev->dev.drvdata)
		unregister_virtio_device(pdev->dev.drvdata);
}

struct platform_driver virtio_mmio_driver = {
	.driver = { .name = "virtio-mmio", .bus = &platform_bus_type, .module = "virtio_mmio" },
	.of_match_table = virtio_mmio_match,
	.probe = virtio_mmio_probe,
	.remove = virtio_mmio_remove,
};
