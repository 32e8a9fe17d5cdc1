/*
 * iommu_dma_prepare_msi()'s dispatch for a group user space owns (7.3's
 * drivers/iommu/iommu.c by the domain's cookie type): the owner of the
 * domain the group is in maps the MSI doorbell and says the address the
 * device must write.
 */
#ifndef IOMMUSIM_UAPI_SW_MSI_H
#define IOMMUSIM_UAPI_SW_MSI_H

#include <stdbool.h>
#include "base/device.h"

/*
 * *handled false: the group is the kernel's (dma-iommu's cookie decides).
 * Else: 0 and *msg_addr (the doorbell itself when nothing translates it or
 * the domain has no window), -EOPNOTSUPP for a blocking domain (7.3: a
 * cdev bound to iommufd but not attached has no cookie to map through; the
 * MSI core then answers the allocation with -ENOSPC), or the owner's error.
 */
int user_domain_prepare_msi(struct device *dev, u64 doorbell, u64 *msg_addr, bool *handled);

#endif
