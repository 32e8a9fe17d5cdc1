/*
 * DMA API hot path, in the spirit of Linux's dma_map_benchmark: map and
 * unmap latency of 4K single pages through dma-iommu on a booted virt +
 * SMMUv3 machine, strict and lazy (DMA-FQ), with 1 and 2 threads; and
 * swiotlb bounce throughput against plain memcpy on the same host.
 *
 * Latencies are timed per batch of BATCH calls (one clock read per batch,
 * so the clock's cost stays out of the figure); avg and stddev are over
 * batches, per call. Threads: each thread boots its own kernel and maps
 * through its own device (nothing shared, so no lock is modelled); the
 * figure shown is per thread.
 *
 * usage: bench_dma_map [batches [bounce]]   (default 20000; 'bounce': only the swiotlb part)
 */
#include <math.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommusim/iommusim.h"
#include "script/session.h"
#include "dma/mapping.h"
#include "dma/dma_mask.h"
#include "hw/mem.h"
#include "hw/system.h"
#include "pci/pci.h"

#define BATCH 64
#define BUF_PA 0x41000000ULL

static u64 now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static struct iommusim *boot(const char *append)
{
	char app[256];
	snprintf(app, sizeof(app), "%s", append);
	char *argv[] = { "-M", "virt,iommu=smmuv3", "-m", "1G", "-device", "virtio-net-pci,bus=pcie.0",
			 "-append", app };
	char err[256] = "";
	struct iommusim *sim = iommusim_boot(8, argv, NULL, err, sizeof(err));
	if (!sim) {
		fprintf(stderr, "boot failed: %s\n", err);
		exit(1);
	}
	return sim;
}

struct run {
	const char *append;
	unsigned long batches;
	double map_avg, map_sd, unmap_avg, unmap_sd;
	u64 invalidations, fq_flushes, cache_hits;
};

static void *latency_thread(void *arg)
{
	struct run *r = arg;
	struct iommusim *sim = boot(r->append);
	struct device *dev = &pci_get_by_name(sim->k, "0000:00:01.0")->dev;
	dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	u64 iova[BATCH];
	double ms = 0, ms2 = 0, us = 0, us2 = 0;
	/* warm the page tables and the rcache */
	for (int w = 0; w < 1000; w++)
		dma_unmap_single(dev, dma_map_single(dev, BUF_PA, 4096, DMA_TO_DEVICE), 4096, DMA_TO_DEVICE);
	for (unsigned long b = 0; b < r->batches; b++) {
		u64 t0 = now_ns();
		for (int i = 0; i < BATCH; i++)
			iova[i] = dma_map_single(dev, BUF_PA + (u64)i * 4096, 4096, DMA_BIDIRECTIONAL);
		u64 t1 = now_ns();
		for (int i = 0; i < BATCH; i++)
			dma_unmap_single(dev, iova[i], 4096, DMA_BIDIRECTIONAL);
		u64 t2 = now_ns();
		double m = (double)(t1 - t0) / BATCH, u = (double)(t2 - t1) / BATCH;
		ms += m, ms2 += m * m, us += u, us2 += u * u;
	}
	double n = (double)r->batches;
	r->map_avg = ms / n;
	r->map_sd = sqrt(fmax(0, ms2 / n - r->map_avg * r->map_avg));
	r->unmap_avg = us / n;
	r->unmap_sd = sqrt(fmax(0, us2 / n - r->unmap_avg * r->unmap_avg));
	struct dma_dev_stats *st = dma_dev_stats(dev);
	r->invalidations = st->invalidations;
	r->fq_flushes = st->fq_flushes;
	r->cache_hits = st->iova_cache_hits;
	if (st->map_errors || st->unmap_errors)
		fprintf(stderr, "errors: %llu map, %llu unmap\n", (unsigned long long)st->map_errors,
			(unsigned long long)st->unmap_errors);
	iommusim_free(sim);
	return NULL;
}

static void latency(const char *label, const char *append, int threads, unsigned long batches)
{
	struct run r[2];
	pthread_t th[2];
	for (int t = 0; t < threads; t++) {
		r[t] = (struct run){ .append = append, .batches = batches };
		pthread_create(&th[t], NULL, latency_thread, &r[t]);
	}
	for (int t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
	for (int t = 0; t < threads; t++)
		printf("%-6s threads=%d [%d]: map %7.1f ns (sd %5.1f)  unmap %7.1f ns (sd %5.1f)  "
		       "map+unmap %7.1f ns  invalidations %llu fq_flushes %llu rcache_hits %llu\n",
		       label, threads, t, r[t].map_avg, r[t].map_sd, r[t].unmap_avg, r[t].unmap_sd,
		       r[t].map_avg + r[t].unmap_avg, (unsigned long long)r[t].invalidations,
		       (unsigned long long)r[t].fq_flushes, (unsigned long long)r[t].cache_hits);
}

/* swiotlb=force on a machine without IOMMU: every map copies into the pool */
static void bounce(size_t size, unsigned long iters)
{
	char app[] = "swiotlb=force";
	char *argv[] = { "-M", "virt", "-m", "1G", "-device", "virtio-net-pci,bus=pcie.0", "-append", app };
	char err[256] = "";
	struct iommusim *sim = iommusim_boot(8, argv, NULL, err, sizeof(err));
	if (!sim) {
		fprintf(stderr, "boot failed: %s\n", err);
		exit(1);
	}
	struct device *dev = &pci_get_by_name(sim->k, "0000:00:01.0")->dev;
	struct guest_mem *mem = ((struct hw_system *)sim->k->hw)->mem;
	guest_mem_fill(mem, BUF_PA, 0xa5, size);	/* pages present, as a real buffer */
	/* one lap of the pool first: every slot's host page exists, as on a warm system */
	for (u64 w = 0; w < (64ULL << 20) / size + 100; w++)
		dma_unmap_single(dev, dma_map_single(dev, BUF_PA, size, DMA_TO_DEVICE), size, DMA_TO_DEVICE);
	u64 t0 = now_ns();
	for (unsigned long i = 0; i < iters; i++) {
		u64 a = dma_map_single(dev, BUF_PA, size, DMA_TO_DEVICE);
		dma_unmap_single(dev, a, size, DMA_TO_DEVICE);
	}
	u64 t1 = now_ns();
	u64 copied = dma_dev_stats(dev)->bounce_bytes;

	/*
	 * Plain memcpy of the same size: into one hot destination, and into a
	 * destination that walks a 64 MiB area as the pool's round-robin slot
	 * search does (the like-for-like baseline: same cache footprint).
	 */
	const size_t area = 64u << 20;
	char *src = malloc(size), *dst = malloc(area);
	memset(src, 0xa5, size);
	memset(dst, 0x11, area);	/* not 0: malloc+memset(0) may become calloc, leaving pages untouched */
	u64 t2 = now_ns();
	for (unsigned long i = 0; i < iters; i++) {
		memcpy(dst, src, size);
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	u64 t3 = now_ns();
	size_t off = 0;
	for (unsigned long i = 0; i < iters; i++) {
		memcpy(dst + off, src, size);
		__asm__ volatile("" : : "r"(dst) : "memory");
		off = off + size + size > area ? 0 : off + size;
	}
	u64 t4 = now_ns();
	double bytes = (double)size * (double)iters;
	double bounce_gbs = bytes / (double)(t1 - t0);
	double hot_gbs = bytes / (double)(t3 - t2), walk_gbs = bytes / (double)(t4 - t3);
	printf("bounce %6zu B: swiotlb map+unmap %6.2f GB/s; memcpy hot %6.2f GB/s (%5.1f%%), "
	       "memcpy over 64 MiB %6.2f GB/s (%5.1f%%); %llu bytes bounced\n",
	       size, bounce_gbs, hot_gbs, 100.0 * bounce_gbs / hot_gbs, walk_gbs,
	       100.0 * bounce_gbs / walk_gbs, (unsigned long long)copied);
	free(src);
	free(dst);
	iommusim_free(sim);
}

int main(int argc, char **argv)
{
	unsigned long batches = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	if (!batches)
		batches = 20000;
	bool only_bounce = argc > 2 && !strcmp(argv[2], "bounce");
	printf("dma_map bench: 4K pages, dma-iommu on virt+SMMUv3, %lu batches of %d\n", batches, BATCH);
	if (only_bounce)
		goto bounces;
	latency("strict", "iommu.strict=1", 1, batches);
	latency("lazy", "iommu.strict=0", 1, batches);
	latency("strict", "iommu.strict=1", 2, batches);
	latency("lazy", "iommu.strict=0", 2, batches);
bounces:
	bounce(4096, 200000);
	bounce(65536, 20000);
	return 0;
}
