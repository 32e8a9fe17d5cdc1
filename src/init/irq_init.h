/*
 * The Linux irq numbers Linux hands out on a DT machine before (and
 * beside) the drivers the model implements: the GIC's IPIs, the arch timer's
 * PPIs, and the built-in drivers whose only effect the model keeps is the
 * interrupts their probes map (amba-pl011, the Armv8 PMU, gpio-pl061,
 * rtc-pl031). Each runs where Linux runs it; the numbers come from the irq
 * layer's allocator (drivers/irq.h), lowest free first.
 */
#ifndef IOMMUSIM_INIT_IRQ_INIT_H
#define IOMMUSIM_INIT_IRQ_INIT_H

#include "base/device.h"

/* at most this many devices of one kind are looked at (virt has one of each) */
#define IRQ_INIT_MAX_NODES 8

/* The DT nodes those mappings read, found in one pass over the tree (DT order). */
struct irq_init_nodes {
	int gic, timer;			/* -1: none */
	int pl011[IRQ_INIT_MAX_NODES], pmu[IRQ_INIT_MAX_NODES];
	int pl061[IRQ_INIT_MAX_NODES], pl031[IRQ_INIT_MAX_NODES];
	unsigned npl011, npmu, npl061, npl031;
};

/* the nodes of k's DT (none without one) */
void irq_init_scan(struct kernel *k, struct irq_init_nodes *n);
/* start_kernel(): init_IRQ() (the GIC's IPIs), then time_init() (the arch timer's PPIs) */
void irq_init_start_kernel(struct kernel *k, const struct irq_init_nodes *n);
/* arch_initcall_sync: amba-pl011 (registered at arch_initcall) probes as populate adds its device */
void irq_init_populated(struct kernel *k, const struct irq_init_nodes *n);
/* device_initcall, before drivers/pci in link order: 6.1's PMU (arch/arm64), drivers/gpio's pl061 */
void irq_init_device_initcall_early(struct kernel *k, const struct irq_init_nodes *n);
/* device_initcall, after the model's drivers in link order: drivers/rtc's pl031, 7.3's PMU (drivers/perf) */
void irq_init_device_initcall_late(struct kernel *k, const struct irq_init_nodes *n);

#endif
