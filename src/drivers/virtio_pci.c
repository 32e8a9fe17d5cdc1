/*
 * virtio-pci (drivers/virtio/virtio_pci_common.c, _modern.c, _legacy.c):
 * the modern interface first, the legacy one when the function has no
 * modern capabilities. The DMA masks differ: modern 64/64; legacy 64 for
 * streaming but 44 coherent, since the ring address is a 32-bit PFN of 4K.
 *
 * Interrupts as vp_find_vqs() sets them up: MSI-X with a vector for config
 * changes and one per queue that has a callback; else MSI-X with one vector
 * for config and one shared by the queues; else the INTx line, shared, with
 * the ISR telling what happened. The vectors are allocated before the
 * queues' rings (so a DMA domain maps the MSI doorbell first).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/pci_regs.h>
#include "drivers/drivers.h"
#include "drivers/irq.h"
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"
#include "dma/dma_mask.h"
#include "hw/virtqueue_dev.h"
#include "kconfig/kconfig.h"

/* struct virtio_pci_cap cfg_type values (virtio 1.0, include/uapi/linux/virtio_pci.h) */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#include "base/page_alloc.h"
#include "drivers/irq_affinity.h"

#define VP_MSIX_CONFIG_VECTOR 0
#define VP_MSIX_VQ_VECTOR 1

/* struct virtio_pci_device: what the transport keeps of interrupts */
struct vp_device {
	struct virtio_device *vdev;
	struct pci_dev *pci_dev;
	bool msix_enabled;
	unsigned msix_vectors;		/* allocated */
	unsigned msix_used_vectors;	/* with an irq requested by the transport itself */
	bool per_vq_vectors;
	char (*msix_names)[64];
	struct cpumask *affinity;	/* per vector, when the driver asked for a managed spread */
	bool intx_enabled;
};

static struct vp_device *to_vp_device(struct virtio_device *vdev)
{
	return vdev->transport;
}

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12
#define VIRTIO_PCI_VRING_ALIGN 4096
#define SMP_CACHE_BYTES 64		/* arm64 L1_CACHE_BYTES */

static u64 vp_get_features(struct virtio_device *vdev)
{
	return vdev->vhw ? vdev_hw_device_features(vdev->vhw, vdev->legacy) : 0;
}

/* vp_finalize_features(), modern and legacy */
static int vp_finalize_features(struct virtio_device *vdev)
{
	u64 offered = vdev->features;
	vring_transport_features(vdev);
	if (vdev->legacy) {
		/* the legacy register is 32 bits wide */
		vdev->features &= 0xffffffffULL;
	} else {
		/* vp_transport_features(): RING_RESET (SR-IOV needs the capability QEMU lacks) */
		if (offered & BIT(VIRTIO_F_RING_RESET))
			vdev->features |= BIT(VIRTIO_F_RING_RESET);
		if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
			dev_err(&vdev->dev, "virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1\n");
			return -EINVAL;
		}
	}
	return vdev->vhw ? vdev_hw_set_features(vdev->vhw, vdev->features) : -ENODEV;
}

/* ---- interrupt handlers ---- */

/* vp_config_changed() */
static irqreturn_t vp_config_changed(int irq, void *opaque)
{
	(void)irq;
	struct vp_device *vp = opaque;
	virtio_config_changed(vp->vdev);
	return IRQ_HANDLED;
}

/* vp_vring_interrupt(): every queue, as on a shared vector */
static irqreturn_t vp_vring_interrupt(int irq, void *opaque)
{
	(void)irq;
	struct vp_device *vp = opaque;
	irqreturn_t ret = IRQ_NONE;
	for (unsigned i = 0; i < vp->vdev->nvqs; i++)
		if (vring_interrupt(vp->vdev->vqs[i]))
			ret = IRQ_HANDLED;
	return ret;
}

/* vring_interrupt() as a per-queue vector's handler */
static irqreturn_t vp_vq_interrupt(int irq, void *opaque)
{
	(void)irq;
	return vring_interrupt(opaque) ? IRQ_HANDLED : IRQ_NONE;
}

/* vp_interrupt(): INTx, shared; reading the ISR clears it */
static irqreturn_t vp_interrupt(int irq, void *opaque)
{
	struct vp_device *vp = opaque;
	u8 isr = vp->vdev->vhw ? vdev_hw_isr_read(vp->vdev->vhw) : 0;
	if (!isr)
		return IRQ_NONE;
	if (isr & VDEV_ISR_CONFIG)
		vp_config_changed(irq, opaque);
	return vp_vring_interrupt(irq, opaque);
}

/* ---- queues and vectors ---- */

/* vp_del_vq(): the queue's vector register cleared, then the ring */
static void vp_del_vq(struct vp_device *vp, struct virtqueue *vq)
{
	if (vp->msix_enabled && vp->vdev->vhw)
		vdev_hw_set_queue_vector(vp->vdev->vhw, vq->index, VIRTIO_NO_VECTOR);
	if (vp->vdev->vhw)
		vdev_hw_queue_release(vp->vdev->vhw, vq->index);
	vring_del_virtqueue(vq);
}

/* vp_del_vqs() */
static void vp_del_vqs(struct virtio_device *vdev)
{
	struct vp_device *vp = to_vp_device(vdev);
	struct kernel *k = vdev->dev.k;
	for (unsigned i = 0; i < vdev->nvqs; i++) {
		struct virtqueue *vq = vdev->vqs[i];
		if (vp->per_vq_vectors && vq->msix_vector != VIRTIO_MSI_NO_VECTOR)
			free_irq(k, pci_irq_vector(vp->pci_dev, vq->msix_vector), vq);
		vp_del_vq(vp, vq);
	}
	free(vdev->vqs);
	vdev->vqs = NULL;
	vdev->nvqs = 0;
	vp->per_vq_vectors = false;
	if (vp->intx_enabled) {
		free_irq(k, pci_intx_irq(vp->pci_dev), vp);
		vp->intx_enabled = false;
	}
	for (unsigned i = 0; i < vp->msix_used_vectors; i++)
		free_irq(k, pci_irq_vector(vp->pci_dev, i), vp);
	if (vp->msix_enabled) {
		/* the config vector register cleared, then the vectors go */
		if (vdev->vhw)
			vdev_hw_set_config_vector(vdev->vhw, VIRTIO_NO_VECTOR);
		pci_free_irq_vectors(vp->pci_dev);
		vp->msix_enabled = false;
	}
	vp->msix_vectors = 0;
	vp->msix_used_vectors = 0;
	free(vp->msix_names);
	vp->msix_names = NULL;
	free(vp->affinity);
	vp->affinity = NULL;
}

/* vp_setup_vq(): the ring, then (with MSI-X) the queue's vector, read back */
static struct virtqueue *vp_setup_vq(struct virtio_device *vdev, unsigned index, vq_callback_t *callback,
				     const char *name, u16 msix_vec, int *err)
{
	struct virtqueue *vq = virtio_transport_setup_vq(vdev, index, callback, name,
							 vdev->legacy ? VIRTIO_PCI_VRING_ALIGN : SMP_CACHE_BYTES,
							 vdev->legacy, err);
	if (!vq) {
		if (*err == -E2BIG) {
			dev_err(vdev->dev.parent, "platform bug: legacy virtio-pci must not be used with RAM above 0x%llxGB\n",
				1ULL << (32 + PAGE_SHIFT - 30));
			*err = -ENOMEM;
		}
		return NULL;
	}
	if (msix_vec != VIRTIO_MSI_NO_VECTOR) {
		u16 got = vdev_hw_set_queue_vector(vdev->vhw, index, msix_vec);
		if (got == VIRTIO_NO_VECTOR) {
			/* the device has no such vector: undo this queue */
			vdev->nvqs--;
			vdev_hw_queue_release(vdev->vhw, index);
			vring_del_virtqueue(vq);
			*err = -EBUSY;
			return NULL;
		}
	}
	vq->msix_vector = msix_vec;
	return vq;
}

/*
 * vp_request_msix_vectors(): allocate, then the config vector (and the shared
 * one). A driver that passes a struct irq_affinity gets, with per-queue
 * vectors, PCI_IRQ_AFFINITY: the config vector is a pre-vector, the queues'
 * vectors are spread over the CPUs.
 */
static int vp_request_msix_vectors(struct virtio_device *vdev, unsigned nvectors, bool per_vq_vectors)
{
	struct vp_device *vp = to_vp_device(vdev);
	struct kernel *k = vdev->dev.k;
	const struct virtio_driver *drv = (const struct virtio_driver *)vdev->dev.driver;
	vp->msix_vectors = nvectors;
	vp->msix_names = calloc(nvectors, sizeof(*vp->msix_names));
	if (!vp->msix_names)
		return -ENOMEM;
	if (per_vq_vectors && drv && drv->irq_affinity) {
		vp->affinity = calloc(nvectors, sizeof(*vp->affinity));
		if (!vp->affinity ||
		    irq_create_affinity_masks(nvectors, 1, k->nr_cpu_ids, vp->affinity))
			return -ENOMEM;
	}
	int err = pci_alloc_irq_vectors(vp->pci_dev, nvectors, nvectors, PCI_IRQ_MSIX);
	if (err < 0)
		return err;
	vp->msix_enabled = true;
	unsigned v = vp->msix_used_vectors;
	snprintf(vp->msix_names[v], sizeof(*vp->msix_names), "%s-config", vdev->dev.name);
	err = request_irq(k, pci_irq_vector(vp->pci_dev, v), vp_config_changed, 0, vp->msix_names[v], vp);
	if (err)
		return err;
	++vp->msix_used_vectors;
	/* vp_modern_config_vector(): the device may not take it */
	if (vdev_hw_set_config_vector(vdev->vhw, (u16)v) == VIRTIO_NO_VECTOR)
		return -EBUSY;
	if (!per_vq_vectors) {
		v = vp->msix_used_vectors;
		snprintf(vp->msix_names[v], sizeof(*vp->msix_names), "%s-virtqueues", vdev->dev.name);
		err = request_irq(k, pci_irq_vector(vp->pci_dev, v), vp_vring_interrupt, 0, vp->msix_names[v], vp);
		if (err)
			return err;
		++vp->msix_used_vectors;
	}
	return 0;
}

static int vp_find_vqs_msix(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
			    vq_callback_t *callbacks[], const char *const names[], bool per_vq_vectors)
{
	struct vp_device *vp = to_vp_device(vdev);
	struct kernel *k = vdev->dev.k;
	int err = virtio_transport_vqs_begin(vdev, nvqs);
	if (err)
		return err;
	unsigned nvectors = 2;	/* second best: config, and one shared by the queues */
	if (per_vq_vectors) {
		/* best: config, and one per queue that wants interrupts */
		nvectors = 1;
		for (unsigned i = 0; i < nvqs; i++)
			if (names[i] && callbacks[i])
				nvectors++;
	}
	err = vp_request_msix_vectors(vdev, nvectors, per_vq_vectors);
	if (err)
		goto error_find;
	vp->per_vq_vectors = per_vq_vectors;
	unsigned allocated = vp->msix_used_vectors, queue_idx = 0;
	for (unsigned i = 0; i < nvqs; i++) {
		if (!names[i]) {
			vqs[i] = NULL;
			continue;
		}
		u16 msix_vec = !callbacks[i] ? VIRTIO_MSI_NO_VECTOR
			       : per_vq_vectors ? (u16)allocated++ : VP_MSIX_VQ_VECTOR;
		vqs[i] = vp_setup_vq(vdev, queue_idx++, callbacks[i], names[i], msix_vec, &err);
		if (!vqs[i])
			goto error_find;
		if (!per_vq_vectors || msix_vec == VIRTIO_MSI_NO_VECTOR)
			continue;
		snprintf(vp->msix_names[msix_vec], sizeof(*vp->msix_names), "%s-%s", vdev->dev.name, names[i]);
		err = request_irq(k, pci_irq_vector(vp->pci_dev, msix_vec), vp_vq_interrupt, 0,
				  vp->msix_names[msix_vec], vqs[i]);
		if (err)
			goto error_find;
	}
	return 0;
error_find:
	vp_del_vqs(vdev);
	return err;
}

static int vp_find_vqs_intx(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
			    vq_callback_t *callbacks[], const char *const names[])
{
	struct vp_device *vp = to_vp_device(vdev);
	int err = virtio_transport_vqs_begin(vdev, nvqs);
	if (err)
		return err;
	err = request_irq(vdev->dev.k, pci_intx_irq(vp->pci_dev), vp_interrupt, IRQF_SHARED, vdev->dev.name, vp);
	if (err)
		goto out_del_vqs;
	vp->intx_enabled = true;
	vp->per_vq_vectors = false;
	unsigned queue_idx = 0;
	for (unsigned i = 0; i < nvqs; i++) {
		if (!names[i]) {
			vqs[i] = NULL;
			continue;
		}
		vqs[i] = vp_setup_vq(vdev, queue_idx++, callbacks[i], names[i], VIRTIO_MSI_NO_VECTOR, &err);
		if (!vqs[i])
			goto out_del_vqs;
	}
	return 0;
out_del_vqs:
	vp_del_vqs(vdev);
	return err;
}

/* vp_find_vqs(): MSI-X per queue, MSI-X shared, then INTx if the function has a line */
static int vp_find_vqs(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
		       vq_callback_t *callbacks[], const char *const names[])
{
	struct vp_device *vp = to_vp_device(vdev);
	if (!vp || !vdev->vhw || !nvqs || nvqs > vdev->vhw->nqueues)
		return -ENOENT;
	vp->vdev = vdev;	/* the driver probes inside register_virtio_device() */
	int err = vp_find_vqs_msix(vdev, nvqs, vqs, callbacks, names, true);
	if (!err)
		return 0;
	err = vp_find_vqs_msix(vdev, nvqs, vqs, callbacks, names, false);
	if (!err)
		return 0;
	if (!pci_intx_irq(vp->pci_dev))
		return err;
	return vp_find_vqs_intx(vdev, nvqs, vqs, callbacks, names);
}

/* vp_get_vq_affinity(): only a per-queue vector has a managed mask */
static const struct cpumask *vp_get_vq_affinity(struct virtio_device *vdev, unsigned index)
{
	struct vp_device *vp = to_vp_device(vdev);
	if (!vp || !vp->per_vq_vectors || !vp->affinity || index >= vdev->nvqs ||
	    vdev->vqs[index]->msix_vector == VIRTIO_MSI_NO_VECTOR ||
	    vdev->vqs[index]->msix_vector >= vp->msix_vectors)
		return NULL;
	return &vp->affinity[vdev->vqs[index]->msix_vector];
}

static void vp_release(struct virtio_device *vdev)
{
	struct vp_device *vp = vdev->transport;
	if (vp) {
		free(vp->msix_names);
		free(vp->affinity);
	}
	free(vp);
	vdev->transport = NULL;
}

static const struct virtio_config_ops virtio_pci_config_ops = {
	.get_features = vp_get_features,
	.finalize_features = vp_finalize_features,
	.get_status = virtio_transport_get_status,
	.set_status = virtio_transport_set_status,
	.get_vq_affinity = vp_get_vq_affinity,
	.get = virtio_transport_get,
	.find_vqs = vp_find_vqs,
	.del_vqs = vp_del_vqs,
	.release = vp_release,
};

static const struct pci_device_id virtio_pci_id_table[] = {
	{ 0x1af4, PCI_ANY_ID, 0, 0, false },
	{ 0, 0, 0, 0, false },
};

/*
 * virtio_pci_find_capability(): the vendor capability of cfg_type whose BAR
 * the function implements (pci_read_bases found it), or 0.
 */
static u8 virtio_pci_find_capability(struct pci_dev *pdev, u8 cfg_type)
{
	for (u8 pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pdev, pos + PCI_CAP_LIST_NEXT, PCI_CAP_ID_VNDR)) {
		u8 type, bar;
		pci_read_config_byte(pdev, pos + 3 /* cfg_type */, &type);
		pci_read_config_byte(pdev, pos + 4 /* bar */, &bar);
		if (bar >= PCI_STD_NUM_BARS)
			continue;
		if (type == cfg_type && pdev->bar[bar] != PCI_BAR_NONE)
			return pos;
	}
	return 0;
}

static int virtio_pci_modern_probe(struct pci_dev *pdev)
{
	if (pdev->device < 0x1000 || pdev->device > 0x107f)
		return -ENODEV;
	/* vp_modern_probe(): no common configuration capability, no modern interface */
	u8 common = virtio_pci_find_capability(pdev, VIRTIO_PCI_CAP_COMMON_CFG);
	if (!common) {
		dev_info(&pdev->dev, "virtio_pci: leaving for legacy driver\n");
		return -ENODEV;
	}
	u8 isr = virtio_pci_find_capability(pdev, VIRTIO_PCI_CAP_ISR_CFG);
	u8 notify = virtio_pci_find_capability(pdev, VIRTIO_PCI_CAP_NOTIFY_CFG);
	if (!isr || !notify) {
		dev_err(&pdev->dev, "virtio_pci: missing capabilities %i/%i/%i\n", common, isr, notify);
		return -EINVAL;
	}
	if (dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64)) &&
	    dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32)))
		dev_warn(&pdev->dev, "Failed to enable 64-bit or 32-bit DMA.  Trying to continue, but this might not work.\n");
	return 0;
}

static int virtio_pci_legacy_probe(struct pci_dev *pdev)
{
	/* without VIRTIO_PCI_LEGACY this is a stub that says -ENODEV */
	if (!kconfig_enabled(kernel_config(pdev->dev.k), KCONFIG_VIRTIO_PCI_LEGACY))
		return -ENODEV;
	/* only the transitional ID range has a legacy interface */
	if (pdev->device < 0x1000 || pdev->device > 0x103f)
		return -ENODEV;
	int rc = dma_set_mask(&pdev->dev, DMA_BIT_MASK(64));
	if (rc)
		rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	else
		dma_set_coherent_mask(&pdev->dev, DMA_BIT_MASK(32 + VIRTIO_PCI_QUEUE_ADDR_SHIFT));
	if (rc)
		dev_warn(&pdev->dev, "Failed to enable 64-bit or 32-bit DMA.  Trying to continue, but this might not work.\n");
	return 0;
}

static int virtio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	(void)id;
	/*
	 * The transport's registers (BARs the model does not assign) stay the
	 * device model's: reached through the function behind pdev->hw; what
	 * the function offers is read from its config space above.
	 */
	struct hw_virtio *hw = pdev->hw ? pdev->hw->virtio : NULL;
	if (!hw)
		return -ENODEV;
	int rc = pci_enable_device(pdev);
	if (rc)
		return rc;
	bool legacy = false;
	rc = virtio_pci_modern_probe(pdev);
	if (rc == -ENODEV) {
		rc = virtio_pci_legacy_probe(pdev);
		legacy = true;
	}
	struct vdev_hw *vhw = rc ? NULL : virtio_hw_lookup(pdev->dev.k, hw);
	if (!rc && !vhw)
		rc = -ENODEV;
	struct vp_device *vp = rc ? NULL : calloc(1, sizeof(*vp));
	if (!rc && !vp)
		rc = -ENOMEM;
	if (!rc) {
		pci_set_master(pdev);
		vhw->legacy_iface = legacy;
		vp->pci_dev = pdev;
		struct virtio_device *vdev = register_virtio_device(&pdev->dev, hw, legacy, &virtio_pci_config_ops,
								    vhw, vp);
		pdev->dev.drvdata = vdev;
		if (vdev)
			vp->vdev = vdev;
		else
			free(vp);
		rc = vdev ? 0 : -ENOMEM;
	}
	if (rc)
		pci_disable_device(pdev);
	return rc;
}

static void virtio_pci_remove(struct pci_dev *pdev)
{
	struct virtio_device *vdev = pdev->dev.drvdata;
	if (vdev) {
		struct vp_device *vp = vdev->transport;
		unregister_virtio_device(vdev);
		free(vp);
		pdev->dev.drvdata = NULL;
	}
	pci_disable_device(pdev);
}

struct pci_driver virtio_pci_driver = {
	.driver = { .name = "virtio-pci", .bus = &pci_bus_type },
	.id_table = virtio_pci_id_table,
	.probe = virtio_pci_probe,
	.remove = virtio_pci_remove,
};
