/*
 * What the vfio verb prints, shared by the model's verb (vfio_verbs.c) and
 * the oracle guest's probe (oracle/probe/vfio.c, which includes this file
 * by its path and is built for arm64 with libc alone): the two sides issue
 * the same calls, one on the model, one on real Linux, and must print the
 * same lines. Only libc and <linux/vfio.h> here; each side makes its calls
 * and hands the replies to these functions.
 */
#ifndef IOMMUSIM_SCRIPT_VFIO_FORMAT_H
#define IOMMUSIM_SCRIPT_VFIO_FORMAT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>

#define VFIO_USAGE                                                                                 \
	"vfio: usage: vfio open container|group N | close container|group N|device NAME | "         \
	"api-version | check-extension EXT | set-iommu EXT | info [argsz=N] | "                     \
	"map IOVA SIZE [r|w|rw] [argsz=N] [flags=N] [vaddr=N] | "                                   \
	"unmap IOVA SIZE [argsz=N] [flags=N] | unmap all | "                                        \
	"group N status|set-container|unset-container|get-device-fd NAME | "                        \
	"device NAME info|irq-info INDEX|region-info INDEX [argsz=N]|config-read OFFSET LEN|"       \
	"config-write OFFSET [BYTE...]|reset|"                                                       \
	"set-irqs INDEX START COUNT none|bool|eventfd trigger|mask|unmask [V...] [argsz=N] [flags=N] | " \
	"mem read IOVA LEN | mem write IOVA LEN PATTERN | "  \
	"rlimit memlock BYTES | attach DEVICE\n"

/*
 * Where a group number goes (open group N, close group N, group N ...), a
 * PCI function's name may stand instead ("vfio open group 0000:01:00.0"):
 * its group, read from /sys/bus/pci/devices/NAME/iommu_group, so one script
 * names the same group on kernels that number groups differently. The
 * argument's index in argv, or -1 when the line takes no group.
 */
static inline int vfio_group_arg_index(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "group"))
		return 2;
	if (argc >= 4 && (!strcmp(argv[1], "open") || !strcmp(argv[1], "close")) && !strcmp(argv[2], "group"))
		return 3;
	return -1;
}

/* A group argument that names a PCI function rather than a number. */
static inline int vfio_group_arg_is_device(const char *arg)
{
	return strchr(arg, ':') != NULL;
}

/* The iommu_group link's target ("../../../kernel/iommu_groups/N") to "N" in buf; 0, or -1. */
static inline int vfio_group_from_link(const char *link, char *buf, size_t len)
{
	const char *base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (!*base || strspn(base, "0123456789") != strlen(base) || strlen(base) >= len)
		return -1;
	strcpy(buf, base);
	return 0;
}

/* what both sides print when the function has no group (or is not there) */
static inline void vfio_print_no_group(FILE *out, const char *dev)
{
	fprintf(out, "vfio: %s has no iommu group\n", dev);
}

/* the most bytes one config-write carries */
#define VFIO_CONFIG_WRITE_MAX 64

/*
 * 6.1's name for extension 6; 7.3's <linux/vfio.h> keeps the number as
 * __VFIO_RESERVED_TYPE1_NESTING_IOMMU (the iommufd probe builds against it)
 */
#ifndef VFIO_TYPE1_NESTING_IOMMU
#define VFIO_TYPE1_NESTING_IOMMU 6
#endif

/* an extension's name (check-extension, set-iommu): 0 and its value, or -1 */
static inline int vfio_ext_by_name(const char *s, unsigned long *v)
{
	static const struct {
		const char *name;
		unsigned long value;
	} extensions[] = {
		{ "type1", VFIO_TYPE1_IOMMU },		{ "spapr", VFIO_SPAPR_TCE_IOMMU },
		{ "type1v2", VFIO_TYPE1v2_IOMMU },	{ "dma-cc", VFIO_DMA_CC_IOMMU },
		{ "eeh", VFIO_EEH },			{ "nesting", VFIO_TYPE1_NESTING_IOMMU },
		{ "spapr-v2", VFIO_SPAPR_TCE_v2_IOMMU }, { "noiommu", VFIO_NOIOMMU_IOMMU },
		{ "unmap-all", VFIO_UNMAP_ALL },	{ "update-vaddr", VFIO_UPDATE_VADDR },
	};
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (!strcmp(s, extensions[i].name)) {
			*v = extensions[i].value;
			return 0;
		}
	return -1;
}

/* a failed call: the errno's name and text ("EPERM (Operation not permitted)") */
static inline void vfio_print_errno(FILE *out, long ret)
{
	const char *name = strerrorname_np((int)-ret);
	fprintf(out, "%s (%s)\n", name ? name : "E?", strerror((int)-ret));
}

/* the words from..argc-1 are each r, w, rw or key=N with one of keys */
static inline int vfio_opts_known(int argc, char **argv, int from, const char *const *keys)
{
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "r") || !strcmp(argv[i], "w") || !strcmp(argv[i], "rw"))
			continue;
		int ok = 0;
		for (const char *const *k = keys; *k; k++) {
			size_t kl = strlen(*k);
			ok |= !strncmp(argv[i], *k, kl) && argv[i][kl] == '=';
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* one byte of config-write: one or two hex digits, 0x in front or not; 0 or -1 */
static inline int vfio_parse_hex_byte(const char *s, unsigned char *byte)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	size_t n = strlen(s);
	if (n < 1 || n > 2 || strspn(s, "0123456789abcdefABCDEF") != n)
		return -1;
	*byte = (unsigned char)strtoul(s, NULL, 16);
	return 0;
}

static inline const char *vfio_info_cap_name(unsigned id)
{
	switch (id) {
	case VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE:
		return "iova-ranges";
	case VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION:
		return "migration";
	case VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL:
		return "dma-avail";
	default:
		return "unknown";
	}
}

/* VFIO_IOMMU_GET_INFO's reply in buf (argsz bytes): the info, then each capability of the chain */
static inline void vfio_print_iommu_info(FILE *out, const unsigned char *buf, unsigned long long argsz)
{
	const struct vfio_iommu_type1_info *info = (const void *)buf;
	fprintf(out, "ok flags 0x%x pgsizes 0x%llx argsz %u cap_offset %u\n", info->flags,
		(unsigned long long)info->iova_pgsizes, info->argsz, info->cap_offset);
	/* 6.1 packs the capabilities: each is copied out, it may sit unaligned */
	for (unsigned off = info->cap_offset; off && off + sizeof(struct vfio_info_cap_header) <= argsz;) {
		struct vfio_info_cap_header h;
		memcpy(&h, buf + off, sizeof(h));
		fprintf(out, "cap %s version %u", vfio_info_cap_name(h.id), h.version);
		if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION &&
		    off + sizeof(struct vfio_iommu_type1_info_cap_migration) <= argsz) {
			struct vfio_iommu_type1_info_cap_migration m;
			memcpy(&m, buf + off, sizeof(m));
			fprintf(out, " flags 0x%x pgsize_bitmap 0x%llx max_dirty_bitmap_size 0x%llx", m.flags,
				(unsigned long long)m.pgsize_bitmap, (unsigned long long)m.max_dirty_bitmap_size);
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
			   off + sizeof(struct vfio_iommu_type1_info_dma_avail) <= argsz) {
			struct vfio_iommu_type1_info_dma_avail a;
			memcpy(&a, buf + off, sizeof(a));
			fprintf(out, " avail %u", a.avail);
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE &&
			   off + sizeof(struct vfio_iommu_type1_info_cap_iova_range) <= argsz) {
			struct vfio_iommu_type1_info_cap_iova_range r;
			memcpy(&r, buf + off, sizeof(r));
			for (unsigned i = 0;
			     i < r.nr_iovas && off + sizeof(r) + (i + 1) * sizeof(struct vfio_iova_range) <= argsz; i++) {
				struct vfio_iova_range range;
				memcpy(&range, buf + off + sizeof(r) + i * sizeof(range), sizeof(range));
				fprintf(out, " 0x%llx-0x%llx", (unsigned long long)range.start,
					(unsigned long long)range.end);
			}
		}
		fputc('\n', out);
		if (h.next <= off)
			break;
		off = h.next;
	}
}

/* a region's capability: VFIO_REGION_INFO_CAP_* */
static inline const char *vfio_region_cap_name(unsigned id)
{
	switch (id) {
	case VFIO_REGION_INFO_CAP_SPARSE_MMAP:
		return "sparse-mmap";
	case VFIO_REGION_INFO_CAP_TYPE:
		return "type";
	case VFIO_REGION_INFO_CAP_MSIX_MAPPABLE:
		return "msix-mappable";
	default:
		return NULL;
	}
}

/* VFIO_DEVICE_GET_REGION_INFO's reply in buf (argsz bytes), and the capabilities that fit */
static inline void vfio_print_region_info(FILE *out, const unsigned char *buf, unsigned long long argsz)
{
	const struct vfio_region_info *info = (const void *)buf;
	fprintf(out, "ok flags 0x%x offset 0x%llx size 0x%llx argsz %u cap_offset %u\n", info->flags,
		(unsigned long long)info->offset, (unsigned long long)info->size, info->argsz, info->cap_offset);
	for (unsigned off = info->cap_offset; off && off + sizeof(struct vfio_info_cap_header) <= argsz;) {
		struct vfio_info_cap_header h;
		memcpy(&h, buf + off, sizeof(h));
		const char *name = vfio_region_cap_name(h.id);
		if (name)
			fprintf(out, "cap %s version %u\n", name, h.version);
		else
			fprintf(out, "cap %u version %u\n", h.id, h.version);
		if (h.next <= off)
			break;
		off = h.next;
	}
}

/* config-read's answer: the count and the bytes in hex */
static inline void vfio_print_bytes(FILE *out, const unsigned char *buf, long n)
{
	fprintf(out, "ok %ld bytes", n);
	for (long i = 0; i < n; i++)
		fprintf(out, " %02x", buf[i]);
	fputc('\n', out);
}

/* the config region's offset in the device file */
static inline long long vfio_config_offset(unsigned long long offset)
{
	return (long long)(((unsigned long long)VFIO_PCI_CONFIG_REGION_INDEX << 40) + offset);
}

/*
 * vfio device NAME set-irqs INDEX START COUNT DATA ACTION [V...] [argsz=N] [flags=N]:
 * VFIO_DEVICE_SET_IRQS with DATA none|bool|eventfd and ACTION
 * trigger|mask|unmask; the values follow the header (a bool each: 0 or 1;
 * an fd each: "new" for a fresh eventfd of the process, or a number as it
 * is, -1 to disable); argsz defaults to the header and the values given;
 * flags=N replaces the DATA|ACTION flags. The reply: "ok", or "ok N" for a
 * positive return (fewer vectors than asked), or the errno.
 */
#define VFIO_SET_IRQS_MAX_VALUES 16
#define VFIO_SET_IRQS_NEW_EVENTFD (-0x7fffffff - 1)

struct vfio_set_irqs_req {
	unsigned index, start, count, flags;
	unsigned long long argsz;
	int nvalues;
	int values[VFIO_SET_IRQS_MAX_VALUES];	/* VFIO_SET_IRQS_NEW_EVENTFD: a new eventfd */
	int value_size;				/* bytes per value: 0, 1 or 4 */
};

static inline int vfio_parse_u32_arg(const char *s, unsigned *v)
{
	char *end;
	unsigned long long n = strtoull(s, &end, 0);
	if (!*s || *end || s[0] == '-' || n > 0xffffffffull)
		return -1;
	*v = (unsigned)n;
	return 0;
}

/* argv[4..]: 0 and *req, -1 for a line that does not parse */
static inline int vfio_parse_set_irqs(int argc, char **argv, struct vfio_set_irqs_req *req)
{
	memset(req, 0, sizeof(*req));
	if (argc < 9 || vfio_parse_u32_arg(argv[4], &req->index) || vfio_parse_u32_arg(argv[5], &req->start) ||
	    vfio_parse_u32_arg(argv[6], &req->count))
		return -1;
	if (!strcmp(argv[7], "none")) {
		req->flags = VFIO_IRQ_SET_DATA_NONE;
	} else if (!strcmp(argv[7], "bool")) {
		req->flags = VFIO_IRQ_SET_DATA_BOOL;
		req->value_size = 1;
	} else if (!strcmp(argv[7], "eventfd")) {
		req->flags = VFIO_IRQ_SET_DATA_EVENTFD;
		req->value_size = 4;
	} else {
		return -1;
	}
	if (!strcmp(argv[8], "trigger"))
		req->flags |= VFIO_IRQ_SET_ACTION_TRIGGER;
	else if (!strcmp(argv[8], "mask"))
		req->flags |= VFIO_IRQ_SET_ACTION_MASK;
	else if (!strcmp(argv[8], "unmask"))
		req->flags |= VFIO_IRQ_SET_ACTION_UNMASK;
	else
		return -1;
	int i = 9, have_argsz = 0;
	for (; i < argc && !strchr(argv[i], '='); i++) {
		if (req->nvalues == VFIO_SET_IRQS_MAX_VALUES || !req->value_size)
			return -1;
		char *end;
		long v;
		if (req->value_size == 4 && !strcmp(argv[i], "new")) {
			req->values[req->nvalues++] = VFIO_SET_IRQS_NEW_EVENTFD;
			continue;
		}
		v = strtol(argv[i], &end, 0);
		if (!*argv[i] || *end || v < -0x7fffffffL || v > 0x7fffffffL ||
		    (req->value_size == 1 && (v < 0 || v > 255)))
			return -1;
		req->values[req->nvalues++] = (int)v;
	}
	for (; i < argc; i++) {
		unsigned v;
		if (!strncmp(argv[i], "argsz=", 6) && !vfio_parse_u32_arg(argv[i] + 6, &v)) {
			req->argsz = v;
			have_argsz = 1;
		} else if (!strncmp(argv[i], "flags=", 6) && !vfio_parse_u32_arg(argv[i] + 6, &v)) {
			req->flags = v;
		} else {
			return -1;
		}
	}
	if (!have_argsz)
		req->argsz = sizeof(struct vfio_irq_set) + (unsigned long long)req->nvalues * req->value_size;
	return 0;
}

/*
 * The ioctl's argument in buf (at least sizeof(struct vfio_irq_set) + 64
 * bytes), the new eventfds already made by the caller into fds[i].
 */
static inline void vfio_fill_set_irqs(const struct vfio_set_irqs_req *req, const int *fds, unsigned char *buf)
{
	struct vfio_irq_set hdr = { .argsz = (unsigned)req->argsz, .flags = req->flags, .index = req->index,
				    .start = req->start, .count = req->count };
	memcpy(buf, &hdr, sizeof(hdr));
	for (int i = 0; i < req->nvalues; i++) {
		if (req->value_size == 1) {
			buf[sizeof(hdr) + i] = (unsigned char)req->values[i];
		} else {
			int v = req->values[i] == VFIO_SET_IRQS_NEW_EVENTFD ? fds[i] : req->values[i];
			memcpy(buf + sizeof(hdr) + 4 * i, &v, 4);
		}
	}
}

static inline void vfio_print_set_irqs(FILE *out, long ret)
{
	if (ret > 0)
		fprintf(out, "ok %ld\n", ret);
	else if (!ret)
		fprintf(out, "ok\n");
	else
		vfio_print_errno(out, ret);
}

#endif
