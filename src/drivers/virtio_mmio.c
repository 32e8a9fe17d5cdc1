/*
 * virtio-mmio (drivers/virtio/virtio_mmio.c, 6.1): one platform device per
 * transport node; an empty transport (device ID 0) ends the probe quietly.
 * Legacy (version 1) transports keep a 44-bit coherent mask for the ring PFN.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "drivers/virtio.h"
#include "dma/dma_mask.h"
#include "machine/machine.h"

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
	pdev->dev.drvdata = register_virtio_device(&pdev->dev, hw, hw->legacy);
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
