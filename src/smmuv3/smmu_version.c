/* The arm-smmu-v3 driver of each kernel (smmu_version.h). */
#include "smmuv3/smmu_version.h"

const struct smmu_version smmu_linux_6_1 = {
	.probe_line_ias = true,
	.streams_sorted_aliasing_warning = false,
	.probe_newer_id_features = false,
	.event_decoded_lines = false,
	.ste_writer = ARM_SMMU_STE_WRITER_STRTAB_ENT,
	.ste_shcfg_needs_attr_types_ovr = false,
	.attach_direct_ste_update = false,
};

const struct smmu_version smmu_linux_7_3 = {
	.probe_line_ias = false,
	.streams_sorted_aliasing_warning = true,
	.probe_newer_id_features = true,
	.event_decoded_lines = true,
	.ste_writer = ARM_SMMU_STE_WRITER_USED_BITS,
	.ste_shcfg_needs_attr_types_ovr = true,
	.attach_direct_ste_update = true,
};
