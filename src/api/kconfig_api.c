/* The public side of --kconfig: what can be set, and to what (kconfig_set.h). */
#include "iommusim/iommusim.h"
#include "kconfig/kconfig_set.h"

int iommusim_kconfig_help(const char *const *kconfig, FILE *out, char *err, size_t errlen)
{
	struct kernel_config c;
	int r = kconfig_apply_settings(NULL, kconfig, &c, err, errlen);
	if (r)
		return r;
	kconfig_print_settable(&c, out);
	return 0;
}
