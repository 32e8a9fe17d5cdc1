/*
 * /sys/module/<module>/... of the loaded modules. c[0..n) are the components
 * after "module".
 */
#ifndef IOMMUSIM_SYSFS_MODULE_H
#define IOMMUSIM_SYSFS_MODULE_H

#include "sysfs/sysfs.h"

/* what the path is: 0 and *st, -ENOENT */
int sysfs_module_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st);
/* -ENOENT, -ENOTDIR, -EOPNOTSUPP (a directory the model does not list) */
int sysfs_module_list(struct kernel *k, char **c, int n, struct sysfs_buf *out);
/* -ENOENT, -EISDIR, -EACCES (uevent: write-only) */
int sysfs_module_read(struct kernel *k, char **c, int n, struct sysfs_buf *out);
/* a holders/ or drivers/ link's target; -ENOENT, -EINVAL (not a link) */
int sysfs_module_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out);

#endif
