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

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12

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
	/* pci_enable_device(): I/O decoding for the legacy BAR0, memory for the rest */
	dev_info(&pdev->dev, "enabling device (0000 -> %04x)\n", hw->legacy ? 0x3 : 0x2);
	bool legacy = false;
	int rc = virtio_pci_modern_probe(pdev);
	if (rc == -ENODEV) {
		rc = virtio_pci_legacy_probe(pdev);
		legacy = true;
	}
	if (rc)
		return rc;
	pdev->dev.drvdata = register_virtio_device(&pdev->dev, hw, legacy);
	return pdev->dev.drvdata ? 0 : -ENOMEM;
}

static void virtio_pci_remove(struct pci_dev *pdev)
{
	if (pdev->dev.drvdata)
		unregister_virtio_device(pdev->dev.drvdata);
}

struct pci_driver virtio_pci_driver = {
	.driver = { .name = "virtio-pci", .bus = &pci_bus_type, .module = "virtio_pci" },
	.id_table = virtio_pci_id_table,
	.probe = virtio_pci_probe,
	.remove = virtio_pci_remove,
};
