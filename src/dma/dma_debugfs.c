/*
 * /sys/kernel/debug/iommusim/dma/DEVICE: a device's DMA ops and counters as
 * "key: value" lines (iommusim's own debugfs, not a Linux file). Reading
 * .../dma alone lists every device that has used the DMA API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dma/dma_internal.h"
#include "sysfs/sysfs.h"

char *dma_dev_stats_text(struct device *dev)
{
	if (!dev)
		return NULL;
	struct dma_dev_state *st = dma_dev_state(dev);
	if (!st)
		return NULL;
	const struct dma_dev_stats *s = &st->stats;
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);
	size_t maxmap = dma_max_mapping_size(dev);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "dma_ops: %s\n", dma_ops_name(dev));
	fprintf(f, "domain: %s\n", domain ? iommu_domain_type_sysfs(domain) : "none");
	fprintf(f, "dma_mask: 0x%016llx\n", (unsigned long long)(dev->dma_mask ? *dev->dma_mask : 0));
	fprintf(f, "coherent_dma_mask: 0x%016llx\n", (unsigned long long)dev->coherent_dma_mask);
	fprintf(f, "bus_dma_limit: 0x%016llx\n", (unsigned long long)dev->bus_dma_limit);
	if (maxmap == SIZE_MAX)
		fprintf(f, "max_mapping_size: unlimited\n");
	else
		fprintf(f, "max_mapping_size: %zu\n", maxmap);
	fprintf(f, "max_segment_size: %u\n", dma_get_max_seg_size(dev));
	fprintf(f, "swiotlb: %s\n", is_swiotlb_active(&st->core->io_tlb)
				       ? (st->core->io_tlb.force_bounce ? "forced" : "active") : "none");
	fprintf(f, "maps: %llu\n", (unsigned long long)s->maps);
	fprintf(f, "unmaps: %llu\n", (unsigned long long)s->unmaps);
	fprintf(f, "map_errors: %llu\n", (unsigned long long)s->map_errors);
	fprintf(f, "unmap_errors: %llu\n", (unsigned long long)s->unmap_errors);
	fprintf(f, "sg_maps: %llu\n", (unsigned long long)s->sg_maps);
	fprintf(f, "sg_segments_in: %llu\n", (unsigned long long)s->sg_segments_in);
	fprintf(f, "sg_segments_out: %llu\n", (unsigned long long)s->sg_segments_out);
	fprintf(f, "allocs: %llu\n", (unsigned long long)s->allocs);
	fprintf(f, "frees: %llu\n", (unsigned long long)s->frees);
	fprintf(f, "syncs: %llu\n", (unsigned long long)s->syncs);
	fprintf(f, "bounces: %llu\n", (unsigned long long)s->bounces);
	fprintf(f, "bounce_bytes: %llu\n", (unsigned long long)s->bounce_bytes);
	fprintf(f, "iova_cache_hits: %llu\n", (unsigned long long)s->iova_cache_hits);
	fprintf(f, "iova_cache_misses: %llu\n", (unsigned long long)s->iova_cache_misses);
	fprintf(f, "invalidations: %llu\n", (unsigned long long)s->invalidations);
	fprintf(f, "fq_flushes: %llu\n", (unsigned long long)s->fq_flushes);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int dma_debug_read(struct kernel *k, const char *rest, struct sysfs_buf *out)
{
	if (!rest || !*rest) {
		/* the directory's content as a file: one device name a line */
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f)
			return -ENOMEM;
		for (size_t i = 0; i < k->ndevices; i++)
			if (k->devices[i]->dma_state)
				fprintf(f, "%s\n", k->devices[i]->name);
		if (fclose(f)) {
			free(buf);
			return -ENOMEM;
		}
		out->text = buf;
		return 0;
	}
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *dev = k->devices[i];
		if (!dev->dead && !strcmp(dev->name, rest)) {
			out->text = dma_dev_stats_text(dev);
			return out->text ? 0 : -ENOMEM;
		}
	}
	return -ENOENT;
}

void dma_debugfs_init(void)
{
	sysfs_register_debug("dma", dma_debug_read);
}
