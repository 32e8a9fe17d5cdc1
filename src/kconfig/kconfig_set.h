/*
 * Setting the modelled kernel's options (iommusim's --kconfig NAME=VALUE):
 * only the options a kernel's table of settable options lists, each with
 * what it changes in the model. An option the model reads but cannot honour
 * with another value (a driver built in instead of a module changes
 * modules.dep and lsmod, SVA, 16K pages) is refused with the list of the
 * ones it can. Each kernel version has its own table (linux_6_1_settable.c).
 *
 * IOMMUSIM_* options are not Kconfig symbols: they choose between source
 * versions of one kernel (a stable fix present or not), so a user can see
 * both behaviours; the help says so.
 */
#ifndef IOMMUSIM_KCONFIG_KCONFIG_SET_H
#define IOMMUSIM_KCONFIG_KCONFIG_SET_H

#include <stdio.h>
#include "kconfig/kconfig.h"

struct kconfig_settable {
	enum kconfig_symbol symbol;
	/* an INT option's accepted range (Kconfig's "range"), inclusive */
	long min, max;
	/* a member of a Kconfig choice: setting it to y sets the others of the same choice to n */
	int choice;		/* 0: none */
	const char *effect;	/* what the model does differently */
};

/* Kconfig's "depends on" between settable options: option may be y (or m) only while needs is */
struct kconfig_dependency {
	enum kconfig_symbol option, needs;
};

struct kconfig_settables {
	const char *version;	/* the kernel_config's version */
	const struct kconfig_settable *options;
	size_t noptions;
	const struct kconfig_dependency *depends;
	size_t ndepends;
};

extern const struct kconfig_settables linux_6_1_settables, linux_7_3_settables;

/* The settable options of c's kernel version, or NULL when it has none. */
const struct kconfig_settables *kconfig_settables(const struct kernel_config *c);

/*
 * Apply "NAME=VALUE[,NAME=VALUE...]" (NAME with or without CONFIG_; VALUE
 * y, n, m for a tristate, a number for an INT) to c. All or nothing: on an
 * error c is unchanged and err says why, listing the settable options.
 *	-EINVAL: empty, malformed, unknown or not settable, a bad value, a
 *		value out of range, or two settings of one spec that conflict
 *		(the same option twice with different values, two members of
 *		one choice set to y, a choice left with no member y)
 */
int kconfig_set(struct kernel_config *c, const char *spec, char *err, size_t errlen);

/*
 * base (NULL: the reference kernel's) with every settings string applied in
 * order, into out. 0, or kconfig_set()'s -EINVAL with out unspecified; also
 * -EINVAL when, after the last string, an option is enabled while the one it
 * depends on is not (VFIO_DEVICE_CDEV=y without IOMMUFD).
 */
int kconfig_apply_settings(const struct kernel_config *base, const char *const *settings,
			   struct kernel_config *out, char *err, size_t errlen);

/* --kconfig help: every settable option, its value in c, and what it changes. */
void kconfig_print_settable(const struct kernel_config *c, FILE *out);

#endif
