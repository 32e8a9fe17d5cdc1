/*
 * The iommufd verb's lines for devices and what they build: the vfio cdev
 * (open, bind, attach, detach, hw-info, close; its interrupts in
 * iommufd_exec_irqs.h), HWPTs (paging, nest parent,
 * nested from a vSTE, dirty tracking), vIOMMUs and vDEVICEs.
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_DEVICE_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_DEVICE_H

#include "iommufd_exec_base.h"
#include "iommufd_exec_irqs.h"

/* --- devices --- */

/* the cdev of PCI function name: /dev/vfio/devices/vfioN, N as its vfio-dev folder says */
static inline int ifd_device_open(const struct iommufd_exec *x, const char *name, int argc)
{
	char dir[96], entry[32], path[96];
	if (argc != 4 || strlen(name) >= sizeof(x->state->devices[0].name) || strchr(name, '/'))
		return ifd_usage(x);
	if (ifd_device_index(x, name) >= 0) {
		fprintf(x->out, "iommufd: device %s is open already\n", name);
		return -EBUSY;
	}
	if (x->state->ndevices == IOMMUFD_EXEC_MAX_DEVICES) {
		fprintf(x->out, "iommufd: too many devices open\n");
		return -EMFILE;
	}
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", name);
	if (x->ops->first_entry(x->host, dir, entry, sizeof(entry)) || strncmp(entry, "vfio", 4)) {
		fprintf(x->out, "iommufd: %s has no vfio device cdev\n", name);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", entry);
	int fd = x->ops->open(x->host, path);
	if (fd < 0)
		return ifd_result(x, fd);
	int i = x->state->ndevices++;
	snprintf(x->state->devices[i].name, sizeof(x->state->devices[i].name), "%s", name);
	x->state->devices[i].fd = fd;
	x->state->devices[i].dev_id = 0;
	fprintf(x->out, "ok\n");
	return 0;
}

static inline int ifd_device_close(const struct iommufd_exec *x, int i)
{
	struct iommufd_exec_state *s = x->state;
	int fd = s->devices[i].fd;
	s->devices[i] = s->devices[--s->ndevices];
	long ret = x->ops->close(x->host, fd);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

static inline int ifd_device_bind(const struct iommufd_exec *x, int argc, char **argv)
{
	struct vfio_device_bind_iommufd cmd = { .argsz = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (ifd_parse_opts(argc, argv, 4, &o))
		return ifd_usage(x);
	int i = ifd_open_device(x, argv[2]);
	if (i < 0)
		return -EBADF;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	cmd.iommufd = fd;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, x->state->devices[i].fd, VFIO_DEVICE_BIND_IOMMUFD, &cmd, sizeof(cmd), &o);
	if (!ret) {
		x->state->devices[i].dev_id = cmd.out_devid;
		fprintf(x->out, "ok dev %u\n", cmd.out_devid);
	}
	return ifd_result(x, ret);
}

static inline int ifd_device_attach(const struct iommufd_exec *x, int argc, char **argv)
{
	struct vfio_device_attach_iommufd_pt cmd = { .argsz = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (argc < 5 || ifd_parse_u32(argv[4], &cmd.pt_id) || ifd_parse_opts(argc, argv, 5, &o))
		return ifd_usage(x);
	int i = ifd_open_device(x, argv[2]);
	if (i < 0)
		return -EBADF;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, x->state->devices[i].fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok pt %u\n", cmd.pt_id);
	return ifd_result(x, ret);
}

static inline int ifd_device_detach(const struct iommufd_exec *x, int argc, char **argv)
{
	struct vfio_device_detach_iommufd_pt cmd = { .argsz = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (ifd_parse_opts(argc, argv, 4, &o))
		return ifd_usage(x);
	int i = ifd_open_device(x, argv[2]);
	if (i < 0)
		return -EBADF;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, x->state->devices[i].fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

/* a device's id from bind; 0 (an id the kernel refuses) before bind */
static inline uint32_t ifd_dev_id(const struct iommufd_exec *x, int i)
{
	return x->state->devices[i].dev_id;
}

static inline int ifd_device_hw_info(const struct iommufd_exec *x, int argc, char **argv)
{
	static const char *const keys[] = { "len", NULL };
	struct iommu_hw_info cmd = { .size = sizeof(cmd) };
	struct iommu_hw_info_arm_smmuv3 data;
	struct ifd_opts o = { .keys = keys };
	if (ifd_parse_opts(argc, argv, 4, &o) || (o.key_set[0] && o.key_val[0] > sizeof(data)))
		return ifd_usage(x);
	int i = ifd_open_device(x, argv[2]);
	if (i < 0)
		return -EBADF;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	memset(&data, 0, sizeof(data));
	cmd.dev_id = ifd_dev_id(x, i);
	uint32_t asked = o.key_set[0] ? (uint32_t)o.key_val[0] : (uint32_t)sizeof(data);
	cmd.data_len = asked;
	cmd.data_uptr = (uintptr_t)&data;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_GET_HW_INFO, &cmd, sizeof(cmd), &o);
	if (ret)
		return ifd_result(x, ret);
	if (cmd.out_data_type == IOMMU_HW_INFO_TYPE_ARM_SMMUV3)
		fprintf(x->out, "ok type arm-smmuv3");
	else
		fprintf(x->out, "ok type %u", cmd.out_data_type);
	fprintf(x->out, " len %u max-pasid-log2 %u capabilities 0x%llx\n", cmd.data_len, cmd.out_max_pasid_log2,
		(unsigned long long)cmd.out_capabilities);
	/* the SMMU's registers, as far as the length asked for let the kernel copy them */
	if (cmd.out_data_type == IOMMU_HW_INFO_TYPE_ARM_SMMUV3 && asked) {
		fprintf(x->out, "flags 0x%x idr", data.flags);
		for (int r = 0; r < 6; r++)
			fprintf(x->out, " 0x%08x", data.idr[r]);
		fprintf(x->out, " iidr 0x%08x aidr 0x%08x\n", data.iidr, data.aidr);
	}
	return 0;
}

/* iommufd device NAME open|close|bind|attach ID|detach|hw-info */
static inline int ifd_device(const struct iommufd_exec *x, int argc, char **argv)
{
	if (argc < 4)
		return ifd_usage(x);
	const char *name = argv[2], *op = argv[3];
	if (!strcmp(op, "open"))
		return ifd_device_open(x, name, argc);
	if (!strcmp(op, "close")) {
		if (argc != 4)
			return ifd_usage(x);
		int i = ifd_open_device(x, name);
		return i < 0 ? -EBADF : ifd_device_close(x, i);
	}
	if (!strcmp(op, "bind"))
		return ifd_device_bind(x, argc, argv);
	if (!strcmp(op, "attach"))
		return ifd_device_attach(x, argc, argv);
	if (!strcmp(op, "detach"))
		return ifd_device_detach(x, argc, argv);
	if (!strcmp(op, "hw-info"))
		return ifd_device_hw_info(x, argc, argv);
	if (!strcmp(op, "irq-info"))
		return ifd_device_irq_info(x, argc, argv);
	if (!strcmp(op, "set-irqs"))
		return ifd_device_set_irqs(x, argc, argv);
	return ifd_usage(x);
}

/* W0,W1 (ste=): 0, or -1 */
static inline int ifd_parse_pair(const char *s, char sep, uint64_t w[2])
{
	char buf[64];
	const char *c = strchr(s, sep);
	if (!c || (size_t)(c - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(c - s));
	buf[c - s] = '\0';
	return ifd_parse_u64(buf, &w[0]) || ifd_parse_u64(c + 1, &w[1]) ? -1 : 0;
}

/* iommufd hwpt alloc DEVICE PT-ID [nest-parent] [ste=W0,W1] */

/* iommufd hwpt ID dirty-tracking [on] | hwpt ID dirty-bitmap IOVA SIZE PAGE [no-clear] */
static inline int ifd_hwpt_dirty(const struct iommufd_exec *x, int argc, char **argv)
{
	uint32_t id;
	if (ifd_parse_u32(argv[2], &id))
		return ifd_usage(x);
	if (!strcmp(argv[3], "dirty-tracking")) {
		static const char *const words[] = { "on", NULL };
		struct iommu_hwpt_set_dirty_tracking cmd = { .size = sizeof(cmd), .hwpt_id = id };
		struct ifd_opts o = { .words = words };
		if (ifd_parse_opts(argc, argv, 4, &o))
			return ifd_usage(x);
		int fd = ifd_iommufd(x);
		if (fd < 0)
			return -EBADF;
		cmd.flags = o.word_set[0] ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0;
		if (o.has_flags)
			cmd.flags = o.flags;
		long ret = ifd_ioctl(x, fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd, sizeof(cmd), &o);
		if (!ret)
			fprintf(x->out, "ok\n");
		return ifd_result(x, ret);
	}
	static const char *const words[] = { "no-clear", NULL };
	struct iommu_hwpt_get_dirty_bitmap cmd = { .size = sizeof(cmd), .hwpt_id = id };
	struct ifd_opts o = { .words = words };
	_Alignas(8) unsigned char bitmap[512];
	uint64_t iova, length, page_size;
	if (strcmp(argv[3], "dirty-bitmap") || argc < 7 || ifd_parse_u64(argv[4], &iova) ||
	    ifd_parse_u64(argv[5], &length) || ifd_parse_u64(argv[6], &page_size) ||
	    ifd_parse_opts(argc, argv, 7, &o))
		return ifd_usage(x);
	cmd.iova = iova;
	cmd.length = length;
	cmd.page_size = page_size;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	memset(bitmap, 0, sizeof(bitmap));
	cmd.flags = o.word_set[0] ? IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0;
	if (o.has_flags)
		cmd.flags = o.flags;
	cmd.data = (uintptr_t)bitmap;
	long ret = ifd_ioctl(x, fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

static inline int ifd_hwpt(const struct iommufd_exec *x, int argc, char **argv)
{
	static const char *const words[] = { "nest-parent", NULL };
	static const char *const keys[] = { "fault", NULL };
	struct iommu_hwpt_alloc cmd = { .size = sizeof(cmd) };
	struct iommu_hwpt_arm_smmuv3 ste;
	struct ifd_opts o = { .words = words, .keys = keys };
	if (argc >= 4 && strcmp(argv[2], "alloc") && !strncmp(argv[3], "dirty-", 6))
		return ifd_hwpt_dirty(x, argc, argv);
	uint64_t w[2] = { 0, 0 };
	int has_ste = 0, i;
	if (argc < 5 || strcmp(argv[2], "alloc") || ifd_parse_u32(argv[4], &cmd.pt_id))
		return ifd_usage(x);
	/* ste= is the nested HWPT's vSTE: take it out before the common options */
	char *rest[64];
	int nrest = 0;
	for (i = 5; i < argc && nrest < 64; i++) {
		if (!strncmp(argv[i], "ste=", 4)) {
			if (has_ste || ifd_parse_pair(argv[i] + 4, ',', w))
				return ifd_usage(x);
			has_ste = 1;
		} else {
			rest[nrest++] = argv[i];
		}
	}
	if (i < argc || ifd_parse_opts(nrest, rest, 0, &o) || (o.key_set[0] && o.key_val[0] > 0xffffffffu))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	int d = ifd_open_device(x, argv[3]);
	if (d < 0)
		return -EBADF;
	cmd.dev_id = ifd_dev_id(x, d);
	cmd.flags = o.word_set[0] ? IOMMU_HWPT_ALLOC_NEST_PARENT : 0;
	if (o.key_set[0]) {
		cmd.flags |= IOMMU_HWPT_FAULT_ID_VALID;
		cmd.fault_id = (uint32_t)o.key_val[0];
	}
	if (o.has_flags)
		cmd.flags = o.flags;
	if (has_ste) {
		memset(&ste, 0, sizeof(ste));
		ste.ste[0] = w[0]; /* __le64: the model and the probe run little-endian */
		ste.ste[1] = w[1];
		cmd.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
		cmd.data_len = sizeof(ste);
		cmd.data_uptr = (uintptr_t)&ste;
	}
	long ret = ifd_ioctl(x, fd, IOMMU_HWPT_ALLOC, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok hwpt %u\n", cmd.out_hwpt_id);
	return ifd_result(x, ret);
}

/* iommufd viommu alloc DEVICE HWPT-ID [type=arm-smmuv3|N] */
static inline int ifd_viommu(const struct iommufd_exec *x, int argc, char **argv)
{
	static const char *const keys[] = { "type", NULL };
	struct iommu_viommu_alloc cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { .keys = keys };
	if (argc < 5 || strcmp(argv[2], "alloc") || ifd_parse_u32(argv[4], &cmd.hwpt_id) ||
	    ifd_parse_opts(argc, argv, 5, &o) || (o.key_set[0] && o.key_val[0] > 0xffffffffu))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	int d = ifd_open_device(x, argv[3]);
	if (d < 0)
		return -EBADF;
	cmd.dev_id = ifd_dev_id(x, d);
	cmd.type = o.key_set[0] ? (uint32_t)o.key_val[0] : IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_VIOMMU_ALLOC, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok viommu %u\n", cmd.out_viommu_id);
	return ifd_result(x, ret);
}

/* iommufd vdevice alloc VIOMMU-ID DEVICE VSID */
static inline int ifd_vdevice(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_vdevice_alloc cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	uint64_t vsid;
	if (argc < 6 || strcmp(argv[2], "alloc") || ifd_parse_u32(argv[3], &cmd.viommu_id) ||
	    ifd_parse_u64(argv[5], &vsid) || ifd_parse_opts(argc, argv, 6, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	int d = ifd_open_device(x, argv[4]);
	if (d < 0)
		return -EBADF;
	cmd.dev_id = ifd_dev_id(x, d);
	cmd.virt_id = vsid;
	long ret = ifd_ioctl(x, fd, IOMMU_VDEVICE_ALLOC, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok vdevice %u\n", cmd.out_vdevice_id);
	return ifd_result(x, ret);
}

#endif
