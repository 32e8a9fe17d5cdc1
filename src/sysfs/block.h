/*
 * A disk's directory (a virtio disk's .../virtioN/block/<disk>, an nvme
 * namespace's .../nvme/nvmeX/<disk>) with {dev,device,size,ro,removable,
 * queue/...,mq/...}. c[0..n) are the components from the disk's name on.
 */
#ifndef IOMMUSIM_SYSFS_BLOCK_H
#define IOMMUSIM_SYSFS_BLOCK_H

#include "sysfs/sysfs.h"

struct virtio_blk;

/* the disk called name ("vda"), NULL when none */
struct virtio_blk *sysfs_block_disk(struct kernel *k, const char *name);
/*
 * The device the disk called name hangs under (NULL when no disk has that
 * name), and in subdir the path from that device's directory to the
 * disk's parent directory ("block", "nvme/nvme0").
 */
struct device *sysfs_block_disk_parent(struct kernel *k, const char *name, char *subdir, size_t len);
/*
 * A disk whose directory is deeper below dev than a virtio disk's "block/"
 * (an nvme namespace: "nvme/nvme0"): its name, and that path in subdir;
 * NULL when dev has none.
 */
const char *sysfs_block_disk_below(struct kernel *k, struct device *dev, char *subdir, size_t len);
/*
 * A disk whose directory is under no device of the model but in
 * /sys/devices/virtual (an nvme multipath head): true and that parent
 * directory in dir ("devices/virtual/nvme-subsystem/nvme-subsys0").
 */
bool sysfs_block_disk_virtual(struct kernel *k, const char *name, char *dir, size_t len);
/*
 * The entries of the directory dir ("devices/virtual",
 * ".../nvme-subsystem") on the way to such disks, added to out when not
 * NULL: 0, -ENOENT (no such disk below dir), -ENOMEM.
 */
int sysfs_block_virtual_entries(struct kernel *k, const char *dir, struct sysfs_buf *out);
/* /sys/block's entries: every disk's name. 0, -ENOMEM */
int sysfs_block_disks(struct kernel *k, struct sysfs_buf *out);
/* what the path is: 0 and *st, -ENOENT */
int sysfs_block_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st);
/* -ENOENT, -ENOTDIR (a file) */
int sysfs_block_list(struct kernel *k, char **c, int n, struct sysfs_buf *out);
/* -ENOENT, -EISDIR (a directory or the device link) */
int sysfs_block_read(struct kernel *k, char **c, int n, struct sysfs_buf *out);
/* the "device" link's target; -ENOENT, -EINVAL (not a link) */
int sysfs_block_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out);

#endif
