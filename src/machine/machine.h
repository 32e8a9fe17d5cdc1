/*
 * A built machine: its device tree (a flattened blob made with libfdt, the only
 * thing the kernel side reads firmware from), and the hardware behind it.
 */
#ifndef IOMMUSIM_MACHINE_MACHINE_H
#define IOMMUSIM_MACHINE_MACHINE_H

#include <stdio.h>
#include "base/bits.h"
#include "machine/hw_pci.h"
#include "machine/qemu_cmdline.h"
#include "hw/gic.h"

#define VIRT_MMIO_TRANSPORTS 32
#define VIRT_MMIO_BASE 0x0a000000ULL
#define VIRT_MMIO_STRIDE 0x200ULL
#define VIRT_SMMU_BASE 0x09050000ULL
#define VIRT_SMMU_SIZE 0x20000ULL

struct qemu_version;

struct machine {
	const struct qemu_version *qemu;	/* the QEMU that built it (hardware only) */
	int virt_version;		/* its virt machine type, X * 100 + Y (0: a user DT) */
	void *fdt;			/* flattened device tree (malloc'd) */
	size_t fdt_size;
	u64 ram_base, ram_size;
	int gic_version;		/* 2 or 3 (virt); 0 for a user DT */
	struct hw_gic_cfg gic;		/* its MSI frame (ITS, GICv2m, or none) */
	bool has_smmu;
	/*
	 * The translation stages of virt's SMMUv3 (arm-smmuv3's stage property
	 * as the machine type leaves it: "1", "2" or "nested")
	 */
	enum machine_smmu_stage { SMMU_STAGE_1, SMMU_STAGE_2, SMMU_STAGE_NESTED } smmu_stage;
	/* -smp: the vCPUs (the DT's /cpus); devices size their queues by them */
	struct virt_cpu_topology {
		unsigned cpus, max_cpus, sockets, clusters, cores, threads;
	} smp;
	const char *append;		/* kernel command line ("" when none) */
	struct hw_pci_bus *pci_root;	/* NULL when the machine has no PCIe host */
	/* virt's virtio-mmio transports, index 0 at VIRT_MMIO_BASE; NULL when empty */
	struct hw_virtio *mmio[VIRT_MMIO_TRANSPORTS];
	/* iommusim's own machine options (-M virt,x-smmu-translate-all=on ...) */
	bool smmu_translate_all;	/* device DMA never bypasses the vIOMMU (seed 003 platform) */
};

/*
 * Build QEMU's virt machine from a parsed command line. Every -device driver
 * and property not modelled is an error naming it: returns -EINVAL with the
 * message in err and leaves *m zeroed.
 */
int virt_machine_build(const struct qemu_cmdline *cmd, struct machine *m,
		       char *err, size_t errlen);
/* A machine from a user's flattened DT (no PCI hardware model). */
int dtb_machine_build(const void *fdt, size_t size, const char *append,
		      struct machine *m, char *err, size_t errlen);
/*
 * QEMU's -dtb on a board: the hardware stays, the kernel gets the user's DT.
 * 0, or -EINVAL (a blob libfdt cannot walk; message in err) and m unchanged.
 */
int machine_replace_dtb(struct machine *m, const void *fdt, size_t size, char *err, size_t errlen);
void machine_free(struct machine *m);

/* Print the DT in dtc's source format (runs dtc -I dtb -O dts). 0 or -errno. */
int machine_dump_dts(const struct machine *m, FILE *out);

#endif
