/*
 * The MSI doorbell of a device whose group user space owns (see sw_msi.h):
 * iommufd's domains map it in the context's SW_MSI window
 * (iommufd_sw_msi.c); VFIO type1's domains through the MSI cookie type1 put
 * at the window's base (vfio_iommu_type1.c); an identity domain passes the
 * physical address through; a blocking domain has no cookie (7.3 refuses,
 * 6.1 leaves the address physical).
 */
#include <errno.h>
#include "iommu/iommu.h"
#include "iommu/iommu_version.h"
#include "kversion/linux_version.h"
#include "uapi/iommufd.h"
#include "uapi/sw_msi.h"
#include "uapi/uapi.h"
#include "uapi/vfio.h"

/* the iommufd device of dev attached in some context of the process, or NULL */
static struct iommufd_device *attached_idev(struct kernel *k, struct device *dev)
{
	struct uapi_state *st = k->uapi;
	for (int fd = 0; st && fd < UAPI_MAX_FDS; fd++) {
		const struct uapi_file *f = st->fds[fd];
		if (!f || f->kind != UAPI_FILE_IOMMUFD)
			continue;
		struct iommufd_ctx *ictx = f->iommufd;
		for (size_t id = 1; id < ictx->nobjects; id++) {
			struct iommufd_object *obj = ictx->objects[id];
			if (obj && obj->type == IOMMUFD_OBJ_DEVICE && to_idev(obj)->dev == dev && to_idev(obj)->hwpt)
				return to_idev(obj);
		}
	}
	return NULL;
}

int user_domain_prepare_msi(struct device *dev, u64 doorbell, u64 *msg_addr, bool *handled)
{
	struct iommu_group *group = dev->iommu_group;
	*msg_addr = doorbell;
	*handled = group && group->owner;
	if (!*handled || !group->domain || group->domain->type == IOMMU_DOMAIN_IDENTITY)
		return 0;
	struct iommufd_device *idev = attached_idev(dev->k, dev);
	if (idev)
		return iommufd_sw_msi(idev, doorbell, msg_addr);
	/* the blocking domain (arm-smmu-v3's is an empty paging domain): no cookie */
	if (group->domain == group->blocking_domain || group->domain->type == IOMMU_DOMAIN_BLOCKED)
		return kernel_version(dev->k)->iommu->prepare_msi_refuses_cookieless ? -EOPNOTSUPP : 0;
	return vfio_iommu_type1_sw_msi(dev->k, group, doorbell, msg_addr);
}
