/*
 * QEMU's NVMe controller per release, seen by Linux 7.3 (native multipath):
 * QEMU 10.0 puts every controller in an NVM subsystem (Identify CMIC bit 1),
 * so 7.3 makes the head disk nvme0n1 under the subsystem over the hidden
 * path nvme0c0n1; on QEMU 7.2 the namespace is the controller's own disk.
 */
#include "boot_util.h"
#include "iommusim/vfio.h"

static struct iommusim *boot_nvme(const char *qemu)
{
	return boot_on("-M virt,iommu=smmuv3 -nic none -drive if=none,id=nv,file=null-co://,format=raw "
		       "-device nvme,drive=nv,serial=x", "7.3", qemu);
}

Test(nvme_qemu_versions, qemu_10_0_controller_is_in_a_subsystem)
{
	struct iommusim *sim = boot_nvme("10.0");
	char *link = NULL;
	cr_assert_gt(iommusim_sysfs_readlink(sim, "/sys/block/nvme0n1", &link), 0);
	cr_assert_str_eq(link, "../devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1");
	free(link);
	char *path = NULL;
	cr_assert_gt(iommusim_sysfs_readlink(sim, "/sys/block/nvme0c0n1", &path), 0);
	free(path);
	iommusim_free(sim);
}

Test(nvme_qemu_versions, qemu_7_2_controller_stands_alone)
{
	struct iommusim *sim = boot_nvme("7.2");
	char *link = NULL;
	cr_assert_gt(iommusim_sysfs_readlink(sim, "/sys/block/nvme0n1", &link), 0);
	cr_assert_null(strstr(link, "nvme-subsystem"), "%s", link);
	free(link);
	char *path = NULL;
	cr_assert_lt(iommusim_sysfs_readlink(sim, "/sys/block/nvme0c0n1", &path), 0);
	iommusim_free(sim);
}
