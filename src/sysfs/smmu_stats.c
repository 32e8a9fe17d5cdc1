/*
 * /sys/kernel/debug/iommusim/smmu: the SMMU's counters, the hardware's
 * (TLB, config cache, walks, commands, events) and the driver's (commands
 * issued by kind, STE writer steps).
 */
#include <errno.h>
#include <stdio.h>
#include "sysfs/sysfs.h"
#include "hw/system.h"
#include "hw/smmuv3/smmu_hw.h"
#include "smmuv3/arm_smmu_v3.h"

static int smmu_stats_show(struct kernel *k, const char *rest, struct sysfs_buf *out)
{
	(void)rest;
	struct hw_system *hw = k->hw;
	if (!hw || !hw->smmu)
		return -ENOENT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	const struct smmu_hw_stats *s = smmu_hw_stats(hw->smmu);
	fprintf(f, "hw.translations: %llu\nhw.tlb_hits: %llu\nhw.tlb_misses: %llu\n"
		"hw.tlb_invalidations: %llu\nhw.tlb_entries_dropped: %llu\nhw.cfg_hits: %llu\n"
		"hw.cfg_misses: %llu\nhw.cfg_invalidations: %llu\nhw.walks: %llu\nhw.ptw_reads: %llu\n"
		"hw.cmds: %llu\nhw.cmd_syncs: %llu\nhw.cmdq_errors: %llu\nhw.events: %llu\n"
		"hw.events_lost: %llu\nhw.faults: %llu\n",
		(unsigned long long)s->translations, (unsigned long long)s->tlb_hits,
		(unsigned long long)s->tlb_misses, (unsigned long long)s->tlb_invalidations,
		(unsigned long long)s->tlb_entries_dropped, (unsigned long long)s->cfg_hits,
		(unsigned long long)s->cfg_misses, (unsigned long long)s->cfg_invalidations,
		(unsigned long long)s->walks, (unsigned long long)s->ptw_reads, (unsigned long long)s->cmds,
		(unsigned long long)s->cmd_syncs, (unsigned long long)s->cmdq_errors,
		(unsigned long long)s->events, (unsigned long long)s->events_lost,
		(unsigned long long)s->faults);
	const struct arm_smmu_device *smmu = k->smmu;
	if (smmu)
		fprintf(f, "driver.tlbi: %llu\ndriver.cfgi: %llu\ndriver.syncs: %llu\ndriver.ste_syncs: %llu\n"
			"driver.cd_writes: %llu\ndriver.events: %llu\n",
			(unsigned long long)smmu->stats.tlbi, (unsigned long long)smmu->stats.cfgi,
			(unsigned long long)smmu->stats.syncs, (unsigned long long)smmu->stats.ste_syncs,
			(unsigned long long)smmu->stats.cd_writes, (unsigned long long)smmu->stats.events);
	fclose(f);
	out->text = buf;
	return 0;
}

void smmu_stats_register_debugfs(void)
{
	sysfs_register_debug("smmu", smmu_stats_show);
}
