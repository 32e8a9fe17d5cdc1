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
/*
 * virtio-*-pci: the proxy function and, inside it, its virtio device; as the
 * generic type (disable-legacy, disable-modern), -transitional (legacy and
 * modern) or -non-transitional (modern only).
 */
int virtio_pci_qdev_realize(struct virt_build *b, struct qdev *d);
int virtio_pci_transitional_realize(struct virt_build *b, struct qdev *d);
int virtio_pci_non_transitional_realize(struct virt_build *b, struct qdev *d);

#define VIRTIO_PCI_NGENERIC_PROPS 2
extern const struct qdev_prop virtio_pci_generic_props[VIRTIO_PCI_NGENERIC_PROPS];

/*
 * virtio_pci_types_register(): a proxy's four types from its property table
 * <prefix>_pci_props: "<name>-base" (abstract, the table), "<name>" (the
 * generic one: disable-legacy, disable-modern and the alias),
 * "<name>-transitional" and "<name>-non-transitional". Each needs its
 * DEVICE_TYPE line in qdev_types.def.
 */
#define VIRTIO_PCI_TYPES(prefix, qname, qalias, cats, vdev_type, romfile)                      \
	const struct hw_device_type prefix##_pci_base_type = {                                 \
		.name = qname "-base", .parent = &virtio_pci_type, .abstract = true,           \
		.bus = "PCI", QDEV_PROPS(prefix##_pci_props), .vdev = (vdev_type),             \
		.rom = (romfile),                                                              \
	};                                                                                     \
	const struct hw_device_type prefix##_pci_type = {                                      \
		.name = qname, .parent = &prefix##_pci_base_type, .alias = (qalias),           \
		.bus = "PCI", .categories = (cats), .props = virtio_pci_generic_props,         \
		.nprops = VIRTIO_PCI_NGENERIC_PROPS, .vdev = (vdev_type),                      \
		.realize = virtio_pci_qdev_realize,                                            \
	};                                                                                     \
	const struct hw_device_type prefix##_pci_transitional_type = {                         \
		.name = qname "-transitional", .parent = &prefix##_pci_base_type,              \
		.bus = "PCI", .categories = (cats), .vdev = (vdev_type),                       \
		.realize = virtio_pci_transitional_realize,                                    \
	};                                                                                     \
	const struct hw_device_type prefix##_pci_non_transitional_type = {                     \
		.name = qname "-non-transitional", .parent = &prefix##_pci_base_type,          \
		.bus = "PCI", .categories = (cats), .vdev = (vdev_type),                       \
		.realize = virtio_pci_non_transitional_realize,                                \
	}
/* The virtio device's own realize (the type's or its vdev's virtio_realize). */
int virtio_qdev_realize_vdev(struct virt_build *b, struct qdev *d, struct hw_virtio *v);
/* Free what realize put in v (backends' names), and v. */
void virtio_qdev_free(struct hw_virtio *v);

#endif
