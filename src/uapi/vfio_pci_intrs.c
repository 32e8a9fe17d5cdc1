/*
 * VFIO_DEVICE_SET_IRQS of vfio-pci (drivers/vfio/pci/vfio_pci_intrs.c and
 * vfio_set_irqs_validate_and_prepare() of vfio_main.c; 6.1 and 7.3 check
 * and answer alike for what is modelled here).
 *
 * The header is checked first: argsz, an index below VFIO_PCI_NUM_IRQS,
 * start + count not wrapping, no flag outside the DATA_ and ACTION_ masks
 * (EINVAL); then start and start + count within the index's vector count,
 * one DATA_ type (NONE, BOOL: a byte per vector, EVENTFD: an int32 fd per
 * vector, within argsz) (EINVAL). An ACTION the index has no handler for
 * (two ACTION bits, MASK or UNMASK of MSI/MSI-X, MASK/UNMASK of ERR/REQ)
 * is ENOTTY.
 *
 * MSI and MSI-X (ACTION_TRIGGER): DATA_EVENTFD on an index with nothing
 * enabled enables start + count vectors through pci_alloc_irq_vectors()
 * (the function's capability enabled and each vector's message written
 * through config space or the MSI-X table, as the kernel does; a function
 * that gives fewer answers with how many it could give, a positive count),
 * then installs a handler signalling each fd >= 0 (request_irq(): the
 * vector unmasked); fd -1 leaves a vector without one (masked). On the
 * enabled index it changes the vectors' eventfds; count 0 with DATA_NONE
 * disables it (vectors freed, the capability off). DATA_NONE / DATA_BOOL
 * signal the eventfds as loopback (6.1: EINVAL for a range past the
 * enabled vectors; 7.3 skips them). Another index enabled: EINVAL.
 *
 * INTx: TRIGGER with one eventfd (start 0, count 1) enables it on the
 * function's irq (ENODEV without one), MASK / UNMASK (NONE or BOOL) mask
 * it; ERR and REQ take one eventfd each (an fd below -1: EINVAL on 7.3,
 * 0 and nothing done on 6.1). An fd that is not open is EBADF,
 * one that is not an eventfd EINVAL (eventfd_ctx_fdget()).
 *
 * A vector past those enabled (uapi dyn_msix): 6.1 answers EINVAL for it
 * whatever the fd. 7.3 keeps its vectors' contexts one by one: fd -1 there
 * is 0 (nothing to remove), and an eventfd for one on MSI-X where the MSI
 * domain allocates dynamically (has_dyn_msix: the GICv3 ITS, not GICv2m)
 * adds the vector with pci_msix_alloc_irq_at() (its MSI-X table entry
 * programmed) and requests it; otherwise EINVAL. An added vector stays
 * allocated until MSI-X is disabled.
 *
 * Not modelled: UNMASK with an eventfd (virqfd), the irq bypass producer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "drivers/irq.h"
#include "pci/pci.h"
#include "kversion/linux_version.h"
#include "uapi/uapi.h"
#include "uapi/uapi_version.h"
#include "uapi/vfio_pci_core.h"

static struct kernel *vdev_kernel(const struct vfio_pci_core_device *vdev)
{
	return vdev->pdev->dev.k;
}

static bool irq_is(const struct vfio_pci_core_device *vdev, unsigned index)
{
	return vdev->irq_type == index;
}

static bool is_irq_none(const struct vfio_pci_core_device *vdev)
{
	return vdev->irq_type == VFIO_PCI_NUM_IRQS;
}

/* the kernel keeps each vector's context on its own (the xarray of 6.5 and later) */
static bool ctx_per_vector(const struct vfio_pci_core_device *vdev)
{
	return kernel_version(vdev_kernel(vdev))->uapi->dyn_msix;
}

/* vdev->has_dyn_msix: pci_msix_can_alloc_dyn() when the device was enabled */
static bool has_dyn_msix(const struct vfio_pci_core_device *vdev)
{
	return ctx_per_vector(vdev) && vdev->pdev->msix_cap && msi_parent_msix_alloc_dyn(vdev_kernel(vdev));
}

/* eventfd_ctx_put() */
static void trigger_put(struct vfio_pci_core_device *vdev, struct uapi_file **trigger)
{
	if (*trigger)
		uapi_file_put(vdev_kernel(vdev), *trigger);
	*trigger = NULL;
}

/* vfio_msihandler() / vfio_intx_handler(): the vector's eventfd is signalled */
static irqreturn_t vfio_irq_handler(int irq, void *dev_id)
{
	(void)irq;
	struct vfio_pci_irq_ctx *ctx = dev_id;
	if (ctx->vdev->irq_type == VFIO_PCI_INTX_IRQ_INDEX)
		ctx->vdev->intx_masked = true;
	uapi_eventfd_signal(ctx->trigger);
	return IRQ_HANDLED;
}

/* ---- MSI and MSI-X ---- */

/* vfio_msi_enable(): 0, how many the function could give (fewer than nvec), or -errno */
static int msi_enable(struct vfio_pci_core_device *vdev, unsigned nvec, bool msix)
{
	if (!is_irq_none(vdev))
		return -EINVAL;
	/* room for every vector the index has: 7.3 may add them later */
	unsigned room = vfio_pci_irq_count(vdev->pdev, msix ? VFIO_PCI_MSIX_IRQ_INDEX : VFIO_PCI_MSI_IRQ_INDEX);
	if (room < nvec)
		room = nvec;
	struct vfio_pci_irq_ctx *ctx = calloc(room, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	int ret = pci_alloc_irq_vectors(vdev->pdev, 1, nvec, msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI);
	if (ret < (int)nvec) {
		if (ret > 0)
			pci_free_irq_vectors(vdev->pdev);
		free(ctx);
		return ret;
	}
	for (unsigned i = 0; i < room; i++)
		ctx[i] = (struct vfio_pci_irq_ctx){ .vdev = vdev, .irq = i < nvec ? pci_irq_vector(vdev->pdev, i) : 0 };
	vdev->ctx = ctx;
	vdev->nctx = nvec;
	vdev->irq_type = msix ? VFIO_PCI_MSIX_IRQ_INDEX : VFIO_PCI_MSI_IRQ_INDEX;
	/* the virtual Multiple Message Capable: log2 of the vectors enabled */
	if (!msix) {
		unsigned q = 0;
		while ((1u << q) < nvec)
			q++;
		vdev->msi_qmax = (u8)q;
	}
	return 0;
}

/* vfio_msi_set_vector_signal(): the old handler goes; fd >= 0 installs a new one */
static int msi_set_vector_signal(struct vfio_pci_core_device *vdev, unsigned vector, int fd, bool msix)
{
	struct kernel *k = vdev_kernel(vdev);
	if (vector >= vdev->nctx && !ctx_per_vector(vdev))
		return -EINVAL;
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[vector];
	if (vector < vdev->nctx && ctx->trigger) {
		/* the vector stays allocated until MSI/MSI-X is disabled */
		free_irq(k, ctx->irq, ctx);
		trigger_put(vdev, &ctx->trigger);
	}
	if (fd < 0)
		return 0;
	if (vector >= vdev->nctx) {
		/* vfio_msi_alloc_irq(): past the enabled vectors only MSI-X with has_dyn_msix adds one */
		if (!msix || !has_dyn_msix(vdev))
			return -EINVAL;
		int irq = pci_msix_alloc_irq_at(vdev->pdev, vector);
		if (irq < 0)
			return irq;
		/* the vectors between keep no context and no irq */
		for (unsigned i = vdev->nctx; i < vector; i++)
			vdev->ctx[i] = (struct vfio_pci_irq_ctx){ .vdev = vdev };
		*ctx = (struct vfio_pci_irq_ctx){ .vdev = vdev, .irq = irq };
		vdev->nctx = vector + 1;
	} else if (ctx->irq <= 0) {
		/* an entry skipped when a later one was added */
		int irq = pci_msix_alloc_irq_at(vdev->pdev, vector);
		if (irq < 0)
			return irq;
		ctx->irq = irq;
	}
	int err;
	struct uapi_file *trigger = uapi_eventfd_ctx_fdget(k, fd, &err);
	if (!trigger)
		return err;
	snprintf(ctx->name, sizeof(ctx->name), "vfio-msi%s[%u](%s)", msix ? "x" : "", vector,
		 vdev->pdev->dev.name);
	ctx->trigger = trigger;
	int ret = request_irq(k, ctx->irq, vfio_irq_handler, 0, ctx->name, ctx);
	if (ret)
		trigger_put(vdev, &ctx->trigger);
	return ret;
}

/* vfio_msi_set_block(): all or nothing */
static int msi_set_block(struct vfio_pci_core_device *vdev, unsigned start, unsigned count,
			 const int32_t *fds, bool msix)
{
	unsigned i, j;
	int ret = 0;
	for (i = 0, j = start; i < count && !ret; i++, j++)
		ret = msi_set_vector_signal(vdev, j, fds ? fds[i] : -1, msix);
	if (ret)
		for (i = start; i < j; i++)
			msi_set_vector_signal(vdev, i, -1, msix);
	return ret;
}

/* vfio_msi_disable(): every handler, then the vectors (the capability off, INTx back) */
static void msi_disable(struct vfio_pci_core_device *vdev, bool msix)
{
	for (unsigned i = 0; i < vdev->nctx; i++)
		msi_set_vector_signal(vdev, i, -1, msix);
	pci_free_irq_vectors(vdev->pdev);
	free(vdev->ctx);
	vdev->ctx = NULL;
	vdev->nctx = 0;
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
}

static int set_msi_trigger(struct vfio_pci_core_device *vdev, unsigned index, unsigned start,
			   unsigned count, u32 flags, const void *data)
{
	bool msix = index == VFIO_PCI_MSIX_IRQ_INDEX;
	if (irq_is(vdev, index) && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		msi_disable(vdev, msix);
		return 0;
	}
	if (!(irq_is(vdev, index) || is_irq_none(vdev)))
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		if (irq_is(vdev, index))
			return msi_set_block(vdev, start, count, data, msix);
		int ret = msi_enable(vdev, start + count, msix);
		if (ret)
			return ret;
		ret = msi_set_block(vdev, start, count, data, msix);
		if (ret)
			msi_disable(vdev, msix);
		return ret;
	}
	if (!irq_is(vdev, index))
		return -EINVAL;
	/* 6.1 refuses a range past the enabled vectors; 7.3 skips vectors without a context */
	if (!ctx_per_vector(vdev) && start + count > vdev->nctx)
		return -EINVAL;
	/* loopback: the eventfds are signalled as if the vectors fired */
	const u8 *bools = data;
	for (unsigned i = start; i < start + count && i < vdev->nctx; i++) {
		if (!vdev->ctx[i].trigger)
			continue;
		if ((flags & VFIO_IRQ_SET_DATA_NONE) || bools[i - start])
			uapi_eventfd_signal(vdev->ctx[i].trigger);
	}
	return 0;
}

/* ---- INTx ---- */

/* vfio_intx_enable(): the line requested with the trigger (shared when INTx masking works) */
static int intx_enable(struct vfio_pci_core_device *vdev, struct uapi_file *trigger)
{
	int irq = pci_intx_irq(vdev->pdev);
	if (irq <= 0)
		return -ENODEV;
	struct vfio_pci_irq_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	*ctx = (struct vfio_pci_irq_ctx){ .vdev = vdev, .irq = irq, .trigger = trigger };
	snprintf(ctx->name, sizeof(ctx->name), "vfio-intx(%s)", vdev->pdev->dev.name);
	vdev->intx_masked = vdev->virq_disabled;
	int ret = request_irq(vdev_kernel(vdev), irq, vfio_irq_handler, vdev->pci_2_3 ? IRQF_SHARED : 0,
			      ctx->name, ctx);
	if (ret) {
		free(ctx);
		return ret;
	}
	vdev->ctx = ctx;
	vdev->nctx = 1;
	vdev->irq_type = VFIO_PCI_INTX_IRQ_INDEX;
	return 0;
}

static void intx_disable(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = vdev->ctx;
	free_irq(vdev_kernel(vdev), ctx->irq, ctx);
	trigger_put(vdev, &ctx->trigger);
	free(ctx);
	vdev->ctx = NULL;
	vdev->nctx = 0;
	vdev->intx_masked = false;
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
}

static int set_intx_trigger(struct vfio_pci_core_device *vdev, unsigned start, unsigned count, u32 flags,
			    const void *data)
{
	if (irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		intx_disable(vdev);
		return 0;
	}
	if (!(irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) || is_irq_none(vdev)) || start != 0 || count != 1)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		int32_t fd;
		memcpy(&fd, data, sizeof(fd));
		struct uapi_file *trigger = NULL;
		int err = 0;
		if (fd >= 0 && !(trigger = uapi_eventfd_ctx_fdget(vdev_kernel(vdev), fd, &err)))
			return err;
		if (irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX)) {
			/* vfio_intx_set_signal(): the new trigger replaces the old */
			trigger_put(vdev, &vdev->ctx->trigger);
			vdev->ctx->trigger = trigger;
			return 0;
		}
		int ret = intx_enable(vdev, trigger);
		if (ret && trigger)
			uapi_file_put(vdev_kernel(vdev), trigger);
		return ret;
	}
	if (!irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX))
		return -EINVAL;
	if ((flags & VFIO_IRQ_SET_DATA_NONE) || *(const u8 *)data)
		uapi_eventfd_signal(vdev->ctx->trigger);
	return 0;
}

static int set_intx_mask(struct vfio_pci_core_device *vdev, unsigned start, unsigned count, u32 flags,
			 const void *data, bool mask)
{
	if (!irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) || start != 0 || count != 1)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		/* masking by eventfd is not implemented; unmasking by one (virqfd) is not modelled */
		return -ENOTTY;
	if ((flags & VFIO_IRQ_SET_DATA_NONE) || *(const u8 *)data)
		vdev->intx_masked = mask;
	return 0;
}

/* ---- ERR and REQ: one eventfd each (vfio_pci_set_ctx_trigger_single) ---- */

static int set_trigger_single(struct vfio_pci_core_device *vdev, struct uapi_file **slot, unsigned start,
			      unsigned count, u32 flags, const void *data)
{
	if (start != 0 || count > 1)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		if (!*slot)
			return -EINVAL;
		if (count)
			uapi_eventfd_signal(*slot);
		else
			trigger_put(vdev, slot);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (!count)
			return -EINVAL;
		if (*(const u8 *)data)
			uapi_eventfd_signal(*slot);
		return 0;
	}
	if (!count)
		return -EINVAL;
	int32_t fd;
	memcpy(&fd, data, sizeof(fd));
	if (fd == -1) {
		trigger_put(vdev, slot);
		return 0;
	}
	if (fd < 0)
		return kernel_version(vdev_kernel(vdev))->uapi->single_trigger_refuses_bad_fd ? -EINVAL : 0;
	int err;
	struct uapi_file *trigger = uapi_eventfd_ctx_fdget(vdev_kernel(vdev), fd, &err);
	if (!trigger)
		return err;
	trigger_put(vdev, slot);
	*slot = trigger;
	return 0;
}

/* vfio_pci_set_irqs_ioctl(): the handler of the index and action, ENOTTY without one */
static int set_irqs(struct vfio_pci_core_device *vdev, u32 flags, unsigned index, unsigned start,
		    unsigned count, const void *data)
{
	u32 action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_MASK || action == VFIO_IRQ_SET_ACTION_UNMASK)
			return set_intx_mask(vdev, start, count, flags, data, action == VFIO_IRQ_SET_ACTION_MASK);
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return set_intx_trigger(vdev, start, count, flags, data);
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return set_msi_trigger(vdev, index, start, count, flags, data);
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return set_trigger_single(vdev, &vdev->err_trigger, start, count, flags, data);
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return set_trigger_single(vdev, &vdev->req_trigger, start, count, flags, data);
		break;
	}
	return -ENOTTY;
}

/* vfio_set_irqs_validate_and_prepare(): 0 and the data's size, or -EINVAL */
static int validate(const struct vfio_irq_set *hdr, u32 num_irqs, size_t *data_size)
{
	size_t minsz = offsetof(struct vfio_irq_set, count) + sizeof(hdr->count);
	if (hdr->argsz < minsz || hdr->index >= VFIO_PCI_NUM_IRQS || hdr->count >= UINT32_MAX - hdr->start ||
	    (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return -EINVAL;
	*data_size = 0;
	if (hdr->start >= num_irqs || hdr->start + hdr->count > num_irqs)
		return -EINVAL;
	size_t size;
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(u8);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(int32_t);
		break;
	default:
		return -EINVAL;
	}
	if (size && hdr->argsz - minsz < (u64)hdr->count * size)
		return -EINVAL;
	*data_size = hdr->count * size;
	return 0;
}

long vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *vdev, void *arg)
{
	if (!arg)
		return -EFAULT;
	struct vfio_irq_set hdr;
	memcpy(&hdr, arg, offsetof(struct vfio_irq_set, data));
	/* an index beyond the device's counts as no vectors */
	u32 max = hdr.index < VFIO_PCI_NUM_IRQS ? vfio_pci_irq_count(vdev->pdev, hdr.index) : 0;
	size_t data_size;
	int ret = validate(&hdr, max, &data_size);
	if (ret)
		return ret;
	const void *data = data_size ? ((const struct vfio_irq_set *)arg)->data : NULL;
	return set_irqs(vdev, hdr.flags, hdr.index, hdr.start, hdr.count, data);
}

void vfio_pci_irqs_release(struct vfio_pci_core_device *vdev)
{
	if (irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX))
		intx_disable(vdev);
	else if (irq_is(vdev, VFIO_PCI_MSI_IRQ_INDEX) || irq_is(vdev, VFIO_PCI_MSIX_IRQ_INDEX))
		msi_disable(vdev, irq_is(vdev, VFIO_PCI_MSIX_IRQ_INDEX));
	trigger_put(vdev, &vdev->err_trigger);
	trigger_put(vdev, &vdev->req_trigger);
}
