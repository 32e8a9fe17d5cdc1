/*
 * A disk's sysfs directory, with the attributes Linux shows (block/genhd.c,
 * block/blk-sysfs.c), each "%lu\n" or text as there. The directory lives
 * under the device device_add_disk() gave it: a virtio disk under its virtio
 * device (.../virtioN/block/vda), an nvme namespace under its controller's
 * class device (.../0000:01:00.0/nvme/nvme0/nvme0n1), or with native
 * multipath its hidden path there (nvme0c0n1) and the bio-based head under
 * the subsystem (/sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1);
 * /sys/block/NAME is a link to it (sysfs/sysfs.c renders both). Each
 * driver's disk is read through one view of what sysfs shows.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sysfs/block.h"
#include "drivers/nvme.h"
#include "drivers/virtio_blk.h"
#include "drivers/blk_mq.h"
#include "drivers/drivers_version.h"
#include "kversion/linux_version.h"

/* virtio_blk's block major: the first dynamic one (register_blkdev(0) counts down from 254) */
#define VIRTBLK_MAJOR 254
/* PART_BITS: 16 minors a disk */
#define VIRTBLK_PART_BITS 4
/* nvme's disks take extended dev_t numbers (BLOCK_EXT_MAJOR), one minor each */
#define BLOCK_EXT_MAJOR 259

/* What sysfs shows of a disk, whichever driver made it. */
struct disk_view {
	const char *name;
	struct device *parent;		/* the device its directory hangs under */
	char subdir[48];		/* from there: "block", or "nvme/nvme0" */
	char device_link[64];		/* its "device" link */
	int major, minor;
	u64 capacity;
	bool ro, writeback;
	const struct blk_limits *lim;
	unsigned nr_hw_queues, queue_depth, nr_requests;
	const unsigned short *mq_map;
	/* a multipath head: bio-based (no mq/), its directory under /sys/devices/virtual */
	bool bio_based;
	char virtual_dir[64];
	/* a hidden disk (a multipath path): no dev_t, so no dev file */
	bool hidden;
};

/* the disk called name: true and *v, false when there is none */
static bool disk_view(struct kernel *k, const char *name, struct disk_view *v)
{
	memset(v, 0, sizeof(*v));
	/* only disk names, never the virtioN aliases virtblk_find also accepts */
	struct virtio_blk *vb = name ? virtblk_find(k, name) : NULL;
	if (vb && !strcmp(vb->disk_name, name)) {
		*v = (struct disk_view){ .name = vb->disk_name, .parent = &vb->vdev->dev, .major = VIRTBLK_MAJOR,
					 .minor = vb->index << VIRTBLK_PART_BITS, .capacity = vb->capacity,
					 .ro = vb->ro, .writeback = vb->writeback, .lim = &vb->lim,
					 .nr_hw_queues = vb->num_vqs, .queue_depth = vb->queue_depth,
					 .nr_requests = vb->nr_requests, .mq_map = vb->mq_map };
		snprintf(v->subdir, sizeof(v->subdir), "block");
		snprintf(v->device_link, sizeof(v->device_link), "../../../%s", vb->vdev->dev.name);
		return true;
	}
	struct nvme_ns *all[64];
	size_t n = MIN(nvme_ns_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	/* extended minors in the order the disks were added: a path before its head */
	int minor = 0;
	for (size_t i = 0; name && i < n; minor += all[i]->mpath_head ? 2 : 1, i++) {
		struct nvme_ns *ns = all[i];
		bool head = !strcmp(ns->disk_name, name), path = ns->mpath_head && !strcmp(ns->path_name, name);
		if (!head && !path)
			continue;
		*v = (struct disk_view){ .name = path ? ns->path_name : ns->disk_name, .parent = nvme_ns_device(ns),
					 .major = BLOCK_EXT_MAJOR, .minor = minor, .capacity = ns->capacity,
					 .ro = ns->ro, .writeback = ns->writeback, .lim = &ns->lim,
					 .nr_hw_queues = ns->nr_hw_queues, .queue_depth = ns->queue_depth,
					 .nr_requests = ns->nr_requests, .mq_map = ns->mq_map };
		if (ns->mpath_head && head) {
			/* blk_alloc_queue()'s default for a queue without a tag set */
			*v = (struct disk_view){ .name = ns->disk_name, .parent = nvme_ns_device(ns),
						 .major = BLOCK_EXT_MAJOR, .minor = minor + 1, .capacity = ns->capacity,
						 .ro = ns->ro, .writeback = ns->writeback, .lim = &ns->lim,
						 .nr_requests = BLKDEV_DEFAULT_RQ, .bio_based = true };
			snprintf(v->virtual_dir, sizeof(v->virtual_dir), "devices/virtual/nvme-subsystem/nvme-subsys%d",
				 ns->ctrl_instance);
			snprintf(v->device_link, sizeof(v->device_link), "../../nvme-subsys%d", ns->ctrl_instance);
			return true;
		}
		v->hidden = path;
		snprintf(v->subdir, sizeof(v->subdir), "nvme/%s", nvme_ns_ctrl_name(ns));
		/* the controller's class device, two levels up */
		snprintf(v->device_link, sizeof(v->device_link), "../../%s", nvme_ns_ctrl_name(ns));
		return true;
	}
	return false;
}

/* whether attribute a of queue/ is there: 7.3 shows nr_requests only for a blk-mq queue */
static bool queue_attr_visible(struct kernel *k, const struct disk_view *v, const char *a)
{
	return strcmp(a, "nr_requests") || !v->bio_based || !kernel_version(k)->drivers->blk_nr_requests_mq_only;
}

/* whether attribute a of the disk's directory is there */
static bool disk_attr_visible(const struct disk_view *v, const char *a)
{
	return !(v->bio_based && !strcmp(a, "mq")) && !(v->hidden && !strcmp(a, "dev"));
}

static const char *const disk_attrs[] = { "dev", "device", "mq", "queue", "removable", "ro", "size" };
static const char *const queue_attrs[] = {
	"hw_sector_size", "logical_block_size", "max_hw_sectors_kb", "max_sectors_kb",
	"max_segment_size", "max_segments", "minimum_io_size", "nr_requests", "optimal_io_size",
	"physical_block_size", "write_cache",
};
/* a hardware context's directory, mq/N (block/blk-mq-sysfs.c): cpuK subdirectories beside these */
static const char *const hctx_attrs[] = { "cpu_list", "nr_reserved_tags", "nr_tags" };

static int set_text(struct sysfs_buf *out, const char *fmt, unsigned long v)
{
	if (asprintf(&out->text, fmt, v) < 0) {
		out->text = NULL;
		return -ENOMEM;
	}
	return 0;
}

static bool in(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* mq/N: the hardware queue N names, or -1 */
static int hctx_index(const struct disk_view *v, const char *s)
{
	char *end;
	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
		return -1;
	unsigned long n = strtoul(s, &end, 10);
	return *end || n >= v->nr_hw_queues ? -1 : (int)n;
}

/* mq/N/cpuK: CPU K, when it submits to queue N */
static bool hctx_has_cpu(struct kernel *k, const struct disk_view *v, int hctx, const char *s)
{
	char *end;
	if (strncmp(s, "cpu", 3) || !isdigit((unsigned char)s[3]) || (s[3] == '0' && s[4]))
		return false;
	unsigned long cpu = strtoul(s + 3, &end, 10);
	return !*end && cpu < k->nr_cpu_ids && v->mq_map[cpu] == hctx;
}

/* the kind of .../mq/... path c[1..n) is: 0 and *st, or -ENOENT */
static int mq_stat(struct kernel *k, const struct disk_view *v, char **c, int n, struct sysfs_stat *st)
{
	int hctx = n >= 3 ? hctx_index(v, c[2]) : 0;
	if (hctx < 0 || n > 4)
		return -ENOENT;
	if (n == 4 && in(hctx_attrs, ARRAY_SIZE(hctx_attrs), c[3])) {
		st->type = SYSFS_REG;
		return 0;
	}
	if (n == 4 && !hctx_has_cpu(k, v, hctx, c[3]))
		return -ENOENT;
	st->type = SYSFS_DIR;
	return 0;
}

static int mq_list(struct kernel *k, const struct disk_view *v, char **c, int n, struct sysfs_buf *out)
{
	char name[16];
	if (n == 2) {
		for (unsigned q = 0; q < v->nr_hw_queues; q++) {
			snprintf(name, sizeof(name), "%u", q);
			if (sysfs_buf_add_name(out, name))
				return -ENOMEM;
		}
		return 0;
	}
	if (n == 4)
		return 0;	/* a software context: no attributes of its own */
	int hctx = hctx_index(v, c[2]);
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
		if (v->mq_map[cpu] != hctx)
			continue;
		snprintf(name, sizeof(name), "cpu%u", cpu);
		if (sysfs_buf_add_name(out, name))
			return -ENOMEM;
	}
	for (size_t i = 0; i < ARRAY_SIZE(hctx_attrs); i++)
		if (sysfs_buf_add_name(out, hctx_attrs[i]))
			return -ENOMEM;
	return 0;
}

/* blk_mq_hw_sysfs_*_show(): the CPUs ", "-separated; the driver tags (no reserved ones) */
static int mq_read(struct kernel *k, const struct disk_view *v, char **c, struct sysfs_buf *out)
{
	int hctx = hctx_index(v, c[2]);
	if (!strcmp(c[3], "nr_tags"))
		return set_text(out, "%lu\n", v->queue_depth);
	if (!strcmp(c[3], "nr_reserved_tags"))
		return set_text(out, "%lu\n", 0);
	size_t len = 0, cap = 16 + 6 * (size_t)k->nr_cpu_ids;
	char *t = malloc(cap);
	if (!t)
		return -ENOMEM;
	t[0] = '\0';
	for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++)
		if (v->mq_map[cpu] == hctx)
			len += (size_t)snprintf(t + len, cap - len, len ? ", %u" : "%u", cpu);
	snprintf(t + len, cap - len, "\n");
	out->text = t;
	return 0;
}

struct virtio_blk *sysfs_block_disk(struct kernel *k, const char *name)
{
	/* only disk names, never the virtioN aliases virtblk_find also accepts */
	struct virtio_blk *v = virtblk_find(k, name);
	return v && !strcmp(v->disk_name, name) ? v : NULL;
}

struct device *sysfs_block_disk_parent(struct kernel *k, const char *name, char *subdir, size_t len)
{
	struct disk_view v;
	if (!disk_view(k, name, &v))
		return NULL;
	if (subdir && len)
		snprintf(subdir, len, "%s", v.subdir);
	return v.parent;
}

const char *sysfs_block_disk_below(struct kernel *k, struct device *dev, char *subdir, size_t len)
{
	struct nvme_ns *ns = nvme_ns_of_device(dev);
	const char *name = ns && ns->mpath_head ? ns->path_name : ns ? ns->disk_name : NULL;
	struct disk_view v;
	if (!name || !disk_view(k, name, &v))
		return NULL;
	snprintf(subdir, len, "%s", v.subdir);
	return name;
}

bool sysfs_block_disk_virtual(struct kernel *k, const char *name, char *dir, size_t len)
{
	struct disk_view v;
	if (!disk_view(k, name, &v) || !v.virtual_dir[0])
		return false;
	snprintf(dir, len, "%s", v.virtual_dir);
	return true;
}

int sysfs_block_virtual_entries(struct kernel *k, const char *dir, struct sysfs_buf *out)
{
	struct nvme_ns *all[64];
	size_t n = MIN(nvme_ns_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all)), len = strlen(dir);
	char seen[64][48];
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++) {
		char path[160], name[48];
		if (!sysfs_block_disk_virtual(k, all[i]->disk_name, path, sizeof(path) - 48))
			continue;
		size_t plen = strlen(path);
		snprintf(path + plen, sizeof(path) - plen, "/%s", all[i]->disk_name);
		if (strncmp(path, dir, len) || path[len] != '/')
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(path + len + 1, "/"), path + len + 1);
		bool dup = false;
		for (size_t j = 0; j < nseen; j++)
			dup |= !strcmp(seen[j], name);
		if (dup)
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
		if (out && sysfs_buf_add_name(out, name))
			return -ENOMEM;
	}
	return nseen ? 0 : -ENOENT;
}

int sysfs_block_disks(struct kernel *k, struct sysfs_buf *out)
{
	struct virtio_blk *all[64];
	size_t cnt = MIN(virtblk_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	for (size_t i = 0; i < cnt; i++)
		if (sysfs_buf_add_name(out, all[i]->disk_name))
			return -ENOMEM;
	struct nvme_ns *ns[64];
	cnt = MIN(nvme_ns_list(k, ns, ARRAY_SIZE(ns)), ARRAY_SIZE(ns));
	for (size_t i = 0; i < cnt; i++)
		if ((ns[i]->mpath_head && sysfs_buf_add_name(out, ns[i]->path_name)) ||
		    sysfs_buf_add_name(out, ns[i]->disk_name))
			return -ENOMEM;
	return 0;
}

int sysfs_block_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->readable = true;
	struct disk_view dv, *v = &dv;
	if (n < 1 || !disk_view(k, c[0], v))
		return -ENOENT;
	if (n >= 2 && !disk_attr_visible(v, c[1]))
		return -ENOENT;
	if (n == 3 && !strcmp(c[1], "queue") && !queue_attr_visible(k, v, c[2]))
		return -ENOENT;
	if (n >= 2 && !strcmp(c[1], "mq"))
		return mq_stat(k, v, c, n, st);
	if (n == 1 || (n == 2 && !strcmp(c[1], "queue"))) {
		st->type = SYSFS_DIR;
		return 0;
	}
	if (n == 2 && !strcmp(c[1], "device")) {
		st->type = SYSFS_LNK;
		return 0;
	}
	if ((n == 2 && in(disk_attrs, ARRAY_SIZE(disk_attrs), c[1])) ||
	    (n == 3 && !strcmp(c[1], "queue") && in(queue_attrs, ARRAY_SIZE(queue_attrs), c[2]))) {
		st->type = SYSFS_REG;
		return 0;
	}
	return -ENOENT;
}

int sysfs_block_list(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_block_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_DIR)
		return -ENOTDIR;
	struct disk_view v;
	disk_view(k, c[0], &v);
	if (n >= 2 && !strcmp(c[1], "mq"))
		return mq_list(k, &v, c, n, out);
	const char *const *names = n == 1 ? disk_attrs : queue_attrs;
	size_t cnt = n == 1 ? ARRAY_SIZE(disk_attrs) : ARRAY_SIZE(queue_attrs);
	for (size_t i = 0; i < cnt; i++) {
		bool shown = n == 1 ? disk_attr_visible(&v, names[i]) : queue_attr_visible(k, &v, names[i]);
		if (shown && sysfs_buf_add_name(out, names[i]))
			return -ENOMEM;
	}
	return 0;
}

int sysfs_block_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_block_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_LNK)
		return -EINVAL;
	/* "device": the virtio device (.../virtioN/block/vda) or the nvme controller */
	struct disk_view v;
	disk_view(k, c[0], &v);
	if (asprintf(&out->text, "%s", v.device_link) < 0) {
		out->text = NULL;
		return -ENOMEM;
	}
	return 0;
}

int sysfs_block_read(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_block_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_REG)
		return -EISDIR;	/* a directory, or the device link followed */
	struct disk_view dv, *v = &dv;
	disk_view(k, c[0], v);
	const struct blk_limits *l = v->lim;
	if (!strcmp(c[1], "mq"))
		return mq_read(k, v, c, out);
	if (n == 2) {
		if (!strcmp(c[1], "size"))
			return set_text(out, "%lu\n", (unsigned long)v->capacity);
		if (!strcmp(c[1], "ro"))
			return set_text(out, "%lu\n", v->ro ? 1ul : 0ul);
		if (!strcmp(c[1], "removable"))
			return set_text(out, "%lu\n", 0);
		/* dev_show(): MAJOR:MINOR of the disk itself (partition 0) */
		if (asprintf(&out->text, "%d:%d\n", v->major, v->minor) < 0) {
			out->text = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	const char *a = c[2];
	/* queue_var_show(): "%lu\n"; the *_kb ones are an int of sectors >> 1 */
	if (!strcmp(a, "nr_requests"))
		return set_text(out, "%lu\n", v->nr_requests);
	if (!strcmp(a, "max_segment_size"))
		return set_text(out, "%lu\n", l->max_segment_size);
	if (!strcmp(a, "max_segments"))
		return set_text(out, "%lu\n", l->max_segments);
	if (!strcmp(a, "max_hw_sectors_kb"))
		return set_text(out, "%lu\n", (unsigned long)(int)(l->max_hw_sectors >> 1));
	if (!strcmp(a, "max_sectors_kb"))
		return set_text(out, "%lu\n", (unsigned long)(int)(l->max_sectors >> 1));
	if (!strcmp(a, "logical_block_size") || !strcmp(a, "hw_sector_size"))
		return set_text(out, "%lu\n", l->logical_block_size);
	if (!strcmp(a, "physical_block_size"))
		return set_text(out, "%lu\n", l->physical_block_size);
	if (!strcmp(a, "minimum_io_size"))
		return set_text(out, "%lu\n", l->io_min);
	if (!strcmp(a, "optimal_io_size"))
		return set_text(out, "%lu\n", l->io_opt);
	/* write_cache */
	out->text = strdup(v->writeback ? "write back\n" : "write through\n");
	return out->text ? 0 : -ENOMEM;
}
