/*
 * IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC on Linux 7.3
 * (iommufd_viommu.c): the argument checks in 7.3's order with its errnos,
 * each refusal leaving the objects and their users as they were; a vIOMMU
 * holds its nest parent, a vDEVICE its vIOMMU and its device (IOMMU_DESTROY
 * answers EBUSY while they are held); one vDEVICE a device, one device a
 * virtual ID.
 */
#include "iommufd_util.h"

static unsigned users(struct ifd *c, u32 id)
{
	return c->ictx->objects[id]->users;
}

Test(iommufd_viommu, alloc_checks)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c), parent = ifd_nest_parent(&c, ioas), paging = 0, id = 0;
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &paging), 0);
	size_t objs = iommufd_object_count(c.ictx);
	struct iommu_viommu_alloc a = { .size = sizeof(a), .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev_id = c.dev_id,
					.hwpt_id = parent };
	struct iommu_viommu_alloc t;
	/* size: up to out_viommu_id is needed */
	t = a;
	t.size = offsetof(struct iommu_viommu_alloc, out_viommu_id);
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -EINVAL);
	/* flags, the DEFAULT type */
	t = a;
	t.flags = 1;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -EOPNOTSUPP);
	t = a;
	t.type = IOMMU_VIOMMU_TYPE_DEFAULT;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -EOPNOTSUPP);
	/* the device: missing or not a device ENOENT */
	t = a;
	t.dev_id = 99;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -ENOENT);
	t.dev_id = parent;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -ENOENT);
	/* a type the SMMU has no vIOMMU for (tegra241 CMDQV): EOPNOTSUPP, before the HWPT is looked at */
	t = a;
	t.type = IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
	t.hwpt_id = 99;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -EOPNOTSUPP);
	/* the HWPT: missing or an IOAS ENOENT, a paging HWPT that is not a nest parent EINVAL */
	t = a;
	t.hwpt_id = 99;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -ENOENT);
	t.hwpt_id = ioas;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -ENOENT);
	t.hwpt_id = paging;
	cr_expect_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), -EINVAL);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_expect_eq(users(&c, parent), 0);
	/* the good one */
	t = a;
	cr_assert_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), 0);
	id = t.out_viommu_id;
	cr_expect_eq(users(&c, parent), 1);
	struct iommufd_viommu *v = to_viommu(iommufd_get_object(c.ictx, id, IOMMUFD_OBJ_VIOMMU));
	cr_assert_not_null(v);
	cr_expect_eq(v->type, IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
	cr_expect_eq(v->iommu_dev, c.pdev->dev.iommu->iommu_dev);
	/* the parent is busy while the vIOMMU holds it; a second vIOMMU on it is fine */
	cr_expect_eq(ifd_destroy(&c, parent), -EBUSY);
	t = a;
	cr_assert_eq(ifd_io(&c, IOMMU_VIOMMU_ALLOC, &t), 0);
	cr_expect_eq(users(&c, parent), 2);
	cr_expect_eq(ifd_destroy(&c, t.out_viommu_id), 0);
	cr_expect_eq(ifd_destroy(&c, id), 0);
	cr_expect_eq(users(&c, parent), 0);
	cr_expect_eq(ifd_destroy(&c, parent), 0);
	ifd_close(&c);
}

Test(iommufd_viommu, vdevice_checks)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	u32 ioas = ifd_ioas(&c), parent = ifd_nest_parent(&c, ioas), viommu = 0, vdev = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	u32 dev2 = ifd_bind(&c, IFD_DEV2, NULL);
	size_t objs = iommufd_object_count(c.ictx);
	struct iommu_vdevice_alloc a = { .size = sizeof(a), .viommu_id = viommu, .dev_id = c.dev_id, .virt_id = 0x10 };
	struct iommu_vdevice_alloc t;
	t = a;
	t.size = offsetof(struct iommu_vdevice_alloc, virt_id) + 4;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), -EINVAL);
	/* the vIOMMU: missing or another type ENOENT */
	t = a;
	t.viommu_id = 99;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), -ENOENT);
	t.viommu_id = parent;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), -ENOENT);
	/* the device: missing or another type ENOENT */
	t = a;
	t.dev_id = 99;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), -ENOENT);
	t.dev_id = viommu;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), -ENOENT);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_expect_eq(users(&c, viommu), 0);
	/* the good one: no attach needed (7.3 checks only the IOMMU instance) */
	t = a;
	cr_assert_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), 0);
	vdev = t.out_vdevice_id;
	cr_expect_eq(users(&c, viommu), 1);
	cr_expect_eq(iommufd_viommu_find_dev(to_viommu(c.ictx->objects[viommu]), 0x10), &c.pdev->dev);
	cr_expect_null(iommufd_viommu_find_dev(to_viommu(c.ictx->objects[viommu]), 0x11));
	/* a second vDEVICE of the device, even with another ID: EEXIST */
	t = a;
	t.virt_id = 0x11;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), -EEXIST);
	/* the same ID for another device: EEXIST */
	t = a;
	t.dev_id = dev2;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), -EEXIST);
	cr_expect_eq(iommufd_object_count(c.ictx), objs + 1);
	/* another ID for it: fine; any 64-bit value is an ID */
	t.virt_id = 0xffffffffffffffffULL;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), 0);
	u32 vdev2 = t.out_vdevice_id;
	/* in use: the vIOMMU while vDEVICEs hold it, the device while its vDEVICE does */
	cr_expect_eq(ifd_destroy(&c, viommu), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, vdev), 0);
	cr_expect_null(c.idev->vdev);
	cr_expect_eq(ifd_destroy(&c, viommu), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, vdev2), 0);
	cr_expect_eq(users(&c, viommu), 0);
	/* the ID is free again */
	t = a;
	cr_expect_eq(ifd_io(&c, IOMMU_VDEVICE_ALLOC, &t), 0);
	ifd_close(&c);
}

/* a device of another IOMMU instance: EINVAL (a virt machine has one SMMU: a platform device without one) */
Test(iommufd_viommu, vdevice_without_iommu_refused)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	u32 parent = ifd_nest_parent(&c, ifd_ioas(&c)), viommu = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	struct iommufd_viommu *v = to_viommu(c.ictx->objects[viommu]);
	/* pretend another SMMU instance owns it */
	struct iommu_device *real = v->iommu_dev, other = *real;
	v->iommu_dev = &other;
	u32 vdev;
	cr_expect_eq(ifd_vdevice_alloc(&c, viommu, c.dev_id, 1, &vdev), -EINVAL);
	struct iommu_hwpt_arm_smmuv3 ste = { { 1, 0 } };
	u32 id;
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &id), -EINVAL);
	v->iommu_dev = real;
	cr_expect_eq(ifd_vdevice_alloc(&c, viommu, c.dev_id, 1, &vdev), 0);
	ifd_close(&c);
}

/* closing /dev/iommu drops every object, users first */
Test(iommufd_viommu, release_with_everything)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 parent = ifd_nest_parent(&c, ifd_ioas(&c)), viommu = 0, vdev = 0, nested = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	cr_assert_eq(ifd_vdevice_alloc(&c, viommu, c.dev_id, 3, &vdev), 0);
	struct iommu_hwpt_arm_smmuv3 ste = { { 1, 0 } };
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &nested), 0);
	cr_expect_eq(ifd_destroy(&c, viommu), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, parent), -EBUSY);
	ifd_close(&c);	/* ASan: nothing leaks */
}

/*
 * Unbinding a device (closing its cdev) takes its vDEVICE with it, and the
 * vDEVICE's id stays taken by a tombstone (7.3's iommufd_device_pre_destroy):
 * IOMMU_DESTROY of it is ENOENT and the next object gets another id.
 */
Test(iommufd_viommu, unbind_tombstones_the_vdevice)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	u32 parent = ifd_nest_parent(&c, ifd_ioas(&c)), viommu = 0, vdev = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	cr_assert_eq(ifd_vdevice_alloc(&c, viommu, c.dev_id, 8, &vdev), 0);
	size_t objs = iommufd_object_count(c.ictx);
	iommufd_device_unbind(c.idev);
	cr_expect_eq(iommufd_object_count(c.ictx), objs - 2);
	cr_expect_eq(users(&c, viommu), 0);
	cr_expect_eq(ifd_destroy(&c, vdev), -ENOENT);
	cr_expect_null(iommufd_get_object(c.ictx, vdev, IOMMUFD_OBJ_ANY));
	cr_expect_null(iommufd_viommu_find_dev(to_viommu(c.ictx->objects[viommu]), 8));
	/* the device's id is free again, the vDEVICE's is not */
	u32 ioas = ifd_ioas(&c);
	cr_expect_eq(ioas, c.dev_id);
	u32 next = ifd_ioas(&c);
	cr_expect_neq(next, vdev);
	cr_expect_eq(ifd_destroy(&c, viommu), 0);
	iommusim_close(c.sim, c.fd);
	iommusim_free(c.sim);
}
