/* The PCI bus type (drivers/pci/pci-driver.c): matching, probe, DMA configuration. */
#include <errno.h>
#include <string.h>
#include "pci/pci.h"
#include "pci/pci_dynid.h"
#include "iommu/iommu.h"
#include "dma/of_dma.h"

static const struct pci_device_id pci_device_id_any = { PCI_ANY_ID, PCI_ANY_ID, 0, 0, false };

static bool pci_match_one(const struct pci_device_id *id, const struct pci_dev *pdev)
{
	return (id->vendor == PCI_ANY_ID || id->vendor == pdev->vendor) &&
	       (id->device == PCI_ANY_ID || id->device == pdev->device) &&
	       !((id->class ^ pdev->class) & id->class_mask);
}

static const struct pci_device_id *pci_match_device(const struct pci_driver *drv,
						    const struct pci_dev *pdev)
{
	/* with driver_override set only that driver binds, whatever its table says */
	if (pdev->dev.driver_override && strcmp(pdev->dev.driver_override, drv->driver.name))
		return NULL;
	/* new_id's dynamic IDs first */
	const struct pci_device_id *dyn = pci_dynid_match(&drv->driver, pdev);
	if (dyn)
		return dyn;
	for (const struct pci_device_id *id = drv->id_table; id && (id->vendor || id->class_mask); id++)
		if (pci_match_one(id, pdev) && (!id->override_only || pdev->dev.driver_override))
			return id;
	if (pdev->dev.driver_override)
		return &pci_device_id_any;
	return NULL;
}

static int pci_bus_match(struct device *dev, struct device_driver *drv)
{
	return pci_match_device((const struct pci_driver *)drv, to_pci_dev(dev)) != NULL;
}

static int pci_device_probe(struct device *dev)
{
	struct pci_driver *drv = (struct pci_driver *)dev->driver;
	const struct pci_device_id *id = pci_match_device(drv, to_pci_dev(dev));
	if (!id || !drv->probe)
		return -ENODEV;
	/* pci_assign_irq(): INTx mapped (and written to the interrupt line) before every probe */
	pci_intx_irq(to_pci_dev(dev));
	return drv->probe(to_pci_dev(dev), id);
}

static void pci_device_remove(struct device *dev)
{
	struct pci_driver *drv = (struct pci_driver *)dev->driver;
	if (drv->remove)
		drv->remove(to_pci_dev(dev));
}

/*
 * of_dma_configure() on the host bridge's DT node, ACS (7.3), then
 * default-domain ownership when a driver is probing: 7.3's IOMMU core also
 * calls it for a function no driver has (iommu/bus_probe.c).
 */
static int pci_dma_configure(struct device *dev)
{
	struct pci_dev *pdev = to_pci_dev(dev);
	struct device *host = pdev->bus->host->bridge_parent;
	int ret = 0;
	if (host && host->of_node >= 0)
		ret = of_dma_configure_id(dev, host->of_node, true, NULL);
	pci_dma_configure_acs(pdev);
	if (!ret && dev->driver && !dev->driver->driver_managed_dma) {
		ret = iommu_device_use_default_domain(dev);
		if (ret)
			dev->dma_ops = NULL;	/* arch_teardown_dma_ops() */
	}
	return ret;
}

static void pci_dma_cleanup(struct device *dev)
{
	if (!dev->driver->driver_managed_dma)
		iommu_device_unuse_default_domain(dev);
}

const struct bus_type pci_bus_type = {
	.name = "pci",
	.match = pci_bus_match,
	.probe = pci_device_probe,
	.remove = pci_device_remove,
	.dma_configure = pci_dma_configure,
	.dma_cleanup = pci_dma_cleanup,
	.driver_unregistered = pci_free_dynids,
};
