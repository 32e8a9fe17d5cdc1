#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include "base/platform.h"
#include "fw/of.h"
#include "dma/of_dma.h"
#include "iommu/iommu.h"

static bool of_match_device(const char *const *table, const struct device *dev)
{
	for (; table && *table; table++)
		if (of_device_is_compatible(dev->k->fdt, dev->of_node, *table))
			return true;
	return false;
}

static int platform_match(struct device *dev, struct device_driver *drv)
{
	const struct platform_driver *pdrv = (const struct platform_driver *)drv;
	if (dev->driver_override)
		return !strcmp(dev->driver_override, drv->name);
	return of_match_device(pdrv->of_match_table, dev);
}

static int platform_probe(struct device *dev)
{
	struct platform_driver *pdrv = (struct platform_driver *)dev->driver;
	return pdrv->probe ? pdrv->probe(to_platform_device(dev)) : 0;
}

static void platform_remove(struct device *dev)
{
	struct platform_driver *pdrv = (struct platform_driver *)dev->driver;
	if (pdrv->remove)
		pdrv->remove(to_platform_device(dev));
}

static int platform_dma_configure(struct device *dev)
{
	int ret = 0;
	if (dev->of_node >= 0)
		ret = of_dma_configure_id(dev, dev->of_node, true, NULL);
	/* 7.3's IOMMU core calls it for a device no driver has (iommu/bus_probe.c) */
	if (!ret && dev->driver && !dev->driver->driver_managed_dma) {
		ret = iommu_device_use_default_domain(dev);
		if (ret)
			dev->dma_ops = NULL;
	}
	return ret;
}

static void platform_dma_cleanup(struct device *dev)
{
	if (!dev->driver->driver_managed_dma)
		iommu_device_unuse_default_domain(dev);
}

const struct bus_type platform_bus_type = {
	.name = "platform",
	.match = platform_match,
	.probe = platform_probe,
	.remove = platform_remove,
	.dma_configure = platform_dma_configure,
	.dma_cleanup = platform_dma_cleanup,
};

struct platform_list {
	struct platform_device **devs;
	size_t n;
};

/* of_default_bus_match_table: buses whose children are populated too */
static bool of_is_simple_bus(const void *fdt, int node)
{
	static const char *const buses[] = { "simple-bus", "simple-mfd", "isa", "arm,amba-bus" };
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		if (of_device_is_compatible(fdt, node, buses[i]))
			return true;
	return false;
}

static int populate_children(struct kernel *k, struct platform_list *list, int bus, struct device *parent)
{
	const void *fdt = k->fdt;
	int node;
	fdt_for_each_subnode(node, fdt, bus) {
		if (!fdt_getprop(fdt, node, "compatible", NULL) || !of_device_is_available(fdt, node))
			continue;
		if (fdt_getprop(fdt, node, "interrupt-controller", NULL) ||
		    of_device_is_compatible(fdt, node, "arm,primecell"))
			continue;
		char name[48];
		if (of_device_name(fdt, node, name, sizeof(name)) < 0) {
			const char *n = fdt_get_name(fdt, node, NULL);
			snprintf(name, sizeof(name), "%s", n ? n : "?");
		}
		struct platform_device *pdev = calloc(1, sizeof(*pdev));
		struct platform_device **p = realloc(list->devs, (list->n + 1) * sizeof(*p));
		if (!pdev || !p) {
			free(pdev);
			free(p);
			return -ENOMEM;
		}
		list->devs = p;
		list->devs[list->n++] = pdev;
		device_initialize(k, &pdev->dev, &platform_bus_type, parent, name);
		pdev->dev.of_node = node;
		pdev->dev.busdata = pdev;
		of_address(fdt, node, 0, &pdev->base, &pdev->size);
		/* setup_pdev_dma_masks(): 32-bit until a driver says otherwise */
		pdev->platform_dma_mask = DMA_BIT_MASK(32);
		pdev->dev.dma_mask = &pdev->platform_dma_mask;
		pdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
		device_add(&pdev->dev);
		if (of_is_simple_bus(fdt, node)) {
			int ret = populate_children(k, list, node, &pdev->dev);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int of_platform_populate(struct kernel *k)
{
	struct platform_list *list = calloc(1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	k->platform = list;
	return populate_children(k, list, 0, NULL);
}

void platform_devices_free(struct kernel *k)
{
	struct platform_list *list = k->platform;
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++) {
		free(list->devs[i]->dev.driver_override);
		free(list->devs[i]);
	}
	free(list->devs);
	free(list);
	k->platform = NULL;
}

