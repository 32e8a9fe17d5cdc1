/*
 * src/uapi/vfio_cdev_abi.h against Linux 7.3's own <linux/vfio.h>: the
 * sizes and field offsets of the cdev structs (BIND_IOMMUFD,
 * ATTACH/DETACH_IOMMUFD_PT), their flags and ioctl numbers. The build
 * passes the header's path in (IOMMUSIM_LINUX73_VFIO_H) only when the 7.3
 * source tree is there; without it only the layouts the ABI fixes are
 * checked.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include "uapi/vfio_cdev_abi.h"

typedef struct vfio_device_bind_iommufd sim_bind;
typedef struct vfio_device_attach_iommufd_pt sim_attach;
typedef struct vfio_device_detach_iommufd_pt sim_detach;

/* the model's numbers, taken before the real header redefines the macros */
static const unsigned long sim_values[] = {
	VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_ATTACH_IOMMUFD_PT, VFIO_DEVICE_DETACH_IOMMUFD_PT,
	VFIO_DEVICE_BIND_FLAG_TOKEN, VFIO_DEVICE_ATTACH_PASID, VFIO_DEVICE_DETACH_PASID,
};
#define NVALUES (sizeof(sim_values) / sizeof(sim_values[0]))

#define FIELD(a, b, f)                                                                            \
	do {                                                                                      \
		cr_expect_eq(offsetof(a, f), offsetof(b, f), #a "." #f);                          \
		cr_expect_eq(sizeof(((a *)0)->f), sizeof(((b *)0)->f), #a "." #f);                \
	} while (0)

#define COMPARE_ALL(P, Q)                                                                         \
	do {                                                                                      \
		cr_expect_eq(sizeof(P##bind), sizeof(Q##bind));                                   \
		FIELD(P##bind, Q##bind, argsz);                                                   \
		FIELD(P##bind, Q##bind, flags);                                                   \
		FIELD(P##bind, Q##bind, iommufd);                                                 \
		FIELD(P##bind, Q##bind, out_devid);                                               \
		FIELD(P##bind, Q##bind, token_uuid_ptr);                                          \
		cr_expect_eq(sizeof(P##attach), sizeof(Q##attach));                               \
		FIELD(P##attach, Q##attach, argsz);                                               \
		FIELD(P##attach, Q##attach, flags);                                               \
		FIELD(P##attach, Q##attach, pt_id);                                               \
		FIELD(P##attach, Q##attach, pasid);                                               \
		cr_expect_eq(sizeof(P##detach), sizeof(Q##detach));                               \
		FIELD(P##detach, Q##detach, argsz);                                               \
		FIELD(P##detach, Q##detach, flags);                                               \
		FIELD(P##detach, Q##detach, pasid);                                               \
	} while (0)

/* what the kernel's minsz and argsz checks are built from, whatever the header */
Test(vfio_cdev_abi, sizes_and_numbers)
{
	cr_expect_eq(sizeof(sim_bind), 24);
	cr_expect_eq(offsetof(sim_bind, out_devid) + sizeof(uint32_t), 16);
	cr_expect_eq(sizeof(sim_attach), 16);
	cr_expect_eq(sizeof(sim_detach), 12);
	/* _IO(';', 100 + 18..20): no size in the number, argsz says it */
	cr_expect_eq(sim_values[0], 0x3b76);
	cr_expect_eq(sim_values[1], 0x3b77);
	cr_expect_eq(sim_values[2], 0x3b78);
}

#ifdef IOMMUSIM_LINUX73_VFIO_H
#undef VFIO_DEVICE_BIND_IOMMUFD
#undef VFIO_DEVICE_ATTACH_IOMMUFD_PT
#undef VFIO_DEVICE_DETACH_IOMMUFD_PT
#undef VFIO_DEVICE_BIND_FLAG_TOKEN
#undef VFIO_DEVICE_ATTACH_PASID
#undef VFIO_DEVICE_DETACH_PASID
#define vfio_device_bind_iommufd k_vfio_device_bind_iommufd
#define vfio_device_attach_iommufd_pt k_vfio_device_attach_iommufd_pt
#define vfio_device_detach_iommufd_pt k_vfio_device_detach_iommufd_pt
/* the source tree's header, not an installed one: what headers_install would strip or define */
#ifndef __user
#define __user
#endif
#ifndef __counted_by
#define __counted_by(m)
#endif
#include IOMMUSIM_LINUX73_VFIO_H

typedef struct k_vfio_device_bind_iommufd k_bind;
typedef struct k_vfio_device_attach_iommufd_pt k_attach;
typedef struct k_vfio_device_detach_iommufd_pt k_detach;

Test(vfio_cdev_abi, equals_linux_7_3)
{
	COMPARE_ALL(sim_, k_);
	const unsigned long real[] = {
		VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_ATTACH_IOMMUFD_PT, VFIO_DEVICE_DETACH_IOMMUFD_PT,
		VFIO_DEVICE_BIND_FLAG_TOKEN, VFIO_DEVICE_ATTACH_PASID, VFIO_DEVICE_DETACH_PASID,
	};
	cr_assert_eq(sizeof(real) / sizeof(real[0]), NVALUES);
	for (size_t i = 0; i < NVALUES; i++)
		cr_expect_eq(sim_values[i], real[i], "value %zu: %#lx, 7.3 %#lx", i, sim_values[i], real[i]);
}
#else
Test(vfio_cdev_abi, equals_linux_7_3)
{
	cr_skip_test("no Linux 7.3 tree (oracle/setup --stack modern): nothing to compare with");
}
#endif
