/* The config_read/config_write of QEMU 7.2's PCI types: stored bytes, then each type's reaction. */
#include <linux/pci_regs.h>
#include "hw/pci_device_config.h"
#include "hw/pci_config.h"
#include "hw/pci_reset.h"
#include "hw/virtio_pci_cfg.h"

static bool overlaps(unsigned offset, unsigned size, unsigned reg, unsigned reg_size)
{
	return offset < reg + reg_size && reg < offset + size;
}

static bool is_bridge(const struct hw_pci_config *c)
{
	return (hw_pci_get(c, PCI_HEADER_TYPE, 1) & 0x7f) == PCI_HEADER_TYPE_BRIDGE;
}

int hw_pci_read_config(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 *val)
{
	/* virtio_read_config(): the window's data fetched from the device first */
	if (fn && fn->virtio && fn->config)
		hw_virtio_pci_cfg_read(hw, fn, offset, size);
	return hw_pci_config_read(fn, offset, size, val);
}

int hw_pci_write_config(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 val)
{
	u16 old_bctl = 0;
	bool bridge = fn && fn->config && is_bridge(fn->config);
	if (bridge)
		old_bctl = (u16)hw_pci_get(fn->config, PCI_BRIDGE_CONTROL, 2);
	int ret = hw_pci_config_write(fn, offset, size, val);
	if (ret)
		return ret;
	struct hw_pci_config *c = fn->config;
	/* pcie_cap_flr_write_config(): the reset, then Initiate FLR reads 0 */
	if (c->exp_cap && overlaps(offset, size, c->exp_cap + PCI_EXP_DEVCTL, 2) &&
	    (hw_pci_get(c, c->exp_cap + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR)) {
		hw_pci_device_reset(hw, fn);
		hw_pci_set(c, c->exp_cap + PCI_EXP_DEVCTL, 2,
			   hw_pci_get(c, c->exp_cap + PCI_EXP_DEVCTL, 2) & ~(u32)PCI_EXP_DEVCTL_BCR_FLR);
	}
	/* pci_bridge_write_config(): Secondary Bus Reset going 0 -> 1 resets the bus behind */
	if (bridge && overlaps(offset, size, PCI_BRIDGE_CONTROL, 2)) {
		u16 new_bctl = (u16)hw_pci_get(c, PCI_BRIDGE_CONTROL, 2);
		if (~old_bctl & new_bctl & PCI_BRIDGE_CTL_BUS_RESET)
			hw_pci_bus_reset(hw, fn->secondary);
	}
	/* rp_write_config() -> rp_aer_vector_update(): the AER message number follows MSI */
	if (fn->aer_vector && c->aer_cap) {
		u32 st = hw_pci_get(c, c->aer_cap + PCI_ERR_ROOT_STATUS, 4) & ~(u32)PCI_ERR_ROOT_AER_IRQ;
		hw_pci_set(c, c->aer_cap + PCI_ERR_ROOT_STATUS, 4, st | (u32)fn->aer_vector(fn) << 27);
	}
	/* virtio_write_config(): bus mastering and the access window */
	if (fn->virtio)
		hw_virtio_pci_cfg_write(hw, fn, offset, size);
	return 0;
}
