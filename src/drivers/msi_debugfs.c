/*
 * /sys/kernel/debug/iommusim/msi (iommusim's own file, not Linux's): the
 * interrupts devices raise and where they went. For each PCI function with
 * MSI-X: its table as the hardware holds it (address, data, mask, pending),
 * the Linux irq behind each vector with its name and count (as
 * /proc/interrupts would show), the doorbell pages mapped in its DMA domain,
 * and its counters (messages sent, aborted by the SMMU, held back masked);
 * then the virtio devices' interrupt counters and the MSI controller's.
 * .../msi/DEVICE shows one function.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "drivers/drivers.h"
#include "drivers/irq.h"
#include "drivers/virtio.h"
#include "dma/mapping.h"
#include "hw/gic.h"
#include "hw/pci_msix.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"
#include "sysfs/sysfs.h"

static struct irq_desc *desc_of(struct kernel *k, struct pci_dev *pdev, unsigned vector)
{
	if (!pdev->msix_enabled || vector >= pdev->msix_nvec)
		return NULL;
	return irq_to_desc(k, pdev->msix_irqs[vector]);
}

static void print_actions(FILE *f, const struct irq_desc *d)
{
	fprintf(f, " irq %d", d->irq);
	for (size_t i = 0; i < d->nactions; i++)
		fprintf(f, "%s%s", i ? ", " : " ", d->actions[i].name);
	fprintf(f, " count %llu", (unsigned long long)d->count);
}

/*
 * The capability (table size, Enable, Function Mask) is read from config
 * space; the table and PBA are the BAR's contents, read from the function
 * behind pdev->hw (the model assigns no BARs).
 */
static void print_function(FILE *f, struct kernel *k, struct pci_dev *pdev)
{
	struct hw_msix *m = pdev->hw ? pdev->hw->msix : NULL;
	if (!m || !pdev->msix_cap)
		return;
	u16 ctrl;
	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	unsigned nentries = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1u;
	if (nentries > m->nentries)
		nentries = m->nentries;
	fprintf(f, "%s: msix %u vectors, %s%s\n", pdev->dev.name, (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1u,
		(ctrl & PCI_MSIX_FLAGS_ENABLE) ? "enabled" : "disabled",
		(ctrl & PCI_MSIX_FLAGS_MASKALL) ? ", function masked" : "");
	for (unsigned v = 0; v < nentries; v++) {
		struct irq_desc *d = desc_of(k, pdev, v);
		if (!d && !hw_msix_entry_addr(m, v) && !hw_msix_pending(m, v))
			continue;	/* never programmed */
		fprintf(f, "  vector %u: addr 0x%016llx data 0x%08x%s%s", v,
			(unsigned long long)hw_msix_entry_addr(m, v), hw_msix_entry_data(m, v),
			hw_msix_entry_masked(m, v) ? " masked" : "", hw_msix_pending(m, v) ? " pending" : "");
		if (d)
			print_actions(f, d);
		fprintf(f, "\n");
	}
	u64 phys[8], iova[8];
	size_t n = iommu_dma_msi_pages(&pdev->dev, phys, iova, 8);
	for (size_t i = 0; i < n && i < 8; i++)
		fprintf(f, "  doorbell page 0x%llx at iova 0x%llx\n", (unsigned long long)phys[i],
			(unsigned long long)iova[i]);
	fprintf(f, "  notified %llu sent %llu faulted %llu pended %llu unused %llu\n",
		(unsigned long long)m->stats.notified, (unsigned long long)m->stats.sent,
		(unsigned long long)m->stats.faulted, (unsigned long long)m->stats.pended,
		(unsigned long long)m->stats.unused);
}

static void print_virtio(FILE *f, struct kernel *k)
{
	for (unsigned i = 0; i < 4096; i++) {
		struct virtio_device *vdev = virtio_device_by_index(k, i);
		if (!vdev) {
			if (!k->virtio)
				break;
			continue;
		}
		const struct vdev_hw *d = vdev->vhw;
		if (!d)
			continue;
		fprintf(f, "%s: raised %llu msi_sent %llu msi_faulted %llu msi_pended %llu no_vector %llu wired %llu\n",
			vdev->dev.name, (unsigned long long)d->irq.raised, (unsigned long long)d->irq.msi_sent,
			(unsigned long long)d->irq.msi_faulted, (unsigned long long)d->irq.msi_pended,
			(unsigned long long)d->irq.no_vector, (unsigned long long)d->irq.intx);
	}
}

static int msi_debug_read(struct kernel *k, const char *rest, struct sysfs_buf *out)
{
	struct pci_host *host = k->pci;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	int ret = 0;
	if (rest && *rest) {
		struct pci_dev *pdev = pci_get_by_name(k, rest);
		if (!pdev || !pdev->hw || !pdev->hw->msix || !pdev->msix_cap)
			ret = -ENOENT;
		else
			print_function(f, k, pdev);
	} else {
		for (size_t i = 0; host && i < host->nall; i++)
			print_function(f, k, host->all[i]);
		print_virtio(f, k);
		struct hw_system *hw = k->hw;
		if (hw && hw->gic) {
			const struct hw_gic_stats *s = hw_gic_stats(hw->gic);
			const struct hw_gic_cfg *c = hw_gic_config(hw->gic);
			fprintf(f, "msi controller: %s", c->msi == HW_MSI_ITS ? "its" : c->msi == HW_MSI_V2M ? "gicv2m" : "none");
			if (c->msi != HW_MSI_NONE)
				fprintf(f, " doorbell 0x%llx",
					(unsigned long long)(c->msi_base + (c->msi == HW_MSI_ITS ? GITS_TRANSLATER
												 : V2M_MSI_SETSPI_NS)));
			fprintf(f, " writes %llu delivered %llu dropped %llu wired %llu\n",
				(unsigned long long)s->msi_writes, (unsigned long long)s->msi_delivered,
				(unsigned long long)s->msi_dropped, (unsigned long long)s->wired_raised);
		}
	}
	if (fclose(f) || ret) {
		free(buf);
		return ret ? ret : -ENOMEM;
	}
	out->text = buf;
	return 0;
}

void msi_debugfs_init(void)
{
	sysfs_register_debug("msi", msi_debug_read);
}
