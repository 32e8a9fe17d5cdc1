/*
 * QEMU's SMMUv3 model: what differs between the QEMU releases the model
 * answers as (src/machine/qemu_version.h). One field per behaviour, named by
 * the behaviour; smmu_hw_version.c has each release's values. Which stages
 * a machine's SMMU has is the machine's (struct machine's smmu_stage).
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_HW_VERSION_H
#define IOMMUSIM_HW_SMMUV3_SMMU_HW_VERSION_H

#include <stdbool.h>

struct smmu_hw_version {
	/* the model implements stage 2 and nesting (stage=2, stage=nested: 9.2 and later) */
	bool has_stage2;
};

extern const struct smmu_hw_version smmu_hw_qemu_7_2, smmu_hw_qemu_10_0;

#endif
