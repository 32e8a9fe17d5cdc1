/*
 * Where Linux 6.1 on arm64 puts its early allocations, so the CMA area and
 * the swiotlb pool land where real Linux puts them.
 *
 * The rule (read in the memblock=debug log of the reference guest):
 * memblock allocates top-down, each request taking the highest free range
 * of RAM that fits under its limit, at its alignment. Before the CMA area
 * come the kernel's page tables (a table per 2 MiB and per 1 GiB of RAM:
 * the linear map is mapped page by page), the unflattened DT, NUMA and
 * sparsemem data, and the memmap (64 bytes a page, 2 MiB aligned). CMA
 * takes 64 MiB, 2 MiB aligned, the highest that fits under the DMA zone's
 * end. Then come the per-CPU first chunk (30 pages a CPU) and the dentry
 * and inode hash tables, which fill the gap the memmap's alignment left
 * when they fit and go under the CMA area when they do not; the swiotlb
 * pool (memblock_alloc_low) goes under whatever is lowest.
 *
 * Each allocation is data: its size as a function of RAM, CPUs and the DT,
 * its alignment, and the Linux allocation it stands for.
 */
#include <errno.h>
#include <stdlib.h>
#include <libfdt.h>
#include <string.h>
#include "init/early_memory.h"
#include "dma/mapping.h"
#include "hw/mem.h"
#include "hw/system.h"
#include "machine/machine.h"

#define SMP_CACHE_BYTES 64ULL
#define SECTION_SIZE (1ULL << 27)		/* SECTION_SIZE_BITS: 128 MiB */
#define SECTIONS_PER_ROOT 256ULL		/* PAGE_SIZE / sizeof(struct mem_section) */
#define STRUCT_PAGE_SIZE 64ULL			/* sizeof(struct page) */
#define SZ_1M (1ULL << 20)

/*
 * The reference guest as QEMU 7.2 loads it (hw/arm/boot.c) and as Debian's
 * 6.1.0 cloud kernel lays itself out (its memblock=debug log):
 * - the Image goes 2 MiB into RAM (its text_offset is 0); memblock reserves
 *   [_stext, _end), and paging_init() gives init_pg_dir back;
 * - the initrd goes at RAM + min(RAM / 2, 128 MiB), above the Image; the
 *   oracle's initramfs (busybox, the init, the probes, the run's script)
 *   takes 0x1f1000 bytes;
 * - the DTB goes at the next 2 MiB boundary after the initrd; virt's blob
 *   is 1 MiB (its fdt_totalsize) and setup_machine_fdt() reserves it;
 * - the command line is the oracle's console options, then -append.
 */
#define KERNEL_LOAD_OFFSET SZ_2M
#define KERNEL_IMAGE_SIZE 0x1aa0000ULL		/* _end - _text: the Image header's image_size */
#define KERNEL_STEXT_OFFSET 0x10000ULL		/* _stext - _text */
#define KERNEL_INIT_PG_DIR_OFFSET 0x1a8d000ULL	/* init_pg_dir - _text */
#define KERNEL_INIT_PG_DIR_SIZE 0x5000ULL
#define REFERENCE_INITRD_SIZE 0x1f1000ULL
#define QEMU_INITRD_MAX_OFFSET (128 * SZ_1M)
#define QEMU_VIRT_DTB_SIZE SZ_1M
#define REFERENCE_CONSOLE_CMDLINE "console=ttyAMA0 panic=-1 quiet loglevel=7"

/* What the sizes depend on */
struct early_ctx {
	const struct early_mm *mm;
	u64 nsections;			/* present memory sections */
	u64 nroots;			/* mem_section roots they fall in */
	u64 dt_unflattened;		/* unflatten_device_tree()'s allocation */
	u64 cmdline_len;		/* strlen(boot_command_line) */
	u64 log_buf_len;		/* setup_log_buf()'s new buffer, 0 when it keeps the static one */
	u64 dhash_bytes, ihash_bytes;	/* the dentry and inode hash tables */
};

enum early_op {
	EARLY_ALLOC,			/* memblock_alloc_try_nid(size, align, 0, accessible) */
	EARLY_ALLOC_BELOW_MAX_PFN,	/* memblock_phys_alloc_range(size, align, 0, PFN_PHYS(max_pfn)) */
	EARLY_ALLOC_PGDAT_SECTION,	/* first within NODE_DATA's memory section */
	EARLY_FREE,			/* memblock_free() of the allocation with the same tag */
};

struct early_alloc {
	const char *site;		/* the Linux allocation it stands for */
	enum early_op op;
	u64 size;			/* bytes, when size_of is NULL */
	u64 (*size_of)(const struct early_ctx *c);
	u64 align;
	u64 count;			/* how many of them, when count_of is NULL (0: one) */
	u64 (*count_of)(const struct early_ctx *c);
	int tag;			/* non-zero: what a later EARLY_FREE names */
};

/* allocations a later step refers to */
enum { TAG_NODE_DATA = 1, TAG_PCPU_AI, TAG_PCPU_AREAS, NR_TAGS };
_Static_assert(NR_TAGS <= ARRAY_SIZE(((struct early_mm *)0)->tags), "early_mm keeps every tag");

static u64 blocks_covered(u64 start, u64 end, u64 block)
{
	return end > start ? (end - 1) / block - start / block + 1 : 0;
}

/* map_mem() maps the linear map page by page (rodata=full): a PTE table per 2 MiB, a PMD table per 1 GiB */
static u64 n_linear_map_tables(const struct early_ctx *c)
{
	return blocks_covered(c->mm->ram_base, c->mm->ram_end, SZ_2M) +
	       blocks_covered(c->mm->ram_base, c->mm->ram_end, SZ_1G);
}
static u64 n_section_roots(const struct early_ctx *c) { return c->nroots; }
static u64 dt_bytes(const struct early_ctx *c) { return c->dt_unflattened; }
/* sizeof(struct mem_section_usage) + usemap_size() per present section */
static u64 usemap_bytes(const struct early_ctx *c) { return 56 * c->nsections; }
/* section_map_size(): 32768 struct pages, PMD aligned, per present section */
static u64 memmap_bytes(const struct early_ctx *c) { return SZ_2M * c->nsections; }

/*
 * setup_arch() .. bootmem_init(), in order, up to dma_contiguous_reserve(),
 * with the sizes of Debian's 6.1 cloud kernel (4 KiB pages, 48-bit VA,
 * NUMA with NODES_SHIFT 4, SPARSEMEM_VMEMMAP, rodata=full).
 */
static const struct early_alloc setup_arch_allocs[] = {
	{ .site = "paging_init: map_kernel(), map_mem()", .size = SZ_4K, .align = SZ_4K,
	  .count_of = n_linear_map_tables },
	/* paging_init() gives init_pg_dir back here */
	{ .site = "paging_init: create_idmap()", .size = SZ_4K, .align = SZ_4K, .count = 4 },
	{ .site = "unflatten_device_tree", .size_of = dt_bytes, .align = 8 },
	/* nr_node_ids is still MAX_NUMNODES: a 16 x 16 table */
	{ .site = "numa_alloc_distance", .op = EARLY_ALLOC_BELOW_MAX_PFN, .size = 256, .align = SZ_4K },
	{ .site = "alloc_node_data: NODE_DATA(0)", .size = 11392, .align = SMP_CACHE_BYTES, .tag = TAG_NODE_DATA },
	/* sizeof(struct mem_section *) * NR_SECTION_ROOTS */
	{ .site = "sparse_init: mem_section", .size = 65536, .align = SMP_CACHE_BYTES },
	{ .site = "sparse_index_alloc", .size = 4096, .align = SMP_CACHE_BYTES, .count_of = n_section_roots },
	{ .site = "sparse_early_usemaps_alloc_pgdat_section", .op = EARLY_ALLOC_PGDAT_SECTION,
	  .size_of = usemap_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "sparse_buffer_init: memmap_alloc", .size_of = memmap_bytes, .align = SZ_2M },
	/* the memmap is mapped with 2 MiB blocks: a PUD and a PMD table */
	{ .site = "vmemmap_populate", .size = SZ_4K, .align = SZ_4K, .count = 2 },
};
#define PAGING_INIT_ALLOCS 1	/* the allocations before init_pg_dir goes back */

static u64 cmdline_bytes(const struct early_ctx *c) { return c->cmdline_len + 1; }
/* struct pcpu_alloc_info with one group, then a cpu_map entry a unit, in whole pages */
static u64 pcpu_ai_bytes(const struct early_ctx *c) { return ALIGN_UP(88 + 4ULL * c->mm->nr_cpus, SZ_4K); }
/* 30 pages a CPU: s85864 r8192 d28824 u122880 for this kernel */
static u64 pcpu_chunk_bytes(const struct early_ctx *c) { return 122880ULL * c->mm->nr_cpus; }
static u64 pcpu_unit_map_bytes(const struct early_ctx *c) { return 4ULL * c->mm->nr_cpus; }
static u64 pcpu_unit_off_bytes(const struct early_ctx *c) { return 8ULL * c->mm->nr_cpus; }
static u64 log_buf_bytes(const struct early_ctx *c) { return c->log_buf_len; }
/* PRB_AVGBITS 5: a struct prb_desc (24 bytes) and a struct printk_info (88) per 32 bytes of text */
static u64 log_descs_bytes(const struct early_ctx *c) { return (c->log_buf_len >> 5) * 24; }
static u64 log_infos_bytes(const struct early_ctx *c) { return (c->log_buf_len >> 5) * 88; }
static u64 dhash(const struct early_ctx *c) { return c->dhash_bytes; }
static u64 ihash(const struct early_ctx *c) { return c->ihash_bytes; }

/*
 * start_kernel() from setup_command_line() to mm_init(). The per-CPU
 * bookkeeping's sizes follow the unit size, except the CPU maps; the log
 * buffer grows past 17 CPUs (log_buf_add_cpu()); LOG_ALIGN is 8.
 */
static const struct early_alloc start_kernel_allocs[] = {
	{ .site = "setup_command_line: saved_command_line", .size_of = cmdline_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "setup_command_line: static_command_line", .size_of = cmdline_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_build_alloc_info: pcpu_alloc_alloc_info", .size_of = pcpu_ai_bytes, .align = SZ_4K,
	  .tag = TAG_PCPU_AI },
	{ .site = "pcpu_embed_first_chunk: areas", .size = SZ_4K, .align = SMP_CACHE_BYTES, .tag = TAG_PCPU_AREAS },
	{ .site = "pcpu_fc_alloc: the first chunk", .size_of = pcpu_chunk_bytes, .align = SZ_4K },
	{ .site = "pcpu_setup_first_chunk: group_offsets", .size = 8, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_setup_first_chunk: group_sizes", .size = 8, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_setup_first_chunk: unit_map", .size_of = pcpu_unit_map_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_setup_first_chunk: unit_off", .size_of = pcpu_unit_off_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_setup_first_chunk: pcpu_chunk_lists", .size = 288, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: static chunk", .size = 144, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: static alloc_map", .size = 384, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: static bound_map", .size = 392, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: static md_blocks", .size = 96, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: dynamic chunk", .size = 144, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: dynamic alloc_map", .size = 1024, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: dynamic bound_map", .size = 1032, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_alloc_first_chunk: dynamic md_blocks", .size = 256, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_free_alloc_info", .op = EARLY_FREE, .tag = TAG_PCPU_AI },
	{ .site = "pcpu_embed_first_chunk: areas", .op = EARLY_FREE, .tag = TAG_PCPU_AREAS },
	{ .site = "setup_log_buf: text", .size_of = log_buf_bytes, .align = 8 },
	{ .site = "setup_log_buf: descriptors", .size_of = log_descs_bytes, .align = 8 },
	{ .site = "setup_log_buf: infos", .size_of = log_infos_bytes, .align = 8 },
	{ .site = "dcache_init_early: Dentry cache hash table", .size_of = dhash, .align = SMP_CACHE_BYTES },
	{ .site = "inode_init_early: Inode-cache hash table", .size_of = ihash, .align = SMP_CACHE_BYTES },
};

static void run_allocs(struct memblock *mb, const struct early_ctx *c, const struct early_alloc *t,
		       size_t n, struct tagged *tags)
{
	for (size_t i = 0; i < n; i++) {
		const struct early_alloc *a = &t[i];
		if (a->op == EARLY_FREE) {
			if (a->tag > 0 && a->tag < NR_TAGS && tags[a->tag].addr) {
				memblock_phys_free(mb, tags[a->tag].addr, tags[a->tag].size);
				tags[a->tag].addr = 0;
			}
			continue;
		}
		u64 size = a->size_of ? a->size_of(c) : a->size;
		u64 count = a->count_of ? a->count_of(c) : a->count ? a->count : 1;
		for (u64 j = 0; j < count && size; j++) {
			u64 addr = 0;
			switch (a->op) {
			case EARLY_ALLOC_BELOW_MAX_PFN:
				addr = memblock_alloc_range_nid(mb, size, a->align, 0, c->mm->ram_end);
				break;
			case EARLY_ALLOC_PGDAT_SECTION: {
				/* within the section NODE_DATA sits in, then without that limit */
				u64 goal = ALIGN_DOWN(tags[TAG_NODE_DATA].addr, SECTION_SIZE);
				addr = memblock_alloc_try_nid(mb, size, a->align, goal, goal + SECTION_SIZE);
				if (!addr)
					addr = memblock_alloc_try_nid(mb, size, a->align, goal, MEMBLOCK_ALLOC_ACCESSIBLE);
				break;
			}
			default:
				addr = memblock_alloc(mb, size, a->align);
				break;
			}
			if (addr && a->tag > 0 && a->tag < NR_TAGS)
				tags[a->tag] = (struct tagged){ addr, size };
		}
	}
}

/*
 * unflatten_dt_nodes()'s first pass: a struct device_node (208 bytes) and
 * the node's name per node, a struct property (96 bytes) per property, and
 * a made-up "name" property for nodes without one, each 8-byte aligned.
 * The DT is the one the kernel gets: QEMU adds bootargs, the initrd's
 * place and (on its own virt DT) kaslr-seed to /chosen, and the kernel
 * nops the rng-seed it consumed.
 */
#define DT_NODE_SIZE 208ULL
#define DT_PROPERTY_SIZE 96ULL

static u64 dt_unflattened_size(const void *fdt, bool board_dt)
{
	u64 mem = 0;
	int depth = 0;
	if (!fdt || fdt_check_header(fdt))
		return 0;
	int chosen = fdt_path_offset(fdt, "/chosen");
	for (int off = 0; off >= 0 && depth >= 0; off = fdt_next_node(fdt, off, &depth)) {
		int len;
		const char *name = fdt_get_name(fdt, off, &len);
		if (!name)
			break;
		mem = ALIGN_UP(mem, 8) + DT_NODE_SIZE + (u64)len + 1;
		bool has_name = false;
		int prop;
		fdt_for_each_property_offset(prop, fdt, off) {
			const char *pname;
			if (!fdt_getprop_by_offset(fdt, prop, &pname, NULL) || !pname)
				continue;
			if (off == chosen && !strcmp(pname, "rng-seed"))
				continue;
			if (!strcmp(pname, "name"))
				has_name = true;
			mem = ALIGN_UP(mem, 8) + DT_PROPERTY_SIZE;
		}
		if (!has_name) {
			const char *at = strchr(name, '@');
			u64 unit = at ? (u64)(at - name) : strlen(name);
			mem = ALIGN_UP(mem, 8) + DT_PROPERTY_SIZE + unit + 1;
		}
		if (off == chosen) {
			unsigned added = 0;
			if (!fdt_getprop(fdt, off, "bootargs", NULL))
				added++;
			if (!fdt_getprop(fdt, off, "linux,initrd-start", NULL))
				added += 2;
			if (board_dt && !fdt_getprop(fdt, off, "kaslr-seed", NULL))
				added++;
			mem = ALIGN_UP(mem, 8) + added * DT_PROPERTY_SIZE;
		}
	}
	return ALIGN_UP(mem, 4) + 4;
}

static u64 roundup_pow2(u64 x)
{
	u64 r = 1;
	while (r < x)
		r <<= 1;
	return r;
}

static unsigned ilog2_u64(u64 x)
{
	return x ? 63u - (unsigned)__builtin_clzll(x) : 0;
}

/* alloc_large_system_hash() for a HASH_EARLY table of 8-byte buckets */
static u64 large_system_hash_bytes(const struct early_mm *mm, int scale)
{
	const u64 bucketsize = 8;
	u64 numentries = ALIGN_UP(mm->nr_kernel_pages, SZ_1M / SZ_4K);
	/* ADAPT_SCALE_BASE (64 GiB), ADAPT_SCALE_SHIFT 2 */
	for (u64 adapt = (64ULL << 30) / SZ_4K; adapt < numentries; adapt <<= 2)
		scale++;
	if (scale > 12)
		numentries >>= scale - 12;
	else
		numentries <<= 12 - scale;
	if (numentries * bucketsize < SZ_4K)
		numentries = SZ_4K / bucketsize;
	numentries = roundup_pow2(numentries);
	/* at most 1/16 of memory */
	u64 max = MIN((mm->nr_all_pages * SZ_4K >> 4) / bucketsize, 0x80000000ULL);
	if (numentries > max)
		numentries = max;
	return bucketsize << ilog2_u64(numentries);
}

/*
 * free_area_init(): each zone's pages less its memmap count towards
 * nr_kernel_pages, which sizes the hash tables.
 */
static void count_zone_pages(struct early_mm *mm)
{
	/* ZONE_DMA, ZONE_DMA32, ZONE_NORMAL: each ends at its limit, or where the one below ends */
	u64 ends[] = { mm->dma_phys_limit, mm->dma32_phys_limit, mm->ram_end };
	u64 lo = mm->ram_base;
	mm->nr_kernel_pages = mm->nr_all_pages = 0;
	for (int z = 0; z < 3; z++) {
		u64 hi = MIN(MAX(ends[z], lo), mm->ram_end);
		u64 zone_lo = lo;
		lo = hi;
		if (hi <= zone_lo)
			continue;
		u64 pages = (hi - zone_lo) / SZ_4K;
		u64 memmap = ALIGN_UP(pages * STRUCT_PAGE_SIZE, SZ_4K) / SZ_4K;
		u64 freesize = pages >= memmap ? pages - memmap : pages;
		mm->nr_kernel_pages += freesize;
		mm->nr_all_pages += freesize;
	}
}

/* log_buf_add_cpu(): 4 KiB more a CPU past the first, once that passes half the static 128 KiB */
static u64 log_buf_len_for(unsigned nr_cpus)
{
	const u64 static_len = 1ULL << 17, cpu_max = 1ULL << 12;
	if (nr_cpus <= 1)
		return 0;
	u64 extra = (u64)(nr_cpus - 1) * cpu_max;
	if (extra <= static_len / 2)
		return 0;
	return roundup_pow2(MIN(extra + static_len, 1ULL << 31));
}

static void early_ctx_init(struct early_ctx *c, struct kernel *k, const struct early_mm *mm)
{
	const struct machine *m = k->machine;
	memset(c, 0, sizeof(*c));
	c->mm = mm;
	c->nsections = blocks_covered(mm->ram_base, mm->ram_end, SECTION_SIZE);
	c->nroots = blocks_covered(mm->ram_base, mm->ram_end, SECTION_SIZE * SECTIONS_PER_ROOT);
	c->dt_unflattened = dt_unflattened_size(k->fdt, m && m->gic_version);
	const char *append = m && m->append ? m->append : "";
	c->cmdline_len = strlen(REFERENCE_CONSOLE_CMDLINE) + (*append ? 1 + strlen(append) : 0);
	c->log_buf_len = log_buf_len_for(mm->nr_cpus);
	c->dhash_bytes = large_system_hash_bytes(mm, 13);
	c->ihash_bytes = large_system_hash_bytes(mm, 14);
}

int early_memory_setup_arch(struct kernel *k, struct memblock *mb, struct early_mm *mm)
{
	struct hw_system *hw = k->hw;
	memset(mm, 0, sizeof(*mm));
	memblock_init(mb);
	if (!hw || !hw->mem || !guest_mem_size(hw->mem))
		return -ENOMEM;
	mm->ram_base = guest_mem_base(hw->mem);
	mm->ram_end = mm->ram_base + guest_mem_size(hw->mem);
	mm->nr_cpus = k->nr_cpu_ids ? k->nr_cpu_ids : 1;
	if (memblock_add(mb, mm->ram_base, mm->ram_end - mm->ram_base))
		return -ENOMEM;

	/* where QEMU put the Image, the initrd and the DTB, reserved by setup_arch() */
	u64 text = mm->ram_base + KERNEL_LOAD_OFFSET;
	u64 image_end = text + KERNEL_IMAGE_SIZE;
	u64 ram_size = mm->ram_end - mm->ram_base;
	u64 initrd = ALIGN_UP(MAX(mm->ram_base + MIN(ram_size / 2, QEMU_INITRD_MAX_OFFSET), image_end), SZ_4K);
	u64 dtb = ALIGN_UP(initrd + REFERENCE_INITRD_SIZE, SZ_2M);
	if (dtb < mm->ram_end)
		memblock_reserve(mb, dtb, MIN(QEMU_VIRT_DTB_SIZE, mm->ram_end - dtb));
	if (initrd < mm->ram_end) {
		mm->initrd_base = initrd;
		mm->initrd_size = MIN(REFERENCE_INITRD_SIZE, mm->ram_end - initrd);
		memblock_reserve(mb, initrd, mm->initrd_size);
	}
	if (text + KERNEL_STEXT_OFFSET < mm->ram_end)
		memblock_reserve(mb, text + KERNEL_STEXT_OFFSET,
				 MIN(image_end, mm->ram_end) - (text + KERNEL_STEXT_OFFSET));

	struct early_ctx c;
	early_ctx_init(&c, k, mm);
	/* paging_init(): its page tables first, then init_pg_dir goes back */
	run_allocs(mb, &c, setup_arch_allocs, PAGING_INIT_ALLOCS, mm->tags);
	if (text + KERNEL_INIT_PG_DIR_OFFSET + KERNEL_INIT_PG_DIR_SIZE <= mm->ram_end)
		memblock_phys_free(mb, text + KERNEL_INIT_PG_DIR_OFFSET, KERNEL_INIT_PG_DIR_SIZE);
	run_allocs(mb, &c, setup_arch_allocs + PAGING_INIT_ALLOCS,
		   ARRAY_SIZE(setup_arch_allocs) - PAGING_INIT_ALLOCS, mm->tags);

	/* zone_sizes_init(), then the CMA area under the DMA zone's end */
	mm->dma_phys_limit = dma_zone_init(k, &mm->dma32_phys_limit);
	count_zone_pages(mm);
	dma_contiguous_reserve(k, mb, mm->dma_phys_limit);

	/* request_standard_resources(): a struct resource per memblock.memory region */
	memblock_alloc(mb, 64 * mb->memory.cnt, SMP_CACHE_BYTES);
	return mb->nomem ? -ENOMEM : 0;
}

void early_memory_start_kernel(struct kernel *k, struct memblock *mb, const struct early_mm *mm)
{
	struct early_ctx c;
	struct tagged tags[NR_TAGS];
	memcpy(tags, mm->tags, sizeof(tags));
	early_ctx_init(&c, k, mm);
	run_allocs(mb, &c, start_kernel_allocs, ARRAY_SIZE(start_kernel_allocs), tags);
}

int early_memory_free_all(struct memblock *mb, const struct early_mm *mm, struct page_alloc *pages, u64 low)
{
	/* free_initrd_mem(): the initramfs is unpacked and its pages go back */
	if (mm->initrd_size)
		memblock_phys_free(mb, mm->initrd_base, mm->initrd_size);
	size_t n = memblock_free_ranges(mb, NULL, 0);
	struct memblock_region *r = n ? calloc(n, sizeof(*r)) : NULL;
	if (n && !r)
		return -ENOMEM;
	memblock_free_ranges(mb, r, n);
	page_alloc_init(pages, 0, 0);
	int ret = 0;
	for (size_t i = 0; i < n && !ret; i++) {
		u64 base = MAX(r[i].base, low), end = r[i].base + r[i].size;
		if (end > base)
			ret = page_alloc_add_range(pages, base, end - base);
	}
	free(r);
	return ret;
}
