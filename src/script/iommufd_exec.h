/*
 * The iommufd verb, whole: its words, the structs it fills, the lines it
 * prints. Two programs include this file and differ only in the kernel they
 * call: the model's verb (src/script/iommufd_verbs.c, through the public
 * file calls of include/iommusim/vfio.h) and the oracle guest's probe
 * (oracle/probe/iommufd.c, on real Linux 7.3). Each hands in a table of
 * operations (open, close, ioctl, the first entry of a sysfs directory,
 * user memory) and keeps a struct iommufd_exec_state between lines, so one
 * script line issues the same ioctls with the same bytes on both kernels.
 *
 * libc and the uAPI only: the includer provides <linux/iommufd.h> and
 * <linux/vfio.h> of 7.3 (the probe) or the model's copies of their layouts
 * (src/uapi/iommufd_abi.h, src/uapi/vfio_cdev_abi.h), under the real names.
 *
 *   iommufd open | close                      /dev/iommu
 *   iommufd destroy ID                        IOMMU_DESTROY
 *   iommufd ioas alloc                        IOMMU_IOAS_ALLOC            -> ok ioas N
 *   iommufd ioas ID iova-ranges [num=N]       IOMMU_IOAS_IOVA_RANGES      -> ok alignment A ranges S-L ...
 *   iommufd ioas ID allow-iovas [START-LAST...]
 *                                             IOMMU_IOAS_ALLOW_IOVAS
 *   iommufd ioas ID map IOVA|auto SIZE [r|w|rw]
 *                                             IOMMU_IOAS_MAP of fresh user memory -> ok iova X
 *   iommufd ioas ID copy DST-ID SRC-IOVA SIZE IOVA|auto [r|w|rw]
 *                                             IOMMU_IOAS_COPY             -> ok iova X
 *   iommufd ioas ID unmap IOVA SIZE | unmap all
 *                                             IOMMU_IOAS_UNMAP            -> ok unmapped N
 *   iommufd option rlimit-mode|huge-pages|N [ioas ID] get | set V
 *                                             IOMMU_OPTION                -> ok V | ok
 *   iommufd device NAME open | close          /dev/vfio/devices/vfioN of PCI function NAME
 *   iommufd device NAME bind                  VFIO_DEVICE_BIND_IOMMUFD    -> ok dev N
 *   iommufd device NAME attach ID | detach    VFIO_DEVICE_{ATTACH,DETACH}_IOMMUFD_PT -> ok pt N
 *   iommufd device NAME hw-info [len=N]       IOMMU_GET_HW_INFO           -> ok type ... / idr ...
 *   iommufd hwpt alloc DEVICE PT-ID [nest-parent] [ste=W0,W1]
 *                                             IOMMU_HWPT_ALLOC            -> ok hwpt N
 *   iommufd viommu alloc DEVICE HWPT-ID [type=arm-smmuv3|N]
 *                                             IOMMU_VIOMMU_ALLOC          -> ok viommu N
 *   iommufd vdevice alloc VIOMMU-ID DEVICE VSID
 *                                             IOMMU_VDEVICE_ALLOC         -> ok vdevice N
 *   iommufd invalidate ID CMD [CMD...]        IOMMU_HWPT_INVALIDATE of SMMUv3 commands
 *                                             -> ok N entries | ERRNO (...) after N
 *   iommufd veventq alloc VIOMMU-ID [type=arm-smmuv3|N] [depth=N]
 *                                             IOMMU_VEVENTQ_ALLOC (depth 16) -> ok veventq N
 *   iommufd veventq ID read [len=N] | close   read(2) of its fd (len 256) -> ok N bytes, then a
 *                                             line per vEVENT: vevent S W0 W1 W2 W3 (hex) or
 *                                             lost-events S | close(2) of its fd
 *   iommufd fault alloc                       IOMMU_FAULT_QUEUE_ALLOC     -> ok fault N
 *   iommufd fault ID read [len=N] | write COOKIE:CODE... | close
 *                                             read(2)/write(2)/close(2) of its fd -> ok N bytes
 *   iommufd hwpt alloc ... fault=ID           HWPT_ALLOC with IOMMU_HWPT_FAULT_ID_VALID
 *   iommufd hwpt ID dirty-tracking [on]       IOMMU_HWPT_SET_DIRTY_TRACKING
 *   iommufd hwpt ID dirty-bitmap IOVA SIZE PAGE [no-clear]
 *                                             IOMMU_HWPT_GET_DIRTY_BITMAP
 *   iommufd vfio-ioas get | set ID | clear | op=N [ID]
 *                                             IOMMU_VFIO_IOAS             -> ok ioas N | ok
 *   iommufd ioas ID map-file iommufd|N START SIZE IOVA|auto [r|w|rw]
 *                                             IOMMU_IOAS_MAP_FILE of the /dev/iommu fd or fd N
 *   iommufd change-process                    IOMMU_IOAS_CHANGE_PROCESS
 *   iommufd hw-queue alloc VIOMMU-ID IOVA SIZE [type=N] [index=N]
 *                                             IOMMU_HW_QUEUE_ALLOC        -> ok hw-queue N
 *   iommufd noiommu-get-pa IOAS-ID IOVA SIZE  IOMMU_IOAS_NOIOMMU_GET_PA   -> ok pa X length L
 *
 * Every ioctl line also takes size=N (the struct's first word, size or
 * argsz: what the caller claims; the bytes past the struct up to N are
 * zero, or tail=B each), flags=N (the struct's flags word as given) where
 * the struct has flags. A CMD is a guest SMMU command by name and fields
 * (tlbi-nh-va asid=1 addr=0x1000, cfgi-cd sid=8 ssid=0 leaf=1, cmd-sync...;
 * fields ssv ssid sid num scale vmid asid global leaf range ttl tg addr
 * atc-size at their places in the SMMUv3 command formats) or raw as W0:W1.
 * Failures print the errno's name and text, as the vfio verb does ("EBUSY
 * (Device or resource busy)").
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IOMMUFD_USAGE                                                                               \
	"iommufd: usage: iommufd open | close | destroy ID | ioas alloc | "                         \
	"ioas ID iova-ranges [num=N]|allow-iovas [START-LAST...]|map IOVA|auto SIZE [r|w|rw]|"     \
	"copy DST-ID SRC-IOVA SIZE IOVA|auto [r|w|rw]|unmap IOVA SIZE|unmap all | "                \
	"option rlimit-mode|huge-pages|N [ioas ID] get|set V | "                                    \
	"device NAME open|close|bind|attach ID|detach|hw-info [len=N] | "                           \
	"hwpt alloc DEVICE PT-ID [nest-parent] [ste=W0,W1] | "                                       \
	"viommu alloc DEVICE HWPT-ID [type=arm-smmuv3|N] | vdevice alloc VIOMMU-ID DEVICE VSID | " \
	"invalidate ID CMD... (CMD: tlbi-nh-all|tlbi-nh-asid|tlbi-nh-va|tlbi-nh-vaa|tlbi-nsnh-all|" \
	"tlbi-s12-vmall|tlbi-s2-ipa|cfgi-ste|cfgi-all|cfgi-cd|cfgi-cd-all|atc-inv|cmd-sync "        \
	"[FIELD=N...] or W0:W1) | veventq alloc VIOMMU-ID [type=arm-smmuv3|N] [depth=N] | "         \
	"veventq ID read [len=N]|close | fault alloc | fault ID read [len=N]|write COOKIE:CODE...|close | "  \
	"hwpt ID dirty-tracking [on]|dirty-bitmap IOVA SIZE PAGE [no-clear] | "                      \
	"vfio-ioas get|set ID|clear|op=N [ID] | ioas ID map-file iommufd|N START SIZE IOVA|auto [r|w|rw] | " \
	"change-process | hw-queue alloc VIOMMU-ID IOVA SIZE [type=N] [index=N] | "                  \
	"noiommu-get-pa IOAS-ID IOVA SIZE; every ioctl: [size=N] [tail=B] [flags=N]\n"

#define IOMMUFD_EXEC_MAX_DEVICES 16
#define IOMMUFD_EXEC_MAX_CMDS 64
#define IOMMUFD_EXEC_MAX_RANGES 64
#define IOMMUFD_EXEC_MAX_QUEUES 16
/* the buffer an ioctl's struct goes out in: size=N may claim up to this */
#define IOMMUFD_EXEC_BUF 4096

/* Each includer defines it: what its operations need (the model: the machine). */
struct iommufd_exec_host;

/* The kernel's calls; each returns what the syscall returns, or -errno. */
struct iommufd_exec_ops {
	int (*open)(struct iommufd_exec_host *h, const char *path);
	int (*close)(struct iommufd_exec_host *h, int fd);
	long (*ioctl)(struct iommufd_exec_host *h, int fd, unsigned long request, void *arg);
	/* the first entry (as ls sorts them) of a directory in name (size len): 0 or -errno */
	int (*first_entry)(struct iommufd_exec_host *h, const char *dir, char *name, size_t len);
	/* anonymous memory of the process, zeroed (a VMM's guest RAM): NULL when none */
	void *(*user_alloc)(struct iommufd_exec_host *h, size_t size);
	/* read(2) / write(2): the bytes, or -errno */
	long (*read)(struct iommufd_exec_host *h, int fd, void *buf, size_t len);
	long (*write)(struct iommufd_exec_host *h, int fd, const void *buf, size_t len);
};

/* What a VMM keeps between calls: the iommufd and each device's cdev and id. */
struct iommufd_exec_state {
	int iommufd;		/* -1: not open */
	int ndevices;
	struct {
		char name[32];	/* the PCI function: 0000:01:00.0 */
		int fd;
		uint32_t dev_id;	/* from bind, 0 before */
	} devices[IOMMUFD_EXEC_MAX_DEVICES];
	int nqueues;
	struct {
		uint32_t id;	/* the vEVENTQ's object id */
		int fd;		/* -1: closed */
	} queues[IOMMUFD_EXEC_MAX_QUEUES];
};

struct iommufd_exec {
	struct iommufd_exec_host *host;
	const struct iommufd_exec_ops *ops;
	struct iommufd_exec_state *state;
	FILE *out;
};

static inline void iommufd_exec_state_init(struct iommufd_exec_state *s)
{
	memset(s, 0, sizeof(*s));
	s->iommufd = -1;
}

/* --- words --- */

/* a number as strtoull(.., 0) reads it, whole and not negative: 0, or -1 */
static inline int ifd_parse_u64(const char *s, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 0);
	if (*end || errno)
		return -1;
	*v = n;
	return 0;
}

static inline int ifd_parse_u32(const char *s, uint32_t *v)
{
	uint64_t n;
	if (ifd_parse_u64(s, &n) || n > 0xffffffffu)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

/* START-LAST, both numbers: 0, or -1 */
static inline int ifd_parse_range(const char *s, uint64_t *start, uint64_t *last)
{
	char buf[64];
	const char *dash = strchr(s, '-');
	if (!dash || (size_t)(dash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	return ifd_parse_u64(buf, start) || ifd_parse_u64(dash + 1, last) ? -1 : 0;
}

/* The options after the positional words: size=, tail=, flags= and the line's own keys. */
struct ifd_opts {
	int has_size, has_flags, has_tail;
	uint32_t size, flags;
	uint8_t tail;
	/* the line's own key=N (num=, len=, type=...) and bare words (r, w, rw, nest-parent) */
	const char *const *keys;
	uint64_t key_val[4];
	int key_set[4];
	const char *const *words;
	int word_set[4];
};

/* key=N among the line's own keys; type= also takes arm-smmuv3 */
static inline int ifd_opt_value(const char *key, const char *val, uint64_t *v)
{
	if (!strcmp(key, "type") && !strcmp(val, "arm-smmuv3")) {
		*v = 1; /* IOMMU_VIOMMU_TYPE_ARM_SMMUV3 */
		return 0;
	}
	return ifd_parse_u64(val, v);
}

/* argv[from..argc-1]: each a known option or word, none twice; 0, or -1 */
static inline int ifd_parse_opts(int argc, char **argv, int from, struct ifd_opts *o)
{
	for (int i = from; i < argc; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		if (!eq) {
			int known = 0;
			for (int w = 0; o->words && o->words[w]; w++)
				if (!strcmp(a, o->words[w])) {
					if (o->word_set[w])
						return -1;
					o->word_set[w] = 1;
					known = 1;
				}
			if (!known)
				return -1;
			continue;
		}
		size_t kl = (size_t)(eq - a);
		const char *val = eq + 1;
		uint64_t v;
		if (kl == 4 && !strncmp(a, "size", 4)) {
			if (o->has_size || ifd_parse_u64(val, &v) || v > IOMMUFD_EXEC_BUF)
				return -1;
			o->has_size = 1;
			o->size = (uint32_t)v;
		} else if (kl == 5 && !strncmp(a, "flags", 5)) {
			if (o->has_flags || ifd_parse_u64(val, &v) || v > 0xffffffffu)
				return -1;
			o->has_flags = 1;
			o->flags = (uint32_t)v;
		} else if (kl == 4 && !strncmp(a, "tail", 4)) {
			if (o->has_tail || ifd_parse_u64(val, &v) || v > 0xff)
				return -1;
			o->has_tail = 1;
			o->tail = (uint8_t)v;
		} else {
			int known = 0;
			for (int k = 0; o->keys && o->keys[k]; k++)
				if (strlen(o->keys[k]) == kl && !strncmp(a, o->keys[k], kl)) {
					if (o->key_set[k] || ifd_opt_value(o->keys[k], val, &v))
						return -1;
					o->key_set[k] = 1;
					o->key_val[k] = v;
					known = 1;
				}
			if (!known)
				return -1;
		}
	}
	return 0;
}

/* --- printing --- */

static inline int ifd_usage(const struct iommufd_exec *x)
{
	fputs(IOMMUFD_USAGE, x->out);
	return -EINVAL;
}

/* the errno's name and text, and what follows on the line ("" or " after 1") */
static inline void ifd_print_errno(const struct iommufd_exec *x, long ret, const char *more)
{
	const char *name = strerrorname_np((int)-ret);
	fprintf(x->out, "%s (%s)%s\n", name ? name : "E?", strerror((int)-ret), more);
}

static inline int ifd_result(const struct iommufd_exec *x, long ret)
{
	if (ret >= 0)
		return 0;
	ifd_print_errno(x, ret, "");
	return (int)ret;
}

/* --- the files --- */

static inline int ifd_iommufd(const struct iommufd_exec *x)
{
	if (x->state->iommufd < 0)
		fprintf(x->out, "iommufd: /dev/iommu is not open\n");
	return x->state->iommufd;
}

static inline int ifd_device_index(const struct iommufd_exec *x, const char *name)
{
	for (int i = 0; i < x->state->ndevices; i++)
		if (!strcmp(x->state->devices[i].name, name))
			return i;
	return -1;
}

/* a device named on the line: its slot, or -1 after saying it is not open */
static inline int ifd_open_device(const struct iommufd_exec *x, const char *name)
{
	int i = ifd_device_index(x, name);
	if (i < 0)
		fprintf(x->out, "iommufd: device %s is not open\n", name);
	return i;
}

/*
 * One ioctl: the struct (cmd, cmd_size bytes) goes out at the start of a
 * zeroed buffer whose first word is size=N when given, the bytes from the
 * struct's end up to N are tail=B; what the kernel wrote comes back into cmd.
 */
static inline long ifd_ioctl(const struct iommufd_exec *x, int fd, unsigned long request, void *cmd,
			     size_t cmd_size, const struct ifd_opts *o)
{
	_Alignas(8) unsigned char buf[IOMMUFD_EXEC_BUF];
	memset(buf, 0, sizeof(buf));
	memcpy(buf, cmd, cmd_size);
	uint32_t size = o->has_size ? o->size : (uint32_t)cmd_size;
	memcpy(buf, &size, sizeof(size));
	if (o->has_tail && size > cmd_size)
		memset(buf + cmd_size, o->tail, size - cmd_size);
	long ret = x->ops->ioctl(x->host, fd, request, buf);
	memcpy(cmd, buf, cmd_size);
	return ret;
}

/* --- the lines --- */

static inline int ifd_open(const struct iommufd_exec *x)
{
	if (x->state->iommufd >= 0) {
		fprintf(x->out, "iommufd: /dev/iommu is open already\n");
		return -EBUSY;
	}
	int fd = x->ops->open(x->host, "/dev/iommu");
	if (fd < 0)
		return ifd_result(x, fd);
	x->state->iommufd = fd;
	fprintf(x->out, "ok\n");
	return 0;
}

static inline int ifd_close(const struct iommufd_exec *x)
{
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	x->state->iommufd = -1;
	long ret = x->ops->close(x->host, fd);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

static inline int ifd_destroy(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (argc < 3 || ifd_parse_u32(argv[2], &cmd.id) || ifd_parse_opts(argc, argv, 3, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_DESTROY, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

static inline int ifd_ioas_alloc(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (ifd_parse_opts(argc, argv, 3, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_ALLOC, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok ioas %u\n", cmd.out_ioas_id);
	return ifd_result(x, ret);
}

static inline int ifd_iova_ranges(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const keys[] = { "num", NULL };
	struct iommu_iova_range ranges[IOMMUFD_EXEC_MAX_RANGES];
	struct iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { .keys = keys };
	if (ifd_parse_opts(argc, argv, 4, &o) || o.has_flags ||
	    (o.key_set[0] && o.key_val[0] > IOMMUFD_EXEC_MAX_RANGES))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	memset(ranges, 0, sizeof(ranges));
	cmd.num_iovas = o.key_set[0] ? (uint32_t)o.key_val[0] : IOMMUFD_EXEC_MAX_RANGES;
	cmd.allowed_iovas = (uintptr_t)ranges;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_IOVA_RANGES, &cmd, sizeof(cmd), &o);
	if (ret == -EMSGSIZE) {
		char more[32];
		snprintf(more, sizeof(more), " num %u", cmd.num_iovas);
		ifd_print_errno(x, ret, more);
		return (int)ret;
	}
	if (ret)
		return ifd_result(x, ret);
	fprintf(x->out, "ok alignment 0x%llx ranges", (unsigned long long)cmd.out_iova_alignment);
	for (uint32_t i = 0; i < cmd.num_iovas && i < IOMMUFD_EXEC_MAX_RANGES; i++)
		fprintf(x->out, " 0x%llx-0x%llx", (unsigned long long)ranges[i].start,
			(unsigned long long)ranges[i].last);
	fputc('\n', x->out);
	return 0;
}

static inline int ifd_allow_iovas(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	struct iommu_iova_range ranges[IOMMUFD_EXEC_MAX_RANGES];
	struct iommu_ioas_allow_iovas cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { 0 };
	int i = 4;
	for (; i < argc && !strchr(argv[i], '='); i++) {
		uint64_t start, last;
		if (cmd.num_iovas == IOMMUFD_EXEC_MAX_RANGES || ifd_parse_range(argv[i], &start, &last))
			return ifd_usage(x);
		ranges[cmd.num_iovas].start = start;
		ranges[cmd.num_iovas].last = last;
		cmd.num_iovas++;
	}
	if (ifd_parse_opts(argc, argv, i, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	cmd.allowed_iovas = (uintptr_t)ranges;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

/* r, w, rw (the words given) as IOAS_MAP's flags; rw when none */
static inline uint32_t ifd_map_prot(const struct ifd_opts *o)
{
	uint32_t flags = 0;
	if (o->word_set[0] || o->word_set[2])
		flags |= IOMMU_IOAS_MAP_READABLE;
	if (o->word_set[1] || o->word_set[2])
		flags |= IOMMU_IOAS_MAP_WRITEABLE;
	return flags ? flags : IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
}

/* IOVA or auto: 0 and *fixed, or -1 */
static inline int ifd_parse_iova(const char *s, uint64_t *iova, int *fixed)
{
	*fixed = strcmp(s, "auto") != 0;
	*iova = 0;
	return *fixed ? ifd_parse_u64(s, iova) : 0;
}

static inline int ifd_map(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const words[] = { "r", "w", "rw", NULL };
	struct iommu_ioas_map cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { .words = words };
	uint64_t iova, length;
	int fixed;
	if (argc < 6 || ifd_parse_iova(argv[4], &iova, &fixed) || ifd_parse_u64(argv[5], &length) ||
	    ifd_parse_opts(argc, argv, 6, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	/* the VMM's guest RAM: fresh memory, at least a page (the kernel checks the length) */
	size_t bytes = length && length < ((uint64_t)1 << 32) ? (size_t)length : 4096;
	void *mem = x->ops->user_alloc(x->host, bytes);
	if (!mem)
		return ifd_result(x, -ENOMEM);
	cmd.flags = ifd_map_prot(&o) | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	if (o.has_flags)
		cmd.flags = o.flags;
	cmd.user_va = (uintptr_t)mem;
	cmd.length = length;
	cmd.iova = iova;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_MAP, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok iova 0x%llx\n", (unsigned long long)cmd.iova);
	return ifd_result(x, ret);
}

static inline int ifd_copy(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const words[] = { "r", "w", "rw", NULL };
	struct iommu_ioas_copy cmd = { .size = sizeof(cmd), .src_ioas_id = ioas };
	struct ifd_opts o = { .words = words };
	uint64_t src_iova, length, dst_iova;
	int fixed;
	if (argc < 8 || ifd_parse_u32(argv[4], &cmd.dst_ioas_id) || ifd_parse_u64(argv[5], &src_iova) ||
	    ifd_parse_u64(argv[6], &length) || ifd_parse_iova(argv[7], &dst_iova, &fixed) ||
	    ifd_parse_opts(argc, argv, 8, &o))
		return ifd_usage(x);
	cmd.src_iova = src_iova;
	cmd.length = length;
	cmd.dst_iova = dst_iova;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	cmd.flags = ifd_map_prot(&o) | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_COPY, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok iova 0x%llx\n", (unsigned long long)cmd.dst_iova);
	return ifd_result(x, ret);
}

static inline int ifd_unmap(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	struct iommu_ioas_unmap cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { 0 };
	uint64_t iova, length;
	int from;
	if (argc >= 5 && !strcmp(argv[4], "all")) {
		iova = 0;
		length = UINT64_MAX;
		from = 5;
	} else if (argc >= 6 && !ifd_parse_u64(argv[4], &iova) && !ifd_parse_u64(argv[5], &length)) {
		from = 6;
	} else {
		return ifd_usage(x);
	}
	cmd.iova = iova;
	cmd.length = length;
	if (ifd_parse_opts(argc, argv, from, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_UNMAP, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok unmapped 0x%llx\n", (unsigned long long)cmd.length);
	return ifd_result(x, ret);
}

/* iommufd ioas alloc | ioas ID VERB ... */
/* iommufd ioas ID map-file iommufd|N START SIZE IOVA|auto [r|w|rw] */
static inline int ifd_map_file(const struct iommufd_exec *x, uint32_t ioas, int argc, char **argv)
{
	static const char *const words[] = { "r", "w", "rw", NULL };
	struct iommu_ioas_map_file cmd = { .size = sizeof(cmd), .ioas_id = ioas };
	struct ifd_opts o = { .words = words };
	uint64_t start, length, iova;
	int fixed;
	if (argc < 8 || ifd_parse_u64(argv[5], &start) || ifd_parse_u64(argv[6], &length) ||
	    ifd_parse_iova(argv[7], &iova, &fixed) || ifd_parse_opts(argc, argv, 8, &o))
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	if (!strcmp(argv[4], "iommufd")) {
		cmd.fd = fd;
	} else {
		char *end;
		long v = strtol(argv[4], &end, 0);
		if (*end || end == argv[4])
			return ifd_usage(x);
		cmd.fd = (int32_t)v;
	}
	cmd.flags = ifd_map_prot(&o) | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	if (o.has_flags)
		cmd.flags = o.flags;
	cmd.start = start;
	cmd.length = length;
	cmd.iova = iova;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_MAP_FILE, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok iova 0x%llx\n", (unsigned long long)cmd.iova);
	return ifd_result(x, ret);
}

static inline int ifd_ioas(const struct iommufd_exec *x, int argc, char **argv)
{
	uint32_t id;
	if (argc >= 3 && !strcmp(argv[2], "alloc"))
		return ifd_ioas_alloc(x, argc, argv);
	if (argc < 4 || ifd_parse_u32(argv[2], &id))
		return ifd_usage(x);
	const char *op = argv[3];
	if (!strcmp(op, "iova-ranges"))
		return ifd_iova_ranges(x, id, argc, argv);
	if (!strcmp(op, "allow-iovas"))
		return ifd_allow_iovas(x, id, argc, argv);
	if (!strcmp(op, "map"))
		return ifd_map(x, id, argc, argv);
	if (!strcmp(op, "copy"))
		return ifd_copy(x, id, argc, argv);
	if (!strcmp(op, "unmap"))
		return ifd_unmap(x, id, argc, argv);
	if (!strcmp(op, "map-file"))
		return ifd_map_file(x, id, argc, argv);
	return ifd_usage(x);
}

/* iommufd option NAME [ioas ID] get | set V */
static inline int ifd_option(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_option cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	uint64_t val;
	int i = 3;
	if (argc < 4)
		return ifd_usage(x);
	if (!strcmp(argv[2], "rlimit-mode"))
		cmd.option_id = IOMMU_OPTION_RLIMIT_MODE;
	else if (!strcmp(argv[2], "huge-pages"))
		cmd.option_id = IOMMU_OPTION_HUGE_PAGES;
	else if (ifd_parse_u32(argv[2], &cmd.option_id))
		return ifd_usage(x);
	if (!strcmp(argv[i], "ioas")) {
		if (argc < i + 3 || ifd_parse_u32(argv[i + 1], &cmd.object_id))
			return ifd_usage(x);
		i += 2;
	}
	int get = !strcmp(argv[i], "get");
	if (get) {
		cmd.op = IOMMU_OPTION_OP_GET;
		i++;
	} else if (!strcmp(argv[i], "set") && i + 1 < argc && !ifd_parse_u64(argv[i + 1], &val)) {
		cmd.op = IOMMU_OPTION_OP_SET;
		cmd.val64 = val;
		i += 2;
	} else {
		return ifd_usage(x);
	}
	if (ifd_parse_opts(argc, argv, i, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_OPTION, &cmd, sizeof(cmd), &o);
	if (!ret && get)
		fprintf(x->out, "ok %llu\n", (unsigned long long)cmd.val64);
	else if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

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
static inline int ifd_hwpt_dirty(const struct iommufd_exec *x, int argc, char **argv);

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

/* --- guest SMMU commands (HWPT_INVALIDATE on a vIOMMU) --- */

/* a field of a command: its word, its lowest bit, its width */
struct ifd_cmd_field {
	const char *name;
	unsigned word, shift, width;
};

/* the fields' places in the command, from the SMMUv3 specification's command formats */
static const struct ifd_cmd_field ifd_cmd_fields[] = {
	{ "ssv", 0, 11, 1 },  { "ssid", 0, 12, 20 },  { "sid", 0, 32, 32 },   { "num", 0, 12, 5 },
	{ "scale", 0, 20, 6 }, { "vmid", 0, 32, 16 }, { "asid", 0, 48, 16 },  { "global", 0, 9, 1 },
	{ "leaf", 1, 0, 1 },  { "range", 1, 0, 5 },   { "ttl", 1, 8, 2 },     { "tg", 1, 10, 2 },
	{ "addr", 1, 12, 52 }, { "atc-size", 1, 0, 6 },
};

/* a command's name and opcode */
static const struct {
	const char *name;
	unsigned opcode;
} ifd_cmds[] = {
	{ "cfgi-ste", 0x03 },	   { "cfgi-all", 0x04 },     { "cfgi-cd", 0x05 },	{ "cfgi-cd-all", 0x06 },
	{ "tlbi-nh-all", 0x10 },   { "tlbi-nh-asid", 0x11 }, { "tlbi-nh-va", 0x12 },	{ "tlbi-nh-vaa", 0x13 },
	{ "tlbi-s12-vmall", 0x28 }, { "tlbi-s2-ipa", 0x2a }, { "tlbi-nsnh-all", 0x30 }, { "atc-inv", 0x40 },
	{ "cmd-sync", 0x46 },
};

/*
 * argv[*i] and the FIELD=N words after it as one command (addr= is an
 * address: its bits above 11), or W0:W1 raw; 0 with *i past it, or -1.
 */
static inline int ifd_parse_smmu_cmd(int argc, char **argv, int *i, uint64_t cmd[2])
{
	const char *w = argv[*i];
	cmd[0] = cmd[1] = 0;
	if (strchr(w, ':')) {
		if (ifd_parse_pair(w, ':', cmd))
			return -1;
		(*i)++;
		return 0;
	}
	size_t c = 0;
	while (c < sizeof(ifd_cmds) / sizeof(ifd_cmds[0]) && strcmp(ifd_cmds[c].name, w))
		c++;
	if (c == sizeof(ifd_cmds) / sizeof(ifd_cmds[0]))
		return -1;
	cmd[0] = ifd_cmds[c].opcode;
	for ((*i)++; *i < argc; (*i)++) {
		const char *eq = strchr(argv[*i], '=');
		if (!eq)
			break;
		size_t kl = (size_t)(eq - argv[*i]), f = 0;
		while (f < sizeof(ifd_cmd_fields) / sizeof(ifd_cmd_fields[0]) &&
		       (strlen(ifd_cmd_fields[f].name) != kl || strncmp(ifd_cmd_fields[f].name, argv[*i], kl)))
			f++;
		if (f == sizeof(ifd_cmd_fields) / sizeof(ifd_cmd_fields[0]))
			break; /* size=, tail=, flags=: the ioctl's */
		const struct ifd_cmd_field *fl = &ifd_cmd_fields[f];
		uint64_t v;
		if (ifd_parse_u64(eq + 1, &v))
			return -1;
		if (!strcmp(fl->name, "addr"))
			v >>= 12;
		uint64_t mask = fl->width == 64 ? UINT64_MAX : (((uint64_t)1 << fl->width) - 1);
		if (v & ~mask)
			return -1;
		cmd[fl->word] |= v << fl->shift;
	}
	return 0;
}

/* iommufd invalidate ID CMD [CMD...] */
static inline int ifd_invalidate(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_viommu_arm_smmuv3_invalidate cmds[IOMMUFD_EXEC_MAX_CMDS];
	struct iommu_hwpt_invalidate cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	int i = 3;
	if (argc < 4 || ifd_parse_u32(argv[2], &cmd.hwpt_id))
		return ifd_usage(x);
	memset(cmds, 0, sizeof(cmds));
	while (i < argc && !(strchr(argv[i], '=') && !strchr(argv[i], ':'))) {
		uint64_t w[2];
		if (cmd.entry_num == IOMMUFD_EXEC_MAX_CMDS || ifd_parse_smmu_cmd(argc, argv, &i, w))
			return ifd_usage(x);
		cmds[cmd.entry_num].cmd[0] = w[0]; /* __le64 on little-endian hosts */
		cmds[cmd.entry_num].cmd[1] = w[1];
		cmd.entry_num++;
	}
	if (ifd_parse_opts(argc, argv, i, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	uint32_t asked = cmd.entry_num;
	cmd.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
	cmd.entry_len = sizeof(cmds[0]);
	cmd.data_uptr = (uintptr_t)cmds;
	long ret = ifd_ioctl(x, fd, IOMMU_HWPT_INVALIDATE, &cmd, sizeof(cmd), &o);
	if (!ret) {
		fprintf(x->out, "ok %u entries\n", cmd.entry_num);
		return 0;
	}
	char more[32];
	snprintf(more, sizeof(more), " after %u", cmd.entry_num);
	ifd_print_errno(x, ret, asked ? more : "");
	return (int)ret;
}

/* --- vEVENTQs --- */

/* the slot of the vEVENTQ or fault queue with this id whose fd is open, or -1 after saying so */
static inline int ifd_queue_index(const struct iommufd_exec *x, uint32_t id)
{
	for (int i = 0; i < x->state->nqueues; i++)
		if (x->state->queues[i].id == id && x->state->queues[i].fd >= 0)
			return i;
	fprintf(x->out, "iommufd: no open queue fd of object %u\n", id);
	return -1;
}

/* room for one more queue fd, or -ENOSPC after saying so */
static inline int ifd_queue_room(const struct iommufd_exec *x)
{
	if (x->state->nqueues < IOMMUFD_EXEC_MAX_QUEUES)
		return 0;
	fprintf(x->out, "iommufd: too many queues\n");
	return -ENOSPC;
}

/* keep a new queue's fd for its object id */
static inline void ifd_queue_add(const struct iommufd_exec *x, uint32_t id, int fd)
{
	x->state->queues[x->state->nqueues].id = id;
	x->state->queues[x->state->nqueues].fd = fd;
	x->state->nqueues++;
}

/* close(2) of the queue fd of object id */
static inline int ifd_queue_close(const struct iommufd_exec *x, uint32_t id)
{
	int q = ifd_queue_index(x, id);
	if (q < 0)
		return -EBADF;
	long ret = x->ops->close(x->host, x->state->queues[q].fd);
	x->state->queues[q].fd = -1;
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

/* the vEVENTs of one read: header (flags, sequence), then an ARM SMMUv3 record unless lost-events */
static inline void ifd_print_vevents(const struct iommufd_exec *x, const unsigned char *buf, size_t n)
{
	size_t off = 0;
	while (off + 8 <= n) {
		uint32_t flags, seq;
		memcpy(&flags, buf + off, 4);
		memcpy(&seq, buf + off + 4, 4);
		off += 8;
		if (flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
			fprintf(x->out, "lost-events %u\n", seq);
			continue;
		}
		uint64_t w[4] = { 0, 0, 0, 0 };
		size_t len = n - off < sizeof(w) ? n - off : sizeof(w);
		memcpy(w, buf + off, len);
		off += len;
		fprintf(x->out, "vevent %u %016llx %016llx %016llx %016llx\n", seq, (unsigned long long)w[0],
			(unsigned long long)w[1], (unsigned long long)w[2], (unsigned long long)w[3]);
	}
}

/* iommufd veventq alloc VIOMMU-ID [type=arm-smmuv3|N] [depth=N] | veventq ID read [len=N] | veventq ID close */
static inline int ifd_veventq(const struct iommufd_exec *x, int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[2], "alloc")) {
		static const char *const keys[] = { "type", "depth", NULL };
		struct iommu_veventq_alloc cmd = { .size = sizeof(cmd) };
		struct ifd_opts o = { .keys = keys };
		if (ifd_parse_u32(argv[3], &cmd.viommu_id) || ifd_parse_opts(argc, argv, 4, &o) ||
		    (o.key_set[0] && o.key_val[0] > 0xffffffffu) || (o.key_set[1] && o.key_val[1] > 0xffffffffu))
			return ifd_usage(x);
		int fd = ifd_iommufd(x);
		if (fd < 0)
			return -EBADF;
		int room = ifd_queue_room(x);
		if (room)
			return room;
		cmd.type = o.key_set[0] ? (uint32_t)o.key_val[0] : IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
		cmd.veventq_depth = o.key_set[1] ? (uint32_t)o.key_val[1] : 16;
		if (o.has_flags)
			cmd.flags = o.flags;
		long ret = ifd_ioctl(x, fd, IOMMU_VEVENTQ_ALLOC, &cmd, sizeof(cmd), &o);
		if (ret)
			return ifd_result(x, ret);
		ifd_queue_add(x, cmd.out_veventq_id, (int)cmd.out_veventq_fd);
		fprintf(x->out, "ok veventq %u\n", cmd.out_veventq_id);
		return 0;
	}
	uint32_t id;
	if (argc < 4 || ifd_parse_u32(argv[2], &id))
		return ifd_usage(x);
	if (!strcmp(argv[3], "close") && argc == 4)
		return ifd_queue_close(x, id);
	static const char *const keys[] = { "len", NULL };
	struct ifd_opts o = { .keys = keys };
	if (strcmp(argv[3], "read") || ifd_parse_opts(argc, argv, 4, &o) || o.has_size || o.has_tail ||
	    o.has_flags || (o.key_set[0] && o.key_val[0] > IOMMUFD_EXEC_BUF))
		return ifd_usage(x);
	int q = ifd_queue_index(x, id);
	if (q < 0)
		return -EBADF;
	if (!x->ops->read) {
		fprintf(x->out, "iommufd: no read(2) here\n");
		return -ENOSYS;
	}
	_Alignas(8) unsigned char buf[IOMMUFD_EXEC_BUF];
	memset(buf, 0, sizeof(buf));
	long n = x->ops->read(x->host, x->state->queues[q].fd, buf, o.key_set[0] ? (size_t)o.key_val[0] : 256);
	if (n < 0)
		return ifd_result(x, n);
	fprintf(x->out, "ok %ld bytes\n", n);
	ifd_print_vevents(x, buf, (size_t)n);
	return 0;
}

/* --- the fault queue, dirty tracking, the compat IOAS and the ioctls with nothing to do here --- */

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

/* iommufd fault alloc | fault ID read [len=N] | write COOKIE:CODE... | close */
static inline int ifd_fault(const struct iommufd_exec *x, int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[2], "alloc")) {
		struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
		struct ifd_opts o = { 0 };
		if (ifd_parse_opts(argc, argv, 3, &o))
			return ifd_usage(x);
		int fd = ifd_iommufd(x);
		if (fd < 0)
			return -EBADF;
		int room = ifd_queue_room(x);
		if (room)
			return room;
		if (o.has_flags)
			cmd.flags = o.flags;
		long ret = ifd_ioctl(x, fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd, sizeof(cmd), &o);
		if (ret)
			return ifd_result(x, ret);
		ifd_queue_add(x, cmd.out_fault_id, (int)cmd.out_fault_fd);
		fprintf(x->out, "ok fault %u\n", cmd.out_fault_id);
		return 0;
	}
	uint32_t id;
	if (argc < 4 || ifd_parse_u32(argv[2], &id))
		return ifd_usage(x);
	if (!strcmp(argv[3], "close") && argc == 4)
		return ifd_queue_close(x, id);
	_Alignas(8) unsigned char buf[IOMMUFD_EXEC_BUF];
	memset(buf, 0, sizeof(buf));
	long n;
	if (!strcmp(argv[3], "write")) {
		/* struct iommu_hwpt_page_response: cookie, code */
		size_t len = 0;
		for (int i = 4; i < argc; i++) {
			uint64_t w[2];
			if (ifd_parse_pair(argv[i], ':', w) || w[0] > 0xffffffffu || w[1] > 0xffffffffu ||
			    len + 8 > sizeof(buf))
				return ifd_usage(x);
			uint32_t r[2] = { (uint32_t)w[0], (uint32_t)w[1] };
			memcpy(buf + len, r, sizeof(r));
			len += sizeof(r);
		}
		int q = ifd_queue_index(x, id);
		if (q < 0)
			return -EBADF;
		if (!x->ops->write) {
			fprintf(x->out, "iommufd: no write(2) here\n");
			return -ENOSYS;
		}
		n = x->ops->write(x->host, x->state->queues[q].fd, buf, len);
	} else {
		static const char *const keys[] = { "len", NULL };
		struct ifd_opts o = { .keys = keys };
		if (strcmp(argv[3], "read") || ifd_parse_opts(argc, argv, 4, &o) || o.has_size || o.has_tail ||
		    o.has_flags || (o.key_set[0] && o.key_val[0] > IOMMUFD_EXEC_BUF))
			return ifd_usage(x);
		int q = ifd_queue_index(x, id);
		if (q < 0)
			return -EBADF;
		if (!x->ops->read) {
			fprintf(x->out, "iommufd: no read(2) here\n");
			return -ENOSYS;
		}
		n = x->ops->read(x->host, x->state->queues[q].fd, buf, o.key_set[0] ? (size_t)o.key_val[0] : 240);
	}
	if (n < 0)
		return ifd_result(x, n);
	fprintf(x->out, "ok %ld bytes\n", n);
	return 0;
}

/* iommufd vfio-ioas get | set ID | clear | op=N [ID] */
static inline int ifd_vfio_ioas(const struct iommufd_exec *x, int argc, char **argv)
{
	static const char *const keys[] = { "op", NULL };
	struct iommu_vfio_ioas cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { .keys = keys };
	int from = 3;
	if (argc < 3)
		return ifd_usage(x);
	if (!strcmp(argv[2], "get")) {
		cmd.op = IOMMU_VFIO_IOAS_GET;
	} else if (!strcmp(argv[2], "clear")) {
		cmd.op = IOMMU_VFIO_IOAS_CLEAR;
	} else if (!strcmp(argv[2], "set")) {
		if (argc < 4 || ifd_parse_u32(argv[3], &cmd.ioas_id))
			return ifd_usage(x);
		cmd.op = IOMMU_VFIO_IOAS_SET;
		from = 4;
	} else {
		from = 2;
	}
	/* op=N: a raw op, with an optional ID after it */
	if (from == 2) {
		if (ifd_parse_opts(argc > 3 ? 3 : argc, argv, 2, &o) || !o.key_set[0] || o.key_val[0] > 0xffff ||
		    (argc > 3 && (argc > 4 || ifd_parse_u32(argv[3], &cmd.ioas_id))))
			return ifd_usage(x);
		cmd.op = (uint16_t)o.key_val[0];
	} else if (ifd_parse_opts(argc, argv, from, &o) || o.key_set[0]) {
		return ifd_usage(x);
	}
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_VFIO_IOAS, &cmd, sizeof(cmd), &o);
	if (ret)
		return ifd_result(x, ret);
	if (cmd.op == IOMMU_VFIO_IOAS_GET)
		fprintf(x->out, "ok ioas %u\n", cmd.ioas_id);
	else
		fprintf(x->out, "ok\n");
	return 0;
}

/* iommufd change-process */
static inline int ifd_change_process(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	if (ifd_parse_opts(argc, argv, 2, &o) || o.has_flags)
		return ifd_usage(x);
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok\n");
	return ifd_result(x, ret);
}

/* iommufd hw-queue alloc VIOMMU-ID IOVA SIZE [type=N] [index=N] */
static inline int ifd_hw_queue(const struct iommufd_exec *x, int argc, char **argv)
{
	static const char *const keys[] = { "type", "index", NULL };
	struct iommu_hw_queue_alloc cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { .keys = keys };
	uint64_t iova, length;
	if (argc < 6 || strcmp(argv[2], "alloc") || ifd_parse_u32(argv[3], &cmd.viommu_id) ||
	    ifd_parse_u64(argv[4], &iova) || ifd_parse_u64(argv[5], &length) ||
	    ifd_parse_opts(argc, argv, 6, &o) || (o.key_set[0] && o.key_val[0] > 0xffffffffu) ||
	    (o.key_set[1] && o.key_val[1] > 0xffffffffu))
		return ifd_usage(x);
	cmd.nesting_parent_iova = iova;
	cmd.length = length;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	/* type 1: IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV */
	cmd.type = o.key_set[0] ? (uint32_t)o.key_val[0] : 1;
	cmd.index = o.key_set[1] ? (uint32_t)o.key_val[1] : 0;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_HW_QUEUE_ALLOC, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok hw-queue %u\n", cmd.out_hw_queue_id);
	return ifd_result(x, ret);
}

/* iommufd noiommu-get-pa IOAS-ID IOVA SIZE */
static inline int ifd_noiommu_get_pa(const struct iommufd_exec *x, int argc, char **argv)
{
	struct iommu_ioas_noiommu_get_pa cmd = { .size = sizeof(cmd) };
	struct ifd_opts o = { 0 };
	uint64_t iova, length;
	if (argc < 5 || ifd_parse_u32(argv[2], &cmd.ioas_id) || ifd_parse_u64(argv[3], &iova) ||
	    ifd_parse_u64(argv[4], &length) || ifd_parse_opts(argc, argv, 5, &o))
		return ifd_usage(x);
	cmd.iova = iova;
	cmd.length = length;
	int fd = ifd_iommufd(x);
	if (fd < 0)
		return -EBADF;
	if (o.has_flags)
		cmd.flags = o.flags;
	long ret = ifd_ioctl(x, fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd, sizeof(cmd), &o);
	if (!ret)
		fprintf(x->out, "ok pa 0x%llx length 0x%llx\n", (unsigned long long)cmd.out_phys,
			(unsigned long long)cmd.length);
	return ifd_result(x, ret);
}

/* One line: argv[0] is "iommufd". 0, or -errno after printing why. */
static inline int iommufd_exec(const struct iommufd_exec *x, int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	if (!strcmp(op, "open") && argc == 2)
		return ifd_open(x);
	if (!strcmp(op, "close") && argc == 2)
		return ifd_close(x);
	if (!strcmp(op, "destroy"))
		return ifd_destroy(x, argc, argv);
	if (!strcmp(op, "ioas"))
		return ifd_ioas(x, argc, argv);
	if (!strcmp(op, "option"))
		return ifd_option(x, argc, argv);
	if (!strcmp(op, "device"))
		return ifd_device(x, argc, argv);
	if (!strcmp(op, "hwpt"))
		return ifd_hwpt(x, argc, argv);
	if (!strcmp(op, "viommu"))
		return ifd_viommu(x, argc, argv);
	if (!strcmp(op, "vdevice"))
		return ifd_vdevice(x, argc, argv);
	if (!strcmp(op, "invalidate"))
		return ifd_invalidate(x, argc, argv);
	if (!strcmp(op, "veventq"))
		return ifd_veventq(x, argc, argv);
	if (!strcmp(op, "fault"))
		return ifd_fault(x, argc, argv);
	if (!strcmp(op, "vfio-ioas"))
		return ifd_vfio_ioas(x, argc, argv);
	if (!strcmp(op, "change-process"))
		return ifd_change_process(x, argc, argv);
	if (!strcmp(op, "hw-queue"))
		return ifd_hw_queue(x, argc, argv);
	if (!strcmp(op, "noiommu-get-pa"))
		return ifd_noiommu_get_pa(x, argc, argv);
	return ifd_usage(x);
}

#endif
