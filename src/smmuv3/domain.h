/*
 * arm-smmu-v3 domains beyond the iommu_domain_ops: finalising a domain on an
 * SMMU, and the stage-2 / nested domains the iommufd work builds on
 * (upstream's arm_smmu_domain_alloc_paging(IOMMU_HWPT_ALLOC_NEST_PARENT) and
 * arm_smmu_domain_alloc_nesting()).
 */
#ifndef IOMMUSIM_SMMUV3_DOMAIN_H
#define IOMMUSIM_SMMUV3_DOMAIN_H

#include "smmuv3/arm_smmu_v3.h"

/*
 * arm_smmu_domain_finalise(): pick the stage (S1 when the SMMU has it, else
 * S2; a domain already marked S2/NESTED keeps it), allocate ASID or VMID and
 * the page tables, set the geometry. 0, -EINVAL (stage unsupported), -ENOSPC
 * (no ASID/VMID left) or -ENOMEM; nothing is left allocated on error.
 */
int arm_smmu_domain_finalise(struct arm_smmu_domain *smmu_domain, struct arm_smmu_master *master);

/* A paging domain forced to stage 2 and finalised on smmu: a nesting parent. NULL without S2. */
struct iommu_domain *arm_smmu_domain_alloc_s2(struct kernel *k, struct arm_smmu_device *smmu);

/*
 * A nested domain: the guest's STE words 0-1 (S1 CD table owned by the
 * guest) on top of s2_parent. -EINVAL when the parent is not a finalised S2
 * domain, -EIO when the guest STE sets bits it may not (or a Config other
 * than abort/bypass/S1), as upstream's arm_smmu_validate_vste; *err gets it.
 */
struct iommu_domain *arm_smmu_domain_alloc_nested(struct iommu_domain *s2_parent,
						  const u64 guest_ste[2], int *err);

/* Invalidate everything the domain's ASID/VMID tagged (arm_smmu_tlb_inv_context). */
void arm_smmu_tlb_inv_context(struct arm_smmu_domain *smmu_domain);

#endif
