/*
 * /sys/block/vdX is a link to the disk's directory under its virtio device,
 * as device_add_disk() makes it. Expected texts: real Linux 6.1 on the oracle
 * (tests/linux/block_sysfs_links, blk_two_disks).
 */
#include "boot_util.h"

#define M "-M virt,iommu=smmuv3 -nic none -device virtio-rng-device " \
	  "-drive if=none,id=d0,file=null-co://,format=raw -device virtio-blk-pci,drive=d0 " \
	  "-device pcie-root-port,id=rp1,chassis=1 " \
	  "-drive if=none,id=d1,file=null-co://,format=raw -device virtio-blk-pci,drive=d1,bus=rp1"

Test(sysfs_block, links_and_device_tree)
{
	struct iommusim *sim = boot_ok(M);
	char *o = run(sim, "ls /sys/block\n"
			   "readlink /sys/block/vda\n"
			   "readlink /sys/block/vdb\n"
			   "readlink -f /sys/block/vdb\n"
			   "ls /sys/bus/virtio/devices/virtio0/block /sys/bus/virtio/devices/virtio1/block\n"
			   "readlink /sys/block/vda/device\n"
			   "readlink -f /sys/block/vdb/device\n"
			   "cat /sys/block/vda/dev /sys/block/vdb/dev\n"
			   "cat /sys/bus/virtio/devices/virtio1/block/vdb/size\n"
			   "cat /sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/virtio0/block/vda/queue/max_segments\n"
			   "ls /sys/block/vda/queue/../device/block\n"
			   "cat /sys/block/vda\n"
			   "ls /sys/bus/virtio/devices/virtio2/block\n");
	cr_assert_str_eq(o, "vda\nvdb\n"
			    "../devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/virtio0/block/vda\n"
			    "../devices/platform/4010000000.pcie/pci0000:00/0000:00:02.0/0000:01:00.0/virtio1/block/vdb\n"
			    "/sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:02.0/0000:01:00.0/virtio1/block/vdb\n"
			    "/sys/bus/virtio/devices/virtio0/block:\nvda\n\n/sys/bus/virtio/devices/virtio1/block:\nvdb\n"
			    "../../../virtio0\n"
			    "/sys/devices/platform/4010000000.pcie/pci0000:00/0000:00:02.0/0000:01:00.0/virtio1\n"
			    "254:0\n254:16\n"
			    "2097152\n"
			    "254\n"
			    "vda\n"
			    "cat: read error: Is a directory\n"
			    "ls: /sys/bus/virtio/devices/virtio2/block: No such file or directory\n");
	free(o);
	struct sysfs_stat st;
	cr_assert_eq(sysfs_lstat(sim->k, "/sys/block/vda", &st), 0);
	cr_assert_eq(st.type, SYSFS_LNK);
	cr_assert_eq(sysfs_lstat(sim->k, "/sys/bus/virtio/devices/virtio0/block/vda", &st), 0);
	cr_assert_eq(st.type, SYSFS_DIR);
	/* the library's own callers may name a path through the link */
	struct sysfs_buf b;
	cr_assert_eq(sysfs_read(sim->k, "/sys/block/vdb/ro", &b), 0);
	cr_assert_str_eq(b.text, "0\n");
	sysfs_buf_free(&b);
	iommusim_free(sim);
}

/* the disk goes with virtio_blk and comes back as vda */
Test(sysfs_block, unbind_rebind)
{
	struct iommusim *sim = boot_ok(M);
	char *o = run(sim, "echo virtio0 > /sys/bus/virtio/drivers/virtio_blk/unbind\n"
			   "ls /sys/block\n"
			   "ls /sys/bus/virtio/devices/virtio0/block\n"
			   "readlink /sys/block/vda\n"
			   "echo virtio0 > /sys/bus/virtio/drivers/virtio_blk/bind\n"
			   "ls /sys/block\n"
			   "readlink /sys/block/vda\n");
	cr_assert_str_eq(o, "vdb\n"
			    "ls: /sys/bus/virtio/devices/virtio0/block: No such file or directory\n"
			    "vda\nvdb\n"
			    "../devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/virtio0/block/vda\n");
	free(o);
	iommusim_free(sim);
}
