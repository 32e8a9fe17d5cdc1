/*
 * dma-iommu as Linux 6.1 runs it on virt + SMMUv3: which ops a device gets
 * for each default domain type, the IOVAs it hands out, bytes through the
 * SMMU, strict vs flush-queue invalidations, and scatterlist merging.
 */
#include <stdint.h>
#include "boot_util.h"
#include "dma/dma_internal.h"
#include "dma/dma_mask.h"
#include "drivers/device_dma.h"
#include "hw/system.h"
#include "pgtable/io_pgtable.h"
#include "smmuv3/arm_smmu_v3.h"

/*
 * vectors=0: no MSI-X, so the driver takes INTx and no MSI doorbell page is
 * mapped into the domain (test_msi.c covers that): the IOVA space is the
 * tests' own
 */
#define MACHINE "-M virt,iommu=smmuv3 -nic none -m 2G -device virtio-net-pci,bus=pcie.0,vectors=0"
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

static struct iommu_dma_cookie *cookie_of(struct device *dev)
{
	struct iommu_domain *d = iommu_get_domain_for_dev(dev);
	cr_assert_not_null(d);
	return d->iova_cookie;
}

static u64 smmu_tlbi(struct iommusim *sim)
{
	return ((struct arm_smmu_device *)sim->k->smmu)->stats.tlbi;
}

static bool dmesg_has(struct iommusim *sim, const char *needle)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), needle))
			return true;
	return false;
}

Test(dma_iommu, ops_follow_the_default_domain_type)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	cr_assert_str_eq(dma_ops_name(dev), "dma-iommu");
	cr_assert_eq(iommu_get_domain_for_dev(dev)->type, IOMMU_DOMAIN_DMA, "Debian: IOMMU_DEFAULT_DMA_STRICT");
	cr_assert_eq(dma_max_mapping_size(dev), SIZE_MAX);
	iommusim_free(sim);

	sim = boot_ok(MACHINE " -append iommu.strict=0");
	dev = dev_of(sim);
	cr_assert_str_eq(dma_ops_name(dev), "dma-iommu");
	cr_assert_eq(iommu_get_domain_for_dev(dev)->type, IOMMU_DOMAIN_DMA_FQ);
	cr_assert_not_null(cookie_of(dev)->fq_domain, "DMA-FQ domains get a flush queue");
	iommusim_free(sim);

	sim = boot_ok(MACHINE " -append iommu.passthrough=1");
	dev = dev_of(sim);
	cr_assert_str_eq(dma_ops_name(dev), "dma-direct");
	cr_assert_eq(dma_map_single(dev, BUF_PA + 0x10, 64, DMA_TO_DEVICE), BUF_PA + 0x10, "identity: dma == phys");
	iommusim_free(sim);

	sim = boot_ok("-M virt -nic none -device virtio-net-pci,bus=pcie.0");
	cr_assert_str_eq(dma_ops_name(dev_of(sim)), "dma-direct");
	iommusim_free(sim);
}

Test(dma_iommu, pci_devices_get_32bit_iovas_first_top_down)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	/* the page offset survives; IOVAs go down from 4 GiB */
	cr_assert_eq(dma_map_single(dev, BUF_PA + 0x123, 0x100, DMA_TO_DEVICE), 0xfffff123ULL);
	cr_assert_eq(dma_map_single(dev, BUF_PA + 0x1000, 0x1000, DMA_TO_DEVICE), 0xffffe000ULL);
	/* 3 pages: the rcache rounds to 4, aligned to 16K */
	u64 a = dma_map_single(dev, BUF_PA, 0x3000, DMA_BIDIRECTIONAL);
	cr_assert_eq(a, 0xffff8000ULL);
	/* an allocation that straddles the page: two granules */
	u64 b = dma_map_single(dev, BUF_PA + 0xf00, 0x200, DMA_BIDIRECTIONAL);
	cr_assert_eq(b & 0xfff, 0xf00);
	cr_assert_eq(b & ~0x1fffULL, b & ~0xfffULL & ~0x1000ULL, "2 granules, 8K aligned");
	cr_assert_eq(b, 0xffff6f00ULL);
	struct dma_dev_stats *st = dma_dev_stats(dev);
	cr_assert_eq(st->maps, 4);
	cr_assert_eq(st->iova_cache_misses, 4);
	/* freed IOVAs come back from the rcache */
	dma_unmap_single(dev, a, 0x3000, DMA_BIDIRECTIONAL);
	cr_assert_eq(dma_map_single(dev, BUF_PA, 0x4000, DMA_BIDIRECTIONAL), a);
	cr_assert_eq(st->iova_cache_hits, 1);
	iommusim_free(sim);
}

Test(dma_iommu, forcedac_skips_the_32bit_try)
{
	struct iommusim *sim = boot_ok(MACHINE " -append iommu.forcedac=1");
	struct device *dev = dev_of(sim);
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	/* limit: the domain's aperture (48-bit stage-1 input) */
	u64 ap = iommu_get_domain_for_dev(dev)->geometry.aperture_end;
	cr_assert_eq(ap, DMA_BIT_MASK(48));
	cr_assert_eq(dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE), ap + 1 - 0x1000);
	/* a 32-bit device stays under its mask */
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)), 0);
	cr_assert_eq(dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE), 0xfffff000ULL);
	iommusim_free(sim);
}

Test(dma_iommu, reserved_windows_as_61)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	struct iova_domain *iovad = &cookie_of(dev)->iovad;
	cr_assert_eq(iovad->granule, 0x1000);
	cr_assert_eq(iovad->start_pfn, 1);
	/* the host bridge's memory windows (32-bit and high MMIO) are never DMA targets */
	struct iova *w = find_iova(iovad, 0x10000000 >> 12);
	cr_assert_not_null(w);
	cr_assert_eq(w->pfn_lo, 0x10000000 >> 12);
	cr_assert_eq(w->pfn_hi, 0x3efeffff >> 12);
	cr_assert_not_null(find_iova(iovad, 0x8000000000ULL >> 12));
	/* the PCI IO window is not memory: not reserved */
	cr_assert_null(find_iova(iovad, 0x3eff0000 >> 12));
	/* IOMMU_RESV_SW_MSI: dma-iommu manages it itself in 6.1, so it is not reserved */
	cr_assert_null(find_iova(iovad, 0x8000000 >> 12));

	/* 1 GiB mappings: three fit below 4 GiB around the window, then the 64-bit space */
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	const u64 G = 1ULL << 30;
	u64 got[4];
	for (int i = 0; i < 4; i++) {
		got[i] = dma_map_single(dev, 0x40000000, G, DMA_BIDIRECTIONAL);
		cr_assert_neq(got[i], DMA_MAPPING_ERROR);
		cr_assert_eq(iommu_iova_to_phys(iommu_get_domain_for_dev(dev), got[i] + 0x1234), 0x40001234);
	}
	cr_assert_eq(got[0], 3 * G);
	cr_assert_eq(got[1], 2 * G);
	cr_assert_eq(got[2], 1 * G);
	cr_assert_eq(got[3], (1ULL << 48) - G, "64-bit device: high IOVA once 32-bit space is full");
	/* a 32-bit device cannot go there: the map fails, nothing leaks */
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)), 0);
	unsigned long ranges = iovad->nr_ranges;
	cr_assert_eq(dma_map_single(dev, 0x40000000, G, DMA_BIDIRECTIONAL), DMA_MAPPING_ERROR);
	cr_assert_eq(iovad->nr_ranges, ranges);
	cr_assert_eq(dma_dev_stats(dev)->map_errors, 1);
	/* small ones still find room: above the window (the IO window is not reserved), then below it */
	u64 s = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(s, 0x3ffff000ULL);
	for (int i = 0; i < 16; i++)
		s = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(s, 0x3ffef000ULL);
	/* 64K pages fill what is left above the window, then go below it */
	u64 prev = s;
	for (;;) {
		s = dma_map_single(dev, BUF_PA, 0x10000, DMA_TO_DEVICE);
		cr_assert_neq(s, DMA_MAPPING_ERROR);
		if (s > prev)
			break;	/* the rcache handed back nothing: cannot happen */
		if (s < 0x3eff0000ULL)
			break;
		prev = s;
	}
	cr_assert(s < 0x10000000ULL, "got %#llx: never inside the PCI window", (unsigned long long)s);
	cr_assert_eq(s, 0x10000000ULL - 0x10000);
	iommusim_free(sim);
}

Test(dma_iommu, bytes_round_trip_through_the_smmu)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	u8 pat[256], got[256];
	for (int i = 0; i < 256; i++)
		pat[i] = (u8)(i * 7 + 1);
	cr_assert_eq(guest_mem_write(gmem(sim), BUF_PA + 0x80, pat, sizeof(pat)), 0);
	u64 iova = dma_map_single(dev, BUF_PA + 0x80, sizeof(pat), DMA_TO_DEVICE);
	cr_assert_neq(iova, DMA_MAPPING_ERROR);
	cr_assert_neq(iova, BUF_PA + 0x80);
	cr_assert_eq(device_dma(dev, iova, got, sizeof(got), false, false), 0);
	cr_assert_arr_eq(got, pat, sizeof(pat));
	/* TO_DEVICE maps read-only: the device may not write */
	cr_assert_eq(device_dma(dev, iova, got, 16, true, false), -EFAULT);

	/* FROM_DEVICE: the device writes, the CPU sees it at the buffer's PA */
	u64 in = dma_map_single(dev, BUF_PA + 0x2000, 128, DMA_FROM_DEVICE);
	cr_assert_eq(device_dma(dev, in, pat, 128, true, false), 0);
	cr_assert_eq(guest_mem_read(gmem(sim), BUF_PA + 0x2000, got, 128), 0);
	cr_assert_arr_eq(got, pat, 128);

	/* strict unmap: the next access faults at once */
	dma_unmap_single(dev, iova, sizeof(pat), DMA_TO_DEVICE);
	cr_assert_eq(device_dma(dev, iova, got, 16, false, false), -EFAULT);
	cr_assert_eq(iommu_iova_to_phys(iommu_get_domain_for_dev(dev), iova), 0);
	iommusim_free(sim);
}

Test(dma_iommu, strict_invalidates_once_per_unmap)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	struct dma_dev_stats *st = dma_dev_stats(dev);
	u64 t0 = smmu_tlbi(sim);
	for (int i = 0; i < 10; i++) {
		u64 a = dma_map_single(dev, BUF_PA + 0x1000 * (u64)i, 0x1000, DMA_TO_DEVICE);
		cr_assert_eq(st->invalidations, (u64)i, "maps do not invalidate");
		dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	}
	cr_assert_eq(st->invalidations, 10);
	cr_assert_eq(smmu_tlbi(sim) - t0, 10);
	cr_assert_eq(st->fq_flushes, 0);
	iommusim_free(sim);
}

Test(dma_iommu, lazy_defers_invalidation_to_the_flush_queue)
{
	struct iommusim *sim = boot_ok(MACHINE " -append iommu.strict=0");
	struct device *dev = dev_of(sim);
	struct dma_dev_stats *st = dma_dev_stats(dev);
	u8 buf[64];
	u64 a = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(device_dma(dev, a, buf, 64, false, false), 0);
	dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(st->invalidations, 0);
	cr_assert_eq(iommu_iova_to_phys(iommu_get_domain_for_dev(dev), a), 0, "PTE cleared at once");
	/* the IOVA is not reused before the flush */
	u64 b = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_neq(b, a);
	dma_unmap_single(dev, b, 0x1000, DMA_TO_DEVICE);

	/* the 10 ms timer: not yet at 9 ms, on the next call after 10 ms */
	sim->k->log.clock_ns += 9000000;
	u64 c = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(st->fq_flushes, 0);
	sim->k->log.clock_ns += 1000000;
	dma_unmap_single(dev, c, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(st->fq_flushes, 1);
	cr_assert_eq(st->invalidations, 1, "one TLBI for the whole queue (by ASID)");
	/* c was queued after the flush: forced flush gives it back */
	cr_assert_eq(iommu_dma_flush_fq(dev), 0);
	cr_assert_eq(st->fq_flushes, 2);
	cr_assert_eq(st->invalidations, 2);
	cr_assert_eq(device_dma(dev, a, buf, 64, false, false), -EFAULT);
	iommusim_free(sim);
}

Test(dma_iommu, full_flush_queue_flushes)
{
	struct iommusim *sim = boot_ok(MACHINE " -append iommu.strict=0");
	struct device *dev = dev_of(sim);
	struct dma_dev_stats *st = dma_dev_stats(dev);
	u64 t0 = smmu_tlbi(sim);
	/* the ring holds IOVA_FQ_SIZE - 1 entries; the next unmap flushes it */
	for (int i = 0; i < IOVA_FQ_SIZE - 1; i++) {
		u64 a = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
		dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	}
	cr_assert_eq(st->invalidations, 0);
	cr_assert_eq(smmu_tlbi(sim), t0);
	u64 a = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(st->fq_flushes, 1);
	cr_assert_eq(st->invalidations, 1);
	cr_assert_eq(smmu_tlbi(sim) - t0, 1);
	/* the flushed IOVAs went back to the rcache: the next map is a hit */
	u64 hits = st->iova_cache_hits;
	dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(st->iova_cache_hits, hits + 1);
	iommusim_free(sim);
}

static int fault_events(struct iommusim *sim)
{
	int n = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		n += strstr(klog_line(&sim->k->log, i), "event 0x10 received:") != NULL;
	return n;
}

/*
 * DMA-FQ, through the DMA API (6.1 __iommu_dma_unmap with gather.queued):
 * the PTE goes at once, the IOTLB entry the device's last access left stays
 * usable until the flush queue's 10 ms timer runs its invalidate-all.
 */
Test(dma_iommu, lazy_stale_translation_lasts_until_the_fq_timer)
{
	struct iommusim *sim = boot_ok(MACHINE " -append iommu.strict=0");
	struct device *dev = dev_of(sim);
	u8 buf[16];
	u64 a = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(device_dma(dev, a, buf, 16, false, false), 0);
	u64 t0 = smmu_tlbi(sim);
	dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(smmu_tlbi(sim), t0, "queued: no TLBI at unmap");
	cr_assert_eq(iommu_iova_to_phys(iommu_get_domain_for_dev(dev), a), 0);
	cr_assert(cookie_of(dev)->fq_timer_on);
	cr_assert_eq(device_dma(dev, a, buf, 16, false, false), 0, "stale IOTLB entry");
	klog_advance(&sim->k->log, 9000000);
	iommu_dma_run_fq_timers(sim->k);
	cr_assert_eq(device_dma(dev, a, buf, 16, false, false), 0, "9 ms: not flushed yet");
	cr_assert_eq(fault_events(sim), 0);
	klog_advance(&sim->k->log, 1000000);
	iommu_dma_run_fq_timers(sim->k);
	cr_assert_eq(smmu_tlbi(sim), t0 + 1, "one invalidate-all for the queue");
	cr_assert_not(cookie_of(dev)->fq_timer_on);
	cr_assert_eq(device_dma(dev, a, buf, 16, false, false), -EFAULT);
	cr_assert_eq(fault_events(sim), 1);
	iommusim_free(sim);
}

/* The same stale entry, until the unmap that finds the ring full flushes it. */
Test(dma_iommu, lazy_stale_translation_lasts_until_the_fq_is_full)
{
	struct iommusim *sim = boot_ok(MACHINE " -append iommu.strict=0");
	struct device *dev = dev_of(sim);
	u8 buf[16];
	u64 a = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(device_dma(dev, a, buf, 16, false, false), 0);
	dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	/* IOVA_FQ_SIZE - 1 entries in the ring, a's included: still no flush */
	for (int i = 1; i < IOVA_FQ_SIZE - 1; i++) {
		u64 b = dma_map_single(dev, BUF_PA + 0x1000, 0x1000, DMA_TO_DEVICE);
		dma_unmap_single(dev, b, 0x1000, DMA_TO_DEVICE);
	}
	cr_assert_eq(dma_dev_stats(dev)->fq_flushes, 0);
	cr_assert_eq(device_dma(dev, a, buf, 16, false, false), 0, "stale IOTLB entry");
	/* the 256th unmap finds the ring full and flushes before queueing */
	u64 b = dma_map_single(dev, BUF_PA + 0x1000, 0x1000, DMA_TO_DEVICE);
	dma_unmap_single(dev, b, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(dma_dev_stats(dev)->fq_flushes, 1);
	cr_assert_eq(device_dma(dev, a, buf, 16, false, false), -EFAULT);
	cr_assert_eq(fault_events(sim), 1);
	iommusim_free(sim);
}

/*
 * 6.1's iommu_unmap() gathers and syncs whatever the domain type: only
 * dma-iommu queues. On the very DMA-FQ domain above, the next access faults.
 */
Test(dma_iommu, iommu_unmap_on_a_dma_fq_domain_invalidates_at_once)
{
	struct iommusim *sim = boot_ok(MACHINE " -append iommu.strict=0");
	struct device *dev = dev_of(sim);
	struct iommu_domain *d = iommu_get_domain_for_dev(dev);
	cr_assert_eq(d->type, IOMMU_DOMAIN_DMA_FQ);
	u8 buf[16];
	cr_assert_eq(iommu_map(d, 0x100000, BUF_PA, 0x1000, IOMMU_READ), 0);
	cr_assert_eq(device_dma(dev, 0x100000, buf, 16, false, false), 0);
	u64 t0 = smmu_tlbi(sim);
	cr_assert_eq(iommu_unmap(d, 0x100000, 0x1000), 0x1000);
	cr_assert_eq(smmu_tlbi(sim), t0 + 1, "a range TLBI and its CMD_SYNC");
	cr_assert_not(cookie_of(dev)->fq_timer_on, "nothing queued");
	cr_assert_eq(device_dma(dev, 0x100000, buf, 16, false, false), -EFAULT);
	cr_assert_eq(fault_events(sim), 1);
	iommusim_free(sim);
}

static void sg_init(struct scatterlist *sg, int n, const u64 *pa, const u32 *len)
{
	for (int i = 0; i < n; i++)
		sg[i] = (struct scatterlist){ .phys = pa[i], .length = len[i] };
}

Test(dma_iommu, sg_segments_merge_in_iova_space)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	struct scatterlist sg[4];
	/* pages from anywhere: laid out back to back in one IOVA range */
	const u64 pa[4] = { BUF_PA + 0x5000, BUF_PA + 0x1000, BUF_PA + 0x9000, BUF_PA + 0x2000 };
	const u32 len[4] = { 0x1000, 0x1000, 0x1000, 0x1000 };
	for (int i = 0; i < 4; i++) {
		u8 fill[0x1000];
		memset(fill, 'a' + i, sizeof(fill));
		guest_mem_write(gmem(sim), pa[i], fill, sizeof(fill));
	}
	sg_init(sg, 4, pa, len);
	cr_assert_eq(dma_map_sg_attrs(dev, sg, 4, DMA_TO_DEVICE, 0), 1);
	cr_assert_eq(sg[0].dma_length, 0x4000);
	cr_assert_eq(sg[0].dma_address, 0xffffc000ULL);
	cr_assert_eq(sg[1].dma_length, 0, "unused entries are terminated");
	cr_assert_eq(sg[2].phys, pa[2], "the CPU side is restored");
	cr_assert_eq(sg[2].length, 0x1000);
	u8 got[0x4000];
	cr_assert_eq(device_dma(dev, sg[0].dma_address, got, sizeof(got), false, false), 0);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(got[i * 0x1000 + 7], 'a' + i);
	dma_unmap_sg_attrs(dev, sg, 4, DMA_TO_DEVICE, 0);
	cr_assert_eq(dma_dev_stats(dev)->unmap_errors, 0);
	cr_assert_eq(device_dma(dev, 0xffffc000ULL, got, 16, false, false), -EFAULT);

	/* max_segment_size 8K: pairs */
	cr_assert_eq(dma_set_max_seg_size(dev, 0x2000), 0);
	sg_init(sg, 4, pa, len);
	cr_assert_eq(dma_map_sg_attrs(dev, sg, 4, DMA_TO_DEVICE, 0), 2);
	cr_assert_eq(sg[0].dma_length, 0x2000);
	cr_assert_eq(sg[1].dma_length, 0x2000);
	cr_assert_eq(sg[1].dma_address, sg[0].dma_address + 0x2000);
	dma_unmap_sg_attrs(dev, sg, 4, DMA_TO_DEVICE, 0);

	/* a segment boundary every 8K splits there even with room in max_seg */
	cr_assert_eq(dma_set_max_seg_size(dev, 0x10000), 0);
	dev->seg_boundary_mask = 0x1fff;
	sg_init(sg, 4, pa, len);
	cr_assert_eq(dma_map_sg_attrs(dev, sg, 4, DMA_TO_DEVICE, 0), 2);
	cr_assert_eq(sg[0].dma_address & 0x1fff, 0);
	cr_assert_eq(sg[1].dma_address & 0x1fff, 0);
	dma_unmap_sg_attrs(dev, sg, 4, DMA_TO_DEVICE, 0);
	dev->seg_boundary_mask = 0xffffffffULL;

	/* an entry not starting on a granule starts a new segment */
	const u64 pa2[3] = { BUF_PA, BUF_PA + 0x3100, BUF_PA + 0x6000 };
	const u32 len2[3] = { 0x1000, 0x200, 0x1000 };
	sg_init(sg, 3, pa2, len2);
	cr_assert_eq(dma_map_sg_attrs(dev, sg, 3, DMA_BIDIRECTIONAL, 0), 3);
	cr_assert_eq(sg[1].dma_address & 0xfff, 0x100);
	cr_assert_eq(sg[1].dma_length, 0x200);
	cr_assert_eq(sg[2].dma_address, sg[1].dma_address - 0x100 + 0x1000);
	cr_assert_eq(iommu_iova_to_phys(iommu_get_domain_for_dev(dev), sg[1].dma_address), BUF_PA + 0x3100);
	dma_unmap_sg_attrs(dev, sg, 3, DMA_BIDIRECTIONAL, 0);
	cr_assert_eq(dma_dev_stats(dev)->sg_segments_out, 1 + 2 + 2 + 3);
	cr_assert_eq(dma_dev_stats(dev)->unmap_errors, 0);
	iommusim_free(sim);
}

Test(dma_iommu, coherent_alloc_is_zeroed_and_mapped)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	cr_assert_eq(dma_set_coherent_mask(dev, DMA_BIT_MASK(32)), 0);
	u64 handle = 0;
	u64 cpu = dma_alloc_coherent(dev, 0x3000, &handle);
	cr_assert_neq(cpu, 0);
	cr_assert(handle <= DMA_BIT_MASK(32) && handle >= 0xf0000000ULL, "handle %#llx", (unsigned long long)handle);
	cr_assert_eq(handle & 0x3fff, 0);
	u8 z[0x3000], pat[32];
	cr_assert_eq(guest_mem_read(gmem(sim), cpu, z, sizeof(z)), 0);
	for (size_t i = 0; i < sizeof(z); i++)
		cr_assert_eq(z[i], 0);
	memset(pat, 0x5a, sizeof(pat));
	cr_assert_eq(device_dma(dev, handle + 0x2000, pat, sizeof(pat), true, false), 0);
	cr_assert_eq(guest_mem_read(gmem(sim), cpu + 0x2000, z, sizeof(pat)), 0);
	cr_assert_arr_eq(z, pat, sizeof(pat));
	/* freeing with a wrong CPU address changes nothing */
	dma_free_coherent(dev, 0x3000, cpu + 0x1000, handle);
	cr_assert_eq(dma_dev_stats(dev)->unmap_errors, 1);
	cr_assert_eq(device_dma(dev, handle, pat, 4, false, false), 0);
	dma_free_coherent(dev, 0x3000, cpu, handle);
	cr_assert_eq(dma_dev_stats(dev)->frees, 1);
	cr_assert_eq(device_dma(dev, handle, pat, 4, false, false), -EFAULT);
	iommusim_free(sim);
}

Test(dma_iommu, bad_unmaps_change_nothing)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	struct dma_dev_stats *st = dma_dev_stats(dev);
	struct iova_domain *iovad = &cookie_of(dev)->iovad;
	u64 a = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	unsigned long ranges = iovad->nr_ranges;
	u64 t0 = smmu_tlbi(sim);
	/* never mapped, a reserved window, the wrong size, the middle of a mapping */
	dma_unmap_single(dev, 0x12340000, 0x1000, DMA_TO_DEVICE);
	dma_unmap_single(dev, 0x10000000, 0x1000, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, 0x3000, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, 0, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, 0x1000, DMA_NONE);
	cr_assert_eq(st->unmap_errors, 5);
	cr_assert_eq(st->unmaps, 0);
	cr_assert_eq(iovad->nr_ranges, ranges);
	cr_assert_eq(smmu_tlbi(sim), t0);
	cr_assert_eq(iommu_iova_to_phys(iommu_get_domain_for_dev(dev), a), BUF_PA);
	/* double unmap: the second one is refused */
	dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	cr_assert_eq(st->unmaps, 1);
	cr_assert_eq(st->unmap_errors, 6);
	cr_assert_eq(smmu_tlbi(sim) - t0, 1);
	/* bad maps */
	cr_assert_eq(dma_map_single(dev, BUF_PA, 0, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(dev, BUF_PA, 16, DMA_NONE), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(dev, BUF_PA, 16, (enum dma_data_direction)7), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(dev, ~0ULL - 4, 16, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(NULL, BUF_PA, 16, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert_eq(st->map_errors, 4);
	struct scatterlist sg = { .phys = BUF_PA, .length = 0 };
	cr_assert_eq(dma_map_sg_attrs(dev, &sg, 1, DMA_TO_DEVICE, 0), 0);
	cr_assert_eq(dma_map_sg_attrs(dev, NULL, 1, DMA_TO_DEVICE, 0), 0);
	cr_assert_eq(dma_map_sg_attrs(dev, &sg, 0, DMA_TO_DEVICE, 0), 0);
	u64 h = 0;
	cr_assert_eq(dma_alloc_coherent(dev, 0, &h), 0);
	cr_assert_eq(dma_alloc_coherent(NULL, 4096, &h), 0);
	cr_assert_eq(iovad->nr_ranges, ranges);
	dma_unmap_single(NULL, a, 0x1000, DMA_TO_DEVICE);	/* no crash */
	iommusim_free(sim);
}

Test(dma_iommu, debugfs_file)
{
	struct iommusim *sim = boot_ok(MACHINE);
	struct device *dev = dev_of(sim);
	u64 a = dma_map_single(dev, BUF_PA, 0x1000, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, 0x1000, DMA_TO_DEVICE);
	struct sysfs_buf b;
	cr_assert_eq(sysfs_read(sim->k, "/sys/kernel/debug/iommusim/dma/" DEVNAME, &b), 0);
	cr_assert_not_null(strstr(b.text, "dma_ops: dma-iommu\n"), "%s", b.text);
	cr_assert_not_null(strstr(b.text, "domain: DMA\n"));
	cr_assert_not_null(strstr(b.text, "maps: 1\n"));
	cr_assert_not_null(strstr(b.text, "unmaps: 1\n"));
	cr_assert_not_null(strstr(b.text, "invalidations: 1\n"));
	cr_assert_not_null(strstr(b.text, "max_mapping_size: unlimited\n"));
	sysfs_buf_free(&b);
	cr_assert_eq(sysfs_read(sim->k, "/sys/kernel/debug/iommusim/dma/0000:09:00.0", &b), -ENOENT);
	sysfs_buf_free(&b);
	char *out = run(sim, "cat /sys/kernel/debug/iommusim/dma/" DEVNAME "\n");
	cr_assert_not_null(strstr(out, "invalidations: 1"), "%s", out);
	free(out);
	cr_assert(!dmesg_has(sim, "software IO TLB"), "no pool on a 2G virt without swiotlb=force");
	iommusim_free(sim);
}
