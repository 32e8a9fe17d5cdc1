/* The virt board's own device types, checked one by one on qemu-system-aarch64 7.2 -M virt. */
#include <string.h>
#include "hw/qdev_not_pluggable.h"

static const char *const not_pluggable[] = {
	"arm-smmuv3",		/* virt's iommu=smmuv3 makes it */
	"gpex-pcihost", "gpex-root", "pxb-host",
	"arm_gic", "arm-gicv3", "arm-gicv3-its", "arm-gicv2m",
	"pl011", "pl031", "pl061", "gpio-key",
	"fw_cfg_mem", "platform-bus-device", "cfi.pflash01", "virtio-mmio",
};

bool qdev_type_not_pluggable(const char *name)
{
	for (size_t i = 0; name && i < sizeof(not_pluggable) / sizeof(not_pluggable[0]); i++)
		if (!strcmp(not_pluggable[i], name))
			return true;
	return false;
}
