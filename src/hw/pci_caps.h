/*
 * The capabilities QEMU 7.2's devices put in config space, one call per
 * QEMU helper (hw/pci/pcie.c, pcie_aer.c, msi.c, msix.c, shpc.c,
 * slotid_cap.c, pci_bridge.c, virtio-pci.c): each adds the capability with
 * QEMU's register values and write masks, and remembers where it went in
 * fn->config (exp_cap, msi_cap, msix_cap, pm_cap, aer_cap, acs_cap).
 * fn->config must exist (hw_pci_config_new). Offsets of 0 mean "first free
 * space", as in QEMU. Each returns the offset, or a negative errno from
 * hw_pci_add_capability()/hw_pcie_add_capability().
 */
#ifndef IOMMUSIM_HW_PCI_CAPS_H
#define IOMMUSIM_HW_PCI_CAPS_H

#include "hw/pci_config.h"

/* Link speeds and widths as QEMU's PCIESlot x-speed / x-width (PCIE_LINK_SPEED_*, PCIE_LINK_WIDTH_*). */
enum hw_pcie_link_speed { HW_PCIE_LINK_2_5GT = 1, HW_PCIE_LINK_5GT, HW_PCIE_LINK_8GT, HW_PCIE_LINK_16GT };

/*
 * pcie_cap_init(): the PCI Express capability, version 2, for a device of
 * port type (PCI_EXP_TYPE_*) and link port number. A slot (root and
 * downstream ports) passes its link speed and width (pcie_cap_fill_slot_lnk);
 * speed 0 leaves the x1 2.5 GT/s link of pcie_cap_v1_fill.
 */
int hw_pcie_cap_init(struct hw_pci_fn *fn, u8 offset, u8 type, u8 port, enum hw_pcie_link_speed speed,
		     unsigned width);
/* pcie_endpoint_cap_init(): an endpoint, or a root complex integrated endpoint on a PCIe root bus. */
int hw_pcie_endpoint_cap_init(struct hw_pci_fn *fn, u8 offset);
/* pcie_cap_deverr_init, pcie_cap_lnkctl_init, pcie_cap_arifwd_init, pcie_cap_flr_init, pcie_cap_root_init */
void hw_pcie_cap_deverr_init(struct hw_pci_fn *fn);
void hw_pcie_cap_lnkctl_init(struct hw_pci_fn *fn);
void hw_pcie_cap_arifwd_init(struct hw_pci_fn *fn);
void hw_pcie_cap_flr_init(struct hw_pci_fn *fn);
void hw_pcie_cap_root_init(struct hw_pci_fn *fn);
/*
 * pcie_cap_slot_init(): the slot registers of a root or downstream port:
 * physical slot number, hot-plug capable when hotplug, presence detected
 * when a device sits below (cold plug sets it, pcie_cap_slot_plug_cb).
 */
void hw_pcie_cap_slot_init(struct hw_pci_fn *fn, u16 slot, bool hotplug, bool present);
/* x-pcie-lnksta-dllla (on by default): the port's Link Status reports the data link layer active */
void hw_pcie_cap_lnksta_dllla(struct hw_pci_fn *fn);
/* pcie_port_init_reg(): a PCIe port's status registers are 0 and some bridge controls hardwired */
void hw_pcie_port_init_reg(struct hw_pci_fn *fn);

/*
 * pcie_aer_init(): Advanced Error Reporting (version ver) of size bytes;
 * root ports get the root registers. log_max: the header log's depth
 * (PCIESlot's aer_log_max, 0 for other devices): more than 1 makes it
 * multiple-header recording capable.
 */
#define HW_PCI_ERR_SIZEOF 0x48	/* QEMU's AER capability, TLP prefix log included */
int hw_pcie_aer_init(struct hw_pci_fn *fn, u8 ver, u16 offset, u16 size, unsigned log_max);
/* pcie_acs_init(): the ACS capability; downstream and root ports have SV, TB, RR, CR, UF, DT, all off. */
int hw_pcie_acs_init(struct hw_pci_fn *fn, u16 offset);

/* msi_init(): nr_vectors (1..32, a power of 2), 64-bit addresses, per-vector masking. */
int hw_msi_init(struct hw_pci_fn *fn, u8 offset, unsigned nr_vectors, bool msi64bit, bool per_vector_mask);
/*
 * msix_init(): the MSI-X capability for a table of nentries in BAR
 * table_bar at table_offset and its PBA in pba_bar at pba_offset. Only
 * Enable and Function Mask are writable; the function's table (fn->msix)
 * follows what the kernel writes there.
 */
int hw_msix_cap_init(struct hw_pci_fn *fn, u8 offset, unsigned nentries, u8 table_bar, u32 table_offset,
		     u8 pba_bar, u32 pba_offset);

/* The power management capability QEMU's PCIe devices add: PMC version 3, D0-D3 writable. */
int hw_pci_pm_init(struct hw_pci_fn *fn, u8 offset);
/* pci_bridge_ssvid_init(): a bridge's subsystem vendor ID capability. */
int hw_pci_bridge_ssvid_init(struct hw_pci_fn *fn, u8 offset, u16 svid, u16 ssid);
/* slotid_cap_init(): the slot numbering capability (first in chassis), chassis writable. */
int hw_slotid_cap_init(struct hw_pci_fn *fn, unsigned nslots, u8 chassis, u8 offset);
/* shpc_cap_add_config(): the SHPC capability's DWORD select/data window (registers not modelled: data reads 0). */
int hw_shpc_cap_init(struct hw_pci_fn *fn, u8 offset);
/* virtio_pci_add_mem_cap(): a virtio vendor capability (struct virtio_pci_cap, cap_len bytes). */
int hw_virtio_pci_add_cap(struct hw_pci_fn *fn, u8 cfg_type, u8 bar, u32 offset, u32 length, u8 cap_len,
			  u32 notify_off_multiplier);

/*
 * pci_register_bar(): BAR bar of size bytes (a power of 2) and type
 * (PCI_BASE_ADDRESS_SPACE_IO, or memory with PCI_BASE_ADDRESS_MEM_TYPE_64 and
 * PCI_BASE_ADDRESS_MEM_PREFETCH): the address bits writable, the type bits
 * read-only, so the kernel can size it. bar HW_PCI_ROM_SLOT is the
 * expansion ROM (at least 2 KiB). -EINVAL for a bad BAR or size.
 */
#define HW_PCI_ROM_SLOT 6
int hw_pci_register_bar(struct hw_pci_fn *fn, unsigned bar, u8 type, u64 size);

#endif
