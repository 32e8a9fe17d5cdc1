/*
 * virtio-pci (drivers/virtio/virtio_pci_common.c, _modern.c, _legacy.c):
 * the modern interface first, the legacy one when the function has no
 * modern capabilities. The DMA masks differ: modern 64/64; legacy 64 for
 * streaming but 44 coherent, since the ring address is a 32-bit PFN of 4K.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "drivers/virtio.h"
#include "dma/dma_mask.h"
#include "hw/virtqueue_dev.h"
#include "base/page_alloc.h"

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12
#define VIRTIO_PCI_VRING_ALIGN 4096
#define SMP_CACHE_BYTES 64		/* arm64 L1_CACHE_BYTES */

static u64 vp_get_features(struct virtio_device *vdev)
{
	return vdev->vhw ? vdev_hw_device_features(vdev->vhw, vdev->legacy) : 0;
}

/* vp_finalize_features(), modern and legacy */
static int vp_finalize_features(struct virtio_device *vdev)
{
	u64 offered = vdev->features;
	vring_transport_features(vdev);
	if (vdev->legacy) {
		/* the legacy register is 32 bits wide */
		vdev->features &= 0xffffffffULL;
	} else {
		/* vp_transport_features(): RING_RESET (SR-IOV needs the capability QEMU lacks) */
		if (offered & BIT(VIRTIO_F_RING_RESET))
			vdev->features |= BIT(VIRTIO_F_RING_RESET);
		if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
			dev_err(&vdev->dev, "virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1\n");
			return -EINVAL;
		}
	}
	return vdev->vhw ? vdev_hw_set_features(vdev->vhw, vdev->features) : -ENODEV;
}

static int vp_find_vqs(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[])
{
	int err = virtio_transport_find_vqs(vdev, nvqs, vqs,
					    vdev->legacy ? VIRTIO_PCI_VRING_ALIGN : SMP_CACHE_BYTES,
					    vdev->legacy);
	if (err == -E2BIG) {
		dev_err(vdev->dev.parent, "platform bug: legacy virtio-pci must not be used with RAM above 0x%llxGB\n",
			1ULL << (32 + PAGE_SHIFT - 30));
		err = -ENOMEM;
	}
	return err;
}

static const struct virtio_config_ops virtio_pci_config_ops = {
	.get_features = vp_get_features,
	.finalize_features = vp_finalize_features,
	.get_status = virtio_transport_get_status,
	.set_status = virtio_transport_set_status,
	.get = virtio_transport_get,
	.find_vqs = vp_find_vqs,
	.del_vqs = virtio_transport_del_vqs,
};

static const struct pci_device_id virtio_pci_id_table[] = {
	{ 0x1af4, PCI_ANY_ID, 0, 0 },
	{ 0, 0, 0, 0 },
};

static int virtio_pci_modern_probe(struct pci_dev *pdev)
{
	if (pdev->device < 0x1000 || pdev->device > 0x107f)
		return -ENODEV;
	if (!pdev->hw->virtio || !pdev->hw->virtio->modern) {
		dev_info(&pdev->dev, "virtio_pci: leaving for legacy driver\n");
		return -ENODEV;
	}
	if (dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64)) &&
	    dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32)))
		dev_warn(&pdev->dev, "Failed to enable 64-bit or 32-bit DMA.  Trying to continue, but this might not work.\n");
	return 0;
}

static int virtio_pci_legacy_probe(struct pci_dev *pdev)
{
	/* only the transitional ID range has a legacy interface */
	if (pdev->device < 0x1000 || pdev->device > 0x103f)
		return -ENODEV;
	int rc = dma_set_mask(&pdev->dev, DMA_BIT_MASK(64));
	if (rc)
		rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	else
		dma_set_coherent_mask(&pdev->dev, DMA_BIT_MASK(32 + VIRTIO_PCI_QUEUE_ADDR_SHIFT));
	if (rc)
		dev_warn(&pdev->dev, "Failed to enable 64-bit or 32-bit DMA.  Trying to continue, but this might not work.\n");
	return 0;
}

static int virtio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	(void)id;
	struct hw_virtio *hw = pdev->hw->virtio;
	if (!hw)
		return -ENODEV;
	int rc = pci_enable_device(pdev);
	if (rc)
		return rc;
	bool legacy = false;
	rc = virtio_pci_modern_probe(pdev);
	if (rc == -ENODEV) {
		rc = virtio_pci_legacy_probe(pdev);
		legacy = true;
	}
	struct vdev_hw *vhw = rc ? NULL : virtio_hw_lookup(pdev->dev.k, hw, &pdev->dev);
	if (!rc && !vhw)
		rc = -ENODEV;
	if (!rc) {
		vhw->legacy_iface = legacy;
		pdev->dev.drvdata = register_virtio_device(&pdev->dev, hw, legacy, &virtio_pci_config_ops, vhw);
		rc = pdev->dev.drvdata ? 0 : -ENOMEM;
	}
	if (rc)
		pci_disable_device(pdev);
	return rc;
}

static void virtio_pci_remove(struct pci_dev *pdev)
{
	if (pdev->dev.drvdata)
		unregister_virtio_device(pdev->dev.drvdata);
	pci_disable_device(pdev);
}

struct pci_driver virtio_pci_driver = {
	.driver = { .name = "virtio-pci", .bus = &pci_bus_type, .module = "virtio_pci" },
	.id_table = virtio_pci_id_table,
	.probe = virtio_pci_probe,
	.remove = virtio_pci_remove,
};
