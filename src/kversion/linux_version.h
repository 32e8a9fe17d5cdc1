/*
 * The Linux kernels the model answers as (--linux). Each one is data: its
 * Debian configuration (src/kconfig), the kernel parameters its image knows
 * (src/init/cmdline_params.h), and, per layer, the deltas of its behaviour
 * from the others, each a struct owned by its layer's *_version.h:
 *
 *	iommu	src/iommu/iommu_version.h	IOMMU core: when devices are probed,
 *						ACS, group messages, domain-type lines
 *	pci	src/pci/pci_version.h		PCI core: enumeration messages, resources
 *	smmu	src/smmuv3/smmu_version.h	arm-smmu-v3: features, STE writer, events
 *	dma	src/dma/dma_version.h		swiotlb, atomic pools
 *	drivers	src/drivers/drivers_version.h	virtio, block, nvme, vfio-pci
 *	uapi	src/uapi/uapi_version.h		VFIO's (and iommufd's) user API
 *	early_memory src/init/early_memory_version.h the image, initramfs and early
 *						memblock allocations (where CMA and swiotlb land)
 *	irq_init src/init/irq_init_version.h	the boot's platform interrupt mappings
 *						(which Linux irq numbers they take)
 *
 * A layer reads its own struct through kernel_version(k)->LAYER; no code
 * compares version names. A third kernel is one more linux_X_Y.c here and
 * one more instance in each layer's *_version.c.
 */
#ifndef IOMMUSIM_KVERSION_LINUX_VERSION_H
#define IOMMUSIM_KVERSION_LINUX_VERSION_H

#include <stddef.h>

struct kernel;
struct kernel_config;
struct kparam_table;
struct iommu_version;
struct pci_version;
struct smmu_version;
struct dma_version;
struct drivers_version;
struct uapi_version;
struct early_memory_version;
struct irq_init_version;

struct linux_version {
	const char *name;			/* "6.1", as --linux names it */
	const char *description;		/* which build it is */
	const struct kernel_config *config;	/* Debian's configuration of it */
	const struct kparam_table *params;	/* the parameters its image knows */
	const struct iommu_version *iommu;
	const struct pci_version *pci;
	const struct smmu_version *smmu;
	const struct dma_version *dma;
	const struct drivers_version *drivers;
	const struct uapi_version *uapi;
	const struct early_memory_version *early_memory;
	const struct irq_init_version *irq_init;
};

extern const struct linux_version linux_6_1, linux_7_3;

/* The reference kernel (6.1) */
const struct linux_version *linux_version_default(void);
/* The kernel --linux NAME names ("6.1", "7.3"), or NULL. */
const struct linux_version *linux_version_find(const char *name);
/* Every modelled kernel, oldest first, NULL-terminated. */
const struct linux_version *const *linux_versions(void);
/* k's kernel; one a unit test put together by hand is the reference's. */
const struct linux_version *kernel_version(const struct kernel *k);

#endif
