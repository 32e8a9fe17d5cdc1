/*
 * Event queue producer and the global error / interrupt plumbing. A full
 * queue loses the record and toggles PROD.OVFLG (once, until software acks
 * it through CONS.OVACKFLG), as the spec's queue overflow rules say.
 */
#include <string.h>
#include "hw/smmuv3/smmu_hw_internal.h"

void smmu_hw_raise_irq(struct smmu_hw *smmu, int which)
{
	smmu->stats.irqs[which]++;
	if (smmu->irq)
		smmu->irq(smmu->irq_opaque, which);
}

void smmu_hw_gerror(struct smmu_hw *smmu, u32 bit)
{
	/* Already active (GERROR != GERRORN for it): nothing new to signal. */
	if ((smmu->gerror ^ smmu->gerrorn) & bit)
		return;
	smmu->gerror ^= bit;
	if (smmu->irq_ctrl & IRQ_CTRL_GERROR_IRQEN)
		smmu_hw_raise_irq(smmu, SMMU_IRQ_GERROR);
}

/*
 * QEMU 7.2's smmuv3_record_event(): each type fills only some fields. The
 * configuration errors carry no address; F_STE_FETCH and F_CD_FETCH put the
 * fetch address where the input address goes; translation faults carry no
 * CLASS (F_WALK_EABT alone says TT) and, with no stage 2, no IPA.
 */
static void qemu72_record(const struct smmu_event *ev, struct smmu_event *e)
{
	memset(e, 0, sizeof(*e));
	e->type = ev->type;
	e->sid = ev->sid;
	switch (ev->type) {
	case SMMU_EVT_F_UUT:
		e->ssv = ev->ssv, e->ssid = ev->ssid;
		e->input_addr = ev->input_addr;
		e->rnw = ev->rnw, e->pnu = ev->pnu, e->ind = ev->ind;
		break;
	case SMMU_EVT_C_BAD_STREAMID:
	case SMMU_EVT_C_BAD_STE:
	case SMMU_EVT_C_BAD_CD:
		e->ssv = ev->ssv, e->ssid = ev->ssid;
		break;
	case SMMU_EVT_F_STE_FETCH:
	case SMMU_EVT_F_CD_FETCH:
		e->ssv = ev->ssv, e->ssid = ev->ssid;
		e->input_addr = ev->fetch_addr;
		break;
	case SMMU_EVT_F_TRANS_FORBIDDEN:
		e->input_addr = ev->input_addr;
		e->rnw = ev->rnw;
		break;
	case SMMU_EVT_C_BAD_SUBSTREAMID:
		e->ssid = ev->ssid;
		break;
	case SMMU_EVT_F_WALK_EABT:
	case SMMU_EVT_F_TRANSLATION:
	case SMMU_EVT_F_ADDR_SIZE:
	case SMMU_EVT_F_ACCESS:
	case SMMU_EVT_F_PERMISSION:
		e->stall = ev->stall, e->stag = ev->stag;
		e->ssv = ev->ssv, e->ssid = ev->ssid;
		e->s2 = ev->s2;
		e->input_addr = ev->input_addr;
		e->rnw = ev->rnw, e->pnu = ev->pnu, e->ind = ev->ind;
		if (ev->type == SMMU_EVT_F_WALK_EABT) {
			e->class = ev->class;
			e->fetch_addr = ev->fetch_addr;
		}
		break;
	default:
		break;
	}
}

/*
 * QEMU 10.0's smmuv3_do_translate adds to the translation-class faults the
 * CLASS it worked out (IN, or TT for a stage-1 table fetch) and, for a
 * stage-2 fault, the IPA (addr2).
 */
static void qemu100_fault_class(const struct smmu_event *ev, struct smmu_event *e)
{
	switch (ev->type) {
	case SMMU_EVT_F_TRANSLATION:
	case SMMU_EVT_F_ADDR_SIZE:
	case SMMU_EVT_F_ACCESS:
	case SMMU_EVT_F_PERMISSION:
		e->class = ev->class;
		if (ev->s2)
			e->ipa = ev->ipa;
		break;
	default:
		break;
	}
}

void smmu_hw_evtq_record(struct smmu_hw *smmu, const struct smmu_event *ev)
{
	struct smmu_queue *q = &smmu->evtq;
	u32 mask = smmu_queue_wrap_idx_mask(q);
	u32 wrap = (mask >> 1) + 1;
	u8 rec[SMMU_EVT_BYTES];

	if (!(smmu->cr0 & CR0_EVTQEN)) {
		smmu->stats.events_lost++;
		return;
	}
	if (((q->prod ^ q->cons) & mask) == wrap) {
		/* Full: drop, and flag the overflow unless one is still unacknowledged. */
		if (!((q->prod ^ q->cons) & Q_OVF))
			q->prod ^= Q_OVF;
		smmu->stats.events_lost++;
		return;
	}
	if (smmu->cfg.arch_event_records) {
		smmu_event_encode(ev, rec);
	} else {
		struct smmu_event e;
		qemu72_record(ev, &e);
		if (smmu->cfg.fault_record_class)
			qemu100_fault_class(ev, &e);
		smmu_event_encode(&e, rec);
	}
	if (guest_mem_write(smmu->mem, smmu_queue_entry_addr(q, q->prod), rec, sizeof(rec))) {
		smmu->stats.events_lost++;
		smmu_hw_gerror(smmu, GERROR_EVTQ_ABT_ERR);
		return;
	}
	q->prod = (q->prod & Q_OVF) | ((q->prod + 1) & mask);
	smmu->stats.events++;
	if (smmu->irq_ctrl & IRQ_CTRL_EVTQ_IRQEN)
		smmu_hw_raise_irq(smmu, SMMU_IRQ_EVTQ);
}
