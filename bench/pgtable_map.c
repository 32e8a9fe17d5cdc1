/*
 * io-pgtable hot path: 4K map + unmap pairs on a stage-1, 4K-granule, 48-bit
 * table (the SMMUv3 DMA domain's geometry), walking guest memory through
 * guest_mem_read64/write64. Prints ns per pair. The iovas sweep a 64 MiB
 * window so leaf tables stay installed, as in a live DMA domain.
 *
 * usage: bench_pgtable_map [pairs]   (default 2000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hw/mem.h"
#include "pgtable/io_pgtable.h"

#define RAM_SIZE (256ULL << 20)
#define WINDOW_PAGES (16384UL) /* 64 MiB of iova */

struct bump {
	u64 next, end;
};

static u64 bump_alloc(void *cookie, size_t size, size_t align)
{
	struct bump *b = cookie;
	u64 pa = ALIGN_UP(b->next, align);

	if (pa + size > b->end)
		return 0;
	b->next = pa + size;
	return pa;
}

static void bump_free(void *cookie, u64 pa, size_t size)
{
	(void)cookie;
	(void)pa;
	(void)size;
}

static unsigned long tlb_pages;

static void tlb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova, size_t granule,
			 void *cookie)
{
	(void)gather;
	(void)iova;
	(void)cookie;
	tlb_pages += granule >> 12;
}

static const struct iommu_flush_ops flush_ops = { .tlb_add_page = tlb_add_page };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned long pairs = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000000UL;
	struct guest_mem *mem = guest_mem_new(VIRT_RAM_BASE, RAM_SIZE);
	struct bump bump = { VIRT_RAM_BASE + (128ULL << 20), VIRT_RAM_BASE + RAM_SIZE };
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
		.ias = 48,
		.oas = 48,
		.coherent_walk = true,
		.tlb = &flush_ops,
		.mem = mem,
		.alloc_table = bump_alloc,
		.free_table = bump_free,
		.alloc_cookie = &bump,
	};
	struct io_pgtable_ops *ops;
	struct iommu_iotlb_gather gather = { 0 };
	const unsigned long iova_base = 0x80000000UL;
	const u64 pa_base = VIRT_RAM_BASE;
	int prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	double t0, t1;
	unsigned long i;

	if (!mem || !pairs) {
		fprintf(stderr, "bench_pgtable_map: bad setup\n");
		return 1;
	}
	ops = alloc_io_pgtable_ops(ARM_64_LPAE_S1, &cfg, NULL);
	if (!ops) {
		fprintf(stderr, "bench_pgtable_map: alloc_io_pgtable_ops failed\n");
		return 1;
	}

	/* Warm-up: install every table of the window once. */
	for (i = 0; i < WINDOW_PAGES; i++) {
		unsigned long iova = iova_base + i * SZ_4K;

		if (ops->map_pages(ops, iova, pa_base + i * SZ_4K, SZ_4K, 1, prot, NULL) ||
		    ops->unmap_pages(ops, iova, SZ_4K, 1, &gather) != SZ_4K) {
			fprintf(stderr, "bench_pgtable_map: warm-up failed at %lu\n", i);
			return 1;
		}
	}

	tlb_pages = 0;
	t0 = now_ns();
	for (i = 0; i < pairs; i++) {
		unsigned long slot = i & (WINDOW_PAGES - 1);
		unsigned long iova = iova_base + slot * SZ_4K;
		size_t mapped = 0;

		if (ops->map_pages(ops, iova, pa_base + slot * SZ_4K, SZ_4K, 1, prot, &mapped) ||
		    ops->unmap_pages(ops, iova, SZ_4K, 1, &gather) != SZ_4K) {
			fprintf(stderr, "bench_pgtable_map: pair %lu failed\n", i);
			return 1;
		}
	}
	t1 = now_ns();

	if (tlb_pages != pairs) {
		fprintf(stderr, "bench_pgtable_map: %lu TLB invalidations for %lu pairs\n", tlb_pages,
			pairs);
		return 1;
	}
	printf("pgtable_map: %lu 4K map+unmap pairs (S1, 4K granule, 48-bit): %.1f ns/pair, "
	       "%.2f M pairs/s\n",
	       pairs, (t1 - t0) / (double)pairs, (double)pairs * 1e3 / (t1 - t0));

	free_io_pgtable_ops(ops);
	guest_mem_free(mem);
	return 0;
}
