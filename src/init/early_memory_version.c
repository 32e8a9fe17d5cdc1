/*
 * Each kernel's early allocations (early_memory_version.h), with the sizes
 * of Debian's arm64 cloud kernels: 4 KiB pages, 48-bit VA, NUMA with
 * NODES_SHIFT 4 (one faked node), SPARSEMEM_VMEMMAP, rodata=full.
 */
#include "init/early_memory_version.h"
#include "init/early_memory.h"

#define SMP_CACHE_BYTES 64ULL

static u64 blocks_covered(u64 start, u64 end, u64 block)
{
	return end > start ? (end - 1) / block - start / block + 1 : 0;
}

static u64 n_2m_blocks(const struct early_ctx *c) { return blocks_covered(c->mm->ram_base, c->mm->ram_end, SZ_2M); }
static u64 n_1g_blocks(const struct early_ctx *c) { return blocks_covered(c->mm->ram_base, c->mm->ram_end, SZ_1G); }

/* 6.1's map_kernel() and map_mem() (page by page): a PTE table per 2 MiB, a PMD table per 1 GiB */
static u64 n_linear_map_tables_6_1(const struct early_ctx *c) { return n_2m_blocks(c) + n_1g_blocks(c); }
/*
 * 7.3's map_mem(): the same, and the tables between the linear map's PGD
 * entry and its PMD tables: a PUD table with 4 levels, a P4D and a PUD
 * table with 5 (LPA2)
 */
static u64 n_linear_map_tables_7_3(const struct early_ctx *c)
{
	return n_2m_blocks(c) + n_1g_blocks(c) + (c->pgtable_levels > 3 ? c->pgtable_levels - 3 : 0);
}
/*
 * sparse_init()'s mem_section: a pointer per root of SECTIONS_PER_ROOT
 * (256) sections of 128 MiB up to PHYS_MASK_SHIFT: 64 KiB for 48 bits,
 * 1 MiB for 52
 */
static u64 mem_section_bytes(const struct early_ctx *c)
{
	return 8 * ((1ULL << (c->phys_mask_shift - 27)) / 256);
}
static u64 n_sections(const struct early_ctx *c) { return c->nsections; }
static u64 n_section_roots(const struct early_ctx *c) { return c->nroots; }
static u64 dt_bytes(const struct early_ctx *c) { return c->dt_unflattened; }
/* request_standard_resources(): a struct resource per memblock.memory region */
static u64 standard_resources_bytes(const struct early_ctx *c) { return 64 * c->nr_memory_regions; }
/* sizeof(struct mem_section_usage) + usemap_size() per present section: 56 on 6.1, 88 on 7.3 */
static u64 usemap_bytes_6_1(const struct early_ctx *c) { return 56 * c->nsections; }
static u64 usemap_bytes_7_3(const struct early_ctx *c) { return 88 * c->nsections; }
/* 6.1's sparse_buffer_init(): section_map_size() (32768 struct pages, PMD aligned) per present section at once */
static u64 memmap_bytes(const struct early_ctx *c) { return SZ_2M * c->nsections; }

static u64 cmdline_bytes(const struct early_ctx *c) { return c->cmdline_len + 1; }
/* struct pcpu_alloc_info with one group, then a cpu_map entry a unit, in whole pages */
static u64 pcpu_ai_bytes(const struct early_ctx *c) { return ALIGN_UP(88 + 4ULL * c->mm->nr_cpus, SZ_4K); }
/* the first chunk: a unit a CPU (s85864 r8192 d28824 u122880 on 6.1, s108952 r8192 d30312 u147456 on 7.3) */
static u64 pcpu_chunk_bytes_6_1(const struct early_ctx *c) { return 122880ULL * c->mm->nr_cpus; }
static u64 pcpu_chunk_bytes_7_3(const struct early_ctx *c) { return 147456ULL * c->mm->nr_cpus; }
static u64 pcpu_unit_map_bytes(const struct early_ctx *c) { return 4ULL * c->mm->nr_cpus; }
static u64 pcpu_unit_off_bytes(const struct early_ctx *c) { return 8ULL * c->mm->nr_cpus; }
static u64 log_buf_bytes(const struct early_ctx *c) { return c->log_buf_len; }
/* PRB_AVGBITS 5: a struct prb_desc (24 bytes) and a struct printk_info per 32 bytes of text */
static u64 log_descs_bytes(const struct early_ctx *c) { return (c->log_buf_len >> 5) * 24; }
static u64 log_infos_bytes_6_1(const struct early_ctx *c) { return (c->log_buf_len >> 5) * 88; }
static u64 log_infos_bytes_7_3(const struct early_ctx *c) { return (c->log_buf_len >> 5) * 112; }
static u64 dhash(const struct early_ctx *c) { return c->dhash_bytes; }
static u64 ihash(const struct early_ctx *c) { return c->ihash_bytes; }

/*
 * 6.1: setup_arch() .. bootmem_init() makes the memmap (one buffer) before
 * the CMA area, so the CMA area sits under it.
 */
static const struct early_alloc setup_arch_6_1[] = {
	{ .site = "paging_init: map_kernel(), map_mem()", .size = SZ_4K, .align = SZ_4K,
	  .count_of = n_linear_map_tables_6_1 },
	{ .site = "paging_init: memblock_phys_free(init_pg_dir)", .op = EARLY_FREE_INIT_PG_DIR },
	{ .site = "paging_init: create_idmap()", .size = SZ_4K, .align = SZ_4K, .count = 4 },
	{ .site = "unflatten_device_tree", .size_of = dt_bytes, .align = 8 },
	{ .site = "of_alias_scan", .op = EARLY_ALLOC_OF_ALIASES },
	/* nr_node_ids is still MAX_NUMNODES: a 16 x 16 table */
	{ .site = "numa_alloc_distance", .op = EARLY_ALLOC_BELOW_MAX_PFN, .size = 256, .align = SZ_4K },
	{ .site = "alloc_node_data: NODE_DATA(0)", .size = 11392, .align = SMP_CACHE_BYTES, .tag = EARLY_TAG_NODE_DATA },
	/* sizeof(struct mem_section *) * NR_SECTION_ROOTS */
	{ .site = "sparse_init: mem_section", .size_of = mem_section_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "sparse_index_alloc", .size = 4096, .align = SMP_CACHE_BYTES, .count_of = n_section_roots },
	{ .site = "sparse_early_usemaps_alloc_pgdat_section", .op = EARLY_ALLOC_PGDAT_SECTION,
	  .size_of = usemap_bytes_6_1, .align = SMP_CACHE_BYTES },
	{ .site = "sparse_buffer_init: memmap_alloc", .size_of = memmap_bytes, .align = SZ_2M },
	/* the memmap is mapped with 2 MiB blocks: a PUD and a PMD table */
	{ .site = "vmemmap_populate", .size = SZ_4K, .align = SZ_4K, .count = 2 },
	{ .site = "bootmem_init: dma_contiguous_reserve", .op = EARLY_DMA_CONTIGUOUS },
	{ .site = "request_standard_resources", .size_of = standard_resources_bytes, .align = SMP_CACHE_BYTES },
};

/* The per-CPU first chunk's bookkeeping, the same on both kernels but for the chunk structs */
#define PCPU_FIRST_CHUNK(chunk_lists, chunk_struct)							\
	{ .site = "pcpu_setup_first_chunk: group_offsets", .size = 8, .align = SMP_CACHE_BYTES },		\
	{ .site = "pcpu_setup_first_chunk: group_sizes", .size = 8, .align = SMP_CACHE_BYTES },		\
	{ .site = "pcpu_setup_first_chunk: unit_map", .size_of = pcpu_unit_map_bytes, .align = SMP_CACHE_BYTES }, \
	{ .site = "pcpu_setup_first_chunk: unit_off", .size_of = pcpu_unit_off_bytes, .align = SMP_CACHE_BYTES }, \
	{ .site = "pcpu_setup_first_chunk: pcpu_chunk_lists", .size = chunk_lists, .align = SMP_CACHE_BYTES }, \
	{ .site = "pcpu_alloc_first_chunk: static chunk", .size = chunk_struct, .align = SMP_CACHE_BYTES },	\
	{ .site = "pcpu_alloc_first_chunk: static alloc_map", .size = 384, .align = SMP_CACHE_BYTES },	\
	{ .site = "pcpu_alloc_first_chunk: static bound_map", .size = 392, .align = SMP_CACHE_BYTES },	\
	{ .site = "pcpu_alloc_first_chunk: static md_blocks", .size = 96, .align = SMP_CACHE_BYTES },	\
	{ .site = "pcpu_alloc_first_chunk: dynamic chunk", .size = chunk_struct, .align = SMP_CACHE_BYTES }, \
	{ .site = "pcpu_alloc_first_chunk: dynamic alloc_map", .size = 1024, .align = SMP_CACHE_BYTES },	\
	{ .site = "pcpu_alloc_first_chunk: dynamic bound_map", .size = 1032, .align = SMP_CACHE_BYTES },	\
	{ .site = "pcpu_alloc_first_chunk: dynamic md_blocks", .size = 256, .align = SMP_CACHE_BYTES },	\
	{ .site = "pcpu_free_alloc_info", .op = EARLY_FREE, .tag = EARLY_TAG_PCPU_AI },			\
	{ .site = "pcpu_embed_first_chunk: areas", .op = EARLY_FREE, .tag = EARLY_TAG_PCPU_AREAS }

/*
 * 6.1: start_kernel() from setup_command_line() to mm_init(). The log
 * buffer grows past 17 CPUs (log_buf_add_cpu()); LOG_ALIGN is 8.
 */
static const struct early_alloc start_kernel_6_1[] = {
	{ .site = "setup_command_line: saved_command_line", .size_of = cmdline_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "setup_command_line: static_command_line", .size_of = cmdline_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_build_alloc_info: pcpu_alloc_alloc_info", .size_of = pcpu_ai_bytes, .align = SZ_4K,
	  .tag = EARLY_TAG_PCPU_AI },
	{ .site = "pcpu_embed_first_chunk: areas", .size = SZ_4K, .align = SMP_CACHE_BYTES, .tag = EARLY_TAG_PCPU_AREAS },
	{ .site = "pcpu_fc_alloc: the first chunk", .size_of = pcpu_chunk_bytes_6_1, .align = SZ_4K },
	PCPU_FIRST_CHUNK(288, 144),
	{ .site = "setup_log_buf: text", .size_of = log_buf_bytes, .align = 8 },
	{ .site = "setup_log_buf: descriptors", .size_of = log_descs_bytes, .align = 8 },
	{ .site = "setup_log_buf: infos", .size_of = log_infos_bytes_6_1, .align = 8 },
	{ .site = "dcache_init_early: Dentry cache hash table", .size_of = dhash, .align = SMP_CACHE_BYTES },
	{ .site = "inode_init_early: Inode-cache hash table", .size_of = ihash, .align = SMP_CACHE_BYTES },
};

/*
 * 7.3: bootmem_init() reserves the CMA area right after NUMA's node data,
 * before any memmap exists: it sits under the page tables and the DT at
 * the top of the DMA zone, and the memmap (free_area_init()'s sparse_init(),
 * now in start_kernel()) goes under it, a 2 MiB block per section.
 */
static const struct early_alloc setup_arch_7_3[] = {
	{ .site = "paging_init: map_mem()", .size = SZ_4K, .align = SZ_4K, .count_of = n_linear_map_tables_7_3 },
	{ .site = "unflatten_device_tree", .size_of = dt_bytes, .align = 8 },
	{ .site = "of_alias_scan", .op = EARLY_ALLOC_OF_ALIASES },
	/* memblock_phys_alloc_try_nid(), no longer near the pgdat's section */
	{ .site = "alloc_node_data: NODE_DATA(0)", .size = 14400, .align = SMP_CACHE_BYTES, .tag = EARLY_TAG_NODE_DATA },
	{ .site = "setup_node_to_cpumask_map: node_to_cpumask_map[0]", .size = 64, .align = SMP_CACHE_BYTES },
	{ .site = "bootmem_init: dma_contiguous_reserve", .op = EARLY_DMA_CONTIGUOUS },
	{ .site = "request_standard_resources", .size_of = standard_resources_bytes, .align = SMP_CACHE_BYTES },
};

static const struct early_alloc start_kernel_7_3[] = {
	{ .site = "sparse_init: mem_section", .size_of = mem_section_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "sparse_index_alloc", .size = 4096, .align = SMP_CACHE_BYTES, .count_of = n_section_roots },
	{ .site = "sparse_init_nid: usemap", .size_of = usemap_bytes_7_3, .align = SMP_CACHE_BYTES },
	/* vmemmap_populate(): a PUD and a PMD table, then a 2 MiB block of struct pages per section */
	{ .site = "vmemmap_populate: page tables", .size = SZ_4K, .align = SZ_4K, .count = 2 },
	{ .site = "vmemmap_populate: memmap_alloc", .size = SZ_2M, .align = SZ_2M, .count_of = n_sections },
	{ .site = "setup_command_line: saved_command_line", .size_of = cmdline_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "setup_command_line: static_command_line", .size_of = cmdline_bytes, .align = SMP_CACHE_BYTES },
	{ .site = "pcpu_build_alloc_info: pcpu_alloc_alloc_info", .size_of = pcpu_ai_bytes, .align = SZ_4K,
	  .tag = EARLY_TAG_PCPU_AI },
	{ .site = "pcpu_embed_first_chunk: areas", .size = SZ_4K, .align = SMP_CACHE_BYTES, .tag = EARLY_TAG_PCPU_AREAS },
	{ .site = "pcpu_fc_alloc: the first chunk", .size_of = pcpu_chunk_bytes_7_3, .align = SZ_4K },
	PCPU_FIRST_CHUNK(304, 136),
	{ .site = "setup_log_buf: text", .size_of = log_buf_bytes, .align = 8 },
	{ .site = "setup_log_buf: descriptors", .size_of = log_descs_bytes, .align = 8 },
	{ .site = "setup_log_buf: infos", .size_of = log_infos_bytes_7_3, .align = 8 },
	{ .site = "dcache_init_early: Dentry cache hash table", .size_of = dhash, .align = SMP_CACHE_BYTES },
	{ .site = "inode_init_early: Inode-cache hash table", .size_of = ihash, .align = SMP_CACHE_BYTES },
};

/* Debian's 6.1.0 cloud kernel, and the oracle's classic initramfs */
const struct early_memory_version early_memory_linux_6_1 = {
	.image = { .size = 0x1aa0000, .reserve_offset = 0x10000,
		   .init_pg_dir_offset = 0x1a8d000, .init_pg_dir_size = 0x5000 },
	.initrd_size = 0x1f1000,
	.dt_node_size = 208,
	.dt_property_size = 96,
	.setup_arch = setup_arch_6_1,
	.nr_setup_arch = ARRAY_SIZE(setup_arch_6_1),
	.start_kernel = start_kernel_6_1,
	.nr_start_kernel = ARRAY_SIZE(start_kernel_6_1),
};

/* Debian's 7.3.4 cloud kernel (memblock reserves from _text), and the oracle's modern initramfs */
const struct early_memory_version early_memory_linux_7_3 = {
	.image = { .size = 0x28d0000, .reserve_offset = 0 },
	.initrd_size = 0x23b000,
	.dt_node_size = 208,
	.dt_property_size = 112,
	.kernel_pages_from_free_memblock = true,
	.lpa2_52bit = true,
	.setup_arch = setup_arch_7_3,
	.nr_setup_arch = ARRAY_SIZE(setup_arch_7_3),
	.start_kernel = start_kernel_7_3,
	.nr_start_kernel = ARRAY_SIZE(start_kernel_7_3),
};
