/*
 * The board realizes every device before the kernel runs (QEMU's startup):
 * the virtio device models exist behind their functions and transports
 * before any driver looks, the kernel's lookup only finds them, and a drive
 * that cannot be opened stops the machine from being built, with QEMU's
 * message, rather than failing a probe later.
 */
#include "boot_util.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"
#include "drivers/virtio.h"

static const char *const no_modules[] = { NULL };

static struct iommusim *boot_no_init(const char *args)
{
	char *copy = strdup(args), *argv[64];
	int argc = 0;
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	struct iommusim_options opts = { .init_modules = no_modules };
	char err[256] = "";
	struct iommusim *sim = iommusim_boot(argc, argv, &opts, err, sizeof(err));
	free(copy);
	cr_assert_not_null(sim, "boot failed: %s", err);
	return sim;
}

Test(board_realize, virtio_models_exist_before_any_driver)
{
	struct iommusim *sim = boot_no_init("-M virt,iommu=smmuv3 -nic none "
					    "-device pcie-root-port,id=rp1,chassis=1 "
					    "-device virtio-blk-pci,bus=rp1,drive=d0 "
					    "-drive if=none,id=d0,file=null-co://,format=raw "
					    "-device virtio-rng-pci "
					    "-device virtio-rng-device");
	struct hw_system *hw = sim->k->hw;
	/* two PCI functions and one mmio transport, realized with the machine */
	cr_assert_eq(hw->nvirtio, 3u);
	for (size_t i = 0; i < hw->nvirtio; i++) {
		cr_assert_not_null(hw->virtio[i].dev);
		cr_assert_eq(hw_virtio_device(hw, hw->virtio[i].desc), hw->virtio[i].dev);
	}
	/* no virtio driver has run: nothing on the virtio bus yet */
	cr_assert_null(virtio_device_by_index(sim->k, 0));
	struct vdev_hw *models[3];
	for (size_t i = 0; i < 3; i++)
		models[i] = hw->virtio[i].dev;
	/* the drivers find the same models; loading them creates none */
	free(run(sim, "modprobe virtio_pci\nmodprobe virtio_blk\nmodprobe virtio_mmio\nmodprobe virtio_rng"));
	cr_assert_eq(hw->nvirtio, 3u);
	size_t found = 0;
	for (unsigned idx = 0; idx < 8; idx++) {
		struct virtio_device *vdev = virtio_device_by_index(sim->k, idx);
		if (!vdev)
			continue;
		bool known = false;
		for (size_t i = 0; i < 3; i++)
			known |= vdev->vhw == models[i];
		cr_assert(known, "virtio%u uses a model the board did not realize", idx);
		found++;
	}
	cr_assert_eq(found, 3u);
	cr_assert_null(virtio_hw_lookup(sim->k, NULL));
	iommusim_free(sim);
}

Test(board_realize, drive_that_cannot_be_opened_fails_the_build)
{
	char err[256] = "";
	struct iommusim *sim = boot_str("-M virt,iommu=smmuv3 -nic none "
					"-device virtio-blk-pci,drive=d0 "
					"-drive if=none,id=d0,file=/nonexistent/iommusim.img,format=raw",
					err, sizeof(err));
	cr_assert_null(sim);
	cr_assert(strstr(err, "Could not open '/nonexistent/iommusim.img': No such file or directory"), "%s", err);
}
