/*
 * /sys/kernel/debug/iommusim/groups: every IOMMU group with its DMA
 * ownership (owner_cnt, and whether user space or the kernel owns it) and
 * the domain it is attached to against its default one. Seed 002's question
 * ("why is this group not viable?") is answered by the owner count here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "iommu/iommu.h"
#include "iommu/group_debugfs.h"
#include "sysfs/sysfs.h"

static const char *domain_name(const struct iommu_group *g, const struct iommu_domain *d)
{
	if (!d)
		return "none";
	if (d == g->default_domain)
		return "default";
	if (d == g->blocking_domain)
		return "blocking";
	return "other";
}

static int groups_show(struct kernel *k, const char *rest, struct sysfs_buf *out)
{
	if (rest && *rest)
		return -ENOENT;
	struct iommu_core *c = iommu_core(k);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f || !c) {
		if (f)
			fclose(f);
		free(buf);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		struct iommu_group *g = c->groups[i];
		if (!g)
			continue;
		fprintf(f, "group %d owner_cnt %u owner %s domain %s (%s) default %s devices", g->id,
			g->owner_cnt, g->owner ? "user" : g->owner_cnt ? "kernel" : "none",
			domain_name(g, g->domain), iommu_domain_type_sysfs(g->domain),
			iommu_domain_type_sysfs(g->default_domain));
		for (size_t j = 0; j < g->ndevices; j++)
			fprintf(f, " %s", g->devices[j]->name);
		fputc('\n', f);
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	out->text = buf;
	return 0;
}

void iommu_group_debugfs_init(void)
{
	sysfs_register_debug("groups", groups_show);
}
