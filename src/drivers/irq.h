/*
 * Interrupts, kernel side (kernel/irq and drivers/irqchip of Linux 6.1):
 * Linux IRQ numbers for the GIC's wired lines and for MSIs, request_irq()
 * and free_irq(), and the MSI parent domain PCI devices allocate from: the
 * GICv3 ITS (an interrupt translation table per DeviceID, EventIDs taken
 * lowest first, shared by the functions that alias to one DeviceID) or a
 * GICv2m frame (SPIs from the range its MSI_TYPER reports). Allocating an
 * MSI calls iommu_dma_prepare_msi() for the doorbell and composes the
 * message the device will write (iommu_dma_compose_msi_msg()). What the
 * kernel programs into the controller reaches the hardware model as routes
 * (hw/gic.h), the way ITS commands and the distributor's enables would.
 */
#ifndef IOMMUSIM_DRIVERS_IRQ_H
#define IOMMUSIM_DRIVERS_IRQ_H

#include "base/device.h"
#include "hw/gic.h"

typedef enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
} irqreturn_t;

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#define IRQF_SHARED 0x00000080

struct irq_desc;

/* What the irq chip does to a source when an irq starts and stops (the MSI-X entry's mask). */
struct irq_chip_ops {
	void (*unmask)(struct irq_desc *desc);
	void (*mask)(struct irq_desc *desc);
};

struct irqaction {
	irq_handler_t handler;
	void *dev_id;
	char name[48];
	unsigned long flags;
};

enum irq_kind { IRQ_KIND_WIRED, IRQ_KIND_MSI, IRQ_KIND_IPI };

struct irq_desc {
	struct kernel *k;
	int irq;			/* the Linux IRQ number */
	enum irq_kind kind;
	u32 hwirq;			/* wired: GIC INTID; MSI: EventID (ITS) or SPI INTID (GICv2m); IPI: SGI */
	u32 devid;			/* ITS DeviceID */
	bool its;			/* an ITS event (else an SPI) */
	/* MSI: the device, its entry and the message composed for it */
	struct device *msi_dev;
	unsigned msi_index;
	u64 msg_addr;
	u32 msg_data;
	const struct irq_chip_ops *chip;
	void *chip_data;
	struct irqaction *actions;
	size_t nactions;
	bool routed;			/* connected at the GIC */
	u64 count;			/* interrupts taken (/proc/interrupts) */
	u64 unhandled;			/* ... that no handler claimed */
};

/* The Linux IRQ for GIC INTID intid (irq_create_mapping): > 0, or -errno. */
int irq_create_wired(struct kernel *k, u32 intid);
/* of_irq_get(): the index-th entry of a DT node's "interrupts" (GIC, 3 cells). */
int of_irq_get(struct kernel *k, int node, int index);
/* of_irq_get_byname(): the entry "interrupt-names" calls name; -EINVAL without one. */
int of_irq_get_byname(struct kernel *k, int node, const char *name);
/*
 * The GIC driver's IPIs (gic_smp_init(): __irq_domain_alloc_irqs() of nr SGIs
 * in one block): the first irq of the block, or -errno (-EINVAL for nr 0).
 */
int irq_create_ipis(struct kernel *k, unsigned nr);
struct irq_desc *irq_to_desc(struct kernel *k, int irq);
/* Every IRQ, in number order: how many (at most max stored). */
size_t irq_list(struct kernel *k, struct irq_desc **out, size_t max);

/*
 * request_irq(): 0, -EINVAL (no such irq, no handler), -EBUSY (taken and
 * not shared by both), -ENOMEM. The first action starts the irq: a wired
 * line is connected, an MSI unmasked.
 */
int request_irq(struct kernel *k, int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id);
/* free_irq(): the last action going stops the irq (masked, disconnected). */
void free_irq(struct kernel *k, int irq, void *dev_id);

/* ---- the MSI parent domain (ITS / GICv2m) ---- */

/* Whether the DT describes an MSI controller the kernel drives. */
bool msi_parent_present(struct kernel *k);
/*
 * irq_domain_check_msi_remap(): the MSI controller isolates devices' MSIs
 * (the GICv3 ITS, by DeviceID; not GICv2m). VFIO type1 needs it.
 */
bool irq_domain_check_msi_remap(struct kernel *k);
/* The doorbell's physical address (GITS_TRANSLATER / MSI_SETSPI_NS), 0 when none. */
u64 msi_parent_doorbell(struct kernel *k);
/*
 * pci_msix_can_alloc_dyn()'s domain side: the PCI/MSI domain takes MSI-X
 * vectors after MSI-X is enabled (MSI_FLAG_PCI_MSIX_ALLOC_DYN: 7.3's ITS
 * MSI parent; GICv2m never; 6.1 has no dynamic MSI-X: the caller asks its
 * kernel first).
 */
bool msi_parent_msix_alloc_dyn(struct kernel *k);

/*
 * its_pci_msi_prepare(): make sure the DeviceID has a translation table big
 * enough for nvec (or, behind an aliasing bridge, for alias_count vectors):
 * an existing one for that DeviceID is shared. 0, -EINVAL (no MSI parent),
 * -ENOMEM. GICv2m needs nothing.
 */
int msi_domain_prepare(struct kernel *k, u32 devid, unsigned nvec, unsigned alias_count);
/*
 * Allocate and activate one MSI of dev (entry index): the EventID or SPI,
 * iommu_dma_prepare_msi() for the doorbell, the composed message, the
 * controller's mapping. > 0 the Linux irq, or -ENOSPC (no event/SPI left),
 * -ENOMEM (the doorbell could not be mapped), -EINVAL (no MSI parent).
 */
int msi_domain_alloc(struct kernel *k, struct device *dev, u32 devid, unsigned index,
		     const struct irq_chip_ops *chip, void *chip_data);
/* Undo msi_domain_alloc (its actions must be gone). */
void msi_domain_free(struct kernel *k, int irq);

void irq_core_free(struct kernel *k);

/* Publish /sys/kernel/debug/iommusim/msi (drivers/msi_debugfs.c). */
void msi_debugfs_init(void);

#endif
