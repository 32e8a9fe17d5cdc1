/* /sys/bus/pci/devices/NAME/vfio-dev: the vfio device's class device (vfio_dev.c) */
#ifndef IOMMUSIM_SYSFS_VFIO_DEV_H
#define IOMMUSIM_SYSFS_VFIO_DEV_H

#include <stdbool.h>
#include "base/device.h"

struct sysfs_stat;
struct sysfs_buf;

/* vfio has the device registered: its directory has vfio-dev */
bool sysfs_vfio_dev_present(const struct device *dev);
/* a subtree from the function's name on (c[0] NAME, c[1] "vfio-dev", ...) */
int sysfs_vfio_dev_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st);
int sysfs_vfio_dev_list(struct kernel *k, char **c, int n, struct sysfs_buf *out);
int sysfs_vfio_dev_read(struct kernel *k, char **c, int n, struct sysfs_buf *out);
int sysfs_vfio_dev_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out);

#endif
