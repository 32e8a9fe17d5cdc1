/*
 * 4K map + unmap pairs on a device's default domain, through the arm-smmu-v3
 * driver: io-pgtable update, then the invalidation Linux 6.1 does for that
 * caller. iommu_map+iommu_unmap is strict whatever the domain type (a range
 * TLBI and a CMD_SYNC consumed by the SMMU model per unmap), so it is timed
 * once. The deferred path is dma-iommu's alone: dma_map_single +
 * dma_unmap_single on a DMA-FQ domain (IOVA allocation, PTEs cleared at once,
 * IOVA queued, one invalidate-all when the flush queue fills), timed next to
 * the same DMA API calls on a strict domain. The virtual clock does not move
 * during the loop, so the 10 ms timer never fires: every flush is a full
 * queue's. bench/pgtable_map measures the page tables alone,
 * bench/dma_map the DMA API's latency spread.
 */
#include <stdio.h>
#include <time.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "dma/dma_mask.h"
#include "dma/mapping.h"
#include "iommu/iommu.h"
#include "pci/pci.h"
#include "pgtable/io_pgtable.h"
#include "smmuv3/arm_smmu_v3.h"

#define PAIRS 200000
#define BUF_PA 0x41000000ULL

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct iommusim *boot(char *append)
{
	char *argv[] = { "-M", "virt,iommu=smmuv3", "-device", "virtio-net-pci", "-append", append };
	char err[256] = "";
	struct iommusim *sim = iommusim_boot(6, argv, NULL, err, sizeof(err));
	if (!sim)
		fprintf(stderr, "boot failed: %s\n", err);
	return sim;
}

static void report(const char *what, const char *label, double ns, u64 tlbi, u64 failures)
{
	printf("%s 4K, %s: %7.1f ns/pair, %6.2f M pairs/s, %.4f TLBIs/pair%s\n", what, label,
	       ns / PAIRS, PAIRS / ns * 1e3, (double)tlbi / PAIRS, failures ? " (FAILURES)" : "");
}

/* The IOMMU API: 6.1's iommu_unmap() syncs the IOTLB before it returns. */
static void iommu_api(const char *label, char *append)
{
	struct iommusim *sim = boot(append);
	if (!sim)
		return;
	struct arm_smmu_device *smmu = sim->k->smmu;
	struct iommu_domain *d = pci_get_by_name(sim->k, "0000:00:01.0")->dev.iommu_group->domain;
	u64 failures = 0, tlbi0 = smmu->stats.tlbi;
	double t0 = now_ns();
	for (int i = 0; i < PAIRS; i++) {
		u64 iova = 0x100000000ULL + ((u64)(i & 255) << 12);
		failures += iommu_map(d, iova, BUF_PA, 0x1000, IOMMU_READ | IOMMU_WRITE) != 0;
		failures += iommu_unmap(d, iova, 0x1000) != 0x1000;
	}
	double t1 = now_ns();
	report("iommu_map+iommu_unmap", label, t1 - t0, smmu->stats.tlbi - tlbi0, failures);
	iommusim_free(sim);
}

/* The DMA API: dma-iommu's __iommu_dma_unmap queues on a DMA-FQ domain. */
static void dma_api(const char *label, char *append)
{
	struct iommusim *sim = boot(append);
	if (!sim)
		return;
	struct arm_smmu_device *smmu = sim->k->smmu;
	struct device *dev = &pci_get_by_name(sim->k, "0000:00:01.0")->dev;
	dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	struct dma_dev_stats *st = dma_dev_stats(dev);
	u64 tlbi0 = smmu->stats.tlbi, flushes0 = st->fq_flushes;
	double t0 = now_ns();
	for (int i = 0; i < PAIRS; i++) {
		u64 a = dma_map_single(dev, BUF_PA + ((u64)(i & 255) << 12), 0x1000, DMA_BIDIRECTIONAL);
		dma_unmap_single(dev, a, 0x1000, DMA_BIDIRECTIONAL);
	}
	double t1 = now_ns();
	char full[160];
	u64 flushes = st->fq_flushes - flushes0;
	if (flushes)
		snprintf(full, sizeof(full), "%s (%llu flushes)", label, (unsigned long long)flushes);
	else
		snprintf(full, sizeof(full), "%s", label);
	report("dma_map+dma_unmap", full, t1 - t0, smmu->stats.tlbi - tlbi0,
	       st->map_errors + st->unmap_errors);
	iommusim_free(sim);
}

int main(void)
{
	char strict[] = "iommu.strict=1", lazy[] = "iommu.strict=0";
	iommu_api("strict on any domain (TLBI + CMD_SYNC per unmap)", strict);
	dma_api("strict (TLBI + CMD_SYNC per unmap)", strict);
	dma_api("DMA-FQ: queued, flush-all when the queue is full", lazy);
	return 0;
}
