/*
 * The vfio device cdev's uAPI of Linux 7.3 (<linux/vfio.h>): binding a
 * device file opened through /dev/vfio/devices/vfioN to an iommufd and
 * attaching it to an IOAS or HWPT. Debian 12's <linux/vfio.h> (6.1)
 * predates them (6.6 added the cdev ioctls, 6.17 the VF token of BIND), so
 * the layouts and numbers are written here, once, and
 * tests/unit/test_vfio_cdev_abi.c compares them with the 7.3 tree's header
 * when the build finds one. A system header that already has them wins
 * (the block below is skipped).
 */
#ifndef IOMMUSIM_UAPI_VFIO_CDEV_ABI_H
#define IOMMUSIM_UAPI_VFIO_CDEV_ABI_H

#include <stdint.h>
#include <sys/ioctl.h>

#ifndef VFIO_DEVICE_BIND_IOMMUFD

/* ';' and 100: VFIO_TYPE and VFIO_BASE of every vfio ioctl */
#define VFIO_CDEV_ABI_TYPE ';'
#define VFIO_CDEV_ABI_BASE 100

/* struct vfio_device_bind_iommufd: the iommufd to bind to; out: the device's object id */
struct vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
#define VFIO_DEVICE_BIND_FLAG_TOKEN (1 << 0)	/* token_uuid_ptr holds the VF token (a UUID) */
	int32_t iommufd;
	uint32_t out_devid;
	uint64_t token_uuid_ptr __attribute__((aligned(8)));
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_CDEV_ABI_TYPE, VFIO_CDEV_ABI_BASE + 18)

/* struct vfio_device_attach_iommufd_pt: pt_id in (an IOAS or HWPT id), out (the HWPT attached) */
struct vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
#define VFIO_DEVICE_ATTACH_PASID (1 << 0)	/* attach pasid, not the whole RID */
	uint32_t pt_id;
	uint32_t pasid;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_CDEV_ABI_TYPE, VFIO_CDEV_ABI_BASE + 19)

/* struct vfio_device_detach_iommufd_pt: back to blocking DMA */
struct vfio_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
#define VFIO_DEVICE_DETACH_PASID (1 << 0)
	uint32_t pasid;
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_CDEV_ABI_TYPE, VFIO_CDEV_ABI_BASE + 20)

#endif /* VFIO_DEVICE_BIND_IOMMUFD */

#endif
