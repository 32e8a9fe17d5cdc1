/*
 * Loadable modules of the reference config (VIRTIO_PCI=m, VIRTIO_MMIO=m,
 * VFIO=m, ...) as Debian's 6.1 arm64 cloud kernel builds them: what each
 * registers, what modules.dep lists for it, which modules it uses directly
 * (lsmod's "Used by"), and its size as /proc/modules reports it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/drivers.h"
#include "drivers/virtio.h"

#define MAX_DEPS 4

struct module_desc {
	const char *name;
	unsigned int size;		/* the size /proc/modules gives on Debian's 6.1 arm64 kernel */
	/* modules.dep's line: every module it needs, deepest last; modprobe loads them last to first */
	const char *deps[MAX_DEPS];
	/* the ones whose symbols it uses itself: it holds a reference on each */
	const char *uses[MAX_DEPS];
	struct device_driver *driver;	/* registered at load, NULL for a library module */
	const char *banner;		/* printed by its init */
};

static const struct module_desc modules[] = {
	{ "virtio_ring", 32768, { NULL }, { NULL }, NULL, NULL },
	{ "virtio", 24576, { NULL }, { NULL }, NULL, NULL },
	{ "virtio_pci_modern_dev", 16384, { NULL }, { NULL }, NULL, NULL },
	{ "virtio_pci_legacy_dev", 16384, { NULL }, { NULL }, NULL, NULL },
	{ "virtio_pci", 28672,
	  { "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio", "virtio_ring" },
	  { "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio", "virtio_ring" },
	  &virtio_pci_driver.driver, NULL },
	{ "virtio_blk", 28672, { "virtio", "virtio_ring" }, { "virtio", "virtio_ring" },
	  &virtio_blk_driver.driver, NULL },
	{ "failover", 16384, { NULL }, { NULL }, NULL, NULL },
	{ "net_failover", 20480, { "failover" }, { "failover" }, NULL, NULL },
	{ "virtio_net", 57344, { "net_failover", "failover", "virtio", "virtio_ring" },
	  { "net_failover", "virtio", "virtio_ring" }, &virtio_net_driver.driver, NULL },
	{ "virtio_mmio", 24576, { "virtio", "virtio_ring" }, { "virtio", "virtio_ring" },
	  &virtio_mmio_driver.driver, NULL },
	{ "virtio_rng", 16384, { "virtio", "virtio_ring" }, { "virtio", "virtio_ring" },
	  &virtio_rng_driver.driver, NULL },
	{ "vfio", 32768, { NULL }, { NULL }, NULL, "VFIO - User Level meta-driver version: 0.3" },
	{ "vfio_iommu_type1", 40960, { "vfio" }, { "vfio" }, NULL, NULL },
	{ "vfio_virqfd", 20480, { NULL }, { NULL }, NULL, NULL },
	{ "vfio_pci_core", 65536, { "vfio_virqfd", "vfio" }, { "vfio_virqfd", "vfio" }, NULL, NULL },
	{ "vfio_pci", 16384, { "vfio_pci_core", "vfio_virqfd", "vfio" }, { "vfio_pci_core", "vfio" },
	  &vfio_pci_driver.driver, NULL },
};
#define NMODULES ARRAY_SIZE(modules)

struct module_state {
	/* when each was loaded (0: not loaded): /proc/modules lists the newest first */
	unsigned long loaded[NMODULES];
	unsigned long next_seq;
};

static struct module_state *mod_state(struct kernel *k)
{
	if (!k->modules)
		k->modules = calloc(1, sizeof(struct module_state));
	return k->modules;
}

/* modprobe and rmmod treat '-' and '_' alike */
static int find_module(const char *name)
{
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

/* init_module(): -EEXIST when loaded already */
static int load_one(struct kernel *k, struct module_state *st, int i)
{
	if (st->loaded[i])
		return -EEXIST;
	st->loaded[i] = ++st->next_seq;
	if (modules[i].banner)
		kprintf(k, "%s", modules[i].banner);
	if (modules[i].driver) {
		int ret = driver_register(k, modules[i].driver);
		if (ret) {
			st->loaded[i] = 0;
			return ret;
		}
	}
	return 0;
}

int modprobe(struct kernel *k, const char *name)
{
	int i = find_module(name);
	if (i < 0)
		return -ENOENT;
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	int n = 0;
	while (n < MAX_DEPS && modules[i].deps[n])
		n++;
	while (n-- > 0) {
		int ret = load_one(k, st, find_module(modules[i].deps[n]));
		if (ret && ret != -EEXIST)
			return ret;
	}
	int ret = load_one(k, st, i);
	return ret == -EEXIST ? 0 : ret;
}

static bool module_in_use(const struct module_state *st, int i)
{
	for (size_t j = 0; j < NMODULES; j++)
		for (int d = 0; st->loaded[j] && d < MAX_DEPS && modules[j].uses[d]; d++)
			if (!strcmp(modules[j].uses[d], modules[i].name))
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
	if (modules[i].driver)
		driver_unregister(k, modules[i].driver);
	st->loaded[i] = 0;
	return 0;
}

int rmmod(struct kernel *k, const char *name)
{
	int i = find_module(name);
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	return i < 0 ? -ENOENT : delete_module(k, st, i);
}

int modprobe_remove(struct kernel *k, const char *name)
{
	int i = find_module(name);
	if (i < 0)
		return -ENOENT;
	struct module_state *st = mod_state(k);
	if (!st)
		return -ENOMEM;
	if (st->loaded[i]) {
		int ret = delete_module(k, st, i);
		if (ret)
			return ret;
	}
	/* then what modules.dep lists for it, in its order; one still in use stays, silently */
	for (int d = 0; d < MAX_DEPS && modules[i].deps[d]; d++) {
		int j = find_module(modules[i].deps[d]);
		if (st->loaded[j])
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
	/* newest first, as the kernel adds each module at the head of its list */
	for (unsigned long seq = st->next_seq; seq > 0 && n < max; seq--) {
		for (size_t i = 0; i < NMODULES; i++) {
			if (st->loaded[i] != seq)
				continue;
			struct module_info *m = &out[n++];
			memset(m, 0, sizeof(*m));
			m->name = modules[i].name;
			m->size = modules[i].size;
			/* its holders, newest first: each took a reference when it loaded */
			for (unsigned long s2 = st->next_seq; s2 > 0; s2--)
				for (size_t j = 0; j < NMODULES; j++)
					for (int d = 0; st->loaded[j] == s2 && d < MAX_DEPS && modules[j].uses[d]; d++)
						if (!strcmp(modules[j].uses[d], modules[i].name) &&
						    m->nholders < MODULE_MAX_HOLDERS)
							m->holders[m->nholders++] = modules[j].name;
			m->refcnt = m->nholders;
		}
	}
	return n;
}

void modules_free(struct kernel *k)
{
	free(k->modules);
	k->modules = NULL;
}
