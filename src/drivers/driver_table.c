/*
 * The drivers the model implements, by the name the kernel configuration
 * gives them (src/kconfig). Whether one is built in, a module or absent is
 * the configuration's to say, never the driver's: the built-in ones register
 * at device_initcall in the configuration's link order, the modules when
 * modprobe loads them (modules.c).
 */
#include <string.h>
#include "drivers/drivers.h"
#include "drivers/scsi.h"
#include "drivers/virtio.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"
#include "drivers/drivers_version.h"
#include "base/platform.h"
#include "smmuv3/arm_smmu_v3.h"

static struct device_driver *const model_drivers[] = {
	&pcie_portdriver.driver,
	&gen_pci_driver.driver,
	&arm_smmu_driver.driver,
	&virtio_pci_driver.driver,
	&virtio_mmio_driver.driver,
	&virtio_blk_driver.driver,
	&virtio_net_driver.driver,
	&virtio_rng_driver.driver,
	&virtio_scsi_driver.driver,
	&vfio_pci_driver.driver,
	&nvme_driver.driver,
};

struct device_driver *model_driver(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(model_drivers); i++)
		if (!strcmp(model_drivers[i]->name, name))
			return model_drivers[i];
	return NULL;
}

const char *driver_module(struct kernel *k, const struct device_driver *drv)
{
	const struct kernel_config *c = kernel_config(k);
	for (size_t i = 0; drv && i < c->ndrivers; i++)
		if (!strcmp(c->drivers[i].name, drv->name) && kconfig_module(c, c->drivers[i].symbol))
			return c->drivers[i].module;
	return NULL;
}

/* param_sysfs_builtin() and version_sysfs_builtin() made its kobject at boot */
static bool builtin_kobject_at_boot(const struct kernel_config *c, const struct kconfig_driver *d)
{
	const struct kconfig_modinfo *mi = kconfig_find_modinfo(c, kconfig_driver_modname(d));
	return d->builtin_kobject || (mi && (mi->version || mi->params[0].name));
}

const char *driver_module_kobject(struct kernel *k, const struct device_driver *drv)
{
	const char *mod = driver_module(k, drv);
	if (mod || !drv)
		return mod;
	const struct drivers_version *v = kernel_version(k)->drivers;
	if (drv->bus != &pci_bus_type && !(drv->bus == &platform_bus_type && v->platform_driver_mod_name))
		return NULL;
	const struct kernel_config *c = kernel_config(k);
	for (size_t i = 0; i < c->ndrivers; i++) {
		const struct kconfig_driver *d = &c->drivers[i];
		if (strcmp(d->name, drv->name) || !kconfig_builtin(c, d->symbol))
			continue;
		if (v->builtin_driver_creates_module_kobject || builtin_kobject_at_boot(c, d))
			return kconfig_driver_modname(d);
	}
	return NULL;
}

bool builtin_module_kobject(struct kernel *k, const char *name)
{
	const struct kernel_config *c = kernel_config(k);
	const struct kconfig_modinfo *mi = kconfig_find_modinfo(c, name);
	if (kconfig_module_builtin(c, name) && mi && (mi->version || mi->params[0].name))
		return true;
	for (size_t i = 0; i < k->ndrivers; i++) {
		const char *mod = driver_module_kobject(k, k->drivers[i]);
		if (mod && !driver_module(k, k->drivers[i]) && kconfig_modname_eq(mod, name))
			return true;
	}
	return false;
}

void driver_initcalls(struct kernel *k)
{
	const struct kernel_config *c = kernel_config(k);
	for (size_t i = 0; i < c->ndrivers; i++) {
		struct device_driver *drv = model_driver(c->drivers[i].name);
		/* a driver the model does not implement yet (nvme) leaves its devices unbound */
		if (drv && kconfig_builtin(c, c->drivers[i].symbol))
			driver_register(k, drv);
	}
}
