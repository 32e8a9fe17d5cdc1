/* Function, bridge and secondary bus resets of QEMU 7.2 (pci_device_reset, bus_cold_reset). */
#include <linux/pci_regs.h>
#include "hw/pci_reset.h"
#include "hw/pci_config.h"
#include "hw/pci_host.h"
#include "hw/pci_msix.h"
#include "hw/nvme_dev.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

static void clear_bits(struct hw_pci_config *c, unsigned off, unsigned size, u32 bits)
{
	hw_pci_set(c, off, size, hw_pci_get(c, off, size) & ~bits);
}

static void set_bits(struct hw_pci_config *c, unsigned off, unsigned size, u32 bits)
{
	hw_pci_set(c, off, size, hw_pci_get(c, off, size) | bits);
}

static u32 mask_of(const u8 *mask, const struct hw_pci_config *c, unsigned off, unsigned size)
{
	u32 v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | (off + i < c->len ? mask[off + i] : 0);
	return v;
}

static bool is_bridge(const struct hw_pci_config *c)
{
	return (hw_pci_get(c, PCI_HEADER_TYPE, 1) & 0x7f) == PCI_HEADER_TYPE_BRIDGE;
}

static int pcie_type(const struct hw_pci_config *c)
{
	if (!c->exp_cap)
		return -1;
	return (int)((hw_pci_get(c, c->exp_cap + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_TYPE) >> 4);
}

/* pcie_cap_deverr_reset(): the error reporting enables off */
static void pcie_deverr_reset(struct hw_pci_config *c)
{
	clear_bits(c, c->exp_cap + PCI_EXP_DEVCTL, 2,
		   PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE);
}

/* pcie_cap_lnkctl_reset(): common clock configuration and extended sync off */
static void pcie_lnkctl_reset(struct hw_pci_config *c)
{
	clear_bits(c, c->exp_cap + PCI_EXP_LNKCTL, 2, PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES);
}

/*
 * pcie_cap_slot_reset(): the slot's notifications and indicators back to
 * power-on (attention off; the power controller and indicator following
 * whether device 0 is there), the lock and the latched events cleared.
 */
static void pcie_slot_reset(struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	unsigned pos = c->exp_cap;
	u16 ctl = (u16)hw_pci_get(c, pos + PCI_EXP_SLTCTL, 2);
	ctl &= (u16)~(PCI_EXP_SLTCTL_EIC | PCI_EXP_SLTCTL_PIC | PCI_EXP_SLTCTL_AIC | PCI_EXP_SLTCTL_HPIE |
		      PCI_EXP_SLTCTL_CCIE | PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE);
	ctl |= PCI_EXP_SLTCTL_ATTN_IND_OFF;
	if (hw_pci_get(c, pos + PCI_EXP_SLTCAP, 4) & PCI_EXP_SLTCAP_PCP) {
		bool populated = fn->secondary && fn->secondary->fn[0];
		if (populated)
			ctl = (u16)((ctl & ~PCI_EXP_SLTCTL_PCC) | PCI_EXP_SLTCTL_PWR_IND_ON);
		else
			ctl |= PCI_EXP_SLTCTL_PCC | PCI_EXP_SLTCTL_PWR_IND_OFF;
		/* QEMU 8.0+ sets "off" first, and "on" OR-ed over it still reads off */
		if (c->slot_reset_power_indicator_off)
			ctl |= PCI_EXP_SLTCTL_PWR_IND_OFF;
	}
	hw_pci_set(c, pos + PCI_EXP_SLTCTL, 2, ctl);
	clear_bits(c, pos + PCI_EXP_SLTSTA, 2,
		   PCI_EXP_SLTSTA_EIS | PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_PDC | PCI_EXP_SLTSTA_ABP);
}

/*
 * pci_bridge_reset(): bus numbers and secondary latency 0, the windows'
 * address bits cleared (their type bits stay), Bridge Control 0.
 */
static void bridge_reset(struct hw_pci_config *c)
{
	hw_pci_set(c, HW_PCI_PRIMARY_BUS, 4, 0);
	clear_bits(c, PCI_IO_BASE, 1, PCI_IO_RANGE_MASK & 0xff);
	clear_bits(c, PCI_IO_LIMIT, 1, PCI_IO_RANGE_MASK & 0xff);
	clear_bits(c, PCI_MEMORY_BASE, 2, PCI_MEMORY_RANGE_MASK & 0xffff);
	clear_bits(c, PCI_MEMORY_LIMIT, 2, PCI_MEMORY_RANGE_MASK & 0xffff);
	clear_bits(c, PCI_PREF_MEMORY_BASE, 2, PCI_PREF_RANGE_MASK & 0xffff);
	clear_bits(c, PCI_PREF_MEMORY_LIMIT, 2, PCI_PREF_RANGE_MASK & 0xffff);
	hw_pci_set(c, PCI_PREF_BASE_UPPER32, 4, 0);
	hw_pci_set(c, PCI_PREF_LIMIT_UPPER32, 4, 0);
	hw_pci_set(c, PCI_BRIDGE_CONTROL, 2, 0);
}

/* pci_bridge_disable_base_limit(): base above limit, nothing forwarded */
static void bridge_disable_base_limit(struct hw_pci_config *c)
{
	set_bits(c, PCI_IO_BASE, 1, PCI_IO_RANGE_MASK & 0xff);
	clear_bits(c, PCI_IO_LIMIT, 1, PCI_IO_RANGE_MASK & 0xff);
	set_bits(c, PCI_MEMORY_BASE, 2, PCI_MEMORY_RANGE_MASK & 0xffff);
	clear_bits(c, PCI_MEMORY_LIMIT, 2, PCI_MEMORY_RANGE_MASK & 0xffff);
	set_bits(c, PCI_PREF_MEMORY_BASE, 2, PCI_PREF_RANGE_MASK & 0xffff);
	clear_bits(c, PCI_PREF_MEMORY_LIMIT, 2, PCI_PREF_RANGE_MASK & 0xffff);
	hw_pci_set(c, PCI_PREF_BASE_UPPER32, 4, 0);
	hw_pci_set(c, PCI_PREF_LIMIT_UPPER32, 4, 0);
}

/*
 * The bridges' reset handlers: rp_reset() (root ports: root control, ACS
 * control and AER's root command 0, then the windows disabled),
 * xio3130_downstream_reset(), xio3130_upstream_reset(), pci_bridge_dev's
 * and pcie-pci-bridge's (their SHPC controller registers are not modelled).
 */
static void bridge_device_reset(struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	int type = pcie_type(c);
	if (type >= 0)
		pcie_deverr_reset(c);
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM) {
		if (hw_pci_get(c, c->exp_cap + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_SLOT)
			pcie_slot_reset(fn);
		/* pcie_cap_arifwd_reset() */
		clear_bits(c, c->exp_cap + PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_ARI);
	}
	if (type == PCI_EXP_TYPE_ROOT_PORT) {
		hw_pci_set(c, c->exp_cap + PCI_EXP_RTCTL, 2, 0);
		if (c->acs_cap)
			hw_pci_set(c, c->acs_cap + PCI_ACS_CTRL, 2, 0);
		if (c->aer_cap)
			hw_pci_set(c, c->aer_cap + PCI_ERR_ROOT_COMMAND, 4, 0);
	}
	bridge_reset(c);
	if (type == PCI_EXP_TYPE_ROOT_PORT)
		bridge_disable_base_limit(c);
}

void hw_pci_bridge_power_on(struct hw_pci_fn *fn)
{
	if (fn && fn->config && is_bridge(fn->config) && pcie_type(fn->config) == PCI_EXP_TYPE_ROOT_PORT)
		bridge_disable_base_limit(fn->config);
}

/*
 * virtio_pci_bus_reset(): the virtio device's reset (status 0, queues,
 * features, vectors released), then behind a PCIe port the error
 * reporting and link control bits and the whole PMCSR cleared.
 */
static void virtio_pci_device_reset(struct hw_system *hw, struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	struct vdev_hw *vdev = hw_virtio_device(hw, fn->virtio);
	if (vdev)
		vdev_hw_reset(vdev);
	if (c->exp_cap) {
		pcie_deverr_reset(c);
		pcie_lnkctl_reset(c);
		if (c->pm_cap)
			hw_pci_set(c, c->pm_cap + PCI_PM_CTRL, 2, 0);
	}
}

/* The device's own reset handler (DeviceClass reset), for a bridge after its bus's. */
static void device_cold_reset(struct hw_system *hw, struct hw_pci_fn *fn)
{
	if (fn->secondary)
		hw_pci_bus_reset(hw, fn->secondary);
	if (!fn->config)
		return;
	if (fn->virtio)
		virtio_pci_device_reset(hw, fn);
	else if (fn->nvme && hw)
		nvme_hw_function_reset(hw_nvme_device(hw, fn));
	else if (is_bridge(fn->config))
		bridge_device_reset(fn);
	/* e1000, e1000e, qemu-xhci, ich9-ahci: no state modelled besides config space */
}

/* msi_reset(): disabled, one vector enabled, address, data and mask bits 0 */
static void msi_reset(struct hw_pci_config *c)
{
	unsigned pos = c->msi_cap;
	u16 flags = (u16)hw_pci_get(c, pos + PCI_MSI_FLAGS, 2);
	bool is64 = flags & PCI_MSI_FLAGS_64BIT;
	hw_pci_set(c, pos + PCI_MSI_FLAGS, 2, flags & (u16)~(PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE));
	hw_pci_set(c, pos + PCI_MSI_ADDRESS_LO, 4, 0);
	if (is64)
		hw_pci_set(c, pos + PCI_MSI_ADDRESS_HI, 4, 0);
	hw_pci_set(c, pos + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 2, 0);
	if (flags & PCI_MSI_FLAGS_MASKBIT) {
		hw_pci_set(c, pos + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32), 4, 0);
		hw_pci_set(c, pos + (is64 ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32), 4, 0);
	}
}

/* A BAR register's address bits (its write mask) cleared: it reads back its type, as region->type */
static void bar_reset(struct hw_pci_config *c, unsigned reg)
{
	clear_bits(c, reg, 4, mask_of(c->wmask, c, reg, 4));
}

/*
 * pci_do_device_reset(): the command register's writable and
 * write-1-to-clear bits, the status register's, the interrupt line and the
 * cache line size cleared; each BAR and the ROM back to its type with no
 * address (and the ROM disabled); msi_reset() and msix_reset().
 */
static void do_device_reset(struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	clear_bits(c, PCI_COMMAND, 2, mask_of(c->wmask, c, PCI_COMMAND, 2) | mask_of(c->w1cmask, c, PCI_COMMAND, 2));
	clear_bits(c, PCI_STATUS, 2, mask_of(c->wmask, c, PCI_STATUS, 2) | mask_of(c->w1cmask, c, PCI_STATUS, 2));
	clear_bits(c, PCI_INTERRUPT_LINE, 1,
		   mask_of(c->wmask, c, PCI_INTERRUPT_LINE, 1) | mask_of(c->w1cmask, c, PCI_INTERRUPT_LINE, 1));
	hw_pci_set(c, PCI_CACHE_LINE_SIZE, 1, 0);
	bool bridge = is_bridge(c);
	unsigned nbars = bridge ? 2 : PCI_STD_NUM_BARS;
	for (unsigned i = 0; i < nbars; i++)
		bar_reset(c, PCI_BASE_ADDRESS_0 + 4 * i);
	bar_reset(c, bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS);
	if (c->msi_cap)
		msi_reset(c);
	if (c->msix_cap) {
		/* msix_reset(): Message Control's writable bits, the table, the PBA */
		clear_bits(c, c->msix_cap + PCI_MSIX_FLAGS, 2, mask_of(c->wmask, c, c->msix_cap + PCI_MSIX_FLAGS, 2));
		hw_msix_reset(fn->msix);
	}
}

static void function_reset(struct hw_system *hw, struct hw_pci_fn *fn)
{
	device_cold_reset(hw, fn);
	if (fn->config)
		do_device_reset(fn);
}

void hw_pci_bus_reset(struct hw_system *hw, struct hw_pci_bus *bus)
{
	if (!bus)
		return;
	/* the devices' own resets (each bridge's bus before it), then pcibus_reset()'s config clearing */
	for (int i = 0; i < 256; i++)
		if (bus->fn[i])
			device_cold_reset(hw, bus->fn[i]);
	for (int i = 0; i < 256; i++)
		if (bus->fn[i] && bus->fn[i]->config)
			do_device_reset(bus->fn[i]);
	if (hw)
		hw_pci_host_routing_changed(&hw->pci);
}

void hw_pci_device_reset(struct hw_system *hw, struct hw_pci_fn *fn)
{
	if (!fn)
		return;
	function_reset(hw, fn);
	if (hw)
		hw_pci_host_routing_changed(&hw->pci);
}
