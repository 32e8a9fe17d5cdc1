/*
 * Where each kernel (src/kversion/linux_version.h) maps the interrupts of
 * the DT's platform and AMBA devices at boot (init/irq_init.c): what differs
 * between them, one field per behaviour; irq_init_version.c has each
 * kernel's values.
 */
#ifndef IOMMUSIM_INIT_IRQ_INIT_VERSION_H
#define IOMMUSIM_INIT_IRQ_INIT_VERSION_H

#include <stdbool.h>

struct irq_init_version {
	/*
	 * Where the Armv8 PMU driver probes (and so maps its PPI): 6.1 has it
	 * in arch/arm64/kernel/perf_event.c, a device_initcall linked before
	 * drivers/ (before gpio-pl061 and the PCI host); 7.3 in
	 * drivers/perf/arm_pmuv3.c, linked after drivers/rtc (after rtc-pl031
	 * and every PCI driver built in)
	 */
	bool armv8_pmu_after_drivers;
};

extern const struct irq_init_version irq_init_linux_6_1, irq_init_linux_7_3;

#endif
