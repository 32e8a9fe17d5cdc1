/*
 * A virtio disk's sysfs directory, with the attributes Linux 6.1 shows
 * (block/genhd.c, block/blk-sysfs.c), each "%lu\n" or text as there. The
 * directory lives under its virtio device, .../virtioN/block/vda
 * (device_add_disk() makes the gendisk a child of the device);
 * /sys/block/vda is a link to it (sysfs/sysfs.c renders both).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sysfs/block.h"
#include "drivers/virtio_blk.h"

/* virtio_blk's block major: the first dynamic one (register_blkdev(0) counts down from 254) */
#define VIRTBLK_MAJOR 254
/* PART_BITS: 16 minors a disk */
#define VIRTBLK_PART_BITS 4

static const char *const disk_attrs[] = { "dev", "device", "queue", "removable", "ro", "size" };
static const char *const queue_attrs[] = {
	"hw_sector_size", "logical_block_size", "max_hw_sectors_kb", "max_sectors_kb",
	"max_segment_size", "max_segments", "minimum_io_size", "optimal_io_size",
	"physical_block_size", "write_cache",
};

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

struct virtio_blk *sysfs_block_disk(struct kernel *k, const char *name)
{
	/* only disk names, never the virtioN aliases virtblk_find also accepts */
	struct virtio_blk *v = virtblk_find(k, name);
	return v && !strcmp(v->disk_name, name) ? v : NULL;
}

int sysfs_block_disks(struct kernel *k, struct sysfs_buf *out)
{
	struct virtio_blk *all[64];
	size_t cnt = MIN(virtblk_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	for (size_t i = 0; i < cnt; i++)
		if (sysfs_buf_add_name(out, all[i]->disk_name))
			return -ENOMEM;
	return 0;
}

int sysfs_block_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->readable = true;
	if (n < 1 || !sysfs_block_disk(k, c[0]))
		return -ENOENT;
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
	const char *const *names = n == 1 ? disk_attrs : queue_attrs;
	size_t cnt = n == 1 ? ARRAY_SIZE(disk_attrs) : ARRAY_SIZE(queue_attrs);
	for (size_t i = 0; i < cnt; i++)
		if (sysfs_buf_add_name(out, names[i]))
			return -ENOMEM;
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
	/* "device": the virtio device, three levels up from .../virtioN/block/vda */
	struct virtio_blk *v = sysfs_block_disk(k, c[0]);
	if (asprintf(&out->text, "../../../%s", v->vdev->dev.name) < 0) {
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
	struct virtio_blk *v = sysfs_block_disk(k, c[0]);
	const struct blk_limits *l = &v->lim;
	if (n == 2) {
		if (!strcmp(c[1], "size"))
			return set_text(out, "%lu\n", (unsigned long)v->capacity);
		if (!strcmp(c[1], "ro"))
			return set_text(out, "%lu\n", v->ro ? 1ul : 0ul);
		if (!strcmp(c[1], "removable"))
			return set_text(out, "%lu\n", 0);
		/* dev_show(): MAJOR:MINOR of the disk itself (partition 0) */
		if (asprintf(&out->text, "%d:%d\n", VIRTBLK_MAJOR, v->index << VIRTBLK_PART_BITS) < 0) {
			out->text = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	const char *a = c[2];
	/* queue_var_show(): "%lu\n"; the *_kb ones are an int of sectors >> 1 */
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
