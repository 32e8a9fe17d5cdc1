/*
 * The vCPU model's ID registers (hw/cpu.h): each model's reset value is
 * its release's (machine/qemu_version.c, read from the vCPU of each QEMU
 * through its gdbstub), then the machine type's compat properties apply.
 */
#include <string.h>
#include "hw/cpu.h"
#include "hw/system.h"
#include "machine/machine.h"
#include "machine/qemu_version.h"

static u64 set_field(u64 reg, unsigned shift, u64 value)
{
	return (reg & ~(0xfULL << shift)) | (value & 0xf) << shift;
}

void hw_cpu_realize(struct hw_cpu *cpu, const struct machine *m)
{
	memset(cpu, 0, sizeof(*cpu));
	if (!m || !m->cpu)
		return;
	u64 mmfr0 = m->cpu->id_aa64mmfr0;
	if (m->cpu->lpa2_property && (m->cpu_lpa2_off || m->compat.cpu_no_lpa2)) {
		/* lpa2=false: the granules are implemented, without 52-bit output addresses */
		mmfr0 = set_field(mmfr0, ID_AA64MMFR0_TGRAN4_SHIFT, 0);
		mmfr0 = set_field(mmfr0, ID_AA64MMFR0_TGRAN16_SHIFT, 1);
		mmfr0 = set_field(mmfr0, ID_AA64MMFR0_TGRAN4_2_SHIFT, 2);
		mmfr0 = set_field(mmfr0, ID_AA64MMFR0_TGRAN16_2_SHIFT, 2);
	}
	cpu->id_aa64mmfr0 = mmfr0;
}

u64 hw_cpu_id_aa64mmfr0(const struct hw_system *hw)
{
	return hw ? hw->cpu.id_aa64mmfr0 : 0;
}
