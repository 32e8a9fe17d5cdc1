/*
 * The boot summary: what a shell loop over /sys/kernel/iommu_groups and
 * /sys/bus/pci/devices prints, read through the same sysfs paths.
 */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "kversion/answered_by.h"
#include "sysfs/sysfs.h"
#include "iommu/iommu.h"
#include "pci/pci.h"

static char *read_attr(struct kernel *k, const char *fmt, const char *a, const char *b)
{
	char path[256];
	snprintf(path, sizeof(path), fmt, a, b);
	struct sysfs_buf buf;
	if (sysfs_read(k, path, &buf)) {
		sysfs_buf_free(&buf);
		return strdup("");
	}
	char *t = buf.text ? buf.text : strdup("");
	buf.text = NULL;
	sysfs_buf_free(&buf);
	size_t n = strlen(t);
	if (n && t[n - 1] == '\n')
		t[n - 1] = '\0';
	return t;
}

static const char *link_base(struct kernel *k, const char *dev, const char *link, char *buf, size_t len)
{
	char path[256];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dev, link);
	struct sysfs_buf b;
	buf[0] = '\0';
	if (!sysfs_readlink(k, path, &b) && b.text) {
		const char *slash = strrchr(b.text, '/');
		snprintf(buf, len, "%s", slash ? slash + 1 : b.text);
	}
	sysfs_buf_free(&b);
	return buf;
}

/* One device's fields, as read through sysfs. */
struct summary_dev {
	char *vendor, *device, *class;
	char drv[64], grp[16];
};

static void summary_dev_read(struct kernel *k, const char *d, struct summary_dev *s)
{
	const char *fmt = "/sys/bus/pci/devices/%s/%s";
	s->vendor = read_attr(k, fmt, d, "vendor");
	s->device = read_attr(k, fmt, d, "device");
	s->class = read_attr(k, fmt, d, "class");
	link_base(k, d, "driver", s->drv, sizeof(s->drv));
	link_base(k, d, "iommu_group", s->grp, sizeof(s->grp));
}

static void summary_dev_free(struct summary_dev *s)
{
	free(s->vendor);
	free(s->device);
	free(s->class);
}

static json_object *json_str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

/*
 * The groups that exist, in id order, with their type and members, then every
 * PCI device: {"groups":[{id,type,devices}],"devices":[{name,vendor,device,
 * class,driver,group}]}, driver and group null when there is none.
 */
static json_object *summary_json(struct kernel *k)
{
	struct iommu_core *c = iommu_core(k);
	json_object *root = json_object_new_object();
	json_object *groups = json_object_new_array();
	json_object_object_add(root, "groups", groups);
	for (size_t g = 0; g < c->ngroups; g++) {
		if (!c->groups[g])
			continue;
		char id[24], path[80];
		snprintf(id, sizeof(id), "%zu", g);
		char *type = read_attr(k, "/sys/kernel/iommu_groups/%s/type%s", id, "");
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", id);
		struct sysfs_buf devs;
		sysfs_list(k, path, &devs);
		json_object *grp = json_object_new_object();
		json_object *members = json_object_new_array();
		json_object_object_add(grp, "id", json_object_new_int64((int64_t)g));
		json_object_object_add(grp, "type", json_object_new_string(type));
		for (size_t i = 0; i < devs.nnames; i++)
			json_object_array_add(members, json_object_new_string(devs.names[i]));
		json_object_object_add(grp, "devices", members);
		json_object_array_add(groups, grp);
		sysfs_buf_free(&devs);
		free(type);
	}
	json_object *devices = json_object_new_array();
	json_object_object_add(root, "devices", devices);
	struct sysfs_buf devs;
	sysfs_list(k, "/sys/bus/pci/devices", &devs);
	for (size_t i = 0; i < devs.nnames; i++) {
		struct summary_dev s;
		summary_dev_read(k, devs.names[i], &s);
		json_object *d = json_object_new_object();
		json_object_object_add(d, "name", json_object_new_string(devs.names[i]));
		json_object_object_add(d, "vendor", json_object_new_string(s.vendor));
		json_object_object_add(d, "device", json_object_new_string(s.device));
		json_object_object_add(d, "class", json_object_new_string(s.class));
		json_object_object_add(d, "driver", json_str_or_null(s.drv));
		json_object_object_add(d, "group", s.grp[0] ? json_object_new_int64(strtoll(s.grp, NULL, 10)) : NULL);
		json_object_array_add(devices, d);
		summary_dev_free(&s);
	}
	sysfs_buf_free(&devs);
	return root;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v = json_object_object_get(o, key);
	return v ? json_object_get_string(v) : "";
}

/* the text form: one "group N type=T: members" line each, then one line a device */
static void print_text(json_object *root, FILE *out)
{
	json_object *groups = json_object_object_get(root, "groups");
	for (size_t g = 0; g < json_object_array_length(groups); g++) {
		json_object *grp = json_object_array_get_idx(groups, g);
		json_object *members = json_object_object_get(grp, "devices");
		fprintf(out, "group %s type=%s:", field(grp, "id"), field(grp, "type"));
		for (size_t i = 0; i < json_object_array_length(members); i++)
			fprintf(out, " %s", json_object_get_string(json_object_array_get_idx(members, i)));
		fprintf(out, "\n");
	}
	json_object *devices = json_object_object_get(root, "devices");
	for (size_t i = 0; i < json_object_array_length(devices); i++) {
		json_object *d = json_object_array_get_idx(devices, i);
		fprintf(out, "%s vendor=%s device=%s class=%s driver=%s group=%s\n", field(d, "name"),
			field(d, "vendor"), field(d, "device"), field(d, "class"), field(d, "driver"),
			field(d, "group"));
	}
}

void iommusim_print_summary(struct iommusim *sim, FILE *out, bool json)
{
	json_object *root = summary_json(sim->k);
	if (json) {
		json_object_object_add(root, "answered_by", answered_by_json(sim->k));
		fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
									JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		print_text(root, out);
	}
	json_object_put(root);
}
