/*
 * The virtual /sys (and /sys/kernel/debug), rendered from model state on
 * every access with Linux's names and formats. Errors are the errno a real
 * open/read/write would give.
 */
#ifndef IOMMUSIM_SYSFS_SYSFS_H
#define IOMMUSIM_SYSFS_SYSFS_H

#include "base/device.h"

/* A list of directory entries or a file's text, malloc'd. */
struct sysfs_buf {
	char *text;		/* file contents, or NULL */
	size_t len;		/* text's length when it holds binary bytes (a PCI config file); 0: strlen */
	char **names;		/* directory entries */
	size_t nnames;
};

void sysfs_buf_free(struct sysfs_buf *b);
/* Append a directory entry (copied); 0 or -ENOMEM. */
int sysfs_buf_add_name(struct sysfs_buf *b, const char *name);

/* cat: -ENOENT, -ENOTDIR, -EISDIR, -EACCES (write-only attribute) */
int sysfs_read(struct kernel *k, const char *path, struct sysfs_buf *out);
/* ls: -ENOENT, -ENOTDIR; entries sorted as ls sorts them; a device lists its children too */
int sysfs_list(struct kernel *k, const char *path, struct sysfs_buf *out);
/* What lstat() tells of a path: its last component is not followed. */
enum sysfs_type { SYSFS_DIR, SYSFS_REG, SYSFS_LNK };
struct sysfs_stat {
	enum sysfs_type type;
	bool readable, writable;	/* a file with a show, a store */
};
/* lstat: 0, -ENOENT, -ENOTDIR (a component before the last is a file, or "file/") */
int sysfs_lstat(struct kernel *k, const char *path, struct sysfs_stat *st);

/* echo V > path: the store's result (0 or -errno); -EACCES on read-only files */
int sysfs_write(struct kernel *k, const char *path, const char *val);
/* readlink: the relative target, -EINVAL when not a link */
int sysfs_readlink(struct kernel *k, const char *path, struct sysfs_buf *out);

/* A device's directory under /sys/devices, e.g. "devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0" */
int sysfs_device_path(const struct device *dev, char *buf, size_t len);

/*
 * Extra files other layers publish under /sys/kernel/debug/iommusim/...:
 * a read callback for a path prefix. The callback gets the rest of the path.
 */
typedef int (*sysfs_debug_read_fn)(struct kernel *k, const char *rest, struct sysfs_buf *out);
void sysfs_register_debug(const char *name, sysfs_debug_read_fn fn);
/* /sys/kernel/debug/iommusim/smmu: hardware and driver counters of the SMMU */
void smmu_stats_register_debugfs(void);
/* /sys/kernel/debug/iommusim/iommufd: every open iommufd and its objects (iommufd_debugfs.c) */
void iommufd_register_debugfs(void);

/* A PCI function's config file: cfg_size bytes in out->text, out->len set. 0 or -ENOMEM. */
struct pci_dev;
int sysfs_pci_config_read(struct pci_dev *pdev, struct sysfs_buf *out);
/* A PCI function's resource file (resource_show): its lines in out->text. 0 or -ENOMEM. */
int sysfs_pci_resource_read(struct pci_dev *pdev, struct sysfs_buf *out);

#endif
