/* /sys/block/<disk>/{size,ro,removable,queue/...} for the virtio disks. */
#ifndef IOMMUSIM_SYSFS_BLOCK_H
#define IOMMUSIM_SYSFS_BLOCK_H

#include "sysfs/sysfs.h"

/* c[0..n) are the components after "block". -ENOENT, -ENOTDIR (a file) */
int sysfs_block_list(struct kernel *k, char **c, int n, struct sysfs_buf *out);
/* -ENOENT, -EISDIR */
int sysfs_block_read(struct kernel *k, char **c, int n, struct sysfs_buf *out);

#endif
