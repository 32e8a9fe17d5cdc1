/* The IOMMU core of each kernel (iommu_version.h). */
#include "iommu/iommu_version.h"

const struct iommu_version iommu_linux_6_1 = {
	.probe_at_register = false,
	.domain_lines_trailing_blank = true,
	.group_type_unowned_groups = false,
	.prepare_msi_refuses_cookieless = false,
};

const struct iommu_version iommu_linux_7_3 = {
	.probe_at_register = true,
	.domain_lines_trailing_blank = false,
	.group_type_unowned_groups = true,
	.prepare_msi_refuses_cookieless = true,
};
