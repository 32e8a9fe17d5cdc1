/*
 * QEMU's abstract "virtio-device" (hw/virtio/virtio.c virtio_properties and
 * the transport feature bits every device type has), and the realize steps
 * every virtio device shares.
 */
#include <errno.h>
#include <stdlib.h>
#include "hw/qdev_types.h"
#include "hw/virtio_qdev.h"
#include "hw/virtio_scsi_dev.h"

static const struct qdev_prop virtio_device_props[] = {
	/* feature bits the device offers (DEFINE_VIRTIO_COMMON_FEATURES) */
	QDEV_BIT("any_layout", true, QDEV_MODELLED),
	QDEV_BIT("event_idx", true, QDEV_MODELLED),
	QDEV_BIT("indirect_desc", true, QDEV_MODELLED),
	QDEV_BIT("iommu_platform", false, QDEV_MODELLED),
	QDEV_BIT("notify_on_empty", true, QDEV_MODELLED),
	/* the packed ring: Linux would use it, the model's rings are split ones */
	QDEV_BIT("packed", false, QDEV_DEFAULT_ONLY),
	QDEV_BIT("queue_reset", true, QDEV_MODELLED),
	/* migration compat: nothing the guest sees before a migration */
	QDEV_BOOL("use-disabled-flag", true, QDEV_NO_EFFECT),
	QDEV_BOOL("use-started", true, QDEV_NO_EFFECT),
	/* only modern-only device types check disable-legacy; blk, net, rng are not */
	QDEV_BOOL("x-disable-legacy-check", false, QDEV_NO_EFFECT),
};

const struct hw_device_type virtio_device_type = {
	.name = "virtio-device",
	.abstract = true,
	.bus = "virtio-bus",
	QDEV_PROPS(virtio_device_props),
};

int virtio_qdev_realize_vdev(struct virt_build *b, struct qdev *d, struct hw_virtio *v)
{
	const struct hw_device_type *t = d->type->vdev ? d->type->vdev : d->type;

	v->id = t->virtio_id;
	v->iommu_platform = qdev_bool(d, "iommu_platform");
	/* hw_compat_7_1 and -device queue_reset=off: no VIRTIO_F_RING_RESET */
	v->no_queue_reset = !qdev_bool(d, "queue_reset");
	v->features_off = (qdev_bool(d, "notify_on_empty") ? 0 : BIT(24)) |
			  (qdev_bool(d, "any_layout") ? 0 : BIT(27)) |
			  (qdev_bool(d, "indirect_desc") ? 0 : BIT(28)) |
			  (qdev_bool(d, "event_idx") ? 0 : BIT(29));
	return t->virtio_realize(b, d, v);
}

void virtio_qdev_free(struct hw_virtio *v)
{
	if (!v)
		return;
	free((char *)v->drive_file);
	free((char *)v->netdev);
	virtio_scsi_conf_free(v->scsi);
	free(v);
}
