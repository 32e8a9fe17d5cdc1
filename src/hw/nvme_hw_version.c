/* QEMU's NVMe controller of each release (nvme_hw_version.h). */
#include "hw/nvme_hw_version.h"

const struct nvme_hw_version nvme_hw_qemu_7_2 = {
	.cmic_multi_ctrl = false,
	.pcie_deverr = false,
};

const struct nvme_hw_version nvme_hw_qemu_10_0 = {
	.cmic_multi_ctrl = true,
	.pcie_deverr = true,
};
