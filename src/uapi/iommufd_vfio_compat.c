/*
 * The VFIO container ioctls iommufd answers on its own file (7.3's
 * vfio_compat.c, iommufd_vfio_ioctl): numbers outside iommufd's table land
 * here. VFIO_GET_API_VERSION and VFIO_CHECK_EXTENSION are modelled; the
 * compat IOAS (VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO, MAP_DMA, UNMAP_DMA) and
 * /dev/vfio/vfio served by iommufd (IOMMUFD_VFIO_CONTAINER) are a next step
 * and answer ENOTTY here.
 */
#include <errno.h>
#include <linux/vfio.h>
#include "uapi/iommufd.h"

/*
 * iommufd_vfio_cc_iommu(): ENODEV without a compat IOAS (IOMMU_VFIO_IOAS);
 * 1 when every paging HWPT on it enforces cache coherency, else 0
 */
static long cc_iommu(struct iommufd_ctx *ictx)
{
	if (!ictx->vfio_ioas)
		return -ENODEV;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (!obj || obj->type != IOMMUFD_OBJ_HWPT_PAGING)
			continue;
		struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(to_hwpt(obj));
		if (hwpt_paging->ioas == ictx->vfio_ioas && !hwpt_paging->enforce_cache_coherency)
			return 0;
	}
	return 1;
}

/* iommufd_vfio_check_extension(): a context out of no-IOMMU mode */
static long check_extension(struct iommufd_ctx *ictx, unsigned long type)
{
	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_NOIOMMU_IOMMU:
		/* CONFIG_VFIO_NOIOMMU is off in Debian's and the oracle's 7.3 */
		return 0;
	case VFIO_DMA_CC_IOMMU:
		/* the compat IOAS's coherency (VFIO_SET_IOMMU is not modelled: IOMMU_VFIO_IOAS sets it) */
		return cc_iommu(ictx);
	default:
		/* VFIO_UPDATE_VADDR, the old nesting type, anything else */
		return 0;
	}
}

long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned long cmd, void *arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(ictx, (unsigned long)arg);
	default:
		return -ENOTTY;
	}
}
