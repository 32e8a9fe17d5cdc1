/* Devices, drivers and buses: registration and lookup (drivers/base/core.c, bus.c, driver.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "base/device.h"
#include "base/probe.h"

const char *dev_driver_string(const struct device *dev)
{
	if (dev->driver)
		return dev->driver->name;
	return dev->bus ? dev->bus->name : "";
}

void dev_printk(const struct device *dev, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	klog_printf(&dev->k->log, "%s %s: %s", dev_driver_string(dev), dev->name, msg);
	free(msg);
}

void kprintf(struct kernel *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	klog_vprintf(&k->log, fmt, ap);
	va_end(ap);
}

static int grow(void *arrp, size_t *cap, size_t n, size_t elem)
{
	void **arr = arrp;
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 32;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

void device_initialize(struct kernel *k, struct device *dev, const struct bus_type *bus,
		       struct device *parent, const char *name)
{
	memset(dev, 0, sizeof(*dev));
	dev->k = k;
	dev->bus = bus;
	dev->parent = parent;
	dev->of_node = -1;
	dev->match_driver = true;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	/* Linux's defaults: 64 KiB segments, 4 GiB boundary (dma_get_max_seg_size/boundary) */
	dev->max_segment_size = 0x10000;
	dev->seg_boundary_mask = 0xffffffffULL;
}

int device_add(struct device *dev)
{
	struct kernel *k = dev->k;
	if (grow(&k->devices, &k->devices_cap, k->ndevices, sizeof(*k->devices)))
		return -ENOMEM;
	k->devices[k->ndevices++] = dev;
	if (dev->match_driver)
		bus_probe_device(dev);
	return 0;
}

void device_del(struct device *dev)
{
	struct kernel *k = dev->k;
	device_release_driver(dev);
	deferred_probe_remove(dev);
	dev->dead = true;
	for (size_t i = 0; i < k->ndevices; i++) {
		if (k->devices[i] == dev) {
			memmove(&k->devices[i], &k->devices[i + 1],
				(k->ndevices - i - 1) * sizeof(*k->devices));
			k->ndevices--;
			break;
		}
	}
}

struct device_driver *driver_find(struct kernel *k, const char *name, const struct bus_type *bus)
{
	for (size_t i = 0; i < k->ndrivers; i++)
		if (k->drivers[i]->bus == bus && !strcmp(k->drivers[i]->name, name))
			return k->drivers[i];
	return NULL;
}

struct device *bus_find_device_by_name(struct kernel *k, const struct bus_type *bus, const char *name)
{
	for (size_t i = 0; i < k->ndevices; i++)
		if (k->devices[i]->bus == bus && !strcmp(k->devices[i]->name, name))
			return k->devices[i];
	return NULL;
}

int driver_register(struct kernel *k, struct device_driver *drv)
{
	if (driver_find(k, drv->name, drv->bus)) {
		kprintf(k, "Error: Driver '%s' is already registered, aborting...", drv->name);
		return -EBUSY;
	}
	if (grow(&k->drivers, &k->drivers_cap, k->ndrivers, sizeof(*k->drivers)))
		return -ENOMEM;
	k->drivers[k->ndrivers++] = drv;
	/* bus_add_driver() */
	if (bus_drivers_autoprobe(k, drv->bus))
		driver_attach(k, drv);
	/*
	 * deferred_probe_extend_timeout(), once bus_add_driver() has attached: a
	 * pending timeout restarts from now, as a new driver may be what
	 * deferred devices wait for.
	 */
	if (k->deferred_timeout_at_ns)
		k->deferred_timeout_at_ns = k->log.clock_ns + (u64)k->deferred_probe_timeout * 1000000000ULL;
	return 0;
}

/* driver_detach(): the driver's devices from the last bound to the first. */
static void driver_detach(struct kernel *k, struct device_driver *drv)
{
	for (;;) {
		struct device *last = NULL;
		for (size_t i = 0; i < k->ndevices; i++)
			if (k->devices[i]->driver == drv &&
			    (!last || k->devices[i]->bind_seq > last->bind_seq))
				last = k->devices[i];
		if (!last)
			return;
		device_release_driver(last);
	}
}

void driver_unregister(struct kernel *k, struct device_driver *drv)
{
	driver_detach(k, drv);
	if (drv->bus->driver_unregistered)
		drv->bus->driver_unregistered(k, drv);
	for (size_t i = 0; i < k->ndrivers; i++) {
		if (k->drivers[i] == drv) {
			memmove(&k->drivers[i], &k->drivers[i + 1],
				(k->ndrivers - i - 1) * sizeof(*k->drivers));
			k->ndrivers--;
			break;
		}
	}
}

bool bus_drivers_autoprobe(struct kernel *k, const struct bus_type *bus)
{
	for (size_t i = 0; i < ARRAY_SIZE(k->autoprobe_off); i++)
		if (k->autoprobe_off[i] == bus)
			return false;
	return true;
}

int bus_drivers_autoprobe_store(struct kernel *k, const struct bus_type *bus, const char *buf)
{
	bool on = buf[0] != '0';
	size_t free_slot = ARRAY_SIZE(k->autoprobe_off);
	for (size_t i = 0; i < ARRAY_SIZE(k->autoprobe_off); i++) {
		if (k->autoprobe_off[i] == bus) {
			if (on)
				k->autoprobe_off[i] = NULL;
			return 0;
		}
		if (!k->autoprobe_off[i] && free_slot == ARRAY_SIZE(k->autoprobe_off))
			free_slot = i;
	}
	if (on)
		return 0;
	if (free_slot == ARRAY_SIZE(k->autoprobe_off))
		return -ENOMEM;
	k->autoprobe_off[free_slot] = bus;
	return 0;
}
