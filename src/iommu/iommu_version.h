/*
 * The IOMMU core: what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; iommu_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_IOMMU_IOMMU_VERSION_H
#define IOMMUSIM_IOMMU_IOMMU_VERSION_H

#include <stdbool.h>

struct iommu_version {
	/*
	 * bus_iommu_probe() when the SMMU registers: every device of the
	 * platform bus, then of PCI, gets its group then, in the bus's device
	 * order, before any driver binds, the core running dma_configure() for
	 * one with neither fwspec nor driver; of_iommu_configure() keeps an
	 * existing fwspec, leaves none behind on failure and replays the probe
	 * only for a device without dev->iommu (7.3, iommu/bus_probe.c).
	 * Otherwise (6.1) a device is probed by dma_configure() when a driver
	 * first tries it (of_iommu_configure() replays it for any device not
	 * yet in a group).
	 */
	bool probe_at_register;
	/* iommu_subsys_init()'s default-domain lines end with a blank (6.1) */
	bool domain_lines_trailing_blank;
	/*
	 * Writing a group's type file (iommu_group_store_type()): DMA -> DMA-FQ
	 * always; otherwise any populated group whose default domain no driver
	 * uses (owner_cnt 0) changes, several members or not, and one in use
	 * gives -EPERM with nothing logged (7.3). 6.1 changes a group of one
	 * device with no driver bound (DMA -> DMA-FQ also bound), and refuses
	 * with a rate-limited line: -EINVAL "Group has more than one device",
	 * -EBUSY "Device is still bound to driver".
	 */
	bool group_type_unowned_groups;
	/*
	 * iommu_dma_prepare_msi() for a device whose domain has no MSI cookie
	 * (not dma-iommu's, not iommufd's: a user-owned group's blocking
	 * domain): 7.3 dispatches by cookie type and refuses it (-EOPNOTSUPP,
	 * the MSI is not allocated); 6.1 leaves the message at the doorbell's
	 * physical address.
	 */
	bool prepare_msi_refuses_cookieless;
};

extern const struct iommu_version iommu_linux_6_1, iommu_linux_7_3;

#endif
