/*
 * The iommufd ioctls of 7.3 that the model's hardware and process give
 * nothing to work on, with 7.3's argument checks and the answer each gets
 * on QEMU's SMMUv3 and the model's one process:
 *
 * - IOMMU_VFIO_IOAS (vfio_compat.c): GET / SET / CLEAR the compat IOAS
 *   (always in the table, whatever IOMMUFD_VFIO_CONTAINER says: that option
 *   only decides whether iommufd serves /dev/vfio/vfio).
 * - IOMMU_HWPT_SET_DIRTY_TRACKING / IOMMU_HWPT_GET_DIRTY_BITMAP
 *   (hw_pagetable.c): a paging HWPT's domain has dirty ops only when made
 *   with IOMMU_HWPT_ALLOC_DIRTY_TRACKING, which arm-smmu-v3 gives only with
 *   HTTU's HD (QEMU's SMMUv3 has no HTTU: HWPT_ALLOC with the flag is
 *   EOPNOTSUPP): EOPNOTSUPP after the range checks.
 * - IOMMU_IOAS_MAP_FILE (ioas.c, io_pagetable.c): a file's pages. The
 *   model's process has no memfd_create(); each file it can open (the VFIO
 *   and iommufd nodes, eventfds, event queues) is neither shmem nor
 *   hugetlbfs, so the pin memfd_pin_folios() does fails: EINVAL. As in 7.3
 *   the pages pin only when a domain needs them: an IOAS without a domain
 *   takes the mapping, and a domain added later (HWPT_ALLOC, an attach)
 *   is refused with that EINVAL.
 * - IOMMU_IOAS_CHANGE_PROCESS (ioas.c): every mapping must be of a file
 *   (EINVAL for a user-address one); the model's one process has nothing
 *   to move: 0.
 * - IOMMU_HW_QUEUE_ALLOC (viommu.c): only Tegra241 CMDQV's vIOMMU has HW
 *   queues: EOPNOTSUPP for arm-smmu-v3's.
 * - IOMMU_IOAS_NOIOMMU_GET_PA (ioas.c): without IOMMUFD_NOIOMMU (selected
 *   by VFIO_NOIOMMU, off in the oracle's kernel) its stub: EOPNOTSUPP.
 */
#include <errno.h>
#include "uapi/iommufd.h"
#include "uapi/iommufd_rest.h"
#include "uapi/uapi.h"

/* ---- IOMMU_VFIO_IOAS ---- */

int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd, struct iommu_vfio_ioas *cmd)
{
	struct iommufd_ctx *ictx = ucmd->ictx;
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		/* get_compat_ioas(): none set is ENODEV */
		if (!ictx->vfio_ioas)
			return -ENODEV;
		cmd->ioas_id = ictx->vfio_ioas->obj.id;
		iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
		return 0;
	case IOMMU_VFIO_IOAS_SET: {
		struct iommufd_ioas *ioas = iommufd_get_ioas(ictx, cmd->ioas_id);
		if (!ioas)
			return -ENOENT;
		ictx->vfio_ioas = ioas;
		return 0;
	}
	case IOMMU_VFIO_IOAS_CLEAR:
		ictx->vfio_ioas = NULL;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* ---- dirty tracking ---- */

/* the paging HWPT with this id (iommufd_get_hwpt_paging), NULL: ENOENT */
static struct iommufd_hwpt_paging *get_hwpt_paging(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_HWPT_PAGING);
	return obj ? to_hwpt_paging(to_hwpt(obj)) : NULL;
}

/*
 * domain->dirty_ops are set for a domain made with IOMMU_HWPT_ALLOC_DIRTY_TRACKING
 * only; arm-smmu-v3 makes one only with HTTU's HD, which the model's SMMU (as
 * QEMU's) lacks: no domain of the model has them, and both ioctls end in
 * EOPNOTSUPP where 7.3 finds none.
 */

int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd, struct iommu_hwpt_set_dirty_tracking *cmd)
{
	if (cmd->flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return -EOPNOTSUPP;
	struct iommufd_hwpt_paging *hwpt_paging = get_hwpt_paging(ucmd->ictx, cmd->hwpt_id);
	if (!hwpt_paging)
		return -ENOENT;
	/* iopt_set_dirty_tracking(): no dirty ops */
	return -EOPNOTSUPP;
}

/* iommufd_check_iova_range(): the bitmap's range against the IOAS's and the bitmap's page size */
static int check_iova_range(const struct io_pagetable *iopt, const struct iommu_hwpt_get_dirty_bitmap *bitmap)
{
	u64 iommu_pgsize = iopt->iova_alignment;
	u64 last_iova;
	if (!bitmap->length)
		return -EINVAL;
	if (__builtin_add_overflow(bitmap->iova, bitmap->length - 1, &last_iova))
		return -EOVERFLOW;
	/* iova and last_iova fit an unsigned long on arm64: nothing more */
	if ((bitmap->iova & (iommu_pgsize - 1)) || ((last_iova + 1) & (iommu_pgsize - 1)))
		return -EINVAL;
	if (!bitmap->page_size)
		return -EINVAL;
	if ((bitmap->iova & (bitmap->page_size - 1)) || ((last_iova + 1) & (bitmap->page_size - 1)))
		return -EINVAL;
	return 0;
}

int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd, struct iommu_hwpt_get_dirty_bitmap *cmd)
{
	if ((cmd->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) || cmd->__reserved)
		return -EOPNOTSUPP;
	struct iommufd_hwpt_paging *hwpt_paging = get_hwpt_paging(ucmd->ictx, cmd->hwpt_id);
	if (!hwpt_paging)
		return -ENOENT;
	/* iopt_read_and_clear_dirty_data(): the range first, then the domain's ops */
	int rc = check_iova_range(&hwpt_paging->ioas->iopt, cmd);
	if (rc)
		return rc;
	/* iommu_read_and_clear_dirty(): no dirty ops */
	return -EOPNOTSUPP;
}

/* ---- IOMMU_IOAS_MAP_FILE ---- */

int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd, struct iommu_ioas_map_file *cmd)
{
	if (cmd->flags & ~(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE))
		return -EOPNOTSUPP;
	if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	if (!iommufd_get_ioas(ucmd->ictx, cmd->ioas_id))
		return -ENOENT;
	/* iopt_map_file_pages() */
	u64 last;
	if (!cmd->length)
		return -EINVAL;
	if (__builtin_add_overflow(cmd->start, cmd->length - 1, &last))
		return -EOVERFLOW;
	/* dma_buf_get() (no DMA_SHARED_BUFFER: ENXIO) gives way to fget() */
	if (!uapi_fget(ucmd->ictx->k, cmd->fd))
		return -EBADF;
	/*
	 * iopt_alloc_file_pages() takes any file; its pages pin (and so map) only
	 * when a domain needs them, and no file of the model is a memfd: with a
	 * domain on the IOAS the map is EINVAL, without one it is taken.
	 */
	struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	struct iopt_pages_slice slice;
	int ret = iopt_alloc_file_pages(cmd->start, cmd->length, cmd->flags & IOMMU_IOAS_MAP_WRITEABLE, &slice);
	if (ret)
		return ret;
	ret = iommufd_ioas_map_slice(ioas, &slice, cmd->length, &cmd->iova, cmd->flags);
	if (ret)
		return ret;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

/* ---- IOMMU_IOAS_CHANGE_PROCESS ---- */

int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd, struct iommu_ioas_change_process *cmd)
{
	struct iommufd_ctx *ictx = ucmd->ictx;
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	/* every IOAS's areas must come from files (IOMMU_IOAS_MAP_FILE) */
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (!obj || obj->type != IOMMUFD_OBJ_IOAS)
			continue;
		const struct io_pagetable *iopt = &to_ioas(obj)->iopt;
		for (size_t i = 0; i < iopt->nareas; i++)
			if (!iopt->areas[i].pages->file)
				return -EINVAL;
	}
	/* one process: the pinned pages' charge stays where it is (and file pages never pin here) */
	return 0;
}

/* ---- IOMMU_HW_QUEUE_ALLOC ---- */

int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_hw_queue_alloc *cmd)
{
	u64 last;
	if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (__builtin_add_overflow(cmd->nesting_parent_iova, cmd->length - 1, &last))
		return -EOVERFLOW;
	if (!iommufd_get_object(ucmd->ictx, cmd->viommu_id, IOMMUFD_OBJ_VIOMMU))
		return -ENOENT;
	/* arm-smmu-v3's vIOMMU ops have no get_hw_queue_size (Tegra241 CMDQV's do) */
	return -EOPNOTSUPP;
}

/* ---- IOMMU_IOAS_NOIOMMU_GET_PA ---- */

int iommufd_ioas_noiommu_get_pa(struct iommufd_ucmd *ucmd, struct iommu_ioas_noiommu_get_pa *cmd)
{
	(void)ucmd;
	(void)cmd;
	/* the stub without IOMMUFD_NOIOMMU */
	return -EOPNOTSUPP;
}
