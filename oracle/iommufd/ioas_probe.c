/*
 * iommufd IOAS probe: the calls tests/unit/test_iommufd_ioas.c makes, issued
 * against a real Linux 7.3 with IOMMUFD (the oracle's iommufd kernel), one
 * "name = result [out values]" line each, results as -errno. User memory is
 * mapped at 1 << 40 so the allocator sees the same user address as the
 * unit test. Build and run with oracle/iommufd/run_probe.sh (it needs the
 * 7.3 tree's <linux/iommufd.h>, which Debian 12's headers lack, so this is
 * not one of oracle/probe's always-built probes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/iommufd.h>
static int fd;
static long R(unsigned long c, void *a) { long r = ioctl(fd, c, a); return r < 0 ? -errno : r; }
#define P(name, expr) printf("%s = %ld\n", name, (long)(expr))
static uint64_t UVA;
static long map(uint32_t ioas, uint32_t flags, uint64_t uva, uint64_t len, uint64_t *iova)
{ struct iommu_ioas_map m = { .size = sizeof(m), .flags = flags, .ioas_id = ioas, .user_va = uva, .length = len, .iova = *iova };
  long r = R(IOMMU_IOAS_MAP, &m); *iova = m.iova; return r; }
#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
static void mapp(const char *n, uint32_t ioas, uint32_t flags, uint64_t off, uint64_t len, uint64_t iova)
{ long r = map(ioas, flags, UVA + off, len, &iova); printf("%s = %ld iova %#llx\n", n, r, (unsigned long long)iova); }
static long unmap(uint32_t ioas, uint64_t iova, uint64_t *len)
{ struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = *len };
  long r = R(IOMMU_IOAS_UNMAP, &u); *len = u.length; return r; }
static void unm(const char *n, uint32_t ioas, uint64_t iova, uint64_t len)
{ long r = unmap(ioas, iova, &len); printf("%s = %ld len %#llx\n", n, r, (unsigned long long)len); }
static uint32_t alloc(void) { struct iommu_ioas_alloc a = { .size = sizeof(a) }; long r = R(IOMMU_IOAS_ALLOC, &a); printf("alloc = %ld id %u\n", r, a.out_ioas_id); return a.out_ioas_id; }
static void copy(const char *n, uint32_t flags, uint32_t dst, uint32_t src, uint64_t siova, uint64_t len, uint64_t d)
{ struct iommu_ioas_copy k = { .size = sizeof(k), .flags = flags, .dst_ioas_id = dst, .src_ioas_id = src, .length = len, .dst_iova = d, .src_iova = siova };
  long r = R(IOMMU_IOAS_COPY, &k); printf("%s = %ld dst %#llx\n", n, r, (unsigned long long)k.dst_iova); }
static void opt(const char *n, uint32_t id, uint16_t op, uint32_t obj, uint64_t v)
{ struct iommu_option o = { .size = sizeof(o), .option_id = id, .op = op, .object_id = obj, .val64 = v };
  long r = R(IOMMU_OPTION, &o); printf("%s = %ld val %llu\n", n, r, (unsigned long long)o.val64); }
static void ranges(const char *n, uint32_t ioas, uint32_t num)
{ struct iommu_iova_range rr[4]; memset(rr, 0, sizeof(rr));
  struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = ioas, .num_iovas = num, .allowed_iovas = (uintptr_t)rr };
  long r = R(IOMMU_IOAS_IOVA_RANGES, &q); printf("%s = %ld num %u align %llu [%#llx %#llx]\n", n, r, q.num_iovas, (unsigned long long)q.out_iova_alignment, (unsigned long long)rr[0].start, (unsigned long long)rr[0].last); }
int main(void)
{
	void *p = mmap((void *)0x10000000000ULL, 0x1000000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	UVA = (uint64_t)(uintptr_t)p;
	printf("uva %#llx\n", (unsigned long long)UVA);
	fd = open("/dev/iommu", O_RDWR);
	printf("open = %d\n", fd < 0 ? -errno : 3);
	uint32_t a = alloc(), b = alloc(), c = alloc();
	struct iommu_destroy d = { .size = sizeof(d), .id = b };
	P("destroy2", R(IOMMU_DESTROY, &d)); P("destroy2again", R(IOMMU_DESTROY, &d));
	d.id = 0; P("destroy0", R(IOMMU_DESTROY, &d));
	alloc(); alloc(); (void)c;
	P("nr7f", R(_IO(IOMMUFD_TYPE, 0x7f), &d)); P("nr96", R(_IO(IOMMUFD_TYPE, 0x96), &d));
	P("typex", R(_IO('x', 0x80), &d)); P("IOW", R(_IOW(IOMMUFD_TYPE, 0x80, __u32), &d));
	P("null", R(IOMMU_DESTROY, NULL));
	uint64_t buf[8] = { 0 }; buf[0] = 7; P("short_destroy", R(IOMMU_DESTROY, buf));
	buf[0] = 23; P("short_unmap", R(IOMMU_IOAS_UNMAP, buf));
	struct { struct iommu_destroy d; uint32_t x; } db = { { sizeof(db), a }, 7 }; P("destroy_big", R(IOMMU_DESTROY, &db));
	struct { struct iommu_ioas_alloc a; uint32_t t[3]; } ab = { { sizeof(ab), 0, 0 }, { 0 } };
	P("alloc_big", R(IOMMU_IOAS_ALLOC, &ab)); printf("alloc_big id %u tail %u\n", ab.a.out_ioas_id, ab.t[0]);
	struct iommu_ioas_alloc af = { .size = sizeof(af), .flags = 1 }; P("alloc_flags", R(IOMMU_IOAS_ALLOC, &af));
	ranges("ranges", a, 2); ranges("ranges0", a, 0);
	mapp("m1", a, RW, 0, 0x1000, 0); mapp("m2", a, RW, 0, 0x2000, 0); mapp("m3", a, RW, 0, 0x1000, 0);
	mapp("m4", a, RW, 0, 0x3000, 0); mapp("m5", a, RW, 0, 0x10000, 0); mapp("m6", a, RW, 0, 0x800000, 0);
	mapp("m7", a, RW, 0, 0x1000, 0); mapp("m8", a, RW, 0x1000, 0x10000, 0); mapp("m9", a, RW, 0x10, 0x100, 0);
	mapp("m10", a, RW, 0x10, 0x100, 0);
	mapp("fix123_1000", a, RW | 1, 0, 0x1000, 0x123); mapp("fix123_100", a, RW | 1, 0, 0x100, 0x123);
	mapp("fix0_1", a, IOMMU_IOAS_MAP_READABLE | 1, 0, 1, 0);
	mapp("badflag", a, RW | 8, 0, 0x1000, 0); mapp("iovamax", a, RW | 1, 0, 0x1000, UINT64_MAX);
	mapp("lenmax", a, RW, 0, UINT64_MAX, 0); mapp("norw", a, 1, 0, 0x1000, 0);
	mapp("noioas", 99, RW, 0, 0x1000, 0); mapp("len0", a, RW, 0, 0, 0);
	{ uint64_t i = 0; long r = map(a, RW, UINT64_MAX - 0xfff, 0x2000, &i); P("uvawrap", r); }
	{ uint64_t i = 0; long r = map(a, RW, 0x1000, UINT64_MAX / 2, &i); P("lenhalf", r); }
	mapp("fixwrap", a, RW | 1, 0, 0x2000, UINT64_MAX - 0xfff);
	/* allow iovas on a fresh ioas */
	uint32_t e = alloc();
	struct iommu_iova_range rr[2] = { { 0x200000, 0x2fffff }, { 0x100000, 0x100fff } };
	struct iommu_ioas_allow_iovas al = { .size = sizeof(al), .ioas_id = e, .num_iovas = 2, .allowed_iovas = (uintptr_t)rr };
	P("allow", R(IOMMU_IOAS_ALLOW_IOVAS, &al));
	mapp("a1", e, RW, 0, 0x1000, 0); mapp("a2", e, RW, 0, 0x1000, 0); mapp("a3", e, RW, 0, 0x200000, 0);
	mapp("afix", e, RW | 1, 0, 0x1000, 0x400000); ranges("aranges", e, 2);
	struct iommu_iova_range bad[2] = { { 0x1000, 0x1000 }, { 0, 0 } };
	al.allowed_iovas = (uintptr_t)bad; al.num_iovas = 1; P("allow_empty", R(IOMMU_IOAS_ALLOW_IOVAS, &al));
	bad[0] = (struct iommu_iova_range){ 0x10000, 0x1ffff }; bad[1] = (struct iommu_iova_range){ 0x1f000, 0x2ffff };
	al.num_iovas = 2; P("allow_overlap", R(IOMMU_IOAS_ALLOW_IOVAS, &al));
	al.__reserved = 1; P("allow_res", R(IOMMU_IOAS_ALLOW_IOVAS, &al)); al.__reserved = 0;
	mapp("a4", e, RW, 0, 0x2000, 0);
	al.num_iovas = 0; P("allow_none", R(IOMMU_IOAS_ALLOW_IOVAS, &al)); mapp("a5", e, RW, 0, 0x1000, 0);
	/* unmap */
	uint32_t u = alloc();
	mapp("u1", u, RW, 0, 0x4000, 0); mapp("u2", u, RW, 0, 0x4000, 0);
	unm("split1", u, 0x4000, 0x1000); unm("split2", u, 0x2000, 0x4000); unm("nothing", u, 0x100000, 0x1000);
	unm("len0", u, 0x4000, 0); unm("len0at0", u, 0, 0); unm("lenmax", u, 0x4000, UINT64_MAX);
	unm("wrap", u, UINT64_MAX - 0xfff, 0x2000); unm("both", u, 0, 0x10000);
	mapp("u3", u, RW, 0, 0x4000, 0); mapp("u4", u, RW, 0, 0x4000, 0);
	unm("partial", u, 0x4000, 0x6000); unm("after_partial_8000", u, 0x8000, 0x4000);
	{
		/* a range over a whole area and part of the next: the first goes before the ENOENT */
		uint32_t v = alloc();
		mapp("p1", v, RW | 1, 0, 0x1000, 0x1000); mapp("p2", v, RW | 1, 0, 0x2000, 0x2000);
		unm("p_partial", v, 0x1000, 0x2000); unm("p_first_again", v, 0x1000, 0x1000);
		unm("p_second", v, 0x2000, 0x2000);
	}
	mapp("u5", u, RW, 0, 0x1000, 0); mapp("u6", u, RW, 0, 0x4000, 0);
	unm("all", u, 0, UINT64_MAX); unm("all_again", u, 0, UINT64_MAX);
	/* copy */
	uint32_t s = alloc(), t = alloc();
	mapp("s1", s, RW | 1, 0, 0x4000, 0x10000); mapp("s2", s, RW | 1, 0x100000, 0x4000, 0x14000);
	copy("c1", RW, t, s, 0x12000, 0x4000, 0); copy("c2", RW | 1, s, s, 0x10000, 0x1000, 0x40000);
	uint32_t s2 = alloc(), t2 = alloc();
	mapp("r1", s2, IOMMU_IOAS_MAP_READABLE | 1, 0, 0x4000, 0x10000); mapp("r2", t2, RW, 0, 0x1000, 0);
	copy("cbadflag", RW | 16, t2, s2, 0x10000, 0x1000, 0); copy("clenmax", RW, t2, s2, 0x10000, UINT64_MAX, 0);
	copy("csrcmax", RW, t2, s2, UINT64_MAX, 0x1000, 0); copy("cdstmax", RW, t2, s2, 0x10000, 0x1000, UINT64_MAX);
	copy("cnorw", 1, t2, s2, 0x10000, 0x1000, 0); copy("cnosrc", RW, t2, 99, 0x10000, 0x1000, 0);
	copy("cnodst", RW, 99, s2, 0x10000, 0x1000, 0); copy("chole", RW, t2, s2, 0xf000, 0x2000, 0);
	copy("cpast", RW, t2, s2, 0x13000, 0x2000, 0); copy("clen0", RW, t2, s2, 0x10000, 0, 0);
	copy("cperm", RW, t2, s2, 0x10000, 0x1000, 0); copy("cexist", IOMMU_IOAS_MAP_READABLE | 1, t2, s2, 0x10000, 0x1000, 0x1000);
	/* options */
	opt("rl_get", 0, 1, 0, 7); opt("rl_set1_busy", 0, 0, 0, 1); opt("rl_obj", 0, 1, a, 0); opt("rl_op2", 0, 2, 0, 0);
	opt("opt2", 2, 1, 0, 0);
	{ struct iommu_option o = { .size = sizeof(o), .option_id = 0, .op = 1, .__reserved = 1, .val64 = 5 }; P("opt_res", R(IOMMU_OPTION, &o)); }
	uint32_t h = alloc();
	opt("hp_get", 1, 1, h, 0); opt("hp_off", 1, 0, h, 0); opt("hp_get2", 1, 1, h, 9); ranges("hp_ranges", h, 1);
	mapp("hp_m1", h, RW | 1, 0, 0x1000, 0x1800); mapp("hp_m2", h, RW | 1, 0, 0x800, 0x2000);
	mapp("hp_m3", h, RW | 1, 0x800, 0x1000, 0x2000); mapp("hp_m4", h, RW, 0x800, 0x1000, 0); mapp("hp_m5", h, RW, 0, 0x1000, 0);
	opt("hp_on", 1, 0, h, 1); ranges("hp_ranges2", h, 1); mapp("hp_m6", h, RW | 1, 0, 0x1000, 0x10010);
	opt("hp_off_busy", 1, 0, h, 0); opt("hp_2", 1, 0, h, 2); opt("hp_op3", 1, 3, h, 2); opt("hp_obj0", 1, 1, 0, 0);
	opt("hp_get3", 1, 1, h, 0);
	/* a fresh fd for rlimit set */
	fd = open("/dev/iommu", O_RDWR);
	opt("rl2_set2", 0, 0, 0, 2); opt("rl2_set1", 0, 0, 0, 1); opt("rl2_get", 0, 1, 0, 0);
	P("vfio_api", R(_IO(';', 100), NULL)); P("vfio_ext_type1", R(_IO(';', 101), (void *)1));
	P("hwpt_alloc_null", R(_IO(';', 0x89), NULL));
	return 0;
}
