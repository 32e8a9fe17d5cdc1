/*
 * iommusim-summary: the boot summary `iommusim boot` prints, read from a real
 * kernel's sysfs. Groups in numeric order with their devices sorted by name,
 * then every PCI function with its IDs, class, bound driver and group.
 * Runs inside the oracle's guest (static arm64 binary).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct names {
	char **v;
	size_t n;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_number(const void *a, const void *b)
{
	long x = strtol(*(char *const *)a, NULL, 10), y = strtol(*(char *const *)b, NULL, 10);
	return (x > y) - (x < y);
}

/* The entries of a directory (no dot files), sorted; an absent one is empty. */
static struct names list_dir(const char *path, int (*cmp)(const void *, const void *))
{
	struct names l = { 0 };
	DIR *d = opendir(path);
	if (!d)
		return l;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char **v = realloc(l.v, (l.n + 1) * sizeof(*v));
		if (!v)
			break;
		l.v = v;
		l.v[l.n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(l.v, l.n, sizeof(*l.v), cmp);
	return l;
}

static void free_names(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* First line of a sysfs attribute without its newline; "" when unreadable. */
static void read_attr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The last component of a symlink's target; "" when there is no link. */
static void link_base(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	buf[0] = '\0';
	if (n < 0)
		return;
	target[n] = '\0';
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	size_t m = strlen(base);
	if (m >= len)
		m = len - 1;
	memcpy(buf, base, m);
	buf[m] = '\0';
}

int main(void)
{
	char path[PATH_MAX], type[64];
	struct names groups = list_dir("/sys/kernel/iommu_groups", by_number);
	for (size_t g = 0; g < groups.n; g++) {
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type", groups.v[g]);
		read_attr(path, type, sizeof(type));
		printf("group %s type=%s:", groups.v[g], type);
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", groups.v[g]);
		struct names devs = list_dir(path, by_name);
		for (size_t i = 0; i < devs.n; i++)
			printf(" %s", devs.v[i]);
		printf("\n");
		free_names(&devs);
	}
	free_names(&groups);

	struct names pci = list_dir("/sys/bus/pci/devices", by_name);
	for (size_t i = 0; i < pci.n; i++) {
		static const char *const attrs[] = { "vendor", "device", "class" };
		char val[3][32], drv[256], grp[32];
		for (int a = 0; a < 3; a++) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", pci.v[i], attrs[a]);
			read_attr(path, val[a], sizeof(val[a]));
		}
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pci.v[i]);
		link_base(path, drv, sizeof(drv));
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", pci.v[i]);
		link_base(path, grp, sizeof(grp));
		printf("%s vendor=%s device=%s class=%s driver=%s group=%s\n", pci.v[i], val[0], val[1],
		       val[2], drv, grp);
	}
	free_names(&pci);
	return 0;
}
