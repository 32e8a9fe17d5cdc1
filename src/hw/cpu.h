/*
 * The vCPUs of a machine as the kernel can learn them beyond the DT: their
 * ID registers. QEMU's DT names `max` as a cortex-a57, so what the kernel's
 * early boot decides from the CPU itself (arm64's cpufeature code and
 * early_map_kernel() read the boot CPU's registers: 52-bit physical and
 * virtual addresses with LPA2) comes only from here. Every vCPU of a
 * machine is the same model, so the boot CPU's registers are all CPUs'.
 */
#ifndef IOMMUSIM_HW_CPU_H
#define IOMMUSIM_HW_CPU_H

#include "base/bits.h"

struct machine;
struct hw_system;

/* ID_AA64MMFR0_EL1's fields the memory layout depends on (Arm ARM D19.2) */
#define ID_AA64MMFR0_PARANGE_SHIFT 0
#define ID_AA64MMFR0_TGRAN16_SHIFT 20
#define ID_AA64MMFR0_TGRAN4_SHIFT 28
#define ID_AA64MMFR0_TGRAN16_2_SHIFT 32
#define ID_AA64MMFR0_TGRAN4_2_SHIFT 40

/* The registers the realized vCPU model answers with (its reset values) */
struct hw_cpu {
	u64 id_aa64mmfr0;	/* ID_AA64MMFR0_EL1; 0 when the model has no AArch64 state */
};

/*
 * Realize the machine's vCPU model: its release's reset value, less
 * FEAT_LPA2 where -cpu max,lpa2=off or the machine type's compat
 * properties turn the "lpa2" property off (QEMU's arm_cpu_lpa2_finalize():
 * 4K and 16K granules without 52-bit, at both stages; on virt-6.2 and
 * older lpa2=on does not bring it back). A machine without a CPU model (a user
 * DT) has no registers: all zero.
 */
void hw_cpu_realize(struct hw_cpu *cpu, const struct machine *m);

/* The boot CPU's ID_AA64MMFR0_EL1, as `mrs x0, id_aa64mmfr0_el1` reads it (0 without hardware) */
u64 hw_cpu_id_aa64mmfr0(const struct hw_system *hw);

#endif
