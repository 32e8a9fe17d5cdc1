/*
 * dma-direct and swiotlb as Linux 6.1 runs them on arm64 virt: phys == dma,
 * the default pool only with swiotlb=force or RAM past 4 GiB, bounce copies
 * in both directions, the "buffer is full" message, max mapping sizes, and
 * bad input that changes nothing.
 */
#include <stdint.h>
#include "boot_util.h"
#include "dma/dma_internal.h"
#include "dma/dma_mask.h"
#include "drivers/device_dma.h"
#include "hw/system.h"

#define NOIOMMU "-M virt -nic none -device virtio-net-pci,bus=pcie.0"
#define DEVNAME "0000:00:01.0"
#define BUF_PA 0x41000000ULL

static struct device *dev_of(struct iommusim *sim)
{
	return &pdev_of(sim, DEVNAME)->dev;
}

static struct guest_mem *gmem(struct iommusim *sim)
{
	return ((struct hw_system *)sim->k->hw)->mem;
}

static struct io_tlb_mem *pool(struct iommusim *sim)
{
	return &dma_core_get(sim->k)->io_tlb;
}

static const char *dmesg_find(struct iommusim *sim, const char *needle)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), needle))
			return klog_line(&sim->k->log, i);
	return NULL;
}

Test(dma_direct, phys_is_dma_without_a_pool)
{
	struct iommusim *sim = boot_ok(NOIOMMU);
	struct device *dev = dev_of(sim);
	cr_assert_str_eq(dma_ops_name(dev), "dma-direct");
	cr_assert(!is_swiotlb_active(pool(sim)), "128M virt: no swiotlb pool");
	cr_assert_null(dmesg_find(sim, "software IO TLB"));
	cr_assert_eq(dma_max_mapping_size(dev), SIZE_MAX);
	cr_assert_eq(dma_map_single(dev, BUF_PA + 0x40, 100, DMA_TO_DEVICE), BUF_PA + 0x40);
	dma_unmap_single(dev, BUF_PA + 0x40, 100, DMA_TO_DEVICE);
	struct dma_dev_stats *st = dma_dev_stats(dev);
	cr_assert_eq(st->maps, 1);
	cr_assert_eq(st->unmaps, 1);
	cr_assert_eq(st->bounces, 0);
	/* sg: one segment per entry, no merging in dma-direct */
	struct scatterlist sg[2] = { { .phys = BUF_PA, .length = 0x1000 }, { .phys = BUF_PA + 0x1000, .length = 0x1000 } };
	cr_assert_eq(dma_map_sg_attrs(dev, sg, 2, DMA_TO_DEVICE, 0), 2);
	cr_assert_eq(sg[1].dma_address, BUF_PA + 0x1000);
	cr_assert_eq(sg[1].dma_length, 0x1000);
	dma_unmap_sg_attrs(dev, sg, 2, DMA_TO_DEVICE, 0);
	/* coherent memory from the kernel's pages, zeroed, under the mask */
	u64 h = 0, cpu = dma_alloc_coherent(dev, 0x2000, &h);
	cr_assert_neq(cpu, 0);
	cr_assert_eq(cpu, h);
	cr_assert(cpu + 0x2000 <= 0x48000000ULL);
	u8 z[16];
	cr_assert_eq(guest_mem_read(gmem(sim), cpu, z, sizeof(z)), 0);
	for (size_t i = 0; i < sizeof(z); i++)
		cr_assert_eq(z[i], 0);
	dma_free_coherent(dev, 0x2000, cpu, h);
	cr_assert_eq(st->frees, 1);
	iommusim_free(sim);
}

Test(dma_direct, unreachable_buffer_without_pool_fails_once_warned)
{
	struct iommusim *sim = boot_ok(NOIOMMU);
	struct device *dev = dev_of(sim);
	dev->bus_dma_limit = BUF_PA + 0xfff;	/* a bus that stops there */
	cr_assert_eq(dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE), BUF_PA);
	cr_assert_eq(dma_map_single(dev, BUF_PA, 0x1001, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(dev, BUF_PA + 0x2000, 1, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	const char *l = dmesg_find(sim, "overflow (mask");
	cr_assert_not_null(l);
	cr_assert_not_null(strstr(l, DEVNAME ": DMA addr 0x0000000041000000+4097 overflow"), "%s", l);
	size_t n = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		n += strstr(klog_line(&sim->k->log, i), "overflow (mask") != NULL;
	cr_assert_eq(n, 1, "dev_WARN_ONCE");
	cr_assert_eq(dma_dev_stats(dev)->map_errors, 2);
	iommusim_free(sim);
}

Test(dma_direct, swiotlb_force_bounces_both_ways)
{
	struct iommusim *sim = boot_ok(NOIOMMU " -append swiotlb=force");
	struct device *dev = dev_of(sim);
	struct io_tlb_mem *mem = pool(sim);
	cr_assert(is_swiotlb_active(mem));
	/*
	 * 128 MiB of RAM has no 64 MiB hole left under the memmap: 6.1.y
	 * halves the pool until it fits, and logs it (real Linux, -m 128)
	 */
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: swiotlb_memblock_alloc: Failed to allocate 67108864 bytes tlb structure"));
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: SWIOTLB bounce buffer size adjusted 32768 -> 16384 slabs"));
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: mapped [mem 0x0000000045c00000-0x0000000047c00000] (32MB)"));
	cr_assert_eq(mem->nslabs, 16384);
	cr_assert_eq(dma_max_mapping_size(dev), 256 * 1024);

	u8 pat[300], got[300];
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (u8)(i ^ 0x5c);
	guest_mem_write(gmem(sim), BUF_PA + 0x10, pat, sizeof(pat));
	u64 a = dma_map_single(dev, BUF_PA + 0x10, sizeof(pat), DMA_TO_DEVICE);
	cr_assert(is_swiotlb_buffer(mem, a), "bounced to %#llx", (unsigned long long)a);
	/* the device (no IOMMU) reads the bounce slot */
	cr_assert_eq(device_dma(dev, a, got, sizeof(got), false, false), 0);
	cr_assert_arr_eq(got, pat, sizeof(pat));
	dma_unmap_single(dev, a, sizeof(pat), DMA_TO_DEVICE);

	/* FROM_DEVICE: what the device wrote lands in the buffer at unmap */
	u64 b = dma_map_single(dev, BUF_PA + 0x1000, sizeof(pat), DMA_FROM_DEVICE);
	cr_assert(is_swiotlb_buffer(mem, b));
	cr_assert_eq(device_dma(dev, b, pat, sizeof(pat), true, false), 0);
	guest_mem_read(gmem(sim), BUF_PA + 0x1000, got, sizeof(got));
	cr_assert_neq(memcmp(got, pat, sizeof(pat)), 0, "not before unmap (or sync)");
	dma_unmap_single(dev, b, sizeof(pat), DMA_FROM_DEVICE);
	guest_mem_read(gmem(sim), BUF_PA + 0x1000, got, sizeof(got));
	cr_assert_arr_eq(got, pat, sizeof(pat));
	struct dma_dev_stats *st = dma_dev_stats(dev);
	/* map copies whatever the direction (6.1), unmap copies back FROM_DEVICE */
	cr_assert_eq(st->bounces, 3);
	cr_assert_eq(st->bounce_bytes, 3 * sizeof(pat));
	cr_assert_eq(swiotlb_mem_used(mem), 0);

	/* a sync for the CPU copies back without unmapping */
	u64 c = dma_map_single(dev, BUF_PA + 0x3000, 64, DMA_BIDIRECTIONAL);
	memset(pat, 0xee, 64);
	device_dma(dev, c, pat, 64, true, false);
	dma_sync_single_for_cpu(dev, c, 64, DMA_BIDIRECTIONAL);
	guest_mem_read(gmem(sim), BUF_PA + 0x3000, got, 64);
	cr_assert_arr_eq(got, pat, 64);
	dma_unmap_single(dev, c, 64, DMA_BIDIRECTIONAL);
	iommusim_free(sim);
}

Test(dma_direct, full_pool_message_with_the_device_prefix)
{
	/* the smallest pool: 512 slots of 2K = 1 MiB */
	struct iommusim *sim = boot_ok(NOIOMMU " -append swiotlb=512,force");
	struct device *dev = dev_of(sim);
	cr_assert_not_null(dmesg_find(sim, "software IO TLB: mapped [mem "));
	cr_assert_not_null(dmesg_find(sim, "(1MB)"));
	u64 got[4];
	for (int i = 0; i < 4; i++) {
		got[i] = dma_map_single(dev, BUF_PA, 256 * 1024, DMA_TO_DEVICE);
		cr_assert_neq(got[i], DMA_MAPPING_ERROR);
	}
	cr_assert_eq(dma_map_single(dev, BUF_PA, 4096, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	const char *l = dmesg_find(sim, "swiotlb buffer is full");
	cr_assert_not_null(l);
	cr_assert_str_eq(l, "virtio-pci " DEVNAME ": swiotlb buffer is full (sz: 4096 bytes), total 512 (slots), used 512 (slots)");
	for (int i = 0; i < 4; i++)
		dma_unmap_single(dev, got[i], 256 * 1024, DMA_TO_DEVICE);
	cr_assert_eq(swiotlb_mem_used(pool(sim)), 0);
	cr_assert_neq(dma_map_single(dev, BUF_PA, 4096, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	/* larger than a segment (128 slots): never fits */
	cr_assert_eq(dma_map_single(dev, BUF_PA, 256 * 1024 + 1, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	iommusim_free(sim);
}

Test(dma_direct, swiotlb_force_does_not_touch_dma_iommu)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-net-pci,bus=pcie.0 -append swiotlb=force");
	struct device *dev = dev_of(sim);
	cr_assert_str_eq(dma_ops_name(dev), "dma-iommu");
	cr_assert_eq(dma_max_mapping_size(dev), SIZE_MAX);
	u64 a = dma_map_single(dev, BUF_PA, 0x100, DMA_TO_DEVICE);
	cr_assert(!is_swiotlb_buffer(pool(sim), a));
	cr_assert_eq(dma_dev_stats(dev)->bounces, 0);
	iommusim_free(sim);
	/* but identity-mapped devices are dma-direct, and bounce */
	sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-net-pci,bus=pcie.0 -append swiotlb=force~iommu.passthrough=1");
	dev = dev_of(sim);
	cr_assert_str_eq(dma_ops_name(dev), "dma-direct");
	cr_assert_eq(dma_max_mapping_size(dev), 256 * 1024);
	a = dma_map_single(dev, BUF_PA, 0x100, DMA_TO_DEVICE);
	cr_assert(is_swiotlb_buffer(pool(sim), a));
	iommusim_free(sim);
}

Test(dma_direct, ram_past_4g_gets_a_pool_for_32bit_devices)
{
	struct iommusim *sim = boot_ok("-M virt -nic none -m 4G -device virtio-net-pci,bus=pcie.0");
	struct device *dev = dev_of(sim);
	struct io_tlb_mem *mem = pool(sim);
	cr_assert(is_swiotlb_active(mem), "RAM ends at 5 GiB: above the DMA zone");
	cr_assert(!mem->force_bounce);
	cr_assert(mem->end <= (1ULL << 32), "memblock_alloc_low: below 4 GiB");
	cr_assert_not_null(dmesg_find(sim, "(64MB)"));
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	cr_assert_eq(dma_max_mapping_size(dev), SIZE_MAX);
	const u64 high = 0x120000000ULL;
	cr_assert_eq(dma_map_single(dev, high, 64, DMA_TO_DEVICE), high);
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)), 0);
	cr_assert_eq(dma_max_mapping_size(dev), 256 * 1024, "dma_addressing_limited");
	u64 a = dma_map_single(dev, high, 64, DMA_BIDIRECTIONAL);
	cr_assert(is_swiotlb_buffer(mem, a));
	cr_assert_eq(dma_map_single(dev, BUF_PA, 64, DMA_TO_DEVICE), BUF_PA, "reachable: no bounce");
	cr_assert_eq(dma_dev_stats(dev)->bounces, 1);
	iommusim_free(sim);
}

Test(dma_direct, bad_input_changes_nothing)
{
	struct iommusim *sim = boot_ok(NOIOMMU " -append swiotlb=force");
	struct device *dev = dev_of(sim);
	struct io_tlb_mem *mem = pool(sim);
	u64 a = dma_map_single(dev, BUF_PA, 0x800, DMA_TO_DEVICE);
	struct dma_dev_stats *st = dma_dev_stats(dev);
	unsigned long used = swiotlb_mem_used(mem);
	/* a pool address nobody mapped, a direction Linux BUG()s on, size 0 */
	dma_unmap_single(dev, mem->start + 0x100000, 0x800, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, 0x800, DMA_NONE);
	dma_unmap_single(dev, a, 0, DMA_TO_DEVICE);
	dma_unmap_single(dev, DMA_MAPPING_ERROR, 0x800, DMA_TO_DEVICE);
	cr_assert_eq(st->unmap_errors, 4);
	cr_assert_eq(swiotlb_mem_used(mem), used);
	cr_assert_eq(dma_map_single(dev, BUF_PA, 0, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(dev, BUF_PA, 8, DMA_NONE), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(NULL, BUF_PA, 8, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert_eq(swiotlb_mem_used(mem), used);
	cr_assert_eq(st->bounces, 1);
	u64 *mask = dev->dma_mask;
	dev->dma_mask = NULL;	/* not DMA capable: Linux WARNs */
	cr_assert_eq(dma_map_single(dev, BUF_PA, 8, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	dev->dma_mask = mask;
	cr_assert_eq(st->map_errors, 3);
	cr_assert_eq(dma_max_mapping_size(NULL), 0);
	dma_sync_single_for_cpu(NULL, a, 8, DMA_TO_DEVICE);
	dma_sync_single_for_device(dev, a, 8, DMA_NONE);
	cr_assert_eq(st->syncs, 0);
	dma_unmap_single(dev, a, 0x800, DMA_TO_DEVICE);
	cr_assert_eq(swiotlb_mem_used(mem), 0);
	cr_assert_eq(st->unmaps, 1);
	iommusim_free(sim);
}

/*
 * dma_direct_supported(): a mask below 32 bits is still fine when it covers
 * min(last page of RAM, ZONE_DMA's top): 128M virt ends RAM at 0x48000000.
 */
Test(dma_direct, small_mask_supported_when_it_covers_ram)
{
	struct iommusim *sim = boot_ok(NOIOMMU);
	struct device *dev = dev_of(sim);
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(31)), 0, "0x7fffffff >= 0x47fff000");
	cr_assert_eq(*dev->dma_mask, DMA_BIT_MASK(31));
	cr_assert_eq(dev->coherent_dma_mask, DMA_BIT_MASK(31));
	cr_assert_eq(dma_set_mask(dev, 0x47fff000ULL), 0, "exactly the last page");
	cr_assert_eq(dma_set_mask(dev, 0x47ffefffULL), -EIO);
	cr_assert_eq(dma_set_coherent_mask(dev, DMA_BIT_MASK(30)), -EIO);
	cr_assert_eq(*dev->dma_mask, 0x47fff000ULL, "a refused mask changes nothing");
	cr_assert_eq(dev->coherent_dma_mask, DMA_BIT_MASK(31));
	iommusim_free(sim);
}

/* with RAM past 4 GiB the ZONE_DMA top (32 bits) is the floor */
Test(dma_direct, small_mask_refused_when_ram_is_large)
{
	struct iommusim *sim = boot_ok("-M virt -nic none -m 4G -device virtio-net-pci,bus=pcie.0");
	struct device *dev = dev_of(sim);
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(31)), -EIO);
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(32)), 0);
	iommusim_free(sim);
}
