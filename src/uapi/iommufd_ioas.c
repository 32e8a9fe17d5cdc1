/*
 * The IOAS ioctls (7.3's ioas.c): each checks its struct as 7.3 does, in
 * 7.3's order (flags and reserved fields, then overflow, then the object),
 * and answers through the caller's struct, up to the caller's size.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/uaccess.h"
#include "uapi/iommufd.h"

#define MAP_FLAGS (IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

void iommufd_ioas_destroy(struct iommufd_ioas *ioas)
{
	iopt_unmap_all(&ioas->iopt, NULL);
	iopt_destroy_table(&ioas->iopt);
	free(ioas);
}

int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_ioas_alloc *cmd)
{
	if (cmd->flags)
		return -EOPNOTSUPP;
	struct iommufd_ioas *ioas = calloc(1, sizeof(*ioas));
	if (!ioas)
		return -ENOMEM;
	ioas->obj.type = IOMMUFD_OBJ_IOAS;
	iopt_init_table(&ioas->iopt, ucmd->ictx->max_alloc_alignment);
	int ret = iommufd_object_add(ucmd->ictx, &ioas->obj);
	if (ret) {
		free(ioas);
		return ret;
	}
	cmd->out_ioas_id = ioas->obj.id;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd, struct iommu_ioas_iova_ranges *cmd)
{
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	u32 max = cmd->num_iovas;
	size_t n = iopt_iova_holes(&ioas->iopt, NULL, 0);
	struct iopt_range *holes = calloc(n ? n : 1, sizeof(*holes));
	if (!holes)
		return -ENOMEM;
	iopt_iova_holes(&ioas->iopt, holes, n);
	/* the ranges that fit are written before the count says whether all did */
	for (size_t i = 0; i < n && i < max; i++) {
		struct iommu_iova_range range = { .start = holes[i].start, .last = holes[i].last };
		if (copy_to_user(cmd->allowed_iovas + i * sizeof(range), &range, sizeof(range))) {
			free(holes);
			return -EFAULT;
		}
	}
	free(holes);
	cmd->num_iovas = (u32)n;
	cmd->out_iova_alignment = ioas->iopt.iova_alignment;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return n > max ? -EMSGSIZE : 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct iopt_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd, struct iommu_ioas_allow_iovas *cmd)
{
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	/* grown as the ranges are read: num_iovas is the caller's word, the array may be shorter */
	struct iopt_range *r = malloc(sizeof(*r));
	size_t cap = 1;
	if (!r)
		return -ENOMEM;
	/* iommufd_ioas_load_iovas(): each range non-empty and apart from the ones before it */
	for (u32 i = 0; i < cmd->num_iovas; i++) {
		struct iommu_iova_range range;
		int err = copy_from_user(&range, cmd->allowed_iovas + (u64)i * sizeof(range), sizeof(range));
		if (!err && i == cap) {
			struct iopt_range *grown = realloc(r, 2 * cap * sizeof(*r));
			if (grown) {
				r = grown;
				cap *= 2;
			} else {
				err = -ENOMEM;
			}
		}
		if (!err && range.start >= range.last)
			err = -EINVAL;
		for (u32 j = 0; !err && j < i; j++)
			if (r[j].start <= range.last && r[j].last >= range.start)
				err = -EINVAL;
		if (err) {
			free(r);
			return err;
		}
		r[i] = (struct iopt_range){ range.start, range.last };
	}
	qsort(r, cmd->num_iovas, sizeof(*r), range_cmp);
	int ret = iopt_set_allow_iova(&ioas->iopt, r, cmd->num_iovas);
	if (ret)
		free(r);
	return ret;
}

static int conv_iommu_prot(u32 map_flags)
{
	int prot = IOMMU_CACHE;
	if (map_flags & IOMMU_IOAS_MAP_WRITEABLE)
		prot |= IOMMU_WRITE;
	if (map_flags & IOMMU_IOAS_MAP_READABLE)
		prot |= IOMMU_READ;
	return prot;
}

int iommufd_ioas_map(struct iommufd_ucmd *ucmd, struct iommu_ioas_map *cmd)
{
	if ((cmd->flags & ~MAP_FLAGS) || cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	struct iopt_pages_slice slice;
	int ret = iopt_alloc_user_pages(cmd->user_va, cmd->length,
					conv_iommu_prot(cmd->flags) & IOMMU_WRITE, &slice);
	if (ret)
		return ret;
	ret = iommufd_ioas_map_slice(ioas, &slice, cmd->length, &cmd->iova, cmd->flags);
	if (ret)
		return ret;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

int iommufd_ioas_map_slice(struct iommufd_ioas *ioas, struct iopt_pages_slice *slice, u64 length, u64 *iova,
			   u32 map_flags)
{
	u64 at = *iova;
	int ret = iopt_map_pages(&ioas->iopt, slice, 1, length, &at, conv_iommu_prot(map_flags),
				 map_flags & IOMMU_IOAS_MAP_FIXED_IOVA ? 0 : IOPT_ALLOC_IOVA);
	/* the area holds its own reference */
	iopt_put_pages(slice->pages);
	if (!ret)
		*iova = at;
	return ret;
}

int iommufd_ioas_copy(struct iommufd_ucmd *ucmd, struct iommu_ioas_copy *cmd)
{
	if (cmd->flags & ~MAP_FLAGS)
		return -EOPNOTSUPP;
	if (cmd->length >= UINT64_MAX || cmd->src_iova >= UINT64_MAX || cmd->dst_iova >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return -EINVAL;
	struct iommufd_ioas *src = iommufd_get_ioas(ucmd->ictx, cmd->src_ioas_id);
	if (!src)
		return -ENOENT;
	struct iopt_pages_slice *slices;
	size_t n;
	int ret = iopt_get_pages(&src->iopt, cmd->src_iova, cmd->length, &slices, &n);
	if (ret)
		return ret;
	struct iommufd_ioas *dst = iommufd_get_ioas(ucmd->ictx, cmd->dst_ioas_id);
	if (!dst) {
		iopt_free_pages_list(slices, n);
		return -ENOENT;
	}
	u64 iova = cmd->dst_iova;
	ret = iopt_map_pages(&dst->iopt, slices, n, cmd->length, &iova, conv_iommu_prot(cmd->flags),
			     cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA ? 0 : IOPT_ALLOC_IOVA);
	iopt_free_pages_list(slices, n);
	if (ret)
		return ret;
	cmd->dst_iova = iova;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd, struct iommu_ioas_unmap *cmd)
{
	struct iommufd_ioas *ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	u64 unmapped = 0;
	int ret;
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		/* everything; nothing mapped is a success too */
		ret = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else {
		if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
			return -EOVERFLOW;
		ret = iopt_unmap_iova(&ioas->iopt, cmd->iova, cmd->length, &unmapped);
		if (!ret && !unmapped)
			ret = -ENOENT;
	}
	if (ret)
		return ret;
	cmd->length = unmapped;
	iommufd_ucmd_respond(ucmd, cmd, sizeof(*cmd));
	return 0;
}

int iommufd_option_rlimit_mode(struct iommufd_ctx *ictx, struct iommu_option *cmd)
{
	if (cmd->object_id)
		return -EOPNOTSUPP;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = ictx->account_mode == IOPT_PAGES_ACCOUNT_MM;
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return -EOPNOTSUPP;
	/* capable(CAP_SYS_RESOURCE): the modelled process is root */
	if (iommufd_object_count(ictx))
		return -EBUSY;
	if (cmd->val64 == 0)
		ictx->account_mode = IOPT_PAGES_ACCOUNT_USER;
	else if (cmd->val64 == 1)
		ictx->account_mode = IOPT_PAGES_ACCOUNT_MM;
	else
		return -EINVAL;
	return 0;
}

int iommufd_ioas_option(struct iommufd_ctx *ictx, struct iommu_option *cmd)
{
	struct iommufd_ioas *ioas = iommufd_get_ioas(ictx, cmd->object_id);
	if (!ioas)
		return -ENOENT;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = !ioas->iopt.disable_large_pages;
		return 0;
	}
	if (cmd->op != IOMMU_OPTION_OP_SET)
		return -EOPNOTSUPP;
	if (cmd->val64 == 0)
		return iopt_disable_large_pages(&ioas->iopt);
	if (cmd->val64 == 1) {
		iopt_enable_large_pages(&ioas->iopt);
		return 0;
	}
	return -EINVAL;
}
