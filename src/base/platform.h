/* The platform bus (drivers/base/platform.c) and DT population (drivers/of/platform.c). */
#ifndef IOMMUSIM_BASE_PLATFORM_H
#define IOMMUSIM_BASE_PLATFORM_H

#include "base/device.h"

struct platform_device {
	struct device dev;
	u64 base, size;			/* first reg entry, CPU address */
	u64 platform_dma_mask;
};

struct platform_driver {
	struct device_driver driver;
	const char *const *of_match_table;	/* compatible strings, NULL-terminated */
	int (*probe)(struct platform_device *pdev);
	void (*remove)(struct platform_device *pdev);
};

extern const struct bus_type platform_bus_type;

static inline struct platform_device *to_platform_device(struct device *dev)
{
	return (struct platform_device *)dev;
}

/*
 * of_platform_default_populate(): a platform device for every available
 * child of the root with a compatible (interrupt controllers and primecells
 * excepted: irqchip and AMBA take those), in DT order.
 */
int of_platform_populate(struct kernel *k);
void platform_devices_free(struct kernel *k);

#endif
