/*
 * nvme's PCI transport (drivers/nvme/host/pci.c, Linux 6.1): probe, the
 * reset work that brings the controller up, the admin and I/O queues and
 * their interrupts, I/O with PRPs, and the timeout handler (identify and
 * the namespaces are nvme_core.c's).
 * The controller is reached through BAR0 only (registers and doorbells);
 * the queues and buffers are DMA memory the driver allocates and maps.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/nvme.h"
#include "drivers/drivers.h"
#include "drivers/blk_mq.h"
#include "drivers/irq.h"
#include "drivers/irq_affinity.h"
#include "base/page_alloc.h"
#include "dma/dma_mask.h"
#include "dma/mapping.h"
#include "hw/nvme_dev.h"

#include "drivers/nvme_internal.h"
#include "drivers/drivers_version.h"
#include "dma/iova.h"
#include "kversion/linux_version.h"

void nvme_ctrl_log(struct nvme_dev *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nvme_ctrl_log(struct nvme_dev *dev, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf(dev->k, "nvme %s: %s", dev->name, msg);
}

static struct nvme_dev *to_nvme_dev(struct pci_dev *pdev)
{
	return pdev->dev.drvdata;
}

/* ---- doorbells and queues ---- */

static u64 sq_db(struct nvme_dev *dev, unsigned qid)
{
	return NVME_REG_DBS + (u64)qid * 2 * dev->db_stride * 4;
}

static u64 cq_db(struct nvme_dev *dev, unsigned qid)
{
	return sq_db(dev, qid) + (u64)dev->db_stride * 4;
}

/* nvme_alloc_queue(): the CQ and SQ in coherent DMA memory */
static int nvme_alloc_queue(struct nvme_dev *dev, unsigned qid, u32 depth)
{
	struct nvme_queue *q = &dev->queues[qid];
	struct device *d = &dev->pdev->dev;
	if (q->reqs)
		return 0;
	*q = (struct nvme_queue){ .dev = dev, .qid = qid, .q_depth = depth, .cq_phase = true };
	q->cq_pa = dma_alloc_coherent(d, (size_t)depth * NVME_CQE_SIZE, &q->cq_dma);
	q->sq_pa = q->cq_pa ? dma_alloc_coherent(d, (size_t)depth * NVME_SQE_SIZE, &q->sq_dma) : 0;
	q->reqs = calloc(depth, sizeof(*q->reqs));
	if (!q->cq_pa || !q->sq_pa || !q->reqs) {
		if (q->cq_pa)
			dma_free_coherent(d, (size_t)depth * NVME_CQE_SIZE, q->cq_pa, q->cq_dma);
		if (q->sq_pa)
			dma_free_coherent(d, (size_t)depth * NVME_SQE_SIZE, q->sq_pa, q->sq_dma);
		free(q->reqs);
		memset(q, 0, sizeof(*q));
		return -ENOMEM;
	}
	guest_mem_fill(kmem(dev->k), q->cq_pa, 0, (size_t)depth * NVME_CQE_SIZE);
	snprintf(q->irqname, sizeof(q->irqname), "%sq%u", dev->name, qid);
	return 0;
}

static void nvme_free_queue(struct nvme_dev *dev, unsigned qid)
{
	struct nvme_queue *q = &dev->queues[qid];
	struct device *d = &dev->pdev->dev;
	if (!q->reqs)
		return;
	dma_free_coherent(d, (size_t)q->q_depth * NVME_CQE_SIZE, q->cq_pa, q->cq_dma);
	dma_free_coherent(d, (size_t)q->q_depth * NVME_SQE_SIZE, q->sq_pa, q->sq_dma);
	free(q->reqs);
	memset(q, 0, sizeof(*q));
}

/* nvme_init_queue(): the driver's view of an empty queue pair */
static void nvme_init_queue(struct nvme_queue *q)
{
	q->sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = true;
	guest_mem_fill(kmem(q->dev->k), q->cq_pa, 0, (size_t)q->q_depth * NVME_CQE_SIZE);
}

/* nvme_process_cq(): every new entry (its phase tag flipped), then the head doorbell */
static int nvme_process_cq(struct nvme_queue *q)
{
	struct nvme_dev *dev = q->dev;
	int found = 0;
	for (;;) {
		u8 cqe[NVME_CQE_SIZE];
		guest_mem_read(kmem(dev->k), q->cq_pa + (u64)q->cq_head * NVME_CQE_SIZE, cqe, sizeof(cqe));
		u16 status = (u16)get_le(cqe + 14, 2);
		if ((status & 1) != (q->cq_phase ? 1 : 0))
			break;
		u16 cid = (u16)get_le(cqe + 12, 2);
		unsigned tag = cid & 0xfff;
		if (tag < q->q_depth && q->reqs[tag].busy && !q->reqs[tag].done) {
			q->reqs[tag].done = true;
			q->reqs[tag].status = status >> 1;
			q->reqs[tag].result = (u32)get_le(cqe, 4);
		} else {
			nvme_ctrl_log(dev, "invalid id %d completed on queue %d", cid, q->qid);
		}
		if (++q->cq_head == q->q_depth) {
			q->cq_head = 0;
			q->cq_phase = !q->cq_phase;
		}
		found++;
	}
	if (found)
		writel(&dev->bar, cq_db(dev, q->qid), q->cq_head);
	return found;
}

/* nvme_irq() */
static irqreturn_t nvme_irq(int irq, void *data)
{
	(void)irq;
	return nvme_process_cq(data) ? IRQ_HANDLED : IRQ_NONE;
}

/* queue_request_irq(): "nvme0q0", "nvme0q1", ... on the queue's vector */
static int queue_request_irq(struct nvme_queue *q)
{
	struct nvme_dev *dev = q->dev;
	int irq = pci_irq_vector(dev->pdev, q->cq_vector);
	if (irq <= 0)
		return -EINVAL;
	int ret = request_irq(dev->k, irq, nvme_irq, IRQF_SHARED, q->irqname, q);
	if (!ret)
		q->irq_requested = true;
	return ret;
}

static void queue_free_irq(struct nvme_queue *q)
{
	if (!q->irq_requested)
		return;
	free_irq(q->dev->k, pci_irq_vector(q->dev->pdev, q->cq_vector), q);
	q->irq_requested = false;
}

/*
 * Submit one command and wait for it (nvme_submit_sync_cmd() for the admin
 * queue, a request for the I/O queues). 0 done (*status the NVMe status),
 * -EBUSY (no free tag), or -EINPROGRESS: it did not complete, its timeout is
 * armed and dev->wait_* say which request it is.
 */
static int submit_wait(struct nvme_dev *dev, struct nvme_queue *q, u8 *sqe, u16 *status, u32 *result)
{
	unsigned tag;
	for (tag = 0; tag < q->q_depth - 1 && q->reqs[tag].busy; tag++)
		;
	if (tag >= q->q_depth - 1)
		return -EBUSY;
	struct nvme_req *r = &q->reqs[tag];
	r->genctr = (u16)((r->genctr + 1) & 0xf);
	r->busy = true;
	r->done = r->cancelled = false;
	put_le(sqe + 2, (u32)r->genctr << 12 | tag, 2);
	/* nvme_sq_copy_cmd() then nvme_write_sq_db() */
	guest_mem_write(kmem(dev->k), q->sq_pa + (u64)q->sq_tail * NVME_SQE_SIZE, sqe, NVME_SQE_SIZE);
	if (++q->sq_tail == q->q_depth)
		q->sq_tail = 0;
	writel(&dev->bar, sq_db(dev, q->qid), q->sq_tail);
	if (!r->done) {
		dev->wait_q = q;
		dev->wait_tag = (int)tag;
		dev->wait_deadline = dev->k->log.clock_ns + (q->qid ? NVME_IO_TIMEOUT_NS : NVME_ADMIN_TIMEOUT_NS);
		return -EINPROGRESS;
	}
	r->busy = false;
	*status = r->status;
	if (result)
		*result = r->result;
	return 0;
}

/* nvme_submit_sync_cmd() on the admin queue with an optional data buffer from the device */
int nvme_admin_cmd(struct nvme_dev *dev, u8 *sqe, u64 buf_pa, size_t len, enum dma_data_direction dir,
		     u32 *result)
{
	struct device *d = &dev->pdev->dev;
	u64 dma = 0;
	if (len) {
		dma = dma_map_single(d, buf_pa, len, dir);
		if (dma_mapping_error(d, dma))
			return -ENOMEM;
		put_le(sqe + 24, dma, 8);
		/* a buffer that crosses a page: PRP2 is the second page */
		u64 first = NVME_CTRL_PAGE_SIZE - (dma & (NVME_CTRL_PAGE_SIZE - 1));
		if (len > first)
			put_le(sqe + 32, dma + first, 8);
	}
	u16 status = 0;
	int ret = submit_wait(dev, &dev->queues[0], sqe, &status, result);
	if (ret == -EINPROGRESS)
		return ret;	/* the mapping stays while the device may still use it */
	if (len)
		dma_unmap_single(d, dma, len, dir);
	if (ret)
		return ret;
	/* a positive NVMe status, as nvme_submit_sync_cmd returns it */
	return status;
}

void nvme_cmd_init(u8 *sqe, u8 opcode, u32 nsid)
{
	memset(sqe, 0, NVME_SQE_SIZE);
	sqe[0] = opcode;
	put_le(sqe + 4, nsid, 4);
}

/* ---- controller enable and disable ---- */

/* nvme_wait_ready(): CSTS.RDY as wanted, within CAP.TO (500 ms units) */
static int nvme_wait_ready(struct nvme_dev *dev, bool enabled)
{
	u64 timeout_ns = (NVME_CAP_TO(dev->cap) + 1) * 500000000ull;
	u32 csts = readl(&dev->bar, NVME_REG_CSTS);
	if (csts == ~0u)
		return -ENODEV;
	if (((csts & NVME_CSTS_RDY) != 0) == enabled)
		return 0;
	/* the controller never became ready: the whole wait passes */
	klog_advance(&dev->k->log, timeout_ns);
	nvme_ctrl_log(dev, "Device not ready; aborting %s, CSTS=0x%x", enabled ? "initialisation" : "reset", csts);
	return -ENODEV;
}

static int nvme_disable_ctrl(struct nvme_dev *dev)
{
	u32 cc = readl(&dev->bar, NVME_REG_CC) & ~NVME_CC_EN;
	writel(&dev->bar, NVME_REG_CC, cc);
	return nvme_wait_ready(dev, false);
}

static int nvme_enable_ctrl(struct nvme_dev *dev)
{
	/* NVM command set, 4K pages, round robin, 64-byte SQEs, 16-byte CQEs */
	u32 cc = 0 << 4 | (NVME_CTRL_PAGE_SHIFT - 12) << 7 | 0 << 11 | 6 << 16 | 4 << 20 | NVME_CC_EN;
	writel(&dev->bar, NVME_REG_CC, cc);
	return nvme_wait_ready(dev, true);
}

/* nvme_pci_enable() */
static int nvme_pci_enable(struct nvme_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	int ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	if (dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64)))
		return -ENXIO;
	if (readl(&dev->bar, NVME_REG_CSTS) == ~0u)
		return -ENODEV;
	/* one vector for the admin queue until the I/O queues are counted */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_LEGACY | PCI_IRQ_MSI | PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	dev->cap = readq(&dev->bar, NVME_REG_CAP);
	dev->q_depth = MIN((u32)NVME_CAP_MQES(dev->cap) + 1, (u32)NVME_IO_QUEUE_DEPTH);
	dev->db_stride = 1u << NVME_CAP_DSTRD(dev->cap);
	return 0;
}

/* nvme_pci_configure_admin_queue() */
static int nvme_configure_admin_queue(struct nvme_dev *dev)
{
	dev->vs = readl(&dev->bar, NVME_REG_VS);
	int ret = nvme_disable_ctrl(dev);
	if (ret)
		return ret;
	ret = nvme_alloc_queue(dev, 0, NVME_AQ_DEPTH);
	if (ret)
		return ret;
	struct nvme_queue *aq = &dev->queues[0];
	u32 aqa = (NVME_AQ_DEPTH - 1) | (NVME_AQ_DEPTH - 1) << 16;
	writel(&dev->bar, NVME_REG_AQA, aqa);
	writeq(&dev->bar, NVME_REG_ASQ, aq->sq_dma);
	writeq(&dev->bar, NVME_REG_ACQ, aq->cq_dma);
	ret = nvme_enable_ctrl(dev);
	if (ret)
		return ret;
	aq->cq_vector = 0;
	nvme_init_queue(aq);
	dev->online_queues = 1;
	aq->created = true;
	return queue_request_irq(aq);
}

/* the work waits for this command; when it is cancelled the work fails with fail */
int nvme_wait_for(struct nvme_dev *dev, int fail, const char *msg)
{
	dev->wait_fail = fail;
	dev->wait_fail_msg = msg;
	return -EINPROGRESS;
}

/* ---- I/O queues ---- */

/* adapter_alloc_cq() and adapter_alloc_sq(), then the queue's interrupt */
static int nvme_create_queue(struct nvme_dev *dev, unsigned qid, u16 vector)
{
	struct nvme_queue *q = &dev->queues[qid];
	u8 sqe[NVME_SQE_SIZE];
	q->cq_vector = vector;
	nvme_init_queue(q);
	nvme_cmd_init(sqe, NVME_ADM_CREATE_CQ, 0);
	put_le(sqe + 24, q->cq_dma, 8);
	put_le(sqe + 40, qid | (u32)(q->q_depth - 1) << 16, 4);
	put_le(sqe + 44, 0x1 | 0x2 | (u32)vector << 16, 4);	/* physically contiguous, interrupts on */
	int status = nvme_admin_cmd(dev, sqe, 0, 0, DMA_NONE, NULL);
	if (status == -EINPROGRESS)
		return nvme_wait_for(dev, -EINTR, NULL);
	if (status)
		return status;
	nvme_cmd_init(sqe, NVME_ADM_CREATE_SQ, 0);
	put_le(sqe + 24, q->sq_dma, 8);
	put_le(sqe + 40, qid | (u32)(q->q_depth - 1) << 16, 4);
	put_le(sqe + 44, 0x1 | 0x2 << 1 | (u32)qid << 16, 4);	/* contiguous, medium priority, its CQ */
	status = nvme_admin_cmd(dev, sqe, 0, 0, DMA_NONE, NULL);
	if (status == -EINPROGRESS)
		return nvme_wait_for(dev, -EINTR, NULL);
	if (status)
		return status;
	q->created = true;
	dev->online_queues++;
	return queue_request_irq(q);
}

/* nvme_setup_io_queues() */
static int nvme_setup_io_queues(struct nvme_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	unsigned nr_io_queues = dev->nr_allocated_queues - 1;
	int ret = nvme_set_queue_count(dev, &nr_io_queues);
	if (ret)
		return ret;
	if (!nr_io_queues)
		return 0;
	/* the admin vector goes while the vectors are counted again */
	queue_free_irq(&dev->queues[0]);
	pci_free_irq_vectors(pdev);
	int vecs = pci_alloc_irq_vectors(pdev, 1, nr_io_queues + 1, PCI_IRQ_LEGACY | PCI_IRQ_MSI | PCI_IRQ_MSIX);
	if (vecs <= 0)
		return -EIO;
	dev->num_vecs = (unsigned)vecs;
	/* a single vector is shared by the admin queue and every I/O queue */
	dev->io_queues = vecs > 1 ? MIN(nr_io_queues, (unsigned)vecs - 1) : 1;
	ret = queue_request_irq(&dev->queues[0]);
	if (ret)
		return ret;
	for (unsigned qid = 1; qid <= dev->io_queues; qid++) {
		ret = nvme_alloc_queue(dev, qid, dev->q_depth);
		if (ret)
			return ret;
	}
	for (unsigned qid = 1; qid <= dev->io_queues; qid++) {
		u16 vector = dev->num_vecs == 1 ? 0 : (u16)qid;
		ret = nvme_create_queue(dev, qid, vector);
		if (ret)
			return ret;
	}
	nvme_ctrl_log(dev, "%u/%u/%u default/read/poll queues", dev->io_queues, 0u, 0u);
	return 0;
}

/* nvme_start_ctrl(): one Async Event Request outstanding, then the namespace scan */
static int nvme_start_ctrl(struct nvme_dev *dev)
{
	struct nvme_queue *aq = &dev->queues[0];
	u8 sqe[NVME_SQE_SIZE];
	nvme_cmd_init(sqe, NVME_ADM_ASYNC_EV_REQ, 0);
	/* the AER uses the last admin tag (NVME_AQ_BLK_MQ_DEPTH) and is never waited for */
	unsigned tag = aq->q_depth - 1;
	aq->reqs[tag].busy = true;
	aq->reqs[tag].done = false;
	put_le(sqe + 2, tag, 2);
	guest_mem_write(kmem(dev->k), aq->sq_pa + (u64)aq->sq_tail * NVME_SQE_SIZE, sqe, NVME_SQE_SIZE);
	if (++aq->sq_tail == aq->q_depth)
		aq->sq_tail = 0;
	writel(&dev->bar, sq_db(dev, 0), aq->sq_tail);
	return nvme_scan(dev);
}

/* ---- teardown ---- */

/* nvme_dev_disable(): the queues go (deleted on a live controller), the controller off, vectors freed */
static void nvme_dev_disable(struct nvme_dev *dev, bool shutdown)
{
	struct pci_dev *pdev = dev->pdev;
	u32 csts = dev->bar.read ? readl(&dev->bar, NVME_REG_CSTS) : ~0u;
	bool dead = !pdev->enable_cnt || (csts & NVME_CSTS_CFS) || !(csts & NVME_CSTS_RDY);
	if (!dead && dev->state == NVME_CTRL_LIVE) {
		/* nvme_disable_io_queues(): Delete SQ then Delete CQ, last queue first */
		for (unsigned pass = 0; pass < 2; pass++)
			for (unsigned qid = dev->io_queues; qid >= 1; qid--) {
				if (!dev->queues[qid].created)
					continue;
				u8 sqe[NVME_SQE_SIZE];
				nvme_cmd_init(sqe, pass ? NVME_ADM_DELETE_CQ : NVME_ADM_DELETE_SQ, 0);
				put_le(sqe + 40, qid, 2);
				if (nvme_admin_cmd(dev, sqe, 0, 0, DMA_NONE, NULL) == -EINPROGRESS)
					break;
			}
	}
	for (unsigned qid = 0; qid <= dev->io_queues; qid++)
		queue_free_irq(&dev->queues[qid]);
	if (!dead) {
		if (shutdown) {
			u32 cc = readl(&dev->bar, NVME_REG_CC);
			writel(&dev->bar, NVME_REG_CC, (cc & ~(0x3u << 14)) | 1u << 14);
		} else {
			nvme_disable_ctrl(dev);
		}
	}
	/* nvme_cancel_request() for whatever is still outstanding */
	for (unsigned qid = 0; qid <= dev->io_queues; qid++) {
		struct nvme_queue *q = &dev->queues[qid];
		for (unsigned t = 0; q->reqs && t < q->q_depth; t++)
			if (q->reqs[t].busy && !q->reqs[t].done) {
				q->reqs[t].done = q->reqs[t].cancelled = true;
				q->reqs[t].status = NVME_SC_HOST_ABORTED_CMD;
			}
		q->created = false;
	}
	dev->online_queues = 0;
	if (pdev->enable_cnt) {
		pci_free_irq_vectors(pdev);
		pci_disable_device(pdev);
	}
}

static void nvme_free_all(struct nvme_dev *dev)
{
	for (unsigned qid = 0; qid < ARRAY_SIZE(dev->queues); qid++)
		nvme_free_queue(dev, qid);
	free(dev->ns);
	dev->ns = NULL;
	dev->nns = 0;
}

/* ---- the reset work ---- */

/* the work's failure: the driver lets go of the function (nvme_remove_dead_ctrl) */
static void nvme_remove_dead_ctrl(struct nvme_dev *dev, int result)
{
	if (result)
		nvme_ctrl_log(dev, "Removing after probe failure status: %d", result);
	dev->state = NVME_CTRL_DEAD;
	nvme_dev_disable(dev, false);
	device_release_driver(&dev->pdev->dev);
}

/*
 * nvme_reset_work(), up to the first command that does not complete
 * (-EINPROGRESS), in three parts: the controller enabled with its admin
 * queue; Identify Controller; the rest (limits, I/O queues, the scan)
 */
static int nvme_reset_work_fail(struct nvme_dev *dev, int ret)
{
	if (ret && ret != -EINPROGRESS) {
		dev->work = WORK_NONE;
		nvme_remove_dead_ctrl(dev, ret);
	}
	return ret;
}

static int nvme_reset_work_start(struct nvme_dev *dev)
{
	dev->state = NVME_CTRL_CONNECTING;
	int ret = nvme_pci_enable(dev);
	if (!ret)
		ret = nvme_configure_admin_queue(dev);
	dev->work = ret ? WORK_NONE : WORK_IDENTIFY;
	return nvme_reset_work_fail(dev, ret);
}

static int nvme_reset_work_identify(struct nvme_dev *dev)
{
	int ret = nvme_identify_ctrl(dev);
	if (!ret)
		dev->work = WORK_FINISH;
	return nvme_reset_work_fail(dev, ret);
}

static int nvme_reset_work_finish(struct nvme_dev *dev)
{
	int ret = nvme_init_identify(dev);
	if (!ret)
		ret = nvme_setup_io_queues(dev);
	if (ret)
		return nvme_reset_work_fail(dev, ret);
	dev->work = WORK_NONE;
	dev->state = NVME_CTRL_LIVE;
	return nvme_start_ctrl(dev);
}

/* ---- probe and remove ---- */

static int nvme_instance_next(struct kernel *k)
{
	for (int idx = 0;; idx++) {
		bool used = false;
		for (size_t i = 0; i < k->ndevices && !used; i++) {
			struct device *d = k->devices[i];
			if (d->driver == &nvme_driver.driver && d->drvdata)
				used = ((struct nvme_dev *)d->drvdata)->instance == idx;
		}
		if (!used)
			return idx;
	}
}


/*
 * dma_opt_mapping_size(): through dma-iommu the IOVA allocator's cached range
 * (iova_rcache_range(): PAGE_SIZE << (IOVA_RANGE_CACHE_MAX_SIZE - 1), 128 KiB),
 * else no preference; never more than dma_max_mapping_size()
 */
static size_t nvme_dma_opt_mapping_size(struct device *dev)
{
	size_t max = dma_max_mapping_size(dev);
	if (dev->dma_ops == &iommu_dma_ops)
		return MIN(max, (size_t)PAGE_SIZE << (IOVA_RANGE_CACHE_MAX_SIZE - 1));
	return max;
}
static int nvme_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct kernel *k = pdev->dev.k;
	struct nvme_ctrl_hw *hw = hw_nvme_device(k->hw, pdev->hw);
	if (!hw)
		return -ENODEV;
	struct nvme_dev *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->pdev = pdev;
	dev->k = k;
	dev->quirks = id && id->vendor == NVME_PCI_VENDOR && id->device == NVME_PCI_DEVICE ? NVME_QUIRK_BOGUS_NID : 0;
	dev->instance = nvme_instance_next(k);
	snprintf(dev->name, sizeof(dev->name), "nvme%d", dev->instance);
	/* nvme_dev_map(): BAR0 */
	nvme_hw_bar0(hw, &dev->bar);
	/* the controller's limits before Identify: the driver's largest command and what the DMA layer maps */
	const struct drivers_version *v = kernel_version(k)->drivers;
	size_t dma_size = v->nvme_io_size_by_dma_opt_mapping_size ? nvme_dma_opt_mapping_size(&pdev->dev)
								   : dma_max_mapping_size(&pdev->dev);
	dev->max_hw_sectors = MIN(v->nvme_max_io_bytes >> 9, (u32)MIN(dma_size >> 9, (size_t)UINT32_MAX));
	dev->max_segments = v->nvme_max_segments;
	dev->nr_allocated_queues = MIN(k->nr_cpu_ids, 512u) + 1;
	pdev->dev.drvdata = dev;
	dma_set_max_seg_size(&pdev->dev, 0xffffffffu);
	nvme_ctrl_log(dev, "pci function %s", pdev->dev.name);
	/*
	 * The work is asynchronous on Linux: probe has succeeded whatever it
	 * does. It enables the device at once; while the boot probes the other
	 * built-in devices the works go on side by side (nvme_flush_work),
	 * afterwards (a bind, a rescan) it runs through.
	 */
	if (!nvme_reset_work_start(dev) && k->deferred_probe_enabled && !nvme_reset_work_identify(dev))
		nvme_reset_work_finish(dev);
	return 0;
}

static void nvme_remove(struct pci_dev *pdev)
{
	struct nvme_dev *dev = to_nvme_dev(pdev);
	if (!dev)
		return;
	if (dev->state != NVME_CTRL_DEAD) {
		dev->state = NVME_CTRL_DELETING;
		nvme_dev_disable(dev, true);
	}
	nvme_free_all(dev);
	pdev->dev.drvdata = NULL;
	free(dev);
}

static const struct pci_device_id nvme_id_table[] = {
	/* QEMU's controller, with NVME_QUIRK_BOGUS_NID */
	{ NVME_PCI_VENDOR, NVME_PCI_DEVICE, 0, 0, false },
	{ PCI_ANY_ID, PCI_ANY_ID, NVME_PCI_CLASS, 0xffffff, false },
	{ 0, 0, 0, 0, false },
};

struct pci_driver nvme_driver = {
	.driver = { .name = "nvme", .bus = &pci_bus_type },
	.id_table = nvme_id_table,
	.probe = nvme_probe,
	.remove = nvme_remove,
};

/* ---- timeouts ---- */

/* nvme_timeout() for the request the work (or an I/O) waits for */
static void nvme_timeout(struct nvme_dev *dev)
{
	struct nvme_queue *q = dev->wait_q;
	int tag = dev->wait_tag;
	dev->wait_q = NULL;
	u32 csts = readl(&dev->bar, NVME_REG_CSTS);
	/* did we miss an interrupt? */
	nvme_process_cq(q);
	if (q->reqs[tag].done) {
		nvme_ctrl_log(dev, "I/O %d QID %u timeout, completion polled", tag, q->qid);
		q->reqs[tag].busy = false;
		return;
	}
	if (dev->state == NVME_CTRL_CONNECTING || dev->state == NVME_CTRL_DELETING) {
		dev->state = NVME_CTRL_DELETING;
		nvme_ctrl_log(dev, "I/O %d QID %u timeout, disable controller", tag, q->qid);
		nvme_dev_disable(dev, true);
		q->reqs[tag].busy = false;
		if (!dev->wait_io) {
			if (dev->wait_fail_msg)
				nvme_ctrl_log(dev, "%s", dev->wait_fail_msg);
			nvme_remove_dead_ctrl(dev, dev->wait_fail);
		}
		return;
	}
	/* a live controller: the admin queue or a second timeout resets it */
	(void)csts;
	nvme_ctrl_log(dev, "I/O %d QID %u timeout, reset controller", tag, q->qid);
	nvme_dev_disable(dev, false);
	q->reqs[tag].busy = false;
	dev->state = NVME_CTRL_DEAD;
}

void nvme_tick(struct kernel *k)
{
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *d = k->devices[i];
		if (d->driver != &nvme_driver.driver || !d->drvdata)
			continue;
		struct nvme_dev *dev = d->drvdata;
		if (dev->wait_q && k->log.clock_ns >= dev->wait_deadline) {
			u64 now = k->log.clock_ns;
			k->log.clock_ns = dev->wait_deadline;
			nvme_timeout(dev);
			if (k->log.clock_ns < now)
				k->log.clock_ns = now;
		}
	}
}

void nvme_flush_work(struct kernel *k)
{
	/* a round per step: every controller's Identify, then every controller's rest */
	for (int step = WORK_IDENTIFY; step <= WORK_FINISH; step++)
		for (size_t i = 0; i < k->ndevices; i++) {
			struct device *d = k->devices[i];
			if (d->driver != &nvme_driver.driver || !d->drvdata)
				continue;
			struct nvme_dev *dev = d->drvdata;
			if ((int)dev->work != step || dev->wait_q)
				continue;
			if (step == WORK_IDENTIFY)
				nvme_reset_work_identify(dev);
			else
				nvme_reset_work_finish(dev);
		}
}

void nvme_async_synchronize(struct kernel *k)
{
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *d = k->devices[i];
		if (d->driver != &nvme_driver.driver || !d->drvdata)
			continue;
		struct nvme_dev *dev = d->drvdata;
		if (dev->wait_q && !dev->wait_io) {
			if (k->log.clock_ns < dev->wait_deadline)
				k->log.clock_ns = dev->wait_deadline;
			nvme_timeout(dev);
		}
	}
}

void nvme_devices_free(struct kernel *k)
{
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *d = k->devices[i];
		if (d->driver != &nvme_driver.driver || !d->drvdata)
			continue;
		struct nvme_dev *dev = d->drvdata;
		for (unsigned q = 0; q < ARRAY_SIZE(dev->queues); q++)
			free(dev->queues[q].reqs);
		free(dev->ns);
		free(dev);
		d->drvdata = NULL;
	}
}

/* nvme_pci_setup_prps(): PRP1 the first page, PRP2 the second or a list of the rest */
static int setup_prps(struct nvme_dev *dev, u64 dma, u64 len, u8 *sqe, u64 *list_pa, u64 *list_dma,
		      size_t *nlists)
{
	struct device *d = &dev->pdev->dev;
	put_le(sqe + 24, dma, 8);
	u64 offset = dma & (NVME_CTRL_PAGE_SIZE - 1);
	int64_t left = (int64_t)len - (int64_t)(NVME_CTRL_PAGE_SIZE - offset);
	u64 addr = dma + (NVME_CTRL_PAGE_SIZE - offset);
	*nlists = 0;
	if (left <= 0)
		return 0;
	if (left <= NVME_CTRL_PAGE_SIZE) {
		put_le(sqe + 32, addr, 8);
		return 0;
	}
	/* a list page (the page pool), chained when an entry count fills one */
	u64 pa = dma_alloc_coherent(d, NVME_CTRL_PAGE_SIZE, &list_dma[0]);
	if (!pa)
		return -ENOMEM;
	list_pa[(*nlists)++] = pa;
	put_le(sqe + 32, list_dma[0], 8);
	unsigned i = 0;
	u8 ent[8];
	for (;;) {
		if (i == NVME_CTRL_PAGE_SIZE / 8) {
			u64 old = list_pa[*nlists - 1];
			u64 npa = dma_alloc_coherent(d, NVME_CTRL_PAGE_SIZE, &list_dma[*nlists]);
			if (!npa)
				return -ENOMEM;
			/* the old list's last entry moves to the new one; it points at the new list */
			guest_mem_read(kmem(dev->k), old + (i - 1) * 8, ent, 8);
			guest_mem_write(kmem(dev->k), npa, ent, 8);
			put_le(ent, list_dma[*nlists], 8);
			guest_mem_write(kmem(dev->k), old + (i - 1) * 8, ent, 8);
			list_pa[(*nlists)++] = npa;
			i = 1;
		}
		put_le(ent, addr, 8);
		guest_mem_write(kmem(dev->k), list_pa[*nlists - 1] + i * 8, ent, 8);
		i++;
		addr += NVME_CTRL_PAGE_SIZE;
		left -= NVME_CTRL_PAGE_SIZE;
		if (left <= 0)
			break;
	}
	return 0;
}

/* one Read or Write of len bytes: nvme_queue_rq() and its completion */
static int nvme_ns_request(struct nvme_ns *ns, bool write, u64 sector, u64 pa, u64 len)
{
	struct nvme_dev *dev = ns->ctrl;
	struct kernel *k = dev->k;
	struct device *d = &dev->pdev->dev;
	/* the submitting CPU's hardware context: CPU 0's */
	struct nvme_queue *q = &dev->queues[1];
	enum dma_data_direction dir = write ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	u64 dma = dma_map_single(d, pa, len, dir);
	if (dma_mapping_error(d, dma))
		return -ENOMEM;
	u8 sqe[NVME_SQE_SIZE];
	nvme_cmd_init(sqe, write ? NVME_CMD_WRITE : NVME_CMD_READ, ns->nsid);
	u64 list_pa[64], list_dma[64];
	size_t nlists = 0;
	if (setup_prps(dev, dma, len, sqe, list_pa, list_dma, &nlists)) {
		dma_unmap_single(d, dma, len, dir);
		return -ENOMEM;
	}
	put_le(sqe + 40, sector >> (ns->lba_shift - SECTOR_SHIFT), 8);
	put_le(sqe + 48, (len >> ns->lba_shift) - 1, 2);
	ns->requests++;
	ns->last_requests++;
	ns->last_segments++;
	u16 status = 0;
	int ret = submit_wait(dev, q, sqe, &status, NULL);
	if (ret == -EINPROGRESS) {
		/* the device may still use the buffers: they stay mapped */
		dev->wait_io = true;
		ns->stuck++;
		return -ETIMEDOUT;
	}
	for (size_t i = 0; i < nlists; i++)
		dma_free_coherent(d, NVME_CTRL_PAGE_SIZE, list_pa[i], list_dma[i]);
	dma_unmap_single(d, dma, len, dir);
	if (ret)
		return ret;
	if (status) {
		/* nvme_error_status(), then blk_print_req_error() */
		u16 sc = status & 0x7ff;
		const char *what = sc == NVME_SC_WRITE_FAULT || sc == NVME_SC_READ_ERROR ? "critical medium"
				   : sc == NVME_SC_LBA_RANGE ? "critical target"
				   : sc == NVME_SC_INVALID_OPCODE || sc == NVME_SC_INVALID_FIELD ? "operation not supported"
				   : "I/O";
		kprintf(k, "%s error, dev %s, sector %llu op 0x%x:(%s) flags 0x%x phys_seg %u prio class %u",
			what, ns->disk_name, (unsigned long long)sector, write ? 1 : 0, write ? "WRITE" : "READ", 0u,
			1u, 2u);
		ns->errors++;
		return -EIO;
	}
	return 0;
}

int nvme_ns_rw(struct nvme_ns *ns, bool write, u64 sector, u64 nsect, u64 buf_pa)
{
	if (!ns || !nsect)
		return -EINVAL;
	struct nvme_dev *dev = ns->ctrl;
	if (dev->state != NVME_CTRL_LIVE || !dev->queues[1].created)
		return -ENODEV;
	u32 lbs_sect = ns->lim.logical_block_size >> SECTOR_SHIFT;
	if ((sector % lbs_sect) || (nsect % lbs_sect))
		return -EINVAL;
	if (sector > ns->capacity || nsect > ns->capacity - sector)
		return -EINVAL;
	/* bio splitting at max_sectors (segments: one contiguous buffer, the virt boundary holds) */
	u64 max_bytes = ALIGN_DOWN((u64)ns->lim.max_sectors << SECTOR_SHIFT, ns->lim.logical_block_size);
	u64 left = nsect << SECTOR_SHIFT;
	ns->last_requests = ns->last_segments = 0;
	while (left) {
		u64 chunk = MIN(left, max_bytes);
		int ret = nvme_ns_request(ns, write, sector, buf_pa, chunk);
		if (ret)
			return ret;
		sector += chunk >> SECTOR_SHIFT;
		buf_pa += chunk;
		left -= chunk;
	}
	return 0;
}
