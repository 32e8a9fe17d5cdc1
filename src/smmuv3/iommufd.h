/*
 * arm-smmu-v3's iommufd side (7.3's arm-smmu-v3-iommufd.c, built with
 * ARM_SMMU_V3_IOMMUFD): the hardware information user space reads, the
 * nest-parent (stage-2) paging domain, the vSMMU (struct arm_vsmmu) a VMM
 * makes on it, nested domains from the guest's STE, the vDEVICE check and
 * the guest's invalidation commands, validated and rewritten (vSID to the
 * physical StreamID, the parent's VMID) before they reach the real command
 * queue. The iommufd core reaches all of it only through arm_smmu_ops and
 * the vIOMMU's iommufd_viommu_ops.
 */
#ifndef IOMMUSIM_SMMUV3_IOMMUFD_H
#define IOMMUSIM_SMMUV3_IOMMUFD_H

#include "smmuv3/arm_smmu_v3.h"

struct iommufd_viommu;

/* struct arm_vsmmu: the driver's part of an IOMMU_VIOMMU_TYPE_ARM_SMMUV3 vIOMMU */
struct arm_vsmmu {
	struct iommufd_viommu *core;
	struct arm_smmu_device *smmu;
	struct arm_smmu_domain *s2_parent;	/* the nest parent */
	u16 vmid;				/* its VMID: every guest TLBI is tagged with it */
};

/* the driver is built with ARM_SMMU_V3_IOMMUFD (else its iommufd ops behave as absent) */
bool arm_smmu_iommufd_built(const struct arm_smmu_device *smmu);

/*
 * arm_smmu_master_canwbs(): the master's root complex is CANWBS (7.3 reads
 * IOMMU_FWSPEC_PCI_RC_CANWBS from IORT; the model's firmware is DT: the
 * iommusim option pci_rc_canwbs puts the flag in the fwspec).
 */
bool arm_smmu_master_canwbs(const struct arm_smmu_master *master);

/* iommu_ops members (arm_smmu_ops) */
bool arm_smmu_capable(struct device *dev, enum iommu_cap cap);
void *arm_smmu_hw_info(struct device *dev, u32 *length, u32 *type, int *err);
struct iommu_domain *arm_smmu_domain_alloc_paging_flags(struct device *dev, u32 flags,
							const struct iommu_user_data *user_data, int *err);
size_t arm_smmu_get_viommu_size(struct device *dev, u32 viommu_type);
int arm_vsmmu_init(struct iommufd_viommu *viommu, struct iommu_domain *parent_domain,
		   const struct iommu_user_data *user_data);

/*
 * arm_smmu_attach_prepare_vmaster(): attaching master to a nested domain of
 * vsmmu with this guest STE. An S1 one needs the device's vDEVICE (CD and
 * ATC invalidations name its vSID): -ENOENT without; abort and bypass do
 * not. -EINVAL for a master of another SMMU. *vmaster: the device has its
 * vDEVICE (then *vsid its virtual ID).
 */
int arm_vsmmu_attach_prepare(struct arm_vsmmu *vsmmu, struct arm_smmu_master *master, const u64 ste[2],
			     bool *vmaster, u64 *vsid);

/*
 * The guest command as the host issues it (arm_vsmmu_convert_user_cmd): the
 * words in CPU order, validated for the opcode and rewritten. 0 or -EIO.
 * Exposed for tests.
 */
int arm_vsmmu_convert_user_cmd(struct arm_vsmmu *vsmmu, u64 data[2]);

/*
 * arm_vmaster_report_event(): an event of master, a device attached to a
 * nested domain of a vSMMU with its vDEVICE (7.3's vmaster, made at that
 * attach), goes to the
 * vIOMMU's ARM_SMMUV3 vEVENTQ as struct iommu_vevent_arm_smmuv3: the record
 * with its StreamID replaced by the vSID, little-endian. 0 (queued, or lost
 * to a full queue), -EOPNOTSUPP (no vmaster, or no such vEVENTQ: the host
 * prints it).
 */
int arm_vmaster_report_event(struct arm_smmu_master *master, const u64 evt[4]);

#endif
