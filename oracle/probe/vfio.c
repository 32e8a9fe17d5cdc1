/*
 * iommusim-vfio, installed as `vfio` in the oracle's guest: the model's vfio
 * verb (src/script/vfio_verbs.c) done for real with the VFIO ioctls of
 * <linux/vfio.h>, printing what the model prints, so a corpus script drives
 * VFIO the same way on both sides.
 *
 * A VMM holds its files open between calls, and each script line is a new
 * process: the first `vfio` starts a server (a daemon with no stdio) that
 * keeps the container, group and device fds and the mapped memory, and
 * every `vfio` line is a client that hands its words to the server over a
 * unix socket and prints the server's answer. The server ends with the
 * guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
/* the lines the model's verb prints too */
#include "../../src/script/vfio_format.h"

#define SOCK_PATH "/tmp/iommusim-vfio.sock"
/* "vfio device NAME config-write OFFSET" and its 64 bytes fit */
#define MAX_WORDS 80
#define MAX_REQ 8192
#include "probe_server.h"

/* --- the server's state: what a VMM keeps --- */
static int container = -1;
static struct { int id, fd; } groups[64];
static int ngroups;
static struct { char name[64]; int fd; } devices[64];
static int ndevices;
static struct { unsigned long long iova, size; void *mem; } maps[4096];
static int nmaps;

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*s || *end || errno || s[0] == '-' ? -1 : 0;
}

static void fill_pattern(unsigned char *buf, size_t len, const char *pat)
{
	unsigned long long byte;
	if (!strncmp(pat, "0x", 2) && !parse_u64(pat, &byte) && byte <= 0xff) {
		memset(buf, (int)byte, len);
		return;
	}
	size_t plen = strlen(pat);
	for (size_t i = 0; i < len; i++)
		buf[i] = plen ? (unsigned char)pat[i % plen] : (unsigned char)i;
}

static void hexdump(FILE *out, unsigned long long base, const unsigned char *buf, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		fprintf(out, "%010llx:", base + off);
		for (size_t i = 0; i < 16; i++) {
			if (i % 2 == 0)
				fputc(' ', out);
			if (off + i < len)
				fprintf(out, "%02x", buf[off + i]);
			else
				fputs("  ", out);
		}
		fputs("  ", out);
		for (size_t i = 0; i < 16 && off + i < len; i++)
			fputc(buf[off + i] >= 0x20 && buf[off + i] < 0x7f ? buf[off + i] : '.', out);
		fputc('\n', out);
	}
}

static int usage(FILE *out)
{
	fputs(VFIO_USAGE, out);
	return 1;
}

/* ioctl's answer as the model's verb returns it: the value, or -errno */
static long sys(long ret)
{
	return ret < 0 ? -errno : ret;
}

static int print_result(FILE *out, long ret)
{
	if (ret >= 0)
		return 0;
	vfio_print_errno(out, ret);
	return 1;
}

static int parse_ext(const char *s, unsigned long *v)
{
	if (!vfio_ext_by_name(s, v))
		return 0;
	unsigned long long n;
	if (parse_u64(s, &n))
		return -1;
	*v = (unsigned long)n;
	return 0;
}

static int opt_u64(int argc, char **argv, int from, const char *key, unsigned long long *v)
{
	size_t kl = strlen(key);
	for (int i = from; i < argc; i++)
		if (!strncmp(argv[i], key, kl) && argv[i][kl] == '=')
			return parse_u64(argv[i] + kl + 1, v) ? -1 : 1;
	return 0;
}

static int container_fd(FILE *out)
{
	if (container < 0)
		fprintf(out, "vfio: no container open\n");
	return container;
}

static int group_fd(int id)
{
	for (int i = 0; i < ngroups; i++)
		if (groups[i].id == id)
			return groups[i].fd;
	return -1;
}

static int device_fd(const char *name)
{
	for (int i = 0; i < ndevices; i++)
		if (!strcmp(devices[i].name, name))
			return devices[i].fd;
	return -1;
}

static int do_info(int argc, char **argv, FILE *out)
{
	unsigned long long argsz = 4096;
	if (argc > 3 || opt_u64(argc, argv, 2, "argsz", &argsz) < 0 || argsz > 4096 ||
	    (argc == 3 && strncmp(argv[2], "argsz=", 6)))
		return usage(out);
	int fd = container_fd(out);
	if (fd < 0)
		return 1;
	_Alignas(8) unsigned char buf[4096];
	memset(buf, 0, sizeof(buf));
	struct vfio_iommu_type1_info *info = (void *)buf;
	info->argsz = (unsigned)argsz;
	long ret = sys(ioctl(fd, VFIO_IOMMU_GET_INFO, info));
	if (ret)
		return print_result(out, ret);
	vfio_print_iommu_info(out, buf, argsz);
	return 0;
}

static int do_map(int argc, char **argv, FILE *out)
{
	static const char *const keys[] = { "argsz", "flags", "vaddr", NULL };
	unsigned long long iova, size, argsz = sizeof(struct vfio_iommu_type1_dma_map), flags = 0, vaddr = 0;
	if (argc < 4 || parse_u64(argv[2], &iova) || parse_u64(argv[3], &size) ||
	    !vfio_opts_known(argc, argv, 4, keys) || opt_u64(argc, argv, 4, "argsz", &argsz) < 0 ||
	    opt_u64(argc, argv, 4, "vaddr", &vaddr) < 0)
		return usage(out);
	for (int i = 4; i < argc; i++) {
		if (strchr(argv[i], '='))
			continue;
		if (strchr(argv[i], 'r'))
			flags |= VFIO_DMA_MAP_FLAG_READ;
		if (strchr(argv[i], 'w'))
			flags |= VFIO_DMA_MAP_FLAG_WRITE;
	}
	if (!flags)
		flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	if (opt_u64(argc, argv, 4, "flags", &flags) < 0)
		return usage(out);
	int fd = container_fd(out);
	if (fd < 0)
		return 1;
	int given = opt_u64(argc, argv, 4, "vaddr", &vaddr) == 1;
	void *mem = NULL;
	size_t len = size ? (size + 0xffff) & ~0xffffULL : 0x10000;
	if (!given) {
		mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return print_result(out, -ENOMEM);
		vaddr = (unsigned long long)(uintptr_t)mem;
	}
	struct vfio_iommu_type1_dma_map map = {
		.argsz = (unsigned)argsz, .flags = (unsigned)flags, .vaddr = vaddr, .iova = iova, .size = size,
	};
	long ret = sys(ioctl(fd, VFIO_IOMMU_MAP_DMA, &map));
	if (ret && mem)
		munmap(mem, len);
	if (!ret) {
		if (nmaps < 4096)
			maps[nmaps++] = (typeof(maps[0])){ iova, size, (void *)(uintptr_t)vaddr };
		fprintf(out, "ok\n");
	}
	return print_result(out, ret);
}

static int do_unmap(int argc, char **argv, FILE *out)
{
	static const char *const keys[] = { "argsz", "flags", NULL };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	unsigned long long iova = 0, size = 0, argsz = unmap.argsz, flags = 0;
	if (argc == 3 && !strcmp(argv[2], "all")) {
		flags = VFIO_DMA_UNMAP_FLAG_ALL;
	} else if (argc < 4 || parse_u64(argv[2], &iova) || parse_u64(argv[3], &size) ||
		   !vfio_opts_known(argc, argv, 4, keys) || opt_u64(argc, argv, 4, "argsz", &argsz) < 0 ||
		   opt_u64(argc, argv, 4, "flags", &flags) < 0) {
		return usage(out);
	}
	int fd = container_fd(out);
	if (fd < 0)
		return 1;
	unmap.argsz = (unsigned)argsz;
	unmap.flags = (unsigned)flags;
	unmap.iova = iova;
	unmap.size = size;
	long ret = sys(ioctl(fd, VFIO_IOMMU_UNMAP_DMA, &unmap));
	if (!ret) {
		/* the mappings that went: the ones starting in what was unmapped */
		for (int i = 0; i < nmaps && !(flags & VFIO_DMA_UNMAP_FLAG_VADDR); i++)
			if (flags & VFIO_DMA_UNMAP_FLAG_ALL ||
			    (maps[i].iova >= iova && maps[i].iova - iova < unmap.size))
				maps[i--] = maps[--nmaps];
		fprintf(out, "ok size 0x%llx\n", (unsigned long long)unmap.size);
	}
	return print_result(out, ret);
}

static int do_group(int argc, char **argv, FILE *out)
{
	unsigned long long id;
	if (argc < 4 || parse_u64(argv[2], &id) || id > 0x7fffffff)
		return usage(out);
	const char *op = argv[3];
	int fd = group_fd((int)id);
	if (fd < 0) {
		fprintf(out, "vfio: group %s is not open\n", argv[2]);
		return 1;
	}
	long ret;
	if (!strcmp(op, "status") && argc == 4) {
		struct vfio_group_status st = { .argsz = sizeof(st) };
		ret = sys(ioctl(fd, VFIO_GROUP_GET_STATUS, &st));
		if (!ret)
			fprintf(out, "ok flags 0x%x%s%s\n", st.flags,
				st.flags & VFIO_GROUP_FLAGS_VIABLE ? " viable" : " not-viable",
				st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET ? " container-set" : "");
	} else if (!strcmp(op, "set-container") && argc == 4) {
		int cfd = container_fd(out);
		if (cfd < 0)
			return 1;
		ret = sys(ioctl(fd, VFIO_GROUP_SET_CONTAINER, &cfd));
		if (!ret)
			fprintf(out, "ok\n");
	} else if (!strcmp(op, "unset-container") && argc == 4) {
		ret = sys(ioctl(fd, VFIO_GROUP_UNSET_CONTAINER, NULL));
		if (!ret)
			fprintf(out, "ok\n");
	} else if (!strcmp(op, "get-device-fd") && argc == 5) {
		ret = sys(ioctl(fd, VFIO_GROUP_GET_DEVICE_FD, argv[4]));
		if (ret >= 0) {
			if (ndevices < 64) {
				snprintf(devices[ndevices].name, sizeof(devices[0].name), "%s", argv[4]);
				devices[ndevices++].fd = (int)ret;
			}
			fprintf(out, "ok\n");
		}
	} else {
		return usage(out);
	}
	return print_result(out, ret);
}

/* VFIO_DEVICE_GET_REGION_INFO with argsz bytes, and the capabilities that fit */
static long device_region_info(int fd, unsigned index, unsigned long long argsz, FILE *out)
{
	_Alignas(8) unsigned char buf[4096];
	memset(buf, 0, sizeof(buf));
	struct vfio_region_info *info = (void *)buf;
	info->argsz = (unsigned)argsz;
	info->index = index;
	long ret = sys(ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info));
	if (ret)
		return ret;
	vfio_print_region_info(out, buf, argsz);
	return 0;
}

/* pread of the config region at OFFSET: the bytes read, in hex */
static long device_config_read(int fd, unsigned long long offset, unsigned long long len, FILE *out)
{
	unsigned char buf[4096];
	long ret = sys(pread(fd, buf, len, (off_t)vfio_config_offset(offset)));
	if (ret < 0)
		return ret;
	vfio_print_bytes(out, buf, ret);
	return 0;
}

/* pwrite of the bytes to the config region at OFFSET: what pwrite returned */
static long device_config_write(int fd, unsigned long long offset, const unsigned char *bytes, size_t len,
				FILE *out)
{
	long ret = sys(pwrite(fd, bytes, len, (off_t)vfio_config_offset(offset)));
	if (ret >= 0)
		fprintf(out, "ok %ld bytes\n", ret);
	return ret;
}

/* VFIO_DEVICE_SET_IRQS as the model's verb makes it (vfio_format.h); new eventfds stay open */
static int device_set_irqs(int argc, char **argv, FILE *out)
{
	struct vfio_set_irqs_req req;
	static unsigned char buf[sizeof(struct vfio_irq_set) + 4 * 2048];
	if (vfio_parse_set_irqs(argc, argv, &req))
		return usage(out);
	int fd = device_fd(argv[2]);
	if (fd < 0) {
		fprintf(out, "vfio: device %s is not open\n", argv[2]);
		return 1;
	}
	int fds[VFIO_SET_IRQS_MAX_VALUES] = { 0 };
	for (int i = 0; i < req.nvalues; i++) {
		if (req.values[i] != VFIO_SET_IRQS_NEW_EVENTFD)
			continue;
		fds[i] = (int)sys(eventfd(0, 0));
		if (fds[i] < 0)
			return print_result(out, fds[i]);
	}
	memset(buf, 0, sizeof(buf));
	vfio_fill_set_irqs(&req, fds, buf);
	long ret = sys(ioctl(fd, VFIO_DEVICE_SET_IRQS, buf));
	vfio_print_set_irqs(out, ret);
	return ret < 0 ? 1 : 0;
}

static int do_device(int argc, char **argv, FILE *out)
{
	unsigned long long index = 0, argsz = sizeof(struct vfio_region_info) + 256, len = 0;
	unsigned char bytes[VFIO_CONFIG_WRITE_MAX];
	int irq = argc == 5 && !strcmp(argv[3], "irq-info");
	int region = (argc == 5 || argc == 6) && !strcmp(argv[3], "region-info");
	int config = argc == 6 && !strcmp(argv[3], "config-read");
	int write = argc >= 5 && !strcmp(argv[3], "config-write");
	int info_verb = argc == 4 && !strcmp(argv[3], "info");
	int reset = argc == 4 && !strcmp(argv[3], "reset");
	if (argc >= 4 && !strcmp(argv[3], "set-irqs"))
		return device_set_irqs(argc, argv, out);
	if (!info_verb && !irq && !region && !config && !write && !reset)
		return usage(out);
	if ((irq || region || config || write) && (parse_u64(argv[4], &index) || index > 0xffffffffu))
		return usage(out);
	if (region && argc == 6 &&
	    (strncmp(argv[5], "argsz=", 6) || opt_u64(argc, argv, 5, "argsz", &argsz) < 0 || argsz > 4096))
		return usage(out);
	if (config && (parse_u64(argv[5], &len) || len > 4096))
		return usage(out);
	if (write) {
		len = (unsigned long long)(argc - 5);
		if (len > VFIO_CONFIG_WRITE_MAX)
			return usage(out);
		for (int i = 5; i < argc; i++)
			if (vfio_parse_hex_byte(argv[i], &bytes[i - 5]))
				return usage(out);
	}
	int fd = device_fd(argv[2]);
	if (fd < 0) {
		fprintf(out, "vfio: device %s is not open\n", argv[2]);
		return 1;
	}
	long ret;
	if (config) {
		ret = device_config_read(fd, index, len, out);
	} else if (write) {
		ret = device_config_write(fd, index, bytes, (size_t)len, out);
	} else if (reset) {
		ret = sys(ioctl(fd, VFIO_DEVICE_RESET));
		if (!ret)
			fprintf(out, "ok\n");
	} else if (region) {
		ret = device_region_info(fd, (unsigned)index, argsz, out);
	} else if (irq) {
		struct vfio_irq_info info = { .argsz = sizeof(info), .index = (unsigned)index };
		ret = sys(ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &info));
		if (!ret)
			fprintf(out, "ok flags 0x%x count %u\n", info.flags, info.count);
	} else {
		struct vfio_device_info info = { .argsz = sizeof(info) };
		ret = sys(ioctl(fd, VFIO_DEVICE_GET_INFO, &info));
		if (!ret)
			fprintf(out, "ok flags 0x%x regions %u irqs %u\n", info.flags, info.num_regions,
				info.num_irqs);
	}
	return print_result(out, ret);
}

static int do_mem(int argc, char **argv, FILE *out)
{
	unsigned long long iova, len;
	int write = argc == 6 && !strcmp(argv[2], "write");
	if (!(argc == 5 && !strcmp(argv[2], "read")) && !write)
		return usage(out);
	if (parse_u64(argv[3], &iova) || parse_u64(argv[4], &len) || !len || len > (1u << 20))
		return usage(out);
	if (container_fd(out) < 0)
		return 1;
	unsigned char *p = NULL;
	for (int i = 0; i < nmaps; i++)
		if (iova >= maps[i].iova && iova - maps[i].iova < maps[i].size &&
		    len <= maps[i].size - (iova - maps[i].iova))
			p = (unsigned char *)maps[i].mem + (iova - maps[i].iova);
	if (!p) {
		fprintf(out, "vfio: no mapping holds 0x%llx+0x%llx\n", iova, len);
		return 1;
	}
	if (write) {
		fill_pattern(p, len, argv[5]);
		fprintf(out, "ok\n");
	} else {
		hexdump(out, iova, p, len);
	}
	return 0;
}

/* setrlimit(RLIMIT_MEMLOCK) and CAP_IPC_LOCK out of the effective set */
static int do_rlimit(unsigned long long bytes, FILE *out)
{
	struct rlimit rl = { bytes, bytes };
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return print_result(out, -errno);
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data))
		return print_result(out, -errno);
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &hdr, data))
		return print_result(out, -errno);
	fprintf(out, "ok\n");
	return 0;
}

static int forget_maps(void)
{
	nmaps = 0;
	return 0;
}

/* a group named by a PCI function: its number, as its iommu_group link says (vfio_format.h) */
static int group_of_function(const char *dev, char *buf, size_t len)
{
	char path[128], link[256];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", dev);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -ENODEV;
	link[n] = '\0';
	return vfio_group_from_link(link, buf, len) ? -ENODEV : 0;
}

static int run(int argc, char **argv, FILE *out)
{
	const char *op = argc > 1 ? argv[1] : "";
	long ret;
	unsigned long ext;
	unsigned long long id;
	/* static: argv (the server's array) points at it past this call */
	static char group[16];
	int gi = vfio_group_arg_index(argc, argv);
	if (gi >= 0 && vfio_group_arg_is_device(argv[gi])) {
		if (group_of_function(argv[gi], group, sizeof(group))) {
			vfio_print_no_group(out, argv[gi]);
			return -ENODEV;
		}
		argv[gi] = group;
	}
	if (!strcmp(op, "open") && argc >= 3) {
		if (!strcmp(argv[2], "container") && argc == 3) {
			ret = sys(open("/dev/vfio/vfio", O_RDWR));
			if (ret >= 0)
				container = (int)ret;
		} else if (!strcmp(argv[2], "group") && argc == 4 && !parse_u64(argv[3], &id)) {
			char path[48];
			snprintf(path, sizeof(path), "/dev/vfio/%s", argv[3]);
			ret = sys(open(path, O_RDWR));
			if (ret >= 0 && ngroups < 64) {
				groups[ngroups].id = (int)id;
				groups[ngroups++].fd = (int)ret;
			}
		} else {
			return usage(out);
		}
		if (ret >= 0)
			fprintf(out, "ok\n");
		return print_result(out, ret);
	}
	if (!strcmp(op, "close") && argc >= 3) {
		int fd = -1;
		if (!strcmp(argv[2], "container") && argc == 3) {
			fd = container;
			container = -1;
			forget_maps();
		} else if (!strcmp(argv[2], "group") && argc == 4 && !parse_u64(argv[3], &id) && id < 0x7fffffff) {
			for (int i = 0; i < ngroups; i++)
				if (groups[i].id == (int)id) {
					fd = groups[i].fd;
					groups[i] = groups[--ngroups];
					break;
				}
		} else if (!strcmp(argv[2], "device") && argc == 4) {
			for (int i = 0; i < ndevices; i++)
				if (!strcmp(devices[i].name, argv[3])) {
					fd = devices[i].fd;
					devices[i] = devices[--ndevices];
					break;
				}
		} else {
			return usage(out);
		}
		ret = fd < 0 ? -EBADF : sys(close(fd));
		if (!ret)
			fprintf(out, "ok\n");
		return print_result(out, ret);
	}
	if (!strcmp(op, "api-version") && argc == 2) {
		int fd = container_fd(out);
		if (fd < 0)
			return 1;
		ret = sys(ioctl(fd, VFIO_GET_API_VERSION));
		if (ret >= 0)
			fprintf(out, "ok %ld\n", ret);
		return print_result(out, ret);
	}
	if ((!strcmp(op, "check-extension") || !strcmp(op, "set-iommu")) && argc == 3) {
		if (parse_ext(argv[2], &ext))
			return usage(out);
		int fd = container_fd(out);
		if (fd < 0)
			return 1;
		int check = op[0] == 'c';
		ret = sys(ioctl(fd, check ? VFIO_CHECK_EXTENSION : VFIO_SET_IOMMU, ext));
		if (ret >= 0 && check)
			fprintf(out, "ok %ld\n", ret);
		else if (ret >= 0)
			fprintf(out, "ok\n");
		return print_result(out, ret);
	}
	if (!strcmp(op, "info"))
		return do_info(argc, argv, out);
	if (!strcmp(op, "map"))
		return do_map(argc, argv, out);
	if (!strcmp(op, "unmap"))
		return do_unmap(argc, argv, out);
	if (!strcmp(op, "group"))
		return do_group(argc, argv, out);
	if (!strcmp(op, "device"))
		return do_device(argc, argv, out);
	if (!strcmp(op, "mem"))
		return do_mem(argc, argv, out);
	if (!strcmp(op, "rlimit") && argc == 4 && !strcmp(argv[2], "memlock")) {
		unsigned long long bytes;
		if (parse_u64(argv[3], &bytes))
			return usage(out);
		return do_rlimit(bytes, out);
	}
	return usage(out);
}

int main(int argc, char **argv)
{
	return probe_client_main("vfio", SOCK_PATH, argc, argv, run);
}
