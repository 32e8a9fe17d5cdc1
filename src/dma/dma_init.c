/*
 * The DMA layer's boot: arm64 mem_init()'s swiotlb_init() for the default
 * bounce pool, and the bookkeeping that ties per-kernel and per-device DMA
 * state to a struct kernel (which has no slot for it: a small registry).
 */
#include <libfdt.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include "fw/of.h"
#include "dma/dma_internal.h"
#include "base/memblock.h"
#include "base/page_alloc.h"
#include "hw/system.h"
#include "init/cmdline.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"
#include "dma/dma_version.h"


static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dma_core **registry;
static size_t nregistry, capregistry;

static int grow(void *arrp, size_t *cap, size_t n, size_t elem)
{
	void **arr = arrp;
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static struct dma_core *registry_find(struct kernel *k)
{
	for (size_t i = 0; i < nregistry; i++)
		if (registry[i]->k == k)
			return registry[i];
	return NULL;
}

/* swiotlb's messages: pr_info lines as they are, dev_* lines with the device prefix */
static void swiotlb_log_glue(void *ctx, int level, const struct swiotlb_dev *sdev, const char *text)
{
	struct dma_core *core = ctx;
	(void)level;
	if (sdev && sdev->owner)
		dev_printk(sdev->owner, "%s", text);
	else
		kprintf(core->k, "%s", text);
}

static u64 swiotlb_clock_glue(void *ctx)
{
	struct dma_core *core = ctx;
	return core->k->log.clock_ns;
}

struct dma_core *dma_core_get(struct kernel *k)
{
	if (!k)
		return NULL;
	pthread_mutex_lock(&registry_lock);
	struct dma_core *core = registry_find(k);
	if (!core && !grow(&registry, &capregistry, nregistry, sizeof(*registry))) {
		core = calloc(1, sizeof(*core));
		if (core) {
			core->k = k;
			core->io_tlb.log = swiotlb_log_glue;
			core->io_tlb.clock = swiotlb_clock_glue;
			core->io_tlb.ctx = core;
			struct kernel_cmdline *c = k->cmdline;
			core->forcedac = c && c->iommu_forcedac == 1;
			core->zone_dma_bits = 32;	/* until dma_subsys_init reads the DT */
			core->zone_dma_limit = DMA_BIT_MASK(32);
			struct hw_system *hw = k->hw;
			if (hw && hw->mem)
				core->ram_end = guest_mem_base(hw->mem) + guest_mem_size(hw->mem);
			registry[nregistry++] = core;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return core;
}

struct dma_dev_state *dma_dev_state(struct device *dev)
{
	if (!dev)
		return NULL;
	if (dev->dma_state)
		return dev->dma_state;
	struct dma_core *core = dma_core_get(dev->k);
	if (!core || grow(&core->devs, &core->capdevs, core->ndevs, sizeof(*core->devs)))
		return NULL;
	struct dma_dev_state *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->dev = dev;
	st->core = core;
	st->sdev.owner = dev;
	st->sdev.name = dev->name;
	core->devs[core->ndevs++] = st;
	dev->dma_state = st;
	return st;
}

struct dma_dev_stats *dma_dev_stats(struct device *dev)
{
	struct dma_dev_state *st = dma_dev_state(dev);
	return st ? &st->stats : NULL;
}

int dma_core_track_cookie(struct dma_core *core, struct iommu_dma_cookie *cookie)
{
	if (grow(&core->cookies, &core->capcookies, core->ncookies, sizeof(*core->cookies)))
		return -ENOMEM;
	core->cookies[core->ncookies++] = cookie;
	return 0;
}

u64 dma_dev_tlbi_count(struct device *dev)
{
	struct iommu_device *iommu = dev->iommu ? dev->iommu->iommu_dev : NULL;
	return iommu ? iommu->invalidations : 0;
}

/* of_dma_get_max_cpu_address(NULL): the lowest top any dma-ranges in the DT reaches, else all ones */
static u64 of_dma_max_cpu_address(const void *fdt)
{
	u64 max_cpu = ~0ULL;
	int depth = 0;
	for (int node = fdt ? 0 : -1; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		int len;
		u64 dma_start, cpu_start, size;
		if (!fdt_getprop(fdt, node, "dma-ranges", &len) || len <= 0 ||
		    of_dma_range_limit(fdt, node, &dma_start, &cpu_start, &size) || !size)
			continue;
		max_cpu = MIN(max_cpu, cpu_start + size - 1);
	}
	return max_cpu;
}

/* 6.1's zone_dma_bits = min(32, fls64(of_dma_get_max_cpu_address())) */
static unsigned arm64_zone_dma_bits(u64 max_cpu)
{
	return MIN(32u, max_cpu ? 64u - (unsigned)__builtin_clzll(max_cpu) : 0u);
}

/* arm64's max_zone_phys(zone_bits): a zone ends at 2^bits, capped by the end of RAM */
static u64 arm64_max_zone_phys(unsigned bits, u64 ram_base, u64 ram_end)
{
	u64 zone_mask = DMA_BIT_MASK(bits);
	if (ram_base > 0xffffffffULL)
		zone_mask = ~0ULL;
	else if (ram_base > zone_mask)
		zone_mask = 0xffffffffULL;
	return MIN(zone_mask, ram_end - 1) + 1;
}

u64 dma_zone_init(struct kernel *k, u64 *dma32_phys_limit)
{
	struct dma_core *core = dma_core_get(k);
	struct hw_system *hw = k ? k->hw : NULL;
	if (!core || !hw || !hw->mem || core->ram_end <= guest_mem_base(hw->mem))
		return 0;
	u64 ram_base = guest_mem_base(hw->mem);
	u64 max_cpu = of_dma_max_cpu_address(k->fdt);
	const struct dma_version *dv = kernel_version(k)->dma;
	core->zone_dma_bits = arm64_zone_dma_bits(max_cpu);
	if (dv && dv->zone_dma_limit_is_address) {
		/* 7.3's dma_limits_init(): ZONE_DMA ends at that top itself, under 4 GiB when RAM starts there */
		core->zone_dma_limit = ram_base < 0xffffffffULL ? MIN(max_cpu, 0xffffffffULL) : max_cpu;
		core->dma_phys_limit = MIN(core->zone_dma_limit, core->ram_end - 1) + 1;
	} else {
		/* 6.1's zone_sizes_init(): at the power of two holding it, at most 4 GiB */
		core->zone_dma_limit = DMA_BIT_MASK(core->zone_dma_bits);
		core->dma_phys_limit = arm64_max_zone_phys(core->zone_dma_bits, ram_base, core->ram_end);
	}
	if (dma32_phys_limit)
		*dma32_phys_limit = arm64_max_zone_phys(32, ram_base, core->ram_end);
	return core->dma_phys_limit;
}

/* memblock_alloc_low(): under ARCH_LOW_ADDRESS_LIMIT, arm64_dma_phys_limit - 1 */
struct swiotlb_memblock {
	struct memblock *mb;
	u64 limit;
};

static u64 swiotlb_alloc_low_glue(void *ctx, u64 bytes, u64 align)
{
	struct swiotlb_memblock *sm = ctx;
	return memblock_alloc_try_nid(sm->mb, bytes, align, 0, sm->limit);
}

/* arm64's mem_init() (6.1) or arch_mm_preinit() (7.3): the default swiotlb pool */
static int dma_swiotlb_init(struct kernel *k, struct dma_core *core, struct memblock *mb)
{
	struct kernel_cmdline *c = k->cmdline;
	struct hw_system *hw = k->hw;
	if (!kconfig_enabled(kernel_config(k), KCONFIG_SWIOTLB))
		return 0;
	/*
	 * arm64's mem_init() (6.1) or arch_mm_preinit() (7.3): is some RAM out
	 * of the DMA zone's reach (max_pfn > PFN_DOWN(arm64_dma_phys_limit))?
	 */
	const struct dma_version *dv = kernel_version(k)->dma;
	bool past_dma_zone = core->ram_end / PAGE_SIZE > core->dma_phys_limit / PAGE_SIZE;
	u64 adjust = 0;
	if (dv && dv->swiotlb_shrinks_to_ram && !past_dma_zone) {
		/* 1 MB per GB: DIV_ROUND_UP(memblock_phys_mem_size(), 1024), at most the default size */
		struct swiotlb_params d = {
			.nslabs = c ? c->swiotlb_nslabs : 0, .nareas = c ? c->swiotlb_nareas : 0, .nr_cpus = 1,
		};
		u64 ram = guest_mem_size(hw->mem);
		adjust = MIN(swiotlb_size_or_default(&d), (ram + 1023) / 1024);
	}
	struct swiotlb_memblock sm = { mb, core->dma_phys_limit - 1 };
	struct swiotlb_params p = {
		.nslabs = c ? c->swiotlb_nslabs : 0,
		.nareas = c ? c->swiotlb_nareas : 0,
		.force = c && c->swiotlb_force,
		.noforce = c && c->swiotlb_noforce,
		.nr_cpus = k->nr_cpu_ids,	/* num_possible_cpus() */
		.addressing_limit = past_dma_zone || (dv && dv->swiotlb_always),
		.adjust_size = adjust,
		.verbose = true,	/* SWIOTLB_VERBOSE */
		.gmem = hw->mem,
		.alloc_low = swiotlb_alloc_low_glue,
		.alloc_ctx = &sm,
		.log = swiotlb_log_glue,
		.clock = swiotlb_clock_glue,
		.ctx = core,
	};
	return swiotlb_init(&core->io_tlb, &p);
}

int dma_subsys_init(struct kernel *k, struct memblock *mb)
{
	struct dma_core *core = dma_core_get(k);
	struct hw_system *hw = k ? k->hw : NULL;
	if (!core || !hw || !hw->mem || !mb)
		return -ENOMEM;
	dma_debugfs_init();
	if (!core->dma_phys_limit)
		dma_zone_init(k, NULL);
	int ret = dma_swiotlb_init(k, core, mb);
	/*
	 * postcore_initcall dma_atomic_pool_init(): its pools follow the
	 * memory the boot leaves to the page allocator, which is what memblock
	 * holds free now (the model logs nothing in between)
	 */
	u64 dma32_end = arm64_max_zone_phys(32, guest_mem_base(hw->mem), core->ram_end);
	int pools = dma_atomic_pool_init(k, mb, dma32_end);
	return ret ? ret : pools;
}

void dma_subsys_exit(struct kernel *k)
{
	if (!k)
		return;
	pthread_mutex_lock(&registry_lock);
	struct dma_core *core = NULL;
	for (size_t i = 0; i < nregistry; i++) {
		if (registry[i]->k == k) {
			core = registry[i];
			registry[i] = registry[--nregistry];
			break;
		}
	}
	if (!nregistry) {
		free(registry);
		registry = NULL;
		capregistry = 0;
	}
	pthread_mutex_unlock(&registry_lock);
	if (!core)
		return;
	for (size_t i = 0; i < core->ndevs; i++) {
		/* the device may be gone already: only clear what still points here */
		free(core->devs[i]);
	}
	for (size_t i = 0; i < k->ndevices; i++)
		if (k->devices[i])
			k->devices[i]->dma_state = NULL;
	for (size_t i = 0; i < core->ncookies; i++)
		iommu_put_dma_cookie(core->cookies[i]);
	swiotlb_exit(&core->io_tlb);
	free(core->devs);
	free(core->cookies);
	free(core);
}
