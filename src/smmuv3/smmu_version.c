/* The arm-smmu-v3 driver of each kernel (smmu_version.h). */
#include "smmuv3/smmu_version.h"

const struct smmu_version smmu_linux_6_1 = {
	.probe_line_ias = true,
	.streams_sorted_aliasing_warning = false,
};

const struct smmu_version smmu_linux_7_3 = {
	.probe_line_ias = false,
	.streams_sorted_aliasing_warning = true,
};
