/*
 * The QEMU releases the model's hardware answers as (--qemu). Each one is
 * data: its virt machine types and what changes with them (the versioned
 * types' compat properties are in virt_compat.c), what its command line
 * prints and refuses differently, and what its device models do differently,
 * read by the hardware from the machine it realizes (a field per behaviour,
 * named by the behaviour). The kernel side never sees which QEMU it runs on:
 * only registers, config space and the DT tell it.
 */
#ifndef IOMMUSIM_MACHINE_QEMU_VERSION_H
#define IOMMUSIM_MACHINE_QEMU_VERSION_H

#include <stdbool.h>
#include "base/bits.h"

struct pci_hw_version;
struct smmu_hw_version;
struct nvme_hw_version;

/*
 * One virt CPU model: -cpu NAME, the compatible its DT node gets, and the
 * reset value of the ID registers the kernel reads to size its memory
 * layout (read from each release's vCPU through its gdbstub; 0 for the
 * AArch32-only models, which have no AArch64 ID registers).
 */
struct qemu_cpu_model {
	const char *name, *compatible;
	u64 id_aa64mmfr0;		/* ID_AA64MMFR0_EL1: PARange, the granules (TGRAN4 = 1: 52-bit with 4K) */
	bool lpa2_property;		/* has the "lpa2" property (max): hw_compat_6_2 turns it off */
};

struct qemu_version {
	const char *name;		/* "7.2", as --qemu names it */
	const char *description;	/* which build it is */
	const char *release;		/* the full release, as -version prints it ("7.2.22") */
	const char *copyright_years;	/* -version's "Copyright (c) 2003-YYYY" */

	/* ---- the virt machine types (X * 100 + Y) ---- */
	int newest_virt;		/* plain "virt" is this virt-X.Y */
	int oldest_virt;		/* the oldest virt-X.Y it has (-M help) */
	/* -M help marks the types older than this "(deprecated)" (0: none) */
	int deprecated_below;
	/* the types between newest and oldest it has (-M help lists them), newest first, 0-ended */
	const int *virt_types;
	/* the other machines of its qemu-system-aarch64 (-M help), NULL-ended */
	const char *const *other_machines;

	/* ---- what its command line says ---- */
	/* "unsupported machine type: \"NAME\"" (10.0) rather than without the name (7.2) */
	bool unknown_machine_named;
	/*
	 * -smp as 9.0's machine_parse_smp_config() reads it: drawers=, books=
	 * and modules= exist (refused above 1 on virt), an explicit 0 is
	 * refused; "dies > 1 not supported" (7.2: 0 is "not given", and
	 * "dies not supported")
	 */
	bool smp_modern_rules;
	/* gic-version=4 on TCG: "tcg does not support GICv4 emulation, ..." (9.x) */
	bool gicv4_tcg_message;
	/* the -cpu models virt takes, in QEMU's valid_cpu_types order */
	const struct qemu_cpu_model *virt_cpus;
	/*
	 * -cpu of another Arm model: "Invalid CPU model: X" with the valid
	 * list (9.1's machine_class_valid_cpu_type) rather than 7.2's
	 * "mach-virt: CPU type X-arm-cpu not supported"
	 */
	bool invalid_cpu_lists_valid;
	/* every Arm model -cpu help lists, one line each, as printed */
	const char *const *cpu_help;
	/* the -object types it has beyond 7.2's (qemu_opt_handlers.c lists those), NULL-ended */
	const char *const *object_types_added;
	/* -M virt,help's property lines, alphabetical */
	const char *const *virt_props_help;

	/*
	 * -nic/-net nic with a model no PCI NIC has: 9.x only warns ("requested
	 * NIC ... was not created") and boots without it; 7.2 stops with
	 * "Unsupported NIC model: X"
	 */
	bool unknown_nic_model_skipped;

	/* ---- the board ---- */
	/* gic-version unset on TCG: GICv3 when more than 8 CPUs may come up (9.x), else GICv2 */
	bool gic_v3_above_8_cpus;
	/* the DT's root has dma-coherent (create_fdt, 9.2) */
	bool fdt_root_dma_coherent;
	/* the DT has /aliases with serial0 = the UART (create_uart, 9.2) */
	bool fdt_serial_alias;
	/* arm-smmuv3 has the "stage" property ("1", "2", "nested"; 8.1 on) */
	bool smmuv3_stage_property;
	/* virt-X.Y from which virt's own SMMUv3 is forced to stage=nested (0: never) */
	int smmu_nested_from;

	/* what its device models do differently, one struct per area, owned by the area */
	const struct pci_hw_version *pci;	/* src/hw/pci_hw_version.h */
	const struct smmu_hw_version *smmu;	/* src/hw/smmuv3/smmu_hw_version.h */
	const struct nvme_hw_version *nvme;	/* src/hw/nvme_hw_version.h */
};

extern const struct qemu_version qemu_7_2, qemu_10_0;

/* QEMU 7.2, the reference */
const struct qemu_version *qemu_version_default(void);
/* The QEMU --qemu NAME names ("7.2", "10.0"), or NULL. */
const struct qemu_version *qemu_version_find(const char *name);
/* Every modelled QEMU, oldest first, NULL-terminated. */
const struct qemu_version *const *qemu_versions(void);

#endif
