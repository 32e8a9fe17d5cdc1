/*
 * virtio-mmio (drivers/virtio/virtio_mmio.c, 6.1): one platform device per
 * transport node; an empty transport (device ID 0) ends the probe quietly.
 * Legacy (version 1) transports keep a 44-bit coherent mask for the ring PFN.
 */
#include <errno.h>
#include <stdlib.h>
#include "drivers/drivers.h"
#include "drivers/irq.h"
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"
#include "dma/dma_mask.h"
#include "base/page_alloc.h"
#include "machine/machine.h"
#include "hw/virtqueue_dev.h"

#define VIRTIO_MMIO_VRING_ALIGN PAGE_SIZE

static u64 vm_get_features(struct virtio_device *vdev)
{
	return vdev->vhw ? vdev_hw_device_features(vdev->vhw, vdev->legacy) : 0;
}

/* vm_finalize_features() */
static int vm_finalize_features(struct virtio_device *vdev)
{
	vring_transport_features(vdev);
	if (!vdev->legacy && !virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "New virtio-mmio devices (version 2) must provide VIRTIO_F_VERSION_1 feature!\n");
		return -EINVAL;
	}
	if (vdev->legacy)
		vdev->features &= 0xffffffffULL;
	return vdev->vhw ? vdev_hw_set_features(vdev->vhw, vdev->features) : -ENODEV;
}

/* struct virtio_mmio_device: the platform device whose line interrupts */
struct vm_device {
	struct virtio_device *vdev;
	struct platform_device *pdev;
	int irq;			/* requested, else 0 */
};

/* vm_interrupt(): read and acknowledge the status, then config and the queues */
static irqreturn_t vm_interrupt(int irq, void *opaque)
{
	(void)irq;
	struct vm_device *vm = opaque;
	struct vdev_hw *d = vm->vdev->vhw;
	u8 status = d ? d->isr : 0;
	irqreturn_t ret = IRQ_NONE;
	if (d)
		vdev_hw_isr_ack(d, status);
	if (status & VDEV_ISR_CONFIG) {
		virtio_config_changed(vm->vdev);
		ret = IRQ_HANDLED;
	}
	if (status & VDEV_ISR_QUEUE)
		for (unsigned i = 0; i < vm->vdev->nvqs; i++)
			if (vring_interrupt(vm->vdev->vqs[i]))
				ret = IRQ_HANDLED;
	return ret;
}

/* vm_del_vqs(): the queues, then the line */
static void vm_del_vqs(struct virtio_device *vdev)
{
	struct vm_device *vm = vdev->transport;
	virtio_transport_del_vqs(vdev);
	if (vm && vm->irq) {
		free_irq(vdev->dev.k, vm->irq, vm);
		vm->irq = 0;
	}
}

static int vm_find_vqs(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
		       vq_callback_t *callbacks[], const char *const names[])
{
	struct vm_device *vm = vdev->transport;
	if (!vm || !vdev->vhw || !nvqs || nvqs > vdev->vhw->nqueues)
		return -ENOENT;
	vm->vdev = vdev;	/* the driver probes inside register_virtio_device() */
	/* platform_get_irq(pdev, 0), shared */
	int irq = of_irq_get(vdev->dev.k, vm->pdev->dev.of_node, 0);
	if (irq < 0)
		return irq;
	int err = request_irq(vdev->dev.k, irq, vm_interrupt, IRQF_SHARED, vdev->dev.name, vm);
	if (err)
		return err;
	vm->irq = irq;
	err = virtio_transport_vqs_begin(vdev, nvqs);
	unsigned queue_idx = 0;
	for (unsigned i = 0; !err && i < nvqs; i++) {
		if (!names[i]) {
			vqs[i] = NULL;
			continue;
		}
		vqs[i] = virtio_transport_setup_vq(vdev, queue_idx++, callbacks[i], names[i],
						   VIRTIO_MMIO_VRING_ALIGN, vdev->legacy, &err);
	}
	if (err == -E2BIG)
		dev_err(&vdev->dev, "platform bug: legacy virtio-mmio must not be used with RAM above 0x%llxGB\n",
			1ULL << (32 + PAGE_SHIFT - 30));
	if (err)
		vm_del_vqs(vdev);
	return err;
}

static void vm_release(struct virtio_device *vdev)
{
	free(vdev->transport);
	vdev->transport = NULL;
}

static const struct virtio_config_ops virtio_mmio_config_ops = {
	.get_features = vm_get_features,
	.finalize_features = vm_finalize_features,
	.get_status = virtio_transport_get_status,
	.set_status = virtio_transport_set_status,
	.get = virtio_transport_get,
	.find_vqs = vm_find_vqs,
	.del_vqs = vm_del_vqs,
	.release = vm_release,
};

static const char *const virtio_mmio_match[] = { "virtio,mmio", NULL };

static struct hw_virtio *transport_of(struct platform_device *pdev)
{
	const struct machine *m = pdev->dev.k->machine;
	if (!m || pdev->base < VIRT_MMIO_BASE)
		return NULL;
	u64 idx = (pdev->base - VIRT_MMIO_BASE) / VIRT_MMIO_STRIDE;
	return idx < VIRT_MMIO_TRANSPORTS ? m->mmio[idx] : NULL;
}

static int virtio_mmio_probe(struct platform_device *pdev)
{
	struct hw_virtio *hw = transport_of(pdev);
	if (!hw || hw->id == HW_VIRTIO_NONE)
		return -ENODEV;
	int rc;
	if (hw->legacy) {
		rc = dma_set_mask(&pdev->dev, DMA_BIT_MASK(64));
		if (!rc)
			dma_set_coherent_mask(&pdev->dev, DMA_BIT_MASK(32 + 12));
	} else {
		rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	}
	if (rc)
		rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (rc)
		dev_warn(&pdev->dev, "Failed to enable 64-bit or 32-bit DMA.  Trying to continue, but this might not work.\n");
	struct vdev_hw *vhw = virtio_hw_lookup(pdev->dev.k, hw);
	if (!vhw)
		return -ENODEV;
	vhw->legacy_iface = hw->legacy;
	struct vm_device *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->pdev = pdev;
	struct virtio_device *vdev = register_virtio_device(&pdev->dev, hw, hw->legacy, &virtio_mmio_config_ops,
							    vhw, vm);
	pdev->dev.drvdata = vdev;
	if (!vdev) {
		free(vm);
		return -ENOMEM;
	}
	vm->vdev = vdev;
	return 0;
}

static void virtio_mmio_remove(struct platform_device *pdev)
{
	struct virtio_device *vdev = pdev->dev.drvdata;
	if (vdev) {
		struct vm_device *vm = vdev->transport;
		unregister_virtio_device(vdev);
		free(vm);
		pdev->dev.drvdata = NULL;
	}
}

struct platform_driver virtio_mmio_driver = {
	.driver = { .name = "virtio-mmio", .bus = &platform_bus_type },
	.of_match_table = virtio_mmio_match,
	.probe = virtio_mmio_probe,
	.remove = virtio_mmio_remove,
};
