/*
 * Event queue producer and the global error / interrupt plumbing. A full
 * queue loses the record and toggles PROD.OVFLG (once, until software acks
 * it through CONS.OVACKFLG), as the spec's queue overflow rules say.
 */
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
	smmu_event_encode(ev, rec);
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
