/*
 * VFIO_DEVICE_SET_IRQS as vfio-pci checks and answers it (6.1 through the
 * group's device file, 7.3 through the cdev bound to iommufd and attached):
 * the header's checks (EINVAL), an action the index has no handler for
 * (ENOTTY), eventfd_ctx_fdget's EBADF / EINVAL, one interrupt type at a
 * time; each refused call leaves the function as it was (MSI and MSI-X
 * off). MSI through the capability (ich9-ahci: one vector): the address
 * and data the kernel programmed, the message delivered by the ITS.
 */
#include <linux/vfio.h>
#include <linux/pci_regs.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "drivers/irq.h"
#include "hw/gic.h"
#include "hw/pci_config.h"
#include "hw/pci_msi_send.h"
#include "hw/pci_msix.h"
#include "pci/pci.h"
#include "uapi/iommufd.h"
#include "uapi/vfio_cdev_abi.h"
#include "uapi/uapi.h"
#include "uapi/vfio.h"
#include "uapi/vfio_pci_core.h"

#define NET "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	    "-device virtio-net-pci,bus=rp1"
#define AHCI "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	     "-device ich9-ahci,bus=rp1"
#define DEV "0000:01:00.0"
#define KCONFIG "IOMMUFD=y,VFIO_DEVICE_CDEV=y,TRANSPARENT_HUGEPAGE=n"

struct t {
	struct iommusim *sim;
	int dfd, cfd, gfd, ifd;
};

/* the function bound to vfio-pci and opened: through the cdev (iommufd) or the group, as kernel on qemu */
static struct t open_device_as(const char *args, bool cdev, const char *from, const char *kernel, const char *qemu)
{
	const char *settings[] = { KCONFIG, NULL };
	struct iommusim_options opts = { .linux_version = kernel, .qemu_version = qemu,
					 .kconfig = cdev ? settings : NULL };
	char err[1024] = "";
	struct t t = { .sim = boot_str_opts(args, &opts, err, sizeof(err)), .dfd = -1, .cfd = -1, .gfd = -1, .ifd = -1 };
	cr_assert_not_null(t.sim, "%s", err);
	cr_assert_eq(iommusim_sysfs_write(t.sim, "/sys/bus/pci/devices/" DEV "/driver_override", "vfio-pci"), 0);
	if (from) {
		char path[64];
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", from);
		cr_assert_eq(iommusim_sysfs_write(t.sim, path, DEV), 0);
	}
	cr_assert_eq(iommusim_sysfs_write(t.sim, "/sys/bus/pci/drivers_probe", DEV), 0);
	if (cdev) {
		t.ifd = iommusim_open(t.sim, "/dev/iommu", 2);
		t.dfd = iommusim_open(t.sim, "/dev/vfio/devices/vfio0", 2);
		struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = t.ifd };
		cr_assert_eq(iommusim_ioctl(t.sim, t.dfd, VFIO_DEVICE_BIND_IOMMUFD, &b), 0);
		struct iommu_ioas_alloc a = { .size = sizeof(a) };
		cr_assert_eq(iommusim_ioctl(t.sim, t.ifd, IOMMU_IOAS_ALLOC, &a), 0);
		struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = a.out_ioas_id };
		cr_assert_eq(iommusim_ioctl(t.sim, t.dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), 0);
		return t;
	}
	t.cfd = iommusim_open(t.sim, "/dev/vfio/vfio", 2);
	char path[32];
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_of(t.sim, DEV));
	t.gfd = iommusim_open(t.sim, path, 2);
	cr_assert_eq(iommusim_ioctl(t.sim, t.gfd, VFIO_GROUP_SET_CONTAINER, &t.cfd), 0);
	cr_assert_eq(iommusim_ioctl(t.sim, t.cfd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU), 0);
	t.dfd = (int)iommusim_ioctl(t.sim, t.gfd, VFIO_GROUP_GET_DEVICE_FD, (void *)DEV);
	cr_assert_geq(t.dfd, 3);
	return t;
}

static struct t open_device(const char *args, bool cdev, const char *from)
{
	return open_device_as(args, cdev, from, cdev ? "7.3" : "6.1", cdev ? "10.0" : "7.2");
}

static void done(struct t *t)
{
	iommusim_free(t->sim);
}

struct irqset {
	struct vfio_irq_set hdr;
	int32_t fds[4];
};

static long set(struct t *t, u32 argsz, u32 flags, u32 index, u32 start, u32 count, int32_t fd0)
{
	struct irqset s = { .hdr = { .argsz = argsz, .flags = flags, .index = index, .start = start, .count = count },
			    .fds = { fd0, -1, -1, -1 } };
	return iommusim_ioctl(t->sim, t->dfd, VFIO_DEVICE_SET_IRQS, &s);
}

#define SZ ((u32)sizeof(struct irqset))
#define HDR ((u32)sizeof(struct vfio_irq_set))
#define EFD_TRIG (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define NONE_TRIG (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)

static bool msix_on(struct t *t)
{
	return hw_msix_enabled(((struct hw_pci_fn *)pdev_of(t->sim, DEV)->hw)->msix);
}

static void refused_calls(bool cdev)
{
	struct t t = open_device(NET, cdev, "virtio-pci");
	int efd = iommusim_eventfd(t.sim, 0);
	u32 n = (u32)pci_msix_vec_count(pdev_of(t.sim, DEV));
	cr_assert_geq(n, 3);
	/* the header */
	cr_assert_eq(set(&t, HDR - 1, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, efd), -EINVAL, "argsz");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_NUM_IRQS, 0, 1, efd), -EINVAL, "index");
	cr_assert_eq(set(&t, SZ, EFD_TRIG | (1u << 6), VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, efd), -EINVAL, "unknown flag");
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, efd), -EINVAL, "two data types");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 1, 0xffffffffu, efd), -EINVAL, "wraps");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, n, 1, efd), -EINVAL, "beyond the vectors");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, n - 1, 2, efd), -EINVAL, "start + count beyond");
	cr_assert_eq(set(&t, HDR + 4, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2, efd), -EINVAL, "fds beyond argsz");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, efd), -EINVAL, "no MSI capability");
	/* no handler for the action */
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, 0),
		     -ENOTTY);
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER | VFIO_IRQ_SET_ACTION_MASK,
			 VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, 0), -ENOTTY);
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_NONE, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, 0), -ENOTTY, "no action");
	/* the eventfd */
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, 999), -EBADF);
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, t.dfd), -EINVAL, "not an eventfd");
	/* nothing enabled: loopback and unmask have nothing to act on */
	cr_assert_eq(set(&t, SZ, NONE_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, 0), -EINVAL);
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, 0),
		     -EINVAL);
	cr_assert(!msix_on(&t), "refused calls leave MSI-X off");
	/* INTx on: MSI-X is refused until it is off again */
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, efd), 0);
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, efd), -EINVAL);
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, 0), 0);
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
			 efd), -ENOTTY);
	cr_assert_eq(set(&t, SZ, NONE_TRIG, VFIO_PCI_INTX_IRQ_INDEX, 0, 0, 0), 0, "INTx off");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 3, efd), 0);
	cr_assert(msix_on(&t));
	/* a vector's eventfd changed on the enabled index; a bad one undoes the whole block */
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1, efd), 0);
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, 999), -EBADF);
	cr_assert(msix_on(&t), "still enabled");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, efd), -EINVAL, "MSI-X is on");
	/* ERR (a PCIe function) and REQ take one eventfd each */
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, efd), 0);
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 2, efd), -EINVAL);
	/* an fd below -1: 7.3 refuses it, 6.1 answers 0 and keeps its trigger (both measured) */
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, -2), cdev ? -EINVAL : 0);
	cr_assert_eq(set(&t, SZ, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, 0),
		     -ENOTTY);
	/* the last close takes everything down (ASan: nothing leaks) */
	iommusim_close(t.sim, t.dfd);
	cr_assert(!msix_on(&t));
	done(&t);
}

Test(vfio_irqs, refused_calls_group_61)
{
	refused_calls(false);
}

Test(vfio_irqs, refused_calls_cdev_73)
{
	refused_calls(true);
}

/* MSI through the capability: what the kernel wrote there, and the message the function sends */
static void msi_capability(bool cdev)
{
	struct t t = open_device(AHCI, cdev, NULL);
	int efd = iommusim_eventfd(t.sim, 0);
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 2, efd), -EINVAL, "one vector");
	cr_assert_eq(set(&t, SZ, EFD_TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, efd), 0);
	struct hw_pci_fn *fn = (struct hw_pci_fn *)pdev_of(t.sim, DEV)->hw;
	const struct hw_pci_config *c = fn->config;
	cr_assert(hw_pci_get(c, c->msi_cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	u64 doorbell = msi_parent_doorbell(t.sim->k);
	u64 addr;
	u32 data;
	u64 before = hw_gic_stats(t.sim->k->hw->gic)->msi_delivered;
	cr_assert_eq(hw_pci_msi_send(t.sim->k->hw, fn, 0, &addr, &data), 0);
	cr_assert_eq(addr, 0x8000000 + (doorbell & 0xfff), "%#llx", (unsigned long long)addr);
	cr_assert_eq(hw_gic_stats(t.sim->k->hw->gic)->msi_delivered, before + 1);
	uint64_t v = 0;
	cr_assert_eq(iommusim_eventfd_read(t.sim, efd, &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(iommusim_eventfd_read(t.sim, efd, &v), -EAGAIN);
	cr_assert_eq(set(&t, SZ, NONE_TRIG, VFIO_PCI_MSI_IRQ_INDEX, 0, 0, 0), 0);
	cr_assert_not(hw_pci_get(c, c->msi_cap + PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_ENABLE);
	cr_assert_eq(hw_pci_msi_send(t.sim->k->hw, fn, 0, NULL, NULL), -EINVAL);
	done(&t);
}

Test(vfio_irqs, msi_capability_group_61)
{
	msi_capability(false);
}

Test(vfio_irqs, msi_capability_cdev_73)
{
	msi_capability(true);
}

/*
 * Random SET_IRQS calls (any index, flags, start, count; fds among an
 * eventfd, -1, -2, a closed fd and the device file): nothing crashes,
 * every answer is one vfio-pci can give, MSI-X is on exactly while the
 * last successful enabling call left it so, and the last close leaves
 * nothing behind (ASan/LSan).
 */
static void random_calls(bool cdev, unsigned seed)
{
	struct t t = open_device(NET, cdev, "virtio-pci");
	int efd = iommusim_eventfd(t.sim, 0);
	const int32_t pool[] = { efd, -1, -2, 999, t.dfd };
	srand(seed);
	int enabled = 0;
	for (int i = 0; i < 3000; i++) {
		struct {
			struct vfio_irq_set hdr;
			int32_t fds[8];
		} s;
		memset(&s, 0, sizeof(s));
		u32 data = 1u << (rand() % 4), action = (1u << (5 + rand() % 3)) | (rand() % 16 ? 0 : 1u << (5 + rand() % 3));
		s.hdr.argsz = rand() % 8 ? (u32)sizeof(s) : (u32)(rand() % 40);
		s.hdr.flags = (data & 0x7) | action | (rand() % 32 ? 0 : 1u << (8 + rand() % 8));
		s.hdr.index = (u32)(rand() % 6);
		s.hdr.start = (u32)(rand() % 5);
		s.hdr.count = rand() % 20 ? (u32)(rand() % 5) : 0xffffffffu;
		for (int j = 0; j < 8; j++)
			s.fds[j] = pool[rand() % 5];
		if (data == VFIO_IRQ_SET_DATA_BOOL)
			for (int j = 0; j < 8; j++)
				((u8 *)s.fds)[j] = (u8)(rand() % 2);
		long r = iommusim_ioctl(t.sim, t.dfd, VFIO_DEVICE_SET_IRQS, &s);
		cr_assert(r == 0 || r == -EINVAL || r == -ENOTTY || r == -EBADF || r == -ENODEV || r == -ENOSPC || r > 0,
			  "step %d: %ld", i, r);
		/* the function's MSI-X Enable follows vfio-pci's interrupt type */
		const struct vfio_pci_core_device *vdev = uapi_fget(t.sim->k, t.dfd)->device->vdev;
		cr_assert_eq(msix_on(&t), vdev->irq_type == VFIO_PCI_MSIX_IRQ_INDEX, "step %d", i);
		if (vdev->irq_type == VFIO_PCI_MSIX_IRQ_INDEX)
			enabled++;
		if (rand() % 64 == 0) {
			uint64_t v;
			iommusim_eventfd_read(t.sim, efd, &v);
		}
	}
	cr_assert_gt(enabled, 100, "MSI-X was on for %d steps only", enabled);
	iommusim_close(t.sim, t.dfd);
	cr_assert(!msix_on(&t), "the last close disables MSI-X");
	done(&t);
}

Test(vfio_irqs, random_calls_group_61)
{
	random_calls(false, 1);
}

Test(vfio_irqs, random_calls_cdev_73)
{
	random_calls(true, 2);
}

/*
 * MSI-X enabled with one vector, then vectors added past it (virtio-net's
 * table has 4 entries). 7.3 (has_dyn_msix on the GICv3 ITS) adds each one
 * with an eventfd: its table entry gets the ITS doorbell and an event of its
 * own, and the vector's MSI reaches its eventfd; fd -1 for a vector never
 * enabled is 0. 6.1 refuses every vector past the first (EINVAL) and a
 * loopback range past it, leaving the table as it was. Both measured
 * (tests/linux/vfio_set_irqs_msix_grow).
 */
static long set_fds(struct t *t, u32 start, u32 count, const int32_t *fds)
{
	struct irqset s = { .hdr = { .argsz = SZ, .flags = EFD_TRIG, .index = VFIO_PCI_MSIX_IRQ_INDEX, .start = start,
				     .count = count } };
	memcpy(s.fds, fds, count * sizeof(int32_t));
	return iommusim_ioctl(t->sim, t->dfd, VFIO_DEVICE_SET_IRQS, &s);
}

/* one message of the function's vector: 0 and one more MSI at the GIC, the eventfd signalled once */
static void assert_delivered(struct t *t, unsigned vector, int efd)
{
	struct hw_pci_fn *fn = (struct hw_pci_fn *)pdev_of(t->sim, DEV)->hw;
	u64 before = hw_gic_stats(t->sim->k->hw->gic)->msi_delivered;
	cr_assert_eq(hw_pci_msi_send(t->sim->k->hw, fn, vector, NULL, NULL), 0, "vector %u", vector);
	cr_assert_eq(hw_gic_stats(t->sim->k->hw->gic)->msi_delivered, before + 1, "vector %u", vector);
	uint64_t v = 0;
	cr_assert_eq(iommusim_eventfd_read(t->sim, efd, &v), 0, "vector %u", vector);
	cr_assert_eq(v, 1);
}

static void msix_grow(bool cdev, const char *kernel, const char *qemu, bool grows)
{
	struct t t = open_device_as(NET, cdev, "virtio-pci", kernel, qemu);
	struct hw_pci_fn *fn = (struct hw_pci_fn *)pdev_of(t.sim, DEV)->hw;
	struct hw_msix *m = fn->msix;
	u64 doorbell = msi_parent_doorbell(t.sim->k);
	int e[4];
	for (int i = 0; i < 4; i++)
		e[i] = iommusim_eventfd(t.sim, 0);
	/* NORESIZE only where the table cannot grow */
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = VFIO_PCI_MSIX_IRQ_INDEX };
	cr_assert_eq(iommusim_ioctl(t.sim, t.dfd, VFIO_DEVICE_GET_IRQ_INFO, &info), 0);
	cr_assert_eq(info.count, 4);
	cr_assert_eq(!!(info.flags & VFIO_IRQ_INFO_NORESIZE), !grows);
	cr_assert_eq(set_fds(&t, 0, 1, &e[0]), 0);
	cr_assert(msix_on(&t));
	cr_assert(hw_msix_entry_masked(m, 1), "entry 1 has no vector yet");
	const int32_t off = -1;
	/* fd -1 for a vector without a context: nothing to remove on 7.3 */
	cr_assert_eq(set_fds(&t, 1, 1, &off), grows ? 0 : -EINVAL);
	cr_assert_eq(set_fds(&t, 1, 1, &e[1]), grows ? 0 : -EINVAL);
	cr_assert_eq(set_fds(&t, 2, 2, &e[2]), grows ? 0 : -EINVAL);
	struct irqset lb = { .hdr = { .argsz = SZ, .flags = NONE_TRIG, .index = VFIO_PCI_MSIX_IRQ_INDEX, .count = 4 } };
	cr_assert_eq(iommusim_ioctl(t.sim, t.dfd, VFIO_DEVICE_SET_IRQS, &lb), grows ? 0 : -EINVAL, "loopback of 4");
	uint64_t v;
	for (int i = 0; i < 4; i++)
		cr_assert_eq(iommusim_eventfd_read(t.sim, e[i], &v), grows ? 0 : -EAGAIN, "loopback %d", i);
	/* each vector the kernel has: its entry holds the doorbell and an event of its own, unmasked */
	unsigned have = grows ? 4 : 1;
	const struct pci_dev *pdev = pdev_of(t.sim, DEV);
	cr_assert_eq(pdev->msix_nvec, have);
	for (unsigned i = 0; i < 4; i++) {
		if (i >= have) {
			cr_assert(hw_msix_entry_masked(m, i), "entry %u", i);
			cr_assert_eq(hw_pci_msi_send(t.sim->k->hw, fn, i, NULL, NULL), 1, "entry %u masked", i);
			continue;
		}
		cr_assert_eq(hw_msix_entry_addr(m, i), 0x8000000 + (doorbell & 0xfff), "entry %u %#llx", i,
			     (unsigned long long)hw_msix_entry_addr(m, i));
		for (unsigned j = 0; j < i; j++)
			cr_assert_neq(hw_msix_entry_data(m, i), hw_msix_entry_data(m, j), "entries %u %u", i, j);
		cr_assert_not(hw_msix_entry_masked(m, i), "entry %u", i);
		assert_delivered(&t, i, e[i]);
	}
	if (grows) {
		/* the verb that makes the function send one: a grown vector's message reaches its eventfd */
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		cr_assert_eq(iommusim_run_line(t.sim, "vfio device " DEV " msi 3", out), 0);
		fclose(out);
		cr_assert(strstr(text, ": delivered"), "%s", text);
		free(text);
		cr_assert_eq(iommusim_eventfd_read(t.sim, e[3], &v), 0);
		cr_assert_eq(v, 1);
		/* a bad fd for a grown vector: its handler goes, the vector stays allocated and masked */
		const int32_t bad = 999;
		cr_assert_eq(set_fds(&t, 1, 1, &bad), -EBADF);
		cr_assert_eq(pdev->msix_nvec, 4);
		cr_assert(hw_msix_entry_masked(m, 1));
		cr_assert_eq(hw_pci_msi_send(t.sim->k->hw, fn, 1, NULL, NULL), 1);
		cr_assert_eq(set_fds(&t, 1, 1, &e[1]), 0);
		assert_delivered(&t, 1, e[1]);
	}
	/* off: every vector freed (the added ones too), MSI-X off */
	cr_assert_eq(set(&t, SZ, NONE_TRIG, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, 0), 0);
	cr_assert(!msix_on(&t));
	cr_assert_eq(pdev->msix_nvec, 0);
	if (grows) {
		/* a later entry first: the ones between stay without a vector until asked for */
		cr_assert_eq(set_fds(&t, 0, 1, &e[0]), 0);
		cr_assert_eq(set_fds(&t, 3, 1, &e[3]), 0);
		cr_assert(hw_msix_entry_masked(m, 1));
		cr_assert_eq(hw_pci_msi_send(t.sim->k->hw, fn, 1, NULL, NULL), 1);
		assert_delivered(&t, 3, e[3]);
		cr_assert_eq(set_fds(&t, 1, 2, &e[1]), 0);
		assert_delivered(&t, 2, e[2]);
	}
	/* the last close takes the added vectors down too (ASan: nothing leaks) */
	iommusim_close(t.sim, t.dfd);
	cr_assert(!msix_on(&t));
	done(&t);
}

Test(vfio_irqs, msix_grow_group_61)
{
	msix_grow(false, "6.1", "7.2", false);
}

Test(vfio_irqs, msix_grow_group_73)
{
	msix_grow(false, "7.3", "10.0", true);
}

Test(vfio_irqs, msix_grow_cdev_73)
{
	msix_grow(true, "7.3", "10.0", true);
}
