/*
 * The MSI doorbell of a vfio-pci device on 7.3 with iommufd: VFIO_DEVICE_SET_IRQS
 * enables MSI-X on the function (pci_alloc_irq_vectors: the table entry
 * programmed), the ITS's msi_prepare asks iommufd for the doorbell, which
 * maps GITS_TRANSLATER's page at the SW_MSI window (0x8000000 + the page's
 * order) into the domain the device is attached to, and the entry carries
 * that IOVA. The function's message is then a DMA write through its STE:
 * it reaches the ITS (delivered, the handler signals the eventfd). Bound but
 * not attached (the blocking domain) the ITS cannot prepare the doorbell:
 * ENOSPC, nothing enabled. The group path (VFIO type1) maps it through
 * the MSI cookie at the same base.
 *
 * Nested (a vIOMMU on a nest parent, the guest's vSTE): the doorbell page
 * goes into the nest parent (stage 2) at IPA 0x8000000; the device's message
 * (IOVA 0x8000040) goes through the guest's stage 1 first. With the guest's
 * own mapping of that IOVA to the window's IPA it is delivered; without it
 * the SMMU reports F_TRANSLATION at stage 1 with InputAddr 0x8000040; with
 * the guest mapping it to its own vITS doorbell page (an IPA the host never
 * mapped) it is a stage-2 F_TRANSLATION with that IPA. No MSI arrives then.
 */
#include <linux/vfio.h>
#include <linux/pci_regs.h>
#include "iommufd_util.h"
#include "hw/smmuv3/smmuv3_tables.h"
#include "smmuv3/event_decode.h"
#include "smmuv3/event_log.h"
#include "smmuv3/evtq.h"
#include "iommusim/vfio.h"
#include "drivers/irq.h"
#include "hw/gic.h"
#include "hw/pci_msi_send.h"
#include "hw/pci_msix.h"
#include "pci/pci.h"
#include "uapi/iommufd.h"
#include "uapi/uapi.h"
#include "uapi/vfio_cdev_abi.h"
#include "uapi/vfio.h"

#define ARGS_DEV "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	     "-device virtio-net-pci,bus=rp1"
#define DEV "0000:01:00.0"
#define KCONFIG "IOMMUFD=y,VFIO_DEVICE_CDEV=y,TRANSPARENT_HUGEPAGE=n"

static struct iommusim *boot_s2fwb(const char *kernel_v, const char *qemu, const char *kconfig, bool s2fwb)
{
	const char *settings[] = { kconfig, NULL };
	struct iommusim_options opts = { .linux_version = kernel_v, .qemu_version = qemu,
					 .kconfig = kconfig ? settings : NULL, .smmu_s2fwb = s2fwb };
	char err[1024] = "";
	struct iommusim *sim = boot_str_opts(ARGS_DEV, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "%s", err);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/devices/" DEV "/driver_override", "vfio-pci"), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers/virtio-pci/unbind", DEV), 0);
	cr_assert_eq(iommusim_sysfs_write(sim, "/sys/bus/pci/drivers_probe", DEV), 0);
	return sim;
}

static struct iommusim *boot(const char *kernel_v, const char *qemu, const char *kconfig)
{
	return boot_s2fwb(kernel_v, qemu, kconfig, false);
}

struct irqset {
	struct vfio_irq_set hdr;
	int32_t fds[8];
};

static long set_irqs(struct iommusim *sim, int dfd, u32 flags, u32 index, u32 start, u32 count,
		     const int32_t *fds)
{
	struct irqset s = { .hdr = { .argsz = sizeof(s), .flags = flags, .index = index, .start = start,
				     .count = count } };
	for (u32 i = 0; fds && i < count; i++)
		s.fds[i] = fds[i];
	return iommusim_ioctl(sim, dfd, VFIO_DEVICE_SET_IRQS, &s);
}

#define EVENTFD_TRIGGER (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)

static struct hw_pci_fn *fn_of(struct iommusim *sim)
{
	return (struct hw_pci_fn *)pdev_of(sim, DEV)->hw;
}

static u64 delivered(struct iommusim *sim)
{
	return hw_gic_stats(sim->k->hw->gic)->msi_delivered;
}

static int cdev_bound(struct iommusim *sim, int *ifd)
{
	*ifd = iommusim_open(sim, "/dev/iommu", 2);
	int dfd = iommusim_open(sim, "/dev/vfio/devices/vfio0", 2);
	cr_assert_geq(*ifd, 3);
	cr_assert_geq(dfd, 3);
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = *ifd };
	cr_assert_eq(iommusim_ioctl(sim, dfd, VFIO_DEVICE_BIND_IOMMUFD, &b), 0);
	return dfd;
}

static u32 attach_new_ioas(struct iommusim *sim, int ifd, int dfd)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	cr_assert_eq(iommusim_ioctl(sim, ifd, IOMMU_IOAS_ALLOC, &a), 0);
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = a.out_ioas_id };
	cr_assert_eq(iommusim_ioctl(sim, dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), 0);
	return at.pt_id;
}

Test(iommufd_msi, paging_hwpt_doorbell_in_the_window)
{
	struct iommusim *sim = boot("7.3", "10.0", KCONFIG);
	int ifd, dfd = cdev_bound(sim, &ifd);
	attach_new_ioas(sim, ifd, dfd);
	int efd = iommusim_eventfd(sim, 0);
	cr_assert_geq(efd, 3);
	int32_t fds[2] = { efd, -1 };
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds), 0);
	struct hw_pci_fn *fn = fn_of(sim);
	cr_assert(hw_msix_enabled(fn->msix), "MSI-X enabled on the function");
	u64 doorbell = msi_parent_doorbell(sim->k);
	u64 want = 0x8000000 + (doorbell & 0xfff);
	cr_assert_eq(hw_msix_entry_addr(fn->msix, 0), want, "%#llx", (unsigned long long)hw_msix_entry_addr(fn->msix, 0));
	cr_assert_eq(hw_msix_entry_addr(fn->msix, 1), want, "one page for every vector");
	/* vector 0 has a handler (unmasked): the write reaches the ITS and the eventfd counts it */
	u64 before = delivered(sim);
	u64 addr;
	cr_assert_eq(hw_pci_msi_send(sim->k->hw, fn, 0, &addr, NULL), 0);
	cr_assert_eq(addr, want);
	cr_assert_eq(delivered(sim), before + 1);
	uint64_t v = 0;
	cr_assert_eq(iommusim_eventfd_read(sim, efd, &v), 0);
	cr_assert_eq(v, 1);
	/* vector 1 has none: masked, nothing sent */
	cr_assert_eq(hw_pci_msi_send(sim->k->hw, fn, 1, NULL, NULL), 1);
	cr_assert_eq(delivered(sim), before + 1);
	/* loopback */
	cr_assert_eq(set_irqs(sim, dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, NULL), 0);
	cr_assert_eq(iommusim_eventfd_read(sim, efd, &v), 0);
	cr_assert_eq(v, 1);
	/* count 0 + DATA_NONE: disabled, the capability off */
	cr_assert_eq(set_irqs(sim, dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	cr_assert(!hw_msix_enabled(fn->msix));
	cr_assert_eq(hw_pci_msi_send(sim->k->hw, fn, 0, NULL, NULL), -EINVAL);
	iommusim_close(sim, efd);
	iommusim_close(sim, dfd);
	iommusim_close(sim, ifd);
	iommusim_free(sim);
}

Test(iommufd_msi, detached_doorbell_faults_and_reattach_maps_it_again)
{
	struct iommusim *sim = boot("7.3", "10.0", KCONFIG);
	int ifd, dfd = cdev_bound(sim, &ifd);
	int efd = iommusim_eventfd(sim, 0);
	int32_t fds[1] = { efd };
	/*
	 * the blocking domain has no cookie: the ITS cannot prepare the doorbell,
	 * and the MSI core answers a failed first vector with ENOSPC (as the
	 * oracle's iommufd kernel did: oracle/iommufd/msi_probe.expected)
	 */
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, fds), -ENOSPC);
	cr_assert(!hw_msix_enabled(fn_of(sim)->msix), "nothing left enabled");
	attach_new_ioas(sim, ifd, dfd);
	/* 7.3's msi_teardown freed the ITS device of the failed try: two vectors fit now */
	int32_t two[2] = { efd, -1 };
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, two), 0);
	/* detached: the device is blocked, its message faults at the SMMU */
	struct vfio_device_detach_iommufd_pt d = { .argsz = sizeof(d) };
	cr_assert_eq(iommusim_ioctl(sim, dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d), 0);
	u64 before = delivered(sim);
	cr_assert_eq(hw_pci_msi_send(sim->k->hw, fn_of(sim), 0, NULL, NULL), -EFAULT);
	cr_assert_eq(delivered(sim), before);
	/* a new IOAS's domain gets the page the group's MSIs use at its first attach */
	attach_new_ioas(sim, ifd, dfd);
	cr_assert_eq(hw_pci_msi_send(sim->k->hw, fn_of(sim), 0, NULL, NULL), 0);
	cr_assert_eq(delivered(sim), before + 1);
	iommusim_close(sim, efd);
	iommusim_close(sim, dfd);
	iommusim_close(sim, ifd);
	iommusim_free(sim);
}

/* the group path: VFIO type1's MSI cookie at the SW_MSI base, on 6.1 and 7.3 alike */
static void type1_doorbell(const char *kernel_v, const char *qemu)
{
	struct iommusim *sim = boot(kernel_v, qemu, NULL);
	int cfd = iommusim_open(sim, "/dev/vfio/vfio", 2);
	char path[32];
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_of(sim, DEV));
	int gfd = iommusim_open(sim, path, 2);
	cr_assert_geq(gfd, 3);
	cr_assert_eq(iommusim_ioctl(sim, gfd, VFIO_GROUP_SET_CONTAINER, &cfd), 0);
	cr_assert_eq(iommusim_ioctl(sim, cfd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	int dfd = (int)iommusim_ioctl(sim, gfd, VFIO_GROUP_GET_DEVICE_FD, (void *)DEV);
	cr_assert_geq(dfd, 3);
	int efd = iommusim_eventfd(sim, 0);
	int32_t fds[1] = { efd };
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, fds), 0);
	struct hw_pci_fn *fn = fn_of(sim);
	u64 doorbell = msi_parent_doorbell(sim->k);
	cr_assert_eq(hw_msix_entry_addr(fn->msix, 0), 0x8000000 + (doorbell & 0xfff));
	u64 before = delivered(sim);
	cr_assert_eq(hw_pci_msi_send(sim->k->hw, fn, 0, NULL, NULL), 0);
	cr_assert_eq(delivered(sim), before + 1);
	uint64_t v = 0;
	cr_assert_eq(iommusim_eventfd_read(sim, efd, &v), 0);
	cr_assert_eq(v, 1);
	/* the last close disables what the user left enabled */
	iommusim_close(sim, dfd);
	cr_assert(!hw_msix_enabled(fn->msix));
	iommusim_close(sim, efd);
	iommusim_close(sim, gfd);
	iommusim_close(sim, cfd);
	iommusim_free(sim);
}

Test(iommufd_msi, type1_msi_cookie_61)
{
	type1_doorbell("6.1", "7.2");
}

Test(iommufd_msi, type1_msi_cookie_73)
{
	type1_doorbell("7.3", "10.0");
}

/* ---- nested ---- */

#define GPA 0x40000000ULL
#define PG(n) (GPA + (n) * 0x1000ULL)
#define S1_TABLE(ipa) ((ipa) | PTE_VALID | PTE_TYPE)
#define S1_PAGE(ipa) ((ipa) | PTE_VALID | PTE_TYPE | PTE_S1_AP_UNPRIV | PTE_AF)
#define WINDOW 0x8000000ULL
enum guest_msi_map { GUEST_MAPS_WINDOW, GUEST_MAPS_NOTHING, GUEST_MAPS_ITS_GPA };

/* the last event the driver drained, decoded */
static struct arm_smmu_event last_event(struct arm_smmu_device *smmu, u64 events_before)
{
	arm_smmu_evtq_thread(smmu);
	cr_assert_eq(smmu->event_log.total, events_before + 1, "one event");
	u64 i = (smmu->event_log.total - 1) % ARM_SMMU_EVENT_LOG_SIZE;
	struct arm_smmu_event ev;
	arm_smmu_decode_event(smmu, smmu->event_log.recs[i].evt, &ev);
	return ev;
}

static void nested_msi(enum guest_msi_map how)
{
	struct iommusim *sim = boot_s2fwb("7.3", "10.0", "IOMMUFD=y,VFIO_DEVICE_CDEV=y,ARM_SMMU_V3_IOMMUFD=y,"
					 "TRANSPARENT_HUGEPAGE=n", true);
	int ifd, dfd = cdev_bound(sim, &ifd);
	struct ifd c = { .sim = sim, .fd = ifd, .ictx = uapi_fget(sim->k, ifd)->iommufd, .pdev = pdev_of(sim, DEV) };
	c.idev = uapi_fget(sim->k, dfd)->device->idev;
	c.dev_id = c.idev->obj.id;
	u32 ioas = ifd_ioas(&c);
	/* guest RAM at IPA 0x40000000: its CD (ASID 5) and stage-1 tables */
	u64 *ram = iommusim_user_alloc(sim, 0x10000);
	cr_assert_not_null(ram);
	memset(ram, 0, 0x10000);
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (u64)(uintptr_t)ram, .length = 0x10000, .iova = GPA };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_MAP, &m), 0);
	ram[0] = CD0_V | CD0_AA64 | FIELD_PREP(CD0_T0SZ, 16) | FIELD_PREP(CD0_IRGN0, 1) | FIELD_PREP(CD0_ORGN0, 1) |
		 FIELD_PREP(CD0_SH0, 3) | CD0_EPD1 | FIELD_PREP(CD0_IPS, 4) | CD0_R | CD0_A | FIELD_PREP(CD0_ASID, 5);
	ram[1] = PG(1);
	ram[3] = 0xff;
	/* IOVA 0x8000000: L0 0, L1 0, L2 0x40, L3 0 */
	ram[0x1000 / 8] = S1_TABLE(PG(2));
	ram[0x2000 / 8] = S1_TABLE(PG(3));
	ram[0x3000 / 8 + 0x40] = S1_TABLE(PG(4));
	u64 doorbell = msi_parent_doorbell(sim->k);
	if (how == GUEST_MAPS_WINDOW)
		ram[0x4000 / 8] = S1_PAGE(WINDOW);
	else if (how == GUEST_MAPS_ITS_GPA)
		ram[0x4000 / 8] = S1_PAGE(doorbell & ~0xfffULL);

	u32 parent = ifd_nest_parent(&c, ioas), viommu = 0, vdev = 0, nested = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	cr_assert_eq(ifd_vdevice_alloc(&c, viommu, c.dev_id, 0x42, &vdev), 0);
	struct iommu_hwpt_arm_smmuv3 vste = { { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S1) | PG(0), 0 } };
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &vste, 16, &nested), 0);
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = nested };
	cr_assert_eq(iommusim_ioctl(sim, dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), 0);

	int efd = iommusim_eventfd(sim, 0);
	int32_t fds[1] = { efd };
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, fds), 0);
	/* the message carries the window's IOVA; the nest parent maps it to the ITS */
	struct hw_pci_fn *fn = fn_of(sim);
	u64 msg = WINDOW + (doorbell & 0xfff);
	cr_assert_eq(hw_msix_entry_addr(fn->msix, 0), msg);
	struct iommufd_object *po = iommufd_get_object(c.ictx, parent, IOMMUFD_OBJ_HWPT_PAGING);
	cr_assert_not_null(po);
	struct iommufd_hwpt_paging *np = to_hwpt_paging(to_hwpt(po));
	cr_assert_eq(iommu_iova_to_phys(np->common.domain, WINDOW), doorbell & ~0xfffULL, "stage 2 maps the window");

	struct arm_smmu_device *smmu = ifd_smmu(&c);
	u64 events = smmu->event_log.total, before = delivered(sim);
	int ret = hw_pci_msi_send(sim->k->hw, fn, 0, NULL, NULL);
	if (how == GUEST_MAPS_WINDOW) {
		cr_assert_eq(ret, 0);
		cr_assert_eq(delivered(sim), before + 1);
		uint64_t v = 0;
		cr_assert_eq(iommusim_eventfd_read(sim, efd, &v), 0);
		cr_assert_eq(v, 1);
	} else {
		cr_assert_eq(ret, -EFAULT);
		cr_assert_eq(delivered(sim), before);
		struct arm_smmu_event ev = last_event(smmu, events);
		cr_assert_eq(ev.id, 0x10, "F_TRANSLATION, got 0x%x", ev.id);
		cr_assert_eq(ev.iova, msg, "InputAddr %#llx", (unsigned long long)ev.iova);
		cr_assert_not(ev.read, "a write");
		if (how == GUEST_MAPS_NOTHING) {
			cr_assert_not(ev.s2, "stage 1");
		} else {
			cr_assert(ev.s2, "stage 2");
			/* the record's IPA field holds bits 51:12 */
			cr_assert_eq(ev.ipa, doorbell & ~0xfffULL, "IPA %#llx", (unsigned long long)ev.ipa);
		}
	}
	cr_assert_eq(set_irqs(sim, dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL), 0);
	struct iommu_destroy d = { .size = sizeof(d), .id = vdev };
	cr_assert_eq(ifd_io(&c, IOMMU_DESTROY, &d), 0);
	iommusim_close(sim, efd);
	iommusim_close(sim, dfd);
	iommusim_close(sim, ifd);
	iommusim_free(sim);
}

Test(iommufd_msi, nested_with_the_guests_mapping_of_the_window)
{
	nested_msi(GUEST_MAPS_WINDOW);
}

Test(iommufd_msi, nested_without_the_guests_mapping_faults_at_stage1)
{
	nested_msi(GUEST_MAPS_NOTHING);
}

Test(iommufd_msi, nested_guest_mapping_its_own_doorbell_faults_at_stage2)
{
	nested_msi(GUEST_MAPS_ITS_GPA);
}

/*
 * oracle/iommufd/msi_probe.c's sequence on the model, each answer as the
 * oracle's iommufd kernel gave it (oracle/iommufd/msi_probe.expected).
 */
Test(iommufd_msi, answers_as_the_oracles_msi_probe)
{
	struct iommusim *sim = boot("7.3", "10.0", KCONFIG);
	int ifd, dfd = cdev_bound(sim, &ifd);
	int efd = iommusim_eventfd(sim, 0);
	int32_t fds[2] = { efd, -1 };
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds), -ENOSPC, "msix_blocked");
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	cr_assert_eq(iommusim_ioctl(sim, ifd, IOMMU_IOAS_ALLOC, &a), 0);
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = a.out_ioas_id };
	cr_assert_eq(iommusim_ioctl(sim, dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), 0);
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds), 0, "msix_attached");
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, fds), -EINVAL, "intx_while_msix");
	cr_assert_eq(set_irqs(sim, dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX,
			      0, 2, NULL), 0, "loopback");
	uint64_t v = 0;
	cr_assert_eq(iommusim_eventfd_read(sim, efd, &v), 0);
	cr_assert_eq(v, 1, "eventfd_read: one vector has the eventfd");
	int32_t bad[1] = { 999 }, dev[1] = { dfd }, minus2[1] = { -2 };
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1, bad), -EBADF, "bad_fd");
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1, dev), -EINVAL, "not_eventfd");
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, minus2), -EINVAL, "req_fd_minus2");
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, fds), -EINVAL, "msi_no_cap");
	cr_assert_eq(set_irqs(sim, dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
			      NULL), -ENOTTY, "mask_msix");
	/* /proc/interrupts: vector 0 only has a handler, named as vfio-pci names it */
	int irq = pci_irq_vector(pdev_of(sim, DEV), 0);
	struct irq_desc *d = irq_to_desc(sim->k, irq);
	cr_assert(d && d->nactions == 1);
	cr_assert_str_eq(d->actions[0].name, "vfio-msix[0](0000:01:00.0)");
	cr_assert_eq(irq_to_desc(sim->k, pci_irq_vector(pdev_of(sim, DEV), 1))->nactions, 0);
	struct vfio_device_detach_iommufd_pt dt = { .argsz = sizeof(dt) };
	cr_assert_eq(iommusim_ioctl(sim, dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt), 0);
	cr_assert_eq(set_irqs(sim, dfd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX,
			      0, 0, NULL), 0, "msix_off");
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, fds), -ENOSPC,
		     "msix_again_blocked");
	struct vfio_device_attach_iommufd_pt at2 = { .argsz = sizeof(at2), .pt_id = a.out_ioas_id };
	cr_assert_eq(iommusim_ioctl(sim, dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at2), 0);
	cr_assert_eq(set_irqs(sim, dfd, EVENTFD_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, fds), 0, "msix_again");
	iommusim_close(sim, efd);
	iommusim_close(sim, dfd);
	iommusim_close(sim, ifd);
	iommusim_free(sim);
}
