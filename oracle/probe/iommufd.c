/*
 * iommusim-iommufd, installed as `iommufd` in the oracle's guest: the
 * model's iommufd verb run on real Linux 7.3. The verb itself (its words,
 * structs and lines) is src/script/iommufd_exec.h, the same file the model
 * runs; this program only gives it the real system calls. Built against the
 * 7.3 tree's <linux/iommufd.h> and <linux/vfio.h> (oracle/common.sh), for
 * the modern stack only.
 *
 * A VMM keeps /dev/iommu and the device cdevs open between calls while each
 * script line is a new process: the first `iommufd` starts a server (a
 * daemon without stdio) that holds the files and the mapped memory, and
 * every line is a client that sends its words over a unix socket and prints
 * the server's answer. The server ends with the guest.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
/* the 7.3 tree's include/uapi headers as they are, before headers_install strips these */
#define __user
#define __counted_by(member)
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../../src/script/iommufd_exec.h"

#define SOCK_PATH "/tmp/iommusim-iommufd.sock"
#define MAX_WORDS 160
#define MAX_REQ 8192
#include "probe_server.h"

struct iommufd_exec_host {
	int unused;
};

static int sys_open(struct iommufd_exec_host *h, const char *path)
{
	(void)h;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int sys_close(struct iommufd_exec_host *h, int fd)
{
	(void)h;
	return close(fd) ? -errno : 0;
}

static long sys_ioctl(struct iommufd_exec_host *h, int fd, unsigned long request, void *arg)
{
	(void)h;
	long ret = ioctl(fd, request, arg);
	return ret < 0 ? -errno : ret;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the first entry of dir as ls sorts them (C locale), . and .. left out */
static int sys_first_entry(struct iommufd_exec_host *h, const char *dir, char *name, size_t len)
{
	(void)h;
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	char *names[256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	int ret = n && names[0] && strlen(names[0]) < len ? 0 : -ENOENT;
	if (!ret)
		strcpy(name, names[0]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return ret;
}

static void *sys_user_alloc(struct iommufd_exec_host *h, size_t size)
{
	(void)h;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static long sys_read(struct iommufd_exec_host *h, int fd, void *buf, size_t len)
{
	(void)h;
	ssize_t n = read(fd, buf, len);
	return n < 0 ? -errno : (long)n;
}

static long sys_write(struct iommufd_exec_host *h, int fd, const void *buf, size_t len)
{
	(void)h;
	ssize_t n = write(fd, buf, len);
	return n < 0 ? -errno : (long)n;
}

static int sys_eventfd(struct iommufd_exec_host *h)
{
	(void)h;
	int fd = eventfd(0, 0);
	return fd < 0 ? -errno : fd;
}

static const struct iommufd_exec_ops real_ops = {
	.open = sys_open,
	.close = sys_close,
	.ioctl = sys_ioctl,
	.first_entry = sys_first_entry,
	.user_alloc = sys_user_alloc,
	.read = sys_read,
	.write = sys_write,
	.eventfd = sys_eventfd,
};

/* one line of the verb, with the state the daemon keeps between lines */
static int run(int argc, char **argv, FILE *out)
{
	static struct iommufd_exec_host host;
	static struct iommufd_exec_state state;
	static int ready;
	if (!ready) {
		iommufd_exec_state_init(&state);
		ready = 1;
	}
	const struct iommufd_exec x = { .host = &host, .ops = &real_ops, .state = &state, .out = out };
	return iommufd_exec(&x, argc, argv) ? 1 : 0;
}

int main(int argc, char **argv)
{
	/* the words as the model's verb sees them: argv[0] is the verb's name */
	argv[0] = "iommufd";
	return probe_client_main("iommufd", SOCK_PATH, argc, argv, run);
}
