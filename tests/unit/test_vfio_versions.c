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

/* a v2 container holding the endpoint's group */
static int container_v2(struct iommusim *sim)
{
	int c = container_with_group(sim);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	return c;
}

/* MAP_DMA and UNMAP_DMA of a range wrapping past 2^64: EINVAL on 6.1, EOVERFLOW on 7.3 */
static void wrap_errnos(const char *linux_version, long want)
{
	struct iommusim *sim = boot_linux(linux_version);
	int c = container_v2(sim);
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ,
						.vaddr = 0x10000, .iova = 0xfffffffffffff000ull, .size = 0x2000 };
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_IOMMU_MAP_DMA, &map), want);
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = 0xfffffffffffff000ull,
						    .size = 0x2000 };
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_IOMMU_UNMAP_DMA, &unmap), want);
	/* the checks before it are the same: no size is EINVAL on both */
	unmap.size = 0;
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_IOMMU_UNMAP_DMA, &unmap), -EINVAL);
	iommusim_free(sim);
}

Test(vfio_versions, wrapping_range_61)
{
	wrap_errnos("6.1", -EINVAL);
}

Test(vfio_versions, wrapping_range_73)
{
	wrap_errnos("7.3", -EOVERFLOW);
}

/* GET_INFO's capability chain: 7.3 pads the 12-byte DMA-available capability to 16 */
Test(vfio_versions, info_capabilities_padded_on_73)
{
	u32 need[2];
	const char *versions[] = { "6.1", "7.3" };
	for (int v = 0; v < 2; v++) {
		struct iommusim *sim = boot_linux(versions[v]);
		int c = container_v2(sim);
		struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
		cr_assert_eq(iommusim_ioctl(sim, c, VFIO_IOMMU_GET_INFO, &info), 0);
		need[v] = info.argsz;
		iommusim_free(sim);
	}
	cr_assert_eq(need[1] - need[0], 4, "argsz 6.1 %u, 7.3 %u", need[0], need[1]);
}
