#include <errno.h>
#include "drivers/device_dma.h"
#include "fw/of.h"
#include "hw/system.h"
#include "hw/pci_rid.h"
#include "hw/smmuv3/smmu_hw.h"
#include "pci/pci.h"

/*
 * A PCI function's requester ID and StreamID are the hardware's (hw/pci_rid.h):
 * the bridges' bus-number registers and the host's wiring decide them, not
 * the kernel's alias walk, which only predicts them.
 */
int device_stream_id(struct device *dev, u32 *sid)
{
	struct kernel *k = dev->k;
	struct hw_system *hw = k->hw;
	if (!hw || !hw->smmu)
		return -ENODEV;
	if (dev_is_pci(dev)) {
		const struct hw_pci_fn *fn = to_pci_dev(dev)->hw;
		if (!fn)
			return -ENODEV;
		return hw_pci_stream_id(hw, hw_pci_requester_id(fn), sid);
	}
	/* a platform device: the board's DT describes its wiring to the SMMU */
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
	if (dev_is_pci(dev))
		return hw_pci_dma(hw, to_pci_dev(dev)->hw, addr, buf, len, write, bypass_iommu);
	if (!bypass_iommu && !device_stream_id(dev, &sid))
		return smmu_hw_dma_rid(hw->smmu, sid, SMMU_NO_SSID, addr, buf, len, write, 0);
	return write ? hw_phys_write(hw, addr, buf, len, 0) : hw_phys_read(hw, addr, buf, len);
}
