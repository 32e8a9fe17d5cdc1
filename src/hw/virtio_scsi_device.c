/*
 * QEMU 7.2's "virtio-scsi-device" (hw/scsi/virtio-scsi.c) and its PCI proxy
 * "virtio-scsi-pci" (hw/virtio/virtio-scsi-pci.c): the properties, the
 * checks of virtio_scsi_common_realize, and the SCSI bus the scsi-hd
 * devices plug into (named "ID.0" after the device's or the proxy's id).
 * hw/virtio_scsi_dev.c serves the queues.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/qdev_types.h"
#include "hw/virtio_qdev.h"
#include "hw/virtio_scsi_dev.h"

#define VIRTIO_SCSI_AUTO_NUM_QUEUES UINT32_MAX
#define DEV_NVECTORS_UNSPECIFIED UINT32_MAX

static const struct qdev_prop virtio_scsi_device_props[] = {
	QDEV_UINT32("cmd_per_lun", 128, QDEV_MODELLED),
	/* a second event the driver would react to: not modelled */
	QDEV_BIT("hotplug", true, QDEV_DEFAULT_ONLY),
	QDEV_LINK("iothread", "link<iothread>", "iothread", QDEV_NO_EFFECT),
	QDEV_UINT32("max_sectors", 0xFFFF, QDEV_MODELLED),
	QDEV_UINT32("num_queues", VIRTIO_SCSI_AUTO_NUM_QUEUES, QDEV_MODELLED),
	QDEV_BIT("param_change", true, QDEV_DEFAULT_ONLY),
	QDEV_BOOL("seg_max_adjust", true, QDEV_MODELLED),
	QDEV_UINT32("virtqueue_size", 256, QDEV_MODELLED),
};

/* the virtio-scsi controllers below bus (their creation order is how many came before) */
static int controller_count(const struct hw_pci_bus *bus)
{
	int n = 0;
	for (int i = 0; bus && i < 256; i++) {
		const struct hw_pci_fn *fn = bus->fn[i];
		if (!fn)
			continue;
		if (fn->virtio && fn->virtio->scsi)
			n++;
		n += controller_count(fn->secondary);
	}
	return n;
}

static int virtio_scsi_device_realize(struct virt_build *b, struct qdev *d, struct hw_virtio *v)
{
	u64 nq = qdev_uint(d, "num_queues");
	u64 qs = qdev_uint(d, "virtqueue_size");
	/* virtio-scsi-pci resolved "auto" already (one per vCPU); on virtio-mmio it is 1 */
	if (nq == VIRTIO_SCSI_AUTO_NUM_QUEUES)
		nq = 1;
	if (!nq || nq > VIRTIO_QUEUE_MAX - VIRTIO_SCSI_VQ_NUM_FIXED)
		return virt_fail(b, "Invalid number of queues (= %u), must be a positive integer less than %d.",
				 (unsigned)nq, VIRTIO_QUEUE_MAX - VIRTIO_SCSI_VQ_NUM_FIXED);
	if (qs <= 2)
		return virt_fail(b, "invalid virtqueue_size property (= %u), must be > 2", (unsigned)qs);
	/* QEMU takes other sizes (and aborts above 1024); the model's rings are powers of two */
	if ((qs & (qs - 1)) || qs > VIRTQUEUE_MAX_SIZE)
		return virt_fail(b, "virtqueue_size=%u is not modelled (a power of 2 up to %d is)", (unsigned)qs,
				 VIRTQUEUE_MAX_SIZE);
	struct virtio_scsi_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->max_sectors = (u32)qdev_uint(d, "max_sectors");
	c->cmd_per_lun = (u32)qdev_uint(d, "cmd_per_lun");
	c->seq = (unsigned)controller_count(b->m->pci_root);
	for (int i = 0; i < VIRT_MMIO_TRANSPORTS; i++)
		c->seq += b->m->mmio[i] && b->m->mmio[i]->scsi;
	/* the bus is named after the id: the proxy's for virtio-scsi-pci, else the device's own */
	if (d->id && asprintf(&c->bus_name, "%s.0", d->id) < 0) {
		free(c);
		return -ENOMEM;
	}
	v->scsi = c;
	v->num_queues = (u32)nq;
	v->queue_size = (u32)qs;
	/* seg_max_adjust (on since 5.0): seg_max = virtqueue_size - 2 */
	v->seg_max = qdev_bool(d, "seg_max_adjust") ? v->queue_size - 2 : 128 - 2;
	return 0;
}

const struct hw_device_type virtio_scsi_device_type = {
	.name = "virtio-scsi-device",
	.parent = &virtio_device_type,
	.bus = "virtio-bus",
	.categories = 1u << QDEV_CAT_STORAGE,
	QDEV_PROPS(virtio_scsi_device_props),
	.realize = virtio_mmio_qdev_realize,
	.virtio_id = HW_VIRTIO_SCSI,
	.virtio_realize = virtio_scsi_device_realize,
};

static const struct qdev_prop virtio_scsi_pci_props[] = {
	QDEV_BIT("ioeventfd", true, QDEV_NO_EFFECT),
	QDEV_UINT32("vectors", DEV_NVECTORS_UNSPECIFIED, QDEV_MODELLED),
	QDEV_CHILD("virtio-backend", "child<virtio-scsi-device>"),
};

VIRTIO_PCI_TYPES(virtio_scsi, "virtio-scsi-pci", "virtio-scsi", 1u << QDEV_CAT_STORAGE,
		 &virtio_scsi_device_type, NULL);
