/*
 * Function resets through VFIO as 6.1's vfio-pci does them: the reset tried
 * at the first open (reset_works, VFIO_DEVICE_FLAGS_RESET), VFIO_DEVICE_RESET
 * (EINVAL without a working reset, else pci_try_reset_function() with the
 * state saved and restored around it), the state saved at open restored at
 * the last close, and the reset_method attribute pci_init_reset_methods()
 * fills at enumeration.
 */
#include <stdlib.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "hw/pci_config.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

#define MACHINE "-M virt,iommu=smmuv3,gic-version=3 -nic none "
#define RP "-device pcie-root-port,id=rp1,chassis=1 "
#define RP_NOHP "-device pcie-root-port,id=rp1,chassis=1,hotplug=off "

struct assigned {
	struct iommusim *sim;
	int container, group, device;
};

/* bind dev (alone in group 0) to vfio-pci and open its device file */
static struct assigned assign(const char *machine, const char *dev)
{
	struct assigned a = { .sim = boot_ok(machine) };
	char path[128];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", dev);
	cr_assert_eq(iommusim_sysfs_write(a.sim, path, "vfio-pci"), 0);
	char *drv = NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", dev);
	if (iommusim_sysfs_readlink(a.sim, path, &drv) > 0) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", strrchr(drv, '/') + 1);
		cr_assert_eq(iommusim_sysfs_write(a.sim, path, dev), 0);
	}
	free(drv);
	cr_assert_eq(iommusim_sysfs_write(a.sim, "/sys/bus/pci/drivers_probe", dev), 0);
	a.container = iommusim_open(a.sim, "/dev/vfio/vfio", 2);
	a.group = iommusim_open(a.sim, "/dev/vfio/0", 2);
	cr_assert_geq(a.container, 3);
	cr_assert_geq(a.group, 3);
	cr_assert_eq(iommusim_ioctl(a.sim, a.group, VFIO_GROUP_SET_CONTAINER, &a.container), 0);
	cr_assert_eq(iommusim_ioctl(a.sim, a.container, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	a.device = (int)iommusim_ioctl(a.sim, a.group, VFIO_GROUP_GET_DEVICE_FD, (void *)dev);
	cr_assert_geq(a.device, 3);
	return a;
}

static u32 info_flags(struct assigned *a)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	cr_assert_eq(iommusim_ioctl(a->sim, a->device, VFIO_DEVICE_GET_INFO, &info), 0);
	return info.flags;
}

static u32 cfg(struct iommusim *sim, const char *dev, unsigned off, unsigned size)
{
	uint32_t v = 0;
	cr_assert_eq(iommusim_pci_config_read(sim, dev, off, size, &v), 0);
	return v;
}

/* the function's whole config space as the hardware holds it */
static u32 *snapshot(struct iommusim *sim, const char *dev)
{
	unsigned size = pdev_of(sim, dev)->cfg_size;
	u32 *s = calloc(size / 4, sizeof(*s));
	for (unsigned i = 0; i < size / 4; i++)
		s[i] = cfg(sim, dev, 4 * i, 4);
	return s;
}

static void same_config(struct iommusim *sim, const char *dev, const u32 *before)
{
	unsigned size = pdev_of(sim, dev)->cfg_size;
	for (unsigned i = 0; i < size / 4; i++)
		cr_assert_eq(cfg(sim, dev, 4 * i, 4), before[i], "%s at %#x: %#x, was %#x", dev, 4 * i,
			     cfg(sim, dev, 4 * i, 4), before[i]);
}

static struct vdev_hw *vdev_of(struct iommusim *sim, const char *dev)
{
	const struct hw_pci_fn *fn = pdev_of(sim, dev)->hw;
	struct vdev_hw *v = hw_virtio_device(sim->k->hw, fn->virtio);
	cr_assert_not_null(v);
	return v;
}

static char *reset_method(struct iommusim *sim, const char *dev, long *ret)
{
	char path[128], *out = NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", dev);
	*ret = iommusim_sysfs_read(sim, path, &out);
	return out;
}

static void expect_methods(const char *machine, const char *dev, const char *want)
{
	struct iommusim *sim = boot_ok(machine);
	long ret;
	char *got = reset_method(sim, dev, &ret);
	if (!want) {
		cr_assert_eq(ret, -ENOENT, "%s: %s", dev, got ? got : "");
	} else {
		cr_assert_gt(ret, 0);
		cr_assert_str_eq(got, want);
	}
	free(got);
	iommusim_free(sim);
}

Test(vfio_reset, reset_methods_as_6_1_probes_them_at_enumeration)
{
	expect_methods(MACHINE RP "-device virtio-net-pci,bus=rp1", "0000:01:00.0", "flr pm bus\n");
	expect_methods(MACHINE RP "-device e1000e,bus=rp1", "0000:01:00.0", "pm bus\n");
	expect_methods(MACHINE RP_NOHP "-device e1000,bus=rp1", "0000:01:00.0", "bus\n");
	/* nvme's PM capability says No_Soft_Reset */
	expect_methods(MACHINE RP "-drive if=none,id=nv,file=null-co://,format=raw -device nvme,drive=nv,serial=x,bus=rp1",
		       "0000:01:00.0", "flr bus\n");
	/* conventional on the root bus: no method, no attribute */
	expect_methods(MACHINE "-device virtio-rng-pci,addr=0x3", "0000:00:03.0", NULL);
	/* the root port: on the root bus, no FLR, no PM capability */
	expect_methods(MACHINE RP "-device virtio-net-pci,bus=rp1", "0000:00:01.0", NULL);
	/* a multifunction device: function 0 was alone when probed, function 1 was not */
	const char *mf = MACHINE RP "-device e1000,bus=rp1,addr=0.0,multifunction=on -device e1000,bus=rp1,addr=0.1";
	expect_methods(mf, "0000:01:00.0", "bus\n");
	expect_methods(mf, "0000:01:00.1", NULL);
}

Test(vfio_reset, flr_of_virtio_net_behind_a_root_port)
{
	const char *dev = "0000:01:00.0";
	struct assigned a = assign(MACHINE RP "-device virtio-net-pci,bus=rp1", dev);
	cr_assert_eq(info_flags(&a), VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	struct vdev_hw *v = vdev_of(a.sim, dev);
	/* the user's driver set the device up (what its BAR writes would do) */
	vdev_hw_set_status(v, 1 | 2 | 4);
	u32 *before = snapshot(a.sim, dev);
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_RESET, NULL), 0);
	cr_assert_eq(v->status, 0, "virtio status %#x after VFIO_DEVICE_RESET", v->status);
	/* pci_dev_restore() put the function's registers back */
	same_config(a.sim, dev, before);
	free(before);
	/* and again: the state saved before each reset, none left saved after */
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_RESET, NULL), 0);
	cr_assert_not(pdev_of(a.sim, dev)->state_saved);
	iommusim_free(a.sim);
}

Test(vfio_reset, a_conventional_function_alone_behind_a_port_gets_a_bus_reset)
{
	const char *dev = "0000:01:00.0";
	/* no PCIe capability: no FLR and no PM capability; the port's secondary bus reset */
	struct assigned a = assign(MACHINE RP_NOHP "-device virtio-net-pci,bus=rp1,x-disable-pcie=on", dev);
	long ret;
	char *m = reset_method(a.sim, dev, &ret);
	cr_assert_str_eq(m, "bus\n");
	free(m);
	cr_assert_eq(info_flags(&a), VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	struct vdev_hw *v = vdev_of(a.sim, dev);
	vdev_hw_set_status(v, 1);
	u32 *before = snapshot(a.sim, dev);
	u32 *port = snapshot(a.sim, "0000:00:01.0");
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_RESET, NULL), 0);
	cr_assert_eq(v->status, 0);
	same_config(a.sim, dev, before);
	/* Secondary Bus Reset set and cleared again: the port as it was */
	same_config(a.sim, "0000:00:01.0", port);
	free(before);
	free(port);
	iommusim_free(a.sim);
}

Test(vfio_reset, the_slot_reset_of_a_hotplug_port)
{
	const char *dev = "0000:01:00.0";
	struct assigned a = assign(MACHINE RP "-device virtio-net-pci,bus=rp1,x-disable-pcie=on", dev);
	struct vdev_hw *v = vdev_of(a.sim, dev);
	unsigned exp = pdev_of(a.sim, "0000:00:01.0")->pcie_cap;
	u16 sltctl = (u16)cfg(a.sim, "0000:00:01.0", exp + PCI_EXP_SLTCTL, 2);
	/* pciehp turned its notifications on at probe (QEMU 7.2's port has no writable DLLSCE) */
	cr_assert(sltctl & PCI_EXP_SLTCTL_HPIE);
	vdev_hw_set_status(v, 1);
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_RESET, NULL), 0);
	cr_assert_eq(v->status, 0);
	/* pciehp_reset_slot() masked link and presence notifications around the reset, then restored them */
	cr_assert_eq((u16)cfg(a.sim, "0000:00:01.0", exp + PCI_EXP_SLTCTL, 2), sltctl);
	iommusim_free(a.sim);
}

Test(vfio_reset, a_device_on_the_root_bus_has_no_reset)
{
	const char *dev = "0000:00:03.0";
	struct assigned a = assign(MACHINE "-device virtio-rng-pci,addr=0x3", dev);
	cr_assert_eq(info_flags(&a), VFIO_DEVICE_FLAGS_PCI);
	struct vdev_hw *v = vdev_of(a.sim, dev);
	vdev_hw_set_status(v, 1);
	u32 *before = snapshot(a.sim, dev);
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_RESET, NULL), -EINVAL);
	/* nothing touched */
	cr_assert_eq(v->status, 1);
	same_config(a.sim, dev, before);
	free(before);
	iommusim_free(a.sim);
}

Test(vfio_reset, bad_file_descriptors)
{
	struct assigned a = assign(MACHINE RP "-device virtio-net-pci,bus=rp1", "0000:01:00.0");
	struct vdev_hw *v = vdev_of(a.sim, "0000:01:00.0");
	vdev_hw_set_status(v, 1);
	cr_assert_eq(iommusim_ioctl(a.sim, 999, VFIO_DEVICE_RESET, NULL), -EBADF);
	/* the group and the container do not know the device ioctls */
	cr_assert_lt(iommusim_ioctl(a.sim, a.group, VFIO_DEVICE_RESET, NULL), 0);
	cr_assert_lt(iommusim_ioctl(a.sim, a.container, VFIO_DEVICE_RESET, NULL), 0);
	cr_assert_eq(v->status, 1);
	iommusim_free(a.sim);
}

Test(vfio_reset, the_last_close_restores_the_state_saved_at_open)
{
	const char *dev = "0000:01:00.0";
	struct assigned a = assign(MACHINE RP "-device virtio-net-pci,bus=rp1", dev);
	u32 *at_open = snapshot(a.sim, dev);
	/* behind vfio's back: the cache line size and an error reporting enable */
	unsigned exp = pdev_of(a.sim, dev)->pcie_cap;
	cr_assert_eq(iommusim_pci_config_write(a.sim, dev, PCI_CACHE_LINE_SIZE, 1, 0x10), 0);
	cr_assert_eq(iommusim_pci_config_write(a.sim, dev, exp + PCI_EXP_DEVCTL, 2,
					       cfg(a.sim, dev, exp + PCI_EXP_DEVCTL, 2) | PCI_EXP_DEVCTL_URRE), 0);
	struct vdev_hw *v = vdev_of(a.sim, dev);
	vdev_hw_set_status(v, 1);
	/* a second file keeps the device open */
	int second = (int)iommusim_ioctl(a.sim, a.group, VFIO_GROUP_GET_DEVICE_FD, (void *)dev);
	cr_assert_geq(second, 3);
	cr_assert_eq(iommusim_close(a.sim, a.device), 0);
	cr_assert_eq(cfg(a.sim, dev, PCI_CACHE_LINE_SIZE, 1), 0x10);
	cr_assert_eq(v->status, 1);
	/* the last one: reset, then the state of the open restored (bus mastering and decoding as then) */
	cr_assert_eq(iommusim_close(a.sim, second), 0);
	cr_assert_eq(v->status, 0);
	unsigned size = pdev_of(a.sim, dev)->cfg_size;
	for (unsigned i = 0; i < size / 4; i++) {
		if (4 * i == PCI_COMMAND)
			continue;
		cr_assert_eq(cfg(a.sim, dev, 4 * i, 4), at_open[i], "at %#x", 4 * i);
	}
	/* pci_disable_device(): bus mastering off */
	cr_assert_eq(cfg(a.sim, dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER, 0);
	free(at_open);
	iommusim_free(a.sim);
}

Test(vfio_reset, a_multifunction_device_behind_a_port_has_no_working_reset)
{
	/*
	 * function 0 was alone on its bus when it was probed ("bus"), but a
	 * secondary bus reset would hit function 1 too, and a multifunction
	 * device gets no slot reset: the reset at open fails, no RESET flag
	 */
	const char *mf = MACHINE RP "-device e1000,bus=rp1,addr=0.0,multifunction=on -device e1000,bus=rp1,addr=0.1";
	struct assigned a = assign(mf, "0000:01:00.0");
	cr_assert_eq(info_flags(&a), VFIO_DEVICE_FLAGS_PCI);
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_RESET, NULL), -EINVAL);
	cr_assert_eq(pci_probe_reset_function(pdev_of(a.sim, "0000:01:00.0")), 0);
	cr_assert_eq(pci_try_reset_function(pdev_of(a.sim, "0000:01:00.0")), -ENOTTY);
	cr_assert_eq(pci_probe_reset_function(pdev_of(a.sim, "0000:01:00.1")), -ENOTTY);
	iommusim_free(a.sim);
}
