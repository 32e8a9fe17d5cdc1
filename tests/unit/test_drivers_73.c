/*
 * The drivers, modules and their sysfs per kernel, side by side on the same
 * machine (drivers_version.h, the kconfig tables): 7.3 builds virtio_pci in,
 * ships other module sizes and no vfio_virqfd, gives built-in drivers module
 * links, prints 128 feature bits, caps max_sectors at 4 MiB, has no default
 * elevator (MQ_IOSCHED_DEADLINE=m), maps blk-mq queues to runs of CPUs and
 * holds vfio while a device is bound to vfio-pci. Real Linux printed these in
 * tests/linux/linux-7.3_qemu-10.0/: modprobe_builtin, module_sysfs,
 * driver_dir_files, rmmod_modprobe_virtio_pci, blk_raw_image, blk_null_limits,
 * blk_mq_single_queue_qs128, blk_mq_intx_q2_smp4, vfio_lsmod.
 */
#include "boot_util.h"
#include "drivers/blk_mq.h"
#include "drivers/drivers.h"
#include "kconfig/kconfig.h"
#include "hw/nvme_dev.h"

static void expect_output(struct iommusim *sim, const char *lines, const char *want)
{
	char *o = run(sim, lines);
	cr_assert_str_eq(o, want, "%s", lines);
	free(o);
}

#define RNG_ARGS "-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci"

Test(drivers_73, lsmod_after_the_reference_init)
{
	struct iommusim *sim = boot_on(RNG_ARGS, LINUX73);
	expect_output(sim, "lsmod\n",
		      "Module                  Size  Used by    Not tainted\n"
		      "vfio_iommu_type1       45056  0 \n"
		      "vfio_pci               12288  0 \n"
		      "vfio_pci_core          94208  1 vfio_pci\n"
		      "vfio                   57344  3 vfio_iommu_type1,vfio_pci,vfio_pci_core\n"
		      "virtio_rng             12288  0 \n"
		      "virtio_mmio            20480  0 \n"
		      "virtio_net            102400  0 \n"
		      "net_failover           20480  1 virtio_net\n"
		      "failover               12288  1 net_failover\n"
		      "virtio_blk             32768  0 \n");
	iommusim_free(sim);
	/* 6.1: virtio_pci and the virtio core are modules, vfio_virqfd one of its own */
	sim = boot_on(RNG_ARGS, LINUX61);
	char *o = run(sim, "lsmod\n");
	cr_assert(strstr(o, "vfio_virqfd            20480  1 vfio_pci_core\n"));
	cr_assert(strstr(o, "virtio_pci             28672  0 \n"));
	free(o);
	iommusim_free(sim);
}

Test(drivers_73, virtio_pci_and_virtio_console_are_built_in)
{
	struct iommusim *sim = boot_on(RNG_ARGS, LINUX73);
	expect_output(sim, "rmmod virtio_pci\nmodprobe virtio_console\nmodprobe -r virtio_console\nmodprobe ahci\n",
		      "rmmod: can't unload module 'virtio_pci': No such file or directory\n"
		      "modprobe: module virtio_console is builtin\n"
		      "modprobe: module ahci not found in modules.dep\n");
	/* the device stays bound */
	cr_assert_str_eq(pdev_of(sim, "0000:00:01.0")->dev.driver->name, "virtio-pci");
	cr_assert_null(driver_module(sim->k, pdev_of(sim, "0000:00:01.0")->dev.driver));
	iommusim_free(sim);
	sim = boot_on(RNG_ARGS, LINUX61);
	expect_output(sim, "rmmod virtio_pci\n", "");
	cr_assert_null(pdev_of(sim, "0000:00:01.0")->dev.driver);
	iommusim_free(sim);
}

Test(drivers_73, sys_module_of_built_in_and_loaded_modules)
{
	struct iommusim *sim = boot_on(RNG_ARGS, LINUX73);
	expect_output(sim, "ls /sys/module/virtio_pci\n", "drivers\nparameters\nuevent\nversion\n");
	expect_output(sim, "ls /sys/module/virtio_pci_modern_dev\n", "uevent\nversion\n");
	expect_output(sim, "cat /sys/module/virtio_pci/version /sys/module/virtio_pci/parameters/force_legacy\n",
		      "1\nN\n");
	expect_output(sim, "cat /sys/module/virtio_pci/srcversion\n",
		      "cat: can't open '/sys/module/virtio_pci/srcversion': No such file or directory\n");
	expect_output(sim, "ls /sys/module/virtio_pci/drivers\n", "pci:virtio-pci\n");
	expect_output(sim, "cat /sys/module/vfio/import_ns /sys/module/vfio/version\n", "IOMMUFD\n0.3\n");
	expect_output(sim, "ls /sys/module/virtio /sys/module/vfio_virqfd\n",
		      "ls: /sys/module/virtio: No such file or directory\n"
		      "ls: /sys/module/vfio_virqfd: No such file or directory\n");
	/* bad input: a 0444 parameter of a built-in module */
	expect_output(sim, "echo Y > /sys/module/virtio_pci/parameters/force_legacy\n",
		      "sh: can't create /sys/module/virtio_pci/parameters/force_legacy: Permission denied\n");
	expect_output(sim, "cat /sys/module/virtio_pci/parameters/force_legacy\n", "N\n");
	iommusim_free(sim);
	sim = boot_on(RNG_ARGS, LINUX61);
	expect_output(sim, "cat /sys/module/virtio_pci/srcversion\n", "EE09249788678838FC31C8E\n");
	expect_output(sim, "cat /sys/module/vfio/import_ns\n",
		      "cat: can't open '/sys/module/vfio/import_ns': No such file or directory\n");
	iommusim_free(sim);
}

Test(drivers_73, built_in_drivers_link_their_module)
{
	const char *args = "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1";
	struct iommusim *sim = boot_on(args, LINUX73);
	expect_output(sim, "readlink /sys/bus/pci/drivers/pcieport/module\n", "../../../../module/pcieportdrv\n");
	expect_output(sim, "readlink /sys/bus/platform/drivers/arm-smmu-v3/module\n",
		      "../../../../module/arm_smmu_v3\n");
	expect_output(sim, "ls /sys/module/pcieportdrv\n", "drivers\nuevent\n");
	expect_output(sim, "ls /sys/module/arm_smmu_v3\n", "drivers\nparameters\nuevent\n");
	iommusim_free(sim);
	/* 6.1: only a built-in PCI driver whose module has an entry already (nvme) */
	sim = boot_on(args, LINUX61);
	expect_output(sim, "readlink /sys/bus/pci/drivers/pcieport/module\n", "");
	expect_output(sim, "readlink /sys/bus/platform/drivers/arm-smmu-v3/module\n", "");
	expect_output(sim, "readlink /sys/bus/pci/drivers/nvme/module\n", "../../../../module/nvme\n");
	iommusim_free(sim);
}

static size_t features_len(const char *lv, const char *qv)
{
	struct iommusim *sim = boot_on(RNG_ARGS, lv, qv);
	char *o = run(sim, "cat /sys/bus/virtio/devices/virtio0/features\n");
	size_t n = strlen(o);
	cr_assert_eq(strncmp(o, "0000000000000000000000000000110010000000100000000000000000000000", 64), 0, "%s", o);
	free(o);
	iommusim_free(sim);
	return n;
}

Test(drivers_73, virtio_features_bits)
{
	cr_assert_eq(features_len(LINUX73), 129);
	cr_assert_eq(features_len(LINUX61), 65);
}

Test(drivers_73, block_queue_limits_and_requests)
{
	const char *args = "-M virt,iommu=smmuv3 -nic none -smp 1 -drive if=none,id=d0,file=null-co://,format=raw "
			   "-device virtio-blk-pci,drive=d0,queue-size=128";
	const char *lines = "cat /sys/block/vda/queue/max_sectors_kb /sys/block/vda/queue/nr_requests\n";
	struct iommusim *sim = boot_on(args, LINUX73);
	expect_output(sim, lines, "4096\n128\n");
	iommusim_free(sim);
	sim = boot_on(args, LINUX61);
	expect_output(sim, lines, "1280\n256\n");
	iommusim_free(sim);
}

Test(drivers_73, blk_mq_cpu_map_without_vectors)
{
	const char *args = "-M virt,iommu=smmuv3,gic-version=3,its=off -nic none -smp 4 "
			   "-drive if=none,id=d0,file=null-co://,format=raw -device virtio-blk-pci,drive=d0,num-queues=2";
	const char *lines = "cat /sys/block/vda/mq/0/cpu_list /sys/block/vda/mq/1/cpu_list\n";
	struct iommusim *sim = boot_on(args, LINUX73);
	expect_output(sim, lines, "0, 1\n2, 3\n");
	iommusim_free(sim);
	sim = boot_on(args, LINUX61);
	expect_output(sim, lines, "0, 2\n1, 3\n");
	iommusim_free(sim);
}

Test(drivers_73, blk_mq_helpers)
{
	unsigned short map[8];
	blk_mq_map_queues_grouped(map, 4, 3);
	cr_assert(map[0] == 0 && map[1] == 0 && map[2] == 1 && map[3] == 2);
	blk_mq_map_queues_grouped(map, 4, 2);
	cr_assert(map[0] == 0 && map[1] == 0 && map[2] == 1 && map[3] == 1);
	blk_mq_map_queues_grouped(map, 2, 4);
	cr_assert(map[0] == 0 && map[1] == 1);
	blk_mq_map_queues(map, 4, 2);
	cr_assert(map[0] == 0 && map[1] == 1 && map[2] == 0 && map[3] == 1);
	struct iommusim *sim = boot_on(RNG_ARGS, LINUX73);
	cr_assert_eq(blk_default_max_sectors(sim->k, UINT32_MAX, 512, 0), 8192);
	/* an io_opt past the 4 MiB cap raises it (8 MiB), capped by the hardware */
	cr_assert_eq(blk_default_max_sectors(sim->k, UINT32_MAX, 512, 8u << 20), 16384);
	cr_assert_eq(blk_default_max_sectors(sim->k, 10000, 512, 8u << 20), 10000);
	cr_assert_eq(blk_mq_nr_requests_of(sim->k, 256, 1), 256);
	iommusim_free(sim);
	sim = boot_on(RNG_ARGS, LINUX61);
	cr_assert_eq(blk_default_max_sectors(sim->k, UINT32_MAX, 512, 8u << 20), 2560);
	cr_assert_eq(blk_mq_nr_requests_of(sim->k, 256, 1), 256);
	cr_assert_eq(blk_mq_nr_requests_of(sim->k, 64, 1), 128);
	iommusim_free(sim);
}

/* vfio's "Used by" count with one device bound to vfio-pci, then unbound */
static void vfio_counts(const char *lv, const char *qv, const char *bound, const char *unbound)
{
	struct iommusim *sim = boot_on(RNG_ARGS " -device virtio-rng-pci", lv, qv);
	char *o = run(sim, "echo vfio-pci > /sys/bus/pci/devices/0000:00:01.0/driver_override\n"
			   "echo vfio-pci > /sys/bus/pci/devices/0000:00:02.0/driver_override\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers_probe\n"
			   "echo 0000:00:02.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			   "echo 0000:00:02.0 > /sys/bus/pci/drivers_probe\n"
			   "cat /sys/module/vfio/refcnt\n"
			   "echo 0000:00:02.0 > /sys/bus/pci/drivers/vfio-pci/unbind\n"
			   "cat /sys/module/vfio/refcnt\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/vfio-pci/unbind\n"
			   "cat /sys/module/vfio/refcnt\n");
	char want[64];
	snprintf(want, sizeof(want), "%s\n%s\n%s\n", bound, bound, unbound);
	cr_assert_str_eq(o, want, "Linux %s", lv);
	free(o);
	iommusim_free(sim);
}

Test(drivers_73, vfio_is_held_while_a_device_is_bound)
{
	vfio_counts(LINUX73, "4", "3");
	vfio_counts(LINUX61, "3", "3");
}

/* the vfio-pci device's reset lines: at open and at VFIO_DEVICE_RESET, none at close */
static int reset_lines(const char *lv, const char *qv, const char *group)
{
	struct iommusim *sim = boot_on("-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
				       "-device virtio-net-pci,bus=rp1", lv, qv);
	char lines[1024];
	snprintf(lines, sizeof(lines),
		 "echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		 "echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
		 "echo 0000:01:00.0 > /sys/bus/pci/drivers_probe\n"
		 "vfio open container\nvfio open group %s\nvfio group %s set-container\n"
		 "vfio set-iommu type1v2\nvfio group %s get-device-fd 0000:01:00.0\n"
		 "vfio device 0000:01:00.0 reset\nvfio close device 0000:01:00.0\n",
		 group, group, group);
	char *o = run(sim, lines);
	cr_assert_str_eq(o, "ok\nok\nok\nok\nok\nok\nok\n", "Linux %s: %s", lv, o);
	free(o);
	int n = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++) {
		const char *l = klog_line(&sim->k->log, i);
		if (strstr(l, "vfio-pci 0000:01:00.0: resetting"))
			n++;
		if (strstr(l, "vfio-pci 0000:01:00.0: reset done"))
			n += 100;
	}
	iommusim_free(sim);
	return n;
}

Test(drivers_73, vfio_pci_reset_lines)
{
	/* 7.3: the host bridge has group 0, the root port 1, the endpoint 2; 6.1: one group 0 */
	cr_assert_eq(reset_lines(LINUX73, "2"), 202);
	cr_assert_eq(reset_lines(LINUX61, "0"), 0);
}

/*
 * nvme native multipath (both kernels: CONFIG_NVME_MULTIPATH=y): a controller
 * whose CMIC says its subsystem may have several controllers (QEMU 10.0 gives
 * each one a subsystem; real 6.1 and 7.3 on QEMU 10.0 both show nvme0c0n1)
 * gets a bio-based head under the subsystem and a hidden path disk. The
 * hardware's Identify data is set here as QEMU 10.0's, then the driver rebound.
 */
static struct iommusim *boot_multipath(const char *lv, const char *qv)
{
	struct iommusim *sim = boot_on("-M virt,iommu=smmuv3 -nic none -drive if=none,id=n0,file=null-co://,format=raw "
				       "-device nvme,serial=a,drive=n0", lv, qv);
	struct pci_dev *p = pdev_of(sim, "0000:00:01.0");
	struct nvme_ctrl_hw *hw = hw_nvme_device(sim->k->hw, p->hw);
	cr_assert_not_null(hw);
	hw->id_ctrl[76] |= 1u << 1;	/* CMIC.MCTRS */
	char *o = run(sim, "echo 0000:00:01.0 > /sys/bus/pci/drivers/nvme/unbind\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/nvme/bind\n");
	cr_assert_str_eq(o, "");
	free(o);
	return sim;
}

Test(drivers_73, nvme_native_multipath)
{
	struct iommusim *sim = boot_multipath(LINUX73);
	expect_output(sim, "ls /sys/block\n", "nvme0c0n1\nnvme0n1\n");
	expect_output(sim, "readlink /sys/block/nvme0n1\nreadlink /sys/block/nvme0n1/device\nreadlink /sys/block/nvme0c0n1\n",
		      "../devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1\n../../nvme-subsys0\n"
		      "../devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/nvme/nvme0/nvme0c0n1\n");
	expect_output(sim, "cat /sys/block/nvme0n1/dev /sys/block/nvme0c0n1/dev\n",
		      "259:1\ncat: can't open '/sys/block/nvme0c0n1/dev': No such file or directory\n");
	/* the head is bio-based: no mq/, and 7.3 hides nr_requests */
	expect_output(sim, "ls /sys/block/nvme0n1\n", "dev\ndevice\nqueue\nremovable\nro\nsize\n");
	expect_output(sim, "cat /sys/block/nvme0n1/queue/nr_requests /sys/block/nvme0c0n1/queue/nr_requests\n",
		      "cat: can't open '/sys/block/nvme0n1/queue/nr_requests': No such file or directory\n1023\n");
	expect_output(sim, "cat /sys/block/nvme0n1/queue/max_hw_sectors_kb /sys/block/nvme0n1/queue/max_segments\n",
		      "128\n33\n");
	expect_output(sim, "ls /sys/devices/virtual/nvme-subsystem\n", "nvme-subsys0\n");
	iommusim_free(sim);
	/* 6.1 on the same controller: the same disks, nr_requests still shown (128) */
	sim = boot_multipath(LINUX61);
	expect_output(sim, "ls /sys/block\n", "nvme0c0n1\nnvme0n1\n");
	expect_output(sim, "cat /sys/block/nvme0n1/queue/nr_requests /sys/block/nvme0n1/queue/max_hw_sectors_kb\n",
		      "128\n512\n");
	iommusim_free(sim);
	/* QEMU 7.2's controller (CMIC 0): one disk under the controller */
	sim = boot_on("-M virt,iommu=smmuv3 -nic none -drive if=none,id=n0,file=null-co://,format=raw "
		      "-device nvme,serial=a,drive=n0", LINUX61);
	expect_output(sim, "ls /sys/block\n", "nvme0n1\n");
	expect_output(sim, "ls /sys/devices/virtual\n", "ls: /sys/devices/virtual: No such file or directory\n");
	iommusim_free(sim);
}

static bool logged_line(struct iommusim *sim, const char *text)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), text))
			return true;
	return false;
}

/* virtscsi_init(): 7.3 says how its request queues split (virtio_scsi_hd) */
Test(drivers_73, virtio_scsi_queue_split_line)
{
	const char *args = "-M virt,iommu=smmuv3 -nic none -smp 2 -device virtio-scsi-pci";
	struct iommusim *sim = boot_on(args, LINUX73);
	char *o = run(sim, "modprobe virtio_scsi\n");
	free(o);
	cr_assert(logged_line(sim, "virtio_scsi virtio0: 2/0/0 default/read/poll queues"));
	iommusim_free(sim);
	sim = boot_on(args, LINUX61);
	o = run(sim, "modprobe virtio_scsi\n");
	free(o);
	cr_assert_not(logged_line(sim, "default/read/poll queues"));
	iommusim_free(sim);
}
