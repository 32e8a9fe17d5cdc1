/*
 * The VFIO group character device /dev/vfio/N (drivers/vfio/vfio_main.c of
 * 6.1): there while a device of IOMMU group N is bound to vfio-pci; one
 * open at a time; GET_STATUS, SET_CONTAINER, UNSET_CONTAINER and
 * GET_DEVICE_FD with 6.1's checks and errnos.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "uapi/vfio.h"
#include "drivers/drivers.h"
#include "iommu/iommu.h"

#define PAGE_SZ 4096

bool vfio_pci_bound(const struct device *dev)
{
	return dev->driver && !strcmp(dev->driver->name, "vfio-pci");
}

bool vfio_group_has_vfio_device(const struct iommu_group *group)
{
	for (size_t i = 0; i < group->ndevices; i++)
		if (vfio_pci_bound(group->devices[i]))
			return true;
	return false;
}

bool vfio_device_file_open(const struct device *dev)
{
	struct uapi_state *st = dev->k->uapi;
	for (int fd = 0; st && fd < UAPI_MAX_FDS; fd++) {
		const struct uapi_file *f = st->fds[fd];
		if (f && f->kind == UAPI_FILE_VFIO_DEVICE && f->device->dev == dev)
			return true;
	}
	return false;
}

static struct vfio_group *find_group(struct uapi_state *st, int id)
{
	for (size_t i = 0; i < st->ngroups; i++)
		if (st->groups[i]->iommu_group->id == id)
			return st->groups[i];
	return NULL;
}

int vfio_group_open(struct kernel *k, int group_id, struct uapi_file *file)
{
	struct uapi_state *st = uapi_state(k);
	struct iommu_core *core = iommu_core(k);
	if (!st || !core)
		return -ENOMEM;
	struct iommu_group *ig = (size_t)group_id < core->ngroups ? core->groups[group_id] : NULL;
	struct vfio_group *g = find_group(st, group_id);
	/* the node: a vfio-pci device in the group, or a file still holding it */
	if (!g && (!ig || !vfio_group_has_vfio_device(ig)))
		return -ENOENT;
	/* 7.3: a device of the group is bound through its cdev (cdev_device_open_cnt) */
	if (ig && vfio_group_cdev_bound(ig))
		return -EBUSY;
	/* "Do we need multiple instances of the group open?  Seems not." */
	if (g)
		return -EBUSY;
	struct vfio_group **groups = realloc(st->groups, (st->ngroups + 1) * sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	st->groups = groups;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->k = k;
	g->iommu_group = ig;
	g->opened_file = file;
	file->group = g;
	st->groups[st->ngroups++] = g;
	return 0;
}

void vfio_group_release(struct vfio_group *g)
{
	struct uapi_state *st = g->k->uapi;
	/* the device files hold the group's file: none is open now */
	if (g->container)
		vfio_group_detach_container(g);
	for (size_t i = 0; i < st->ngroups; i++) {
		if (st->groups[i] == g) {
			memmove(&st->groups[i], &st->groups[i + 1], (st->ngroups - i - 1) * sizeof(*st->groups));
			st->ngroups--;
			break;
		}
	}
	free(g);
}

static long get_status(struct vfio_group *g, struct vfio_group_status *arg)
{
	size_t minsz = offsetof(struct vfio_group_status, flags) + sizeof(arg->flags);
	if (!arg)
		return -EFAULT;
	struct vfio_group_status status;
	memcpy(&status, arg, minsz);
	if (status.argsz < minsz)
		return -EINVAL;
	status.flags = 0;
	if (g->container)
		status.flags |= VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE;
	else if (!iommu_group_dma_owner_claimed(g->iommu_group))
		status.flags |= VFIO_GROUP_FLAGS_VIABLE;
	memcpy(arg, &status, minsz);
	return 0;
}

static long set_container(struct vfio_group *g, const int *arg)
{
	if (!arg)
		return -EFAULT;
	struct uapi_file *f = uapi_fget(g->k, *arg);
	if (!f)
		return -EBADF;
	if (g->container || g->container_users)
		return -EINVAL;
	if (f->kind != UAPI_FILE_VFIO_CONTAINER)
		return -EINVAL;
	return vfio_container_attach_group(f->container, g);
}

static long unset_container(struct vfio_group *g)
{
	if (!g->container)
		return -EINVAL;
	/* open device files use the container */
	if (g->container_users != 1)
		return -EBUSY;
	vfio_group_detach_container(g);
	return 0;
}

static long get_device_fd(struct vfio_group *g, const char *arg)
{
	/* strndup_user(arg, PAGE_SIZE) */
	if (!arg)
		return -EFAULT;
	if (strnlen(arg, PAGE_SZ) == PAGE_SZ)
		return -EINVAL;
	/* vfio_device_get_from_name(): the group's vfio devices, by name */
	struct device *dev = NULL;
	for (size_t i = 0; i < g->iommu_group->ndevices; i++) {
		struct device *d = g->iommu_group->devices[i];
		if (vfio_pci_bound(d) && !strcmp(d->name, arg))
			dev = d;
	}
	if (!dev)
		return -ENODEV;
	/* vfio_device_assign_container(): a container with an IOMMU set */
	if (!g->container || !g->container->iommu)
		return -EINVAL;
	struct uapi_file *file = calloc(1, sizeof(*file));
	struct vfio_device_file *df = calloc(1, sizeof(*df));
	if (!file || !df) {
		free(file);
		free(df);
		return -ENOMEM;
	}
	df->group = g;
	df->dev = dev;
	df->access_granted = true;
	file->kind = UAPI_FILE_VFIO_DEVICE;
	file->device = df;
	/* vfio_device_open(): the driver opens the device, then the file gets its fd */
	int ret = vfio_device_open(g->k, df);
	if (ret) {
		free(df);
		free(file);
		return ret;
	}
	/* the device file keeps the group's file and a container user */
	uapi_file_get(g->opened_file);
	g->container_users++;
	/* the driver's module, while the device is open */
	df->module = driver_module(g->k, dev->driver);
	if (df->module)
		module_get(g->k, df->module);
	int fd = uapi_install(g->k, file);
	if (fd < 0) {
		/* fput() of the file: the device closes again */
		vfio_device_release(df);
		free(file);
		return fd;
	}
	uapi_file_opened(g->k, file);
	return fd;
}

long vfio_group_ioctl(struct vfio_group *g, unsigned long cmd, void *arg)
{
	switch (cmd) {
	case VFIO_GROUP_GET_DEVICE_FD:
		return get_device_fd(g, arg);
	case VFIO_GROUP_GET_STATUS:
		return get_status(g, arg);
	case VFIO_GROUP_SET_CONTAINER:
		return set_container(g, arg);
	case VFIO_GROUP_UNSET_CONTAINER:
		return unset_container(g);
	default:
		return -ENOTTY;
	}
}
