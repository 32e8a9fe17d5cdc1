/*
 * vfio-pci (drivers/vfio/pci/vfio_pci.c, 6.1): binds only by driver_override
 * or new_id (its one ID is override-only), manages DMA itself (driver_managed_dma),
 * refuses bridges and devices without an IOMMU group. Its unbind waits
 * while user space holds a device file.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "iommu/iommu.h"
#include "uapi/vfio.h"

/* PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID): only by driver_override */
static const struct pci_device_id vfio_pci_table[] = {
	{ PCI_ANY_ID, PCI_ANY_ID, 0, 0, true },
	{ 0, 0, 0, 0, false },
};

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	(void)id;
	if (pdev->hdr_type != 0)
		return -EINVAL;
	if (!iommu_group_get(&pdev->dev))
		return -EINVAL;
	return 0;
}

/*
 * vfio_pci_remove() -> vfio_unregister_group_dev() waits until every device
 * file is closed, asking the user through the request eventfd (SET_IRQS of
 * VFIO_PCI_REQ_IRQ_INDEX, not modelled: none is ever registered) and
 * saying so once.
 */
static bool vfio_pci_remove_blocks(struct device *dev)
{
	if (!vfio_device_file_open(dev))
		return false;
	dev_info(dev, "No device request channel registered, blocked until released by user\n");
	return true;
}

struct pci_driver vfio_pci_driver = {
	.driver = { .name = "vfio-pci", .bus = &pci_bus_type,
		    .driver_managed_dma = true, .remove_blocks = vfio_pci_remove_blocks },
	.id_table = vfio_pci_table,
	.probe = vfio_pci_probe,
};
