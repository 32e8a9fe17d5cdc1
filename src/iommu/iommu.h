/*
 * IOMMU core (drivers/iommu/iommu.c, 6.1 and 7.3): fwspec, device probe, groups,
 * default domains, DMA ownership, reserved regions.
 */
#ifndef IOMMUSIM_IOMMU_IOMMU_H
#define IOMMUSIM_IOMMU_IOMMU_H

#include "base/device.h"

/* domain types, as include/linux/iommu.h composes them */
#define __IOMMU_DOMAIN_PAGING (1U << 0)
#define __IOMMU_DOMAIN_DMA_API (1U << 1)
#define __IOMMU_DOMAIN_PT (1U << 2)
#define __IOMMU_DOMAIN_DMA_FQ (1U << 3)
#define IOMMU_DOMAIN_BLOCKED (0U)
#define IOMMU_DOMAIN_IDENTITY (__IOMMU_DOMAIN_PT)
#define IOMMU_DOMAIN_UNMANAGED (__IOMMU_DOMAIN_PAGING)
#define IOMMU_DOMAIN_DMA (__IOMMU_DOMAIN_PAGING | __IOMMU_DOMAIN_DMA_API)
#define IOMMU_DOMAIN_DMA_FQ (IOMMU_DOMAIN_DMA | __IOMMU_DOMAIN_DMA_FQ)

/* reserved region types */
enum iommu_resv_type {
	IOMMU_RESV_DIRECT,
	IOMMU_RESV_DIRECT_RELAXABLE,
	IOMMU_RESV_RESERVED,
	IOMMU_RESV_MSI,
	IOMMU_RESV_SW_MSI,
};

struct iommu_resv_region {
	u64 start, length;
	int prot;
	enum iommu_resv_type type;
};

#define IOMMU_MAX_RESV 8

struct iommu_domain;
struct iommu_group;
struct iommu_device;
struct iommu_iotlb_gather;	/* pgtable/io_pgtable.h */

/*
 * iommufd's driver-specific data (include/linux/iommu.h, 7.3): one user
 * struct of a type (HWPT or vIOMMU data), or an array of entries of one
 * length (an invalidation batch; the driver writes back entry_num, how
 * many it handled). The pointers are the caller's memory.
 */
struct iommu_user_data {
	unsigned int type;
	const void *uptr;
	size_t len;
};
struct iommu_user_data_array {
	unsigned int type;
	const void *uptr;
	size_t entry_len;
	u32 entry_num;
};

/* device_iommu_capable()'s questions (enum iommu_cap, the ones iommufd asks) */
enum iommu_cap {
	IOMMU_CAP_CACHE_COHERENCY,
	IOMMU_CAP_NOEXEC,
	IOMMU_CAP_PRE_BOOT_PROTECTION,
	IOMMU_CAP_ENFORCE_CACHE_COHERENCY,
	IOMMU_CAP_DEFERRED_FLUSH,
	IOMMU_CAP_DIRTY_TRACKING,
	IOMMU_CAP_PCI_ATS_SUPPORTED,
};

/* a vIOMMU's driver ops (struct iommufd_viommu_ops of 7.3's include/linux/iommufd.h) */
struct iommufd_viommu;
struct iommufd_vdevice;
struct iommufd_viommu_ops {
	void (*destroy)(struct iommufd_viommu *viommu);
	/* an IOMMU_DOMAIN_NESTED domain from the user's data, or NULL and *err */
	struct iommu_domain *(*alloc_domain_nested)(struct iommufd_viommu *viommu, u32 flags,
						    const struct iommu_user_data *user_data, int *err);
	/* a batch of the guest's invalidation commands: 0 or -errno, array->entry_num handled */
	int (*cache_invalidate)(struct iommufd_viommu *viommu, struct iommu_user_data_array *array);
	/* the driver accepts a new vDEVICE (its virt_id) or refuses it */
	int (*vdevice_init)(struct iommufd_vdevice *vdev);
};

struct iommu_domain_ops {
	int (*attach_dev)(struct iommu_domain *domain, struct device *dev);
	void (*detach_dev)(struct iommu_domain *domain, struct device *dev);
	int (*map_pages)(struct iommu_domain *domain, u64 iova, u64 paddr, size_t pgsize,
			 size_t pgcount, int prot, size_t *mapped);
	/* leaf invalidations go into the caller's gather (none when gather->queued) */
	size_t (*unmap_pages)(struct iommu_domain *domain, u64 iova, size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *gather);
	/* invalidate what the gather holds, and wait for it */
	void (*iotlb_sync)(struct iommu_domain *domain, struct iommu_iotlb_gather *gather);
	u64 (*iova_to_phys)(struct iommu_domain *domain, u64 iova);
	void (*flush_iotlb_all)(struct iommu_domain *domain);
	void (*free)(struct iommu_domain *domain);
	/* 7.3, iommufd: snoop every DMA of the domain (true) or not able to */
	bool (*enforce_cache_coherency)(struct iommu_domain *domain);
	/* 7.3, iommufd: a nested domain's user invalidation batch (NULL: EOPNOTSUPP) */
	int (*cache_invalidate_user)(struct iommu_domain *domain, struct iommu_user_data_array *array);
};

struct iommu_ops {
	const char *name;
	/* 0 and *out, or -errno: the device is not this IOMMU's master */
	int (*probe_device)(struct device *dev, struct iommu_device **out);
	void (*release_device)(struct device *dev);
	struct iommu_group *(*device_group)(struct device *dev);
	struct iommu_domain *(*domain_alloc)(struct kernel *k, unsigned int type);
	int (*of_xlate)(struct device *dev, const u32 *args, int nargs);
	int (*def_domain_type)(struct device *dev);
	int (*get_resv_regions)(struct device *dev, struct iommu_resv_region *out, int max);
	u64 pgsize_bitmap;
	const struct iommu_domain_ops *default_domain_ops;
	/* ---- 7.3, for iommufd (NULL where the driver lacks them) ---- */
	bool (*capable)(struct device *dev, enum iommu_cap cap);
	/* IOMMU_GET_HW_INFO: the driver's data (malloc'd, *length bytes, *type), or NULL and *err */
	void *(*hw_info)(struct device *dev, u32 *length, u32 *type, int *err);
	/* IOMMU_HWPT_ALLOC on an IOAS: a paging domain with IOMMU_HWPT_ALLOC_* flags, or NULL and *err */
	struct iommu_domain *(*domain_alloc_paging_flags)(struct device *dev, u32 flags,
							  const struct iommu_user_data *user_data, int *err);
	/* IOMMU_HWPT_ALLOC on a nest-parent HWPT (no vIOMMU), or NULL and *err */
	struct iommu_domain *(*domain_alloc_nested)(struct device *dev, struct iommu_domain *parent, u32 flags,
						    const struct iommu_user_data *user_data, int *err);
	/* IOMMU_VIOMMU_ALLOC: the vIOMMU's size for this device and type, 0: not supported */
	size_t (*get_viommu_size)(struct device *dev, u32 viommu_type);
	/* ... then its driver part on the nest parent's domain (sets viommu->ops): 0 or -errno */
	int (*viommu_init)(struct iommufd_viommu *viommu, struct iommu_domain *parent_domain,
			   const struct iommu_user_data *user_data);
};

/* A registered IOMMU instance (iommu_device_register) */
struct iommu_device {
	const struct iommu_ops *ops;
	int fwnode;			/* DT node offset of the IOMMU */
	struct device *dev;
	void *priv;			/* driver instance */
	u64 invalidations;		/* IOTLB invalidation commands the driver sent */
};

/* iommu_fwspec.flags (7.3): the root complex writes back cacheable and snoops every DMA (IORT) */
#define IOMMU_FWSPEC_PCI_RC_CANWBS (1U << 1)

struct iommu_fwspec {
	const struct iommu_ops *ops;	/* NULL: the IOMMU driver has not probed yet */
	int iommu_fwnode;
	u32 flags;			/* IOMMU_FWSPEC_* */
	u32 *ids;
	unsigned int num_ids;
};

struct dev_iommu {
	struct iommu_fwspec *fwspec;
	struct iommu_device *iommu_dev;
	void *priv;			/* the IOMMU driver's per-master data */
};

struct iommu_domain {
	unsigned int type;
	const struct iommu_domain_ops *ops;
	u64 pgsize_bitmap;
	struct {
		u64 aperture_start, aperture_end;
		bool force_aperture;
	} geometry;
	struct kernel *k;
	void *iova_cookie;		/* dma-iommu's state for DMA domains */
	void *priv;			/* the IOMMU driver's domain */
	/* 7.3's domain->iopf_handler is set: iommufd's HWPT with a fault queue (IOMMU_HWPT_FAULT_ID_VALID) */
	bool iopf_handler;
};

struct iommu_group {
	struct kernel *k;
	int id;
	struct device **devices;	/* in the order they were added */
	size_t ndevices, cap;
	struct iommu_domain *default_domain;
	struct iommu_domain *blocking_domain;	/* what a user-owned group sits in by itself */
	struct iommu_domain *domain;	/* currently attached */
	unsigned int owner_cnt;
	void *owner;			/* user-space owner (VFIO), NULL: kernel */
};

/* per-kernel state of the IOMMU core */
struct iommu_core {
	unsigned int def_domain_type;
	bool dma_strict;
	bool cmd_line_dma_api, cmd_line_strict;	/* set via kernel command line */
	struct iommu_group **groups;	/* by id; NULL where free (ida) */
	size_t ngroups;
	struct iommu_device **iommus;	/* registered instances */
	size_t niommus;
	/* bus_set_iommu() in 6.1: which ops probe the devices of each bus */
	const struct iommu_ops *bus_ops[4];
	const struct bus_type *bus_ops_bus[4];
	size_t nbus_ops;
	/* the printk_ratelimited() call sites of the type store (iommu_group_store_type) */
	struct ratelimit_state rs_type_count, rs_type_bound, rs_def_not_attached, rs_def_type;
};

struct iommu_core *iommu_core(struct kernel *k);
/*
 * iommu_subsys_init(): default domain type from iommu.passthrough / iommu.strict
 * (and the config defaults), logging Linux's two lines.
 */
int iommu_subsys_init(struct kernel *k, int passthrough, int strict);
void iommu_core_free(struct kernel *k);

/*
 * iommu_device_register(): the instance joins the registered ones; on a
 * kernel that probes at registration (7.3) it also takes the platform and
 * PCI buses and probes every device on them (bus_probe.c). 0 or -ENOMEM.
 */
int iommu_device_register(struct kernel *k, struct iommu_device *iommu);
/* The ops a bus's devices are probed with, or NULL */
const struct iommu_ops *bus_iommu_ops(struct kernel *k, const struct bus_type *bus);
/* Set them: 0 (also when they already are these), -EBUSY (others), -ENOSPC */
int iommu_bus_ops_set(struct kernel *k, const struct bus_type *bus, const struct iommu_ops *ops);
/* 7.3's iommu_device_register() -> bus_iommu_probe() of each of its buses (bus_probe.c) */
int iommu_register_probe_buses(struct kernel *k, struct iommu_device *iommu);
struct iommu_probe_groups;
/*
 * 7.3's __iommu_probe_device(): 0 when dev has (or now got) a group,
 * -ENODEV when it is no IOMMU's master (or its IOMMU refused it), -errno.
 * list NULL: the group's default domain is made now if it has none;
 * otherwise the group waits on the list (bus_iommu_probe()).
 */
int __iommu_probe_device(struct device *dev, struct iommu_probe_groups *list);
/* iommu_ops_from_fwnode() */
const struct iommu_ops *iommu_ops_from_fwnode(struct kernel *k, int fwnode);
struct iommu_device *iommu_device_from_fwnode(struct kernel *k, int fwnode);
/* bus_set_iommu(): set ops for a bus and probe its existing devices */
int bus_set_iommu(struct kernel *k, const struct bus_type *bus, const struct iommu_ops *ops);

/* dev->iommu, allocated on first use (NULL: out of memory); freed with its fwspec */
struct dev_iommu *dev_iommu_get(struct device *dev);
void dev_iommu_free(struct device *dev);
int iommu_fwspec_init(struct device *dev, int iommu_fwnode, const struct iommu_ops *ops);
void iommu_fwspec_free(struct device *dev);
int iommu_fwspec_add_ids(struct device *dev, const u32 *ids, int num);
static inline struct iommu_fwspec *dev_iommu_fwspec_get(struct device *dev)
{
	return dev->iommu ? dev->iommu->fwspec : NULL;
}
static inline bool device_iommu_mapped(struct device *dev)
{
	return dev->iommu_group != NULL;
}

/*
 * iommu_probe_device(): dev's group and default domain. 6.1: with its bus's
 * ops; 7.3: with its fwspec's (__iommu_probe_device()). 0 or -errno.
 */
int iommu_probe_device(struct device *dev);
/* iommu_alloc_default_domain(): the group's default domain, of the type dev or the boot asks */
int iommu_alloc_default_domain(struct iommu_group *group, struct device *dev);
void iommu_release_device(struct device *dev);

struct iommu_group *iommu_group_alloc(struct kernel *k);
struct iommu_group *iommu_group_get(struct device *dev);
int iommu_group_add_device(struct iommu_group *group, struct device *dev);
void iommu_group_remove_device(struct device *dev);
struct iommu_group *generic_device_group(struct device *dev);
struct iommu_group *pci_device_group(struct device *dev);
struct iommu_domain *iommu_get_domain_for_dev(struct device *dev);

const char *iommu_domain_type_sysfs(const struct iommu_domain *domain);
/*
 * Writing /sys/kernel/iommu_groups/N/type: "identity", "DMA", "DMA-FQ" or
 * "auto" (the boot default), with or without a trailing newline; a bad
 * string or a group without a default domain is -EINVAL on both kernels.
 * 7.3 (iommu_version.h's group_type_unowned_groups): DMA -> DMA-FQ in place
 * always; any populated group whose default domain no driver uses gets a
 * new one of that type, every member moved to it; -EPERM, unlogged, when
 * a driver uses it.
 * 6.1 (iommu_group_store_type() and iommu_change_dev_def_domain()): only a group of one
 * device whose driver is unbound changes: a new default domain of that type
 * is allocated and attached (the IOMMU driver rewrites the device's STEs),
 * the old one freed; the next probe sets DMA ops up for the new domain.
 * DMA -> DMA-FQ also works while bound: the domain gains a flush queue in
 * place. 0 (also when the type is the current one), -EINVAL (bad string, no
 * default domain, or more than one device, logged), -EBUSY (a driver is
 * bound, or the group is not in its default domain, logged), -ENOMEM.
 * The messages are rate limited as 6.1's (10 every 5 s a call site).
 */
int iommu_group_store_type(struct iommu_group *group, const char *buf);
int iommu_get_group_resv_regions(struct iommu_group *group, struct iommu_resv_region *out, int max);

/* DMA ownership (seed 001): kernel drivers vs user space on one group */
int iommu_device_use_default_domain(struct device *dev);
void iommu_device_unuse_default_domain(struct device *dev);
int iommu_group_claim_dma_owner(struct iommu_group *group, void *owner);
void iommu_group_release_dma_owner(struct iommu_group *group);
bool iommu_group_dma_owner_claimed(struct iommu_group *group);

int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group);
/* attach every member of the group to domain (all or none) */
int iommu_group_set_domain(struct iommu_group *group, struct iommu_domain *domain);
void iommu_detach_group(struct iommu_domain *domain, struct iommu_group *group);
struct iommu_domain *iommu_domain_alloc_type(struct kernel *k, const struct bus_type *bus, unsigned type);
void iommu_domain_free(struct iommu_domain *domain);
int iommu_map(struct iommu_domain *domain, u64 iova, u64 paddr, size_t size, int prot);
/* unmap and sync the IOTLB before returning, whatever the domain type */
size_t iommu_unmap(struct iommu_domain *domain, u64 iova, size_t size);
/* unmap into the caller's gather; the caller syncs it, or queues (dma-iommu) */
size_t iommu_unmap_fast(struct iommu_domain *domain, u64 iova, size_t size,
			struct iommu_iotlb_gather *gather);
/* the driver's iotlb_sync for what gather holds, then an empty gather again */
void iommu_iotlb_sync(struct iommu_domain *domain, struct iommu_iotlb_gather *gather);
u64 iommu_iova_to_phys(struct iommu_domain *domain, u64 iova);

/*
 * dma-iommu.h: what the core asks of dma-iommu (dma/dma_fq.c). A DMA domain's
 * flush queue, set up in place (DMA -> DMA-FQ): 0, -EINVAL (dma-iommu never
 * set the domain up), -ENOMEM.
 */
int iommu_dma_init_fq(struct iommu_domain *domain);

#endif
