/*
 * The public counter reads: the SMMU's and a device's DMA API counters as
 * numbers, for checking which path a DMA took (debugfs shows them as text).
 * Reading changes nothing: a device that never used the DMA API gets no
 * DMA state from being asked.
 */
#include <errno.h>
#include <string.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "dma/mapping.h"
#include "hw/system.h"
#include "hw/smmuv3/smmu_hw.h"
#include "smmuv3/arm_smmu_v3.h"

int iommusim_smmu_counters(struct iommusim *sim, struct iommusim_smmu_counters *c)
{
	if (!sim || !c)
		return -EINVAL;
	struct hw_system *hw = sim->k->hw;
	if (!hw || !hw->smmu)
		return -ENODEV;
	const struct smmu_hw_stats *s = smmu_hw_stats(hw->smmu);
	*c = (struct iommusim_smmu_counters){
		.translations = s->translations,
		.tlb_hits = s->tlb_hits,
		.tlb_misses = s->tlb_misses,
		.tlb_invalidations = s->tlb_invalidations,
		.tlb_entries_dropped = s->tlb_entries_dropped,
		.cfg_hits = s->cfg_hits,
		.cfg_misses = s->cfg_misses,
		.cfg_invalidations = s->cfg_invalidations,
		.walks = s->walks,
		.ptw_reads = s->ptw_reads,
		.cmds = s->cmds,
		.cmd_syncs = s->cmd_syncs,
		.cmdq_errors = s->cmdq_errors,
		.events = s->events,
		.events_lost = s->events_lost,
		.faults = s->faults,
	};
	const struct arm_smmu_device *smmu = sim->k->smmu;
	if (smmu) {
		c->driver_tlbi = smmu->stats.tlbi;
		c->driver_cfgi = smmu->stats.cfgi;
		c->driver_syncs = smmu->stats.syncs;
		c->driver_ste_syncs = smmu->stats.ste_syncs;
		c->driver_cd_writes = smmu->stats.cd_writes;
		c->driver_events = smmu->stats.events;
	}
	return 0;
}

int iommusim_dma_counters(struct iommusim *sim, const char *name, struct iommusim_dma_counters *c)
{
	if (!sim || !name || !c)
		return -EINVAL;
	struct kernel *k = sim->k;
	struct device *dev = NULL;
	for (size_t i = 0; i < k->ndevices && !dev; i++)
		if (!k->devices[i]->dead && !strcmp(k->devices[i]->name, name))
			dev = k->devices[i];
	if (!dev)
		return -ENOENT;
	*c = (struct iommusim_dma_counters){ 0 };
	/* dma_dev_stats() would create the state of a device that has none */
	const struct dma_dev_stats *s = dev->dma_state ? dma_dev_stats(dev) : NULL;
	if (!s)
		return 0;
	*c = (struct iommusim_dma_counters){
		.maps = s->maps,
		.unmaps = s->unmaps,
		.map_errors = s->map_errors,
		.unmap_errors = s->unmap_errors,
		.sg_maps = s->sg_maps,
		.sg_segments_in = s->sg_segments_in,
		.sg_segments_out = s->sg_segments_out,
		.allocs = s->allocs,
		.frees = s->frees,
		.syncs = s->syncs,
		.bounces = s->bounces,
		.bounce_bytes = s->bounce_bytes,
		.iova_cache_hits = s->iova_cache_hits,
		.iova_cache_misses = s->iova_cache_misses,
		.invalidations = s->invalidations,
		.fq_flushes = s->fq_flushes,
	};
	return 0;
}
