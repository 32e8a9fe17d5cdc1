/*
 * src/uapi/iommufd_abi.h against Linux 7.3's own <linux/iommufd.h>: every
 * struct's size and every field's offset and size, the command numbers, the
 * flags, the ioctl numbers. The build passes the header's path in
 * (IOMMUSIM_LINUX73_IOMMUFD_H) only when the 7.3 source tree is there;
 * without it the comparison is skipped and only the layouts the ABI fixes
 * are checked.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include "uapi/iommufd_abi.h"

/* the model's layouts, under names of their own before the real header comes in */
typedef struct iommu_destroy sim_destroy;
typedef struct iommu_ioas_alloc sim_ioas_alloc;
typedef struct iommu_iova_range sim_iova_range;
typedef struct iommu_ioas_iova_ranges sim_iova_ranges;
typedef struct iommu_ioas_allow_iovas sim_allow_iovas;
typedef struct iommu_ioas_map sim_map;
typedef struct iommu_ioas_copy sim_copy;
typedef struct iommu_ioas_unmap sim_unmap;
typedef struct iommu_option sim_option;
typedef struct iommu_hwpt_alloc sim_hwpt_alloc;
typedef struct iommu_hwpt_arm_smmuv3 sim_hwpt_arm_smmuv3;
typedef struct iommu_hw_info_arm_smmuv3 sim_hw_info_arm_smmuv3;
typedef struct iommu_hw_info sim_hw_info;
typedef struct iommu_viommu_arm_smmuv3_invalidate sim_viommu_arm_smmuv3_invalidate;
typedef struct iommu_hwpt_invalidate sim_hwpt_invalidate;
typedef struct iommu_viommu_alloc sim_viommu_alloc;
typedef struct iommu_vdevice_alloc sim_vdevice_alloc;
typedef struct iommu_vfio_ioas sim_vfio_ioas;
typedef struct iommu_hwpt_set_dirty_tracking sim_set_dirty;
typedef struct iommu_hwpt_get_dirty_bitmap sim_get_dirty;
typedef struct iommu_fault_alloc sim_fault_alloc;
typedef struct iommu_hwpt_pgfault sim_pgfault;
typedef struct iommu_hwpt_page_response sim_page_response;
typedef struct iommu_ioas_map_file sim_map_file;
typedef struct iommu_ioas_change_process sim_change_process;
typedef struct iommufd_vevent_header sim_vevent_header;
typedef struct iommu_vevent_arm_smmuv3 sim_vevent_arm_smmuv3;
typedef struct iommu_veventq_alloc sim_veventq_alloc;
typedef struct iommu_hw_queue_alloc sim_hw_queue_alloc;
typedef struct iommu_ioas_noiommu_get_pa sim_noiommu_get_pa;

static const unsigned long sim_ioctls[] = {
	IOMMU_DESTROY, IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_COPY,
	IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP, IOMMU_OPTION,
	IOMMU_HWPT_ALLOC, IOMMU_GET_HW_INFO, IOMMU_HWPT_INVALIDATE, IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC,
	IOMMU_VFIO_IOAS, IOMMU_HWPT_SET_DIRTY_TRACKING, IOMMU_HWPT_GET_DIRTY_BITMAP, IOMMU_FAULT_QUEUE_ALLOC, IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_CHANGE_PROCESS, IOMMU_VEVENTQ_ALLOC, IOMMU_HW_QUEUE_ALLOC, IOMMU_IOAS_NOIOMMU_GET_PA,
};
static const unsigned int sim_values[] = {
	IOMMUFD_CMD_BASE, IOMMUFD_CMD_DESTROY, IOMMUFD_CMD_IOAS_ALLOC, IOMMUFD_CMD_IOAS_ALLOW_IOVAS,
	IOMMUFD_CMD_IOAS_COPY, IOMMUFD_CMD_IOAS_IOVA_RANGES, IOMMUFD_CMD_IOAS_MAP, IOMMUFD_CMD_IOAS_UNMAP,
	IOMMUFD_CMD_OPTION, IOMMUFD_CMD_VFIO_IOAS, IOMMUFD_CMD_HWPT_ALLOC, IOMMUFD_CMD_GET_HW_INFO,
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING, IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP, IOMMUFD_CMD_HWPT_INVALIDATE,
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC, IOMMUFD_CMD_IOAS_MAP_FILE, IOMMUFD_CMD_VIOMMU_ALLOC,
	IOMMUFD_CMD_VDEVICE_ALLOC, IOMMUFD_CMD_IOAS_CHANGE_PROCESS, IOMMUFD_CMD_VEVENTQ_ALLOC,
	IOMMUFD_CMD_HW_QUEUE_ALLOC, IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA,
	IOMMU_IOAS_MAP_FIXED_IOVA, IOMMU_IOAS_MAP_WRITEABLE, IOMMU_IOAS_MAP_READABLE,
	IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, IOMMU_OPTION_OP_GET,
	IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, IOMMU_HWPT_FAULT_ID_VALID,
	IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_DATA_NONE, IOMMU_HWPT_DATA_VTD_S1,
	IOMMU_HWPT_DATA_ARM_SMMUV3, IOMMU_HWPT_DATA_AMD_GUEST, IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
	IOMMU_HW_INFO_TYPE_NONE, IOMMU_HW_INFO_TYPE_DEFAULT, IOMMU_HW_INFO_TYPE_INTEL_VTD,
	IOMMU_HW_INFO_TYPE_ARM_SMMUV3, IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, IOMMU_HW_INFO_TYPE_AMD,
	IOMMU_HW_CAP_DIRTY_TRACKING, IOMMU_HW_CAP_PCI_PASID_EXEC, IOMMU_HW_CAP_PCI_PASID_PRIV,
	IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED, IOMMU_HW_INFO_FLAG_INPUT_TYPE, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
	IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, IOMMU_VIOMMU_TYPE_DEFAULT, IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
	IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
	IOMMU_VFIO_IOAS_GET, IOMMU_VFIO_IOAS_SET, IOMMU_VFIO_IOAS_CLEAR, IOMMU_HWPT_DIRTY_TRACKING_ENABLE, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, IOMMUFD_PAGE_RESP_SUCCESS, IOMMUFD_PAGE_RESP_INVALID, IOMMU_VEVENTQ_FLAG_LOST_EVENTS, IOMMU_VEVENTQ_TYPE_DEFAULT, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, IOMMU_HW_QUEUE_TYPE_DEFAULT, IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
};

#define FIELD(a, b, f)                                                                            \
	do {                                                                                      \
		cr_expect_eq(offsetof(a, f), offsetof(b, f), #a "." #f);                          \
		cr_expect_eq(sizeof(((a *)0)->f), sizeof(((b *)0)->f), #a "." #f);                \
	} while (0)

/* the layouts both sides must have: the fields of every struct, against another set of types */
#define COMPARE_ALL(P, Q)                                                                         \
	do {                                                                                      \
		cr_expect_eq(sizeof(P##destroy), sizeof(Q##destroy));                             \
		FIELD(P##destroy, Q##destroy, size);                                              \
		FIELD(P##destroy, Q##destroy, id);                                                \
		cr_expect_eq(sizeof(P##ioas_alloc), sizeof(Q##ioas_alloc));                       \
		FIELD(P##ioas_alloc, Q##ioas_alloc, flags);                                       \
		FIELD(P##ioas_alloc, Q##ioas_alloc, out_ioas_id);                                 \
		cr_expect_eq(sizeof(P##iova_range), sizeof(Q##iova_range));                       \
		FIELD(P##iova_range, Q##iova_range, start);                                       \
		FIELD(P##iova_range, Q##iova_range, last);                                        \
		cr_expect_eq(sizeof(P##iova_ranges), sizeof(Q##iova_ranges));                     \
		FIELD(P##iova_ranges, Q##iova_ranges, ioas_id);                                   \
		FIELD(P##iova_ranges, Q##iova_ranges, num_iovas);                                 \
		FIELD(P##iova_ranges, Q##iova_ranges, __reserved);                                \
		FIELD(P##iova_ranges, Q##iova_ranges, allowed_iovas);                             \
		FIELD(P##iova_ranges, Q##iova_ranges, out_iova_alignment);                        \
		cr_expect_eq(sizeof(P##allow_iovas), sizeof(Q##allow_iovas));                     \
		FIELD(P##allow_iovas, Q##allow_iovas, ioas_id);                                   \
		FIELD(P##allow_iovas, Q##allow_iovas, num_iovas);                                 \
		FIELD(P##allow_iovas, Q##allow_iovas, __reserved);                                \
		FIELD(P##allow_iovas, Q##allow_iovas, allowed_iovas);                             \
		cr_expect_eq(sizeof(P##map), sizeof(Q##map));                                     \
		FIELD(P##map, Q##map, flags);                                                     \
		FIELD(P##map, Q##map, ioas_id);                                                   \
		FIELD(P##map, Q##map, __reserved);                                                \
		FIELD(P##map, Q##map, user_va);                                                   \
		FIELD(P##map, Q##map, length);                                                    \
		FIELD(P##map, Q##map, iova);                                                      \
		cr_expect_eq(sizeof(P##copy), sizeof(Q##copy));                                   \
		FIELD(P##copy, Q##copy, flags);                                                   \
		FIELD(P##copy, Q##copy, dst_ioas_id);                                             \
		FIELD(P##copy, Q##copy, src_ioas_id);                                             \
		FIELD(P##copy, Q##copy, length);                                                  \
		FIELD(P##copy, Q##copy, dst_iova);                                                \
		FIELD(P##copy, Q##copy, src_iova);                                                \
		cr_expect_eq(sizeof(P##unmap), sizeof(Q##unmap));                                 \
		FIELD(P##unmap, Q##unmap, ioas_id);                                               \
		FIELD(P##unmap, Q##unmap, iova);                                                  \
		FIELD(P##unmap, Q##unmap, length);                                                \
		cr_expect_eq(sizeof(P##option), sizeof(Q##option));                               \
		FIELD(P##option, Q##option, option_id);                                           \
		FIELD(P##option, Q##option, op);                                                  \
		FIELD(P##option, Q##option, __reserved);                                          \
		FIELD(P##option, Q##option, object_id);                                           \
		FIELD(P##option, Q##option, val64);                                               \
		cr_expect_eq(sizeof(P##hwpt_alloc), sizeof(Q##hwpt_alloc));                       \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, flags);                                       \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, dev_id);                                      \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, pt_id);                                       \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, out_hwpt_id);                                 \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, __reserved);                                  \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, data_type);                                   \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, data_len);                                    \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, data_uptr);                                   \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, fault_id);                                    \
		FIELD(P##hwpt_alloc, Q##hwpt_alloc, __reserved2);                                 \
		cr_expect_eq(sizeof(P##hwpt_arm_smmuv3), sizeof(Q##hwpt_arm_smmuv3));             \
		FIELD(P##hwpt_arm_smmuv3, Q##hwpt_arm_smmuv3, ste);                               \
		cr_expect_eq(sizeof(P##hw_info_arm_smmuv3), sizeof(Q##hw_info_arm_smmuv3));       \
		FIELD(P##hw_info_arm_smmuv3, Q##hw_info_arm_smmuv3, flags);                       \
		FIELD(P##hw_info_arm_smmuv3, Q##hw_info_arm_smmuv3, __reserved);                  \
		FIELD(P##hw_info_arm_smmuv3, Q##hw_info_arm_smmuv3, idr);                         \
		FIELD(P##hw_info_arm_smmuv3, Q##hw_info_arm_smmuv3, iidr);                        \
		FIELD(P##hw_info_arm_smmuv3, Q##hw_info_arm_smmuv3, aidr);                        \
		cr_expect_eq(sizeof(P##hw_info), sizeof(Q##hw_info));                             \
		FIELD(P##hw_info, Q##hw_info, flags);                                             \
		FIELD(P##hw_info, Q##hw_info, dev_id);                                            \
		FIELD(P##hw_info, Q##hw_info, data_len);                                          \
		FIELD(P##hw_info, Q##hw_info, data_uptr);                                         \
		FIELD(P##hw_info, Q##hw_info, in_data_type);                                      \
		FIELD(P##hw_info, Q##hw_info, out_data_type);                                     \
		FIELD(P##hw_info, Q##hw_info, out_max_pasid_log2);                                \
		FIELD(P##hw_info, Q##hw_info, __reserved);                                        \
		FIELD(P##hw_info, Q##hw_info, out_capabilities);                                  \
		cr_expect_eq(sizeof(P##viommu_arm_smmuv3_invalidate), sizeof(Q##viommu_arm_smmuv3_invalidate)); \
		FIELD(P##viommu_arm_smmuv3_invalidate, Q##viommu_arm_smmuv3_invalidate, cmd);     \
		cr_expect_eq(sizeof(P##hwpt_invalidate), sizeof(Q##hwpt_invalidate));             \
		FIELD(P##hwpt_invalidate, Q##hwpt_invalidate, hwpt_id);                           \
		FIELD(P##hwpt_invalidate, Q##hwpt_invalidate, data_uptr);                         \
		FIELD(P##hwpt_invalidate, Q##hwpt_invalidate, data_type);                         \
		FIELD(P##hwpt_invalidate, Q##hwpt_invalidate, entry_len);                         \
		FIELD(P##hwpt_invalidate, Q##hwpt_invalidate, entry_num);                         \
		FIELD(P##hwpt_invalidate, Q##hwpt_invalidate, __reserved);                        \
		cr_expect_eq(sizeof(P##viommu_alloc), sizeof(Q##viommu_alloc));                   \
		FIELD(P##viommu_alloc, Q##viommu_alloc, flags);                                   \
		FIELD(P##viommu_alloc, Q##viommu_alloc, type);                                    \
		FIELD(P##viommu_alloc, Q##viommu_alloc, dev_id);                                  \
		FIELD(P##viommu_alloc, Q##viommu_alloc, hwpt_id);                                 \
		FIELD(P##viommu_alloc, Q##viommu_alloc, out_viommu_id);                           \
		FIELD(P##viommu_alloc, Q##viommu_alloc, data_len);                                \
		FIELD(P##viommu_alloc, Q##viommu_alloc, __reserved);                              \
		FIELD(P##viommu_alloc, Q##viommu_alloc, data_uptr);                               \
		cr_expect_eq(sizeof(P##vdevice_alloc), sizeof(Q##vdevice_alloc));                 \
		FIELD(P##vdevice_alloc, Q##vdevice_alloc, viommu_id);                             \
		FIELD(P##vdevice_alloc, Q##vdevice_alloc, dev_id);                                \
		FIELD(P##vdevice_alloc, Q##vdevice_alloc, out_vdevice_id);                        \
		FIELD(P##vdevice_alloc, Q##vdevice_alloc, virt_id);                               \
		cr_expect_eq(sizeof(P##vfio_ioas), sizeof(Q##vfio_ioas));	\
		FIELD(P##vfio_ioas, Q##vfio_ioas, ioas_id);	\
		FIELD(P##vfio_ioas, Q##vfio_ioas, op);	\
		FIELD(P##vfio_ioas, Q##vfio_ioas, __reserved);	\
		cr_expect_eq(sizeof(P##set_dirty), sizeof(Q##set_dirty));	\
		FIELD(P##set_dirty, Q##set_dirty, flags);	\
		FIELD(P##set_dirty, Q##set_dirty, hwpt_id);	\
		FIELD(P##set_dirty, Q##set_dirty, __reserved);	\
		cr_expect_eq(sizeof(P##get_dirty), sizeof(Q##get_dirty));	\
		FIELD(P##get_dirty, Q##get_dirty, hwpt_id);	\
		FIELD(P##get_dirty, Q##get_dirty, flags);	\
		FIELD(P##get_dirty, Q##get_dirty, __reserved);	\
		FIELD(P##get_dirty, Q##get_dirty, iova);	\
		FIELD(P##get_dirty, Q##get_dirty, length);	\
		FIELD(P##get_dirty, Q##get_dirty, page_size);	\
		FIELD(P##get_dirty, Q##get_dirty, data);	\
		cr_expect_eq(sizeof(P##fault_alloc), sizeof(Q##fault_alloc));	\
		FIELD(P##fault_alloc, Q##fault_alloc, flags);	\
		FIELD(P##fault_alloc, Q##fault_alloc, out_fault_id);	\
		FIELD(P##fault_alloc, Q##fault_alloc, out_fault_fd);	\
		cr_expect_eq(sizeof(P##pgfault), sizeof(Q##pgfault));	\
		FIELD(P##pgfault, Q##pgfault, flags);	\
		FIELD(P##pgfault, Q##pgfault, dev_id);	\
		FIELD(P##pgfault, Q##pgfault, pasid);	\
		FIELD(P##pgfault, Q##pgfault, grpid);	\
		FIELD(P##pgfault, Q##pgfault, perm);	\
		FIELD(P##pgfault, Q##pgfault, __reserved);	\
		FIELD(P##pgfault, Q##pgfault, addr);	\
		FIELD(P##pgfault, Q##pgfault, length);	\
		FIELD(P##pgfault, Q##pgfault, cookie);	\
		cr_expect_eq(sizeof(P##page_response), sizeof(Q##page_response));	\
		FIELD(P##page_response, Q##page_response, cookie);	\
		FIELD(P##page_response, Q##page_response, code);	\
		cr_expect_eq(sizeof(P##map_file), sizeof(Q##map_file));	\
		FIELD(P##map_file, Q##map_file, flags);	\
		FIELD(P##map_file, Q##map_file, ioas_id);	\
		FIELD(P##map_file, Q##map_file, fd);	\
		FIELD(P##map_file, Q##map_file, start);	\
		FIELD(P##map_file, Q##map_file, length);	\
		FIELD(P##map_file, Q##map_file, iova);	\
		cr_expect_eq(sizeof(P##change_process), sizeof(Q##change_process));	\
		FIELD(P##change_process, Q##change_process, __reserved);	\
		cr_expect_eq(sizeof(P##vevent_header), sizeof(Q##vevent_header));	\
		FIELD(P##vevent_header, Q##vevent_header, flags);	\
		FIELD(P##vevent_header, Q##vevent_header, sequence);	\
		cr_expect_eq(sizeof(P##vevent_arm_smmuv3), sizeof(Q##vevent_arm_smmuv3));	\
		FIELD(P##vevent_arm_smmuv3, Q##vevent_arm_smmuv3, evt);	\
		cr_expect_eq(sizeof(P##veventq_alloc), sizeof(Q##veventq_alloc));	\
		FIELD(P##veventq_alloc, Q##veventq_alloc, flags);	\
		FIELD(P##veventq_alloc, Q##veventq_alloc, viommu_id);	\
		FIELD(P##veventq_alloc, Q##veventq_alloc, type);	\
		FIELD(P##veventq_alloc, Q##veventq_alloc, veventq_depth);	\
		FIELD(P##veventq_alloc, Q##veventq_alloc, out_veventq_id);	\
		FIELD(P##veventq_alloc, Q##veventq_alloc, out_veventq_fd);	\
		FIELD(P##veventq_alloc, Q##veventq_alloc, __reserved);	\
		cr_expect_eq(sizeof(P##hw_queue_alloc), sizeof(Q##hw_queue_alloc));	\
		FIELD(P##hw_queue_alloc, Q##hw_queue_alloc, flags);	\
		FIELD(P##hw_queue_alloc, Q##hw_queue_alloc, viommu_id);	\
		FIELD(P##hw_queue_alloc, Q##hw_queue_alloc, type);	\
		FIELD(P##hw_queue_alloc, Q##hw_queue_alloc, index);	\
		FIELD(P##hw_queue_alloc, Q##hw_queue_alloc, out_hw_queue_id);	\
		FIELD(P##hw_queue_alloc, Q##hw_queue_alloc, nesting_parent_iova);	\
		FIELD(P##hw_queue_alloc, Q##hw_queue_alloc, length);	\
		cr_expect_eq(sizeof(P##noiommu_get_pa), sizeof(Q##noiommu_get_pa));	\
		FIELD(P##noiommu_get_pa, Q##noiommu_get_pa, flags);	\
		FIELD(P##noiommu_get_pa, Q##noiommu_get_pa, ioas_id);	\
		FIELD(P##noiommu_get_pa, Q##noiommu_get_pa, __reserved);	\
		FIELD(P##noiommu_get_pa, Q##noiommu_get_pa, iova);	\
		FIELD(P##noiommu_get_pa, Q##noiommu_get_pa, length);	\
		FIELD(P##noiommu_get_pa, Q##noiommu_get_pa, out_phys);	\
	} while (0)

/* the sizes 7.3's ioctl table is built from, whatever the header */
Test(iommufd_abi, sizes_the_kernel_checks)
{
	cr_expect_eq(sizeof(sim_destroy), 8);
	cr_expect_eq(sizeof(sim_ioas_alloc), 12);
	cr_expect_eq(sizeof(sim_iova_range), 16);
	cr_expect_eq(sizeof(sim_iova_ranges), 32);
	cr_expect_eq(sizeof(sim_allow_iovas), 24);
	cr_expect_eq(sizeof(sim_map), 40);
	cr_expect_eq(sizeof(sim_copy), 40);
	cr_expect_eq(sizeof(sim_unmap), 24);
	cr_expect_eq(sizeof(sim_option), 24);
	cr_expect_eq(sizeof(sim_hwpt_alloc), 48);
	cr_expect_eq(sizeof(sim_hwpt_arm_smmuv3), 16);
	cr_expect_eq(sizeof(sim_hw_info_arm_smmuv3), 40);
	cr_expect_eq(sizeof(sim_hw_info), 40);
	cr_expect_eq(sizeof(sim_hwpt_invalidate), 32);
	cr_expect_eq(sizeof(sim_viommu_alloc), 40);
	cr_expect_eq(sizeof(sim_vdevice_alloc), 24);
	cr_expect_eq(sizeof(sim_vfio_ioas), 12);
	cr_expect_eq(sizeof(sim_set_dirty), 16);
	cr_expect_eq(sizeof(sim_get_dirty), 48);
	cr_expect_eq(sizeof(sim_fault_alloc), 16);
	cr_expect_eq(sizeof(sim_pgfault), 40);
	cr_expect_eq(sizeof(sim_page_response), 8);
	cr_expect_eq(sizeof(sim_map_file), 40);
	cr_expect_eq(sizeof(sim_change_process), 8);
	cr_expect_eq(sizeof(sim_vevent_header), 8);
	cr_expect_eq(sizeof(sim_vevent_arm_smmuv3), 32);
	cr_expect_eq(sizeof(sim_veventq_alloc), 32);
	cr_expect_eq(sizeof(sim_hw_queue_alloc), 40);
	cr_expect_eq(sizeof(sim_noiommu_get_pa), 40);
	cr_expect_eq(IOMMU_DESTROY, 0x3b80);
	cr_expect_eq(IOMMU_OPTION, 0x3b87);
}

#ifdef IOMMUSIM_LINUX73_IOMMUFD_H
/* the real header's names, moved aside so that both sets live in this file */
#define iommu_destroy k_iommu_destroy
#define iommu_ioas_alloc k_iommu_ioas_alloc
#define iommu_iova_range k_iommu_iova_range
#define iommu_ioas_iova_ranges k_iommu_ioas_iova_ranges
#define iommu_ioas_allow_iovas k_iommu_ioas_allow_iovas
#define iommu_ioas_map k_iommu_ioas_map
#define iommu_ioas_copy k_iommu_ioas_copy
#define iommu_ioas_unmap k_iommu_ioas_unmap
#define iommu_option k_iommu_option
#define iommufd_ioas_map_flags k_iommufd_ioas_map_flags
#define iommufd_option k_iommufd_option
#define iommufd_option_ops k_iommufd_option_ops
#define iommu_hwpt_alloc k_iommu_hwpt_alloc
#define iommu_hwpt_arm_smmuv3 k_iommu_hwpt_arm_smmuv3
#define iommu_hw_info_arm_smmuv3 k_iommu_hw_info_arm_smmuv3
#define iommu_hw_info k_iommu_hw_info
#define iommu_viommu_arm_smmuv3_invalidate k_iommu_viommu_arm_smmuv3_invalidate
#define iommu_hwpt_invalidate k_iommu_hwpt_invalidate
#define iommu_viommu_alloc k_iommu_viommu_alloc
#define iommu_vdevice_alloc k_iommu_vdevice_alloc
#define iommufd_hwpt_alloc_flags k_iommufd_hwpt_alloc_flags
#define iommu_hwpt_data_type k_iommu_hwpt_data_type
#define iommu_hw_info_arm_smmuv3_flags k_iommu_hw_info_arm_smmuv3_flags
#define iommu_hw_info_type k_iommu_hw_info_type
#define iommufd_hw_capabilities k_iommufd_hw_capabilities
#define iommufd_hw_info_flags k_iommufd_hw_info_flags
#define iommu_hwpt_invalidate_data_type k_iommu_hwpt_invalidate_data_type
#define iommu_viommu_type k_iommu_viommu_type
#define IOMMU_HWPT_ALLOC_NEST_PARENT K_IOMMU_HWPT_ALLOC_NEST_PARENT
#define IOMMU_HWPT_ALLOC_DIRTY_TRACKING K_IOMMU_HWPT_ALLOC_DIRTY_TRACKING
#define IOMMU_HWPT_FAULT_ID_VALID K_IOMMU_HWPT_FAULT_ID_VALID
#define IOMMU_HWPT_ALLOC_PASID K_IOMMU_HWPT_ALLOC_PASID
#define IOMMU_HWPT_DATA_NONE K_IOMMU_HWPT_DATA_NONE
#define IOMMU_HWPT_DATA_VTD_S1 K_IOMMU_HWPT_DATA_VTD_S1
#define IOMMU_HWPT_DATA_ARM_SMMUV3 K_IOMMU_HWPT_DATA_ARM_SMMUV3
#define IOMMU_HWPT_DATA_AMD_GUEST K_IOMMU_HWPT_DATA_AMD_GUEST
#define IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI K_IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI
#define IOMMU_HW_INFO_TYPE_NONE K_IOMMU_HW_INFO_TYPE_NONE
#define IOMMU_HW_INFO_TYPE_DEFAULT K_IOMMU_HW_INFO_TYPE_DEFAULT
#define IOMMU_HW_INFO_TYPE_INTEL_VTD K_IOMMU_HW_INFO_TYPE_INTEL_VTD
#define IOMMU_HW_INFO_TYPE_ARM_SMMUV3 K_IOMMU_HW_INFO_TYPE_ARM_SMMUV3
#define IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV K_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV
#define IOMMU_HW_INFO_TYPE_AMD K_IOMMU_HW_INFO_TYPE_AMD
#define IOMMU_HW_CAP_DIRTY_TRACKING K_IOMMU_HW_CAP_DIRTY_TRACKING
#define IOMMU_HW_CAP_PCI_PASID_EXEC K_IOMMU_HW_CAP_PCI_PASID_EXEC
#define IOMMU_HW_CAP_PCI_PASID_PRIV K_IOMMU_HW_CAP_PCI_PASID_PRIV
#define IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED K_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED
#define IOMMU_HW_INFO_FLAG_INPUT_TYPE K_IOMMU_HW_INFO_FLAG_INPUT_TYPE
#define IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 K_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1
#define IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 K_IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3
#define IOMMU_VIOMMU_TYPE_DEFAULT K_IOMMU_VIOMMU_TYPE_DEFAULT
#define IOMMU_VIOMMU_TYPE_ARM_SMMUV3 K_IOMMU_VIOMMU_TYPE_ARM_SMMUV3
#define IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV K_IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV
#define IOMMUFD_CMD_BASE K_IOMMUFD_CMD_BASE
#define IOMMUFD_CMD_DESTROY K_IOMMUFD_CMD_DESTROY
#define IOMMUFD_CMD_IOAS_ALLOC K_IOMMUFD_CMD_IOAS_ALLOC
#define IOMMUFD_CMD_IOAS_ALLOW_IOVAS K_IOMMUFD_CMD_IOAS_ALLOW_IOVAS
#define IOMMUFD_CMD_IOAS_COPY K_IOMMUFD_CMD_IOAS_COPY
#define IOMMUFD_CMD_IOAS_IOVA_RANGES K_IOMMUFD_CMD_IOAS_IOVA_RANGES
#define IOMMUFD_CMD_IOAS_MAP K_IOMMUFD_CMD_IOAS_MAP
#define IOMMUFD_CMD_IOAS_UNMAP K_IOMMUFD_CMD_IOAS_UNMAP
#define IOMMUFD_CMD_OPTION K_IOMMUFD_CMD_OPTION
#define IOMMUFD_CMD_VFIO_IOAS K_IOMMUFD_CMD_VFIO_IOAS
#define IOMMUFD_CMD_HWPT_ALLOC K_IOMMUFD_CMD_HWPT_ALLOC
#define IOMMUFD_CMD_GET_HW_INFO K_IOMMUFD_CMD_GET_HW_INFO
#define IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING K_IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING
#define IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP K_IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP
#define IOMMUFD_CMD_HWPT_INVALIDATE K_IOMMUFD_CMD_HWPT_INVALIDATE
#define IOMMUFD_CMD_FAULT_QUEUE_ALLOC K_IOMMUFD_CMD_FAULT_QUEUE_ALLOC
#define IOMMUFD_CMD_IOAS_MAP_FILE K_IOMMUFD_CMD_IOAS_MAP_FILE
#define IOMMUFD_CMD_VIOMMU_ALLOC K_IOMMUFD_CMD_VIOMMU_ALLOC
#define IOMMUFD_CMD_VDEVICE_ALLOC K_IOMMUFD_CMD_VDEVICE_ALLOC
#define IOMMUFD_CMD_IOAS_CHANGE_PROCESS K_IOMMUFD_CMD_IOAS_CHANGE_PROCESS
#define IOMMUFD_CMD_VEVENTQ_ALLOC K_IOMMUFD_CMD_VEVENTQ_ALLOC
#define IOMMUFD_CMD_HW_QUEUE_ALLOC K_IOMMUFD_CMD_HW_QUEUE_ALLOC
#define IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA K_IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA
#define IOMMU_IOAS_MAP_FIXED_IOVA K_IOMMU_IOAS_MAP_FIXED_IOVA
#define IOMMU_IOAS_MAP_WRITEABLE K_IOMMU_IOAS_MAP_WRITEABLE
#define IOMMU_IOAS_MAP_READABLE K_IOMMU_IOAS_MAP_READABLE
#define IOMMU_OPTION_RLIMIT_MODE K_IOMMU_OPTION_RLIMIT_MODE
#define IOMMU_OPTION_HUGE_PAGES K_IOMMU_OPTION_HUGE_PAGES
#define IOMMU_OPTION_OP_SET K_IOMMU_OPTION_OP_SET
#define IOMMU_OPTION_OP_GET K_IOMMU_OPTION_OP_GET
#define iommu_vfio_ioas k_iommu_vfio_ioas
#define iommu_hwpt_set_dirty_tracking k_iommu_hwpt_set_dirty_tracking
#define iommu_hwpt_get_dirty_bitmap k_iommu_hwpt_get_dirty_bitmap
#define iommu_fault_alloc k_iommu_fault_alloc
#define iommu_hwpt_pgfault k_iommu_hwpt_pgfault
#define iommu_hwpt_page_response k_iommu_hwpt_page_response
#define iommu_ioas_map_file k_iommu_ioas_map_file
#define iommu_ioas_change_process k_iommu_ioas_change_process
#define iommufd_vevent_header k_iommufd_vevent_header
#define iommu_vevent_arm_smmuv3 k_iommu_vevent_arm_smmuv3
#define iommu_veventq_alloc k_iommu_veventq_alloc
#define iommu_hw_queue_alloc k_iommu_hw_queue_alloc
#define iommu_ioas_noiommu_get_pa k_iommu_ioas_noiommu_get_pa
#define iommufd_vfio_ioas_op k_iommufd_vfio_ioas_op
#define iommufd_hwpt_set_dirty_tracking_flags k_iommufd_hwpt_set_dirty_tracking_flags
#define iommufd_hwpt_get_dirty_bitmap_flags k_iommufd_hwpt_get_dirty_bitmap_flags
#define iommufd_page_response_code k_iommufd_page_response_code
#define iommu_veventq_flag k_iommu_veventq_flag
#define iommu_veventq_type k_iommu_veventq_type
#define iommu_hw_queue_type k_iommu_hw_queue_type
#define IOMMU_VFIO_IOAS_GET K_IOMMU_VFIO_IOAS_GET
#define IOMMU_VFIO_IOAS_SET K_IOMMU_VFIO_IOAS_SET
#define IOMMU_VFIO_IOAS_CLEAR K_IOMMU_VFIO_IOAS_CLEAR
#define IOMMU_HWPT_DIRTY_TRACKING_ENABLE K_IOMMU_HWPT_DIRTY_TRACKING_ENABLE
#define IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR K_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR
#define IOMMUFD_PAGE_RESP_SUCCESS K_IOMMUFD_PAGE_RESP_SUCCESS
#define IOMMUFD_PAGE_RESP_INVALID K_IOMMUFD_PAGE_RESP_INVALID
#define IOMMU_VEVENTQ_FLAG_LOST_EVENTS K_IOMMU_VEVENTQ_FLAG_LOST_EVENTS
#define IOMMU_VEVENTQ_TYPE_DEFAULT K_IOMMU_VEVENTQ_TYPE_DEFAULT
#define IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 K_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3
#define IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV K_IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV
#define IOMMU_HW_QUEUE_TYPE_DEFAULT K_IOMMU_HW_QUEUE_TYPE_DEFAULT
#define IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV K_IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV
#include IOMMUSIM_LINUX73_IOMMUFD_H

typedef struct iommu_destroy k_destroy;
typedef struct iommu_ioas_alloc k_ioas_alloc;
typedef struct iommu_iova_range k_iova_range;
typedef struct iommu_ioas_iova_ranges k_iova_ranges;
typedef struct iommu_ioas_allow_iovas k_allow_iovas;
typedef struct iommu_ioas_map k_map;
typedef struct iommu_ioas_copy k_copy;
typedef struct iommu_ioas_unmap k_unmap;
typedef struct iommu_option k_option;
typedef struct iommu_hwpt_alloc k_hwpt_alloc;
typedef struct iommu_hwpt_arm_smmuv3 k_hwpt_arm_smmuv3;
typedef struct iommu_hw_info_arm_smmuv3 k_hw_info_arm_smmuv3;
typedef struct iommu_hw_info k_hw_info;
typedef struct iommu_viommu_arm_smmuv3_invalidate k_viommu_arm_smmuv3_invalidate;
typedef struct iommu_hwpt_invalidate k_hwpt_invalidate;
typedef struct iommu_viommu_alloc k_viommu_alloc;
typedef struct iommu_vdevice_alloc k_vdevice_alloc;
typedef struct iommu_vfio_ioas k_vfio_ioas;
typedef struct iommu_hwpt_set_dirty_tracking k_set_dirty;
typedef struct iommu_hwpt_get_dirty_bitmap k_get_dirty;
typedef struct iommu_fault_alloc k_fault_alloc;
typedef struct iommu_hwpt_pgfault k_pgfault;
typedef struct iommu_hwpt_page_response k_page_response;
typedef struct iommu_ioas_map_file k_map_file;
typedef struct iommu_ioas_change_process k_change_process;
typedef struct iommufd_vevent_header k_vevent_header;
typedef struct iommu_vevent_arm_smmuv3 k_vevent_arm_smmuv3;
typedef struct iommu_veventq_alloc k_veventq_alloc;
typedef struct iommu_hw_queue_alloc k_hw_queue_alloc;
typedef struct iommu_ioas_noiommu_get_pa k_noiommu_get_pa;

Test(iommufd_abi, equals_the_7_3_header)
{
	COMPARE_ALL(sim_, k_);
	/* the ioctl macros now expand to the real header's numbers */
	const unsigned long k_ioctls[] = {
		IOMMU_DESTROY, IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_COPY,
		IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP, IOMMU_OPTION,
		IOMMU_HWPT_ALLOC, IOMMU_GET_HW_INFO, IOMMU_HWPT_INVALIDATE, IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC,
		IOMMU_VFIO_IOAS, IOMMU_HWPT_SET_DIRTY_TRACKING, IOMMU_HWPT_GET_DIRTY_BITMAP, IOMMU_FAULT_QUEUE_ALLOC, IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_CHANGE_PROCESS, IOMMU_VEVENTQ_ALLOC, IOMMU_HW_QUEUE_ALLOC, IOMMU_IOAS_NOIOMMU_GET_PA,
	};
	const unsigned int k_values[] = {
		IOMMUFD_CMD_BASE, IOMMUFD_CMD_DESTROY, IOMMUFD_CMD_IOAS_ALLOC, IOMMUFD_CMD_IOAS_ALLOW_IOVAS,
		IOMMUFD_CMD_IOAS_COPY, IOMMUFD_CMD_IOAS_IOVA_RANGES, IOMMUFD_CMD_IOAS_MAP, IOMMUFD_CMD_IOAS_UNMAP,
		IOMMUFD_CMD_OPTION, IOMMUFD_CMD_VFIO_IOAS, IOMMUFD_CMD_HWPT_ALLOC, IOMMUFD_CMD_GET_HW_INFO,
		IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING, IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP, IOMMUFD_CMD_HWPT_INVALIDATE,
		IOMMUFD_CMD_FAULT_QUEUE_ALLOC, IOMMUFD_CMD_IOAS_MAP_FILE, IOMMUFD_CMD_VIOMMU_ALLOC,
		IOMMUFD_CMD_VDEVICE_ALLOC, IOMMUFD_CMD_IOAS_CHANGE_PROCESS, IOMMUFD_CMD_VEVENTQ_ALLOC,
		IOMMUFD_CMD_HW_QUEUE_ALLOC, IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA,
		IOMMU_IOAS_MAP_FIXED_IOVA, IOMMU_IOAS_MAP_WRITEABLE, IOMMU_IOAS_MAP_READABLE,
		IOMMU_OPTION_RLIMIT_MODE, IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_SET, IOMMU_OPTION_OP_GET,
		IOMMU_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, IOMMU_HWPT_FAULT_ID_VALID,
		IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_DATA_NONE, IOMMU_HWPT_DATA_VTD_S1,
		IOMMU_HWPT_DATA_ARM_SMMUV3, IOMMU_HWPT_DATA_AMD_GUEST, IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
		IOMMU_HW_INFO_TYPE_NONE, IOMMU_HW_INFO_TYPE_DEFAULT, IOMMU_HW_INFO_TYPE_INTEL_VTD,
		IOMMU_HW_INFO_TYPE_ARM_SMMUV3, IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, IOMMU_HW_INFO_TYPE_AMD,
		IOMMU_HW_CAP_DIRTY_TRACKING, IOMMU_HW_CAP_PCI_PASID_EXEC, IOMMU_HW_CAP_PCI_PASID_PRIV,
		IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED, IOMMU_HW_INFO_FLAG_INPUT_TYPE, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, IOMMU_VIOMMU_TYPE_DEFAULT, IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
		IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
		IOMMU_VFIO_IOAS_GET, IOMMU_VFIO_IOAS_SET, IOMMU_VFIO_IOAS_CLEAR, IOMMU_HWPT_DIRTY_TRACKING_ENABLE, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, IOMMUFD_PAGE_RESP_SUCCESS, IOMMUFD_PAGE_RESP_INVALID, IOMMU_VEVENTQ_FLAG_LOST_EVENTS, IOMMU_VEVENTQ_TYPE_DEFAULT, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, IOMMU_HW_QUEUE_TYPE_DEFAULT, IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
	};
	for (size_t i = 0; i < sizeof(k_ioctls) / sizeof(k_ioctls[0]); i++)
		cr_expect_eq(sim_ioctls[i], k_ioctls[i], "ioctl %zu: %#lx, 7.3 %#lx", i, sim_ioctls[i], k_ioctls[i]);
	for (size_t i = 0; i < sizeof(k_values) / sizeof(k_values[0]); i++)
		cr_expect_eq(sim_values[i], k_values[i], "value %zu: %#x, 7.3 %#x", i, sim_values[i], k_values[i]);
}
#else
Test(iommufd_abi, equals_the_7_3_header, .disabled = true)
{
}
#endif
