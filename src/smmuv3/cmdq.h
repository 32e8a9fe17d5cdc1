/*
 * The command queue, driver side (Linux 6.1 arm-smmu-v3.c): building
 * commands from a struct arm_smmu_cmdq_ent, inserting them in the ring in
 * guest memory, ringing CMDQ_PROD and waiting for CMDQ_CONS to pass a
 * CMD_SYNC; the global error handler that skips an illegal command; TLB
 * invalidation by ASID, VMID or address range.
 */
#ifndef IOMMUSIM_SMMUV3_CMDQ_H
#define IOMMUSIM_SMMUV3_CMDQ_H

#include "smmuv3/arm_smmu_v3.h"

#define CMDQ_ENT_DWORDS 2

/* Opcodes, as arm-smmu-v3.h names them */
#define CMDQ_OP_PREFETCH_CFG 0x1
#define CMDQ_OP_CFGI_STE 0x3
#define CMDQ_OP_CFGI_ALL 0x4
#define CMDQ_OP_CFGI_CD 0x5
#define CMDQ_OP_CFGI_CD_ALL 0x6
#define CMDQ_OP_TLBI_NH_ALL 0x10
#define CMDQ_OP_TLBI_NH_ASID 0x11
#define CMDQ_OP_TLBI_NH_VA 0x12
#define CMDQ_OP_TLBI_EL2_ALL 0x20
#define CMDQ_OP_TLBI_EL2_ASID 0x21
#define CMDQ_OP_TLBI_EL2_VA 0x22
#define CMDQ_OP_TLBI_S12_VMALL 0x28
#define CMDQ_OP_TLBI_S2_IPA 0x2a
#define CMDQ_OP_TLBI_NSNH_ALL 0x30
#define CMDQ_OP_CMD_SYNC 0x46
/*
 * CFGI_STE_RANGE is opcode 0x04 on the wire, the same as CFGI_ALL (which is
 * its Range = 31 form); bit 8 only lets the builder tell the two apart.
 */
#define CMDQ_OP_CFGI_STE_RANGE 0x104

/* Command fields (SMMUv3 spec 4.x; arm-smmu-v3.h CMDQ_*) */
#define CMDQ_0_OP GENMASK_ULL(7, 0)
#define CMDQ_0_SSV BIT(11)
#define CMDQ_PREFETCH_0_SID GENMASK_ULL(63, 32)
#define CMDQ_CFGI_0_SSID GENMASK_ULL(31, 12)
#define CMDQ_CFGI_0_SID GENMASK_ULL(63, 32)
#define CMDQ_CFGI_1_LEAF BIT(0)
#define CMDQ_CFGI_1_RANGE GENMASK_ULL(4, 0)
#define CMDQ_TLBI_0_NUM GENMASK_ULL(16, 12)
#define CMDQ_TLBI_RANGE_NUM_MAX 31
#define CMDQ_TLBI_0_SCALE GENMASK_ULL(24, 20)
#define CMDQ_TLBI_0_VMID GENMASK_ULL(47, 32)
#define CMDQ_TLBI_0_ASID GENMASK_ULL(63, 48)
#define CMDQ_TLBI_1_LEAF BIT(0)
#define CMDQ_TLBI_1_TTL GENMASK_ULL(9, 8)
#define CMDQ_TLBI_1_TG GENMASK_ULL(11, 10)
#define CMDQ_TLBI_1_VA_MASK GENMASK_ULL(63, 12)
#define CMDQ_TLBI_1_IPA_MASK GENMASK_ULL(51, 12)
#define CMDQ_SYNC_0_CS GENMASK_ULL(13, 12)
#define CMDQ_SYNC_0_CS_NONE 0
#define CMDQ_SYNC_0_CS_IRQ 1
#define CMDQ_SYNC_0_CS_SEV 2
#define CMDQ_SYNC_0_MSH GENMASK_ULL(23, 22)
#define CMDQ_SYNC_0_MSIATTR GENMASK_ULL(27, 24)
#define CMDQ_SYNC_1_MSIADDR_MASK GENMASK_ULL(51, 2)
#define ARM_SMMU_SH_ISH 3
#define ARM_SMMU_MEMATTR_OIWB 0xf

/* CMDQ_CONS.ERR codes */
#define CMDQ_ERR_CERROR_NONE_IDX 0
#define CMDQ_ERR_CERROR_ILL_IDX 1
#define CMDQ_ERR_CERROR_ABT_IDX 2
#define CMDQ_ERR_CERROR_ATC_INV_IDX 3

struct arm_smmu_cmdq_ent {
	u32 opcode;
	bool substream_valid;
	union {
		struct {
			u32 sid;
		} prefetch;
		struct {
			u32 sid;
			u32 ssid;
			bool leaf;
			u8 span;	/* CFGI_STE_RANGE: 2^(span+1) StreamIDs */
		} cfgi;
		struct {
			u8 num, scale;
			u16 asid, vmid;
			bool leaf;
			u8 ttl, tg;
			u64 addr;
		} tlbi;
		struct {
			u64 msiaddr;
		} sync;
	};
};

struct arm_smmu_cmdq_batch {
	u64 cmds[CMDQ_BATCH_ENTRIES * CMDQ_ENT_DWORDS];
	int num;
};

/* 0, or -ENOENT for an opcode the driver does not build (Linux's answer). */
int arm_smmu_cmdq_build_cmd(u64 *cmd, const struct arm_smmu_cmdq_ent *ent);
/*
 * Insert n commands (and a CMD_SYNC when sync) and publish them. With sync,
 * wait until the hardware consumed the CMD_SYNC: 0, or -ETIMEDOUT (logged
 * as Linux does). -ENOSPC when the ring has no room even after re-reading
 * CONS; -EINVAL for n < 0 or n > CMDQ_BATCH_ENTRIES.
 */
int arm_smmu_cmdq_issue_cmdlist(struct arm_smmu_device *smmu, const u64 *cmds, int n, bool sync);
int arm_smmu_cmdq_issue_cmd(struct arm_smmu_device *smmu, const struct arm_smmu_cmdq_ent *ent);
int arm_smmu_cmdq_issue_cmd_with_sync(struct arm_smmu_device *smmu,
				      const struct arm_smmu_cmdq_ent *ent);
void arm_smmu_cmdq_batch_add(struct arm_smmu_device *smmu, struct arm_smmu_cmdq_batch *cmds,
			     const struct arm_smmu_cmdq_ent *cmd);
int arm_smmu_cmdq_batch_submit(struct arm_smmu_device *smmu, struct arm_smmu_cmdq_batch *cmds);

/* The GERROR interrupt (arm_smmu_gerror_handler): logs, skips a bad command, acks. */
void arm_smmu_gerror_handler(struct arm_smmu_device *smmu);
/* arm_smmu_cmdq_skip_err(): log the CERROR and turn the bad command into a CMD_SYNC */
void arm_smmu_cmdq_skip_err(struct arm_smmu_device *smmu);

/* Invalidation helpers (arm_smmu_tlb_inv_*) */
void arm_smmu_tlb_inv_asid(struct arm_smmu_device *smmu, u16 asid);
void arm_smmu_tlb_inv_vmid(struct arm_smmu_device *smmu, u16 vmid);
/*
 * __arm_smmu_tlb_inv_range(): cmd carries opcode, asid/vmid and leaf; the
 * range is split into TLBI commands (range encodings with TG/NUM/SCALE when
 * the SMMU has RIL, else one per granule), then one CMD_SYNC. leaf_pgshift
 * is log2 of the domain's smallest page size.
 */
void arm_smmu_tlb_inv_range_cmd(struct arm_smmu_device *smmu, struct arm_smmu_cmdq_ent *cmd,
				u64 iova, size_t size, size_t granule, unsigned leaf_pgshift);

/*
 * Hardware interrupt entry for smmu_hw_set_irq(hw, arm_smmu_irq_handler, smmu):
 * the "eventq" line runs arm_smmu_evtq_thread, "gerror" the GERROR handler.
 */
void arm_smmu_irq_handler(void *opaque, int which);

#endif
