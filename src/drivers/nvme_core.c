/*
 * nvme's core (drivers/nvme/host/core.c, Linux 6.1): Identify Controller and
 * the limits it gives, the I/O queue count, the namespace scan with each
 * disk's queue limits and CPU-to-queue map, and the disks' lookups.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/nvme_internal.h"
#include "drivers/drivers.h"
#include "drivers/blk_mq.h"
#include "drivers/drivers_version.h"
#include "kversion/linux_version.h"
#include "drivers/irq_affinity.h"
#include "base/page_alloc.h"

/* ---- identify ---- */

/* an Identify command: the namespace and what to identify (CNS) */
static void identify_cmd(u8 *sqe, u32 nsid, u8 cns)
{
	nvme_cmd_init(sqe, NVME_ADM_IDENTIFY, nsid);
	sqe[40] = cns;
}

/* nvme_init_identify()'s first command: Identify Controller */
int nvme_identify_ctrl(struct nvme_dev *dev)
{
	struct kernel *k = dev->k;
	u64 pa = page_alloc(k->pages, NVME_IDENTIFY_DATA_SIZE);
	if (!pa)
		return -ENOMEM;
	u8 sqe[NVME_SQE_SIZE];
	identify_cmd(sqe, 0, NVME_ID_CNS_CTRL);
	int ret = nvme_admin_cmd(dev, sqe, pa, NVME_IDENTIFY_DATA_SIZE, DMA_FROM_DEVICE, NULL);
	if (ret == -EINPROGRESS)
		return nvme_wait_for(dev, -EIO, "Identify Controller failed (-4)");
	if (ret) {
		page_free(k->pages, pa, NVME_IDENTIFY_DATA_SIZE);
		nvme_ctrl_log(dev, "Identify Controller failed (%d)", ret);
		return -EIO;
	}
	u8 *id = malloc(NVME_IDENTIFY_DATA_SIZE);
	if (!id) {
		page_free(k->pages, pa, NVME_IDENTIFY_DATA_SIZE);
		return -ENOMEM;
	}
	guest_mem_read(kmem(k), pa, id, NVME_IDENTIFY_DATA_SIZE);
	page_free(k->pages, pa, NVME_IDENTIFY_DATA_SIZE);
	dev->mdts = id[77];
	dev->cmic = id[76];
	dev->oacs = (u16)get_le(id + 256, 2);
	dev->lpa = id[261];
	dev->nn = (u32)get_le(id + 516, 4);
	dev->oncs = (u16)get_le(id + 520, 2);
	dev->vwc = id[525];
	/* "missing or invalid SUBNQN field." when a 1.2.1+ controller has none */
	if (!id[768] && dev->vs >= 0x00010201)
		nvme_ctrl_log(dev, "missing or invalid SUBNQN field.");
	free(id);
	return 0;
}

/* the rest of nvme_init_identify(), and nvme_init_non_mdts_limits() */
int nvme_init_identify(struct nvme_dev *dev)
{
	struct kernel *k = dev->k;
	u8 sqe[NVME_SQE_SIZE];
	int ret;
	u8 mdts = dev->mdts;
	/* nvme_mps_to_sectors(): MDTS in controller pages */
	u32 max_hw = mdts ? 1u << (mdts + NVME_CTRL_PAGE_SHIFT - SECTOR_SHIFT) : UINT32_MAX;
	dev->max_hw_sectors = dev->max_hw_sectors ? MIN(dev->max_hw_sectors, max_hw) : max_hw;
	/* the commands supported and effects log, when the controller has it */
	if (dev->lpa & (1u << 1)) {
		u64 lp = page_alloc(k->pages, 4096);
		if (!lp)
			return -ENOMEM;
		nvme_cmd_init(sqe, NVME_ADM_GET_LOG_PAGE, NVME_NSID_BROADCAST);
		put_le(sqe + 40, NVME_LOG_CMD_EFFECTS | (u32)((4096 / 4 - 1) & 0xffff) << 16, 4);
		ret = nvme_admin_cmd(dev, sqe, lp, 4096, DMA_FROM_DEVICE, NULL);
		if (ret == -EINPROGRESS)
			return nvme_wait_for(dev, -EINTR, NULL);
		page_free(k->pages, lp, 4096);
		if (ret)
			return ret < 0 ? ret : -EIO;
	}
	/* a controller with a timestamp feature gets the time (nvme_configure_timestamp) */
	if (dev->oncs & (1u << 6)) {
		u64 tp = page_alloc(k->pages, PAGE_SIZE);
		if (!tp)
			return -ENOMEM;
		u8 ts[8] = { 0 };
		put_le(ts, k->log.clock_ns / 1000000, 8);
		guest_mem_write(kmem(k), tp, ts, sizeof(ts));
		nvme_cmd_init(sqe, NVME_ADM_SET_FEATURES, 0);
		put_le(sqe + 40, NVME_FEAT_TIMESTAMP, 4);
		ret = nvme_admin_cmd(dev, sqe, tp, sizeof(ts), DMA_TO_DEVICE, NULL);
		if (ret == -EINPROGRESS)
			return nvme_wait_for(dev, -EINTR, NULL);
		page_free(k->pages, tp, PAGE_SIZE);
		if (ret)
			nvme_ctrl_log(dev, "Failed to configure timestamp (%d)", ret);
	}
	/* the NVM command set's own Identify Controller (vs >= 1.2.0) */
	if (dev->vs >= 0x00010200) {
		u64 cp = page_alloc(k->pages, NVME_IDENTIFY_DATA_SIZE);
		if (!cp)
			return -ENOMEM;
		identify_cmd(sqe, 0, NVME_ID_CNS_CS_CTRL);
		sqe[47] = 0;	/* NVM */
		ret = nvme_admin_cmd(dev, sqe, cp, NVME_IDENTIFY_DATA_SIZE, DMA_FROM_DEVICE, NULL);
		if (ret == -EINPROGRESS)
			return nvme_wait_for(dev, -EINTR, NULL);
		page_free(k->pages, cp, NVME_IDENTIFY_DATA_SIZE);
		if (ret < 0)
			return ret;
	}
	return 0;
}


/* nvme_set_queue_count(): how many I/O queue pairs the controller grants */
int nvme_set_queue_count(struct nvme_dev *dev, unsigned *count)
{
	u32 q = *count - 1, result = 0;
	u8 sqe[NVME_SQE_SIZE];
	nvme_cmd_init(sqe, NVME_ADM_SET_FEATURES, 0);
	put_le(sqe + 40, NVME_FEAT_NUM_QUEUES, 4);
	put_le(sqe + 44, q | q << 16, 4);
	int status = nvme_admin_cmd(dev, sqe, 0, 0, DMA_NONE, &result);
	if (status == -EINPROGRESS)
		return nvme_wait_for(dev, -EINTR, NULL);
	if (status < 0)
		return status;
	if (status > 0) {
		/* degraded: the admin queue only */
		nvme_ctrl_log(dev, "Could not set queue count (%d)", status);
		*count = 0;
		return 0;
	}
	unsigned granted = MIN(result & 0xffff, result >> 16) + 1;
	*count = MIN(*count, granted);
	return 0;
}


/* ---- namespaces ---- */

/*
 * nvme_update_ns_info() -> nvme_set_queue_limits() and the disk's own
 * limits (nvme_update_disk_info): with the I/O optimization fields
 * (NSFEAT bit 4) the physical block and minimum I/O are NPWG + 1 blocks, the
 * optimal I/O NOWS + 1 blocks
 */
static void nvme_ns_limits(struct nvme_dev *dev, struct nvme_ns *ns, const u8 *id)
{
	struct blk_limits *l = &ns->lim;
	memset(l, 0, sizeof(*l));
	u32 segs = dev->max_hw_sectors / (NVME_CTRL_PAGE_SIZE >> SECTOR_SHIFT) + 1;
	segs = dev->max_segments ? MIN(segs, dev->max_segments) : segs;
	l->max_hw_sectors = dev->max_hw_sectors;
	l->max_segments = MIN(segs, 0xffffu);
	/* blk_queue_virt_boundary(): no segment size limit besides the boundary */
	l->max_segment_size = UINT32_MAX;
	l->seg_boundary_mask = BLK_SEG_BOUNDARY_MASK;
	const struct drivers_version *v = kernel_version(dev->k)->drivers;
	u32 bs = 1u << ns->lba_shift, phys_bs = bs, io_opt = 0, nows = (u32)get_le(id + 72, 2);
	if (id[24] & (1u << 4)) {
		phys_bs = bs * (1 + (u32)get_le(id + 64, 2));
		if (nows || !v->nvme_io_opt_needs_nows)
			io_opt = bs * (1 + nows);
	}
	l->logical_block_size = bs;
	l->physical_block_size = phys_bs;
	if (v->nvme_atomic_write_limits) {
		/*
		 * nvme_configure_atomic_write(): the physical block is at most
		 * the namespace's atomic write unit (NAWUPF + 1 blocks with
		 * NSFEAT bit 1, else one block; none with a boundary offset NABO)
		 */
		u32 nawupf = (u32)get_le(id + 36, 2), atomic_bs = bs;
		if (!get_le(id + 42, 2) && (id[24] & (1u << 1)) && nawupf)
			atomic_bs = (1 + nawupf) * bs;
		l->physical_block_size = MIN(phys_bs, atomic_bs);
	}
	l->io_min = phys_bs;
	l->io_opt = io_opt;
	l->max_sectors = blk_default_max_sectors(dev->k, dev->max_hw_sectors, l->io_min, l->io_opt);
}

/*
 * nvme_pci_map_queues() -> blk_mq_pci_map_queues(): each I/O queue takes the
 * CPUs of its vector's managed affinity (the admin vector a pre-vector);
 * with one shared vector, blk_mq_map_queues()
 */
static void nvme_map_queues(struct nvme_dev *dev, struct nvme_ns *ns)
{
	unsigned ncpu = MIN(dev->k->nr_cpu_ids, (unsigned)CPUMASK_BITS), nq = ns->nr_hw_queues;
	struct cpumask *masks = dev->num_vecs > 1 ? calloc(dev->num_vecs, sizeof(*masks)) : NULL;
	const struct cpumask **aff = calloc(nq ? nq : 1, sizeof(*aff));
	if (masks && aff && !irq_create_affinity_masks(dev->num_vecs, 1, ncpu, masks))
		for (unsigned q = 0; q < nq && q + 1 < dev->num_vecs; q++)
			aff[q] = &masks[q + 1];
	if (aff)
		blk_mq_virtio_map_queues_of(dev->k, ns->mq_map, ncpu, nq, aff);
	else
		blk_mq_map_queues_of(dev->k, ns->mq_map, ncpu, nq);
	free(masks);
	free(aff);
}

/* nvme_scan_ns(): the descriptors, Identify Namespace, the disk */
static int nvme_scan_ns(struct nvme_dev *dev, u32 nsid)
{
	struct kernel *k = dev->k;
	u64 pa = page_alloc(k->pages, NVME_IDENTIFY_DATA_SIZE);
	if (!pa)
		return -ENOMEM;
	u8 sqe[NVME_SQE_SIZE];
	int ret = 0;
	/* Namespace Identification Descriptors, for 1.3+ controllers without the quirk that forbids them */
	if (dev->vs >= 0x00010300) {
		identify_cmd(sqe, nsid, NVME_ID_CNS_NS_DESC_LIST);
		ret = nvme_admin_cmd(dev, sqe, pa, NVME_IDENTIFY_DATA_SIZE, DMA_FROM_DEVICE, NULL);
		if (ret == -EINPROGRESS)
			return nvme_wait_for(dev, 0, NULL);
	}
	identify_cmd(sqe, nsid, NVME_ID_CNS_NS);
	ret = nvme_admin_cmd(dev, sqe, pa, NVME_IDENTIFY_DATA_SIZE, DMA_FROM_DEVICE, NULL);
	if (ret == -EINPROGRESS)
		return nvme_wait_for(dev, 0, NULL);
	u8 *id = malloc(NVME_IDENTIFY_DATA_SIZE);
	if (ret || !id) {
		free(id);
		page_free(k->pages, pa, NVME_IDENTIFY_DATA_SIZE);
		return ret ? 0 : -ENOMEM;
	}
	guest_mem_read(kmem(k), pa, id, NVME_IDENTIFY_DATA_SIZE);
	page_free(k->pages, pa, NVME_IDENTIFY_DATA_SIZE);
	u64 nsze = get_le(id, 8);
	if (!nsze) {
		/* an inactive namespace */
		free(id);
		return 0;
	}
	/* nvme_ns_info_from_identify(): QEMU's identifiers are not unique, the quirk drops them */
	if (dev->quirks & NVME_QUIRK_BOGUS_NID)
		nvme_ctrl_log(dev, "Ignoring bogus Namespace Identifiers");
	struct nvme_ns *nsa = realloc(dev->ns, (dev->nns + 1) * sizeof(*nsa));
	if (!nsa) {
		free(id);
		return -ENOMEM;
	}
	dev->ns = nsa;
	struct nvme_ns *ns = &dev->ns[dev->nns];
	memset(ns, 0, sizeof(*ns));
	ns->ctrl = dev;
	ns->nsid = nsid;
	unsigned lbaf = id[26] & 0xf;
	ns->lba_shift = id[128 + 4 * lbaf + 2];
	if (ns->lba_shift < 9)
		ns->lba_shift = 9;
	ns->capacity = nsze << (ns->lba_shift - SECTOR_SHIFT);
	ns->ro = id[99] & 1;
	ns->writeback = dev->vwc & 1;
	/* the subsystem's namespace ida: the first namespace is 1 */
	ns->head_instance = (int)dev->nns + 1;
	/* nvme_mpath_set_disk_name() for a private namespace: nvme<ctrl>n<head> */
	snprintf(ns->disk_name, sizeof(ns->disk_name), "nvme%dn%d", dev->instance, ns->head_instance);
	/*
	 * nvme_mpath_alloc_disk() (CONFIG_NVME_MULTIPATH=y, multipath=Y, both
	 * kernels): a head disk when the subsystem may have several controllers
	 * (CMIC bit 1: QEMU gives every controller a subsystem of its own from
	 * 9.x on); each controller is then its subsystem's only one, the
	 * subsystem numbered as the controller
	 */
	ns->ctrl_instance = dev->instance;
	ns->mpath_head = dev->cmic & NVME_CTRL_CMIC_MULTI_CTRL;
	if (ns->mpath_head)
		snprintf(ns->path_name, sizeof(ns->path_name), "nvme%dc%dn%d", dev->instance, dev->instance,
			 ns->head_instance);
	ns->nr_hw_queues = dev->io_queues;
	/* the tag set: min(q_depth, BLK_MQ_MAX_DEPTH) - 1; mq-deadline only on a single queue */
	ns->queue_depth = MIN(dev->q_depth, 10240u) - 1;
	ns->nr_requests = blk_mq_nr_requests_of(dev->k, ns->queue_depth, ns->nr_hw_queues);
	nvme_map_queues(dev, ns);
	nvme_ns_limits(dev, ns, id);
	free(id);
	dev->nns++;
	return 0;
}

/* nvme_scan_work() -> nvme_scan_ns_list(): the active namespaces, in order */
int nvme_scan(struct nvme_dev *dev)
{
	struct kernel *k = dev->k;
	u64 pa = page_alloc(k->pages, NVME_IDENTIFY_DATA_SIZE);
	if (!pa)
		return -ENOMEM;
	u8 sqe[NVME_SQE_SIZE];
	identify_cmd(sqe, 0, NVME_ID_CNS_NS_ACTIVE_LIST);
	int ret = nvme_admin_cmd(dev, sqe, pa, NVME_IDENTIFY_DATA_SIZE, DMA_FROM_DEVICE, NULL);
	if (ret == -EINPROGRESS)
		return nvme_wait_for(dev, 0, NULL);
	u8 *list = malloc(NVME_IDENTIFY_DATA_SIZE);
	if (!ret && list)
		guest_mem_read(kmem(k), pa, list, NVME_IDENTIFY_DATA_SIZE);
	page_free(k->pages, pa, NVME_IDENTIFY_DATA_SIZE);
	for (unsigned i = 0; !ret && list && i < NVME_IDENTIFY_DATA_SIZE / 4; i++) {
		u32 nsid = (u32)get_le(list + 4 * i, 4);
		if (!nsid)
			break;
		ret = nvme_scan_ns(dev, nsid);
	}
	free(list);
	return ret == -EINPROGRESS ? ret : 0;
}



/* ---- disks ---- */

size_t nvme_ns_list(struct kernel *k, struct nvme_ns **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *d = k->devices[i];
		if (d->driver != &nvme_driver.driver || !d->drvdata)
			continue;
		struct nvme_dev *dev = d->drvdata;
		for (unsigned j = 0; j < dev->nns; j++, n++)
			if (n < max)
				out[n] = &dev->ns[j];
	}
	return n;
}

struct nvme_ns *nvme_ns_find(struct kernel *k, const char *name)
{
	struct nvme_ns *all[64];
	size_t n = MIN(nvme_ns_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(all[i]->disk_name, name))
			return all[i];
	return NULL;
}

struct nvme_ns *nvme_ns_of_device(struct device *dev)
{
	if (!dev || dev->driver != &nvme_driver.driver || !dev->drvdata)
		return NULL;
	struct nvme_dev *n = dev->drvdata;
	return n->nns ? &n->ns[0] : NULL;
}

struct device *nvme_ns_device(const struct nvme_ns *ns)
{
	return &ns->ctrl->pdev->dev;
}

const char *nvme_ns_ctrl_name(const struct nvme_ns *ns)
{
	return ns->ctrl->name;
}

