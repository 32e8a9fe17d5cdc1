/*
 * Linux 6.1's generic IRQ layer as far as drivers meet it (irq numbers,
 * request_irq/free_irq, shared lines, the flow handler that calls every
 * action), the GIC's irqchip for wired lines, and the MSI parent domain of
 * drivers/irqchip/irq-gic-v3-its.c (its_pci_msi_prepare, its_msi_prepare,
 * its_irq_domain_alloc) and irq-gic-v2m.c (gicv2m_irq_domain_alloc).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/irq.h"
#include "uapi/sw_msi.h"
#include "drivers/drivers_version.h"
#include "kversion/linux_version.h"
#include "dma/mapping.h"
#include "fw/of.h"
#include "hw/system.h"

/* ITS_MAX_ITES-ish bound on one translation table here (events per DeviceID) */
#define ITS_MAX_EVENTS 2048

struct its_device {
	u32 devid;
	unsigned nr_lpis;		/* events the table holds */
	u8 *event_map;			/* allocated events */
	unsigned used;
	/*
	 * events its_irq_domain_alloc() took and never gave back: the doorbell
	 * could not be prepared after its_alloc_device_irq() (6.1 and 7.3 alike;
	 * measured on 7.3: SET_IRQS while the cdev is blocked uses one up)
	 */
	unsigned leaked;
	bool shared;			/* met again through another alias */
};

struct irq_core {
	struct irq_desc **descs;	/* by irq - 1 */
	size_t n, cap;
	size_t free_hint;		/* no free slot below it */
	/* the MSI parent, probed from the DT on first use */
	bool msi_probed;
	enum hw_msi_frame_kind msi;
	u64 frame_base;
	u64 doorbell;
	u32 v2m_spi_start, v2m_nr_spis;
	u8 *v2m_map;			/* allocated SPIs, by offset */
	struct its_device *its;
	size_t nits;
	u32 *its_by_devid;		/* 16-bit DeviceIDs: index + 1 into its, 0 none */
};

#define ITS_DEVID_TABLE 65536

static struct irq_core *irq_core(struct kernel *k)
{
	if (!k->irq)
		k->irq = calloc(1, sizeof(struct irq_core));
	return k->irq;
}

struct irq_desc *irq_to_desc(struct kernel *k, int irq)
{
	struct irq_core *c = k->irq;
	if (!c || irq <= 0 || (size_t)irq > c->n)
		return NULL;
	return c->descs[irq - 1];
}

size_t irq_list(struct kernel *k, struct irq_desc **out, size_t max)
{
	struct irq_core *c = k->irq;
	size_t n = 0;
	for (size_t i = 0; c && i < c->n; i++) {
		if (!c->descs[i])
			continue;
		if (n < max)
			out[n] = c->descs[i];
		n++;
	}
	return n;
}

/*
 * irq_domain_alloc_descs() as the hierarchical domains (the GIC's, the ITS's
 * and GICv2m's MSI domains) call it: no hwirq hint, so the lowest free number
 * from 1
 */
static struct irq_desc *desc_alloc(struct kernel *k, enum irq_kind kind, u32 hwirq)
{
	struct irq_core *c = irq_core(k);
	if (!c)
		return NULL;
	size_t slot = c->free_hint;
	while (slot < c->n && c->descs[slot])
		slot++;
	c->free_hint = slot + 1;
	if (slot == c->n) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 64;
			struct irq_desc **p = realloc(c->descs, cap * sizeof(*p));
			if (!p)
				return NULL;
			c->descs = p;
			c->cap = cap;
		}
		c->descs[c->n++] = NULL;
	}
	struct irq_desc *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->k = k;
	d->irq = (int)slot + 1;
	d->kind = kind;
	d->hwirq = hwirq;
	c->descs[slot] = d;
	return d;
}

static void desc_free(struct kernel *k, struct irq_desc *d)
{
	struct irq_core *c = k->irq;
	if (!c || !d)
		return;
	c->descs[d->irq - 1] = NULL;
	if ((size_t)d->irq - 1 < c->free_hint)
		c->free_hint = (size_t)d->irq - 1;
	free(d->actions);
	free(d);
}

int irq_create_wired(struct kernel *k, u32 intid)
{
	struct irq_core *c = irq_core(k);
	if (!c)
		return -ENOMEM;
	if (intid < 16 || intid > 1019)
		return -EINVAL;
	for (size_t i = 0; i < c->n; i++)
		if (c->descs[i] && c->descs[i]->kind == IRQ_KIND_WIRED && c->descs[i]->hwirq == intid)
			return c->descs[i]->irq;
	struct irq_desc *d = desc_alloc(k, IRQ_KIND_WIRED, intid);
	return d ? d->irq : -ENOMEM;
}

int irq_create_ipis(struct kernel *k, unsigned nr)
{
	struct irq_core *c = irq_core(k);
	if (!c)
		return -ENOMEM;
	if (!nr)
		return -EINVAL;
	/* __irq_alloc_descs() wants nr free numbers in a row: at boot nothing precedes them */
	int first = 0;
	for (unsigned i = 0; i < nr; i++) {
		struct irq_desc *d = desc_alloc(k, IRQ_KIND_IPI, i);
		if (!d)
			return -ENOMEM;
		if (!first)
			first = d->irq;
	}
	return first;
}

int of_irq_get_byname(struct kernel *k, int node, const char *name)
{
	const void *fdt = k->fdt;
	if (!fdt || node < 0 || !name)
		return -EINVAL;
	/* of_property_match_string()'s -EINVAL (no property) or -ENODATA (no such name) */
	if (!fdt_getprop(fdt, node, "interrupt-names", NULL))
		return -EINVAL;
	int index = fdt_stringlist_search(fdt, node, "interrupt-names", name);
	if (index < 0)
		return -ENODATA;
	return of_irq_get(k, node, index);
}

int of_irq_get(struct kernel *k, int node, int index)
{
	const void *fdt = k->fdt;
	int len;
	if (!fdt || node < 0 || index < 0)
		return -EINVAL;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);
	/* the GIC's three cells: type (0 SPI, 1 PPI), number, flags */
	if (!p || len < (index + 1) * 12)
		return -ENXIO;
	u32 type = fdt32_to_cpu(p[index * 3]), num = fdt32_to_cpu(p[index * 3 + 1]);
	return irq_create_wired(k, (type == 1 ? 16 : GIC_SPI_BASE) + num);
}

/* ---- the flow handler ---- */

static void irq_dispatch(void *opaque)
{
	struct irq_desc *d = opaque;
	d->count++;
	irqreturn_t ret = IRQ_NONE;
	/* a handler may free another action: walk by index */
	for (size_t i = 0; i < d->nactions; i++) {
		struct irqaction a = d->actions[i];
		ret |= a.handler(d->irq, a.dev_id);
	}
	if (ret == IRQ_NONE)
		d->unhandled++;
}

static struct hw_gic *gic_of(struct kernel *k)
{
	struct hw_system *hw = k->hw;
	return hw ? hw->gic : NULL;
}

/* the wired line or GICv2m SPI reaches the handler once the distributor enables it */
static int irq_route(struct irq_desc *d)
{
	if (d->routed || (d->kind == IRQ_KIND_MSI && d->its))
		return 0;
	int ret = hw_gic_connect_spi(gic_of(d->k), d->hwirq, irq_dispatch, d);
	if (!ret)
		d->routed = true;
	/* a line the model's GIC does not wire (a PPI, a user DT's number) is just never raised */
	return ret == -ENOMEM ? ret : 0;
}

static void irq_unroute(struct irq_desc *d)
{
	if (!d->routed)
		return;
	hw_gic_disconnect_spi(gic_of(d->k), d->hwirq, irq_dispatch, d);
	d->routed = false;
}

int request_irq(struct kernel *k, int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id)
{
	struct irq_desc *d = irq_to_desc(k, irq);
	if (!d || !handler)
		return -EINVAL;
	/* __setup_irq(): a line already taken must be shared by both */
	if (d->nactions && (!(flags & IRQF_SHARED) || !(d->actions[0].flags & IRQF_SHARED)))
		return -EBUSY;
	struct irqaction *p = realloc(d->actions, (d->nactions + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	d->actions = p;
	struct irqaction *a = &d->actions[d->nactions];
	*a = (struct irqaction){ .handler = handler, .dev_id = dev_id, .flags = flags };
	snprintf(a->name, sizeof(a->name), "%s", name ? name : "");
	if (++d->nactions == 1) {
		/* irq_startup(): connect, then unmask */
		int ret = irq_route(d);
		if (ret) {
			d->nactions = 0;
			return ret;
		}
		if (d->chip && d->chip->unmask)
			d->chip->unmask(d);
	}
	return 0;
}

void free_irq(struct kernel *k, int irq, void *dev_id)
{
	struct irq_desc *d = irq_to_desc(k, irq);
	if (!d)
		return;
	for (size_t i = 0; i < d->nactions; i++) {
		if (d->actions[i].dev_id != dev_id)
			continue;
		memmove(&d->actions[i], &d->actions[i + 1], (d->nactions - i - 1) * sizeof(d->actions[0]));
		if (--d->nactions == 0) {
			/* irq_shutdown(): mask, and the line is no longer enabled */
			if (d->chip && d->chip->mask)
				d->chip->mask(d);
			if (d->kind == IRQ_KIND_WIRED)
				irq_unroute(d);
		}
		return;
	}
}

/* ---- the MSI parent: ITS or GICv2m ---- */

static const char *const its_compat = "arm,gic-v3-its";
static const char *const v2m_compat = "arm,gic-v2m-frame";

static int find_msi_controller(const void *fdt, const char *compat)
{
	for (int node = fdt_node_offset_by_compatible(fdt, -1, compat); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, compat))
		if (fdt_getprop(fdt, node, "msi-controller", NULL) && of_device_is_available(fdt, node))
			return node;
	return -1;
}

/* its_of_probe() / gicv2m_of_init(): the frame from the DT node's reg */
static void msi_parent_probe(struct kernel *k, struct irq_core *c)
{
	if (c->msi_probed)
		return;
	c->msi_probed = true;
	const void *fdt = k->fdt;
	if (!fdt)
		return;
	u64 base, size;
	int node = find_msi_controller(fdt, its_compat);
	if (node >= 0 && !of_address(fdt, node, 0, &base, &size)) {
		c->msi = HW_MSI_ITS;
		c->frame_base = base;
		c->doorbell = base + GITS_TRANSLATER;
		return;
	}
	node = find_msi_controller(fdt, v2m_compat);
	if (node < 0 || of_address(fdt, node, 0, &base, &size))
		return;
	/* the SPI range from MSI_TYPER, unless the DT overrides it */
	struct hw_mmio mmio;
	u32 typer = 0;
	if (k->hw && !hw_ioremap(k->hw, base, size, &mmio))
		typer = readl(&mmio, V2M_MSI_TYPER);
	u32 spi_start = (typer >> 16) & 0x3ff, nr = typer & 0x3ff;
	u32 v;
	if (!of_property_read_u32(fdt, node, "arm,msi-base-spi", &v))
		spi_start = v;
	if (!of_property_read_u32(fdt, node, "arm,msi-num-spis", &v))
		nr = v;
	if (!nr || spi_start < GIC_SPI_BASE)
		return;
	c->v2m_map = calloc(nr, 1);
	if (!c->v2m_map)
		return;
	c->msi = HW_MSI_V2M;
	c->frame_base = base;
	c->doorbell = base + V2M_MSI_SETSPI_NS;
	c->v2m_spi_start = spi_start;
	c->v2m_nr_spis = nr;
}

bool msi_parent_present(struct kernel *k)
{
	struct irq_core *c = irq_core(k);
	if (!c)
		return false;
	msi_parent_probe(k, c);
	return c->msi != HW_MSI_NONE;
}

bool irq_domain_check_msi_remap(struct kernel *k)
{
	return msi_parent_present(k) && k->irq->msi == HW_MSI_ITS;
}

bool msi_parent_msix_alloc_dyn(struct kernel *k)
{
	return msi_parent_present(k) && k->irq->msi == HW_MSI_ITS;
}

u64 msi_parent_doorbell(struct kernel *k)
{
	return msi_parent_present(k) ? k->irq->doorbell : 0;
}

static struct its_device *its_find_device(struct irq_core *c, u32 devid)
{
	if (devid < ITS_DEVID_TABLE && c->its_by_devid)
		return c->its_by_devid[devid] ? &c->its[c->its_by_devid[devid] - 1] : NULL;
	for (size_t i = 0; i < c->nits; i++)
		if (c->its[i].devid == devid)
			return &c->its[i];
	return NULL;
}

static void its_index(struct irq_core *c)
{
	if (!c->its_by_devid)
		return;
	memset(c->its_by_devid, 0, ITS_DEVID_TABLE * sizeof(u32));
	for (size_t i = 0; i < c->nits; i++)
		if (c->its[i].devid < ITS_DEVID_TABLE)
			c->its_by_devid[c->its[i].devid] = (u32)i + 1;
}

static unsigned roundup_pow_of_two(unsigned n)
{
	unsigned p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

int msi_domain_prepare(struct kernel *k, u32 devid, unsigned nvec, unsigned alias_count)
{
	if (!msi_parent_present(k))
		return -EINVAL;
	struct irq_core *c = k->irq;
	if (c->msi != HW_MSI_ITS)
		return 0;
	struct its_device *dev = its_find_device(c, devid);
	if (dev) {
		/* its_msi_prepare(): "Reusing ITT for devID" (another alias) */
		dev->shared = true;
		return 0;
	}
	/*
	 * its_pci_msi_prepare(): enough for every function aliasing to this
	 * DeviceID, a power of two, and 32 for DeviceID 0 (broken wiring)
	 */
	unsigned n = MAX(nvec, alias_count);
	n = roundup_pow_of_two(MAX(n, 1u));
	if (!devid)
		n = MAX(n, 32u);
	n = MIN(n, (unsigned)ITS_MAX_EVENTS);
	struct its_device *p = realloc(c->its, (c->nits + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	c->its = p;
	dev = &c->its[c->nits];
	*dev = (struct its_device){ .devid = devid, .nr_lpis = n, .event_map = calloc(n, 1) };
	if (!dev->event_map)
		return -ENOMEM;
	c->nits++;
	if (!c->its_by_devid)
		c->its_by_devid = calloc(ITS_DEVID_TABLE, sizeof(u32));
	if (c->its_by_devid && devid < ITS_DEVID_TABLE)
		c->its_by_devid[devid] = (u32)c->nits;
	return 0;
}

static void its_device_release(struct irq_core *c, struct its_device *dev)
{
	free(dev->event_map);
	size_t i = (size_t)(dev - c->its);
	memmove(&c->its[i], &c->its[i + 1], (c->nits - i - 1) * sizeof(c->its[0]));
	c->nits--;
	its_index(c);
}

/* bitmap_find_free_region() of one: the lowest free slot */
static int first_free(const u8 *map, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!map[i])
			return (int)i;
	return -1;
}

/*
 * iommu_dma_prepare_msi() by who owns the device's domain: user space's
 * (iommufd's SW_MSI window, VFIO type1's MSI cookie: uapi/sw_msi.h), else
 * dma-iommu's cookie; *msg_addr the address the message carries. 0,
 * -ENOMEM (dma-iommu could not map it) or the owner's error.
 */
static int msi_prepare_doorbell(struct device *dev, u64 doorbell, u64 *msg_addr)
{
	bool handled = false;
	int ret = dev ? user_domain_prepare_msi(dev, doorbell, msg_addr, &handled) : 0;
	if (handled)
		return ret;
	if (iommu_dma_prepare_msi(dev, doorbell))
		return -ENOMEM;
	*msg_addr = iommu_dma_compose_msi_addr(dev, doorbell);
	return 0;
}

int msi_domain_alloc(struct kernel *k, struct device *dev, u32 devid, unsigned index,
		     const struct irq_chip_ops *chip, void *chip_data)
{
	if (!msi_parent_present(k))
		return -EINVAL;
	struct irq_core *c = k->irq;
	u32 hwirq;
	struct its_device *itsdev = NULL;
	if (c->msi == HW_MSI_ITS) {
		/* its_irq_domain_alloc(): its_alloc_device_irq() */
		itsdev = its_find_device(c, devid);
		if (!itsdev)
			return -EINVAL;
		int ev = first_free(itsdev->event_map, itsdev->nr_lpis);
		if (ev < 0)
			return -ENOSPC;
		hwirq = (u32)ev;
	} else {
		/* gicv2m_irq_domain_alloc() */
		int off = first_free(c->v2m_map, c->v2m_nr_spis);
		if (off < 0)
			return -ENOSPC;
		hwirq = c->v2m_spi_start + (u32)off;
	}
	/* the doorbell as this device must address it: mapped in its domain */
	u64 msg_addr;
	int ret = msi_prepare_doorbell(dev, c->doorbell, &msg_addr);
	if (ret) {
		const struct drivers_version *dv = kernel_version(k)->drivers;
		if (itsdev) {
			/*
			 * the event stays taken: nothing frees what the failed alloc
			 * took, and the ITS device stays with it (7.3's msi_teardown
			 * runs only when the device's MSI domain goes)
			 */
			itsdev->event_map[hwirq] = 1;
			itsdev->leaked++;
		}
		return dv->msi_alloc_failure_is_enospc ? -ENOSPC : ret;
	}
	struct irq_desc *d = desc_alloc(k, IRQ_KIND_MSI, hwirq);
	if (!d)
		return -ENOMEM;
	d->its = c->msi == HW_MSI_ITS;
	d->devid = devid;
	d->msi_dev = dev;
	d->msi_index = index;
	d->chip = chip;
	d->chip_data = chip_data;
	/* irq_chip_compose_msi_msg(), then iommu_dma_compose_msi_msg() */
	d->msg_addr = msg_addr;
	d->msg_data = hwirq;
	if (itsdev) {
		/* activation: MAPTI for (DeviceID, EventID) */
		if (hw_gic_map_event(gic_of(k), devid, hwirq, irq_dispatch, d)) {
			desc_free(k, d);
			return -ENOMEM;
		}
		d->routed = true;
		itsdev->event_map[hwirq] = 1;
		itsdev->used++;
	} else {
		c->v2m_map[hwirq - c->v2m_spi_start] = 1;
	}
	return d->irq;
}

void msi_domain_free(struct kernel *k, int irq)
{
	struct irq_desc *d = irq_to_desc(k, irq);
	struct irq_core *c = k->irq;
	if (!d || d->kind != IRQ_KIND_MSI || !c)
		return;
	if (d->its) {
		hw_gic_unmap_event(gic_of(k), d->devid, d->hwirq);
		struct its_device *itsdev = its_find_device(c, d->devid);
		if (itsdev && d->hwirq < itsdev->nr_lpis && itsdev->event_map[d->hwirq]) {
			itsdev->event_map[d->hwirq] = 0;
			/* its_irq_domain_free(): an unshared device goes with its last event, none leaked */
			if (!--itsdev->used && !itsdev->leaked && !itsdev->shared)
				its_device_release(c, itsdev);
		}
	} else {
		irq_unroute(d);
		if (d->hwirq >= c->v2m_spi_start && d->hwirq - c->v2m_spi_start < c->v2m_nr_spis)
			c->v2m_map[d->hwirq - c->v2m_spi_start] = 0;
	}
	desc_free(k, d);
}

void irq_core_free(struct kernel *k)
{
	struct irq_core *c = k->irq;
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		if (c->descs[i]) {
			free(c->descs[i]->actions);
			free(c->descs[i]);
		}
	}
	free(c->descs);
	for (size_t i = 0; i < c->nits; i++)
		free(c->its[i].event_map);
	free(c->its);
	free(c->its_by_devid);
	free(c->v2m_map);
	free(c);
	k->irq = NULL;
}
