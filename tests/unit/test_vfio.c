/*
 * The VFIO type1 user API through the public file calls: every ioctl's
 * argument checks with Linux 6.1's errnos, each leaving the model as it was,
 * and the DMA of an assigned device landing in the caller's memory.
 */
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "uapi/uapi.h"

#define RP "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	   "-device virtio-rng-pci,bus=rp1"
#define MF "-M virt,iommu=smmuv3,gic-version=3 -nic none -device virtio-rng-pci,addr=3.0,multifunction=on " \
	   "-device virtio-rng-pci,addr=3.1"
#define DEV "0000:01:00.0"

static void to_vfio(struct iommusim *sim, const char *dev)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", dev);
	cr_assert_eq(iommusim_sysfs_write(sim, path, "vfio-pci"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", dev), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", dev), 0);
	char *drv = NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", dev);
	cr_assert_gt(iommusim_sysfs_readlink(sim, path, &drv), 0);
	cr_assert(strstr(drv, "vfio-pci"), "%s", drv);
	free(drv);
}

struct vmm {
	struct iommusim *sim;
	int container, group;
};

/* the usual VMM sequence up to SET_IOMMU(type) */
static struct vmm vmm_up(const char *machine, unsigned long type)
{
	struct vmm v = { .sim = boot_ok(machine) };
	to_vfio(v.sim, DEV);
	v.container = iommusim_open(v.sim, "/dev/vfio/vfio", 2);
	cr_assert_geq(v.container, 3);
	v.group = iommusim_open(v.sim, "/dev/vfio/0", 2);
	cr_assert_geq(v.group, 3);
	cr_assert_eq(iommusim_ioctl(v.sim, v.group, VFIO_GROUP_SET_CONTAINER, &v.container), 0);
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_SET_IOMMU, (void *)type), 0);
	return v;
}

static long map(struct vmm *v, void *buf, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m), .flags = flags,
					      .vaddr = (uint64_t)(uintptr_t)buf, .iova = iova, .size = size };
	return iommusim_ioctl(v->sim, v->container, VFIO_IOMMU_MAP_DMA, &m);
}

static long unmap(struct vmm *v, uint64_t iova, uint64_t *size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .flags = flags, .iova = iova, .size = *size };
	long ret = iommusim_ioctl(v->sim, v->container, VFIO_IOMMU_UNMAP_DMA, &u);
	*size = u.size;
	return ret;
}

/* dma-avail from GET_INFO's capability chain: what the mappings left */
static unsigned dma_avail(struct vmm *v)
{
	_Alignas(8) unsigned char buf[512] = { 0 };
	struct vfio_iommu_type1_info *info = (void *)buf;
	info->argsz = sizeof(buf);
	cr_assert_eq(iommusim_ioctl(v->sim, v->container, VFIO_IOMMU_GET_INFO, info), 0);
	for (unsigned off = info->cap_offset; off;) {
		/* packed as 6.1 packs them: copied out, each may sit unaligned */
		struct vfio_info_cap_header h;
		memcpy(&h, buf + off, sizeof(h));
		if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct vfio_iommu_type1_info_dma_avail a;
			memcpy(&a, buf + off, sizeof(a));
			return a.avail;
		}
		off = h.next;
	}
	cr_assert_fail("no dma-avail capability");
	return 0;
}

static unsigned long locked_vm(struct vmm *v)
{
	return v->sim->k->uapi->locked_vm;
}

Test(vfio, container_extensions_and_set_iommu)
{
	struct iommusim *sim = boot_ok(RP);
	int c = iommusim_open(sim, "/dev/vfio/vfio", 2);
	cr_assert_eq(c, 3, "the lowest free fd after stdio");
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_GET_API_VERSION, NULL), VFIO_API_VERSION);
	/* before SET_IOMMU: what type1 answers without a container */
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_IOMMU), 1);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1v2_IOMMU), 1);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_SPAPR_TCE_IOMMU), 0);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_NOIOMMU_IOMMU), 0);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_DMA_CC_IOMMU), 0);
	/* no group yet: SET_IOMMU is refused, the container stays unset */
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), -EINVAL);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_IOMMU_GET_INFO, NULL), -EINVAL, "no backend: EINVAL");
	to_vfio(sim, DEV);
	int g = iommusim_open(sim, "/dev/vfio/0", 2);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c), 0);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_SPAPR_TCE_IOMMU), -ENODEV);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_UNMAP_ALL), -EINVAL,
		     "an extension type1 has but cannot open");
	struct iommu_group *ig = pdev_of(sim, DEV)->dev.iommu_group;
	cr_assert_eq(ig->domain, ig->blocking_domain, "failed SET_IOMMUs leave the group blocked");
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	cr_assert_neq(ig->domain, ig->blocking_domain);
	cr_assert_eq(ig->domain->type, IOMMU_DOMAIN_UNMANAGED);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), -EINVAL, "only once");
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_CHECK_EXTENSION, (void *)VFIO_TYPE1_IOMMU), 1);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_GROUP_GET_STATUS, NULL), -ENOTTY, "type1 knows no such ioctl");
	iommusim_free(sim);
}

Test(vfio, group_file_checks)
{
	struct iommusim *sim = boot_ok(RP);
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/0", 2), -ENOENT, "no vfio-pci device in group 0 yet");
	to_vfio(sim, DEV);
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/1", 2), -ENOENT);
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/00", 2), -ENOENT);
	cr_assert_eq(iommusim_open(sim, "/dev/nope", 2), -ENOENT);
	cr_assert_eq(iommusim_open(sim, NULL, 2), -EFAULT);
	int g = iommusim_open(sim, "/dev/vfio/0", 2);
	cr_assert_geq(g, 3);
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/0", 2), -EBUSY, "one open a group");
	struct vfio_group_status st = { .argsz = 7 };
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_STATUS, &st), -EINVAL);
	cr_assert_eq(st.flags, 0);
	st.argsz = sizeof(st);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_STATUS, &st), 0);
	cr_assert_eq(st.flags, VFIO_GROUP_FLAGS_VIABLE, "the root port's pcieport does not count");
	int bad = 99;
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &bad), -EBADF);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &g), -EINVAL, "a group is no container");
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, NULL), -EFAULT);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_UNSET_CONTAINER, NULL), -EINVAL);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_DEVICE_FD, DEV), -EINVAL, "no container");
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_DEVICE_FD, "0000:00:01.0"), -ENODEV,
		     "the root port is no vfio device");
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_DEVICE_FD, NULL), -EFAULT);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_IOMMU_MAP_DMA, NULL), -ENOTTY);
	cr_assert_eq(iommusim_ioctl(sim, 77, VFIO_GROUP_GET_STATUS, &st), -EBADF);
	cr_assert_eq(iommusim_ioctl(sim, -1, VFIO_GROUP_GET_STATUS, &st), -EBADF);
	cr_assert_eq(iommusim_pread(sim, g, &st, 4, 0), -EINVAL);
	cr_assert_null(pdev_of(sim, DEV)->dev.iommu_group->owner, "nothing claimed the group");
	cr_assert_eq(iommusim_close(sim, g), 0);
	cr_assert_eq(iommusim_close(sim, g), -EBADF);
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/0", 2), g, "closed: it opens again, same fd");
	iommusim_free(sim);
}

Test(vfio, device_file)
{
	struct vmm v = vmm_up(RP, VFIO_TYPE1v2_IOMMU);
	int d = (int)iommusim_ioctl(v.sim, v.group, VFIO_GROUP_GET_DEVICE_FD, DEV);
	cr_assert_geq(d, 3);
	struct vfio_device_info info = { .argsz = 15 };
	cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_DEVICE_GET_INFO, &info), -EINVAL);
	info.argsz = sizeof(info);
	cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_DEVICE_GET_INFO, &info), 0);
	cr_assert_eq(info.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	cr_assert_eq(info.num_regions, VFIO_PCI_NUM_REGIONS);
	cr_assert_eq(info.num_irqs, VFIO_PCI_NUM_IRQS);
	/* behind a root port: INTx, no MSI, two MSI-X vectors, AER's error irq, the request irq */
	static const struct { uint32_t flags, count; } irqs[] = {
		{ 0x7, 1 }, { 0x9, 0 }, { 0x9, 2 }, { 0x9, 1 }, { 0x9, 1 },
	};
	for (uint32_t i = 0; i < 5; i++) {
		struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = i };
		cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_DEVICE_GET_IRQ_INFO, &irq), 0);
		cr_assert_eq(irq.flags, irqs[i].flags, "index %u", i);
		cr_assert_eq(irq.count, irqs[i].count, "index %u", i);
	}
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = 5 };
	cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_DEVICE_GET_IRQ_INFO, &irq), -EINVAL);
	irq = (struct vfio_irq_info){ .argsz = 15, .index = 0 };
	cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_DEVICE_GET_IRQ_INFO, &irq), -EINVAL);
	cr_assert_eq(irq.count, 0, "nothing written back");
	cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_GET_API_VERSION, NULL), -ENOTTY);
	/* the reset worked at open (test_vfio_reset has the rest) */
	cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_DEVICE_RESET, NULL), 0);
	char b[4];
	cr_assert_eq(iommusim_pread(v.sim, d, b, 4, 0), -EOPNOTSUPP);
	/* an open device uses the container: the group cannot leave it */
	cr_assert_eq(iommusim_ioctl(v.sim, v.group, VFIO_GROUP_UNSET_CONTAINER, NULL), -EBUSY);
	/* the device file keeps the group's file: closing the group fd releases nothing */
	struct iommu_group *ig = pdev_of(v.sim, DEV)->dev.iommu_group;
	cr_assert_eq(iommusim_close(v.sim, v.group), 0);
	cr_assert_not_null(ig->owner);
	cr_assert_eq(iommusim_close(v.sim, d), 0);
	cr_assert_null(ig->owner, "the last reference gone: the group is the kernel's again");
	cr_assert_eq(ig->domain, ig->default_domain);
	cr_assert_eq(ig->owner_cnt, 0);
	iommusim_free(v.sim);
}

Test(vfio, map_checks_leave_nothing_behind)
{
	struct vmm v = vmm_up(RP, VFIO_TYPE1v2_IOMMU);
	u8 *buf = iommusim_user_alloc(v.sim, 0x200000);
	cr_assert_not_null(buf);
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_dma_map m = { .argsz = 31, .flags = rw, .vaddr = (uintptr_t)buf,
					      .iova = 0, .size = 0x1000 };
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_IOMMU_MAP_DMA, &m), -EINVAL, "argsz < 32");
	m.argsz = sizeof(m);
	m.flags = 0x10;
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_IOMMU_MAP_DMA, &m), -EINVAL, "unknown flag");
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_IOMMU_MAP_DMA, NULL), -EFAULT);
	cr_assert_eq(map(&v, buf, 0, 0x1000, 0), -EINVAL, "neither read nor write");
	cr_assert_eq(map(&v, buf, 0, 0x1000, rw | VFIO_DMA_MAP_FLAG_VADDR), -EINVAL);
	cr_assert_eq(map(&v, buf, 0x800, 0x1000, rw), -EINVAL, "misaligned IOVA");
	cr_assert_eq(map(&v, buf, 0, 0x800, rw), -EINVAL, "misaligned size");
	cr_assert_eq(map(&v, buf + 0x800, 0, 0x1000, rw), -EINVAL, "misaligned vaddr");
	cr_assert_eq(map(&v, buf, 0, 0, rw), -EINVAL, "empty");
	cr_assert_eq(map(&v, buf, 0xfffffffffffff000ULL, 0x2000, rw), -EINVAL, "IOVA wraps");
	cr_assert_eq(map(&v, buf, 0x8000000, 0x1000, rw), -EINVAL, "the MSI window");
	cr_assert_eq(map(&v, buf, 0x7fff000, 0x2000, rw), -EINVAL, "runs into the MSI window");
	cr_assert_eq(map(&v, buf, 1ULL << 48, 0x1000, rw), -EINVAL, "beyond the 48-bit aperture");
	void *mine = aligned_alloc(4096, 4096);
	cr_assert_eq(map(&v, mine, 0x10000, 0x1000, rw), -EFAULT, "not the process's memory");
	free(mine);
	cr_assert_eq(map(&v, buf, 0x10000, 0x400000, rw), -EFAULT, "runs past the allocation");
	cr_assert_eq(dma_avail(&v), 65535);
	cr_assert_eq(locked_vm(&v), 0);
	cr_assert_eq(v.sim->k->uapi->blocks[0]->pinned, 0);

	cr_assert_eq(map(&v, buf, 0, 0x1000, rw), 0);
	cr_assert_eq(map(&v, buf, 0x7fff000, 0x1000, rw), 0, "just below the window");
	cr_assert_eq(map(&v, buf, 0x8100000, 0x1000, rw), 0, "just above it");
	cr_assert_eq(map(&v, buf, 1ULL << 40, 0x200000, rw), 0);
	cr_assert_eq(map(&v, buf, 1ULL << 44, 0x1000, rw), 0);
	cr_assert_eq(map(&v, buf, 0, 0x1000, rw), -EEXIST);
	cr_assert_eq(map(&v, buf, (1ULL << 40) + 0x1000, 0x1000, rw), -EEXIST, "inside a mapping");
	cr_assert_eq(dma_avail(&v), 65530);
	cr_assert_eq(locked_vm(&v), 4 + 512);

	/* a v2 unmap may not split a mapping; the size is not written back then */
	uint64_t size = 0x1000;
	cr_assert_eq(unmap(&v, (1ULL << 40) + 0x1000, &size, 0), -EINVAL);
	cr_assert_eq(size, 0x1000);
	size = 0x100000;
	cr_assert_eq(unmap(&v, 1ULL << 40, &size, 0), -EINVAL);
	size = 0x1000;
	cr_assert_eq(unmap(&v, 0x800, &size, 0), -EINVAL, "misaligned");
	size = 0;
	cr_assert_eq(unmap(&v, 0, &size, 0), -EINVAL, "empty");
	size = 0x1000;
	cr_assert_eq(unmap(&v, 0, &size, VFIO_DMA_UNMAP_FLAG_ALL), -EINVAL, "ALL takes no range");
	cr_assert_eq(unmap(&v, 0, &size, 0x10), -EINVAL, "unknown flag");
	cr_assert_eq(unmap(&v, 0, &size, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_ALL), -EINVAL);
	struct vfio_iommu_type1_dma_unmap u = { .argsz = 23, .iova = 0, .size = 0x1000 };
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_IOMMU_UNMAP_DMA, &u), -EINVAL, "argsz < 24");
	cr_assert_eq(dma_avail(&v), 65530);
	cr_assert_eq(locked_vm(&v), 516);

	size = 0x1000;
	cr_assert_eq(unmap(&v, 0x5000, &size, 0), 0);
	cr_assert_eq(size, 0, "nothing there: success, nothing unmapped");
	size = 0x200000;
	cr_assert_eq(unmap(&v, 1ULL << 40, &size, 0), 0);
	cr_assert_eq(size, 0x200000);
	cr_assert_eq(locked_vm(&v), 4);
	cr_assert_eq(iommusim_user_free(v.sim, buf), -EBUSY, "still pinned");
	size = 0;
	cr_assert_eq(unmap(&v, 0, &size, VFIO_DMA_UNMAP_FLAG_ALL), 0);
	cr_assert_eq(size, 0x4000);
	cr_assert_eq(dma_avail(&v), 65535);
	cr_assert_eq(locked_vm(&v), 0);
	cr_assert_eq(iommusim_user_free(v.sim, buf), 0);
	iommusim_free(v.sim);
}

Test(vfio, get_info_capabilities)
{
	struct vmm v = vmm_up(RP, VFIO_TYPE1v2_IOMMU);
	struct vfio_iommu_type1_info small = { .argsz = 15 };
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_IOMMU_GET_INFO, &small), -EINVAL);
	small.argsz = 16;
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_IOMMU_GET_INFO, &small), 0);
	cr_assert_eq(small.argsz, 24 + 32 + 12 + 48, "how big the reply with its chain is (6.1 packs it)");
	cr_assert_eq(small.flags, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
	cr_assert_eq(small.iova_pgsizes, 0x40201000, "4K, 2M, 1G");
	_Alignas(8) unsigned char buf[256] = { 0 };
	struct vfio_iommu_type1_info *info = (void *)buf;
	info->argsz = sizeof(buf);
	cr_assert_eq(iommusim_ioctl(v.sim, v.container, VFIO_IOMMU_GET_INFO, info), 0);
	cr_assert_eq(info->cap_offset, 24);
	struct vfio_iommu_type1_info_cap_migration mig;
	memcpy(&mig, buf + 24, sizeof(mig));
	cr_assert_eq(mig.header.id, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	cr_assert_eq(mig.header.next, 56);
	cr_assert_eq(mig.pgsize_bitmap, 0x1000);
	cr_assert_eq(mig.max_dirty_bitmap_size, 0x10000000);
	struct vfio_iommu_type1_info_dma_avail avail;
	memcpy(&avail, buf + 56, sizeof(avail));
	cr_assert_eq(avail.header.id, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	cr_assert_eq(avail.avail, 65535);
	cr_assert_eq(avail.header.next, 68, "not padded: the next one sits unaligned");
	struct vfio_iommu_type1_info_cap_iova_range r;
	memcpy(&r, buf + 68, sizeof(r));
	cr_assert_eq(r.header.id, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	cr_assert_eq(r.header.next, 0);
	cr_assert_eq(r.nr_iovas, 2, "the MSI window cut out");
	struct vfio_iova_range ranges[2];
	memcpy(ranges, buf + 68 + sizeof(r), sizeof(ranges));
	cr_assert_eq(ranges[0].start, 0);
	cr_assert_eq(ranges[0].end, 0x7ffffff);
	cr_assert_eq(ranges[1].start, 0x8100000);
	cr_assert_eq(ranges[1].end, 0xffffffffffffULL);
	iommusim_free(v.sim);
}

Test(vfio, device_dma_lands_in_user_memory_and_faults_after_unmap)
{
	struct vmm v = vmm_up(RP, VFIO_TYPE1v2_IOMMU);
	u8 *buf = iommusim_user_alloc(v.sim, 0x10000);
	cr_assert_eq(map(&v, buf, 0x100000, 0x10000, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE), 0);
	char *out = run(v.sim, "dma write 0000:01:00.0 0x100010 16 0xab\n");
	cr_assert_str_eq(out, "");
	free(out);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(buf[0x10 + i], 0xab, "the device's write is in the caller's memory");
	cr_assert_eq(buf[0xf], 0);
	memcpy(buf + 0x2000, "from the VMM....", 16);
	out = run(v.sim, "dma read 0000:01:00.0 0x102000 16\n");
	cr_assert(strstr(out, "from the VMM...."), "%s", out);
	free(out);
	/* read-only for the device: its write faults */
	u8 *ro = iommusim_user_alloc(v.sim, 0x1000);
	cr_assert_eq(map(&v, ro, 0x200000, 0x1000, VFIO_DMA_MAP_FLAG_READ), 0);
	struct iommusim_smmu_counters before, after;
	cr_assert_eq(iommusim_smmu_counters(v.sim, &before), 0);
	out = run(v.sim, "dma write 0000:01:00.0 0x200000 4 0x11\n");
	cr_assert(strstr(out, "failed"), "%s", out);
	free(out);
	cr_assert_eq(ro[0], 0);
	uint64_t size = 0x10000;
	cr_assert_eq(unmap(&v, 0x100000, &size, 0), 0);
	out = run(v.sim, "dma write 0000:01:00.0 0x100010 16 0xcd\n");
	cr_assert(strstr(out, "failed"), "%s", out);
	free(out);
	cr_assert_eq(buf[0x10], 0xab, "unmapped: nothing reaches the memory");
	cr_assert_eq(iommusim_smmu_counters(v.sim, &after), 0);
	cr_assert_geq(after.events, before.events + 2, "each faulting DMA is an event");
	iommusim_free(v.sim);
}

Test(vfio, memlock_limit)
{
	struct vmm v = vmm_up(RP, VFIO_TYPE1_IOMMU);
	u8 *buf = iommusim_user_alloc(v.sim, 0x40000);
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	cr_assert_eq(map(&v, buf, 0, 0x20000, rw), 0, "root: CAP_IPC_LOCK");
	cr_assert_eq(iommusim_user_set_memlock(v.sim, 0x30000, false), 0);
	size_t lines = klog_count(&v.sim->k->log);
	cr_assert_eq(map(&v, buf, 0x100000, 0x20000, rw), -ENOMEM);
	cr_assert_eq(klog_count(&v.sim->k->log), lines + 1);
	cr_assert(strstr(klog_line(&v.sim->k->log, lines), "vfio_pin_pages_remote: RLIMIT_MEMLOCK (196608) exceeded"));
	cr_assert_eq(locked_vm(&v), 0x20);
	cr_assert_eq(dma_avail(&v), 65534);
	cr_assert_eq(map(&v, buf, 0x100000, 0x10000, rw), 0, "exactly up to the limit");
	cr_assert_eq(map(&v, buf, 0x200000, 0x1000, rw), -ENOMEM);
	/* v1: an unmap inside a mapping unmaps nothing, and succeeds */
	uint64_t size = 0x1000;
	cr_assert_eq(unmap(&v, 0x1000, &size, 0), 0);
	cr_assert_eq(size, 0);
	size = 0x1000;
	cr_assert_eq(unmap(&v, 0, &size, 0), 0);
	cr_assert_eq(size, 0x20000, "v1: from its first page the whole mapping goes");
	cr_assert_eq(locked_vm(&v), 0x10);
	iommusim_free(v.sim);
}

Test(vfio, dma_entry_limit)
{
	struct vmm v = vmm_up(RP, VFIO_TYPE1v2_IOMMU);
	u8 *buf = iommusim_user_alloc(v.sim, 0x1000);
	const uint32_t r = VFIO_DMA_MAP_FLAG_READ;
	for (uint64_t i = 0; i < 65535; i++)
		cr_assert_eq(map(&v, buf, 0x10000000 + i * 0x1000, 0x1000, r), 0);
	cr_assert_eq(map(&v, buf, 0x10000000 + 65535 * 0x1000ULL, 0x1000, r), -ENOSPC);
	cr_assert_eq(dma_avail(&v), 0);
	uint64_t size = 0;
	cr_assert_eq(unmap(&v, 0, &size, VFIO_DMA_UNMAP_FLAG_ALL), 0);
	cr_assert_eq(size, 65535 * 0x1000ULL);
	cr_assert_eq(dma_avail(&v), 65535);
	iommusim_free(v.sim);
}

Test(vfio, no_msi_remapping_on_gicv2)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
				       "-device virtio-rng-pci,bus=rp1");
	to_vfio(sim, DEV);
	int c = iommusim_open(sim, "/dev/vfio/vfio", 2);
	int g = iommusim_open(sim, "/dev/vfio/0", 2);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c), 0);
	size_t lines = klog_count(&sim->k->log);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), -EPERM);
	cr_assert(strstr(klog_line(&sim->k->log, lines), "vfio_iommu_type1_attach_group: No interrupt remapping support."));
	struct iommu_group *ig = pdev_of(sim, DEV)->dev.iommu_group;
	cr_assert_eq(ig->domain, ig->blocking_domain);
	cr_assert_eq(iommusim_ioctl(sim, c, VFIO_IOMMU_GET_INFO, NULL), -EINVAL);
	iommusim_free(sim);
}

Test(vfio, viability_and_kernel_binds_while_user_owns)
{
	struct iommusim *sim = boot_ok(MF);
	to_vfio(sim, "0000:00:03.1");
	int c = iommusim_open(sim, "/dev/vfio/vfio", 2);
	int g = iommusim_open(sim, "/dev/vfio/0", 2);
	struct vfio_group_status st = { .argsz = sizeof(st) };
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_STATUS, &st), 0);
	cr_assert_eq(st.flags, 0, "00:03.0 is still virtio-pci's");
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c), -EPERM);
	char *text = NULL;
	cr_assert_gt(iommusim_sysfs_read(sim, "/sys/kernel/debug/iommusim/groups", &text), 0);
	cr_assert_str_eq(text, "group 0 owner_cnt 1 owner kernel domain default (DMA) default DMA devices "
			       "0000:00:03.0 0000:00:03.1\n", "who keeps the group from VFIO");
	free(text);
	struct iommu_group *ig = pdev_of(sim, "0000:00:03.0")->dev.iommu_group;
	cr_assert_eq(ig->owner_cnt, 1);
	cr_assert_null(ig->owner);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:00:03.0"), 0);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_GET_STATUS, &st), 0);
	cr_assert_eq(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c), 0);
	cr_assert_gt(iommusim_sysfs_read(sim, "/sys/kernel/debug/iommusim/groups", &text), 0);
	cr_assert(strstr(text, "owner_cnt 1 owner user domain blocking (unmanaged)"), "%s", text);
	free(text);
	cr_assert_eq(iommusim_ioctl(sim, g, VFIO_GROUP_SET_CONTAINER, &c), -EINVAL, "set already");
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/bind", "0000:00:03.0"), -EBUSY);
	cr_assert_null(pdev_of(sim, "0000:00:03.0")->dev.driver);
	/* bus_rescan_devices_helper() fails (-EBUSY): drivers_probe says EINVAL, as 6.1 */
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", "0000:00:03.0"), -EINVAL);
	cr_assert_null(pdev_of(sim, "0000:00:03.0")->dev.driver, "drivers_probe leaves it unbound");
	cr_assert_eq(iommusim_close(sim, g), 0);
	cr_assert_null(ig->owner);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", "0000:00:03.0"), 0);
	cr_assert_str_eq(pdev_of(sim, "0000:00:03.0")->dev.driver->name, "virtio-pci");
	iommusim_free(sim);
}

Test(vfio, dev_vfio_listing)
{
	struct iommusim *sim = boot_ok(MF);
	char **names;
	cr_assert_eq(iommusim_sysfs_list(sim, "/sys/kernel/iommu_groups", &names), 1);
	cr_assert_str_eq(names[0], "0");
	free(names[0]);
	free(names);
	char *text = NULL;
	cr_assert_eq(iommusim_sysfs_read(sim, "/sys/kernel/iommu_groups/0/type", &text), 4);
	cr_assert_str_eq(text, "DMA\n");
	free(text);
	cr_assert_eq(iommusim_sysfs_read(sim, "/sys/kernel/iommu_groups/7/type", &text), -ENOENT);
	cr_assert_eq(iommusim_sysfs_read(sim, "/sys/kernel/iommu_groups", &text), -EISDIR);
	cr_assert_eq(iommusim_sysfs_read(sim, NULL, &text), -EINVAL);
	cr_assert_eq(iommusim_sysfs_list(sim, "/sys/kernel/iommu_groups/0/type", &names), -ENOTDIR);
	cr_assert_eq(iommusim_sysfs_readlink(sim, "/sys/kernel/iommu_groups/0/type", &text), -EINVAL);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/kernel/iommu_groups/0/type", "nonsense"), -EINVAL);
	char *out = run(sim, "ls /dev/vfio\n");
	cr_assert_str_eq(out, "vfio\n");
	free(out);
	to_vfio(sim, "0000:00:03.1");
	out = run(sim, "ls /dev/vfio\nrmmod vfio_pci\nls /dev/vfio\nrmmod vfio_pci_core vfio_virqfd vfio_iommu_type1 vfio\nls /dev/vfio\n");
	cr_assert_str_eq(out, "0\nvfio\nvfio\nls: /dev/vfio: No such file or directory\n");
	free(out);
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/vfio", 2), -ENOENT);
	iommusim_free(sim);
}

Test(vfio, bad_arguments_never_crash)
{
	cr_assert_eq(iommusim_open(NULL, "/dev/vfio/vfio", 2), -EINVAL);
	cr_assert_eq(iommusim_close(NULL, 3), -EINVAL);
	cr_assert_eq(iommusim_ioctl(NULL, 3, 0, NULL), -EINVAL);
	cr_assert_null(iommusim_user_alloc(NULL, 4096));
	struct vmm v = vmm_up(RP, VFIO_TYPE1v2_IOMMU);
	cr_assert_null(iommusim_user_alloc(v.sim, 0));
	cr_assert_eq(iommusim_user_free(v.sim, (void *)&v), -EINVAL);
	/* every request number of the VFIO range on every kind of file, with a zeroed buffer */
	int d = (int)iommusim_ioctl(v.sim, v.group, VFIO_GROUP_GET_DEVICE_FD, DEV);
	int fds[] = { v.container, v.group, d };
	for (unsigned req = VFIO_BASE; req < VFIO_BASE + 30; req++)
		for (size_t f = 0; f < 3; f++) {
			if (req == VFIO_BASE + 5 || req == VFIO_BASE + 6)
				continue;	/* UNSET_CONTAINER and GET_DEVICE_FD change the files */
			_Alignas(8) unsigned char zero[4096] = { 0 };
			iommusim_ioctl(v.sim, fds[f], _IO(VFIO_TYPE, req), zero);
		}
	cr_assert_eq(dma_avail(&v), 65535);
	iommusim_free(v.sim);
}

Test(vfio, unbind_waits_for_the_device_file)
{
	/*
	 * 6.1's vfio_unregister_group_dev() waits for the device files to close:
	 * the modelled process cannot close while it waits, so the unbind fails
	 * and the device stays with vfio-pci; a group file alone does not hold it
	 */
	struct vmm v = vmm_up(RP, VFIO_TYPE1v2_IOMMU);
	int d = (int)iommusim_ioctl(v.sim, v.group, VFIO_GROUP_GET_DEVICE_FD, DEV);
	cr_assert_geq(d, 3);
	cr_assert_eq(iommusim_sysfs_write(v.sim, "/sys/bus/pci/drivers/vfio-pci/unbind", DEV), -EDEADLK);
	char *drv = NULL;
	cr_assert_gt(iommusim_sysfs_readlink(v.sim, "/sys/bus/pci/devices/" DEV "/driver", &drv), 0);
	cr_assert(strstr(drv, "vfio-pci"), "%s", drv);
	free(drv);
	char *log = boot_dmesg(v.sim);
	cr_assert(strstr(log, "vfio-pci " DEV ": No device request channel registered, blocked until released by user"));
	free(log);
	/* the device file still answers */
	struct vfio_device_info info = { .argsz = sizeof(info) };
	cr_assert_eq(iommusim_ioctl(v.sim, d, VFIO_DEVICE_GET_INFO, &info), 0);
	cr_assert_eq(iommusim_close(v.sim, d), 0);
	cr_assert_eq(iommusim_sysfs_write(v.sim, "/sys/bus/pci/drivers/vfio-pci/unbind", DEV), 0);
	cr_assert_eq(iommusim_sysfs_readlink(v.sim, "/sys/bus/pci/devices/" DEV "/driver", &drv), -ENOENT);
	iommusim_free(v.sim);
}
