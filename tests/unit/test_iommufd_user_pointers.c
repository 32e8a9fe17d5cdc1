/*
 * The user pointers inside iommufd's structs (allowed_iovas, data_uptr)
 * point at memory the caller may not have: 7.3 answers EFAULT from
 * copy_from_user()/copy_to_user() and the model must too, without
 * touching the bad address and without changing anything. Unmapped,
 * read-only and half-mapped buffers each.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/mman.h>
#include <unistd.h>
#include "iommufd_util.h"

/* a page the process cannot read or write, and one it can only read */
struct bad_pages {
	unsigned char *none, *ro, *rw_then_none; /* the last: one page RW, the next PROT_NONE */
	size_t page;
};

static struct bad_pages bad_pages(void)
{
	struct bad_pages b = { .page = (size_t)sysconf(_SC_PAGESIZE) };
	unsigned char *m = mmap(NULL, 4 * b.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(m, MAP_FAILED);
	memset(m, 0, 4 * b.page);
	cr_assert_eq(mprotect(m, b.page, PROT_NONE), 0);
	cr_assert_eq(mprotect(m + b.page, b.page, PROT_READ), 0);
	cr_assert_eq(mprotect(m + 3 * b.page, b.page, PROT_NONE), 0);
	b.none = m;
	b.ro = m + b.page;
	b.rw_then_none = m + 2 * b.page;
	return b;
}

static void free_bad_pages(struct bad_pages *b)
{
	munmap(b->none, 4 * b->page);
}

Test(iommufd_user_pointers, iova_ranges_into_bad_memory_is_efault)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	struct bad_pages b = bad_pages();
	u32 ioas = ifd_ioas(&c);
	u64 targets[] = { 0x10, (uintptr_t)b.none, (uintptr_t)b.ro };
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		struct iommu_ioas_iova_ranges r = { .size = sizeof(r), .ioas_id = ioas, .num_iovas = 4,
						    .allowed_iovas = targets[i] };
		cr_assert_eq(ifd_io(&c, IOMMU_IOAS_IOVA_RANGES, &r), -EFAULT, "target %zu", i);
	}
	/* room for the IOAS's one range just before the hole: only what is written must be there */
	struct iommu_iova_range *last = (void *)(b.rw_then_none + b.page - sizeof(*last));
	struct iommu_ioas_iova_ranges r = { .size = sizeof(r), .ioas_id = ioas, .num_iovas = 4,
					    .allowed_iovas = (uintptr_t)last };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_IOVA_RANGES, &r), 0);
	cr_assert_eq(r.num_iovas, 1);
	cr_assert_eq(last->start, 0);
	cr_assert_eq(last->last, 0xffffffffffffffffULL);
	free_bad_pages(&b);
	ifd_close(&c);
}

Test(iommufd_user_pointers, allow_iovas_from_bad_memory_is_efault_and_changes_nothing)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	struct bad_pages b = bad_pages();
	u32 ioas = ifd_ioas(&c);
	struct iommufd_ioas *obj = iommufd_get_ioas(c.ictx, ioas);
	/* one good range at the end of the readable page, a huge count past it */
	struct iommu_iova_range *r = (void *)(b.rw_then_none + b.page - sizeof(*r));
	r->start = 0x100000;
	r->last = 0x1fffff;
	u64 sources[] = { 0x10, (uintptr_t)b.none, (uintptr_t)r };
	u32 counts[] = { 1, 1, 0xffffffffu };
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas, .num_iovas = counts[i],
						    .allowed_iovas = sources[i] };
		cr_assert_eq(ifd_io(&c, IOMMU_IOAS_ALLOW_IOVAS, &a), -EFAULT, "source %zu", i);
		cr_assert_eq(obj->iopt.nallowed, 0);
	}
	/* a read-only array is fine to read */
	struct iommu_iova_range *ro = (void *)b.ro;
	cr_assert_eq(mprotect(b.ro, b.page, PROT_READ | PROT_WRITE), 0);
	ro->start = 0x100000;
	ro->last = 0x1fffff;
	cr_assert_eq(mprotect(b.ro, b.page, PROT_READ), 0);
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas, .num_iovas = 1,
					    .allowed_iovas = (uintptr_t)ro };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_ALLOW_IOVAS, &a), 0);
	cr_assert_eq(obj->iopt.nallowed, 1);
	free_bad_pages(&b);
	ifd_close(&c);
}

Test(iommufd_user_pointers, hw_info_into_bad_memory_is_efault)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	struct bad_pages b = bad_pages();
	u64 targets[] = { 0x10, (uintptr_t)b.none, (uintptr_t)b.ro, (uintptr_t)b.rw_then_none + b.page - 8 };
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		struct iommu_hw_info h = { .size = sizeof(h), .dev_id = c.dev_id, .data_len = 64,
					   .data_uptr = targets[i] };
		cr_assert_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &h), -EFAULT, "target %zu", i);
	}
	free_bad_pages(&b);
	ifd_close(&c);
}

Test(iommufd_user_pointers, nested_vste_and_commands_from_bad_memory_are_efault)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	struct bad_pages b = bad_pages();
	u32 ioas = ifd_ioas(&c);
	u32 parent = ifd_nest_parent(&c, ioas);
	u32 viommu;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	size_t before = iommufd_object_count(c.ictx);
	/* the vSTE: 16 bytes, the last 8 of them past the readable page */
	struct iommu_hwpt_alloc h = { .size = sizeof(h), .dev_id = c.dev_id, .pt_id = viommu,
				      .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3, .data_len = 16,
				      .data_uptr = (uintptr_t)b.rw_then_none + b.page - 8 };
	cr_assert_eq(ifd_io(&c, IOMMU_HWPT_ALLOC, &h), -EFAULT);
	h.data_uptr = (uintptr_t)b.none;
	cr_assert_eq(ifd_io(&c, IOMMU_HWPT_ALLOC, &h), -EFAULT);
	cr_assert_eq(iommufd_object_count(c.ictx), before);
	/* a batch whose second command is past the readable page: nothing handled */
	u64 *cmds = (void *)(b.rw_then_none + b.page - 16);
	cmds[0] = 0x10; /* CMDQ_OP_TLBI_NH_ALL */
	cmds[1] = 0;
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv), .hwpt_id = viommu,
					     .data_uptr = (uintptr_t)cmds,
					     .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
					     .entry_len = 16, .entry_num = 2 };
	cr_assert_eq(ifd_io(&c, IOMMU_HWPT_INVALIDATE, &inv), -EFAULT);
	cr_assert_eq(inv.entry_num, 0);
	/* a longer entry whose tail lies past the page */
	inv.entry_num = 1;
	inv.entry_len = 32;
	cr_assert_eq(ifd_io(&c, IOMMU_HWPT_INVALIDATE, &inv), -EFAULT);
	free_bad_pages(&b);
	ifd_close(&c);
}
