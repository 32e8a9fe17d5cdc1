/*
 * The module loader as the reference init and a script's modprobe/rmmod use
 * it. Which modules exist, what each needs and uses, and which drivers it
 * registers are the kernel configuration's (src/kconfig): a driver whose
 * option is =m registers when its module loads and unregisters when it goes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/drivers.h"
#include "kconfig/kconfig.h"

#define MAX_DEPS KCONFIG_MODULE_MAX_DEPS

struct module_state {
	const struct kernel_config *config;
	/* when each was loaded (0: not loaded): /proc/modules lists the newest first */
	unsigned long *loaded;
	unsigned long next_seq;
	/* try_module_get() references besides the holders' (open files, a VFIO backend in use) */
	unsigned *refs;
};

static struct module_state *mod_state(struct kernel *k)
{
	if (!k->modules) {
		const struct kernel_config *c = kernel_config(k);
		struct module_state *st = calloc(1, sizeof(*st));
		if (!st)
			return NULL;
		st->config = c;
		st->loaded = calloc(c->nmodules ? c->nmodules : 1, sizeof(*st->loaded));
		st->refs = calloc(c->nmodules ? c->nmodules : 1, sizeof(*st->refs));
		if (!st->loaded || !st->refs) {
			free(st->loaded);
			free(st->refs);
			free(st);
			return NULL;
		}
		k->modules = st;
	}
	return k->modules;
}

static const struct kconfig_module *mod(const struct module_state *st, int i)
{
	return &st->config->modules[i];
}

/* modprobe and rmmod treat '-' and '_' alike */
static int find_module(const struct module_state *st, const char *name)
{
	const struct kconfig_module *m = kconfig_find_module(st->config, name);
	return m ? (int)(m - st->config->modules) : -1;
}

/* the module's drivers (the configuration's =m drivers it builds), registered at load */
static void module_drivers(struct kernel *k, const struct module_state *st, int i, bool add)
{
	const struct kernel_config *c = st->config;
	for (size_t d = 0; d < c->ndrivers; d++) {
		const struct kconfig_driver *kd = &c->drivers[d];
		struct device_driver *drv = model_driver(kd->name);
		if (!drv || !kd->module || !kconfig_module(c, kd->symbol) ||
		    !kconfig_modname_eq(kd->module, mod(st, i)->name))
			continue;
		if (add)
			driver_register(k, drv);
		else
			driver_unregister(k, drv);
	}
}

/* init_module(): -EEXIST when loaded already */
static int load_one(struct kernel *k, struct module_state *st, int i)
{
	if (i < 0)
		return -ENOENT;
	if (st->loaded[i])
		return -EEXIST;
	st->loaded[i] = ++st->next_seq;
	if (mod(st, i)->banner)
		kprintf(k, "%s", mod(st, i)->banner);
	module_drivers(k, st, i, true);
	return 0;
}

int modprobe(struct kernel *k, const char *name)
{
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	int i = find_module(st, name);
	if (i < 0)
		/* modules.builtin: nothing to load, and no error */
		return kconfig_module_builtin(st->config, name) ? 0 : -ENOENT;
	int n = 0;
	while (n < MAX_DEPS && mod(st, i)->deps[n])
		n++;
	while (n-- > 0) {
		int ret = load_one(k, st, find_module(st, mod(st, i)->deps[n]));
		if (ret && ret != -EEXIST)
			return ret;
	}
	int ret = load_one(k, st, i);
	return ret == -EEXIST ? 0 : ret;
}

static bool module_in_use(const struct module_state *st, int i)
{
	if (st->refs[i])
		return true;
	for (size_t j = 0; j < st->config->nmodules; j++)
		for (int d = 0; st->loaded[j] && d < MAX_DEPS && mod(st, (int)j)->uses[d]; d++)
			if (!strcmp(mod(st, (int)j)->uses[d], mod(st, i)->name))
				return true;
	return false;
}

static int delete_module(struct kernel *k, struct module_state *st, int i)
{
	if (!st->loaded[i])
		return -ENOENT;
	/* 6.1's delete_module(): a module others use is EWOULDBLOCK */
	if (module_in_use(st, i))
		return -EAGAIN;
	module_drivers(k, st, i, false);
	st->loaded[i] = 0;
	return 0;
}

int module_get(struct kernel *k, const char *name)
{
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	int i = find_module(st, name);
	if (i < 0 || !st->loaded[i])
		return -ENOENT;
	st->refs[i]++;
	return 0;
}

void module_put(struct kernel *k, const char *name)
{
	struct module_state *st = mod_state(k);
	int i = st ? find_module(st, name) : -1;
	if (i >= 0 && st->refs[i])
		st->refs[i]--;
}

int rmmod(struct kernel *k, const char *name)
{
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	/* a built-in one is not in the module list either: -ENOENT */
	int i = find_module(st, name);
	return i < 0 ? -ENOENT : delete_module(k, st, i);
}

int modprobe_remove(struct kernel *k, const char *name)
{
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	int i = find_module(st, name);
	if (i < 0)
		return kconfig_module_builtin(st->config, name) ? -EEXIST : -ENOENT;
	if (st->loaded[i]) {
		int ret = delete_module(k, st, i);
		if (ret)
			return ret;
	}
	/* then what modules.dep lists for it, in its order; one still in use stays, silently */
	for (int d = 0; d < MAX_DEPS && mod(st, i)->deps[d]; d++) {
		int j = find_module(st, mod(st, i)->deps[d]);
		if (j >= 0 && st->loaded[j])
			delete_module(k, st, j);
	}
	return 0;
}

size_t module_list(struct kernel *k, struct module_info *out, size_t max)
{
	struct module_state *st = mod_state(k);
	size_t n = 0;
	if (!st)
		return 0;
	size_t nmod = st->config->nmodules;
	/* newest first, as the kernel adds each module at the head of its list */
	for (unsigned long seq = st->next_seq; seq > 0 && n < max; seq--) {
		for (size_t i = 0; i < nmod; i++) {
			if (st->loaded[i] != seq)
				continue;
			struct module_info *m = &out[n++];
			memset(m, 0, sizeof(*m));
			m->name = mod(st, (int)i)->name;
			m->size = mod(st, (int)i)->size;
			/* its holders, newest first: each took a reference when it loaded */
			for (unsigned long s2 = st->next_seq; s2 > 0; s2--)
				for (size_t j = 0; j < nmod; j++)
					for (int d = 0; st->loaded[j] == s2 && d < MAX_DEPS && mod(st, (int)j)->uses[d]; d++)
						if (!strcmp(mod(st, (int)j)->uses[d], m->name) &&
						    m->nholders < MODULE_MAX_HOLDERS)
							m->holders[m->nholders++] = mod(st, (int)j)->name;
			m->refcnt = (unsigned)m->nholders + st->refs[i];
		}
	}
	return n;
}

void modules_free(struct kernel *k)
{
	struct module_state *st = k->modules;
	if (st) {
		free(st->loaded);
		free(st->refs);
	}
	free(st);
	k->modules = NULL;
}
