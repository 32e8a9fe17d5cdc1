/*
 * Probing as drivers/base/dd.c (6.1) does it: really_probe() sets dev->driver,
 * runs the bus's dma_configure (where an IOMMU master gets its fwspec and
 * group), then the driver's probe. -EPROBE_DEFER puts the device on the
 * pending list; every successful bind re-queues that list, which runs once
 * the outermost probe has finished (the deferred_probe_work).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "base/probe.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"
#include "drivers/drivers_version.h"

static int list_add_tail(struct device ***arr, size_t *n, size_t *cap, struct device *dev)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct device **p = realloc(*arr, ncap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = ncap;
	}
	(*arr)[(*n)++] = dev;
	return 0;
}

static void driver_deferred_probe_add(struct device *dev)
{
	struct kernel *k = dev->k;
	if (dev->deferred)
		return;
	if (!list_add_tail(&k->deferred, &k->ndeferred, &k->deferred_cap, dev))
		dev->deferred = true;
}

void deferred_probe_remove(struct device *dev)
{
	struct kernel *k = dev->k;
	if (!dev->deferred)
		return;
	for (size_t i = 0; i < k->ndeferred; i++) {
		if (k->deferred[i] == dev) {
			memmove(&k->deferred[i], &k->deferred[i + 1],
				(k->ndeferred - i - 1) * sizeof(*k->deferred));
			k->ndeferred--;
			break;
		}
	}
	dev->deferred = false;
}

bool driver_match_device(struct device_driver *drv, struct device *dev)
{
	return drv->bus == dev->bus && (!dev->bus->match || dev->bus->match(dev, drv) > 0);
}

void driver_deferred_probe_trigger(struct kernel *k)
{
	if (!k->deferred_probe_enabled)
		return;
	k->deferred_trigger = true;
}

int driver_deferred_probe_check_state(struct device *dev)
{
	if (dev->k->deferred_probe_timeout == 0 && dev->k->initcalls_done) {
		dev_warn(dev, "deferred probe timeout, ignoring dependency\n");
		return -ETIMEDOUT;
	}
	return -EPROBE_DEFER;
}

static void device_unbind_cleanup(struct device *dev)
{
	dev->driver = NULL;
	dev->drvdata = NULL;
	/* arch_teardown_dma_ops(): the next probe sets DMA ops up from scratch */
	dev->dma_ops = NULL;
}

static int call_driver_probe(struct device *dev, struct device_driver *drv)
{
	int ret = dev->bus->probe ? dev->bus->probe(dev) : drv->probe ? drv->probe(dev) : 0;
	if (!ret || ret == -EPROBE_DEFER || ret == -ENODEV || ret == -ENXIO)
		return ret;
	/* which words, and whose prefix, is the kernel's (drivers_version.h) */
	if (kernel_version(dev->k)->drivers->probe_failure_dev_err)
		dev_err(dev, "probe with driver %s failed with error %d\n", drv->name, ret);
	else
		kprintf(dev->k, "%s: probe of %s failed with error %d", drv->name, dev->name, ret);
	return ret;
}

static void driver_bound(struct device *dev)
{
	/* klist_add_tail() on the driver's devices: driver_detach() walks them from the tail */
	dev->bind_seq = ++dev->k->bind_seq;
	deferred_probe_remove(dev);
	driver_deferred_probe_trigger(dev->k);
}

/* device_remove(): the bus's remove, else the driver's */
static void device_remove(struct device *dev)
{
	if (dev->bus->remove)
		dev->bus->remove(dev);
	else if (dev->driver->remove)
		dev->driver->remove(dev);
}

/*
 * CONFIG_DEBUG_TEST_DRIVER_REMOVE: a driver that may be unbound is removed
 * right after its first successful probe and probed again.
 */
static bool test_remove_enabled(const struct device *dev, const struct device_driver *drv)
{
	/*
	 * A model limit, not Linux's rule: pci-host-generic's remove
	 * (pci_host_common_remove: the root bus and every device below it
	 * removed, then enumerated again by the second probe) is not modelled,
	 * so the host bridge probes once (README, --kconfig help).
	 */
	static const char *const remove_not_modelled[] = { "pci-host-generic" };
	for (size_t i = 0; i < sizeof(remove_not_modelled) / sizeof(remove_not_modelled[0]); i++)
		if (!strcmp(drv->name, remove_not_modelled[i]))
			return false;
	return kconfig_enabled(kernel_config(dev->k), KCONFIG_DEBUG_TEST_DRIVER_REMOVE) &&
	       !drv->suppress_bind_attrs;
}

/*
 * Returns 0 bound, -EPROBE_DEFER/-errno from dma_configure, or a positive
 * errno from probe. With test_remove, the first successful probe is undone
 * (the driver's remove, then, on kernels with f429378a9bf8, the bus's
 * dma_cleanup, then device_unbind_cleanup) and the whole sequence runs
 * again, dma_configure included; a failure of either pass ends it, and a
 * deferral is not tried twice here (the next attempt tests remove afresh).
 */
static int really_probe(struct device *dev, struct device_driver *drv)
{
	bool test_remove = test_remove_enabled(dev, drv);
	int ret;

re_probe:
	dev->driver = drv;
	if (dev->bus->dma_configure) {
		ret = dev->bus->dma_configure(dev);
		if (ret) {
			device_unbind_cleanup(dev);
			return ret;
		}
	}
	ret = call_driver_probe(dev, drv);
	if (ret) {
		if (dev->bus->dma_cleanup)
			dev->bus->dma_cleanup(dev);
		device_unbind_cleanup(dev);
		return -ret;
	}
	if (test_remove) {
		test_remove = false;
		device_remove(dev);
		/* 6.1.0 to 6.1.52 leave the DMA set-up (and a kernel driver's group ownership) behind */
		if (dev->bus->dma_cleanup &&
		    kconfig_enabled(kernel_config(dev->k), KCONFIG_IOMMUSIM_TEST_REMOVE_DMA_CLEANUP))
			dev->bus->dma_cleanup(dev);
		device_unbind_cleanup(dev);
		goto re_probe;
	}
	driver_bound(dev);
	return 0;
}

/* __driver_probe_device(): -ENODEV, -EBUSY, 0 bound, or what really_probe() returned. */
static int __driver_probe_device(struct device_driver *drv, struct device *dev)
{
	if (dev->dead)
		return -ENODEV;
	if (dev->driver)
		return -EBUSY;
	dev->k->probe_depth++;
	int ret = really_probe(dev, drv);
	dev->k->probe_depth--;
	return ret;
}

/* The outermost probe has finished: the queued deferred-probe work runs now. */
static void probe_done(struct kernel *k)
{
	if (k->probe_depth == 0)
		deferred_probe_run_pending(k);
}

/* driver_probe_device(): a deferral, either sign, queues the device for a retry. */
static int driver_probe_device(struct device_driver *drv, struct device *dev)
{
	int ret = __driver_probe_device(drv, dev);
	if (ret == -EPROBE_DEFER || ret == EPROBE_DEFER)
		driver_deferred_probe_add(dev);
	probe_done(dev->k);
	return ret;
}

/* __device_attach(): the bus's drivers in registration order until one binds. */
static int device_attach(struct device *dev)
{
	struct kernel *k = dev->k;
	if (dev->driver)
		return 1;
	for (size_t i = 0; i < k->ndrivers; i++) {
		struct device_driver *drv = k->drivers[i];
		if (!driver_match_device(drv, dev))
			continue;
		int ret = driver_probe_device(drv, dev);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return 1;
		/* a positive error: the next driver may try its luck */
	}
	return 0;
}

void device_initial_probe(struct device *dev)
{
	if (!dev->dead && dev->match_driver)
		device_attach(dev);
}

void bus_probe_device(struct device *dev)
{
	if (bus_drivers_autoprobe(dev->k, dev->bus))
		device_initial_probe(dev);
}

void driver_attach(struct kernel *k, struct device_driver *drv)
{
	/* the device list can change under a probe (children added): walk by index */
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *dev = k->devices[i];
		if (!dev->match_driver || dev->driver || !driver_match_device(drv, dev))
			continue;
		driver_probe_device(drv, dev);
	}
}

void device_release_driver(struct device *dev)
{
	struct device_driver *drv = dev->driver;
	if (!drv)
		return;
	device_remove(dev);
	if (dev->bus->dma_cleanup)
		dev->bus->dma_cleanup(dev);
	device_unbind_cleanup(dev);
}

/* deferred_probe_work_func(): take the whole pending list, probe each in order. */
void deferred_probe_run_pending(struct kernel *k)
{
	static const int max_rounds = 1 << 16;
	int rounds = 0;
	while (k->deferred_trigger && k->deferred_probe_enabled && rounds++ < max_rounds) {
		k->deferred_trigger = false;
		size_t n = k->ndeferred;
		struct device **active = malloc((n ? n : 1) * sizeof(*active));
		if (!active)
			return;
		if (n)
			memcpy(active, k->deferred, n * sizeof(*active));
		for (size_t i = 0; i < n; i++)
			deferred_probe_remove(active[i]);
		k->probe_depth++;
		/* bus_probe_device(): with drivers_autoprobe off the device just leaves the list */
		for (size_t i = 0; i < n; i++)
			bus_probe_device(active[i]);
		k->probe_depth--;
		free(active);
	}
}

void deferred_probe_initcall(struct kernel *k)
{
	k->deferred_probe_enabled = true;
	driver_deferred_probe_trigger(k);
	deferred_probe_run_pending(k);
	k->initcalls_done = true;
	driver_deferred_probe_trigger(k);
	deferred_probe_run_pending(k);
	if (k->deferred_probe_timeout > 0)
		k->deferred_timeout_at_ns = k->log.clock_ns + (u64)k->deferred_probe_timeout * 1000000000ULL;
}

void driver_core_tick(struct kernel *k)
{
	if (!k->deferred_timeout_at_ns || k->log.clock_ns < k->deferred_timeout_at_ns)
		return;
	/* deferred_probe_timeout_work_func() */
	k->deferred_timeout_at_ns = 0;
	k->deferred_probe_timeout = 0;
	driver_deferred_probe_trigger(k);
	deferred_probe_run_pending(k);
	for (size_t i = 0; i < k->ndeferred; i++)
		dev_info(k->deferred[i], "deferred probe pending\n");
}

int driver_bind_store(struct device_driver *drv, struct device *dev)
{
	if (!dev || !driver_match_device(drv, dev))
		return -ENODEV;
	/*
	 * device_driver_attach() calls __driver_probe_device(): a deferral here
	 * is returned as -EAGAIN and does not put the device on the pending list.
	 */
	int ret = __driver_probe_device(drv, dev);
	probe_done(dev->k);
	if (ret > 0)
		ret = -ret;
	if (ret == -EPROBE_DEFER)
		return -EAGAIN;
	return ret;
}

int driver_unbind_store(struct device_driver *drv, struct device *dev)
{
	if (!dev || dev->driver != drv)
		return -ENODEV;
	if (drv->remove_blocks && drv->remove_blocks(dev))
		return -EDEADLK;
	device_release_driver(dev);
	return 0;
}

int bus_rescan_store(struct device *dev)
{
	if (!dev)
		return -ENODEV;
	if (dev->driver)
		return 0;
	int ret = device_attach(dev);
	return ret < 0 ? -EINVAL : 0;
}
