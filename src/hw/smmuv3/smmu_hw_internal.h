/* The SMMU device state shared by the model's files (registers, queues, caches). */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_HW_INTERNAL_H
#define IOMMUSIM_HW_SMMUV3_SMMU_HW_INTERNAL_H

#include "hw/smmuv3/smmu_config.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/smmuv3/smmu_tlb.h"
#include "hw/smmuv3/smmuv3_regs.h"

struct smmu_queue {
	u64 base; /* *_BASE register */
	u32 prod, cons; /* *_PROD / *_CONS registers, flags included */
	unsigned max_shift; /* IDR1.CMDQS / EVTQS */
	unsigned ent_size; /* bytes */
};

struct smmu_hw {
	struct guest_mem *mem;
	struct smmu_hw_config cfg;
	u32 idr[6];
	u32 cr0, cr1, cr2, gbpa, irq_ctrl, gerror, gerrorn;
	u64 gerror_irq_cfg0;
	u32 gerror_irq_cfg1, gerror_irq_cfg2;
	u64 strtab_base;
	u32 strtab_base_cfg;
	struct smmu_queue cmdq, evtq;
	u64 evtq_irq_cfg0;
	u32 evtq_irq_cfg1, evtq_irq_cfg2;
	void (*irq)(void *opaque, int which);
	void *irq_opaque;
	smmu_hw_output_fn out;		/* downstream of translation; NULL: guest RAM */
	void *out_opaque;
	bool cmdq_busy, cmdq_kick; /* re-entry from an IRQ handler */
	struct smmu_hw_stats stats;
	struct smmu_walk_stats wstats;
	struct smmu_cfg_cache cfgc;
	struct smmu_tlb tlb;
};

/* Queue geometry, per the spec: LOG2SIZE capped at the implemented maximum. */
static inline unsigned smmu_queue_shift(const struct smmu_queue *q)
{
	unsigned s = (unsigned)FIELD_GET(Q_BASE_LOG2SIZE, q->base);

	return s > q->max_shift ? q->max_shift : s;
}

/* Index plus wrap bit. */
static inline u32 smmu_queue_wrap_idx_mask(const struct smmu_queue *q)
{
	return (u32)((2ULL << smmu_queue_shift(q)) - 1);
}

static inline u64 smmu_queue_entry_addr(const struct smmu_queue *q, u32 ptr)
{
	u32 idx = ptr & ((1u << smmu_queue_shift(q)) - 1);

	return (q->base & Q_BASE_ADDR) + (u64)idx * q->ent_size;
}

void smmu_hw_raise_irq(struct smmu_hw *smmu, int which);
/* Activate a GERROR bit (toggle it unless already active), IRQ if enabled. */
void smmu_hw_gerror(struct smmu_hw *smmu, u32 bit);
/* Write an event record to the EVTQ, or count it lost (disabled / overflow). */
void smmu_hw_evtq_record(struct smmu_hw *smmu, const struct smmu_event *ev);
/* Consume commands from CONS up to PROD while the CMDQ is enabled and error-free. */
void smmu_hw_cmdq_process(struct smmu_hw *smmu);

/*
 * Configuration for (sid, ssid), from the config cache or freshly fetched
 * from the stream table and CD table. 0 with *xc set; -EIO with ev filled
 * (C_BAD_*, F_STE_FETCH, F_CD_FETCH); -EFAULT with ev filled for a stage-2
 * fault on a nested CD fetch.
 */
int smmu_hw_cfg_get(struct smmu_hw *smmu, u32 sid, u32 ssid, const struct smmu_xlate_cfg **xc,
		    struct smmu_event *ev);
/* Drop cached configs; the counts say how many entries went. */
/* The STE address for sid, and a config read from memory without the cache (debug views too). */
int smmu_hw_ste_locate(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 *addr, struct smmu_event *ev);
int smmu_hw_cfg_build(struct smmu_hw *smmu, u32 sid, u32 ssid, struct smmu_xlate_cfg *xc,
		      struct smmu_event *ev);
u64 smmu_hw_cfg_inval_sid_range(struct smmu_hw *smmu, u32 sid_first, u64 nr);
u64 smmu_hw_cfg_inval_cd(struct smmu_hw *smmu, u32 sid, u32 ssid);
u64 smmu_hw_cfg_inval_all(struct smmu_hw *smmu);

#endif
