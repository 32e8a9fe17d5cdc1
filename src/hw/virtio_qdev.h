/*
 * The virtio device types' shared pieces: the transports' realize functions
 * (virtio-pci proxies, virt's virtio-mmio transports) and what every virtio
 * device's realize sets from the common "virtio-device" properties.
 */
#ifndef IOMMUSIM_HW_VIRTIO_QDEV_H
#define IOMMUSIM_HW_VIRTIO_QDEV_H

#include "hw/qdev.h"
#include "machine/virt_internal.h"

#define VIRTIO_QUEUE_MAX 1024		/* QEMU hw/virtio: queues a device may have */
#define VIRTQUEUE_MAX_SIZE 1024

/* virtio-*-device: realize on the first free virtio-mmio transport (or bus=). */
int virtio_mmio_qdev_realize(struct virt_build *b, struct qdev *d);
/* virtio-*-pci: the proxy function and, inside it, its virtio device. */
int virtio_pci_qdev_realize(struct virt_build *b, struct qdev *d);
/* The virtio device's own realize (the type's or its vdev's virtio_realize). */
int virtio_qdev_realize_vdev(struct virt_build *b, struct qdev *d, struct hw_virtio *v);
/* Free what realize put in v (backends' names), and v. */
void virtio_qdev_free(struct hw_virtio *v);

#endif
