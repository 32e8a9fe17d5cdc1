/*
 * CONFIG_DEBUG_TEST_DRIVER_REMOVE in really_probe() (src/base/probe.c), as
 * 6.1's drivers/base/dd.c runs it: probe, the driver's remove, the bus's
 * dma_cleanup (only on kernels with f429378a9bf8: the model's
 * IOMMUSIM_TEST_REMOVE_DMA_CLEANUP), the unbind cleanup, then dma_configure
 * and probe again. On a fake bus the log shows the sequence; on a booted
 * machine the group's owner count and VFIO's verdict show seed 002's bug.
 */
#include <linux/vfio.h>
#include <fcntl.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "kconfig/kconfig_set.h"

static int match_all(struct device *dev, struct device_driver *drv)
{
	(void)dev;
	(void)drv;
	return 1;
}

static int log_dma_configure(struct device *dev)
{
	kprintf(dev->k, "dma_configure %s", dev->name);
	return 0;
}

static void log_dma_cleanup(struct device *dev)
{
	kprintf(dev->k, "dma_cleanup %s", dev->name);
}

static const struct bus_type logging_bus = {
	.name = "logging", .match = match_all,
	.dma_configure = log_dma_configure, .dma_cleanup = log_dma_cleanup,
};

/* what the next probes return, one per call (0 once the list is used up) */
static int probe_results[4];
static int probe_calls;

static int scripted_probe(struct device *dev)
{
	int r = probe_calls < 4 ? probe_results[probe_calls] : 0;
	probe_calls++;
	kprintf(dev->k, "probe %s -> %d", dev->name, r);
	return r;
}

static void logged_remove(struct device *dev)
{
	kprintf(dev->k, "remove %s", dev->name);
}

static struct kernel_config config_with(const char *settings)
{
	struct kernel_config c;
	char err[512] = "";
	const char *s[] = { settings, NULL };
	cr_assert_eq(kconfig_apply_settings(NULL, settings ? s : NULL, &c, err, sizeof(err)), 0, "%s", err);
	return c;
}

static void fake_kernel(struct kernel *k, const struct kernel_config *c)
{
	memset(k, 0, sizeof(*k));
	klog_init(&k->log);
	k->config = c;
	k->deferred_probe_enabled = true;
	k->initcalls_done = true;
	k->deferred_probe_timeout = -1;
	memset(probe_results, 0, sizeof(probe_results));
	probe_calls = 0;
}

static void fake_kernel_free(struct kernel *k)
{
	free(k->devices);
	free(k->drivers);
	free(k->deferred);
	iommu_core_free(k);
	klog_free(&k->log);
}

/* the log, one line each, without timestamps */
static char *log_text(struct kernel *k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (size_t i = 0; i < klog_count(&k->log); i++)
		fprintf(f, "%s\n", klog_line(&k->log, i));
	fclose(f);
	return buf;
}

static void expect_log(struct kernel *k, const char *want)
{
	char *got = log_text(k);
	cr_expect_str_eq(got, want);
	free(got);
}

/* one device d0 on the logging bus, then drv registered: the probe runs at driver_register */
static void bind_one(struct kernel *k, struct device *dev, struct device_driver *drv)
{
	device_initialize(k, dev, &logging_bus, NULL, "d0");
	cr_assert_eq(device_add(dev), 0);
	cr_assert_eq(driver_register(k, drv), 0);
}

Test(test_remove, probe_remove_cleanup_probe_with_the_fix)
{
	struct kernel_config c = config_with("DEBUG_TEST_DRIVER_REMOVE=y");
	struct kernel k;
	fake_kernel(&k, &c);
	struct device_driver drv = { .name = "t", .bus = &logging_bus, .probe = scripted_probe,
				     .remove = logged_remove };
	struct device dev;
	bind_one(&k, &dev, &drv);
	expect_log(&k, "dma_configure d0\nprobe d0 -> 0\nremove d0\ndma_cleanup d0\n"
		       "dma_configure d0\nprobe d0 -> 0\n");
	cr_assert_eq(dev.driver, &drv);
	cr_assert_eq(probe_calls, 2);
	/* unbinding runs remove and cleanup once: configure and cleanup balance */
	cr_assert_eq(driver_unbind_store(&drv, &dev), 0);
	expect_log(&k, "dma_configure d0\nprobe d0 -> 0\nremove d0\ndma_cleanup d0\n"
		       "dma_configure d0\nprobe d0 -> 0\nremove d0\ndma_cleanup d0\n");
	cr_assert_null(dev.driver);
	/* a bind through sysfs tests remove too */
	cr_assert_eq(driver_bind_store(&drv, &dev), 0);
	cr_assert_eq(probe_calls, 4);
	fake_kernel_free(&k);
}

Test(test_remove, without_the_fix_cleanup_is_skipped)
{
	struct kernel_config c = config_with("DEBUG_TEST_DRIVER_REMOVE=y,IOMMUSIM_TEST_REMOVE_DMA_CLEANUP=n");
	struct kernel k;
	fake_kernel(&k, &c);
	struct device_driver drv = { .name = "t", .bus = &logging_bus, .probe = scripted_probe,
				     .remove = logged_remove };
	struct device dev;
	bind_one(&k, &dev, &drv);
	expect_log(&k, "dma_configure d0\nprobe d0 -> 0\nremove d0\ndma_configure d0\nprobe d0 -> 0\n");
	cr_assert_eq(dev.driver, &drv);
	fake_kernel_free(&k);
}

Test(test_remove, off_by_default_and_for_drivers_without_bind_files)
{
	struct kernel_config c = config_with(NULL);
	struct kernel k;
	fake_kernel(&k, &c);
	struct device_driver drv = { .name = "t", .bus = &logging_bus, .probe = scripted_probe,
				     .remove = logged_remove };
	struct device dev;
	bind_one(&k, &dev, &drv);
	expect_log(&k, "dma_configure d0\nprobe d0 -> 0\n");
	fake_kernel_free(&k);

	c = config_with("DEBUG_TEST_DRIVER_REMOVE=y");
	fake_kernel(&k, &c);
	struct device_driver fixed = { .name = "t", .bus = &logging_bus, .probe = scripted_probe,
				       .remove = logged_remove, .suppress_bind_attrs = true };
	bind_one(&k, &dev, &fixed);
	expect_log(&k, "dma_configure d0\nprobe d0 -> 0\n");
	cr_assert_eq(probe_calls, 1);
	fake_kernel_free(&k);
}

Test(test_remove, a_deferral_is_not_probed_twice_and_the_retry_tests_afresh)
{
	struct kernel_config c = config_with("DEBUG_TEST_DRIVER_REMOVE=y");
	struct kernel k;
	fake_kernel(&k, &c);
	probe_results[0] = -EPROBE_DEFER;
	struct device_driver drv = { .name = "t", .bus = &logging_bus, .probe = scripted_probe,
				     .remove = logged_remove };
	struct device dev;
	bind_one(&k, &dev, &drv);
	/* the failed probe's own cleanup; no remove, no second probe */
	expect_log(&k, "dma_configure d0\nprobe d0 -> -517\ndma_cleanup d0\n");
	cr_assert_null(dev.driver);
	cr_assert(dev.deferred);
	cr_assert_eq(k.ndeferred, 1);
	/* the retry (deferred work) runs the test again */
	driver_deferred_probe_trigger(&k);
	deferred_probe_run_pending(&k);
	expect_log(&k, "dma_configure d0\nprobe d0 -> -517\ndma_cleanup d0\n"
		       "dma_configure d0\nprobe d0 -> 0\nremove d0\ndma_cleanup d0\n"
		       "dma_configure d0\nprobe d0 -> 0\n");
	cr_assert_eq(dev.driver, &drv);
	cr_assert_not(dev.deferred);
	fake_kernel_free(&k);
}

Test(test_remove, a_failing_second_probe_leaves_the_device_unbound)
{
	struct kernel_config c = config_with("DEBUG_TEST_DRIVER_REMOVE=y");
	struct kernel k;
	fake_kernel(&k, &c);
	probe_results[1] = -ENOMEM;
	struct device_driver drv = { .name = "t", .bus = &logging_bus, .probe = scripted_probe,
				     .remove = logged_remove };
	struct device dev;
	bind_one(&k, &dev, &drv);
	expect_log(&k, "dma_configure d0\nprobe d0 -> 0\nremove d0\ndma_cleanup d0\n"
		       "dma_configure d0\nprobe d0 -> -12\nt: probe of d0 failed with error -12\ndma_cleanup d0\n");
	cr_assert_null(dev.driver);
	cr_assert_not(dev.deferred);
	cr_assert_eq(probe_calls, 2);
	fake_kernel_free(&k);
}

/* --- seed 002 on a booted machine: virtio-pci, then vfio-pci, then a VMM --- */

#define SEED_ARGS "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		  "-device virtio-rng-pci,bus=rp1"

static struct iommusim *boot_kconfig(const char *settings)
{
	char *copy = strdup(SEED_ARGS), *argv[32], err[512] = "";
	int argc = 0;
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	const char *kc[] = { settings, NULL };
	struct iommusim_options opts = { .kconfig = settings ? kc : NULL };
	struct iommusim *sim = iommusim_boot(argc, argv, &opts, err, sizeof(err));
	free(copy);
	cr_assert_not_null(sim, "boot failed: %s", err);
	return sim;
}

static unsigned owner_cnt(struct iommusim *sim, const char *dev)
{
	struct iommu_group *g = pdev_of(sim, dev)->dev.iommu_group;
	cr_assert_not_null(g);
	return g->owner_cnt;
}

/* the VMM's first steps: GET_STATUS's flags and SET_CONTAINER's result */
static void vmm_claims(struct iommusim *sim, unsigned *flags, long *set_container)
{
	char *o = run(sim, "echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
			   "echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			   "echo 0000:01:00.0 > /sys/bus/pci/drivers_probe\n");
	free(o);
	int c = iommusim_open(sim, "/dev/vfio/vfio", O_RDWR);
	int g = iommusim_open(sim, "/dev/vfio/0", O_RDWR);
	cr_assert_geq(c, 0);
	cr_assert_geq(g, 0);
	struct vfio_group_status st = { .argsz = sizeof(st) };
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_STATUS, &st), 0);
	*flags = st.flags;
	*set_container = iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c);
	if (!*set_container)
		cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	cr_assert_eq(iommusim_close(sim, g), 0);
	cr_assert_eq(iommusim_close(sim, c), 0);
}

Test(test_remove, seed_002_owner_count_left_at_two_and_vfio_refused)
{
	struct iommusim *sim = boot_kconfig("DEBUG_TEST_DRIVER_REMOVE=y,IOMMUSIM_TEST_REMOVE_DMA_CLEANUP=n");
	/* virtio-pci's two dma_configure calls each took the default domain */
	cr_assert_eq(owner_cnt(sim, "0000:01:00.0"), 2);
	unsigned flags;
	long set;
	vmm_claims(sim, &flags, &set);
	/* unbinding gave one back; vfio-pci (driver_managed_dma) takes none */
	cr_assert_eq(owner_cnt(sim, "0000:01:00.0"), 1);
	cr_assert_eq(flags & VFIO_GROUP_FLAGS_VIABLE, 0);
	cr_assert_eq(set, -EPERM);
	iommusim_free(sim);
}

Test(test_remove, seed_002_fixed_kernel_balances_and_vfio_claims)
{
	struct iommusim *sim = boot_kconfig("DEBUG_TEST_DRIVER_REMOVE=y");
	cr_assert_eq(owner_cnt(sim, "0000:01:00.0"), 1);
	unsigned flags;
	long set;
	vmm_claims(sim, &flags, &set);
	cr_assert_eq(owner_cnt(sim, "0000:01:00.0"), 0);
	cr_assert_eq(flags, VFIO_GROUP_FLAGS_VIABLE);
	cr_assert_eq(set, 0);
	iommusim_free(sim);

	/* without DEBUG_TEST_DRIVER_REMOVE the missing cleanup never runs: no bug */
	sim = boot_kconfig("IOMMUSIM_TEST_REMOVE_DMA_CLEANUP=n");
	cr_assert_eq(owner_cnt(sim, "0000:01:00.0"), 1);
	vmm_claims(sim, &flags, &set);
	cr_assert_eq(set, 0);
	iommusim_free(sim);
}

Test(test_remove, host_bridge_probes_once_and_bridges_are_tested)
{
	struct iommusim *sim = boot_kconfig("DEBUG_TEST_DRIVER_REMOVE=y");
	size_t ecam = 0, adding = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++) {
		const char *l = klog_line(&sim->k->log, i);
		ecam += strstr(l, "ECAM at") != NULL;
		adding += strstr(l, "0000:01:00.0: Adding to iommu group") != NULL;
	}
	/* pci-host-generic's remove is not modelled: it is not tested */
	cr_assert_eq(ecam, 1);
	/* the second dma_configure finds the device already in its group */
	cr_assert_eq(adding, 1);
	/* pcieport (driver_managed_dma) owns nothing either way */
	cr_assert_eq(pdev_of(sim, "0000:00:01.0")->dev.driver->name[0], 'p');
	iommusim_free(sim);
}
