/*
 * Resets of PCI functions as QEMU 7.2 performs them (hw/pci/pci.c,
 * pcie.c, pci_bridge.c and each device's reset handler):
 *
 * - a function reset, pci_device_reset(): the device's own cold reset
 *   (device_cold_reset: the virtio transport and device, the nvme
 *   controller, a bridge's registers, and for a bridge every function of
 *   its secondary bus first), then pci_do_device_reset()'s clearing of the
 *   command and status registers, the interrupt line, the cache line size,
 *   the BARs' addresses, MSI and MSI-X;
 * - what sets it off: a config write that leaves Initiate Function Level
 *   Reset set in Device Control (only functions whose pcie_cap_flr_init()
 *   made the bit writable: virtio-pci behind a PCIe port, nvme, the XIO3130
 *   switch ports; the bit reads 0 afterwards, pcie_cap_flr_write_config()),
 *   and a bridge's Secondary Bus Reset bit going from 0 to 1
 *   (pci_bridge_write_config(): bus_cold_reset of the secondary bus).
 *
 * Power management state writes reset nothing on QEMU 7.2: PMCSR's state
 * field is a plain writable register there (No_Soft_Reset is 0 on
 * virtio-pci, yet going D3hot -> D0 leaves the function as it was).
 */
#ifndef IOMMUSIM_HW_PCI_RESET_H
#define IOMMUSIM_HW_PCI_RESET_H

#include "machine/hw_pci.h"

struct hw_system;

/*
 * pci_device_reset(): fn and, for a bridge, everything behind it. hw finds
 * the device models (virtio, nvme) realized for the functions; NULL resets
 * config space only. The host's config routes are looked up afresh.
 */
void hw_pci_device_reset(struct hw_system *hw, struct hw_pci_fn *fn);

/*
 * What the system reset before the guest runs leaves in a freshly laid out
 * bridge beyond its layout: a root port's (pcie-root-port, ioh3420) windows
 * disabled, base above limit (rp_reset -> pci_bridge_disable_base_limit), so
 * the kernel's scan finds none open. Other functions: nothing.
 */
void hw_pci_bridge_power_on(struct hw_pci_fn *fn);

/* bus_cold_reset() of a bridge's secondary bus: every function on it (and below) reset. */
void hw_pci_bus_reset(struct hw_system *hw, struct hw_pci_bus *bus);

#endif
