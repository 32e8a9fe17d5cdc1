/*
 * iommufd's devices on 7.3 (--kconfig IOMMUFD=y,VFIO_DEVICE_CDEV=y): what
 * an attach does to the IOMMU and to DMA. A device bound through its cdev
 * and attached to an IOAS translates its DMA through the auto HWPT's
 * domain: the IOAS's mappings (those made before the attach, and MAP, COPY
 * and UNMAP after) reach the caller's memory; unmapped, detached or
 * unbound, the DMA faults. Refused calls leave the IOAS, the group and the
 * object table as they were. The errnos are those the oracle's iommufd
 * kernel gave (oracle/iommufd/device_probe.c; see test_vfio_cdev.c).
 */
#include <linux/vfio.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "uapi/iommufd.h"
#include "uapi/uapi.h"
#include "uapi/vfio.h"
#include "uapi/vfio_cdev_abi.h"
#include "iommu/iommu.h"

#define RP "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	   "-device virtio-net-pci,bus=rp1"
#define DEV "0000:01:00.0"
#define KCONFIG "IOMMUFD=y,VFIO_DEVICE_CDEV=y,TRANSPARENT_HUGEPAGE=n"

struct fix {
	struct iommusim *sim;
	int ifd, dfd;
	u32 devid;
};

static long io(struct fix *f, int fd, unsigned long c, void *a)
{
	return iommusim_ioctl(f->sim, fd, c, a);
}

static void to_vfio(struct iommusim *sim, const char *dev, const char *from)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", dev);
	cr_assert_eq(iommusim_sysfs_write(sim, path, "vfio-pci"), 0);
	if (from) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", from);
		cr_assert_eq(iommusim_sysfs_write(sim, path, dev), 0);
	}
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", dev), 0);
}

static struct iommusim *boot_73(const char *args)
{
	const char *settings[] = { KCONFIG, NULL };
	struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings };
	char err[1024] = "";
	struct iommusim *sim = boot_str_opts(args, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "%s", err);
	return sim;
}

static long bind_fd(struct fix *f, int dfd, u32 *devid)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = f->ifd };
	long r = io(f, dfd, VFIO_DEVICE_BIND_IOMMUFD, &b);
	*devid = b.out_devid;
	return r;
}

static struct fix bound(const char *args)
{
	struct fix f = { .sim = boot_73(args) };
	to_vfio(f.sim, DEV, "virtio-pci");
	f.ifd = iommusim_open(f.sim, "/dev/iommu", 2);
	f.dfd = iommusim_open(f.sim, "/dev/vfio/devices/vfio0", 2);
	cr_assert_geq(f.ifd, 3);
	cr_assert_geq(f.dfd, 3);
	cr_assert_eq(bind_fd(&f, f.dfd, &f.devid), 0);
	return f;
}

static u32 ioas_alloc(struct fix *f)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	cr_assert_eq(io(f, f->ifd, IOMMU_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

static long map(struct fix *f, u32 ioas, void *buf, u64 len, u64 iova, u32 prot)
{
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = prot | IOMMU_IOAS_MAP_FIXED_IOVA, .ioas_id = ioas,
				    .user_va = (uintptr_t)buf, .length = len, .iova = iova };
	return io(f, f->ifd, IOMMU_IOAS_MAP, &m);
}

static long unmap(struct fix *f, u32 ioas, u64 iova, u64 len)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len };
	return io(f, f->ifd, IOMMU_IOAS_UNMAP, &u);
}

static long attach(struct fix *f, int dfd, u32 *pt)
{
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = *pt };
	long r = io(f, dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	*pt = a.pt_id;
	return r;
}

static long detach(struct fix *f, int dfd)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };
	return io(f, dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

static long destroy(struct fix *f, u32 id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };
	return io(f, f->ifd, IOMMU_DESTROY, &d);
}

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

/* the script's dma verb: "" on success, a "failed" line when the SMMU refused */
static bool dma_ok(struct fix *f, const char *line)
{
	char *out = run(f->sim, line);
	bool ok = !strstr(out, "failed");
	free(out);
	return ok;
}

static struct iommufd_ctx *ictx(struct fix *f)
{
	return uapi_fget(f->sim->k, f->ifd)->iommufd;
}

static struct iommu_group *group(struct fix *f, const char *dev)
{
	return pdev_of(f->sim, dev)->dev.iommu_group;
}

Test(iommufd_device, dma_through_the_auto_domain)
{
	struct fix f = bound(RP);
	u8 *buf = iommusim_user_alloc(f.sim, 0x10000);
	u32 ioas = ioas_alloc(&f);
	/* mapped before the attach: the new domain is filled with it */
	cr_assert_eq(map(&f, ioas, buf, 0x10000, 0x100000, RW), 0);
	cr_assert(!dma_ok(&f, "dma write " DEV " 0x100010 16 0xab\n"), "bound, not attached: blocked");
	cr_assert_eq(buf[0x10], 0);
	u32 hwpt = ioas;
	cr_assert_eq(attach(&f, f.dfd, &hwpt), 0);
	cr_assert_neq(hwpt, ioas);
	struct iommufd_object *obj = iommufd_get_object(ictx(&f), hwpt, IOMMUFD_OBJ_HWPT_PAGING);
	cr_assert_not_null(obj);
	struct iommufd_hwpt_paging *hp = to_hwpt_paging(to_hwpt(obj));
	cr_assert(hp->auto_domain);
	cr_assert_eq(hp->common.domain->type, IOMMU_DOMAIN_UNMANAGED);
	cr_assert_eq(group(&f, DEV)->domain, hp->common.domain);
	cr_assert_eq(hp->ioas->obj.users, 1, "the HWPT holds its IOAS");
	cr_assert_eq(hp->common.obj.users, 1, "the device's attach holds the HWPT");
	cr_assert(dma_ok(&f, "dma write " DEV " 0x100010 16 0xab\n"));
	for (int i = 0; i < 16; i++)
		cr_assert_eq(buf[0x10 + i], 0xab, "the device's write is in the caller's memory");
	cr_assert_eq(buf[0xf], 0);
	memcpy(buf + 0x2000, "from the VMM....", 16);
	char *out = run(f.sim, "dma read " DEV " 0x102000 16\n");
	cr_assert(strstr(out, "from the VMM...."), "%s", out);
	free(out);
	/* mapped after the attach: into the domain too; read-only stays read-only */
	u8 *ro = iommusim_user_alloc(f.sim, 0x1000);
	ro[0] = 0x5a;
	cr_assert_eq(map(&f, ioas, ro, 0x1000, 0x200000, IOMMU_IOAS_MAP_READABLE), 0);
	out = run(f.sim, "dma read " DEV " 0x200000 1\n");
	cr_assert(strstr(out, "5a"), "%s", out);
	free(out);
	cr_assert(!dma_ok(&f, "dma write " DEV " 0x200000 4 0x11\n"));
	cr_assert_eq(ro[0], 0x5a);
	/* COPY: the same pages at another IOVA, mapped in the domain */
	struct iommu_ioas_copy c = { .size = sizeof(c), .flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA, .dst_ioas_id = ioas,
				     .src_ioas_id = ioas, .length = 0x1000, .dst_iova = 0x300000, .src_iova = 0x102000 };
	cr_assert_eq(io(&f, f.ifd, IOMMU_IOAS_COPY, &c), 0);
	out = run(f.sim, "dma read " DEV " 0x300000 16\n");
	cr_assert(strstr(out, "from the VMM...."), "%s", out);
	free(out);
	/* UNMAP: faults after */
	cr_assert_eq(unmap(&f, ioas, 0x100000, 0x10000), 0);
	cr_assert(!dma_ok(&f, "dma write " DEV " 0x100010 16 0xcd\n"));
	cr_assert_eq(buf[0x10], 0xab, "unmapped: nothing reaches the memory");
	cr_assert(dma_ok(&f, "dma read " DEV " 0x300000 4\n"), "the copy stays");
	/* the pages stay pinned while mapped in a domain: munmap is refused */
	cr_assert_eq(iommusim_user_free(f.sim, ro), -EBUSY);
	/* detach: blocking again, the auto HWPT gone, the pages unpinned */
	cr_assert_eq(detach(&f, f.dfd), 0);
	cr_assert(!dma_ok(&f, "dma read " DEV " 0x300000 4\n"));
	cr_assert_null(iommufd_get_object(ictx(&f), hwpt, IOMMUFD_OBJ_ANY));
	cr_assert_eq(iommufd_get_ioas(ictx(&f), ioas)->obj.users, 0);
	cr_assert_eq(iommufd_get_ioas(ictx(&f), ioas)->iopt.ndomains, 0);
	cr_assert_eq(iommusim_user_free(f.sim, ro), 0, "no domain: nothing pinned, though still an area");
	cr_assert_eq(unmap(&f, ioas, 0x200000, 0x1000), 0);
	iommusim_free(f.sim);
}

Test(iommufd_device, refusals_leave_the_model_unchanged)
{
	struct fix f = bound(RP);
	u8 *buf = iommusim_user_alloc(f.sim, 0x4000);
	u32 ioas = ioas_alloc(&f);
	cr_assert_eq(map(&f, ioas, buf, 0x4000, 0x100000, RW), 0);
	/* a half-page area: the domain cannot take it (EADDRINUSE), nothing changes */
	cr_assert_eq(map(&f, ioas, buf, 0x800, 0x400800, RW), 0);
	struct iommu_group *g = group(&f, DEV);
	struct iommu_domain *blocking = g->domain;
	size_t nobj = iommufd_object_count(ictx(&f));
	u32 pt = ioas;
	cr_assert_eq(attach(&f, f.dfd, &pt), -EADDRINUSE);
	cr_assert_eq(g->domain, blocking);
	cr_assert_eq(iommufd_object_count(ictx(&f)), nobj);
	struct iommufd_ioas *ia = iommufd_get_ioas(ictx(&f), ioas);
	cr_assert_eq(ia->iopt.nreserved, 0, "the device's reserved regions are taken back");
	cr_assert_eq(ia->iopt.ndomains, 0);
	cr_assert_eq(ia->iopt.iova_alignment, 1);
	cr_assert_eq(ia->obj.users, 0);
	cr_assert_eq(unmap(&f, ioas, 0x400800, 0x800), 0);
	/* an area in the SW_MSI window: EADDRINUSE too (the reservation meets it) */
	cr_assert_eq(map(&f, ioas, buf, 0x1000, 0x8000000, RW), 0);
	cr_assert_eq(attach(&f, f.dfd, &pt), -EADDRINUSE);
	cr_assert_eq(g->domain, blocking);
	cr_assert_eq(ia->iopt.nreserved, 0);
	cr_assert_eq(unmap(&f, ioas, 0x8000000, 0x1000), 0);
	/* unbacked user memory cannot be pinned: EFAULT, nothing mapped */
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA, .ioas_id = ioas,
				    .user_va = 0x7000000000ULL, .length = 0x1000, .iova = 0x600000 };
	cr_assert_eq(io(&f, f.ifd, IOMMU_IOAS_MAP, &m), 0, "no domain yet: nothing to pin");
	cr_assert_eq(attach(&f, f.dfd, &pt), -EFAULT);
	cr_assert_eq(g->domain, blocking);
	cr_assert_eq(ia->iopt.nreserved, 0);
	cr_assert_eq(unmap(&f, ioas, 0x600000, 0x1000), 0);
	cr_assert_eq(attach(&f, f.dfd, &pt), 0);
	size_t nareas = ia->iopt.nareas;
	cr_assert_eq(io(&f, f.ifd, IOMMU_IOAS_MAP, &m), -EFAULT);
	cr_assert_eq(ia->iopt.nareas, nareas, "the failed map left no area");
	/* DESTROY of what is in use */
	cr_assert_eq(destroy(&f, ioas), -EBUSY);
	cr_assert_eq(destroy(&f, pt), -EBUSY);
	cr_assert_eq(destroy(&f, f.devid), -EBUSY);
	cr_assert_eq(iommufd_object_count(ictx(&f)), 3);
	/* the close unbinds: the group is the kernel's again, its default domain back */
	cr_assert_eq(iommusim_close(f.sim, f.dfd), 0);
	cr_assert_eq(g->domain, g->default_domain);
	cr_assert_eq(g->owner_cnt, 0);
	cr_assert_eq(iommufd_object_count(ictx(&f)), 1);
	cr_assert_eq(ia->iopt.nreserved, 0);
	cr_assert_eq(destroy(&f, ioas), 0);
	iommusim_free(f.sim);
}

Test(iommufd_device, the_iommufd_closed_first)
{
	struct fix f = bound(RP);
	u32 ioas = ioas_alloc(&f);
	u32 pt = ioas;
	cr_assert_eq(attach(&f, f.dfd, &pt), 0);
	/* the bound device holds the iommufd: closing its fd frees nothing yet */
	cr_assert_eq(iommusim_close(f.sim, f.ifd), 0);
	struct iommu_group *g = group(&f, DEV);
	cr_assert_neq(g->domain, g->default_domain);
	cr_assert_eq(iommusim_close(f.sim, f.dfd), 0);
	cr_assert_eq(g->domain, g->default_domain);
	iommusim_free(f.sim);
}

/* two functions of one slot on the root bus: no ACS between them, one group */
#define MF "-M virt,iommu=smmuv3,gic-version=3 -nic none -device virtio-net-pci,addr=2.0,multifunction=on " \
	   "-device virtio-net-pci,addr=2.1"

Test(iommufd_device, a_group_of_two)
{
	struct fix f = { .sim = boot_73(MF) };
	const char *a = "0000:00:02.0", *b = "0000:00:02.1";
	cr_assert_eq(group(&f, a), group(&f, b), "one group");
	to_vfio(f.sim, a, "virtio-pci");
	f.ifd = iommusim_open(f.sim, "/dev/iommu", 2);
	int da = iommusim_open(f.sim, "/dev/vfio/devices/vfio0", 2);
	cr_assert_geq(da, 3);
	u32 ida, idb;
	/* the other function still has its kernel driver: the group cannot be owned */
	cr_assert_eq(bind_fd(&f, da, &ida), -EPERM);
	cr_assert_eq(group(&f, a)->domain, group(&f, a)->default_domain);
	to_vfio(f.sim, b, "virtio-pci");
	cr_assert_eq(bind_fd(&f, da, &ida), 0);
	int db = iommusim_open(f.sim, "/dev/vfio/devices/vfio1", 2);
	cr_assert_geq(db, 3);
	cr_assert_eq(bind_fd(&f, db, &idb), 0);
	cr_assert_eq(group(&f, a)->owner_cnt, 2);
	u32 i1 = ioas_alloc(&f), i2 = ioas_alloc(&f);
	u32 pa = i1, pb = i2;
	cr_assert_eq(attach(&f, da, &pa), 0);
	/* the group is attached to one HWPT: another IOAS's is refused */
	cr_assert_eq(attach(&f, db, &pb), -EINVAL);
	cr_assert_eq(pb, i2);
	pb = i1;
	cr_assert_eq(attach(&f, db, &pb), 0);
	cr_assert_eq(pb, pa, "the same auto HWPT");
	cr_assert_eq(to_hwpt(iommufd_get_object(ictx(&f), pa, IOMMUFD_OBJ_ANY))->obj.users, 2);
	/* the first to detach leaves the group attached */
	cr_assert_eq(detach(&f, da), 0);
	cr_assert_eq(group(&f, a)->domain->type, IOMMU_DOMAIN_UNMANAGED);
	cr_assert_eq(detach(&f, db), 0);
	cr_assert_eq(group(&f, a)->domain, group(&f, a)->blocking_domain);
	cr_assert_null(iommufd_get_object(ictx(&f), pa, IOMMUFD_OBJ_ANY));
	cr_assert_eq(iommusim_close(f.sim, da), 0);
	cr_assert_eq(group(&f, a)->owner_cnt, 1);
	cr_assert_eq(iommusim_close(f.sim, db), 0);
	cr_assert_eq(group(&f, a)->owner_cnt, 0);
	cr_assert_eq(group(&f, a)->domain, group(&f, a)->default_domain);
	iommusim_free(f.sim);
}

/* ---- random sequences ---- */

/* the invariants of one iommufd's objects (and the groups they own) */
static void check_ictx(struct iommufd_ctx *c)
{
	for (size_t id = 1; id < c->nobjects; id++) {
		struct iommufd_object *obj = c->objects[id];
		if (!obj)
			continue;
		cr_assert_eq(obj->id, id);
		if (obj->type == IOMMUFD_OBJ_IOAS) {
			struct iommufd_ioas *ioas = to_ioas(obj);
			unsigned users = 0;
			size_t ndomains = 0;
			for (size_t j = 1; j < c->nobjects; j++) {
				struct iommufd_object *o = c->objects[j];
				if (o && o->type == IOMMUFD_OBJ_HWPT_PAGING && to_hwpt_paging(to_hwpt(o))->ioas == ioas) {
					users++;
					ndomains++;
				}
			}
			cr_assert_eq(obj->users, users, "IOAS %zu: users %u, HWPTs on it %u", id, obj->users, users);
			cr_assert_eq(ioas->iopt.ndomains, ndomains);
			cr_assert_eq(ioas->iopt.iova_alignment, ndomains ? 4096u : ioas->iopt.disable_large_pages ? 4096u : 1u);
			for (size_t a = 0; a < ioas->iopt.nareas; a++)
				cr_assert_eq(ioas->iopt.areas[a].pinned_block != NULL, ndomains != 0,
					     "an area is pinned exactly while a domain maps it");
		}
		if (obj->type == IOMMUFD_OBJ_HWPT_PAGING) {
			struct iommufd_hwpt_paging *hp = to_hwpt_paging(to_hwpt(obj));
			unsigned users = 0;
			for (size_t j = 1; j < c->nobjects; j++) {
				struct iommufd_object *o = c->objects[j];
				if (o && o->type == IOMMUFD_OBJ_DEVICE && to_idev(o)->hwpt == &hp->common)
					users++;
			}
			cr_assert_eq(obj->users, users, "HWPT %zu: users %u, devices on it %u", id, obj->users, users);
			cr_assert(!hp->auto_domain || users, "an auto HWPT nobody uses is gone");
			cr_assert_eq(c->objects[hp->ioas->obj.id], &hp->ioas->obj);
		}
		if (obj->type == IOMMUFD_OBJ_DEVICE) {
			struct iommufd_device *idev = to_idev(obj);
			cr_assert_eq(idev->group->owner, c);
			if (idev->hwpt)
				cr_assert_eq(idev->group->domain, idev->hwpt->domain);
		}
	}
}

static void check_groups(struct iommusim *sim)
{
	struct iommu_core *core = iommu_core(sim->k);
	for (size_t i = 0; i < core->ngroups; i++) {
		struct iommu_group *g = core->groups[i];
		if (!g)
			continue;
		if (!g->owner)
			cr_assert_eq(g->domain, g->default_domain, "group %zu: the kernel's, in its default domain", i);
		else
			cr_assert(g->domain == g->blocking_domain || g->domain->type == IOMMU_DOMAIN_UNMANAGED);
	}
}

static unsigned rnd(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}

Test(iommufd_device, random_sequences)
{
	unsigned binds = 0, attaches = 0, maps_attached = 0;
	for (unsigned run = 0; run < 12; run++) {
		unsigned seed = 0x1234u + run * 7919u;
		struct fix f = { .sim = boot_73(MF) };
		to_vfio(f.sim, "0000:00:02.0", "virtio-pci");
		to_vfio(f.sim, "0000:00:02.1", "virtio-pci");
		u8 *mem = iommusim_user_alloc(f.sim, 0x40000);
		int fds[16];
		int nfds = 0;
		for (int step = 0; step < 600; step++) {
			/* weights: opens 2, close 1, bind 2, attach 3, detach 1, alloc 2, map 3, unmap 1, destroy 1 */
			static const unsigned char ops[] = { 0, 1, 2, 3, 3, 4, 4, 5, 6, 7, 7, 8, 8, 8, 9, 10 };
			unsigned op = ops[rnd(&seed, sizeof(ops))];
			int fd = nfds ? fds[rnd(&seed, (unsigned)nfds)] : -1;
			int other = nfds ? fds[rnd(&seed, (unsigned)nfds)] : -1;
			u32 id = rnd(&seed, 9);
			const u32 sizes[] = { 4, 8, 11, 12, 15, 16, 24, 32 };
			u32 argsz = sizes[rnd(&seed, 8)];
			/* a well-formed struct half the time */
			if (rnd(&seed, 2))
				argsz = op == 6 ? 8 : 24;
			unsigned char arg[64] = { 0 };
			memcpy(arg, &argsz, 4);
			u32 flags = rnd(&seed, 4) ? 0 : rnd(&seed, 3);
			memcpy(arg + 4, &flags, 4);
			switch (op) {
			case 0:
			case 1: {
				if (nfds >= 8)
					break;
				const char *paths[] = { "/dev/iommu", "/dev/vfio/devices/vfio0", "/dev/vfio/devices/vfio1",
							"/dev/vfio/1" };
				int n = iommusim_open(f.sim, paths[rnd(&seed, 4)], 2);
				if (n >= 0 && nfds < 16)
					fds[nfds++] = n;
				else if (n >= 0)
					iommusim_close(f.sim, n);
				break;
			}
			case 2:
				if (nfds) {
					int i = (int)rnd(&seed, (unsigned)nfds);
					cr_assert_eq(iommusim_close(f.sim, fds[i]), 0);
					fds[i] = fds[--nfds];
				}
				break;
			case 3: {
				/* mostly an iommufd's fd */
				for (int i = 0; i < nfds && rnd(&seed, 4); i++) {
					struct uapi_file *file = uapi_fget(f.sim->k, fds[i]);
					if (file && file->kind == UAPI_FILE_IOMMUFD)
						other = fds[i];
				}
				int32_t ifd = rnd(&seed, 5) ? other : -1;
				memcpy(arg + 8, &ifd, 4);
				binds += iommusim_ioctl(f.sim, fd, VFIO_DEVICE_BIND_IOMMUFD, arg) == 0;
				break;
			}
			case 4:
			case 5:
				/* mostly a bound device file, to an object of its iommufd */
				for (int i = 0; i < nfds && rnd(&seed, 4); i++) {
					struct uapi_file *file = uapi_fget(f.sim->k, fds[i]);
					if (file && file->kind == UAPI_FILE_VFIO_DEVICE && file->device->access_granted) {
						fd = fds[i];
						struct iommufd_ctx *c = file->device->iommufd->iommufd;
						for (u32 j = 1; j < c->nobjects && rnd(&seed, 3); j++)
							if (c->objects[j] && c->objects[j]->type != IOMMUFD_OBJ_DEVICE)
								id = j;
					}
				}
				memcpy(arg + 8, &id, 4);
				attaches += iommusim_ioctl(f.sim, fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, arg) == 0;
				break;
			case 6:
				iommusim_ioctl(f.sim, fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, arg);
				break;
			case 7: {
				struct iommu_ioas_alloc a = { .size = sizeof(a) };
				iommusim_ioctl(f.sim, fd, IOMMU_IOAS_ALLOC, &a);
				break;
			}
			case 8: {
				/* mostly an IOAS a device is attached to */
				for (int i = 0; i < nfds && rnd(&seed, 4); i++) {
					struct uapi_file *file = uapi_fget(f.sim->k, fds[i]);
					if (!file || file->kind != UAPI_FILE_IOMMUFD)
						continue;
					struct iommufd_ctx *c = file->iommufd;
					for (u32 j = 1; j < c->nobjects; j++)
						if (c->objects[j] && c->objects[j]->type == IOMMUFD_OBJ_IOAS &&
						    to_ioas(c->objects[j])->iopt.ndomains) {
							fd = fds[i];
							id = j;
						}
				}
				const u64 iovas[] = { 0x100000, 0x200800, 0x8000000, 0x80ff000, 1ULL << 48, 0x300000 };
				const u64 lens[] = { 0x1000, 0x800, 0x2000, 0x10000 };
				struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA,
							    .ioas_id = id, .user_va = (uintptr_t)mem + 0x1000 * rnd(&seed, 8),
							    .length = lens[rnd(&seed, 4)], .iova = iovas[rnd(&seed, 6)] };
				if (!rnd(&seed, 6))
					m.user_va = 0x7000000000ULL;
				if (!iommusim_ioctl(f.sim, fd, IOMMU_IOAS_MAP, &m)) {
					struct uapi_file *file = uapi_fget(f.sim->k, fd);
					struct iommufd_ioas *ia = iommufd_get_ioas(file->iommufd, id);
					maps_attached += ia && ia->iopt.ndomains;
				}
				break;
			}
			case 9: {
				struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = id };
				if (rnd(&seed, 2)) {
					u.iova = 0x100000;
					u.length = 0x10000;
				}
				iommusim_ioctl(f.sim, fd, IOMMU_IOAS_UNMAP, &u);
				break;
			}
			case 10: {
				struct iommu_destroy d = { .size = sizeof(d), .id = id };
				iommusim_ioctl(f.sim, fd, IOMMU_DESTROY, &d);
				break;
			}
			}
			check_groups(f.sim);
			for (int i = 0; i < nfds; i++) {
				struct uapi_file *file = uapi_fget(f.sim->k, fds[i]);
				if (file && file->kind == UAPI_FILE_IOMMUFD)
					check_ictx(file->iommufd);
			}
		}
		/* everything closed: the groups are the kernel's again, nothing leaks (ASan) */
		while (nfds)
			cr_assert_eq(iommusim_close(f.sim, fds[--nfds]), 0);
		check_groups(f.sim);
		cr_assert_eq(group(&f, "0000:00:02.0")->owner_cnt, 0);
		iommusim_free(f.sim);
	}
	/* the sequences do reach bound and attached devices, and maps into their domains */
	cr_log_info("%u binds, %u attaches, %u maps", binds, attaches, maps_attached);
	cr_assert_geq(binds, 20, "%u binds", binds);
	cr_assert_geq(attaches, 50, "%u attaches", attaches);
	cr_assert_geq(maps_attached, 5, "%u maps into attached IOASes", maps_attached);
}

/*
 * GICv2m does not isolate MSIs: without allow_unsafe_interrupts 7.3's bind
 * refuses (EPERM, nothing logged: iommufd warns only when it allows it).
 * The oracle's iommufd kernel on gic-version=2 answered EPERM to the probe's
 * bind, and again to a second one.
 */
Test(iommufd_device, no_msi_isolation)
{
	struct fix f = { .sim = boot_73("-M virt,iommu=smmuv3,gic-version=2 -nic none -device pcie-root-port,id=rp1,"
					"chassis=1 -device virtio-net-pci,bus=rp1") };
	to_vfio(f.sim, DEV, "virtio-pci");
	f.ifd = iommusim_open(f.sim, "/dev/iommu", 2);
	f.dfd = iommusim_open(f.sim, "/dev/vfio/devices/vfio0", 2);
	cr_assert_geq(f.dfd, 3);
	size_t lines = klog_count(&f.sim->k->log);
	cr_assert_eq(bind_fd(&f, f.dfd, &f.devid), -EPERM);
	cr_assert_eq(bind_fd(&f, f.dfd, &f.devid), -EPERM);
	cr_assert_eq(klog_count(&f.sim->k->log), lines);
	cr_assert_eq(group(&f, DEV)->owner_cnt, 0);
	cr_assert_eq(iommufd_object_count(ictx(&f)), 0);
	iommusim_free(f.sim);
}
