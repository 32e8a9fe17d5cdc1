/*
 * QEMU 7.2's virtio-rng device (hw/virtio/virtio-rng.c) with its default
 * backend, rng-builtin: one 8-entry queue; while the driver is ready
 * (DRIVER_OK and the queue enabled) every buffer the driver makes available
 * is filled with random bytes and used, with one notification for the batch.
 * The device processes when the driver kicks the queue and when the status
 * changes. The bytes are a fixed pseudo-random stream per device, so runs
 * repeat.
 */
#ifndef IOMMUSIM_HW_VIRTIO_RNG_DEV_H
#define IOMMUSIM_HW_VIRTIO_RNG_DEV_H

#include "hw/virtqueue_dev.h"

struct vdev_rng {
	u64 state;			/* the byte stream's generator */
	u64 requests;			/* entropy requests made to the backend */
	u64 bytes;			/* bytes written into the driver's buffers */
};

int vdev_rng_init(struct vdev_hw *d);
void vdev_rng_free(struct vdev_hw *d);
/* virtio_rng_process(): answer what the queue holds, if the driver is ready. */
void vdev_rng_process(struct vdev_hw *d);

#endif
