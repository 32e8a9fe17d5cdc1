/*
 * /dev/iommu (7.3's iommufd main.c): the context an open makes, its object
 * table, IOMMU_DESTROY, IOMMU_OPTION and the ioctl dispatch with 7.3's size
 * rules: an unknown command is ENOTTY; a struct shorter than the command's
 * last mandatory field is EINVAL; a longer one must be zero past the
 * kernel's struct (E2BIG otherwise, copy_struct_from_user); the answer is
 * copied back up to the caller's size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/iommufd.h"
#include "uapi/iommufd_eventq.h"
#include "uapi/iommufd_rest.h"
#include "kconfig/kconfig.h"

bool iommufd_devnode_present(struct kernel *k)
{
	return kconfig_enabled(kernel_config(k), KCONFIG_IOMMUFD);
}

struct iommufd_ctx *iommufd_fops_open(struct kernel *k)
{
	struct iommufd_ctx *ictx = calloc(1, sizeof(*ictx));
	if (ictx) {
		ictx->k = k;
		/* kzalloc: no mode of its own, each mapping's pages account per user */
		ictx->account_mode = IOPT_PAGES_ACCOUNT_NONE;
		/* iopt_alloc_iova()'s cap: HPAGE_SIZE (2M with 4K pages) with THP, else PAGE_SIZE */
		ictx->max_alloc_alignment =
			kconfig_enabled(kernel_config(k), KCONFIG_TRANSPARENT_HUGEPAGE) ? 2ULL << 20 : 4096;
	}
	return ictx;
}

/* a HWPT made with IOMMU_HWPT_FAULT_ID_VALID drops its user of the fault object */
static void hwpt_put_fault(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->fault)
		hwpt->fault->common.obj.users--;
	hwpt->fault = NULL;
}

static void object_destroy(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	/* iommufd_object_remove(): the compat IOAS goes with its object */
	if (obj->type == IOMMUFD_OBJ_IOAS && ictx->vfio_ioas == to_ioas(obj))
		ictx->vfio_ioas = NULL;
	switch (obj->type) {
	case IOMMUFD_OBJ_IOAS:
		iommufd_ioas_destroy(to_ioas(obj));
		break;
	case IOMMUFD_OBJ_HWPT_PAGING:
		hwpt_put_fault(to_hwpt(obj));
		iommufd_hwpt_paging_destroy(to_hwpt_paging(to_hwpt(obj)));
		break;
	case IOMMUFD_OBJ_DEVICE:
		/* never while bound (the driver is a user): nothing holds it any more */
		free(to_idev(obj));
		break;
	case IOMMUFD_OBJ_HWPT_NESTED:
		hwpt_put_fault(to_hwpt(obj));
		iommufd_hwpt_nested_destroy(to_hwpt_nested(to_hwpt(obj)));
		break;
	case IOMMUFD_OBJ_VIOMMU:
		iommufd_viommu_destroy(to_viommu(obj));
		break;
	case IOMMUFD_OBJ_VDEVICE:
		iommufd_vdevice_destroy(to_vdevice(obj));
		break;
	case IOMMUFD_OBJ_FAULT:
		iommufd_fault_destroy(to_fault(obj));
		break;
	case IOMMUFD_OBJ_VEVENTQ:
		iommufd_veventq_destroy(to_veventq(obj));
		break;
	default:
		free(obj);
		break;
	}
}

void iommufd_fops_release(struct iommufd_ctx *ictx)
{
	if (!ictx)
		return;
	/* leaves first: an object others use goes once they are gone */
	bool progress = true;
	while (progress) {
		progress = false;
		for (size_t id = 1; id < ictx->nobjects; id++) {
			struct iommufd_object *obj = ictx->objects[id];
			if (!obj || obj->users)
				continue;
			ictx->objects[id] = NULL;
			object_destroy(ictx, obj);
			progress = true;
		}
	}
	free(ictx->objects);
	free(ictx);
}

size_t iommufd_object_count(const struct iommufd_ctx *ictx)
{
	size_t n = 0;
	for (size_t id = 1; id < ictx->nobjects; id++)
		n += ictx->objects[id] && ictx->objects[id]->type != IOMMUFD_OBJ_NONE;
	return n;
}

int iommufd_object_add(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	/* xa_alloc() with XA_FLAGS_ALLOC1, xa_limit_31b: the lowest free id from 1 */
	size_t id = 1;
	while (id < ictx->nobjects && ictx->objects[id])
		id++;
	if (id >= 0x7fffffff)
		return -ENOSPC;
	if (id >= ictx->nobjects) {
		size_t n = ictx->nobjects ? 2 * ictx->nobjects : 16;
		struct iommufd_object **t = realloc(ictx->objects, n * sizeof(*t));
		if (!t)
			return -ENOMEM;
		memset(t + ictx->nobjects, 0, (n - ictx->nobjects) * sizeof(*t));
		ictx->objects = t;
		ictx->nobjects = n;
	}
	obj->id = (u32)id;
	ictx->objects[id] = obj;
	return 0;
}

/* a tombstone (IOMMUFD_OBJ_NONE: 7.3's XA_ZERO_ENTRY) holds its id but is no object */
static struct iommufd_object *get_object(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = id < ictx->nobjects ? ictx->objects[id] : NULL;
	return obj && obj->type != IOMMUFD_OBJ_NONE ? obj : NULL;
}

struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx, u32 id)
{
	struct iommufd_object *obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_IOAS);
	return obj ? to_ioas(obj) : NULL;
}

struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id, enum iommufd_object_type type)
{
	struct iommufd_object *obj = get_object(ictx, id);
	return obj && (type == IOMMUFD_OBJ_ANY || obj->type == type) ? obj : NULL;
}

void iommufd_ucmd_respond(struct iommufd_ucmd *ucmd, const void *cmd, size_t len)
{
	memcpy(ucmd->ubuffer, cmd, ucmd->user_size < len ? ucmd->user_size : len);
}

/* iommufd_destroy(): ENOENT for no such object, EBUSY while another object uses it */
static int iommufd_destroy(struct iommufd_ucmd *ucmd, struct iommu_destroy *cmd)
{
	struct iommufd_object *obj = get_object(ucmd->ictx, cmd->id);
	if (!obj)
		return -ENOENT;
	if (obj->users)
		return -EBUSY;
	ucmd->ictx->objects[cmd->id] = NULL;
	object_destroy(ucmd->ictx, obj);
	return 0;
}

static int iommufd_option(struct iommufd_ucmd *ucmd, struct iommu_option *cmd)
{
	int ret;
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		ret = iommufd_option_rlimit_mode(ucmd->ictx, cmd);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		ret = iommufd_ioas_option(ucmd->ictx, cmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (ret)
		return ret;
	/* only val64 goes back */
	memcpy((char *)ucmd->ubuffer + offsetof(struct iommu_option, val64), &cmd->val64, sizeof(cmd->val64));
	return 0;
}

/* the kernel's copy of every struct the table knows (union ucmd_buffer) */
union ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_ioas_alloc alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_copy ioas_copy;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_ioas_map map;
	struct iommu_ioas_unmap unmap;
	struct iommu_option option;
	struct iommu_hwpt_alloc hwpt;
	struct iommu_hwpt_invalidate cache;
	struct iommu_hw_info info;
	struct iommu_viommu_alloc viommu;
	struct iommu_vdevice_alloc vdev;
	struct iommu_vfio_ioas vfio_ioas;
	struct iommu_hwpt_set_dirty_tracking set_dirty_tracking;
	struct iommu_hwpt_get_dirty_bitmap get_dirty_bitmap;
	struct iommu_fault_alloc fault;
	struct iommu_ioas_map_file map_file;
	struct iommu_ioas_change_process change_process;
	struct iommu_veventq_alloc veventq;
	struct iommu_hw_queue_alloc hw_queue;
	struct iommu_ioas_noiommu_get_pa noiommu_get_pa;
};

static int do_destroy(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_destroy(u, &b->destroy); }
static int do_ioas_alloc(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_alloc_ioctl(u, &b->alloc); }
static int do_allow_iovas(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_allow_iovas(u, &b->allow_iovas); }
static int do_copy(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_copy(u, &b->ioas_copy); }
static int do_iova_ranges(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_iova_ranges(u, &b->iova_ranges); }
static int do_map(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_map(u, &b->map); }
static int do_unmap(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_unmap(u, &b->unmap); }
static int do_option(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_option(u, &b->option); }
static int do_hwpt_alloc(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_hwpt_alloc(u, &b->hwpt); }
static int do_hwpt_invalidate(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_hwpt_invalidate(u, &b->cache); }
static int do_get_hw_info(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_get_hw_info(u, &b->info); }
static int do_viommu_alloc(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_viommu_alloc_ioctl(u, &b->viommu); }
static int do_vdevice_alloc(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_vdevice_alloc_ioctl(u, &b->vdev); }
static int do_vfio_ioas(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_vfio_ioas(u, &b->vfio_ioas); }
static int do_set_dirty_tracking(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_hwpt_set_dirty_tracking(u, &b->set_dirty_tracking); }
static int do_get_dirty_bitmap(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_hwpt_get_dirty_bitmap(u, &b->get_dirty_bitmap); }
static int do_fault_alloc(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_fault_alloc(u, &b->fault); }
static int do_map_file(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_map_file(u, &b->map_file); }
static int do_change_process(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_change_process(u, &b->change_process); }
static int do_veventq_alloc(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_veventq_alloc(u, &b->veventq); }
static int do_hw_queue_alloc(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_hw_queue_alloc_ioctl(u, &b->hw_queue); }
static int do_noiommu_get_pa(struct iommufd_ucmd *u, union ucmd_buffer *b) { return iommufd_ioas_noiommu_get_pa(u, &b->noiommu_get_pa); }

struct iommufd_ioctl_op {
	unsigned int size;		/* the kernel's struct */
	unsigned int min_size;		/* offsetofend() of its last mandatory field */
	unsigned int ioctl_num;
	int (*execute)(struct iommufd_ucmd *ucmd, union ucmd_buffer *buf);
};

#define OFFSETOFEND(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
#define IOCTL_OP(_ioctl, _fn, _struct, _last) \
	[_IOC_NR(_ioctl) - IOMMUFD_CMD_BASE] = { sizeof(_struct), OFFSETOFEND(_struct, _last), _ioctl, _fn }

/*
 * 7.3's table, from IOMMUFD_CMD_BASE to IOMMU_IOAS_NOIOMMU_GET_PA: every
 * command has its entry (IOMMU_TEST_CMD needs IOMMUFD_TEST: ENOTTY). The
 * event queues are iommufd_eventq.c, the ioctls with nothing to work on
 * in the model iommufd_rest.c.
 */
static const struct iommufd_ioctl_op iommufd_ioctl_ops[IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA - IOMMUFD_CMD_BASE + 1] = {
	IOCTL_OP(IOMMU_DESTROY, do_destroy, struct iommu_destroy, id),
	IOCTL_OP(IOMMU_IOAS_ALLOC, do_ioas_alloc, struct iommu_ioas_alloc, out_ioas_id),
	IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, do_allow_iovas, struct iommu_ioas_allow_iovas, allowed_iovas),
	IOCTL_OP(IOMMU_IOAS_COPY, do_copy, struct iommu_ioas_copy, src_iova),
	IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, do_iova_ranges, struct iommu_ioas_iova_ranges, out_iova_alignment),
	IOCTL_OP(IOMMU_IOAS_MAP, do_map, struct iommu_ioas_map, iova),
	IOCTL_OP(IOMMU_IOAS_UNMAP, do_unmap, struct iommu_ioas_unmap, length),
	IOCTL_OP(IOMMU_OPTION, do_option, struct iommu_option, val64),
	IOCTL_OP(IOMMU_HWPT_ALLOC, do_hwpt_alloc, struct iommu_hwpt_alloc, __reserved),
	IOCTL_OP(IOMMU_HWPT_INVALIDATE, do_hwpt_invalidate, struct iommu_hwpt_invalidate, __reserved),
	IOCTL_OP(IOMMU_GET_HW_INFO, do_get_hw_info, struct iommu_hw_info, __reserved),
	IOCTL_OP(IOMMU_VIOMMU_ALLOC, do_viommu_alloc, struct iommu_viommu_alloc, out_viommu_id),
	IOCTL_OP(IOMMU_VDEVICE_ALLOC, do_vdevice_alloc, struct iommu_vdevice_alloc, virt_id),
	IOCTL_OP(IOMMU_VFIO_IOAS, do_vfio_ioas, struct iommu_vfio_ioas, __reserved),
	IOCTL_OP(IOMMU_HWPT_SET_DIRTY_TRACKING, do_set_dirty_tracking, struct iommu_hwpt_set_dirty_tracking, __reserved),
	IOCTL_OP(IOMMU_HWPT_GET_DIRTY_BITMAP, do_get_dirty_bitmap, struct iommu_hwpt_get_dirty_bitmap, data),
	IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, do_fault_alloc, struct iommu_fault_alloc, out_fault_fd),
	IOCTL_OP(IOMMU_IOAS_MAP_FILE, do_map_file, struct iommu_ioas_map_file, iova),
	IOCTL_OP(IOMMU_IOAS_CHANGE_PROCESS, do_change_process, struct iommu_ioas_change_process, __reserved),
	IOCTL_OP(IOMMU_VEVENTQ_ALLOC, do_veventq_alloc, struct iommu_veventq_alloc, out_veventq_fd),
	IOCTL_OP(IOMMU_HW_QUEUE_ALLOC, do_hw_queue_alloc, struct iommu_hw_queue_alloc, length),
	IOCTL_OP(IOMMU_IOAS_NOIOMMU_GET_PA, do_noiommu_get_pa, struct iommu_ioas_noiommu_get_pa, out_phys),
};

long iommufd_fops_ioctl(struct iommufd_ctx *ictx, unsigned long cmd, void *arg)
{
	unsigned int nr = _IOC_NR(cmd);
	size_t nops = sizeof(iommufd_ioctl_ops) / sizeof(iommufd_ioctl_ops[0]);
	/* below or past the table: the VFIO container's ioctls on iommufd (vfio_compat.c) */
	if (nr < IOMMUFD_CMD_BASE || nr - IOMMUFD_CMD_BASE >= nops)
		return iommufd_vfio_ioctl(ictx, cmd, arg);
	struct iommufd_ucmd ucmd = { .ictx = ictx, .ubuffer = arg };
	/* get_user() of the size */
	if (!arg)
		return -EFAULT;
	memcpy(&ucmd.user_size, arg, sizeof(ucmd.user_size));
	const struct iommufd_ioctl_op *op = &iommufd_ioctl_ops[nr - IOMMUFD_CMD_BASE];
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	/* copy_struct_from_user() */
	union ucmd_buffer buf;
	memset(&buf, 0, sizeof(buf));
	if (ucmd.user_size > op->size) {
		const unsigned char *tail = (const unsigned char *)arg + op->size;
		for (size_t i = 0; i < ucmd.user_size - op->size; i++)
			if (tail[i])
				return -E2BIG;
	}
	memcpy(&buf, arg, ucmd.user_size < op->size ? ucmd.user_size : op->size);
	return op->execute(&ucmd, &buf);
}
