/* The virtual sysfs through the script verbs: formats, links, stores, errnos. */
#include "boot_util.h"

#define M "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp,chassis=1 -device virtio-net-pci,bus=rp " \
	  "-device virtio-rng-pci,disable-modern=on"

Test(sysfs, attribute_formats)
{
	struct iommusim *sim = boot_ok(M);
	char *o = run(sim, "cat /sys/bus/pci/devices/0000:01:00.0/vendor "
			   "/sys/bus/pci/devices/0000:01:00.0/device /sys/bus/pci/devices/0000:01:00.0/class "
			   "/sys/bus/pci/devices/0000:01:00.0/revision /sys/bus/pci/devices/0000:01:00.0/driver_override "
			   "/sys/bus/pci/devices/0000:01:00.0/dma_mask_bits "
			   "/sys/bus/pci/devices/0000:00:02.0/consistent_dma_mask_bits "
			   "/sys/bus/pci/devices/0000:00:00.0/dma_mask_bits\n");
	cr_assert_str_eq(o, "0x1af4\n0x1041\n0x020000\n0x01\n(null)\n64\n44\n32\n");
	free(o);
	o = run(sim, "cat /sys/kernel/iommu_groups/0/type /sys/kernel/iommu_groups/0/reserved_regions\n"
		     "ls /sys/kernel/iommu_groups/0/devices\n");
	cr_assert_str_eq(o, "DMA\n0x0000000008000000 0x00000000080fffff msi\n0000:00:01.0\n0000:01:00.0\n");
	free(o);
	iommusim_free(sim);
}

Test(sysfs, links)
{
	struct iommusim *sim = boot_ok(M);
	char *o = run(sim, "readlink /sys/bus/pci/devices/0000:01:00.0/driver\n"
			   "readlink /sys/bus/pci/devices/0000:01:00.0/iommu_group\n"
			   "readlink /sys/bus/pci/devices/0000:01:00.0\n"
			   "readlink /sys/bus/pci/devices/0000:01:00.0/vendor\n"
			   "readlink /sys/bus/pci/devices/0000:00:00.0/driver\n");
	cr_assert_str_eq(o, "../../../../../../bus/pci/drivers/virtio-pci\n"
			    "../../../../../../kernel/iommu_groups/0\n"
			    "../../../devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/0000:01:00.0\n");
	free(o);
	/* the same device through its /sys/devices path */
	o = run(sim, "cat /sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/0000:01:00.0/vendor\n");
	cr_assert_str_eq(o, "0x1af4\n");
	free(o);
	iommusim_free(sim);
}

Test(sysfs, store_errnos)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/bind", "0000:01:00.0\n"), -EBUSY);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/bind", "0000:07:00.0"), -ENODEV);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/pcieport/unbind", "0000:01:00.0"), -ENODEV,
		     "not bound to that driver");
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/devices/0000:01:00.0/vendor", "1"), -EACCES);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/devices/0000:01:00.0/nope", "1"), -ENOENT);
	cr_assert_eq(sysfs_write(k, "/sys/kernel/iommu_groups", "1"), -EISDIR);
	cr_assert_eq(sysfs_write(k, "/proc/x", "1"), -ENOENT);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers_probe", "0000:09:00.0"), -ENODEV);
	struct sysfs_buf b;
	cr_assert_eq(sysfs_read(k, "/sys/bus/pci/drivers/virtio-pci/bind", &b), -EACCES);
	cr_assert_eq(sysfs_read(k, "/sys/kernel/iommu_groups/9/type", &b), -ENOENT);
	cr_assert_eq(sysfs_read(k, "/sys/kernel/iommu_groups/x/type", &b), -ENOENT);
	cr_assert_eq(sysfs_list(k, "/sys/bus/pci/devices/0000:01:00.0/vendor", &b), -ENOTDIR);
	sysfs_buf_free(&b);
	/* a failed store changed nothing */
	cr_assert_str_eq(pdev_of(sim, "0000:01:00.0")->dev.driver->name, "virtio-pci");
	iommusim_free(sim);
}

Test(sysfs, override_unbind_probe_cycle)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	struct device *dev = &pdev_of(sim, "0000:01:00.0")->dev;
	struct iommu_group *g = dev->iommu_group;
	cr_assert_eq(g->owner_cnt, 1, "virtio-pci's; pcieport is driver_managed_dma");
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci\n"), 0);
	cr_assert_str_eq(dev->driver_override, "vfio-pci");
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0"), 0);
	cr_assert_null(dev->driver);
	cr_assert_eq(g->owner_cnt, 0, "no kernel driver of the group uses the default domain");
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers_probe", "0000:01:00.0"), 0);
	cr_assert_str_eq(dev->driver->name, "vfio-pci");
	cr_assert_eq(g->owner_cnt, 0, "vfio-pci manages DMA itself: no default-domain use");
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/devices/0000:01:00.0/driver_override", "\n"), 0);
	cr_assert_null(dev->driver_override);
	iommusim_free(sim);
}

Test(sysfs, bad_paths_never_crash)
{
	struct iommusim *sim = boot_ok(M);
	const char *paths[] = { "/sys", "/sys/", "/sys/..", "/sys/../../etc", "/sysfoo", "",
				"/sys/bus/nope/devices", "/sys/bus/pci/devices/../../pci/devices/0000:00:01.0/vendor",
				"/sys/kernel/iommu_groups/-1", "/sys/kernel/iommu_groups/99999999999999999999",
				"/sys/bus/pci/drivers/virtio-pci/0000:00:01.0",
				"/sys/devices/platform/4010000000.pcie/pci0000:00", NULL };
	for (int i = 0; paths[i]; i++) {
		struct sysfs_buf b;
		sysfs_read(sim->k, paths[i], &b);
		sysfs_buf_free(&b);
		sysfs_list(sim->k, paths[i], &b);
		sysfs_buf_free(&b);
		sysfs_readlink(sim->k, paths[i], &b);
		sysfs_buf_free(&b);
		sysfs_write(sim->k, paths[i], "0000:00:01.0");
	}
	char *o = run(sim, "cat /sys/bus/pci/devices/../../pci/devices/0000:00:01.0/vendor\n");
	cr_assert_str_eq(o, "0x1b36\n");
	free(o);
	iommusim_free(sim);
}
