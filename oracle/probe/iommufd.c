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
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "../../src/script/iommufd_exec.h"

#define SOCK_PATH "/tmp/iommusim-iommufd.sock"
#define MAX_WORDS 160
#define MAX_REQ 8192

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

static const struct iommufd_exec_ops real_ops = {
	.open = sys_open,
	.close = sys_close,
	.ioctl = sys_ioctl,
	.first_entry = sys_first_entry,
	.user_alloc = sys_user_alloc,
};

/* --- the server and its clients --- */

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	for (size_t put = 0; put < len;) {
		ssize_t n = write(fd, (const char *)buf + put, len - put);
		if (n <= 0)
			return -1;
		put += (size_t)n;
	}
	return 0;
}

/* a request: its length, then the words each ended by NUL; the answer: status, length, text */
static void serve(int lfd)
{
	struct iommufd_exec_host host = { 0 };
	struct iommufd_exec_state state;
	iommufd_exec_state_init(&state);
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		if (c < 0)
			continue;
		unsigned len;
		char req[MAX_REQ + 1];
		if (read_full(c, &len, sizeof(len)) || len > MAX_REQ || read_full(c, req, len)) {
			close(c);
			continue;
		}
		req[len] = '\0';
		char *argv[MAX_WORDS];
		int argc = 0;
		for (unsigned off = 0; off < len && argc < MAX_WORDS; off += (unsigned)strlen(req + off) + 1)
			argv[argc++] = req + off;
		char *text = NULL;
		size_t tlen = 0;
		FILE *out = open_memstream(&text, &tlen);
		int status = 1;
		if (out) {
			const struct iommufd_exec x = { .host = &host, .ops = &real_ops, .state = &state, .out = out };
			status = iommufd_exec(&x, argc, argv) ? 1 : 0;
			fclose(out);
		}
		unsigned n = (unsigned)tlen;
		if (!write_full(c, &status, sizeof(status)) && !write_full(c, &n, sizeof(n)))
			write_full(c, text, tlen);
		free(text);
		close(c);
	}
}

static int connect_server(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", SOCK_PATH);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* the server, detached from the shell's pipes, listening before the client goes on */
static int start_server(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", SOCK_PATH);
	unlink(SOCK_PATH);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 8))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
		signal(SIGPIPE, SIG_IGN);
		serve(lfd);
		_exit(0);
	}
	close(lfd);
	return 0;
}

int main(int argc, char **argv)
{
	char req[MAX_REQ];
	unsigned len = 0;
	/* the words as the model's verb sees them: argv[0] is the verb's name */
	argv[0] = "iommufd";
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		if (len + n > MAX_REQ || i >= MAX_WORDS) {
			printf("iommufd: too many words\n");
			return 1;
		}
		memcpy(req + len, argv[i], n);
		len += (unsigned)n;
	}
	int fd = connect_server();
	if (fd < 0 && (start_server() || (fd = connect_server()) < 0)) {
		printf("iommufd: cannot start the server: %s\n", strerror(errno));
		return 1;
	}
	int status;
	unsigned n;
	if (write_full(fd, &len, sizeof(len)) || write_full(fd, req, len) ||
	    read_full(fd, &status, sizeof(status)) || read_full(fd, &n, sizeof(n))) {
		printf("iommufd: the server did not answer\n");
		return 1;
	}
	char *text = malloc(n + 1);
	if (!text || read_full(fd, text, n))
		return 1;
	fwrite(text, 1, n, stdout);
	free(text);
	close(fd);
	return status;
}
