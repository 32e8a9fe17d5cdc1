/* The public side of --kconfig: what can be set, and to what (kconfig_set.h). */
#include <errno.h>
#include "iommusim/iommusim.h"
#include "kconfig/kconfig_set.h"
#include "kversion/linux_version.h"

int iommusim_kconfig_help(const char *const *kconfig, FILE *out, char *err, size_t errlen)
{
	struct iommusim_options opts = { .kconfig = kconfig };
	return iommusim_kconfig_help_for(&opts, out, err, errlen);
}

int iommusim_kconfig_help_for(const struct iommusim_options *opts, FILE *out, char *err, size_t errlen)
{
	const char *name = opts ? opts->linux_version : NULL;
	const struct linux_version *v = name ? linux_version_find(name) : linux_version_default();
	if (!v) {
		snprintf(err, errlen, "--linux %s: not a version iommusim models", name);
		return -EINVAL;
	}
	struct kernel_config c;
	int r = kconfig_apply_settings(v->config, opts ? opts->kconfig : NULL, &c, err, errlen);
	if (r)
		return r;
	kconfig_print_settable(&c, out);
	return 0;
}
