/*
 * VFIO_DEVICE_GET_REGION_INFO of vfio-pci 6.1 through the public file calls:
 * the argument checks (argsz, the index) and the regions of the functions
 * the corpus assigns: their BARs as the kernel sized them, the MSI-X BAR's
 * msix-mappable capability, the ROM and the config space.
 */
#include <stdlib.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"

#define MACHINE(dev) \
	"-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 -device " dev ",bus=rp1"
#define DEV "0000:01:00.0"
#define RW (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)
#define RWM (RW | VFIO_REGION_INFO_FLAG_MMAP)
#define CAPS VFIO_REGION_INFO_FLAG_CAPS

struct assigned {
	struct iommusim *sim;
	int device;
};

/* bind DEV to vfio-pci (away from its driver, if any) and open its device file */
static struct assigned assign(const char *machine)
{
	struct assigned a = { .sim = boot_ok(machine) };
	cr_assert_eq(iommusim_sysfs_write(a.sim, "/sys/bus/pci/devices/" DEV "/driver_override", "vfio-pci"), 0);
	char *drv = NULL;
	if (iommusim_sysfs_readlink(a.sim, "/sys/bus/pci/devices/" DEV "/driver", &drv) > 0) {
		char unbind[256];
		snprintf(unbind, sizeof(unbind), "/sys/bus/pci/drivers/%s/unbind", strrchr(drv, '/') + 1);
		cr_assert_eq(iommusim_sysfs_write(a.sim, unbind, DEV), 0);
	}
	free(drv);
	cr_assert_eq(iommusim_sysfs_write(a.sim, "/sys/bus/pci/drivers_probe", DEV), 0);
	int container = iommusim_open(a.sim, "/dev/vfio/vfio", 2);
	int group = iommusim_open(a.sim, "/dev/vfio/0", 2);
	cr_assert_geq(container, 3);
	cr_assert_geq(group, 3);
	cr_assert_eq(iommusim_ioctl(a.sim, group, VFIO_GROUP_SET_CONTAINER, &container), 0);
	cr_assert_eq(iommusim_ioctl(a.sim, container, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	a.device = (int)iommusim_ioctl(a.sim, group, VFIO_GROUP_GET_DEVICE_FD, DEV);
	cr_assert_geq(a.device, 3);
	return a;
}

struct region {
	uint32_t flags;
	uint64_t size;
	bool msix_mappable;
};

/* each of the nine regions: BAR0-5, ROM, config; VGA is refused */
static void check_regions(const char *machine, const struct region want[VFIO_PCI_NUM_REGIONS - 1])
{
	struct assigned a = assign(machine);
	for (uint32_t i = 0; i < VFIO_PCI_VGA_REGION_INDEX; i++) {
		_Alignas(8) unsigned char buf[128];
		memset(buf, 0, sizeof(buf));
		struct vfio_region_info *info = (void *)buf;
		info->argsz = sizeof(buf);
		info->index = i;
		cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, info), 0, "index %u", i);
		uint32_t flags = want[i].flags | (want[i].msix_mappable ? CAPS : 0);
		cr_assert_eq(info->flags, flags, "index %u: flags 0x%x", i, info->flags);
		cr_assert_eq(info->size, want[i].size, "index %u: size 0x%llx", i, (unsigned long long)info->size);
		cr_assert_eq(info->offset, (uint64_t)i << 40, "index %u", i);
		cr_assert_eq(info->argsz, sizeof(buf), "argsz kept when it is large enough");
		if (!want[i].msix_mappable) {
			cr_assert_eq(info->cap_offset, 0, "index %u", i);
			continue;
		}
		cr_assert_eq(info->cap_offset, sizeof(*info));
		struct vfio_info_cap_header h;
		memcpy(&h, buf + info->cap_offset, sizeof(h));
		cr_assert_eq(h.id, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
		cr_assert_eq(h.version, 1);
		cr_assert_eq(h.next, 0, "the last of the chain");
	}
	struct vfio_region_info vga = { .argsz = sizeof(vga), .index = VFIO_PCI_VGA_REGION_INDEX };
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, &vga), -EINVAL, "no VGA");
	iommusim_free(a.sim);
}

Test(vfio_region, virtio_rng_pci)
{
	/* BAR1 the MSI-X table (4K), BAR4 the modern transport, 64-bit: BAR5 its upper half */
	static const struct region want[] = {
		[1] = { RWM, 0x1000, true },
		[4] = { RWM, 0x4000, false },
		[VFIO_PCI_CONFIG_REGION_INDEX] = { RW, 4096, false },
	};
	check_regions(MACHINE("virtio-rng-pci"), want);
}

Test(vfio_region, virtio_net_pci_has_its_rom)
{
	static const struct region want[] = {
		[1] = { RWM, 0x1000, true },
		[4] = { RWM, 0x4000, false },
		[VFIO_PCI_ROM_REGION_INDEX] = { VFIO_REGION_INFO_FLAG_READ, 0x40000, false },
		[VFIO_PCI_CONFIG_REGION_INDEX] = { RW, 4096, false },
	};
	check_regions(MACHINE("virtio-net-pci"), want);
}

Test(vfio_region, virtio_net_pci_without_rom)
{
	static const struct region want[] = {
		[1] = { RWM, 0x1000, true },
		[4] = { RWM, 0x4000, false },
		[VFIO_PCI_CONFIG_REGION_INDEX] = { RW, 4096, false },
	};
	check_regions(MACHINE("virtio-net-pci,romfile="), want);
}

Test(vfio_region, nvme_bar0_is_64bit_and_holds_msix)
{
	static const struct region want[] = {
		[0] = { RWM, 0x4000, true },
		[VFIO_PCI_CONFIG_REGION_INDEX] = { RW, 4096, false },
	};
	check_regions(MACHINE("nvme,serial=s"), want);
}

Test(vfio_region, e1000e)
{
	/* registers, flash, the I/O BAR (no mmap), the MSI-X BAR, and efi-e1000e.rom */
	static const struct region want[] = {
		[0] = { RWM, 0x20000, false },
		[1] = { RWM, 0x20000, false },
		[2] = { RW, 0x20, false },
		[3] = { RWM, 0x4000, true },
		[VFIO_PCI_ROM_REGION_INDEX] = { VFIO_REGION_INFO_FLAG_READ, 0x40000, false },
		[VFIO_PCI_CONFIG_REGION_INDEX] = { RW, 4096, false },
	};
	check_regions(MACHINE("e1000e"), want);
}

Test(vfio_region, argument_checks)
{
	struct assigned a = assign(MACHINE("virtio-rng-pci"));
	/* argsz below the end of offset: EINVAL, nothing written back */
	struct vfio_region_info info = { .argsz = offsetof(struct vfio_region_info, offset) + 7, .index = 1 };
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, &info), -EINVAL);
	cr_assert_eq(info.size, 0);
	cr_assert_eq(info.flags, 0);
	info.argsz = 0;
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, &info), -EINVAL);
	/* VGA, past the regions, the largest index */
	static const uint32_t bad[] = { VFIO_PCI_VGA_REGION_INDEX, VFIO_PCI_NUM_REGIONS, 10, 0xffffffffu };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		info = (struct vfio_region_info){ .argsz = sizeof(info), .index = bad[i] };
		cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, &info), -EINVAL, "%u",
			     bad[i]);
		cr_assert_eq(info.offset, 0, "nothing written back");
	}
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, NULL), -EFAULT);
	/* the struct alone for the MSI-X BAR: the size the chain needs, no offset */
	info = (struct vfio_region_info){ .argsz = sizeof(info), .index = 1, .cap_offset = 99 };
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, &info), 0);
	cr_assert_eq(info.argsz, sizeof(info) + sizeof(struct vfio_info_cap_header));
	cr_assert_eq(info.cap_offset, 0);
	cr_assert_eq(info.flags, RWM | CAPS);
	cr_assert_eq(info.size, 0x1000);
	/* no capabilities: 6.1 gives the caller's cap_offset back as it came */
	info = (struct vfio_region_info){ .argsz = sizeof(info), .index = 4, .cap_offset = 99 };
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, &info), 0);
	cr_assert_eq(info.cap_offset, 99);
	cr_assert_eq(info.argsz, sizeof(info));
	/* a 64-bit BAR's upper half and an absent BAR: size 0, no flags, the offset still given */
	info = (struct vfio_region_info){ .argsz = sizeof(info), .index = 5, .flags = 0xff, .size = 7 };
	cr_assert_eq(iommusim_ioctl(a.sim, a.device, VFIO_DEVICE_GET_REGION_INFO, &info), 0);
	cr_assert_eq(info.flags, 0);
	cr_assert_eq(info.size, 0);
	cr_assert_eq(info.offset, 5ull << 40);
	/* the region ioctl is the device file's: the container and group answer ENOTTY */
	cr_assert_eq(iommusim_ioctl(a.sim, 3, VFIO_DEVICE_GET_REGION_INFO, &info), -ENOTTY);
	iommusim_free(a.sim);
}

static uint64_t config_off(uint64_t pos)
{
	return ((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + pos;
}

Test(vfio_region, config_read)
{
	struct assigned a = assign(MACHINE("virtio-rng-pci"));
	unsigned char b[32];
	memset(b, 0xee, sizeof(b));
	/* vendor and device, class, header type; the subsystem; the capability pointer */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(0)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0xf4, 0x1a, 0x44, 0x10 }), 4);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 8, (off_t)config_off(PCI_CLASS_REVISION)), 8);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0x01, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00 }), 8);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 1, (off_t)config_off(PCI_CAPABILITY_LIST)), 1);
	cr_assert_eq(b[0], 0xdc);
	/* the MSI-X capability, read directly: two vectors, the table and PBA in BAR1 */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 12, (off_t)config_off(0xdc)), 12);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0x11, 0xc8, 0x01, 0x00, 0x01, 0, 0, 0, 0x01, 0x08, 0, 0 }), 12);
	/*
	 * the BARs hold what the kernel assigned (vfio_config_write_header on
	 * real Linux: BAR1 0x10000000, BAR4/5 0x80_0000000c)
	 */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 8, (off_t)config_off(0x10)), 8);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x10 }), 8);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 8, (off_t)config_off(0x20)), 8);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0x0c, 0, 0, 0, 0x80, 0, 0, 0 }), 8);
	/* an unimplemented BAR reads 0 (vfio_bar_fixup()) */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 8, (off_t)config_off(0xc)), 8);
	cr_assert_arr_eq(b + 4, ((unsigned char[]){ 0, 0, 0, 0 }), 4);
	/* no ROM: its register reads 0; the interrupt line holds the irq pci_assign_irq() wrote */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(PCI_ROM_ADDRESS)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0, 0, 0, 0 }), 4);
	char *config = NULL;
	cr_assert_gt(iommusim_sysfs_read(a.sim, "/sys/bus/pci/devices/" DEV "/config", &config), PCI_INTERRUPT_LINE);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 1, (off_t)config_off(PCI_INTERRUPT_LINE)), 1);
	cr_assert_eq(b[0], (unsigned char)config[PCI_INTERRUPT_LINE]);
	cr_assert_neq(b[0], 0);
	free(config);
	/* the command register as the device has it (its driver enabled memory decoding), the status */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(PCI_COMMAND)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0x02, 0x00, 0x10, 0x00 }), 4);
	/* a gap between capabilities reads as the device's zeros */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(0xf0)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0, 0, 0, 0 }), 4);
	/* no extended capabilities: zeros, as the device has them */
	memset(b, 0xee, sizeof(b));
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(0x100)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0, 0, 0, 0 }), 4);
	/* beyond the function's 4096 bytes: EFAULT; nothing to read: 0 */
	memset(b, 0xee, sizeof(b));
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(0xffe)), -EFAULT);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 1, (off_t)config_off(0x1000)), -EFAULT);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 0, (off_t)config_off(0x1000)), 0);
	cr_assert_eq(b[0], 0xee);
	/* no VGA, no region past it; the ROM is read-only */
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 1, (off_t)((uint64_t)VFIO_PCI_VGA_REGION_INDEX << 40)), -EINVAL);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 1, (off_t)((uint64_t)VFIO_PCI_NUM_REGIONS << 40)), -EINVAL);
	cr_assert_eq(iommusim_pwrite(a.sim, a.device, b, 1, (off_t)((uint64_t)VFIO_PCI_ROM_REGION_INDEX << 40)), -EINVAL);
	/* writes: the IDs are dropped; a BAR sizes through vconfig (BAR1: 4 KiB, 32-bit memory) */
	memset(b, 0xff, 4);
	cr_assert_eq(iommusim_pwrite(a.sim, a.device, b, 4, (off_t)config_off(0)), 4);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(0)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0xf4, 0x1a, 0x44, 0x10 }), 4);
	memset(b, 0xff, 4);
	cr_assert_eq(iommusim_pwrite(a.sim, a.device, b, 4, (off_t)config_off(PCI_BASE_ADDRESS_1)), 4);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(PCI_BASE_ADDRESS_1)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0x00, 0xf0, 0xff, 0xff }), 4);
	/* past the end: EFAULT, nothing written */
	cr_assert_eq(iommusim_pwrite(a.sim, a.device, b, 4, (off_t)config_off(0xffe)), -EFAULT);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, -1), -EINVAL, "a negative offset");
	iommusim_free(a.sim);
}

Test(vfio_region, open_enables_the_device)
{
	/* e1000e: no driver enabled it; the device file's first open does, its last close disables */
	struct assigned a = assign(MACHINE("e1000e"));
	struct pci_dev *pdev = pdev_of(a.sim, DEV);
	cr_assert_eq(pdev->enable_cnt, 1);
	int group = 4;
	int second = (int)iommusim_ioctl(a.sim, group, VFIO_GROUP_GET_DEVICE_FD, DEV);
	cr_assert_geq(second, 3);
	cr_assert_eq(pdev->enable_cnt, 1, "open_device runs at the first open only");
	cr_assert_eq(iommusim_close(a.sim, a.device), 0);
	cr_assert_eq(pdev->enable_cnt, 1);
	cr_assert_eq(iommusim_close(a.sim, second), 0);
	cr_assert_eq(pdev->enable_cnt, 0);
	cr_assert_not(pdev->is_busmaster);
	iommusim_free(a.sim);
}

Test(vfio_region, extended_capabilities)
{
	/* e1000e: AER at 0x100 (its header from vconfig), then the serial number at 0x140 */
	struct assigned a = assign(MACHINE("e1000e"));
	unsigned char b[8];
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 8, (off_t)config_off(0x100)), 8);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0x01, 0x00, 0x02, 0x14, 0, 0, 0, 0 }), 8);
	cr_assert_eq(iommusim_pread(a.sim, a.device, b, 4, (off_t)config_off(0x140)), 4);
	cr_assert_arr_eq(b, ((unsigned char[]){ 0x03, 0x00, 0x01, 0x00 }), 4);
	iommusim_free(a.sim);
}
