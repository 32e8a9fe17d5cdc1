/* swiotlb: Linux 6.1 kernel/dma/swiotlb.c behaviour on a pool in guest memory. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dma/swiotlb.h"

/* Small deterministic generator (portable, unlike rand_r). */
static int next_rand(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (int)((*seed >> 16) & 0x7fff);
}

#define RAM_SIZE (256ULL << 20)
#define POOL_BASE 0x48000000ULL
#define BUF 0x41000000ULL

struct logline {
	int level;
	char dev[32];
	char text[256];
};

static struct guest_mem *gm;
static struct io_tlb_mem mem;
static struct logline logs[64];
static int nlogs;
static u64 now_ns;

static void capture(void *ctx, int level, const struct swiotlb_dev *dev, const char *text)
{
	(void)ctx;
	if (nlogs >= (int)ARRAY_SIZE(logs))
		return;
	logs[nlogs].level = level;
	snprintf(logs[nlogs].dev, sizeof(logs[nlogs].dev), "%s", dev ? dev->name : "");
	snprintf(logs[nlogs].text, sizeof(logs[nlogs].text), "%s", text);
	nlogs++;
}

static u64 clock_fn(void *ctx)
{
	(void)ctx;
	return now_ns;
}

static struct swiotlb_dev nvme = { .name = "0000:00:03.0", .min_align_mask = 0xFFF,
				   .dma_mask = ~0ULL };
static struct swiotlb_dev plain = { .name = "0000:00:02.0", .dma_mask = ~0ULL };

static struct swiotlb_params params(unsigned long nslabs, unsigned int cpus)
{
	struct swiotlb_params p = {
		.nslabs = nslabs, .nr_cpus = cpus, .addressing_limit = true, .verbose = true,
		.gmem = gm, .base = POOL_BASE, .log = capture, .ctx = NULL,
	};
	return p;
}

static void setup(void)
{
	gm = guest_mem_new(VIRT_RAM_BASE, RAM_SIZE);
	cr_assert(gm);
	memset(&mem, 0, sizeof(mem));
	nlogs = 0;
	now_ns = 1000;
}

static void teardown(void)
{
	swiotlb_exit(&mem);
	guest_mem_free(gm);
}

static void init_pool(unsigned long nslabs, unsigned int cpus)
{
	struct swiotlb_params p = params(nslabs, cpus);

	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, nslabs);
	nlogs = 0;
}

static void fill(u64 pa, u8 seed, size_t len)
{
	u8 buf[8192];
	size_t i;

	cr_assert_leq(len, sizeof(buf));
	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed + i * 7);
	cr_assert_eq(guest_mem_write(gm, pa, buf, len), 0);
}

static bool holds(u64 pa, u8 seed, size_t len)
{
	u8 buf[8192];
	size_t i;

	guest_mem_read(gm, pa, buf, len);
	for (i = 0; i < len; i++)
		if (buf[i] != (u8)(seed + i * 7))
			return false;
	return true;
}

static void check_free_lists(void)
{
	unsigned long i;

	for (i = 0; i < mem.nslabs; i++)
		cr_assert_eq(mem.slots[i].list, IO_TLB_SEGSIZE - (i % IO_TLB_SEGSIZE), "slot %lu", i);
	cr_assert_eq(swiotlb_mem_used(&mem), 0);
}

TestSuite(swiotlb, .init = setup, .fini = teardown);

Test(swiotlb, default_pool_64m_and_boot_lines)
{
	struct swiotlb_params p = params(0, 2);

	p.base = VIRT_RAM_BASE + RAM_SIZE - (64ULL << 20);
	cr_assert_eq(swiotlb_size_or_default(&p), 64ULL << 20);
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 32768);
	cr_assert_eq(mem.nareas, 2);
	cr_assert_eq(mem.area_nslabs, 16384);
	cr_assert_eq(mem.end - mem.start, 64ULL << 20);
	cr_assert_eq(swiotlb_max_segment(&mem), 64U << 20);
	cr_assert(is_swiotlb_active(&mem));
	cr_assert_eq(nlogs, 2);
	cr_assert_str_eq(logs[0].text, "software IO TLB: area num 2.");
	cr_assert_str_eq(logs[1].text,
			 "software IO TLB: mapped [mem 0x000000004c000000-0x0000000050000000] (64MB)");
	cr_assert_eq(logs[1].level, SWIOTLB_LOGLEVEL_INFO);
	cr_assert_eq(mem.slots[0].list, 128);
	cr_assert_eq(mem.slots[127].list, 1);
	cr_assert_eq(mem.slots[128].list, 128);
}

Test(swiotlb, cmdline_parse_and_rounding)
{
	struct swiotlb_params p = params(0, 1);

	cr_assert_eq(swiotlb_parse_cmdline("1000", &p), 0);
	cr_assert_eq(p.nslabs, 1024); /* aligned to IO_TLB_SEGSIZE */
	cr_assert_eq(swiotlb_parse_cmdline("3000", &p), 0);
	cr_assert_eq(p.nslabs, 3072);
	cr_assert_eq(swiotlb_size_or_default(&p), 4096ULL << IO_TLB_SHIFT); /* power of two */
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 4096);
	cr_assert_str_eq(logs[1].text, "software IO TLB: SWIOTLB bounce buffer size roundup to 8MB");
	swiotlb_exit(&mem);

	p = params(0, 1);
	cr_assert_eq(swiotlb_parse_cmdline("0x800,3,force", &p), 0);
	cr_assert_eq(p.nslabs, 2048);
	cr_assert_eq(p.nareas, 3);
	cr_assert(p.force);
	nlogs = 0;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nareas, 4); /* rounded up to a power of two */
	cr_assert_eq(mem.area_nslabs, 512);
	cr_assert(mem.force_bounce);
	/* the areas were sized, and said so, while swiotlb= was parsed (6.1.y) */
	cr_assert_str_eq(logs[0].text, "software IO TLB: mapped [mem 0x0000000048000000-0x0000000048400000] (4MB)");
	swiotlb_exit(&mem);
	char lines[2][SWIOTLB_LINE_MAX];
	cr_assert_eq(swiotlb_cmdline_lines(&p, lines), 1);
	cr_assert_str_eq(lines[0], "software IO TLB: area num 4.");
	/* 64 areas of a segment each need 8192 slots: the pool grows, and that is said then too */
	p = params(0, 1);
	swiotlb_parse_cmdline("1024,64,force", &p);
	cr_assert_eq(swiotlb_cmdline_lines(&p, lines), 2);
	cr_assert_str_eq(lines[0], "software IO TLB: area num 64.");
	cr_assert_str_eq(lines[1], "software IO TLB: SWIOTLB bounce buffer size roundup to 16MB");
	/* no area count given: nothing at parse time, swiotlb_init() sizes them from the CPUs */
	p = params(0, 1);
	swiotlb_parse_cmdline("4096,force", &p);
	cr_assert_eq(swiotlb_cmdline_lines(&p, lines), 0);
	/* ",0": one area */
	p = params(0, 1);
	swiotlb_parse_cmdline(",0", &p);
	cr_assert_eq(p.nareas, 1);

	/* too small for 4 areas of a segment each */
	p = params(0, 4);
	swiotlb_parse_cmdline("100", &p);
	cr_assert_eq(p.nslabs, 128);
	cr_assert_eq(swiotlb_size_or_default(&p), 512ULL << IO_TLB_SHIFT);

	p = params(0, 1);
	swiotlb_parse_cmdline("noforce", &p);
	cr_assert(p.noforce);
	cr_assert_eq(p.nslabs, 0);
	cr_assert_eq(swiotlb_parse_cmdline(NULL, &p), -EINVAL);
}

Test(swiotlb, no_pool_without_limit_or_force)
{
	struct swiotlb_params p = params(0, 1);
	u64 r;

	p.addressing_limit = false;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 0);
	cr_assert_not(is_swiotlb_active(&mem));
	cr_assert_eq(nlogs, 0);
	r = swiotlb_tbl_map_single(&mem, &plain, BUF, 64, 64, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(r, DMA_MAPPING_ERROR);
	cr_assert_eq(nlogs, 1);
	cr_assert_str_eq(logs[0].dev, "0000:00:02.0");
	cr_assert_str_eq(logs[0].text, "Can not allocate SWIOTLB buffer earlier and can't now "
				       "provide you with the DMA bounce buffer");

	p = params(0, 1);
	p.force = true;
	p.noforce = true;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	cr_assert_eq(mem.nslabs, 0);
}

Test(swiotlb, init_bad_params)
{
	struct swiotlb_params p = params(1024, 1);

	p.base = POOL_BASE + 0x800;
	cr_assert_eq(swiotlb_init(&mem, &p), -EINVAL);
	p = params(1024, 1);
	p.gmem = NULL;
	cr_assert_eq(swiotlb_init(&mem, &p), -EINVAL);
	p = params(1UL << 20, 1); /* 2 GiB: beyond RAM */
	cr_assert_eq(swiotlb_init(&mem, &p), -ENOMEM);
	cr_assert_eq(mem.nslabs, 0);
	cr_assert_eq(swiotlb_init(NULL, &p), -EINVAL);
}

Test(swiotlb, max_mapping_size)
{
	struct swiotlb_dev d = { .name = "x" };

	cr_assert_eq(swiotlb_max_mapping_size(&d), 256 * 1024);
	cr_assert_eq(swiotlb_max_mapping_size(NULL), 256 * 1024);
	cr_assert_eq(swiotlb_max_mapping_size(&nvme), 256 * 1024 - 4096);
	d.min_align_mask = 0x7FF;
	cr_assert_eq(swiotlb_max_mapping_size(&d), 256 * 1024 - 2048);
	d.min_align_mask = 1;
	cr_assert_eq(swiotlb_max_mapping_size(&d), 256 * 1024 - 2048);
}

Test(swiotlb, slot_math)
{
	u64 a, b, c;

	init_pool(1024, 1);
	a = swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 2049, 2049, 0, DMA_TO_DEVICE, 0);
	c = swiotlb_tbl_map_single(&mem, &plain, BUF, 4096, 4096, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(a, POOL_BASE);
	cr_assert_eq(b, POOL_BASE + 2048);      /* two slots: 1..2 */
	cr_assert_eq(c, POOL_BASE + 4 * 2048);  /* >= PAGE_SIZE: page aligned, slot 4 */
	cr_assert_eq(swiotlb_mem_used(&mem), 5);
	cr_assert_eq(mem.slots[0].list, 0);
	cr_assert_eq(mem.slots[3].list, 1);     /* the hole before c */
	cr_assert_eq(mem.slots[6].list, 122);
	cr_assert_eq(mem.slots[2].alloc_size, 1);
	cr_assert_eq(mem.stats.maps, 3);
	cr_assert_eq(mem.stats.max_used, 5);
	cr_assert(is_swiotlb_buffer(&mem, b));
	cr_assert_not(is_swiotlb_buffer(&mem, POOL_BASE + 1024 * 2048));
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, b, 2049, DMA_TO_DEVICE, 0), 0);
	cr_assert_eq(mem.slots[1].list, 3);     /* merged with the free slot 3 */
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, a, 2048, DMA_TO_DEVICE, 0), 0);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, c, 4096, DMA_TO_DEVICE, 0), 0);
	check_free_lists();
	cr_assert_eq(mem.stats.unmaps, 3);
}

Test(swiotlb, never_crosses_a_segment)
{
	u64 a, b, c;

	init_pool(256, 1);
	a = swiotlb_tbl_map_single(&mem, &plain, BUF, 100 * 2048, 100 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(a, POOL_BASE);
	/* 28 slots stay free at the end of segment 0: a 64-slot map goes to segment 1 */
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 64 * 2048, 64 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(b, POOL_BASE + 128 * 2048);
	c = swiotlb_tbl_map_single(&mem, &plain, BUF, 28 * 2048, 28 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(c, POOL_BASE + 192 * 2048);
	swiotlb_tbl_unmap_single(&mem, &plain, a, 0, DMA_TO_DEVICE, 0);
	swiotlb_tbl_unmap_single(&mem, &plain, b, 0, DMA_TO_DEVICE, 0);
	swiotlb_tbl_unmap_single(&mem, &plain, c, 0, DMA_TO_DEVICE, 0);
	check_free_lists();
	/* more than one segment can never be mapped */
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &plain, BUF, 129 * 2048, 129 * 2048, 0,
					    DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	cr_assert_str_eq(logs[0].text, "swiotlb buffer is full (sz: 264192 bytes), total 256 "
				       "(slots), used 0 (slots)");
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &plain, BUF, 16, 1 << 20, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	cr_assert_str_eq(logs[1].text, "swiotlb buffer is full (sz: 1048576 bytes), total 256 "
				       "(slots), used 0 (slots)");
	cr_assert_eq(mem.stats.full, 2);
}

Test(swiotlb, full_pool_message_and_error)
{
	u64 a, b, r;

	init_pool(128, 1);
	a = swiotlb_tbl_map_single(&mem, &plain, BUF, 64 * 2048, 64 * 2048, 0, DMA_TO_DEVICE, 0);
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 64 * 2048, 64 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_neq(a, DMA_MAPPING_ERROR);
	cr_assert_neq(b, DMA_MAPPING_ERROR);
	r = swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(r, DMA_MAPPING_ERROR);
	cr_assert_eq(nlogs, 1);
	cr_assert_eq(logs[0].level, SWIOTLB_LOGLEVEL_WARNING);
	cr_assert_str_eq(logs[0].dev, "0000:00:02.0");
	cr_assert_str_eq(logs[0].text,
			 "swiotlb buffer is full (sz: 2048 bytes), total 128 (slots), used 128 (slots)");
	cr_assert_eq(mem.stats.full, 1);
	/* DMA_ATTR_NO_WARN fails quietly */
	r = swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE,
				   DMA_ATTR_NO_WARN);
	cr_assert_eq(r, DMA_MAPPING_ERROR);
	cr_assert_eq(nlogs, 1);
	cr_assert_eq(mem.stats.full, 2);
	cr_assert_eq(swiotlb_map(&mem, &plain, BUF, 16, DMA_TO_DEVICE, 0), DMA_MAPPING_ERROR);
	swiotlb_tbl_unmap_single(&mem, &plain, a, 0, DMA_TO_DEVICE, 0);
	r = swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(r, a);
}

Test(swiotlb, full_message_is_ratelimited)
{
	struct swiotlb_params p = params(128, 1);
	u64 a;
	int i;

	p.clock = clock_fn;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	nlogs = 0;
	a = swiotlb_tbl_map_single(&mem, &plain, BUF, 128 * 2048, 128 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(a, POOL_BASE);
	for (i = 0; i < 15; i++)
		swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(nlogs, 10); /* DEFAULT_RATELIMIT_BURST */
	cr_assert_eq(mem.stats.full, 15);
	now_ns += 6ULL * 1000000000ULL;
	swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(nlogs, 12);
	cr_assert_str_eq(logs[10].text, "swiotlb_tbl_map_single: 5 callbacks suppressed");
	cr_assert_str_eq(logs[11].dev, "0000:00:02.0");
}

Test(swiotlb, bounce_to_device)
{
	u64 t;

	init_pool(1024, 1);
	fill(BUF, 1, 3000);
	t = swiotlb_tbl_map_single(&mem, &plain, BUF, 3000, 3000, 0, DMA_TO_DEVICE, 0);
	cr_assert(holds(t, 1, 3000));
	cr_assert_eq(mem.stats.bounces_to_device, 1);
	cr_assert_eq(mem.stats.bounce_bytes_to_device, 3000);
	/* the device scribbles; TO_DEVICE never copies back */
	fill(t, 99, 3000);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, t, 3000, DMA_TO_DEVICE, 0), 0);
	cr_assert(holds(BUF, 1, 3000));
	cr_assert_eq(mem.stats.bounces_from_device, 0);
}

Test(swiotlb, bounce_from_device)
{
	u64 t;

	init_pool(1024, 1);
	fill(BUF, 5, 5000);
	t = swiotlb_tbl_map_single(&mem, &plain, BUF, 5000, 5000, 0, DMA_FROM_DEVICE, 0);
	/* 6.1 copies in even for FROM_DEVICE, so no stale pool data leaks */
	cr_assert(holds(t, 5, 5000));
	fill(t, 42, 5000);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, t, 5000, DMA_FROM_DEVICE, 0), 0);
	cr_assert(holds(BUF, 42, 5000));
	cr_assert_eq(mem.stats.bounce_bytes_from_device, 5000);

	/* DMA_ATTR_SKIP_CPU_SYNC skips the copy back */
	fill(BUF, 5, 100);
	t = swiotlb_tbl_map_single(&mem, &plain, BUF, 100, 100, 0, DMA_FROM_DEVICE, 0);
	fill(t, 77, 100);
	swiotlb_tbl_unmap_single(&mem, &plain, t, 100, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
	cr_assert(holds(BUF, 5, 100));
}

Test(swiotlb, bounce_bidirectional)
{
	u64 t;

	init_pool(1024, 1);
	fill(BUF + 0x100, 9, 700);
	t = swiotlb_map(&mem, &plain, BUF + 0x100, 700, DMA_BIDIRECTIONAL, 0);
	cr_assert(holds(t, 9, 700));
	fill(t, 10, 700);
	swiotlb_tbl_unmap_single(&mem, &plain, t, 700, DMA_BIDIRECTIONAL, 0);
	cr_assert(holds(BUF + 0x100, 10, 700));
	cr_assert_eq(mem.stats.bounces_to_device, 1);
	cr_assert_eq(mem.stats.bounces_from_device, 1);
}

Test(swiotlb, sync_directions)
{
	u64 t;

	init_pool(1024, 1);
	fill(BUF, 1, 512);
	t = swiotlb_tbl_map_single(&mem, &plain, BUF, 512, 512, 0, DMA_BIDIRECTIONAL, 0);
	/* for_cpu: FROM_DEVICE and BIDIRECTIONAL copy the pool out; TO_DEVICE does not */
	fill(t, 2, 512);
	cr_assert_eq(swiotlb_sync_single_for_cpu(&mem, &plain, t, 512, DMA_TO_DEVICE), 0);
	cr_assert(holds(BUF, 1, 512));
	cr_assert_eq(swiotlb_sync_single_for_cpu(&mem, &plain, t, 512, DMA_FROM_DEVICE), 0);
	cr_assert(holds(BUF, 2, 512));
	/* for_device: TO_DEVICE and BIDIRECTIONAL copy in; FROM_DEVICE does not */
	fill(BUF, 3, 512);
	cr_assert_eq(swiotlb_sync_single_for_device(&mem, &plain, t, 512, DMA_FROM_DEVICE), 0);
	cr_assert(holds(t, 2, 512));
	cr_assert_eq(swiotlb_sync_single_for_device(&mem, &plain, t, 512, DMA_BIDIRECTIONAL), 0);
	cr_assert(holds(t, 3, 512));
	/* a partial sync inside the mapping moves only that part */
	fill(t + 256, 4, 256);
	cr_assert_eq(swiotlb_sync_single_for_cpu(&mem, &plain, t + 256, 256, DMA_BIDIRECTIONAL), 0);
	cr_assert(holds(BUF + 256, 4, 256));
	cr_assert(holds(BUF, 3, 256));
	/* DMA_NONE is a BUG() in Linux */
	cr_assert_eq(swiotlb_sync_single_for_cpu(&mem, &plain, t, 512, DMA_NONE), -EINVAL);
	cr_assert_eq(swiotlb_sync_single_for_device(&mem, &plain, t, 512, DMA_NONE), -EINVAL);
}

Test(swiotlb, sync_clamps_overflow_with_warning)
{
	u64 t;

	init_pool(1024, 1);
	fill(BUF, 1, 4096);
	t = swiotlb_tbl_map_single(&mem, &plain, BUF, 100, 100, 0, DMA_BIDIRECTIONAL, 0);
	fill(t, 8, 200);
	cr_assert_eq(swiotlb_sync_single_for_cpu(&mem, &plain, t, 200, DMA_FROM_DEVICE), 0);
	cr_assert(holds(BUF, 8, 100));
	cr_assert(holds(BUF + 100, (u8)(1 + 100 * 7), 100)); /* past the mapping: untouched */
	cr_assert_str_eq(logs[0].text,
			 "Buffer overflow detected. Allocation size: 100. Mapping size: 200.");
	swiotlb_sync_single_for_cpu(&mem, &plain, t, 200, DMA_FROM_DEVICE);
	cr_assert_eq(nlogs, 1); /* dev_WARN_ONCE */
}

Test(swiotlb, min_align_mask_keeps_offset)
{
	u64 orig = BUF + 0xa30, t, t2;

	init_pool(1024, 1);
	fill(orig, 3, 600);
	t = swiotlb_tbl_map_single(&mem, &nvme, orig, 600, 600, 0, DMA_TO_DEVICE, 0);
	cr_assert_neq(t, DMA_MAPPING_ERROR);
	cr_assert_eq(t & 0xFFF, orig & 0xFFF);
	cr_assert(holds(t, 3, 600));
	t2 = swiotlb_tbl_map_single(&mem, &nvme, BUF + 0x230, 600, 600, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(t2 & 0xFFF, 0x230);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &nvme, t, 600, DMA_TO_DEVICE, 0), 0);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &nvme, t2, 600, DMA_TO_DEVICE, 0), 0);
	check_free_lists();
}

Test(swiotlb, alloc_align_mask)
{
	u64 a, b;

	init_pool(1024, 1);
	a = swiotlb_tbl_map_single(&mem, &plain, BUF, 100, 100, 0, DMA_TO_DEVICE, 0);
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 100, 100, 0x3FFF, DMA_TO_DEVICE, 0);
	cr_assert_eq(a, POOL_BASE);
	cr_assert_eq(b, POOL_BASE + 0x4000);
}

Test(swiotlb, segment_boundary_mask)
{
	struct swiotlb_dev d = { .name = "d", .seg_boundary_mask = 0xFFFF, .dma_mask = ~0ULL };
	u64 a, b;

	init_pool(1024, 1);
	a = swiotlb_tbl_map_single(&mem, &d, BUF, 40960, 40960, 0, DMA_TO_DEVICE, 0);
	b = swiotlb_tbl_map_single(&mem, &d, BUF, 40960, 40960, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(a, POOL_BASE);
	cr_assert_eq(b, POOL_BASE + 0x10000); /* not across the 64K boundary */
	d.seg_boundary_mask = 0x12345; /* not 2^n - 1: Linux BUG()s */
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &d, BUF, 100, 100, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
}

Test(swiotlb, areas_follow_the_cpu)
{
	u64 a, b;

	init_pool(1024, 4);
	cr_assert_eq(mem.nareas, 4);
	cr_assert_eq(mem.area_nslabs, 256);
	cr_assert_eq(swiotlb_set_cpu(&mem, 2), 0);
	a = swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(a, POOL_BASE + 512 * 2048);
	cr_assert_eq(mem.areas[2].used, 1);
	/* 256K, page aligned: 514.. has only 126 free in its segment, so 640 */
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 128 * 2048, 128 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(b, POOL_BASE + 640 * 2048);
	/* 127 page-aligned slots no longer fit in area 2: the search moves on to area 3 */
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 127 * 2048, 127 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(b, POOL_BASE + 768 * 2048);
	cr_assert_eq(mem.areas[3].used, 127);
	/* a single slot still fits in area 2, right after the first map */
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(b, POOL_BASE + 513 * 2048);
	cr_assert_eq(swiotlb_set_cpu(&mem, 7), 0); /* 7 & 3 = area 3, searched from its index */
	b = swiotlb_tbl_map_single(&mem, &plain, BUF, 2048, 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(b, POOL_BASE + 895 * 2048);
}

Test(swiotlb, map_checks_dma_mask)
{
	struct swiotlb_dev d = { .name = "lim", .dma_mask = DMA_BIT_MASK(30) };
	u64 r;

	init_pool(1024, 1);
	r = swiotlb_map(&mem, &d, BUF, 64, DMA_TO_DEVICE, 0);
	cr_assert_eq(r, DMA_MAPPING_ERROR);
	cr_assert_eq(swiotlb_mem_used(&mem), 0);
	cr_assert_str_eq(logs[0].text, "swiotlb addr 0x0000000048000000+64 overflow "
				       "(mask 3fffffff, bus limit 0).");
	d.dma_mask = DMA_BIT_MASK(32);
	r = swiotlb_map(&mem, &d, BUF, 64, DMA_TO_DEVICE, 0);
	cr_assert_eq(r, POOL_BASE + 2048); /* the area's search index moved on */
	d.bus_dma_limit = 0x47FFFFFF;
	cr_assert_eq(swiotlb_map(&mem, &d, BUF, 64, DMA_TO_DEVICE, 0), DMA_MAPPING_ERROR);
}

Test(swiotlb, bad_arguments)
{
	u64 t;

	init_pool(1024, 1);
	/* zero size: a BUG_ON in Linux */
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &plain, BUF, 0, 0, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	cr_assert_eq(swiotlb_tbl_map_single(&mem, NULL, BUF, 8, 8, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &plain, BUF, 8, 8, 0, 9, 0), DMA_MAPPING_ERROR);
	cr_assert_eq(swiotlb_tbl_map_single(NULL, &plain, BUF, 8, 8, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	/* mapping larger than allocation: warned once */
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &plain, BUF, 10, 5, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &plain, BUF, 10, 5, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	cr_assert_eq(nlogs, 1);
	cr_assert_str_eq(logs[0].text, "Invalid sizes (mapping: 10 bytes, alloc: 5 bytes)");
	/* the original buffer is not RAM: nothing stays allocated */
	cr_assert_eq(swiotlb_tbl_map_single(&mem, &plain, 0x1000, 64, 64, 0, DMA_TO_DEVICE, 0),
		     DMA_MAPPING_ERROR);
	cr_assert_eq(swiotlb_mem_used(&mem), 0);
	cr_assert_eq(mem.stats.maps, 0);

	/* unmapping what is not a live mapping */
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, BUF, 8, DMA_TO_DEVICE, 0), -EINVAL);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, POOL_BASE, 8, DMA_TO_DEVICE, 0),
		     -EINVAL);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, mem.end, 8, DMA_TO_DEVICE, 0), -EINVAL);
	t = swiotlb_tbl_map_single(&mem, &plain, BUF, 3 * 2048, 3 * 2048, 0, DMA_TO_DEVICE, 0);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, t + 2048, 8, DMA_TO_DEVICE, 0),
		     -EINVAL); /* middle of a mapping */
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, t, 8, DMA_TO_DEVICE, 0), 0);
	cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, t, 8, DMA_TO_DEVICE, 0), -EINVAL);
	cr_assert_eq(swiotlb_tbl_unmap_single(NULL, &plain, t, 8, DMA_TO_DEVICE, 0), -EINVAL);
	check_free_lists();
	/* syncing outside a mapping */
	cr_assert_eq(swiotlb_sync_single_for_cpu(&mem, &plain, t, 8, DMA_FROM_DEVICE), -EINVAL);
	cr_assert_eq(swiotlb_sync_single_for_device(&mem, &plain, BUF, 8, DMA_TO_DEVICE), -EINVAL);
	cr_assert_gt(mem.stats.errors, 8);
}

Test(swiotlb, random_map_unmap_keeps_lists)
{
	enum { N = 64 };
	u64 live[N] = { 0 };
	unsigned int seed = 7;
	int i;

	init_pool(2048, 2);
	fill(BUF, 0, 8192);
	for (i = 0; i < 5000; i++) {
		int k = next_rand(&seed) % N;

		swiotlb_set_cpu(&mem, (unsigned int)i & 1);
		if (live[k]) {
			cr_assert_eq(swiotlb_tbl_unmap_single(&mem, &plain, live[k], 0,
							      DMA_TO_DEVICE, 0), 0);
			live[k] = 0;
		} else {
			size_t sz = (size_t)(next_rand(&seed) % (64 * 1024)) + 1;
			u64 t = swiotlb_tbl_map_single(&mem, &plain, BUF, 0, sz, 0,
						       DMA_TO_DEVICE, 0);

			if (t != DMA_MAPPING_ERROR) {
				unsigned long idx = (t - mem.start) >> IO_TLB_SHIFT;

				/* within one segment */
				cr_assert_eq(idx / IO_TLB_SEGSIZE,
					     (idx + (sz + 2047) / 2048 - 1) / IO_TLB_SEGSIZE);
				live[k] = t;
			}
		}
	}
	for (i = 0; i < N; i++)
		if (live[i])
			swiotlb_tbl_unmap_single(&mem, &plain, live[i], 0, DMA_TO_DEVICE, 0);
	check_free_lists();
}

/* memblock_alloc_low stand-in: nothing bigger than fit_bytes fits */
static u64 fit_bytes;
static int alloc_calls;

static u64 alloc_low_fits(void *ctx, u64 bytes, u64 align)
{
	(void)ctx;
	alloc_calls++;
	cr_assert_eq(align, 4096, "PAGE_SIZE alignment");
	return bytes <= fit_bytes ? POOL_BASE : 0;
}

Test(swiotlb, init_halves_the_pool_until_it_fits)
{
	struct swiotlb_params p = params(0, 2);

	p.alloc_low = alloc_low_fits;
	fit_bytes = 16ULL << 20;
	alloc_calls = 0;
	cr_assert_eq(swiotlb_init(&mem, &p), 0);
	/* 64 MiB and 32 MiB fail, 16 MiB fits: 6.1.y's swiotlb_init_remap() loop */
	cr_assert_eq(alloc_calls, 3);
	cr_assert_eq(mem.nslabs, 8192);
	cr_assert_eq(mem.start, POOL_BASE);
	cr_assert_eq(mem.nareas, 2, "the areas stay default_nareas");
	cr_assert_eq(nlogs, 5);
	cr_assert_str_eq(logs[0].text, "software IO TLB: area num 2.");
	cr_assert_str_eq(logs[1].text, "software IO TLB: swiotlb_memblock_alloc: Failed to allocate 67108864 bytes tlb structure");
	cr_assert_str_eq(logs[2].text, "software IO TLB: swiotlb_memblock_alloc: Failed to allocate 33554432 bytes tlb structure");
	cr_assert_str_eq(logs[3].text, "software IO TLB: SWIOTLB bounce buffer size adjusted 32768 -> 8192 slabs");
	cr_assert_str_eq(logs[4].text, "software IO TLB: mapped [mem 0x0000000048000000-0x0000000049000000] (16MB)");
}

Test(swiotlb, init_gives_up_below_one_mib)
{
	struct swiotlb_params p = params(0, 1);

	p.alloc_low = alloc_low_fits;
	fit_bytes = 0;
	alloc_calls = 0;
	cr_assert_eq(swiotlb_init(&mem, &p), 0, "no pool is not an error");
	cr_assert(!is_swiotlb_active(&mem));
	/* 64, 32, 16, 8, 4, 2, 1 MiB: IO_TLB_MIN_SLABS is the last try */
	cr_assert_eq(alloc_calls, 7);
	cr_assert_str_eq(logs[nlogs - 1].text, "software IO TLB: swiotlb_memblock_alloc: Failed to allocate 1048576 bytes tlb structure");
}
