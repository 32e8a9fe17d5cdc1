/*
 * vfio-pci (drivers/vfio/pci/vfio_pci.c, 6.1): binds only by driver_override
 * or new_id (its one ID is override-only), manages DMA itself (driver_managed_dma),
 * refuses bridges and devices without an IOMMU group. Its unbind waits
 * while user space holds a device file.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "drivers/drivers_version.h"
#include "iommu/iommu.h"
#include "kversion/linux_version.h"
#include "uapi/vfio.h"

/* PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID): only by driver_override */
static const struct pci_device_id vfio_pci_table[] = {
	{ PCI_ANY_ID, PCI_ANY_ID, 0, 0, true },
	{ 0, 0, 0, 0, false },
};

/* another device than dev is bound to vfio-pci */
static bool other_vfio_device(struct kernel *k, const struct device *dev)
{
	for (size_t i = 0; i < k->ndevices; i++)
		if (k->devices[i] != dev && k->devices[i]->driver == &vfio_pci_driver.driver)
			return true;
	return false;
}

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	(void)id;
	if (pdev->hdr_type != 0)
		return -EINVAL;
	if (!iommu_group_get(&pdev->dev))
		return -EINVAL;
	struct kernel *k = pdev->dev.k;
	if (kernel_version(k)->drivers->vfio_ref_while_devices_registered && !other_vfio_device(k, &pdev->dev))
		module_get(k, "vfio");
	/* vfio_init_device(): the device's index (vfio-dev/vfioN, 7.3's /dev/vfio/devices/vfioN) */
	vfio_device_index_alloc(k, &pdev->dev);
	return 0;
}

static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct kernel *k = pdev->dev.k;
	if (kernel_version(k)->drivers->vfio_ref_while_devices_registered && !other_vfio_device(k, &pdev->dev))
		module_put(k, "vfio");
	vfio_device_index_free(k, &pdev->dev);
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
	.remove = vfio_pci_remove,
};
