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

const char *driver_module_kobject(struct kernel *k, const struct device_driver *drv)
{
	const char *mod = driver_module(k, drv);
	if (mod || !drv || drv->bus != &pci_bus_type)
		return mod;
	const struct kernel_config *c = kernel_config(k);
	for (size_t i = 0; i < c->ndrivers; i++)
		if (!strcmp(c->drivers[i].name, drv->name) && kconfig_builtin(c, c->drivers[i].symbol) &&
		    c->drivers[i].builtin_kobject)
			return c->drivers[i].module;
	return NULL;
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
