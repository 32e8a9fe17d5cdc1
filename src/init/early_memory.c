/*
 * Where Linux on arm64 puts its early allocations, so the CMA area and the
 * swiotlb pool land where real Linux puts them.
 *
 * The rule (read in the memblock=debug log of the reference guest):
 * memblock allocates top-down, each request taking the highest free range
 * of RAM that fits under its limit, at its alignment. On 6.1, before the
 * CMA area come the kernel's page tables (a table per 2 MiB and per 1 GiB
 * of RAM: the linear map is mapped page by page), the unflattened DT, NUMA
 * and sparsemem data, and the memmap (64 bytes a page, 2 MiB aligned); on
 * 7.3 the memmap comes after it. CMA takes 64 MiB, 2 MiB aligned, the
 * highest that fits under the DMA zone's end. Then come the per-CPU first
 * chunk and the dentry and inode hash tables, which fill the gaps the 2 MiB
 * alignments left when they fit and go under the CMA area when they do
 * not; the swiotlb pool (memblock_alloc_low) goes under whatever is lowest.
 *
 * Each allocation is data (early_memory_version.c, per kernel): its size
 * as a function of RAM, CPUs and the DT, its alignment, and the Linux
 * allocation it stands for. This file replays them.
 */
#include <errno.h>
#include <stdlib.h>
#include <libfdt.h>
#include <string.h>
#include "init/early_memory.h"
#include "init/early_memory_version.h"
#include "init/cpufeature.h"
#include "kversion/linux_version.h"
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
 * The reference guest as QEMU loads it (hw/arm/boot.c), the Image and the
 * initramfs being the kernel's own (early_memory_version.h):
 * - the Image goes 2 MiB into RAM (its text_offset is 0);
 * - the initrd goes at RAM + min(RAM / 2, 128 MiB), above the Image;
 * - the DTB goes at the next 2 MiB boundary after the initrd; virt's blob
 *   is 1 MiB (its fdt_totalsize) and setup_machine_fdt() reserves it;
 * - the command line is the oracle's console options, then -append.
 */
#define KERNEL_LOAD_OFFSET SZ_2M
#define QEMU_INITRD_MAX_OFFSET (128 * SZ_1M)
#define QEMU_VIRT_DTB_SIZE SZ_1M
#define REFERENCE_CONSOLE_CMDLINE "console=ttyAMA0 panic=-1 quiet loglevel=7"

_Static_assert(EARLY_NR_TAGS <= ARRAY_SIZE(((struct early_mm *)0)->tags), "early_mm keeps every tag");

static u64 blocks_covered(u64 start, u64 end, u64 block)
{
	return end > start ? (end - 1) / block - start / block + 1 : 0;
}

/* The kernel whose early boot this is; a hand-made kernel is the reference's */
static const struct early_memory_version *early_version(const struct kernel *k)
{
	const struct linux_version *v = kernel_version(k);
	return v && v->early_memory ? v->early_memory : &early_memory_linux_6_1;
}

/*
 * of_alias_scan(): a struct alias_prop (40 bytes, 8-byte aligned) and the
 * alias's stem (its name less the trailing id) per /aliases property.
 */
static void alloc_of_aliases(struct memblock *mb, const void *fdt)
{
	int aliases = fdt && !fdt_check_header(fdt) ? fdt_path_offset(fdt, "/aliases") : -1;
	int prop;
	if (aliases < 0)
		return;
	fdt_for_each_property_offset(prop, fdt, aliases) {
		const char *name;
		if (!fdt_getprop_by_offset(fdt, prop, &name, NULL) || !name ||
		    !strcmp(name, "name") || !strcmp(name, "phandle") || !strcmp(name, "linux,phandle"))
			continue;
		size_t len = strlen(name);
		while (len && name[len - 1] >= '0' && name[len - 1] <= '9')
			len--;
		memblock_alloc(mb, 40 + len + 1, 8);
	}
}

static void count_zone_pages(struct early_mm *mm);

static void run_allocs(struct kernel *k, struct memblock *mb, const struct early_ctx *c,
		       const struct early_alloc *t, size_t n, struct tagged *tags, struct early_mm *mm)
{
	const struct early_image *image = &early_version(k)->image;
	for (size_t i = 0; i < n; i++) {
		const struct early_alloc *a = &t[i];
		switch (a->op) {
		case EARLY_FREE:
			if (a->tag > 0 && a->tag < EARLY_NR_TAGS && tags[a->tag].addr) {
				memblock_phys_free(mb, tags[a->tag].addr, tags[a->tag].size);
				tags[a->tag].addr = 0;
			}
			continue;
		case EARLY_FREE_INIT_PG_DIR: {
			u64 pg_dir = c->mm->ram_base + KERNEL_LOAD_OFFSET + image->init_pg_dir_offset;
			if (image->init_pg_dir_size && pg_dir + image->init_pg_dir_size <= c->mm->ram_end)
				memblock_phys_free(mb, pg_dir, image->init_pg_dir_size);
			continue;
		}
		case EARLY_ALLOC_OF_ALIASES:
			alloc_of_aliases(mb, k->fdt);
			continue;
		case EARLY_DMA_CONTIGUOUS:
			/* zone_sizes_init()'s limits, then the CMA area under the DMA zone's end */
			if (mm) {
				mm->dma_phys_limit = dma_zone_init(k, &mm->dma32_phys_limit);
				count_zone_pages(mm);
				dma_contiguous_reserve(k, mb, mm->dma_phys_limit);
			}
			continue;
		default:
			break;
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
				u64 goal = ALIGN_DOWN(tags[EARLY_TAG_NODE_DATA].addr, SECTION_SIZE);
				addr = memblock_alloc_try_nid(mb, size, a->align, goal, goal + SECTION_SIZE);
				if (!addr)
					addr = memblock_alloc_try_nid(mb, size, a->align, goal, MEMBLOCK_ALLOC_ACCESSIBLE);
				break;
			}
			default:
				addr = memblock_alloc(mb, size, a->align);
				break;
			}
			if (addr && a->tag > 0 && a->tag < EARLY_NR_TAGS)
				tags[a->tag] = (struct tagged){ addr, size };
		}
	}
}

/*
 * unflatten_dt_nodes()'s first pass: a struct device_node and the node's
 * name per node, a struct property per property, and a made-up "name"
 * property for nodes without one, each 8-byte aligned (the structs' sizes
 * are the kernel's: early_memory_version.h). The DT is the one the kernel
 * gets: QEMU adds bootargs, the initrd's place and (on its own virt DT)
 * kaslr-seed to /chosen, and the kernel nops the rng-seed it consumed.
 */
static u64 dt_unflattened_size(const void *fdt, bool board_dt, const struct early_memory_version *v)
{
	const u64 node_size = v->dt_node_size, prop_size = v->dt_property_size;
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
		mem = ALIGN_UP(mem, 8) + node_size + (u64)len + 1;
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
			mem = ALIGN_UP(mem, 8) + prop_size;
		}
		if (!has_name) {
			const char *at = strchr(name, '@');
			u64 unit = at ? (u64)(at - name) : strlen(name);
			mem = ALIGN_UP(mem, 8) + prop_size + unit + 1;
		}
		if (off == chosen) {
			unsigned added = 0;
			if (!fdt_getprop(fdt, off, "bootargs", NULL))
				added++;
			if (!fdt_getprop(fdt, off, "linux,initrd-start", NULL))
				added += 2;
			if (board_dt && !fdt_getprop(fdt, off, "kaslr-seed", NULL))
				added++;
			mem = ALIGN_UP(mem, 8) + added * prop_size;
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

static void early_ctx_init(struct early_ctx *c, struct kernel *k, const struct early_mm *mm,
			   const struct memblock *mb)
{
	const struct machine *m = k->machine;
	memset(c, 0, sizeof(*c));
	c->mm = mm;
	/* early_map_kernel(): 52-bit VA and PA where the build and the boot CPU both have LPA2 */
	bool lpa2 = early_version(k)->lpa2_52bit && arm64_boot_cpu_has_lpa2(k);
	c->phys_mask_shift = lpa2 ? 52 : 48;
	c->pgtable_levels = lpa2 ? 5 : 4;
	c->nsections = blocks_covered(mm->ram_base, mm->ram_end, SECTION_SIZE);
	c->nroots = blocks_covered(mm->ram_base, mm->ram_end, SECTION_SIZE * SECTIONS_PER_ROOT);
	c->nr_memory_regions = mb->memory.cnt;
	c->dt_unflattened = dt_unflattened_size(k->fdt, m && m->gic_version, early_version(k));
	const char *append = m && m->append ? m->append : "";
	c->cmdline_len = strlen(REFERENCE_CONSOLE_CMDLINE) + (*append ? 1 + strlen(append) : 0);
	c->log_buf_len = log_buf_len_for(mm->nr_cpus);
	c->dhash_bytes = large_system_hash_bytes(mm, 13);
	c->ihash_bytes = large_system_hash_bytes(mm, 14);
}

int early_memory_setup_arch(struct kernel *k, struct memblock *mb, struct early_mm *mm)
{
	struct hw_system *hw = k->hw;
	const struct early_memory_version *v = early_version(k);
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
	u64 image_end = text + v->image.size;
	u64 image_start = text + v->image.reserve_offset;
	u64 ram_size = mm->ram_end - mm->ram_base;
	u64 initrd = ALIGN_UP(MAX(mm->ram_base + MIN(ram_size / 2, QEMU_INITRD_MAX_OFFSET), image_end), SZ_4K);
	u64 dtb = ALIGN_UP(initrd + v->initrd_size, SZ_2M);
	if (dtb < mm->ram_end)
		memblock_reserve(mb, dtb, MIN(QEMU_VIRT_DTB_SIZE, mm->ram_end - dtb));
	if (initrd < mm->ram_end) {
		mm->initrd_base = initrd;
		mm->initrd_size = MIN(v->initrd_size, mm->ram_end - initrd);
		memblock_reserve(mb, initrd, mm->initrd_size);
	}
	if (image_start < mm->ram_end)
		memblock_reserve(mb, image_start, MIN(image_end, mm->ram_end) - image_start);

	/* paging_init() .. bootmem_init() (the CMA area) .. request_standard_resources() */
	struct early_ctx c;
	early_ctx_init(&c, k, mm, mb);
	run_allocs(k, mb, &c, v->setup_arch, v->nr_setup_arch, mm->tags, mm);
	return mb->nomem ? -ENOMEM : 0;
}

/* calc_nr_kernel_pages(): the whole pages of memblock's free ranges */
static u64 free_memblock_pages(const struct memblock *mb)
{
	size_t n = memblock_free_ranges(mb, NULL, 0);
	struct memblock_region *r = n ? calloc(n, sizeof(*r)) : NULL;
	u64 pages = 0;
	if (!r)
		return 0;
	memblock_free_ranges(mb, r, n);
	for (size_t i = 0; i < n; i++) {
		u64 start = ALIGN_UP(r[i].base, SZ_4K) / SZ_4K, end = (r[i].base + r[i].size) / SZ_4K;
		if (end > start)
			pages += end - start;
	}
	free(r);
	return pages;
}

void early_memory_start_kernel(struct kernel *k, struct memblock *mb, const struct early_mm *mm)
{
	const struct early_memory_version *v = early_version(k);
	struct early_mm at_free_area_init = *mm;
	struct early_ctx c;
	struct tagged tags[EARLY_NR_TAGS];
	memcpy(tags, mm->tags, sizeof(tags));
	if (v->kernel_pages_from_free_memblock)
		at_free_area_init.nr_kernel_pages = at_free_area_init.nr_all_pages = free_memblock_pages(mb);
	early_ctx_init(&c, k, &at_free_area_init, mb);
	run_allocs(k, mb, &c, v->start_kernel, v->nr_start_kernel, tags, NULL);
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
