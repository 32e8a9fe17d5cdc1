/*
 * The iommufd ioctls of 7.3 with nothing (or little) to work on in the
 * model: VFIO_IOAS, the dirty-tracking pair, FAULT_QUEUE_ALLOC and its fd,
 * IOAS_MAP_FILE, IOAS_CHANGE_PROCESS, HW_QUEUE_ALLOC, IOAS_NOIOMMU_GET_PA.
 * Each argument check with 7.3's errno, sizes below the minimum (EINVAL)
 * and non-zero tails (E2BIG), every refusal leaving the object table as it
 * was.
 */
#include <linux/vfio.h>
#include "iommufd_util.h"
#include "uapi/iommufd_eventq.h"

/* size rules of one command: a struct one byte short of min, and one with a non-zero tail */
static void size_rules(struct ifd *c, unsigned long cmd, size_t size, size_t min)
{
	unsigned char buf[256];
	memset(buf, 0, sizeof(buf));
	u32 sz = (u32)(min - 1);
	memcpy(buf, &sz, 4);
	cr_expect_eq(ifd_io(c, cmd, buf), -EINVAL, "%#lx: %u bytes", cmd, sz);
	sz = (u32)size + 8;
	memcpy(buf, &sz, 4);
	buf[size + 3] = 1;
	cr_expect_eq(ifd_io(c, cmd, buf), -E2BIG, "%#lx: tail", cmd);
}

#define OFFSETOFEND(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))

Test(iommufd_rest, every_command_has_its_size_rules)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	size_t objs = iommufd_object_count(c.ictx);
	size_rules(&c, IOMMU_VFIO_IOAS, sizeof(struct iommu_vfio_ioas), OFFSETOFEND(struct iommu_vfio_ioas, __reserved));
	size_rules(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, sizeof(struct iommu_hwpt_set_dirty_tracking),
		   OFFSETOFEND(struct iommu_hwpt_set_dirty_tracking, __reserved));
	size_rules(&c, IOMMU_HWPT_GET_DIRTY_BITMAP, sizeof(struct iommu_hwpt_get_dirty_bitmap),
		   OFFSETOFEND(struct iommu_hwpt_get_dirty_bitmap, data));
	size_rules(&c, IOMMU_FAULT_QUEUE_ALLOC, sizeof(struct iommu_fault_alloc),
		   OFFSETOFEND(struct iommu_fault_alloc, out_fault_fd));
	size_rules(&c, IOMMU_IOAS_MAP_FILE, sizeof(struct iommu_ioas_map_file), OFFSETOFEND(struct iommu_ioas_map_file, iova));
	size_rules(&c, IOMMU_IOAS_CHANGE_PROCESS, sizeof(struct iommu_ioas_change_process),
		   OFFSETOFEND(struct iommu_ioas_change_process, __reserved));
	size_rules(&c, IOMMU_VEVENTQ_ALLOC, sizeof(struct iommu_veventq_alloc),
		   OFFSETOFEND(struct iommu_veventq_alloc, out_veventq_fd));
	size_rules(&c, IOMMU_HW_QUEUE_ALLOC, sizeof(struct iommu_hw_queue_alloc),
		   OFFSETOFEND(struct iommu_hw_queue_alloc, length));
	size_rules(&c, IOMMU_IOAS_NOIOMMU_GET_PA, sizeof(struct iommu_ioas_noiommu_get_pa),
		   OFFSETOFEND(struct iommu_ioas_noiommu_get_pa, out_phys));
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	ifd_close(&c);
}

static long vfio_ioas(struct ifd *c, u16 op, u32 id, u32 *out)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v), .ioas_id = id, .op = op };
	long ret = ifd_io(c, IOMMU_VFIO_IOAS, &v);
	if (out)
		*out = v.ioas_id;
	return ret;
}

Test(iommufd_rest, vfio_ioas_get_set_clear)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 out = 77;
	/* none yet: ENODEV, the struct untouched */
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_GET, 0, &out), -ENODEV);
	cr_expect_eq(out, 0);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_SET, 99, NULL), -ENOENT);
	/* a device is no IOAS */
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_SET, c.dev_id, NULL), -ENOENT);
	cr_expect_eq(vfio_ioas(&c, 3, 0, NULL), -EOPNOTSUPP);
	struct iommu_vfio_ioas r = { .size = sizeof(r), .op = IOMMU_VFIO_IOAS_CLEAR, .__reserved = 1 };
	cr_expect_eq(ifd_io(&c, IOMMU_VFIO_IOAS, &r), -EOPNOTSUPP);
	cr_expect_null(c.ictx->vfio_ioas);

	u32 a = ifd_ioas(&c), b = ifd_ioas(&c);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_SET, a, NULL), 0);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_GET, 0, &out), 0);
	cr_expect_eq(out, a);
	/* it holds no user: the IOAS can be destroyed, and the compat IOAS goes with it */
	cr_expect_eq(c.ictx->objects[a]->users, 0);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_SET, b, NULL), 0);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_GET, 0, &out), 0);
	cr_expect_eq(out, b);
	cr_expect_eq(ifd_destroy(&c, b), 0);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_GET, 0, &out), -ENODEV);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_SET, a, NULL), 0);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_CLEAR, 0, NULL), 0);
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_GET, 0, &out), -ENODEV);
	/* CLEAR twice is fine */
	cr_expect_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_CLEAR, 0, NULL), 0);
	ifd_close(&c);
}

/* VFIO_CHECK_EXTENSION(VFIO_DMA_CC_IOMMU) on the iommufd: the compat IOAS's paging HWPTs' coherency */
Test(iommufd_rest, vfio_dma_cc_iommu_follows_the_compat_ioas)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	cr_expect_eq(ifd_io(&c, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_DMA_CC_IOMMU), -ENODEV);
	u32 ioas = ifd_ioas(&c), hwpt = 0;
	cr_assert_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_SET, ioas, NULL), 0);
	/* no HWPT on it yet: 1 */
	cr_expect_eq(ifd_io(&c, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_DMA_CC_IOMMU), 1);
	/* QEMU's root complex is not CANWBS: the HWPT does not enforce coherency */
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &hwpt), 0);
	cr_expect_eq(ifd_io(&c, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_DMA_CC_IOMMU), 0);
	ifd_close(&c);
	/* with iommusim's CANWBS option it does */
	c = ifd_open((struct ifd_opts){ .canwbs = true });
	ioas = ifd_ioas(&c);
	cr_assert_eq(vfio_ioas(&c, IOMMU_VFIO_IOAS_SET, ioas, NULL), 0);
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &hwpt), 0);
	cr_expect_eq(ifd_io(&c, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_DMA_CC_IOMMU), 1);
	ifd_close(&c);
}

Test(iommufd_rest, dirty_tracking_without_httu)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 ioas = ifd_ioas(&c), hwpt = 0;
	size_t objs = iommufd_object_count(c.ictx);
	/* QEMU's SMMUv3 has no HTTU: the flag at HWPT_ALLOC is EOPNOTSUPP, the capability absent */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0, NULL, 0, &hwpt),
		     -EOPNOTSUPP);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &hwpt), 0);
	objs = iommufd_object_count(c.ictx);

	struct iommu_hwpt_set_dirty_tracking s = { .size = sizeof(s), .hwpt_id = hwpt };
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &s), -EOPNOTSUPP);
	s.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &s), -EOPNOTSUPP);
	/* flags first, then the id: an IOAS or a missing id is ENOENT */
	s.flags = 2;
	s.hwpt_id = 999;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &s), -EOPNOTSUPP);
	s.flags = 0;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &s), -ENOENT);
	s.hwpt_id = ioas;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &s), -ENOENT);
	/* __reserved is not checked by SET */
	s.hwpt_id = hwpt;
	s.__reserved = 5;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_SET_DIRTY_TRACKING, &s), -EOPNOTSUPP);

	u64 bitmap[4] = { 0 };
	struct iommu_hwpt_get_dirty_bitmap g = { .size = sizeof(g), .hwpt_id = hwpt, .iova = 0x10000,
						 .length = 0x10000, .page_size = 0x1000,
						 .data = (u64)(uintptr_t)bitmap };
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_GET_DIRTY_BITMAP, &g), -EOPNOTSUPP);
	struct {
		const char *what;
		struct iommu_hwpt_get_dirty_bitmap cmd;
		long err;
	} bad[] = {
		{ "flags", g, -EOPNOTSUPP }, { "reserved", g, -EOPNOTSUPP }, { "id", g, -ENOENT },
		{ "length 0", g, -EINVAL }, { "overflow", g, -EOVERFLOW }, { "iova unaligned", g, -EINVAL },
		{ "page_size 0", g, -EINVAL }, { "iova off page_size", g, -EINVAL },
		{ "NO_CLEAR", g, -EOPNOTSUPP },
	};
	bad[0].cmd.flags = 2;
	bad[1].cmd.__reserved = 1;
	bad[2].cmd.hwpt_id = ioas;
	bad[3].cmd.length = 0;
	bad[4].cmd.iova = ~0ULL - 0xfff;
	bad[5].cmd.iova = 0x10800;
	bad[6].cmd.page_size = 0;
	bad[7].cmd.page_size = 0x20000;
	bad[8].cmd.flags = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(ifd_io(&c, IOMMU_HWPT_GET_DIRTY_BITMAP, &bad[i].cmd), bad[i].err, "%s", bad[i].what);
	cr_expect_eq(bitmap[0], 0);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	ifd_close(&c);
}

static long fault_alloc(struct ifd *c, u32 flags, u32 *id, int *fd)
{
	struct iommu_fault_alloc a = { .size = sizeof(a), .flags = flags };
	long ret = ifd_io(c, IOMMU_FAULT_QUEUE_ALLOC, &a);
	if (id)
		*id = a.out_fault_id;
	if (fd)
		*fd = (int)a.out_fault_fd;
	return ret;
}

Test(iommufd_rest, fault_queue_and_its_fd)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 ioas = ifd_ioas(&c), fault = 0, hwpt = 0;
	size_t objs = iommufd_object_count(c.ictx);
	int fd = -1;
	cr_expect_eq(fault_alloc(&c, 1, &fault, &fd), -EOPNOTSUPP);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_assert_eq(fault_alloc(&c, 0, &fault, &fd), 0);
	cr_expect_geq(fd, 3);
	cr_expect_eq(iommufd_object_count(c.ictx), objs + 1);
	cr_expect_eq(c.ictx->objects[fault]->type, IOMMUFD_OBJ_FAULT);

	/* the fd: whole records only (ESPIPE), nothing to read, no response matches a cookie */
	struct iommu_hwpt_pgfault pf[2];
	struct iommu_hwpt_page_response resp[2] = { { .cookie = 1, .code = IOMMUFD_PAGE_RESP_SUCCESS },
						    { .cookie = 2, .code = 7 } };
	cr_expect_eq(uapi_read(c.sim->k, fd, pf, sizeof(pf[0]) + 1), -ESPIPE);
	cr_expect_eq(uapi_read(c.sim->k, fd, pf, sizeof(pf)), 0);
	cr_expect_eq(uapi_write(c.sim->k, fd, resp, 5), -ESPIPE);
	cr_expect_eq(uapi_write(c.sim->k, fd, resp, sizeof(resp)), -EINVAL);
	cr_expect_eq(uapi_write(c.sim->k, fd, &resp[1], sizeof(resp[1])), -EINVAL);
	cr_expect_eq(uapi_write(c.sim->k, fd, resp, 0), 0);
	cr_expect_eq(uapi_pread(c.sim->k, fd, pf, sizeof(pf), 0), -ESPIPE);

	/* HWPT_ALLOC with FAULT_ID_VALID: a missing fault or another object is ENOENT; a nest parent EOPNOTSUPP */
	struct iommu_hwpt_alloc h = { .size = sizeof(h), .flags = IOMMU_HWPT_FAULT_ID_VALID, .dev_id = c.dev_id,
				      .pt_id = ioas, .fault_id = 999 };
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_ALLOC, &h), -ENOENT);
	h.fault_id = ioas;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_ALLOC, &h), -ENOENT);
	h.fault_id = fault;
	h.flags |= IOMMU_HWPT_ALLOC_NEST_PARENT;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	cr_expect_eq(iommufd_object_count(c.ictx), objs + 1);
	cr_expect_eq(c.ictx->objects[fault]->users, 1);	/* its fd */
	h.flags = IOMMU_HWPT_FAULT_ID_VALID;
	cr_assert_eq(ifd_io(&c, IOMMU_HWPT_ALLOC, &h), 0);
	hwpt = h.out_hwpt_id;
	cr_expect_eq(c.ictx->objects[fault]->users, 2);
	struct iommufd_hw_pagetable *hp = to_hwpt(c.ictx->objects[hwpt]);
	cr_expect_eq(&hp->fault->common.obj, c.ictx->objects[fault]);

	/* DESTROY: EBUSY while the HWPT and the fd hold it */
	cr_expect_eq(ifd_destroy(&c, fault), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, hwpt), 0);
	cr_expect_eq(ifd_destroy(&c, fault), -EBUSY);
	cr_assert_eq(iommusim_close(c.sim, fd), 0);
	cr_expect_eq(ifd_destroy(&c, fault), 0);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	/* a fault fd left open at the end goes with the process */
	cr_assert_eq(fault_alloc(&c, 0, &fault, &fd), 0);
	ifd_close(&c);
}

Test(iommufd_rest, map_file_pins_only_for_a_domain)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 ioas = ifd_ioas(&c);
	size_t objs = iommufd_object_count(c.ictx);
	struct iommu_ioas_map_file m = { .size = sizeof(m), .ioas_id = ioas,
					 .flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
						  IOMMU_IOAS_MAP_FIXED_IOVA,
					 .fd = c.fd, .start = 0, .length = 0x1000, .iova = 0x200000 };
	struct {
		const char *what;
		struct iommu_ioas_map_file cmd;
		long err;
	} bad[] = {
		{ "unknown flag", m, -EOPNOTSUPP }, { "iova ~0", m, -EOVERFLOW }, { "length ~0", m, -EOVERFLOW },
		{ "neither r nor w", m, -EINVAL }, { "no IOAS", m, -ENOENT }, { "length 0", m, -EINVAL },
		{ "start + length wraps", m, -EOVERFLOW }, { "fd not open", m, -EBADF }, { "fd -1", m, -EBADF },
	};
	bad[0].cmd.flags |= 8;
	bad[1].cmd.iova = ~0ULL;
	bad[2].cmd.length = ~0ULL;
	bad[3].cmd.flags = IOMMU_IOAS_MAP_FIXED_IOVA;
	bad[4].cmd.ioas_id = c.dev_id;
	bad[5].cmd.length = 0;
	bad[6].cmd.start = ~0ULL - 0x10;
	bad[7].cmd.fd = 900;
	bad[8].cmd.fd = -1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(ifd_io(&c, IOMMU_IOAS_MAP_FILE, &bad[i].cmd), bad[i].err, "%s", bad[i].what);
		cr_expect_eq(bad[i].cmd.iova, bad[i].what[0] == 'i' ? ~0ULL : 0x200000, "%s", bad[i].what);
	}
	struct io_pagetable *iopt = &to_ioas(c.ictx->objects[ioas])->iopt;
	cr_expect_eq(iopt->nareas, 0);
	/* any open file, no domain: taken, nothing pinned (as the oracle's 7.3 answered for /dev/iommu) */
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_MAP_FILE, &m), 0);
	cr_expect_eq(iopt->nareas, 1);
	cr_expect(iopt->areas[0].pages->file);
	cr_expect_null(iopt->areas[0].pinned_block);
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_MAP_FILE, &m), -EEXIST);
	/* only file mappings: CHANGE_PROCESS has nothing to refuse */
	struct iommu_ioas_change_process p = { .size = sizeof(p) };
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_CHANGE_PROCESS, &p), 0);
	/* a domain needs the pages pinned: not a memfd, EINVAL, and the IOAS keeps no domain */
	u32 hwpt = 0;
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &hwpt), -EINVAL);
	cr_expect_eq(iopt->ndomains, 0);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	/* with a domain there, the map itself is the EINVAL */
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = 0, .length = ~0ULL };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_UNMAP, &u), 0);
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &hwpt), 0);
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_MAP_FILE, &m), -EINVAL);
	cr_expect_eq(iopt->nareas, 0);
	ifd_close(&c);
}

Test(iommufd_rest, change_process_one_process)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	struct iommu_ioas_change_process p = { .size = sizeof(p) };
	/* nothing mapped: nothing to move */
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_CHANGE_PROCESS, &p), 0);
	p.__reserved = 1;
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_CHANGE_PROCESS, &p), -EOPNOTSUPP);
	p.__reserved = 0;
	u32 ioas = ifd_ioas(&c);
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_CHANGE_PROCESS, &p), 0);
	/* a user-address mapping in any IOAS: EINVAL, nothing changes */
	void *mem = iommusim_user_alloc(c.sim, 0x1000);
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA,
				    .user_va = (u64)(uintptr_t)mem, .length = 0x1000, .iova = 0x100000 };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_MAP, &m), 0);
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_CHANGE_PROCESS, &p), -EINVAL);
	cr_expect_eq(to_ioas(c.ictx->objects[ioas])->iopt.nareas, 1);
	ifd_close(&c);
}

Test(iommufd_rest, hw_queue_and_noiommu_get_pa)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c), parent = ifd_nest_parent(&c, ioas), viommu = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	size_t objs = iommufd_object_count(c.ictx);
	struct iommu_hw_queue_alloc q = { .size = sizeof(q), .viommu_id = viommu,
					  .type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, .nesting_parent_iova = 0x1000,
					  .length = 0x1000 };
	struct {
		const char *what;
		struct iommu_hw_queue_alloc cmd;
		long err;
	} bad[] = {
		{ "arm-smmu-v3 has none", q, -EOPNOTSUPP }, { "flags", q, -EOPNOTSUPP }, { "type DEFAULT", q, -EOPNOTSUPP },
		{ "length 0", q, -EINVAL }, { "overflow", q, -EOVERFLOW }, { "no vIOMMU", q, -ENOENT },
		{ "an IOAS", q, -ENOENT },
	};
	bad[1].cmd.flags = 1;
	bad[2].cmd.type = IOMMU_HW_QUEUE_TYPE_DEFAULT;
	bad[3].cmd.length = 0;
	bad[4].cmd.nesting_parent_iova = ~0ULL;
	bad[5].cmd.viommu_id = 999;
	bad[6].cmd.viommu_id = ioas;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(ifd_io(&c, IOMMU_HW_QUEUE_ALLOC, &bad[i].cmd), bad[i].err, "%s", bad[i].what);
		cr_expect_eq(bad[i].cmd.out_hw_queue_id, 0, "%s", bad[i].what);
	}
	/* without IOMMUFD_NOIOMMU: the stub, whatever the arguments */
	struct iommu_ioas_noiommu_get_pa pa = { .size = sizeof(pa), .ioas_id = ioas, .iova = 0, .length = 0x1000 };
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_NOIOMMU_GET_PA, &pa), -EOPNOTSUPP);
	pa.flags = 1;
	pa.ioas_id = 999;
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_NOIOMMU_GET_PA, &pa), -EOPNOTSUPP);
	cr_expect_eq(pa.out_phys, 0);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_expect_eq(c.ictx->objects[viommu]->users, 0);
	ifd_close(&c);
}
