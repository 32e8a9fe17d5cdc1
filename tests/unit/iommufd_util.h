/*
 * A Linux 7.3 machine with iommufd (IOMMUFD, ARM_SMMU_V3_IOMMUFD) and one
 * PCI function taken from its kernel driver and bound to an iommufd
 * context, for the HWPT, vIOMMU and SMMU iommufd tests. The device object
 * is made with iommufd_device_bind(), what VFIO_DEVICE_BIND_IOMMUFD calls.
 */
#ifndef IOMMUSIM_TESTS_IOMMUFD_UTIL_H
#define IOMMUSIM_TESTS_IOMMUFD_UTIL_H

#include "boot_util.h"
#include "iommusim/vfio.h"
#include "uapi/iommufd.h"
#include "uapi/uapi.h"
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/cmdq.h"

/* virt-10.0's SMMU has both stages; virt-9.1's has stage 1 only */
#define IFD_MACHINE(type) "-M " type ",iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
			  "-device virtio-net-pci,bus=rp1 -device pcie-root-port,id=rp2,chassis=2 "            \
			  "-device virtio-net-pci,bus=rp2"
#define IFD_DEV "0000:01:00.0"
#define IFD_DEV2 "0000:02:00.0"

struct ifd {
	struct iommusim *sim;
	int fd;
	struct iommufd_ctx *ictx;
	struct pci_dev *pdev;
	struct iommufd_device *idev;
	u32 dev_id;
};

struct ifd_opts {
	const char *machine;		/* default: virt (10.0's, nested SMMU) */
	const char *kconfig;		/* default: IOMMUFD=y,ARM_SMMU_V3_IOMMUFD=y */
	bool s2fwb, canwbs;
};

static inline u32 ifd_bind(struct ifd *c, const char *name, struct iommufd_device **out)
{
	struct pci_dev *pdev = pdev_of(c->sim, name);
	struct iommufd_device *idev = NULL;
	cr_assert_eq(iommufd_device_bind(c->ictx, &pdev->dev, &idev), 0);
	if (out)
		*out = idev;
	return idev->obj.id;
}

static inline struct ifd ifd_open(struct ifd_opts o)
{
	const char *settings[] = { o.kconfig ? o.kconfig : "IOMMUFD=y,ARM_SMMU_V3_IOMMUFD=y", NULL };
	struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0", .kconfig = settings,
					 .smmu_s2fwb = o.s2fwb, .pci_rc_canwbs = o.canwbs };
	char err[1024] = "";
	char machine[512];
	snprintf(machine, sizeof(machine), IFD_MACHINE("%s"), o.machine ? o.machine : "virt");
	struct ifd c = { .sim = boot_str_opts(machine, &opts, err, sizeof(err)) };
	cr_assert_not_null(c.sim, "%s", err);
	free(run(c.sim, "echo " IFD_DEV " > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			"echo " IFD_DEV2 " > /sys/bus/pci/drivers/virtio-pci/unbind\n"));
	c.fd = iommusim_open(c.sim, "/dev/iommu", 2);
	cr_assert_geq(c.fd, 3);
	c.ictx = uapi_fget(c.sim->k, c.fd)->iommufd;
	c.pdev = pdev_of(c.sim, IFD_DEV);
	c.dev_id = ifd_bind(&c, IFD_DEV, &c.idev);
	return c;
}

static inline long ifd_io(struct ifd *c, unsigned long cmd, void *arg)
{
	return iommusim_ioctl(c->sim, c->fd, cmd, arg);
}

static inline void ifd_close(struct ifd *c)
{
	/* vDEVICEs hold their device: IOMMU_DESTROY them before the unbind */
	for (size_t id = 1; id < c->ictx->nobjects; id++) {
		struct iommufd_object *obj = c->ictx->objects[id];
		if (obj && obj->type == IOMMUFD_OBJ_VDEVICE) {
			struct iommu_destroy d = { .size = sizeof(d), .id = (u32)id };
			cr_assert_eq(ifd_io(c, IOMMU_DESTROY, &d), 0);
		}
	}
	for (size_t id = 1; id < c->ictx->nobjects; id++) {
		struct iommufd_object *obj = c->ictx->objects[id];
		if (obj && obj->type == IOMMUFD_OBJ_DEVICE)
			iommufd_device_unbind(to_idev(obj));
	}
	iommusim_close(c->sim, c->fd);
	iommusim_free(c->sim);
}

static inline u32 ifd_ioas(struct ifd *c)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	cr_assert_eq(ifd_io(c, IOMMU_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

static inline long ifd_hwpt_alloc(struct ifd *c, u32 dev_id, u32 pt_id, u32 flags, u32 data_type, const void *data,
				  u32 data_len, u32 *out)
{
	struct iommu_hwpt_alloc a = { .size = sizeof(a), .flags = flags, .dev_id = dev_id, .pt_id = pt_id,
				      .data_type = data_type, .data_len = data_len,
				      .data_uptr = (u64)(uintptr_t)data };
	long ret = ifd_io(c, IOMMU_HWPT_ALLOC, &a);
	if (out)
		*out = a.out_hwpt_id;
	return ret;
}

static inline u32 ifd_nest_parent(struct ifd *c, u32 ioas)
{
	u32 id = 0;
	cr_assert_eq(ifd_hwpt_alloc(c, c->dev_id, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, &id), 0);
	return id;
}

static inline long ifd_viommu_alloc(struct ifd *c, u32 dev_id, u32 hwpt_id, u32 type, u32 *out)
{
	struct iommu_viommu_alloc a = { .size = sizeof(a), .type = type, .dev_id = dev_id, .hwpt_id = hwpt_id };
	long ret = ifd_io(c, IOMMU_VIOMMU_ALLOC, &a);
	if (out)
		*out = a.out_viommu_id;
	return ret;
}

static inline long ifd_vdevice_alloc(struct ifd *c, u32 viommu, u32 dev_id, u64 virt_id, u32 *out)
{
	struct iommu_vdevice_alloc a = { .size = sizeof(a), .viommu_id = viommu, .dev_id = dev_id,
					 .virt_id = virt_id };
	long ret = ifd_io(c, IOMMU_VDEVICE_ALLOC, &a);
	if (out)
		*out = a.out_vdevice_id;
	return ret;
}

static inline long ifd_destroy(struct ifd *c, u32 id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };
	return ifd_io(c, IOMMU_DESTROY, &d);
}

/* the SMMU behind the bound device, as the driver sees it */
static inline struct arm_smmu_device *ifd_smmu(struct ifd *c)
{
	struct arm_smmu_master *master = c->pdev->dev.iommu->priv;
	return master->smmu;
}

/* the StreamID of the bound device */
static inline u32 ifd_sid(struct ifd *c)
{
	struct arm_smmu_master *master = c->pdev->dev.iommu->priv;
	return master->streams[0].id;
}

/* the command n places before the driver's producer index (1: the last one), from the ring in guest memory */
static inline void ifd_cmdq_read(struct ifd *c, u32 back, u64 cmd[2])
{
	struct arm_smmu_device *smmu = ifd_smmu(c);
	u32 mask = (1U << smmu->cmdq.max_n_shift) - 1;
	u32 idx = (smmu->cmdq.prod - back) & mask;
	cr_assert_eq(guest_mem_read64(smmu->mem, smmu->cmdq.base_pa + (u64)idx * 16, &cmd[0]), 0);
	cr_assert_eq(guest_mem_read64(smmu->mem, smmu->cmdq.base_pa + (u64)idx * 16 + 8, &cmd[1]), 0);
}

#endif
