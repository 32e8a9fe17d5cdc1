#include <errno.h>
#include "drivers/device_dma.h"
#include "fw/of.h"
#include "hw/system.h"
#include "hw/smmuv3/smmu_hw.h"
#include "machine/machine.h"
#include "pci/pci.h"

static int last_alias(struct pci_dev *pdev, u16 alias, void *data)
{
	(void)pdev;
	*(u16 *)data = alias;
	return 0;
}

/* the requester ID the root complex sees is the last alias on the way up */
static u16 device_requester_id(struct device *dev)
{
	u16 rid = 0;
	if (dev_is_pci(dev))
		pci_for_each_dma_alias(to_pci_dev(dev), last_alias, &rid);
	return rid;
}

int device_stream_id(struct device *dev, u32 *sid)
{
	struct kernel *k = dev->k;
	struct hw_system *hw = k->hw;
	if (!hw || !hw->smmu)
		return -ENODEV;
	const struct machine *m = k->machine;
	if (dev_is_pci(dev) && m && m->pci_root) {
		/*
		 * QEMU's virt puts its whole PCIe host behind the SMMU, the
		 * StreamID being the requester ID, whatever the DT tells the
		 * kernel (a DT without iommu-map leaves the streams unconfigured)
		 */
		*sid = device_requester_id(dev);
		return 0;
	}
	if (dev_is_pci(dev)) {
		/* a user's platform: its DT is the only description of the wiring */
		u16 rid = device_requester_id(dev);
		int host = to_pci_dev(dev)->bus->host->bridge_parent->of_node;
		int target;
		u32 out;
		if (of_map_id(k->fdt, host, rid, "iommu-map", "iommu-map-mask", &target, &out) || target < 0)
			return -ENODEV;
		*sid = out;
		return 0;
	}
	int target, nargs;
	u32 args[4];
	if (dev->of_node < 0 ||
	    of_parse_phandle_with_args(k->fdt, dev->of_node, "iommus", "#iommu-cells", 0, &target, args, 4, &nargs) ||
	    nargs < 1)
		return -ENODEV;
	*sid = args[0];
	return 0;
}

int device_dma(struct device *dev, u64 addr, void *buf, size_t len, bool write, bool bypass_iommu)
{
	struct hw_system *hw = dev->k->hw;
	u32 sid;
	if (!hw)
		return -ENODEV;
	u32 rid = device_requester_id(dev);
	if (!bypass_iommu && !device_stream_id(dev, &sid))
		return smmu_hw_dma_rid(hw->smmu, sid, SMMU_NO_SSID, addr, buf, len, write, rid);
	return write ? hw_phys_write(hw, addr, buf, len, rid) : hw_phys_read(hw, addr, buf, len);
}
