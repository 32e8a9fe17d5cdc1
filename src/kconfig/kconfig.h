/*
 * The configuration of the kernel the model reproduces, written down once per
 * kernel version as data (linux_6_1.c: Debian 12's 6.1 arm64 cloud kernel):
 * the Kconfig options the model's behaviour depends on, the drivers it has
 * and whether each is built in, a module or absent, the modules the reference
 * guest can load (modules.dep, their sizes and users as lsmod shows them) and
 * modules.builtin. A booted kernel reaches its configuration through
 * k->config; nothing else in the model says what the kernel was built with.
 *
 * A second version (issue 12: Linux 7.3) is a second table of the same shape,
 * e.g. VIRTIO_PCI=y there: the same code then registers virtio-pci at boot.
 */
#ifndef IOMMUSIM_KCONFIG_KCONFIG_H
#define IOMMUSIM_KCONFIG_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct kernel;

/*
 * Every option the model knows, with its kind. A table gives each one a value
 * (the unit tests check that none is left out, and compare the 6.1 table with
 * Debian's real config when the oracle's cache has it).
 */
#define KCONFIG_SYMBOLS(X)                                                                          \
	/* arch/arm64, mm */                                                                        \
	X(ARM64_PAGE_SHIFT, INT)		/* the model is built for 4K pages only */          \
	X(ARCH_FORCE_MAX_ORDER, INT)		/* the buddy allocator's orders */                  \
	X(ZONE_DMA, BOOL)                                                                          \
	X(ZONE_DMA32, BOOL)                                                                        \
	X(TRANSPARENT_HUGEPAGE, BOOL)		/* caps iommufd's IOVA alignment at HPAGE_SIZE */   \
	/* block: the default elevator of a single-queue disk (a module the guest lacks: none) */  \
	X(MQ_IOSCHED_DEADLINE, TRISTATE)                                                           \
	/* kernel/dma */                                                                           \
	X(SWIOTLB, BOOL)			/* selected by arm64 */                             \
	X(DMA_CMA, BOOL)                                                                           \
	X(CMA_SIZE_MBYTES, INT)			/* the default CMA area (cma= overrides it) */      \
	X(CMA_ALIGNMENT, INT)			/* largest CMA alignment, as a page order */        \
	/* drivers/iommu */                                                                        \
	X(IOMMU_DMA, BOOL)			/* selected by arm64 with IOMMU_SUPPORT */          \
	X(IOMMU_DEFAULT_DMA_STRICT, BOOL)	/* the default domain choice: one of three */      \
	X(IOMMU_DEFAULT_DMA_LAZY, BOOL)                                                            \
	X(IOMMU_DEFAULT_PASSTHROUGH, BOOL)                                                         \
	X(IOMMUFD, TRISTATE)			/* no such symbol before 6.2 */                     \
	X(ARM_SMMU_V3, TRISTATE)                                                                   \
	X(ARM_SMMU_V3_SVA, BOOL)                                                                   \
	X(ARM_SMMU_V3_IOMMUFD, BOOL)		/* depends on IOMMUFD: vIOMMU, nested domains */    \
	/* arm-smmu (v2) only: its disable_bypass default. arm-smmu-v3's is true in its source. */ \
	X(ARM_SMMU_DISABLE_BYPASS_BY_DEFAULT, BOOL)                                                \
	/* drivers/pci */                                                                          \
	X(PCI_HOST_GENERIC, TRISTATE)                                                              \
	X(PCIEPORTBUS, BOOL)                                                                       \
	X(PCIEAER, BOOL)			/* pcieport's services */                           \
	X(PCIE_PME, BOOL)                                                                          \
	X(PCIE_DPC, BOOL)                                                                          \
	X(HOTPLUG_PCI_PCIE, BOOL)                                                                  \
	X(PCI_STUB, TRISTATE)                                                                      \
	/* drivers/virtio and the virtio drivers */                                                \
	X(VIRTIO, TRISTATE)                                                                        \
	X(VIRTIO_PCI, TRISTATE)                                                                    \
	X(VIRTIO_PCI_LEGACY, BOOL)		/* virtio-pci drives transitional devices' legacy interface */ \
	X(VIRTIO_MMIO, TRISTATE)                                                                   \
	X(VIRTIO_BLK, TRISTATE)                                                                    \
	X(VIRTIO_NET, TRISTATE)                                                                    \
	X(VIRTIO_CONSOLE, TRISTATE)                                                                \
	X(HW_RANDOM, TRISTATE)                                                                     \
	X(HW_RANDOM_VIRTIO, TRISTATE)                                                              \
	X(SCSI_VIRTIO, TRISTATE)                                                                   \
	/* other drivers of QEMU's devices */                                                      \
	X(BLK_DEV_NVME, TRISTATE)                                                                  \
	X(E1000, TRISTATE)                                                                         \
	X(E1000E, TRISTATE)                                                                        \
	X(IGB, TRISTATE)                                                                           \
	X(SATA_AHCI, TRISTATE)                                                                     \
	X(USB_SUPPORT, BOOL)                                                                       \
	X(USB_XHCI_HCD, TRISTATE)                                                                  \
	/* drivers/vfio */                                                                         \
	X(VFIO, TRISTATE)                                                                          \
	X(VFIO_PCI, TRISTATE)                                                                      \
	X(VFIO_IOMMU_TYPE1, TRISTATE)                                                              \
	X(VFIO_DEVICE_CDEV, BOOL)		/* depends on IOMMUFD: /dev/vfio/devices/vfioN */   \
	/* drivers/base */                                                                         \
	X(DEBUG_TEST_DRIVER_REMOVE, BOOL)                                                          \
	/* not Kconfig: which fixes the kernel's source has (kconfig_set.h) */                     \
	X(IOMMUSIM_TEST_REMOVE_DMA_CLEANUP, MODEL)

enum kconfig_symbol {
#define KCONFIG_ENUM(name, kind) KCONFIG_##name,
	KCONFIG_SYMBOLS(KCONFIG_ENUM)
#undef KCONFIG_ENUM
	KCONFIG_NR_SYMBOLS
};

/*
 * MODEL: a y/n choice that is no Kconfig symbol but says how the modelled
 * kernel's source reads (a fix it has or lacks); .config never shows it.
 */
enum kconfig_kind { KCONFIG_BOOL, KCONFIG_TRISTATE, KCONFIG_INT, KCONFIG_MODEL };

/* One option's value as .config writes it: CONFIG_X=y, =m, =N, or "is not set". */
struct kconfig_value {
	char state;		/* 'y', 'm', 'n'; 0: the table left it out */
	long number;		/* an INT option's value */
};

/* A driver the kernel can have, by the option that builds it. */
struct kconfig_driver {
	enum kconfig_symbol symbol;
	const char *name;	/* the driver's name (/sys/bus/X/drivers/NAME) */
	const char *module;	/* the module it is when built as one (NULL: a bool option) */
	/* built in, the module still has /sys/module/MODULE (it has parameters) */
	bool builtin_kobject;
	/* a bool option's driver: the KBUILD_MODNAME it registers with (pcieport: pcieportdrv) */
	const char *modname;
};

#define KCONFIG_MODULE_MAX_DEPS 4

/* A loadable module of the reference guest, as modules.dep and lsmod show it. */
struct kconfig_module {
	const char *name;	/* as lsmod prints it ('-' in the file name read as '_') */
	unsigned int size;	/* /proc/modules' size */
	/* its modules.dep line: every module it needs; modprobe loads them last to first */
	const char *deps[KCONFIG_MODULE_MAX_DEPS];
	/* the ones whose symbols it uses itself: it holds a reference on each (lsmod's "Used by") */
	const char *uses[KCONFIG_MODULE_MAX_DEPS];
	const char *banner;	/* the line its init prints, or NULL */
};

#define KCONFIG_MODINFO_MAX_PARAMS 4

/* A module parameter as /sys/module/M/parameters/NAME shows it (perm 0: not listed). */
struct kconfig_modparam {
	const char *name;
	const char *value;	/* param_get_*() of its default */
	bool writable;		/* mode 0644; else 0444 */
};

/*
 * What a module's .modinfo says that sysfs shows (modinfo of a .ko; for a
 * built-in one, modules.builtin.modinfo): MODULE_VERSION and srcversion, a
 * MODULE_IMPORT_NS, the parameters with a sysfs mode.
 */
struct kconfig_modinfo {
	const char *name;
	const char *version;	/* NULL: no MODULE_VERSION */
	const char *srcversion;	/* a loadable module with a version (built-in ones have none) */
	const char *import_ns;	/* MODULE_IMPORT_NS's namespace: the import_ns file (7.x); NULL: none */
	struct kconfig_modparam params[KCONFIG_MODINFO_MAX_PARAMS];
};

struct kernel_config {
	const char *version;	/* "6.1": what --linux names */
	const char *release;	/* uname -r of the reference build */
	struct kconfig_value values[KCONFIG_NR_SYMBOLS];
	/*
	 * The drivers the model has (and those of QEMU devices the kernel has
	 * none for), in link order: the order the built-in ones register at
	 * device_initcall. A module registers its drivers when loaded.
	 */
	const struct kconfig_driver *drivers;
	size_t ndrivers;
	const struct kconfig_module *modules;	/* what the reference guest's modules.dep lists */
	size_t nmodules;
	const char *const *builtin;		/* modules.builtin's names, NULL-terminated */
	const struct kconfig_modinfo *modinfo;	/* the modules sysfs shows details of */
	size_t nmodinfo;
	/* the buddy allocator's largest order: MAX_ORDER - 1 on 6.1 */
	unsigned int max_page_order;
};

extern const struct kernel_config linux_6_1_config, linux_7_3_config;

/* The reference kernel (6.1) unless the boot asked for another. */
const struct kernel_config *kconfig_default(void);
/* The table for a version ("6.1"), or NULL. */
const struct kernel_config *kconfig_find(const char *version);
/* k's configuration; a kernel a unit test put together by hand runs the reference's. */
const struct kernel_config *kernel_config(const struct kernel *k);

/* IS_ENABLED(CONFIG_X): y or m */
bool kconfig_enabled(const struct kernel_config *c, enum kconfig_symbol s);
/* IS_BUILTIN(CONFIG_X) and IS_MODULE(CONFIG_X) */
bool kconfig_builtin(const struct kernel_config *c, enum kconfig_symbol s);
bool kconfig_module(const struct kernel_config *c, enum kconfig_symbol s);
/* an INT option's value (0 when not set) */
long kconfig_number(const struct kernel_config *c, enum kconfig_symbol s);
/* "ARM_SMMU_V3" and the option's kind */
const char *kconfig_symbol_name(enum kconfig_symbol s);
enum kconfig_kind kconfig_symbol_kind(enum kconfig_symbol s);

/* modprobe's names: '-' and '_' are the same character */
bool kconfig_modname_eq(const char *a, const char *b);
/* the module called name (or NULL); whether modules.builtin lists name */
const struct kconfig_module *kconfig_find_module(const struct kernel_config *c, const char *name);
bool kconfig_module_builtin(const struct kernel_config *c, const char *name);
/* the module's modinfo (NULL when the table has none for it) */
const struct kconfig_modinfo *kconfig_find_modinfo(const struct kernel_config *c, const char *name);
/* the name /sys/module knows a driver's module by: its module's, or a bool option's KBUILD_MODNAME */
const char *kconfig_driver_modname(const struct kconfig_driver *d);

/*
 * 0 when the model can boot a kernel built with c; else -EINVAL with the
 * option it cannot honour in err (4K pages only, no SVA, one default-domain
 * choice, a value for every option).
 */
int kconfig_check(const struct kernel_config *c, char *err, size_t errlen);

#endif
