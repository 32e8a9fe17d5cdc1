/*
 * The iommufd verb on the model: the shared verb (iommufd_exec.h, which the
 * oracle's probe runs on real Linux) calling the modelled kernel through the
 * public file calls (include/iommusim/vfio.h), with the VMM's state (the
 * open /dev/iommu and device cdevs) kept by the machine between lines.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "iommusim/vfio.h"
#include "script/session.h"
#include "script/verbs.h"
#include "uapi/iommufd_abi.h"
#if __has_include("uapi/vfio_cdev_abi.h")
#include "uapi/vfio_cdev_abi.h"
#endif
#include "script/iommufd_exec.h"

struct iommufd_exec_host {
	struct iommusim *sim;
};

static int host_open(struct iommufd_exec_host *h, const char *path)
{
	return iommusim_open(h->sim, path, O_RDWR);
}

static int host_close(struct iommufd_exec_host *h, int fd)
{
	return iommusim_close(h->sim, fd);
}

static long host_ioctl(struct iommufd_exec_host *h, int fd, unsigned long request, void *arg)
{
	return iommusim_ioctl(h->sim, fd, request, arg);
}

static int host_first_entry(struct iommufd_exec_host *h, const char *dir, char *name, size_t len)
{
	char **names = NULL;
	long n = iommusim_sysfs_list(h->sim, dir, &names);
	if (n < 0)
		return (int)n;
	int ret = n > 0 && strlen(names[0]) < len ? 0 : -ENOENT;
	if (!ret)
		strcpy(name, names[0]);
	for (long i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

static void *host_user_alloc(struct iommufd_exec_host *h, size_t size)
{
	return iommusim_user_alloc(h->sim, size);
}

static long host_read(struct iommufd_exec_host *h, int fd, void *buf, size_t len)
{
	return iommusim_read(h->sim, fd, buf, len);
}

static long host_write(struct iommufd_exec_host *h, int fd, const void *buf, size_t len)
{
	return iommusim_write(h->sim, fd, buf, len);
}

static int host_eventfd(struct iommufd_exec_host *h)
{
	return iommusim_eventfd(h->sim, 0);
}

static const struct iommufd_exec_ops model_ops = {
	.open = host_open,
	.close = host_close,
	.ioctl = host_ioctl,
	.first_entry = host_first_entry,
	.user_alloc = host_user_alloc,
	.read = host_read,
	.write = host_write,
	.eventfd = host_eventfd,
};

int verb_iommufd(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	if (!sim->iommufd_verb) {
		sim->iommufd_verb = malloc(sizeof(*sim->iommufd_verb));
		if (!sim->iommufd_verb) {
			fprintf(out, "iommufd: out of memory\n");
			return -ENOMEM;
		}
		iommufd_exec_state_init(sim->iommufd_verb);
	}
	struct iommufd_exec_host host = { .sim = sim };
	const struct iommufd_exec x = { .host = &host, .ops = &model_ops, .state = sim->iommufd_verb, .out = out };
	return iommufd_exec(&x, argc, argv);
}
