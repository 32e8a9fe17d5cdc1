/*
 * libiommusim: an executable model of the Linux 6.1 IOMMU and DMA stack on
 * an Arm SMMUv3 machine. Boot a machine from a QEMU command line (or a DT),
 * then ask it what Linux would answer: groups, drivers, sysfs, dmesg.
 */
#ifndef IOMMUSIM_IOMMUSIM_H
#define IOMMUSIM_IOMMUSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct iommusim;

struct iommusim_options {
	const char *dtb_path;		/* boot this DT instead of building virt (or NULL) */
	const char *dts_path;		/* same, compiled with dtc first */
	const char *const *init_modules;	/* NULL: the reference init's modules */
	/*
	 * The kernel's configuration options to change, as iommusim's --kconfig
	 * takes them: NULL-terminated, each "NAME=VALUE[,NAME=VALUE...]", applied
	 * in order (a later one wins). NULL: the reference kernel as built.
	 * iommusim_kconfig_help() lists the options that can be set.
	 */
	const char *const *kconfig;
	/*
	 * Which Linux answers ("6.1", "7.3") and on which QEMU ("7.2", "10.0"):
	 * NULL for the reference, Linux 6.1 on QEMU 7.2. Any pairing boots.
	 * iommusim_versions() lists them.
	 */
	const char *linux_version;
	const char *qemu_version;
	/*
	 * Hardware and firmware beyond QEMU's (iommusim-only, so that 7.3's
	 * vIOMMU path can be exercised: its IOMMU_VIOMMU_ALLOC needs one of them,
	 * and QEMU 10.0 offers neither). smmu_s2fwb: the SMMU implements
	 * IDR3.FWB (stage 2 can force write-back; 7.3 then sets
	 * ARM_SMMU_FEAT_S2FWB and the nest parent's STEs set S2FWB); only an
	 * SMMU with stage 2 shows it. pci_rc_canwbs: the firmware marks the PCI
	 * root complexes CANWBS (IORT's memory-access flags on real machines;
	 * here a property on the DT's PCIe host bridge), so every PCI master's
	 * fwspec has IOMMU_FWSPEC_PCI_RC_CANWBS and 7.3's arm-smmu-v3 reports
	 * IOMMU_CAP_ENFORCE_CACHE_COHERENCY (6.1 never reads it).
	 */
	bool smmu_s2fwb;
	bool pci_rc_canwbs;
};

/*
 * The kernels and QEMUs iommusim answers as, one a line ("linux 6.1: ...",
 * "qemu 7.2: ...", the reference first of each).
 */
void iommusim_versions(FILE *out);

/*
 * Build the machine from QEMU-style arguments ("-M", "virt,iommu=smmuv3",
 * "-device", ...) and boot it. NULL with a message naming the bad input in
 * err (nothing is half-built).
 */
struct iommusim *iommusim_boot(int argc, char **argv, const struct iommusim_options *opts,
			       char *err, size_t errlen);
void iommusim_free(struct iommusim *sim);

/**
 * iommusim_kconfig_help - list the kernel options iommusim_options.kconfig
 *	can set, each with its value and what it changes in the model
 * @kconfig: settings to apply first, as in iommusim_options (or NULL): the
 *	values printed are those a boot with them would use
 * @out: where the list goes
 * @err: the reason on error
 *
 * returns:
 *	0, on success
 *	-EINVAL, a setting is malformed, unknown, not settable (the model has
 *		no answers for another value), a bad or out-of-range value, or
 *		conflicts with another of its string (err lists the options)
 */
int iommusim_kconfig_help(const char *const *kconfig, FILE *out, char *err, size_t errlen);
/*
 * The same for the kernel opts->linux_version names, with opts->kconfig
 * applied first; -EINVAL also for a version iommusim does not model.
 */
int iommusim_kconfig_help_for(const struct iommusim_options *opts, FILE *out, char *err, size_t errlen);

/* The DT the machine was booted with, in dtc's source format. 0 or -errno. */
int iommusim_dump_dts(struct iommusim *sim, FILE *out);

/*
 * When QEMU arguments ask QEMU for information instead of a machine (-help,
 * -version, -machine help, -machine virt,help, -accel help, -object help),
 * print what QEMU prints to out and return 1 (QEMU exits 0 there); 0 when
 * they do not; -EINVAL with QEMU's message in err when they do not parse.
 */
int iommusim_qemu_info(int argc, char **argv, FILE *out, char *err, size_t errlen);
/*
 * The same as the QEMU opts->qemu_version names answers (NULL opts or
 * version: the reference, QEMU 7.2): its -version, -M help, -M virt,help,
 * -cpu help. -EINVAL with the message in err for a QEMU iommusim does not
 * model.
 */
int iommusim_qemu_info_opts(int argc, char **argv, const struct iommusim_options *opts, FILE *out,
			    char *err, size_t errlen);
/*
 * The QEMU options the machine was booted from, in order, each with what
 * iommusim did with it: "modelled" or "no effect on the answers".
 */
void iommusim_print_cmdline(struct iommusim *sim, FILE *out);

/*
 * Run one script line (echo/cat/ls/readlink/dmesg/sleep/modprobe/rmmod ...),
 * printing to out what the reference guest's shell (busybox 1.35) prints.
 * Returns 0, or the failing command's errno (negative); errors are printed
 * as that shell prints them.
 */
int iommusim_run_line(struct iommusim *sim, const char *line, FILE *out);
/*
 * Every line of a script (a quoted string or a backslash-newline carries a
 * command over lines); returns the number of failed commands. A syntax error
 * ends the script, as it ends sh.
 */
int iommusim_run_script(struct iommusim *sim, FILE *in, FILE *out);

/* The boot summary: groups then every PCI function, as text or JSON. */
void iommusim_print_summary(struct iommusim *sim, FILE *out, bool json);
/* The topology as a Graphviz digraph: buses, bridges, StreamIDs, groups and their domains. */
void iommusim_print_dot(struct iommusim *sim, FILE *out);
/* The kernel log with its virtual timestamps. */
void iommusim_dmesg(struct iommusim *sim, FILE *out);

/*
 * Counters since boot, for whoever checks which path a DMA took: read them
 * before and after and compare. The same numbers as the debugfs files
 * /sys/kernel/debug/iommusim/smmu and /sys/kernel/debug/iommusim/dma/DEVICE.
 */
struct iommusim_smmu_counters {
	/* the SMMU hardware */
	uint64_t translations;		/* one per page of every DMA through it */
	uint64_t tlb_hits, tlb_misses;
	uint64_t tlb_invalidations;	/* TLBI commands consumed */
	uint64_t tlb_entries_dropped;	/* TLB entries they removed */
	uint64_t cfg_hits, cfg_misses;	/* STE/CD configuration cache */
	uint64_t cfg_invalidations;	/* CFGI commands consumed */
	uint64_t walks, ptw_reads;	/* page-table walks, descriptors read */
	uint64_t cmds, cmd_syncs, cmdq_errors;
	uint64_t events, events_lost;	/* EVTQ records written, dropped */
	uint64_t faults;		/* translations that failed */
	/* the arm-smmu-v3 driver (0 while it has not probed) */
	uint64_t driver_tlbi, driver_cfgi, driver_syncs, driver_ste_syncs, driver_cd_writes;
	uint64_t driver_events;		/* EVTQ records it drained */
};

/**
 * iommusim_smmu_counters - read the SMMU's counters
 * @sim: a booted machine
 * @c: filled in on success, left alone on error
 *
 * returns:
 *	0, on success
 *	-EINVAL, sim or c is NULL
 *	-ENODEV, the machine has no SMMU (-M virt without iommu=smmuv3, or a
 *		device tree without one)
 */
int iommusim_smmu_counters(struct iommusim *sim, struct iommusim_smmu_counters *c);

struct iommusim_dma_counters {
	uint64_t maps;			/* dma_map_page() calls that mapped */
	uint64_t unmaps;		/* dma_unmap_page() and dma_unmap_sg() calls */
	uint64_t map_errors;		/* map calls (page or sg) that failed */
	uint64_t unmap_errors;		/* unmaps of what the device never mapped */
	uint64_t sg_maps;		/* dma_map_sg() calls that mapped */
	uint64_t sg_segments_in, sg_segments_out;	/* their segments, before and after merging */
	uint64_t allocs, frees;		/* dma_alloc_coherent/dma_free_coherent */
	uint64_t syncs;			/* dma_sync_* calls */
	uint64_t bounces, bounce_bytes;	/* swiotlb copies and the bytes they moved */
	uint64_t iova_cache_hits, iova_cache_misses;
	uint64_t invalidations;		/* IOTLB invalidations the device's unmaps caused */
	uint64_t fq_flushes;		/* flush-queue flushes (DMA-FQ domains) */
};

/**
 * iommusim_dma_counters - read one device's DMA API counters
 * @sim: a booted machine
 * @dev: the device's name as sysfs spells it ("0000:00:01.0",
 *	"a003e00.virtio_mmio"); the DMA API is called on the transport's
 *	device, not on virtioN
 * @c: filled in on success (all 0 for a device that never used the DMA
 *	API), left alone on error
 *
 * returns:
 *	0, on success
 *	-EINVAL, sim, dev or c is NULL
 *	-ENOENT, no device of that name (or it was removed)
 */
int iommusim_dma_counters(struct iommusim *sim, const char *dev, struct iommusim_dma_counters *c);

/**
 * iommusim_pci_config_read - read a PCI function's config space, as root
 *	reads it (setpci, or pread() of /sys/bus/pci/devices/D/config)
 * @sim: a booted machine
 * @dev: the function's name as sysfs spells it ("0000:01:00.0")
 * @offset: the register's offset, aligned to size
 * @size: 1, 2 or 4 bytes
 * @val: filled in on success, left alone on error
 *
 * The hardware's registers, not the kernel's idea of them: the function's
 * whole config space as its QEMU 7.2 type lays it out (IDs, capability
 * lists, MSI-X's Message Control, ACS control...), with what the kernel
 * wrote there (a bridge's bus numbers PCI_PRIMARY_BUS 0x18,
 * PCI_SECONDARY_BUS 0x19, PCI_SUBORDINATE_BUS 0x1a, the command register)
 * or iommusim_pci_config_write() since.
 *
 * returns:
 *	0, on success
 *	-EINVAL, sim, dev or val is NULL, a size other than 1, 2 or 4, an
 *		unaligned offset or one beyond the function's config space
 *		(255 for a conventional function, 4095 for PCIe)
 *	-ENOENT, no PCI function of that name (or it was removed)
 */
int iommusim_pci_config_read(struct iommusim *sim, const char *dev, unsigned offset, unsigned size,
			     uint32_t *val);

/**
 * iommusim_pci_config_write - write a PCI function's config space behind
 *	the kernel's back, as root can (setpci, or pwrite() of
 *	/sys/bus/pci/devices/D/config)
 * @sim: a booted machine
 * @dev: the function's name as sysfs spells it ("0000:01:00.0")
 * @offset: the register's offset, aligned to size
 * @size: 1, 2 or 4 bytes
 * @val: the value
 *
 * The kernel's view is not updated, as on Linux: rewriting a bridge's
 * secondary bus number changes the requester ID the hardware gives the DMA
 * of every function behind a PCIe-to-PCI bridge (or of a conventional
 * bridge's own), while the IOMMU keeps the StreamIDs the kernel predicted;
 * the SMMU then reports the DMA (C_BAD_STREAMID, or a fault in another
 * group's domain).
 *
 * The write lands as on QEMU: only the register's writable bits change
 * (a read-only register keeps its value, and the call still returns 0),
 * write-1-to-clear status bits clear.
 *
 * returns:
 *	0, on success
 *	-EINVAL, sim or dev is NULL, a size other than 1, 2 or 4, an
 *		unaligned offset or one beyond the function's config space
 *		(nothing is written)
 *	-ENOENT, no PCI function of that name (or it was removed)
 */
int iommusim_pci_config_write(struct iommusim *sim, const char *dev, unsigned offset, unsigned size,
			      uint32_t val);

/**
 * iommusim_pci_requester_id - the requester ID a PCI function's DMA carries
 *	when it reaches the host bridge, as the hardware forms it (QEMU's
 *	pci_requester_id(): bridges and their bus-number registers decide),
 *	and the SMMU StreamID the host's wiring turns it into
 * @sim: a booted machine
 * @dev: the function's name as sysfs spells it ("0000:02:01.0")
 * @rid: filled in on success, left alone on error
 * @sid: filled in on success when the machine has an SMMU (may be NULL)
 *
 * returns:
 *	0, on success
 *	-EINVAL, sim, dev or rid is NULL
 *	-ENOENT, no PCI function of that name (or it was removed)
 *	-ENODEV, sid was asked for and the machine has no SMMU (*rid is set)
 */
int iommusim_pci_requester_id(struct iommusim *sim, const char *dev, uint16_t *rid, uint32_t *sid);

#endif
