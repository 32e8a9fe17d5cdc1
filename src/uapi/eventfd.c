/*
 * eventfd(2) of the modelled process (fs/eventfd.c): a counter behind an
 * anonymous file. vfio-pci's interrupt triggers take one by fd
 * (eventfd_ctx_fdget) and signal it from the interrupt handler; the user
 * reads the count back.
 */
#include <errno.h>
#include <stdlib.h>
#include "uapi/uapi.h"

int uapi_eventfd(struct kernel *k, unsigned int initval)
{
	if (!uapi_state(k))
		return -ENOMEM;
	struct uapi_file *file = calloc(1, sizeof(*file));
	if (!file)
		return -ENOMEM;
	file->kind = UAPI_FILE_EVENTFD;
	file->eventfd_count = initval;
	int ret = uapi_install(k, file);
	if (ret < 0)
		free(file);
	return ret;
}

int uapi_eventfd_read(struct kernel *k, int fd, u64 *value)
{
	struct uapi_file *file = uapi_fget(k, fd);
	if (!file)
		return -EBADF;
	if (file->kind != UAPI_FILE_EVENTFD || !value)
		return -EINVAL;
	/* without EFD_NONBLOCK a read at 0 would sleep: the model's process cannot wait */
	if (!file->eventfd_count)
		return -EAGAIN;
	*value = file->eventfd_count;
	file->eventfd_count = 0;
	return 0;
}

struct uapi_file *uapi_eventfd_ctx_fdget(struct kernel *k, int fd, int *err)
{
	struct uapi_file *file = uapi_fget(k, fd);
	if (!file) {
		*err = -EBADF;
		return NULL;
	}
	if (file->kind != UAPI_FILE_EVENTFD) {
		*err = -EINVAL;
		return NULL;
	}
	/* eventfd_ctx_get(): the context outlives the fd's close */
	uapi_file_get(file);
	*err = 0;
	return file;
}

void uapi_eventfd_signal(struct uapi_file *efd)
{
	if (efd && efd->eventfd_count < UINT64_MAX - 1)
		efd->eventfd_count++;
}
