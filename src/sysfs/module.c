/*
 * /sys/module/NAME of the loaded modules and of the built-in ones that have
 * an entry (kernel/module/sysfs.c, kernel/params.c, drivers/base/module.c):
 * what a driver directory's "module" link leads to. What each shows is the
 * kernel build's modinfo (src/kconfig): srcversion and version where the
 * module has MODULE_VERSION (a built-in one: version only), import_ns, its
 * parameters with their defaults, drivers/BUS:DRIVER links to the drivers it
 * registered, holders/ links to the modules using it. The model does not list
 * /sys/module itself, nor the ELF notes/ and sections/ of a module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sysfs/module.h"
#include "drivers/drivers.h"
#include "kconfig/kconfig.h"

#define MAX_PARAMS KCONFIG_MODINFO_MAX_PARAMS

static const struct kconfig_modinfo no_modinfo;

/* the files every module has (mod_sysfs_setup(), module_add_modinfo_attrs()) */
static const char *const module_files[] = { "coresize", "initsize", "initstate", "refcnt", "taint" };

static const struct kconfig_modinfo *desc_of(struct kernel *k, const char *name)
{
	const struct kconfig_modinfo *mi = kconfig_find_modinfo(kernel_config(k), name);
	return mi ? mi : &no_modinfo;
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
		const char *mod = driver_module_kobject(k, k->drivers[j]);
		if (mod && kconfig_modname_eq(mod, name) && i-- == 0)
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

static const struct kconfig_modparam *find_param(const struct kconfig_modinfo *d, const char *name)
{
	for (int i = 0; i < MAX_PARAMS && d->params[i].name; i++)
		if (!strcmp(d->params[i].name, name))
			return &d->params[i];
	return NULL;
}

/*
 * The entry of a loaded module or of a built-in one (no ELF, no reference
 * count: only drivers/, parameters/, uevent and version); *builtin says which.
 */
static bool find_module_kobject(struct kernel *k, const char *name, struct module_info *info, bool *builtin)
{
	memset(info, 0, sizeof(*info));
	*builtin = false;
	if (find_loaded(k, name, info))
		return true;
	*builtin = builtin_module_kobject(k, name);
	return *builtin;
}

int sysfs_module_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->readable = true;
	st->type = SYSFS_DIR;
	if (n == 0)
		return 0;
	struct module_info info;
	bool builtin;
	if (!find_module_kobject(k, c[0], &info, &builtin))
		return -ENOENT;
	const struct kconfig_modinfo *d = desc_of(k, c[0]);
	if (n == 1)
		return 0;
	const char *e = c[1];
	if (n == 2) {
		bool file = false;
		for (size_t i = 0; !builtin && i < ARRAY_SIZE(module_files); i++)
			file |= !strcmp(e, module_files[i]);
		file |= d->version && !strcmp(e, "version");
		file |= d->srcversion && !builtin && !strcmp(e, "srcversion");
		file |= d->import_ns && !builtin && !strcmp(e, "import_ns");
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
		if ((!builtin && (!strcmp(e, "holders") || !strcmp(e, "notes") || !strcmp(e, "sections"))) ||
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
		const struct kconfig_modparam *p = find_param(d, c[2]);
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
	bool builtin;
	find_module_kobject(k, c[0], &info, &builtin);
	const struct kconfig_modinfo *d = desc_of(k, c[0]);
	if (n == 1) {
		static const char *const dirs[] = { "drivers", "holders", "import_ns", "notes", "parameters",
						    "sections" };
		static const char *const more[] = { "srcversion", "uevent", "version" };
		for (size_t i = 0; !builtin && i < ARRAY_SIZE(module_files); i++)
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
	bool builtin;
	find_module_kobject(k, c[0], &info, &builtin);
	const struct kconfig_modinfo *d = desc_of(k, c[0]);
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
	if (!strcmp(e, "import_ns"))
		return text(out, d->import_ns);
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

