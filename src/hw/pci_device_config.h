/*
 * A PCI function's config reads and writes as its QEMU 7.2 type handles
 * them (PCIDeviceClass config_read/config_write over pci_default_*): the
 * stored bytes (hw/pci_config.h), then what the type does with the access:
 * pcie_cap_flr_write_config()'s Function Level Reset, pci_bridge_write_config()'s
 * secondary bus reset (hw/pci_reset.h), virtio-pci's configuration access
 * window and bus master handling (hw/virtio_pci_cfg.h).
 */
#ifndef IOMMUSIM_HW_PCI_DEVICE_CONFIG_H
#define IOMMUSIM_HW_PCI_DEVICE_CONFIG_H

#include "machine/hw_pci.h"

struct hw_system;

/*
 * The read: 0 and *val, or hw_pci_config_read()'s -EINVAL. hw reaches the
 * device models a virtio window reads through (NULL: the stored bytes).
 */
int hw_pci_read_config(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 *val);

/*
 * The write and the resets or device accesses it starts. 0, or
 * hw_pci_config_write()'s -EINVAL (nothing written then). The host's
 * config routes are looked up afresh after a reset.
 */
int hw_pci_write_config(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 val);

#endif
