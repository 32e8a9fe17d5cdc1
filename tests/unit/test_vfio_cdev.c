/*
 * 7.3's vfio device cdev (--kconfig IOMMUFD=y,VFIO_DEVICE_CDEV=y) through
 * the public file calls: /dev/vfio/devices/vfioN, a device file that does
 * nothing before VFIO_DEVICE_BIND_IOMMUFD, the bind's checks, the group
 * file and the cdev excluding each other, ATTACH/DETACH_IOMMUFD_PT and the
 * IOAS with a device attached.
 *
 * Every value asserted here is what the oracle's iommufd kernel (Linux
 * 7.3.4 allnoconfig + IOMMUFD, VFIO_DEVICE_CDEV, ARM_SMMU_V3_IOMMUFD, no
 * THP) answered on QEMU 10.0.2 for the same calls in the same order:
 * oracle/iommufd/device_probe.c, run by `oracle/iommufd/run_probe.sh device`.
 */
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "uapi/iommufd.h"
#include "uapi/uapi.h"
#include "uapi/vfio_cdev_abi.h"
#include "iommu/iommu.h"

#define MACHINE "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		"-device virtio-net-pci,bus=rp1"
#define DEV "0000:01:00.0"
/* the oracle's iommufd kernel: allnoconfig, so no THP */
#define KCONFIG "IOMMUFD=y,VFIO_DEVICE_CDEV=y,ARM_SMMU_V3_IOMMUFD=y,TRANSPARENT_HUGEPAGE=n"

static struct iommusim *boot_cdev(const char *kconfig)
{
	const char *settings[] = { kconfig, NULL };
	struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings };
	char err[1024] = "";
	struct iommusim *sim = boot_str_opts(MACHINE, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "%s", err);
	return sim;
}

static void to_vfio(struct iommusim *sim, const char *dev)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", dev);
	cr_assert_eq(iommusim_sysfs_write(sim, path, "vfio-pci"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", dev), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", dev), 0);
}

struct t {
	struct iommusim *sim;
	int ifd, dfd;
	u64 uva;
};

static long R(struct t *t, int fd, unsigned long c, void *a)
{
	return iommusim_ioctl(t->sim, fd, c, a);
}

static long cdev_bind(struct t *t, int dfd, u32 argsz, u32 flags, int32_t fd, u64 tok, u32 *devid)
{
	unsigned char b[64];
	memset(b, 0, sizeof(b));
	struct vfio_device_bind_iommufd *s = (void *)b;
	s->argsz = argsz;
	s->flags = flags;
	s->iommufd = fd;
	s->token_uuid_ptr = tok;
	long r = R(t, dfd, VFIO_DEVICE_BIND_IOMMUFD, b);
	if (devid)
		*devid = s->out_devid;
	return r;
}

static long attach(struct t *t, u32 argsz, u32 flags, u32 *pt)
{
	struct vfio_device_attach_iommufd_pt a = { .argsz = argsz, .flags = flags, .pt_id = *pt };
	long r = R(t, t->dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	*pt = a.pt_id;
	return r;
}

static long detach(struct t *t, u32 argsz, u32 flags)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = argsz, .flags = flags };
	return R(t, t->dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

static u32 ioas_alloc(struct t *t)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	cr_assert_eq(R(t, t->ifd, IOMMU_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

static long destroy(struct t *t, u32 id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };
	return R(t, t->ifd, IOMMU_DESTROY, &d);
}

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
static long map_fixed(struct t *t, u32 ioas, u64 uva, u64 len, u64 iova)
{
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA, .ioas_id = ioas,
				    .user_va = uva, .length = len, .iova = iova };
	return R(t, t->ifd, IOMMU_IOAS_MAP, &m);
}

static long map_alloc(struct t *t, u32 ioas, u64 uva, u64 len, u64 *iova)
{
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW, .ioas_id = ioas, .user_va = uva, .length = len };
	long r = R(t, t->ifd, IOMMU_IOAS_MAP, &m);
	*iova = m.iova;
	return r;
}

/* IOVA_RANGES: "num align [s l] [s l]" */
static char *ranges(struct t *t, u32 ioas)
{
	static char out[256];
	struct iommu_iova_range rr[8];
	memset(rr, 0, sizeof(rr));
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = ioas, .num_iovas = 8,
					    .allowed_iovas = (uintptr_t)rr };
	cr_assert_eq(R(t, t->ifd, IOMMU_IOAS_IOVA_RANGES, &q), 0);
	int n = snprintf(out, sizeof(out), "%u %llu", q.num_iovas, (unsigned long long)q.out_iova_alignment);
	for (unsigned i = 0; i < q.num_iovas && i < 8; i++)
		n += snprintf(out + n, sizeof(out) - (size_t)n, " [%#llx %#llx]", (unsigned long long)rr[i].start,
			      (unsigned long long)rr[i].last);
	return out;
}

static struct t setup(void)
{
	struct t t = { .sim = boot_cdev(KCONFIG) };
	to_vfio(t.sim, DEV);
	void *p = iommusim_user_alloc(t.sim, 0x100000);
	cr_assert_not_null(p);
	t.uva = (uintptr_t)p;
	t.ifd = iommusim_open(t.sim, "/dev/iommu", 2);
	t.dfd = iommusim_open(t.sim, "/dev/vfio/devices/vfio0", 2);
	cr_assert_eq(t.ifd, 3);
	cr_assert_eq(t.dfd, 4);
	return t;
}

static struct iommu_group *group(struct t *t)
{
	return pdev_of(t->sim, DEV)->dev.iommu_group;
}

static void expect_output(struct iommusim *sim, const char *script, const char *want)
{
	char *out = run(sim, script);
	cr_assert_str_eq(out, want);
	free(out);
}

/*
 * ls as the oracle's iommufd kernel printed it for the same steps (with a
 * virtio-rng-pci behind a second root port: the device's group was 3 there)
 */
Test(vfio_cdev, nodes)
{
	struct iommusim *sim = boot_cdev(KCONFIG);
	expect_output(sim, "ls /dev/vfio\n", "vfio\n");
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/devices/vfio0", 2), -ENOENT);
	to_vfio(sim, DEV);
	expect_output(sim, "ls /dev/vfio\n", "2\ndevices\nvfio\n");
	expect_output(sim, "ls /dev/vfio/devices\n", "vfio0\n");
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/devices/vfio1", 2), -ENOENT);
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/devices/vfio00", 2), -ENOENT);
	/* unbound from vfio-pci: the node goes, and the directory with it (devtmpfs) */
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/vfio-pci/unbind", DEV), 0);
	expect_output(sim, "ls /dev/vfio\n", "vfio\n");
	char *out = run(sim, "ls /dev/vfio/devices\n");
	cr_assert(strstr(out, "No such file or directory"), "%s", out);
	free(out);
	/* bound again: the lowest free index, 0 again */
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", DEV), 0);
	expect_output(sim, "ls /dev/vfio/devices\n", "vfio0\n");
	iommusim_free(sim);
}

Test(vfio_cdev, no_cdev_without_the_option)
{
	/* Debian's 7.3: VFIO_DEVICE_CDEV=n */
	struct iommusim *sim = boot_cdev("IOMMUFD=y");
	to_vfio(sim, DEV);
	expect_output(sim, "ls /dev/vfio\n", "2\nvfio\n");
	cr_assert_eq(iommusim_open(sim, "/dev/vfio/devices/vfio0", 2), -ENOENT);
	iommusim_free(sim);
}

Test(vfio_cdev, refused_without_iommufd)
{
	const char *settings[] = { "VFIO_DEVICE_CDEV=y", NULL };
	struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings };
	char err[1024] = "";
	cr_assert_null(boot_str_opts(MACHINE, &opts, err, sizeof(err)));
	cr_assert(strstr(err, "VFIO_DEVICE_CDEV=y depends on IOMMUFD"), "%s", err);
	const char *later[] = { "VFIO_DEVICE_CDEV=y", "IOMMUFD=y", NULL };
	opts.kconfig = later;
	struct iommusim *sim = boot_str_opts(MACHINE, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "the settings apply in order, the dependency is checked at the end: %s", err);
	iommusim_free(sim);
	/* 6.1 has no such option */
	opts.linux_version = "6.1";
	opts.qemu_version = "7.2";
	opts.kconfig = settings;
	cr_assert_null(boot_str_opts(MACHINE, &opts, err, sizeof(err)));
	cr_assert(strstr(err, "unknown option") || strstr(err, "not settable"), "%s", err);
}

Test(vfio_cdev, the_oracles_sequence)
{
	struct t t = setup();
	char gpath[32];
	snprintf(gpath, sizeof(gpath), "/dev/vfio/%d", group(&t)->id);
	cr_assert_eq(iommusim_open(t.sim, "/dev/vfio/devices/vfio1", 2), -ENOENT);
	/* nothing before the bind */
	struct vfio_device_info info = { .argsz = sizeof(info) };
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_GET_INFO, &info), -EINVAL);
	char cfg[4];
	cr_assert_eq(iommusim_pread(t.sim, t.dfd, cfg, 4, 7LL << 40), -EINVAL);
	u32 pt = 1;
	cr_assert_eq(attach(&t, 16, 0, &pt), -EINVAL);
	cr_assert_eq(detach(&t, 12, 0), -EINVAL);
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_RESET, NULL), -EINVAL);
	/* the bind's checks, each leaving the device unbound and its group the kernel's */
	struct iommu_domain *dma = group(&t)->domain;
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_BIND_IOMMUFD, NULL), -EFAULT);
	cr_assert_eq(cdev_bind(&t, t.dfd, 15, 0, t.ifd, 0, NULL), -EINVAL);
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, 2, t.ifd, 0, NULL), -EINVAL);
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, 0, -1, 0, NULL), -EINVAL);
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, 0, 99, 0, NULL), -EBADF);
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, 0, t.dfd, 0, NULL), -EBADFD);
	unsigned char big[40] = { 0 };
	struct vfio_device_bind_iommufd *bs = (void *)big;
	bs->argsz = 40;
	bs->iommufd = t.ifd;
	big[32] = 1;
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_BIND_IOMMUFD, big), -E2BIG);
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, VFIO_DEVICE_BIND_FLAG_TOKEN, t.ifd, 0, NULL), -EFAULT);
	unsigned char uuid[16] = { 1, 2, 3 };
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, VFIO_DEVICE_BIND_FLAG_TOKEN, t.ifd, (uintptr_t)uuid, NULL), -EINVAL);
	/* the group's file open: the legacy path holds the group */
	int g = iommusim_open(t.sim, gpath, 2);
	cr_assert_geq(g, 0);
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, 0, t.ifd, 0, NULL), -EBUSY);
	cr_assert_eq(iommusim_close(t.sim, g), 0);
	cr_assert_eq(group(&t)->domain, dma);
	cr_assert_eq(group(&t)->owner_cnt, 0);
	cr_assert_eq(iommufd_object_count(uapi_fget(t.sim->k, t.ifd)->iommufd), 0);
	/* bound: the device object, id 1; the group blocked */
	u32 devid = 0;
	cr_assert_eq(cdev_bind(&t, t.dfd, 16, 0, t.ifd, 0, &devid), 0);
	cr_assert_eq(devid, 1);
	cr_assert_eq(group(&t)->domain, group(&t)->blocking_domain);
	cr_assert_eq(group(&t)->owner_cnt, 1);
	cr_assert_eq(cdev_bind(&t, t.dfd, 24, 0, t.ifd, 0, NULL), -EINVAL, "bound twice");
	int dfd2 = iommusim_open(t.sim, "/dev/vfio/devices/vfio0", 2);
	cr_assert_geq(dfd2, 0, "a second open of the cdev works");
	cr_assert_eq(cdev_bind(&t, dfd2, 24, 0, t.ifd, 0, NULL), -EINVAL, "the device is open through the first");
	cr_assert_eq(R(&t, dfd2, VFIO_DEVICE_GET_INFO, &info), -EINVAL);
	cr_assert_eq(iommusim_close(t.sim, dfd2), 0);
	cr_assert_eq(iommusim_open(t.sim, gpath, 2), -EBUSY);
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_GET_INFO, &info), 0);
	cr_assert_eq(info.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	cr_assert_eq(info.num_regions, 9);
	cr_assert_eq(info.num_irqs, 5);
	cr_assert_eq(destroy(&t, devid), -EBUSY);
	/* an IOAS with mappings before the attach */
	u32 a = ioas_alloc(&t);
	cr_assert_eq(a, 2);
	cr_assert_eq(map_fixed(&t, a, t.uva, 0x10000, 0x100000), 0);
	cr_assert_eq(map_fixed(&t, a, t.uva + 0x10000, 0x800, 0x200800), 0);
	cr_assert_str_eq(ranges(&t, a), "1 1 [0 0xffffffffffffffff]");
	/* the attach's checks; pt_id is only written back on success */
	pt = a;
	cr_assert_eq(attach(&t, 11, 0, &pt), -EINVAL);
	cr_assert_eq(attach(&t, 16, 2, &pt), -EINVAL);
	cr_assert_eq(attach(&t, 12, VFIO_DEVICE_ATTACH_PASID, &pt), -EINVAL);
	pt = 999;
	cr_assert_eq(attach(&t, 16, 0, &pt), -ENOENT);
	cr_assert_eq(pt, 999);
	pt = devid;
	cr_assert_eq(attach(&t, 16, 0, &pt), -EINVAL);
	/* an area of half a page cannot go into a domain of 4K pages */
	pt = a;
	cr_assert_eq(attach(&t, 16, 0, &pt), -EADDRINUSE);
	cr_assert_eq(pt, a);
	cr_assert_eq(group(&t)->domain, group(&t)->blocking_domain, "the failed attach left it blocked");
	cr_assert_eq(iommufd_object_count(uapi_fget(t.sim->k, t.ifd)->iommufd), 2, "no HWPT left behind");
	cr_assert_str_eq(ranges(&t, a), "1 1 [0 0xffffffffffffffff]");
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = a, .iova = 0x200800, .length = 0x800 };
	cr_assert_eq(R(&t, t.ifd, IOMMU_IOAS_UNMAP, &u), 0);
	/* attached: the auto HWPT is id 3, the SMMU's MSI window and its input size cut out */
	u32 hw = a;
	cr_assert_eq(attach(&t, 16, 0, &hw), 0);
	cr_assert_eq(hw, 3);
	cr_assert_str_eq(ranges(&t, a), "2 4096 [0 0x7ffffff] [0x8100000 0xffffffffffff]");
	cr_assert_eq(map_fixed(&t, a, t.uva, 0x1000, 0x8000000), -EINVAL);
	cr_assert_eq(map_fixed(&t, a, t.uva, 0x1000, 0x80ff000), -EINVAL);
	cr_assert_eq(map_fixed(&t, a, t.uva, 0x1000, 0x8100000), 0);
	cr_assert_eq(map_fixed(&t, a, t.uva, 0x1000, 1ULL << 48), -EINVAL);
	cr_assert_eq(map_fixed(&t, a, t.uva, 0x1000, (1ULL << 48) - 0x1000), 0);
	cr_assert_eq(map_fixed(&t, a, t.uva, 0x800, 0x300000), -EINVAL);
	cr_assert_eq(map_fixed(&t, a, 0x20000000000ULL, 0x1000, 0x400000), -EFAULT, "no memory there to pin");
	u64 iova = 0;
	cr_assert_eq(map_alloc(&t, a, t.uva + 0x20000, 0x4000, &iova), 0);
	cr_assert_eq(iova, 0x1000);
	cr_assert_eq(destroy(&t, a), -EBUSY);
	cr_assert_eq(destroy(&t, hw), -EBUSY);
	struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES, .op = IOMMU_OPTION_OP_SET,
				  .object_id = a, .val64 = 0 };
	cr_assert_eq(R(&t, t.ifd, IOMMU_OPTION, &o), -EINVAL);
	/* replace: to another IOAS's new auto HWPT (5); the old one (3) goes */
	u32 b = ioas_alloc(&t);
	cr_assert_eq(b, 4);
	u32 hw2 = b;
	cr_assert_eq(attach(&t, 16, 0, &hw2), 0);
	cr_assert_eq(hw2, 5);
	cr_assert_eq(destroy(&t, hw), -ENOENT);
	cr_assert_str_eq(ranges(&t, a), "1 1 [0 0xffffffffffffffff]");
	cr_assert_str_eq(ranges(&t, b), "2 4096 [0 0x7ffffff] [0x8100000 0xffffffffffff]");
	u32 same = hw2;
	cr_assert_eq(attach(&t, 16, 0, &same), 0);
	cr_assert_eq(same, 5);
	u32 back = a;
	cr_assert_eq(attach(&t, 16, 0, &back), 0);
	cr_assert_eq(back, 3, "the lowest free id again");
	cr_assert_eq(destroy(&t, hw2), -ENOENT);
	/* detach */
	cr_assert_eq(detach(&t, 7, 0), -EINVAL);
	cr_assert_eq(detach(&t, 12, 2), -EINVAL);
	cr_assert_eq(detach(&t, 8, VFIO_DEVICE_DETACH_PASID), -EINVAL);
	cr_assert_eq(detach(&t, 12, VFIO_DEVICE_DETACH_PASID), 0);
	cr_assert_eq(group(&t)->domain->type, IOMMU_DOMAIN_UNMANAGED, "a PASID detach leaves the RID attached");
	cr_assert_eq(detach(&t, 8, 0), 0);
	cr_assert_eq(group(&t)->domain, group(&t)->blocking_domain);
	cr_assert_eq(detach(&t, 8, 0), 0);
	cr_assert_eq(destroy(&t, back), -ENOENT);
	cr_assert_str_eq(ranges(&t, a), "1 1 [0 0xffffffffffffffff]");
	cr_assert_eq(destroy(&t, b), 0);
	u32 again = a;
	cr_assert_eq(attach(&t, 16, 0, &again), 0);
	cr_assert_eq(again, 3);
	/* PASID 0 is IOMMU_NO_PASID to iommufd: an attach of the RID, which is attached: EBUSY */
	u32 c = ioas_alloc(&t);
	cr_assert_eq(c, 4);
	pt = c;
	cr_assert_eq(attach(&t, 16, VFIO_DEVICE_ATTACH_PASID, &pt), -EBUSY);
	pt = again;
	cr_assert_eq(attach(&t, 16, VFIO_DEVICE_ATTACH_PASID, &pt), -EBUSY);
	cr_assert_eq(detach(&t, 12, VFIO_DEVICE_DETACH_PASID), 0);
	/* ... but vfio tracks it apart from the RID */
	cr_assert_eq(detach(&t, 8, 0), 0);
	pt = c;
	cr_assert_eq(attach(&t, 16, VFIO_DEVICE_ATTACH_PASID, &pt), 0);
	cr_assert_eq(pt, 3);
	u32 rid = c;
	cr_assert_eq(attach(&t, 16, 0, &rid), -EBUSY, "vfio attaches the RID: iommufd has it attached");
	cr_assert_eq(detach(&t, 8, 0), 0, "the RID was not attached by vfio: nothing");
	cr_assert_neq(group(&t)->domain, group(&t)->blocking_domain);
	pt = 3;
	cr_assert_eq(attach(&t, 16, VFIO_DEVICE_ATTACH_PASID, &pt), 0, "PASID 0 again: a replace");
	cr_assert_eq(destroy(&t, c), -EBUSY);
	cr_assert_eq(detach(&t, 12, VFIO_DEVICE_DETACH_PASID), 0);
	cr_assert_eq(group(&t)->domain, group(&t)->blocking_domain);
	struct vfio_device_attach_iommufd_pt q = { .argsz = 16, .flags = VFIO_DEVICE_ATTACH_PASID, .pt_id = 3,
						   .pasid = 5 };
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &q), -ENOENT, "the auto HWPT 3 went");
	q.pt_id = 999;
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &q), -ENOENT);
	struct vfio_device_detach_iommufd_pt w = { .argsz = 12, .flags = VFIO_DEVICE_DETACH_PASID, .pasid = 5 };
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &w), 0);
	again = 3;
	cr_assert_eq(attach(&t, 16, 0, &again), -ENOENT);
	/* the model's own (not measured): a real PASID on an existing HWPT is refused */
	q.pt_id = c;
	cr_assert_eq(R(&t, t.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &q), -EINVAL);
	again = a;
	cr_assert_eq(attach(&t, 16, 0, &again), 0);
	/* the close unbinds: detached, the device object and the auto HWPT gone, the group the kernel's */
	cr_assert_eq(iommusim_close(t.sim, t.dfd), 0);
	cr_assert_eq(destroy(&t, devid), -ENOENT);
	cr_assert_eq(destroy(&t, again), -ENOENT);
	cr_assert_eq(group(&t)->domain, dma);
	cr_assert_eq(group(&t)->owner_cnt, 0);
	g = iommusim_open(t.sim, gpath, 2);
	cr_assert_geq(g, 0);
	iommusim_free(t.sim);
}

/*
 * vfio-dev/vfioN below the function, on 6.1 and 7.3 alike (vfio_register_group_dev
 * adds it); with VFIO_DEVICE_CDEV it has a devt: dev, and a uevent naming the
 * node. The listings and links are the oracles' (classic, Debian's 7.3, the
 * iommufd kernel's dev 251:0).
 */
static void check_vfio_dev(struct iommusim *sim, bool devt)
{
	const char *d = "/sys/bus/pci/devices/" DEV "/vfio-dev";
	char script[1024];
	expect_output(sim, "ls /sys/bus/pci/devices/" DEV "/vfio-dev\n", "vfio0\n");
	snprintf(script, sizeof(script), "ls %s/vfio0\n", d);
	expect_output(sim, script, devt ? "dev\ndevice\npower\nsubsystem\nuevent\n" : "device\npower\nsubsystem\nuevent\n");
	snprintf(script, sizeof(script), "readlink %s/vfio0/subsystem\nreadlink %s/vfio0/device\n", d, d);
	expect_output(sim, script, "../../../../../../../../class/vfio-dev\n../../../" DEV "\n");
	snprintf(script, sizeof(script), "cat %s/vfio0/uevent\n", d);
	expect_output(sim, script, devt ? "MAJOR=251\nMINOR=0\nDEVNAME=vfio/devices/vfio0\n" : "");
	if (devt) {
		snprintf(script, sizeof(script), "cat %s/vfio0/dev\n", d);
		expect_output(sim, script, "251:0\n");
	}
	snprintf(script, sizeof(script), "ls %s/vfio0/power\n", d);
	expect_output(sim, script,
		      "autosuspend_delay_ms\ncontrol\nruntime_active_time\nruntime_status\nruntime_suspended_time\n");
}

Test(vfio_cdev, vfio_dev_class_device)
{
	char err[1024] = "";
	struct iommusim *sim = boot_str(MACHINE, err, sizeof(err));
	cr_assert_not_null(sim, "%s", err);
	char *out = run(sim, "ls /sys/bus/pci/devices/" DEV "/vfio-dev\n");
	cr_assert(strstr(out, "No such file or directory"), "no vfio device yet: %s", out);
	free(out);
	to_vfio(sim, DEV);
	check_vfio_dev(sim, false);
	/* unbound: gone */
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/vfio-pci/unbind", DEV), 0);
	out = run(sim, "ls /sys/bus/pci/devices/" DEV "/vfio-dev\n");
	cr_assert(strstr(out, "No such file or directory"), "%s", out);
	free(out);
	iommusim_free(sim);
	sim = boot_on(MACHINE, "7.3", "10.0");
	to_vfio(sim, DEV);
	check_vfio_dev(sim, false);
	iommusim_free(sim);
	sim = boot_cdev(KCONFIG);
	to_vfio(sim, DEV);
	check_vfio_dev(sim, true);
	iommusim_free(sim);
}
