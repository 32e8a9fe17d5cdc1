/*
 * 7.3's hw_pagetable.c and iommufd_get_hw_info(): IOMMU_HWPT_ALLOC (a paging
 * HWPT on an IOAS, with IOMMU_HWPT_ALLOC_NEST_PARENT a stage-2 one; a nested
 * HWPT on a nest parent or on a vIOMMU from the driver's data),
 * IOMMU_HWPT_INVALIDATE (a batch of driver commands on a nested HWPT or a
 * vIOMMU) and IOMMU_GET_HW_INFO. The driver is reached only through its
 * iommu_ops and the vIOMMU's ops. Checks run in 7.3's order, so the first
 * failing one gives the errno; a refused call leaves no object behind (an
 * id 7.3 reserves and releases on the way is the lowest free one again).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/uaccess.h"
#include "uapi/iommufd.h"
#include "uapi/iommufd_eventq.h"
#include "iommu/iommu.h"

/* dev_iommu_ops(): the ops of the IOMMU instance the device probed with */
static const struct iommu_ops *idev_iommu_ops(struct iommufd_device *idev)
{
	if (!idev->dev || !idev->dev->iommu || !idev->dev->iommu->iommu_dev)
		return NULL;
	return idev->dev->iommu->iommu_dev->ops;
}

static struct iommufd_device *get_device(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_DEVICE);
	return obj ? to_idev(obj) : NULL;
}

static bool device_capable(struct iommufd_device *idev, enum iommu_cap cap)
{
	const struct iommu_ops *ops = idev_iommu_ops(idev);
	return ops && ops->capable && ops->capable(idev->dev, cap);
}

static void domain_free(struct iommu_domain *domain)
{
	if (domain && domain->ops && domain->ops->free)
		domain->ops->free(domain);
}

/* ---- paging ---- */

/* iommufd_hwpt_paging_enforce_cc() */
static int hwpt_paging_enforce_cc(struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommu_domain *domain = hwpt_paging->common.domain;
	if (hwpt_paging->enforce_cache_coherency)
		return 0;
	if (domain->ops->enforce_cache_coherency)
		hwpt_paging->enforce_cache_coherency = domain->ops->enforce_cache_coherency(domain);
	return hwpt_paging->enforce_cache_coherency ? 0 : -EINVAL;
}

/* iommufd_hwpt_paging_alloc() for IOMMU_HWPT_ALLOC (no immediate attach) */
static int hwpt_paging_alloc(struct iommufd_ioas *ioas, struct iommufd_device *idev, u32 flags,
			     const struct iommu_user_data *user_data,
			     struct iommufd_hw_pagetable **out)
{
	const u32 valid_flags = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
				IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID;
	const struct iommu_ops *ops = idev_iommu_ops(idev);
	int rc;

	if (!ops)
		return -ENODEV;
	if ((flags || user_data) && !ops->domain_alloc_paging_flags)
		return -EOPNOTSUPP;
	if (flags & ~valid_flags)
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) && !device_capable(idev, IOMMU_CAP_DIRTY_TRACKING))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_FAULT_ID_VALID) && (flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return -EOPNOTSUPP;
	/* every driver modelled has domain_alloc_paging_flags */
	if (!ops->domain_alloc_paging_flags)
		return -EOPNOTSUPP;

	struct iommufd_hwpt_paging *hwpt_paging = calloc(1, sizeof(*hwpt_paging));
	if (!hwpt_paging)
		return -ENOMEM;
	hwpt_paging->common.obj.type = IOMMUFD_OBJ_HWPT_PAGING;
	hwpt_paging->ioas = ioas;
	hwpt_paging->nest_parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	struct iommu_domain *domain = ops->domain_alloc_paging_flags(idev->dev, flags & ~IOMMU_HWPT_FAULT_ID_VALID,
								     user_data, &rc);
	if (!domain) {
		free(hwpt_paging);
		return rc ? rc : -ENOMEM;
	}
	hwpt_paging->common.domain = domain;
	/* the coherency mode is fixed before any map (a per-PTE bit on some IOMMUs) */
	if (idev->enforce_cache_coherency) {
		rc = hwpt_paging_enforce_cc(hwpt_paging);
		if (rc)
			goto out_free;
	}
	/* every mapping of the IOAS goes in; outside the domain's aperture becomes reserved */
	rc = iopt_table_add_domain(&ioas->iopt, domain);
	if (rc)
		goto out_free;
	ioas->obj.users++;
	*out = &hwpt_paging->common;
	return 0;
out_free:
	domain_free(domain);
	free(hwpt_paging);
	return rc;
}

/* ---- nested ---- */

static struct iommufd_hwpt_nested *hwpt_nested_new(struct iommufd_hwpt_paging *parent, struct iommufd_viommu *viommu)
{
	struct iommufd_hwpt_nested *n = calloc(1, sizeof(*n));
	if (n) {
		n->common.obj.type = IOMMUFD_OBJ_HWPT_NESTED;
		n->parent = parent;
		n->viommu = viommu;
	}
	return n;
}

/* iommufd_hwpt_nested_alloc(): on a nest-parent HWPT through iommu_ops->domain_alloc_nested */
static int hwpt_nested_alloc(struct iommufd_hwpt_paging *parent, struct iommufd_device *idev, u32 flags,
			     const struct iommu_user_data *user_data, struct iommufd_hw_pagetable **out)
{
	const struct iommu_ops *ops = idev_iommu_ops(idev);
	int rc;
	if ((flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)) || !user_data->len || !ops ||
	    !ops->domain_alloc_nested)
		return -EOPNOTSUPP;
	if (parent->auto_domain || !parent->nest_parent || parent->common.domain->ops != ops->default_domain_ops)
		return -EINVAL;
	struct iommufd_hwpt_nested *n = hwpt_nested_new(parent, NULL);
	if (!n)
		return -ENOMEM;
	n->common.domain = ops->domain_alloc_nested(idev->dev, parent->common.domain,
						    flags & ~IOMMU_HWPT_FAULT_ID_VALID, user_data, &rc);
	if (!n->common.domain) {
		free(n);
		return rc ? rc : -ENOMEM;
	}
	parent->common.obj.users++;
	*out = &n->common;
	return 0;
}

/* iommufd_viommu_alloc_hwpt_nested(): through the vIOMMU's alloc_domain_nested */
static int viommu_alloc_hwpt_nested(struct iommufd_viommu *viommu, u32 flags,
				    const struct iommu_user_data *user_data, struct iommufd_hw_pagetable **out)
{
	int rc;
	if (flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID))
		return -EOPNOTSUPP;
	if (!user_data->len)
		return -EOPNOTSUPP;
	if (!viommu->ops || !viommu->ops->alloc_domain_nested)
		return -EOPNOTSUPP;
	struct iommufd_hwpt_nested *n = hwpt_nested_new(viommu->hwpt, viommu);
	if (!n)
		return -ENOMEM;
	n->common.domain = viommu->ops->alloc_domain_nested(viommu, flags & ~IOMMU_HWPT_FAULT_ID_VALID, user_data,
							    &rc);
	if (!n->common.domain) {
		free(n);
		return rc ? rc : -ENOMEM;
	}
	viommu->obj.users++;
	*out = &n->common;
	return 0;
}

void iommufd_hwpt_nested_destroy(struct iommufd_hwpt_nested *hwpt_nested)
{
	domain_free(hwpt_nested->common.domain);
	if (hwpt_nested->viommu)
		hwpt_nested->viommu->obj.users--;
	else if (hwpt_nested->parent)
		hwpt_nested->parent->common.obj.users--;
	free(hwpt_nested);
}

/* a HWPT made here but refused later (no fault queue, no room for its id) */
static void hwpt_abort(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type == IOMMUFD_OBJ_HWPT_NESTED)
		iommufd_hwpt_nested_destroy(to_hwpt_nested(hwpt));
	else
		iommufd_hwpt_paging_destroy(to_hwpt_paging(hwpt));
}

int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd, struct iommu_hwpt_alloc *cmd)
{
	const struct iommu_user_data user_data = {
		.type = cmd->data_type,
		.uptr = (const void *)(uintptr_t)cmd->data_uptr,
		.len = cmd->data_len,
	};
	struct iommufd_hw_pagetable *hwpt = NULL;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if ((cmd->data_type == IOMMU_HWPT_DATA_NONE && cmd->data_len) ||
	    (cmd->data_type != IOMMU_HWPT_DATA_NONE && !cmd->data_len))
		return -EINVAL;
	struct iommufd_device *idev = get_device(ucmd->ictx, cmd->dev_id);
	if (!idev)
		return -ENOENT;
	struct iommufd_object *pt_obj = iommufd_get_object(ucmd->ictx, cmd->pt_id, IOMMUFD_OBJ_ANY);
	if (!pt_obj)
		return -EINVAL;
	switch (pt_obj->type) {
	case IOMMUFD_OBJ_IOAS:
		rc = hwpt_paging_alloc(to_ioas(pt_obj), idev, cmd->flags,
				       user_data.len ? &user_data : NULL, &hwpt);
		break;
	case IOMMUFD_OBJ_HWPT_PAGING:
		rc = hwpt_nested_alloc(to_hwpt_paging(to_hwpt(pt_obj)), idev, cmd->flags, &user_data, &hwpt);
		break;
	case IOMMUFD_OBJ_VIOMMU: {
		struct iommufd_viommu *viommu = to_viommu(pt_obj);
		struct iommu_device *iommu_dev = idev->dev && idev->dev->iommu ? idev->dev->iommu->iommu_dev : NULL;
		if (!iommu_dev || viommu->iommu_dev != iommu_dev)
			return -EINVAL;
		rc = viommu_alloc_hwpt_nested(viommu, cmd->flags, &user_data, &hwpt);
		break;
	}
	default:
		return -EINVAL;
	}
	if (rc)
		return rc;
	struct iommufd_object *fault = NULL;
	if (cmd->flags & IOMMU_HWPT_FAULT_ID_VALID) {
		/* iommufd_get_fault(): a fault object of IOMMU_FAULT_QUEUE_ALLOC */
		fault = iommufd_get_object(ucmd->ictx, cmd->fault_id, IOMMUFD_OBJ_FAULT);
		if (!fault) {
			hwpt_abort(hwpt);
			return -ENOENT;
		}
	}
	rc = iommufd_object_add(ucmd->ictx, &hwpt->obj);
	if (rc) {
		hwpt_abort(hwpt);
		return rc;
	}
	/* the HWPT holds the fault object until its end (iommufd_main.c drops it) */
	if (fault) {
		hwpt->fault = to_fault(fault);
		fault->users++;
		/* iommufd_fault_iopf_handler: the driver enables IOPF for it at each attach */
		hwpt->domain->iopf_handler = true;
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

/* ---- IOMMU_HWPT_INVALIDATE ---- */

/* an arbitrary cap far above any real batch (IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX) */
#define HWPT_INVALIDATE_ENTRY_NUM_MAX (1U << 19)
#define PAGE_SIZE_BYTES 4096u

int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd, struct iommu_hwpt_invalidate *cmd)
{
	struct iommu_user_data_array array = {
		.type = cmd->data_type,
		.uptr = (const void *)(uintptr_t)cmd->data_uptr,
		.entry_len = cmd->entry_len,
		.entry_num = cmd->entry_num,
	};
	u32 done_num = 0;
	int rc;

	if (cmd->__reserved) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	/* one call cannot pin the CPU: entry_len and entry_num are bounded */
	if (cmd->entry_num && (!cmd->data_uptr || !cmd->entry_len || cmd->entry_len > PAGE_SIZE_BYTES ||
			       cmd->entry_num > HWPT_INVALIDATE_ENTRY_NUM_MAX)) {
		rc = -EINVAL;
		goto out;
	}
	struct iommufd_object *pt_obj = iommufd_get_object(ucmd->ictx, cmd->hwpt_id, IOMMUFD_OBJ_ANY);
	if (!pt_obj) {
		rc = -ENOENT;
		goto out;
	}
	if (pt_obj->type == IOMMUFD_OBJ_HWPT_NESTED) {
		struct iommu_domain *domain = to_hwpt(pt_obj)->domain;
		if (!domain->ops || !domain->ops->cache_invalidate_user) {
			rc = -EOPNOTSUPP;
			goto out;
		}
		rc = domain->ops->cache_invalidate_user(domain, &array);
	} else if (pt_obj->type == IOMMUFD_OBJ_VIOMMU) {
		struct iommufd_viommu *viommu = to_viommu(pt_obj);
		if (!viommu->ops || !viommu->ops->cache_invalidate) {
			rc = -EOPNOTSUPP;
			goto out;
		}
		rc = viommu->ops->cache_invalidate(viommu, &array);
	} else {
		rc = -EINVAL;
		goto out;
	}
	done_num = array.entry_num;
out:
	/* entry_num goes back whatever the answer: how many entries were handled */
	cmd->entry_num = done_num;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return rc;
}

/* ---- IOMMU_GET_HW_INFO ---- */

int iommufd_get_hw_info(struct iommufd_ucmd *ucmd, struct iommu_hw_info *cmd)
{
	u32 data_len = 0;
	void *data = NULL;
	int rc;

	if (cmd->flags & ~(u32)IOMMU_HW_INFO_FLAG_INPUT_TYPE)
		return -EOPNOTSUPP;
	if (cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	/* without INPUT_TYPE the driver picks its default type */
	if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
	struct iommufd_device *idev = get_device(ucmd->ictx, cmd->dev_id);
	if (!idev)
		return -ENOENT;
	const struct iommu_ops *ops = idev_iommu_ops(idev);
	if (!ops)
		return -EOPNOTSUPP;
	if (ops->hw_info) {
		u32 type = cmd->in_data_type;
		data = ops->hw_info(idev->dev, &data_len, &type, &rc);
		if (rc)
			return rc;
		cmd->out_data_type = type;
	} else {
		cmd->out_data_type = IOMMU_HW_INFO_TYPE_NONE;
	}
	u32 copy_len = cmd->data_len < data_len ? cmd->data_len : data_len;
	/* copy_to_user() and clear_user() of the rest of the caller's buffer */
	rc = cmd->data_len && !cmd->data_uptr ? -EFAULT : copy_to_user(cmd->data_uptr, data, copy_len);
	if (!rc && copy_len < cmd->data_len)
		rc = clear_user(cmd->data_uptr + copy_len, cmd->data_len - copy_len);
	free(data);
	if (rc)
		return rc;
	/* the kernel's length, which may be more than the caller's buffer */
	cmd->data_len = data_len;
	cmd->out_capabilities = 0;
	if (device_capable(idev, IOMMU_CAP_DIRTY_TRACKING))
		cmd->out_capabilities |= IOMMU_HW_CAP_DIRTY_TRACKING;
	if (!device_capable(idev, IOMMU_CAP_PCI_ATS_SUPPORTED))
		cmd->out_capabilities |= IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED;
	/* dev->iommu->max_pasids: no modelled device enables PASID */
	cmd->out_max_pasid_log2 = 0;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}
