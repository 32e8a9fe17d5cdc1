/*
 * The driver core's sysfs: driver directories (bind, unbind, module,
 * new_id, remove_id, uevent), drivers_autoprobe, uevent writes and
 * /sys/module. Every expected text is what real Linux 6.1 printed on the
 * oracle (tests/linux/driver_dir_files, driver_new_id, module_sysfs,
 * drivers_autoprobe_reload).
 */
#include "boot_util.h"
#include "drivers/virtio.h"

#define M "-M virt,iommu=smmuv3 -device virtio-rng-pci -device pcie-root-port,id=rp1,chassis=1 " \
	  "-device virtio-net-pci,bus=rp1 -device virtio-rng-device"

Test(sysfs_drivers, driver_directories)
{
	struct iommusim *sim = boot_ok(M);
	char *o = run(sim, "ls /sys/bus/pci/drivers/pcieport\n"
			   "ls /sys/bus/pci/drivers/vfio-pci\n"
			   "ls /sys/bus/platform/drivers/arm-smmu-v3\n"
			   "ls /sys/bus/platform/drivers/virtio-mmio\n"
			   "ls /sys/bus/virtio/drivers/virtio_rng\n");
	cr_assert_str_eq(o, /* built in: no module link; PCI: new_id, remove_id */
			 "0000:00:03.0\nbind\nnew_id\nremove_id\nuevent\nunbind\n"
			 "bind\nmodule\nnew_id\nremove_id\nuevent\nunbind\n"
			 /* suppress_bind_attrs */
			 "9050000.smmuv3\nuevent\n"
			 "a003e00.virtio_mmio\nbind\nmodule\nuevent\nunbind\n"
			 "bind\nmodule\nuevent\nunbind\nvirtio1\nvirtio3\n");
	free(o);
	o = run(sim, "readlink /sys/bus/pci/drivers/vfio-pci/module\n"
		     "readlink -f /sys/bus/virtio/drivers/virtio_net/module\n"
		     "readlink /sys/bus/pci/drivers/pcieport/module\n"
		     "ls /sys/bus/pci/drivers/pcieport/module\n"
		     "cat /sys/bus/pci/drivers/vfio-pci/new_id\n"
		     "cat /sys/bus/pci/uevent\n"
		     "echo 9050000.smmuv3 > /sys/bus/platform/drivers/arm-smmu-v3/unbind\n"
		     "ls /sys/bus/virtio\n");
	cr_assert_str_eq(o, "../../../../module/vfio_pci\n"
			    "/sys/module/virtio_net\n"
			    "ls: /sys/bus/pci/drivers/pcieport/module: No such file or directory\n"
			    "cat: can't open '/sys/bus/pci/drivers/vfio-pci/new_id': Permission denied\n"
			    "cat: can't open '/sys/bus/pci/uevent': Permission denied\n"
			    "sh: can't create /sys/bus/platform/drivers/arm-smmu-v3/unbind: Permission denied\n"
			    "devices\ndrivers\ndrivers_autoprobe\ndrivers_probe\nuevent\n");
	free(o);
	iommusim_free(sim);
}

/* kobject_synth_uevent(): the action word, then a UUID and KEY=VALUE pairs */
Test(sysfs_drivers, uevent_writes)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	const char *drv = "/sys/bus/pci/drivers/vfio-pci/uevent";
	cr_assert_eq(sysfs_write(k, drv, "add\n"), 0);
	cr_assert_eq(sysfs_write(k, drv, "online"), 0);
	cr_assert_eq(sysfs_write(k, "/sys/bus/virtio/uevent", "change\n"), 0);
	cr_assert_eq(sysfs_write(k, drv, "add 12345678-1234-1234-1234-123456789abc A=1 B2=x\n"), 0);
	cr_assert_eq(sysfs_write(k, drv, "bogus\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, drv, "\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, drv, "add2\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/uevent", "add 1234\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, drv, "change 12345678-1234-1234-1234-123456789abc A\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, drv, "remove 12345678-1234-1234-1234-123456789abc A=b-c\n"), -EINVAL);
	char *o = run(sim, "echo > /sys/bus/platform/drivers/virtio-mmio/uevent\n"
			   "echo \"add 1234\" > /sys/bus/pci/uevent\n"
			   "echo add > /sys/module/vfio/uevent\n"
			   "echo nope > /sys/module/vfio/uevent\n"
			   "dmesg\n");
	cr_assert(strstr(o, "] synth uevent: /bus/pci/drivers/vfio-pci: unknown uevent action string\n"), "%s", o);
	cr_assert(strstr(o, "] synth uevent: /bus/platform/drivers/virtio-mmio: unknown uevent action string\n"), "%s", o);
	cr_assert(strstr(o, "] synth uevent: /bus/pci: incorrect uevent action arguments\n"), "%s", o);
	cr_assert(strstr(o, "] synth uevent: /module/vfio: unknown uevent action string\n"), "%s", o);
	free(o);
	iommusim_free(sim);
}

#define NI "-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci -device pcie-root-port,id=rp1,chassis=1 " \
	   "-device virtio-net-pci,bus=rp1"

Test(sysfs_drivers, new_id_remove_id_errnos)
{
	struct iommusim *sim = boot_ok(NI);
	struct kernel *k = sim->k;
	const char *vfio_new = "/sys/bus/pci/drivers/vfio-pci/new_id";
	const char *vfio_rm = "/sys/bus/pci/drivers/vfio-pci/remove_id";
	cr_assert_eq(sysfs_write(k, vfio_new, "1af4\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, vfio_new, "\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, vfio_new, "1af4:1005\n"), -EINVAL);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/new_id", "1af4 1005\n"), -EEXIST);
	cr_assert_eq(sysfs_write(k, vfio_new, "1af4 1005 0 0 0 0 5\n"), -EINVAL, "no entry has driver_data 5");
	cr_assert_eq(sysfs_write(k, vfio_rm, "1af4 1005\n"), -ENODEV);
	cr_assert_eq(sysfs_write(k, vfio_rm, "1af4\n"), -EINVAL);
	/* bound elsewhere: added, nothing moves */
	cr_assert_eq(sysfs_write(k, vfio_new, "1af4 1005\n"), 0);
	cr_assert_str_eq(pdev_of(sim, "0000:00:01.0")->dev.driver->name, "virtio-pci");
	cr_assert_eq(sysfs_write(k, vfio_new, "1af4 1005\n"), -EEXIST);
	cr_assert_eq(sysfs_write(k, vfio_rm, "1af4 1005\n"), 0);
	cr_assert_eq(sysfs_write(k, vfio_rm, "1af4 1005\n"), -ENODEV);
	/* seven fields: no "already matched" check; the same ID twice, removed one at a time */
	cr_assert_eq(sysfs_write(k, vfio_new, "1af4 1041 ffffffff ffffffff 0 0 0\n"), 0);
	cr_assert_eq(sysfs_write(k, vfio_new, "1af4 1041 ffffffff ffffffff 0 0 0\n"), 0);
	cr_assert_eq(sysfs_write(k, vfio_rm, "1af4 1041\n"), 0);
	cr_assert_eq(sysfs_write(k, vfio_rm, "1af4 1041 ffffffff ffffffff 0 0\n"), 0);
	cr_assert_eq(sysfs_write(k, vfio_rm, "1af4 1041\n"), -ENODEV);
	struct sysfs_buf b;
	cr_assert_eq(sysfs_read(k, vfio_new, &b), -EACCES);
	cr_assert_eq(sysfs_read(k, "/sys/bus/pci/drivers/vfio-pci/uevent", &b), -EACCES);
	cr_assert_eq(sysfs_write(k, "/sys/bus/virtio/drivers/virtio_rng/new_id", "1 2\n"), -ENOENT,
		     "only PCI drivers have new_id");
	iommusim_free(sim);
}

/* new_id attaches at once, whatever drivers_autoprobe says; the IDs go with the driver */
Test(sysfs_drivers, new_id_binds_vfio)
{
	struct iommusim *sim = boot_ok(NI);
	struct kernel *k = sim->k;
	struct device *dev = &pdev_of(sim, "0000:00:01.0")->dev;
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers_autoprobe", "0\n"), 0);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:00:01.0\n"), 0);
	cr_assert_null(dev->driver);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/vfio-pci/new_id", "0x1af4 0x1005\n"), 0);
	cr_assert_str_eq(dev->driver->name, "vfio-pci");
	char *o = run(sim, "ls /sys/bus/pci/drivers/vfio-pci\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/vfio-pci/unbind\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers_probe\n"
			   "readlink /sys/bus/pci/devices/0000:00:01.0/driver\n");
	cr_assert_str_eq(o, "0000:00:01.0\nbind\nmodule\nnew_id\nremove_id\nuevent\nunbind\n"
			    "../../../../../bus/pci/drivers/virtio-pci\n");
	free(o);
	/* a class mask that does not fit, then one that does */
	struct device *net = &pdev_of(sim, "0000:01:00.0")->dev;
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0"), 0);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/vfio-pci/new_id", "1af4 1041 1234 5678\n"), 0);
	cr_assert_null(net->driver, "QEMU's subsystem IDs are 1af4:1100");
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/vfio-pci/new_id",
				 "1af4 1041 ffffffff ffffffff 030000 ff0000\n"), 0);
	cr_assert_null(net->driver);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/vfio-pci/new_id",
				 "1af4 1041 ffffffff ffffffff 020000 ff0000\n"), 0);
	cr_assert_str_eq(net->driver->name, "vfio-pci");
	/* rmmod takes the IDs: after modprobe nothing matches */
	o = run(sim, "rmmod vfio_pci\nmodprobe vfio_pci\n"
		     "readlink /sys/bus/pci/devices/0000:01:00.0/driver\n"
		     "echo 1af4 1041 > /sys/bus/pci/drivers/vfio-pci/remove_id\n");
	cr_assert_str_eq(o, "sh: write error: No such device\n");
	free(o);
	cr_assert_null(k->pci_dynids);
	iommusim_free(sim);
}

Test(sysfs_drivers, drivers_autoprobe)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device virtio-rng-pci -device virtio-rng-device "
				       "-drive if=none,id=d0,file=null-co://,format=raw -device virtio-blk-pci,drive=d0");
	struct kernel *k = sim->k;
	/* store_drivers_autoprobe(): buf[0] == '0' turns it off, anything else on */
	char *o = run(sim, "cat /sys/bus/pci/drivers_autoprobe\n"
			   "echo 5 > /sys/bus/pci/drivers_autoprobe\ncat /sys/bus/pci/drivers_autoprobe\n"
			   "echo 0x > /sys/bus/pci/drivers_autoprobe\ncat /sys/bus/pci/drivers_autoprobe\n"
			   "echo > /sys/bus/pci/drivers_autoprobe\ncat /sys/bus/pci/drivers_autoprobe\n"
			   "echo 0 > /sys/bus/pci/drivers_autoprobe\n"
			   "echo -n \"\" > /sys/bus/pci/drivers_autoprobe\ncat /sys/bus/pci/drivers_autoprobe\n");
	cr_assert_str_eq(o, "1\n1\n0\n1\n0\n");
	free(o);
	cr_assert_not(bus_drivers_autoprobe(k, &pci_bus_type));
	cr_assert(bus_drivers_autoprobe(k, &virtio_bus), "per bus");
	/* a driver registering binds nothing; drivers_probe still does */
	o = run(sim, "rmmod virtio_rng virtio_net virtio_blk virtio_pci\n"
		     "modprobe virtio_pci\n"
		     "ls /sys/bus/pci/drivers/virtio-pci\n"
		     "echo 0000:00:01.0 > /sys/bus/pci/drivers_probe\n"
		     "ls /sys/bus/pci/drivers/virtio-pci\n"
		     "ls /sys/bus/virtio/devices\n");
	cr_assert_str_eq(o, "bind\nmodule\nnew_id\nremove_id\nuevent\nunbind\n"
			    "0000:00:01.0\nbind\nmodule\nnew_id\nremove_id\nuevent\nunbind\n"
			    "virtio0\nvirtio3\n");
	free(o);
	/* the virtio bus's: a new virtio device stays unbound until drivers_probe */
	o = run(sim, "echo 1 > /sys/bus/pci/drivers_autoprobe\n"
		     "modprobe virtio_rng\n"
		     "echo 0 > /sys/bus/virtio/drivers_autoprobe\n"
		     "echo 0000:00:02.0 > /sys/bus/pci/drivers_probe\n"
		     "ls /sys/bus/virtio/drivers/virtio_rng\n"
		     "echo virtio1 > /sys/bus/virtio/drivers_probe\n"
		     "ls /sys/bus/virtio/drivers/virtio_rng\n"
		     "cat /sys/bus/platform/drivers_autoprobe /sys/bus/virtio/drivers_autoprobe "
		     "/sys/bus/pci/drivers_autoprobe\n");
	cr_assert_str_eq(o, "bind\nmodule\nuevent\nunbind\nvirtio3\n"
			    "bind\nmodule\nuevent\nunbind\nvirtio1\nvirtio3\n"
			    "1\n0\n1\n");
	free(o);
	iommusim_free(sim);
}

Test(sysfs_drivers, module_directory)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-rng-device");
	char *o = run(sim, "ls /sys/bus/pci/drivers/vfio-pci/module\n"
			   "ls /sys/module/vfio_pci/drivers /sys/module/vfio_pci/holders\n"
			   "readlink /sys/module/vfio_pci/drivers/pci:vfio-pci\n"
			   "cat /sys/module/vfio_pci/coresize /sys/module/vfio_pci/initsize "
			   "/sys/module/vfio_pci/initstate /sys/module/vfio_pci/refcnt /sys/module/vfio_pci/taint\n"
			   "ls /sys/module/virtio\n"
			   "ls /sys/module/virtio/holders\n"
			   "readlink /sys/module/virtio/holders/virtio_pci\n"
			   "cat /sys/module/virtio/refcnt /sys/module/virtio_pci/srcversion "
			   "/sys/module/virtio_pci/version /sys/module/virtio_pci/parameters/force_legacy\n"
			   "cat /sys/module/vfio/uevent\n"
			   "echo 1 > /sys/module/vfio/refcnt\n");
	cr_assert_str_eq(o, "coresize\ndrivers\nholders\ninitsize\ninitstate\nnotes\nparameters\nrefcnt\n"
			    "sections\ntaint\nuevent\n"
			    "/sys/module/vfio_pci/drivers:\npci:vfio-pci\n\n/sys/module/vfio_pci/holders:\n"
			    "../../../bus/pci/drivers/vfio-pci\n"
			    "16384\n0\nlive\n0\n\n"
			    "coresize\nholders\ninitsize\ninitstate\nnotes\nrefcnt\nsections\ntaint\nuevent\n"
			    "virtio_blk\nvirtio_mmio\nvirtio_net\nvirtio_pci\nvirtio_rng\n"
			    "../../virtio_pci\n"
			    "5\nEE09249788678838FC31C8E\n1\nN\n"
			    "cat: can't open '/sys/module/vfio/uevent': Permission denied\n"
			    "sh: can't create /sys/module/vfio/refcnt: Permission denied\n");
	free(o);
	/* the module goes, its directory with it */
	o = run(sim, "rmmod vfio_pci\nls /sys/module/vfio_pci\ncat /sys/module/vfio_pci_core/refcnt\n");
	cr_assert_str_eq(o, "ls: /sys/module/vfio_pci: No such file or directory\n0\n");
	free(o);
	iommusim_free(sim);
}
