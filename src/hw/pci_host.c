/* GPEX's ECAM: config cycles routed by the bridges' bus-number registers (hw/pci/pci.c pci_find_bus_nr). */
#include <string.h>
#include <linux/pci_regs.h>
#include "hw/pci_config.h"
#include "hw/pci_host.h"
#include "hw/pci_device_config.h"
#include "hw/system.h"

#define ECAM_BUS(off) ((unsigned)((off) >> 20) & 0xff)
#define ECAM_DEVFN(off) ((unsigned)((off) >> 12) & 0xff)
#define ECAM_REG(off) ((unsigned)(off) & 0xfff)

/* pci_secondary_bus_in_range(): a bridge not held in reset forwards its bus range */
static bool secondary_in_range(const struct hw_pci_fn *bridge, unsigned bus_num)
{
	u32 ctl = 0;
	if (hw_pci_config_read(bridge, PCI_BRIDGE_CONTROL, 2, &ctl) || (ctl & PCI_BRIDGE_CTL_BUS_RESET))
		return false;
	return hw_pci_config_secondary_bus(bridge) <= bus_num && bus_num <= hw_pci_config_subordinate_bus(bridge);
}

struct hw_pci_bus *hw_pci_find_bus_nr(struct hw_pci_bus *root, unsigned bus_num)
{
	if (!root)
		return NULL;
	if (bus_num == 0)
		return root;	/* GPEX's root bus is bus 0 */
	struct hw_pci_bus *bus = root;
	while (bus) {
		struct hw_pci_bus *next = NULL;
		/* QEMU lists a bus's children newest first: the highest devfn first here */
		for (int i = 255; i >= 0 && !next; i--) {
			struct hw_pci_fn *fn = bus->fn[i];
			if (!fn || !fn->secondary)
				continue;
			if (hw_pci_config_secondary_bus(fn) == bus_num)
				return fn->secondary;
			if (secondary_in_range(fn, bus_num))
				next = fn->secondary;
		}
		bus = next;
	}
	return NULL;
}

struct hw_pci_fn *hw_pci_find_device(struct hw_pci_bus *root, unsigned bus_num, unsigned devfn)
{
	struct hw_pci_bus *bus = hw_pci_find_bus_nr(root, bus_num);
	return bus && devfn < 256 ? bus->fn[devfn] : NULL;
}

/* pci_adjust_config_limit(): behind a conventional bus only the first 256 bytes are reachable */
static unsigned config_limit(const struct hw_pci_fn *fn)
{
	unsigned limit = fn->config->size;
	for (const struct hw_pci_bus *bus = fn->bus; bus && limit > HW_PCI_CONFIG_SPACE_SIZE;
	     bus = bus->bridge ? bus->bridge->bus : NULL) {
		if (!bus->is_express)
			limit = HW_PCI_CONFIG_SPACE_SIZE;
	}
	return limit;
}

void hw_pci_host_routing_changed(struct hw_pci_host *host)
{
	if (host)
		memset(host->route_known, 0, sizeof(host->route_known));
}

/* pci_find_device() through the remembered routes */
static struct hw_pci_fn *host_find_device(struct hw_pci_host *host, unsigned bus_num, unsigned devfn)
{
	if (!host->route_known[bus_num]) {
		host->route[bus_num] = hw_pci_find_bus_nr(host->root, bus_num);
		host->route_known[bus_num] = true;
	}
	struct hw_pci_bus *bus = host->route[bus_num];
	return bus ? bus->fn[devfn] : NULL;
}

static u32 all_ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

u32 hw_pci_host_config_read(struct hw_pci_host *host, u64 offset, unsigned size)
{
	if (!host || offset >= host->ecam_size)
		return all_ones(size);
	struct hw_pci_fn *fn = host_find_device(host, ECAM_BUS(offset), ECAM_DEVFN(offset));
	unsigned reg = ECAM_REG(offset);
	u32 val;
	if (!fn || !fn->config || reg + size > config_limit(fn) || hw_pci_read_config(host->sys, fn, reg, size, &val))
		return all_ones(size);
	return val;
}

void hw_pci_host_config_write(struct hw_pci_host *host, u64 offset, u32 val, unsigned size)
{
	if (!host || offset >= host->ecam_size)
		return;
	struct hw_pci_fn *fn = host_find_device(host, ECAM_BUS(offset), ECAM_DEVFN(offset));
	unsigned reg = ECAM_REG(offset);
	if (!fn || !fn->config || reg + size > config_limit(fn))
		return;
	/* the function's write_config: a Function Level Reset or a secondary bus reset may follow */
	hw_pci_write_config(host->sys, fn, reg, size, val);
	/* a bridge's bus numbers or its secondary bus reset move routes */
	bool routing = (reg < PCI_SEC_LATENCY_TIMER && reg + size > PCI_PRIMARY_BUS) ||
		       (reg < PCI_BRIDGE_CONTROL + 2 && reg + size > PCI_BRIDGE_CONTROL);
	if (routing && fn->secondary)
		hw_pci_host_routing_changed(host);
}

static u64 ecam_read(void *opaque, u64 offset, unsigned size)
{
	return hw_pci_host_config_read(opaque, offset, size);
}

static void ecam_write(void *opaque, u64 offset, u64 val, unsigned size)
{
	hw_pci_host_config_write(opaque, offset, (u32)val, size);
}

void hw_pci_host_ecam_mmio(struct hw_pci_host *host, struct hw_mmio *out)
{
	*out = (struct hw_mmio){ host, ecam_read, ecam_write, host->ecam_size };
}
