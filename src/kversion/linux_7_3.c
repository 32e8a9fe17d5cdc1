/* Debian's backport kernel 7.3 (trixie-backports, 7.3.4+deb13-cloud-arm64). */
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

const struct linux_version linux_7_3 = {
	.name = "7.3",
	.description = "Debian's arm64 cloud kernel 7.3.4+deb13-cloud-arm64 (trixie-backports)",
	.config = &linux_7_3_config,
	.params = &linux_7_3_params,
	.iommu = &iommu_linux_7_3,
	.pci = &pci_linux_7_3,
	.smmu = &smmu_linux_7_3,
	.dma = &dma_linux_7_3,
	.drivers = &drivers_linux_7_3,
	.uapi = &uapi_linux_7_3,
	.early_memory = &early_memory_linux_7_3,
	.irq_init = &irq_init_linux_7_3,
};
