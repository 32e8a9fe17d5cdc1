/*
 * The modelled process's file descriptor table and the syscalls on it:
 * open(2) of the kernel's VFIO nodes, close(2), ioctl(2), pread(2),
 * pwrite(2), with the errnos the VFS gives (EBADF for an fd that is not
 * open, ENOENT for a node that is not there, EMFILE when the table is full).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/vfio.h"
#include "drivers/drivers.h"
#include "iommu/iommu.h"
#include "uapi/iommufd.h"
#include "uapi/iommufd_eventq.h"

struct uapi_state *uapi_state(struct kernel *k)
{
	if (!k->uapi) {
		k->uapi = calloc(1, sizeof(*k->uapi));
		if (k->uapi) {
			k->uapi->memlock_limit = UAPI_DEFAULT_MEMLOCK;
			k->uapi->cap_ipc_lock = true;
		}
	}
	return k->uapi;
}

void uapi_free(struct kernel *k)
{
	struct uapi_state *st = k->uapi;
	if (!st)
		return;
	/* exit(): the files close in fd order, the device files' references go last */
	for (int fd = 0; fd < UAPI_MAX_FDS; fd++)
		if (st->fds[fd])
			uapi_close(k, fd);
	while (st->nblocks)
		uapi_user_free(k, st->blocks[0]->host);
	free(st->blocks);
	free(st->groups);
	free(st->vfio_devices);
	free(st);
	k->uapi = NULL;
}

struct uapi_file *uapi_fget(struct kernel *k, int fd)
{
	struct uapi_state *st = k->uapi;
	if (!st || fd < 0 || fd >= UAPI_MAX_FDS)
		return NULL;
	return st->fds[fd];
}

void uapi_file_get(struct uapi_file *file)
{
	file->refs++;
}

/*
 * The module references an open file holds (fops_get(), and chrdev_open()'s
 * cdev_get() for a character device of the module's own): the container is
 * the misc device of vfio (one), a group file vfio's cdev (two), a device
 * file vfio's anonymous file (one; vfio_device_open() takes the driver's).
 */
static unsigned vfio_refs(const struct uapi_file *file)
{
	/* /dev/iommu is built in (IOMMUFD=y): no module reference */
	if (file->kind == UAPI_FILE_IOMMUFD || file->kind == UAPI_FILE_EVENTFD ||
	    file->kind == UAPI_FILE_IOMMUFD_EVENTQ)
		return 0;
	/* a device's cdev (/dev/vfio/devices/vfioN) is vfio's character device too */
	if (file->kind == UAPI_FILE_VFIO_DEVICE && !file->device->group)
		return 2;
	return file->kind == UAPI_FILE_VFIO_GROUP ? 2 : 1;
}

/* __fput(): the file's release op, then fops_put() */
void uapi_file_put(struct kernel *k, struct uapi_file *file)
{
	if (--file->refs)
		return;
	unsigned refs = vfio_refs(file);
	switch (file->kind) {
	case UAPI_FILE_VFIO_CONTAINER:
		vfio_container_put(file->container);
		break;
	case UAPI_FILE_VFIO_GROUP:
		vfio_group_release(file->group);
		break;
	case UAPI_FILE_VFIO_DEVICE:
		vfio_device_release(file->device);
		break;
	case UAPI_FILE_IOMMUFD:
		iommufd_fops_release(file->iommufd);
		break;
	case UAPI_FILE_EVENTFD:
		break;
	case UAPI_FILE_IOMMUFD_EVENTQ:
		iommufd_eventq_fops_release(k, file->eventq);
		break;
	}
	for (unsigned i = 0; i < refs; i++)
		module_put(k, "vfio");
	free(file);
}

/* the references of a file that is now open (see vfio_refs) */
void uapi_file_opened(struct kernel *k, struct uapi_file *file)
{
	for (unsigned i = 0; i < vfio_refs(file); i++)
		module_get(k, "vfio");
}

int uapi_install(struct kernel *k, struct uapi_file *file)
{
	struct uapi_state *st = uapi_state(k);
	if (!st)
		return -ENOMEM;
	/* 0, 1 and 2 are the process's stdio */
	for (int fd = 3; fd < UAPI_MAX_FDS; fd++) {
		if (!st->fds[fd]) {
			st->fds[fd] = file;
			uapi_file_get(file);
			return fd;
		}
	}
	return -EMFILE;
}

/* "/dev/vfio/N": the group number, -1 when the name is not a decimal number */
static int group_number(const char *name)
{
	if (!*name || strlen(name) > 9)
		return -1;
	int n = 0;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	/* devtmpfs names it as the kernel prints it: no leading zeros */
	return name[0] == '0' && name[1] ? -1 : n;
}

/* /dev/iommu: iommufd's misc device, there when the kernel has IOMMUFD */
static int open_iommufd(struct kernel *k)
{
	if (!iommufd_devnode_present(k))
		return -ENOENT;
	if (!uapi_state(k))
		return -ENOMEM;
	struct uapi_file *file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	file->kind = UAPI_FILE_IOMMUFD;
	file->iommufd = iommufd_fops_open(k);
	if (!file->iommufd) {
		free(file);
		return -ENOMEM;
	}
	/* its event queues' files hold this one (iommufd_ctx_get) */
	file->iommufd->file = file;
	uapi_file_opened(k, file);
	int ret = uapi_install(k, file);
	if (ret < 0) {
		file->refs = 1;
		uapi_file_put(k, file);
	}
	return ret;
}

int uapi_open(struct kernel *k, const char *path, int flags)
{
	(void)flags;
	if (!path)
		return -EFAULT;
	if (!strcmp(path, "/dev/iommu"))
		return open_iommufd(k);
	if (strncmp(path, "/dev/vfio/", 10) || !vfio_devnode_present(k))
		return -ENOENT;
	if (!uapi_state(k))
		return -ENOMEM;
	const char *name = path + 10;
	struct uapi_file *file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	int ret;
	if (!strcmp(name, "vfio")) {
		file->kind = UAPI_FILE_VFIO_CONTAINER;
		file->container = vfio_container_open(k);
		ret = file->container ? 0 : -ENOMEM;
	} else if (!strncmp(name, "devices/vfio", 12)) {
		/* 7.3's device cdev (VFIO_DEVICE_CDEV): named as the kernel prints the index */
		ret = vfio_device_fops_cdev_open(k, group_number(name + 12), file);
	} else {
		int id = group_number(name);
		file->kind = UAPI_FILE_VFIO_GROUP;
		ret = id < 0 ? -ENOENT : vfio_group_open(k, id, file);
	}
	if (ret) {
		free(file);
		return ret;
	}
	uapi_file_opened(k, file);
	ret = uapi_install(k, file);
	if (ret < 0) {
		/* no fd: the file is released at once */
		file->refs = 1;
		uapi_file_put(k, file);
	}
	return ret;
}

int uapi_close(struct kernel *k, int fd)
{
	struct uapi_file *file = uapi_fget(k, fd);
	if (!file)
		return -EBADF;
	k->uapi->fds[fd] = NULL;
	uapi_file_put(k, file);
	return 0;
}

long uapi_ioctl(struct kernel *k, int fd, unsigned long request, void *arg)
{
	struct uapi_file *file = uapi_fget(k, fd);
	if (!file)
		return -EBADF;
	switch (file->kind) {
	case UAPI_FILE_VFIO_CONTAINER:
		return vfio_container_ioctl(file->container, request, arg);
	case UAPI_FILE_VFIO_GROUP:
		return vfio_group_ioctl(file->group, request, arg);
	case UAPI_FILE_VFIO_DEVICE:
		return vfio_device_ioctl(file->device, request, arg);
	case UAPI_FILE_IOMMUFD:
		return iommufd_fops_ioctl(file->iommufd, request, arg);
	case UAPI_FILE_EVENTFD:
	case UAPI_FILE_IOMMUFD_EVENTQ:
		break;
	}
	return -ENOTTY;
}

/*
 * vfs_read()/vfs_write(): the container and the group have no read or
 * write op (EINVAL); a device file's are vfio-pci's region accessors.
 */
static ssize_t rw(struct kernel *k, int fd, void *buf, size_t len, off_t off, bool write)
{
	struct uapi_file *file = uapi_fget(k, fd);
	if (!file)
		return -EBADF;
	/* an anonymous event queue file has no pread/pwrite (FMODE_PREAD unset) */
	if (file->kind == UAPI_FILE_IOMMUFD_EVENTQ)
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	if (file->kind != UAPI_FILE_VFIO_DEVICE)
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	return vfio_device_rw(file->device, buf, len, (u64)off, write);
}

ssize_t uapi_pread(struct kernel *k, int fd, void *buf, size_t len, off_t off)
{
	return rw(k, fd, buf, len, off, false);
}

ssize_t uapi_pwrite(struct kernel *k, int fd, const void *buf, size_t len, off_t off)
{
	/* the model never writes through buf: vfio_device_rw() refuses writes */
	return rw(k, fd, (void *)(uintptr_t)buf, len, off, true);
}

ssize_t uapi_read(struct kernel *k, int fd, void *buf, size_t len)
{
	struct uapi_file *file = uapi_fget(k, fd);
	if (!file)
		return -EBADF;
	if (file->kind != UAPI_FILE_IOMMUFD_EVENTQ)
		return -EINVAL;
	return iommufd_eventq_fops_read(file->eventq, buf, len);
}

ssize_t uapi_write(struct kernel *k, int fd, const void *buf, size_t len)
{
	struct uapi_file *file = uapi_fget(k, fd);
	if (!file)
		return -EBADF;
	if (file->kind != UAPI_FILE_IOMMUFD_EVENTQ)
		return -EINVAL;
	return iommufd_eventq_fops_write(file->eventq, buf, len);
}

static int find_fd(struct kernel *k, enum uapi_file_kind kind, int group_id, const char *name)
{
	struct uapi_state *st = k->uapi;
	for (int fd = 0; st && fd < UAPI_MAX_FDS; fd++) {
		struct uapi_file *f = st->fds[fd];
		if (!f || f->kind != kind)
			continue;
		if (kind == UAPI_FILE_VFIO_GROUP && f->group->iommu_group->id != group_id)
			continue;
		if (kind == UAPI_FILE_VFIO_DEVICE && strcmp(f->device->dev->name, name))
			continue;
		return fd;
	}
	return -EBADF;
}

int uapi_find_container_fd(struct kernel *k)
{
	return find_fd(k, UAPI_FILE_VFIO_CONTAINER, 0, NULL);
}

int uapi_find_group_fd(struct kernel *k, int group_id)
{
	return find_fd(k, UAPI_FILE_VFIO_GROUP, group_id, NULL);
}

int uapi_find_device_fd(struct kernel *k, const char *name)
{
	return find_fd(k, UAPI_FILE_VFIO_DEVICE, 0, name);
}

int uapi_container_vaddr(struct kernel *k, int container_fd, u64 iova, u64 len, u64 *vaddr)
{
	struct uapi_file *f = uapi_fget(k, container_fd);
	if (!f || f->kind != UAPI_FILE_VFIO_CONTAINER)
		return -EBADF;
	if (!f->container->iommu)
		return -ENOENT;
	return vfio_iommu_type1_vaddr(f->container->iommu, iova, len, vaddr);
}
