/* Each kernel's boot-time interrupt mappings (irq_init_version.h). */
#include "init/irq_init_version.h"

const struct irq_init_version irq_init_linux_6_1 = {
	.armv8_pmu_after_drivers = false,
};

/* measured on 7.3.4: 'hw perfevents' after rtc-pl031, /proc/interrupts' arm-pmu after rtc-pl031's */
const struct irq_init_version irq_init_linux_7_3 = {
	.armv8_pmu_after_drivers = true,
};
