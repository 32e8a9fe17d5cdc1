/*
 * /sys/kernel/debug/iommusim/iommufd (src/sysfs/iommufd_debugfs.c): after a
 * VMM's sequence made with the iommufd verb (the public ioctls), the view
 * shows every object with the values the model holds (read here from the
 * driver's own structs, not from the view's text), each refused call
 * leaves the view as it was, and the file says what is open: no iommufd,
 * one per fd, a context only a bound device or an event queue's fd still
 * holds, a kernel without IOMMUFD. The event queues: a fault object (its
 * fd, the HWPT allocated with it) and a vEVENTQ (its vIOMMU, depth, the
 * records a forwarded nested fault queues, the lost-events header).
 */
#include "boot_util.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/system.h"
#include "iommusim/vfio.h"
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/ste.h"
#include "uapi/iommufd.h"
#include "uapi/iommufd_eventq.h"
#include "uapi/uapi.h"

#define VIEW "/sys/kernel/debug/iommusim/iommufd"
#define DEV "0000:01:00.0"
#define MACHINE "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		"-device virtio-net-pci,bus=rp1"
#define TO_VFIO "echo vfio-pci > /sys/bus/pci/devices/" DEV "/driver_override\n"                  \
		"echo " DEV " > /sys/bus/pci/drivers/virtio-pci/unbind\n"                         \
		"echo " DEV " > /sys/bus/pci/drivers_probe\n"

static struct iommusim *boot_ifd(const char *lv, const char *kconfig, bool canwbs)
{
	const char *settings[] = { kconfig, NULL };
	struct iommusim_options opts = { .linux_version = lv, .qemu_version = "10.0",
					 .kconfig = kconfig ? settings : NULL, .pci_rc_canwbs = canwbs };
	char err[512] = "";
	struct iommusim *sim = boot_str_opts(MACHINE, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "%s", err);
	return sim;
}

static char *view(struct iommusim *sim, const char *path)
{
	char *text = NULL;
	long r = iommusim_sysfs_read(sim, path, &text);
	cr_assert_geq(r, 0, "read %s: %ld", path, r);
	return text;
}

static void assert_has(const char *text, const char *line)
{
	cr_assert_not_null(strstr(text, line), "no \"%s\" in:\n%s", line, text);
}

/* run one verb line and check it printed what is expected (a prefix) */
static void expect(struct iommusim *sim, const char *line, const char *out)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s\n", line);
	char *got = run(sim, buf);
	cr_assert(!strncmp(got, out, strlen(out)), "%s: printed \"%s\", expected \"%s...\"", line, got, out);
	free(got);
}

#define IOMMUFD_KCONFIG "IOMMUFD=y,VFIO_DEVICE_CDEV=y,ARM_SMMU_V3_IOMMUFD=y"

/*
 * A VMM's nested setup: IOAS with a mapping, a nest parent on it, a vIOMMU,
 * the device's vDEVICE (vSID 0x8), a nested HWPT from an S1-translate vSTE,
 * the device attached to it.
 */
static struct iommusim *vmm_nested(void)
{
	struct iommusim *sim = boot_ifd("7.3", IOMMUFD_KCONFIG, true);
	free(run(sim, TO_VFIO));
	expect(sim, "iommufd open", "ok");
	expect(sim, "iommufd device " DEV " open", "ok");
	expect(sim, "iommufd device " DEV " bind", "ok dev 1");
	expect(sim, "iommufd ioas alloc", "ok ioas 2");
	expect(sim, "iommufd ioas 2 allow-iovas 0x40000000-0x7fffffff", "ok");
	expect(sim, "iommufd ioas 2 map 0x40000000 0x200000", "ok iova 0x40000000");
	expect(sim, "iommufd hwpt alloc " DEV " 2 nest-parent", "ok hwpt 3");
	expect(sim, "iommufd viommu alloc " DEV " 3", "ok viommu 4");
	expect(sim, "iommufd vdevice alloc 4 " DEV " 0x8", "ok vdevice 5");
	/* V, Config S1 translate, S1ContextPtr 0x40001000, S1CDMax 2; S1DSS bypass, S1CIR 1 */
	expect(sim, "iommufd hwpt alloc " DEV " 4 ste=0x100000004000100b,0x5", "ok hwpt 6");
	expect(sim, "iommufd device " DEV " attach 6", "ok pt 6");
	return sim;
}

static struct iommufd_ctx *ctx_of(struct iommusim *sim, int fd)
{
	struct uapi_file *f = uapi_fget(sim->k, fd);
	cr_assert(f && f->kind == UAPI_FILE_IOMMUFD);
	return f->iommufd;
}

Test(iommufd_debugfs, nested_vmm_sequence_shows_every_object)
{
	struct iommusim *sim = vmm_nested();
	struct iommufd_ctx *ictx = ctx_of(sim, 3);
	struct pci_dev *pdev = pdev_of(sim, DEV);
	struct arm_smmu_master *master = pdev->dev.iommu->priv;
	struct iommufd_hwpt_paging *parent = to_hwpt_paging(to_hwpt(iommufd_get_object(ictx, 3, IOMMUFD_OBJ_HWPT_PAGING)));
	struct iommufd_ioas *ioas = iommufd_get_ioas(ictx, 2);
	u16 vmid = ((struct arm_smmu_domain_cfg *)to_smmu_domain(parent->common.domain)->cfg)->s2.vmid;
	char *text = view(sim, VIEW);
	char line[256];

	assert_has(text, "/dev/iommu fd 3: 6 objects");
	snprintf(line, sizeof(line), "  1 device " DEV ": group %d, cdev fd 4, attached to hwpt 6, vdevice 5, "
		 "sw msi 0x8000000, users 2 (bind, vdevice 5)\n", group_of(sim, DEV));
	assert_has(text, line);
	assert_has(text, "  2 ioas: users 1 (hwpt 3)\n      iova alignment 0x1000, huge pages on\n"
			 "      allowed: 0x40000000-0x7fffffff\n      reserved 0x8000000-0x80fffff (" DEV ")\n");
	snprintf(line, sizeof(line), "      area 0x40000000-0x401fffff: user memory at pa 0x%llx, rw cache, pinned\n",
		 (unsigned long long)ioas->iopt.areas[0].pinned_pa);
	assert_has(text, line);
	assert_has(text, "      domains: hwpt 3\n");
	assert_has(text, "  3 hwpt paging: ioas 2, allocated, nest parent, users 1 (viommu 4)\n");
	snprintf(line, sizeof(line), "      domain: stage 2, vmid %u, page sizes 4K 2M 1G, aperture 0x0-0x%llx, smmu %s\n",
		 vmid, (unsigned long long)parent->common.domain->geometry.aperture_end, master->smmu->dev->name);
	assert_has(text, line);
	snprintf(line, sizeof(line), "  4 viommu arm-smmuv3: smmu %s, nest parent hwpt 3, vmid %u, users 2 (vdevice 5, hwpt 6)\n",
		 master->smmu->dev->name, vmid);
	assert_has(text, line);
	snprintf(line, sizeof(line), "  5 vdevice: viommu 4, device 1 (" DEV "), virtual sid 0x8 -> physical sid 0x%x, users 0\n",
		 master->streams[0].id);
	assert_has(text, line);
	assert_has(text, "  6 hwpt nested: parent hwpt 3, viommu 4, users 1 (device 1)\n");
	assert_has(text, "      vste 0x100000004000100b 0x0000000000000005: V 1, Config s1-translate, S1Fmt 0, "
			 "S1ContextPtr 0x40001000, S1CDMax 2\n        S1DSS bypass, S1CIR 1, S1COR 0, S1CSH 0, "
			 "S1STALLD 0, EATS 0\n      devices: " DEV " (device 1)\n");
	free(text);

	/* the same context through its fd's own file */
	text = view(sim, VIEW "/3");
	assert_has(text, "/dev/iommu fd 3: 6 objects");
	free(text);
	char *none = NULL;
	cr_assert_eq(iommusim_sysfs_read(sim, VIEW "/4", &none), -ENOENT);	/* the cdev, not an iommufd */
	cr_assert_eq(iommusim_sysfs_read(sim, VIEW "/99", &none), -ENOENT);
	cr_assert_eq(iommusim_sysfs_read(sim, VIEW "/x", &none), -ENOENT);
	iommusim_free(sim);
}

/* each refused call: an errno printed, the view byte for byte as before */
Test(iommufd_debugfs, refused_calls_change_nothing)
{
	struct iommusim *sim = vmm_nested();
	static const char *const refused[] = {
		"iommufd destroy 3",					/* EBUSY: the vIOMMU holds it */
		"iommufd destroy 4",					/* EBUSY */
		"iommufd destroy 1",					/* a device: not by DESTROY */
		"iommufd destroy 77",					/* ENOENT */
		"iommufd hwpt alloc " DEV " 4 ste=0xd,0x0",		/* EIO: Config s2 */
		"iommufd hwpt alloc " DEV " 4 ste=0x4000000b,0x100000",	/* EIO: a reserved bit */
		"iommufd hwpt alloc " DEV " 2 flags=0x80",		/* EOPNOTSUPP: unknown flag */
		"iommufd hwpt alloc " DEV " 2 size=8",			/* EINVAL: short struct */
		"iommufd hwpt alloc " DEV " 2 size=100 tail=1",		/* E2BIG: non-zero tail */
		"iommufd viommu alloc " DEV " 2",			/* an IOAS, not a HWPT */
		"iommufd vdevice alloc 4 " DEV " 0x9",			/* EEXIST: one per device */
		"iommufd vdevice alloc 3 " DEV " 0x9",			/* not a vIOMMU */
		"iommufd ioas 2 map 0x40000000 0x1000",			/* EEXIST: mapped */
		"iommufd ioas 2 map 0x8000000 0x1000",			/* EADDRINUSE: reserved */
		"iommufd ioas 2 unmap 0x40001000 0x1000",		/* ENOENT: splits a mapping */
		"iommufd ioas 2 allow-iovas 0x8000000-0x8000fff",	/* EADDRINUSE: meets a reserved range */
		"iommufd ioas 9 map 0x1000 0x1000",			/* ENOENT */
		"iommufd invalidate 4 0xff:0x0",			/* EIO: not a guest command */
		"iommufd invalidate 3 tlbi-nh-all",			/* a paging HWPT */
		"iommufd device " DEV " attach 5",			/* a vDEVICE */
		"iommufd device " DEV " bind",				/* bound already */
	};
	char *before = view(sim, VIEW);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char line[256];
		snprintf(line, sizeof(line), "%s\n", refused[i]);
		char *out = run(sim, line);
		cr_assert(out[0] == 'E', "%s: printed \"%s\", expected an errno", refused[i], out);
		free(out);
		char *after = view(sim, VIEW);
		cr_assert_str_eq(after, before, "%s changed the view", refused[i]);
		free(after);
	}
	free(before);
	iommusim_free(sim);
}

/* the teardown, as the view tells it: a tombstone for the unbound device's vDEVICE, then nothing */
Test(iommufd_debugfs, teardown)
{
	struct iommusim *sim = vmm_nested();
	expect(sim, "iommufd device " DEV " detach", "ok");
	char *text = view(sim, VIEW);
	assert_has(text, "detached (blocking)");
	assert_has(text, "  6 hwpt nested: parent hwpt 3, viommu 4, users 0\n");
	assert_has(text, "      devices: none\n");
	free(text);
	expect(sim, "iommufd device " DEV " close", "ok");
	text = view(sim, VIEW);
	assert_has(text, "/dev/iommu fd 3: 4 objects");	/* the tombstone is no object */
	assert_has(text, "  5 tombstone:");
	cr_assert_null(strstr(text, " device " DEV ":"));
	assert_has(text, "  4 viommu arm-smmuv3: ");
	assert_has(text, ", users 1 (hwpt 6)\n");
	free(text);
	expect(sim, "iommufd destroy 6", "ok");
	expect(sim, "iommufd destroy 4", "ok");
	expect(sim, "iommufd destroy 3", "ok");
	text = view(sim, VIEW);
	assert_has(text, "/dev/iommu fd 3: 1 objects");
	assert_has(text, "  2 ioas: users 0\n      iova alignment 0x1, huge pages on\n");
	assert_has(text, ", rw cache, not pinned\n      domains: none\n");
	free(text);
	expect(sim, "iommufd close", "ok");
	text = view(sim, VIEW);
	cr_assert_str_eq(text, "no /dev/iommu open\n");
	free(text);
	iommusim_free(sim);
}

/* an automatic paging HWPT from an attach to the IOAS: stage 1, its ASID, auto */
Test(iommufd_debugfs, auto_hwpt_stage1)
{
	struct iommusim *sim = boot_ifd("7.3", IOMMUFD_KCONFIG, false);
	free(run(sim, TO_VFIO));
	expect(sim, "iommufd open", "ok");
	expect(sim, "iommufd device " DEV " open", "ok");
	expect(sim, "iommufd device " DEV " bind", "ok dev 1");
	expect(sim, "iommufd ioas alloc", "ok ioas 2");
	expect(sim, "iommufd ioas 2 map 0x100000 0x10000 r", "ok iova 0x100000");
	expect(sim, "iommufd device " DEV " attach 2", "ok pt 3");
	struct iommufd_ctx *ictx = ctx_of(sim, 3);
	struct iommu_domain *dom = to_hwpt(iommufd_get_object(ictx, 3, IOMMUFD_OBJ_HWPT_PAGING))->domain;
	u16 asid = ((struct arm_smmu_domain_cfg *)to_smmu_domain(dom)->cfg)->s1.cd.asid;
	char *text = view(sim, VIEW);
	char line[256];
	assert_has(text, "  3 hwpt paging: ioas 2, auto, users 1 (device 1)\n");
	snprintf(line, sizeof(line), "      domain: stage 1, asid %u, page sizes 4K 2M 1G, aperture 0x0-0x%llx, smmu ",
		 asid, (unsigned long long)dom->geometry.aperture_end);
	assert_has(text, line);
	assert_has(text, ", r cache, pinned\n");
	snprintf(line, sizeof(line), "      reserved 0x%llx-0xffffffffffffffff (hwpt 3's aperture)\n",
		 (unsigned long long)dom->geometry.aperture_end + 1);
	assert_has(text, line);
	free(text);
	iommusim_free(sim);
}

/* two opens are two contexts; a context whose fd is closed but a bound cdev holds is still shown */
Test(iommufd_debugfs, contexts_by_fd_and_held)
{
	struct iommusim *sim = boot_ifd("7.3", IOMMUFD_KCONFIG, false);
	free(run(sim, TO_VFIO));
	expect(sim, "iommufd open", "ok");		/* the verb's context: fd 3 */
	int a = 3;
	int b = iommusim_open(sim, "/dev/iommu", 2);
	cr_assert_eq(b, 4);
	struct iommu_ioas_alloc ia = { .size = sizeof(ia) };
	cr_assert_eq(iommusim_ioctl(sim, b, IOMMU_IOAS_ALLOC, &ia), 0);
	char *text = view(sim, VIEW);
	cr_assert_str_eq(text, "/dev/iommu fd 3: 0 objects, rlimit mode none\n"
			       "/dev/iommu fd 4: 1 objects, rlimit mode none\n"
			       "  1 ioas: users 0\n      iova alignment 0x1, huge pages on\n      allowed: all\n"
			       "      domains: none\n");
	free(text);
	cr_assert_eq(iommusim_close(sim, b), 0);
	expect(sim, "iommufd device " DEV " open", "ok");
	expect(sim, "iommufd device " DEV " bind", "ok dev 1");
	cr_assert_eq(iommusim_close(sim, a), 0);
	text = view(sim, VIEW);
	assert_has(text, "/dev/iommu (no fd: held by a bound vfio device): 1 objects");
	assert_has(text, "  1 device " DEV ": ");
	free(text);
	iommusim_free(sim);
}

/* no IOMMUFD in the kernel (6.1; Debian's 7.3): the file says so */
Test(iommufd_debugfs, not_built)
{
	static const char *const lv[] = { "6.1", "7.3" };
	for (int i = 0; i < 2; i++) {
		struct iommusim *sim = boot_ifd(lv[i], NULL, false);
		char *text = view(sim, VIEW);
		cr_assert_str_eq(text, "iommufd: not built (CONFIG_IOMMUFD is not set)\n", "%s", lv[i]);
		free(text);
		iommusim_free(sim);
	}
}

/*
 * The VMM's queues on vmm_nested(): a fault object (7, fd 5) and a paging
 * HWPT allocated with it (8), a vEVENTQ of the vIOMMU two records deep (9,
 * fd 6).
 */
static struct iommusim *vmm_with_queues(void)
{
	struct iommusim *sim = vmm_nested();
	expect(sim, "iommufd fault alloc", "ok fault 7");
	expect(sim, "iommufd hwpt alloc " DEV " 2 fault=7", "ok hwpt 8");
	expect(sim, "iommufd veventq alloc 4 depth=2", "ok veventq 9");
	return sim;
}

/* the device reads at IOVA 0x1000 through its nested STE: the guest's CD at 0x40001000 is zero (C_BAD_CD) */
static void nested_fault(struct iommusim *sim)
{
	struct arm_smmu_master *master = pdev_of(sim, DEV)->dev.iommu->priv;
	u64 b = 0;
	cr_assert_neq(smmu_hw_dma(sim->k->hw->smmu, master->streams[0].id, SMMU_NO_SSID, 0x1000, &b, 8, false), 0);
}

Test(iommufd_debugfs, fault_queue_and_veventq)
{
	struct iommusim *sim = vmm_with_queues();
	struct iommufd_ctx *ictx = ctx_of(sim, 3);
	struct uapi_file *ffile = uapi_fget(sim->k, 5), *vfile = uapi_fget(sim->k, 6);
	cr_assert(ffile && ffile->kind == UAPI_FILE_IOMMUFD_EVENTQ && ffile->eventq->obj.id == 7);
	cr_assert(vfile && vfile->kind == UAPI_FILE_IOMMUFD_EVENTQ && vfile->eventq->obj.id == 9);
	struct iommufd_veventq *vq = to_veventq(iommufd_get_object(ictx, 9, IOMMUFD_OBJ_VEVENTQ));
	char *text = view(sim, VIEW);
	assert_has(text, "/dev/iommu fd 3: 9 objects");
	/* the fault object: its fd and the HWPT made with it hold it */
	cr_assert_eq(iommufd_get_object(ictx, 7, IOMMUFD_OBJ_FAULT)->users, 2);
	assert_has(text, "  7 fault: fd 5, queued 0, awaiting response 0, users 2 (fd 5, hwpt 8)\n");
	assert_has(text, "  8 hwpt paging: ioas 2, allocated, users 0\n");
	/* the vIOMMU names its vEVENTQ among its holders; the vEVENTQ is held by its fd */
	assert_has(text, ", users 3 (vdevice 5, hwpt 6, veventq 9)\n");
	cr_assert_eq(to_viommu(iommufd_get_object(ictx, 4, IOMMUFD_OBJ_VIOMMU))->obj.users, 3);
	assert_has(text, "  9 veventq arm-smmuv3: viommu 4, depth 2, queued 0, lost events no, next sequence 0, "
			 "fd 6, users 1 (fd 6)\n");
	free(text);

	/* a forwarded nested fault: a record queued, nothing printed by the host */
	nested_fault(sim);
	cr_assert_eq(vq->num_events, 1);
	text = view(sim, VIEW);
	assert_has(text, "  9 veventq arm-smmuv3: viommu 4, depth 2, queued 1, lost events no, next sequence 1, ");
	free(text);
	/* two more: the second finds the queue full, the lost-events header takes its sequence */
	nested_fault(sim);
	nested_fault(sim);
	cr_assert_eq(vq->num_events, 2);
	cr_assert_eq(vq->sequence, 3);
	text = view(sim, VIEW);
	assert_has(text, "  9 veventq arm-smmuv3: viommu 4, depth 2, queued 2, lost events yes (header queued), "
			 "next sequence 3, fd 6, users 1 (fd 6)\n");
	free(text);
	/* the VMM reads them all: nothing queued, the sequence goes on */
	char *out = run(sim, "iommufd veventq 9 read\n");
	cr_assert(!strncmp(out, "ok ", 3), "%s", out);
	free(out);
	text = view(sim, VIEW);
	assert_has(text, "  9 veventq arm-smmuv3: viommu 4, depth 2, queued 0, lost events no, next sequence 3, ");
	free(text);
	iommusim_free(sim);
}

/* the queues' refused calls: an errno, the view byte for byte as before */
Test(iommufd_debugfs, refused_queue_calls_change_nothing)
{
	struct iommusim *sim = vmm_with_queues();
	nested_fault(sim);
	static const char *const refused[] = {
		"iommufd destroy 7",				/* EBUSY: its fd and hwpt 8 */
		"iommufd destroy 9",				/* EBUSY: its fd */
		"iommufd destroy 4",				/* EBUSY: the vEVENTQ among others */
		"iommufd veventq alloc 4",			/* EEXIST: one per type */
		"iommufd veventq alloc 3",			/* ENOENT: not a vIOMMU */
		"iommufd veventq alloc 4 depth=0",		/* EINVAL */
		"iommufd veventq alloc 4 type=0",		/* EOPNOTSUPP: DEFAULT */
		"iommufd fault alloc flags=0x1",		/* EOPNOTSUPP */
		"iommufd fault 7 write 0x1:0",			/* EINVAL: no such cookie */
		"iommufd veventq 9 read len=4",			/* EINVAL: below a header */
		"iommufd hwpt alloc " DEV " 2 fault=9",		/* ENOENT: not a fault object */
		"iommufd device " DEV " attach 8",		/* EOPNOTSUPP: IOPF needs ARM_SMMU_V3_SVA */
	};
	char *before = view(sim, VIEW);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char line[256];
		snprintf(line, sizeof(line), "%s\n", refused[i]);
		char *out = run(sim, line);
		cr_assert(out[0] == 'E', "%s: printed \"%s\", expected an errno", refused[i], out);
		free(out);
		char *after = view(sim, VIEW);
		cr_assert_str_eq(after, before, "%s changed the view", refused[i]);
		free(after);
	}
	free(before);
	iommusim_free(sim);
}

/* the queues' ends: a closed fd, DESTROY, and a context only a vEVENTQ's fd keeps */
Test(iommufd_debugfs, queues_closed_and_destroyed)
{
	struct iommusim *sim = vmm_with_queues();
	expect(sim, "iommufd fault 7 close", "ok");
	char *text = view(sim, VIEW);
	assert_has(text, "  7 fault: fd closed, queued 0, awaiting response 0, users 1 (hwpt 8)\n");
	free(text);
	expect(sim, "iommufd destroy 8", "ok");
	expect(sim, "iommufd destroy 7", "ok");
	text = view(sim, VIEW);
	assert_has(text, "/dev/iommu fd 3: 7 objects");
	cr_assert_null(strstr(text, "  7 "));
	free(text);
	/* /dev/iommu closed: the device and the vEVENTQ's fd keep the context */
	expect(sim, "iommufd device " DEV " close", "ok");
	expect(sim, "iommufd close", "ok");
	text = view(sim, VIEW);
	assert_has(text, "/dev/iommu (no fd: held by an event queue's fd): ");
	assert_has(text, "  9 veventq arm-smmuv3: viommu 4, depth 2, queued 0, lost events no, next sequence 0, "
			 "fd 6, users 1 (fd 6)\n");
	free(text);
	expect(sim, "iommufd veventq 9 close", "ok");
	text = view(sim, VIEW);
	cr_assert_str_eq(text, "no /dev/iommu open\n");
	free(text);
	iommusim_free(sim);
}
