/*
 * The options of the 7.3 kernel a user may set (--kconfig), and what each
 * changes in the model. Every other option of linux_7_3.c is Debian's value
 * and stays so: the model's answers for another value are not written.
 */
#include "kconfig/settable_common.h"

static const struct kconfig_settable options[] = {
	KCONFIG_SETTABLE_DEBUG_TEST_DRIVER_REMOVE
	/* no such symbol in 6.1 (it came in 6.2): 6.1's table does not list it */
	{ KCONFIG_IOMMUFD, 0, 0, 0,
	  "y or m: /dev/iommu, iommufd's I/O address spaces (IOAS_ALLOC, IOVA_RANGES, ALLOW_IOVAS, "
	  "MAP, COPY, UNMAP, OPTION, DESTROY); with VFIO_DEVICE_CDEV: devices bound and attached. "
	  "m is modelled as built in (no iommufd module in lsmod)" },
	{ KCONFIG_VFIO_DEVICE_CDEV, 0, 0, 0,
	  "y (needs IOMMUFD): vfio-pci's devices get /dev/vfio/devices/vfioN and "
	  "/sys/bus/pci/devices/NAME/vfio-dev/vfioN; the cdev binds to an iommufd "
	  "(VFIO_DEVICE_BIND_IOMMUFD) and attaches to an IOAS or HWPT" },
	{ KCONFIG_ARM_SMMU_V3_IOMMUFD, 0, 0, 0,
	  "y (needs IOMMUFD): arm-smmu-v3's iommufd features (hw_info, nest parents, nested domains, "
	  "vIOMMU)" },
	{ KCONFIG_TRANSPARENT_HUGEPAGE, 0, 0, 0,
	  "n: iommufd's IOVA allocator aligns an allocated IOVA to at most a page (with THP: to at "
	  "most HPAGE_SIZE, 2M), as the oracle's iommufd kernel (allnoconfig-based) does" },
	KCONFIG_SETTABLE_COMMON
};

/* 7.3's drivers/vfio/Kconfig and drivers/iommu/arm/Kconfig */
static const struct kconfig_dependency depends[] = {
	{ KCONFIG_VFIO_DEVICE_CDEV, KCONFIG_IOMMUFD },
	{ KCONFIG_ARM_SMMU_V3_IOMMUFD, KCONFIG_IOMMUFD },
};

const struct kconfig_settables linux_7_3_settables = {
	.version = "7.3",
	.options = options,
	.noptions = sizeof(options) / sizeof(options[0]),
	.depends = depends,
	.ndepends = sizeof(depends) / sizeof(depends[0]),
};
