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
