/*
 * A vfio device's class device below its PCI function
 * (/sys/bus/pci/devices/NAME/vfio-dev/vfioN): vfio_register_group_dev()
 * adds it with the index of vfio.device_ida, on 6.1 and 7.3 alike, while
 * vfio-pci has the function. Its files as the oracles listed them: device
 * (a link to the function), power (runtime PM's five files), subsystem
 * (class/vfio-dev), uevent; with 7.3's VFIO_DEVICE_CDEV also dev, the
 * cdev's number (major 251, as the oracle's iommufd kernel numbered the
 * vfio-dev region; minor the index), and uevent names the node.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sysfs/sysfs.h"
#include "sysfs/vfio_dev.h"
#include "uapi/vfio.h"
#include "kconfig/kconfig.h"

/* the chrdev region "vfio-dev" got on the oracle's iommufd kernel (cat vfio0/dev: 251:0) */
#define VFIO_DEV_MAJOR 251

static const char *const power_files[] = {
	"autosuspend_delay_ms", "control", "runtime_active_time", "runtime_status", "runtime_suspended_time",
};

static struct device *vfio_dev_of(struct kernel *k, const char *name)
{
	for (size_t i = 0; i < k->ndevices; i++)
		if (!strcmp(k->devices[i]->name, name) && vfio_device_index(k, k->devices[i]) >= 0)
			return k->devices[i];
	return NULL;
}

static bool has_devt(struct kernel *k)
{
	return kconfig_enabled(kernel_config(k), KCONFIG_VFIO_DEVICE_CDEV);
}

bool sysfs_vfio_dev_present(const struct device *dev)
{
	return vfio_device_index(dev->k, dev) >= 0;
}

/* c[0]: the function's name, c[1] "vfio-dev", then vfioN and its files */
static int lookup(struct kernel *k, char **c, int n, struct sysfs_stat *st, struct device **out)
{
	memset(st, 0, sizeof(*st));
	struct device *dev = n >= 2 ? vfio_dev_of(k, c[0]) : NULL;
	if (!dev || strcmp(c[1], "vfio-dev"))
		return -ENOENT;
	*out = dev;
	st->readable = true;
	if (n == 2) {
		st->type = SYSFS_DIR;
		return 0;
	}
	char me[24];
	snprintf(me, sizeof(me), "vfio%d", vfio_device_index(k, dev));
	if (strcmp(c[2], me))
		return -ENOENT;
	if (n == 3) {
		st->type = SYSFS_DIR;
		return 0;
	}
	if (n == 4) {
		if (!strcmp(c[3], "device") || !strcmp(c[3], "subsystem")) {
			st->type = SYSFS_LNK;
			return 0;
		}
		if (!strcmp(c[3], "power")) {
			st->type = SYSFS_DIR;
			return 0;
		}
		if (!strcmp(c[3], "uevent") || (!strcmp(c[3], "dev") && has_devt(k))) {
			st->type = SYSFS_REG;
			st->writable = !strcmp(c[3], "uevent");
			return 0;
		}
		return -ENOENT;
	}
	if (n == 5 && !strcmp(c[3], "power")) {
		for (size_t i = 0; i < sizeof(power_files) / sizeof(power_files[0]); i++)
			if (!strcmp(c[4], power_files[i])) {
				st->type = SYSFS_REG;
				return 0;
			}
	}
	return -ENOENT;
}

int sysfs_vfio_dev_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st)
{
	struct device *dev;
	return lookup(k, c, n, st, &dev);
}

int sysfs_vfio_dev_list(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	struct device *dev;
	int ret = lookup(k, c, n, &st, &dev);
	if (ret)
		return ret;
	if (st.type != SYSFS_DIR)
		return -ENOTDIR;
	char me[24];
	snprintf(me, sizeof(me), "vfio%d", vfio_device_index(k, dev));
	if (n == 2)
		return sysfs_buf_add_name(out, me);
	if (n == 3) {
		if (has_devt(k))
			sysfs_buf_add_name(out, "dev");
		sysfs_buf_add_name(out, "device");
		sysfs_buf_add_name(out, "power");
		sysfs_buf_add_name(out, "subsystem");
		return sysfs_buf_add_name(out, "uevent");
	}
	for (size_t i = 0; i < sizeof(power_files) / sizeof(power_files[0]); i++)
		sysfs_buf_add_name(out, power_files[i]);
	return 0;
}

static int emit(struct sysfs_buf *out, const char *s)
{
	out->text = strdup(s);
	return out->text ? 0 : -ENOMEM;
}

int sysfs_vfio_dev_read(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	struct device *dev;
	int ret = lookup(k, c, n, &st, &dev);
	if (ret)
		return ret;
	if (st.type == SYSFS_DIR)
		return -EISDIR;
	int index = vfio_device_index(k, dev);
	char text[96];
	if (!strcmp(c[3], "dev")) {
		snprintf(text, sizeof(text), "%d:%d\n", VFIO_DEV_MAJOR, index);
	} else if (!strcmp(c[3], "uevent")) {
		/* a class device without a devt has an empty uevent */
		if (has_devt(k))
			snprintf(text, sizeof(text), "MAJOR=%d\nMINOR=%d\nDEVNAME=vfio/devices/vfio%d\n", VFIO_DEV_MAJOR,
				 index, index);
		else
			text[0] = '\0';
	} else if (!strcmp(c[4], "autosuspend_delay_ms")) {
		/* no autosuspend on a class device: the show refuses */
		return -EIO;
	} else if (!strcmp(c[4], "control")) {
		snprintf(text, sizeof(text), "auto\n");
	} else if (!strcmp(c[4], "runtime_status")) {
		snprintf(text, sizeof(text), "unsupported\n");
	} else {
		snprintf(text, sizeof(text), "0\n");
	}
	return emit(out, text);
}

int sysfs_vfio_dev_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	struct device *dev;
	int ret = lookup(k, c, n, &st, &dev);
	if (ret)
		return ret;
	if (st.type != SYSFS_LNK)
		return -EINVAL;
	char dir[256], text[384];
	/* device: the function, two directories up */
	if (!strcmp(c[3], "device")) {
		snprintf(text, sizeof(text), "../../../%s", dev->name);
		return emit(out, text);
	}
	/* subsystem: class/vfio-dev, from vfioN (the function's directory, vfio-dev, vfioN) */
	sysfs_device_path(dev, dir, sizeof(dir));
	int depth = 3;
	for (const char *p = dir; *p; p++)
		depth += *p == '/';
	size_t off = 0;
	for (int i = 0; i < depth && off + 3 < sizeof(text); i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "../");
	snprintf(text + off, sizeof(text) - off, "class/vfio-dev");
	return emit(out, text);
}
