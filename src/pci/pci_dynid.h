/*
 * A PCI driver's dynamic IDs (drivers/pci/pci-driver.c, 6.1): what
 * /sys/bus/pci/drivers/X/new_id adds and remove_id takes away, per system,
 * matched before the driver's own table. They go when the driver
 * unregisters (pci_free_dynids()).
 */
#ifndef IOMMUSIM_PCI_PCI_DYNID_H
#define IOMMUSIM_PCI_PCI_DYNID_H

#include "pci/pci.h"

/* The first of the driver's dynamic IDs that matches pdev, NULL when none. */
const struct pci_device_id *pci_dynid_match(const struct device_driver *drv, const struct pci_dev *pdev);
/*
 * new_id_store(): "VENDOR DEVICE [SUBVENDOR SUBDEVICE CLASS CLASS_MASK
 * DRIVER_DATA]" in hex. Adds the ID and attaches the driver to every
 * unbound device it now matches. 0, -EINVAL (fewer than two numbers, or a
 * driver_data no entry of the driver's table has), -EEXIST (the driver
 * matches that device already; not checked when all seven are given),
 * -ENOMEM.
 */
int pci_new_id_store(struct kernel *k, struct device_driver *drv, const char *buf);
/*
 * remove_id_store(): "VENDOR DEVICE [SUBVENDOR SUBDEVICE CLASS CLASS_MASK]":
 * removes the first dynamic ID that fits. 0, -EINVAL (fewer than two
 * numbers), -ENODEV (none fits).
 */
int pci_remove_id_store(struct kernel *k, struct device_driver *drv, const char *buf);
/* pci_free_dynids(): the driver's (drv) or, with NULL, every driver's */
void pci_free_dynids(struct kernel *k, const struct device_driver *drv);

#endif
