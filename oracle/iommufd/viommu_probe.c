/*
 * iommufd vIOMMU probe: the HWPT, vIOMMU, vDEVICE, HWPT_INVALIDATE and
 * GET_HW_INFO calls of tests/unit/test_iommufd_hwpt.c, test_iommufd_viommu.c
 * and test_smmu_iommufd.c, one "name = result [out values]" line each,
 * results as -errno. On the oracle it runs on the iommufd-canwbs kernel (the
 * vIOMMU needs CANWBS on QEMU 10.0) with 0000:01:00.0 bound to vfio-pci
 * (oracle/iommufd/run_viommu_probe.sh); tests/unit/test_iommufd_viommu_probe.c
 * runs the same body on the model (IOMMUFD_PROBE_MODEL: its file calls) and
 * compares the lines with what the oracle printed (viommu_probe.expected).
 */
#ifndef IOMMUFD_PROBE_MODEL
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
static FILE *OUT;
static long R(int fd, unsigned long c, void *a) { long r = ioctl(fd, c, a); return r < 0 ? -errno : r; }
static int OPEN(const char *path) { int fd = open(path, O_RDWR); return fd < 0 ? -errno : fd; }
#endif

static int ifd;
static uint32_t dev_id;

#define P(name, expr) fprintf(OUT, "%s = %ld\n", name, (long)(expr))

static long hwpt(uint32_t size, uint32_t flags, uint32_t dev, uint32_t pt, uint32_t rsv, uint32_t type, uint32_t len,
		 const void *data, uint32_t fault, uint32_t *out)
{
	uint64_t b[8] = { 0 };
	struct iommu_hwpt_alloc *a = (void *)b;
	a->size = size; a->flags = flags; a->dev_id = dev; a->pt_id = pt; a->__reserved = rsv;
	a->data_type = type; a->data_len = len; a->data_uptr = (uintptr_t)data; a->fault_id = fault;
	if (size > sizeof(*a))
		((unsigned char *)b)[sizeof(*a)] = 1;
	long r = R(ifd, IOMMU_HWPT_ALLOC, b);
	if (out)
		*out = a->out_hwpt_id;
	return r;
}
static void H(const char *n, long r, uint32_t id) { if (r) P(n, r); else fprintf(OUT, "%s = 0 id %u\n", n, id); }
static long destroy(uint32_t id) { struct iommu_destroy d = { .size = sizeof(d), .id = id }; return R(ifd, IOMMU_DESTROY, &d); }
static long viommu(uint32_t size, uint32_t flags, uint32_t type, uint32_t dev, uint32_t hwpt_id, uint32_t *out)
{
	struct iommu_viommu_alloc a = { .size = size, .flags = flags, .type = type, .dev_id = dev, .hwpt_id = hwpt_id };
	long r = R(ifd, IOMMU_VIOMMU_ALLOC, &a);
	if (out) *out = a.out_viommu_id;
	return r;
}
static long vdevice(uint32_t size, uint32_t vi, uint32_t dev, uint64_t vid, uint32_t *out)
{
	struct iommu_vdevice_alloc a = { .size = size, .viommu_id = vi, .dev_id = dev, .virt_id = vid };
	long r = R(ifd, IOMMU_VDEVICE_ALLOC, &a);
	if (out) *out = a.out_vdevice_id;
	return r;
}
static void inv(const char *n, uint32_t size, uint32_t id, const void *data, uint32_t type, uint32_t elen, uint32_t num,
		uint32_t rsv)
{
	struct iommu_hwpt_invalidate i = { .size = size, .hwpt_id = id, .data_uptr = (uintptr_t)data, .data_type = type,
					   .entry_len = elen, .entry_num = num, .__reserved = rsv };
	long r = R(ifd, IOMMU_HWPT_INVALIDATE, &i);
	fprintf(OUT, "%s = %ld entries %u\n", n, r, i.entry_num);
}
static void info(const char *n, uint32_t size, uint32_t flags, uint32_t dev, uint32_t len, void *data, uint32_t in_type,
		 uint8_t rsv1)
{
	struct iommu_hw_info h = { .size = size, .flags = flags, .dev_id = dev, .data_len = len,
				   .data_uptr = (uintptr_t)data, .in_data_type = in_type };
	h.__reserved[1] = rsv1;
	long r = R(ifd, IOMMU_GET_HW_INFO, &h);
	fprintf(OUT, "%s = %ld type %u len %u caps %#llx pasid %u\n", n, r, h.out_data_type, h.data_len,
		(unsigned long long)h.out_capabilities, h.out_max_pasid_log2);
}

#define ARM 2 /* IOMMU_HWPT_DATA_ARM_SMMUV3 */
#define CMD(op) ((uint64_t)(op))
#define SID(x) ((uint64_t)(x) << 32)
#define ASID(x) ((uint64_t)(x) << 48)

static int probe_main(void)
{
	int dfd = OPEN("/dev/vfio/devices/vfio0");
	ifd = OPEN("/dev/iommu");
	P("open", dfd >= 0 && ifd >= 0 ? 0 : -1);
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = ifd };
	P("bind", R(dfd, VFIO_DEVICE_BIND_IOMMUFD, &b));
	dev_id = b.out_devid;
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	P("ioas", R(ifd, IOMMU_IOAS_ALLOC, &ia));
	uint32_t ioas = ia.out_ioas_id, id = 0;
	uint64_t ste[3] = { 0, 0, 0 };
	const uint32_t SZ = sizeof(struct iommu_hwpt_alloc);

	/* HWPT_ALLOC's checks */
	P("hwpt.size_short", hwpt(23, 0, dev_id, ioas, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.size_tail", hwpt(SZ + 8, 0, dev_id, ioas, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.reserved", hwpt(SZ, 0, dev_id, ioas, 1, 0, 0, NULL, 0, NULL));
	P("hwpt.none_with_len", hwpt(SZ, 0, dev_id, ioas, 0, 0, 16, ste, 0, NULL));
	P("hwpt.type_without_len", hwpt(SZ, 0, dev_id, ioas, 0, ARM, 0, ste, 0, NULL));
	P("hwpt.dev_missing", hwpt(SZ, 0, 99, ioas, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.dev_is_ioas", hwpt(SZ, 0, ioas, ioas, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.pt_missing", hwpt(SZ, 0, dev_id, 99, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.pt_is_dev", hwpt(SZ, 0, dev_id, dev_id, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.flag_unknown", hwpt(SZ, 1 << 4, dev_id, ioas, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.dirty", hwpt(SZ, 2, dev_id, ioas, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.nest_fault", hwpt(SZ, 1 | 4, dev_id, ioas, 0, 0, 0, NULL, 0, NULL));
	P("hwpt.fault_id", hwpt(SZ, 4, dev_id, ioas, 0, 0, 0, NULL, ioas, NULL));
	P("hwpt.ioas_with_data", hwpt(SZ, 0, dev_id, ioas, 0, ARM, 16, ste, 0, NULL));
	long r = hwpt(SZ, 0, dev_id, ioas, 0, 0, 0, NULL, 0, &id);
	H("hwpt.paging", r, id);
	uint32_t paging = id;
	r = hwpt(SZ, 8, dev_id, ioas, 0, 0, 0, NULL, 0, &id);
	H("hwpt.pasid", r, id);
	P("hwpt.destroy_pasid", destroy(id));
	r = hwpt(SZ, 1, dev_id, ioas, 0, 0, 0, NULL, 0, &id);
	H("hwpt.nest_parent", r, id);
	uint32_t parent = id;
	P("hwpt.destroy_ioas_busy", destroy(ioas));
	P("hwpt.nested_on_parent", hwpt(SZ, 0, dev_id, parent, 0, ARM, 16, (uint64_t[2]){ 1, 0 }, 0, NULL));

	/* VIOMMU_ALLOC's checks */
	const uint32_t VS = sizeof(struct iommu_viommu_alloc);
	P("viommu.size_short", viommu(20, 0, 1, dev_id, parent, NULL));
	P("viommu.flags", viommu(VS, 1, 1, dev_id, parent, NULL));
	P("viommu.type_default", viommu(VS, 0, 0, dev_id, parent, NULL));
	P("viommu.dev_missing", viommu(VS, 0, 1, 99, parent, NULL));
	P("viommu.dev_is_hwpt", viommu(VS, 0, 1, parent, parent, NULL));
	P("viommu.type_tegra", viommu(VS, 0, 2, dev_id, 99, NULL));
	P("viommu.hwpt_missing", viommu(VS, 0, 1, dev_id, 99, NULL));
	P("viommu.hwpt_is_ioas", viommu(VS, 0, 1, dev_id, ioas, NULL));
	P("viommu.not_nest_parent", viommu(VS, 0, 1, dev_id, paging, NULL));
	uint32_t vi = 0;
	r = viommu(VS, 0, 1, dev_id, parent, &vi);
	H("viommu.ok", r, vi);
	P("viommu.parent_busy", destroy(parent));

	/* nested HWPTs on the vIOMMU */
	uint64_t d3[3] = { 1, 0, 0 };
	P("nested.no_data", hwpt(SZ, 0, dev_id, vi, 0, 0, 0, NULL, 0, NULL));
	P("nested.type_vtd", hwpt(SZ, 0, dev_id, vi, 0, 1, 16, d3, 0, NULL));
	P("nested.len8", hwpt(SZ, 0, dev_id, vi, 0, ARM, 8, d3, 0, NULL));
	P("nested.len24", hwpt(SZ, 0, dev_id, vi, 0, ARM, 24, d3, 0, NULL));
	P("nested.null", hwpt(SZ, 0, dev_id, vi, 0, ARM, 16, NULL, 0, NULL));
	P("nested.nest_parent_flag", hwpt(SZ, 1, dev_id, vi, 0, ARM, 16, d3, 0, NULL));
	P("nested.pasid_flag", hwpt(SZ, 8, dev_id, vi, 0, ARM, 16, d3, 0, NULL));
	P("nested.fault_id", hwpt(SZ, 4, dev_id, vi, 0, ARM, 16, d3, 0, NULL));
	static const uint64_t vstes[][2] = {
		{ 0x4 | 0xe, ~0ULL },		/* V=0: an abort whatever else */
		{ 0x1 | (5 << 1), 1ULL << 28 },	/* S1, EATS translate */
		{ 0x1 | (5 << 1), 2ULL << 28 },	/* S1, EATS S1CHK */
		{ 0x1 | (0 << 1) | (1ULL << 52), 0 }, /* a reserved bit of word 0 */
		{ 0x1 | (4 << 1), 1ULL << 44 },	/* bypass with SHCFG */
		{ 0x1 | (5 << 1) | 0x40000000, 1 }, /* S1 with S1DSS bypass */
	};
	for (unsigned i = 0; i < sizeof(vstes) / sizeof(vstes[0]); i++) {
		char n[32];
		snprintf(n, sizeof(n), "nested.vste%u", i);
		r = hwpt(SZ, 0, dev_id, vi, 0, ARM, 16, vstes[i], 0, &id);
		H(n, r, id);
		if (!r)
			destroy(id);
	}
	uint64_t bypass[2] = { 0x1 | (4 << 1), 0 };
	uint32_t nested = 0;
	r = hwpt(SZ, 0, dev_id, vi, 0, ARM, 16, bypass, 0, &nested);
	H("nested.bypass", r, nested);

	/* VDEVICE_ALLOC */
	const uint32_t DS = sizeof(struct iommu_vdevice_alloc);
	P("vdev.size_short", vdevice(20, vi, dev_id, 0x10, NULL));
	P("vdev.viommu_missing", vdevice(DS, 99, dev_id, 0x10, NULL));
	P("vdev.viommu_is_hwpt", vdevice(DS, parent, dev_id, 0x10, NULL));
	P("vdev.dev_missing", vdevice(DS, vi, 99, 0x10, NULL));
	P("vdev.dev_is_viommu", vdevice(DS, vi, vi, 0x10, NULL));
	uint32_t vd = 0;
	r = vdevice(DS, vi, dev_id, 0x10, &vd);
	H("vdev.ok", r, vd);
	P("vdev.second", vdevice(DS, vi, dev_id, 0x11, NULL));
	P("vdev.viommu_busy", destroy(vi));

	/* HWPT_INVALIDATE */
	const uint32_t IS = sizeof(struct iommu_hwpt_invalidate);
	uint64_t c1[2] = { CMD(0x11), 0 };
	inv("inv.size_short", 24, vi, c1, 1, 16, 1, 0);
	inv("inv.reserved", IS, vi, c1, 1, 16, 1, 1);
	inv("inv.null", IS, vi, NULL, 1, 16, 1, 0);
	inv("inv.len0", IS, vi, c1, 1, 0, 1, 0);
	inv("inv.len4097", IS, vi, c1, 1, 4097, 1, 0);
	inv("inv.too_many", IS, vi, c1, 1, 16, (1u << 19) + 1, 0);
	inv("inv.none", IS, vi, c1, 1, 16, 0, 0);
	inv("inv.id_missing", IS, 99, c1, 1, 16, 1, 0);
	inv("inv.ioas", IS, ioas, c1, 1, 16, 1, 0);
	inv("inv.parent", IS, parent, c1, 1, 16, 1, 0);
	inv("inv.nested", IS, nested, c1, 1, 16, 1, 0);
	inv("inv.type_vtd", IS, vi, c1, 0, 16, 1, 0);
	inv("inv.ok", IS, vi, c1, 1, 16, 1, 0);
	uint64_t wide[4] = { CMD(0x11), 0, 0, 0 };
	inv("inv.len32", IS, vi, wide, 1, 32, 1, 0);
	wide[3] = 1;
	inv("inv.len32_tail", IS, vi, wide, 1, 32, 1, 0);
	uint64_t narrow = CMD(0x10);
	inv("inv.len8", IS, vi, &narrow, 1, 8, 1, 0);
	static uint64_t many[400];
	for (int i = 0; i < 200; i++) {
		many[2 * i] = CMD(0x11) | ASID(i);
		many[2 * i + 1] = 0;
	}
	inv("inv.200", IS, vi, many, 1, 16, 200, 0);
	many[200] = CMD(0x04);
	inv("inv.200_bad_at_100", IS, vi, many, 1, 16, 200, 0);
	static const uint64_t bad[][2] = {
		{ 0x03 | SID(0x10), 0 },		/* CFGI_STE */
		{ 0x04, 31 },				/* CFGI_ALL */
		{ 0x2a, 0 },				/* TLBI_S2_IPA */
		{ 0x46, 0 },				/* CMD_SYNC */
		{ 0x40 | SID(0x10), 0 },		/* ATC_INV */
		{ 0x05 | SID(0x11), 0 },		/* CFGI_CD, unknown vSID */
		{ 0x05 | SID(0x10) | (1ULL << 12), 0 },	/* CFGI_CD with an SSID */
		{ 0x06 | SID(0x10), 1 },		/* CFGI_CD_ALL with a leaf bit */
		{ 0x10 | ASID(1), 0 },			/* TLBI_NH_ALL with an ASID */
		{ 0x12 | (1ULL << 12), 0x1000 },	/* TLBI_NH_VA NUM without TG */
		{ 0x12, 0x1000 | (1ULL << 10) },	/* TG without TTL or range */
		{ 0x12 | (1ULL << 25) | (1ULL << 12), 1ULL << 10 }, /* SCALE bit 25 */
		{ 0x12, 1ULL << 4 },			/* a RES0 bit of word 1 */
		{ 0x30 | (1ULL << 32), 0 },		/* TLBI_NSNH_ALL with a VMID */
		{ 0x11 | (1ULL << 8), 0 },		/* a RES0 bit of word 0 */
		{ 0x13 | ASID(1), 0 },			/* NH_VAA with an ASID */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t b3[6] = { CMD(0x11), 0, CMD(0x11), 0, bad[i][0], bad[i][1] };
		char n[32];
		snprintf(n, sizeof(n), "inv.bad%u", i);
		inv(n, IS, vi, b3, 1, 16, 3, 0);
	}
	static const uint64_t good[][2] = {
		{ 0x05 | SID(0x10), 1 },		/* CFGI_CD leaf */
		{ 0x06 | SID(0x10), 0 },		/* CFGI_CD_ALL */
		{ 0x12 | ASID(5), 0x123000 | (1ULL << 10) | (3ULL << 8) | 1 }, /* NH_VA TG 4K TTL 3 */
		{ 0x13 | (0xffffULL << 32), 0x5000 | (1ULL << 10) | (3ULL << 8) }, /* NH_VAA with a VMID */
		{ 0x30, 0 },				/* NSNH_ALL */
	};
	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char n[32];
		snprintf(n, sizeof(n), "inv.good%u", i);
		inv(n, IS, vi, good[i], 1, 16, 1, 0);
	}

	/* GET_HW_INFO */
	const uint32_t HS = sizeof(struct iommu_hw_info);
	uint32_t data[10];
	info("info.size_short", 26, 0, dev_id, 40, data, 0, 0);
	info("info.flags", HS, 2, dev_id, 40, data, 0, 0);
	info("info.reserved", HS, 0, dev_id, 40, data, 0, 1);
	info("info.dev_is_ioas", HS, 0, ioas, 40, data, 0, 0);
	info("info.input_vtd", HS, 1, dev_id, 40, data, 1, 0);
	info("info.input_smmuv3", HS, 1, dev_id, 40, data, 2, 0);
	info("info.random_type", HS, 0, dev_id, 40, data, 77, 0);
	uint32_t small[3] = { 0xffffffff, 0xffffffff, 0xffffffff };
	info("info.len8", HS, 0, dev_id, 8, small, 0, 0);
	fprintf(OUT, "info.len8.words = %#x %#x %#x\n", small[0], small[1], small[2]);
	uint32_t big[14];
	memset(big, 0xff, sizeof(big));
	info("info.len56", HS, 0, dev_id, 56, big, 0, 0);
	fprintf(OUT, "info.len56.tail = %#x %#x\n", big[10], big[13]);
	info("info.no_buffer", HS, 0, dev_id, 0, NULL, 0, 0);
	info("info.len_no_buffer", HS, 0, dev_id, 40, NULL, 0, 0);

	/* DESTROY in use, in order */
	P("destroy.viommu_busy", destroy(vi));
	P("destroy.vdev", destroy(vd));
	P("destroy.vdev_again", destroy(vd));
	P("destroy.nested", destroy(nested));
	P("destroy.viommu", destroy(vi));
	P("destroy.parent", destroy(parent));
	P("destroy.paging", destroy(paging));
	P("destroy.ioas", destroy(ioas));
	return 0;
}

#ifndef IOMMUFD_PROBE_MODEL
int main(void)
{
	OUT = stdout;
	return probe_main();
}
#endif
