/*
 * The public file calls of include/iommusim/vfio.h: the user process's
 * syscalls (src/uapi) and sysfs as calls (src/sysfs), behind the public
 * handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "iommusim/vfio.h"
#include "script/session.h"
#include "sysfs/sysfs.h"
#include "uapi/uapi.h"

int iommusim_open(struct iommusim *sim, const char *path, int flags)
{
	return sim ? uapi_open(sim->k, path, flags) : -EINVAL;
}

int iommusim_close(struct iommusim *sim, int fd)
{
	return sim ? uapi_close(sim->k, fd) : -EINVAL;
}

int iommusim_eventfd(struct iommusim *sim, unsigned int initval)
{
	return sim ? uapi_eventfd(sim->k, initval) : -EINVAL;
}

int iommusim_eventfd_read(struct iommusim *sim, int fd, uint64_t *value)
{
	return sim ? uapi_eventfd_read(sim->k, fd, value) : -EINVAL;
}

long iommusim_ioctl(struct iommusim *sim, int fd, unsigned long request, void *arg)
{
	return sim ? uapi_ioctl(sim->k, fd, request, arg) : -EINVAL;
}

ssize_t iommusim_pread(struct iommusim *sim, int fd, void *buf, size_t len, off_t off)
{
	return sim ? uapi_pread(sim->k, fd, buf, len, off) : -EINVAL;
}

ssize_t iommusim_pwrite(struct iommusim *sim, int fd, const void *buf, size_t len, off_t off)
{
	return sim ? uapi_pwrite(sim->k, fd, buf, len, off) : -EINVAL;
}

ssize_t iommusim_read(struct iommusim *sim, int fd, void *buf, size_t len)
{
	return sim ? uapi_read(sim->k, fd, buf, len) : -EINVAL;
}

ssize_t iommusim_write(struct iommusim *sim, int fd, const void *buf, size_t len)
{
	return sim ? uapi_write(sim->k, fd, buf, len) : -EINVAL;
}

void *iommusim_user_alloc(struct iommusim *sim, size_t size)
{
	return sim ? uapi_user_alloc(sim->k, size) : NULL;
}

int iommusim_user_free(struct iommusim *sim, void *ptr)
{
	return sim ? uapi_user_free(sim->k, ptr) : -EINVAL;
}

int iommusim_user_set_memlock(struct iommusim *sim, uint64_t bytes, bool cap_ipc_lock)
{
	struct uapi_state *st = sim ? uapi_state(sim->k) : NULL;
	if (!st)
		return -EINVAL;
	st->memlock_limit = bytes;
	st->cap_ipc_lock = cap_ipc_lock;
	return 0;
}

/* A sysfs text (a file's contents or a link's target) handed to the caller: its length, or -errno. */
static long take_text(int ret, struct sysfs_buf *b, char **out)
{
	/* the bytes the file holds (a binary file such as config has NULs) */
	size_t len = b->text && b->len ? b->len : b->text ? strlen(b->text) : 0;
	if (!ret) {
		*out = b->text ? b->text : strdup("");
		b->text = NULL;
	}
	sysfs_buf_free(b);
	if (ret)
		return ret;
	return *out ? (long)len : -ENOMEM;
}

long iommusim_sysfs_read(struct iommusim *sim, const char *path, char **out)
{
	if (!sim || !path || !out)
		return -EINVAL;
	struct sysfs_buf b;
	return take_text(sysfs_read(sim->k, path, &b), &b, out);
}

int iommusim_sysfs_write(struct iommusim *sim, const char *path, const char *val)
{
	if (!sim || !path || !val)
		return -EINVAL;
	return sysfs_write(sim->k, path, val);
}

long iommusim_sysfs_readlink(struct iommusim *sim, const char *path, char **out)
{
	if (!sim || !path || !out)
		return -EINVAL;
	struct sysfs_buf b;
	return take_text(sysfs_readlink(sim->k, path, &b), &b, out);
}

long iommusim_sysfs_list(struct iommusim *sim, const char *path, char ***names)
{
	if (!sim || !path || !names)
		return -EINVAL;
	struct sysfs_buf b;
	int ret = sysfs_list(sim->k, path, &b);
	if (ret) {
		sysfs_buf_free(&b);
		return ret;
	}
	*names = b.names;
	long n = (long)b.nnames;
	b.names = NULL;
	b.nnames = 0;
	sysfs_buf_free(&b);
	return n;
}
