/*
 * Stream table entries and context descriptors, driver side: the field
 * names of arm-smmu-v3.h, the "make" functions that compute a target entry
 * (abort, bypass, S1 CD table, S2, nested) with each kernel's field choices,
 * and how each kernel writes a live STE (smmu_version.h's ste_writer): 6.1's
 * arm_smmu_write_strtab_ent() sequence or 7.3's entry writer (entry_writer.h).
 */
#ifndef IOMMUSIM_SMMUV3_STE_H
#define IOMMUSIM_SMMUV3_STE_H

#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/entry_writer.h"
#define STRTAB_STE_DWORDS 8
#define CTXDESC_CD_DWORDS 8
#define STRTAB_L1_DESC_DWORDS 1

/* Level-1 stream table descriptor */
#define STRTAB_L1_DESC_SPAN GENMASK_ULL(4, 0)
#define STRTAB_L1_DESC_L2PTR_MASK GENMASK_ULL(51, 6)

/* STE */
#define STRTAB_STE_0_V BIT(0)
#define STRTAB_STE_0_CFG GENMASK_ULL(3, 1)
#define STRTAB_STE_0_CFG_ABORT 0
#define STRTAB_STE_0_CFG_BYPASS 4
#define STRTAB_STE_0_CFG_S1_TRANS 5
#define STRTAB_STE_0_CFG_S2_TRANS 6
#define STRTAB_STE_0_CFG_NESTED 7
#define STRTAB_STE_0_S1FMT GENMASK_ULL(5, 4)
#define STRTAB_STE_0_S1FMT_LINEAR 0
#define STRTAB_STE_0_S1FMT_64K_L2 2
#define STRTAB_STE_0_S1CTXPTR_MASK GENMASK_ULL(51, 6)
#define STRTAB_STE_0_S1CDMAX GENMASK_ULL(63, 59)
#define STRTAB_STE_1_S1DSS GENMASK_ULL(1, 0)
#define STRTAB_STE_1_S1DSS_TERMINATE 0
#define STRTAB_STE_1_S1DSS_BYPASS 1
#define STRTAB_STE_1_S1DSS_SSID0 2
#define STRTAB_STE_1_S1C_CACHE_NC 0
#define STRTAB_STE_1_S1C_CACHE_WBRA 1
#define STRTAB_STE_1_S1CIR GENMASK_ULL(3, 2)
#define STRTAB_STE_1_S1COR GENMASK_ULL(5, 4)
#define STRTAB_STE_1_S1CSH GENMASK_ULL(7, 6)
#define STRTAB_STE_1_MEV BIT(19)
#define STRTAB_STE_1_S2FWB BIT(25)
#define STRTAB_STE_1_S1STALLD BIT(27)
#define STRTAB_STE_1_EATS GENMASK_ULL(29, 28)
#define STRTAB_STE_1_EATS_TRANS 1
#define STRTAB_STE_1_EATS_S1CHK 2
#define STRTAB_STE_1_STRW GENMASK_ULL(31, 30)
#define STRTAB_STE_1_STRW_NSEL1 0
#define STRTAB_STE_1_STRW_EL2 2
#define STRTAB_STE_1_SHCFG GENMASK_ULL(45, 44)
#define STRTAB_STE_1_SHCFG_INCOMING 1
#define STRTAB_STE_2_S2VMID GENMASK_ULL(15, 0)
#define STRTAB_STE_2_VTCR GENMASK_ULL(50, 32)
#define STRTAB_STE_2_VTCR_S2T0SZ GENMASK_ULL(5, 0)
#define STRTAB_STE_2_VTCR_S2SL0 GENMASK_ULL(7, 6)
#define STRTAB_STE_2_VTCR_S2IR0 GENMASK_ULL(9, 8)
#define STRTAB_STE_2_VTCR_S2OR0 GENMASK_ULL(11, 10)
#define STRTAB_STE_2_VTCR_S2SH0 GENMASK_ULL(13, 12)
#define STRTAB_STE_2_VTCR_S2TG GENMASK_ULL(15, 14)
#define STRTAB_STE_2_VTCR_S2PS GENMASK_ULL(18, 16)
#define STRTAB_STE_2_S2AA64 BIT(51)
#define STRTAB_STE_2_S2ENDI BIT(52)
#define STRTAB_STE_2_S2PTW BIT(54)
#define STRTAB_STE_2_S2S BIT(57)
#define STRTAB_STE_2_S2R BIT(58)
#define STRTAB_STE_3_S2TTB_MASK GENMASK_ULL(51, 4)

/* CD */
#define CTXDESC_CD_0_TCR_T0SZ GENMASK_ULL(5, 0)
#define CTXDESC_CD_0_TCR_TG0 GENMASK_ULL(7, 6)
#define CTXDESC_CD_0_TCR_IRGN0 GENMASK_ULL(9, 8)
#define CTXDESC_CD_0_TCR_ORGN0 GENMASK_ULL(11, 10)
#define CTXDESC_CD_0_TCR_SH0 GENMASK_ULL(13, 12)
#define CTXDESC_CD_0_TCR_EPD0 BIT(14)
#define CTXDESC_CD_0_TCR_EPD1 BIT(30)
#define CTXDESC_CD_0_ENDI BIT(15)
#define CTXDESC_CD_0_V BIT(31)
#define CTXDESC_CD_0_TCR_IPS GENMASK_ULL(34, 32)
#define CTXDESC_CD_0_TCR_TBI0 BIT(38)
#define CTXDESC_CD_0_AA64 BIT(41)
#define CTXDESC_CD_0_TCR_HD BIT(42)
#define CTXDESC_CD_0_TCR_HA BIT(43)
#define CTXDESC_CD_0_S BIT(44)
#define CTXDESC_CD_0_R BIT(45)
#define CTXDESC_CD_0_A BIT(46)
#define CTXDESC_CD_0_ASET BIT(47)
#define CTXDESC_CD_0_ASID GENMASK_ULL(63, 48)
#define CTXDESC_CD_1_TTB0_MASK GENMASK_ULL(51, 4)
#define CTXDESC_LINEAR_CDMAX 10	/* ilog2(SZ_64K / (CTXDESC_CD_DWORDS << 3)) */

/* The stream table as the driver keeps it (arm_smmu_strtab_cfg), in smmu->tables. */
struct arm_smmu_strtab_l1_desc {
	u64 l2ptr_pa;			/* 0: not allocated yet */
	u8 span;
};

struct arm_smmu_tables {
	u64 strtab_pa;			/* L1 table (2-level) or the linear table */
	u64 strtab_size;
	u64 strtab_base;		/* STRTAB_BASE value */
	u32 strtab_base_cfg;		/* STRTAB_BASE_CFG value */
	u32 num_l1_ents;
	struct arm_smmu_strtab_l1_desc *l1_desc;	/* 2-level only */
	u64 cmdq_size, evtq_size;	/* bytes of the queue allocations */
	u64 cmdq_q_base, evtq_q_base;	/* *_BASE register values */
	/* ASID and VMID allocators (xarray / ida in Linux): one bit per id */
	u8 *asid_map, *vmid_map;
	/* arm_smmu_evtq_thread's printk ratelimit state */
	u64 evt_rs_begin_ns;
	bool evt_rs_started;
	int evt_rs_printed, evt_rs_missed;
};

static inline struct arm_smmu_tables *arm_smmu_tables(const struct arm_smmu_device *smmu)
{
	return smmu->tables;
}

/* Stage configs a domain carries (arm_smmu_s1_cfg / arm_smmu_s2_cfg), in domain->cfg. */
struct arm_smmu_ctx_desc {
	u16 asid;
	u64 ttbr;
	u64 tcr;			/* CD word 0 TCR fields, already placed */
	u64 mair;
};

struct arm_smmu_s1_cfg {
	u64 cdtab_pa;			/* linear CD table */
	u64 cdtab_size;
	u8 s1fmt, s1cdmax;
	struct arm_smmu_ctx_desc cd;
};

struct arm_smmu_s2_cfg {
	u16 vmid;
	u64 vttbr;
	u64 vtcr;			/* STRTAB_STE_2_VTCR value */
	/* 7.3: a nest parent on an SMMU with S2FWB (IO_PGTABLE_QUIRK_ARM_S2FWB): the STE sets S2FWB */
	bool s2fwb;
};

struct arm_vsmmu;
struct arm_smmu_domain_cfg {
	struct arm_smmu_s1_cfg s1;
	struct arm_smmu_s2_cfg s2;
	/* nested: the stage-2 parent and the guest's STE words 0 and 1 */
	struct arm_smmu_domain *s2_parent;
	u64 nested_ste[2];
	/* 7.3: the vSMMU a nested domain was made through (smmuv3/iommufd.c), NULL otherwise */
	struct arm_vsmmu *vsmmu;
};

/*
 * ---- target entries ----
 * SHCFG (incoming shareability): 6.1 writes it in every bypass and abort
 * STE, and an S2 STE keeps it; 7.3 asks for it (bypass, S2, S1DSS=bypass)
 * only on an SMMU with ATTR_TYPES_OVR, never on abort. smmu->k says which.
 */
void arm_smmu_make_abort_ste(u64 *target, const struct arm_smmu_device *smmu);
void arm_smmu_make_bypass_ste(u64 *target, const struct arm_smmu_device *smmu);
/* S1: CD table pointer, S1DSS, cacheability, STRW (EL2 with E2H) */
void arm_smmu_make_cdtable_ste(u64 *target, const struct arm_smmu_device *smmu,
			       const struct arm_smmu_s1_cfg *s1, unsigned s1dss, bool stall_enabled,
			       bool ats_enabled);
void arm_smmu_make_s2_domain_ste(u64 *target, const struct arm_smmu_device *smmu,
				 const struct arm_smmu_s2_cfg *s2, bool stall_enabled, bool ats_enabled);
/*
 * Nested: the S2 STE of the parent with Config = nested and the guest's S1
 * fields (words 0/1, only the ones the guest may set) merged in.
 */
#define STRTAB_STE_0_NESTING_ALLOWED                                                  \
	(STRTAB_STE_0_V | STRTAB_STE_0_CFG | STRTAB_STE_0_S1FMT | STRTAB_STE_0_S1CTXPTR_MASK | \
	 STRTAB_STE_0_S1CDMAX)
#define STRTAB_STE_1_NESTING_ALLOWED                                                 \
	(STRTAB_STE_1_S1DSS | STRTAB_STE_1_S1CIR | STRTAB_STE_1_S1COR | STRTAB_STE_1_S1CSH | \
	 STRTAB_STE_1_S1STALLD)
void arm_smmu_make_nested_ste(u64 *target, const struct arm_smmu_device *smmu,
			      const struct arm_smmu_s2_cfg *s2, const u64 guest_ste[2], bool ats_enabled);

/* CD word values for S1 from an io_pgtable cfg (6.1 arm_smmu_domain_finalise_s1 + write_ctx_desc) */
struct io_pgtable_cfg;
void arm_smmu_make_s1_cd(u64 *target, const struct arm_smmu_ctx_desc *cd, bool stall_enabled);
u64 arm_smmu_cd_tcr_from_pgtbl(const struct io_pgtable_cfg *cfg);
/* STE word 2 VTCR bits from an S2 io_pgtable cfg (6.1 arm_smmu_domain_finalise_s2) */
u64 arm_smmu_ste_vtcr_from_pgtbl(const struct io_pgtable_cfg *cfg);

/*
 * ---- 6.1's STE update (arm_smmu_write_strtab_ent) ----
 * An abort or bypass target: qwords 0..2, one sync (always: the SMMU may
 * cache a negative lookup). A translating one: every other qword, sync,
 * qword 0, sync (6.1 never rewrites a translating STE in place: it goes
 * through abort or bypass first). writer->ops->sync issues the syncs.
 */
void arm_smmu_write_strtab_ent(struct arm_smmu_entry_writer *writer, u64 *entry,
			       const u64 *target);
/* True when target neither aborts nor bypasses (6.1's PREFETCH_CFG follows only then) */
bool arm_smmu_ste_translates(const u64 *target);

/* ---- driver use ---- */
/* Guest PA of the STE for sid: 0, -ERANGE, or -ENOENT (its L2 table is missing). */
int arm_smmu_ste_pa(struct arm_smmu_device *smmu, u32 sid, u64 *pa);
/* Read the STE of sid from memory and write target with the entry writer. */
int arm_smmu_write_ste(struct arm_smmu_device *smmu, u32 sid, const u64 *target);
/* The STE a master's stream should hold for its domain (NULL: abort/bypass). */
void arm_smmu_make_master_ste(u64 *target, struct arm_smmu_master *master);

#endif
