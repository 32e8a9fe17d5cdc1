/*
 * The early memory layout per kernel: the same command line booted as
 * Linux 6.1 on QEMU 7.2 and as Linux 7.3 on QEMU 10.0 prints, for the CMA
 * area, the swiotlb pool and the atomic DMA pools, what each real kernel
 * printed (oracle/run and oracle/run --stack modern, the corpus's
 * goldens), side by side.
 */
#include "boot_util.h"
#include "base/memblock.h"
#include "base/page_alloc.h"
#include "dma/contiguous.h"
#include "dma/dma_internal.h"
#include "dma/dma_version.h"
#include "init/early_memory_version.h"
#include "kversion/linux_version.h"

/* args as the oracle boots them: its guest's -cpu, -smp 2 and -m 1024 unless they say otherwise */
static struct iommusim *boot_as(const char *args, const char *linux_version, const char *qemu_version)
{
	char line[512], *argv[64], err[256] = "";
	snprintf(line, sizeof(line), "%s -cpu cortex-a57%s%s", args, strstr(args, "-smp ") ? "" : " -smp 2",
		 strstr(args, "-m ") ? "" : " -m 1024");
	char *copy = strdup(line);
	int argc = 0;
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	struct iommusim_options o = { .linux_version = linux_version, .qemu_version = qemu_version };
	struct iommusim *sim = iommusim_boot(argc, argv, &o, err, sizeof(err));
	free(copy);
	cr_assert_not_null(sim, "%s on Linux %s: boot failed: %s", args, linux_version, err);
	return sim;
}

/* the log lines starting with one of the prefixes, in order, one a line */
static char *lines_with(struct iommusim *sim, const char *const *prefixes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	for (size_t i = 0; i < klog_count(&sim->k->log); i++) {
		const char *l = klog_line(&sim->k->log, i);
		for (const char *const *p = prefixes; *p; p++)
			if (!strncmp(l, *p, strlen(*p))) {
				fprintf(f, "%s\n", l);
				break;
			}
	}
	fclose(f);
	return buf;
}

/* the "cma: " and "software IO TLB: " lines */
static char *layout_lines(struct iommusim *sim)
{
	static const char *const prefixes[] = { "cma: ", "software IO TLB: ", NULL };
	return lines_with(sim, prefixes);
}

struct real_lines {
	const char *args;
	const char *linux_6_1;		/* what 6.1.176 on QEMU 7.2 printed */
	const char *linux_7_3;		/* what 7.3.4 on QEMU 10.0 printed */
};

#define TLB "software IO TLB: "
static const struct real_lines real[] = {
	{ "-M virt,iommu=smmuv3 -m 128 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Failed to reserve 64 MiB\n" TLB "area num 2.\n"
	  TLB "swiotlb_memblock_alloc: Failed to allocate 67108864 bytes tlb structure\n"
	  TLB "SWIOTLB bounce buffer size adjusted 32768 -> 16384 slabs\n"
	  TLB "mapped [mem 0x0000000045c00000-0x0000000047c00000] (32MB)\n",
	  /* 128 KiB, a segment; two areas need two: 512 KiB */
	  "cma: Failed to reserve 64 MiB\n" TLB "SWIOTLB bounce buffer size adjusted to 0MB\n" TLB "area num 2.\n"
	  TLB "SWIOTLB bounce buffer size roundup to 0MB\n"
	  TLB "mapped [mem 0x0000000047ea0000-0x0000000047f20000] (0MB)\n" },
	{ "-M virt,iommu=smmuv3 -m 256 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x000000004ba00000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x0000000044000000-0x0000000048000000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x000000004be00000\n" TLB "SWIOTLB bounce buffer size adjusted to 0MB\n"
	  TLB "area num 2.\n" TLB "SWIOTLB bounce buffer size roundup to 0MB\n"
	  TLB "mapped [mem 0x000000004fe30000-0x000000004feb0000] (0MB)\n" },
	{ "-M virt,iommu=smmuv3 -m 512 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x000000005b600000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x00000000575c0000-0x000000005b5c0000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x000000005be00000\n" TLB "SWIOTLB bounce buffer size adjusted to 0MB\n"
	  TLB "area num 2.\n" TLB "mapped [mem 0x000000005b540000-0x000000005b5c0000] (0MB)\n" },
	{ "-M virt,iommu=smmuv3 -smp 1 -m 1024 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x000000007ac00000\n" TLB "area num 1.\n"
	  TLB "mapped [mem 0x0000000076c00000-0x000000007ac00000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x000000007bc00000\n" TLB "SWIOTLB bounce buffer size adjusted to 1MB\n"
	  TLB "area num 1.\n" TLB "mapped [mem 0x000000007ab00000-0x000000007ac00000] (1MB)\n" },
	{ "-M virt,iommu=smmuv3 -smp 4 -m 1024 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x000000007ac00000\n" TLB "area num 4.\n"
	  TLB "mapped [mem 0x0000000076b80000-0x000000007ab80000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x000000007bc00000\n" TLB "SWIOTLB bounce buffer size adjusted to 1MB\n"
	  TLB "area num 4.\n" TLB "mapped [mem 0x000000007aa80000-0x000000007ab80000] (1MB)\n" },
	/* 32 areas of a segment each: 8 MiB; the per-CPU chunk and the log buffer go under the CMA area */
	{ "-M virt,iommu=smmuv3,gic-version=3 -smp 32 -m 1024 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x000000007ac00000\n" TLB "area num 32.\n"
	  TLB "mapped [mem 0x0000000076740000-0x000000007a740000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x000000007bc00000\n" TLB "SWIOTLB bounce buffer size adjusted to 1MB\n"
	  TLB "area num 32.\n" TLB "SWIOTLB bounce buffer size roundup to 8MB\n"
	  TLB "mapped [mem 0x0000000079e00000-0x000000007a600000] (8MB)\n" },
	{ "-M virt,iommu=smmuv3 -m 1536 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x000000009a400000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x0000000096100000-0x000000009a100000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x000000009bc00000\n" TLB "SWIOTLB bounce buffer size adjusted to 1MB\n"
	  TLB "area num 2.\n" TLB "SWIOTLB bounce buffer size roundup to 2MB\n"
	  TLB "mapped [mem 0x0000000099f00000-0x000000009a100000] (2MB)\n" },
	{ "-M virt,iommu=smmuv3 -smp 8 -m 2048 -device virtio-rng-pci -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x00000000b9a00000\n" TLB "area num 8.\n"
	  TLB "mapped [mem 0x00000000b5700000-0x00000000b9700000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x00000000bba00000\n" TLB "SWIOTLB bounce buffer size adjusted to 2MB\n"
	  TLB "area num 8.\n" TLB "mapped [mem 0x00000000b9500000-0x00000000b9700000] (2MB)\n" },
	/* RAM ends at 4 GiB: 6.1 makes no pool, 7.3 a small one */
	{ "-M virt,iommu=smmuv3 -m 3072 -device virtio-rng-pci",
	  "cma: Reserved 64 MiB at 0x00000000f8800000\n",
	  "cma: Reserved 64 MiB at 0x00000000fb800000\n" TLB "SWIOTLB bounce buffer size adjusted to 3MB\n"
	  TLB "area num 2.\n" TLB "SWIOTLB bounce buffer size roundup to 4MB\n"
	  TLB "mapped [mem 0x00000000f7e00000-0x00000000f8200000] (4MB)\n" },
	/* 1 MiB past 4 GiB: both keep 64 MB; 7.3's page tables sit above 4 GiB, the CMA area under them */
	{ "-M virt,iommu=smmuv3 -m 3073 -device virtio-rng-pci",
	  "cma: Reserved 64 MiB at 0x00000000f8800000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x00000000f4200000-0x00000000f8200000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x00000000fba00000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x00000000f4200000-0x00000000f8200000] (64MB)\n" },
	{ "-M virt,iommu=smmuv3 -m 6144 -device virtio-rng-pci",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x00000000f8000000-0x00000000fc000000] (64MB)\n",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x00000000f8000000-0x00000000fc000000] (64MB)\n" },
	/* the areas named on the command line come first, and the adjusted pool is rounded for them */
	{ "-M virt,iommu=smmuv3 -smp 4 -append swiotlb=,3,force",
	  TLB "area num 4.\n" "cma: Reserved 64 MiB at 0x000000007ac00000\n"
	  TLB "mapped [mem 0x0000000076b80000-0x000000007ab80000] (64MB)\n",
	  TLB "area num 4.\n" "cma: Reserved 64 MiB at 0x000000007bc00000\n"
	  TLB "SWIOTLB bounce buffer size adjusted to 1MB\n"
	  TLB "mapped [mem 0x000000007aa80000-0x000000007ab80000] (1MB)\n" },
	/* a size on the command line is kept */
	{ "-M virt,iommu=smmuv3 -m 1024 -append swiotlb=16384,force",
	  "cma: Reserved 64 MiB at 0x000000007ac00000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x0000000078c00000-0x000000007ac00000] (32MB)\n",
	  "cma: Reserved 64 MiB at 0x000000007bc00000\n" TLB "area num 2.\n"
	  TLB "mapped [mem 0x0000000078c00000-0x000000007ac00000] (32MB)\n" },
	{ "-M virt,iommu=smmuv3 -m 4096 -append swiotlb=noforce",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n" },
};

Test(early_memory_versions, cma_and_swiotlb_lines_of_each_kernel)
{
	for (size_t i = 0; i < ARRAY_SIZE(real); i++) {
		const struct real_lines *r = &real[i];
		struct iommusim *sim = boot_as(r->args, "6.1", "7.2");
		char *got = layout_lines(sim);
		cr_assert_str_eq(got, r->linux_6_1, "%s on 6.1:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
		sim = boot_as(r->args, "7.3", "10.0");
		got = layout_lines(sim);
		cr_assert_str_eq(got, r->linux_7_3, "%s on 7.3:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
	}
}

#define POOL(kib, gfp) "DMA: preallocated " #kib " KiB " gfp " pool for atomic allocations\n"
#define POOLS_6_1(kib) POOL(kib, "GFP_KERNEL") POOL(kib, "GFP_KERNEL|GFP_DMA") POOL(kib, "GFP_KERNEL|GFP_DMA32")

/* 128 KiB per GiB the page allocator gets, a power of two; 7.3 only for zones with pages */
static const struct real_lines real_pools[] = {
	{ "-M virt,iommu=smmuv3 -m 128 -append swiotlb=force", POOLS_6_1(128), POOL(128, "GFP_KERNEL|GFP_DMA") },
	{ "-M virt,iommu=smmuv3 -m 1024", POOLS_6_1(128), POOL(128, "GFP_KERNEL|GFP_DMA") },
	{ "-M virt,iommu=smmuv3 -m 1536", POOLS_6_1(256), POOL(256, "GFP_KERNEL|GFP_DMA") },
	{ "-M virt,iommu=smmuv3 -m 2048", POOLS_6_1(256), POOL(256, "GFP_KERNEL|GFP_DMA") },
	{ "-M virt,iommu=smmuv3 -m 3072", POOLS_6_1(512), POOL(512, "GFP_KERNEL|GFP_DMA") },
	/* the MiB past 4 GiB holds 7.3's page tables: ZONE_NORMAL manages no page */
	{ "-M virt,iommu=smmuv3 -m 3073", POOLS_6_1(512), POOL(512, "GFP_KERNEL|GFP_DMA") },
	{ "-M virt,iommu=smmuv3 -m 4096", POOLS_6_1(512), POOL(512, "GFP_KERNEL") POOL(512, "GFP_KERNEL|GFP_DMA") },
	{ "-M virt,iommu=smmuv3 -m 6144", POOLS_6_1(1024), POOL(1024, "GFP_KERNEL") POOL(1024, "GFP_KERNEL|GFP_DMA") },
	{ "-M virt,iommu=smmuv3 -m 8G", POOLS_6_1(1024), POOL(1024, "GFP_KERNEL") POOL(1024, "GFP_KERNEL|GFP_DMA") },
};

Test(early_memory_versions, atomic_pools_of_each_kernel)
{
	static const char *const prefixes[] = { "DMA: preallocated ", NULL };
	for (size_t i = 0; i < ARRAY_SIZE(real_pools); i++) {
		const struct real_lines *r = &real_pools[i];
		struct iommusim *sim = boot_as(r->args, "6.1", "7.2");
		char *got = lines_with(sim, prefixes);
		cr_assert_str_eq(got, r->linux_6_1, "%s on 6.1:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
		sim = boot_as(r->args, "7.3", "10.0");
		got = lines_with(sim, prefixes);
		cr_assert_str_eq(got, r->linux_7_3, "%s on 7.3:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
	}
}

/* cma= on both kernels (-m 1024, -smp 2), as each printed it */
#define CMA_REAL(arg, l61, l73) { "-M virt,iommu=smmuv3 -append " arg, l61, l73 }
static const struct real_lines real_cma[] = {
	CMA_REAL("cma=32M", "cma: Reserved 32 MiB at 0x000000007cc00000\n", "cma: Reserved 32 MiB at 0x000000007dc00000\n"),
	CMA_REAL("cma=100M", "cma: Reserved 100 MiB at 0x0000000078800000\n", "cma: Reserved 100 MiB at 0x0000000079800000\n"),
	/* SIZE@BASE: there or nowhere */
	CMA_REAL("cma=128M@0x50000000", "cma: Reserved 128 MiB at 0x0000000050000000\n",
		 "cma: Reserved 128 MiB at 0x0000000050000000\n"),
	CMA_REAL("cma=16M@0x60000000-0x70000000", "cma: Reserved 16 MiB at 0x000000006f000000\n",
		 "cma: Reserved 16 MiB at 0x000000006f000000\n"),
	CMA_REAL("cma=0", "", ""),
	CMA_REAL("cma=2G", "cma: Failed to reserve 2048 MiB\n", "cma: Failed to reserve 2048 MiB\n"),
	CMA_REAL("cma=64M@0x48100000",
		 "cma: Region at 0x0000000048100000 must be aligned to 0x0000000000200000 bytes\ncma: Failed to reserve 64 MiB\n",
		 "cma: Region at 0x0000000048100000 must be aligned to 0x0000000000200000 bytes\ncma: Failed to reserve 64 MiB\n"),
	/* past the end of RAM: 6.1's high_memory check, 7.3's limit */
	CMA_REAL("cma=24M@0x7fe00000",
		 "cma: Region at 0x000000007fe00000 defined on low/high memory boundary (0x0000000080000000)\n"
		 "cma: Failed to reserve 24 MiB\n",
		 "cma: Size (0x0000000001800000) of region at 0x000000007fe00000 exceeds limit (0x0000000080000000)\n"
		 "cma: Failed to reserve 24 MiB\n"),
	/* no value: early_cma() refuses it, the configured area stays */
	CMA_REAL("cma", "cma: Config string not provided\ncma: Reserved 64 MiB at 0x000000007ac00000\n",
		 "cma: Config string not provided\ncma: Reserved 64 MiB at 0x000000007bc00000\n"),
};

Test(early_memory_versions, cma_cmdline_of_each_kernel)
{
	static const char *const prefixes[] = { "cma: ", NULL };
	for (size_t i = 0; i < ARRAY_SIZE(real_cma); i++) {
		const struct real_lines *r = &real_cma[i];
		struct iommusim *sim = boot_as(r->args, "6.1", "7.2");
		char *got = lines_with(sim, prefixes);
		cr_assert_str_eq(got, r->linux_6_1, "%s on 6.1:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
		sim = boot_as(r->args, "7.3", "10.0");
		got = lines_with(sim, prefixes);
		cr_assert_str_eq(got, r->linux_7_3, "%s on 7.3:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
	}
	/* the refused one says so as do_early_param() does */
	struct iommusim *sim = boot_as("-M virt,iommu=smmuv3 -append cma", "7.3", "10.0");
	static const char *const malformed[] = { "Malformed early option ", NULL };
	char *got = lines_with(sim, malformed);
	cr_assert_str_eq(got, "Malformed early option 'cma'\n");
	free(got);
	iommusim_free(sim);
}

Test(early_memory_versions, cma_cmdline_reads_as_early_cma)
{
	struct cma_cmdline c = { 0 };
	cr_assert_eq(dma_contiguous_parse_cmdline("64M", &c), 0);
	cr_assert(c.set && c.size == 64ULL << 20 && !c.base && !c.limit);
	cr_assert_eq(dma_contiguous_parse_cmdline("0x1000k@1G", &c), 0);
	cr_assert_eq(c.size, 0x1000ULL << 10);
	cr_assert_eq(c.base, 1ULL << 30);
	cr_assert_eq(c.limit, c.base + c.size, "SIZE@BASE fixes the area");
	cr_assert_eq(dma_contiguous_parse_cmdline("16m@0x60000000-0x70000000", &c), 0);
	cr_assert(c.size == 16ULL << 20 && c.base == 0x60000000 && c.limit == 0x70000000);
	/* no value: refused, nothing changed */
	struct cma_cmdline before = c;
	cr_assert_eq(dma_contiguous_parse_cmdline(NULL, &c), -EINVAL);
	cr_assert(c.size == before.size && c.base == before.base && c.limit == before.limit);
	const char *end;
	cr_assert_eq(dma_memparse("2G,x", &end), 2ULL << 30);
	cr_assert_str_eq(end, ",x");
	cr_assert_eq(dma_memparse("1e", NULL), 1ULL << 60);
	cr_assert_eq(dma_memparse("010", NULL), 8, "a leading 0 is octal");
	/* simple_strtoull(): no sign, no spaces (nothing read), wrapping past 64 bits */
	cr_assert_eq(dma_memparse("-1", &end), 0);
	cr_assert_str_eq(end, "-1");
	cr_assert_eq(dma_memparse(" 5", NULL), 0);
	cr_assert_eq(dma_memparse("18446744073709551617", NULL), 1);
	cr_assert_eq(dma_memparse("0x", &end), 0);
	cr_assert_str_eq(end, "x", "0x without hex digits: the 0, then x is no suffix");
}

/* machines outside the corpus, booted on both real stacks: every line of the three kinds */
#define DMAP "DMA: preallocated "
static const struct real_lines real_more[] = {
	{ "-M virt,iommu=smmuv3 -m 384 -smp 3",
	  "cma: Reserved 64 MiB at 0x0000000053800000\n"
	  DMAP "128 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations\n",
	  "cma: Reserved 64 MiB at 0x0000000053e00000\n"
	  TLB "SWIOTLB bounce buffer size adjusted to 0MB\n"
	  TLB "area num 4.\n"
	  TLB "SWIOTLB bounce buffer size roundup to 1MB\n"
	  TLB "mapped [mem 0x00000000536c0000-0x00000000537c0000] (1MB)\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n" },
	{ "-M virt,iommu=smmuv3 -m 2500 -smp 6",
	  "cma: Reserved 64 MiB at 0x00000000d5600000\n"
	  DMAP "512 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "512 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n"
	  DMAP "512 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations\n",
	  "cma: Reserved 64 MiB at 0x00000000d7e00000\n"
	  TLB "SWIOTLB bounce buffer size adjusted to 2MB\n"
	  TLB "area num 8.\n"
	  TLB "SWIOTLB bounce buffer size roundup to 4MB\n"
	  TLB "mapped [mem 0x00000000d4c00000-0x00000000d5000000] (4MB)\n"
	  DMAP "512 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n" },
	{ "-M virt,iommu=smmuv3 -m 4095",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n"
	  TLB "area num 2.\n"
	  TLB "mapped [mem 0x00000000f8000000-0x00000000fc000000] (64MB)\n"
	  DMAP "512 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "512 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n"
	  DMAP "512 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations\n",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n"
	  TLB "area num 2.\n"
	  TLB "mapped [mem 0x00000000f8000000-0x00000000fc000000] (64MB)\n"
	  DMAP "512 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "512 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n" },
	{ "-M virt,iommu=smmuv3,gic-version=3 -m 5000 -smp 12",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n"
	  TLB "area num 16.\n"
	  TLB "mapped [mem 0x00000000f8000000-0x00000000fc000000] (64MB)\n"
	  DMAP "1024 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "1024 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n"
	  DMAP "1024 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations\n",
	  "cma: Reserved 64 MiB at 0x00000000fc000000\n"
	  TLB "area num 16.\n"
	  TLB "mapped [mem 0x00000000f8000000-0x00000000fc000000] (64MB)\n"
	  DMAP "1024 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "1024 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n" },
	{ "-M virt,iommu=smmuv3,gic-version=3 -m 700 -smp 16 -append swiotlb=force",
	  "cma: Reserved 64 MiB at 0x0000000066e00000\n"
	  TLB "area num 16.\n"
	  TLB "mapped [mem 0x0000000062aa0000-0x0000000066aa0000] (64MB)\n"
	  DMAP "128 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations\n",
	  "cma: Reserved 64 MiB at 0x0000000067a00000\n"
	  TLB "SWIOTLB bounce buffer size adjusted to 0MB\n"
	  TLB "area num 16.\n"
	  TLB "SWIOTLB bounce buffer size roundup to 4MB\n"
	  TLB "mapped [mem 0x0000000066640000-0x0000000066a40000] (4MB)\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n" },
	{ "-M virt,iommu=smmuv3 -m 160 -smp 1",
	  "cma: Reserved 64 MiB at 0x0000000045a00000\n"
	  DMAP "128 KiB GFP_KERNEL pool for atomic allocations\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations\n",
	  "cma: Reserved 64 MiB at 0x0000000045e00000\n"
	  TLB "SWIOTLB bounce buffer size adjusted to 0MB\n"
	  TLB "area num 1.\n"
	  TLB "mapped [mem 0x0000000049f0d000-0x0000000049f4d000] (0MB)\n"
	  DMAP "128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations\n" },
};

Test(early_memory_versions, machines_outside_the_corpus)
{
	static const char *const prefixes[] = { "cma: ", "software IO TLB: ", "DMA: preallocated ", NULL };
	for (size_t i = 0; i < ARRAY_SIZE(real_more); i++) {
		const struct real_lines *r = &real_more[i];
		struct iommusim *sim = boot_as(r->args, "6.1", "7.2");
		char *got = lines_with(sim, prefixes);
		cr_assert_str_eq(got, r->linux_6_1, "%s on 6.1:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
		sim = boot_as(r->args, "7.3", "10.0");
		got = lines_with(sim, prefixes);
		cr_assert_str_eq(got, r->linux_7_3, "%s on 7.3:\n%s", r->args, got);
		free(got);
		iommusim_free(sim);
	}
}

Test(early_memory_versions, nothing_later_comes_from_the_pool_or_the_cma_area)
{
	const char *const args[] = {
		"-M virt,iommu=smmuv3 -m 256 -nic none", "-M virt,iommu=smmuv3 -m 512 -smp 4 -nic none",
		"-M virt,iommu=smmuv3,gic-version=3 -m 1024 -smp 32 -nic none",
		"-M virt,iommu=smmuv3 -m 3073 -nic none",
	};
	for (size_t i = 0; i < ARRAY_SIZE(args); i++) {
		struct iommusim *sim = boot_as(args[i], "7.3", "10.0");
		struct dma_core *core = dma_core_get(sim->k);
		cr_assert(is_swiotlb_active(&core->io_tlb), "%s: 7.3 always has a pool", args[i]);
		cr_assert(core->cma_size, "%s", args[i]);
		for (int n = 0; n < 64; n++) {
			u64 pa = page_alloc(sim->k->pages, 64 * 1024);
			cr_assert(pa && !is_swiotlb_buffer(&core->io_tlb, pa) &&
				  !(pa + 64 * 1024 > core->cma_base && pa < core->cma_base + core->cma_size),
				  "%s: page %#llx", args[i], (unsigned long long)pa);
		}
		iommusim_free(sim);
	}
}

Test(early_memory_versions, each_kernel_has_its_deltas)
{
	/* the init layer's and the DMA layer's deltas, reached from each kernel */
	cr_assert_eq(linux_6_1.early_memory, &early_memory_linux_6_1);
	cr_assert_eq(linux_7_3.early_memory, &early_memory_linux_7_3);
	cr_assert(!linux_6_1.dma->swiotlb_always && !linux_6_1.dma->swiotlb_shrinks_to_ram);
	cr_assert(linux_7_3.dma->swiotlb_always && linux_7_3.dma->swiotlb_shrinks_to_ram);
	cr_assert(!linux_6_1.dma->atomic_pools_by_managed_zone && linux_7_3.dma->atomic_pools_by_managed_zone);
	cr_assert(!linux_6_1.dma->cma_cmdline_limit_as_given && linux_7_3.dma->cma_cmdline_limit_as_given);
	cr_assert(linux_6_1.dma->cma_fixed_checks_high_memory && !linux_7_3.dma->cma_fixed_checks_high_memory);
	/* 7.3's struct property grew: the same DT unflattens bigger */
	cr_assert_eq(early_memory_linux_6_1.dt_property_size, 96);
	cr_assert_eq(early_memory_linux_7_3.dt_property_size, 112);
	/* 6.1 gives init_pg_dir back after paging_init(); 7.3 has none to give */
	cr_assert_neq(early_memory_linux_6_1.image.init_pg_dir_size, 0);
	cr_assert_eq(early_memory_linux_7_3.image.init_pg_dir_size, 0);
}

Test(early_memory_versions, bad_memory_sizes_are_refused_and_boot_nothing)
{
	/* QEMU's own refusals come first: the early boot never sees them */
	char err[256] = "";
	struct iommusim_options o = { .linux_version = "7.3", .qemu_version = "10.0" };
	char *argv[] = { "-M", "virt,iommu=smmuv3", "-m", "0x", NULL };
	struct iommusim *sim = iommusim_boot(4, argv, &o, err, sizeof(err));
	cr_assert_null(sim);
	cr_assert_neq(err[0], '\0');
}
