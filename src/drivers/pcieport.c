/*
 * pcieport (drivers/pci/pcie/portdrv.c): matches every PCI-to-PCI bridge by
 * class, so dma_configure runs (and the bridge gets a group) even for the
 * conventional bridges whose probe then refuses them with -ENODEV.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "pci/pci.h"

static const struct pci_device_id port_pci_ids[] = {
	{ PCI_ANY_ID, PCI_ANY_ID, 0x060400, 0xffffff },	/* PCI-to-PCI bridge */
	{ PCI_ANY_ID, PCI_ANY_ID, 0x060401, 0xffffff },	/* subtractive decode */
	{ PCI_ANY_ID, PCI_ANY_ID, 0x080700, 0xffffff },	/* root complex event collector */
	{ 0, 0, 0, 0 },
};

static int pcie_portdrv_probe(struct pci_dev *dev, const struct pci_device_id *id)
{
	(void)id;
	if (!pci_is_pcie(dev) ||
	    (dev->pcie_type != HW_PCIE_ROOT_PORT && dev->pcie_type != HW_PCIE_UPSTREAM &&
	     dev->pcie_type != HW_PCIE_DOWNSTREAM && dev->pcie_type != HW_PCIE_RC_EC))
		return -ENODEV;
	/* pcie_port_device_register() enables the port before its services */
	return pci_enable_device(dev);
}

static void pcie_portdrv_remove(struct pci_dev *dev)
{
	pci_disable_device(dev);
}

struct pci_driver pcie_portdriver = {
	.driver = { .name = "pcieport", .bus = &pci_bus_type },
	.id_table = port_pci_ids,
	.probe = pcie_portdrv_probe,
	.remove = pcie_portdrv_remove,
};
