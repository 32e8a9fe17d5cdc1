/*
 * iommufd's devices (7.3's drivers/iommu/iommufd/device.c and the paging
 * part of hw_pagetable.c): binding a device (the IOMMUFD_OBJ_DEVICE object
 * and DMA ownership of its group: the group leaves its default domain for
 * the blocking one), attaching it to an IOAS (through an automatic paging
 * HWPT: an UNMANAGED domain of the device's IOMMU holding every mapping of
 * the IOAS) or to a HWPT, replacing one attachment by another, detaching
 * (blocking again) and unbinding.
 *
 * A group attaches once: the first of its bound devices attaches the group
 * to the domain, the others join the same HWPT (another one is EINVAL) and
 * the last to leave detaches it. Each attached device's reserved regions
 * are reserved in the IOAS of a paging HWPT (iopt_table_enforce_dev_resv_regions).
 */
#include <errno.h>
#include <stdlib.h>
#include "uapi/iommufd.h"
#include "drivers/irq.h"
#include "iommu/iommu.h"

static const struct iommu_ops *dev_iommu_ops(struct device *dev)
{
	return dev->iommu && dev->iommu->iommu_dev ? dev->iommu->iommu_dev->ops : NULL;
}

/* device_iommu_capable(): what the IOMMU driver says (no capable op: nothing) */
static bool device_iommu_capable(struct device *dev, enum iommu_cap cap)
{
	const struct iommu_ops *ops = dev_iommu_ops(dev);
	return ops && ops->capable && ops->capable(dev, cap);
}

/*
 * iommu_device_claim_dma_owner(): the first device takes the group from
 * the kernel (blocking domain; -EPERM while a kernel driver uses it, -EBUSY
 * when it is not in its default domain); more devices of the same owner
 * only count; another owner is -EPERM.
 */
static int device_claim_dma_owner(struct device *dev, void *owner)
{
	struct iommu_group *group = dev->iommu_group;
	if (!group)
		return -ENODEV;
	if (group->owner_cnt) {
		if (group->owner != owner)
			return -EPERM;
		group->owner_cnt++;
		return 0;
	}
	return iommu_group_claim_dma_owner(group, owner);
}

/* iommu_device_release_dma_owner(): the last device gives the group back (default domain) */
static void device_release_dma_owner(struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;
	if (group->owner_cnt > 1)
		group->owner_cnt--;
	else
		iommu_group_release_dma_owner(group);
}

int iommufd_device_bind(struct iommufd_ctx *ictx, struct device *dev, struct iommufd_device **out)
{
	/* iommufd always maps with IOMMU_CACHE: the IOMMU must keep DMA coherent */
	if (!device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY))
		return -EINVAL;
	if (!dev->iommu_group)
		return -ENODEV;
	/* no allow_unsafe_interrupts: an MSI controller that cannot isolate devices refuses */
	if (!irq_domain_check_msi_remap(ictx->k))
		return -EPERM;
	struct iommufd_device *idev = calloc(1, sizeof(*idev));
	if (!idev)
		return -ENOMEM;
	idev->obj.type = IOMMUFD_OBJ_DEVICE;
	idev->ictx = ictx;
	idev->dev = dev;
	idev->group = dev->iommu_group;
	idev->sw_msi_start = UINT64_MAX;
	int ret = device_claim_dma_owner(dev, ictx);
	if (ret) {
		free(idev);
		return ret;
	}
	idev->enforce_cache_coherency = device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
	ret = iommufd_object_add(ictx, &idev->obj);
	if (ret) {
		device_release_dma_owner(dev);
		free(idev);
		return ret;
	}
	/* the driver is a user until unbind: IOMMU_DESTROY of the device is EBUSY */
	idev->obj.users++;
	*out = idev;
	return 0;
}

void iommufd_device_unbind(struct iommufd_device *idev)
{
	struct iommufd_ctx *ictx = idev->ictx;
	/* iommufd_device_pre_destroy(): its vDEVICE first (iommufd_viommu.c) */
	iommufd_device_remove_vdev(idev);
	iommufd_device_detach(idev);
	device_release_dma_owner(idev->dev);
	ictx->objects[idev->obj.id] = NULL;
	free(idev);
}

/* another bound device of idev's group in the same context that is attached (igroup's attach) */
static struct iommufd_device *attached_peer(struct iommufd_device *idev)
{
	struct iommufd_ctx *ictx = idev->ictx;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (!obj || obj == &idev->obj || obj->type != IOMMUFD_OBJ_DEVICE)
			continue;
		struct iommufd_device *peer = to_idev(obj);
		if (peer->group == idev->group && peer->hwpt)
			return peer;
	}
	return NULL;
}

/* find_hwpt_paging(): the paging HWPT, or a nested one's parent (whose IOAS takes the reserved regions) */
static struct iommufd_hwpt_paging *find_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type == IOMMUFD_OBJ_HWPT_NESTED)
		return to_hwpt_nested(hwpt)->parent;
	return hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING ? to_hwpt_paging(hwpt) : NULL;
}

int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt, struct iommufd_device *idev)
{
	struct iommufd_hwpt_paging *hwpt_paging = find_hwpt_paging(hwpt);
	struct iommufd_device *peer = attached_peer(idev);
	if (idev->hwpt)
		return -EBUSY;
	/* the group is attached to one HWPT */
	if (peer && peer->hwpt != hwpt)
		return -EINVAL;
	int ret;
	if (hwpt_paging) {
		ret = iopt_table_enforce_dev_resv_regions(&hwpt_paging->ioas->iopt, idev->dev, &idev->sw_msi_start);
		if (ret)
			return ret;
	}
	/* the group's first attach: the MSI pages its devices use go into the new domain first */
	if (!peer && hwpt_paging) {
		ret = iommufd_group_setup_msi(idev, hwpt_paging);
		if (ret) {
			iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
			return ret;
		}
	}
	if (!peer) {
		ret = iommu_attach_group(hwpt->domain, idev->group);
		if (ret) {
			if (hwpt_paging)
				iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
			return ret;
		}
	}
	hwpt->obj.users++;
	idev->hwpt = hwpt;
	return 0;
}

void iommufd_hw_pagetable_detach(struct iommufd_device *idev)
{
	struct iommufd_hw_pagetable *hwpt = idev->hwpt;
	if (!hwpt)
		return;
	idev->hwpt = NULL;
	/* the last device of the group takes it back to blocking DMA */
	if (!attached_peer(idev))
		iommu_detach_group(hwpt->domain, idev->group);
	struct iommufd_hwpt_paging *hwpt_paging = find_hwpt_paging(hwpt);
	if (hwpt_paging)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
	hwpt->obj.users--;
}

void iommufd_hwpt_paging_destroy(struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_hw_pagetable *hwpt = &hwpt_paging->common;
	if (hwpt->domain) {
		iopt_table_remove_domain(&hwpt_paging->ioas->iopt, hwpt->domain);
		iommu_domain_free(hwpt->domain);
	}
	hwpt_paging->ioas->obj.users--;
	free(hwpt_paging);
}

/* an auto HWPT nobody is attached to any more goes (iommufd_hw_pagetable_put) */
static void hwpt_put_auto(struct iommufd_ctx *ictx, struct iommufd_hw_pagetable *hwpt)
{
	/* only a paging HWPT is ever automatic (a nested one's parent is a nest parent HWPT_ALLOC made) */
	if (hwpt->obj.type != IOMMUFD_OBJ_HWPT_PAGING)
		return;
	struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(hwpt);
	if (!hwpt_paging->auto_domain || hwpt->obj.users)
		return;
	ictx->objects[hwpt->obj.id] = NULL;
	iommufd_hwpt_paging_destroy(hwpt_paging);
}

/*
 * iommufd_hwpt_paging_alloc() with no flags for the device: the IOMMU
 * driver's paging domain (stage 1 where the SMMU has it), attached to the
 * device's group right away when immediate (an attach), then filled with
 * the IOAS's mappings. The HWPT takes a user of the IOAS.
 */
static int hwpt_paging_alloc_auto(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
				  struct iommufd_device *idev, bool immediate_attach,
				  struct iommufd_hwpt_paging **out)
{
	const struct iommu_ops *ops = dev_iommu_ops(idev->dev);
	if (!ops)
		return -ENODEV;
	struct iommufd_hwpt_paging *hwpt_paging = calloc(1, sizeof(*hwpt_paging));
	if (!hwpt_paging)
		return -ENOMEM;
	struct iommufd_hw_pagetable *hwpt = &hwpt_paging->common;
	hwpt->obj.type = IOMMUFD_OBJ_HWPT_PAGING;
	hwpt_paging->ioas = ioas;
	int ret = 0;
	if (ops->domain_alloc_paging_flags) {
		hwpt->domain = ops->domain_alloc_paging_flags(idev->dev, 0, NULL, &ret);
	} else {
		hwpt->domain = iommu_domain_alloc_type(ictx->k, idev->dev->bus, IOMMU_DOMAIN_UNMANAGED);
		ret = hwpt->domain ? 0 : -ENOMEM;
	}
	if (!hwpt->domain) {
		free(hwpt_paging);
		return ret ? ret : -ENOMEM;
	}
	ioas->obj.users++;
	if (immediate_attach) {
		ret = iommufd_hw_pagetable_attach(hwpt, idev);
		if (ret)
			goto out_abort;
	}
	ret = iopt_table_add_domain(&ioas->iopt, hwpt->domain);
	if (ret)
		goto out_detach;
	ret = iommufd_object_add(ictx, &hwpt->obj);
	if (ret) {
		iopt_table_remove_domain(&ioas->iopt, hwpt->domain);
		goto out_detach;
	}
	hwpt_paging->auto_domain = true;
	*out = hwpt_paging;
	return 0;
out_detach:
	if (immediate_attach) {
		iommufd_hw_pagetable_detach(idev);
		hwpt->obj.users = 0;
	}
out_abort:
	iommu_domain_free(hwpt->domain);
	ioas->obj.users--;
	free(hwpt_paging);
	return ret;
}

/*
 * iommufd_group_remove_reserved_iova(): the reserved ranges the group's
 * attached devices put in iopt (other groups' stay)
 */
static void group_remove_reserved_iova(struct iommufd_device *idev, struct io_pagetable *iopt)
{
	struct iommufd_ctx *ictx = idev->ictx;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (obj && obj->type == IOMMUFD_OBJ_DEVICE && to_idev(obj)->group == idev->group)
			iopt_remove_reserved_iova(iopt, to_idev(obj)->dev);
	}
}

/*
 * iommufd_device_do_replace(): the group moves from its HWPT to hwpt in one
 * step (no blocking between); the device's reserved regions move to the new
 * IOAS. The old HWPT loses the group's users; an auto one may go.
 */
static int do_replace(struct iommufd_device *idev, struct iommufd_hw_pagetable *hwpt,
		      struct iommufd_hw_pagetable **old_out)
{
	struct iommufd_hw_pagetable *old = idev->hwpt;
	*old_out = NULL;
	if (!old)
		return -EINVAL;
	if (hwpt == old)
		return 0;
	struct iommufd_hwpt_paging *hwpt_paging = find_hwpt_paging(hwpt);
	struct iommufd_hwpt_paging *old_paging = find_hwpt_paging(old);
	bool new_ioas = hwpt_paging && (!old_paging || old_paging->ioas != hwpt_paging->ioas);
	bool left_ioas = old_paging && (!hwpt_paging || old_paging->ioas != hwpt_paging->ioas);
	/* every attached device of the group moves */
	struct iommufd_ctx *ictx = idev->ictx;
	int ret;
	if (new_ioas) {
		for (size_t id = 1; id < ictx->nobjects; id++) {
			struct iommufd_object *obj = ictx->objects[id];
			if (!obj || obj->type != IOMMUFD_OBJ_DEVICE || to_idev(obj)->group != idev->group ||
			    !to_idev(obj)->hwpt)
				continue;
			ret = iopt_table_enforce_dev_resv_regions(&hwpt_paging->ioas->iopt, to_idev(obj)->dev, NULL);
			if (ret) {
				group_remove_reserved_iova(idev, &hwpt_paging->ioas->iopt);
				return ret;
			}
		}
	}
	/* iommufd_group_do_replace_reserved_iova(): the MSI pages the group uses go into the new domain */
	ret = hwpt_paging ? iommufd_group_setup_msi(idev, hwpt_paging) : 0;
	if (ret) {
		if (new_ioas)
			group_remove_reserved_iova(idev, &hwpt_paging->ioas->iopt);
		return ret;
	}
	/* iommu_replace_group_handle(): straight from one domain to the other */
	ret = iommu_group_set_domain(idev->group, hwpt->domain);
	if (ret) {
		if (new_ioas)
			group_remove_reserved_iova(idev, &hwpt_paging->ioas->iopt);
		return ret;
	}
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (!obj || obj->type != IOMMUFD_OBJ_DEVICE || to_idev(obj)->group != idev->group ||
		    to_idev(obj)->hwpt != old)
			continue;
		if (left_ioas)
			iopt_remove_reserved_iova(&old_paging->ioas->iopt, to_idev(obj)->dev);
		to_idev(obj)->hwpt = hwpt;
		hwpt->obj.users++;
		old->obj.users--;
	}
	*old_out = old;
	return 0;
}

/* attach (idev has no HWPT) or replace, to hwpt */
static int change_to(struct iommufd_device *idev, struct iommufd_hw_pagetable *hwpt, bool replace,
		     struct iommufd_hw_pagetable **old)
{
	*old = NULL;
	return replace ? do_replace(idev, hwpt, old) : iommufd_hw_pagetable_attach(hwpt, idev);
}

/*
 * iommufd_device_auto_get_domain(): an auto HWPT of the IOAS that takes the
 * device (EINVAL: incompatible, try the next), else a new one.
 */
static int auto_get_domain(struct iommufd_device *idev, struct iommufd_ioas *ioas, u32 *pt_id, bool replace,
			   struct iommufd_hw_pagetable **old)
{
	struct iommufd_ctx *ictx = idev->ictx;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (!obj || obj->type != IOMMUFD_OBJ_HWPT_PAGING)
			continue;
		struct iommufd_hwpt_paging *hwpt_paging = to_hwpt_paging(to_hwpt(obj));
		if (!hwpt_paging->auto_domain || hwpt_paging->ioas != ioas)
			continue;
		int ret = change_to(idev, &hwpt_paging->common, replace, old);
		if (ret == -EINVAL)
			continue;
		if (!ret)
			*pt_id = obj->id;
		return ret;
	}
	struct iommufd_hwpt_paging *hwpt_paging = NULL;
	int ret = hwpt_paging_alloc_auto(ictx, ioas, idev, !replace, &hwpt_paging);
	if (ret)
		return ret;
	if (replace) {
		ret = do_replace(idev, &hwpt_paging->common, old);
		if (ret) {
			ictx->objects[hwpt_paging->common.obj.id] = NULL;
			iommufd_hwpt_paging_destroy(hwpt_paging);
			return ret;
		}
	}
	*pt_id = hwpt_paging->common.obj.id;
	return 0;
}

/* iommufd_device_change_pt(): pt_id names a HWPT (paging or nested) or an IOAS; anything else EINVAL */
static int change_pt(struct iommufd_device *idev, u32 *pt_id, bool replace)
{
	struct iommufd_object *pt_obj = iommufd_get_object(idev->ictx, *pt_id, IOMMUFD_OBJ_ANY);
	struct iommufd_hw_pagetable *old = NULL;
	int ret;
	if (!pt_obj)
		return -ENOENT;
	switch (pt_obj->type) {
	case IOMMUFD_OBJ_HWPT_NESTED:
	case IOMMUFD_OBJ_HWPT_PAGING:
		ret = change_to(idev, to_hwpt(pt_obj), replace, &old);
		break;
	case IOMMUFD_OBJ_IOAS:
		ret = auto_get_domain(idev, to_ioas(pt_obj), pt_id, replace, &old);
		break;
	default:
		return -EINVAL;
	}
	if (!ret && old)
		hwpt_put_auto(idev->ictx, old);
	return ret;
}

int iommufd_device_attach(struct iommufd_device *idev, u32 *pt_id)
{
	return change_pt(idev, pt_id, false);
}

int iommufd_device_replace(struct iommufd_device *idev, u32 *pt_id)
{
	return change_pt(idev, pt_id, true);
}

void iommufd_device_detach(struct iommufd_device *idev)
{
	struct iommufd_hw_pagetable *hwpt = idev->hwpt;
	if (!hwpt)
		return;
	iommufd_hw_pagetable_detach(idev);
	hwpt_put_auto(idev->ictx, hwpt);
}
