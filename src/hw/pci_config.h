/*
 * Config space of a PCI function, as QEMU 7.2 keeps it (PCIDevice's config,
 * wmask and w1cmask arrays, hw/pci/pci.c): the bytes a config read returns,
 * which bits a write may change, which are write-1-to-clear. The kernel
 * reaches it only through config cycles (the host's ECAM window,
 * hw/pci_host.h); the hardware reads its own registers back from it (a
 * bridge's bus numbers route config cycles and form requester IDs, MSI-X's
 * Message Control gates the messages).
 *
 * How a device gets its layout. A device model's realize builds its config
 * space with the calls below and hw/pci_caps.h, in QEMU's order (the order
 * decides the capability list, since each new capability goes to the head):
 *
 *	struct hw_pci_config *c = hw_pci_config_new(fn, true);    PCIe: 4 KiB
 *	hw_pci_config_init_header(c, &(struct hw_pci_header){ ... });
 *	hw_pcie_endpoint_cap_init(fn, 0);           (hw/pci_caps.h)
 *	hw_msix_cap_init(fn, 0, nvec, 1, 0, 1, 0x800);
 *	fn->config = c;
 *
 * A function that has no config space yet when the board realizes (the
 * device files that only fill struct hw_pci_fn's description) gets one from
 * hw_pci_layout_build() (hw/pci_layout.h): its QEMU type's layout, looked up
 * by fn->qemu_driver, or a generic one made from the description's fields.
 *
 * Memory: a function keeps 3 bytes per config byte only up to the end of
 * its last capability (256 bytes, or just past the last extended
 * capability), or of the furthest byte written; the rest of its 4 KiB
 * reads 0 (QEMU keeps that space as plain RW bytes no device uses).
 */
#ifndef IOMMUSIM_HW_PCI_CONFIG_H
#define IOMMUSIM_HW_PCI_CONFIG_H

#include "machine/hw_pci.h"

#define HW_PCI_CONFIG_SPACE_SIZE 0x100
#define HW_PCIE_CONFIG_SPACE_SIZE 0x1000
#define HW_PCI_CONFIG_HEADER_SIZE 0x40

/* the type 1 header's bus-number registers */
#define HW_PCI_PRIMARY_BUS 0x18
#define HW_PCI_SECONDARY_BUS 0x19
#define HW_PCI_SUBORDINATE_BUS 0x1a
#define HW_PCI_SEC_LATENCY_TIMER 0x1b

struct hw_pci_config {
	u16 size;		/* 256 (conventional) or 4096 (PCIe): what a config cycle may reach */
	u16 len;		/* bytes kept in config/wmask/w1cmask */
	u8 *config;		/* len bytes each, one allocation */
	u8 *wmask;
	u8 *w1cmask;
	u8 used[HW_PCI_CONFIG_SPACE_SIZE / 8];	/* standard space taken by the header and capabilities */
	/* where the device put its capabilities (QEMU's exp.exp_cap, msi_cap, msix_cap ...); 0 none */
	u8 exp_cap, msi_cap, msix_cap, pm_cap;
	u16 aer_cap, acs_cap;
	u16 ext_last;		/* the last extended capability (0x100 once there is one) */
	/* a slot's reset turns its power indicator off whatever the slot holds (QEMU 8.0+) */
	bool slot_reset_power_indicator_off;
};

/* What a type's class_init and realize put in the header (pci_config_set_*). */
struct hw_pci_header {
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device;	/* type 0 only */
	u8 revision;
	u32 class;		/* class << 16 | subclass << 8 | prog-if */
	u8 header_type;		/* 0 or 1 (PCI_HEADER_TYPE_BRIDGE) */
	bool multifunction;	/* PCI_HEADER_TYPE_MULTI_FUNCTION */
	u8 interrupt_pin;	/* 1..4 INTA..INTD, 0 none */
};

/*
 * A function's config space at reset: all zero, QEMU's pci_init_wmask() and
 * pci_init_w1cmask() (cache line size, interrupt line and the command bits
 * writable, the status error bits write-1-to-clear, the space past the
 * header free). express: 4 KiB (pci_config_size()). NULL without memory.
 */
struct hw_pci_config *hw_pci_config_new(bool express);
void hw_pci_config_free(struct hw_pci_config *c);

/* IDs, class, header type and pin; a bridge header also gets pci_bridge_initfn()'s masks. */
void hw_pci_config_init_header(struct hw_pci_config *c, const struct hw_pci_header *h);

/*
 * pci_add_capability(): a capability of size bytes at offset (0: the first
 * free space from 0x40, as pci_find_space() picks it), linked at the head of
 * the list, read-only. The offset, or -ENOSPC (no room), -EINVAL (offset
 * not dword aligned, inside the header, or overlapping another capability:
 * QEMU refuses the device then).
 */
int hw_pci_add_capability(struct hw_pci_config *c, u8 cap_id, u8 offset, u8 size);
/*
 * pcie_add_capability(): an extended capability at offset (>= 0x100, dword
 * aligned), linked after the last one, read-only. 0, -EINVAL (bad or
 * overlapping offset), -ENOMEM.
 */
int hw_pcie_add_capability(struct hw_pci_config *c, u16 cap_id, u8 version, u16 offset, u16 size);

/* The offset of a capability as the list links it (hardware side helpers), or 0. */
u8 hw_pci_config_find_capability(const struct hw_pci_config *c, u8 cap_id);
u16 hw_pci_config_find_ext_capability(const struct hw_pci_config *c, u16 cap_id);

/* Direct access for a device model's own registers (little endian; offsets past len: reads 0, writes dropped). */
u32 hw_pci_get(const struct hw_pci_config *c, unsigned offset, unsigned size);
void hw_pci_set(struct hw_pci_config *c, unsigned offset, unsigned size, u32 val);
void hw_pci_set_wmask(struct hw_pci_config *c, unsigned offset, unsigned size, u32 val);
void hw_pci_set_w1cmask(struct hw_pci_config *c, unsigned offset, unsigned size, u32 val);

/*
 * A config read of size 1, 2 or 4 at offset (aligned to its size) as it
 * reaches the function: 0 and *val; -EINVAL for a bad size or alignment,
 * an offset past the function's config space, or a function with none.
 */
int hw_pci_config_read(const struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 *val);
/*
 * The write, as pci_default_write_config() applies it: each bit changes
 * only where wmask allows, a 1 clears a w1c bit; then the device's reaction
 * (MSI-X Message Control reaches the table's state). The same errors.
 */
int hw_pci_config_write(struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 val);

/* The PCIe capability's device/port type (PCI_EXP_FLAGS_TYPE), or -1 for a conventional function. */
int hw_pci_config_pcie_type(const struct hw_pci_fn *fn);

/* The bus-number registers of a bridge as the hardware reads them (pci_bus_num()); 0 for others. */
u8 hw_pci_config_secondary_bus(const struct hw_pci_fn *fn);
u8 hw_pci_config_subordinate_bus(const struct hw_pci_fn *fn);

#endif
