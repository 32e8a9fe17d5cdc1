/*
 * swiotlb_adjust_size() as Linux 7.3's arch_mm_preinit() uses it (the
 * default pool shrunk to 1 MB per GB when all RAM is DMA-able), against
 * the 6.1 behaviour of the same pool (no adjustment), and limit_nareas()
 * while the pool is halved. Every value below is one real Linux printed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dma/swiotlb.h"

#define RAM_SIZE (256ULL << 20)
#define POOL_BASE 0x48000000ULL
#define MiB (1ULL << 20)

static struct guest_mem *gm;
static struct io_tlb_mem mem;
static char logs[16][256];
static int nlogs;

static void capture(void *ctx, int level, const struct swiotlb_dev *dev, const char *text)
{
	(void)ctx;
	(void)level;
	(void)dev;
	if (nlogs < (int)ARRAY_SIZE(logs))
		snprintf(logs[nlogs++], sizeof(logs[0]), "%s", text);
}

static void setup(void)
{
	gm = guest_mem_new(VIRT_RAM_BASE, RAM_SIZE);
	cr_assert(gm);
	memset(&mem, 0, sizeof(mem));
	nlogs = 0;
}

static void teardown(void)
{
	swiotlb_exit(&mem);
	guest_mem_free(gm);
}

TestSuite(swiotlb_adjust, .init = setup, .fini = teardown);

/* 7.3's arm64 call: swiotlb_init(true) after swiotlb_adjust_size(RAM / 1024) */
static struct swiotlb_params params_7_3(const char *cmdline, unsigned cpus, u64 ram)
{
	struct swiotlb_params p = {
		.nr_cpus = cpus, .addressing_limit = true, .verbose = true,
		.gmem = gm, .base = POOL_BASE, .log = capture,
	};
	if (cmdline)
		cr_assert_eq(swiotlb_parse_cmdline(cmdline, &p), 0);
	struct swiotlb_params d = { .nslabs = p.nslabs, .nareas = p.nareas, .nr_cpus = 1 };
	p.adjust_size = ram / 1024 < swiotlb_size_or_default(&d) ? ram / 1024 : swiotlb_size_or_default(&d);
	return p;
}

static void expect_lines(const char *const *want)
{
	int n = 0;
	for (; want[n]; n++) {
		cr_assert_lt(n, nlogs, "line %d missing: %s", n, want[n]);
		cr_assert_str_eq(logs[n], want[n]);
	}
	cr_assert_eq(nlogs, n, "%d lines, %d expected", nlogs, n);
}

#define TLB "software IO TLB: "

Test(swiotlb_adjust, one_mib_per_gib_with_the_areas_rounding)
{
	/* -m 1024 -smp 2: 512 slabs, two areas of 256 */
	struct swiotlb_params p = params_7_3(NULL, 2, 1024 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 512);
	cr_assert_eq(mem.nareas, 2);
	expect_lines((const char *const[]){ TLB "SWIOTLB bounce buffer size adjusted to 1MB", TLB "area num 2.",
					   TLB "mapped [mem 0x0000000048000000-0x0000000048100000] (1MB)", NULL });
	swiotlb_exit(&mem);

	/* -m 3072: 3 MB is 1536 slabs, not a power of two: 4 MB */
	nlogs = 0;
	p = params_7_3(NULL, 2, 3072 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 2048);
	expect_lines((const char *const[]){ TLB "SWIOTLB bounce buffer size adjusted to 3MB", TLB "area num 2.",
					   TLB "SWIOTLB bounce buffer size roundup to 4MB",
					   TLB "mapped [mem 0x0000000048000000-0x0000000048400000] (4MB)", NULL });
	swiotlb_exit(&mem);

	/* -m 128: 128 KiB is one segment; two areas need two, then a power of two: 512 KiB */
	nlogs = 0;
	p = params_7_3(NULL, 2, 128 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 256);
	expect_lines((const char *const[]){ TLB "SWIOTLB bounce buffer size adjusted to 0MB", TLB "area num 2.",
					   TLB "SWIOTLB bounce buffer size roundup to 0MB",
					   TLB "mapped [mem 0x0000000048000000-0x0000000048080000] (0MB)", NULL });
	swiotlb_exit(&mem);

	/* -smp 32: 32 areas of a segment each, 8 MB */
	nlogs = 0;
	p = params_7_3(NULL, 32, 1024 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 4096);
	cr_assert_eq(mem.nareas, 32);
	cr_assert_str_eq(logs[2], TLB "SWIOTLB bounce buffer size roundup to 8MB");
}

Test(swiotlb_adjust, the_command_line_wins)
{
	/* a size given: no adjustment, the pool is 32 MB */
	struct swiotlb_params p = params_7_3("16384,force", 2, 1024 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 16384);
	expect_lines((const char *const[]){ TLB "area num 2.",
					   TLB "mapped [mem 0x0000000048000000-0x000000004a000000] (32MB)", NULL });
	swiotlb_exit(&mem);

	/* areas given (",3": 4): sized at parse time, the adjusted pool rounded for them, no "area num" again */
	nlogs = 0;
	p = params_7_3(",3,force", 4, 1024 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 512);
	cr_assert_eq(mem.nareas, 4);
	expect_lines((const char *const[]){ TLB "SWIOTLB bounce buffer size adjusted to 1MB",
					   TLB "mapped [mem 0x0000000048000000-0x0000000048100000] (1MB)", NULL });
	swiotlb_exit(&mem);

	/* 8 areas on -m 192: 192 KiB grows to 8 segments, and the line says the grown size */
	nlogs = 0;
	p = params_7_3(",8", 2, 192 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 1024);
	expect_lines((const char *const[]){ TLB "SWIOTLB bounce buffer size adjusted to 2MB",
					   TLB "mapped [mem 0x0000000048000000-0x0000000048200000] (2MB)", NULL });
	swiotlb_exit(&mem);

	/* noforce: the adjustment is said, then no pool */
	nlogs = 0;
	p = params_7_3("noforce", 2, 1024 * MiB);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_not(is_swiotlb_active(&mem));
	expect_lines((const char *const[]){ TLB "SWIOTLB bounce buffer size adjusted to 1MB", NULL });
}

Test(swiotlb_adjust, six_one_keeps_the_default)
{
	/* the same machine on 6.1: no adjustment asked, no pool without the addressing limit */
	struct swiotlb_params p = params_7_3(NULL, 2, 1024 * MiB);
	p.adjust_size = 0;
	p.addressing_limit = false;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_not(is_swiotlb_active(&mem));
	cr_assert_eq(nlogs, 0);
	/* with swiotlb=force: the default 64 MB */
	p.force = true;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 32768);
	cr_assert_str_eq(logs[0], TLB "area num 2.");
}

/* memblock_alloc_low stand-in: nothing bigger than 1 MiB fits */
static u64 alloc_low_1m(void *ctx, u64 bytes, u64 align)
{
	(void)ctx;
	(void)align;
	return bytes <= MiB ? POOL_BASE : 0;
}

Test(swiotlb_adjust, halving_limits_the_areas)
{
	/* swiotlb=4096,8: 8 MB in 8 areas, halved down to 1 MB: 4 segments, so limit_nareas() leaves 4 areas */
	struct swiotlb_params p = params_7_3("4096,8", 8, 1024 * MiB);
	p.alloc_low = alloc_low_1m;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 512);
	cr_assert_eq(mem.nareas, 4);
	cr_assert_eq(mem.area_nslabs, 128);
	cr_assert_str_eq(logs[nlogs - 2], TLB "SWIOTLB bounce buffer size adjusted 4096 -> 512 slabs");
}

Test(swiotlb_adjust, bad_sizes_change_nothing)
{
	/* an adjustment past any pool is ignored: the default 64 MB stays, nothing is said of it */
	struct swiotlb_params p = params_7_3(NULL, 2, 1024 * MiB);
	p.adjust_size = ~0ULL;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 32768);
	cr_assert_str_eq(logs[0], TLB "area num 2.");
	swiotlb_exit(&mem);
	/* bad parameters: refused before anything is said or made */
	nlogs = 0;
	p = params_7_3(NULL, 2, 1024 * MiB);
	p.base = POOL_BASE + 0x800;
	cr_assert_eq(swiotlb_init(&mem, &p), -EINVAL);
	cr_assert_not(is_swiotlb_active(&mem));
	cr_assert_eq(nlogs, 0);
	cr_assert_eq(swiotlb_init(&mem, NULL), -EINVAL);
}
