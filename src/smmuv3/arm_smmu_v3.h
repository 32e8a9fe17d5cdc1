/*
 * The arm-smmu-v3 driver (drivers/iommu/arm/arm-smmu-v3, Linux 6.1 and 7.3: smmu_version.h): its
 * view of one SMMU, its masters and domains. It reaches the hardware only
 * through the MMIO window and guest memory.
 */
#ifndef IOMMUSIM_SMMUV3_ARM_SMMU_V3_H
#define IOMMUSIM_SMMUV3_ARM_SMMU_V3_H

#include "base/platform.h"
#include "hw/system.h"
#include "iommu/iommu.h"
#include "base/page_alloc.h"
#include "kconfig/kconfig.h"

/* smmu->features, numbered as Linux numbers them (the probe line prints them) */
#define ARM_SMMU_FEAT_2_LVL_STRTAB (1 << 0)
#define ARM_SMMU_FEAT_2_LVL_CDTAB (1 << 1)
#define ARM_SMMU_FEAT_TT_LE (1 << 2)
#define ARM_SMMU_FEAT_TT_BE (1 << 3)
#define ARM_SMMU_FEAT_PRI (1 << 4)
#define ARM_SMMU_FEAT_ATS (1 << 5)
#define ARM_SMMU_FEAT_SEV (1 << 6)
#define ARM_SMMU_FEAT_MSI (1 << 7)
#define ARM_SMMU_FEAT_COHERENCY (1 << 8)
#define ARM_SMMU_FEAT_TRANS_S1 (1 << 9)
#define ARM_SMMU_FEAT_TRANS_S2 (1 << 10)
#define ARM_SMMU_FEAT_STALLS (1 << 11)
#define ARM_SMMU_FEAT_HYP (1 << 12)
#define ARM_SMMU_FEAT_STALL_FORCE (1 << 13)
#define ARM_SMMU_FEAT_VAX (1 << 14)
#define ARM_SMMU_FEAT_RANGE_INV (1 << 15)
#define ARM_SMMU_FEAT_BTM (1 << 16)
#define ARM_SMMU_FEAT_SVA (1 << 17)
#define ARM_SMMU_FEAT_E2H (1 << 18)
#define ARM_SMMU_FEAT_NESTING (1 << 19)
/* the bits 7.3 added (6.1 never sets them) */
#define ARM_SMMU_FEAT_ATTR_TYPES_OVR (1 << 20)
#define ARM_SMMU_FEAT_HA (1 << 21)
#define ARM_SMMU_FEAT_HD (1 << 22)
#define ARM_SMMU_FEAT_S2FWB (1 << 23)
#define ARM_SMMU_FEAT_BBML2 (1 << 24)
#define ARM_SMMU_FEAT_HAFT (1 << 25)
#define ARM_SMMU_FEAT_DS (1 << 26)

/*
 * Queue sizes are capped so a queue is one naturally aligned allocation:
 * with DMA_CMA, PAGE_SHIFT + CONFIG_CMA_ALIGNMENT, else PAGE_SHIFT + the
 * buddy allocator's largest order. Debian's 6.1 has DMA_CMA=y and
 * CMA_ALIGNMENT=8: 20 bits of bytes (65536 CMDQ and 32768 EVTQ entries on
 * QEMU's 2^19-entry queues).
 */
static inline unsigned int arm_smmu_q_max_sz_shift(const struct kernel_config *c)
{
	return PAGE_SHIFT + (unsigned int)(kconfig_enabled(c, KCONFIG_DMA_CMA)
					   ? kconfig_number(c, KCONFIG_CMA_ALIGNMENT) : (long)c->max_page_order);
}
#define CMDQ_ENT_SZ_SHIFT 4
#define EVTQ_ENT_SZ_SHIFT 5
#define CMDQ_MAX_SZ_SHIFT(c) (arm_smmu_q_max_sz_shift(c) - CMDQ_ENT_SZ_SHIFT)
#define EVTQ_MAX_SZ_SHIFT(c) (arm_smmu_q_max_sz_shift(c) - EVTQ_ENT_SZ_SHIFT)
#define CMDQ_BATCH_ENTRIES 64
#define STRTAB_SPLIT 8
/* both register pages (arm_smmu_resource_size) */
#define ARM_SMMU_REG_SZ 0x20000ULL

/* the software MSI window every master reserves (MSI_IOVA_BASE/LENGTH) */
#define MSI_IOVA_BASE 0x8000000ULL
#define MSI_IOVA_LENGTH 0x100000ULL

/* Linux's VA_BITS on Debian arm64: the input size of stage-1 domains */
#define ARM64_VA_BITS 48

struct arm_smmu_master;
struct arm_smmu_event_rec;

struct arm_smmu_stream {
	u32 id;
	struct arm_smmu_master *master;
};

struct arm_smmu_queue {
	u64 base_pa;			/* guest PA of the ring */
	unsigned max_n_shift;
	u32 prod, cons;			/* with the wrap bit above max_n_shift */
	unsigned ent_dwords;
	u32 prod_off, cons_off;		/* register offsets */
};

/* What the driver has issued, for the dma layer and tests (not a Linux structure). */
struct arm_smmu_stats {
	u64 cmds[256];			/* commands queued, by opcode (CMD_SYNC included) */
	u64 tlbi;			/* TLBI_* commands: "number of invalidation commands" */
	u64 cfgi;			/* CFGI_* commands */
	u64 syncs;			/* CMD_SYNCs queued */
	u64 cmdq_errors;		/* CERRORs reported by arm_smmu_cmdq_skip_err() */
	u64 cmdq_timeouts;		/* CMD_SYNCs that never completed */
	u64 ste_qword_writes;		/* STE qwords the entry writer stored */
	u64 ste_syncs;			/* entry writer steps (CFGI_STE + CMD_SYNC) */
	u64 cd_writes;			/* context descriptors written */
	u64 events;			/* EVTQ records drained */
	u64 events_printed;		/* ... and printed (not rate limited) */
	u64 evtq_overflows;
};

struct arm_smmu_device {
	struct device *dev;
	struct kernel *k;
	struct hw_mmio mmio;
	struct guest_mem *mem;
	u32 features;
	u32 options;
	unsigned long ias, oas;
	unsigned asid_bits, vmid_bits, sid_bits, ssid_bits;
	u64 pgsize_bitmap;
	struct arm_smmu_queue cmdq, evtq;
	struct iommu_device iommu;
	/* the SID tree: streams sorted by id */
	struct arm_smmu_stream **streams;
	size_t nstreams, streams_cap;
	void *tables;			/* STE/CD/queue state owned by the table code */
	/* arm-smmu-v3.disable_bypass=0: unattached streams bypass instead of aborting */
	bool allow_bypass;
	struct arm_smmu_stats stats;
	struct arm_smmu_event_log {
		struct arm_smmu_event_rec *recs;
		u64 total;
	} event_log;
};

struct arm_smmu_domain;

struct arm_smmu_master {
	struct arm_smmu_device *smmu;
	struct device *dev;
	struct arm_smmu_domain *domain;
	struct arm_smmu_stream *streams;
	unsigned num_streams;
	/*
	 * 7.3's master->vmaster: set by an attach to a nested domain of a vSMMU
	 * while the device has its vDEVICE, with the vSID it had then (kept if
	 * the vDEVICE goes later); its events go to the vIOMMU's vEVENTQ
	 */
	bool vmaster;
	u64 vmaster_vsid;
};

enum arm_smmu_domain_stage {
	ARM_SMMU_DOMAIN_S1 = 0,
	ARM_SMMU_DOMAIN_S2,
	ARM_SMMU_DOMAIN_NESTED,
	ARM_SMMU_DOMAIN_BYPASS,
};

struct arm_smmu_domain {
	struct iommu_domain domain;
	struct arm_smmu_device *smmu;	/* set when the first master attaches */
	enum arm_smmu_domain_stage stage;
	void *pgtbl_ops;		/* struct io_pgtable_ops * */
	u16 asid, vmid;
	void *cfg;			/* the table code's CD / S2 config */
	struct arm_smmu_master **masters;
	size_t nmasters;
};

static inline struct arm_smmu_domain *to_smmu_domain(struct iommu_domain *dom)
{
	return (struct arm_smmu_domain *)dom;
}

extern const struct iommu_ops arm_smmu_ops;
extern struct platform_driver arm_smmu_driver;

/* master.c */
int arm_smmu_probe_device(struct device *dev, struct iommu_device **out);
void arm_smmu_release_device(struct device *dev);
struct iommu_group *arm_smmu_device_group(struct device *dev);
int arm_smmu_of_xlate(struct device *dev, const u32 *args, int nargs);
int arm_smmu_get_resv_regions(struct device *dev, struct iommu_resv_region *out, int max);
struct arm_smmu_master *arm_smmu_find_master(struct arm_smmu_device *smmu, u32 sid);

/* domain.c */
struct iommu_domain *arm_smmu_domain_alloc(struct kernel *k, unsigned type);
extern const struct iommu_domain_ops arm_smmu_domain_ops;

#endif
