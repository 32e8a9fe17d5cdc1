/*
 * iommufd device probe: the vfio cdev and device calls
 * tests/unit/test_vfio_cdev.c and test_iommufd_device.c make (open of
 * /dev/vfio/devices/vfio0, VFIO_DEVICE_BIND_IOMMUFD, ATTACH/DETACH_IOMMUFD_PT,
 * the IOAS with a device attached), issued on a real Linux 7.3 with
 * IOMMUFD and VFIO_DEVICE_CDEV (the oracle's iommufd kernel), one
 * "name = result [out values]" line each, results as -errno. The device is
 * 0000:01:00.0, bound to vfio-pci by run_probe.sh before. Build and run with
 * oracle/iommufd/run_probe.sh device (it needs the 7.3 tree's <linux/iommufd.h>
 * and <linux/vfio.h>).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
static int ifd;
static long R(int fd, unsigned long c, void *a) { long r = ioctl(fd, c, a); return r < 0 ? -errno : r; }
#define P(name, expr) printf("%s = %ld\n", name, (long)(expr))
static uint64_t UVA;
static long bind(int dfd, uint32_t argsz, uint32_t flags, int32_t fd, uint64_t tok, uint32_t *devid)
{ unsigned char b[64]; memset(b, 0, sizeof(b));
  struct vfio_device_bind_iommufd *s = (void *)b; s->argsz = argsz; s->flags = flags; s->iommufd = fd; s->token_uuid_ptr = tok;
  long r = R(dfd, VFIO_DEVICE_BIND_IOMMUFD, b); if (devid) *devid = s->out_devid; return r; }
static long attach(int dfd, uint32_t argsz, uint32_t flags, uint32_t *pt)
{ struct vfio_device_attach_iommufd_pt a = { .argsz = argsz, .flags = flags, .pt_id = *pt };
  long r = R(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a); *pt = a.pt_id; return r; }
static void att(const char *n, int dfd, uint32_t argsz, uint32_t flags, uint32_t pt)
{ long r = attach(dfd, argsz, flags, &pt); printf("%s = %ld pt %u\n", n, r, pt); }
static long detach(int dfd, uint32_t argsz, uint32_t flags)
{ struct vfio_device_detach_iommufd_pt d = { .argsz = argsz, .flags = flags }; return R(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d); }
static uint32_t alloc(void) { struct iommu_ioas_alloc a = { .size = sizeof(a) }; long r = R(ifd, IOMMU_IOAS_ALLOC, &a); printf("alloc = %ld id %u\n", r, a.out_ioas_id); return a.out_ioas_id; }
static long destroy(uint32_t id) { struct iommu_destroy d = { .size = sizeof(d), .id = id }; return R(ifd, IOMMU_DESTROY, &d); }
#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
static void mapf(const char *n, uint32_t ioas, uint64_t uva, uint64_t len, uint64_t iova)
{ struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW | IOMMU_IOAS_MAP_FIXED_IOVA, .ioas_id = ioas, .user_va = uva, .length = len, .iova = iova };
  long r = R(ifd, IOMMU_IOAS_MAP, &m); printf("%s = %ld\n", n, r); }
static void mapa(const char *n, uint32_t ioas, uint64_t uva, uint64_t len)
{ struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW, .ioas_id = ioas, .user_va = uva, .length = len };
  long r = R(ifd, IOMMU_IOAS_MAP, &m); printf("%s = %ld iova %#llx\n", n, r, (unsigned long long)m.iova); }
static void ranges(const char *n, uint32_t ioas)
{ struct iommu_iova_range rr[8]; memset(rr, 0, sizeof(rr));
  struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = ioas, .num_iovas = 8, .allowed_iovas = (uintptr_t)rr };
  long r = R(ifd, IOMMU_IOAS_IOVA_RANGES, &q);
  printf("%s = %ld num %u align %llu", n, r, q.num_iovas, (unsigned long long)q.out_iova_alignment);
  for (unsigned i = 0; i < q.num_iovas && i < 8; i++) printf(" [%#llx %#llx]", (unsigned long long)rr[i].start, (unsigned long long)rr[i].last);
  printf("\n"); }
int main(void)
{
	void *p = mmap((void *)0x10000000000ULL, 0x100000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_POPULATE, -1, 0);
	UVA = (uint64_t)(uintptr_t)p;
	char link[256] = "";
	ssize_t l = readlink("/sys/bus/pci/devices/0000:01:00.0/iommu_group", link, sizeof(link) - 1);
	if (l > 0) link[l] = 0;
	char gpath[64];
	snprintf(gpath, sizeof(gpath), "/dev/vfio/%s", strrchr(link, '/') + 1);
	ifd = open("/dev/iommu", O_RDWR);
	int dfd = open("/dev/vfio/devices/vfio0", O_RDWR);
	printf("open = %d %d\n", ifd < 0 ? -errno : 3, dfd < 0 ? -errno : 4);
	P("open_vfio1", open("/dev/vfio/devices/vfio1", O_RDWR) < 0 ? -errno : 0);
	struct vfio_device_info info = { .argsz = sizeof(info) };
	P("info_unbound", R(dfd, VFIO_DEVICE_GET_INFO, &info));
	char cfg[4];
	P("pread_unbound", pread(dfd, cfg, 4, 7ULL << 40) < 0 ? -errno : 0);
	uint32_t pt = 1;
	att("attach_unbound", dfd, 16, 0, pt);
	P("detach_unbound", detach(dfd, 12, 0));
	P("reset_unbound", R(dfd, VFIO_DEVICE_RESET, NULL));
	uint32_t devid = 0;
	P("bind_null", R(dfd, VFIO_DEVICE_BIND_IOMMUFD, NULL));
	P("bind_argsz15", bind(dfd, 15, 0, ifd, 0, NULL));
	P("bind_flags2", bind(dfd, 24, 2, ifd, 0, NULL));
	P("bind_fd_neg", bind(dfd, 24, 0, -1, 0, NULL));
	P("bind_fd_99", bind(dfd, 24, 0, 99, 0, NULL));
	P("bind_fd_dev", bind(dfd, 24, 0, dfd, 0, NULL));
	{ unsigned char b[40]; memset(b, 0, sizeof(b)); struct vfio_device_bind_iommufd *s = (void *)b; s->argsz = 40; s->iommufd = ifd; b[32] = 1;
	  P("bind_tail", R(dfd, VFIO_DEVICE_BIND_IOMMUFD, b)); }
	P("bind_token_null", bind(dfd, 24, 1, ifd, 0, NULL));
	unsigned char uuid[16] = { 1, 2, 3 };
	P("bind_token", bind(dfd, 24, 1, ifd, (uintptr_t)uuid, NULL));
	int g = open(gpath, O_RDWR);
	P("group_open_unbound", g < 0 ? -errno : 0);
	P("bind_group_open", bind(dfd, 24, 0, ifd, 0, NULL));
	close(g);
	P("bind", bind(dfd, 16, 0, ifd, 0, &devid));
	printf("devid = %u\n", devid);
	P("bind_again", bind(dfd, 24, 0, ifd, 0, NULL));
	int dfd2 = open("/dev/vfio/devices/vfio0", O_RDWR);
	P("open_second", dfd2 < 0 ? -errno : 0);
	P("bind_second", bind(dfd2, 24, 0, ifd, 0, NULL));
	P("info_second", R(dfd2, VFIO_DEVICE_GET_INFO, &info));
	close(dfd2);
	g = open(gpath, O_RDWR);
	P("group_open_bound", g < 0 ? -errno : 0);
	if (g >= 0) close(g);
	P("info_bound", R(dfd, VFIO_DEVICE_GET_INFO, &info));
	printf("info flags %#x regions %u irqs %u\n", info.flags, info.num_regions, info.num_irqs);
	P("destroy_dev", destroy(devid));
	uint32_t a = alloc();
	mapf("map_before", a, UVA, 0x10000, 0x100000);
	mapf("map_odd_before", a, UVA + 0x10000, 0x800, 0x200800);
	ranges("ranges_detached", a);
	att("attach_argsz11", dfd, 11, 0, a);
	att("attach_flags2", dfd, 16, 2, a);
	att("attach_pasid12", dfd, 12, 1, a);
	att("attach_pasid16", dfd, 16, 1, a);
	att("attach_enoent", dfd, 16, 0, 999);
	att("attach_devid", dfd, 16, 0, devid);
	att("attach_odd_area", dfd, 16, 0, a);
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = a, .iova = 0x200800, .length = 0x800 };
	P("unmap_odd", R(ifd, IOMMU_IOAS_UNMAP, &u));
	uint32_t hw = a;
	long r = attach(dfd, 16, 0, &hw);
	printf("attach_ioas = %ld pt %u\n", r, hw);
	ranges("ranges_attached", a);
	mapf("map_msi", a, UVA, 0x1000, 0x8000000);
	mapf("map_msi_last", a, UVA, 0x1000, 0x80ff000);
	mapf("map_past_msi", a, UVA, 0x1000, 0x8100000);
	mapf("map_aperture_end", a, UVA, 0x1000, 1ULL << 48);
	mapf("map_below_aperture_end", a, UVA, 0x1000, (1ULL << 48) - 0x1000);
	mapf("map_odd_len", a, UVA, 0x800, 0x300000);
	mapf("map_unbacked", a, 0x20000000000ULL, 0x1000, 0x400000);
	mapa("map_alloc", a, UVA + 0x20000, 0x4000);
	P("destroy_ioas", destroy(a));
	P("destroy_hwpt", destroy(hw));
	struct iommu_option o = { .size = sizeof(o), .option_id = IOMMU_OPTION_HUGE_PAGES, .op = IOMMU_OPTION_OP_SET, .object_id = a, .val64 = 0 };
	P("huge_pages_off", R(ifd, IOMMU_OPTION, &o));
	uint32_t b = alloc();
	uint32_t hw2 = b;
	r = attach(dfd, 16, 0, &hw2);
	printf("replace_ioas = %ld pt %u\n", r, hw2);
	P("destroy_old_hwpt", destroy(hw));
	ranges("ranges_old", a);
	ranges("ranges_new", b);
	uint32_t same = hw2;
	r = attach(dfd, 16, 0, &same);
	printf("attach_same_hwpt = %ld pt %u\n", r, same);
	uint32_t back = a;
	r = attach(dfd, 16, 0, &back);
	printf("replace_back = %ld pt %u\n", r, back);
	P("destroy_b_hwpt", destroy(hw2));
	P("detach_argsz7", detach(dfd, 7, 0));
	P("detach_flags2", detach(dfd, 12, 2));
	P("detach_pasid8", detach(dfd, 8, 1));
	P("detach_pasid12", detach(dfd, 12, 1));
	P("detach", detach(dfd, 8, 0));
	P("detach_again", detach(dfd, 8, 0));
	P("destroy_hwpt_detached", destroy(back));
	ranges("ranges_after_detach", a);
	P("destroy_ioas_detached", destroy(b));
	r = attach(dfd, 16, 0, &a);
	printf("attach_again = %ld pt %u\n", r, a);
	/* a PASID on a clean IOAS, and on the RID's own HWPT */
	uint32_t c = alloc();
	att("attach_pasid_clean_ioas", dfd, 16, 1, c);
	att("attach_pasid_hwpt", dfd, 16, 1, a);
	P("detach_pasid_after", detach(dfd, 12, 1));
	/* PASID 0 is the RID to iommufd, but vfio tracks it apart */
	P("detach_rid", detach(dfd, 8, 0));
	att("attach_pasid0_detached", dfd, 16, 1, c);
	att("attach_rid_over_pasid0", dfd, 16, 0, c);
	P("detach_rid_over_pasid0", detach(dfd, 8, 0));
	att("attach_pasid0_again", dfd, 16, 1, a);
	P("destroy_c_after_pasid0_replace", destroy(c));
	P("detach_pasid0", detach(dfd, 12, 1));
	{ struct vfio_device_attach_iommufd_pt q = { .argsz = 16, .flags = 1, .pt_id = a, .pasid = 5 };
	  long rr = R(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &q); printf("attach_pasid5 = %ld pt %u\n", rr, q.pt_id);
	  q.pt_id = 999; rr = R(dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &q); printf("attach_pasid5_enoent = %ld\n", rr);
	  struct vfio_device_detach_iommufd_pt w = { .argsz = 12, .flags = 1, .pasid = 5 };
	  P("detach_pasid5", R(dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &w)); }
	att("attach_rid_final", dfd, 16, 0, a);
	P("close_dev", close(dfd));
	P("destroy_dev_closed", destroy(devid));
	P("destroy_hwpt_closed", destroy(a));
	g = open(gpath, O_RDWR);
	P("group_open_closed", g < 0 ? -errno : 0);
	return 0;
}
