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
struct qemu_cpu_model;

/*
 * The compat properties of the machine type: what QEMU's hw_compat_X_Y
 * arrays (and virt_machine_X_Y_options) set on the devices of virt-X.Y and
 * older types, measured on QEMU 10.0 (info qtree per machine type). Each is
 * true when the machine keeps the older behaviour; they depend on the
 * machine type alone. A device model reads them beside its release's own
 * behaviour (m->qemu->pci ...): a behaviour its QEMU does not have at all
 * (QEMU 7.2 has no Extended Tag, whatever the type) stays off.
 */
struct machine_compat {
	/* PCIe functions' DevCap Extended Tag Field off: x-pcie-ext-tag=false (virt-9.1 and older) */
	bool pcie_no_ext_tag;
	/* AER Uncorrectable Error Mask resets to 0: x-pcie-err-unc-mask=off (virt-7.2 and older) */
	bool pcie_no_err_unc_mask;
	/* the ARI capability's Next Function is 1: x-pcie-ari-nextfn-1=on (virt-8.0 and older) */
	bool pcie_ari_nextfn_1;
	/* PCIe bridges' Slot Implemented bit writable: x-pci-express-writeable-slt-bug (virt-8.1 and older) */
	bool pcie_writeable_slt_bug;
	/* virtio-net offers no USO: host_uso, guest_uso4, guest_uso6=off (virt-8.0 and older) */
	bool virtio_net_no_uso;
	/* virtio devices without VIRTIO_F_RING_RESET: queue_reset=off (virt-7.1 and older) */
	bool virtio_no_queue_reset;
	/* virtio-rng-pci without MSI-X: vectors=0 (virt-7.1 and older) */
	bool virtio_rng_pci_no_vectors;
	/* GICv3 CPU interface with 5 priority bits: force-8-bit-prio=off (virt-7.0 and older) */
	bool gicv3_no_8bit_prio;
	/* no /cpus/cpu-map and no CPU phandles in the DT: no_cpu_topology (virt-6.1 and older) */
	bool no_cpu_map;
	/* no ITS under TCG (no_tcg_its: virt-6.1 and older) */
	bool no_tcg_its;
	/* e1000's VET register resets to 0: init-vet=off (virt-6.0 and older) */
	bool e1000_no_init_vet;
	/* gpex drops accesses outside its windows: allow-unmapped-accesses=off (virt-6.0 and older) */
	bool gpex_no_unmapped_accesses;
	/* the max CPU without FEAT_LPA2: lpa2=false (hw_compat_6_2: virt-6.2 and older) */
	bool cpu_no_lpa2;
};

struct machine {
	const struct qemu_version *qemu;	/* the QEMU that built it (hardware only) */
	int virt_version;		/* its virt machine type, X * 100 + Y (0: a user DT) */
	struct machine_compat compat;	/* what the machine type's compat properties keep old */
	void *fdt;			/* flattened device tree (malloc'd) */
	size_t fdt_size;
	u64 ram_base, ram_size;
	int gic_version;		/* 2 or 3 (virt); 0 for a user DT */
	struct hw_gic_cfg gic;		/* its MSI frame (ITS, GICv2m, or none) */
	bool has_smmu;
	/*
	 * The translation stages of virt's SMMUv3 (arm-smmuv3's stage property
	 * as -global and the machine type leave it: "2" and "nested" are
	 * themselves, anything else stage 1; QEMU 7.2 has no such property, and
	 * virt-9.2 and newer force "nested": virt_smmu.c)
	 */
	enum machine_smmu_stage { SMMU_STAGE_1, SMMU_STAGE_2, SMMU_STAGE_NESTED } smmu_stage;
	/* -cpu: the vCPUs' model (hw/cpu.h realizes its ID registers); NULL for a user DT */
	const struct qemu_cpu_model *cpu;
	bool cpu_lpa2_off;		/* -cpu max,lpa2=off */
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
	/*
	 * iommusim's options beyond QEMU (iommusim_options, machine_x_options.c):
	 * an SMMU with IDR3.FWB (shown when it has stage 2), and PCI root
	 * complexes the firmware marks CANWBS (a property of the DT's host bridge)
	 */
	bool smmu_s2fwb;
	bool pci_rc_canwbs;
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
/*
 * iommusim's hardware and firmware options beyond QEMU on a built machine:
 * smmu_s2fwb for the SMMU realized at boot; pci_rc_canwbs puts the
 * property MACHINE_PCI_RC_CANWBS_PROP on every PCIe host bridge node of
 * the DT. 0 or -ENOMEM (m unchanged).
 */
#define MACHINE_PCI_RC_CANWBS_PROP "iommusim,pci-rc-canwbs"
int machine_set_x_options(struct machine *m, bool smmu_s2fwb, bool pci_rc_canwbs);

/* Print the DT in dtc's source format (runs dtc -I dtb -O dts). 0 or -errno. */
int machine_dump_dts(const struct machine *m, FILE *out);

#endif
