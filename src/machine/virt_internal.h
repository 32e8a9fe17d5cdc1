/* Shared between the virt builder's files: build state and helpers. */
#ifndef IOMMUSIM_MACHINE_VIRT_INTERNAL_H
#define IOMMUSIM_MACHINE_VIRT_INTERNAL_H

#include <stddef.h>
#include "machine/machine.h"
#include "machine/qemu_version.h"

/* QEMU 7.2 virt memory map (hw/arm/virt.c base_memmap/extended_memmap) */
#define VIRT_GIC_DIST_BASE 0x08000000ULL
#define VIRT_GIC_DIST_SIZE 0x10000ULL
#define VIRT_GIC_CPU_BASE 0x08010000ULL
#define VIRT_GIC_CPU_SIZE 0x10000ULL
#define VIRT_GIC_V2M_BASE 0x08020000ULL
#define VIRT_GIC_V2M_SIZE 0x1000ULL
#define VIRT_GIC_ITS_BASE 0x08080000ULL
#define VIRT_GIC_ITS_SIZE 0x20000ULL
#define VIRT_GIC_REDIST_BASE 0x080a0000ULL
#define VIRT_GIC_REDIST_SIZE 0x00f60000ULL
#define VIRT_UART_BASE 0x09000000ULL
#define VIRT_RTC_BASE 0x09010000ULL
#define VIRT_FW_CFG_BASE 0x09020000ULL
#define VIRT_GPIO_BASE 0x09030000ULL
#define VIRT_PLATFORM_BUS_BASE 0x0c000000ULL
#define VIRT_PLATFORM_BUS_SIZE 0x02000000ULL
#define VIRT_PCIE_MMIO_BASE 0x10000000ULL
#define VIRT_PCIE_MMIO_SIZE 0x2eff0000ULL
#define VIRT_PCIE_PIO_BASE 0x3eff0000ULL
#define VIRT_PCIE_PIO_SIZE 0x10000ULL
/* high regions float above RAM, from 256GiB when RAM is small */
#define VIRT_HIGH_PCIE_ECAM_BASE 0x4010000000ULL
#define VIRT_HIGH_PCIE_ECAM_SIZE 0x10000000ULL
#define VIRT_HIGH_PCIE_MMIO_BASE 0x8000000000ULL
#define VIRT_HIGH_PCIE_MMIO_SIZE 0x8000000000ULL
#define VIRT_RAM_BASE 0x40000000ULL

/* a15irqmap: SPI numbers */
#define VIRT_IRQ_UART 1
#define VIRT_IRQ_RTC 2
#define VIRT_IRQ_PCIE 3
#define VIRT_IRQ_GPIO 7
#define VIRT_IRQ_MMIO 16
#define VIRT_IRQ_SMMU 74
#define VIRT_IRQ_GIC_V2M 48		/* first of GICv2m's SPIs */
#define VIRT_GIC_V2M_NR_SPIS 64		/* NUM_GICV2M_SPIS */
#define VIRT_IRQ_PLATFORM_BUS 112

/* QEMU's PCI IDs */
#define PCI_VENDOR_ID_REDHAT 0x1b36
#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_DEVICE_ID_REDHAT_BRIDGE 0x0001
#define PCI_DEVICE_ID_REDHAT_PCIE_HOST 0x0008
#define PCI_DEVICE_ID_REDHAT_PCIE_RP 0x000c
#define PCI_DEVICE_ID_REDHAT_PCIE_BRIDGE 0x000e
#define PCI_SUBDEVICE_ID_QEMU 0x1100
#define PCI_DEVICE_ID_VIRTIO_10_BASE 0x1040

/* PCI_ACS_* capability bits (include/uapi/linux/pci_regs.h) */
#define PCI_ACS_SV 0x0001
#define PCI_ACS_TB 0x0002
#define PCI_ACS_RR 0x0004
#define PCI_ACS_CR 0x0008
#define PCI_ACS_UF 0x0010
#define PCI_ACS_DT 0x0040

#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)
#define PCI_DEVFN(slot, fn) ((((slot) & 0x1f) << 3) | ((fn) & 0x07))

/* A string -> pointer map for ids (open addressing, grows). */
struct idmap {
	size_t cap, n;
	const char **keys;
	void **vals;
};

int idmap_put(struct idmap *m, const char *key, void *val);
void *idmap_get(const struct idmap *m, const char *key);
void idmap_free(struct idmap *m);

/* PCI hardware tree (virt_pci.c) */
struct hw_pci_bus *virt_pci_bus_new(bool express, bool root, const char *id,
				    struct hw_pci_fn *bridge);
void virt_pci_tree_free(struct hw_pci_bus *bus);
struct hw_pci_fn *virt_pci_fn_new(const char *driver, const char *id);
void virt_pci_fn_free(struct hw_pci_fn *fn);
/*
 * Place fn on bus as do_pci_register_device + pci_init_multifunction do:
 * devfn < 0 picks the first free function-0 slot. min_slot is the first slot
 * the bus's hotplug controller accepts (SHPC: 1). 0 or -EINVAL with msg.
 */
int virt_pci_place(struct hw_pci_bus *bus, struct hw_pci_fn *fn, int devfn,
		   const char *name, char *err, size_t errlen);

/* Device tree (virt_fdt.c) */
/*
 * -smp and -cpu with the rules and messages of the machine's QEMU (7.2's
 * or 10.0's machine_parse_smp_config, virt's valid CPU types); 0 or
 * -EINVAL with the message in err. virt_parse_cpu gives the model (its DT
 * compatible, its ID registers) and whether -cpu max,lpa2=off turns LPA2 off. type names the machine type in messages ("virt-7.2").
 */
int virt_parse_smp(const struct qemu_cmdline *cmd, const struct qemu_version *qemu, const char *type,
		   struct virt_cpu_topology *t, char *err, size_t errlen);
int virt_check_max_cpus(const struct virt_cpu_topology *t, int gic_version, char *err, size_t errlen);
int virt_parse_cpu(const struct qemu_cmdline *cmd, const struct qemu_version *qemu,
		   const struct qemu_cpu_model **model, bool *lpa2_off, char *err, size_t errlen);

struct virt_fdt_cfg {
	int gic_version;
	bool its;
	bool smmu;
	u64 ram_size;
	const char *append;
	const struct virt_cpu_topology *cpus;
	const char *cpu_compatible;
	const char *dt_compatible;	/* -M dt-compatible= (NULL: linux,dummy-virt) */
	u32 phandle_start;		/* -M phandle-start= (0: 0x8000) */
	bool no_cpu_map;		/* virt-6.1 and older: no cpu-map, no CPU phandles */
	bool root_dma_coherent;		/* the root node says dma-coherent (QEMU 9.2 on) */
	bool serial_alias;		/* /aliases { serial0 = the UART } (QEMU 9.2 on) */
};

/*
 * The machine type and its properties (virt_options.c): the virt types of
 * the machine's QEMU that iommusim models, with their compat properties.
 */
struct virt_machine_opts {
	const struct qemu_version *qemu;	/* the QEMU whose machine it is */
	const char *type;		/* "virt-7.2", ... as QEMU names the machine class */
	char type_buf[32];
	int version;			/* 702 for virt-7.2 */
	struct machine_compat compat;	/* what the type keeps old (virt_compat.c) */
	int gic;			/* 2 or 3 (finalize_gic_version); 0 until virt_finalize_gic */
	bool its, smmu, translate_all;
	const char *dt_compatible;
	u32 phandle_start;
	u64 ram_size, maxram_size;
	unsigned long long ram_slots;
	const char *gic_unusable;	/* gic-version=4 or host: refused with the board */
	bool mte;			/* mte=on: refused with the board */
};

/* Drives and block nodes (virt_drives.c) */
struct virt_disk {
	int drive;			/* index in cmd->drives, or -1 */
	int node;			/* index in cmd->blockdevs, or -1 */
	const char *file;		/* host path, "null-co://", or NULL: no medium */
	bool readonly;
	bool snapshot;			/* -drive snapshot=on or -snapshot (not -blockdev) */
};
/*
 * The board while it is being built (virt_machine.c): the command line, the
 * machine so far, and what the devices realized so far hold (drives,
 * netdevs, block nodes, ids, root-port chassis slots). Device models see it
 * through the services below (virt_board.c).
 */
struct virt_build {
	const struct qemu_cmdline *cmd;
	struct machine *m;
	char *err;
	size_t errlen;
	struct idmap buses;		/* bus id -> struct hw_pci_bus */
	/* the newest pxb-pcie's root bus (PCI devices without bus= go there) and the bus_nr taken */
	struct hw_pci_bus *pxb_bus;
	u32 pxb_bus_nrs[256 / 32];
	bool msi_nonbroken;		/* the GIC has an MSI controller (ITS or GICv2m) */
	bool *drive_used, *netdev_used;
	char **drive_names;		/* each -drive's name: its id or QEMU's ("virtio0") */
	bool mmio_legacy;		/* -global virtio-mmio.force-legacy */
	u32 *rp_chassis_slot;		/* chassis << 16 | slot of each PCIe slot */
	size_t nrp;
	int *boot_indexes;		/* the bootindex= values taken so far */
	size_t nboot_indexes;
	struct virt_machine_opts mo;	/* the machine type and its properties */
	const char **dev_ids;		/* ids of the devices created so far */
	size_t ndev_ids;
	unsigned anon_devices;		/* -device without id, for QOM paths in messages */
	char **node_users;		/* per -blockdev: the QOM path of the device using it */
	char qom_path[128];		/* the device being added */
	char where[1024];		/* "-device ...: " prefix for messages */
	char nic_vectors[24];		/* the machine-made NIC being added: its NICInfo's vectors, "" default */
	unsigned mac_index;		/* qemu_macaddr_default_if_unset()'s count of MACs handed out */
};

struct qdev;
/* QEMU's message for the device being added ("-device ...: " first): -EINVAL. */
int virt_fail(struct virt_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The PCI bus a device's bus= names (pcie.0 when none), or NULL with the message set. */
struct hw_pci_bus *virt_pci_bus_of(struct virt_build *b, const struct qdev *d);
/*
 * Register fn on bus at the device's addr= (first free slot when -1), as
 * do_pci_register_device does: 0, or -EINVAL with QEMU's message (fn is
 * then the caller's to free).
 */
int virt_pci_plug(struct virt_build *b, struct hw_pci_bus *bus, struct hw_pci_fn *fn,
		  const struct qdev *d);
/* Take fn off its bus again and free it (a realize step after registration failed). */
void virt_pci_unplug(struct hw_pci_fn *fn);
/* A bridge's secondary bus, named after the bridge's id (bus=ID finds it): 0 or -ENOMEM. */
int virt_pci_bridge_bus(struct virt_build *b, struct hw_pci_fn *fn, bool express);
/* pcie_chassis_add_slot(): 0, or -EBUSY when chassis/slot is taken. -ENOMEM. */
int virt_pcie_chassis_add_slot(struct virt_build *b, unsigned chassis, unsigned slot);
/*
 * drive=NAME of a device of type owner: the disk, marked in use. 0, or
 * -EINVAL with QEMU's message (not found, in use, permission conflict).
 */
int virt_claim_drive(struct virt_build *b, const char *owner, const char *name,
		     struct virt_disk *disk);
/* netdev=ID of a device of type owner, marked in use: 0 or -EINVAL with the message. */
int virt_claim_netdev(struct virt_build *b, const char *owner, const char *id);
/* A link<T> property's target: 0, or -EINVAL ("Device 'x' not found", wrong type). */
int virt_check_link(struct virt_build *b, const char *prop, const char *link_type, const char *id);

/*
 * QEMU's checks when it creates -blockdev nodes and -drive drives: 0 or
 * -EINVAL. names (cmd->ndrives entries, malloc'd strings the caller frees)
 * gets each drive's name: its id, or the one QEMU makes ("virtio0").
 */
int virt_drives_check(const struct qemu_cmdline *cmd, char **names, char *err, size_t errlen);
/* A -blockdev's members as QEMU's QAPI visitor checks them when the option is read. */
int virt_blockdev_syntax(const struct qemu_optlist *blockdev, char *msg, size_t msglen);
/* drive_check_orphans(): a drive on an interface virt has no bus for (if=ide, floppy...). */
int virt_drives_check_orphans(const struct qemu_cmdline *cmd, char *err, size_t errlen);
/* Whether a -drive plugs a virtio-blk-pci of its own (if=virtio, virt's default). */
bool virt_drive_is_virtio(const struct qemu_optlist *drive);
/* What drive=NAME names: a -drive id, else a -blockdev node-name. 0 or -ENOENT. */
int virt_drive_resolve(const struct qemu_cmdline *cmd, char *const *names, const char *name,
		       struct virt_disk *out);

/*
 * The machine type (and its compat), then its properties, -m and the
 * memory backend: 0 or -EINVAL with QEMU's message.
 */
int virt_select_machine(const struct qemu_cmdline *cmd, struct virt_machine_opts *o,
			char *err, size_t errlen);
int virt_parse_machine_opts(const struct qemu_cmdline *cmd, struct virt_machine_opts *o,
			    char *err, size_t errlen);
/*
 * finalize_gic_version() once -smp is known: gic-version unset on TCG is
 * GICv2, or GICv3 on a QEMU that picks it for more than 8 CPUs; and the
 * ITS that old machine types never build under TCG.
 */
void virt_finalize_gic(struct virt_machine_opts *o, const struct virt_cpu_topology *smp);
/* The compat properties of virt-X.Y (version X * 100 + Y): virt_compat.c */
void virt_compat_of(int version, struct machine_compat *c);
/*
 * virt's SMMUv3 as create_smmu() makes it: its -global properties checked
 * as the machine's QEMU has them, then the stage the machine type leaves
 * (b->m->smmu_stage). 0 or -EINVAL with QEMU's message. virt_smmu.c
 */
int virt_smmu_configure(struct virt_build *b);
int virt_parse_memory(const struct qemu_cmdline *cmd, struct virt_machine_opts *o,
		      char *err, size_t errlen);
/* The checks of the board's init: memory backend, memory map, GIC, MTE, kernel. */
int virt_check_board(const struct qemu_cmdline *cmd, struct virt_machine_opts *o, char *err, size_t errlen);
int virt_fdt_build(const struct virt_fdt_cfg *cfg, void **fdt, size_t *size);

#endif
