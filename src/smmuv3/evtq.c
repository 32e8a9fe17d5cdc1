/*
 * Event queue consumer (arm_smmu_evtq_thread of 6.1 and 7.3). Records are read
 * from the ring in guest memory; a fault nobody registered a handler for
 * (all of them here: no IOPF users) is printed as the raw record, subject to
 * the printk rate limit of the thread (one check per record, its raw words
 * and 7.3's decoded lines together). An overflow flagged in EVTQ_PROD is
 * reported once and acknowledged through EVTQ_CONS.OVACKFLG.
 */
#include <errno.h>
#include "smmuv3/evtq.h"
#include "smmuv3/ste.h"
#include "smmuv3/event_log.h"
#include "smmuv3/event_decode.h"
#include "smmuv3/iommufd.h"
#include "smmuv3/smmu_version.h"
#include "kversion/linux_version.h"
#include "hw/smmuv3/smmuv3_regs.h"

static u32 q_idx(const struct arm_smmu_queue *q, u32 p)
{
	return p & ((1U << q->max_n_shift) - 1);
}

static u32 q_wrp(const struct arm_smmu_queue *q, u32 p)
{
	return p & (1U << q->max_n_shift);
}

static bool queue_empty(const struct arm_smmu_queue *q)
{
	return q_idx(q, q->prod) == q_idx(q, q->cons) && q_wrp(q, q->prod) == q_wrp(q, q->cons);
}

/* queue_remove_raw(): read the record at cons and publish the new cons */
static int queue_remove_raw(struct arm_smmu_device *smmu, struct arm_smmu_queue *q, u64 *ent)
{
	if (queue_empty(q))
		return -EAGAIN;
	u64 pa = q->base_pa + ((u64)q_idx(q, q->cons) << 3) * q->ent_dwords;
	for (unsigned i = 0; i < q->ent_dwords; i++)
		if (guest_mem_read64(smmu->mem, pa + 8ULL * i, &ent[i]))
			ent[i] = 0;
	u32 c = (q_wrp(q, q->cons) | q_idx(q, q->cons)) + 1;
	q->cons = (q->cons & Q_OVF) | q_wrp(q, c) | q_idx(q, c);
	writel(&smmu->mmio, q->cons_off, q->cons);
	return 0;
}

/* queue_sync_prod_in(): -EOVERFLOW when the SMMU toggled OVFLG since we last looked */
static int queue_sync_prod_in(struct arm_smmu_device *smmu, struct arm_smmu_queue *q)
{
	u32 prod = readl(&smmu->mmio, q->prod_off);
	int ret = ((prod ^ q->prod) & Q_OVF) ? -EOVERFLOW : 0;
	q->prod = prod;
	return ret;
}

/*
 * arm_smmu_handle_evt() (7.3's arm_smmu_handle_event; 6.1's takes the
 * translation faults only, which changes nothing printed): the translation
 * and configuration faults of a known stream. No master here stalls, so
 * none goes to an IOPF handler; 7.3 gives a stage-1 (or configuration)
 * event of a device attached to a nested domain with its vDEVICE to the
 * vIOMMU's vEVENTQ (0: not printed; -EOPNOTSUPP without a vEVENTQ). The
 * rest is "not handled" and printed: -EOPNOTSUPP for other types and
 * stage-2 faults, -EINVAL for an unknown stream.
 */
static int handle_evt(struct arm_smmu_device *smmu, const u64 *evt)
{
	switch (FIELD_GET(EVTQ_0_ID, evt[0])) {
	case EVT_ID_BAD_STE_CONFIG:
	case EVT_ID_STREAM_DISABLED_FAULT:
	case EVT_ID_BAD_SUBSTREAMID_CONFIG:
	case EVT_ID_BAD_CD_CONFIG:
	case EVT_ID_TRANSLATION_FAULT:
	case EVT_ID_ADDR_SIZE_FAULT:
	case EVT_ID_ACCESS_FAULT:
	case EVT_ID_PERMISSION_FAULT:
		break;
	default:
		return -EOPNOTSUPP;
	}
	struct arm_smmu_master *master = arm_smmu_find_master(smmu, (u32)FIELD_GET(EVTQ_0_SID, evt[0]));
	if (!master)
		return -EINVAL;
	if (evt[1] & EVTQ_1_S2)
		return -EOPNOTSUPP;
	return arm_vmaster_report_event(master, evt);
}

/* __ratelimit() with DEFAULT_RATELIMIT_INTERVAL/BURST on the virtual clock */
static bool evt_ratelimit(struct arm_smmu_device *smmu)
{
	struct arm_smmu_tables *t = smmu->tables;
	u64 now = smmu->k ? smmu->k->log.clock_ns : 0;

	if (!t->evt_rs_started) {
		t->evt_rs_started = true;
		t->evt_rs_begin_ns = now;
	}
	if (now >= t->evt_rs_begin_ns + ARM_SMMU_EVT_RATELIMIT_NS) {
		if (t->evt_rs_missed && smmu->k)
			kprintf(smmu->k, "%s: %d callbacks suppressed\n", "arm_smmu_evtq_thread",
				t->evt_rs_missed);
		t->evt_rs_missed = 0;
		t->evt_rs_begin_ns = now;
		t->evt_rs_printed = 0;
	}
	if (t->evt_rs_printed < ARM_SMMU_EVT_RATELIMIT_BURST) {
		t->evt_rs_printed++;
		return true;
	}
	t->evt_rs_missed++;
	return false;
}

void arm_smmu_evtq_thread(struct arm_smmu_device *smmu)
{
	struct arm_smmu_queue *q;
	u64 evt[EVTQ_ENT_DWORDS];
	int guard = 0;

	if (!smmu || !smmu->tables || !smmu->evtq.base_pa)
		return;
	q = &smmu->evtq;
	const struct smmu_version *v = kernel_version(smmu->k)->smmu;
	/* the first pass uses our cached prod; each later one re-reads EVTQ_PROD */
	do {
		while (!queue_remove_raw(smmu, q, evt)) {
			u8 id = (u8)FIELD_GET(EVTQ_0_ID, evt[0]);
			smmu->stats.events++;
			arm_smmu_event_log_add(smmu, evt);
			if (!handle_evt(smmu, evt) || !evt_ratelimit(smmu))
				continue;
			smmu->stats.events_printed++;
			dev_info(smmu->dev, "event 0x%02x received:\n", id);
			for (unsigned i = 0; i < EVTQ_ENT_DWORDS; i++)
				dev_info(smmu->dev, "\t0x%016llx\n", (unsigned long long)evt[i]);
			if (v->event_decoded_lines) {
				struct arm_smmu_event event;
				arm_smmu_decode_event(smmu, evt, &event);
				arm_smmu_dump_decoded_event(smmu, &event);
			}
		}
		if (queue_sync_prod_in(smmu, q) == -EOVERFLOW) {
			smmu->stats.evtq_overflows++;
			dev_err(smmu->dev, "EVTQ overflow detected -- events lost\n");
		}
	} while (!queue_empty(q) && ++guard < 1024);
	/* we are up to date: acknowledge the overflow flag (queue_sync_cons_ovf) */
	if ((q->prod & Q_OVF) != (q->cons & Q_OVF)) {
		q->cons = (q->prod & Q_OVF) | q_wrp(q, q->cons) | q_idx(q, q->cons);
		writel(&smmu->mmio, q->cons_off, q->cons);
	}
}
