/*
 * QEMU 7.2's virtio-pci proxies (hw/virtio/virtio-pci.c and the
 * virtio-{blk,net,rng}-pci types): a PCI function carrying a virtio device,
 * whose properties the proxy aliases (so -device virtio-blk-pci,drive=...).
 * Transitional (legacy + modern) on a root bus, modern only behind a PCIe
 * port; a PCIe endpoint capability only there; MSI-X when the interrupt
 * controller has MSIs.
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/pci_regs.h>
#include "hw/qdev_types.h"
#include "hw/pci_qdev.h"
#include "hw/pci_msix.h"
#include "hw/virtio_qdev.h"

#define DEV_NVECTORS_UNSPECIFIED UINT32_MAX
#define VIRTIO_BLK_AUTO_NUM_QUEUES UINT16_MAX

static const struct qdev_prop virtio_pci_props[] = {
	/* capabilities the model's config space does not have */
	QDEV_BIT("aer", false, QDEV_DEFAULT_ONLY),
	QDEV_BIT("ats", false, QDEV_DEFAULT_ONLY),
	/* migration compat */
	QDEV_BIT("migrate-extra", true, QDEV_NO_EFFECT),
	QDEV_BIT("modern-pio-notify", false, QDEV_DEFAULT_ONLY),
	QDEV_BIT("page-per-vq", false, QDEV_DEFAULT_ONLY),
	QDEV_BIT("virtio-pci-bus-master-bug-migration", false, QDEV_NO_EFFECT),
	/* only with ats=on */
	QDEV_BIT("x-ats-page-aligned", true, QDEV_NO_EFFECT),
	/* no PCIe capability even behind a PCIe port */
	QDEV_BIT("x-disable-pcie", false, QDEV_MODELLED),
	/* vhost backends only */
	QDEV_BOOL("x-ignore-backend-features", false, QDEV_NO_EFFECT),
	/* PCIe capability registers (error reporting, FLR, link control, PM) */
	QDEV_BIT("x-pcie-deverr-init", true, QDEV_DEFAULT_ONLY),
	QDEV_BIT("x-pcie-flr-init", true, QDEV_DEFAULT_ONLY),
	QDEV_BIT("x-pcie-lnkctl-init", true, QDEV_DEFAULT_ONLY),
	QDEV_BIT("x-pcie-pm-init", true, QDEV_DEFAULT_ONLY),
};

/* virtio_pci_generic_properties: only the generic types have them */
const struct qdev_prop virtio_pci_generic_props[VIRTIO_PCI_NGENERIC_PROPS] = {
	QDEV_ON_OFF_AUTO("disable-legacy", QDEV_AUTO, QDEV_MODELLED),
	QDEV_BOOL("disable-modern", false, QDEV_MODELLED),
};

const struct hw_device_type virtio_pci_type = {
	.name = "virtio-pci",
	.parent = &pci_device_type,
	.abstract = true,
	.bus = "PCI",
	QDEV_PROPS(virtio_pci_props),
};

/*
 * The MSI-X table: "vectors", or its type's default (virtio-blk num-queues
 * + 1, virtio-net 2 * queue pairs + 2, virtio-rng 2). virtio_pci_device_plugged()
 * drops MSI-X when the interrupt controller has no MSI support (silently) or
 * the count is invalid (with a warning): only INTx then.
 */
static int virtio_pci_msix(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn)
{
	u64 n = qdev_uint(d, "vectors");

	if (n == DEV_NVECTORS_UNSPECIFIED) {
		switch (fn->virtio->id) {
		case HW_VIRTIO_BLK: n = fn->virtio->num_queues + 1; break;
		case HW_VIRTIO_SCSI: n = fn->virtio->num_queues + 3; break;	/* config, control, event */
		case HW_VIRTIO_NET: n = 2 * 1 + 2; break;	/* one queue pair per netdev here */
		default: n = 2; break;
		}
	}
	if (!n || !b->msi_nonbroken || n > HW_MSIX_MAX_VECTORS)
		return 0;
	fn->msix = hw_msix_new((unsigned)n);
	return fn->msix ? 0 : -ENOMEM;
}

/* virtio_pci_optimal_num_queues(): one per vCPU, within the MSI-X table and VIRTIO_QUEUE_MAX */
static void virtio_blk_pci_num_queues(struct virt_build *b, struct qdev *d)
{
	struct qdev_slot *s = qdev_find(d, "num-queues");

	if (s->v.u == VIRTIO_BLK_AUTO_NUM_QUEUES)
		s->v.u = MIN(MIN(b->m->smp.cpus, PCI_MSIX_FLAGS_QSIZE), VIRTIO_QUEUE_MAX);
}

/* virtio-scsi-pci: the same rule, less its control and event queues */
static void virtio_scsi_pci_num_queues(struct virt_build *b, struct qdev *d)
{
	struct qdev_slot *s = qdev_find(d, "num_queues");

	if (s->v.u == UINT32_MAX)
		s->v.u = MIN(MIN(b->m->smp.cpus, PCI_MSIX_FLAGS_QSIZE - 2), VIRTIO_QUEUE_MAX - 2);
}

/* virtio_pci_realize() with disable-legacy dl (QDEV_ON/OFF/AUTO) and disable-modern */
static int virtio_pci_realize_mode(struct virt_build *b, struct qdev *d, int dl, bool disable_modern)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	struct hw_pci_fn *fn;
	struct hw_virtio *v;
	bool pcie_port, legacy, modern = !disable_modern;
	int ret;

	if (!bus)
		return -EINVAL;
	fn = pci_qdev_fn_new(d);
	v = calloc(1, sizeof(*v));
	if (!fn || !v) {
		free(v);
		virt_pci_fn_free(fn);
		return -ENOMEM;
	}
	fn->virtio = v;
	v->pci_proxy = fn;
	/* virtio_pci_realize: a "PCIe port" is an express bus that is not a root bus */
	pcie_port = bus->is_express && !bus->is_root;
	legacy = dl == QDEV_AUTO ? !pcie_port : dl == QDEV_OFF;
	if (!legacy && !modern) {
		virt_pci_fn_free(fn);
		return virt_fail(b, "device cannot work as neither modern nor legacy mode is enabled");
	}
	if (d->type->vdev->virtio_id == HW_VIRTIO_BLK)
		virtio_blk_pci_num_queues(b, d);
	if (d->type->vdev->virtio_id == HW_VIRTIO_SCSI)
		virtio_scsi_pci_num_queues(b, d);
	ret = virtio_qdev_realize_vdev(b, d, v);
	if (ret) {
		virt_pci_fn_free(fn);
		return ret;
	}
	/* virtio_pci_device_plugged: legacy can't offer ACCESS_PLATFORM */
	if (legacy && v->iommu_platform) {
		virt_pci_fn_free(fn);
		return virt_fail(b, "VIRTIO_F_IOMMU_PLATFORM was supported by neither legacy nor transitional device");
	}
	v->legacy = legacy;
	v->modern = modern;
	fn->vendor = PCI_VENDOR_ID_REDHAT_QUMRANET;
	fn->subsystem_vendor = PCI_VENDOR_ID_REDHAT_QUMRANET;
	switch (v->id) {
	case HW_VIRTIO_NET: fn->class = 0x020000; break;
	case HW_VIRTIO_BLK: fn->class = 0x010000; break;
	case HW_VIRTIO_SCSI: fn->class = 0x010000; break;	/* PCI_CLASS_STORAGE_SCSI */
	default: fn->class = 0x00ff00; break;
	}
	if (legacy) {
		/* transitional: 0x1000 + n IDs, subsystem id = virtio device id */
		fn->device = v->id == HW_VIRTIO_NET ? 0x1000 :
			     v->id == HW_VIRTIO_BLK ? 0x1001 :
			     v->id == HW_VIRTIO_SCSI ? 0x1004 : 0x1005;
		fn->subsystem_device = (u16)v->id;
		fn->revision = 0;
	} else {
		fn->device = (u16)(PCI_DEVICE_ID_VIRTIO_10_BASE + v->id);
		fn->subsystem_device = PCI_SUBDEVICE_ID_QEMU;
		fn->revision = 1;
	}
	/* PCIe endpoint capability only behind a PCIe port, only if modern, unless x-disable-pcie */
	fn->pcie_type = (pcie_port && modern && !qdev_bool(d, "x-disable-pcie")) ?
			HW_PCIE_ENDPOINT : HW_PCIE_NONE;
	/* virtio_pci_realize: INTA */
	fn->intx_pin = 1;
	ret = virtio_pci_msix(b, d, fn);
	if (ret) {
		virt_pci_fn_free(fn);
		return ret;
	}
	return pci_qdev_register(b, bus, d, fn);
}

int virtio_pci_qdev_realize(struct virt_build *b, struct qdev *d)
{
	return virtio_pci_realize_mode(b, d, qdev_enum(d, "disable-legacy"), qdev_bool(d, "disable-modern"));
}

/* virtio_pci_transitional_instance_init: legacy and modern, wherever it sits */
int virtio_pci_transitional_realize(struct virt_build *b, struct qdev *d)
{
	return virtio_pci_realize_mode(b, d, QDEV_OFF, false);
}

/* virtio_pci_non_transitional_instance_init: modern only */
int virtio_pci_non_transitional_realize(struct virt_build *b, struct qdev *d)
{
	return virtio_pci_realize_mode(b, d, QDEV_ON, false);
}

/* Each proxy's own properties: its MSI-X vectors and ioeventfd (and blk's class). */
static const struct qdev_prop virtio_blk_pci_props[] = {
	/* the class code to show instead of mass storage: not modelled */
	QDEV_UINT32("class", 0, QDEV_DEFAULT_ONLY),
	QDEV_BIT("ioeventfd", true, QDEV_NO_EFFECT),
	QDEV_UINT32("vectors", DEV_NVECTORS_UNSPECIFIED, QDEV_MODELLED),
	QDEV_CHILD("virtio-backend", "child<virtio-blk-device>"),
};
static const struct qdev_prop virtio_net_pci_props[] = {
	QDEV_BIT("ioeventfd", true, QDEV_NO_EFFECT),
	QDEV_UINT32("vectors", DEV_NVECTORS_UNSPECIFIED, QDEV_MODELLED),
	QDEV_CHILD("virtio-backend", "child<virtio-net-device>"),
};
static const struct qdev_prop virtio_rng_pci_props[] = {
	QDEV_BIT("ioeventfd", true, QDEV_NO_EFFECT),
	QDEV_UINT32("vectors", DEV_NVECTORS_UNSPECIFIED, QDEV_MODELLED),
	QDEV_CHILD("virtio-backend", "child<virtio-rng-device>"),
};

/* virtio_net_pci_class_init(): Debian's ipxe-qemu efi-virtio.rom */
static const struct hw_option_rom efi_virtio_rom = { "efi-virtio.rom", 249344 };

VIRTIO_PCI_TYPES(virtio_blk, "virtio-blk-pci", "virtio-blk", 1u << QDEV_CAT_STORAGE,
		 &virtio_blk_device_type, NULL);
VIRTIO_PCI_TYPES(virtio_net, "virtio-net-pci", "virtio-net", 1u << QDEV_CAT_NETWORK,
		 &virtio_net_device_type, &efi_virtio_rom);
VIRTIO_PCI_TYPES(virtio_rng, "virtio-rng-pci", "virtio-rng", 1u << QDEV_CAT_MISC,
		 &virtio_rng_device_type, NULL);
