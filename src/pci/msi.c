/*
 * PCI interrupts, Linux 6.1: MSI-X (drivers/pci/msi/msi.c:
 * __pci_enable_msix_range, msix_capability_init, pci_msix_shutdown), the
 * MSI domain glue (pci_msi_domain_get_msi_rid: the last DMA alias through
 * the host's msi-map; its_pci_msi_prepare's count of aliasing vectors) and
 * INTx (pci_assign_irq -> of_irq_parse_and_map_pci: the pin swizzled up
 * the bridges, then the host bridge's interrupt-map). The capability and its
 * Message Control are config registers; the table is reached as its BAR
 * window (the function behind pdev->hw: the model assigns no BARs).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <linux/pci_regs.h>
#include "pci/pci.h"
#include "drivers/irq.h"
#include "fw/of.h"
#include "hw/pci_msix.h"
#include "kversion/linux_version.h"
#include "pci/pci_version.h"

/* the kernel's "operation not supported" (include/linux/errno.h), not in the C library's */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

int pci_msix_vec_count(struct pci_dev *dev)
{
	if (!dev->msix_cap)
		return -EINVAL;
	u16 control;
	pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &control);
	return (control & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/* the table's BAR window: what msix_map_region() ioremaps */
static struct hw_msix *msix_of(struct pci_dev *dev)
{
	return dev->hw ? dev->hw->msix : NULL;
}

/* pci_msix_clear_and_set_ctrl(): a read-modify-write of Message Control */
static void msix_ctrl(struct pci_dev *dev, u16 clear, u16 set)
{
	u16 ctrl;
	pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
	ctrl = (u16)((ctrl & ~clear) | set);
	pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, ctrl);
}

static void entry_write(struct pci_dev *dev, unsigned index, unsigned off, u32 val)
{
	struct hw_mmio mmio;
	hw_msix_mmio(msix_of(dev), &mmio);
	writel(&mmio, (u64)index * PCI_MSIX_ENTRY_SIZE + off, val);
}

static u32 entry_read(struct pci_dev *dev, unsigned index, unsigned off)
{
	struct hw_mmio mmio;
	hw_msix_mmio(msix_of(dev), &mmio);
	return readl(&mmio, (u64)index * PCI_MSIX_ENTRY_SIZE + off);
}

/* pci_msi_mask / pci_msi_unmask on an MSI-X entry: its Vector Control mask bit */
static void msix_set_mask(struct irq_desc *desc, bool masked)
{
	struct pci_dev *dev = desc->chip_data;
	u32 ctrl = entry_read(dev, desc->msi_index, PCI_MSIX_ENTRY_VECTOR_CTRL);
	ctrl = masked ? ctrl | PCI_MSIX_ENTRY_CTRL_MASKBIT : ctrl & ~PCI_MSIX_ENTRY_CTRL_MASKBIT;
	entry_write(dev, desc->msi_index, PCI_MSIX_ENTRY_VECTOR_CTRL, ctrl);
}

static void msix_unmask(struct irq_desc *desc)
{
	msix_set_mask(desc, false);
}

static void msix_mask(struct irq_desc *desc)
{
	msix_set_mask(desc, true);
}

static const struct irq_chip_ops pci_msix_chip = {
	.unmask = msix_unmask,
	.mask = msix_mask,
};

/* __pci_write_msi_msg(): the entry is masked while its message changes */
static void write_msg(struct pci_dev *dev, unsigned index, u64 addr, u32 data)
{
	entry_write(dev, index, PCI_MSIX_ENTRY_LOWER_ADDR, (u32)addr);
	entry_write(dev, index, PCI_MSIX_ENTRY_UPPER_ADDR, (u32)(addr >> 32));
	entry_write(dev, index, PCI_MSIX_ENTRY_DATA, data);
}

struct alias_walk {
	u16 rid;
	struct pci_dev *dev;
};

static int last_alias(struct pci_dev *pdev, u16 alias, void *data)
{
	struct alias_walk *w = data;
	w->rid = alias;
	w->dev = pdev;
	return 0;
}

/* its_pci_msi_vec_count() over a bus and every bus below it */
static unsigned count_vectors(const struct pci_bus *bus)
{
	unsigned n = 0;
	for (size_t i = 0; bus && i < bus->ndevices; i++) {
		struct pci_dev *d = bus->devices[i];
		int v = pci_msix_vec_count(d);
		n += v > 1 ? (unsigned)v : 1u;
		if (d->subordinate)
			n += count_vectors(d->subordinate);
	}
	return n;
}

/* pci_msi_domain_get_msi_rid(): the last alias, through the host bridge's msi-map */
static u32 msi_devid(struct pci_dev *dev, struct pci_dev **alias_dev)
{
	struct alias_walk w = { 0, dev };
	pci_for_each_dma_alias(dev, last_alias, &w);
	*alias_dev = w.dev;
	u32 out = w.rid;
	const void *fdt = dev->dev.k->fdt;
	struct device *host = dev->bus && dev->bus->host ? dev->bus->host->bridge_parent : NULL;
	int target;
	if (fdt && host && host->of_node >= 0 &&
	    of_map_id(fdt, host->of_node, w.rid, "msi-map", "msi-map-mask", &target, &out))
		out = w.rid;
	return out;
}

static void free_msix_irqs(struct pci_dev *dev)
{
	struct kernel *k = dev->dev.k;
	/* an entry left without a vector (below one added later) holds 0 */
	for (unsigned i = 0; i < dev->msix_nvec; i++)
		if (dev->msix_irqs[i] > 0)
			msi_domain_free(k, dev->msix_irqs[i]);
	free(dev->msix_irqs);
	dev->msix_irqs = NULL;
	dev->msix_nvec = 0;
}

/* msix_capability_init() */
static int msix_capability_init(struct pci_dev *dev, unsigned nvec)
{
	struct kernel *k = dev->dev.k;
	/* masked and enabled while the entries are set up */
	msix_ctrl(dev, 0, PCI_MSIX_FLAGS_MASKALL | PCI_MSIX_FLAGS_ENABLE);
	dev->msix_enabled = true;
	int ret = 0;
	dev->msix_irqs = calloc(nvec, sizeof(int));
	if (!dev->msix_irqs) {
		ret = -ENOMEM;
		goto out_disable;
	}
	/* msi_domain_alloc_irqs(): the parent prepares the DeviceID, then each vector */
	struct pci_dev *alias_dev;
	u32 devid = msi_devid(dev, &alias_dev);
	unsigned alias_count = 0;
	if (alias_dev != dev && alias_dev->subordinate)
		alias_count = count_vectors(alias_dev->subordinate);
	/* 7.3's per-device domain prepares the parent for the whole table */
	unsigned prepare = nvec;
	if (kernel_version(k)->pci->msix_domain_per_device)
		prepare = (unsigned)pci_msix_vec_count(dev);
	ret = msi_domain_prepare(k, devid, prepare, alias_count);
	if (ret)
		goto out_free;
	for (unsigned i = 0; i < nvec; i++) {
		int irq = msi_domain_alloc(k, &dev->dev, devid, i, &pci_msix_chip, dev);
		if (irq < 0) {
			/* msi_handle_pci_fail(): 7.3 tells how many it could allocate */
			ret = i && kernel_version(k)->pci->msix_retries_with_allocated ? (int)i : irq;
			goto out_free;
		}
		dev->msix_irqs[dev->msix_nvec++] = irq;
		/* MSI_FLAG_ACTIVATE_EARLY: the message is written now, the entry stays masked */
		struct irq_desc *d = irq_to_desc(k, irq);
		write_msg(dev, i, d->msg_addr, d->msg_data);
	}
	/* every entry masked, INTx off, then the function mask lifted: request_irq() unmasks */
	for (int i = 0; i < pci_msix_vec_count(dev); i++)
		entry_write(dev, (unsigned)i, PCI_MSIX_ENTRY_VECTOR_CTRL, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	pci_intx(dev, false);
	msix_ctrl(dev, PCI_MSIX_FLAGS_MASKALL, 0);
	return 0;
out_free:
	free_msix_irqs(dev);
out_disable:
	dev->msix_enabled = false;
	msix_ctrl(dev, PCI_MSIX_FLAGS_MASKALL | PCI_MSIX_FLAGS_ENABLE, 0);
	return ret;
}

/* ---- plain MSI ---- */

static u8 msi_cap_of(struct pci_dev *dev)
{
	return pci_find_capability(dev, PCI_CAP_ID_MSI);
}

/* pci_msi_vec_count(): what Multiple Message Capable offers */
static int pci_msi_vec_count(struct pci_dev *dev)
{
	u8 pos = msi_cap_of(dev);
	if (!pos)
		return -EINVAL;
	u16 flags;
	pci_read_config_word(dev, pos + PCI_MSI_FLAGS, &flags);
	return 1 << ((flags & PCI_MSI_FLAGS_QMASK) >> 1);
}

static void msi_ctrl(struct pci_dev *dev, u16 clear, u16 set)
{
	u8 pos = msi_cap_of(dev);
	u16 flags;
	pci_read_config_word(dev, pos + PCI_MSI_FLAGS, &flags);
	pci_write_config_word(dev, pos + PCI_MSI_FLAGS, (u16)((flags & ~clear) | set));
}

/* pci_msi_mask()/pci_msi_unmask(): the vector's bit in Mask Bits, when the function has them */
static void msi_set_mask(struct irq_desc *desc, bool masked)
{
	struct pci_dev *dev = desc->chip_data;
	u8 pos = msi_cap_of(dev);
	u16 flags;
	pci_read_config_word(dev, pos + PCI_MSI_FLAGS, &flags);
	if (!(flags & PCI_MSI_FLAGS_MASKBIT))
		return;
	unsigned off = pos + (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
	u32 bits;
	pci_read_config_dword(dev, off, &bits);
	bits = masked ? bits | 1u << desc->msi_index : bits & ~(1u << desc->msi_index);
	pci_write_config_dword(dev, off, bits);
}

static void msi_unmask(struct irq_desc *desc)
{
	msi_set_mask(desc, false);
}

static void msi_mask(struct irq_desc *desc)
{
	msi_set_mask(desc, true);
}

static const struct irq_chip_ops pci_msi_chip = {
	.unmask = msi_unmask,
	.mask = msi_mask,
};

/*
 * msi_capability_init(): the vectors from the MSI domain, the first one's
 * message in the capability (the function adds the vector number to the
 * data), Multiple Message Enable, then MSI on and INTx off
 */
static int msi_capability_init(struct pci_dev *dev, unsigned nvec)
{
	struct kernel *k = dev->dev.k;
	u8 pos = msi_cap_of(dev);
	u16 flags;
	pci_read_config_word(dev, pos + PCI_MSI_FLAGS, &flags);
	msi_ctrl(dev, PCI_MSI_FLAGS_ENABLE, 0);
	dev->msix_irqs = calloc(nvec, sizeof(int));
	if (!dev->msix_irqs)
		return -ENOMEM;
	dev->msi_enabled = true;
	struct pci_dev *alias_dev;
	u32 devid = msi_devid(dev, &alias_dev);
	unsigned alias_count = 0;
	if (alias_dev != dev && alias_dev->subordinate)
		alias_count = count_vectors(alias_dev->subordinate);
	int ret = msi_domain_prepare(k, devid, nvec, alias_count);
	for (unsigned i = 0; !ret && i < nvec; i++) {
		int irq = msi_domain_alloc(k, &dev->dev, devid, i, &pci_msi_chip, dev);
		if (irq < 0)
			ret = irq;
		else
			dev->msix_irqs[dev->msix_nvec++] = irq;
	}
	if (ret) {
		free_msix_irqs(dev);
		dev->msi_enabled = false;
		return ret;
	}
	/* every vector masked where the function can, then the message */
	unsigned mask_off = pos + (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		pci_write_config_dword(dev, mask_off, nvec >= 32 ? 0xffffffff : (1u << nvec) - 1);
	struct irq_desc *d = irq_to_desc(k, dev->msix_irqs[0]);
	pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_LO, (u32)d->msg_addr);
	if (flags & PCI_MSI_FLAGS_64BIT) {
		pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_HI, (u32)(d->msg_addr >> 32));
		pci_write_config_word(dev, pos + PCI_MSI_DATA_64, (u16)d->msg_data);
	} else {
		pci_write_config_word(dev, pos + PCI_MSI_DATA_32, (u16)d->msg_data);
	}
	unsigned log2 = (unsigned)__builtin_ctz(nvec);
	msi_ctrl(dev, PCI_MSI_FLAGS_QSIZE, (u16)(log2 << 4));
	pci_intx(dev, false);
	msi_ctrl(dev, 0, PCI_MSI_FLAGS_ENABLE);
	return 0;
}

/* __pci_enable_msi_range(): as many as the function offers up to maxvec, a power of two */
static int enable_msi_range(struct pci_dev *dev, unsigned minvec, unsigned maxvec)
{
	if (dev->msi_enabled || dev->msix_enabled || !minvec || maxvec < minvec)
		return -EINVAL;
	int nvec = pci_msi_vec_count(dev);
	if (nvec < 0)
		return nvec;
	if ((unsigned)nvec < minvec)
		return -ENOSPC;
	if ((unsigned)nvec > maxvec)
		nvec = (int)maxvec;
	if (!msi_parent_present(dev->dev.k))
		return -EINVAL;
	/* the vectors go in a power-of-two block (Multiple Message Enable) */
	unsigned block = 1;
	while (block < (unsigned)nvec)
		block <<= 1;
	if (block != (unsigned)nvec)
		return -EINVAL;
	int ret = msi_capability_init(dev, (unsigned)nvec);
	return ret ? ret : nvec;
}

static int enable_msix_range(struct pci_dev *dev, unsigned minvec, unsigned maxvec)
{
	if (dev->msix_enabled || !minvec || maxvec < minvec)
		return -EINVAL;
	int hwsize = pci_msix_vec_count(dev);
	if (hwsize < 0)
		return hwsize;
	/* a capability without its table behind a BAR cannot be set up */
	if (!msix_of(dev))
		return -ENOMEM;
	/* no MSI domain for the function: nothing can allocate its vectors */
	if (!msi_parent_present(dev->dev.k))
		return -EINVAL;
	if (maxvec > (unsigned)hwsize)
		maxvec = (unsigned)hwsize;
	if (maxvec < minvec)
		return -ENOSPC;
	/* __pci_enable_msix_range(): a positive answer is how many to try next */
	for (;;) {
		int ret = msix_capability_init(dev, maxvec);
		if (ret <= 0)
			return ret ? ret : (int)maxvec;
		if ((unsigned)ret < minvec)
			return -ENOSPC;
		maxvec = (unsigned)ret;
	}
}

int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned min_vecs, unsigned max_vecs, unsigned flags)
{
	int nvecs = -ENOSPC;
	if (flags & PCI_IRQ_MSIX) {
		nvecs = enable_msix_range(dev, min_vecs, max_vecs);
		if (nvecs > 0)
			return nvecs;
	}
	if (flags & PCI_IRQ_MSI) {
		nvecs = enable_msi_range(dev, min_vecs, max_vecs);
		if (nvecs > 0)
			return nvecs;
	}
	if ((flags & PCI_IRQ_LEGACY) && min_vecs == 1 && pci_intx_irq(dev) > 0)
		return 1;
	return nvecs;
}

void pci_free_irq_vectors(struct pci_dev *dev)
{
	if (dev->msi_enabled) {
		/* pci_msi_shutdown(): MSI off, INTx back, then the irqs go */
		msi_ctrl(dev, PCI_MSI_FLAGS_ENABLE, 0);
		pci_intx(dev, true);
		dev->msi_enabled = false;
		free_msix_irqs(dev);
		return;
	}
	if (!dev->msix_enabled)
		return;
	/* pci_msix_shutdown(): every vector masked, MSI-X off, then the irqs go */
	for (unsigned i = 0; i < dev->msix_nvec; i++)
		if (dev->msix_irqs[i] > 0)
			entry_write(dev, i, PCI_MSIX_ENTRY_VECTOR_CTRL,
				    entry_read(dev, i, PCI_MSIX_ENTRY_VECTOR_CTRL) | PCI_MSIX_ENTRY_CTRL_MASKBIT);
	msix_ctrl(dev, PCI_MSIX_FLAGS_ENABLE, 0);
	pci_intx(dev, true);
	dev->msix_enabled = false;
	free_msix_irqs(dev);
}

int pci_irq_vector(struct pci_dev *dev, unsigned nr)
{
	if (dev->msix_enabled || dev->msi_enabled)
		return nr < dev->msix_nvec && dev->msix_irqs[nr] > 0 ? dev->msix_irqs[nr] : -EINVAL;
	return nr ? -EINVAL : pci_intx_irq(dev);
}

int pci_msix_alloc_irq_at(struct pci_dev *dev, unsigned index)
{
	struct kernel *k = dev->dev.k;
	/* pci_msix_can_alloc_dyn(): the per-device domain and a parent that allows it */
	if (!dev->msix_enabled || !kernel_version(k)->pci->msix_domain_per_device ||
	    !msi_parent_msix_alloc_dyn(k))
		return -ENOTSUPP;
	if (index >= (unsigned)pci_msix_vec_count(dev))
		return -EINVAL;
	if (index < dev->msix_nvec && dev->msix_irqs[index] > 0)
		return -EBUSY;
	if (index >= dev->msix_nvec) {
		int *irqs = realloc(dev->msix_irqs, (index + 1) * sizeof(int));
		if (!irqs)
			return -ENOMEM;
		for (unsigned i = dev->msix_nvec; i <= index; i++)
			irqs[i] = 0;
		dev->msix_irqs = irqs;
	}
	/* msi_domain_alloc_irq_at(): the DeviceID's table was made for every entry */
	struct pci_dev *alias_dev;
	u32 devid = msi_devid(dev, &alias_dev);
	int irq = msi_domain_alloc(k, &dev->dev, devid, index, &pci_msix_chip, dev);
	if (irq < 0)
		return irq;
	dev->msix_irqs[index] = irq;
	if (index >= dev->msix_nvec)
		dev->msix_nvec = index + 1;
	/* the message now, the entry masked until the vector is requested */
	struct irq_desc *d = irq_to_desc(k, irq);
	entry_write(dev, index, PCI_MSIX_ENTRY_VECTOR_CTRL, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	write_msg(dev, index, d->msg_addr, d->msg_data);
	return irq;
}

void pci_msi_release(struct pci_dev *dev)
{
	free(dev->msix_irqs);
	dev->msix_irqs = NULL;
	dev->msix_nvec = 0;
	dev->msix_enabled = false;
	dev->msi_enabled = false;
}

/* ---- INTx ---- */

static u32 cells_at(const fdt32_t *p, int n)
{
	return n > 0 ? fdt32_to_cpu(p[n - 1]) : 0;
}

/* of_irq_parse_raw() through the host bridge's interrupt-map: the GIC INTID, 0 when no match */
static u32 interrupt_map_lookup(const void *fdt, int node, u32 addr_hi, u32 pin)
{
	int len, mlen;
	const fdt32_t *map = fdt_getprop(fdt, node, "interrupt-map", &len);
	const fdt32_t *mask = fdt_getprop(fdt, node, "interrupt-map-mask", &mlen);
	u32 addr_cells = 3, intr_cells = 1;
	of_property_read_u32(fdt, node, "#address-cells", &addr_cells);
	of_property_read_u32(fdt, node, "#interrupt-cells", &intr_cells);
	if (!map || addr_cells != 3 || intr_cells != 1)
		return 0;
	u32 m[4] = { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff };
	for (int i = 0; mask && i < 4 && (i + 1) * 4 <= mlen; i++)
		m[i] = fdt32_to_cpu(mask[i]);
	const u32 key[4] = { addr_hi & m[0], 0, 0, pin & m[3] };
	int n = len / 4, i = 0;
	while (i + 5 <= n) {
		const fdt32_t *e = map + i;
		int parent = of_find_node_by_phandle(fdt, fdt32_to_cpu(e[4]));
		if (parent < 0)
			return 0;
		u32 pac = 0, pic = 3;
		of_property_read_u32(fdt, parent, "#address-cells", &pac);
		of_property_read_u32(fdt, parent, "#interrupt-cells", &pic);
		int size = 5 + (int)pac + (int)pic;
		if (pic != 3 || i + size > n)
			return 0;
		bool match = (fdt32_to_cpu(e[0]) & m[0]) == key[0] && (fdt32_to_cpu(e[1]) & m[1]) == key[1] &&
			     (fdt32_to_cpu(e[2]) & m[2]) == key[2] && (fdt32_to_cpu(e[3]) & m[3]) == key[3];
		if (match) {
			const fdt32_t *spec = e + 5 + pac;
			u32 type = cells_at(spec, 1), num = cells_at(spec, 2);
			return (type == 1 ? 16 : GIC_SPI_BASE) + num;
		}
		i += size;
	}
	return 0;
}

/* what the host bridge's interrupt-map gives the function's pin: a Linux irq, or 0 */
static int map_intx_irq(struct pci_dev *dev)
{
	unsigned pin = dev->pin;
	const void *fdt = dev->dev.k->fdt;
	struct device *host = dev->bus && dev->bus->host ? dev->bus->host->bridge_parent : NULL;
	if (!pin || pin > 4 || !fdt || !host || host->of_node < 0)
		return 0;
	/* pci_swizzle_interrupt_pin() at every bridge without a DT node of its own */
	struct pci_dev *p = dev;
	while (p->bus->self) {
		pin = ((pin - 1) + PCI_SLOT(p->devfn)) % 4 + 1;
		p = p->bus->self;
	}
	u32 intid = interrupt_map_lookup(fdt, host->of_node,
					 (u32)p->bus->number << 16 | (u32)p->devfn << 8, pin);
	int irq = intid ? irq_create_wired(dev->dev.k, intid) : 0;
	return irq > 0 ? irq : 0;
}

int pci_intx_irq(struct pci_dev *dev)
{
	if (dev->irq_assigned)
		return dev->irq;
	dev->irq_assigned = true;
	dev->irq = map_intx_irq(dev);
	/* pci_assign_irq() always tells the function, which does not use it */
	pci_write_config_byte(dev, PCI_INTERRUPT_LINE, (u8)dev->irq);
	return dev->irq;
}
