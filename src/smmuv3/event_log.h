/*
 * Every event the driver drained from the EVTQ, kept (the last
 * ARM_SMMU_EVENT_LOG_SIZE) for /sys/kernel/debug/iommusim/events: what
 * dmesg shows as four raw qwords, decoded, and not rate limited.
 */
#ifndef IOMMUSIM_SMMUV3_EVENT_LOG_H
#define IOMMUSIM_SMMUV3_EVENT_LOG_H

#include "smmuv3/arm_smmu_v3.h"

#define ARM_SMMU_EVENT_LOG_SIZE 4096

struct arm_smmu_event_rec {
	u64 ts_ns;
	u64 evt[4];
};

void arm_smmu_event_log_add(struct arm_smmu_device *smmu, const u64 evt[4]);
void arm_smmu_event_log_free(struct arm_smmu_device *smmu);
/* "event 0x10 F_TRANSLATION sid 0x100 ..." lines, oldest first */
void arm_smmu_event_log_register_debugfs(void);

#endif
