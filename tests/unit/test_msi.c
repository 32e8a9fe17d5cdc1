/*
 * MSIs are DMA: the MSI-X table the kernel programs (an IOVA of the doorbell
 * page in a DMA domain, its physical address with no group or an identity
 * domain), the doorbell mapping dma-iommu puts in the domain, and what the
 * SMMU does with the device's 32-bit write: translated and delivered to the
 * GIC, or faulted and logged when the device's stream belongs to another
 * group's domain (a device aliased into a conventional bridge's group).
 */
#include <unistd.h>
#include <linux/pci_regs.h>
#include "boot_util.h"
#include "drivers/hw_random.h"
#include "drivers/irq.h"
#include "drivers/virtio.h"
#include "drivers/virtio_blk.h"
#include "dma/mapping.h"
#include "hw/gic.h"
#include "hw/pci_msix.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

/* The README's reference machine: virtio-net and a virtio-rng behind a conventional bridge. */
#define REFERENCE(gic, append)                                                                        \
	"-M virt,iommu=smmuv3,gic-version=" gic " -smp 2"                                             \
	" -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1 -device virtio-blk-pci,bus=rp1,drive=d0" \
	" -drive if=none,id=d0,file=/dev/null,format=raw,readonly=on"                                 \
	" -device pci-bridge,id=br1,bus=pcie.0,chassis_nr=2"                                          \
	" -device virtio-net-pci,bus=br1,addr=1,netdev=n0 -netdev user,id=n0"                         \
	" -device virtio-rng-pci,bus=br1,addr=2 -device virtio-rng-pci,bus=pcie.0" append

#define ITS_DOORBELL 0x8090040ULL	/* GITS_TRANSLATER of virt's ITS at 0x8080000 */
#define V2M_DOORBELL 0x8020040ULL	/* MSI_SETSPI_NS of virt's GICv2m at 0x8020000 */

static struct hw_msix *msix_of(struct iommusim *sim, const char *name)
{
	struct hw_msix *m = pdev_of(sim, name)->hw->msix;
	cr_assert_not_null(m, "%s has no MSI-X", name);
	return m;
}

static struct hw_system *hw_of(struct iommusim *sim)
{
	return sim->k->hw;
}

static bool dmesg_has(struct iommusim *sim, const char *needle)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), needle))
			return true;
	return false;
}

static size_t dmesg_count(struct iommusim *sim, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		n += strstr(klog_line(&sim->k->log, i), needle) != NULL;
	return n;
}

static struct vdev_hw *vhw_of(struct iommusim *sim, const char *pci_name)
{
	struct virtio_device *vdev = pdev_of(sim, pci_name)->dev.drvdata;
	cr_assert_not_null(vdev);
	return vdev->vhw;
}

/* The table per domain type: an IOVA in a DMA domain, the PA without a group. */
Test(msi, table_address_per_domain_type)
{
	struct iommusim *sim = boot_ok(REFERENCE("3", ""));
	/* 00:03.0 has its own DMA group: the doorbell page at the domain's first IOVA */
	struct hw_msix *own = msix_of(sim, "0000:00:03.0");
	cr_assert_eq(own->nentries, 2, "virtio-rng-pci: vectors=2");
	cr_assert(hw_msix_enabled(own));
	cr_assert_eq(hw_msix_entry_addr(own, 0), 0xfffff040ULL);
	cr_assert_eq(hw_msix_entry_addr(own, 1), 0xfffff040ULL);
	cr_assert_not(hw_msix_entry_masked(own, 1), "request_irq() unmasked it");
	/* 02:02.0 failed iommu_probe_device (its stream is the bridge's): no group, the PA */
	cr_assert_null(pdev_of(sim, "0000:02:02.0")->dev.iommu_group);
	struct hw_msix *aliased = msix_of(sim, "0000:02:02.0");
	cr_assert_eq(hw_msix_entry_addr(aliased, 0), ITS_DOORBELL);
	cr_assert_eq(hw_msix_entry_addr(aliased, 1), ITS_DOORBELL);
	/* the root port and the disk behind it share group 0: one page, the same IOVA */
	cr_assert_eq(hw_msix_entry_addr(msix_of(sim, "0000:00:01.0"), 0), 0xfffff040ULL);
	struct hw_msix *blk = msix_of(sim, "0000:01:00.0");
	cr_assert_eq(blk->nentries, 3, "virtio-blk-pci: num-queues (2 vCPUs) + 1");
	cr_assert_eq(hw_msix_entry_addr(blk, 2), 0xfffff040ULL);
	/* virtio-net: 4 vectors, 3 used (config, input.0, output.0); the 4th never programmed */
	struct hw_msix *net = msix_of(sim, "0000:02:01.0");
	cr_assert_eq(net->nentries, 4);
	cr_assert_eq(hw_msix_entry_addr(net, 2), ITS_DOORBELL);
	cr_assert_eq(hw_msix_entry_addr(net, 3), 0);
	cr_assert(hw_msix_entry_masked(net, 3));
	/* the ITS shares one table for the bridge's DeviceID: events 0-2, then 3-4 */
	cr_assert_eq(hw_msix_entry_data(net, 0), 0);
	cr_assert_eq(hw_msix_entry_data(net, 2), 2);
	cr_assert_eq(hw_msix_entry_data(aliased, 0), 3);
	cr_assert_eq(hw_msix_entry_data(aliased, 1), 4);
	iommusim_free(sim);

	/* identity domain: no IOVA cookie, the physical address */
	sim = boot_ok(REFERENCE("3", " -append iommu.passthrough=1"));
	cr_assert_eq(iommu_get_domain_for_dev(&pdev_of(sim, "0000:00:03.0")->dev)->type, IOMMU_DOMAIN_IDENTITY);
	cr_assert_eq(hw_msix_entry_addr(msix_of(sim, "0000:00:03.0"), 1), ITS_DOORBELL);
	cr_assert_eq(hw_msix_entry_addr(msix_of(sim, "0000:01:00.0"), 0), ITS_DOORBELL);
	iommusim_free(sim);

	/* no SMMU at all */
	sim = boot_ok("-M virt,gic-version=3 -nic none -device virtio-rng-pci");
	cr_assert_eq(hw_msix_entry_addr(msix_of(sim, "0000:00:01.0"), 1), ITS_DOORBELL);
	iommusim_free(sim);
}

/* iommu_dma_prepare_msi(): one write-only MMIO page per domain, from the IOVA allocator. */
Test(msi, doorbell_mapped_in_the_domain)
{
	struct iommusim *sim = boot_ok(REFERENCE("3", ""));
	struct device *dev = &pdev_of(sim, "0000:00:03.0")->dev;
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);
	cr_assert_eq(iommu_iova_to_phys(dom, 0xfffff040), ITS_DOORBELL);
	u64 phys[4], iova[4];
	cr_assert_eq(iommu_dma_msi_pages(dev, phys, iova, 4), 1, "cached: one page for both vectors");
	cr_assert_eq(phys[0], ITS_DOORBELL & ~0xfffULL);
	cr_assert_eq(iova[0], 0xfffff000ULL);
	/* the device's write translates to the doorbell */
	struct smmu_event ev;
	u64 pa;
	cr_assert_eq(smmu_hw_translate(hw_of(sim)->smmu, 0x18, SMMU_NO_SSID, 0xfffff040, true, &pa, &ev), 0);
	cr_assert_eq(pa, ITS_DOORBELL);
	/*
	 * IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO: stage 1 has no write-only
	 * permission (RW), the page is Device memory (MAIR index 2) and XN
	 */
	char *walk = run(sim, "smmu walk 0000:00:03.0 0xfffff040 w\n");
	const char *leaf = strstr(walk, "S1 L3 @");
	cr_assert_not_null(leaf, "%s", walk);
	unsigned long long pte = strtoull(strstr(leaf, ": ") + 2, NULL, 16);
	cr_assert_eq(pte & 0x0000fffffffff000ULL, ITS_DOORBELL & ~0xfffULL, "%s", walk);
	cr_assert_eq((pte >> 2) & 7, 2, "Device-nGnRE attribute index: %s", walk);
	cr_assert_eq((pte >> 53) & 3, 3, "XN: %s", walk);
	cr_assert_eq(pte & (1ULL << 7), 0, "not read-only: %s", walk);
	free(walk);
	/* no group, identity: no page anywhere */
	cr_assert_eq(iommu_dma_msi_pages(&pdev_of(sim, "0000:02:02.0")->dev, phys, iova, 4), 0);
	/* the bridge's own group never had a driver ask for vectors: its domain has no doorbell */
	struct iommu_domain *bridge = iommu_get_domain_for_dev(&pdev_of(sim, "0000:00:02.0")->dev);
	cr_assert_eq(iommu_iova_to_phys(bridge, 0xfffff040), 0);
	cr_assert_eq(iommu_iova_to_phys(bridge, ITS_DOORBELL), 0);
	iommusim_free(sim);
}

/* The rng behind the bridge answers; its MSI carries the bridge's RID and faults. */
Test(msi, aliased_device_faults_gicv3)
{
	struct iommusim *sim = boot_ok(REFERENCE("3", ""));
	struct hw_msix *aliased = msix_of(sim, "0000:02:02.0");
	cr_assert_eq(aliased->stats.sent, 1, "virtio_rng's first request, answered at DRIVER_OK");
	cr_assert_eq(aliased->stats.faulted, 1);
	/* F_TRANSLATION, StreamID 0x10 (00:02.0), a write, at the doorbell's PA */
	cr_assert(dmesg_has(sim, "arm-smmu-v3 9050000.smmuv3: event 0x10 received:"));
	cr_assert(dmesg_has(sim, "\t0x0000001000000010"));
	cr_assert(dmesg_has(sim, "\t0x0000000008090040"));
	cr_assert_eq(dmesg_count(sim, "event 0x10 received"), 1, "only the rng behind the bridge raised one");
	/* the interrupt never arrived: the request is outstanding, the early read got nothing */
	struct vdev_hw *d = vhw_of(sim, "0000:02:02.0");
	cr_assert_eq(d->vq[0].pushed, 1, "the device used the buffer");
	cr_assert_eq(d->irq.msi_faulted, 1);
	struct hwrng *rngs[4];
	cr_assert_eq(hwrng_list(sim->k, rngs, 4), 2);
	cr_assert_str_eq(rngs[1]->name, "virtio_rng.1");
	cr_assert_eq(rngs[1]->early_reads, 1);
	cr_assert_eq(rngs[1]->early_bytes, 0);
	/* the device in its own group: both MSIs delivered, none faulted */
	struct hw_msix *own = msix_of(sim, "0000:00:03.0");
	cr_assert_eq(own->stats.sent, 2, "the request at probe, then the fill thread's next one");
	cr_assert_eq(own->stats.faulted, 0);
	cr_assert_str_eq(hwrng_current_name(sim->k), "virtio_rng.0");
	cr_assert_eq(rngs[0]->early_bytes, 32);
	cr_assert_eq(rngs[0]->fill_bytes, 64);
	cr_assert_not(hwrng_fill_blocked(sim->k));
	struct irq_desc *input = irq_to_desc(sim->k, pci_irq_vector(pdev_of(sim, "0000:00:03.0"), 1));
	cr_assert_not_null(input);
	cr_assert_str_eq(input->actions[0].name, "virtio0-input");
	cr_assert_eq(input->count, 2);
	const struct hw_gic_stats *g = hw_gic_stats(hw_of(sim)->gic);
	cr_assert_eq(g->msi_writes, 2);
	cr_assert_eq(g->msi_delivered, 2);
	iommusim_free(sim);
}

Test(msi, aliased_device_faults_gicv2)
{
	struct iommusim *sim = boot_ok(REFERENCE("2", ""));
	struct hw_msix *aliased = msix_of(sim, "0000:02:02.0");
	cr_assert_eq(hw_msix_entry_addr(aliased, 1), V2M_DOORBELL);
	/* GICv2m: the data is the SPI, from MSI_TYPER's range (80..143), lowest free first */
	u32 spi = hw_msix_entry_data(aliased, 1);
	cr_assert(spi >= 80 && spi < 144, "SPI %u", spi);
	cr_assert_eq(hw_msix_entry_addr(msix_of(sim, "0000:00:03.0"), 0), 0xfffff040ULL);
	cr_assert_eq(aliased->stats.faulted, 1);
	cr_assert(dmesg_has(sim, "\t0x0000001000000010"));
	cr_assert(dmesg_has(sim, "\t0x0000000008020040"));
	iommusim_free(sim);
}

/* With the SMMU in passthrough the bridge's stream bypasses: the write reaches the GIC. */
Test(msi, passthrough_no_fault)
{
	struct iommusim *sim = boot_ok(REFERENCE("3", " -append iommu.passthrough=1"));
	struct hw_msix *aliased = msix_of(sim, "0000:02:02.0");
	cr_assert_eq(aliased->stats.sent, 1);
	cr_assert_eq(aliased->stats.faulted, 0);
	cr_assert_not(dmesg_has(sim, "event 0x"));
	struct irq_desc *input = irq_to_desc(sim->k, pci_irq_vector(pdev_of(sim, "0000:02:02.0"), 1));
	cr_assert_eq(input->count, 1, "delivered: the ITS maps DeviceID 0x10, event 4");
	struct hwrng *rngs[4];
	cr_assert_eq(hwrng_list(sim->k, rngs, 4), 2);
	cr_assert_eq(rngs[1]->early_bytes, 32);
	iommusim_free(sim);
}

/* A virtio-blk behind the bridge: its data bypasses the SMMU, its completion MSI does not. */
Test(msi, blk_completion_lost)
{
	char path[] = "/tmp/iommusim-msi-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	static const char data[4096] = "hello";
	cr_assert_eq(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	close(fd);
	char args[512];
	snprintf(args, sizeof(args),
		 "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pci-bridge,id=br1,chassis_nr=1"
		 " -device virtio-blk-pci,bus=br1,addr=1,drive=d0 -drive if=none,id=d0,file=%s,format=raw", path);
	struct iommusim *sim = boot_ok(args);
	/* the partition scan at probe: served, pushed, but the MSI faulted: outstanding for ever */
	struct virtio_blk *vblk = virtblk_find(sim->k, "vda");
	cr_assert_not_null(vblk);
	cr_assert_eq(vblk->stuck, 1);
	struct vdev_hw *d = vhw_of(sim, "0000:01:01.0");
	cr_assert_eq(d->vq[0].pushed, 1);
	cr_assert_eq(d->dma_faults, 0, "the data moved, by physical address");
	cr_assert_eq(d->irq.msi_faulted, 1);
	cr_assert(dmesg_has(sim, "\t0x0000000800000010"), "StreamID 8: the bridge 00:01.0");
	cr_assert(dmesg_has(sim, "\t0x0000000008090040"));
	iommusim_free(sim);
	unlink(path);
}

/* vp_find_vqs(): per-queue vectors, then shared, then INTx when the table is too small. */
Test(msi, vector_fallbacks)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3,gic-version=3 -nic none -smp 2"
				       " -device virtio-rng-pci,vectors=1 -device virtio-rng-pci,vectors=0"
				       " -device virtio-blk-pci,drive=d0,vectors=2"
				       " -drive if=none,id=d0,file=/dev/null,format=raw,readonly=on");
	/* vectors=1: 2 needed either way, so INTx: the line of slot 1 pin A, SPI 4 */
	struct pci_dev *rng1 = pdev_of(sim, "0000:00:01.0");
	cr_assert_not(hw_msix_enabled(msix_of(sim, "0000:00:01.0")));
	struct irq_desc *intx = irq_to_desc(sim->k, pci_intx_irq(rng1));
	cr_assert_not_null(intx);
	cr_assert_eq(intx->hwirq, 32 + 4);
	cr_assert_str_eq(intx->actions[0].name, "virtio0");
	cr_assert_eq(intx->count, 2, "current rng: the probe's answer and the fill thread's");
	/* vectors=0: no MSI-X capability at all */
	struct pci_dev *rng2 = pdev_of(sim, "0000:00:02.0");
	cr_assert_null(rng2->hw->msix);
	cr_assert_eq(pci_msix_vec_count(rng2), -EINVAL);
	cr_assert_eq(irq_to_desc(sim->k, pci_intx_irq(rng2))->hwirq, 32 + 5);
	cr_assert_eq(irq_to_desc(sim->k, pci_intx_irq(rng2))->count, 1);
	/* virtio-blk with 2 queues and 2 vectors: config, and one shared by the queues */
	struct pci_dev *blk = pdev_of(sim, "0000:00:03.0");
	cr_assert(hw_msix_enabled(msix_of(sim, "0000:00:03.0")));
	cr_assert_eq(blk->msix_nvec, 2);
	cr_assert_str_eq(irq_to_desc(sim->k, pci_irq_vector(blk, 0))->actions[0].name, "virtio2-config");
	cr_assert_str_eq(irq_to_desc(sim->k, pci_irq_vector(blk, 1))->actions[0].name, "virtio2-virtqueues");
	cr_assert_not(dmesg_has(sim, "event 0x"));
	iommusim_free(sim);
}

/* its=off: no MSI controller, so virtio-pci has no MSI-X and uses INTx; a root port is refused. */
Test(msi, no_msi_controller)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3,gic-version=3,its=off -nic none"
				       " -device pci-bridge,id=br1,chassis_nr=1 -device virtio-rng-pci,bus=br1,addr=1");
	struct pci_dev *rng = pdev_of(sim, "0000:01:01.0");
	cr_assert_null(rng->hw->msix);
	/* INTA of slot 1 behind the bridge in slot 1: swizzled twice, INTC: SPI 3 + 2 */
	struct irq_desc *intx = irq_to_desc(sim->k, pci_intx_irq(rng));
	cr_assert_not_null(intx);
	cr_assert_eq(intx->hwirq, 32 + 5);
	cr_assert_eq(intx->count, 2, "wired: no SMMU on the way, both answers arrive");
	cr_assert_not(dmesg_has(sim, "event 0x"));
	iommusim_free(sim);

	char err[256] = "";
	cr_assert_null(boot_str("-M virt,iommu=smmuv3,gic-version=3,its=off -device pcie-root-port,id=rp1,chassis=1",
				err, sizeof(err)));
	cr_assert_str_eq(err, "-device pcie-root-port,id=rp1,chassis=1: MSI-X is not supported by interrupt controller");
}

/* The device side: a masked vector only pends; unmasking sends it. */
Test(msi, masked_vector_pends)
{
	struct hw_msix *m = hw_msix_new(2);
	cr_assert_not_null(m);
	cr_assert_null(hw_msix_new(0));
	cr_assert_null(hw_msix_new(HW_MSIX_MAX_VECTORS + 1));
	cr_assert_eq(hw_msix_control_read(m), 1, "QSIZE = 2 - 1, disabled");
	cr_assert_eq(hw_msix_notify(m, 0), -EINVAL, "not in use");
	cr_assert_eq(hw_msix_vector_use(m, 0), 0);
	cr_assert_eq(hw_msix_vector_use(m, 2), -EINVAL);
	/* disabled counts as masked */
	cr_assert_eq(hw_msix_notify(m, 0), 1);
	cr_assert(hw_msix_pending(m, 0));
	struct hw_mmio mmio;
	hw_msix_mmio(m, &mmio);
	cr_assert_eq(mmio.size, 4096);
	writel(&mmio, PCI_MSIX_ENTRY_LOWER_ADDR, 0xfffff040);
	writel(&mmio, PCI_MSIX_ENTRY_DATA, 7);
	cr_assert_eq(readl(&mmio, m->pba_offset), 1, "the PBA shows it");
	hw_msix_control_write(m, PCI_MSIX_FLAGS_ENABLE);
	/* enabled, but the entry is still masked (reset state) */
	cr_assert(hw_msix_pending(m, 0));
	cr_assert_eq(m->stats.sent, 0);
	/* unmasking sends the pending message: no sender here, so it is aborted */
	writel(&mmio, PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
	cr_assert_not(hw_msix_pending(m, 0));
	cr_assert_eq(m->stats.sent, 1);
	cr_assert_eq(m->stats.faulted, 1);
	cr_assert_eq(hw_msix_entry_addr(m, 0), 0xfffff040ULL);
	cr_assert_eq(hw_msix_entry_data(m, 0), 7);
	hw_msix_free(m);
}

/* The debug file shows the tables, the doorbell pages and the counters. */
Test(msi, debugfs)
{
	struct iommusim *sim = boot_ok(REFERENCE("3", ""));
	char *out = run(sim, "cat /sys/kernel/debug/iommusim/msi/0000:02:02.0\n"
			     "cat /sys/kernel/debug/iommusim/msi/0000:00:03.0\n");
	cr_assert(strstr(out, "0000:02:02.0: msix 2 vectors, enabled\n"
			      "  vector 0: addr 0x0000000008090040 data 0x00000003 irq"), "%s", out);
	cr_assert(strstr(out, "  notified 1 sent 1 faulted 1 pended 0 unused 0\n"), "%s", out);
	cr_assert(strstr(out, "  doorbell page 0x8090000 at iova 0xfffff000\n"), "%s", out);
	cr_assert(strstr(out, "virtio0-input count 2\n"), "%s", out);
	free(out);
	iommusim_free(sim);
}
