/*
 * vfio-pci (drivers/vfio/pci/vfio_pci.c, 6.1): binds only by driver_override
 * or new_id (its one ID is override-only), manages DMA itself (driver_managed_dma),
 * refuses bridges and devices without an IOMMU group.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "iommu/iommu.h"

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

struct pci_driver vfio_pci_driver = {
	.driver = { .name = "vfio-pci", .bus = &pci_bus_type,
		    .driver_managed_dma = true },
	.id_table = vfio_pci_table,
	.probe = vfio_pci_probe,
};
