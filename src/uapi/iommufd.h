/*
 * iommufd (Linux 7.3, drivers/iommu/iommufd): the file /dev/iommu gives,
 * its table of objects, and the I/O address spaces (IOAS) user space maps
 * its memory into. Each open of /dev/iommu is one iommufd_ctx; objects get
 * ids from 1 up, the lowest free first (xa_alloc over an XA_FLAGS_ALLOC1
 * xarray), and live until IOMMU_DESTROY or the file's release.
 *
 * What is modelled so far: the context, IOMMU_DESTROY, IOMMU_OPTION and the
 * IOAS ioctls with no device attached. Devices (VFIO_DEVICE_BIND_IOMMUFD,
 * which adds the IOMMUFD_OBJ_DEVICE object and the device's reserved
 * regions to its IOAS), HWPTs, vIOMMUs and vDEVICEs are the next steps:
 * their object types are named below, their ioctls answer ENOTTY for now.
 */
#ifndef IOMMUSIM_UAPI_IOMMUFD_H
#define IOMMUSIM_UAPI_IOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include "base/device.h"
#include "uapi/iommufd_abi.h"

struct kernel;
struct iommu_group;
struct iommu_domain;
struct iommu_device;
struct arm_vsmmu;
struct uapi_user_block;
struct uapi_file;
struct iommufd_fault;

/* enum iommufd_object_type: the kinds of object 7.3 has */
enum iommufd_object_type {
	IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_DEVICE,		/* VFIO_DEVICE_BIND_IOMMUFD */
	IOMMUFD_OBJ_HWPT_PAGING,	/* IOMMU_HWPT_ALLOC, or an attach to an IOAS */
	IOMMUFD_OBJ_HWPT_NESTED,
	IOMMUFD_OBJ_IOAS,
	IOMMUFD_OBJ_ACCESS,
	IOMMUFD_OBJ_FAULT,
	IOMMUFD_OBJ_VIOMMU,		/* IOMMU_VIOMMU_ALLOC */
	IOMMUFD_OBJ_VDEVICE,
	IOMMUFD_OBJ_VEVENTQ,
	IOMMUFD_OBJ_HW_QUEUE,
	IOMMUFD_OBJ_ANY = 255,		/* iommufd_get_object(): any type */
};

/* struct iommufd_object: the head of every object in the table */
struct iommufd_object {
	u32 id;
	enum iommufd_object_type type;
	/* other objects' references (a HWPT's on its IOAS): DESTROY refuses while > 0 */
	unsigned int users;
};

/*
 * The pages a mapping was made from (struct iopt_pages): a user address
 * range, shared by the areas IOMMU_IOAS_COPY makes from it. With no domain
 * attached nothing is pinned: 7.3 pins when a domain or an access needs
 * the pages.
 */
struct iopt_pages {
	unsigned int refs;		/* kref: the areas that use it */
	u64 uptr;			/* page-aligned user address of the first page */
	u64 npages;
	bool writable;
	/*
	 * IOPT_ADDRESS_FILE (IOMMU_IOAS_MAP_FILE): uptr is an offset in a file.
	 * No file of the model's process is a memfd (shmem or hugetlbfs), so
	 * such pages never pin: memfd_pin_folios()'s EINVAL wherever a domain
	 * needs them.
	 */
	bool file;
};

/* One mapping of an IOAS (struct iopt_area): [iova, last] onto pages from start_byte */
struct iopt_area {
	u64 iova, last;			/* inclusive */
	struct iopt_pages *pages;
	u64 start_byte;			/* offset of iova's byte from pages->uptr */
	int iommu_prot;			/* IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE */
	/*
	 * While the IOAS has a domain its pages are pinned (get_user_pages):
	 * the user memory block and the guest-physical address of iova.
	 * NULL: not pinned.
	 */
	struct uapi_user_block *pinned_block;
	u64 pinned_pa;
};

/* an inclusive IOVA range of an interval tree (allowed, reserved) */
struct iopt_range {
	u64 start, last;
};

/* struct io_pagetable: the IOVA space of an IOAS */
struct io_pagetable {
	struct iopt_area *areas;	/* sorted by iova, never overlapping */
	size_t nareas, capareas;
	struct iopt_range *allowed;	/* IOMMU_IOAS_ALLOW_IOVAS' ranges, sorted; none: all */
	size_t nallowed;
	struct iopt_range *reserved;	/* reserved regions of attached devices, sorted */
	/* who reserved each (iopt_reserve_iova's owner: a device, or a domain for its aperture) */
	const void **reserved_owner;
	size_t nreserved;
	/* the paging domains of the HWPTs on this IOAS (iopt_table_add_domain): each maps every area */
	struct iommu_domain **domains;
	size_t ndomains;
	u64 iova_alignment;		/* 1 with no domain and large pages allowed */
	/* the allocator's largest alignment: HPAGE_SIZE with TRANSPARENT_HUGEPAGE, else PAGE_SIZE */
	u64 max_alloc_alignment;
	bool disable_large_pages;	/* IOMMU_OPTION_HUGE_PAGES = 0 */
};

struct iommufd_ioas {
	struct iommufd_object obj;	/* first: the table's entry is the IOAS */
	struct io_pagetable iopt;
};

static inline struct iommufd_ioas *to_ioas(struct iommufd_object *obj)
{
	return (struct iommufd_ioas *)((char *)obj - offsetof(struct iommufd_ioas, obj));
}

/*
 * The objects beyond the IOAS (iommufd_private.h of 7.3). Each embeds its
 * struct iommufd_object first; the to_*() below step from the table's entry
 * to the object after checking obj->type where the caller does.
 *
 * Ownership of the work (issue 13): the device, attach/detach and the IOAS's
 * domains are iommufd_device.c / vfio_device_cdev.c; HWPT_ALLOC, vIOMMU,
 * vDEVICE, HWPT_INVALIDATE and GET_HW_INFO are iommufd_hw_pagetable.c and
 * iommufd_viommu.c on top of the driver's iommufd ops (smmuv3/iommufd.c).
 */
struct iommufd_hw_pagetable;
struct iommufd_viommu;

/* IOMMUFD_OBJ_DEVICE: a vfio device bound with VFIO_DEVICE_BIND_IOMMUFD */
struct iommufd_device {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct device *dev;
	struct iommu_group *group;
	/* the HWPT the device is attached to (paging or nested), NULL when detached */
	struct iommufd_hw_pagetable *hwpt;
	/* device_iommu_capable(IOMMU_CAP_ENFORCE_CACHE_COHERENCY) */
	bool enforce_cache_coherency;
	/* its vDEVICE (one at most: a second is EEXIST), NULL when none */
	struct iommufd_vdevice *vdev;
	/* the group's software MSI window (the SMMU's 0x8000000), U64_MAX: none (igroup->sw_msi_start) */
	u64 sw_msi_start;
	/* igroup->required_sw_msi: the ictx's MSI pages (by id) its MSIs use */
	u64 required_sw_msi;
};

/* the head of IOMMUFD_OBJ_HWPT_PAGING and IOMMUFD_OBJ_HWPT_NESTED */
struct iommufd_hw_pagetable {
	struct iommufd_object obj;
	struct iommu_domain *domain;
	/* IOMMU_HWPT_FAULT_ID_VALID's fault object (a user of it), NULL without */
	struct iommufd_fault *fault;
};

/* IOMMUFD_OBJ_HWPT_PAGING: a domain that maps its IOAS */
struct iommufd_hwpt_paging {
	struct iommufd_hw_pagetable common;
	struct iommufd_ioas *ioas;
	bool auto_domain;		/* made by an attach to the IOAS, freed at the last detach */
	bool nest_parent;		/* IOMMU_HWPT_ALLOC_NEST_PARENT: a stage-2 domain */
	bool enforce_cache_coherency;
	u64 present_sw_msi;		/* the ictx's MSI pages (by id) mapped in its domain */
};

/* IOMMUFD_OBJ_HWPT_NESTED: the guest's stage 1 over a nest parent (or a vIOMMU's) */
struct iommufd_hwpt_nested {
	struct iommufd_hw_pagetable common;
	struct iommufd_hwpt_paging *parent;
	struct iommufd_viommu *viommu;	/* NULL when allocated on a nest parent directly */
};

/* IOMMUFD_OBJ_VIOMMU: the host's view of the guest's SMMU (one per physical SMMU and VM) */
struct iommufd_viommu {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommu_device *iommu_dev;
	struct iommufd_hwpt_paging *hwpt;	/* the nest parent: its VMID tags the guest's TLB entries */
	u32 type;				/* IOMMU_VIOMMU_TYPE_ARM_SMMUV3 */
	struct arm_vsmmu *vsmmu;		/* the driver's part (smmuv3/iommufd.c) */
	const struct iommufd_viommu_ops *ops;	/* set by the driver's viommu_init */
};

/* IOMMUFD_OBJ_VDEVICE: a device's virtual ID (the guest's StreamID) in a vIOMMU */
struct iommufd_vdevice {
	struct iommufd_object obj;
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	u64 virt_id;
};

#define IOMMUFD_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
static inline struct iommufd_device *to_idev(struct iommufd_object *obj)
{
	return IOMMUFD_CONTAINER_OF(obj, struct iommufd_device, obj);
}
static inline struct iommufd_hw_pagetable *to_hwpt(struct iommufd_object *obj)
{
	return IOMMUFD_CONTAINER_OF(obj, struct iommufd_hw_pagetable, obj);
}
static inline struct iommufd_hwpt_paging *to_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	return IOMMUFD_CONTAINER_OF(hwpt, struct iommufd_hwpt_paging, common);
}
static inline struct iommufd_hwpt_nested *to_hwpt_nested(struct iommufd_hw_pagetable *hwpt)
{
	return IOMMUFD_CONTAINER_OF(hwpt, struct iommufd_hwpt_nested, common);
}
static inline struct iommufd_viommu *to_viommu(struct iommufd_object *obj)
{
	return IOMMUFD_CONTAINER_OF(obj, struct iommufd_viommu, obj);
}
static inline struct iommufd_vdevice *to_vdevice(struct iommufd_object *obj)
{
	return IOMMUFD_CONTAINER_OF(obj, struct iommufd_vdevice, obj);
}

/* the accounting of pinned pages (IOMMU_OPTION_RLIMIT_MODE) */
enum iopt_pages_account_mode {
	IOPT_PAGES_ACCOUNT_NONE,
	IOPT_PAGES_ACCOUNT_USER,	/* user->locked_vm, the iommufd default */
	IOPT_PAGES_ACCOUNT_MM,		/* mm->locked_vm, as VFIO type1 does */
};

/* struct iommufd_ctx: one open /dev/iommu */
/*
 * struct iommufd_sw_msi_map (7.3, iommufd/driver.c): an MSI doorbell page
 * and the IOVA every domain of the context maps it at, the window's start
 * plus pgoff pages; 64 at most per context (the bitmaps' width).
 */
#define IOMMUFD_SW_MSI_MAX 64
struct iommufd_sw_msi_map {
	u64 msi_addr;			/* the doorbell's page */
	u64 sw_msi_start;
	unsigned int pgoff;
	unsigned int id;		/* its bit in present_sw_msi / required_sw_msi */
};

struct iommufd_ctx {
	struct kernel *k;
	struct iommufd_sw_msi_map sw_msi[IOMMUFD_SW_MSI_MAX];	/* sw_msi_list, in order */
	unsigned int nsw_msi;		/* sw_msi_id: the next id */
	/* the object table: objects[id], id 0 never used; NULL: a free id */
	struct iommufd_object **objects;
	size_t nobjects;		/* ids below this have a slot */
	enum iopt_pages_account_mode account_mode;
	/* IOMMU_VFIO_IOAS: the IOAS the VFIO container ioctls use, NULL: none (ENODEV) */
	struct iommufd_ioas *vfio_ioas;
	/* the /dev/iommu file (its event queues' files hold it), NULL for a context made without */
	struct uapi_file *file;
	u64 max_alloc_alignment;	/* for every IOAS's io_pagetable (CONFIG_TRANSPARENT_HUGEPAGE) */
};

/* iommu prot bits (include/linux/iommu.h) */
#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)
#define IOMMU_CACHE	(1 << 2)

/* iommufd_main.c: the file and its object table */
struct iommufd_ctx *iommufd_fops_open(struct kernel *k);
void iommufd_fops_release(struct iommufd_ctx *ictx);
/* ioctl(2) on the file: the return value, or -errno (ENOTTY for what it does not know) */
long iommufd_fops_ioctl(struct iommufd_ctx *ictx, unsigned long cmd, void *arg);
/* /dev/iommu exists: the kernel is built with IOMMUFD */
bool iommufd_devnode_present(struct kernel *k);

/* the object with this id and type (IOMMUFD_OBJ_ANY: any), or NULL (7.3 answers ENOENT) */
struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, u32 id, enum iommufd_object_type type);
/* the IOAS with this id, or NULL (ENOENT): a missing id or another type */
struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx, u32 id);
/* a new object's id (the lowest free from 1); -ENOMEM */
int iommufd_object_add(struct iommufd_ctx *ictx, struct iommufd_object *obj);
/* how many objects the table holds */
size_t iommufd_object_count(const struct iommufd_ctx *ictx);

/* the ioctl's copy of the caller's struct, and where to answer (struct iommufd_ucmd) */
struct iommufd_ucmd {
	struct iommufd_ctx *ictx;
	void *ubuffer;
	u32 user_size;
};
/* copy the kernel's struct back, up to the caller's size */
void iommufd_ucmd_respond(struct iommufd_ucmd *ucmd, const void *cmd, size_t len);

/* iommufd_hw_pagetable.c: IOMMU_HWPT_ALLOC, IOMMU_HWPT_INVALIDATE, IOMMU_GET_HW_INFO */
int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd, struct iommu_hwpt_alloc *cmd);
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd, struct iommu_hwpt_invalidate *cmd);
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd, struct iommu_hw_info *cmd);
void iommufd_hwpt_nested_destroy(struct iommufd_hwpt_nested *hwpt_nested);

/* iommufd_viommu.c: IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC */
int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_viommu_alloc *cmd);
int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_vdevice_alloc *cmd);
void iommufd_viommu_destroy(struct iommufd_viommu *viommu);
void iommufd_vdevice_destroy(struct iommufd_vdevice *vdev);
/* iommufd_viommu_find_dev(): the device of the vDEVICE with this virtual ID, or NULL */
struct device *iommufd_viommu_find_dev(struct iommufd_viommu *viommu, u64 vdev_id);
/*
 * iommufd_device_remove_vdev(): at the device's unbind its vDEVICE goes
 * (the vIOMMU loses a user) and its id stays taken by a tombstone until
 * the file's release: IOMMU_DESTROY of it is ENOENT, no new object gets it.
 */
void iommufd_device_remove_vdev(struct iommufd_device *idev);
/* iommufd_viommu_get_vdev_id(): the virtual ID of dev's vDEVICE in viommu: 0, or -ENOENT */
int iommufd_viommu_get_vdev_id(struct iommufd_viommu *viommu, struct device *dev, u64 *vdev_id);

/* iommufd_vfio_compat.c: VFIO's container ioctls on an iommufd (ENOTTY for the others) */
long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned long cmd, void *arg);

/* iommufd_ioas.c: the IOAS ioctls */
int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd, struct iommu_ioas_alloc *cmd);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd, struct iommu_ioas_iova_ranges *cmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd, struct iommu_ioas_allow_iovas *cmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd, struct iommu_ioas_map *cmd);
struct iopt_pages_slice;
/*
 * Map one slice at *iova (IOMMU_IOAS_MAP_FIXED_IOVA in map_flags) or at an
 * allocated IOVA (returned in *iova), prot from the READABLE/WRITEABLE
 * flags; the slice's page reference passes to the area (dropped on error).
 */
int iommufd_ioas_map_slice(struct iommufd_ioas *ioas, struct iopt_pages_slice *slice, u64 length, u64 *iova,
			   u32 map_flags);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd, struct iommu_ioas_copy *cmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd, struct iommu_ioas_unmap *cmd);
int iommufd_option_rlimit_mode(struct iommufd_ctx *ictx, struct iommu_option *cmd);
int iommufd_ioas_option(struct iommufd_ctx *ictx, struct iommu_option *cmd);
void iommufd_ioas_destroy(struct iommufd_ioas *ioas);

/* iommufd_io_pagetable.c: the IOVA space (io_pagetable.c) */
void iopt_init_table(struct io_pagetable *iopt, u64 max_alloc_alignment);
void iopt_destroy_table(struct io_pagetable *iopt);
/* IOPT_ALLOC_IOVA: pick the IOVA as iopt_alloc_iova() does */
#define IOPT_ALLOC_IOVA (1u << 0)
/*
 * Map the listed page slices back to back at *iova (or at an allocated
 * IOVA, returned in *iova). On error the table is unchanged.
 */
struct iopt_pages_slice {
	struct iopt_pages *pages;
	u64 start_byte;
	u64 length;
};
int iopt_map_pages(struct io_pagetable *iopt, const struct iopt_pages_slice *slices, size_t nslices,
		   u64 length, u64 *iova, int iommu_prot, unsigned int flags);
/* iopt_alloc_user_pages(): a new iopt_pages for [uptr, uptr+length), refs 1; its slice */
int iopt_alloc_user_pages(u64 uptr, u64 length, bool writable, struct iopt_pages_slice *out);
/* iopt_alloc_file_pages(): the same for [start, start+length) of a file (pages->file) */
int iopt_alloc_file_pages(u64 start, u64 length, bool writable, struct iopt_pages_slice *out);
void iopt_put_pages(struct iopt_pages *pages);
/* The slices behind [iova, iova+length), each holding a page reference; *n of them. */
int iopt_get_pages(struct io_pagetable *iopt, u64 iova, u64 length, struct iopt_pages_slice **out,
		   size_t *n);
void iopt_free_pages_list(struct iopt_pages_slice *slices, size_t n);
int iopt_unmap_iova(struct io_pagetable *iopt, u64 iova, u64 length, u64 *unmapped);
int iopt_unmap_all(struct io_pagetable *iopt, u64 *unmapped);
/* Replace the allowed ranges (sorted, non-overlapping): -EADDRINUSE if one meets a reserved range. */
int iopt_set_allow_iova(struct io_pagetable *iopt, struct iopt_range *allowed, size_t n);
/* The holes between reserved ranges in [0, U64_MAX], into out (up to max): how many there are. */
size_t iopt_iova_holes(const struct io_pagetable *iopt, struct iopt_range *out, size_t max);
int iopt_disable_large_pages(struct io_pagetable *iopt);
void iopt_enable_large_pages(struct io_pagetable *iopt);

/*
 * The IOAS's domains (io_pagetable.c of 7.3). iopt_table_add_domain() maps
 * every area into a domain already attached (its page sizes and aperture
 * final), pinning the user pages: 0, -EINVAL (its smallest page is larger
 * than PAGE_SIZE), -EADDRINUSE (an area is not aligned to it, or lies
 * outside its aperture, which becomes reserved), -EFAULT (user memory that
 * cannot be pinned). From then on iopt_map_pages() and the unmaps map and
 * unmap every domain; the IOAS's iova_alignment is the largest smallest
 * page of its domains.
 */
int iopt_table_add_domain(struct io_pagetable *iopt, struct iommu_domain *domain);
void iopt_table_remove_domain(struct io_pagetable *iopt, struct iommu_domain *domain);
/* reserve [start, last] for owner: -EADDRINUSE when an area or an allowed range meets it */
int iopt_reserve_iova(struct io_pagetable *iopt, u64 start, u64 last, const void *owner);
void iopt_remove_reserved_iova(struct io_pagetable *iopt, const void *owner);
/*
 * The device's reserved regions (but DIRECT_RELAXABLE) reserved with dev as
 * owner; *sw_msi_start (when not NULL) the SW_MSI window's start, or
 * U64_MAX. All or nothing: -EADDRINUSE.
 */
/*
 * iommufd_sw_msi() (7.3, driver.c): the doorbell page at msi_addr mapped
 * into the paging domain idev is attached to (a nested HWPT's parent) at its
 * IOVA in the context's window; *msg_addr the address the device must write.
 * 0 (the physical address kept when the group has no SW_MSI window),
 * -EOVERFLOW (64 pages), iommu_map()'s errno.
 */
int iommufd_sw_msi(struct iommufd_device *idev, u64 msi_addr, u64 *msg_addr);
/* iommufd_group_setup_msi(): at a group's first attach, the pages its MSIs use mapped in the new domain */
int iommufd_group_setup_msi(struct iommufd_device *idev, struct iommufd_hwpt_paging *hwpt_paging);

int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt, struct device *dev, u64 *sw_msi_start);

/*
 * iommufd_device.c: the device object (bind), attach, replace and detach,
 * and the automatic paging HWPT of an attach to an IOAS.
 */
/* VFIO_DEVICE_BIND_IOMMUFD's iommufd_device_bind(): the object, DMA ownership of the group */
int iommufd_device_bind(struct iommufd_ctx *ictx, struct device *dev, struct iommufd_device **out);
/* detaches first when attached; destroys the object */
void iommufd_device_unbind(struct iommufd_device *idev);
/* pt_id: an IOAS (an auto HWPT found or made; *pt_id becomes its id) or a paging/nested HWPT */
int iommufd_device_attach(struct iommufd_device *idev, u32 *pt_id);
/* iommufd_device_replace(): from the current HWPT to pt_id's, with no blocking in between */
int iommufd_device_replace(struct iommufd_device *idev, u32 *pt_id);
/* back to the blocking domain; an auto HWPT no device uses any more is destroyed */
void iommufd_device_detach(struct iommufd_device *idev);
/*
 * iommufd_hw_pagetable_attach()/_detach(): the device's group onto hwpt's
 * domain (a paging HWPT's IOAS gets the device's reserved regions first),
 * taking a user of hwpt; usable by any HWPT, auto or made by HWPT_ALLOC.
 */
int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt, struct iommufd_device *idev);
void iommufd_hw_pagetable_detach(struct iommufd_device *idev);
/* a paging HWPT's end: out of its IOAS's domains, its domain freed, the IOAS user dropped */
void iommufd_hwpt_paging_destroy(struct iommufd_hwpt_paging *hwpt_paging);

#endif
