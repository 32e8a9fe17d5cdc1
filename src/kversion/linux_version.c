/* Choosing a kernel (linux_version.h). */
#include <string.h>
#include "kversion/linux_version.h"
#include "base/device.h"

static const struct linux_version *const versions[] = { &linux_6_1, &linux_7_3, NULL };

const struct linux_version *linux_version_default(void)
{
	return &linux_6_1;
}

const struct linux_version *linux_version_find(const char *name)
{
	for (size_t i = 0; name && versions[i]; i++)
		if (!strcmp(versions[i]->name, name))
			return versions[i];
	return NULL;
}

const struct linux_version *const *linux_versions(void)
{
	return versions;
}

const struct linux_version *kernel_version(const struct kernel *k)
{
	return k && k->version ? k->version : linux_version_default();
}
