/*
 * The kernel configuration tables (src/kconfig): complete and consistent,
 * equal to Debian's real 6.1 and 7.3 configs, modules.builtin and modules.dep
 * when the oracle's caches (classic, modern) have them, and read by the model: built-in drivers register
 * at boot in link order, modules at modprobe, the default domain, the SMMU's
 * queue cap and virtio-pci's legacy interface follow the options.
 */
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include "boot_util.h"
#include "drivers/drivers.h"
#include "kconfig/kconfig.h"
#include "kconfig/kconfig_set.h"
#include "smmuv3/arm_smmu_v3.h"

#define REF_ARGS "-M virt,iommu=smmuv3 -nic none -drive if=none,id=d0,file=null-co:// " \
		 "-device pcie-root-port,id=rp1 -device virtio-blk-pci,bus=rp1,drive=d0"

static const char *const no_modules[] = { NULL };

/* boot args with cfg, NULL-terminated init_modules (NULL: the reference init's) */
static struct iommusim *boot_cfg(const char *args, const struct kernel_config *cfg,
				 const char *const *init_modules)
{
	char *copy = strdup(args), *argv[64], err[256] = "";
	int argc = 0;
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	struct iommusim_options opts = { .init_modules = init_modules };
	struct iommusim *sim = iommusim_boot_config(argc, argv, &opts, cfg, err, sizeof(err));
	free(copy);
	cr_assert_not_null(sim, "boot failed: %s", err);
	return sim;
}

static bool logged(struct iommusim *sim, const char *text)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), text))
			return true;
	return false;
}

/* the position of the driver called name in the registration order, -1 when not registered */
static int registered(struct iommusim *sim, const char *name)
{
	for (size_t i = 0; i < sim->k->ndrivers; i++)
		if (!strcmp(sim->k->drivers[i]->name, name))
			return (int)i;
	return -1;
}

Test(kconfig, tables_are_complete_and_bootable)
{
	char err[256] = "";
	cr_assert_eq(kconfig_find("6.1"), &linux_6_1_config);
	cr_assert_eq(kconfig_default(), &linux_6_1_config);
	cr_assert_eq(kconfig_find("7.3"), &linux_7_3_config);
	cr_assert_null(kconfig_find("5.10"));
	cr_assert_null(kconfig_find(NULL));
	cr_assert_eq(kconfig_check(&linux_6_1_config, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kconfig_check(&linux_7_3_config, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(kconfig_symbol_name(KCONFIG_ARM_SMMU_V3), "ARM_SMMU_V3");
	cr_assert_eq(kconfig_symbol_kind(KCONFIG_CMA_SIZE_MBYTES), KCONFIG_INT);
	cr_assert_eq(kernel_config(NULL), &linux_6_1_config);
}

Test(kconfig, reference_values)
{
	const struct kernel_config *c = &linux_6_1_config;
	cr_assert(kconfig_builtin(c, KCONFIG_ARM_SMMU_V3));
	cr_assert(kconfig_builtin(c, KCONFIG_PCIEPORTBUS));
	cr_assert(kconfig_builtin(c, KCONFIG_IOMMU_DEFAULT_DMA_STRICT));
	cr_assert(kconfig_builtin(c, KCONFIG_DMA_CMA));
	cr_assert_eq(kconfig_number(c, KCONFIG_CMA_SIZE_MBYTES), 64);
	cr_assert_eq(kconfig_number(c, KCONFIG_CMA_ALIGNMENT), 8);
	cr_assert(kconfig_module(c, KCONFIG_VIRTIO_PCI));
	cr_assert(kconfig_builtin(c, KCONFIG_VIRTIO_PCI_LEGACY));
	cr_assert(kconfig_module(c, KCONFIG_VFIO_IOMMU_TYPE1));
	cr_assert(kconfig_builtin(c, KCONFIG_BLK_DEV_NVME));
	cr_assert_not(kconfig_enabled(c, KCONFIG_E1000E));
	cr_assert_not(kconfig_enabled(c, KCONFIG_PCI_STUB));
	cr_assert_not(kconfig_enabled(c, KCONFIG_IOMMUFD));
	cr_assert_not(kconfig_enabled(c, KCONFIG_ARM_SMMU_V3_SVA));
	cr_assert_not(kconfig_enabled(c, KCONFIG_DEBUG_TEST_DRIVER_REMOVE));
	/* a bool is never a module; an unset INT reads 0 */
	cr_assert_not(kconfig_module(c, KCONFIG_PCIEPORTBUS));
	cr_assert_eq(kconfig_number(c, KCONFIG_PCI_STUB), 0);
	cr_assert_not(kconfig_enabled(c, KCONFIG_NR_SYMBOLS));
}

/*
 * drivers, modules and modules.builtin say the same thing about each driver;
 * a module of a driver the model does not implement may be missing from the
 * guest (7.3's ahci is =m, its initramfs has no ahci.ko)
 */
static void check_tables_agree(const struct kernel_config *c)
{
	for (size_t i = 0; i < c->ndrivers; i++) {
		const struct kconfig_driver *d = &c->drivers[i];
		bool in_dep = d->module && kconfig_find_module(c, d->module);
		bool builtin = d->module && kconfig_module_builtin(c, d->module);
		if (model_driver(d->name) || in_dep)
			cr_assert_eq(in_dep, kconfig_module(c, d->symbol), "%s %s: modules.dep and CONFIG_%s disagree",
				     c->version, d->name, kconfig_symbol_name(d->symbol));
		cr_assert_eq(builtin, d->module && kconfig_builtin(c, d->symbol),
			     "%s %s: modules.builtin and CONFIG_%s disagree", c->version, d->name,
			     kconfig_symbol_name(d->symbol));
		cr_assert(d->module || kconfig_symbol_kind(d->symbol) == KCONFIG_BOOL, "%s", d->name);
		cr_assert(!d->modname || !d->module, "%s: a modname is a bool option's", d->name);
	}
	for (size_t i = 0; i < c->nmodules; i++) {
		const struct kconfig_module *m = &c->modules[i];
		cr_assert_not(kconfig_module_builtin(c, m->name), "%s both a module and built in", m->name);
		for (int d = 0; d < KCONFIG_MODULE_MAX_DEPS && m->uses[d]; d++) {
			bool listed = false;
			for (int e = 0; e < KCONFIG_MODULE_MAX_DEPS && m->deps[e]; e++)
				listed |= !strcmp(m->deps[e], m->uses[d]);
			cr_assert(listed, "%s uses %s, which modules.dep does not list", m->name, m->uses[d]);
		}
		for (int d = 0; d < KCONFIG_MODULE_MAX_DEPS && m->deps[d]; d++)
			cr_assert_not_null(kconfig_find_module(c, m->deps[d]), "%s needs %s", m->name, m->deps[d]);
	}
	/* a module's modinfo is of a module of the guest or a built-in one */
	for (size_t i = 0; i < c->nmodinfo; i++) {
		const struct kconfig_modinfo *mi = &c->modinfo[i];
		bool builtin = kconfig_module_builtin(c, mi->name);
		cr_assert(builtin || kconfig_find_module(c, mi->name), "%s %s", c->version, mi->name);
		cr_assert(!builtin || !mi->srcversion, "%s: a built-in module has no srcversion", mi->name);
	}
	/* every driver the model implements has its place in the table */
	static const char *const modelled[] = { "pcieport", "pci-host-generic", "arm-smmu-v3", "virtio-pci",
						"virtio-mmio", "virtio_blk", "virtio_net", "virtio_rng", "vfio-pci",
						"nvme" };
	for (size_t i = 0; i < ARRAY_SIZE(modelled); i++) {
		bool found = false;
		for (size_t j = 0; j < c->ndrivers; j++)
			found |= !strcmp(c->drivers[j].name, modelled[i]);
		cr_assert(found, "%s", modelled[i]);
		cr_assert_not_null(model_driver(modelled[i]));
	}
}

Test(kconfig, drivers_modules_and_builtin_agree)
{
	check_tables_agree(&linux_6_1_config);
	check_tables_agree(&linux_7_3_config);
	cr_assert(kconfig_modname_eq("vfio-pci", "vfio_pci"));
	cr_assert_not(kconfig_modname_eq("vfio_pci", "vfio_pc"));
	cr_assert_str_eq(kconfig_driver_modname(&linux_7_3_config.drivers[0]), "pcieportdrv");
	cr_assert_null(kconfig_find_modinfo(&linux_7_3_config, "vfio_virqfd"));
	cr_assert_not_null(kconfig_find_modinfo(&linux_6_1_config, "vfio_virqfd"));
}

/* ---- against Debian's real files, when the oracle's cache has them ---- */

/* stack: the oracle's "classic" (6.1) or "modern" (7.3) cache */
static bool cache_path(char *buf, size_t len, const char *stack, const char *rel)
{
	const char *dir = getenv("IOMMUSIM_ORACLE_CACHE");
	const char *home = getenv("HOME");
	if (dir)
		snprintf(buf, len, "%s/%s/%s", dir, stack, rel);
	else if (home)
		snprintf(buf, len, "%s/.cache/iommusim/oracle/%s/%s", home, stack, rel);
	else
		return false;
	glob_t g;
	if (glob(buf, 0, NULL, &g) || g.gl_pathc != 1) {
		if (!g.gl_pathc)
			globfree(&g);
		return false;
	}
	snprintf(buf, len, "%s", g.gl_pathv[0]);
	globfree(&g);
	return true;
}

/* the module name modprobe reads from a modules.dep or modules.builtin path */
static void modname(const char *path, char *out, size_t len)
{
	size_t end = strcspn(path, ": \n");
	const char *b = path;
	for (size_t i = 0; i < end; i++)
		if (path[i] == '/')
			b = path + i + 1;
	size_t n = strcspn(b, ".: \n");
	n = MIN(n, len - 1);
	for (size_t i = 0; i < n; i++)
		out[i] = b[i] == '-' ? '_' : b[i];
	out[n] = '\0';
}

/* 0 when the cache has no config */
static int check_config(const struct kernel_config *c, const char *stack)
{
	char path[512], line[512];
	if (!cache_path(path, sizeof(path), stack, "config"))
		return 0;
	struct kconfig_value real[KCONFIG_NR_SYMBOLS];
	for (int s = 0; s < KCONFIG_NR_SYMBOLS; s++)
		real[s] = (struct kconfig_value){ 'n', 0 };
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CONFIG_", 7))
			continue;
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		/* 6.10 renamed ARM64_PAGE_SHIFT to the generic PAGE_SHIFT */
		const char *name = !strcmp(line + 7, "PAGE_SHIFT") ? "ARM64_PAGE_SHIFT" : line + 7;
		for (int s = 0; s < KCONFIG_NR_SYMBOLS; s++) {
			if (strcmp(name, kconfig_symbol_name(s)))
				continue;
			if (eq[1] == 'y' || eq[1] == 'm')
				real[s] = (struct kconfig_value){ eq[1], 1 };
			else
				real[s] = (struct kconfig_value){ 'y', strtol(eq + 1, NULL, 0) };
		}
	}
	fclose(f);
	for (int s = 0; s < KCONFIG_NR_SYMBOLS; s++) {
		/* the model's own choices of source are not in any .config */
		if (kconfig_symbol_kind(s) == KCONFIG_MODEL)
			continue;
		cr_expect_eq(c->values[s].state, real[s].state, "CONFIG_%s: table '%c', Debian's config '%c'",
			     kconfig_symbol_name(s), c->values[s].state, real[s].state);
		if (kconfig_symbol_kind(s) == KCONFIG_INT)
			cr_expect_eq(c->values[s].number, real[s].number, "CONFIG_%s: table %ld, Debian's config %ld",
				     kconfig_symbol_name(s), c->values[s].number, real[s].number);
	}
	if (cache_path(path, sizeof(path), stack, "kernel-version") && (f = fopen(path, "r"))) {
		cr_assert_not_null(fgets(line, sizeof(line), f));
		line[strcspn(line, "\n")] = '\0';
		cr_expect_str_eq(c->release, line);
		fclose(f);
	}
	return 1;
}

Test(kconfig, equals_debians_config)
{
	int n = check_config(&linux_6_1_config, "classic") + check_config(&linux_7_3_config, "modern");
	if (!n)
		cr_skip_test("the oracle is not set up (oracle/setup): no real config to compare with");
}

/* 0 when the cache has no modules.builtin */
static int check_modules(const struct kernel_config *c, const char *stack)
{
	char path[512], line[4096], name[64];
	if (!cache_path(path, sizeof(path), stack, "root/lib/modules/*/modules.builtin"))
		return 0;
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		modname(line, name, sizeof(name));
		cr_expect(kconfig_module_builtin(c, name), "modules.builtin lists %s", name);
		n++;
	}
	fclose(f);
	size_t ntable = 0;
	while (c->builtin[ntable])
		ntable++;
	cr_expect_eq(ntable, n);

	cr_assert(cache_path(path, sizeof(path), stack, "root/lib/modules/*/modules.dep"));
	f = fopen(path, "r");
	cr_assert_not_null(f);
	size_t found = 0;
	while (fgets(line, sizeof(line), f)) {
		modname(line, name, sizeof(name));
		const struct kconfig_module *m = kconfig_find_module(c, name);
		if (!m)
			continue;
		found++;
		/* the same dependencies (the guest's depmod orders virtio and virtio_ring the other way) */
		int ndeps = 0;
		for (char *save = NULL, *t = strtok_r(strchr(line, ':') + 1, " \n", &save); t;
		     t = strtok_r(NULL, " \n", &save)) {
			modname(t, name, sizeof(name));
			bool listed = false;
			for (int d = 0; d < KCONFIG_MODULE_MAX_DEPS && m->deps[d]; d++)
				listed |= !strcmp(m->deps[d], name);
			cr_expect(listed, "%s needs %s", m->name, name);
			ndeps++;
		}
		int table_deps = 0;
		while (table_deps < KCONFIG_MODULE_MAX_DEPS && m->deps[table_deps])
			table_deps++;
		cr_expect_eq(table_deps, ndeps, "%s", m->name);
	}
	fclose(f);
	cr_expect_eq(found, c->nmodules, "every module of the table is in Debian's modules.dep");
	return 1;
}

Test(kconfig, equals_debians_modules_builtin_and_dep)
{
	int n = check_modules(&linux_6_1_config, "classic") + check_modules(&linux_7_3_config, "modern");
	if (!n)
		cr_skip_test("the oracle is not set up (oracle/setup): no modules.builtin to compare with");
}

/* ---- the model reads it ---- */

Test(kconfig, builtin_drivers_register_at_boot_modules_at_modprobe)
{
	struct iommusim *sim = boot_cfg(REF_ARGS, NULL, no_modules);
	cr_assert_eq(sim->k->ndrivers, 4);
	cr_assert_eq(registered(sim, "pcieport"), 0);
	cr_assert_eq(registered(sim, "pci-host-generic"), 1);
	cr_assert_eq(registered(sim, "arm-smmu-v3"), 2);
	/* drivers/nvme links after drivers/iommu */
	cr_assert_eq(registered(sim, "nvme"), 3);
	cr_assert_eq(registered(sim, "virtio-pci"), -1);
	char *o = run(sim, "modprobe virtio_pci\n");
	cr_assert_str_eq(o, "");
	free(o);
	cr_assert_eq(registered(sim, "virtio-pci"), 4);
	cr_assert_str_eq(driver_module(sim->k, pdev_of(sim, "0000:01:00.0")->dev.driver), "virtio_pci");
	cr_assert_null(driver_module(sim->k, pdev_of(sim, "0000:00:01.0")->dev.driver));	/* pcieport */
	cr_assert_null(driver_module(sim->k, model_driver("arm-smmu-v3")));	/* built in */
	o = run(sim, "rmmod virtio_pci\n");
	cr_assert_str_eq(o, "");
	free(o);
	cr_assert_eq(registered(sim, "virtio-pci"), -1);
	iommusim_free(sim);
}

/* modules.builtin: modprobe is content, modprobe -r says so, rmmod finds nothing (busybox 1.35 on 6.1) */
Test(kconfig, builtin_modules_and_the_guests_other_modules)
{
	struct iommusim *sim = boot_ok(REF_ARGS);
	char *o = run(sim, "modprobe nvme\nmodprobe arm-smmu-v3\nmodprobe -r nvme\nmodprobe -q -r nvme\n"
			   "rmmod arm_smmu_v3\nmodprobe pcieport\nmodprobe e1000e\nmodprobe virtio_scsi\n"
			   "rmmod scsi_mod\nmodprobe virtio_console\nlsmod\nmodprobe -r virtio_scsi nvme virtio_console\n");
	cr_assert_str_eq(o, "modprobe: module nvme is builtin\n"
			    "rmmod: can't unload module 'arm_smmu_v3': No such file or directory\n"
			    "modprobe: module pcieport not found in modules.dep\n"
			    "modprobe: module e1000e not found in modules.dep\n"
			    "rmmod: can't unload module 'scsi_mod': Resource temporarily unavailable\n"
			    "Module                  Size  Used by    Not tainted\n"
			    "virtio_console         40960  0 \n"
			    "virtio_scsi            24576  0 \n"
			    "scsi_mod              225280  1 virtio_scsi\n"
			    "scsi_common            16384  1 scsi_mod\n"
			    "vfio_iommu_type1       40960  0 \n"
			    "vfio_pci               16384  0 \n"
			    "vfio_pci_core          65536  1 vfio_pci\n"
			    "vfio_virqfd            20480  1 vfio_pci_core\n"
			    "vfio                   32768  3 vfio_iommu_type1,vfio_pci,vfio_pci_core\n"
			    "virtio_rng             16384  0 \n"
			    "virtio_mmio            24576  0 \n"
			    "virtio_net             57344  0 \n"
			    "net_failover           20480  1 virtio_net\n"
			    "failover               16384  1 net_failover\n"
			    "virtio_blk             28672  0 \n"
			    "virtio_pci             28672  0 \n"
			    "virtio_pci_legacy_dev    16384  1 virtio_pci\n"
			    "virtio_pci_modern_dev    16384  1 virtio_pci\n"
			    "virtio                 24576  7 virtio_console,virtio_scsi,virtio_rng,virtio_mmio,virtio_net,virtio_blk,virtio_pci\n"
			    "virtio_ring            32768  7 virtio_console,virtio_scsi,virtio_rng,virtio_mmio,virtio_net,virtio_blk,virtio_pci\n"
			    "modprobe: module nvme is builtin\n");
	free(o);
	cr_assert_eq(modprobe(sim->k, "nvme"), 0);
	cr_assert_eq(modprobe_remove(sim->k, "nvme"), -EEXIST);
	cr_assert_eq(rmmod(sim->k, "nvme"), -ENOENT);
	cr_assert_eq(modprobe(sim->k, "scsi_mod"), 0);
	iommusim_free(sim);
}

/* a copy of the reference config with some options changed */
static struct kernel_config with(enum kconfig_symbol s, char state)
{
	struct kernel_config c = linux_6_1_config;
	c.version = "6.1-test";
	c.values[s].state = state;
	return c;
}

Test(kconfig, a_builtin_virtio_pci_registers_at_boot_in_link_order)
{
	struct kernel_config c = with(KCONFIG_VIRTIO_PCI, 'y');
	struct iommusim *sim = boot_cfg(REF_ARGS, &c, no_modules);
	/* drivers/virtio links before drivers/iommu */
	cr_assert_eq(registered(sim, "virtio-pci"), 2);
	cr_assert_eq(registered(sim, "arm-smmu-v3"), 3);
	cr_assert_null(driver_module(sim->k, model_driver("virtio-pci")));
	/* it deferred on the missing SMMU, then bound at late_initcall */
	struct pci_dev *p = pdev_of(sim, "0000:01:00.0");
	cr_assert_not_null(p->dev.driver);
	cr_assert_str_eq(p->dev.driver->name, "virtio-pci");
	/* its module no longer registers it (the real table would not list it) */
	cr_assert_eq(modprobe(sim->k, "virtio_pci"), 0);
	cr_assert_eq(sim->k->ndrivers, 5);
	iommusim_free(sim);
}

Test(kconfig, default_domain_follows_iommu_default_choice)
{
	struct kernel_config lazy = with(KCONFIG_IOMMU_DEFAULT_DMA_STRICT, 'n');
	lazy.values[KCONFIG_IOMMU_DEFAULT_DMA_LAZY].state = 'y';
	struct iommusim *sim = boot_cfg(REF_ARGS, &lazy, NULL);
	cr_assert(logged(sim, "iommu: Default domain type: Translated "));
	cr_assert(logged(sim, "iommu: DMA domain TLB invalidation policy: lazy mode "));
	char *o = run(sim, "cat /sys/kernel/iommu_groups/0/type\n");
	cr_assert_str_eq(o, "DMA-FQ\n");
	free(o);
	iommusim_free(sim);

	struct kernel_config pt = with(KCONFIG_IOMMU_DEFAULT_DMA_STRICT, 'n');
	pt.values[KCONFIG_IOMMU_DEFAULT_PASSTHROUGH].state = 'y';
	sim = boot_cfg(REF_ARGS, &pt, NULL);
	cr_assert(logged(sim, "iommu: Default domain type: Passthrough "));
	cr_assert_not(logged(sim, "TLB invalidation policy"));
	o = run(sim, "cat /sys/kernel/iommu_groups/0/type\n");
	cr_assert_str_eq(o, "identity\n");
	free(o);
	iommusim_free(sim);
	/* the command line still wins */
	sim = boot_cfg(REF_ARGS " -append iommu.strict=1", &lazy, NULL);
	cr_assert(logged(sim, "iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)"));
	iommusim_free(sim);
}

Test(kconfig, smmu_queue_cap_follows_dma_cma)
{
	cr_assert_eq(arm_smmu_q_max_sz_shift(&linux_6_1_config), 20);
	struct kernel_config c = with(KCONFIG_DMA_CMA, 'n');
	/* PAGE_SHIFT + MAX_ORDER - 1 */
	cr_assert_eq(arm_smmu_q_max_sz_shift(&c), 22);
	cr_assert_eq(CMDQ_MAX_SZ_SHIFT(&c), 18);
	cr_assert_eq(EVTQ_MAX_SZ_SHIFT(&c), 17);
	struct iommusim *sim = boot_cfg(REF_ARGS, &c, no_modules);
	struct arm_smmu_device *smmu = sim->k->smmu;
	cr_assert_not_null(smmu);
	/* QEMU 7.2's queues have 2^19 entries: now only the format's cap applies */
	cr_assert_eq(smmu->cmdq.max_n_shift, 18);
	cr_assert_eq(smmu->evtq.max_n_shift, 17);
	iommusim_free(sim);
	sim = boot_cfg(REF_ARGS, NULL, no_modules);
	smmu = sim->k->smmu;
	cr_assert_eq(smmu->cmdq.max_n_shift, 16);
	cr_assert_eq(smmu->evtq.max_n_shift, 15);
	iommusim_free(sim);
}

Test(kconfig, virtio_pci_legacy_off_leaves_legacy_only_devices_unbound)
{
	const char *args = "-M virt,iommu=smmuv3 -nic none -drive if=none,id=d0,file=null-co:// "
			   "-device virtio-blk-pci,drive=d0,disable-modern=on";
	struct iommusim *sim = boot_cfg(args, NULL, NULL);
	cr_assert_not_null(pdev_of(sim, "0000:00:01.0")->dev.driver);
	iommusim_free(sim);
	struct kernel_config c = with(KCONFIG_VIRTIO_PCI_LEGACY, 'n');
	sim = boot_cfg(args, &c, NULL);
	cr_assert(logged(sim, "virtio-pci 0000:00:01.0: virtio_pci: leaving for legacy driver"));
	cr_assert_null(pdev_of(sim, "0000:00:01.0")->dev.driver);
	iommusim_free(sim);
}

Test(kconfig, what_the_model_cannot_build_is_refused)
{
	char err[256];
	struct kernel_config c = with(KCONFIG_ARM_SMMU_V3_SVA, 'y');
	cr_assert_eq(kconfig_check(&c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "Linux 6.1-test: CONFIG_ARM_SMMU_V3_SVA=y is not modelled");
	c = with(KCONFIG_ARM64_PAGE_SHIFT, 'y');
	c.values[KCONFIG_ARM64_PAGE_SHIFT].number = 16;
	cr_assert_eq(kconfig_check(&c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "Linux 6.1-test: CONFIG_ARM64_PAGE_SHIFT=16 is not modelled (4K pages only)");
	c = with(KCONFIG_IOMMU_DEFAULT_DMA_LAZY, 'y');
	cr_assert_eq(kconfig_check(&c, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "exactly one of CONFIG_IOMMU_DEFAULT_"));
	c = with(KCONFIG_VFIO, 0);
	cr_assert_eq(kconfig_check(&c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "Linux 6.1-test's configuration gives CONFIG_VFIO no value");
	c = with(KCONFIG_PCIEPORTBUS, 'm');	/* a bool cannot be a module */
	cr_assert_eq(kconfig_check(&c, err, sizeof(err)), -EINVAL);
	/* and the boot says why */
	char *argv[] = { "-M", "virt,iommu=smmuv3" };
	c = with(KCONFIG_ARM_SMMU_V3_SVA, 'y');
	err[0] = '\0';
	cr_assert_null(iommusim_boot_config(2, argv, NULL, &c, err, sizeof(err)));
	cr_assert_str_eq(err, "Linux 6.1-test: CONFIG_ARM_SMMU_V3_SVA=y is not modelled");
}

/* --- --kconfig NAME=VALUE (kconfig_set.c) --- */

static const char *const settable_list = "Linux 6.1's settable options: DEBUG_TEST_DRIVER_REMOVE, "
	"IOMMUSIM_TEST_REMOVE_DMA_CLEANUP, IOMMU_DEFAULT_DMA_STRICT, IOMMU_DEFAULT_DMA_LAZY, "
	"IOMMU_DEFAULT_PASSTHROUGH, VIRTIO_PCI_LEGACY, DMA_CMA, CMA_SIZE_MBYTES, CMA_ALIGNMENT "
	"(--kconfig help: what each changes)";

/* kconfig_set() on a copy of the reference: the error text, and c unchanged on error */
static int set_err(const char *spec, char *err, size_t errlen)
{
	struct kernel_config c = linux_6_1_config;
	err[0] = '\0';
	int r = kconfig_set(&c, spec, err, errlen);
	if (r)
		cr_assert_eq(memcmp(c.values, linux_6_1_config.values, sizeof(c.values)), 0,
			     "a refused setting changed the configuration");
	return r;
}

Test(kconfig_set, good_settings_apply)
{
	char err[1024] = "";
	struct kernel_config c = linux_6_1_config;
	cr_assert_eq(kconfig_set(&c, "DEBUG_TEST_DRIVER_REMOVE=y", err, sizeof(err)), 0, "%s", err);
	cr_assert(kconfig_builtin(&c, KCONFIG_DEBUG_TEST_DRIVER_REMOVE));
	/* CONFIG_ prefix, several at once, numbers in C's bases */
	cr_assert_eq(kconfig_set(&c, "CONFIG_CMA_SIZE_MBYTES=0x20,CMA_ALIGNMENT=4,VIRTIO_PCI_LEGACY=n", err,
				 sizeof(err)), 0, "%s", err);
	cr_assert_eq(kconfig_number(&c, KCONFIG_CMA_SIZE_MBYTES), 32);
	cr_assert_eq(kconfig_number(&c, KCONFIG_CMA_ALIGNMENT), 4);
	cr_assert_not(kconfig_enabled(&c, KCONFIG_VIRTIO_PCI_LEGACY));
	/* a choice: the member set to y turns the others off */
	cr_assert_eq(kconfig_set(&c, "IOMMU_DEFAULT_PASSTHROUGH=y", err, sizeof(err)), 0, "%s", err);
	cr_assert(kconfig_enabled(&c, KCONFIG_IOMMU_DEFAULT_PASSTHROUGH));
	cr_assert_not(kconfig_enabled(&c, KCONFIG_IOMMU_DEFAULT_DMA_STRICT));
	cr_assert_not(kconfig_enabled(&c, KCONFIG_IOMMU_DEFAULT_DMA_LAZY));
	cr_assert_eq(kconfig_check(&c, err, sizeof(err)), 0, "%s", err);
	/* the same value twice is no conflict; n for the unchosen ones either */
	cr_assert_eq(kconfig_set(&c, "IOMMU_DEFAULT_DMA_LAZY=y,IOMMU_DEFAULT_DMA_LAZY=y,IOMMU_DEFAULT_DMA_STRICT=n",
				 err, sizeof(err)), 0, "%s", err);
	cr_assert(kconfig_enabled(&c, KCONFIG_IOMMU_DEFAULT_DMA_LAZY));
	cr_assert_not(kconfig_enabled(&c, KCONFIG_IOMMU_DEFAULT_PASSTHROUGH));
	/* the table itself is untouched */
	cr_assert_not(kconfig_enabled(&linux_6_1_config, KCONFIG_DEBUG_TEST_DRIVER_REMOVE));
	/* strings apply in order: a later one wins */
	const char *const two[] = { "DEBUG_TEST_DRIVER_REMOVE=y", "DEBUG_TEST_DRIVER_REMOVE=n", NULL };
	cr_assert_eq(kconfig_apply_settings(NULL, two, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert_not(kconfig_enabled(&c, KCONFIG_DEBUG_TEST_DRIVER_REMOVE));
}

Test(kconfig_set, unknown_and_unsettable_options_are_refused_with_the_list)
{
	char err[1024], want[1200];
	cr_assert_eq(set_err("FOO=y", err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "--kconfig: unknown option FOO; %s", settable_list);
	cr_assert_str_eq(err, want);
	/* known to the model, but its other values' answers are not written */
	cr_assert_eq(set_err("VFIO=y", err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "--kconfig: not settable (the model has no answers for another value): VFIO; %s",
		 settable_list);
	cr_assert_str_eq(err, want);
	cr_assert_eq(set_err("ARM_SMMU_V3_SVA=y", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("VIRTIO_PCI=y", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("IOMMUFD=y", err, sizeof(err)), -EINVAL);
	/* one bad name refuses the whole string */
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE=y,NOPE=1", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "unknown option NOPE;"));
}

Test(kconfig_set, bad_values_are_refused)
{
	char err[1024];
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE=x", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--kconfig: 'x' is not y or n for DEBUG_TEST_DRIVER_REMOVE;"), "%s", err);
	/* a bool is never a module */
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE=m", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE=", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE=yes", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("CMA_ALIGNMENT=13", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--kconfig: 13 is out of range [2..12] for CMA_ALIGNMENT;"), "%s", err);
	cr_assert_eq(set_err("CMA_SIZE_MBYTES=-1", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("CMA_SIZE_MBYTES=12abc", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "'12abc' is not a number for CMA_SIZE_MBYTES"), "%s", err);
	cr_assert_eq(set_err("CMA_SIZE_MBYTES=99999999999999999999", err, sizeof(err)), -EINVAL);
	/* malformed strings */
	cr_assert_eq(set_err("", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "not NAME=VALUE: DEBUG_TEST_DRIVER_REMOVE;"), "%s", err);
	cr_assert_eq(set_err("=y", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE=y,", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err(",DEBUG_TEST_DRIVER_REMOVE=y", err, sizeof(err)), -EINVAL);
	cr_assert_eq(set_err(NULL, err, sizeof(err)), -EINVAL);
}

Test(kconfig_set, conflicting_settings_are_refused)
{
	char err[1024];
	cr_assert_eq(set_err("DEBUG_TEST_DRIVER_REMOVE=y,DEBUG_TEST_DRIVER_REMOVE=n", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "--kconfig: conflicting values for DEBUG_TEST_DRIVER_REMOVE;"), "%s", err);
	cr_assert_eq(set_err("CMA_ALIGNMENT=4,CMA_ALIGNMENT=5", err, sizeof(err)), -EINVAL);
	/* two members of one choice */
	cr_assert_eq(set_err("IOMMU_DEFAULT_DMA_LAZY=y,IOMMU_DEFAULT_PASSTHROUGH=y", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "one choice: IOMMU_DEFAULT_DMA_LAZY=y conflicts with IOMMU_DEFAULT_PASSTHROUGH;"),
		  "%s", err);
	/* a choice left without its y */
	cr_assert_eq(set_err("IOMMU_DEFAULT_DMA_STRICT=n", err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "a choice needs one of its options y (set another to y): IOMMU_DEFAULT_DMA_STRICT;"),
		  "%s", err);
}

Test(kconfig_set, help_lists_values_and_effects)
{
	char *buf = NULL, err[512] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *const set[] = { "DEBUG_TEST_DRIVER_REMOVE=y,CMA_ALIGNMENT=3", NULL };
	cr_assert_eq(iommusim_kconfig_help(set, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	cr_assert(strstr(buf, "Linux 6.1 (6.1.0-50-cloud-arm64): the options --kconfig"));
	cr_assert(strstr(buf, "\n  DEBUG_TEST_DRIVER_REMOVE=y\n      really_probe() probes"));
	cr_assert(strstr(buf, "\n  CMA_ALIGNMENT=3 (2..12)\n"));
	cr_assert(strstr(buf, "\n  IOMMUSIM_TEST_REMOVE_DMA_CLEANUP=y (not a Kconfig option: a choice of source)\n"));
	free(buf);
	/* every settable option is listed, and nothing else */
	const struct kconfig_settables *t = kconfig_settables(&linux_6_1_config);
	cr_assert_not_null(t);
	cr_assert_eq(t->noptions, 9);
	for (size_t i = 0; i < t->noptions; i++)
		cr_assert_not_null(t->options[i].effect);
	/* a bad setting: the error, nothing printed */
	buf = NULL;
	f = open_memstream(&buf, &len);
	const char *const bad[] = { "VFIO=y", NULL };
	cr_assert_eq(iommusim_kconfig_help(bad, f, err, sizeof(err)), -EINVAL);
	fclose(f);
	cr_assert_str_eq(buf, "");
	free(buf);
}

Test(kconfig_set, the_boot_takes_them_and_refuses_bad_ones)
{
	char *argv[] = { "-M", "virt,iommu=smmuv3", "-nic", "none" };
	char err[1024] = "";
	const char *const lazy[] = { "IOMMU_DEFAULT_DMA_LAZY=y", NULL };
	struct iommusim_options opts = { .kconfig = lazy };
	struct iommusim *sim = iommusim_boot(4, argv, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "%s", err);
	cr_assert(logged(sim, "iommu: DMA domain TLB invalidation policy: lazy mode "));
	cr_assert(kconfig_enabled(kernel_config(sim->k), KCONFIG_IOMMU_DEFAULT_DMA_LAZY));
	iommusim_free(sim);
	const char *const bad[] = { "IOMMU_DEFAULT_DMA_LAZY=y", "SWIOTLB=n", NULL };
	opts.kconfig = bad;
	cr_assert_null(iommusim_boot(4, argv, &opts, err, sizeof(err)));
	cr_assert(strstr(err, "--kconfig: not settable (the model has no answers for another value): SWIOTLB;"),
		  "%s", err);
}
