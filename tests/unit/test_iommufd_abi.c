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

static const unsigned long sim_ioctls[] = {
	IOMMU_DESTROY, IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_COPY,
	IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP, IOMMU_OPTION,
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

Test(iommufd_abi, equals_the_7_3_header)
{
	COMPARE_ALL(sim_, k_);
	/* the ioctl macros now expand to the real header's numbers */
	const unsigned long k_ioctls[] = {
		IOMMU_DESTROY, IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_COPY,
		IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP, IOMMU_OPTION,
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
