/* Internal to base/: the probe machinery of drivers/base/dd.c. */
#ifndef IOMMUSIM_BASE_PROBE_H
#define IOMMUSIM_BASE_PROBE_H

#include "base/device.h"

void driver_attach(struct kernel *k, struct device_driver *drv);
void deferred_probe_remove(struct device *dev);
bool driver_match_device(struct device_driver *drv, struct device *dev);

#endif
