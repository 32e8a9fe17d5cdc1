/*
 * arm_smmu_device_hw_probe()'s line, per kernel and per QEMU: 6.1 names ias
 * and oas and knows bits 0..19; 7.3 names oas alone and reads IDR3.BBML
 * (FEAT_BBML2, bit 24), which QEMU 7.2's SMMU advertises as 10.0's does.
 */
#include "boot_util.h"

static void expect_line_with(const char *kernel, const char *qemu, const char *machine,
			     const char *global, const char *line)
{
	struct iommusim_options opts = { .linux_version = kernel, .qemu_version = qemu };
	char *argv[] = { "-M", (char *)machine, "-global", (char *)global, NULL };
	char err[256] = "";
	struct iommusim *sim = iommusim_boot(global ? 4 : 2, argv, &opts, err, sizeof(err));
	cr_assert_not_null(sim, "boot failed: %s", err);
	char *log = boot_dmesg(sim);
	cr_assert_not_null(strstr(log, line), "%s: no \"%s\" in\n%s", machine, line, log);
	free(log);
	iommusim_free(sim);
}

static void expect_line(const char *kernel, const char *qemu, const char *machine, const char *line)
{
	expect_line_with(kernel, qemu, machine, NULL, line);
}

/* QEMU 10.0's virt (9.2 on) forces stage=nested: S2 (10), NESTING (19), BBML2 (24) */
Test(smmu_probe_line, linux_7_3_on_qemu_10_0)
{
	expect_line("7.3", "10.0", "virt,iommu=smmuv3",
		    "arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01088705)\n");
}

/* 6.1 sets NESTING too, but never reads BBML */
Test(smmu_probe_line, linux_6_1_on_qemu_10_0)
{
	expect_line("6.1", "10.0", "virt,iommu=smmuv3",
		    "arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00088705)\n");
}

/* virt-9.1 keeps the stage property: stage 2 alone (measured on QEMU 10.0 with 7.3) */
Test(smmu_probe_line, linux_7_3_stage_2_only)
{
	expect_line_with("7.3", "10.0", "virt-9.1,iommu=smmuv3", "arm-smmuv3.stage=2",
			 "arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01008505)\n");
}

Test(smmu_probe_line, linux_6_1_on_qemu_7_2)
{
	expect_line(NULL, NULL, "virt,iommu=smmuv3",
		    "arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00008305)\n");
}

/* machine_props_no_effect's line: a pre-9.2 machine type keeps stage 1 only */
Test(smmu_probe_line, linux_7_3_on_qemu_10_0_virt_7_2)
{
	expect_line("7.3", "10.0", "virt-7.2,iommu=smmuv3",
		    "arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01008305)\n");
}

Test(smmu_probe_line, linux_7_3_on_qemu_7_2_sees_bbml2_too)
{
	expect_line("7.3", "7.2", "virt,iommu=smmuv3",
		    "arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01008305)\n");
}

Test(smmu_probe_line, linux_6_1_on_qemu_10_0_virt_7_2_never_reads_bbml)
{
	expect_line("6.1", "10.0", "virt-7.2,iommu=smmuv3",
		    "arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00008305)\n");
}
