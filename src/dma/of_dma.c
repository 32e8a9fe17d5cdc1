/*
 * of_dma_configure_id() and arm64's arch_setup_dma_ops() as in Linux 6.1. For
 * a PCI function np is the host bridge's node; without dma-ranges there the
 * range is the device's coherent mask, so it leaves the 32-bit default alone.
 */
#include <errno.h>
#include "dma/of_dma.h"
#include "dma/mapping.h"
#include "fw/of.h"
#include "fw/of_node.h"
#include "iommu/of_iommu.h"

static unsigned ilog2_u64(u64 v)
{
	return 63 - __builtin_clzll(v);
}

int of_dma_configure_id(struct device *dev, int np, bool force_dma, const u32 *id)
{
	const void *fdt = dev->k->fdt;
	u64 dma_start = 0, cpu_start = 0, size = 0;
	/* a device's own node: the range comes from its parent bus */
	int bus_np = np;
	if (np == dev->of_node)
		bus_np = of_get_parent(fdt, np);
	int ret = of_dma_range_limit(fdt, bus_np, &dma_start, &cpu_start, &size);
	bool have_ranges = !ret && size;
	if (ret < 0 && !force_dma)
		return ret;
	if (have_ranges && (size & 1)) {
		dev_warn(dev, "Invalid size 0x%llx for dma-range(s)\n", (unsigned long long)size);
		size += 1;
	}
	if (!have_ranges)
		dma_start = 0;

	if (!dev->dma_mask) {
		dev_warn(dev, "DMA mask not set\n");
		dev->dma_mask = &dev->coherent_dma_mask;
	}
	if (!have_ranges) {
		size = dev->coherent_dma_mask ? MAX(dev->coherent_dma_mask, dev->coherent_dma_mask + 1)
					      : 1ULL << 32;
	}
	/* clip the masks the bus code set to what the bus can address */
	u64 end = dma_start + size - 1;
	u64 mask = DMA_BIT_MASK(ilog2_u64(end) + 1);
	dev->coherent_dma_mask &= mask;
	*dev->dma_mask &= mask;
	if (have_ranges)
		dev->bus_dma_limit = end;

	bool coherent = of_property_present(fdt, np, "dma-coherent");
	const struct iommu_ops *iommu = NULL;
	if (of_iommu_configure(dev, np, id, &iommu) == -EPROBE_DEFER)
		return -EPROBE_DEFER;
	arch_setup_dma_ops(dev, dma_start, size, iommu != NULL, coherent);
	return 0;
}

void arch_setup_dma_ops(struct device *dev, u64 dma_base, u64 size, bool iommu, bool coherent)
{
	dev->dma_coherent = coherent;
	if (iommu)
		iommu_setup_dma_ops(dev, dma_base, dma_base + size - 1);
}
