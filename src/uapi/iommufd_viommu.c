/*
 * 7.3's viommu.c: IOMMU_VIOMMU_ALLOC (the host's side of a guest's IOMMU,
 * on a nest-parent HWPT, for the physical IOMMU behind a bound device) and
 * IOMMU_VDEVICE_ALLOC (a device's virtual ID in it: the guest's StreamID on
 * SMMUv3). Checks in 7.3's order; the driver is asked through
 * iommu_ops->get_viommu_size / viommu_init and the vIOMMU's ops.
 */
#include <errno.h>
#include <stdlib.h>
#include "uapi/iommufd.h"
#include "iommu/iommu.h"

static struct iommu_device *idev_iommu_dev(struct iommufd_device *idev)
{
	return idev->dev && idev->dev->iommu ? idev->dev->iommu->iommu_dev : NULL;
}

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_viommu_alloc *cmd)
{
	const struct iommu_user_data user_data = {
		.type = cmd->type,
		.uptr = (const void *)(uintptr_t)cmd->data_uptr,
		.len = cmd->data_len,
	};
	if (cmd->flags || cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	struct iommufd_object *obj = iommufd_get_object(ucmd->ictx, cmd->dev_id, IOMMUFD_OBJ_DEVICE);
	if (!obj)
		return -ENOENT;
	struct iommufd_device *idev = to_idev(obj);
	struct iommu_device *iommu_dev = idev_iommu_dev(idev);
	if (!iommu_dev)
		return -EOPNOTSUPP;
	const struct iommu_ops *ops = iommu_dev->ops;
	if (!ops->get_viommu_size || !ops->viommu_init)
		return -EOPNOTSUPP;
	/* 0: the driver has no such vIOMMU for this device (SMMUv3: no nesting, or neither CANWBS nor S2FWB) */
	if (!ops->get_viommu_size(idev->dev, cmd->type))
		return -EOPNOTSUPP;
	obj = iommufd_get_object(ucmd->ictx, cmd->hwpt_id, IOMMUFD_OBJ_HWPT_PAGING);
	if (!obj)
		return -ENOENT;
	struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(to_hwpt(obj));
	if (!hwpt_paging->nest_parent)
		return -EINVAL;

	struct iommufd_viommu *viommu = calloc(1, sizeof(*viommu));
	if (!viommu)
		return -ENOMEM;
	viommu->obj.type = IOMMUFD_OBJ_VIOMMU;
	viommu->type = cmd->type;
	viommu->ictx = ucmd->ictx;
	viommu->hwpt = hwpt_paging;
	viommu->iommu_dev = iommu_dev;
	int rc = ops->viommu_init(viommu, hwpt_paging->common.domain, user_data.len ? &user_data : NULL);
	if (!rc && !viommu->ops)
		rc = -EOPNOTSUPP;	/* a driver bug in 7.3 (WARN) */
	if (!rc)
		rc = iommufd_object_add(ucmd->ictx, &viommu->obj);
	if (rc) {
		if (viommu->ops && viommu->ops->destroy)
			viommu->ops->destroy(viommu);
		free(viommu);
		return rc;
	}
	hwpt_paging->common.obj.users++;
	cmd->out_viommu_id = viommu->obj.id;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

void iommufd_viommu_destroy(struct iommufd_viommu *viommu)
{
	if (viommu->ops && viommu->ops->destroy)
		viommu->ops->destroy(viommu);
	viommu->hwpt->common.obj.users--;
	free(viommu);
}

/* the vDEVICE of viommu with this virtual ID (the viommu->vdevs xarray of 7.3) */
static struct iommufd_vdevice *find_vdevice(struct iommufd_viommu *viommu, u64 virt_id)
{
	struct iommufd_ctx *ictx = viommu->ictx;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (obj && obj->type == IOMMUFD_OBJ_VDEVICE && to_vdevice(obj)->viommu == viommu &&
		    to_vdevice(obj)->virt_id == virt_id)
			return to_vdevice(obj);
	}
	return NULL;
}

struct device *iommufd_viommu_find_dev(struct iommufd_viommu *viommu, u64 vdev_id)
{
	struct iommufd_vdevice *vdev = viommu ? find_vdevice(viommu, vdev_id) : NULL;
	return vdev ? vdev->idev->dev : NULL;
}

int iommufd_viommu_get_vdev_id(struct iommufd_viommu *viommu, struct device *dev, u64 *vdev_id)
{
	struct iommufd_ctx *ictx = viommu->ictx;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (obj && obj->type == IOMMUFD_OBJ_VDEVICE && to_vdevice(obj)->viommu == viommu &&
		    to_vdevice(obj)->idev->dev == dev) {
			*vdev_id = to_vdevice(obj)->virt_id;
			return 0;
		}
	}
	return -ENOENT;
}

int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_vdevice_alloc *cmd)
{
	/* virt_id indexes an xarray (an unsigned long: all of u64 on arm64) */
	struct iommufd_object *obj = iommufd_get_object(ucmd->ictx, cmd->viommu_id, IOMMUFD_OBJ_VIOMMU);
	if (!obj)
		return -ENOENT;
	struct iommufd_viommu *viommu = to_viommu(obj);
	obj = iommufd_get_object(ucmd->ictx, cmd->dev_id, IOMMUFD_OBJ_DEVICE);
	if (!obj)
		return -ENOENT;
	struct iommufd_device *idev = to_idev(obj);
	struct iommu_device *iommu_dev = idev_iommu_dev(idev);
	if (!iommu_dev || viommu->iommu_dev != iommu_dev)
		return -EINVAL;
	/* one vDEVICE a device; one device a virtual ID */
	if (idev->vdev)
		return -EEXIST;
	if (find_vdevice(viommu, cmd->virt_id))
		return -EEXIST;
	struct iommufd_vdevice *vdev = calloc(1, sizeof(*vdev));
	if (!vdev)
		return -ENOMEM;
	vdev->obj.type = IOMMUFD_OBJ_VDEVICE;
	vdev->viommu = viommu;
	vdev->idev = idev;
	vdev->virt_id = cmd->virt_id;
	int rc = viommu->ops && viommu->ops->vdevice_init ? viommu->ops->vdevice_init(vdev) : 0;
	if (!rc)
		rc = iommufd_object_add(ucmd->ictx, &vdev->obj);
	if (rc) {
		free(vdev);
		return rc;
	}
	viommu->obj.users++;
	/* the vDEVICE keeps the device object: it goes first */
	idev->obj.users++;
	idev->vdev = vdev;
	cmd->out_vdevice_id = vdev->obj.id;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

void iommufd_device_remove_vdev(struct iommufd_device *idev)
{
	struct iommufd_vdevice *vdev = idev->vdev;
	if (!vdev)
		return;
	struct iommufd_ctx *ictx = idev->ictx;
	u32 id = vdev->obj.id;
	/* iommufd_object_tombstone_user(): the object goes, its slot stays reserved */
	struct iommufd_object *tomb = calloc(1, sizeof(*tomb));
	ictx->objects[id] = tomb;
	if (tomb) {
		tomb->id = id;
		tomb->type = IOMMUFD_OBJ_NONE;
	}
	iommufd_vdevice_destroy(vdev);
}

void iommufd_vdevice_destroy(struct iommufd_vdevice *vdev)
{
	vdev->viommu->obj.users--;
	vdev->idev->vdev = NULL;
	vdev->idev->obj.users--;
	free(vdev);
}
