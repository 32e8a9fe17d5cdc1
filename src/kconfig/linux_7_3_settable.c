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
	  "MAP, COPY, UNMAP, OPTION, DESTROY); devices, HWPTs and vIOMMUs are not modelled yet. "
	  "m is modelled as built in (no iommufd module in lsmod)" },
	{ KCONFIG_TRANSPARENT_HUGEPAGE, 0, 0, 0,
	  "n: iommufd's IOVA allocator aligns an allocated IOVA to at most a page (with THP: to at "
	  "most HPAGE_SIZE, 2M), as the oracle's iommufd kernel (allnoconfig-based) does" },
	KCONFIG_SETTABLE_COMMON
};

const struct kconfig_settables linux_7_3_settables = {
	.version = "7.3",
	.options = options,
	.noptions = sizeof(options) / sizeof(options[0]),
};
