/*
 * Enumeration as drivers/pci/probe.c does it on a host bridge no firmware
 * configured: every slot of a bus is scanned first (function 0, then 1-7 only
 * when function 0 is multifunction), then each bridge in devfn order gets the
 * next bus number and is scanned in turn, so numbers go depth first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pci/pci.h"
#include "hw/pci_config.h"

/*
 * pci_read/write_config_dword() of a function the kernel enumerated: the
 * config cycle reaches the function at that bus and devfn (for the registers
 * the hardware keeps: hw/pci_config.h).
 */
static u32 pci_read_config_dword(struct pci_dev *dev, unsigned where)
{
	u32 v = 0;
	if (hw_pci_config_read(dev->bus->hw->fn[dev->devfn], where, 4, &v))
		return 0;
	return v;
}

static void pci_write_config_dword(struct pci_dev *dev, unsigned where, u32 val)
{
	hw_pci_config_write(dev->bus->hw->fn[dev->devfn], where, 4, val);
}

static void pci_write_config_byte(struct pci_dev *dev, unsigned where, u8 val)
{
	hw_pci_config_write(dev->bus->hw->fn[dev->devfn], where, 1, val);
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

static struct pci_dev *pci_setup_device(struct pci_bus *bus, const struct hw_pci_fn *fn)
{
	struct pci_host *host = bus->host;
	struct kernel *k = host->bridge_parent->k;
	struct pci_dev *pdev = calloc(1, sizeof(*pdev));
	if (!pdev)
		return NULL;
	char name[32];
	snprintf(name, sizeof(name), "%04x:%02x:%02x.%d", host->domain, bus->number,
		 PCI_SLOT(fn->devfn), PCI_FUNC(fn->devfn));
	device_initialize(k, &pdev->dev, &pci_bus_type,
			  bus->self ? &bus->self->dev : host->bridge_parent, name);
	pdev->dev.busdata = pdev;
	pdev->bus = bus;
	pdev->hw = fn;
	pdev->devfn = fn->devfn;
	pdev->vendor = fn->vendor;
	pdev->device = fn->device;
	pdev->subsystem_vendor = fn->subsystem_vendor;
	pdev->subsystem_device = fn->subsystem_device;
	pdev->revision = fn->revision;
	pdev->class = fn->class;
	pdev->hdr_type = fn->header_type;
	pdev->multifunction = fn->multifunction;
	pdev->pcie_type = fn->pcie_type;
	pdev->has_acs = fn->has_acs;
	/*
	 * pci_acs_init(): ACS controls are turned on only once pci_request_acs()
	 * was called. On DT systems 6.1 calls it from of_iommu_configure(), at the
	 * first driver probe, long after boot-time enumeration: so functions
	 * enumerated at boot keep ACS off (QEMU's root ports have the capability).
	 */
	if (fn->has_acs && host->acs_requested)
		pdev->acs_ctrl = fn->acs_cap & (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF);
	pdev->is_hotplug_bridge = fn->hotplug_slot;
	/* pci_device_add(): the default masks of a PCI function, 32-bit */
	pdev->dev.dma_mask_store = DMA_BIT_MASK(32);
	pdev->dev.dma_mask = &pdev->dev.dma_mask_store;
	pdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
	/* not probed until pci_bus_add_device() */
	pdev->dev.match_driver = false;
	dev_info(&pdev->dev, "[%04x:%04x] type %02x class %#08x\n", pdev->vendor, pdev->device,
		 pdev->hdr_type, pdev->class);
	return pdev;
}

static int pci_scan_slot(struct pci_bus *bus, int slot)
{
	const struct hw_pci_bus *hw = bus->hw;
	for (int fn = 0; fn < 8; fn++) {
		const struct hw_pci_fn *f = hw->fn[PCI_DEVFN(slot, fn)];
		if (!f) {
			if (fn == 0)
				return 0;	/* function 0 is required */
			continue;
		}
		struct pci_dev *pdev = pci_setup_device(bus, f);
		if (!pdev)
			return -ENOMEM;
		if (fn > 0)
			pdev->multifunction = true;
		if (push(&bus->devices, &bus->ndevices, pdev) ||
		    push(&bus->host->all, &bus->host->nall, pdev) ||
		    device_add(&pdev->dev)) {
			return -ENOMEM;
		}
		if (fn == 0 && !f->multifunction)
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

static int pci_scan_bridge(struct pci_bus *bus, struct pci_dev *bridge, int *max)
{
	if (!bridge->hw->secondary)
		return 0;
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
	child->hw = bridge->hw->secondary;
	child->primary = bus->number;
	child->number = (u8)(++*max);
	bridge->subordinate = child;
	if (push(&bus->children, &bus->nchildren, child))
		return -ENOMEM;
	/*
	 * pci_scan_bridge_extend() pass 1: all three bus numbers in one write,
	 * the subordinate one open (the parent's end, 0xff) while the bus
	 * below is scanned, then pci_bus_update_busn_res_end() closes it.
	 */
	u32 buses = pci_read_config_dword(bridge, HW_PCI_PRIMARY_BUS) & 0xff000000u;
	buses |= (u32)child->primary | (u32)child->number << 8 | 0xffu << 16;
	pci_write_config_dword(bridge, HW_PCI_PRIMARY_BUS, buses);
	int ret = pci_scan_child_bus(child, max);
	child->busn_end = (u8)*max;
	pci_write_config_byte(bridge, HW_PCI_SUBORDINATE_BUS, child->busn_end);
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
		u32 buses = pci_read_config_dword(dev, HW_PCI_PRIMARY_BUS);
		u8 primary = (u8)buses, secondary = (u8)(buses >> 8), subordinate = (u8)(buses >> 16);
		if (primary != bus->number || secondary <= bus->number || secondary > subordinate)
			dev_info(&dev->dev, "bridge configuration invalid ([bus %02x-%02x]), reconfiguring\n",
				 secondary, subordinate);
		pci_write_config_dword(dev, HW_PCI_PRIMARY_BUS, buses & ~0xffffffu);
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

/*
 * pci_bus_assign_resources(): each bridge of a bus in devfn order, its
 * subtree first, then pci_setup_bridge() logs the bus range it forwards.
 */
static void pci_bus_setup_bridges(struct pci_bus *bus)
{
	for (size_t i = 0; i < bus->ndevices; i++) {
		struct pci_dev *dev = bus->devices[i];
		struct pci_bus *sub = dev->subordinate;
		if (!sub)
			continue;
		pci_bus_setup_bridges(sub);
		/* %pR of a bus resource: one number when it spans a single bus */
		if (sub->busn_end != sub->number)
			dev_info(&dev->dev, "PCI bridge to [bus %02x-%02x]\n", sub->number, sub->busn_end);
		else
			dev_info(&dev->dev, "PCI bridge to [bus %02x]\n", sub->number);
	}
}

struct pci_host *pci_scan_root_bus(struct kernel *k, struct device *bridge_parent,
				   const struct hw_pci_bus *root)
{
	struct pci_host *host = calloc(1, sizeof(*host));
	struct pci_bus *bus = calloc(1, sizeof(*bus));
	if (!host || !bus) {
		free(host);
		free(bus);
		return NULL;
	}
	host->bridge_parent = bridge_parent;
	host->root = bus;
	bus->host = host;
	bus->hw = root;
	k->pci = host;
	dev_info(bridge_parent, "PCI host bridge to bus %04x:00\n", host->domain);
	int max = 0;
	if (pci_scan_child_bus(bus, &max))
		kprintf(k, "pci %04x:00: out of memory while scanning", host->domain);
	bus->busn_end = 0xff;
	pci_bus_setup_bridges(bus);
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
