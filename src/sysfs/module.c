/*
 * /sys/module/NAME of the loaded modules (kernel/module/sysfs.c, kernel/params.c,
 * drivers/base/module.c, 6.1): what a driver directory's "module" link
 * leads to. The entries are Debian's 6.1 arm64 build's, checked on the
 * oracle: srcversion and version where the module has MODULE_VERSION, its
 * parameters with their defaults, drivers/BUS:DRIVER links to the drivers it
 * registered, holders/ links to the modules using it. /sys/module itself
 * also holds every built-in module with parameters: the model does not list
 * it, nor the ELF notes/ and sections/ of a module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sysfs/module.h"
#include "drivers/drivers.h"

#define MAX_PARAMS 4

struct module_param_desc {
	const char *name;
	const char *value;		/* param_get_*() of its default */
	bool writable;			/* mode 0644; else 0444 */
};

struct module_sysfs_desc {
	const char *name;
	const char *srcversion;		/* NULL: no MODULE_VERSION, neither file */
	const char *version;
	struct module_param_desc params[MAX_PARAMS];
};

static const struct module_sysfs_desc descs[] = {
	{ "virtio_pci_modern_dev", "B18FACCF2BA59234D8AC872", "0.1", { { NULL } } },
	{ "virtio_pci_legacy_dev", "B166D1C71CE630F00545238", "0.1", { { NULL } } },
	{ "virtio_pci", "EE09249788678838FC31C8E", "1", { { "force_legacy", "N", false } } },
	{ "virtio_blk", NULL, NULL,
	  { { "num_request_queues", "0", true }, { "poll_queues", "0", true },
	    { "queue_depth", "0", false } } },
	{ "virtio_net", NULL, NULL,
	  { { "csum", "Y", false }, { "gso", "Y", false }, { "napi_tx", "Y", true },
	    { "napi_weight", "64", false } } },
	{ "vfio", "F44179E11F19FFF994DDC6A", "0.3", { { NULL } } },
	{ "vfio_iommu_type1", "96D811079CA7C719196A48A", "0.2",
	  { { "allow_unsafe_interrupts", "N", true }, { "disable_hugepages", "N", true },
	    { "dma_entry_limit", "65535", true } } },
	{ "vfio_virqfd", "D09EB864D2F0945A543E653", "0.1", { { NULL } } },
	{ "vfio_pci", NULL, NULL,
	  { { "disable_denylist", "N", false }, { "disable_idle_d3", "N", true },
	    { "enable_sriov", "N", true }, { "nointxmask", "N", true } } },
};

static const struct module_sysfs_desc no_desc;

/* the files every module has (mod_sysfs_setup(), module_add_modinfo_attrs()) */
static const char *const module_files[] = { "coresize", "initsize", "initstate", "refcnt", "taint" };

static const struct module_sysfs_desc *desc_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(descs); i++)
		if (!strcmp(descs[i].name, name))
			return &descs[i];
	return &no_desc;
}

/* a line of text, or a number as "%lu\n" */
static int text(struct sysfs_buf *out, const char *s)
{
	if (asprintf(&out->text, "%s\n", s) < 0) {
		out->text = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int number(struct sysfs_buf *out, unsigned long v)
{
	if (asprintf(&out->text, "%lu\n", v) < 0) {
		out->text = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* the loaded module called name, *info filled */
static bool find_loaded(struct kernel *k, const char *name, struct module_info *info)
{
	struct module_info all[32];
	size_t n = MIN(module_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(all[i].name, name)) {
			*info = all[i];
			return true;
		}
	}
	return false;
}

/* the i-th driver the module registered, NULL past the last */
static struct device_driver *module_driver(struct kernel *k, const char *name, size_t i)
{
	for (size_t j = 0; j < k->ndrivers; j++) {
		const char *mod = driver_module(k, k->drivers[j]);
		if (mod && !strcmp(mod, name) && i-- == 0)
			return k->drivers[j];
	}
	return NULL;
}

/* "BUS:DRIVER", the name module_add_driver() gives the link */
static void driver_link_name(const struct device_driver *drv, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", drv->bus->name, drv->name);
}

static struct device_driver *find_driver_link(struct kernel *k, const char *mod, const char *link)
{
	char name[128];
	struct device_driver *drv;
	for (size_t i = 0; (drv = module_driver(k, mod, i)); i++) {
		driver_link_name(drv, name, sizeof(name));
		if (!strcmp(name, link))
			return drv;
	}
	return NULL;
}

static const struct module_param_desc *find_param(const struct module_sysfs_desc *d, const char *name)
{
	for (int i = 0; i < MAX_PARAMS && d->params[i].name; i++)
		if (!strcmp(d->params[i].name, name))
			return &d->params[i];
	return NULL;
}

int sysfs_module_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->readable = true;
	st->type = SYSFS_DIR;
	if (n == 0)
		return 0;
	struct module_info info;
	if (!find_loaded(k, c[0], &info))
		return -ENOENT;
	const struct module_sysfs_desc *d = desc_of(c[0]);
	if (n == 1)
		return 0;
	const char *e = c[1];
	if (n == 2) {
		bool file = false;
		for (size_t i = 0; i < ARRAY_SIZE(module_files); i++)
			file |= !strcmp(e, module_files[i]);
		file |= d->srcversion && (!strcmp(e, "srcversion") || !strcmp(e, "version"));
		if (file) {
			st->type = SYSFS_REG;
			return 0;
		}
		if (!strcmp(e, "uevent")) {
			st->type = SYSFS_REG;
			st->readable = false;
			st->writable = true;
			return 0;
		}
		if (!strcmp(e, "holders") || !strcmp(e, "notes") || !strcmp(e, "sections") ||
		    (!strcmp(e, "parameters") && d->params[0].name) ||
		    (!strcmp(e, "drivers") && module_driver(k, c[0], 0)))
			return 0;
		return -ENOENT;
	}
	if (n != 3)
		return -ENOENT;
	if (!strcmp(e, "holders")) {
		for (int i = 0; i < info.nholders; i++) {
			if (!strcmp(info.holders[i], c[2])) {
				st->type = SYSFS_LNK;
				return 0;
			}
		}
	} else if (!strcmp(e, "drivers") && find_driver_link(k, c[0], c[2])) {
		st->type = SYSFS_LNK;
		return 0;
	} else if (!strcmp(e, "parameters")) {
		const struct module_param_desc *p = find_param(d, c[2]);
		if (p) {
			st->type = SYSFS_REG;
			st->writable = p->writable;
			return 0;
		}
	}
	return -ENOENT;
}

int sysfs_module_list(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_module_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_DIR)
		return -ENOTDIR;
	if (n == 0)
		return -EOPNOTSUPP;	/* the built-in modules too */
	struct module_info info;
	find_loaded(k, c[0], &info);
	const struct module_sysfs_desc *d = desc_of(c[0]);
	if (n == 1) {
		static const char *const dirs[] = { "drivers", "holders", "notes", "parameters", "sections" };
		static const char *const more[] = { "srcversion", "uevent", "version" };
		for (size_t i = 0; i < ARRAY_SIZE(module_files); i++)
			if ((ret = sysfs_buf_add_name(out, module_files[i])))
				return ret;
		for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
			char *one[2] = { c[0], (char *)dirs[i] };
			if (!sysfs_module_stat(k, one, 2, &st) && (ret = sysfs_buf_add_name(out, dirs[i])))
				return ret;
		}
		for (size_t i = 0; i < ARRAY_SIZE(more); i++) {
			char *one[2] = { c[0], (char *)more[i] };
			if (!sysfs_module_stat(k, one, 2, &st) && (ret = sysfs_buf_add_name(out, more[i])))
				return ret;
		}
		return 0;
	}
	const char *e = c[1];
	if (!strcmp(e, "holders")) {
		for (int i = 0; i < info.nholders; i++)
			if ((ret = sysfs_buf_add_name(out, info.holders[i])))
				return ret;
	} else if (!strcmp(e, "drivers")) {
		struct device_driver *drv;
		char name[128];
		for (size_t i = 0; (drv = module_driver(k, c[0], i)); i++) {
			driver_link_name(drv, name, sizeof(name));
			if ((ret = sysfs_buf_add_name(out, name)))
				return ret;
		}
	} else if (!strcmp(e, "parameters")) {
		for (int i = 0; i < MAX_PARAMS && d->params[i].name; i++)
			if ((ret = sysfs_buf_add_name(out, d->params[i].name)))
				return ret;
	} else {
		return -EOPNOTSUPP;	/* notes/, sections/: the module's ELF layout */
	}
	return 0;
}

int sysfs_module_read(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_module_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_REG)
		return -EISDIR;
	if (!st.readable)
		return -EACCES;
	struct module_info info;
	find_loaded(k, c[0], &info);
	const struct module_sysfs_desc *d = desc_of(c[0]);
	if (n == 3)
		return text(out, find_param(d, c[2])->value);
	const char *e = c[1];
	if (!strcmp(e, "coresize"))
		return number(out, info.size);
	if (!strcmp(e, "initsize"))
		return number(out, 0);	/* the init sections are freed once it is live */
	if (!strcmp(e, "initstate"))
		return text(out, "live");
	if (!strcmp(e, "refcnt"))
		return number(out, info.refcnt);
	if (!strcmp(e, "taint"))
		return text(out, "");
	return text(out, !strcmp(e, "srcversion") ? d->srcversion : d->version);
}

int sysfs_module_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out)
{
	struct sysfs_stat st;
	int ret = sysfs_module_stat(k, c, n, &st);
	if (ret)
		return ret;
	if (st.type != SYSFS_LNK)
		return -EINVAL;
	struct device_driver *drv = find_driver_link(k, c[0], c[2]);
	int r = !strcmp(c[1], "holders") || !drv
			? asprintf(&out->text, "../../%s", c[2])
			: asprintf(&out->text, "../../../bus/%s/drivers/%s", drv->bus->name, drv->name);
	if (r < 0)
		out->text = NULL;
	return r < 0 ? -ENOMEM : 0;
}

