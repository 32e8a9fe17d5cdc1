/*
 * The default CMA area (Linux 6.1 kernel/dma/contiguous.c and mm/cma.c):
 * bootmem_init() reserves it with dma_contiguous_reserve(arm64_dma_phys_limit)
 * before the rest of the boot allocates, so it sits just under the memmap,
 * or at the top of the DMA zone when RAM goes past it.
 */
#include <errno.h>
#include "base/memblock.h"
#include "dma/dma_internal.h"
#include "kconfig/kconfig.h"

#define SZ_1M_BYTES (1ULL << 20)
#define SZ_4G_BYTES (1ULL << 32)
/* CMA_MIN_ALIGNMENT_BYTES: a pageblock, 2 MiB with 4 KiB pages */
#define CMA_MIN_ALIGNMENT_BYTES SZ_2M

/*
 * cma_declare_contiguous_nid(base 0, size, limit, alignment 0, order 0,
 * not fixed): the area's address, or 0 when it does not fit.
 */
static u64 cma_declare_contiguous(struct kernel *k, struct memblock *mb, u64 size, u64 limit)
{
	u64 memblock_end = memblock_end_of_DRAM(mb);
	u64 alignment = CMA_MIN_ALIGNMENT_BYTES;

	size = ALIGN_UP(size, alignment);
	limit &= ~(alignment - 1);
	if (!limit || limit > memblock_end)
		limit = memblock_end;
	if (size > limit) {
		kprintf(k, "cma: Size (0x%016llx) of region at 0x%016llx exceeds limit (0x%016llx)",
			(unsigned long long)size, 0ULL, (unsigned long long)limit);
		return 0;
	}

	u64 addr = 0;
	/*
	 * With memory past 4 GiB, a bottom-up try above 4 GiB first, to keep
	 * the DMA zones free (it finds nothing when the limit is lower).
	 */
	if (!mb->bottom_up && memblock_end >= SZ_4G_BYTES + size) {
		mb->bottom_up = true;
		addr = memblock_alloc_range_nid(mb, size, alignment, SZ_4G_BYTES, limit);
		mb->bottom_up = false;
	}
	if (!addr)
		addr = memblock_alloc_range_nid(mb, size, alignment, 0, limit);
	return addr;
}

int dma_contiguous_reserve(struct kernel *k, struct memblock *mb, u64 limit)
{
	struct dma_core *core = dma_core_get(k);
	const struct kernel_config *config = kernel_config(k);
	if (!core || !mb)
		return -EINVAL;
	/* CONFIG_CMA_SIZE_SEL_MBYTES: the size is CONFIG_CMA_SIZE_MBYTES; none without DMA_CMA */
	u64 size = (u64)kconfig_number(config, KCONFIG_CMA_SIZE_MBYTES) * SZ_1M_BYTES;
	if (!kconfig_enabled(config, KCONFIG_DMA_CMA) || !size)
		return 0;
	u64 base = cma_declare_contiguous(k, mb, size, limit);
	if (!base) {
		kprintf(k, "cma: Failed to reserve %llu MiB", (unsigned long long)(ALIGN_UP(size, CMA_MIN_ALIGNMENT_BYTES) / SZ_1M_BYTES));
		return -ENOMEM;
	}
	core->cma_base = base;
	core->cma_size = size;
	kprintf(k, "cma: Reserved %llu MiB at 0x%016llx", (unsigned long long)(size / SZ_1M_BYTES),
		(unsigned long long)base);
	return 0;
}
