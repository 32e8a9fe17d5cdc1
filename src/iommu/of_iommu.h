/* drivers/iommu/of_iommu.c: a master's IOMMU from the DT (iommus, iommu-map). */
#ifndef IOMMUSIM_IOMMU_OF_IOMMU_H
#define IOMMUSIM_IOMMU_OF_IOMMU_H

#include "iommu/iommu.h"

/*
 * of_iommu_configure(): fills the fwspec through of_xlate and replays
 * iommu_probe_device(). Returns 0 with *ops the IOMMU (NULL: none, or an
 * error that is ignored), or -EPROBE_DEFER while the IOMMU driver is missing.
 * id: the platform device's input id for an iommu-map, or NULL.
 */
int of_iommu_configure(struct device *dev, int master_np, const u32 *id,
		       const struct iommu_ops **ops);

#endif
