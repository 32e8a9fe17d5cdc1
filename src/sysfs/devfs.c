/*
 * The nodes of devtmpfs the model keeps: /dev/vfio and what is in it (the
 * container, the groups, 7.3's devices/vfioN cdevs: devtmpfs has the
 * directory while a node is in it), /dev/iommu (src/uapi decides which
 * exist). Character devices are reported as files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sysfs/devfs.h"
#include "uapi/uapi.h"
#include "uapi/iommufd.h"

static bool group_node(struct kernel *k, const char *name)
{
	int ids[256];
	size_t n = vfio_devnode_groups(k, ids, 256);
	char num[16];
	for (size_t i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%d", ids[i]);
		if (!strcmp(num, name))
			return true;
	}
	return false;
}

int devfs_lstat(struct kernel *k, const char *path, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	/* iommufd's misc device */
	if (!strcmp(path, "/dev/iommu") && iommufd_devnode_present(k)) {
		st->type = SYSFS_REG;
		st->readable = st->writable = true;
		return 0;
	}
	if (strncmp(path, "/dev/vfio", 9) || (path[9] && path[9] != '/') || !vfio_devnode_present(k))
		return -ENOENT;
	st->readable = true;
	if (!path[9]) {
		st->type = SYSFS_DIR;
		return 0;
	}
	const char *name = path + 10;
	int cdevs[256];
	size_t ncdevs = vfio_devnode_cdevs(k, cdevs, 256);
	if (!strcmp(name, "devices") && ncdevs) {
		st->type = SYSFS_DIR;
		return 0;
	}
	if (!strncmp(name, "devices/", 8) && ncdevs) {
		char node[32];
		for (size_t i = 0; i < ncdevs && i < 256; i++) {
			snprintf(node, sizeof(node), "vfio%d", cdevs[i]);
			if (!strcmp(node, name + 8)) {
				st->type = SYSFS_REG;
				st->writable = true;
				return 0;
			}
		}
		return -ENOENT;
	}
	if (strcmp(name, "vfio") && !group_node(k, name))
		return -ENOENT;
	st->type = SYSFS_REG;
	st->writable = true;
	return 0;
}

int devfs_list(struct kernel *k, const char *path, struct sysfs_buf *out)
{
	memset(out, 0, sizeof(*out));
	struct sysfs_stat st;
	int ret = devfs_lstat(k, path, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_DIR)
		return -ENOTDIR;
	int cdevs[256];
	size_t ncdevs = vfio_devnode_cdevs(k, cdevs, 256);
	if (!strcmp(path, "/dev/vfio/devices")) {
		char node[32];
		for (size_t i = 0; i < ncdevs && i < 256; i++) {
			snprintf(node, sizeof(node), "vfio%d", cdevs[i]);
			if (sysfs_buf_add_name(out, node))
				return -ENOMEM;
		}
		return 0;
	}
	int ids[256];
	size_t n = vfio_devnode_groups(k, ids, 256);
	char num[16];
	for (size_t i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%d", ids[i]);
		if (sysfs_buf_add_name(out, num))
			return -ENOMEM;
	}
	if (ncdevs && sysfs_buf_add_name(out, "devices"))
		return -ENOMEM;
	return sysfs_buf_add_name(out, "vfio");
}
