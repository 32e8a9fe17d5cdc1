/*
 * : what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; iommu_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_IOMMU_IOMMU_VERSION_H
#define IOMMUSIM_IOMMU_IOMMU_VERSION_H

#include <stdbool.h>

struct iommu_version {
	/*
	 * bus_iommu_probe() when the SMMU registers: every device of the bus
	 * gets its group then, in the bus's device order, before any driver
	 * binds (7.3). Otherwise (6.1) a device is probed by dma_configure()
	 * when a driver first tries it.
	 */
	bool probe_at_register;
	/* iommu_subsys_init()'s default-domain lines end with a blank (6.1) */
	bool domain_lines_trailing_blank;
};

extern const struct iommu_version iommu_linux_6_1, iommu_linux_7_3;

#endif
