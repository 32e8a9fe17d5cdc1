/* QEMU's SMMUv3 model of each release (smmu_hw_version.h). */
#include "hw/smmuv3/smmu_hw_version.h"

const struct smmu_hw_version smmu_hw_qemu_7_2 = {
	.has_stage2 = false,
	.vmid16 = false,
	.xnx_with_stage2 = false,
	.bbml2 = true,
	.fault_record_class = false,
};

const struct smmu_hw_version smmu_hw_qemu_10_0 = {
	.has_stage2 = true,
	.vmid16 = true,
	.xnx_with_stage2 = true,
	.bbml2 = true,
	.fault_record_class = true,
};
