/*
 * PCI core (drivers/pci): the buses and functions Linux enumerates from the
 * machine's PCI hardware, their requester IDs, DMA aliases and ACS.
 */
#ifndef IOMMUSIM_PCI_PCI_H
#define IOMMUSIM_PCI_PCI_H

#include "base/device.h"
#include "hw/system.h"
#include "machine/hw_pci.h"
#include "pci/resource.h"

#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)
#define PCI_DEVFN(slot, fn) ((((slot) & 0x1f) << 3) | ((fn) & 0x07))
#define PCI_DEVID(bus, devfn) ((((u16)(bus)) << 8) | (devfn))

/* ACS capability/control bits (PCI_ACS_*) */
#define PCI_ACS_SV 0x0001
#define PCI_ACS_TB 0x0002
#define PCI_ACS_RR 0x0004
#define PCI_ACS_CR 0x0008
#define PCI_ACS_UF 0x0010
#define PCI_ACS_EC 0x0020
#define PCI_ACS_DT 0x0040
/* what the IOMMU core needs for isolation (REQ_ACS_FLAGS) */
#define REQ_ACS_FLAGS (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

struct pci_dev;

/* pci_reset_fn_methods[] of 6.1, in priority order (index 0: none) */
enum pci_reset_method {
	PCI_RESET_NONE,
	PCI_RESET_DEVICE_SPECIFIC,
	PCI_RESET_ACPI,
	PCI_RESET_FLR,
	PCI_RESET_AF_FLR,
	PCI_RESET_PM,
	PCI_RESET_BUS,
	PCI_NUM_RESET_METHODS,
};

/* power states (pci_power_t) */
#define PCI_D0 0
#define PCI_D1 1
#define PCI_D2 2
#define PCI_D3hot 3
#define PCI_D3cold 4

#define PCI_EXP_SAVE_REGS 7
#define PCI_AER_SAVE_REGS 5

/*
 * What pci_save_state() keeps of a function: the header's 16 dwords and
 * the capability buffers pci_init_capabilities() allocated for it (the
 * PCIe control registers, AER's masks, severity, control and root command).
 */
struct pci_saved_regs {
	u32 config_space[16];
	bool has_exp;			/* a PCIe buffer (pci_allocate_cap_save_buffers) */
	u16 exp[PCI_EXP_SAVE_REGS];	/* DEVCTL LNKCTL SLTCTL RTCTL DEVCTL2 LNKCTL2 SLTCTL2 */
	unsigned naer;			/* the AER buffer's dwords: 4, 5 with root command, 0 none */
	u32 aer[PCI_AER_SAVE_REGS];
};

/* a function's resources, as Linux numbers them without SR-IOV: BARs, ROM, bridge windows */
#define PCI_ROM_RESOURCE 6
#define PCI_BRIDGE_IO_WINDOW 7
#define PCI_BRIDGE_MEM_WINDOW 8
#define PCI_BRIDGE_PREF_MEM_WINDOW 9
#define PCI_BRIDGE_RESOURCES PCI_BRIDGE_IO_WINDOW
#define PCI_NUM_RESOURCES 10
/* a bus's windows: a bridge's three, or the host bridge's (pci_bus_for_each_resource) */
#define PCI_BUS_NUM_RESOURCES 8

struct pci_bus {
	struct pci_bus *parent;
	struct pci_dev *self;		/* bridge leading here; NULL on the root bus */
	u8 number, primary, busn_end;	/* busn_end: subordinate bus number */
	bool no_extcfg;			/* PCI_BUS_FLAGS_NO_EXTCFG: 256-byte config space only */
	struct pci_dev **devices;	/* in devfn order */
	size_t ndevices;
	struct pci_bus **children;
	size_t nchildren;
	struct pci_host *host;
	struct resource *resource[PCI_BUS_NUM_RESOURCES];	/* what the bus forwards, NULL: none */
	u16 bridge_ctl;			/* the bridge's Bridge Control as the scan left it */
};

/* What pci_read_bases() found a BAR to be (its resource flags) */
enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM };
#define PCI_STD_NUM_BARS 6

struct pci_dev {
	struct device dev;
	struct pci_bus *bus;
	struct pci_bus *subordinate;	/* bridges */
	u8 devfn;
	u16 vendor, device, subsystem_vendor, subsystem_device;
	u8 revision;
	u32 class;
	u8 hdr_type;			/* without the multifunction bit */
	bool multifunction;
	int pcie_type;			/* pci_pcie_type(): from the PCIe capability; HW_PCIE_NONE: conventional */
	u8 pcie_cap;			/* the capabilities' offsets in config space, 0 if absent */
	u8 msix_cap;
	u16 acs_cap;
	u16 aer_cap;
	u16 cfg_size;			/* 256 or 4096 (pci_cfg_space_size) */
	u8 pin;				/* PCI_INTERRUPT_PIN */
	enum pci_bar_kind bar[PCI_STD_NUM_BARS];
	/* pci_resource_len() of each BAR and of the ROM (PCI_ROM_RESOURCE) as sized; 0: none */
	u64 bar_len[PCI_STD_NUM_BARS];
	u64 rom_len;
	bool io_window;			/* bridges: the I/O base register is implemented */
	bool pref_window, pref_64_window;	/* bridges: a prefetchable window, with upper 32 bits */
	/*
	 * dev->resource[] (pci/setup_bus.c, setup_res.c): each BAR, the ROM and
	 * a bridge's windows with the addresses Linux assigned (parent set) or
	 * as sized (start 0, or a window's alignment, and flags 0 when unused)
	 */
	struct resource resource[PCI_NUM_RESOURCES];
	u8 rom_base_reg;		/* PCI_ROM_ADDRESS or PCI_ROM_ADDRESS1 */
	bool is_hotplug_bridge;
	u32 dev_flags;
	/*
	 * The function behind the BARs: the MSI-X table window and the virtio
	 * transport's registers are reached through it, as a driver's
	 * ioremap() of a BAR would (the hardware side does not decode the
	 * assigned addresses). Nothing in config space is read from it.
	 */
	const struct hw_pci_fn *hw;
	unsigned enable_cnt;		/* pci_enable_device() calls not yet undone */
	u16 command;			/* the command register's decode bits the kernel set */
	bool is_busmaster;
	/* interrupts (pci/msi.c) */
	int irq;			/* INTx's Linux irq once assigned (0: none) */
	bool irq_assigned;		/* pci_assign_irq() ran */
	bool msix_enabled;
	bool msi_enabled;		/* plain MSI: its vectors are in msix_irqs too */
	int *msix_irqs;			/* Linux irq of each MSI-X (or MSI) vector in use */
	unsigned msix_nvec;
	/* resets and saved state (pci/reset.c) */
	u8 pm_cap;			/* the PM capability (pci_pm_init()), 0 if absent */
	u32 devcap;			/* PCIe Device Capabilities as set_pcie_port_type() read them */
	bool link_active_reporting;	/* bridges: Link Capabilities' DLLLARC */
	u8 current_state;		/* the PM state the kernel believes in (PCI_D0 ...) */
	u8 reset_methods[PCI_NUM_RESET_METHODS];	/* pci_reset_fn_methods indexes, 0-terminated */
	bool reset_attrs;		/* sysfs reset and reset_method exist: a method when it was added */
	bool state_saved;
	struct pci_saved_regs saved;	/* pci_save_state()'s copy */
	/* pci_dev_lock()'s pci_cfg_access_lock(): dev->block_cfg_access */
	bool block_cfg_access;
};

#define PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT (1u << 9)
#define PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS (1u << 8)

struct pci_host {
	struct device *bridge_parent;	/* the host bridge's platform device (DT node owner) */
	struct hw_mmio ecam;		/* its config window, ioremapped (pci_ecam_create) */
	int domain;
	struct pci_bus *root;
	struct pci_dev **all;		/* every function, in enumeration order */
	size_t nall;
	bool acs_requested;		/* pci_request_acs() was called */
	bool sbr_unlocked_warned;	/* pci_bridge_secondary_bus_reset()'s pci_warn_once() fired */
	/* the host bridge's windows from the DT ranges, in their order */
	struct resource windows[PCI_BUS_NUM_RESOURCES];
	unsigned nwindows;
};

extern const struct bus_type pci_bus_type;

static inline struct pci_dev *to_pci_dev(struct device *dev)
{
	return (struct pci_dev *)dev;	/* dev is the first member */
}
static inline bool dev_is_pci(const struct device *dev)
{
	return dev->bus == &pci_bus_type;
}
static inline bool pci_is_pcie(const struct pci_dev *pdev)
{
	return pdev->pcie_type != HW_PCIE_NONE;
}
static inline bool pci_is_root_bus(const struct pci_bus *bus)
{
	return bus->parent == NULL;
}
static inline u16 pci_dev_id(const struct pci_dev *pdev)
{
	return PCI_DEVID(pdev->bus->number, pdev->devfn);
}

/*
 * Enumerate what answers in the host bridge's ECAM window as Linux does:
 * functions found by their vendor ID, slot by slot, bus numbers assigned
 * depth first and written to the bridges; each function added to the
 * driver core but not yet probed. Logs Linux's lines. windows: the host
 * bridge's (at most PCI_BUS_NUM_RESOURCES), which the root bus forwards.
 */
struct pci_host *pci_scan_root_bus(struct kernel *k, struct device *bridge_parent, const struct hw_mmio *ecam,
				   const struct resource *windows, unsigned nwindows);

/*
 * Config accessors (drivers/pci/access.c over pci_generic_config_read/write
 * of the ECAM window): 0, or -ENODEV when the function does not answer
 * (the value reads all ones then, as PCI_POSSIBLE_ERROR).
 */
int pci_bus_read_config(struct pci_bus *bus, unsigned devfn, unsigned where, unsigned size, u32 *val);
int pci_bus_write_config(struct pci_bus *bus, unsigned devfn, unsigned where, unsigned size, u32 val);
int pci_read_config_byte(struct pci_dev *dev, unsigned where, u8 *val);
int pci_read_config_word(struct pci_dev *dev, unsigned where, u16 *val);
int pci_read_config_dword(struct pci_dev *dev, unsigned where, u32 *val);
int pci_write_config_byte(struct pci_dev *dev, unsigned where, u8 val);
int pci_write_config_word(struct pci_dev *dev, unsigned where, u16 val);
int pci_write_config_dword(struct pci_dev *dev, unsigned where, u32 val);
/* pci_find_capability(), pci_find_next_capability(), pci_find_ext_capability(): an offset or 0 */
u8 pci_find_capability(struct pci_dev *dev, u8 cap);
u8 pci_find_next_capability(struct pci_dev *dev, u8 pos, u8 cap);
u16 pci_find_ext_capability(struct pci_dev *dev, u16 cap);
/* pci_set_master()/pci_clear_master(): the command register's bus master bit */
void pci_set_master(struct pci_dev *dev);
void pci_clear_master(struct pci_dev *dev);
/* pci_intx(): INTx disable bit of the command register (enable = false sets it) */
void pci_intx(struct pci_dev *dev, bool enable);
/*
 * Resource assignment as pci_host_probe() runs it between the scan and
 * pci_bus_add_devices() (drivers/pci/setup-bus.c, setup-res.c of 6.1):
 * pci_bus_size_bridges() sizes every bridge window bottom up (a hotplug
 * bridge's at least 256 bytes of I/O and 2M of each memory window);
 * pci_bus_assign_resources() then assigns each bus's resources, largest
 * alignment first, into the windows above them, writes the BARs and
 * programs each bridge (pci_setup_bridge()), logging Linux's lines.
 */
void pci_bus_size_bridges(struct pci_bus *bus);
void pci_bus_assign_resources(struct pci_bus *bus);
/*
 * pci_assign_resource(): an address for dev->resource[resno] from the
 * windows of its bus; 0, or -ENOMEM with "can't assign; no space" and
 * "failed to assign" logged (the resource is left unset).
 */
int pci_assign_resource(struct pci_dev *dev, int resno);
/* pci_resource_name(): "BAR 0".."BAR 5", "ROM", "bridge window" */
const char *pci_resource_name(const struct pci_dev *dev, int resno);
/* pci_resource_alignment(): a window's start while sized, else its size */
u64 pci_resource_alignment(const struct pci_dev *dev, const struct resource *res);

/* pci_bus_add_devices(): let drivers probe, bus by bus as Linux orders it. */
void pci_bus_add_devices(struct pci_bus *bus);
void pci_host_free(struct pci_host *host);
struct pci_dev *pci_get_by_name(struct kernel *k, const char *name);

/*
 * pci_enable_device(): 0 (a resource that found no space lost its type, so
 * pci_enable_resources() has nothing to refuse); pci_disable_device() undoes it.
 */
int pci_enable_device(struct pci_dev *dev);
void pci_disable_device(struct pci_dev *dev);

/*
 * PCI interrupts (drivers/pci/msi, pci_assign_irq): pci_alloc_irq_vectors()
 * takes MSI-X vectors when the function has the capability and the table is
 * big enough (between min and max, as many as it can), else INTx when
 * allowed and min is 1. Returns how many, -EINVAL (no MSI-X capability, no
 * MSI controller), -ENOSPC (the table is too small for min), -ENOMEM.
 */
#define PCI_IRQ_LEGACY (1u << 0)
#define PCI_IRQ_MSI (1u << 1)
#define PCI_IRQ_MSIX (1u << 2)
int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned min_vecs, unsigned max_vecs, unsigned flags);
void pci_free_irq_vectors(struct pci_dev *dev);
/* The Linux irq of vector nr: an MSI-X vector, or INTx for 0; -EINVAL otherwise. */
int pci_irq_vector(struct pci_dev *dev, unsigned nr);
/*
 * pci_msix_alloc_irq_at(): one more MSI-X vector at table entry index while
 * MSI-X is on (its message written, the entry masked until request_irq()).
 * The Linux irq, or -ENOTSUPP (MSI-X off, or no dynamic allocation: 6.1, an
 * MSI parent without MSI_FLAG_PCI_MSIX_ALLOC_DYN), -EINVAL (index outside the
 * table), -EBUSY (the entry has a vector), the MSI domain's error.
 */
int pci_msix_alloc_irq_at(struct pci_dev *dev, unsigned index);
/* pci_msix_vec_count(): the table size, or -EINVAL without MSI-X. */
int pci_msix_vec_count(struct pci_dev *dev);
/* pci_assign_irq(): INTx through the bridges and the host's interrupt-map; 0 when none. */
int pci_intx_irq(struct pci_dev *dev);
/* Free what interrupt state the function still has (teardown of the model). */
void pci_msi_release(struct pci_dev *dev);

/*
 * Function resets and saved state (drivers/pci/pci.c of 6.1, pci/reset.c).
 * pci_init_reset_methods() at device add probes pci_reset_fn_methods in
 * order (device-specific and ACPI: none here; FLR from Device
 * Capabilities; AF FLR; PM without No_Soft_Reset; bus: a hotplug slot's
 * reset or the parent bridge's secondary bus reset when the function is
 * alone behind it) into dev->reset_methods.
 */
void pci_init_reset_methods(struct pci_dev *dev);
/* a method's name as the reset_method attribute shows it ("flr", "pm", "bus" ...) */
const char *pci_reset_method_name(int method);
/* 0 when dev->reset_methods has a method, else -ENOTTY (pci_reset_supported()) */
int pci_probe_reset_function(struct pci_dev *dev);
/*
 * The methods in order until one works: 0, -ENOTTY (none did), or a
 * method's error (-EINVAL: PM reset out of D0; -ENOTTY also when the
 * device does not come back after a secondary bus reset).
 */
int __pci_reset_function_locked(struct pci_dev *dev);
/*
 * pci_dev_save_and_disable() (D0, pci_save_state(), command register to
 * INTx disable), __pci_reset_function_locked(), pci_dev_restore(): its
 * result, or -ENOTTY without a method. The model never contends for the
 * device lock, so never -EAGAIN.
 */
int pci_try_reset_function(struct pci_dev *dev);
/* pci_reset_function(): the same, waiting for the device lock (never contended here) */
int pci_reset_function(struct pci_dev *dev);
/*
 * The sysfs stores: reset (reset_store(): "1" resets the function, its
 * result; -EINVAL for anything else) and reset_method (reset_method_store():
 * "" disables every method with a warning, "default" probes them again, a
 * list of names sets them; -EINVAL with pci_err's "Invalid reset method"
 * or "Unsupported reset method" line and the methods unchanged).
 */
int pci_reset_store(struct pci_dev *dev, const char *buf);
int pci_reset_method_store(struct pci_dev *dev, const char *buf);
/* pci_save_state(): 0 (the buffers always exist here) */
int pci_save_state(struct pci_dev *dev);
/* pci_restore_state(): nothing unless a state is saved; afterwards none is */
void pci_restore_state(struct pci_dev *dev);
/* pci_store_saved_state(): a copy of the saved state, NULL when none is saved or without memory */
struct pci_saved_state;
struct pci_saved_state *pci_store_saved_state(struct pci_dev *dev);
/*
 * pci_load_saved_state(): state becomes the saved state (NULL: none saved,
 * 0); -EINVAL when its capability buffers do not match the function's.
 * pci_load_and_free_saved_state() also frees *state and clears it.
 */
int pci_load_saved_state(struct pci_dev *dev, struct pci_saved_state *state);
int pci_load_and_free_saved_state(struct pci_dev *dev, struct pci_saved_state **state);
/*
 * pci_set_power_state() (pci/power.c): D0 through D3hot by PMCSR; 0, -EIO
 * (no PM capability, D1/D2 not offered, the function gone), -EINVAL (from a
 * low-power state only deeper), "Refused to change power state" logged when
 * the function keeps its state.
 */
int pci_set_power_state(struct pci_dev *dev, unsigned state);
/* pci_enable_acs() (pci/acs.c): ACS controls on once pci_request_acs() was called */
void pci_enable_acs(struct pci_dev *dev);
/* pci_acs_init(): the capability found at enumeration, enabled there on 6.1 */
void pci_acs_init(struct pci_dev *dev);
/* pci_dma_configure()'s pci_enable_acs() (7.3; nothing on 6.1) */
void pci_dma_configure_acs(struct pci_dev *dev);

/* pci_for_each_dma_alias(): fn(pdev_or_bridge, alias, data); nonzero stops. */
int pci_for_each_dma_alias(struct pci_dev *pdev,
			   int (*fn)(struct pci_dev *pdev, u16 alias, void *data), void *data);
bool pci_acs_enabled(struct pci_dev *pdev, u16 acs_flags);
bool pci_acs_path_enabled(struct pci_dev *start, struct pci_dev *end, u16 acs_flags);

/* The PCI driver interface (struct pci_driver) */
struct pci_device_id {
	u32 vendor, device;		/* PCI_ANY_ID matches all */
	u32 class, class_mask;
	bool override_only;		/* matches only a device whose driver_override names the driver */
};
#define PCI_ANY_ID (~0u)

struct pci_driver {
	struct device_driver driver;
	const struct pci_device_id *id_table;	/* terminated by vendor == 0 && class_mask == 0 */
	int (*probe)(struct pci_dev *pdev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *pdev);
};

#endif
