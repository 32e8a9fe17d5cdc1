/*
 * /sys/class/scsi_host (drivers/scsi/scsi_sysfs.c, 6.1): one link per host
 * to its class device below the host device, and the host attributes
 * (scsi_sysfs_shost_attrs) read through it. Components arrive from after
 * "class" on (/sys/class lists the classes the model has), or from the
 * host device's name on (.../hostN/scsi_host/hostN/...).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "drivers/scsi.h"
#include "sysfs/sysfs.h"

static const char *const shost_files[] = {
	"active_mode", "can_queue", "cmd_per_lun", "eh_deadline", "host_busy", "host_reset",
	"nr_hw_queues", "proc_name", "prot_capabilities", "prot_guard_type", "scan", "sg_prot_tablesize",
	"sg_tablesize", "state", "supported_mode", "uevent", "unique_id", "use_blk_mq",
};

/* store-only attributes */
static bool write_only(const char *name)
{
	return !strcmp(name, "host_reset") || !strcmp(name, "scan") || !strcmp(name, "uevent");
}

static bool is_shost_file(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(shost_files); i++)
		if (!strcmp(shost_files[i], name))
			return true;
	return false;
}

/*
 * Two shapes: the class directory ("scsi_host", HOST, ATTR: HOST is a link)
 * and the class device below the host device (HOST, "scsi_host", HOST,
 * ATTR: directories). *attr gets the attribute's index in c, or -1.
 */
static int lookup(struct kernel *k, char **c, int n, struct sysfs_stat *st, int *attr)
{
	memset(st, 0, sizeof(*st));
	st->readable = true;
	st->type = SYSFS_DIR;
	*attr = -1;
	if (n == 0)	/* /sys/class itself */
		return 0;
	if (!scsi_bus_registered(k))
		return -ENOENT;
	bool cls = !strcmp(c[0], "scsi_host");
	if (cls) {
		if (n == 1)
			return 0;
		if (!scsi_host_lookup(k, c[1]))
			return -ENOENT;
		if (n == 2) {
			st->type = SYSFS_LNK;
			return 0;
		}
		if (n > 3)
			return -ENOENT;
		*attr = 2;
	} else {
		if (n < 2 || strcmp(c[1], "scsi_host") || !scsi_host_lookup(k, c[0]))
			return -ENOENT;
		if (n == 2)
			return 0;
		if (strcmp(c[2], c[0]))
			return -ENOENT;
		if (n == 3)
			return 0;
		if (n > 4)
			return -ENOENT;
		*attr = 3;
	}
	const char *a = c[*attr];
	if (!is_shost_file(a))
		return -ENOENT;
	st->type = SYSFS_REG;
	st->readable = !write_only(a);
	st->writable = write_only(a) || !strcmp(a, "eh_deadline") || !strcmp(a, "state");
	return 0;
}

int sysfs_scsi_host_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st)
{
	int attr;
	return lookup(k, c, n, st, &attr);
}

int sysfs_scsi_host_list(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_scsi_host_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_DIR)
		return -ENOTDIR;
	if (n == 0) {
		if (scsi_bus_registered(k))
			sysfs_buf_add_name(out, "scsi_host");
		return 0;
	}
	if (n == 1 && !strcmp(c[0], "scsi_host")) {
		for (size_t i = 0; i < k->ndevices; i++) {
			struct device *d = k->devices[i];
			if (d->bus == &scsi_bus_type && !strncmp(d->name, "host", 4))
				sysfs_buf_add_name(out, d->name);
		}
		return 0;
	}
	if (n == 2) {
		/* the host device's scsi_host directory: its class device */
		sysfs_buf_add_name(out, c[0]);
		return 0;
	}
	/* the class device's directory */
	for (size_t i = 0; i < ARRAY_SIZE(shost_files); i++)
		sysfs_buf_add_name(out, shost_files[i]);
	sysfs_buf_add_name(out, "device");
	sysfs_buf_add_name(out, "power");
	sysfs_buf_add_name(out, "subsystem");
	return 0;
}

static int number(struct sysfs_buf *out, long v)
{
	return asprintf(&out->text, "%ld\n", v) < 0 ? (out->text = NULL, -ENOMEM) : 0;
}

static int str(struct sysfs_buf *out, const char *s)
{
	return asprintf(&out->text, "%s\n", s) < 0 ? (out->text = NULL, -ENOMEM) : 0;
}

int sysfs_scsi_host_read(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int attr;
	int ret = lookup(k, c, n, &st, &attr);
	if (ret)
		return ret;
	if (st.type != SYSFS_REG)
		return -EISDIR;
	if (!st.readable)
		return -EACCES;
	const struct Scsi_Host *sh = scsi_host_lookup(k, c[attr - 1]);
	const char *a = c[attr];
	if (!strcmp(a, "proc_name"))
		return str(out, sh->hostt->proc_name);
	if (!strcmp(a, "nr_hw_queues"))
		return number(out, sh->nr_hw_queues);
	if (!strcmp(a, "can_queue"))
		return number(out, sh->can_queue);
	if (!strcmp(a, "cmd_per_lun"))
		return number(out, sh->cmd_per_lun);
	if (!strcmp(a, "sg_tablesize"))
		return number(out, sh->sg_tablesize);
	if (!strcmp(a, "state"))
		return str(out, "running");
	if (!strcmp(a, "supported_mode") || !strcmp(a, "active_mode"))
		return str(out, "Initiator");
	if (!strcmp(a, "eh_deadline"))
		return str(out, "off");
	if (!strcmp(a, "use_blk_mq"))
		return number(out, 1);
	/* unique_id, host_busy, sg_prot_tablesize, prot_capabilities, prot_guard_type */
	return number(out, 0);
}

int sysfs_scsi_host_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_scsi_host_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_LNK)
		return -EINVAL;
	const struct Scsi_Host *sh = scsi_host_lookup(k, c[1]);
	char dir[256];
	sysfs_device_path(&sh->shost_gendev, dir, sizeof(dir));
	return asprintf(&out->text, "../../%s/scsi_host/%s", dir, sh->shost_gendev.name) < 0 ? -ENOMEM : 0;
}

/* --- a scsi_device's attributes (scsi_sdev_attrs), from its name on: NAME, ATTR --- */

static const char *const sdev_files[] = {
	"device_blocked", "device_busy", "eh_timeout", "iocounterbits", "modalias", "model",
	"queue_depth", "rev", "scsi_level", "state", "timeout", "type", "vendor",
};

static struct scsi_device *sdev_lookup(struct kernel *k, const char *name)
{
	struct device *dev = bus_find_device_by_name(k, &scsi_bus_type, name);
	if (!dev || !strncmp(dev->name, "host", 4) || !strncmp(dev->name, "target", 6))
		return NULL;
	/* the device is the first member of its scsi_device */
	return (struct scsi_device *)dev;
}

bool sysfs_scsi_sdev_attr(const struct device *dev, const char *name)
{
	if (dev->bus != &scsi_bus_type || !sdev_lookup(dev->k, dev->name))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(sdev_files); i++)
		if (!strcmp(sdev_files[i], name))
			return true;
	return false;
}

int sysfs_scsi_sdev_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (n != 2 || !sdev_lookup(k, c[0]))
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(sdev_files); i++) {
		if (!strcmp(sdev_files[i], c[1])) {
			st->type = SYSFS_REG;
			st->readable = true;
			st->writable = !strcmp(c[1], "queue_depth") || !strcmp(c[1], "state") ||
				       !strcmp(c[1], "timeout") || !strcmp(c[1], "eh_timeout");
			return 0;
		}
	}
	return -ENOENT;
}

int sysfs_scsi_sdev_list(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	(void)k;
	(void)c;
	(void)n;
	(void)out;
	return -ENOTDIR;
}

int sysfs_scsi_sdev_read(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_scsi_sdev_stat(k, c, n, &st);
	if (ret)
		return ret;
	const struct scsi_device *s = sdev_lookup(k, c[0]);
	const char *a = c[1];
	int r;
	if (!strcmp(a, "vendor"))
		r = asprintf(&out->text, "%.8s\n", s->vendor);
	else if (!strcmp(a, "model"))
		r = asprintf(&out->text, "%.16s\n", s->model);
	else if (!strcmp(a, "rev"))
		r = asprintf(&out->text, "%.4s\n", s->rev);
	else if (!strcmp(a, "type"))
		r = asprintf(&out->text, "%d\n", s->type);
	else if (!strcmp(a, "scsi_level"))
		r = asprintf(&out->text, "%d\n", s->scsi_level);
	else if (!strcmp(a, "queue_depth"))
		r = asprintf(&out->text, "%u\n", s->queue_depth);
	else if (!strcmp(a, "state"))
		r = asprintf(&out->text, "running\n");
	else if (!strcmp(a, "modalias"))
		r = asprintf(&out->text, "scsi:t-0x%02x\n", s->type);
	else if (!strcmp(a, "timeout"))
		r = asprintf(&out->text, "30\n");	/* SD_TIMEOUT: the block queue's default rq_timeout */
	else if (!strcmp(a, "eh_timeout"))
		r = asprintf(&out->text, "10\n");	/* SCSI_DEFAULT_EH_TIMEOUT */
	else if (!strcmp(a, "iocounterbits"))
		r = asprintf(&out->text, "32\n");
	else	/* device_blocked, device_busy: nothing in flight */
		r = asprintf(&out->text, "0\n");
	if (r < 0) {
		out->text = NULL;
		return -ENOMEM;
	}
	return 0;
}

int sysfs_scsi_sdev_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	(void)out;
	struct sysfs_stat st;
	int ret = sysfs_scsi_sdev_stat(k, c, n, &st);
	return ret ? ret : -EINVAL;
}
