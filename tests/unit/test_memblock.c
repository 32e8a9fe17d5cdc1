/*
 * memblock as Linux 6.1 runs it (top-down by default, alignment, limits,
 * the retry without a lower limit, bottom-up for CMA), and the early boot
 * that runs on it: where the CMA area and the swiotlb pool land for each
 * -m and -smp, checked against what real Linux 6.1 printed on QEMU 7.2
 * (Debian's 6.1.0 cloud kernel, -cpu cortex-a57, swiotlb=force).
 */
#include "boot_util.h"
#include "base/memblock.h"
#include "base/page_alloc.h"
#include "dma/dma_internal.h"
#include "kconfig/kconfig.h"

#define RAM 0x40000000ULL
#define MiB (1ULL << 20)

static struct memblock mb;

static void ram(u64 size)
{
	memblock_init(&mb);
	cr_assert_eq(memblock_add(&mb, RAM, size), 0);
}

Test(memblock, top_down_takes_the_highest_fit)
{
	ram(64 * MiB);
	u64 a = memblock_alloc(&mb, 4096, 4096);
	cr_assert_eq(a, RAM + 64 * MiB - 4096);
	/* the next one goes right under it, at its own alignment */
	u64 b = memblock_alloc(&mb, 100, 64);
	cr_assert_eq(b, ALIGN_DOWN(a - 100, 64));
	u64 c = memblock_alloc(&mb, 2 * MiB, 2 * MiB);
	cr_assert_eq(c, RAM + 60 * MiB, "2 MiB aligned under the small ones: %#llx", (unsigned long long)c);
	/* a small one fills the hole the alignment left above c */
	u64 d = memblock_alloc(&mb, 64, 64);
	cr_assert(d > c + 2 * MiB && d < b, "%#llx", (unsigned long long)d);
	memblock_destroy(&mb);
}

Test(memblock, limits_and_the_retry_without_min)
{
	ram(256 * MiB);
	/* max_addr is exclusive and taken as given: memblock_alloc_low's limit - 1 drops a page */
	u64 a = memblock_alloc_try_nid(&mb, 4096, 4096, 0, RAM + 128 * MiB - 1);
	cr_assert_eq(a, RAM + 128 * MiB - 2 * 4096);
	/* nothing fits above min_addr: memblock_alloc_try_nid tries again from 0 */
	u64 b = memblock_alloc_try_nid(&mb, 4096, 4096, ~0ULL - 4096, MEMBLOCK_ALLOC_ACCESSIBLE);
	cr_assert_eq(b, RAM + 256 * MiB - 4096);
	cr_assert_eq(memblock_alloc_range_nid(&mb, 4096, 4096, ~0ULL - 4096, MEMBLOCK_ALLOC_ACCESSIBLE), 0);
	/* too big for any free range */
	cr_assert_eq(memblock_alloc(&mb, 512 * MiB, 4096), 0);
	memblock_destroy(&mb);
}

Test(memblock, reserve_free_and_free_ranges)
{
	ram(16 * MiB);
	cr_assert_eq(memblock_reserve(&mb, RAM + 4 * MiB, MiB), 0);
	cr_assert_eq(memblock_reserve(&mb, RAM + 5 * MiB, MiB), 0, "touching: merged");
	cr_assert_eq(mb.reserved.cnt, 1);
	cr_assert(memblock_is_region_reserved(&mb, RAM + 6 * MiB - 1, 1));
	cr_assert(!memblock_is_region_reserved(&mb, RAM + 6 * MiB, 1));
	cr_assert_eq(memblock_phys_free(&mb, RAM + 4 * MiB + 4096, 4096), 0);
	cr_assert_eq(mb.reserved.cnt, 2, "split");
	struct memblock_region r[4];
	cr_assert_eq(memblock_free_ranges(&mb, r, 4), 3);
	cr_assert_eq(r[0].base, RAM);
	cr_assert_eq(r[0].size, 4 * MiB);
	cr_assert_eq(r[1].base, RAM + 4 * MiB + 4096);
	cr_assert_eq(r[1].size, 4096);
	cr_assert_eq(r[2].base, RAM + 6 * MiB);
	cr_assert_eq(memblock_reserve(&mb, RAM, 0), -EINVAL);
	cr_assert_eq(memblock_reserve(&mb, ~0ULL - 10, 100), -EINVAL);
	memblock_destroy(&mb);
}

Test(memblock, bottom_up_and_the_first_page)
{
	memblock_init(&mb);
	cr_assert_eq(memblock_add(&mb, 0, 8 * MiB), 0);
	mb.bottom_up = true;
	cr_assert_eq(memblock_alloc(&mb, 4096, 4096), 4096, "never the first page");
	cr_assert_eq(memblock_alloc_range_nid(&mb, MiB, MiB, 3 * MiB, 8 * MiB), 3 * MiB);
	mb.bottom_up = false;
	cr_assert_eq(memblock_alloc(&mb, 4096, 4096), 8 * MiB - 4096);
	memblock_destroy(&mb);
}

Test(page_alloc, skips_what_is_not_free)
{
	struct page_alloc pa;
	page_alloc_init(&pa, RAM, 0);
	cr_assert_eq(page_alloc_add_range(&pa, RAM + 8 * MiB, 4 * 4096), 0);
	cr_assert_eq(page_alloc_add_range(&pa, RAM, MiB), 0);
	cr_assert_eq(page_alloc_add_range(&pa, RAM + 512 * 1024, 4096), -EINVAL, "overlap");
	cr_assert_eq(page_alloc(&pa, 4096), RAM + 8 * MiB + 3 * 4096, "the highest range first");
	cr_assert_eq(page_alloc(&pa, 64 * 1024), RAM + MiB - 64 * 1024, "a block the top range cannot hold");
	page_alloc_destroy(&pa);
}

/* The early boot against real Linux's numbers */

static const char *dmesg_find(struct iommusim *sim, const char *needle)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), needle))
			return klog_line(&sim->k->log, i);
	return NULL;
}

struct real_layout {
	const char *mem, *smp, *gic;
	const char *cma;		/* Linux's "cma: ..." line */
	const char *swiotlb;		/* its "software IO TLB: mapped ..." line */
	u64 dma_zone_end;		/* "Zone ranges:  DMA [mem ...-end - 1]" */
};

/* What Linux 6.1.176 printed (oracle/run, -cpu cortex-a57, -append swiotlb=force) */
static const struct real_layout real[] = {
	{ "192", "2", "2", "Reserved 64 MiB at 0x0000000047a00000", "[mem 0x0000000042000000-0x0000000046000000] (64MB)", 0x4c000000 },
	{ "256", "2", "2", "Reserved 64 MiB at 0x000000004ba00000", "[mem 0x0000000044000000-0x0000000048000000] (64MB)", 0x50000000 },
	{ "384", "2", "2", "Reserved 64 MiB at 0x0000000053800000", "[mem 0x000000004f800000-0x0000000053800000] (64MB)", 0x58000000 },
	{ "512", "2", "2", "Reserved 64 MiB at 0x000000005b600000", "[mem 0x00000000575c0000-0x000000005b5c0000] (64MB)", 0x60000000 },
	{ "1024", "1", "2", "Reserved 64 MiB at 0x000000007ac00000", "[mem 0x0000000076c00000-0x000000007ac00000] (64MB)", 0x80000000 },
	{ "1024", "2", "2", "Reserved 64 MiB at 0x000000007ac00000", "[mem 0x0000000076c00000-0x000000007ac00000] (64MB)", 0x80000000 },
	/* 4 CPUs: the per-CPU chunk leaves no room above the memmap for the inode hash */
	{ "1024", "4", "2", "Reserved 64 MiB at 0x000000007ac00000", "[mem 0x0000000076b80000-0x000000007ab80000] (64MB)", 0x80000000 },
	{ "1536", "2", "2", "Reserved 64 MiB at 0x000000009a400000", "[mem 0x0000000096100000-0x000000009a100000] (64MB)", 0xa0000000 },
	{ "2048", "2", "2", "Reserved 64 MiB at 0x00000000b9a00000", "[mem 0x00000000b5800000-0x00000000b9800000] (64MB)", 0xc0000000 },
	{ "2048", "8", "2", "Reserved 64 MiB at 0x00000000b9a00000", "[mem 0x00000000b5700000-0x00000000b9700000] (64MB)", 0xc0000000 },
	{ "3072", "2", "2", "Reserved 64 MiB at 0x00000000f8800000", "[mem 0x00000000f4200000-0x00000000f8200000] (64MB)", 0x100000000 },
	{ "4096", "2", "2", "Reserved 64 MiB at 0x00000000fc000000", "[mem 0x00000000f8000000-0x00000000fc000000] (64MB)", 0x100000000 },
	{ "6144", "2", "2", "Reserved 64 MiB at 0x00000000fc000000", "[mem 0x00000000f8000000-0x00000000fc000000] (64MB)", 0x100000000 },
	{ "8192", "2", "2", "Reserved 64 MiB at 0x00000000fc000000", "[mem 0x00000000f8000000-0x00000000fc000000] (64MB)", 0x100000000 },
	/* past 17 CPUs the log buffer grows (log_buf_add_cpu), and the per-CPU chunk with them */
	{ "1024", "17", "3", "Reserved 64 MiB at 0x000000007ac00000", "[mem 0x0000000076a02000-0x000000007aa02000] (64MB)", 0x80000000 },
	{ "1024", "32", "3", "Reserved 64 MiB at 0x000000007ac00000", "[mem 0x0000000076740000-0x000000007a740000] (64MB)", 0x80000000 },
	{ "2048", "64", "3", "Reserved 64 MiB at 0x00000000b9a00000", "[mem 0x00000000b4e20000-0x00000000b8e20000] (64MB)", 0xc0000000 },
};

static struct iommusim *boot_layout(const char *mem, const char *smp, const char *gic)
{
	char args[256];
	snprintf(args, sizeof(args),
		 "-M virt,iommu=smmuv3,gic-version=%s -cpu cortex-a57 -smp %s -m %s -nic none -append swiotlb=force",
		 gic, smp, mem);
	return boot_ok(args);
}

Test(early_memory, cma_and_swiotlb_where_linux_puts_them)
{
	for (size_t i = 0; i < ARRAY_SIZE(real); i++) {
		const struct real_layout *r = &real[i];
		struct iommusim *sim = boot_layout(r->mem, r->smp, r->gic);
		const char *cma = dmesg_find(sim, "cma: ");
		const char *tlb = dmesg_find(sim, "software IO TLB: mapped");
		cr_assert_not_null(cma, "-m %s -smp %s: no cma line", r->mem, r->smp);
		cr_assert_not_null(tlb, "-m %s -smp %s: no pool", r->mem, r->smp);
		cr_assert_not_null(strstr(cma, r->cma), "-m %s -smp %s: %s", r->mem, r->smp, cma);
		cr_assert_not_null(strstr(tlb, r->swiotlb), "-m %s -smp %s: %s", r->mem, r->smp, tlb);
		struct dma_core *core = dma_core_get(sim->k);
		cr_assert_eq(core->dma_phys_limit, r->dma_zone_end, "-m %s: ZONE_DMA ends at %#llx", r->mem,
			     (unsigned long long)core->dma_phys_limit);
		/* nothing the kernel allocates later comes from the pool or the CMA area */
		for (int n = 0; n < 64; n++) {
			u64 pa = page_alloc(sim->k->pages, 64 * 1024);
			cr_assert(pa && !is_swiotlb_buffer(&core->io_tlb, pa) &&
				  !(pa + 64 * 1024 > core->cma_base && pa < core->cma_base + core->cma_size),
				  "-m %s: page %#llx", r->mem, (unsigned long long)pa);
		}
		iommusim_free(sim);
	}
}

Test(early_memory, small_ram_fails_cma_and_halves_the_pool)
{
	/* -m 128: the initrd sits at 64 MiB and no 64 MiB hole is left */
	struct iommusim *sim = boot_layout("128", "2", "2");
	cr_assert_not_null(dmesg_find(sim, "cma: Failed to reserve 64 MiB"));
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: swiotlb_memblock_alloc: Failed to allocate 67108864 bytes tlb structure"));
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: SWIOTLB bounce buffer size adjusted 32768 -> 16384 slabs"));
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: mapped [mem 0x0000000045c00000-0x0000000047c00000] (32MB)"));
	cr_assert_eq(dma_core_get(sim->k)->cma_size, 0);
	iommusim_free(sim);
}

Test(early_memory, swiotlb_only_past_the_dma_zone_or_forced)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -m 3G -nic none");
	cr_assert_null(dmesg_find(sim, "software IO TLB"), "RAM ends at 4 GiB: inside ZONE_DMA");
	cr_assert_not_null(dmesg_find(sim, "cma: Reserved 64 MiB at 0x00000000f8800000"));
	iommusim_free(sim);
	sim = boot_ok("-M virt,iommu=smmuv3 -m 3073 -nic none");
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: mapped"), "1 MiB past 4 GiB");
	iommusim_free(sim);
	/* the CMA line comes first, as setup_arch() prints it */
	sim = boot_ok("-M virt,iommu=smmuv3 -m 1G -nic none");
	cr_assert_not_null(strstr(klog_line(&sim->k->log, 0), "cma: Reserved 64 MiB at 0x000000007ac00000"));
	cr_assert_not_null(strstr(klog_line(&sim->k->log, 1), "Kernel command line"));
	iommusim_free(sim);
}

static struct iommusim *boot_config(const char *args, const struct kernel_config *cfg)
{
	char *copy = strdup(args), *argv[32], err[256] = "";
	int argc = 0;
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	struct iommusim *sim = iommusim_boot_config(argc, argv, NULL, cfg, err, sizeof(err));
	free(copy);
	cr_assert_not_null(sim, "boot failed: %s", err);
	return sim;
}

Test(early_memory, cma_follows_the_kernel_config)
{
	const char *args = "-M virt,iommu=smmuv3 -smp 2 -m 1G -nic none -append swiotlb=force";
	struct kernel_config c = linux_6_1_config;
	c.values[KCONFIG_CMA_SIZE_MBYTES].number = 32;
	struct iommusim *sim = boot_config(args, &c);
	cr_assert_not_null(dmesg_find(sim, "cma: Reserved 32 MiB at 0x000000007cc00000"));
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: mapped [mem 0x0000000078c00000-0x000000007cc00000] (64MB)"));
	iommusim_free(sim);
	/* without DMA_CMA nothing is reserved: the pool takes the CMA area's place */
	c = linux_6_1_config;
	c.values[KCONFIG_DMA_CMA] = (struct kconfig_value){ 'n', 0 };
	sim = boot_config(args, &c);
	cr_assert_null(dmesg_find(sim, "cma: "));
	cr_assert_eq(dma_core_get(sim->k)->cma_size, 0);
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: mapped [mem 0x000000007ac00000-0x000000007ec00000] (64MB)"));
	iommusim_free(sim);
}
