/*
 * QEMU 7.2's "virtio-rng-device" (hw/virtio/virtio-rng.c): one 8-entry
 * queue fed by an rng backend object (rng=, rng-builtin when none); its
 * rate limit (max-bytes per period ms) changes no answer of the model.
 */
#include <errno.h>
#include <stdint.h>
#include "hw/qdev_types.h"
#include "hw/virtio_qdev.h"

static const struct qdev_prop virtio_rng_device_props[] = {
	QDEV_UINT64("max-bytes", INT64_MAX, QDEV_NO_EFFECT),
	QDEV_UINT32("period", 1 << 16, QDEV_NO_EFFECT),
	QDEV_LINK("rng", "link<rng-backend>", "rng-backend", QDEV_MODELLED),
};

static int virtio_rng_device_realize(struct virt_build *b, struct qdev *d, struct hw_virtio *v)
{
	if (!qdev_uint(d, "period"))
		return virt_fail(b, "'period' parameter expects a positive integer");
	if (qdev_uint(d, "max-bytes") > INT64_MAX)
		return virt_fail(b, "'max-bytes' parameter must be non-negative, and less than 2^63");
	v->queue_size = 8;
	return 0;
}

const struct hw_device_type virtio_rng_device_type = {
	.name = "virtio-rng-device",
	.parent = &virtio_device_type,
	.bus = "virtio-bus",
	.categories = 1u << QDEV_CAT_MISC,
	QDEV_PROPS(virtio_rng_device_props),
	.realize = virtio_mmio_qdev_realize,
	.virtio_id = HW_VIRTIO_RNG,
	.virtio_realize = virtio_rng_device_realize,
};
