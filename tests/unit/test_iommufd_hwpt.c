/*
 * IOMMU_HWPT_ALLOC, IOMMU_HWPT_INVALIDATE and IOMMU_GET_HW_INFO on Linux 7.3
 * (iommufd_hw_pagetable.c): each argument check with 7.3's errno, in 7.3's
 * order, every refusal leaving the object table as it was; paging and
 * nest-parent HWPTs on an IOAS, nested ones on a vIOMMU from the guest's
 * STE (abort, bypass and S1 accepted; other configurations and bits EIO).
 */
#include "iommufd_util.h"
#include "smmuv3/ste.h"

/* the object table's shape: (id, type) of every object */
static size_t table_of(struct ifd *c, u32 *out, size_t max)
{
	size_t n = 0;
	for (size_t id = 1; id < c->ictx->nobjects && n < max; id++)
		if (c->ictx->objects[id])
			out[n++] = (u32)id << 8 | c->ictx->objects[id]->type;
	return n;
}

#define EXPECT_TABLE_UNCHANGED(c, before, nbefore)                                       \
	do {                                                                             \
		u32 now_[64];                                                            \
		size_t n_ = table_of(c, now_, 64);                                        \
		cr_expect_eq(n_, nbefore);                                               \
		cr_expect_arr_eq(now_, before, nbefore * sizeof(u32));                   \
	} while (0)

static long hwpt_alloc_raw(struct ifd *c, struct iommu_hwpt_alloc *a)
{
	return ifd_io(c, IOMMU_HWPT_ALLOC, a);
}

Test(iommufd_hwpt, alloc_argument_checks)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 ioas = ifd_ioas(&c);
	u32 before[64];
	size_t nb = table_of(&c, before, 64);
	struct iommu_hwpt_alloc a = { .size = sizeof(a), .dev_id = c.dev_id, .pt_id = ioas };
	struct iommu_hwpt_arm_smmuv3 ste = { { 0, 0 } };

	/* sizes: shorter than __reserved's end EINVAL, a non-zero tail E2BIG */
	struct {
		struct iommu_hwpt_alloc a;
		u64 tail;
	} big = { a, 1 };
	big.a.size = sizeof(big);
	cr_expect_eq(hwpt_alloc_raw(&c, &big.a), -E2BIG);
	a.size = offsetof(struct iommu_hwpt_alloc, __reserved) + 3;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EINVAL);
	a.size = sizeof(a);
	/* __reserved */
	a.__reserved = 1;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EOPNOTSUPP);
	a.__reserved = 0;
	/* data_type and data_len agree */
	a.data_len = 16;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EINVAL);
	a.data_len = 0;
	a.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EINVAL);
	a.data_type = 0;
	/* dev_id: no object ENOENT, the IOAS's id (not a device) ENOENT too */
	a.dev_id = 99;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -ENOENT);
	a.dev_id = ioas;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -ENOENT);
	a.dev_id = c.dev_id;
	/* pt_id: missing EINVAL, a device EINVAL */
	a.pt_id = 99;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EINVAL);
	a.pt_id = c.dev_id;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EINVAL);
	a.pt_id = ioas;
	/* unknown flags, dirty tracking (no HTTU on QEMU), a fault id with a nest parent */
	a.flags = 1 << 4;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EOPNOTSUPP);
	a.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EOPNOTSUPP);
	a.flags = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_FAULT_ID_VALID;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EOPNOTSUPP);
	/* a fault id names no fault queue (none can be made): ENOENT after the HWPT was made and dropped */
	a.flags = IOMMU_HWPT_FAULT_ID_VALID;
	a.fault_id = ioas;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -ENOENT);
	/* driver data on an IOAS: the SMMU takes none */
	a.flags = 0;
	a.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
	a.data_len = sizeof(ste);
	a.data_uptr = (u64)(uintptr_t)&ste;
	cr_expect_eq(hwpt_alloc_raw(&c, &a), -EOPNOTSUPP);
	EXPECT_TABLE_UNCHANGED(&c, before, nb);
	cr_expect_eq(c.ictx->objects[ioas]->users, 0);

	/* the good ones: a paging HWPT (stage 1), PASID-capable, a nest parent; ids from the lowest free */
	a = (struct iommu_hwpt_alloc){ .size = sizeof(a), .dev_id = c.dev_id, .pt_id = ioas };
	cr_assert_eq(hwpt_alloc_raw(&c, &a), 0);
	cr_expect_eq(a.out_hwpt_id, ioas + 1);
	a.flags = IOMMU_HWPT_ALLOC_PASID;
	cr_assert_eq(hwpt_alloc_raw(&c, &a), 0);
	cr_expect_eq(a.out_hwpt_id, ioas + 2);
	a.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	cr_assert_eq(hwpt_alloc_raw(&c, &a), 0);
	cr_expect_eq(a.out_hwpt_id, ioas + 3);
	cr_expect_eq(c.ictx->objects[ioas]->users, 3);
	/* the IOAS is busy while HWPTs use it */
	cr_expect_eq(ifd_destroy(&c, ioas), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, ioas + 1), 0);
	cr_expect_eq(ifd_destroy(&c, ioas + 2), 0);
	cr_expect_eq(ifd_destroy(&c, ioas + 3), 0);
	cr_expect_eq(c.ictx->objects[ioas]->users, 0);
	ifd_close(&c);
}

/* nested on a nest parent directly: arm-smmu-v3 has no domain_alloc_nested (7.3 goes through a vIOMMU) */
Test(iommufd_hwpt, nested_on_a_parent_hwpt)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c), parent = ifd_nest_parent(&c, ioas), id;
	struct iommu_hwpt_arm_smmuv3 ste = { { STRTAB_STE_0_V, 0 } };
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, parent, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, sizeof(ste), &id),
		     -EOPNOTSUPP);
	ifd_close(&c);
}

static u32 vste_viommu(struct ifd *c, u32 *parent)
{
	*parent = ifd_nest_parent(c, ifd_ioas(c));
	u32 viommu;
	cr_assert_eq(ifd_viommu_alloc(c, c->dev_id, *parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	return viommu;
}

#define CFG(x) FIELD_PREP(STRTAB_STE_0_CFG, x)

Test(iommufd_hwpt, nested_vste_validation)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	u32 parent, viommu = vste_viommu(&c, &parent);
	struct {
		const char *what;
		u64 ste[2];
		int err;
	} cases[] = {
		{ "invalid (V=0): an abort, whatever else", { CFG(7) | (1ULL << 2), ~0ULL }, 0 },
		{ "abort", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_ABORT), 0 }, 0 },
		{ "bypass", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_BYPASS), 0 }, 0 },
		{ "S1 with a CD table", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_S1_TRANS) | 0x40000000ULL,
					  FIELD_PREP(STRTAB_STE_1_S1DSS, 1) }, 0 },
		{ "S1 with EATS translate", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_S1_TRANS),
					      FIELD_PREP(STRTAB_STE_1_EATS, STRTAB_STE_1_EATS_TRANS) }, 0 },
		{ "S1 with EATS S1CHK", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_S1_TRANS),
					  FIELD_PREP(STRTAB_STE_1_EATS, STRTAB_STE_1_EATS_S1CHK) }, -EIO },
		{ "S2 translate", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_S2_TRANS), 0 }, -EIO },
		{ "nested", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_NESTED), 0 }, -EIO },
		{ "config 1 (reserved)", { STRTAB_STE_0_V | CFG(1), 0 }, -EIO },
		{ "a reserved bit of word 0", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_ABORT) | (1ULL << 52), 0 }, -EIO },
		{ "S2 fields in word 1 (SHCFG)", { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_BYPASS),
						   FIELD_PREP(STRTAB_STE_1_SHCFG, 1) }, -EIO },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iommu_hwpt_arm_smmuv3 ste = { { cases[i].ste[0], cases[i].ste[1] } };
		size_t objs = iommufd_object_count(c.ictx);
		u32 id = 0;
		long ret = ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, sizeof(ste), &id);
		cr_expect_eq(ret, cases[i].err, "%s: %ld", cases[i].what, ret);
		if (ret) {
			cr_expect_eq(iommufd_object_count(c.ictx), objs, "%s", cases[i].what);
			continue;
		}
		struct iommufd_object *obj = iommufd_get_object(c.ictx, id, IOMMUFD_OBJ_HWPT_NESTED);
		cr_assert_not_null(obj, "%s", cases[i].what);
		struct iommufd_hwpt_nested *n = to_hwpt_nested(to_hwpt(obj));
		cr_expect_eq(n->viommu, to_viommu(c.ictx->objects[viommu]));
		cr_expect_eq(&n->parent->common.obj, c.ictx->objects[parent]);
		/* the vIOMMU is busy while the nested HWPT uses it */
		cr_expect_eq(ifd_destroy(&c, viommu), -EBUSY, "%s", cases[i].what);
		cr_expect_eq(ifd_destroy(&c, id), 0);
	}
	cr_expect_eq(c.ictx->objects[viommu]->users, 0);
	ifd_close(&c);
}

Test(iommufd_hwpt, nested_data_checks)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	u32 parent, viommu = vste_viommu(&c, &parent), id;
	struct {
		struct iommu_hwpt_arm_smmuv3 ste;
		u64 more;
	} d = { { { STRTAB_STE_0_V, 0 } }, 0 };
	size_t objs = iommufd_object_count(c.ictx);
	/* no data at all (type NONE): EOPNOTSUPP, a nested HWPT needs data */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &id), -EOPNOTSUPP);
	/* another data type: EINVAL from the driver's copy */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_VTD_S1, &d, 16, &id), -EINVAL);
	/* shorter or longer than the vSTE: EINVAL */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &d, 8, &id), -EINVAL);
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &d, 24, &id), -EINVAL);
	/* a NULL pointer: EFAULT */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, NULL, 16, &id), -EFAULT);
	/* flags: nest parent / dirty EOPNOTSUPP (the core), PASID EOPNOTSUPP (the driver) */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_DATA_ARM_SMMUV3, &d,
				    16, &id), -EOPNOTSUPP);
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_DATA_ARM_SMMUV3, &d, 16,
				    &id), -EOPNOTSUPP);
	/* a fault id: the nested HWPT is made, then no fault queue: ENOENT */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, IOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_DATA_ARM_SMMUV3, &d,
				    16, &id), -ENOENT);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_expect_eq(c.ictx->objects[viommu]->users, 0);
	/* a device of another SMMU would be EINVAL; the second function shares this one, so it is fine */
	u32 dev2 = ifd_bind(&c, IFD_DEV2, NULL);
	cr_expect_eq(ifd_hwpt_alloc(&c, dev2, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &d, 16, &id), 0);
	ifd_close(&c);
}

static long invalidate(struct ifd *c, struct iommu_hwpt_invalidate *inv)
{
	return ifd_io(c, IOMMU_HWPT_INVALIDATE, inv);
}

Test(iommufd_hwpt, invalidate_argument_checks)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c), parent, viommu = vste_viommu(&c, &parent), nested;
	struct iommu_hwpt_arm_smmuv3 ste = { { STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_BYPASS), 0 } };
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &nested), 0);
	u64 cmd[2] = { 0x11, 0 };	/* TLBI_NH_ASID 0 */
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv), .hwpt_id = viommu,
					     .data_uptr = (u64)(uintptr_t)cmd,
					     .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
					     .entry_len = 16, .entry_num = 1 };
	struct iommu_hwpt_invalidate t;
	/* size: short EINVAL */
	t = inv;
	t.size = offsetof(struct iommu_hwpt_invalidate, __reserved);
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	/* __reserved: EOPNOTSUPP, entry_num back as 0 */
	t = inv;
	t.__reserved = 1;
	cr_expect_eq(invalidate(&c, &t), -EOPNOTSUPP);
	cr_expect_eq(t.entry_num, 0);
	/* entries without a pointer, a zero or too long entry_len, too many: EINVAL */
	t = inv;
	t.data_uptr = 0;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	t = inv;
	t.entry_len = 0;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	t = inv;
	t.entry_len = 4097;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	t = inv;
	t.entry_num = (1U << 19) + 1;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	cr_expect_eq(t.entry_num, 0);
	/* no entries: the driver's copy refuses an empty array (EINVAL) */
	t = inv;
	t.entry_num = 0;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	/* ids: none ENOENT; an IOAS, a paging HWPT EINVAL; a nested HWPT EOPNOTSUPP (arm-smmu-v3 invalidates through the vIOMMU) */
	t = inv;
	t.hwpt_id = 99;
	cr_expect_eq(invalidate(&c, &t), -ENOENT);
	t = inv;
	t.hwpt_id = ioas;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	t = inv;
	t.hwpt_id = parent;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	t = inv;
	t.hwpt_id = nested;
	cr_expect_eq(invalidate(&c, &t), -EOPNOTSUPP);
	cr_expect_eq(t.entry_num, 0);
	/* the vIOMMU: another data type EINVAL, then the good one */
	t = inv;
	t.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
	cr_expect_eq(invalidate(&c, &t), -EINVAL);
	cr_expect_eq(t.entry_num, 0);
	t = inv;
	cr_expect_eq(invalidate(&c, &t), 0);
	cr_expect_eq(t.entry_num, 1);
	ifd_close(&c);
}

Test(iommufd_hwpt, get_hw_info_checks)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 ioas = ifd_ioas(&c);
	struct iommu_hw_info_arm_smmuv3 data;
	struct iommu_hw_info h = { .size = sizeof(h), .dev_id = c.dev_id, .data_len = sizeof(data),
				   .data_uptr = (u64)(uintptr_t)&data };
	struct iommu_hw_info t;
	t = h;
	t.size = offsetof(struct iommu_hw_info, __reserved) + 2;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), -EINVAL);
	t = h;
	t.flags = 2;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), -EOPNOTSUPP);
	t = h;
	t.__reserved[1] = 1;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), -EOPNOTSUPP);
	t = h;
	t.dev_id = ioas;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), -ENOENT);
	/* another type asked for: EOPNOTSUPP; the SMMU's own or DEFAULT: fine */
	t = h;
	t.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	t.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), -EOPNOTSUPP);
	t.in_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), 0);
	cr_expect_eq(t.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	/* without the flag a random in_data_type is ignored */
	t = h;
	t.in_data_type = 77;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), 0);
	cr_expect_eq(t.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	/* a short buffer: what fits; data_len answers the kernel's length */
	u32 small[3] = { 0xffffffff, 0xffffffff, 0xffffffff };
	t = h;
	t.data_len = 8;
	t.data_uptr = (u64)(uintptr_t)small;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), 0);
	cr_expect_eq(t.data_len, sizeof(data));
	cr_expect_eq(small[0], 0);		/* flags */
	cr_expect_eq(small[2], 0xffffffff);	/* untouched past 8 bytes */
	/* a longer buffer: zeroed past the kernel's data */
	struct {
		struct iommu_hw_info_arm_smmuv3 d;
		u32 extra[4];
	} big;
	memset(&big, 0xff, sizeof(big));
	t = h;
	t.data_len = sizeof(big);
	t.data_uptr = (u64)(uintptr_t)&big;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), 0);
	cr_expect_eq(t.data_len, sizeof(data));
	cr_expect_eq(big.extra[0], 0);
	cr_expect_eq(big.extra[3], 0);
	/* no buffer (data_len 0): only the lengths and capabilities */
	t = h;
	t.data_len = 0;
	t.data_uptr = 0;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), 0);
	cr_expect_eq(t.data_len, sizeof(data));
	cr_expect_eq(t.out_capabilities, IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
	cr_expect_eq(t.out_max_pasid_log2, 0);
	/* a buffer but data_len 0: nothing written */
	memset(&data, 0xa5, sizeof(data));
	t = h;
	t.data_len = 0;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), 0);
	cr_expect_eq(t.data_len, sizeof(data));
	cr_expect_eq(data.flags, 0xa5a5a5a5);
	/* a buffer length with no buffer: EFAULT */
	t = h;
	t.data_uptr = 0;
	cr_expect_eq(ifd_io(&c, IOMMU_GET_HW_INFO, &t), -EFAULT);
	ifd_close(&c);
}

/*
 * A nest parent's aperture is the SMMU's stage-2 input size (7.3 gives S2
 * domains the OAS: 44 bits on QEMU): a mapping beyond it makes the
 * allocation EADDRINUSE; once there, the IOAS's IOVA ranges end there.
 */
Test(iommufd_hwpt, nest_parent_aperture)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 ioas = ifd_ioas(&c), id = 0;
	void *buf = iommusim_user_alloc(c.sim, 0x1000);
	cr_assert_not_null(buf);
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
				    .user_va = (u64)(uintptr_t)buf, .length = 0x1000, .iova = 1ULL << 44 };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_MAP, &m), 0);
	size_t objs = iommufd_object_count(c.ictx);
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, &id), -EADDRINUSE);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_expect_eq(c.ictx->objects[ioas]->users, 0);
	/* a stage-1 paging domain takes 48 bits: fine */
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &id), 0);
	cr_expect_eq(ifd_destroy(&c, id), 0);
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = 1ULL << 44, .length = 0x1000 };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_UNMAP, &u), 0);
	u32 parent = ifd_nest_parent(&c, ioas);
	struct iommu_iova_range r[4];
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = ioas, .num_iovas = 4,
					    .allowed_iovas = (u64)(uintptr_t)r };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_IOVA_RANGES, &q), 0);
	cr_assert_eq(q.num_iovas, 1);
	cr_expect_eq(r[0].start, 0);
	cr_expect_eq(r[0].last, (1ULL << 44) - 1);
	cr_expect_eq(q.out_iova_alignment, 0x1000);
	/* and a map beyond it is refused while the nest parent is there */
	m.iova = 1ULL << 44;
	cr_expect_eq(ifd_io(&c, IOMMU_IOAS_MAP, &m), -EINVAL);
	cr_expect_eq(ifd_destroy(&c, parent), 0);
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_IOVA_RANGES, &q), 0);
	cr_expect_eq(r[0].last, ~0ULL);
	ifd_close(&c);
}

/*
 * tests/linux/iommufd/viommu_nested as the oracle's iommufd-canwbs kernel
 * answered it (measured on QEMU 10.0): the same objects in the same order
 * (device 1, IOAS 2, nest parent 3, vIOMMU 4, vDEVICE 5 with vSID 8), the
 * same vSTEs and invalidation batches, the same answers and entry counts.
 */
static long inv_cmds(struct ifd *c, u32 id, const u64 *cmds, u32 n, u32 *done)
{
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv), .hwpt_id = id, .data_uptr = (u64)(uintptr_t)cmds,
					     .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
					     .entry_len = 16, .entry_num = n };
	long ret = ifd_io(c, IOMMU_HWPT_INVALIDATE, &inv);
	*done = inv.entry_num;
	return ret;
}

#define SID(x) ((u64)(x) << 32)
#define ASID(x) ((u64)(x) << 48)
#define VMID(x) ((u64)(x) << 32)

Test(iommufd_hwpt, oracle_viommu_nested_sequence)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	cr_assert_eq(c.dev_id, 1);
	cr_assert_eq(ifd_ioas(&c), 2);
	void *ram = iommusim_user_alloc(c.sim, 0x100000);
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = 2,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (u64)(uintptr_t)ram, .length = 0x100000, .iova = 0x40000000 };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_MAP, &m), 0);
	cr_assert_eq(ifd_nest_parent(&c, 2), 3);
	u32 id = 0;
	cr_expect_eq(ifd_viommu_alloc(&c, 1, 2, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &id), -ENOENT);
	cr_expect_eq(ifd_viommu_alloc(&c, 1, 3, 2, &id), -EOPNOTSUPP);
	cr_assert_eq(ifd_viommu_alloc(&c, 1, 3, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &id), 0);
	cr_expect_eq(id, 4);
	cr_assert_eq(ifd_vdevice_alloc(&c, 4, 1, 0x8, &id), 0);
	cr_expect_eq(id, 5);
	cr_expect_eq(ifd_vdevice_alloc(&c, 4, 1, 0x9, &id), -EEXIST);
	cr_expect_eq(ifd_vdevice_alloc(&c, 4, 1, 0x100000000ULL, &id), -EEXIST);
	cr_expect_eq(ifd_vdevice_alloc(&c, 3, 1, 0x9, &id), -ENOENT);
	static const struct {
		u64 ste0, ste1;
		u32 flags;
		long ret;
		u32 id;
	} stes[] = {
		{ 0x1, 0, 0, 0, 6 }, { 0x0, 0, 0, 0, 7 }, { 0x9, 0, 0, 0, 8 }, { 0x4000000b, 0, 0, 0, 9 },
		{ 0xd, 0, 0, -EIO, 0 }, { 0xf, 0, 0, -EIO, 0 }, { 0x3, 0, 0, -EIO, 0 },
		{ 0x4000000b, 0x100000, 0, -EIO, 0 }, { 0x4000000b, 0x8000000000000000ULL, 0, -EIO, 0 },
		{ 0x4000000b, 0, IOMMU_HWPT_ALLOC_NEST_PARENT, -EOPNOTSUPP, 0 },
	};
	for (size_t i = 0; i < sizeof(stes) / sizeof(stes[0]); i++) {
		struct iommu_hwpt_arm_smmuv3 ste = { { stes[i].ste0, stes[i].ste1 } };
		cr_expect_eq(ifd_hwpt_alloc(&c, 1, 4, stes[i].flags, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &id), stes[i].ret,
			     "vSTE %zu", i);
		if (!stes[i].ret)
			cr_expect_eq(id, stes[i].id, "vSTE %zu", i);
	}
	cr_expect_eq(ifd_hwpt_alloc(&c, 1, 4, 0, 0, NULL, 0, &id), -EOPNOTSUPP);
	struct iommu_hwpt_arm_smmuv3 abort_ste = { { 0x1, 0 } };
	cr_expect_eq(ifd_hwpt_alloc(&c, 1, 3, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &abort_ste, 16, &id), -EOPNOTSUPP);
	u32 pt = 9;
	cr_assert_eq(iommufd_device_attach(c.idev, &pt), 0);
	cr_expect_eq(pt, 9);

	static const struct {
		u64 cmds[6];
		u32 n;
		long ret;
		u32 done;
	} batches[] = {
		{ { 0x10, 0 }, 1, 0, 1 },
		{ { 0x11 | ASID(1), 0, 0x12 | ASID(1), 0x1001, 0x13, 0x2000 }, 3, 0, 3 },
		{ { 0x05 | SID(8), 1, 0x06 | SID(8), 0 }, 2, 0, 2 },
		{ { 0x30, 0, 0x40 | SID(8), 52 }, 2, -EIO, 1 },
		{ { 0x10, 0, 0x03 | SID(8), 0, 0x10, 0 }, 3, -EIO, 1 },
		{ { 0x05 | SID(9), 0 }, 1, -EIO, 0 },
		{ { 0x10, 0, 0x46, 0 }, 2, -EIO, 1 },
		{ { 0x28 | VMID(1), 0 }, 1, -EIO, 0 },
		{ { 0x12 | ASID(1) | VMID(7), 0x1000 }, 1, 0, 1 },
		{ { 0x11, 0, 0x10000000000011ULL, 0 }, 2, 0, 2 },
		{ { 0xff, 0 }, 1, -EIO, 0 },
	};
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		u32 done = 99;
		cr_expect_eq(inv_cmds(&c, 4, batches[i].cmds, batches[i].n, &done), batches[i].ret, "batch %zu", i);
		cr_expect_eq(done, batches[i].done, "batch %zu: %u", i, done);
	}
	u64 nh_all[2] = { 0x10, 0 };
	u32 done;
	cr_expect_eq(inv_cmds(&c, 3, nh_all, 1, &done), -EINVAL);
	cr_expect_eq(done, 0);
	cr_expect_eq(inv_cmds(&c, 9, nh_all, 1, &done), -EOPNOTSUPP);
	cr_expect_eq(inv_cmds(&c, 5, nh_all, 1, &done), -EINVAL);
	cr_expect_eq(ifd_destroy(&c, 4), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, 3), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, 5), 0);
	iommufd_device_detach(c.idev);
	cr_expect_eq(ifd_destroy(&c, 9), 0);
	cr_expect_eq(ifd_destroy(&c, 4), -EBUSY);
	pt = 3;
	cr_expect_eq(iommufd_device_attach(c.idev, &pt), 0);
	cr_expect_eq(ifd_destroy(&c, 5), -ENOENT);
	cr_expect_eq(ifd_vdevice_alloc(&c, 4, 1, 0x9, &id), 0);
	cr_expect_eq(id, 5);
	ifd_close(&c);
}
