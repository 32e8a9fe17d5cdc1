/*
 * The settable options every modelled kernel shares, with what each changes
 * in the model (the kernels' tables, linux_X_Y_settable.c, list them in this
 * order around their own).
 */
#ifndef IOMMUSIM_KCONFIG_SETTABLE_COMMON_H
#define IOMMUSIM_KCONFIG_SETTABLE_COMMON_H

#include "kconfig/kconfig_set.h"

/* the members of one Kconfig choice: setting one to y sets the others to n */
enum { CHOICE_IOMMU_DEFAULT = 1 };

#define KCONFIG_SETTABLE_DEBUG_TEST_DRIVER_REMOVE \
	{ KCONFIG_DEBUG_TEST_DRIVER_REMOVE, 0, 0, 0, \
	  "really_probe() probes, calls the driver's remove, cleans up and probes again, on every " \
	  "device whose driver allows unbinding (not arm-smmu-v3): each probe's messages are logged " \
	  "twice, 'Adding to iommu group' once. pci-host-generic's own remove (the root bus removed " \
	  "and enumerated again) is not modelled: the host bridge probes once; nor is nvme's remove " \
	  "racing the reset work its probe queued. No real boot checks the log under this option" },

#define KCONFIG_SETTABLE_COMMON \
	{ KCONFIG_IOMMU_DEFAULT_DMA_STRICT, 0, 0, CHOICE_IOMMU_DEFAULT, \
	  "default domains are DMA, unmaps invalidate the IOTLB at once (iommu.passthrough= and " \
	  "iommu.strict= still override it)" }, \
	{ KCONFIG_IOMMU_DEFAULT_DMA_LAZY, 0, 0, CHOICE_IOMMU_DEFAULT, \
	  "default domains are DMA-FQ: unmaps are invalidated through the flush queue" }, \
	{ KCONFIG_IOMMU_DEFAULT_PASSTHROUGH, 0, 0, CHOICE_IOMMU_DEFAULT, \
	  "default domains are identity (bypass)" }, \
	{ KCONFIG_VIRTIO_PCI_LEGACY, 0, 0, 0, \
	  "n: virtio-pci leaves legacy-only (disable-modern=on) devices unbound ('leaving for " \
	  "legacy driver')" }, \
	{ KCONFIG_DMA_CMA, 0, 0, 0, \
	  "n: no CMA area; the SMMU's queues may then be as large as the buddy allocator's largest " \
	  "block" }, \
	{ KCONFIG_CMA_SIZE_MBYTES, 0, 1024, 0, "the default CMA area's size in MiB (cma= overrides it)" }, \
	{ KCONFIG_CMA_ALIGNMENT, 2, 12, 0, \
	  "the largest CMA alignment, a page order: caps the SMMU's queue sizes" },

#endif
