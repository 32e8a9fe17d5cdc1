/* Debian 12's arm64 cloud kernel, 6.1.0-50-cloud-arm64: the reference. */
#include "kversion/linux_version.h"
#include "kconfig/kconfig.h"
#include "init/cmdline_params.h"
#include "iommu/iommu_version.h"
#include "pci/pci_version.h"
#include "smmuv3/smmu_version.h"
#include "dma/dma_version.h"
#include "drivers/drivers_version.h"
#include "uapi/uapi_version.h"
#include "init/early_memory_version.h"
#include "init/irq_init_version.h"

const struct linux_version linux_6_1 = {
	.name = "6.1",
	.description = "Debian 12's arm64 cloud kernel 6.1.0-50-cloud-arm64",
	.config = &linux_6_1_config,
	.params = &linux_6_1_params,
	.iommu = &iommu_linux_6_1,
	.pci = &pci_linux_6_1,
	.smmu = &smmu_linux_6_1,
	.dma = &dma_linux_6_1,
	.drivers = &drivers_linux_6_1,
	.uapi = &uapi_linux_6_1,
	.early_memory = &early_memory_linux_6_1,
	.irq_init = &irq_init_linux_6_1,
};
