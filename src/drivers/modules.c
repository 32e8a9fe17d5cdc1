/*
 * Loadable modules of the reference config (VIRTIO_PCI=m, VIRTIO_MMIO=m,
 * VFIO=m, ...): what each registers and what it needs loaded first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/drivers.h"
#include "drivers/virtio.h"

struct module_desc {
	const char *name;
	const char *deps[3];
	struct device_driver *driver;	/* registered at load, NULL for a library module */
	const char *banner;		/* printed by its init */
};

static const struct module_desc modules[] = {
	{ "virtio_pci", { NULL }, &virtio_pci_driver.driver, NULL },
	{ "virtio_blk", { NULL }, &virtio_blk_driver.driver, NULL },
	{ "virtio_net", { NULL }, &virtio_net_driver.driver, NULL },
	{ "virtio_mmio", { NULL }, &virtio_mmio_driver.driver, NULL },
	{ "virtio_rng", { NULL }, &virtio_rng_driver.driver, NULL },
	{ "vfio", { NULL }, NULL, "VFIO - User Level meta-driver version: 0.3" },
	{ "vfio_iommu_type1", { "vfio", NULL }, NULL, NULL },
	{ "vfio_pci_core", { "vfio", NULL }, NULL, NULL },
	{ "vfio_pci", { "vfio_pci_core", NULL }, &vfio_pci_driver.driver, NULL },
};
#define NMODULES ARRAY_SIZE(modules)

struct module_state {
	bool loaded[NMODULES];
};

static struct module_state *mod_state(struct kernel *k)
{
	if (!k->modules)
		k->modules = calloc(1, sizeof(struct module_state));
	return k->modules;
}

static int find_module(const char *name)
{
	/* modprobe treats '-' and '_' alike */
	for (size_t i = 0; i < NMODULES; i++) {
		const char *a = modules[i].name, *b = name;
		while (*a && (*a == *b || (*a == '_' && *b == '-'))) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return (int)i;
	}
	return -1;
}

int modprobe(struct kernel *k, const char *name)
{
	int i = find_module(name);
	if (i < 0)
		return -ENOENT;
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	if (st->loaded[i])
		return 0;
	for (int d = 0; modules[i].deps[d]; d++) {
		int ret = modprobe(k, modules[i].deps[d]);
		if (ret)
			return ret;
	}
	st->loaded[i] = true;
	if (modules[i].banner)
		kprintf(k, "%s", modules[i].banner);
	if (modules[i].driver) {
		int ret = driver_register(k, modules[i].driver);
		if (ret) {
			st->loaded[i] = false;
			return ret;
		}
	}
	return 0;
}

int rmmod(struct kernel *k, const char *name)
{
	int i = find_module(name);
	struct module_state *st = mod_state(k);
	if (i < 0 || !st->loaded[i])
		return -ENOENT;
	for (size_t j = 0; j < NMODULES; j++)
		for (int d = 0; st->loaded[j] && modules[j].deps[d]; d++)
			if (!strcmp(modules[j].deps[d], modules[i].name))
				return -EBUSY;
	if (modules[i].driver)
		driver_unregister(k, modules[i].driver);
	st->loaded[i] = false;
	return 0;
}

size_t module_list(struct kernel *k, const char **names, bool *loaded, size_t max)
{
	struct module_state *st = mod_state(k);
	size_t n = 0;
	for (size_t i = 0; i < NMODULES && n < max; i++, n++) {
		names[n] = modules[i].name;
		loaded[n] = st->loaded[i];
	}
	return n;
}

void modules_free(struct kernel *k)
{
	free(k->modules);
	k->modules = NULL;
}
