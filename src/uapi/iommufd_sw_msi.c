/*
 * iommufd's software MSI window (7.3, drivers/iommu/iommufd/driver.c and
 * device.c). The SMMU reserves 0x8000000-0x80fffff (IOMMU_RESV_SW_MSI) in
 * every IOAS a device is attached through; when the ITS allocates an MSI of
 * such a device, msi_prepare asks iommufd for the doorbell: its page gets
 * an IOVA in that window, the same in every domain of the context (the
 * window's start plus the page's order of first use), and is mapped into
 * the paging domain the device is attached to, or into the nest parent
 * (stage 2) when it is attached to a nested HWPT. The MSI message then
 * carries that IOVA; in a nested setup the guest's stage 1 must map its
 * own MSI IOVA to that IPA. A later first attach of the group maps the pages
 * its MSIs use into the new domain (iommufd_group_setup_msi).
 */
#include <errno.h>
#include "iommu/iommu.h"
#include "pgtable/io_pgtable.h"
#include "uapi/iommufd.h"

#define SW_MSI_PAGE_SIZE 4096ull

/* find_hwpt_paging(): the paging HWPT, or a nested HWPT's parent */
static struct iommufd_hwpt_paging *msi_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	if (hwpt->obj.type == IOMMUFD_OBJ_HWPT_NESTED)
		return to_hwpt_nested(hwpt)->parent;
	return hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING ? to_hwpt_paging(hwpt) : NULL;
}

/* iommufd_sw_msi_get_map(): the page's entry, a new one after the window's last */
static int sw_msi_get_map(struct iommufd_ctx *ictx, u64 msi_addr, u64 sw_msi_start,
			  struct iommufd_sw_msi_map **out)
{
	unsigned int max_pgoff = 0;
	for (unsigned int i = 0; i < ictx->nsw_msi; i++) {
		struct iommufd_sw_msi_map *cur = &ictx->sw_msi[i];
		if (cur->sw_msi_start != sw_msi_start)
			continue;
		max_pgoff = MAX(max_pgoff, cur->pgoff + 1);
		if (cur->msi_addr == msi_addr) {
			*out = cur;
			return 0;
		}
	}
	if (ictx->nsw_msi >= IOMMUFD_SW_MSI_MAX)
		return -EOVERFLOW;
	struct iommufd_sw_msi_map *cur = &ictx->sw_msi[ictx->nsw_msi];
	*cur = (struct iommufd_sw_msi_map){
		.msi_addr = msi_addr, .sw_msi_start = sw_msi_start, .pgoff = max_pgoff, .id = ictx->nsw_msi,
	};
	ictx->nsw_msi++;
	*out = cur;
	return 0;
}

static u64 sw_msi_iova(const struct iommufd_sw_msi_map *map)
{
	return map->sw_msi_start + map->pgoff * SW_MSI_PAGE_SIZE;
}

/* iommufd_sw_msi_install(): mapped once per domain, read/write MMIO */
static int sw_msi_install(struct iommufd_hwpt_paging *hwpt_paging, const struct iommufd_sw_msi_map *map)
{
	u64 bit = 1ull << map->id;
	if (hwpt_paging->present_sw_msi & bit)
		return 0;
	int rc = iommu_map(hwpt_paging->common.domain, sw_msi_iova(map), map->msi_addr, SW_MSI_PAGE_SIZE,
			   IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO);
	if (rc)
		return rc;
	hwpt_paging->present_sw_msi |= bit;
	return 0;
}

int iommufd_sw_msi(struct iommufd_device *idev, u64 msi_addr, u64 *msg_addr)
{
	*msg_addr = msi_addr;
	struct iommufd_hwpt_paging *hwpt_paging = idev->hwpt ? msi_hwpt_paging(idev->hwpt) : NULL;
	/* no attach handle, or no IOMMU_RESV_SW_MSI: the message is left as it is */
	if (!hwpt_paging || idev->sw_msi_start == UINT64_MAX)
		return 0;
	struct iommufd_sw_msi_map *map;
	int rc = sw_msi_get_map(idev->ictx, msi_addr & ~(SW_MSI_PAGE_SIZE - 1), idev->sw_msi_start, &map);
	if (rc)
		return rc;
	rc = sw_msi_install(hwpt_paging, map);
	if (rc)
		return rc;
	idev->required_sw_msi |= 1ull << map->id;
	*msg_addr = sw_msi_iova(map) + (msi_addr & (SW_MSI_PAGE_SIZE - 1));
	return 0;
}

int iommufd_group_setup_msi(struct iommufd_device *idev, struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_ctx *ictx = idev->ictx;
	if (idev->sw_msi_start == UINT64_MAX)
		return 0;
	/* igroup->required_sw_msi: what every bound device of the group needs */
	u64 required = 0;
	for (size_t id = 1; id < ictx->nobjects; id++) {
		struct iommufd_object *obj = ictx->objects[id];
		if (obj && obj->type == IOMMUFD_OBJ_DEVICE && to_idev(obj)->group == idev->group)
			required |= to_idev(obj)->required_sw_msi;
	}
	for (unsigned int i = 0; i < ictx->nsw_msi; i++) {
		const struct iommufd_sw_msi_map *cur = &ictx->sw_msi[i];
		if (cur->sw_msi_start != idev->sw_msi_start || !(required & (1ull << cur->id)))
			continue;
		int rc = sw_msi_install(hwpt_paging, cur);
		if (rc)
			return rc;
	}
	return 0;
}
