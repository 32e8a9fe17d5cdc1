/*
 * VFIO type1 as each kernel has it: 6.1 offers VFIO_TYPE1_NESTING_IOMMU,
 * 7.3 (since 6.6) reads it as an unknown extension, so SET_IOMMU with it
 * finds no backend and the container stays without one.
 */
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"

static struct iommusim *boot_linux(const char *linux_version)
{
	struct iommusim *sim = boot_on("-M virt,iommu=smmuv3,gic-version=3 -nic none -device "
				       "pcie-root-port,id=rp1,chassis=1 -device virtio-rng-pci,bus=rp1",
				       linux_version, NULL);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", "0000:01:00.0"), 0);
	return sim;
}

/* container with the endpoint's group set; returns the container's fd */
static int container_with_group(struct iommusim *sim)
{
	char path[64];
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_of(sim, "0000:01:00.0"));
	int c = iommusim_open(sim, "/dev/vfio/vfio", 2), g = iommusim_open(sim, path, 2);
	cr_assert_geq(c, 0);
	cr_assert_geq(g, 0, "%s", path);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c), 0);
	return c;
}

Test(vfio_versions, nesting_extension_61)
{
	struct iommusim *sim = boot_linux("6.1");
	int c = container_with_group(sim);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_NESTING_IOMMU), 1);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_NESTING_IOMMU), 0);
	/* nesting implies v2: the container answers as a v2 one */
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1v2_IOMMU), 1);
	iommusim_free(sim);
}

Test(vfio_versions, nesting_extension_73)
{
	struct iommusim *sim = boot_linux("7.3");
	int c = container_with_group(sim);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_NESTING_IOMMU), 0);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1_NESTING_IOMMU), -ENODEV);
	/* nothing changed: the container still takes a type1v2 backend */
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1v2_IOMMU), 1);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	iommusim_free(sim);
}
