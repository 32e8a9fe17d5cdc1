/*
 * What QEMU 7.2's virtio-pci proxy does with config accesses besides
 * storing them (virtio_write_config/virtio_read_config, hw/virtio/virtio-pci.c):
 *
 * - the PCI configuration access capability (VIRTIO_PCI_CAP_PCI_CFG): a
 *   write of pci_cfg_data writes cap.length bytes (1, 2 or 4) at cap.offset
 *   of the modern BAR's regions; a read of it first fetches them from there.
 *   Reached through it: the common configuration's device_status,
 *   msix_config, num_queues and config_generation, the ISR (a read clears
 *   it), the device configuration (read), the notify area (a write kicks
 *   the queue). The common configuration's selector registers and the queue
 *   fields behind them are not modelled there (read 0, writes dropped);
 * - clearing Bus Master Enable in the command register takes DRIVER_OK
 *   away from the device status (virtio_set_status()).
 */
#ifndef IOMMUSIM_HW_VIRTIO_PCI_CFG_H
#define IOMMUSIM_HW_VIRTIO_PCI_CFG_H

#include "machine/hw_pci.h"

struct hw_system;

/* After a config write of size bytes at offset to the proxy fn (hw: where its device model is). */
void hw_virtio_pci_cfg_write(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size);
/* Before a config read: the window's data refreshed when the read covers it. */
void hw_virtio_pci_cfg_read(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size);

#endif
