/*
 * The boot summary: what a shell loop over /sys/kernel/iommu_groups and
 * /sys/bus/pci/devices prints, read through the same sysfs paths.
 */
#include <stdlib.h>
#include <string.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
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

void iommusim_print_summary(struct iommusim *sim, FILE *out, bool json)
{
	struct kernel *k = sim->k;
	struct iommu_core *c = iommu_core(k);
	if (json)
		fprintf(out, "{\"groups\":[");
	bool first = true;
	for (size_t g = 0; g < c->ngroups; g++) {
		if (!c->groups[g])
			continue;
		char id[24], path[80];
		snprintf(id, sizeof(id), "%zu", g);
		char *type = read_attr(k, "/sys/kernel/iommu_groups/%s/type%s", id, "");
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", id);
		struct sysfs_buf devs;
		sysfs_list(k, path, &devs);
		if (json) {
			fprintf(out, "%s{\"id\":%zu,\"type\":\"%s\",\"devices\":[", first ? "" : ",", g, type);
			for (size_t i = 0; i < devs.nnames; i++)
				fprintf(out, "%s\"%s\"", i ? "," : "", devs.names[i]);
			fprintf(out, "]}");
		} else {
			fprintf(out, "group %zu type=%s:", g, type);
			for (size_t i = 0; i < devs.nnames; i++)
				fprintf(out, " %s", devs.names[i]);
			fprintf(out, "\n");
		}
		first = false;
		sysfs_buf_free(&devs);
		free(type);
	}
	if (json)
		fprintf(out, "],\"devices\":[");
	struct sysfs_buf devs;
	sysfs_list(k, "/sys/bus/pci/devices", &devs);
	for (size_t i = 0; i < devs.nnames; i++) {
		const char *d = devs.names[i];
		const char *fmt = "/sys/bus/pci/devices/%s/%s";
		char *vendor = read_attr(k, fmt, d, "vendor");
		char *device = read_attr(k, fmt, d, "device");
		char *class = read_attr(k, fmt, d, "class");
		char drv[64], grp[16];
		link_base(k, d, "driver", drv, sizeof(drv));
		link_base(k, d, "iommu_group", grp, sizeof(grp));
		if (json) {
			fprintf(out, "%s{\"name\":\"%s\",\"vendor\":\"%s\",\"device\":\"%s\",\"class\":\"%s\",",
				i ? "," : "", d, vendor, device, class);
			if (drv[0])
				fprintf(out, "\"driver\":\"%s\",", drv);
			else
				fprintf(out, "\"driver\":null,");
			fprintf(out, "\"group\":%s}", grp[0] ? grp : "null");
		} else {
			fprintf(out, "%s vendor=%s device=%s class=%s driver=%s group=%s\n", d, vendor, device,
				class, drv, grp);
		}
		free(vendor);
		free(device);
		free(class);
	}
	sysfs_buf_free(&devs);
	if (json)
		fprintf(out, "]}\n");
}
