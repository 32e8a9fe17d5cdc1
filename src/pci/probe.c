/*
 * Enumeration as drivers/pci/probe.c does it on a host bridge no firmware
 * configured: every slot of a bus is scanned first (function 0, then 1-7 only
 * when function 0 is multifunction), then each bridge in devfn order gets the
 * next bus number and is scanned in turn, so numbers go depth first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "pci/pci.h"
#include "pci/pci_version.h"
#include "pci/aspm.h"
#include "pci/pcie_bw.h"
#include "hw/pci_host.h"
#include "kversion/linux_version.h"

static const struct pci_version *pci_ver(const struct pci_dev *dev)
{
	return kernel_version(dev->dev.k)->pci;
}

static int push(void *arrp, size_t *n, void *item)
{
	void ***arr = arrp;
	/* grow in powers of two: n is the count, capacity is the next power */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 4;
		void **p = realloc(*arr, cap * sizeof(void *));
		if (!p)
			return -ENOMEM;
		*arr = p;
	}
	(*arr)[(*n)++] = item;
	return 0;
}

/* pci_bus_read_dev_vendor_id(): nothing answers with all ones (or the error patterns Linux rejects) */
static bool pci_bus_read_dev_vendor_id(struct pci_bus *bus, unsigned devfn, u32 *l)
{
	if (pci_bus_read_config(bus, devfn, PCI_VENDOR_ID, 4, l))
		return false;
	return !(*l == 0xffffffff || *l == 0x00000000 || *l == 0x0000ffff || *l == 0xffff0000);
}

/*
 * pci_cfg_space_size(): 4096 when the dword at 0x100 answers (a PCIe
 * function, or a host bridge) on a bus that reaches extended config space
 */
static u16 pci_cfg_space_size(struct pci_dev *dev)
{
	if (dev->bus->no_extcfg)
		return 256;
	if (!dev->pcie_cap && (dev->class >> 8) != 0x0600 /* PCI_CLASS_BRIDGE_HOST */)
		return 256;
	u32 status;
	if (pci_read_config_dword(dev, 256, &status) || status == 0xffffffff)
		return 256;
	return 4096;
}

/* a register's value after all ones were written to it (then put back) */
static u32 size_probe(struct pci_dev *dev, unsigned pos, u32 ones, u32 *orig)
{
	u32 sz;
	pci_read_config_dword(dev, pos, orig);
	pci_write_config_dword(dev, pos, *orig | ones);
	pci_read_config_dword(dev, pos, &sz);
	pci_write_config_dword(dev, pos, *orig);
	return sz == 0xffffffff ? 0 : sz;
}

/* pci_size(): the lowest address bit that sticks is the size */
static u64 bar_size(u64 sz, u64 mask)
{
	u64 size = sz & mask;
	return size & ~(size - 1);
}

/*
 * pci_read_bases() -> __pci_read_base(): each BAR sized by writing all ones
 * and reading back what sticks (decoding is off at reset), then restored;
 * Linux logs each one found, unassigned ("BAR 0 [io  0x0000-0x001f]"),
 * then the expansion ROM's register (rom: its offset).
 */
static void pci_read_bases(struct pci_dev *dev, unsigned howmany, unsigned rom)
{
	for (unsigned i = 0; i < howmany; i++) {
		unsigned pos = PCI_BASE_ADDRESS_0 + i * 4;
		u32 l, sz = size_probe(dev, pos, ~0u, &l);
		if (!sz)
			continue;
		if (l & PCI_BASE_ADDRESS_SPACE_IO) {
			u64 size = bar_size(sz, PCI_BASE_ADDRESS_IO_MASK & 0xffff);
			if (!size)
				continue;
			dev->bar[i] = PCI_BAR_IO;
			dev->bar_len[i] = size;
			/* decode_bar(): the type and the register's low bits, aligned to the size */
			dev->resource[i] = (struct resource){
				.end = size - 1,
				.flags = IORESOURCE_IO | IORESOURCE_SIZEALIGN | (l & ~PCI_BASE_ADDRESS_IO_MASK & 0x3),
			};
			dev_info(&dev->dev, "BAR %u [io  0x0000-0x%04llx]\n", i, (unsigned long long)(size - 1));
			continue;
		}
		bool is64 = (l & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64;
		u64 sz64 = sz;
		if (is64 && i + 1 < howmany) {
			/* a 64-bit BAR takes the next register for its upper half */
			u32 hi_orig;
			sz64 |= (u64)size_probe(dev, pos + 4, ~0u, &hi_orig) << 32;
		} else {
			sz64 |= 0xffffffff00000000ULL;
		}
		u64 size = bar_size(sz64, ~(u64)0xf);
		if (size) {
			dev->bar[i] = PCI_BAR_MEM;
			dev->bar_len[i] = size;
			unsigned long flags = IORESOURCE_MEM | IORESOURCE_SIZEALIGN | (l & 0xf);
			if (l & PCI_BASE_ADDRESS_MEM_PREFETCH)
				flags |= IORESOURCE_PREFETCH;
			if (is64)
				flags |= IORESOURCE_MEM_64;
			dev->resource[i] = (struct resource){ .end = size - 1, .flags = flags };
			dev_info(&dev->dev, "BAR %u [mem 0x00000000-0x%08llx%s%s]\n", i, (unsigned long long)(size - 1),
				 is64 ? " 64bit" : "", (l & PCI_BASE_ADDRESS_MEM_PREFETCH) ? " pref" : "");
		}
		if (is64)
			i++;
	}
	if (!rom)
		return;
	u32 l, sz = size_probe(dev, rom, (u32)PCI_ROM_ADDRESS_MASK, &l);
	u64 size = sz ? bar_size(sz, (u32)PCI_ROM_ADDRESS_MASK) : 0;
	dev->rom_len = size;
	dev->rom_base_reg = (u8)rom;
	if (size)
		dev->resource[PCI_ROM_RESOURCE] = (struct resource){
			.end = size - 1,
			.flags = IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_READONLY | IORESOURCE_SIZEALIGN |
				 ((l & PCI_ROM_ADDRESS_ENABLE) ? IORESOURCE_ROM_ENABLE : 0),
		};
	if (size)
		dev_info(&dev->dev, "ROM [mem 0x00000000-0x%08llx pref]\n", (unsigned long long)(size - 1));
}

/* pci_read_bridge_io() with log: the I/O window as its base/limit registers hold it, when base <= limit */
static void log_bridge_io(struct pci_dev *bridge)
{
	u8 base_lo, limit_lo;
	pci_read_config_byte(bridge, PCI_IO_BASE, &base_lo);
	pci_read_config_byte(bridge, PCI_IO_LIMIT, &limit_lo);
	u64 base = (u64)(base_lo & PCI_IO_RANGE_MASK) << 8, limit = (u64)(limit_lo & PCI_IO_RANGE_MASK) << 8;
	if ((base_lo & PCI_IO_RANGE_TYPE_MASK) == PCI_IO_RANGE_TYPE_32) {
		u16 base_hi, limit_hi;
		pci_read_config_word(bridge, PCI_IO_BASE_UPPER16, &base_hi);
		pci_read_config_word(bridge, PCI_IO_LIMIT_UPPER16, &limit_hi);
		base |= (u64)base_hi << 16;
		limit |= (u64)limit_hi << 16;
	}
	if (base > limit)
		return;
	struct resource r = { .start = base, .end = limit + 0xfff, .flags = IORESOURCE_IO };
	char buf[80];
	dev_info(&bridge->dev, "  bridge window %s\n", resource_str(&r, buf, sizeof(buf)));
}

/* pci_read_bridge_mmio() with log */
static void log_bridge_mmio(struct pci_dev *bridge)
{
	u16 base_lo, limit_lo;
	pci_read_config_word(bridge, PCI_MEMORY_BASE, &base_lo);
	pci_read_config_word(bridge, PCI_MEMORY_LIMIT, &limit_lo);
	u64 base = (u64)(base_lo & PCI_MEMORY_RANGE_MASK) << 16, limit = (u64)(limit_lo & PCI_MEMORY_RANGE_MASK) << 16;
	if (base > limit)
		return;
	struct resource r = { .start = base, .end = limit + 0xfffff, .flags = IORESOURCE_MEM };
	char buf[80];
	dev_info(&bridge->dev, "  bridge window %s\n", resource_str(&r, buf, sizeof(buf)));
}

/* pci_read_bridge_mmio_pref() with log: upper halves count only when base's is not above limit's */
static void log_bridge_mmio_pref(struct pci_dev *bridge)
{
	u16 base_lo, limit_lo;
	pci_read_config_word(bridge, PCI_PREF_MEMORY_BASE, &base_lo);
	pci_read_config_word(bridge, PCI_PREF_MEMORY_LIMIT, &limit_lo);
	u64 base = (u64)(base_lo & PCI_PREF_RANGE_MASK) << 16, limit = (u64)(limit_lo & PCI_PREF_RANGE_MASK) << 16;
	unsigned long flags = IORESOURCE_MEM | IORESOURCE_PREFETCH;
	if ((base_lo & PCI_PREF_RANGE_TYPE_MASK) == PCI_PREF_RANGE_TYPE_64) {
		flags |= IORESOURCE_MEM_64;
		u32 base_hi, limit_hi;
		pci_read_config_dword(bridge, PCI_PREF_BASE_UPPER32, &base_hi);
		pci_read_config_dword(bridge, PCI_PREF_LIMIT_UPPER32, &limit_hi);
		if (base_hi <= limit_hi) {
			base |= (u64)base_hi << 32;
			limit |= (u64)limit_hi << 32;
		}
	}
	if (base > limit)
		return;
	struct resource r = { .start = base, .end = limit + 0xfffff, .flags = flags };
	char buf[80];
	dev_info(&bridge->dev, "  bridge window %s\n", resource_str(&r, buf, sizeof(buf)));
}

/*
 * pci_read_bridge_windows(): an I/O window exists when its base register
 * takes a write. 7.3 first logs the bus range the bridge forwards and each
 * window its registers open (scan_logs_bridge_windows).
 */
static void pci_read_bridge_windows(struct pci_dev *bridge)
{
	bool log = pci_ver(bridge)->scan_logs_bridge_windows;
	if (log) {
		u32 buses;
		pci_read_config_dword(bridge, PCI_PRIMARY_BUS, &buses);
		u8 sec = (u8)(buses >> 8), sub = (u8)(buses >> 16);
		if (sec == sub)
			dev_info(&bridge->dev, "PCI bridge to [bus %02x]\n", sec);
		else
			dev_info(&bridge->dev, "PCI bridge to [bus %02x-%02x]\n", sec, sub);
	}
	u16 io;
	pci_read_config_word(bridge, PCI_IO_BASE, &io);
	if (!io) {
		pci_write_config_word(bridge, PCI_IO_BASE, 0xe0f0);
		pci_read_config_word(bridge, PCI_IO_BASE, &io);
		pci_write_config_word(bridge, PCI_IO_BASE, 0x0);
	}
	bridge->io_window = io != 0;
	if (log && bridge->io_window)
		log_bridge_io(bridge);
	if (log)
		log_bridge_mmio(bridge);
	/* a prefetchable window when its base register takes a write; 64-bit when the upper half does too */
	u32 pmem, tmp;
	pci_read_config_dword(bridge, PCI_PREF_MEMORY_BASE, &pmem);
	if (!pmem) {
		pci_write_config_dword(bridge, PCI_PREF_MEMORY_BASE, 0xffe0fff0);
		pci_read_config_dword(bridge, PCI_PREF_MEMORY_BASE, &pmem);
		pci_write_config_dword(bridge, PCI_PREF_MEMORY_BASE, 0x0);
	}
	if (!pmem)
		return;
	bridge->pref_window = true;
	if ((pmem & PCI_PREF_RANGE_TYPE_MASK) == PCI_PREF_RANGE_TYPE_64) {
		pci_read_config_dword(bridge, PCI_PREF_BASE_UPPER32, &pmem);
		pci_write_config_dword(bridge, PCI_PREF_BASE_UPPER32, 0xffffffff);
		pci_read_config_dword(bridge, PCI_PREF_BASE_UPPER32, &tmp);
		pci_write_config_dword(bridge, PCI_PREF_BASE_UPPER32, pmem);
		bridge->pref_64_window = tmp != 0;
	}
	if (log)
		log_bridge_mmio_pref(bridge);
}

/* set_pcie_port_type() and set_pcie_hotplug_bridge() */
static void set_pcie_port_type(struct pci_dev *pdev)
{
	pdev->pcie_type = HW_PCIE_NONE;
	pdev->pcie_cap = pci_find_capability(pdev, PCI_CAP_ID_EXP);
	if (!pdev->pcie_cap)
		return;
	u16 flags;
	pci_read_config_word(pdev, pdev->pcie_cap + PCI_EXP_FLAGS, &flags);
	pdev->pcie_type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
	u32 sltcap = 0;
	if (flags & PCI_EXP_FLAGS_SLOT)
		pci_read_config_dword(pdev, pdev->pcie_cap + PCI_EXP_SLTCAP, &sltcap);
	pdev->is_hotplug_bridge = (sltcap & PCI_EXP_SLTCAP_HPC) != 0;
}

/*
 * pci_aer_init(): a function with the AER capability has its error status
 * cleared and, AER being native on DT hosts, its error reporting enabled in
 * Device Control (CERE, NFERE, FERE, URRE), as the reference kernel (6.1.176)
 * does: real QEMU's pcie-pci-bridge on pcie.0, which no driver binds, reads
 * them set.
 */
static void pci_aer_init(struct pci_dev *dev)
{
	dev->aer_cap = dev->pcie_cap ? pci_find_ext_capability(dev, PCI_EXT_CAP_ID_ERR) : 0;
	if (!dev->aer_cap)
		return;
	/* 7.3: Advisory Non-Fatal unmasked where errors are role-based (AER is native on DT hosts) */
	if (pci_ver(dev)->aer_unmask_adv_nonfatal) {
		u32 devcap, mask;
		pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_DEVCAP, &devcap);
		if (devcap & PCI_EXP_DEVCAP_RBER) {
			pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_COR_MASK, &mask);
			pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_COR_MASK, mask & ~PCI_ERR_COR_ADV_NFAT);
		}
	}
	u32 status;
	pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_COR_STATUS, &status);
	pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_COR_STATUS, status);
	pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_UNCOR_STATUS, &status);
	pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_UNCOR_STATUS, status);
	u16 devctl;
	pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_DEVCTL, &devctl);
	devctl |= PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE;
	pci_write_config_word(dev, dev->pcie_cap + PCI_EXP_DEVCTL, devctl);
}

/*
 * pci_configure_extended_tags(): a PCIe function whose Device Capabilities
 * offer the 8-bit Tag field gets it enabled in Device Control (both
 * kernels; QEMU 10.0's functions offer it, 7.2's do not). No host bridge
 * here sets no_ext_tags.
 */
static void pci_configure_extended_tags(struct pci_dev *dev)
{
	if (!pci_is_pcie(dev))
		return;
	u32 cap;
	u16 ctl;
	if (pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_DEVCAP, &cap) || !(cap & PCI_EXP_DEVCAP_EXT_TAG))
		return;
	if (pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_DEVCTL, &ctl) || (ctl & PCI_EXP_DEVCTL_EXT_TAG))
		return;
	dev_info(&dev->dev, "enabling Extended Tags\n");
	pci_write_config_word(dev, dev->pcie_cap + PCI_EXP_DEVCTL, ctl | PCI_EXP_DEVCTL_EXT_TAG);
}

/* pci_device_add() -> pci_configure_device() and pci_init_capabilities(), as far as they are modelled */
static void pci_init_capabilities(struct pci_dev *dev)
{
	pci_configure_extended_tags(dev);
	/* pci_configure_serr(): a bridge forwards SERR# */
	if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		u16 control;
		pci_read_config_word(dev, PCI_BRIDGE_CONTROL, &control);
		if (!(control & PCI_BRIDGE_CTL_SERR))
			pci_write_config_word(dev, PCI_BRIDGE_CONTROL, control | PCI_BRIDGE_CTL_SERR);
	}
	/* pci_msix_init(): MSI-X left disabled */
	dev->msix_cap = pci_find_capability(dev, PCI_CAP_ID_MSIX);
	if (dev->msix_cap) {
		u16 ctrl;
		pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
		if (ctrl & PCI_MSIX_FLAGS_ENABLE)
			pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, ctrl & ~PCI_MSIX_FLAGS_ENABLE);
	}
	/* pci_acs_init(): when ACS is turned on is the kernel's (pci/acs.c) */
	pci_acs_init(dev);
	pci_aer_init(dev);
	/* the reset methods probed while the function is not yet on its bus's list (pci/reset.c) */
	pci_init_reset_methods(dev);
	pcie_report_downtraining(dev);
}

/* pci_type_str(): the PCIe capability's port type, else what the header type says */
static const char *pci_type_str(const struct pci_dev *dev)
{
	static const char *const pcie[] = {
		"PCIe Endpoint", "PCIe Legacy Endpoint", "PCIe unknown", "PCIe unknown",
		"PCIe Root Port", "PCIe Switch Upstream Port", "PCIe Switch Downstream Port",
		"PCIe to PCI/PCI-X bridge", "PCI/PCI-X to PCIe bridge",
		"PCIe Root Complex Integrated Endpoint", "PCIe Root Complex Event Collector",
	};
	if (pci_is_pcie(dev))
		return dev->pcie_type >= 0 && (size_t)dev->pcie_type < sizeof(pcie) / sizeof(pcie[0])
			       ? pcie[dev->pcie_type]
			       : "PCIe unknown";
	switch (dev->hdr_type) {
	case PCI_HEADER_TYPE_NORMAL:
		return "conventional PCI endpoint";
	case PCI_HEADER_TYPE_BRIDGE:
		return "conventional PCI bridge";
	case PCI_HEADER_TYPE_CARDBUS:
		return "CardBus bridge";
	default:
		return "conventional PCI";
	}
}

static struct pci_dev *pci_setup_device(struct pci_bus *bus, unsigned devfn, u32 id)
{
	struct pci_host *host = bus->host;
	struct kernel *k = host->bridge_parent->k;
	struct pci_dev *pdev = calloc(1, sizeof(*pdev));
	if (!pdev)
		return NULL;
	char name[32];
	snprintf(name, sizeof(name), "%04x:%02x:%02x.%d", host->domain, bus->number, PCI_SLOT(devfn),
		 PCI_FUNC(devfn));
	device_initialize(k, &pdev->dev, &pci_bus_type,
			  bus->self ? &bus->self->dev : host->bridge_parent, name);
	pdev->dev.busdata = pdev;
	pdev->bus = bus;
	pdev->devfn = (u8)devfn;
	pdev->vendor = id & 0xffff;
	pdev->device = (u16)(id >> 16);
	u8 hdr;
	pci_read_config_byte(pdev, PCI_HEADER_TYPE, &hdr);
	pdev->hdr_type = hdr & 0x7f;
	pdev->multifunction = (hdr & 0x80) != 0;
	set_pcie_port_type(pdev);
	u32 class;
	pci_read_config_dword(pdev, PCI_CLASS_REVISION, &class);
	pdev->revision = class & 0xff;
	pdev->class = class >> 8;
	if (pci_ver(pdev)->header_names_type)
		dev_info(&pdev->dev, "[%04x:%04x] type %02x class %#08x %s\n", pdev->vendor, pdev->device,
			 pdev->hdr_type, pdev->class, pci_type_str(pdev));
	else
		dev_info(&pdev->dev, "[%04x:%04x] type %02x class %#08x\n", pdev->vendor, pdev->device,
			 pdev->hdr_type, pdev->class);
	pdev->cfg_size = pci_cfg_space_size(pdev);
	pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pdev->pin);
	if (pdev->hdr_type == PCI_HEADER_TYPE_NORMAL) {
		pci_read_bases(pdev, 6, PCI_ROM_ADDRESS);
		pci_read_config_word(pdev, PCI_SUBSYSTEM_VENDOR_ID, &pdev->subsystem_vendor);
		pci_read_config_word(pdev, PCI_SUBSYSTEM_ID, &pdev->subsystem_device);
	} else if (pdev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		pci_read_bases(pdev, 2, PCI_ROM_ADDRESS1);
		pci_read_bridge_windows(pdev);
		u8 pos = pci_find_capability(pdev, PCI_CAP_ID_SSVID);
		if (pos) {
			pci_read_config_word(pdev, pos + PCI_SSVID_VENDOR_ID, &pdev->subsystem_vendor);
			pci_read_config_word(pdev, pos + PCI_SSVID_DEVICE_ID, &pdev->subsystem_device);
		}
	}
	/* the BARs' contents (MSI-X table, virtio registers), as an ioremap() of them would reach */
	struct hw_system *hw = k->hw;
	pdev->hw = hw ? hw_pci_find_device(hw->pci.root, bus->number, devfn) : NULL;
	/* pci_device_add(): the default masks of a PCI function, 32-bit */
	pdev->dev.dma_mask_store = DMA_BIT_MASK(32);
	pdev->dev.dma_mask = &pdev->dev.dma_mask_store;
	pdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
	/* not probed until pci_bus_add_device() */
	pdev->dev.match_driver = false;
	pci_init_capabilities(pdev);
	return pdev;
}

static int pci_scan_slot_fns(struct pci_bus *bus, int slot, int *nr);

/* pci_scan_slot(): its functions, then the link to them when the bus is below a PCIe port */
static int pci_scan_slot(struct pci_bus *bus, int slot)
{
	int nr = 0;
	int ret = pci_scan_slot_fns(bus, slot, &nr);
	if (!ret && bus->self && nr)
		pcie_aspm_init_link_state(bus->self);
	return ret;
}

static int pci_scan_slot_fns(struct pci_bus *bus, int slot, int *nr)
{
	for (int fn = 0; fn < 8; fn++) {
		unsigned devfn = PCI_DEVFN(slot, fn);
		u32 id;
		if (!pci_bus_read_dev_vendor_id(bus, devfn, &id)) {
			if (fn == 0)
				return 0;	/* function 0 is required */
			continue;
		}
		struct pci_dev *pdev = pci_setup_device(bus, devfn, id);
		if (!pdev)
			return -ENOMEM;
		if (fn > 0)
			pdev->multifunction = true;
		if (push(&bus->devices, &bus->ndevices, pdev) ||
		    push(&bus->host->all, &bus->host->nall, pdev) ||
		    device_add(&pdev->dev)) {
			return -ENOMEM;
		}
		(*nr)++;
		/* next_fn(): only a multifunction device has more functions */
		if (!pdev->multifunction)
			return 0;
	}
	return 0;
}

/* PCIe root and downstream ports have one link partner: only device 0 is scanned. */
static bool only_one_child(const struct pci_bus *bus)
{
	const struct pci_dev *bridge = bus->self;
	return bridge && (bridge->pcie_type == HW_PCIE_ROOT_PORT ||
			  bridge->pcie_type == HW_PCIE_DOWNSTREAM);
}

static int pci_scan_child_bus(struct pci_bus *bus, int *max);

/*
 * pci_bridge_child_ext_cfg_accessible(): PCIe root and switch ports are
 * PCIe on both sides; any other bridge (conventional, PCIe-to-PCI) forwards
 * extended config cycles only in PCI-X mode 2 (266/533 MHz).
 */
static bool pci_bridge_child_ext_cfg_accessible(struct pci_dev *bridge)
{
	if (bridge->bus->no_extcfg)
		return false;
	if (bridge->pcie_type == HW_PCIE_ROOT_PORT || bridge->pcie_type == HW_PCIE_UPSTREAM ||
	    bridge->pcie_type == HW_PCIE_DOWNSTREAM)
		return true;
	u8 pos = pci_find_capability(bridge, PCI_CAP_ID_PCIX);
	if (!pos)
		return false;
	u32 status;
	pci_read_config_dword(bridge, pos + PCI_X_STATUS, &status);
	return (status & (PCI_X_STATUS_266MHZ | PCI_X_STATUS_533MHZ)) != 0;
}

static int pci_scan_bridge(struct pci_bus *bus, struct pci_dev *bridge, int *max)
{
	if (*max >= 0xff) {
		dev_info(&bridge->dev, "can't allocate a bus number\n");
		return 0;
	}
	struct pci_bus *child = calloc(1, sizeof(*child));
	if (!child)
		return -ENOMEM;
	child->parent = bus;
	child->self = bridge;
	child->host = bus->host;
	child->primary = bus->number;
	child->number = (u8)(++*max);
	bridge->subordinate = child;
	/* pci_alloc_child_bus(): the bus forwards what the bridge's windows hold */
	for (int i = 0; i < 3; i++)
		child->resource[i] = &bridge->resource[PCI_BRIDGE_RESOURCES + i];
	pci_read_config_word(bridge, PCI_BRIDGE_CONTROL, &child->bridge_ctl);
	/* pci_alloc_child_bus() */
	if (!pci_bridge_child_ext_cfg_accessible(bridge)) {
		child->no_extcfg = true;
		kprintf(bridge->dev.k, "pci_bus %04x:%02x: extended config space not accessible\n",
			bus->host->domain, child->number);
	}
	if (push(&bus->children, &bus->nchildren, child))
		return -ENOMEM;
	/*
	 * pci_scan_bridge_extend() pass 1: all three bus numbers in one write,
	 * the subordinate one open (the parent's end, 0xff) while the bus
	 * below is scanned, then pci_bus_update_busn_res_end() closes it.
	 */
	u32 buses;
	pci_read_config_dword(bridge, PCI_PRIMARY_BUS, &buses);
	buses = (buses & 0xff000000u) | (u32)child->primary | (u32)child->number << 8 | 0xffu << 16;
	pci_write_config_dword(bridge, PCI_PRIMARY_BUS, buses);
	int ret = pci_scan_child_bus(child, max);
	child->busn_end = (u8)*max;
	/* pci_bus_update_busn_res_end() */
	kprintf(bridge->dev.k, "pci_bus %04x:%02x: busn_res: [bus %02x-ff] end is updated to %02x\n",
		bus->host->domain, child->number, child->number, child->busn_end);
	pci_write_config_byte(bridge, PCI_SUBORDINATE_BUS, child->busn_end);
	return ret;
}

static int pci_scan_child_bus(struct pci_bus *bus, int *max)
{
	for (int slot = 0; slot < 32; slot++) {
		if (only_one_child(bus) && slot > 0)
			break;
		int ret = pci_scan_slot(bus, slot);
		if (ret)
			return ret;
	}
	/*
	 * Pass 0 looks at bridges firmware configured. QEMU's -kernel boot runs
	 * no firmware, so every bridge still has bus numbers 0-0: Linux says so,
	 * turns their forwarding off, and reconfigures them all in pass 1
	 * (pci-host-common asks for PCI_REASSIGN_ALL_BUS anyway).
	 */
	for (size_t i = 0; i < bus->ndevices; i++) {
		struct pci_dev *dev = bus->devices[i];
		if (dev->hdr_type != 1)
			continue;
		u32 buses;
		pci_read_config_dword(dev, PCI_PRIMARY_BUS, &buses);
		u8 primary = (u8)buses, secondary = (u8)(buses >> 8), subordinate = (u8)(buses >> 16);
		if (primary != bus->number || secondary <= bus->number || secondary > subordinate)
			dev_info(&dev->dev, "bridge configuration invalid ([bus %02x-%02x]), reconfiguring\n",
				 secondary, subordinate);
		pci_write_config_dword(dev, PCI_PRIMARY_BUS, buses & ~0xffffffu);
	}
	for (size_t i = 0; i < bus->ndevices; i++) {
		struct pci_dev *dev = bus->devices[i];
		if (dev->hdr_type == 1) {
			int ret = pci_scan_bridge(bus, dev, max);
			if (ret)
				return ret;
		}
	}
	return 0;
}

struct pci_host *pci_scan_root_bus(struct kernel *k, struct device *bridge_parent, const struct hw_mmio *ecam,
				   const struct resource *windows, unsigned nwindows)
{
	if (nwindows > PCI_BUS_NUM_RESOURCES)
		nwindows = PCI_BUS_NUM_RESOURCES;
	struct pci_host *host = calloc(1, sizeof(*host));
	struct pci_bus *bus = calloc(1, sizeof(*bus));
	if (!host || !bus) {
		free(host);
		free(bus);
		return NULL;
	}
	host->bridge_parent = bridge_parent;
	host->ecam = *ecam;
	host->root = bus;
	bus->host = host;
	for (unsigned i = 0; i < nwindows; i++) {
		host->windows[i] = windows[i];
		host->windows[i].parent = host->windows[i].sibling = host->windows[i].child = NULL;
	}
	host->nwindows = nwindows;
	k->pci = host;
	dev_info(bridge_parent, "PCI host bridge to bus %04x:00\n", host->domain);
	/* pci_register_host_bridge(): the bus range, then each window (bus addresses equal the CPU's here) */
	kprintf(k, "pci_bus %04x:00: root bus resource [bus 00-ff]\n", host->domain);
	for (unsigned i = 0; i < nwindows; i++) {
		char buf[80];
		kprintf(k, "pci_bus %04x:00: root bus resource %s\n", host->domain,
			resource_str(&windows[i], buf, sizeof(buf)));
	}
	int max = 0;
	if (pci_scan_child_bus(bus, &max))
		kprintf(k, "pci %04x:00: out of memory while scanning", host->domain);
	bus->busn_end = 0xff;
	/* the root bus forwards the host bridge's windows */
	for (unsigned i = 0; i < host->nwindows; i++)
		bus->resource[i] = &host->windows[i];
	return host;
}

/* Devices of this bus first, then each child bus (drivers/pci/bus.c). */
void pci_bus_add_devices(struct pci_bus *bus)
{
	for (size_t i = 0; i < bus->ndevices; i++) {
		struct pci_dev *dev = bus->devices[i];
		dev->dev.match_driver = true;
		device_initial_probe(&dev->dev);
	}
	for (size_t i = 0; i < bus->ndevices; i++) {
		struct pci_dev *dev = bus->devices[i];
		if (dev->subordinate)
			pci_bus_add_devices(dev->subordinate);
	}
}

static void pci_bus_free(struct pci_bus *bus)
{
	for (size_t i = 0; i < bus->nchildren; i++)
		pci_bus_free(bus->children[i]);
	free(bus->children);
	free(bus->devices);
	free(bus);
}

void pci_host_free(struct pci_host *host)
{
	if (!host)
		return;
	for (size_t i = 0; i < host->nall; i++) {
		free(host->all[i]->dev.driver_override);
		pci_msi_release(host->all[i]);
		free(host->all[i]);
	}
	free(host->all);
	pci_bus_free(host->root);
	free(host);
}

struct pci_dev *pci_get_by_name(struct kernel *k, const char *name)
{
	struct pci_host *host = k->pci;
	if (!host)
		return NULL;
	for (size_t i = 0; i < host->nall; i++)
		if (!strcmp(host->all[i]->dev.name, name))
			return host->all[i];
	return NULL;
}
