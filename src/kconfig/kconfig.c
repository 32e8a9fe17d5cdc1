/* Reading a kernel configuration table (kconfig.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kconfig/kconfig.h"
#include "base/device.h"
#include "base/page_alloc.h"

static const struct kernel_config *const tables[] = { &linux_6_1_config, &linux_7_3_config };

static const struct {
	const char *name;
	enum kconfig_kind kind;
} symbols[KCONFIG_NR_SYMBOLS] = {
#define KCONFIG_INFO(n, k) [KCONFIG_##n] = { #n, KCONFIG_##k },
	KCONFIG_SYMBOLS(KCONFIG_INFO)
#undef KCONFIG_INFO
};

const struct kernel_config *kconfig_default(void)
{
	return &linux_6_1_config;
}

const struct kernel_config *kconfig_find(const char *version)
{
	for (size_t i = 0; version && i < sizeof(tables) / sizeof(tables[0]); i++)
		if (!strcmp(tables[i]->version, version))
			return tables[i];
	return NULL;
}

const struct kernel_config *kernel_config(const struct kernel *k)
{
	return k && k->config ? k->config : kconfig_default();
}

const char *kconfig_symbol_name(enum kconfig_symbol s)
{
	return s < KCONFIG_NR_SYMBOLS ? symbols[s].name : "?";
}

enum kconfig_kind kconfig_symbol_kind(enum kconfig_symbol s)
{
	return s < KCONFIG_NR_SYMBOLS ? symbols[s].kind : KCONFIG_BOOL;
}

static char state(const struct kernel_config *c, enum kconfig_symbol s)
{
	return c && s < KCONFIG_NR_SYMBOLS ? c->values[s].state : 0;
}

bool kconfig_enabled(const struct kernel_config *c, enum kconfig_symbol s)
{
	return state(c, s) == 'y' || state(c, s) == 'm';
}

bool kconfig_builtin(const struct kernel_config *c, enum kconfig_symbol s)
{
	return state(c, s) == 'y';
}

bool kconfig_module(const struct kernel_config *c, enum kconfig_symbol s)
{
	return state(c, s) == 'm';
}

long kconfig_number(const struct kernel_config *c, enum kconfig_symbol s)
{
	return state(c, s) == 'y' ? c->values[s].number : 0;
}

bool kconfig_modname_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return false;
	return !*a && !*b;
}

const struct kconfig_module *kconfig_find_module(const struct kernel_config *c, const char *name)
{
	for (size_t i = 0; c && name && i < c->nmodules; i++)
		if (kconfig_modname_eq(c->modules[i].name, name))
			return &c->modules[i];
	return NULL;
}

bool kconfig_module_builtin(const struct kernel_config *c, const char *name)
{
	for (const char *const *b = c && name ? c->builtin : NULL; b && *b; b++)
		if (kconfig_modname_eq(*b, name))
			return true;
	return false;
}

const struct kconfig_modinfo *kconfig_find_modinfo(const struct kernel_config *c, const char *name)
{
	for (size_t i = 0; c && name && i < c->nmodinfo; i++)
		if (kconfig_modname_eq(c->modinfo[i].name, name))
			return &c->modinfo[i];
	return NULL;
}

const char *kconfig_driver_modname(const struct kconfig_driver *d)
{
	return d->module ? d->module : d->modname;
}

int kconfig_check(const struct kernel_config *c, char *err, size_t errlen)
{
	for (int s = 0; s < KCONFIG_NR_SYMBOLS; s++) {
		char st = c->values[s].state;
		bool ok = symbols[s].kind == KCONFIG_TRISTATE ? st == 'y' || st == 'm' || st == 'n'
							      : st == 'y' || st == 'n';
		if (!ok) {
			snprintf(err, errlen, "Linux %s's configuration gives CONFIG_%s no value", c->version,
				 symbols[s].name);
			return -EINVAL;
		}
	}
	/* PAGE_SIZE is a constant of the model, as of a kernel build */
	if (kconfig_number(c, KCONFIG_ARM64_PAGE_SHIFT) != PAGE_SHIFT) {
		snprintf(err, errlen, "Linux %s: CONFIG_ARM64_PAGE_SHIFT=%ld is not modelled (4K pages only)",
			 c->version, kconfig_number(c, KCONFIG_ARM64_PAGE_SHIFT));
		return -EINVAL;
	}
	if (kconfig_enabled(c, KCONFIG_ARM_SMMU_V3_SVA)) {
		snprintf(err, errlen, "Linux %s: CONFIG_ARM_SMMU_V3_SVA=y is not modelled", c->version);
		return -EINVAL;
	}
	int choices = kconfig_enabled(c, KCONFIG_IOMMU_DEFAULT_DMA_STRICT) +
		      kconfig_enabled(c, KCONFIG_IOMMU_DEFAULT_DMA_LAZY) +
		      kconfig_enabled(c, KCONFIG_IOMMU_DEFAULT_PASSTHROUGH);
	if (choices != 1) {
		snprintf(err, errlen, "Linux %s: exactly one of CONFIG_IOMMU_DEFAULT_{DMA_STRICT,DMA_LAZY,PASSTHROUGH} must be y",
			 c->version);
		return -EINVAL;
	}
	return 0;
}
