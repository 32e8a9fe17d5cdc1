/*
 * VFIO of Linux 6.1 (drivers/vfio/): the container (container.c), the group
 * character device (group.c), the device file (vfio_main.c, vfio-pci's
 * ioctls) and the type1 IOMMU backend (vfio_iommu_type1.c), on the model's
 * IOMMU core and its DMA ownership.
 */
#ifndef IOMMUSIM_UAPI_VFIO_H
#define IOMMUSIM_UAPI_VFIO_H

#include "uapi/uapi.h"

struct iommu_group;
struct iommu_domain;
struct vfio_iommu;
struct vfio_pci_core_device;
struct iommufd_device;

/* struct vfio_container: what /dev/vfio/vfio's open makes */
struct vfio_container {
	struct kernel *k;
	unsigned int refs;		/* kref: its file, and each group set to it */
	struct vfio_group **groups;	/* group_list */
	size_t ngroups;
	struct vfio_iommu *iommu;	/* iommu_data of the type1 driver, NULL before SET_IOMMU */
};

/* struct vfio_group: one per IOMMU group opened through /dev/vfio/N */
struct vfio_group {
	struct kernel *k;
	struct iommu_group *iommu_group;
	struct uapi_file *opened_file;	/* the one open file (6.1 allows one) */
	struct vfio_container *container;
	unsigned int container_users;	/* 1 for the container, +1 each open device file */
};

/*
 * the device file: anon_inode:[vfio-device] from the group's GET_DEVICE_FD,
 * or /dev/vfio/devices/vfioN (7.3's cdev: group NULL), which does nothing
 * but VFIO_DEVICE_BIND_IOMMUFD until bound (access_granted)
 */
struct vfio_device_file {
	struct vfio_group *group;
	bool access_granted;		/* the group's files always; a cdev once bound */
	struct uapi_file *iommufd;	/* a bound cdev's iommufd (its file held) */
	struct iommufd_device *idev;	/* ... and its IOMMUFD_OBJ_DEVICE */
	/*
	 * vfio's own view of the attachment (vdev->iommufd_attached, and PASID
	 * 0 in vdev->pasids: ATTACH_PASID with pasid 0 is IOMMU_NO_PASID to
	 * iommufd, the RID, but vfio tracks it apart)
	 */
	bool rid_attached, pasid0_attached;
	struct device *dev;
	struct vfio_pci_core_device *vdev;	/* shared by the device's open files */
	const char *module;		/* its driver's module, referenced while open (or NULL) */
};

/* the PCI device vfio-pci drives, NULL when dev is not bound to it */
bool vfio_pci_bound(const struct device *dev);
/* The user holds a device file of dev (its vfio_device registration is in use). */
bool vfio_device_file_open(const struct device *dev);
/* A device of the IOMMU group bound to vfio-pci: the group has a /dev/vfio/N. */
bool vfio_group_has_vfio_device(const struct iommu_group *group);

/* container.c */
struct vfio_container *vfio_container_open(struct kernel *k);
void vfio_container_put(struct vfio_container *c);
long vfio_container_ioctl(struct vfio_container *c, unsigned long cmd, void *arg);
int vfio_container_attach_group(struct vfio_container *c, struct vfio_group *g);
void vfio_group_detach_container(struct vfio_group *g);

/* group.c */
int vfio_group_open(struct kernel *k, int group_id, struct uapi_file *file);
void vfio_group_release(struct vfio_group *g);
long vfio_group_ioctl(struct vfio_group *g, unsigned long cmd, void *arg);

/* vfio_device_cdev.c: the device index, the cdev and its iommufd ioctls */
/* vfio_register_group_dev()'s index (vfio-pci's probe) and its release at remove */
int vfio_device_index_alloc(struct kernel *k, struct device *dev);
void vfio_device_index_free(struct kernel *k, struct device *dev);
/* the device's index, -1 when vfio does not have it; the device with an index, or NULL */
int vfio_device_index(struct kernel *k, const struct device *dev);
struct device *vfio_device_by_index(struct kernel *k, int index);
/* open(2) of /dev/vfio/devices/vfioN: the unbound device file; -ENOENT */
int vfio_device_fops_cdev_open(struct kernel *k, int index, struct uapi_file *file);
/* the cdev's ioctls (BIND_IOMMUFD, ATTACH/DETACH_IOMMUFD_PT), -ENOTTY for the others */
long vfio_device_cdev_ioctl(struct vfio_device_file *df, unsigned long cmd, void *arg, bool *handled);
/* the cdev's release: unbound (detached, DMA ownership given back, the device object gone) */
void vfio_df_unbind_iommufd(struct vfio_device_file *df);
/* a device of the IOMMU group is bound through its cdev (the group file cannot open: EBUSY) */
bool vfio_group_cdev_bound(const struct iommu_group *group);

/* device.c */
/* the device's open_device op, for a new device file (before it has an fd): 0 or -errno */
int vfio_device_open(struct kernel *k, struct vfio_device_file *df);
long vfio_device_ioctl(struct vfio_device_file *df, unsigned long cmd, void *arg);
void vfio_device_release(struct vfio_device_file *df);
/* the device file's part of the last close (vfio_pci_core_disable at the device's last) */
void vfio_device_close(struct vfio_device_file *df);
/*
 * vfio_pci_rw(): pread/pwrite at off (the region's index << 40 plus the
 * offset in it): bytes done or -errno.
 */
ssize_t vfio_device_rw(struct vfio_device_file *df, void *buf, size_t count, u64 off, bool write);

/* vfio_iommu_type1.c: the IOMMU backend's ops */
long vfio_iommu_type1_check_extension(struct kernel *k, struct vfio_iommu *iommu, unsigned long arg);
int vfio_iommu_type1_open(struct kernel *k, unsigned long arg, struct vfio_iommu **out);
void vfio_iommu_type1_release(struct vfio_iommu *iommu);
int vfio_iommu_type1_attach_group(struct vfio_iommu *iommu, struct iommu_group *group);
void vfio_iommu_type1_detach_group(struct vfio_iommu *iommu, struct iommu_group *group);
/* the MSI doorbell of a group in a type1 domain: its IOVA from the domain's MSI cookie (see sw_msi.h) */
int vfio_iommu_type1_sw_msi(struct kernel *k, struct iommu_group *group, u64 doorbell, u64 *msg_addr);
long vfio_iommu_type1_ioctl(struct vfio_iommu *iommu, unsigned long cmd, void *arg);

/* the user address of [iova, iova+len) when one mapping holds it: 0, -ENOENT */
int vfio_iommu_type1_vaddr(struct vfio_iommu *iommu, u64 iova, u64 len, u64 *vaddr);

/* What the model's invariant checks and views read of a container. */
struct vfio_iommu_stats {
	size_t ndma;			/* DMA mappings */
	u64 mapped_bytes;
	unsigned int dma_avail;
	size_t ndomains;
};
void vfio_iommu_type1_stats(const struct vfio_iommu *iommu, struct vfio_iommu_stats *st);

#endif
