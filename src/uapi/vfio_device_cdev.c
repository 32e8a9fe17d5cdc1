/*
 * The vfio device cdev of Linux 7.3 (drivers/vfio/device_cdev.c, the
 * index of vfio_main.c, vfio_iommufd_physical_* of vfio/iommufd.c): every
 * device vfio-pci registers gets an index from vfio.device_ida (the lowest
 * free, given back at unbind), named vfioN in vfio-dev and, with
 * VFIO_DEVICE_CDEV, /dev/vfio/devices/vfioN. Opening that node gives a
 * device file that refuses everything (EINVAL) until VFIO_DEVICE_BIND_IOMMUFD
 * binds it to an iommufd: the device becomes an IOMMUFD_OBJ_DEVICE of that
 * iommufd, its group leaves the kernel's DMA domain for a blocking one, the
 * device is opened (vfio_pci_core_enable) and ATTACH/DETACH_IOMMUFD_PT move
 * it between an IOAS or HWPT and blocking DMA. The group path and the cdev
 * path exclude each other: a bind while the group's file is open is EBUSY,
 * and so is opening the group's file while a device of it is bound.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "base/uaccess.h"
#include "uapi/vfio.h"
#include "uapi/vfio_cdev_abi.h"
#include "uapi/iommufd.h"
#include "drivers/drivers.h"
#include "iommu/iommu.h"
#include "kconfig/kconfig.h"

#define OFFSETOFEND(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

int vfio_device_index(struct kernel *k, const struct device *dev)
{
	struct uapi_state *st = k->uapi;
	for (size_t i = 0; st && i < st->nvfio_devices; i++)
		if (st->vfio_devices[i].dev == dev)
			return st->vfio_devices[i].index;
	return -1;
}

struct device *vfio_device_by_index(struct kernel *k, int index)
{
	struct uapi_state *st = k->uapi;
	for (size_t i = 0; st && i < st->nvfio_devices; i++)
		if (st->vfio_devices[i].index == index)
			return st->vfio_devices[i].dev;
	return NULL;
}

int vfio_device_index_alloc(struct kernel *k, struct device *dev)
{
	struct uapi_state *st = uapi_state(k);
	if (!st)
		return -ENOMEM;
	/* ida_alloc_max(): the lowest free */
	int index = 0;
	while (vfio_device_by_index(k, index))
		index++;
	struct vfio_device_index *t = realloc(st->vfio_devices, (st->nvfio_devices + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	st->vfio_devices = t;
	st->vfio_devices[st->nvfio_devices++] = (struct vfio_device_index){ dev, index };
	return index;
}

void vfio_device_index_free(struct kernel *k, struct device *dev)
{
	struct uapi_state *st = k->uapi;
	for (size_t i = 0; st && i < st->nvfio_devices; i++) {
		if (st->vfio_devices[i].dev != dev)
			continue;
		st->vfio_devices[i] = st->vfio_devices[--st->nvfio_devices];
		return;
	}
}

static bool cdev_configured(struct kernel *k)
{
	return kconfig_enabled(kernel_config(k), KCONFIG_VFIO_DEVICE_CDEV);
}

size_t vfio_devnode_cdevs(struct kernel *k, int *out, size_t max)
{
	struct uapi_state *st = k->uapi;
	size_t n = 0;
	if (!cdev_configured(k) || !vfio_devnode_present(k))
		return 0;
	for (size_t i = 0; st && i < st->nvfio_devices; i++) {
		int index = st->vfio_devices[i].index;
		/* ascending, as ls sorts them */
		size_t pos = n < max ? n : max;
		while (pos > 0 && out[pos - 1] > index) {
			if (pos < max)
				out[pos] = out[pos - 1];
			pos--;
		}
		if (pos < max)
			out[pos] = index;
		n++;
	}
	return n;
}

int vfio_device_fops_cdev_open(struct kernel *k, int index, struct uapi_file *file)
{
	struct device *dev = index < 0 || !cdev_configured(k) ? NULL : vfio_device_by_index(k, index);
	if (!dev)
		return -ENOENT;
	struct vfio_device_file *df = calloc(1, sizeof(*df));
	if (!df)
		return -ENOMEM;
	df->dev = dev;
	file->kind = UAPI_FILE_VFIO_DEVICE;
	file->device = df;
	return 0;
}

bool vfio_group_cdev_bound(const struct iommu_group *group)
{
	struct uapi_state *st = group->k->uapi;
	for (int fd = 0; st && fd < UAPI_MAX_FDS; fd++) {
		const struct uapi_file *f = st->fds[fd];
		if (f && f->kind == UAPI_FILE_VFIO_DEVICE && !f->device->group && f->device->access_granted &&
		    f->device->dev->iommu_group == group)
			return true;
	}
	return false;
}

/* vfio_device_block_group(): the group's file is open (the legacy path holds it) */
static bool group_file_open(struct kernel *k, const struct iommu_group *group)
{
	struct uapi_state *st = k->uapi;
	for (size_t i = 0; st && i < st->ngroups; i++)
		if (st->groups[i]->iommu_group == group)
			return true;
	return false;
}

/* another file has the device open: the cdev path opens a device only once */
static bool device_opened_elsewhere(struct kernel *k, const struct vfio_device_file *df)
{
	struct uapi_state *st = k->uapi;
	for (int fd = 0; st && fd < UAPI_MAX_FDS; fd++) {
		const struct uapi_file *f = st->fds[fd];
		if (f && f->kind == UAPI_FILE_VFIO_DEVICE && f->device != df && f->device->dev == df->dev &&
		    f->device->vdev)
			return true;
	}
	return false;
}

/*
 * vfio_pci_core_match_token_uuid() for a function that is neither a PF
 * with VFs nor a VF (QEMU's devices here): no token is right, a token is
 * EINVAL (said once, rate limited).
 */
static int check_token(struct vfio_device_file *df, const struct vfio_device_bind_iommufd *bind)
{
	if (!(bind->flags & VFIO_DEVICE_BIND_FLAG_TOKEN))
		return 0;
	/* copy_from_user() of the 16-byte UUID */
	u8 uuid[16];
	int ret = copy_from_user(uuid, bind->token_uuid_ptr, sizeof(uuid));
	if (ret)
		return ret;
	dev_info(df->dev, "VF token incorrectly provided, not a PF or VF\n");
	return -EINVAL;
}

/* vfio_df_ioctl_bind_iommufd() */
static long bind_iommufd(struct vfio_device_file *df, void *arg)
{
	struct kernel *k = df->dev->k;
	const size_t minsz = OFFSETOFEND(struct vfio_device_bind_iommufd, out_devid);
	struct vfio_device_bind_iommufd bind;
	u32 user_size;
	if (!arg)
		return -EFAULT;
	memcpy(&user_size, arg, sizeof(user_size));
	if (user_size < minsz)
		return -EINVAL;
	/* copy_struct_from_user(): a longer struct must be zero past the kernel's */
	memset(&bind, 0, sizeof(bind));
	for (size_t i = sizeof(bind); i < user_size; i++)
		if (((const u8 *)arg)[i])
			return -E2BIG;
	memcpy(&bind, arg, user_size < sizeof(bind) ? user_size : sizeof(bind));
	if (bind.iommufd < 0 || (bind.flags & ~(u32)VFIO_DEVICE_BIND_FLAG_TOKEN))
		return -EINVAL;
	/* only a cdev's file binds */
	if (df->group)
		return -EINVAL;
	if (group_file_open(k, df->dev->iommu_group))
		return -EBUSY;
	/* one device cannot be bound twice */
	if (df->access_granted)
		return -EINVAL;
	int ret = check_token(df, &bind);
	if (ret)
		return ret;
	/* iommufd_ctx_from_fd() */
	struct uapi_file *f = uapi_fget(k, bind.iommufd);
	if (!f)
		return -EBADF;
	if (f->kind != UAPI_FILE_IOMMUFD)
		return -EBADFD;
	/* vfio_df_open(): the cdev path does not share an opened device */
	if (device_opened_elsewhere(k, df))
		return -EINVAL;
	/* vfio_df_device_first_open(): the driver's module, the iommufd bind, then open_device */
	const char *module = driver_module(k, df->dev->driver);
	if (module && module_get(k, module))
		return -ENODEV;
	struct iommufd_device *idev;
	ret = iommufd_device_bind(f->iommufd, df->dev, &idev);
	if (!ret) {
		ret = vfio_device_open(k, df);
		if (ret)
			iommufd_device_unbind(idev);
	}
	if (ret) {
		if (module)
			module_put(k, module);
		return ret;
	}
	df->module = module;
	df->idev = idev;
	df->iommufd = f;
	uapi_file_get(f);
	df->access_granted = true;
	memcpy((u8 *)arg + offsetof(struct vfio_device_bind_iommufd, out_devid), &idev->obj.id, sizeof(u32));
	return 0;
}

void vfio_df_unbind_iommufd(struct vfio_device_file *df)
{
	if (!df->access_granted || df->group)
		return;
	struct kernel *k = df->dev->k;
	/* vfio_df_device_last_close(): close_device, then the iommufd unbind (detach, ownership) */
	vfio_device_close(df);
	df->vdev = NULL;
	iommufd_device_unbind(df->idev);
	df->idev = NULL;
	df->rid_attached = df->pasid0_attached = false;
	if (df->module)
		module_put(k, df->module);
	df->module = NULL;
	df->access_granted = false;
	struct uapi_file *f = df->iommufd;
	df->iommufd = NULL;
	uapi_file_put(k, f);
}

/* vfio_df_ioctl_attach_pt() -> vfio_iommufd_physical_attach_ioas(): attach, or replace when attached */
static long attach_pt(struct vfio_device_file *df, void *arg)
{
	const size_t minsz = OFFSETOFEND(struct vfio_device_attach_iommufd_pt, pt_id);
	struct vfio_device_attach_iommufd_pt attach;
	if (!arg)
		return -EFAULT;
	memset(&attach, 0, sizeof(attach));
	memcpy(&attach, arg, minsz);
	if (attach.argsz < minsz)
		return -EINVAL;
	if (attach.flags & ~(u32)VFIO_DEVICE_ATTACH_PASID)
		return -EINVAL;
	bool pasid = attach.flags & VFIO_DEVICE_ATTACH_PASID;
	if (pasid) {
		if (attach.argsz < sizeof(attach))
			return -EINVAL;
		memcpy(&attach.pasid, (u8 *)arg + offsetof(struct vfio_device_attach_iommufd_pt, pasid),
		       sizeof(attach.pasid));
	}
	int ret;
	if (pasid && attach.pasid) {
		/*
		 * a real PASID: iommufd refuses every HWPT not allocated for PASIDs
		 * (iommufd_hwpt_pasid_compat(): EINVAL), after finding pt_id
		 */
		struct iommufd_object *obj = iommufd_get_object(df->idev->ictx, attach.pt_id, IOMMUFD_OBJ_ANY);
		return obj ? -EINVAL : -ENOENT;
	}
	/*
	 * the RID, or PASID 0 (IOMMU_NO_PASID to iommufd): replace what vfio
	 * attached that way, else attach (EBUSY when attached the other way)
	 */
	bool *attached = pasid ? &df->pasid0_attached : &df->rid_attached;
	ret = *attached ? iommufd_device_replace(df->idev, &attach.pt_id)
			: iommufd_device_attach(df->idev, &attach.pt_id);
	if (ret)
		return ret;
	*attached = true;
	memcpy((u8 *)arg + offsetof(struct vfio_device_attach_iommufd_pt, pt_id), &attach.pt_id, sizeof(u32));
	return 0;
}

/* vfio_df_ioctl_detach_pt(): blocking again (nothing attached: nothing to do) */
static long detach_pt(struct vfio_device_file *df, void *arg)
{
	const size_t minsz = OFFSETOFEND(struct vfio_device_detach_iommufd_pt, flags);
	struct vfio_device_detach_iommufd_pt detach;
	if (!arg)
		return -EFAULT;
	memcpy(&detach, arg, minsz);
	if (detach.argsz < minsz)
		return -EINVAL;
	if (detach.flags & ~(u32)VFIO_DEVICE_DETACH_PASID)
		return -EINVAL;
	bool pasid = detach.flags & VFIO_DEVICE_DETACH_PASID;
	if (pasid) {
		if (detach.argsz < sizeof(detach))
			return -EINVAL;
		memcpy(&detach.pasid, (u8 *)arg + offsetof(struct vfio_device_detach_iommufd_pt, pasid),
		       sizeof(detach.pasid));
		/* only PASID 0 is ever attached; any other: nothing to do */
		if (detach.pasid)
			return 0;
	}
	/* what vfio attached that way, if anything */
	bool *attached = pasid ? &df->pasid0_attached : &df->rid_attached;
	if (*attached)
		iommufd_device_detach(df->idev);
	*attached = false;
	return 0;
}

long vfio_device_cdev_ioctl(struct vfio_device_file *df, unsigned long cmd, void *arg, bool *handled)
{
	*handled = true;
	/* without VFIO_DEVICE_CDEV the numbers are no vfio ioctl: the driver's ENOTTY */
	if (!cdev_configured(df->dev->k)) {
		*handled = false;
		return -ENOTTY;
	}
	if (cmd == VFIO_DEVICE_BIND_IOMMUFD)
		return bind_iommufd(df, arg);
	if (!df->access_granted)
		return -EINVAL;
	if (!df->group && cmd == VFIO_DEVICE_ATTACH_IOMMUFD_PT)
		return attach_pt(df, arg);
	if (!df->group && cmd == VFIO_DEVICE_DETACH_IOMMUFD_PT)
		return detach_pt(df, arg);
	*handled = false;
	return -ENOTTY;
}
