/*
 * Drives and block nodes (QEMU 7.2's blockdev.c and block.c, as far as a
 * disk's bytes and its errors go): -drive (and -hda/-cdrom/disk images,
 * which are -drive), -blockdev node graphs as libvirt writes them (a raw
 * format node over a file node), and what a virtio-blk's drive= names.
 * iommusim reads raw images: file, host_device, null-co and raw nodes;
 * other block drivers and image formats are refused as not modelled.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/virt_internal.h"

/* BlockdevDriver of QEMU 7.2 */
static const char *const block_drivers[] = {
	"blkdebug", "blklogwrites", "blkreplay", "blkverify", "bochs", "cloop", "compress",
	"copy-before-write", "copy-on-read", "dmg", "file", "ftp", "ftps", "gluster",
	"host_cdrom", "host_device", "http", "https", "iscsi", "iser", "luks", "nbd", "nfs",
	"null-aio", "null-co", "nvme", "parallels", "preallocate", "qcow", "qcow2", "qed",
	"quorum", "raw", "rbd", "replication", "snapshot-access", "ssh", "throttle", "vdi",
	"vhdx", "vmdk", "vpc", "vvfat", NULL,
};

static const char *const common_keys[] = {
	"driver", "node-name", "discard", "cache.direct", "cache.no-flush", "read-only",
	"auto-read-only", "force-share", "detect-zeroes", NULL,
};
static const char *const file_keys[] = {
	"filename", "pr-manager", "locking", "aio", "aio-max-batch", "drop-cache",
	"x-check-cache-dropped", NULL,
};
static const char *const null_keys[] = { "size", "latency-ns", "read-zeroes", NULL };
static const char *const raw_keys[] = { "file", "offset", "size", NULL };

static bool in_list(const char *const *l, const char *v)
{
	for (; *l; l++)
		if (!strcmp(*l, v))
			return true;
	return false;
}

static bool is_file_driver(const char *d)
{
	return !strcmp(d, "file") || !strcmp(d, "host_device");
}

static bool is_null_driver(const char *d)
{
	return !strcmp(d, "null-co") || !strcmp(d, "null-aio");
}

/* open() as QEMU's raw-posix does: read-write unless read-only */
static int check_open(const char *file, bool readonly, char *msg, size_t msglen)
{
	int fd = open(file, readonly ? O_RDONLY : O_RDWR);

	if (fd < 0) {
		snprintf(msg, msglen, "Could not open '%s': %s", file, strerror(errno));
		return -EINVAL;
	}
	close(fd);
	return 0;
}

static int find_node(const struct qemu_cmdline *cmd, const char *name, size_t before)
{
	for (size_t i = 0; i < before && i < cmd->nblockdevs; i++) {
		const char *n = qemu_opt_get(&cmd->blockdevs[i], "node-name");

		if (n && !strcmp(n, name))
			return (int)i;
	}
	return -1;
}

/* A bool key of a node: keyval strings or JSON booleans. */
static int node_bool(const struct qemu_optlist *l, const char *prefix, const char *key, bool *out,
		     char *msg, size_t msglen)
{
	char k[128];
	const struct qemu_opt *o;
	int b;

	snprintf(k, sizeof(k), "%s%s", prefix, key);
	o = qemu_opt_find(l, k);
	if (!o)
		return 0;
	if (o->type == QOPT_BOOL) {
		*out = !strcmp(o->val, "true");
		return 0;
	}
	if (o->type != QOPT_STR || l->json) {
		snprintf(msg, msglen, "Invalid parameter type for '%s', expected: boolean", k);
		return -EINVAL;
	}
	if (qemu_parse_bool(o->val, &b)) {
		snprintf(msg, msglen, "Parameter '%s' expects 'on' or 'off'", k);
		return -EINVAL;
	}
	*out = b;
	return 0;
}

/*
 * One node (keys under prefix: "" for the node itself, "file." for a child
 * given inline): its driver, keys, and for a raw node its file child. The
 * disk it stands for goes to *file (a host path, or "null-co://").
 */
static int check_node(const struct qemu_cmdline *cmd, const struct qemu_optlist *l, size_t idx,
		      const char *prefix, bool syntax, const char **file, bool *readonly, char *msg, size_t msglen)
{
	size_t pl = strlen(prefix);
	char k[128];
	const char *drv;
	int ret;

	snprintf(k, sizeof(k), "%sdriver", prefix);
	drv = qemu_opt_get(l, k);
	if (!drv) {
		snprintf(msg, msglen, "Parameter '%s' is missing", k);
		return -EINVAL;
	}
	if (!in_list(block_drivers, drv)) {
		snprintf(msg, msglen, "Parameter '%s' does not accept value '%s'", k, drv);
		return -EINVAL;
	}
	if (!is_file_driver(drv) && !is_null_driver(drv) && strcmp(drv, "raw")) {
		if (syntax)
			return 0;	/* its own members are not checked here */
		snprintf(msg, msglen, "block driver '%s' is not modelled (iommusim reads raw images: "
			 "file, host_device, null-co, null-aio and raw nodes)", drv);
		return -EINVAL;
	}
	/* the keys of this node (a raw node's inline file child is checked as its own node) */
	for (size_t i = 0; i < l->nopts; i++) {
		const char *key = l->opts[i].key;

		if (strncmp(key, prefix, pl))
			continue;
		key += pl;
		if (!strcmp(drv, "raw") && !strncmp(key, "file.", 5))
			continue;
		if (in_list(common_keys, key) || (is_file_driver(drv) && in_list(file_keys, key)) ||
		    (is_null_driver(drv) && in_list(null_keys, key)) ||
		    (!strcmp(drv, "raw") && in_list(raw_keys, key)))
			continue;
		snprintf(msg, msglen, "Parameter '%s%s' is unexpected", prefix, key);
		return -EINVAL;
	}
	ret = node_bool(l, prefix, "read-only", readonly, msg, msglen);
	if (ret)
		return ret;
	if (is_file_driver(drv)) {
		snprintf(k, sizeof(k), "%sfilename", prefix);
		*file = qemu_opt_get(l, k);
		if (!*file) {
			snprintf(msg, msglen, "Parameter '%s' is missing", k);
			return -EINVAL;
		}
		return syntax ? 0 : check_open(*file, *readonly, msg, msglen);
	}
	if (is_null_driver(drv)) {
		snprintf(k, sizeof(k), "%ssize", prefix);
		if (!syntax && qemu_opt_get(l, k)) {
			snprintf(msg, msglen, "%s: a null block device's size is not modelled (1 GiB)", k);
			return -EINVAL;
		}
		*file = "null-co://";
		return 0;
	}
	/* raw: offset and size would show a window of the file */
	snprintf(k, sizeof(k), "%soffset", prefix);
	if (!syntax && qemu_opt_get(l, k)) {
		snprintf(msg, msglen, "%s: a raw node's offset is not modelled", k);
		return -EINVAL;
	}
	snprintf(k, sizeof(k), "%ssize", prefix);
	if (!syntax && qemu_opt_get(l, k)) {
		snprintf(msg, msglen, "%s: a raw node's size is not modelled", k);
		return -EINVAL;
	}
	snprintf(k, sizeof(k), "%sfile", prefix);
	{
		const struct qemu_opt *f = qemu_opt_find(l, k);
		char child[128];

		snprintf(child, sizeof(child), "%sfile.driver", prefix);
		if (qemu_opt_get(l, child)) {
			snprintf(child, sizeof(child), "%sfile.", prefix);
			return check_node(cmd, l, idx, child, syntax, file, readonly, msg, msglen);
		}
		if (!f) {
			snprintf(msg, msglen, "Parameter '%s' is missing", k);
			return -EINVAL;
		}
		if (f->type != QOPT_STR) {
			snprintf(msg, msglen, "Invalid parameter type for '%s', expected: string", k);
			return -EINVAL;
		}
		if (syntax)
			return 0;
		{
			int n = find_node(cmd, f->val, idx);
			bool child_ro = false;

			if (n < 0) {
				snprintf(msg, msglen, "Cannot find device='%s' nor node-name='%s'", f->val, f->val);
				return -EINVAL;
			}
			ret = check_node(cmd, &cmd->blockdevs[n], (size_t)n, "", false, file, &child_ro, msg, msglen);
			*readonly = *readonly || child_ro;
			return ret;
		}
	}
}

static int blockdev_disk(const struct qemu_cmdline *cmd, size_t i, const char **file, bool *ro,
			 char *msg, size_t msglen)
{
	*file = NULL;
	*ro = false;
	return check_node(cmd, &cmd->blockdevs[i], i, "", false, file, ro, msg, msglen);
}

int virt_blockdev_syntax(const struct qemu_optlist *l, char *msg, size_t msglen)
{
	const char *file = NULL;
	bool ro = false;

	return check_node(NULL, l, 0, "", true, &file, &ro, msg, msglen);
}

static const char *if_of(const struct qemu_optlist *d)
{
	const char *ifv = qemu_opt_get(d, "if");

	return ifv ? ifv : "virtio";
}

static bool same_if(const struct qemu_optlist *a, const struct qemu_optlist *b)
{
	return !strcmp(if_of(a), if_of(b));
}

/* drive_new(): the interface, its bus/unit, the medium and format */
static int check_drive(const struct qemu_cmdline *cmd, size_t idx, const int *units, int *unit_of,
		       char *msg, size_t msglen)
{
	const struct qemu_optlist *d = &cmd->drives[idx];
	const char *ifv = qemu_opt_get(d, "if"), *media = qemu_opt_get(d, "media");
	const char *fmt = qemu_opt_get(d, "format"), *file = qemu_opt_get(d, "file");
	const char *index_s = qemu_opt_get(d, "index"), *bus_s = qemu_opt_get(d, "bus");
	const char *unit_s = qemu_opt_get(d, "unit"), *ro_s = qemu_opt_get(d, "readonly");
	int index = index_s ? atoi(index_s) : -1, bus = bus_s ? atoi(bus_s) : 0;
	int unit = unit_s ? atoi(unit_s) : -1, b;

	*unit_of = -1;
	/* -drive ids and -blockdev node names share a namespace; the nodes are made first */
	if (qemu_opt_get(d, "id") && find_node(cmd, qemu_opt_get(d, "id"), cmd->nblockdevs) >= 0) {
		snprintf(msg, msglen, "Device name '%s' conflicts with an existing node name", qemu_opt_get(d, "id"));
		return -EINVAL;
	}
	if (!ifv)
		ifv = "virtio";	/* virt's block_default_type */
	/* the image is opened before the interface is looked at */
	if (file && *file && strncmp(file, "null-co://", 10) && !strstr(file, "://") &&
	    strcmp(ifv, "pflash")) {
		const char *snap = qemu_opt_get(d, "snapshot");
		int sb = 0, ret;
		bool snapshot = cmd->snapshot;

		if (snap && !qemu_parse_bool(snap, &sb))
			snapshot = sb;
		ret = check_open(file, snapshot || (ro_s && !qemu_parse_bool(ro_s, &b) && b), msg, msglen);
		if (ret)
			return ret;
	}
	if (strcmp(ifv, "none") && strcmp(ifv, "virtio")) {
		static const char *const others[] = { "ide", "scsi", "floppy", "sd", "mtd", "xen", NULL };

		if (!strcmp(ifv, "pflash")) {
			snprintf(msg, msglen, "if=pflash: firmware boots are not modelled "
				 "(UEFI gives the kernel ACPI, not the DT)");
			return -EINVAL;
		}
		if (!in_list(others, ifv)) {
			snprintf(msg, msglen, "unsupported bus type '%s'", ifv);
			return -EINVAL;
		}
		/* a drive no board device takes: refused once the board is made (drive_check_orphans) */
	}
	if (index >= 0 && (bus_s || unit_s)) {
		snprintf(msg, msglen, "index cannot be used with bus and unit");
		return -EINVAL;
	}
	if (media && strcmp(media, "disk") && strcmp(media, "cdrom")) {
		snprintf(msg, msglen, "'%s' invalid media", media);
		return -EINVAL;
	}
	if (ro_s && qemu_parse_bool(ro_s, &b)) {
		snprintf(msg, msglen, "Parameter 'read-only' expects 'on' or 'off'");
		return -EINVAL;
	}
	if (fmt && strcmp(fmt, "raw")) {
		if (in_list(block_drivers, fmt))
			snprintf(msg, msglen, "format '%s' is not modelled (iommusim reads raw images)", fmt);
		else
			snprintf(msg, msglen, "Unknown driver '%s'", fmt);
		return -EINVAL;
	}
	if (file && strncmp(file, "null-co://", 10) && strstr(file, "://")) {
		snprintf(msg, msglen, "'%s': block protocols other than files and null-co:// are not modelled",
			 file);
		return -EINVAL;
	}
	/* virtio and none have no devices per bus: the index is the unit, on bus 0 */
	if (index >= 0) {
		bus = 0;
		unit = index;
	}
	if (unit < 0) {
		/* the first free unit of this interface */
		for (unit = 0;; unit++) {
			bool used = false;

			for (size_t j = 0; j < idx && !used; j++)
				used = units[j] == unit && same_if(&cmd->drives[j], d);
			if (!used)
				break;
		}
	}
	for (size_t j = 0; j < idx; j++) {
		if (units[j] == unit && bus == 0 && same_if(&cmd->drives[j], d)) {
			snprintf(msg, msglen, "drive with bus=%d, unit=%d (index=%d) exists", bus, unit, index);
			return -EINVAL;
		}
	}
	*unit_of = unit;
	return 0;
}

int virt_drives_check(const struct qemu_cmdline *cmd, char **names, char *err, size_t errlen)
{
	char msg[512];
	int *units = calloc(cmd->ndrives + 1, sizeof(int));

	if (!units)
		return -ENOMEM;
	for (size_t i = 0; i < cmd->nblockdevs; i++) {
		const struct qemu_optlist *l = &cmd->blockdevs[i];
		const char *nn = qemu_opt_get(l, "node-name"), *file;
		bool ro;

		if (!nn) {
			qemu_set_err(err, errlen, "-blockdev %s: 'node-name' must be specified for the root node",
				     l->text);
			free(units);
			return -EINVAL;
		}
		if (!qemu_id_wellformed(nn) || strlen(nn) > 31) {
			qemu_set_err(err, errlen, "-blockdev %s: Invalid node-name: '%s'", l->text, nn);
			free(units);
			return -EINVAL;
		}
		if (find_node(cmd, nn, i) >= 0) {
			qemu_set_err(err, errlen, "-blockdev %s: Duplicate nodes with node-name='%s'", l->text, nn);
			free(units);
			return -EINVAL;
		}
		if (blockdev_disk(cmd, i, &file, &ro, msg, sizeof(msg))) {
			qemu_set_err(err, errlen, "-blockdev %s: %s", l->text, msg);
			free(units);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < cmd->ndrives; i++) {
		const struct qemu_optlist *d = &cmd->drives[i];
		int unit;

		if (check_drive(cmd, i, units, &unit, msg, sizeof(msg))) {
			/* -hda FILE and a bare disk image carry their own text (argi -1) */
			if (d->argi == -1)
				qemu_set_err(err, errlen, "%s: %s", d->text ? d->text : "", msg);
			else
				qemu_set_err(err, errlen, "-drive %s: %s", d->text ? d->text : "", msg);
			free(units);
			return -EINVAL;
		}
		units[i] = unit;
		/* drive_new(): a drive without id is named after its interface and unit */
		if (qemu_opt_get(d, "id")) {
			names[i] = strdup(qemu_opt_get(d, "id"));
		} else {
			/* "-cd"/"-hd" go only into IDE and SCSI drives' names */
			if (asprintf(&names[i], "%s%d", virt_drive_is_virtio(d) ? "virtio" : "none", unit) < 0)
				names[i] = NULL;
		}
		if (!names[i]) {
			free(units);
			return -ENOMEM;
		}
	}
	free(units);
	return 0;
}

int virt_drives_check_orphans(const struct qemu_cmdline *cmd, char *err, size_t errlen)
{
	for (size_t i = 0; i < cmd->ndrives; i++) {
		const struct qemu_optlist *d = &cmd->drives[i];
		const char *ifv = if_of(d), *index_s = qemu_opt_get(d, "index");
		const char *bus_s = qemu_opt_get(d, "bus"), *unit_s = qemu_opt_get(d, "unit");
		int index = index_s ? atoi(index_s) : -1;
		/* floppy and IDE have two units a bus, the others one (virt has none of these buses) */
		int max = !strcmp(ifv, "floppy") || !strcmp(ifv, "ide") ? 2 : !strcmp(ifv, "scsi") ? 7 : 0;
		int bus = bus_s ? atoi(bus_s) : 0, unit = unit_s ? atoi(unit_s) : 0;

		if (!strcmp(ifv, "none") || !strcmp(ifv, "virtio"))
			continue;
		if (index >= 0) {
			bus = max ? index / max : 0;
			unit = max ? index % max : index;
		}
		if (d->argi == -1)
			qemu_set_err(err, errlen, "%s: machine type does not support if=%s,bus=%d,unit=%d",
				     d->text ? d->text : "", ifv, bus, unit);
		else
			qemu_set_err(err, errlen, "-drive %s: machine type does not support if=%s,bus=%d,unit=%d",
				     d->text ? d->text : "", ifv, bus, unit);
		return -EINVAL;
	}
	return 0;
}

bool virt_drive_is_virtio(const struct qemu_optlist *d)
{
	const char *ifv = qemu_opt_get(d, "if");

	return !ifv || !strcmp(ifv, "virtio");
}

int virt_drive_resolve(const struct qemu_cmdline *cmd, char *const *names, const char *name,
		       struct virt_disk *out)
{
	char msg[256];

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < cmd->ndrives; i++) {
		const char *id = names[i];
		const char *ro = qemu_opt_get(&cmd->drives[i], "readonly");
		const char *media = qemu_opt_get(&cmd->drives[i], "media");
		int b = 0;

		if (!id || strcmp(id, name))
			continue;
		out->drive = (int)i;
		out->node = -1;
		out->file = qemu_opt_get(&cmd->drives[i], "file");
		if (out->file && !*out->file)
			out->file = NULL;
		if (!out->file && qemu_opt_get(&cmd->drives[i], "driver") &&
		    !strncmp(qemu_opt_get(&cmd->drives[i], "driver"), "null-", 5))
			out->file = "null-co://";
		out->readonly = (ro && !qemu_parse_bool(ro, &b) && b) || (media && !strcmp(media, "cdrom"));
		{
			const char *snap = qemu_opt_get(&cmd->drives[i], "snapshot");

			out->snapshot = cmd->snapshot;
			if (snap && !qemu_parse_bool(snap, &b))
				out->snapshot = b;
		}
		return 0;
	}
	for (size_t i = 0; i < cmd->nblockdevs; i++) {
		const char *n = qemu_opt_get(&cmd->blockdevs[i], "node-name");

		if (!n || strcmp(n, name))
			continue;
		out->drive = -1;
		out->node = (int)i;
		if (blockdev_disk(cmd, i, &out->file, &out->readonly, msg, sizeof(msg)))
			return -EINVAL;	/* checked before: not reached */
		return 0;
	}
	return -ENOENT;
}
