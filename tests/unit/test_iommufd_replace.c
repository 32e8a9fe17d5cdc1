/*
 * A replace that fails takes back only what the moving group reserved: the
 * reserved ranges (the SW_MSI window) other groups' devices hold in the
 * target IOAS stay (7.3's iommufd_group_remove_reserved_iova walks the
 * group's own devices).
 */
#include "iommufd_util.h"
#include "smmuv3/ste.h"

#define CFG(c) ((u64)(c) << 1)

/* the IOAS's holes as "start-last ..." */
static void iova_ranges(struct ifd *c, u32 ioas, char *out, size_t len)
{
	struct iommu_iova_range r[8];
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = ioas, .num_iovas = 8,
					    .allowed_iovas = (uintptr_t)r };
	cr_assert_eq(ifd_io(c, IOMMU_IOAS_IOVA_RANGES, &q), 0);
	out[0] = '\0';
	for (u32 i = 0; i < q.num_iovas; i++)
		snprintf(out + strlen(out), len - strlen(out), "%#llx-%#llx ", (unsigned long long)r[i].start,
			 (unsigned long long)r[i].last);
}

Test(iommufd_replace, failed_replace_keeps_other_groups_reserved_ranges)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	struct iommufd_device *b;
	u32 dev_b = ifd_bind(&c, IFD_DEV2, &b);
	u32 ioas_x = ifd_ioas(&c), ioas_y = ifd_ioas(&c);
	u32 parent = ifd_nest_parent(&c, ioas_x);
	/* B on the nest parent over X: the MSI window is cut out of X */
	u32 pt = parent;
	cr_assert_eq(iommufd_device_attach(b, &pt), 0);
	char before[256], after[256];
	iova_ranges(&c, ioas_x, before, sizeof(before));
	cr_assert(strstr(before, "0x7ffffff") != NULL, "%s", before);
	/* A on Y, then replaced to a translating nested HWPT over X without its vDEVICE: ENOENT */
	pt = ioas_y;
	cr_assert_eq(iommufd_device_attach(c.idev, &pt), 0);
	u32 viommu, nested;
	cr_assert_eq(ifd_viommu_alloc(&c, dev_b, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	struct iommu_hwpt_arm_smmuv3 ste = {
		{ STRTAB_STE_0_V | CFG(STRTAB_STE_0_CFG_S1_TRANS) | 0x40000000ULL, 0 } };
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, sizeof(ste), &nested),
		     0);
	pt = nested;
	cr_assert_eq(iommufd_device_replace(c.idev, &pt), -ENOENT);
	iova_ranges(&c, ioas_x, after, sizeof(after));
	cr_assert_str_eq(after, before);
	iommufd_device_detach(c.idev);
	iommufd_device_detach(b);
	ifd_close(&c);
}
