/* Requester IDs as QEMU 7.2's hw/pci/pci.c forms them, and virt's RID -> StreamID wiring. */
#include <errno.h>
#include "hw/pci_config.h"
#include "hw/pci_rid.h"
#include "hw/smmuv3/smmu_hw.h"

#define HW_PCI_BDF(bus, devfn) ((u16)((u16)(bus) << 8 | (devfn)))

u8 hw_pci_bus_num(const struct hw_pci_bus *bus)
{
	if (!bus || bus->is_root || !bus->bridge)
		return 0;
	return hw_pci_config_secondary_bus(bus->bridge);
}

/* pci_is_express() and pcie_cap_get_type(), read from the function's own config space */
static bool is_express(const struct hw_pci_fn *fn)
{
	return hw_pci_config_pcie_type(fn) >= 0;
}

u16 hw_pci_requester_id(const struct hw_pci_fn *fn)
{
	/* the cache QEMU keeps: which device's BDF, or which bus with devfn 0 */
	const struct hw_pci_fn *owner = fn, *dev = fn;
	bool secondary_bus = false;
	while (dev->bus && !dev->bus->is_root && dev->bus->bridge) {
		const struct hw_pci_fn *parent = dev->bus->bridge;
		if (is_express(parent)) {
			if (hw_pci_config_pcie_type(parent) == HW_PCIE_PCI_BRIDGE) {
				/* PCIe-to-PCI bridge spec 2.3: secondary bus, devfn 0 */
				secondary_bus = true;
				owner = dev;
			}
		} else {
			/* a conventional bridge: only its own BDF reaches the root complex */
			secondary_bus = false;
			owner = parent;
		}
		dev = parent;
	}
	if (secondary_bus)
		return HW_PCI_BDF(hw_pci_bus_num(owner->bus), 0);
	return HW_PCI_BDF(hw_pci_bus_num(owner->bus), owner->devfn);
}

int hw_pci_stream_id(const struct hw_system *hw, u16 rid, u32 *sid)
{
	if (!hw || !hw->smmu)
		return -ENODEV;
	*sid = rid;
	return 0;
}

int hw_pci_dma(struct hw_system *hw, const struct hw_pci_fn *fn, u64 addr, void *buf, size_t len,
	       bool write, bool bypass_iommu)
{
	if (!hw || !fn)
		return -ENODEV;
	u16 rid = hw_pci_requester_id(fn);
	u32 sid;
	if (!bypass_iommu && !hw_pci_stream_id(hw, rid, &sid))
		return smmu_hw_dma_rid(hw->smmu, sid, SMMU_NO_SSID, addr, buf, len, write, rid);
	return write ? hw_phys_write(hw, addr, buf, len, rid) : hw_phys_read(hw, addr, buf, len);
}
