/*
 * The QEMU releases the hardware answers as (qemu_version.h): Debian 12's
 * 7.2 and bookworm-backports' 10.0, as their binaries print and behave
 * (-M help, -M virt,help, -cpu help, -version, the DT of dumpdtb).
 */
#include <stddef.h>
#include <string.h>
#include "machine/qemu_version.h"
#include "hw/pci_hw_version.h"
#include "hw/smmuv3/smmu_hw_version.h"
#include "hw/nvme_hw_version.h"

/* ---- QEMU 7.2 ---- */

static const int virt_types_7_2[] = {
	702, 701, 700, 602, 601, 600, 502, 501, 500, 402, 401, 400, 301, 300,
	212, 211, 210, 209, 208, 207, 206, 0,
};

static const char *const other_machines_7_2[] = {
	"akita", "ast1030-evb", "ast2500-evb", "ast2600-evb", "bletchley-bmc", "borzoi",
	"canon-a1100", "cheetah", "collie", "connex", "cubieboard", "emcraft-sf2", "fby35-bmc",
	"fby35", "fp5280g2-bmc", "fuji-bmc", "g220a-bmc", "highbank", "imx25-pdk", "integratorcp",
	"kudo-bmc", "kzm", "lm3s6965evb", "lm3s811evb", "mainstone", "mcimx6ul-evk",
	"mcimx7d-sabre", "microbit", "midway", "mori-bmc", "mps2-an385", "mps2-an386",
	"mps2-an500", "mps2-an505", "mps2-an511", "mps2-an521", "mps3-an524", "mps3-an547",
	"musca-a", "musca-b1", "musicpal", "n800", "n810", "netduino2", "netduinoplus2", "none",
	"npcm750-evb", "nuri", "orangepi-pc", "palmetto-bmc", "qcom-dc-scm-v1-bmc",
	"qcom-firework-bmc", "quanta-gbs-bmc", "quanta-gsj", "quanta-q71l-bmc", "rainier-bmc",
	"raspi0", "raspi1ap", "raspi2b", "raspi3ap", "raspi3b", "realview-eb",
	"realview-eb-mpcore", "realview-pb-a8", "realview-pbx-a9", "romulus-bmc", "sabrelite",
	"sbsa-ref", "smdkc210", "sonorapass-bmc", "spitz", "stm32vldiscovery",
	"supermicrox11-bmc", "sx1", "sx1-v1", "tacoma-bmc", "terrier", "tosa", "verdex",
	"versatileab", "versatilepb", "vexpress-a15", "vexpress-a9", "witherspoon-bmc",
	"xilinx-zynq-a9", "xlnx-versal-virt", "xlnx-zcu102", "z2", NULL,
};

static const struct qemu_cpu_model virt_cpus_7_2[] = {
	{ "cortex-a7", "arm,cortex-a7", 0, false },
	{ "cortex-a15", "arm,cortex-a15", 0, false },
	{ "cortex-a35", "arm,cortex-a35", 0x0000000000101122ULL, false },
	{ "cortex-a53", "arm,cortex-a53", 0x0000000000001122ULL, false },
	{ "cortex-a57", "arm,cortex-a57", 0x0000000000001124ULL, false },
	{ "cortex-a72", "arm,cortex-a72", 0x0000000000001124ULL, false },
	{ "cortex-a76", "arm,cortex-a76", 0x0000000000101122ULL, false },
	{ "a64fx", "arm,a64fx", 0x0000000000001122ULL, false },
	{ "neoverse-n1", "arm,neoverse-n1", 0x0000000000101125ULL, false },
	/* FEAT_LPA (PARange 52 bits), FEAT_LPA2 (TGRAN4 = 1) */
	{ "max", "arm,cortex-a57", 0x0000032310201126ULL, true },
	{ NULL, NULL, 0, false },
};

static const char *const cpu_help_7_2[] = {
	"a64fx", "arm1026", "arm1136", "arm1136-r2", "arm1176", "arm11mpcore", "arm926", "arm946",
	"cortex-a15", "cortex-a35", "cortex-a53", "cortex-a57", "cortex-a7", "cortex-a72",
	"cortex-a76", "cortex-a8", "cortex-a9", "cortex-m0", "cortex-m3", "cortex-m33", "cortex-m4",
	"cortex-m55", "cortex-m7", "cortex-r5", "cortex-r5f", "max", "neoverse-n1", "pxa250",
	"pxa255", "pxa260", "pxa261", "pxa262", "pxa270-a0", "pxa270-a1", "pxa270", "pxa270-b0",
	"pxa270-b1", "pxa270-c0", "pxa270-c5", "sa1100", "sa1110", "ti925t", NULL,
};

/* -M virt,help: the lines both releases print, and each one's own */
#define P_ACPI "  acpi=<OnOffAuto>       - Enable ACPI"
#define P_APPEND "  append=<string>        - Linux kernel command line"
#define P_BOOT "  boot=<BootConfiguration> - Boot configuration"
#define P_CGS "  confidential-guest-support=<link<confidential-guest-support>> - Set confidential guest scheme to support"
#define P_BYPASS "  default-bus-bypass-iommu=<bool> - Set on/off to enable/disable bypass_iommu for default root bus"
#define P_DTCOMPAT "  dt-compatible=<string> - Overrides the \"compatible\" property of the dt root node"
#define P_KASLR "  dtb-kaslr-seed=<bool>  - Deprecated synonym of dtb-randomness"
#define P_RANDOM "  dtb-randomness=<bool>  - Set off to disable passing random or non-deterministic dtb nodes to guest"
#define P_DTB "  dtb=<string>           - Linux kernel device tree file"
#define P_CORE "  dump-guest-core=<bool> - Include guest memory in a core dump"
#define P_DUMPDTB "  dumpdtb=<string>       - Dump current dtb to a file and quit"
#define P_FIRMWARE "  firmware=<string>      - Firmware image"
#define P_GIC "  gic-version=<string>   - Set GIC version. Valid values are 2, 3, 4, host and max"
#define P_GRAPHICS "  graphics=<bool>        - Set on/off to enable/disable graphics emulation"
#define P_HIGHMEM "  highmem=<bool>         - Set on/off to enable/disable using physical address space above 32 bits"
#define P_INITRD "  initrd=<string>        - Linux initial ramdisk file"
#define P_IOMMU "  iommu=<string>         - Set the IOMMU type. Valid values are none and smmuv3"
#define P_ITS "  its=<bool>             - Set on/off to enable/disable ITS instantiation"
#define P_KERNEL "  kernel=<string>        - Linux kernel image file"
#define P_MERGE "  mem-merge=<bool>       - Enable/disable memory merge support"
#define P_MEMBACKEND "  memory-backend=<link<memory-backend>> - Set RAM backendValid value is ID of hostmem based backend"
#define P_MEMENC "  memory-encryption=<string> - Set memory encryption object to use"
#define P_MEMORY "  memory=<MemorySizeConfiguration> - Memory size configuration"
#define P_MTE "  mte=<bool>             - Set on/off to enable/disable emulating a guest CPU which implements the ARM Memory Tagging Extension"
#define P_PHANDLE "  phandle-start=<int>    - The first phandle ID we may generate dynamically"
#define P_RAS "  ras=<bool>             - Set on/off to enable/disable reporting host memory errors to a KVM guest using ACPI and guest external abort exceptions"
#define P_SECURE "  secure=<bool>          - Set on/off to enable/disable the ARM Security Extensions (TrustZone)"
#define P_SMP "  smp=<SMPConfiguration> - CPU topology"
#define P_VMDESC "  suppress-vmdesc=<bool> - Set on to disable self-describing migration"
#define P_USB "  usb=<bool>             - Set on/off to enable/disable usb"
#define P_VIRTUALIZATION "  virtualization=<bool>  - Set on/off to enable/disable emulating a guest CPU which implements the ARM Virtualization Extensions"
#define P_OEMID "  x-oem-id=<string>      - Override the default value of field OEMID in ACPI table header.The string may be up to 6 bytes in size"
#define P_OEMTABLE "  x-oem-table-id=<string> - Override the default value of field OEM Table ID in ACPI table header.The string may be up to 8 bytes in size"

static const char *const virt_props_7_2[] = {
	P_ACPI, P_APPEND, P_BOOT, P_CGS, P_BYPASS, P_DTCOMPAT, P_KASLR, P_RANDOM, P_DTB, P_CORE,
	P_DUMPDTB, P_FIRMWARE, P_GIC, P_GRAPHICS, P_HIGHMEM, P_INITRD, P_IOMMU, P_ITS, P_KERNEL,
	P_MERGE, P_MEMBACKEND, P_MEMENC, P_MEMORY, P_MTE, P_PHANDLE, P_RAS, P_SECURE, P_SMP,
	P_VMDESC, P_USB, P_VIRTUALIZATION, P_OEMID, P_OEMTABLE, NULL,
};

const struct qemu_version qemu_7_2 = {
	.name = "7.2",
	.description = "Debian 12's qemu-system-arm 1:7.2+dfsg-7+deb12u18+b3",
	.release = "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)",
	.copyright_years = "2003-2022",
	.newest_virt = 702,
	.oldest_virt = 206,
	.deprecated_below = 0,
	.virt_types = virt_types_7_2,
	.other_machines = other_machines_7_2,
	.unknown_machine_named = false,
	.smp_modern_rules = false,
	.gicv4_tcg_message = false,
	.virt_cpus = virt_cpus_7_2,
	.invalid_cpu_lists_valid = false,
	.cpu_help = cpu_help_7_2,
	.object_types_added = (const char *const[]){ NULL },
	.virt_props_help = virt_props_7_2,
	.unknown_nic_model_skipped = false,
	.gic_v3_above_8_cpus = false,
	.fdt_root_dma_coherent = false,
	.fdt_serial_alias = false,
	.smmuv3_stage_property = false,
	.smmu_nested_from = 0,
	.pci = &pci_hw_qemu_7_2,
	.smmu = &smmu_hw_qemu_7_2,
	.nvme = &nvme_hw_qemu_7_2,
};

/* ---- QEMU 10.0 ---- */

static const int virt_types_10_0[] = {
	1000, 902, 901, 900, 802, 801, 800, 702, 701, 700, 602, 601, 600, 502, 501, 500,
	402, 401, 400, 301, 300, 212, 211, 210, 209, 208, 207, 206, 0,
};

static const char *const other_machines_10_0[] = {
	"ast1030-evb", "ast2500-evb", "ast2600-evb", "ast2700-evb", "ast2700a0-evb",
	"ast2700a1-evb", "b-l475e-iot01a", "bletchley-bmc", "bpim2u", "canon-a1100", "collie",
	"cubieboard", "emcraft-sf2", "fby35-bmc", "fby35", "fp5280g2-bmc", "fuji-bmc",
	"g220a-bmc", "highbank", "imx25-pdk", "imx8mp-evk", "integratorcp", "kudo-bmc", "kzm",
	"lm3s6965evb", "lm3s811evb", "mcimx6ul-evk", "mcimx7d-sabre", "microbit", "midway",
	"mori-bmc", "mps2-an385", "mps2-an386", "mps2-an500", "mps2-an505", "mps2-an511",
	"mps2-an521", "mps3-an524", "mps3-an536", "mps3-an547", "musca-a", "musca-b1",
	"musicpal", "netduino2", "netduinoplus2", "none", "npcm750-evb", "npcm845-evb", "nuri",
	"olimex-stm32-h405", "orangepi-pc", "palmetto-bmc", "qcom-dc-scm-v1-bmc",
	"qcom-firework-bmc", "quanta-gbs-bmc", "quanta-gsj", "quanta-q71l-bmc", "rainier-bmc",
	"raspi0", "raspi1ap", "raspi2b", "raspi3ap", "raspi3b", "raspi4b", "realview-eb",
	"realview-eb-mpcore", "realview-pb-a8", "realview-pbx-a9", "romulus-bmc", "sabrelite",
	"sbsa-ref", "smdkc210", "sonorapass-bmc", "stm32vldiscovery", "supermicro-x11spi-bmc",
	"supermicrox11-bmc", "sx1", "sx1-v1", "tiogapass-bmc", "versatileab", "versatilepb",
	"vexpress-a15", "vexpress-a9", "witherspoon-bmc", "xilinx-zynq-a9", "xlnx-versal-virt",
	"xlnx-zcu102", "yosemitev2-bmc", NULL,
};

/* valid_cpu_types of virt in 10.0, in its order (the "valid models" list) */
static const struct qemu_cpu_model virt_cpus_10_0[] = {
	{ "cortex-a7", "arm,cortex-a7", 0, false },
	{ "cortex-a15", "arm,cortex-a15", 0, false },
	{ "cortex-a35", "arm,cortex-a35", 0x0000000000101122ULL, false },
	{ "cortex-a55", "arm,cortex-a55", 0x0000000000101122ULL, false },
	{ "cortex-a72", "arm,cortex-a72", 0x0000000000001124ULL, false },
	{ "cortex-a76", "arm,cortex-a76", 0x0000000000101122ULL, false },
	{ "cortex-a710", "arm,cortex-a710", 0x0000022200101122ULL, false },
	{ "a64fx", "arm,a64fx", 0x0000000000001122ULL, false },
	{ "neoverse-n1", "arm,neoverse-n1", 0x0000000000101125ULL, false },
	{ "neoverse-v1", "arm,neoverse-v1", 0x0000000000101125ULL, false },
	{ "neoverse-n2", "arm,neoverse-n2", 0x0000022200101125ULL, false },
	{ "cortex-a53", "arm,cortex-a53", 0x0000000000001122ULL, false },
	{ "cortex-a57", "arm,cortex-a57", 0x0000000000001124ULL, false },
	/* 7.2's, and FEAT_FGT and FEAT_ECV in the top byte */
	{ "max", "arm,cortex-a57", 0x2100032310201126ULL, true },
	{ NULL, NULL, 0, false },
};

static const char *const cpu_help_10_0[] = {
	"a64fx", "arm1026", "arm1136", "arm1136-r2", "arm1176", "arm11mpcore", "arm926", "arm946",
	"cortex-a15", "cortex-a35", "cortex-a53", "cortex-a55", "cortex-a57", "cortex-a7",
	"cortex-a710", "cortex-a72", "cortex-a76", "cortex-a8", "cortex-a9", "cortex-m0",
	"cortex-m3", "cortex-m33", "cortex-m4", "cortex-m55", "cortex-m7", "cortex-r5",
	"cortex-r52", "cortex-r5f", "max", "neoverse-n1", "neoverse-n2", "neoverse-v1",
	"pxa250 (deprecated)", "pxa255 (deprecated)", "pxa260 (deprecated)", "pxa261 (deprecated)",
	"pxa262 (deprecated)", "pxa270-a0 (deprecated)", "pxa270-a1 (deprecated)",
	"pxa270 (deprecated)", "pxa270-b0 (deprecated)", "pxa270-b1 (deprecated)",
	"pxa270-c0 (deprecated)", "pxa270-c5 (deprecated)", "sa1100", "sa1110", "ti925t", NULL,
};

static const char *const object_types_added_10_0[] = {
	"acpi-generic-initiator", "acpi-generic-port", "iommufd", "memory-backend-shm", NULL,
};

static const char *const virt_props_10_0[] = {
	P_ACPI, P_APPEND,
	"  aux-ram-share=<bool>",
	P_BOOT,
	"  compact-highmem=<bool> - Set on/off to enable/disable compact layout for high memory regions",
	P_CGS, P_BYPASS, P_DTCOMPAT, P_KASLR, P_RANDOM, P_DTB, P_CORE, P_DUMPDTB, P_FIRMWARE, P_GIC,
	P_GRAPHICS,
	"  highmem-ecam=<bool>    - Set on/off to enable/disable high memory region for PCI ECAM",
	"  highmem-mmio-size=<size> - Set the high memory region size for PCI MMIO",
	"  highmem-mmio=<bool>    - Set on/off to enable/disable high memory region for PCI MMIO",
	"  highmem-redists=<bool> - Set on/off to enable/disable high memory region for GICv3 or GICv4 redistributor",
	P_HIGHMEM, P_INITRD, P_IOMMU, P_ITS, P_KERNEL, P_MERGE, P_MEMBACKEND, P_MEMENC, P_MEMORY,
	P_MTE, P_PHANDLE, P_RAS, P_SECURE,
	"  shim=<string>          - shim.efi file",
	"  smp-cache=<SmpCachePropertiesWrapper> - Cache properties list for SMP machine",
	P_SMP, P_VMDESC, P_USB, P_VIRTUALIZATION, P_OEMID, P_OEMTABLE, NULL,
};

const struct qemu_version qemu_10_0 = {
	.name = "10.0",
	.description = "bookworm-backports' qemu-system-arm 1:10.0.2+ds-2+deb13u1~bpo12+1",
	.release = "10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)",
	.copyright_years = "2003-2025",
	.newest_virt = 1000,
	.oldest_virt = 206,
	.deprecated_below = 701,
	.virt_types = virt_types_10_0,
	.other_machines = other_machines_10_0,
	.unknown_machine_named = true,
	.smp_modern_rules = true,
	.gicv4_tcg_message = true,
	.virt_cpus = virt_cpus_10_0,
	.invalid_cpu_lists_valid = true,
	.cpu_help = cpu_help_10_0,
	.object_types_added = object_types_added_10_0,
	.virt_props_help = virt_props_10_0,
	.unknown_nic_model_skipped = true,
	.gic_v3_above_8_cpus = true,
	.fdt_root_dma_coherent = true,
	.fdt_serial_alias = true,
	.smmuv3_stage_property = true,
	.smmu_nested_from = 902,
	.pci = &pci_hw_qemu_10_0,
	.smmu = &smmu_hw_qemu_10_0,
	.nvme = &nvme_hw_qemu_10_0,
};

static const struct qemu_version *const versions[] = { &qemu_7_2, &qemu_10_0, NULL };

const struct qemu_version *qemu_version_default(void)
{
	return &qemu_7_2;
}

const struct qemu_version *qemu_version_find(const char *name)
{
	for (size_t i = 0; name && versions[i]; i++)
		if (!strcmp(versions[i]->name, name))
			return versions[i];
	return NULL;
}

const struct qemu_version *const *qemu_versions(void)
{
	return versions;
}
