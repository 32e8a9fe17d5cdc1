/* devtmpfs's /dev/vfio (devfs.c): lstat and ls, as sysfs.h's functions do for /sys. */
#ifndef IOMMUSIM_SYSFS_DEVFS_H
#define IOMMUSIM_SYSFS_DEVFS_H

#include "sysfs/sysfs.h"

/* 0, -ENOENT (not there: no vfio module, no such group node) */
int devfs_lstat(struct kernel *k, const char *path, struct sysfs_stat *st);
/* the entries of /dev/vfio; -ENOENT, -ENOTDIR, -ENOMEM */
int devfs_list(struct kernel *k, const char *path, struct sysfs_buf *out);

#endif
