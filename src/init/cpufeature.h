/*
 * The boot CPU's features as arm64's early code reads them
 * (arch/arm64/kernel/pi/idreg-override.c, asm/cpufeature.h): the CPU's ID
 * registers, read from the hardware (hw/cpu.h), with the overrides the
 * command line asks for applied.
 */
#ifndef IOMMUSIM_INIT_CPUFEATURE_H
#define IOMMUSIM_INIT_CPUFEATURE_H

#include <stdbool.h>
#include "base/bits.h"

struct kernel;

/*
 * cpu_has_lpa2(): ID_AA64MMFR0_EL1.TGRAN4 (a signed field) says 4K pages
 * with 52-bit addresses, unless the command line turns 52-bit VA off:
 * "arm64.nolva", or "id_aa64mmfr2.varange=0" (a single hex digit), as a
 * word before any "--" (a '-' in a word reads as '_'). Such an override
 * also takes LPA2 away (mmfr2_varange_filter()). cmdline may be NULL.
 */
bool arm64_cpu_has_lpa2(u64 id_aa64mmfr0, const char *cmdline);

/* The boot CPU of k's hardware, with the command line k was booted with */
bool arm64_boot_cpu_has_lpa2(const struct kernel *k);

#endif
