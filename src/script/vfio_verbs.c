/*
 * The vfio verb: a VMM's VFIO calls, one a line, issued by the modelled
 * user process through the public file calls (include/iommusim/vfio.h).
 * The oracle's guest has the same verb (oracle/probe/vfio.c) doing the same
 * ioctls on real Linux, printing the same lines, so one script runs on both:
 *
 *   vfio open container | open group N        open /dev/vfio/vfio, /dev/vfio/N
 *   vfio close container | close group N | close device NAME
 *   vfio api-version                          VFIO_GET_API_VERSION
 *   vfio check-extension EXT                  VFIO_CHECK_EXTENSION
 *   vfio set-iommu EXT                        VFIO_SET_IOMMU
 *   vfio info [argsz=N]                       VFIO_IOMMU_GET_INFO and its capabilities
 *   vfio map IOVA SIZE [r|w|rw] [argsz=N] [flags=N] [vaddr=N]
 *                                             VFIO_IOMMU_MAP_DMA of fresh anonymous
 *                                             memory (or of vaddr as given)
 *   vfio unmap IOVA SIZE [argsz=N] [flags=N] | unmap all
 *                                             VFIO_IOMMU_UNMAP_DMA
 *   vfio group N status | set-container | unset-container | get-device-fd NAME
 *                                             (wherever a group N goes, a PCI function's
 *                                             name may stand: its iommu_group)
 *   vfio device NAME info | irq-info INDEX    VFIO_DEVICE_GET_INFO, _GET_IRQ_INFO
 *   vfio device NAME region-info INDEX [argsz=N]
 *                                             VFIO_DEVICE_GET_REGION_INFO and its capabilities
 *   vfio device NAME config-read OFFSET LEN   pread of the config region: the bytes in hex
 *   vfio device NAME config-write OFFSET [BYTE...]
 *                                             pwrite of up to 64 bytes (each hex: ff or 0x1f)
 *                                             at OFFSET of the config region, none for a
 *                                             pwrite of length 0
 *   vfio device NAME reset                    VFIO_DEVICE_RESET
 *   vfio device NAME set-irqs INDEX START COUNT none|bool|eventfd trigger|mask|unmask
 *                             [V...] [argsz=N] [flags=N]
 *                                             VFIO_DEVICE_SET_IRQS (vfio_format.h): V is a bool,
 *                                             or an fd ("new": a fresh eventfd, -1: none)
 *   vfio device NAME msi VECTOR               the model only (no ioctl: real Linux cannot
 *                                             make a device signal): the function sends
 *                                             vector's MSI/MSI-X message as programmed, a
 *                                             DMA write through its STE (hw/pci_msi_send.h)
 *   vfio mem read IOVA LEN | mem write IOVA LEN PATTERN
 *                                             the process's memory behind a mapping
 *   vfio rlimit memlock BYTES                 setrlimit(RLIMIT_MEMLOCK), CAP_IPC_LOCK dropped
 *   vfio attach DEVICE                        QEMU 7.2's -device vfio-pci,host=DEVICE up to
 *                                             its device fd, with QEMU's messages (vfio_attach.c)
 *
 * EXT is type1, type1v2, dma-cc, eeh, nesting, spapr, spapr-v2, noiommu,
 * unmap-all, update-vaddr, or a number. Each prints "ok ..." or the errno's
 * name and text ("EPERM (Operation not permitted)").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "iommusim/vfio.h"
#include "script/session.h"
#include "script/vfio_format.h"
#include "script/verbs.h"
#include "uapi/uapi.h"
#include "hw/gic.h"
#include "hw/pci_msi_send.h"
#include "pci/pci.h"

static int print_result(FILE *out, long ret)
{
	if (ret >= 0)
		return 0;
	vfio_print_errno(out, ret);
	return (int)ret;
}

static int parse_ext(const char *s, unsigned long *v)
{
	if (!vfio_ext_by_name(s, v))
		return 0;
	u64 n;
	if (verb_parse_u64(s, &n))
		return -EINVAL;
	*v = (unsigned long)n;
	return 0;
}

/* "key=N" among the trailing words: 1 found, 0 not there, -EINVAL bad number */
static int opt_u64(int argc, char **argv, int from, const char *key, u64 *v)
{
	size_t kl = strlen(key);
	for (int i = from; i < argc; i++)
		if (!strncmp(argv[i], key, kl) && argv[i][kl] == '=')
			return verb_parse_u64(argv[i] + kl + 1, v) ? -EINVAL : 1;
	return 0;
}

static int usage(FILE *out)
{
	fputs(VFIO_USAGE, out);
	return -EINVAL;
}

static int container_fd(struct iommusim *sim, FILE *out)
{
	int fd = uapi_find_container_fd(sim->k);
	if (fd < 0)
		fprintf(out, "vfio: no container open\n");
	return fd;
}

/* VFIO_IOMMU_GET_INFO: the reply, then each capability of the chain */
static int verb_info(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	u64 argsz = 4096;
	if (argc > 3 || opt_u64(argc, argv, 2, "argsz", &argsz) < 0 || argsz > 4096 ||
	    (argc == 3 && strncmp(argv[2], "argsz=", 6)))
		return usage(out);
	int fd = container_fd(sim, out);
	if (fd < 0)
		return fd;
	_Alignas(8) unsigned char buf[4096];
	memset(buf, 0, sizeof(buf));
	struct vfio_iommu_type1_info *info = (void *)buf;
	info->argsz = (u32)argsz;
	long ret = iommusim_ioctl(sim, fd, VFIO_IOMMU_GET_INFO, info);
	if (ret)
		return print_result(out, ret);
	vfio_print_iommu_info(out, buf, argsz);
	return 0;
}

static int verb_map(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	static const char *const keys[] = { "argsz", "flags", "vaddr", NULL };
	u64 iova, size, argsz = sizeof(struct vfio_iommu_type1_dma_map), flags = 0, vaddr = 0;
	if (argc < 4 || verb_parse_u64(argv[2], &iova) || verb_parse_u64(argv[3], &size) ||
	    !vfio_opts_known(argc, argv, 4, keys) || opt_u64(argc, argv, 4, "argsz", &argsz) < 0 ||
	    opt_u64(argc, argv, 4, "vaddr", &vaddr) < 0)
		return usage(out);
	/* r, w or rw (rw when none is given); flags=N sets the word as it is */
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
	int fd = container_fd(sim, out);
	if (fd < 0)
		return fd;
	bool given = opt_u64(argc, argv, 4, "vaddr", &vaddr) == 1;
	void *mem = NULL;
	if (!given) {
		/* a VMM's guest RAM: fresh anonymous memory (at least a page) */
		mem = iommusim_user_alloc(sim, size ? size : 1);
		if (!mem)
			return print_result(out, -ENOMEM);
		vaddr = (u64)(uintptr_t)mem;
	}
	struct vfio_iommu_type1_dma_map map = {
		.argsz = (u32)argsz, .flags = (u32)flags, .vaddr = vaddr, .iova = iova, .size = size,
	};
	long ret = iommusim_ioctl(sim, fd, VFIO_IOMMU_MAP_DMA, &map);
	if (ret && mem)
		iommusim_user_free(sim, mem);
	if (!ret)
		fprintf(out, "ok\n");
	return print_result(out, ret);
}

static int verb_unmap(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	static const char *const keys[] = { "argsz", "flags", NULL };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	u64 iova = 0, size = 0, argsz = unmap.argsz, flags = 0;
	if (argc == 3 && !strcmp(argv[2], "all")) {
		flags = VFIO_DMA_UNMAP_FLAG_ALL;
	} else if (argc < 4 || verb_parse_u64(argv[2], &iova) || verb_parse_u64(argv[3], &size) ||
		   !vfio_opts_known(argc, argv, 4, keys) || opt_u64(argc, argv, 4, "argsz", &argsz) < 0 ||
		   opt_u64(argc, argv, 4, "flags", &flags) < 0) {
		return usage(out);
	}
	int fd = container_fd(sim, out);
	if (fd < 0)
		return fd;
	unmap.argsz = (u32)argsz;
	unmap.flags = (u32)flags;
	unmap.iova = iova;
	unmap.size = size;
	long ret = iommusim_ioctl(sim, fd, VFIO_IOMMU_UNMAP_DMA, &unmap);
	if (!ret)
		fprintf(out, "ok size 0x%llx\n", (unsigned long long)unmap.size);
	return print_result(out, ret);
}

static int verb_group(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	u64 id;
	if (argc < 4 || verb_parse_u64(argv[2], &id) || id > 0x7fffffff)
		return usage(out);
	const char *op = argv[3];
	int fd = uapi_find_group_fd(sim->k, (int)id);
	if (fd < 0) {
		fprintf(out, "vfio: group %s is not open\n", argv[2]);
		return fd;
	}
	long ret;
	if (!strcmp(op, "status") && argc == 4) {
		struct vfio_group_status st = { .argsz = sizeof(st) };
		ret = iommusim_ioctl(sim, fd, VFIO_GROUP_GET_STATUS, &st);
		if (!ret)
			fprintf(out, "ok flags 0x%x%s%s\n", st.flags,
				st.flags & VFIO_GROUP_FLAGS_VIABLE ? " viable" : " not-viable",
				st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET ? " container-set" : "");
	} else if (!strcmp(op, "set-container") && argc == 4) {
		int cfd = container_fd(sim, out);
		if (cfd < 0)
			return cfd;
		ret = iommusim_ioctl(sim, fd, VFIO_GROUP_SET_CONTAINER, &cfd);
		if (!ret)
			fprintf(out, "ok\n");
	} else if (!strcmp(op, "unset-container") && argc == 4) {
		ret = iommusim_ioctl(sim, fd, VFIO_GROUP_UNSET_CONTAINER, NULL);
		if (!ret)
			fprintf(out, "ok\n");
	} else if (!strcmp(op, "get-device-fd") && argc == 5) {
		ret = iommusim_ioctl(sim, fd, VFIO_GROUP_GET_DEVICE_FD, argv[4]);
		if (ret >= 0)
			fprintf(out, "ok\n");
	} else {
		return usage(out);
	}
	return print_result(out, ret);
}

/* VFIO_DEVICE_GET_REGION_INFO with argsz bytes, and the capabilities that fit */
static long device_region_info(struct iommusim *sim, int fd, u32 index, u64 argsz, FILE *out)
{
	_Alignas(8) unsigned char buf[4096];
	memset(buf, 0, sizeof(buf));
	struct vfio_region_info *info = (void *)buf;
	info->argsz = (u32)argsz;
	info->index = index;
	long ret = iommusim_ioctl(sim, fd, VFIO_DEVICE_GET_REGION_INFO, info);
	if (ret)
		return ret;
	vfio_print_region_info(out, buf, argsz);
	return 0;
}

/* pread of the config region at offset: the bytes read, in hex */
static long device_config_read(struct iommusim *sim, int fd, u64 offset, u64 len, FILE *out)
{
	unsigned char buf[4096];
	ssize_t ret = iommusim_pread(sim, fd, buf, len, (off_t)vfio_config_offset(offset));
	if (ret < 0)
		return ret;
	vfio_print_bytes(out, buf, (long)ret);
	return 0;
}

/* pwrite of the bytes to the config region at offset: what pwrite returned */
static long device_config_write(struct iommusim *sim, int fd, u64 offset, const u8 *bytes, size_t len,
				FILE *out)
{
	ssize_t ret = iommusim_pwrite(sim, fd, bytes, len,
				      (off_t)vfio_config_offset(offset));
	if (ret >= 0)
		fprintf(out, "ok %ld bytes\n", (long)ret);
	return ret;
}

/* the function of an open vfio device sends one of its MSIs: what became of it */
static int device_msi(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	u64 vector;
	if (argc != 5 || verb_parse_u64(argv[4], &vector) || vector > 0xffff)
		return usage(out);
	struct pci_dev *pdev = pci_get_by_name(sim->k, argv[2]);
	if (uapi_find_device_fd(sim->k, argv[2]) < 0 || !pdev || !pdev->hw) {
		fprintf(out, "vfio: device %s is not open\n", argv[2]);
		return -ENODEV;
	}
	struct hw_system *hw = sim->k->hw;
	u64 before = hw_gic_stats(hw->gic)->msi_delivered, addr;
	u32 data;
	int ret = hw_pci_msi_send(hw, (struct hw_pci_fn *)pdev->hw, (unsigned)vector, &addr, &data);
	switch (ret) {
	case 0:
		fprintf(out, "ok message 0x%llx data 0x%x: %s\n", (unsigned long long)addr, data,
			hw_gic_stats(hw->gic)->msi_delivered > before ? "delivered" : "no route at the MSI controller");
		return 0;
	case 1:
		fprintf(out, "ok message 0x%llx data 0x%x: masked, nothing sent\n", (unsigned long long)addr, data);
		return 0;
	case -EFAULT:
		fprintf(out, "vfio: %s: the write of 0x%x to 0x%llx was aborted (SMMU fault or nothing there)\n",
			argv[2], data, (unsigned long long)addr);
		return ret;
	default:
		fprintf(out, "vfio: %s: no MSI or MSI-X vector %llu enabled\n", argv[2], (unsigned long long)vector);
		return ret;
	}
}

/* room for every vector a function can have (2048 MSI-X entries) */
#define SET_IRQS_BUF (sizeof(struct vfio_irq_set) + 4 * 2048)

static int device_set_irqs(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	struct vfio_set_irqs_req req;
	if (vfio_parse_set_irqs(argc, argv, &req))
		return usage(out);
	int fd = uapi_find_device_fd(sim->k, argv[2]);
	if (fd < 0) {
		fprintf(out, "vfio: device %s is not open\n", argv[2]);
		return fd;
	}
	int fds[VFIO_SET_IRQS_MAX_VALUES] = { 0 };
	for (int i = 0; i < req.nvalues; i++) {
		if (req.values[i] != VFIO_SET_IRQS_NEW_EVENTFD)
			continue;
		fds[i] = iommusim_eventfd(sim, 0);
		if (fds[i] < 0)
			return print_result(out, fds[i]);
	}
	unsigned char *buf = calloc(1, SET_IRQS_BUF);
	if (!buf)
		return -ENOMEM;
	vfio_fill_set_irqs(&req, fds, buf);
	long ret = iommusim_ioctl(sim, fd, VFIO_DEVICE_SET_IRQS, buf);
	free(buf);
	vfio_print_set_irqs(out, ret);
	return ret < 0 ? (int)ret : 0;
}

static int verb_device(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	u64 index = 0, argsz = sizeof(struct vfio_region_info) + 256, len = 0;
	u8 bytes[VFIO_CONFIG_WRITE_MAX];
	bool irq = argc == 5 && !strcmp(argv[3], "irq-info");
	bool region = (argc == 5 || argc == 6) && !strcmp(argv[3], "region-info");
	bool config = argc == 6 && !strcmp(argv[3], "config-read");
	bool write = argc >= 5 && !strcmp(argv[3], "config-write");
	bool info_verb = argc == 4 && !strcmp(argv[3], "info");
	bool reset = argc == 4 && !strcmp(argv[3], "reset");
	if (argc >= 4 && !strcmp(argv[3], "set-irqs"))
		return device_set_irqs(sim, argc, argv, out);
	if (argc >= 4 && !strcmp(argv[3], "msi"))
		return device_msi(sim, argc, argv, out);
	if (!info_verb && !irq && !region && !config && !write && !reset)
		return usage(out);
	if ((irq || region || config || write) && (verb_parse_u64(argv[4], &index) || index > 0xffffffffu))
		return usage(out);
	if (region && argc == 6 &&
	    (strncmp(argv[5], "argsz=", 6) || opt_u64(argc, argv, 5, "argsz", &argsz) < 0 || argsz > 4096))
		return usage(out);
	if (config && (verb_parse_u64(argv[5], &len) || len > 4096))
		return usage(out);
	if (write) {
		len = (u64)(argc - 5);
		if (len > VFIO_CONFIG_WRITE_MAX)
			return usage(out);
		for (int i = 5; i < argc; i++)
			if (vfio_parse_hex_byte(argv[i], &bytes[i - 5]))
				return usage(out);
	}
	int fd = uapi_find_device_fd(sim->k, argv[2]);
	if (fd < 0) {
		fprintf(out, "vfio: device %s is not open\n", argv[2]);
		return fd;
	}
	long ret;
	if (config) {
		ret = device_config_read(sim, fd, index, len, out);
	} else if (write) {
		ret = device_config_write(sim, fd, index, bytes, (size_t)len, out);
	} else if (reset) {
		ret = iommusim_ioctl(sim, fd, VFIO_DEVICE_RESET, NULL);
		if (!ret)
			fprintf(out, "ok\n");
	} else if (region) {
		ret = device_region_info(sim, fd, (u32)index, argsz, out);
	} else if (irq) {
		struct vfio_irq_info info = { .argsz = sizeof(info), .index = (u32)index };
		ret = iommusim_ioctl(sim, fd, VFIO_DEVICE_GET_IRQ_INFO, &info);
		if (!ret)
			fprintf(out, "ok flags 0x%x count %u\n", info.flags, info.count);
	} else {
		struct vfio_device_info info = { .argsz = sizeof(info) };
		ret = iommusim_ioctl(sim, fd, VFIO_DEVICE_GET_INFO, &info);
		if (!ret)
			fprintf(out, "ok flags 0x%x regions %u irqs %u\n", info.flags, info.num_regions,
				info.num_irqs);
	}
	return print_result(out, ret);
}

/* the process's own memory behind the mapping at IOVA */
static int verb_user_mem(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	u64 iova, len, vaddr;
	bool write = argc == 6 && !strcmp(argv[2], "write");
	if (!(argc == 5 && !strcmp(argv[2], "read")) && !write)
		return usage(out);
	if (verb_parse_u64(argv[3], &iova) || verb_parse_u64(argv[4], &len) || !len || len > (1u << 20))
		return usage(out);
	int fd = container_fd(sim, out);
	if (fd < 0)
		return fd;
	if (uapi_container_vaddr(sim->k, fd, iova, len, &vaddr)) {
		fprintf(out, "vfio: no mapping holds 0x%llx+0x%llx\n", (unsigned long long)iova,
			(unsigned long long)len);
		return -ENOENT;
	}
	u8 *p = (u8 *)(uintptr_t)vaddr;
	if (write) {
		verb_fill_pattern(p, len, argv[5]);
		fprintf(out, "ok\n");
	} else {
		hexdump(out, iova, p, len);
	}
	return 0;
}

/* a group named by a PCI function: its number, as its iommu_group link says (vfio_format.h) */
static int group_of_function(struct iommusim *sim, const char *dev, char *buf, size_t len)
{
	char path[128], *link = NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", dev);
	long r = iommusim_sysfs_readlink(sim, path, &link);
	int ret = r < 0 || vfio_group_from_link(link, buf, len) ? -ENODEV : 0;
	free(link);
	return ret;
}

static int run(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	const char *op = argc > 1 ? argv[1] : "";
	long ret;
	unsigned long ext;
	char group[16];
	int gi = vfio_group_arg_index(argc, argv);
	if (gi >= 0 && vfio_group_arg_is_device(argv[gi])) {
		if (group_of_function(sim, argv[gi], group, sizeof(group))) {
			vfio_print_no_group(out, argv[gi]);
			return -ENODEV;
		}
		argv[gi] = group;
	}
	if (!strcmp(op, "open") && argc >= 3) {
		u64 id;
		if (!strcmp(argv[2], "container") && argc == 3) {
			ret = iommusim_open(sim, "/dev/vfio/vfio", 2);
		} else if (!strcmp(argv[2], "group") && argc == 4 && !verb_parse_u64(argv[3], &id)) {
			char path[48];
			snprintf(path, sizeof(path), "/dev/vfio/%s", argv[3]);
			ret = iommusim_open(sim, path, 2);
		} else {
			return usage(out);
		}
		if (ret >= 0)
			fprintf(out, "ok\n");
		return print_result(out, ret);
	}
	if (!strcmp(op, "close") && argc >= 3) {
		u64 id;
		int fd;
		if (!strcmp(argv[2], "container") && argc == 3)
			fd = uapi_find_container_fd(sim->k);
		else if (!strcmp(argv[2], "group") && argc == 4 && !verb_parse_u64(argv[3], &id) && id < 0x7fffffff)
			fd = uapi_find_group_fd(sim->k, (int)id);
		else if (!strcmp(argv[2], "device") && argc == 4)
			fd = uapi_find_device_fd(sim->k, argv[3]);
		else
			return usage(out);
		ret = iommusim_close(sim, fd);
		if (!ret)
			fprintf(out, "ok\n");
		return print_result(out, ret);
	}
	if (!strcmp(op, "api-version") && argc == 2) {
		int fd = container_fd(sim, out);
		if (fd < 0)
			return fd;
		ret = iommusim_ioctl(sim, fd, VFIO_GET_API_VERSION, NULL);
		if (ret >= 0)
			fprintf(out, "ok %ld\n", ret);
		return print_result(out, ret);
	}
	if ((!strcmp(op, "check-extension") || !strcmp(op, "set-iommu")) && argc == 3) {
		if (parse_ext(argv[2], &ext))
			return usage(out);
		int fd = container_fd(sim, out);
		if (fd < 0)
			return fd;
		bool check = op[0] == 'c';
		ret = iommusim_ioctl(sim, fd, check ? VFIO_CHECK_EXTENSION : VFIO_SET_IOMMU, (void *)ext);
		if (ret >= 0 && check)
			fprintf(out, "ok %ld\n", ret);
		else if (ret >= 0)
			fprintf(out, "ok\n");
		return print_result(out, ret);
	}
	if (!strcmp(op, "info"))
		return verb_info(sim, argc, argv, out);
	if (!strcmp(op, "map"))
		return verb_map(sim, argc, argv, out);
	if (!strcmp(op, "unmap"))
		return verb_unmap(sim, argc, argv, out);
	if (!strcmp(op, "group"))
		return verb_group(sim, argc, argv, out);
	if (!strcmp(op, "device"))
		return verb_device(sim, argc, argv, out);
	if (!strcmp(op, "mem"))
		return verb_user_mem(sim, argc, argv, out);
	if (!strcmp(op, "attach") && argc == 3)
		return vfio_attach(sim, argv[2], out);
	if (!strcmp(op, "rlimit") && argc == 4 && !strcmp(argv[2], "memlock")) {
		u64 bytes;
		if (verb_parse_u64(argv[3], &bytes))
			return usage(out);
		iommusim_user_set_memlock(sim, bytes, false);
		fprintf(out, "ok\n");
		return 0;
	}
	return usage(out);
}

int verb_vfio(struct iommusim *sim, int argc, char **argv, FILE *out)
{
	return run(sim, argc, argv, out);
}
