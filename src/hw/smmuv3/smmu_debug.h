/*
 * Debugger's views of the SMMU, as QEMU's monitor would give them: the STE
 * and CD a StreamID uses and a table walk level by level. They read memory
 * and registers only: no TLB or config-cache fill, no event recorded.
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_DEBUG_H
#define IOMMUSIM_HW_SMMUV3_SMMU_DEBUG_H

#include <stdio.h>
#include "hw/smmuv3/smmu_hw.h"

/* Print the STE (and CD) that sid/ssid selects, raw and decoded. 0 or -errno. */
int smmu_hw_debug_ste(struct smmu_hw *smmu, u32 sid, u32 ssid, FILE *out);
/* Print the walk of iova for sid/ssid: each descriptor, then the result or fault. */
int smmu_hw_debug_walk(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, bool write, FILE *out);

#endif
