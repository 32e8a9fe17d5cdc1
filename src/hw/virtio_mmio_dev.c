/*
 * A virtio-*-device on one of virt's 32 virtio-mmio transports (hw/arm/
 * virt.c create_virtio_devices, hw/virtio/virtio-mmio.c): bus=
 * virtio-mmio-bus.N, or the first free one as qdev finds it, highest
 * address first. Each transport has its own wired interrupt.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/qdev_types.h"
#include "hw/virtio_qdev.h"

int virtio_mmio_qdev_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_virtio *v;
	int idx = -1, ret;

	if (d->bus) {
		char *end;
		long n;

		if (!strcmp(d->bus, "pcie.0") || idmap_get(&b->buses, d->bus)) {
			struct hw_pci_bus *pb = !strcmp(d->bus, "pcie.0") ? b->m->pci_root :
						idmap_get(&b->buses, d->bus);

			return virt_fail(b, "Device '%s' can't go on %s bus", d->type->name,
					 pb->is_express ? "PCIE" : "PCI");
		}
		if (strncmp(d->bus, "virtio-mmio-bus.", 16))
			return virt_fail(b, "Bus '%s' not found", d->bus);
		errno = 0;
		n = strtol(d->bus + 16, &end, 10);
		if (errno || *end || end == d->bus + 16 || n < 0 || n >= VIRT_MMIO_TRANSPORTS)
			return virt_fail(b, "Bus '%s' not found", d->bus);
		if (b->m->mmio[n])
			return virt_fail(b, "Bus '%s' is full", d->bus);
		idx = (int)n;
	} else {
		/*
		 * virt creates the transports in increasing address order and
		 * qbus_realize prepends each bus, so qbus_find_recursive meets the
		 * highest-addressed transport first.
		 */
		for (int i = VIRT_MMIO_TRANSPORTS - 1; i >= 0; i--) {
			if (!b->m->mmio[i]) {
				idx = i;
				break;
			}
		}
		if (idx < 0)
			return virt_fail(b, "No 'virtio-bus' bus found for device '%s'", d->type->name);
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = virtio_qdev_realize_vdev(b, d, v);
	if (ret) {
		virtio_qdev_free(v);
		return ret;
	}
	/* each transport has its own wired line: SPI VIRT_IRQ_MMIO + index */
	v->mmio_intid = GIC_SPI_BASE + VIRT_IRQ_MMIO + (u32)idx;
	/* force-legacy=on (default): virtio-mmio version 1, legacy only */
	v->legacy = b->mmio_legacy;
	v->modern = !b->mmio_legacy;
	b->m->mmio[idx] = v;
	return 0;
}
