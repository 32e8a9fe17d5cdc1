/*
 * The iommufd verb's machinery (see iommufd_exec.h): its limits, the table
 * of operations each side hands in, the state kept between lines, the
 * words and options, the answers' printing and the files it holds.
 */
#ifndef IOMMUSIM_SCRIPT_IOMMUFD_EXEC_BASE_H
#define IOMMUSIM_SCRIPT_IOMMUFD_EXEC_BASE_H

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
	"device NAME open|close|bind|attach ID|detach|hw-info [len=N]|irq-info INDEX|"               \
	"set-irqs INDEX START COUNT none|bool|eventfd trigger|mask|unmask [V...] [argsz=N] [flags=N] | " \
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
	/* eventfd(2) with count 0 and no flags (set-irqs' "new"): the fd, or -errno */
	int (*eventfd)(struct iommufd_exec_host *h);
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

#endif
