/*
 * QEMU's SMMUv3 model: what differs between the QEMU releases the model
 * answers as (src/machine/qemu_version.h). One field per behaviour, named by
 * the behaviour; smmu_hw_version.c has each release's values. Which stages
 * a machine's SMMU has is the machine's (struct machine's smmu_stage):
 * smmu_hw_config_qemu() turns a release and its stages into the ID registers.
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_HW_VERSION_H
#define IOMMUSIM_HW_SMMUV3_SMMU_HW_VERSION_H

#include <stdbool.h>

struct smmu_hw_version {
	/* the model implements stage 2 and nesting (stage=2, stage=nested: 9.2 and later) */
	bool has_stage2;
	/* IDR0.VMID16 whatever the stages (8.1 on, with stage 2; 7.2: 8-bit VMIDs) */
	bool vmid16;
	/* IDR3.XNX when stage 2 is advertised (stage 2's execute-never control: 8.1 on) */
	bool xnx_with_stage2;
	/*
	 * IDR3.BBML = 2 (BBM level 2: 7.1 on, so both 7.2 and 10.0; Linux 6.1
	 * never reads it, 7.3 reports FEAT_BBML2)
	 */
	bool bbml2;
	/*
	 * A translation-class fault's record carries CLASS (IN for the input
	 * address, TT for a stage-1 table fetch) and a stage-2 fault's IPA
	 * (10.0's smmuv3_do_translate: word 1 0x0000020000000000 for a
	 * stage-1 write fault). 7.2's records of these faults leave CLASS 0.
	 */
	bool fault_record_class;
};

extern const struct smmu_hw_version smmu_hw_qemu_7_2, smmu_hw_qemu_10_0;

#endif
