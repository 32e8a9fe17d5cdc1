/*
 * The reset and reset_method files of Linux 6.1's PCI devices (pci-sysfs.c
 * reset_store, pci.c reset_method_show/store): which functions have them,
 * what a write does, the errors and the lines they log.
 */
#include <stdlib.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

#define MACHINE "-M virt,iommu=smmuv3,gic-version=3 -nic none " \
		"-device pcie-root-port,id=rp1,chassis=1,hotplug=off -device e1000,bus=rp1 " \
		"-device pcie-root-port,id=rp2,chassis=2 -device virtio-net-pci,bus=rp2 " \
		"-device virtio-rng-pci,addr=0x3"
#define E1000 "/sys/bus/pci/devices/0000:01:00.0/"
#define VNET "/sys/bus/pci/devices/0000:02:00.0/"
#define RNG "/sys/bus/pci/devices/0000:00:03.0/"

static char *readf(struct iommusim *sim, const char *path)
{
	char *out = NULL;
	long n = iommusim_sysfs_read(sim, path, &out);
	cr_assert_geq(n, 0, "%s: %ld", path, n);
	return out;
}

static void expect_methods(struct iommusim *sim, const char *path, const char *want)
{
	char *got = readf(sim, path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

static bool logged(struct iommusim *sim, const char *text)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), text))
			return true;
	return false;
}

Test(pci_reset_sysfs, reset_method_writes)
{
	struct iommusim *sim = boot_ok(MACHINE);
	expect_methods(sim, E1000 "reset_method", "bus\n");
	expect_methods(sim, VNET "reset_method", "flr pm bus\n");
	/* a method the function lacks, a name 6.1 does not know: EINVAL, the methods as they were */
	cr_assert_eq(iommusim_sysfs_write(sim, E1000 "reset_method", "flr\n"), -EINVAL);
	cr_assert(logged(sim, "pci 0000:01:00.0: Unsupported reset method 'flr'"));
	cr_assert_eq(iommusim_sysfs_write(sim, E1000 "reset_method", "foo"), -EINVAL);
	cr_assert(logged(sim, "pci 0000:01:00.0: Invalid reset method 'foo'"));
	expect_methods(sim, E1000 "reset_method", "bus\n");
	/* an order of the user's, extra spaces ignored */
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset_method", "bus  flr\n"), 0);
	expect_methods(sim, VNET "reset_method", "bus flr\n");
	/* none: the file stays, empty; a reset then has no method */
	cr_assert_eq(iommusim_sysfs_write(sim, E1000 "reset_method", "\n"), 0);
	cr_assert(logged(sim, "All device reset methods disabled by user"));
	expect_methods(sim, E1000 "reset_method", "");
	cr_assert_eq(iommusim_sysfs_write(sim, E1000 "reset", "1"), -ENOTTY);
	cr_assert_eq(iommusim_sysfs_write(sim, E1000 "reset_method", "default\n"), 0);
	expect_methods(sim, E1000 "reset_method", "bus\n");
	iommusim_free(sim);
}

Test(pci_reset_sysfs, reset_resets_the_function)
{
	struct iommusim *sim = boot_ok(MACHINE);
	const struct hw_pci_fn *fn = pdev_of(sim, "0000:02:00.0")->hw;
	struct vdev_hw *v = hw_virtio_device(sim->k->hw, fn->virtio);
	cr_assert(v->status & VDEV_S_DRIVER_OK);
	/* only "1" (kstrtoul: any base, one newline) */
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset", "2"), -EINVAL);
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset", "x"), -EINVAL);
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset", "-1"), -EINVAL);
	cr_assert(v->status & VDEV_S_DRIVER_OK);
	/*
	 * pm first: QEMU 7.2 resets nothing on D3hot -> D0, and the kernel
	 * takes it as done; only the command register written with bus
	 * mastering off on the way took DRIVER_OK away (virtio_write_config())
	 */
	u8 status = v->status;
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset_method", "pm"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset", "1\n"), 0);
	cr_assert_eq(v->status, status & ~VDEV_S_DRIVER_OK);
	/* an FLR resets the device under its driver (virtio-pci has no reset_done) */
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset_method", "flr"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, VNET "reset", "0x1"), 0);
	cr_assert_eq(v->status, 0);
	iommusim_free(sim);
}

Test(pci_reset_sysfs, no_files_without_a_method)
{
	struct iommusim *sim = boot_ok(MACHINE);
	char *out = NULL;
	cr_assert_eq(iommusim_sysfs_read(sim, RNG "reset_method", &out), -ENOENT);
	cr_assert_neq(iommusim_sysfs_write(sim, RNG "reset", "1"), 0);
	/* reset is write-only */
	cr_assert_eq(iommusim_sysfs_read(sim, E1000 "reset", &out), -EACCES);
	iommusim_free(sim);
}
