/*
 * The driver's in-memory structures: command and event queues and the
 * stream table, allocated in guest memory and handed to the hardware by
 * arm_smmu_device_reset().
 */
#ifndef IOMMUSIM_SMMUV3_SMMU_TABLES_H
#define IOMMUSIM_SMMUV3_SMMU_TABLES_H

#include "smmuv3/arm_smmu_v3.h"

/* arm_smmu_init_structures(): queues ("allocated N entries for cmdq") and stream table */
int arm_smmu_init_structures(struct arm_smmu_device *smmu);
void arm_smmu_free_structures(struct arm_smmu_device *smmu);
/* arm_smmu_device_reset(): program the registers and enable the SMMU */
int arm_smmu_device_reset(struct arm_smmu_device *smmu);
/* make sure the stream table covers sid (2-level: allocate its level-2 table) */
int arm_smmu_init_sid_strtab(struct arm_smmu_device *smmu, u32 sid);
/* install the master's domain (or abort/bypass when domain is NULL) in its STEs */
int arm_smmu_install_ste_for_dev(struct arm_smmu_master *master);

#endif
