/*
 * The iommufd uAPI of Linux 7.3 (<linux/iommufd.h>) that the model serves
 * so far: the ioctl numbers, the IOAS and option structs, their flags.
 * Debian 12's headers predate the file, so the layouts are written here;
 * tests/unit/test_iommufd_abi.c compares them with the 7.3 tree's header
 * when the build finds one. Every struct begins with its size (u32): the
 * caller's idea of the struct, which the kernel compares with its own.
 */
#ifndef IOMMUSIM_UAPI_IOMMUFD_ABI_H
#define IOMMUSIM_UAPI_IOMMUFD_ABI_H

#include <stdint.h>
#include <sys/ioctl.h>

/* 64-bit members are 8-byte aligned on every ABI (__aligned_u64) */
typedef uint64_t iommufd_aligned_u64 __attribute__((aligned(8)));

#define IOMMUFD_TYPE (';')

/* the command numbers (_IOC_NR); IOMMUFD_CMD_BASE is the first */
enum {
	IOMMUFD_CMD_BASE = 0x80,
	IOMMUFD_CMD_DESTROY = IOMMUFD_CMD_BASE,
	IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
	IOMMUFD_CMD_IOAS_COPY = 0x83,
	IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IOMMUFD_CMD_IOAS_MAP = 0x85,
	IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IOMMUFD_CMD_OPTION = 0x87,
	IOMMUFD_CMD_VFIO_IOAS = 0x88,
	IOMMUFD_CMD_HWPT_ALLOC = 0x89,
	IOMMUFD_CMD_GET_HW_INFO = 0x8a,
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
	IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
	IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
	IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
	IOMMUFD_CMD_VIOMMU_ALLOC = 0x90,
	IOMMUFD_CMD_VDEVICE_ALLOC = 0x91,
	IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
	IOMMUFD_CMD_VEVENTQ_ALLOC = 0x93,
	IOMMUFD_CMD_HW_QUEUE_ALLOC = 0x94,
	IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA = 0x95,
};

/* IOMMU_DESTROY: drop the object with this id */
struct iommu_destroy {
	uint32_t size;
	uint32_t id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)

/* IOMMU_IOAS_ALLOC: a new, empty I/O address space */
struct iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;			/* none defined */
	uint32_t out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

/* an inclusive IOVA range */
struct iommu_iova_range {
	iommufd_aligned_u64 start;
	iommufd_aligned_u64 last;
};

/* IOMMU_IOAS_IOVA_RANGES: the IOVA ranges a map may use */
struct iommu_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;		/* in: room in allowed_iovas; out: how many there are */
	uint32_t __reserved;
	iommufd_aligned_u64 allowed_iovas;	/* user pointer to struct iommu_iova_range[] */
	iommufd_aligned_u64 out_iova_alignment;
};
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_IOVA_RANGES)

/* IOMMU_IOAS_ALLOW_IOVAS: restrict allocated IOVAs to these ranges */
struct iommu_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t __reserved;
	iommufd_aligned_u64 allowed_iovas;
};
#define IOMMU_IOAS_ALLOW_IOVAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOW_IOVAS)

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

/* IOMMU_IOAS_MAP: map user memory at a fixed or an allocated IOVA */
struct iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t __reserved;
	iommufd_aligned_u64 user_va;
	iommufd_aligned_u64 length;
	iommufd_aligned_u64 iova;
};
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

/* IOMMU_IOAS_COPY: map the pages behind src's IOVA range into dst */
struct iommu_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	iommufd_aligned_u64 length;
	iommufd_aligned_u64 dst_iova;
	iommufd_aligned_u64 src_iova;
};
#define IOMMU_IOAS_COPY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_COPY)

/* IOMMU_IOAS_UNMAP: unmap whole mappings inside the range; iova 0, length U64_MAX: all */
struct iommu_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	iommufd_aligned_u64 iova;
	iommufd_aligned_u64 length;	/* out: the bytes unmapped */
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)

enum iommufd_option {
	IOMMU_OPTION_RLIMIT_MODE = 0,
	IOMMU_OPTION_HUGE_PAGES = 1,
};

enum iommufd_option_ops {
	IOMMU_OPTION_OP_SET = 0,
	IOMMU_OPTION_OP_GET = 1,
};

/* IOMMU_OPTION: get or set a context-wide or per-object option */
struct iommu_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t __reserved;
	uint32_t object_id;
	iommufd_aligned_u64 val64;
};
#define IOMMU_OPTION _IO(IOMMUFD_TYPE, IOMMUFD_CMD_OPTION)

#endif
