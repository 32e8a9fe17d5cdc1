/*
 * The QEMU releases the model's hardware answers as (--qemu). Each one is
 * data: its newest virt machine type, the versioned types it has with their
 * compat properties (virt_options.c), and what its device models do
 * differently, read by the hardware from the machine it realizes (a field
 * per behaviour, named by the behaviour). The kernel side never sees which
 * QEMU it runs on: only registers, config space and the DT tell it.
 */
#ifndef IOMMUSIM_MACHINE_QEMU_VERSION_H
#define IOMMUSIM_MACHINE_QEMU_VERSION_H

#include <stdbool.h>

struct pci_hw_version;
struct smmu_hw_version;

struct qemu_version {
	const char *name;		/* "7.2", as --qemu names it */
	const char *description;	/* which build it is */
	int newest_virt;		/* plain "virt" is this virt-X.Y (X * 100 + Y) */
	/* what its device models do differently, one struct per area, owned by the area */
	const struct pci_hw_version *pci;	/* src/hw/pci_hw_version.h */
	const struct smmu_hw_version *smmu;	/* src/hw/smmuv3/smmu_hw_version.h */
};

extern const struct qemu_version qemu_7_2, qemu_10_0;

/* QEMU 7.2, the reference */
const struct qemu_version *qemu_version_default(void);
/* The QEMU --qemu NAME names ("7.2", "10.0"), or NULL. */
const struct qemu_version *qemu_version_find(const char *name);
/* Every modelled QEMU, oldest first, NULL-terminated. */
const struct qemu_version *const *qemu_versions(void);

#endif
