/*
 * : what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; smmu_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_SMMUV3_SMMU_VERSION_H
#define IOMMUSIM_SMMUV3_SMMU_VERSION_H

#include <stdbool.h>

struct smmu_version {
	/* arm_smmu_device_hw_probe()'s line names the ias (6.1: "ias 44-bit, oas 44-bit") */
	bool probe_line_ias;
	/*
	 * arm_smmu_insert_master() sorts a master's StreamIDs first, passes over
	 * its own duplicates, and refuses one another master holds with
	 * "Aliasing StreamID 0x%x (from %s) unsupported, expect DMA to be
	 * broken" and -ENODEV (7.3); 6.1 inserts them in the fwspec's order and
	 * says "stream %u already in tree from dev %s" (-EINVAL).
	 */
	bool streams_sorted_aliasing_warning;
};

extern const struct smmu_version smmu_linux_6_1, smmu_linux_7_3;

#endif
