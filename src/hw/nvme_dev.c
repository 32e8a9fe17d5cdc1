/*
 * QEMU 7.2's NVMe controller: registers, the enable handshake, queues
 * processed when their doorbells are written, admin and NVM commands with
 * QEMU's checks and status codes, PRPs, completions and their interrupts.
 * Every guest-memory access is the function's own bus-master DMA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/nvme_dev.h"
#include "hw/nvme_hw_version.h"
#include "hw/system.h"
#include "machine/qemu_version.h"
#include "hw/gic.h"
#include "hw/pci_irq.h"
#include "hw/pci_msix.h"
#include "hw/pci_rid.h"
#include "base/le_bytes.h"

#define NVME_MAX_IOQPAIRS 0xffff
#define NVME_AERL_MAX 7

/* strpadcpy(): the text, then spaces to the field's width */
static void pad_copy(u8 *dst, size_t width, const char *s)
{
	size_t n = strlen(s);
	memset(dst, ' ', width);
	memcpy(dst, s, MIN(n, width));
}

int nvme_hw_check_props(const struct nvme_hw_props *p, char *err, size_t errlen)
{
	if (!p->serial) {
		snprintf(err, errlen, "serial property not set");
		return -EINVAL;
	}
	if (p->max_ioqpairs < 1 || p->max_ioqpairs > NVME_MAX_IOQPAIRS) {
		snprintf(err, errlen, "max_ioqpairs must be between 1 and %d", NVME_MAX_IOQPAIRS);
		return -EINVAL;
	}
	if (p->msix_qsize < 1 || p->msix_qsize > HW_MSIX_MAX_VECTORS) {
		snprintf(err, errlen, "msix_qsize must be between 1 and %d", HW_MSIX_MAX_VECTORS);
		return -EINVAL;
	}
	if (p->aerl > NVME_AERL_MAX) {
		snprintf(err, errlen, "aerl property must be between 0 and %d", NVME_AERL_MAX);
		return -EINVAL;
	}
	return 0;
}

struct nvme_hw_props *nvme_hw_props_dup(const struct nvme_hw_props *p)
{
	struct nvme_hw_props *c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	*c = *p;
	c->serial = p->serial ? strdup(p->serial) : NULL;
	c->drive_file = p->drive_file ? strdup(p->drive_file) : NULL;
	if ((p->serial && !c->serial) || (p->drive_file && !c->drive_file)) {
		nvme_hw_props_free(c);
		return NULL;
	}
	return c;
}

void nvme_hw_props_free(struct nvme_hw_props *p)
{
	if (!p)
		return;
	free((char *)p->serial);
	free((char *)p->drive_file);
	free(p);
}

struct nvme_ctrl_hw *hw_nvme_device(const struct hw_system *sys, const struct hw_pci_fn *fn)
{
	for (size_t i = 0; sys && fn && i < sys->nnvme; i++)
		if (sys->nvme[i]->fn == fn)
			return sys->nvme[i];
	return NULL;
}

u64 nvme_hw_bar0_size(const struct nvme_hw_props *p)
{
	/* nvme_bar_size(): registers, doorbells of every queue pair, MSI-X table, PBA, 4K aligned each */
	u64 size = ALIGN_UP(NVME_REG_DBS + 2ull * 4 * (p->max_ioqpairs + 1), 4096);
	size = ALIGN_UP(size + (u64)p->msix_qsize * 16, 4096);
	size = ALIGN_UP(size + ((p->msix_qsize + 63ull) / 64) * 8, 4096);
	u64 pow2 = 1;
	while (pow2 < size)
		pow2 <<= 1;
	return pow2;
}

static u64 msix_table_offset(const struct nvme_ctrl_hw *n)
{
	return ALIGN_UP(NVME_REG_DBS + 2ull * 4 * n->nqueues, 4096);
}

static u64 msix_pba_offset(const struct nvme_ctrl_hw *n)
{
	return ALIGN_UP(msix_table_offset(n) + (u64)n->props.msix_qsize * 16, 4096);
}

/* nvme_init_ctrl(): the Identify Controller data QEMU builds */
static void init_id_ctrl(struct nvme_ctrl_hw *n)
{
	u8 *id = n->id_ctrl;
	const struct hw_pci_fn *fn = n->fn;
	put_le(id + 0, fn ? fn->vendor : NVME_PCI_VENDOR, 2);		/* vid */
	put_le(id + 2, fn ? fn->subsystem_vendor : 0x1af4, 2);		/* ssvid */
	pad_copy(id + 4, 20, n->props.serial);				/* sn */
	pad_copy(id + 24, 40, "QEMU NVMe Ctrl");			/* mn */
	pad_copy(id + 64, 8, "1.0");					/* fr */
	id[72] = 6;							/* rab */
	id[73] = 0x00, id[74] = 0x54, id[75] = 0x52;			/* ieee: 52:54:00 */
	if (n->sys && n->sys->qemu && n->sys->qemu->nvme->cmic_multi_ctrl)
		id[76] = 1u << 1;					/* cmic: multi-controller */
	id[77] = n->props.mdts;						/* mdts */
	put_le(id + 80, NVME_SPEC_VER, 4);				/* ver */
	put_le(id + 92, 1u << 8, 4);					/* oaes: namespace attribute notices */
	put_le(id + 96, 1u << 15, 4);					/* ctratt: extended LBA formats */
	id[111] = 1;							/* cntrltype: I/O controller */
	put_le(id + 256, 1u << 1 | 1u << 3, 2);				/* oacs: format, ns management */
	id[258] = 3;							/* acl */
	id[259] = n->props.aerl;					/* aerl */
	id[260] = 1u << 1 | 1u << 0 | 1u << 4;				/* frmw: slot 1 read-only, 1 slot */
	id[261] = 1u << 0 | 1u << 1 | 1u << 2;				/* lpa: per-ns SMART, effects log, extended */
	put_le(id + 266, 0x0157, 2);					/* wctemp */
	put_le(id + 268, 0x0175, 2);					/* cctemp */
	id[512] = (6 << 4) | 6;						/* sqes */
	id[513] = (4 << 4) | 4;						/* cqes */
	put_le(id + 516, NVME_MAX_NAMESPACES, 4);			/* nn */
	/* oncs: compare, write zeroes, DSM, features save/select, timestamp, copy */
	put_le(id + 520, 1u << 0 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 6 | 1u << 8, 2);
	id[525] = 1u << 0 | 1u << 1 | 1u << 2;				/* vwc: present, NSID broadcast */
	put_le(id + 536, 1u << 0 | 1u << 16, 4);			/* sgls (not offered to Linux: no SGL use here) */
	char nqn[256];
	snprintf(nqn, sizeof(nqn), "nqn.2019-08.org.qemu:%s", n->props.serial);
	memcpy(id + 768, nqn, MIN(strlen(nqn), (size_t)255));		/* subnqn */
	put_le(id + 2048, 0x9c4, 2);					/* psd[0].mp */
	put_le(id + 2052, 0x10, 4);					/* psd[0].enlat */
	put_le(id + 2056, 0x4, 4);					/* psd[0].exlat */
}

/* nvme_ns_init(): namespace 1 over the drive, LBA formats 0-7, the one in use by block size */
static void init_id_ns(struct nvme_ctrl_hw *n)
{
	u8 *id = n->id_ns;
	u32 lbs = n->props.logical_block_size;
	u64 nlbas = n->be.total_sectors * BDRV_SECTOR_SIZE / lbs;
	put_le(id + 0, nlbas, 8);		/* nsze */
	put_le(id + 8, nlbas, 8);		/* ncap */
	put_le(id + 16, nlbas, 8);		/* nuse */
	id[24] = 1u << 2 | 1u << 4;		/* nsfeat: deallocated blocks, optimal performance fields */
	unsigned ds = 0;
	while ((1u << ds) < lbs)
		ds++;
	/* the eight standard formats; another block size is a ninth (nvme_ns_init) */
	id[25] = ds == 9 || ds == 12 ? 7 : 8;	/* nlbaf, 0's based */
	id[26] = ds == 9 ? 0 : ds == 12 ? 4 : 8;	/* flbas */
	id[27] = 0x3;				/* mc */
	id[28] = 0x1f;				/* dpc */
	id[33] = 1u << 3;			/* dlfeat: deallocated blocks read as zeros */
	/* npwg, npwa, npdg, npda, nows: 0-based counts of logical blocks */
	put_le(id + 64, 0, 2);
	static const struct { u16 ms; u8 ds; } lbaf[8] = {
		{ 0, 9 }, { 8, 9 }, { 16, 9 }, { 64, 9 }, { 0, 12 }, { 8, 12 }, { 16, 12 }, { 64, 12 },
	};
	for (int i = 0; i < 8; i++) {
		put_le(id + 128 + 4 * i, lbaf[i].ms, 2);
		id[128 + 4 * i + 2] = lbaf[i].ds;
	}
	if (id[25] == 8)
		id[128 + 4 * 8 + 2] = (u8)ds;
	/* nsattr stays 0 on a read-only drive: QEMU 7.2 fails the writes instead (Write Fault) */
}

/* msi_send_message(): a 32-bit bus-master write of the entry's data, through the SMMU */
static int nvme_msi_send(void *opaque, u64 addr, u32 data)
{
	struct nvme_ctrl_hw *n = opaque;
	u8 b[4] = { (u8)data, (u8)(data >> 8), (u8)(data >> 16), (u8)(data >> 24) };
	if (!n->sys || !n->fn)
		return -EFAULT;
	return hw_pci_dma(n->sys, n->fn, addr, b, sizeof(b), true, false) ? -EFAULT : 0;
}

struct nvme_ctrl_hw *nvme_hw_new(struct hw_system *sys, struct hw_pci_fn *fn, const struct nvme_hw_props *p,
				 char *err, size_t errlen)
{
	if (nvme_hw_check_props(p, err, errlen))
		return NULL;
	struct nvme_ctrl_hw *n = calloc(1, sizeof(*n));
	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->sys = sys;
	n->fn = fn;
	n->props = *p;
	n->nqueues = p->max_ioqpairs + 1;
	n->sq = calloc(n->nqueues, sizeof(*n->sq));
	n->cq = calloc(n->nqueues, sizeof(*n->cq));
	if (!n->sq || !n->cq) {
		snprintf(err, errlen, "out of memory");
		nvme_hw_free(n);
		return NULL;
	}
	if (p->drive_file) {
		if (blk_backend_open(&n->be, p->drive_file, p->drive_readonly, p->drive_snapshot, err, errlen)) {
			nvme_hw_free(n);
			return NULL;
		}
		n->has_ns = true;
	}
	/* CAP: MQES 0x7ff, CQR, TO 0xf (7.5 s), NVM + I/O command sets + admin only, MPSMAX 4 (64K) */
	n->cap = 0x7ffull | 1ull << 16 | 0xfull << 24 | (1ull << 0 | 1ull << 6 | 1ull << 7) << 37 | 4ull << 52;
	n->vs = NVME_SPEC_VER;
	n->vwc = true;
	init_id_ctrl(n);
	if (n->has_ns)
		init_id_ns(n);
	if (fn && fn->msix)
		hw_msix_set_sender(fn->msix, nvme_msi_send, n);
	return n;
}

static void cq_free_pending(struct nvme_hw_cq *cq)
{
	free(cq->pending);
	cq->pending = NULL;
	cq->npending = 0;
}

/* nvme_ctrl_reset(): every queue gone, the admin ones too; registers but CAP/VS/AQA/ASQ/ACQ cleared */
static void ctrl_reset(struct nvme_ctrl_hw *n)
{
	struct hw_msix *m = n->fn ? n->fn->msix : NULL;
	for (unsigned q = 0; q < n->nqueues; q++) {
		if (n->cq[q].valid && m)
			hw_msix_vector_unuse(m, n->cq[q].vector);
		cq_free_pending(&n->cq[q]);
		memset(&n->cq[q], 0, sizeof(n->cq[q]));
		memset(&n->sq[q], 0, sizeof(n->sq[q]));
	}
	n->outstanding_aers = 0;
	n->qs_created = false;
	n->irq_status = 0;
	n->intms = 0;
}

void nvme_hw_function_reset(struct nvme_ctrl_hw *n)
{
	if (!n)
		return;
	ctrl_reset(n);
	/* nvme_ctrl_reset() of a function reset: CC, CSTS and the interrupt masks back to 0 */
	n->cc = 0;
	n->csts = 0;
}

void nvme_hw_free(struct nvme_ctrl_hw *n)
{
	if (!n)
		return;
	if (n->sq && n->cq)
		ctrl_reset(n);
	if (n->fn && n->fn->msix && n->fn->msix->send_opaque == n)
		hw_msix_set_sender(n->fn->msix, NULL, NULL);
	blk_backend_close(&n->be);
	free(n->sq);
	free(n->cq);
	free(n);
}

/* ---- DMA and interrupts ---- */

static int dma(struct nvme_ctrl_hw *n, u64 addr, void *buf, size_t len, bool write)
{
	if (!len)
		return 0;
	int ret = n->sys && n->fn ? hw_pci_dma(n->sys, n->fn, addr, buf, len, write, false) : -ENODEV;
	if (ret) {
		n->stats.dma_faults++;
		return -EFAULT;
	}
	return 0;
}

static void guest_error(struct nvme_ctrl_hw *n, const char *what)
{
	snprintf(n->error, sizeof(n->error), "%s", what);
}

/* the controller fatal status: it stops processing until reset */
static void fatal(struct nvme_ctrl_hw *n, const char *what)
{
	guest_error(n, what);
	n->csts |= NVME_CSTS_CFS;
}

/* nvme_irq_assert(): MSI-X when enabled, else the pin unless INTMS masks the vector */
static void irq_assert(struct nvme_ctrl_hw *n, struct nvme_hw_cq *cq)
{
	if (!cq->irq_enabled)
		return;
	struct hw_msix *m = n->fn ? n->fn->msix : NULL;
	n->stats.irqs++;
	if (hw_msix_enabled(m)) {
		if (hw_msix_notify(m, cq->vector) == -EFAULT)
			n->stats.msi_faulted++;
		return;
	}
	if (cq->vector >= 32)
		return;
	n->irq_status |= 1u << cq->vector;
	u32 intid = n->fn ? hw_pci_intx_intid(n->fn) : 0;
	if ((n->irq_status & ~n->intms) && intid && n->sys && n->sys->gic)
		hw_gic_raise_spi(n->sys->gic, intid);
}

static bool cq_full(const struct nvme_hw_cq *cq)
{
	return (cq->tail + 1) % cq->size == cq->head;
}

/* nvme_post_cqes(): write what fits, then interrupt */
static void post_cqes(struct nvme_ctrl_hw *n, struct nvme_hw_cq *cq)
{
	size_t done = 0;
	while (done < cq->npending && !cq_full(cq) && !(n->csts & NVME_CSTS_CFS)) {
		u8 *cqe = cq->pending[done];
		u16 status = (u16)get_le(cqe + 14, 2);
		put_le(cqe + 14, (status & ~1u) | (cq->phase ? 1 : 0), 2);
		if (dma(n, cq->dma_addr + (u64)cq->tail * NVME_CQE_SIZE, cqe, NVME_CQE_SIZE, true)) {
			fatal(n, "completion queue entry write faulted");
			break;
		}
		n->stats.cqes++;
		if (++cq->tail == cq->size) {
			cq->tail = 0;
			cq->phase = !cq->phase;
		}
		done++;
	}
	memmove(cq->pending, cq->pending + done, (cq->npending - done) * NVME_CQE_SIZE);
	cq->npending -= done;
	if (done && cq->tail != cq->head)
		irq_assert(n, cq);
}

/* queue a completion on the SQ's CQ: result (DW0), sq head, sq id, cid, status */
static void complete(struct nvme_ctrl_hw *n, unsigned sqid, u16 cid, u16 status, u32 result)
{
	struct nvme_hw_sq *sq = &n->sq[sqid];
	struct nvme_hw_cq *cq = &n->cq[sq->cqid];
	if (!cq->valid)
		return;
	u8 (*p)[NVME_CQE_SIZE] = realloc(cq->pending, (cq->npending + 1) * NVME_CQE_SIZE);
	if (!p)
		return;
	cq->pending = p;
	u8 *cqe = cq->pending[cq->npending++];
	memset(cqe, 0, NVME_CQE_SIZE);
	put_le(cqe + 0, result, 4);
	put_le(cqe + 8, sq->head, 2);
	put_le(cqe + 10, sqid, 2);
	put_le(cqe + 12, cid, 2);
	put_le(cqe + 14, (u32)status << 1, 2);
	post_cqes(n, cq);
}

/* ---- PRPs (nvme_map_prp) ---- */

struct prp_seg {
	u64 addr;
	u32 len;
};

/* 0 and the segments, or an NVMe status */
static u16 map_prp(struct nvme_ctrl_hw *n, u64 prp1, u64 prp2, u64 len, struct prp_seg **out, size_t *nout)
{
	u32 ps = n->page_size;
	size_t max = (size_t)(len / ps) + 2, cnt = 0;
	struct prp_seg *seg = calloc(max, sizeof(*seg));
	u64 *list = calloc(ps / 8, sizeof(*list));
	u16 status = NVME_SC_SUCCESS;
	if (!seg || !list) {
		status = NVME_SC_DATA_XFER_ERROR;
		goto out;
	}
	u64 trans = MIN(len, ps - (prp1 % ps));
	seg[cnt++] = (struct prp_seg){ prp1, (u32)trans };
	len -= trans;
	if (len && len <= ps) {
		if (prp2 & (ps - 1)) {
			status = NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
			goto out;
		}
		seg[cnt++] = (struct prp_seg){ prp2, (u32)len };
		len = 0;
	} else if (len) {
		size_t nents = (ps - (prp2 & (ps - 1))) >> 3, i = 0;
		u8 raw[8];
		for (size_t j = 0; j < nents; j++) {
			if (dma(n, prp2 + 8 * j, raw, 8, false)) {
				status = NVME_SC_DATA_XFER_ERROR;
				goto out;
			}
			list[j] = get_le(raw, 8);
		}
		while (len) {
			u64 ent = list[i];
			if (i == nents - 1 && len > ps) {
				/* the last entry chains to the next list page */
				if (ent & (ps - 1)) {
					status = NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
					goto out;
				}
				i = 0;
				nents = MIN((size_t)((len + ps - 1) / ps), (size_t)(ps / 8));
				for (size_t j = 0; j < nents; j++) {
					if (dma(n, ent + 8 * j, raw, 8, false)) {
						status = NVME_SC_DATA_XFER_ERROR;
						goto out;
					}
					list[j] = get_le(raw, 8);
				}
				ent = list[0];
			}
			if (ent & (ps - 1)) {
				status = NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
				goto out;
			}
			u64 t = MIN(len, (u64)ps);
			if (cnt == max) {
				status = NVME_SC_DATA_XFER_ERROR;
				goto out;
			}
			seg[cnt++] = (struct prp_seg){ ent, (u32)t };
			len -= t;
			i++;
		}
	}
out:
	free(list);
	if (status) {
		free(seg);
		return status;
	}
	*out = seg;
	*nout = cnt;
	return 0;
}

/* the data phase: 0, or -EFAULT at the first segment that faults */
static int prp_transfer(struct nvme_ctrl_hw *n, const struct prp_seg *seg, size_t nseg, u8 *buf, bool to_host)
{
	for (size_t i = 0; i < nseg; i++) {
		if (dma(n, seg[i].addr, buf, seg[i].len, to_host))
			return -EFAULT;
		buf += seg[i].len;
	}
	return 0;
}

/* nvme_c2h(): an admin command's data to the host; a fault is Invalid Field */
static u16 c2h(struct nvme_ctrl_hw *n, const u8 *sqe, const void *data, u32 len)
{
	struct prp_seg *seg;
	size_t nseg;
	u16 st = map_prp(n, get_le(sqe + 24, 8), get_le(sqe + 32, 8), len, &seg, &nseg);
	if (st)
		return st;
	int ret = prp_transfer(n, seg, nseg, (u8 *)data, true);
	free(seg);
	return ret ? NVME_SC_INVALID_FIELD | NVME_SC_DNR : NVME_SC_SUCCESS;
}

/* ---- admin commands ---- */

static u16 identify(struct nvme_ctrl_hw *n, const u8 *sqe)
{
	u32 nsid = (u32)get_le(sqe + 4, 4);
	u8 cns = sqe[40];
	u8 csi = sqe[47];
	u8 *buf = calloc(1, NVME_IDENTIFY_DATA_SIZE);
	if (!buf)
		return NVME_SC_DATA_XFER_ERROR;
	u16 st = NVME_SC_SUCCESS;
	switch (cns) {
	case NVME_ID_CNS_NS:
		if (!nsid || (nsid > NVME_MAX_NAMESPACES && nsid != NVME_NSID_BROADCAST)) {
			st = NVME_SC_INVALID_NS | NVME_SC_DNR;
			break;
		}
		/* an inactive namespace: zeros */
		if (nsid == 1 && n->has_ns)
			memcpy(buf, n->id_ns, NVME_IDENTIFY_DATA_SIZE);
		break;
	case NVME_ID_CNS_CTRL:
		memcpy(buf, n->id_ctrl, NVME_IDENTIFY_DATA_SIZE);
		break;
	case NVME_ID_CNS_NS_ACTIVE_LIST:
		/* nsid 0xfffffffe and up are invalid; list the active ones above nsid */
		if (nsid >= NVME_NSID_BROADCAST - 1) {
			st = NVME_SC_INVALID_NS | NVME_SC_DNR;
			break;
		}
		if (n->has_ns && nsid < 1)
			put_le(buf, 1, 4);
		break;
	case NVME_ID_CNS_NS_DESC_LIST: {
		if (!nsid || nsid > NVME_MAX_NAMESPACES) {
			st = NVME_SC_INVALID_NS | NVME_SC_DNR;
			break;
		}
		if (nsid != 1 || !n->has_ns) {
			st = NVME_SC_INVALID_FIELD | NVME_SC_DNR;
			break;
		}
		/* UUID, EUI-64 (virt-6.1 and later: eui64-default) and the command set */
		u8 *d = buf;
		d[0] = 3, d[1] = 16;
		for (int i = 0; i < 16; i++)
			d[4 + i] = (u8)(0x5a ^ (i * 17) ^ (u8)n->props.serial[i % (strlen(n->props.serial) ? strlen(n->props.serial) : 1)]);
		d += 20;
		d[0] = 1, d[1] = 8;
		put_le(d + 4, 0x525400000000ull + 1, 8);
		d += 12;
		d[0] = 4, d[1] = 1;
		d[4] = 0;	/* NVM */
		break;
	}
	case NVME_ID_CNS_CS_CTRL:
		/* NVM command set: vsl 7, dmrsl from the drive's largest request */
		if (csi != 0) {
			st = NVME_SC_INVALID_FIELD | NVME_SC_DNR;
			break;
		}
		buf[0] = 7;
		if (n->has_ns)
			put_le(buf + 4, 0x7fffffffu / n->props.logical_block_size, 4);
		break;
	default:
		st = NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		break;
	}
	if (!st)
		st = c2h(n, sqe, buf, NVME_IDENTIFY_DATA_SIZE);
	free(buf);
	return st;
}

static u16 get_log_page(struct nvme_ctrl_hw *n, const u8 *sqe)
{
	u32 dw10 = (u32)get_le(sqe + 40, 4), dw11 = (u32)get_le(sqe + 44, 4);
	u8 lid = dw10 & 0xff;
	u32 numd = ((dw10 >> 16) | (dw11 & 0xffff) << 16) + 1;
	u64 off = get_le(sqe + 48, 8);
	u64 len = (u64)numd * 4;
	u8 log[4096] = { 0 };
	size_t size;
	switch (lid) {
	case NVME_LOG_ERROR:
		size = 64;
		break;
	case NVME_LOG_SMART:
		size = 512;
		put_le(log + 1, 0x0111, 2);	/* composite temperature, kelvin */
		log[3] = 100;			/* available spare */
		log[4] = 10;			/* threshold */
		break;
	case NVME_LOG_FW_SLOT:
		size = 512;
		log[0] = 1;
		pad_copy(log + 8, 8, "1.0");
		break;
	case NVME_LOG_CMD_EFFECTS: {
		size = 4096;
		/* admin commands supported, then the NVM ones (CSUPP, LBCC for writes) */
		static const u8 adm[] = { 0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0a, 0x0c };
		for (size_t i = 0; i < sizeof(adm); i++)
			put_le(log + 4 * adm[i], 1, 4);
		put_le(log + 1024 + 4 * NVME_CMD_FLUSH, 1, 4);
		put_le(log + 1024 + 4 * NVME_CMD_WRITE, 1 | 2, 4);
		put_le(log + 1024 + 4 * NVME_CMD_READ, 1, 4);
		break;
	}
	default:
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
	if (off > size)
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	u8 *buf = calloc(1, len);
	if (!buf)
		return NVME_SC_DATA_XFER_ERROR;
	memcpy(buf, log + off, MIN(len, size - off));
	u16 st = c2h(n, sqe, buf, (u32)len);
	free(buf);
	return st;
}

static u16 set_features(struct nvme_ctrl_hw *n, const u8 *sqe, u32 *result)
{
	u32 dw10 = (u32)get_le(sqe + 40, 4), dw11 = (u32)get_le(sqe + 44, 4);
	switch (dw10 & 0xff) {
	case NVME_FEAT_NUM_QUEUES:
		if (n->qs_created)
			return NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR;
		/* 0xffff is not an allowed count */
		if ((dw11 & 0xffff) == 0xffff || (dw11 >> 16) == 0xffff)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		*result = (n->props.max_ioqpairs - 1) | (n->props.max_ioqpairs - 1) << 16;
		return 0;
	case NVME_FEAT_ASYNC_EVENT:
		n->async_config = dw11;
		return 0;
	case NVME_FEAT_TIMESTAMP: {
		u8 ts[8] = { 0 };
		struct prp_seg *seg;
		size_t nseg;
		u16 st = map_prp(n, get_le(sqe + 24, 8), get_le(sqe + 32, 8), 8, &seg, &nseg);
		if (st)
			return st;
		int ret = prp_transfer(n, seg, nseg, ts, false);
		free(seg);
		if (ret)
			return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		n->timestamp = get_le(ts, 6);
		return 0;
	}
	case NVME_FEAT_VOLATILE_WC:
		n->vwc = dw11 & 1;
		return 0;
	default:
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
}

static u16 get_features(struct nvme_ctrl_hw *n, const u8 *sqe, u32 *result)
{
	u32 dw10 = (u32)get_le(sqe + 40, 4);
	switch (dw10 & 0xff) {
	case NVME_FEAT_NUM_QUEUES:
		*result = (n->props.max_ioqpairs - 1) | (n->props.max_ioqpairs - 1) << 16;
		return 0;
	case NVME_FEAT_ASYNC_EVENT:
		*result = n->async_config;
		return 0;
	case NVME_FEAT_VOLATILE_WC:
		*result = n->vwc;
		return 0;
	default:
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	}
}

static u16 create_cq(struct nvme_ctrl_hw *n, const u8 *sqe)
{
	u64 prp1 = get_le(sqe + 24, 8);
	u32 dw10 = (u32)get_le(sqe + 40, 4), dw11 = (u32)get_le(sqe + 44, 4);
	u16 cqid = dw10 & 0xffff, qsize = dw10 >> 16, flags = dw11 & 0xffff, vector = dw11 >> 16;
	struct hw_msix *m = n->fn ? n->fn->msix : NULL;
	if (!cqid || cqid > n->props.max_ioqpairs || n->cq[cqid].valid)
		return NVME_SC_QID_INVALID | NVME_SC_DNR;
	if (!qsize || qsize > NVME_CAP_MQES(n->cap))
		return NVME_SC_QUEUE_SIZE | NVME_SC_DNR;
	if (prp1 & (n->page_size - 1))
		return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
	if (!hw_msix_enabled(m) && vector)
		return NVME_SC_INVALID_VECTOR | NVME_SC_DNR;
	if (vector >= n->props.msix_qsize)
		return NVME_SC_INVALID_VECTOR | NVME_SC_DNR;
	if (!(flags & 1))	/* physically contiguous only */
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	n->cq[cqid] = (struct nvme_hw_cq){ .valid = true, .dma_addr = prp1, .size = (u32)qsize + 1,
					   .phase = true, .irq_enabled = flags & 2, .vector = vector };
	if (m)
		hw_msix_vector_use(m, vector);
	n->qs_created = true;
	return 0;
}

static u16 create_sq(struct nvme_ctrl_hw *n, const u8 *sqe)
{
	u64 prp1 = get_le(sqe + 24, 8);
	u32 dw10 = (u32)get_le(sqe + 40, 4), dw11 = (u32)get_le(sqe + 44, 4);
	u16 sqid = dw10 & 0xffff, qsize = dw10 >> 16, flags = dw11 & 0xffff, cqid = dw11 >> 16;
	if (!cqid || cqid >= n->nqueues || !n->cq[cqid].valid)
		return NVME_SC_CQ_INVALID | NVME_SC_DNR;
	if (!sqid || sqid > n->props.max_ioqpairs || n->sq[sqid].valid)
		return NVME_SC_QID_INVALID | NVME_SC_DNR;
	if (!qsize || qsize > NVME_CAP_MQES(n->cap))
		return NVME_SC_QUEUE_SIZE | NVME_SC_DNR;
	if (prp1 & (n->page_size - 1))
		return NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR;
	if (!(flags & 1))
		return NVME_SC_INVALID_FIELD | NVME_SC_DNR;
	n->sq[sqid] = (struct nvme_hw_sq){ .valid = true, .dma_addr = prp1, .size = (u32)qsize + 1, .cqid = cqid };
	return 0;
}

static u16 delete_sq(struct nvme_ctrl_hw *n, const u8 *sqe)
{
	u16 qid = (u16)get_le(sqe + 40, 2);
	if (!qid || qid >= n->nqueues || !n->sq[qid].valid)
		return NVME_SC_QID_INVALID | NVME_SC_DNR;
	memset(&n->sq[qid], 0, sizeof(n->sq[qid]));
	return 0;
}

static u16 delete_cq(struct nvme_ctrl_hw *n, const u8 *sqe)
{
	u16 qid = (u16)get_le(sqe + 40, 2);
	if (!qid || qid >= n->nqueues || !n->cq[qid].valid)
		return NVME_SC_CQ_INVALID | NVME_SC_DNR;
	for (unsigned q = 1; q < n->nqueues; q++)
		if (n->sq[q].valid && n->sq[q].cqid == qid)
			return NVME_SC_INVALID_QUEUE_DEL | NVME_SC_DNR;
	struct hw_msix *m = n->fn ? n->fn->msix : NULL;
	if (m)
		hw_msix_vector_unuse(m, n->cq[qid].vector);
	n->irq_status &= ~(1u << (n->cq[qid].vector & 31));
	cq_free_pending(&n->cq[qid]);
	memset(&n->cq[qid], 0, sizeof(n->cq[qid]));
	return 0;
}

/* 1: the command completes later (or never), else its status in *status */
static int admin_cmd(struct nvme_ctrl_hw *n, const u8 *sqe, u16 *status, u32 *result)
{
	n->stats.admin_cmds++;
	switch (sqe[0]) {
	case NVME_ADM_DELETE_SQ:
		*status = delete_sq(n, sqe);
		return 0;
	case NVME_ADM_CREATE_SQ:
		*status = create_sq(n, sqe);
		return 0;
	case NVME_ADM_GET_LOG_PAGE:
		*status = get_log_page(n, sqe);
		return 0;
	case NVME_ADM_DELETE_CQ:
		*status = delete_cq(n, sqe);
		return 0;
	case NVME_ADM_CREATE_CQ:
		*status = create_cq(n, sqe);
		return 0;
	case NVME_ADM_IDENTIFY:
		*status = identify(n, sqe);
		return 0;
	case NVME_ADM_ABORT:
		/* QEMU aborts nothing: bit 0 of DW0 set, "not aborted" */
		*result = 1;
		*status = 0;
		return 0;
	case NVME_ADM_SET_FEATURES:
		*status = set_features(n, sqe, result);
		return 0;
	case NVME_ADM_GET_FEATURES:
		*status = get_features(n, sqe, result);
		return 0;
	case NVME_ADM_ASYNC_EV_REQ:
		if (n->outstanding_aers > n->props.aerl) {
			*status = NVME_SC_ASYNC_LIMIT | NVME_SC_DNR;
			return 0;
		}
		/* held until an event: none is ever generated here */
		n->aer_cids[n->outstanding_aers++ % ARRAY_SIZE(n->aer_cids)] = (u16)get_le(sqe + 2, 2);
		return 1;
	default:
		*status = NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
		return 0;
	}
}

/* ---- NVM commands ---- */

static int io_cmd(struct nvme_ctrl_hw *n, const u8 *sqe, u16 *status)
{
	n->stats.io_cmds++;
	u32 nsid = (u32)get_le(sqe + 4, 4);
	u8 opc = sqe[0];
	if (opc == NVME_CMD_FLUSH && nsid == NVME_NSID_BROADCAST) {
		blk_backend_flush(&n->be);
		*status = 0;
		return 0;
	}
	if (!nsid || (nsid > NVME_MAX_NAMESPACES)) {
		*status = NVME_SC_INVALID_NS | NVME_SC_DNR;
		return 0;
	}
	if (nsid != 1 || !n->has_ns) {
		*status = NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		return 0;
	}
	if (opc == NVME_CMD_FLUSH) {
		blk_backend_flush(&n->be);
		*status = 0;
		return 0;
	}
	if (opc != NVME_CMD_READ && opc != NVME_CMD_WRITE) {
		*status = NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
		return 0;
	}
	bool write = opc == NVME_CMD_WRITE;
	u64 slba = get_le(sqe + 40, 8);
	u32 nlb = (u32)(get_le(sqe + 48, 2)) + 1;
	u32 lbs = n->props.logical_block_size;
	u64 len = (u64)nlb * lbs;
	u64 nsze = get_le(n->id_ns, 8);
	if (n->props.mdts && len > (u64)n->page_size << n->props.mdts) {
		*status = NVME_SC_INVALID_FIELD | NVME_SC_DNR;
		return 0;
	}
	if (slba > nsze || nlb > nsze - slba) {
		*status = NVME_SC_LBA_RANGE | NVME_SC_DNR;
		return 0;
	}
	struct prp_seg *seg;
	size_t nseg;
	u16 st = map_prp(n, get_le(sqe + 24, 8), get_le(sqe + 32, 8), len, &seg, &nseg);
	if (st) {
		*status = st;
		return 0;
	}
	u8 *buf = calloc(1, len);
	int ret = buf ? 0 : -ENOMEM;
	if (!ret && write) {
		/* the data comes in first: a segment that cannot be mapped stalls the request */
		if (prp_transfer(n, seg, nseg, buf, false)) {
			n->stats.stuck++;
			free(seg);
			free(buf);
			return 1;
		}
		ret = blk_backend_write(&n->be, slba * lbs, buf, len);
		if (!ret)
			n->stats.writes++;
	} else if (!ret) {
		ret = blk_backend_read(&n->be, slba * lbs, buf, len);
		/* null-co transfers nothing: the host's buffers stay as they were */
		if (!ret && !n->be.null_co && prp_transfer(n, seg, nseg, buf, true)) {
			n->stats.stuck++;
			free(seg);
			free(buf);
			return 1;
		}
		if (!ret)
			n->stats.reads++;
	}
	free(seg);
	free(buf);
	*status = ret ? (write ? NVME_SC_WRITE_FAULT : NVME_SC_READ_ERROR) : 0;
	return 0;
}

/* nvme_process_sq(): every entry up to the tail, while the CQ has room */
static void process_sq(struct nvme_ctrl_hw *n, unsigned sqid)
{
	struct nvme_hw_sq *sq = &n->sq[sqid];
	unsigned rounds = 0;
	while (sq->valid && sq->head != sq->tail && !(n->csts & NVME_CSTS_CFS) && rounds++ < 0x10000) {
		struct nvme_hw_cq *cq = &n->cq[sq->cqid];
		if (!cq->valid || cq->npending)
			break;
		u8 sqe[NVME_SQE_SIZE];
		if (dma(n, sq->dma_addr + (u64)sq->head * NVME_SQE_SIZE, sqe, sizeof(sqe), false)) {
			fatal(n, "submission queue entry read faulted");
			break;
		}
		sq->head = (sq->head + 1) % sq->size;
		u16 cid = (u16)get_le(sqe + 2, 2), status = 0;
		u32 result = 0;
		/* PSDT: only PRPs */
		if ((sqe[1] >> 6) & 0x3) {
			complete(n, sqid, cid, NVME_SC_INVALID_FIELD | NVME_SC_DNR, 0);
			continue;
		}
		int later = sqid ? io_cmd(n, sqe, &status) : admin_cmd(n, sqe, &status, &result);
		if (!later)
			complete(n, sqid, cid, status, result);
	}
}

/* ---- registers ---- */

/* nvme_start_ctrl(): the admin queues from AQA/ASQ/ACQ; -EINVAL when CC or they are not acceptable */
static int start_ctrl(struct nvme_ctrl_hw *n)
{
	u32 page_bits = NVME_CC_MPS(n->cc) + 12;
	u32 asqs = (n->aqa & 0xfff) + 1, acqs = ((n->aqa >> 16) & 0xfff) + 1;
	if (n->sq[0].valid || n->cq[0].valid || !n->asq || !n->acq)
		return -EINVAL;
	if ((n->asq | n->acq) & ((1ull << page_bits) - 1))
		return -EINVAL;
	if (NVME_CC_MPS(n->cc) < NVME_CAP_MPSMIN(n->cap) || NVME_CC_MPS(n->cc) > NVME_CAP_MPSMAX(n->cap))
		return -EINVAL;
	if (NVME_CC_IOCQES(n->cc) && (NVME_CC_IOCQES(n->cc) != 4))
		return -EINVAL;
	if (NVME_CC_IOSQES(n->cc) && (NVME_CC_IOSQES(n->cc) != 6))
		return -EINVAL;
	if (asqs < 2 || acqs < 2)
		return -EINVAL;
	n->page_size = 1u << page_bits;
	n->cq[0] = (struct nvme_hw_cq){ .valid = true, .dma_addr = n->acq, .size = acqs, .phase = true,
					.irq_enabled = true, .vector = 0 };
	n->sq[0] = (struct nvme_hw_sq){ .valid = true, .dma_addr = n->asq, .size = asqs, .cqid = 0 };
	struct hw_msix *m = n->fn ? n->fn->msix : NULL;
	if (m)
		hw_msix_vector_use(m, 0);
	return 0;
}

static void write_cc(struct nvme_ctrl_hw *n, u32 data)
{
	u32 old = n->cc;
	n->cc = data;
	if ((data & NVME_CC_EN) && !(old & NVME_CC_EN)) {
		if (start_ctrl(n)) {
			guest_error(n, "controller start refused (CC, AQA, ASQ or ACQ invalid)");
			n->csts = NVME_CSTS_CFS;
		} else {
			n->csts = NVME_CSTS_RDY;
		}
	} else if (!(data & NVME_CC_EN) && (old & NVME_CC_EN)) {
		ctrl_reset(n);
		n->csts &= ~NVME_CSTS_RDY;
		n->csts &= ~NVME_CSTS_CFS;
	}
	if (NVME_CC_SHN(data) && !NVME_CC_SHN(old)) {
		ctrl_reset(n);
		n->csts |= NVME_CSTS_SHST_CMPLT;
	} else if (!NVME_CC_SHN(data) && NVME_CC_SHN(old)) {
		n->csts &= ~NVME_CSTS_SHST_CMPLT;
	}
}

/* nvme_process_db(): a doorbell write */
static void doorbell(struct nvme_ctrl_hw *n, u64 off, u32 val)
{
	u64 idx = (off - NVME_REG_DBS) >> 2;
	unsigned qid = (unsigned)(idx >> 1);
	if (off & 3) {
		guest_error(n, "misaligned doorbell write");
		return;
	}
	if (idx & 1) {
		/* completion queue head */
		if (qid >= n->nqueues || !n->cq[qid].valid) {
			guest_error(n, "completion queue doorbell write for nonexistent queue");
			return;
		}
		struct nvme_hw_cq *cq = &n->cq[qid];
		u32 head = val & 0xffff;
		if (head >= cq->size) {
			guest_error(n, "completion queue doorbell write value beyond queue size");
			return;
		}
		bool was_full = cq_full(cq);
		cq->head = head;
		if (cq->tail == cq->head)
			n->irq_status &= ~(1u << (cq->vector & 31));
		/* room again: held completions go out, then the SQs that waited */
		post_cqes(n, cq);
		if (was_full)
			for (unsigned q = 0; q < n->nqueues; q++)
				if (n->sq[q].valid && n->sq[q].cqid == qid)
					process_sq(n, q);
		return;
	}
	if (qid >= n->nqueues || !n->sq[qid].valid) {
		guest_error(n, "submission queue doorbell write for nonexistent queue");
		return;
	}
	u32 tail = val & 0xffff;
	if (tail >= n->sq[qid].size) {
		guest_error(n, "submission queue doorbell write value beyond queue size");
		return;
	}
	n->sq[qid].tail = tail;
	process_sq(n, qid);
}

u64 nvme_hw_mmio_read(struct nvme_ctrl_hw *n, u64 off, unsigned size)
{
	struct hw_msix *m = n->fn ? n->fn->msix : NULL;
	if (m && off >= msix_table_offset(n) && off < msix_pba_offset(n) + 4096) {
		struct hw_mmio t;
		hw_msix_mmio(m, &t);
		u64 base = off >= msix_pba_offset(n) ? msix_pba_offset(n) - m->pba_offset : msix_table_offset(n);
		return t.read(t.opaque, off - base, size);
	}
	u64 v;
	switch (off & ~3ull) {
	case NVME_REG_CAP: v = n->cap; break;
	case NVME_REG_CAP + 4: v = n->cap >> 32; break;
	case NVME_REG_VS: v = n->vs; break;
	case NVME_REG_INTMS: case NVME_REG_INTMC: v = n->intms; break;
	case NVME_REG_CC: v = n->cc; break;
	case NVME_REG_CSTS: v = n->csts; break;
	case NVME_REG_AQA: v = n->aqa; break;
	case NVME_REG_ASQ: v = n->asq; break;
	case NVME_REG_ASQ + 4: v = n->asq >> 32; break;
	case NVME_REG_ACQ: v = n->acq; break;
	case NVME_REG_ACQ + 4: v = n->acq >> 32; break;
	default: v = 0; break;	/* doorbells and reserved registers read 0 */
	}
	if (size == 8 && !(off & 7) && off < NVME_REG_DBS)
		v = (v & 0xffffffffu) | (nvme_hw_mmio_read(n, off + 4, 4) << 32);
	else
		v = (v >> ((off & 3) * 8)) & (size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	return v;
}

static void set_lo(u64 *reg, u32 v)
{
	*reg = (*reg & ~0xffffffffull) | v;
}

static void set_hi(u64 *reg, u32 v)
{
	*reg = (*reg & 0xffffffffull) | (u64)v << 32;
}

void nvme_hw_mmio_write(struct nvme_ctrl_hw *n, u64 off, u64 val, unsigned size)
{
	struct hw_msix *m = n->fn ? n->fn->msix : NULL;
	if (m && off >= msix_table_offset(n) && off < msix_pba_offset(n)) {
		struct hw_mmio t;
		hw_msix_mmio(m, &t);
		t.write(t.opaque, off - msix_table_offset(n), val, size);
		return;
	}
	if (size == 8 && off < NVME_REG_DBS) {
		/* two 32-bit halves, low first */
		nvme_hw_mmio_write(n, off, (u32)val, 4);
		nvme_hw_mmio_write(n, off + 4, (u32)(val >> 32), 4);
		return;
	}
	if (off >= NVME_REG_DBS) {
		if (off < msix_table_offset(n))
			doorbell(n, off, (u32)val);
		return;
	}
	u32 data = (u32)val;
	switch (off) {
	case NVME_REG_INTMS:
		n->intms |= data;
		break;
	case NVME_REG_INTMC:
		n->intms &= ~data;
		break;
	case NVME_REG_CC:
		write_cc(n, data);
		break;
	case NVME_REG_AQA:
		n->aqa = data;
		break;
	case NVME_REG_ASQ:
		set_lo(&n->asq, data);
		break;
	case NVME_REG_ASQ + 4:
		set_hi(&n->asq, data);
		break;
	case NVME_REG_ACQ:
		set_lo(&n->acq, data);
		break;
	case NVME_REG_ACQ + 4:
		set_hi(&n->acq, data);
		break;
	case NVME_REG_NSSR:
		/* NSSRS is not offered: QEMU ignores the write */
		break;
	default:
		guest_error(n, "write to a read-only or reserved register");
		break;
	}
}

static u64 bar0_read(void *opaque, u64 offset, unsigned size)
{
	return nvme_hw_mmio_read(opaque, offset, size);
}

static void bar0_write(void *opaque, u64 offset, u64 val, unsigned size)
{
	nvme_hw_mmio_write(opaque, offset, val, size);
}

void nvme_hw_bar0(struct nvme_ctrl_hw *n, struct hw_mmio *out)
{
	*out = (struct hw_mmio){ n, bar0_read, bar0_write, nvme_hw_bar0_size(&n->props) };
}
