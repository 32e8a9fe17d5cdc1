/*
 * The vCPU's ID_AA64MMFR0_EL1 per -cpu model and QEMU release (what the
 * real vCPUs of QEMU 7.2.22 and 10.0.2 answer through their gdbstub), and
 * what Linux makes of it: 7.3 (CONFIG_ARM64_LPA2, 52-bit VA and PA) runs
 * with 52-bit addresses on a CPU with FEAT_LPA2 (-cpu max), which takes
 * one more page table for the linear map and a 1 MiB mem_section array:
 * the swiotlb pool lands 1 MiB lower. 6.1 (48-bit only) is the same on
 * every CPU. Expected lines are what the real kernels printed (oracle/run).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_util.h"
#include "hw/cpu.h"
#include "hw/system.h"
#include "init/cpufeature.h"
#include "machine/machine.h"
#include "machine/qemu_version.h"

static struct machine m;
static char err[1024];

static void teardown(void)
{
	machine_free(&m);
}

TestSuite(cpu_lpa2, .fini = teardown);

/* Parse and build as QEMU q; m is left zeroed on error */
static int build(const struct qemu_version *q, const char *line)
{
	char *copy = strdup(line), *save = NULL, *argv[64];
	int argc = 0, ret;
	struct qemu_cmdline cmd;
	for (char *t = strtok_r(copy, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	machine_free(&m);
	err[0] = '\0';
	ret = qemu_cmdline_parse_version(q, argc, argv, &cmd, err, sizeof(err));
	if (!ret) {
		ret = virt_machine_build(&cmd, &m, err, sizeof(err));
		qemu_cmdline_free(&cmd);
	}
	free(copy);
	return ret;
}

/* the realized vCPU's ID_AA64MMFR0_EL1 for a command line on QEMU q */
static u64 mmfr0_of(const struct qemu_version *q, const char *line)
{
	struct hw_cpu cpu;
	cr_assert_eq(build(q, line), 0, "%s: %s", line, err);
	hw_cpu_realize(&cpu, &m);
	return cpu.id_aa64mmfr0;
}

static unsigned field(u64 reg, unsigned shift)
{
	return (unsigned)(reg >> shift) & 0xf;
}

struct measured {
	const char *cpu;
	u64 qemu_7_2, qemu_10_0;	/* ~0: the release has no such model for virt */
};

#define NONE (~0ULL)
static const struct measured models[] = {
	{ "cortex-a7", 0, 0 },
	{ "cortex-a15", 0, 0 },
	{ "cortex-a35", 0x0000000000101122ULL, 0x0000000000101122ULL },
	{ "cortex-a53", 0x0000000000001122ULL, 0x0000000000001122ULL },
	{ "cortex-a55", NONE, 0x0000000000101122ULL },
	{ "cortex-a57", 0x0000000000001124ULL, 0x0000000000001124ULL },
	{ "cortex-a72", 0x0000000000001124ULL, 0x0000000000001124ULL },
	{ "cortex-a76", 0x0000000000101122ULL, 0x0000000000101122ULL },
	{ "cortex-a710", NONE, 0x0000022200101122ULL },
	{ "a64fx", 0x0000000000001122ULL, 0x0000000000001122ULL },
	{ "neoverse-n1", 0x0000000000101125ULL, 0x0000000000101125ULL },
	{ "neoverse-v1", NONE, 0x0000000000101125ULL },
	{ "neoverse-n2", NONE, 0x0000022200101125ULL },
	{ "max", 0x0000032310201126ULL, 0x2100032310201126ULL },
};

Test(cpu_lpa2, id_aa64mmfr0_of_each_model_on_each_qemu)
{
	char line[128];
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		snprintf(line, sizeof(line), "-M virt -nodefaults -cpu %s", models[i].cpu);
		if (models[i].qemu_7_2 != NONE)
			cr_assert_eq(mmfr0_of(&qemu_7_2, line), models[i].qemu_7_2, "7.2 %s", models[i].cpu);
		else
			cr_assert_neq(build(&qemu_7_2, line), 0, "7.2 has no %s for virt", models[i].cpu);
		cr_assert_eq(mmfr0_of(&qemu_10_0, line), models[i].qemu_10_0, "10.0 %s", models[i].cpu);
	}
}

Test(cpu_lpa2, only_max_has_52_bit_addresses_with_4k_pages)
{
	/* PARange 6 = 52 bits (FEAT_LPA), TGRAN4 1 = 4K with 52-bit (FEAT_LPA2) */
	u64 max = mmfr0_of(&qemu_10_0, "-M virt -cpu max");
	cr_assert_eq(field(max, ID_AA64MMFR0_PARANGE_SHIFT), 6);
	cr_assert_eq(field(max, ID_AA64MMFR0_TGRAN4_SHIFT), 1);
	cr_assert(arm64_cpu_has_lpa2(max, NULL));
	/* the DT cannot tell it from a cortex-a57: PARange 4 = 44 bits, TGRAN4 0 = 4K without 52-bit */
	u64 a57 = mmfr0_of(&qemu_10_0, "-M virt -cpu cortex-a57");
	cr_assert_eq(field(a57, ID_AA64MMFR0_PARANGE_SHIFT), 4);
	cr_assert_eq(field(a57, ID_AA64MMFR0_TGRAN4_SHIFT), 0);
	cr_assert_not(arm64_cpu_has_lpa2(a57, NULL));
	/* neoverse-n1: 48 bits, no LPA2; an AArch32 model: nothing */
	u64 n1 = mmfr0_of(&qemu_7_2, "-M virt -cpu neoverse-n1");
	cr_assert_eq(field(n1, ID_AA64MMFR0_PARANGE_SHIFT), 5);
	cr_assert_not(arm64_cpu_has_lpa2(n1, NULL));
	cr_assert_not(arm64_cpu_has_lpa2(mmfr0_of(&qemu_7_2, "-M virt -cpu cortex-a15"), NULL));
	/* TGRAN4 0xf (-1): no 4K granule at all */
	cr_assert_not(arm64_cpu_has_lpa2(0x00000000f0000000ULL, NULL));
}

Test(cpu_lpa2, machine_types_up_to_6_2_turn_lpa2_off)
{
	/* hw_compat_6_2: max-arm-cpu lpa2=false, on both releases; PARange stays 52 bits */
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt-6.2 -cpu max"), 0x2100022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt-6.0 -cpu max"), 0x2100022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_7_2, "-M virt-6.2 -cpu max"), 0x0000022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt-7.0 -cpu max"), 0x2100032310201126ULL);
	cr_assert_eq(mmfr0_of(&qemu_7_2, "-M virt-7.0 -cpu max"), 0x0000032310201126ULL);
	cr_assert(m.compat.cpu_no_lpa2 == false);
	/* the fixed models have no lpa2 property: nothing to turn off */
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt-6.2 -cpu neoverse-n1"), 0x0000000000101125ULL);
}

Test(cpu_lpa2, max_lpa2_property)
{
	/* lpa2 is a bool: on/off, yes/no, true/false, y/n; the last one given wins */
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt -cpu max,lpa2=off"), 0x2100022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_7_2, "-M virt -cpu max,lpa2=off"), 0x0000022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt -cpu max,lpa2=n"), 0x2100022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt -cpu max,lpa2=yes"), 0x2100032310201126ULL);
	cr_assert_eq(mmfr0_of(&qemu_7_2, "-M virt -cpu max,lpa2=off,lpa2=on"), 0x0000032310201126ULL);
	/* empty properties are skipped */
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt -cpu max,,lpa2=off,"), 0x2100022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt -cpu max,"), 0x2100032310201126ULL);
	/* on virt-6.2 the machine type's lpa2=false stays */
	cr_assert_eq(mmfr0_of(&qemu_7_2, "-M virt-6.2 -cpu max,lpa2=on"), 0x0000022200101126ULL);
	cr_assert_eq(mmfr0_of(&qemu_10_0, "-M virt-6.2 -cpu max,lpa2=on"), 0x2100022200101126ULL);
}

Test(cpu_lpa2, bad_cpu_properties_are_qemus_errors)
{
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu max,lpa2=ON"), -EINVAL);
	cr_assert_str_eq(err, "can't apply global max-arm-cpu.lpa2=ON: Parameter 'lpa2' expects 'on' or 'off'");
	cr_assert_null(m.cpu);
	cr_assert_eq(build(&qemu_7_2, "-M virt -cpu max,lpa2="), -EINVAL);
	cr_assert_str_eq(err, "can't apply global max-arm-cpu.lpa2=: Parameter 'lpa2' expects 'on' or 'off'");
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu cortex-a57,lpa2=off"), -EINVAL);
	cr_assert_str_eq(err, "can't apply global cortex-a57-arm-cpu.lpa2=off: Property 'cortex-a57-arm-cpu.lpa2' "
			      "not found");
	cr_assert_null(m.fdt);
	cr_assert_eq(build(&qemu_7_2, "-M virt -cpu max,lpa2"), -EINVAL);
	cr_assert_str_eq(err, "Expected key=value format, found lpa2.");
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu max,lpa2=on,pmu"), -EINVAL);
	cr_assert_str_eq(err, "Expected key=value format, found pmu.");
	/* other properties are real but not modelled */
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu max,pmu=off"), -EINVAL);
	cr_assert_str_eq(err, "-cpu max: CPU property 'pmu' is not modelled by iommusim");
	cr_assert_null(m.cpu);
}

Test(cpu_lpa2, the_machine_records_the_model)
{
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu max"), 0, "%s", err);
	cr_assert_not_null(m.cpu);
	cr_assert_str_eq(m.cpu->name, "max");
	cr_assert_str_eq(m.cpu->compatible, "arm,cortex-a57");
	/* virt's default is a cortex-a15 */
	cr_assert_eq(build(&qemu_7_2, "-M virt"), 0, "%s", err);
	cr_assert_str_eq(m.cpu->name, "cortex-a15");
}

Test(cpu_lpa2, refused_models_leave_no_machine)
{
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu host"), -EINVAL);
	cr_assert_str_eq(err, "The 'host' CPU type can only be used with KVM or HVF");
	cr_assert_null(m.cpu);
	cr_assert_null(m.fdt);
	cr_assert_eq(build(&qemu_7_2, "-M virt -cpu cortex-a55"), -EINVAL);
	cr_assert_str_eq(err, "unable to find CPU model 'cortex-a55'");
	cr_assert_null(m.cpu);
	cr_assert_eq(build(&qemu_10_0, "-M virt -cpu nosuch"), -EINVAL);
	cr_assert_str_eq(err, "unable to find CPU model 'nosuch'");
	cr_assert_null(m.cpu);
	/* no machine, no hardware: no registers */
	struct hw_cpu cpu = { .id_aa64mmfr0 = 1 };
	hw_cpu_realize(&cpu, NULL);
	cr_assert_eq(cpu.id_aa64mmfr0, 0);
	cr_assert_eq(hw_cpu_id_aa64mmfr0(NULL), 0);
	cr_assert_not(arm64_boot_cpu_has_lpa2(NULL));
}

Test(cpu_lpa2, command_line_overrides_take_lpa2_away)
{
	const u64 max = 0x2100032310201126ULL;
	cr_assert(arm64_cpu_has_lpa2(max, ""));
	cr_assert(arm64_cpu_has_lpa2(max, "quiet loglevel=7"));
	cr_assert_not(arm64_cpu_has_lpa2(max, "arm64.nolva"));
	cr_assert_not(arm64_cpu_has_lpa2(max, "quiet arm64.nolva loglevel=7"));
	cr_assert_not(arm64_cpu_has_lpa2(max, "id_aa64mmfr2.varange=0"));
	/* '-' reads as '_', the digit may follow 0x */
	cr_assert_not(arm64_cpu_has_lpa2(max, "id-aa64mmfr2.varange=0x0"));
	/* a value other than 0, or not one hex digit, is no override */
	cr_assert(arm64_cpu_has_lpa2(max, "id_aa64mmfr2.varange=1"));
	cr_assert(arm64_cpu_has_lpa2(max, "id_aa64mmfr2.varange=00"));
	cr_assert(arm64_cpu_has_lpa2(max, "arm64.nolvax"));
	/* after "--" the words are init's */
	cr_assert(arm64_cpu_has_lpa2(max, "quiet -- arm64.nolva"));
}

/* the first log line of a boot starting with prefix ("" when none), malloc'd */
static char *log_line(struct iommusim *sim, const char *prefix)
{
	/* a copy: GCC's -Wdangling-pointer takes boot_dmesg()'s memstream buffer for its local */
	char *raw = boot_dmesg(sim), *dmesg = strdup(raw);
	free(raw);
	char *hit = strstr(dmesg, prefix);
	size_t n = hit ? strcspn(hit, "\n") : 0;
	if (hit)
		memmove(dmesg, hit, n);
	dmesg[n] = '\0';
	return dmesg;
}

static char *swiotlb_line(struct iommusim *sim)
{
	return log_line(sim, "software IO TLB: mapped");
}

static char *cma_line(struct iommusim *sim)
{
	return log_line(sim, "cma: ");
}

#define SMP4 " -smp 4 -m 2048 -drive if=none,id=d0,file=null-co://,format=raw -device virtio-blk-pci,drive=d0"
#define POOL_48 "software IO TLB: mapped [mem 0x00000000b9600000-0x00000000b9800000] (2MB)"
#define POOL_52 "software IO TLB: mapped [mem 0x00000000b9500000-0x00000000b9700000] (2MB)"

struct real_boot {
	const char *args, *lv, *qv;
	const char *cma, *swiotlb;	/* what the real kernel printed ("": no such line) */
};

static const struct real_boot real[] = {
	/* 6.1: 48-bit on any CPU (no swiotlb line: 6.1 prints it only when it bounces) */
	{ "-M virt,iommu=smmuv3 -cpu cortex-a57" SMP4, LINUX61, "cma: Reserved 64 MiB at 0x00000000b9a00000", "" },
	{ "-M virt,iommu=smmuv3 -cpu max" SMP4, LINUX61, "cma: Reserved 64 MiB at 0x00000000b9a00000", "" },
	/* 7.3: the CMA area stays, the pool goes 1 MiB lower with LPA2 */
	{ "-M virt,iommu=smmuv3 -cpu cortex-a57" SMP4, LINUX73, "cma: Reserved 64 MiB at 0x00000000bba00000",
	  POOL_48 },
	{ "-M virt,iommu=smmuv3 -cpu max" SMP4, LINUX73, "cma: Reserved 64 MiB at 0x00000000bba00000", POOL_52 },
	{ "-M virt,iommu=smmuv3 -cpu neoverse-n1" SMP4, LINUX73, "cma: Reserved 64 MiB at 0x00000000bba00000",
	  POOL_48 },
	/* QEMU 7.2's max has LPA2 too */
	{ "-M virt,iommu=smmuv3 -cpu max" SMP4, LINUX73_QEMU72, "cma: Reserved 64 MiB at 0x00000000bba00000",
	  POOL_52 },
	/* virt-6.2's max has none, lpa2=off neither; arm64.nolva (or varange=0) takes it away */
	{ "-M virt-6.2,iommu=smmuv3 -cpu max" SMP4, LINUX73, "cma: Reserved 64 MiB at 0x00000000bba00000",
	  POOL_48 },
	{ "-M virt,iommu=smmuv3 -cpu max,lpa2=off" SMP4, LINUX73, "cma: Reserved 64 MiB at 0x00000000bba00000",
	  POOL_48 },
	{ "-M virt,iommu=smmuv3 -cpu max -append arm64.nolva" SMP4, LINUX73,
	  "cma: Reserved 64 MiB at 0x00000000bba00000", POOL_48 },
	{ "-M virt,iommu=smmuv3 -cpu max -append id-aa64mmfr2.varange=0x0" SMP4, LINUX73,
	  "cma: Reserved 64 MiB at 0x00000000bba00000", POOL_48 },
	{ "-M virt,iommu=smmuv3 -cpu max -append id_aa64mmfr2.varange=00" SMP4, LINUX73,
	  "cma: Reserved 64 MiB at 0x00000000bba00000", POOL_52 },
};

Test(cpu_lpa2, the_pool_lands_where_real_linux_puts_it)
{
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		struct iommusim *sim = boot_on(real[i].args, real[i].lv, real[i].qv);
		char *cma = cma_line(sim), *pool = swiotlb_line(sim);
		cr_assert_str_eq(cma, real[i].cma, "%s on Linux %s / QEMU %s", real[i].args, real[i].lv, real[i].qv);
		cr_assert_str_eq(pool, real[i].swiotlb, "%s on Linux %s / QEMU %s", real[i].args, real[i].lv,
				 real[i].qv);
		free(cma);
		free(pool);
		iommusim_free(sim);
	}
}
