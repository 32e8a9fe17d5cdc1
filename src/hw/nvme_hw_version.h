/*
 * QEMU's NVMe controller: what differs between the QEMU releases the model
 * answers as (src/machine/qemu_version.h); nvme_hw_version.c has the values.
 */
#ifndef IOMMUSIM_HW_NVME_HW_VERSION_H
#define IOMMUSIM_HW_NVME_HW_VERSION_H

#include <stdbool.h>

struct nvme_hw_version {
	/*
	 * Every controller belongs to an NVM subsystem (an implicit one when no
	 * subsys= is given), so Identify Controller's CMIC has bit 1, "may be
	 * one of several controllers": Linux then makes a multipath head disk
	 * (nvme0n1 over the path nvme0c0n1). 10.0; on 7.2 only with subsys=,
	 * which the model does not take.
	 */
	bool cmic_multi_ctrl;
	/*
	 * nvme_init_pci() calls pcie_cap_deverr_init(): Device Control's four
	 * error reporting enables are writable (10.0, with the SPDM work of
	 * 9.1); on 7.2 they read 0 whatever is written.
	 */
	bool pcie_deverr;
};

extern const struct nvme_hw_version nvme_hw_qemu_7_2, nvme_hw_qemu_10_0;

#endif
