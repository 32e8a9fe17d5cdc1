/*
 * Command queue, driver side (Linux 6.1 arm-smmu-v3.c): commands are built
 * field by field, written to the ring in guest memory and published through
 * CMDQ_PROD. The model's SMMU consumes them as the register is written, so
 * there is a single producer and no lock dance; what stays is the ring
 * arithmetic (index + wrap bit), CMD_SYNC completion by polling CMDQ_CONS,
 * and Linux's recovery from an illegal command.
 */
#include <errno.h>
#include <string.h>
#include "smmuv3/cmdq.h"
#include "smmuv3/evtq.h"
#include "hw/smmuv3/smmuv3_regs.h"

/* polls of CMDQ_CONS before a CMD_SYNC is declared lost (ARM_SMMU_POLL_TIMEOUT_US) */
#define CMDQ_SYNC_POLLS 16

/* Queue pointer helpers (Q_IDX/Q_WRP of arm-smmu-v3.h) */
static u32 q_idx(const struct arm_smmu_queue *q, u32 p)
{
	return p & ((1U << q->max_n_shift) - 1);
}

static u32 q_wrp(const struct arm_smmu_queue *q, u32 p)
{
	return p & (1U << q->max_n_shift);
}

static u32 queue_inc_prod_n(const struct arm_smmu_queue *q, u32 prod, u32 n)
{
	u32 p = (q_wrp(q, prod) | q_idx(q, prod)) + n;
	return q_wrp(q, p) | q_idx(q, p);
}

static bool queue_has_space(const struct arm_smmu_queue *q, u32 n)
{
	u32 prod = q_idx(q, q->prod), cons = q_idx(q, q->cons), space;
	if (q_wrp(q, q->prod) == q_wrp(q, q->cons))
		space = (1U << q->max_n_shift) - (prod - cons);
	else
		space = cons - prod;
	return space >= n;
}

/* Has the hardware's cons moved past prod? (queue_consumed) */
static bool queue_consumed(const struct arm_smmu_queue *q, u32 cons, u32 prod)
{
	return (q_wrp(q, cons) == q_wrp(q, prod) && q_idx(q, cons) > q_idx(q, prod)) ||
	       (q_wrp(q, cons) != q_wrp(q, prod) && q_idx(q, cons) <= q_idx(q, prod));
}

static u64 q_ent_pa(const struct arm_smmu_queue *q, u32 p)
{
	return q->base_pa + ((u64)q_idx(q, p) << 3) * q->ent_dwords;
}

int arm_smmu_cmdq_build_cmd(u64 *cmd, const struct arm_smmu_cmdq_ent *ent)
{
	cmd[0] = FIELD_PREP(CMDQ_0_OP, ent->opcode);
	cmd[1] = 0;

	switch (ent->opcode) {
	case CMDQ_OP_TLBI_EL2_ALL:
	case CMDQ_OP_TLBI_NSNH_ALL:
	case CMDQ_OP_TLBI_NH_ALL:
		break;
	case CMDQ_OP_PREFETCH_CFG:
		cmd[0] |= FIELD_PREP(CMDQ_PREFETCH_0_SID, ent->prefetch.sid);
		break;
	case CMDQ_OP_CFGI_CD:
		cmd[0] |= FIELD_PREP(CMDQ_CFGI_0_SSID, ent->cfgi.ssid);
		/* CFGI_CD also names the stream */
		__attribute__((fallthrough));
	case CMDQ_OP_CFGI_STE:
		cmd[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, ent->cfgi.sid);
		cmd[1] |= FIELD_PREP(CMDQ_CFGI_1_LEAF, ent->cfgi.leaf);
		break;
	case CMDQ_OP_CFGI_STE_RANGE:
		cmd[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, ent->cfgi.sid);
		cmd[1] |= FIELD_PREP(CMDQ_CFGI_1_RANGE, ent->cfgi.span);
		break;
	case CMDQ_OP_CFGI_CD_ALL:
		cmd[0] |= FIELD_PREP(CMDQ_CFGI_0_SID, ent->cfgi.sid);
		break;
	case CMDQ_OP_CFGI_ALL:
		/* the whole StreamID space: CFGI_STE_RANGE with Range = 31 */
		cmd[1] |= FIELD_PREP(CMDQ_CFGI_1_RANGE, 31);
		break;
	case CMDQ_OP_TLBI_NH_VA:
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_VMID, ent->tlbi.vmid);
		__attribute__((fallthrough));
	case CMDQ_OP_TLBI_EL2_VA:
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_NUM, ent->tlbi.num);
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_SCALE, ent->tlbi.scale);
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_ASID, ent->tlbi.asid);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_LEAF, ent->tlbi.leaf);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_TTL, ent->tlbi.ttl);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_TG, ent->tlbi.tg);
		cmd[1] |= ent->tlbi.addr & CMDQ_TLBI_1_VA_MASK;
		break;
	case CMDQ_OP_TLBI_S2_IPA:
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_NUM, ent->tlbi.num);
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_SCALE, ent->tlbi.scale);
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_VMID, ent->tlbi.vmid);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_LEAF, ent->tlbi.leaf);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_TTL, ent->tlbi.ttl);
		cmd[1] |= FIELD_PREP(CMDQ_TLBI_1_TG, ent->tlbi.tg);
		cmd[1] |= ent->tlbi.addr & CMDQ_TLBI_1_IPA_MASK;
		break;
	case CMDQ_OP_TLBI_NH_ASID:
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_ASID, ent->tlbi.asid);
		/* and the VMID, as S12_VMALL */
		__attribute__((fallthrough));
	case CMDQ_OP_TLBI_S12_VMALL:
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_VMID, ent->tlbi.vmid);
		break;
	case CMDQ_OP_TLBI_EL2_ASID:
		cmd[0] |= FIELD_PREP(CMDQ_TLBI_0_ASID, ent->tlbi.asid);
		break;
	case CMDQ_OP_CMD_SYNC:
		/* completion signalled by MSI write-back when given one, else SEV */
		if (ent->sync.msiaddr) {
			cmd[0] |= FIELD_PREP(CMDQ_SYNC_0_CS, CMDQ_SYNC_0_CS_IRQ);
			cmd[1] |= ent->sync.msiaddr & CMDQ_SYNC_1_MSIADDR_MASK;
		} else {
			cmd[0] |= FIELD_PREP(CMDQ_SYNC_0_CS, CMDQ_SYNC_0_CS_SEV);
		}
		cmd[0] |= FIELD_PREP(CMDQ_SYNC_0_MSH, ARM_SMMU_SH_ISH);
		cmd[0] |= FIELD_PREP(CMDQ_SYNC_0_MSIATTR, ARM_SMMU_MEMATTR_OIWB);
		break;
	default:
		cmd[0] = 0;
		return -ENOENT;
	}
	return 0;
}

static void count_cmd(struct arm_smmu_device *smmu, u64 cmd0)
{
	u8 op = (u8)FIELD_GET(CMDQ_0_OP, cmd0);
	smmu->stats.cmds[op]++;
	if (op >= CMDQ_OP_TLBI_NH_ALL && op <= CMDQ_OP_TLBI_NSNH_ALL) {
		smmu->stats.tlbi++;
		smmu->iommu.invalidations++;
	} else if (op >= CMDQ_OP_CFGI_STE && op <= CMDQ_OP_CFGI_CD_ALL)
		smmu->stats.cfgi++;
	else if (op == CMDQ_OP_CMD_SYNC)
		smmu->stats.syncs++;
}

static int queue_write(struct arm_smmu_device *smmu, u64 pa, const u64 *cmd)
{
	if (guest_mem_write64(smmu->mem, pa, cmd[0]) || guest_mem_write64(smmu->mem, pa + 8, cmd[1]))
		return -EFAULT;
	return 0;
}

/*
 * Wait for CONS to pass the CMD_SYNC at sync_prod. A command error stops the
 * queue; its GERROR interrupt normally runs the handler from inside the
 * PROD write, but when nobody wired the line the poll delivers it here.
 */
static int cmdq_poll_until_consumed(struct arm_smmu_device *smmu, u32 sync_prod)
{
	struct arm_smmu_queue *q = &smmu->cmdq;
	for (int i = 0; i < CMDQ_SYNC_POLLS; i++) {
		u32 cons = readl(&smmu->mmio, q->cons_off);
		q->cons = q_wrp(q, cons) | q_idx(q, cons);
		if (queue_consumed(q, cons, sync_prod))
			return 0;
		u32 active = readl(&smmu->mmio, SMMU_REG_GERROR) ^ readl(&smmu->mmio, SMMU_REG_GERRORN);
		if (active & GERROR_CMDQ_ERR)
			arm_smmu_gerror_handler(smmu);
		else if (!(readl(&smmu->mmio, SMMU_REG_CR0ACK) & CR0_CMDQEN))
			break;	/* a disabled queue never moves */
	}
	smmu->stats.cmdq_timeouts++;
	dev_err(smmu->dev, "CMD_SYNC timeout at 0x%08x [hwprod 0x%08x, hwcons 0x%08x]\n",
		sync_prod, readl(&smmu->mmio, q->prod_off), readl(&smmu->mmio, q->cons_off));
	return -ETIMEDOUT;
}

int arm_smmu_cmdq_issue_cmdlist(struct arm_smmu_device *smmu, const u64 *cmds, int n, bool sync)
{
	struct arm_smmu_queue *q = &smmu->cmdq;
	u32 need;
	if (n < 0 || n > CMDQ_BATCH_ENTRIES || (n && !cmds) || !q->base_pa)
		return -EINVAL;
	need = (u32)n + sync;
	if (!queue_has_space(q, need)) {
		/* refresh our copy of cons (arm_smmu_cmdq_poll_until_not_full) */
		u32 cons = readl(&smmu->mmio, q->cons_off);
		q->cons = q_wrp(q, cons) | q_idx(q, cons);
		if (!queue_has_space(q, need)) {
			dev_err(smmu->dev, "CMDQ timeout\n");
			return -ENOSPC;
		}
	}
	u32 prod = q->prod;
	for (int i = 0; i < n; i++) {
		const u64 *cmd = &cmds[i * CMDQ_ENT_DWORDS];
		if (queue_write(smmu, q_ent_pa(q, queue_inc_prod_n(q, prod, (u32)i)), cmd))
			return -EFAULT;
		count_cmd(smmu, cmd[0]);
	}
	u32 sync_prod = queue_inc_prod_n(q, prod, (u32)n);
	if (sync) {
		struct arm_smmu_cmdq_ent ent = { .opcode = CMDQ_OP_CMD_SYNC };
		u64 cmd[CMDQ_ENT_DWORDS];
		arm_smmu_cmdq_build_cmd(cmd, &ent);
		if (queue_write(smmu, q_ent_pa(q, sync_prod), cmd))
			return -EFAULT;
		count_cmd(smmu, cmd[0]);
	}
	q->prod = queue_inc_prod_n(q, prod, need);
	/* publish: the model consumes up to PROD during this write */
	writel(&smmu->mmio, q->prod_off, q->prod);
	if (!sync)
		return 0;
	return cmdq_poll_until_consumed(smmu, sync_prod);
}

int arm_smmu_cmdq_issue_cmd(struct arm_smmu_device *smmu, const struct arm_smmu_cmdq_ent *ent)
{
	u64 cmd[CMDQ_ENT_DWORDS];
	if (arm_smmu_cmdq_build_cmd(cmd, ent)) {
		dev_warn(smmu->dev, "ignoring unknown CMDQ opcode 0x%x\n", ent->opcode);
		return -EINVAL;
	}
	return arm_smmu_cmdq_issue_cmdlist(smmu, cmd, 1, false);
}

int arm_smmu_cmdq_issue_cmd_with_sync(struct arm_smmu_device *smmu,
				      const struct arm_smmu_cmdq_ent *ent)
{
	u64 cmd[CMDQ_ENT_DWORDS];
	if (arm_smmu_cmdq_build_cmd(cmd, ent)) {
		dev_warn(smmu->dev, "ignoring unknown CMDQ opcode 0x%x\n", ent->opcode);
		return -EINVAL;
	}
	return arm_smmu_cmdq_issue_cmdlist(smmu, cmd, 1, true);
}

void arm_smmu_cmdq_batch_add(struct arm_smmu_device *smmu, struct arm_smmu_cmdq_batch *cmds,
			     const struct arm_smmu_cmdq_ent *cmd)
{
	/* a full batch goes out without a sync; the final submit syncs */
	if (cmds->num == CMDQ_BATCH_ENTRIES) {
		arm_smmu_cmdq_issue_cmdlist(smmu, cmds->cmds, cmds->num, false);
		cmds->num = 0;
	}
	if (arm_smmu_cmdq_build_cmd(&cmds->cmds[cmds->num * CMDQ_ENT_DWORDS], cmd)) {
		dev_warn(smmu->dev, "ignoring unknown CMDQ opcode 0x%x\n", cmd->opcode);
		return;
	}
	cmds->num++;
}

int arm_smmu_cmdq_batch_submit(struct arm_smmu_device *smmu, struct arm_smmu_cmdq_batch *cmds)
{
	return arm_smmu_cmdq_issue_cmdlist(smmu, cmds->cmds, cmds->num, true);
}

void arm_smmu_cmdq_skip_err(struct arm_smmu_device *smmu)
{
	static const char *const cerror_str[] = {
		[CMDQ_ERR_CERROR_NONE_IDX] = "No error",
		[CMDQ_ERR_CERROR_ILL_IDX] = "Illegal command",
		[CMDQ_ERR_CERROR_ABT_IDX] = "Abort on command fetch",
		[CMDQ_ERR_CERROR_ATC_INV_IDX] = "ATC invalidate timeout",
	};
	struct arm_smmu_queue *q = &smmu->cmdq;
	u32 cons = readl(&smmu->mmio, q->cons_off);
	u32 idx = (u32)FIELD_GET(CMDQ_CONS_ERR, cons);
	struct arm_smmu_cmdq_ent cmd_sync = { .opcode = CMDQ_OP_CMD_SYNC };
	u64 cmd[CMDQ_ENT_DWORDS] = { 0, 0 };

	smmu->stats.cmdq_errors++;
	dev_err(smmu->dev, "CMDQ error (cons 0x%08x): %s\n", cons,
		idx < ARRAY_SIZE(cerror_str) ? cerror_str[idx] : "Unknown");
	switch (idx) {
	case CMDQ_ERR_CERROR_ABT_IDX:
		dev_err(smmu->dev, "retrying command fetch\n");
		return;
	case CMDQ_ERR_CERROR_NONE_IDX:
	case CMDQ_ERR_CERROR_ATC_INV_IDX:
		/* nothing to skip: CONS already points at a CMD_SYNC or is fine */
		return;
	default:
		break;
	}
	u64 pa = q_ent_pa(q, cons);
	guest_mem_read64(smmu->mem, pa, &cmd[0]);
	guest_mem_read64(smmu->mem, pa + 8, &cmd[1]);
	dev_err(smmu->dev, "skipping command in error state:\n");
	for (unsigned i = 0; i < ARRAY_SIZE(cmd); i++)
		dev_err(smmu->dev, "\t0x%016llx\n", (unsigned long long)cmd[i]);
	/* the bad command becomes a CMD_SYNC, which the queue then consumes */
	arm_smmu_cmdq_build_cmd(cmd, &cmd_sync);
	queue_write(smmu, pa, cmd);
}

void arm_smmu_gerror_handler(struct arm_smmu_device *smmu)
{
	u32 gerror = readl(&smmu->mmio, SMMU_REG_GERROR);
	u32 gerrorn = readl(&smmu->mmio, SMMU_REG_GERRORN);
	u32 active = gerror ^ gerrorn;
	/* GERROR_ERR_MASK of arm-smmu-v3.h */
	if (!(active & 0x1fd))
		return;
	dev_warn(smmu->dev, "unexpected global error reported (0x%08x), this could be serious\n",
		 active);
	if (active & GERROR_SFM_ERR)
		dev_err(smmu->dev, "device has entered Service Failure Mode!\n");
	if (active & GERROR_MSI_GERROR_ABT_ERR)
		dev_warn(smmu->dev, "GERROR MSI write aborted\n");
	if (active & GERROR_MSI_EVTQ_ABT_ERR)
		dev_warn(smmu->dev, "EVTQ MSI write aborted\n");
	if (active & GERROR_MSI_CMDQ_ABT_ERR)
		dev_warn(smmu->dev, "CMDQ MSI write aborted\n");
	if (active & GERROR_EVTQ_ABT_ERR)
		dev_err(smmu->dev, "EVTQ write aborted -- events may have been lost\n");
	if (active & GERROR_CMDQ_ERR)
		arm_smmu_cmdq_skip_err(smmu);
	/* acknowledge: the SMMU resumes the command queue at CONS */
	writel(&smmu->mmio, SMMU_REG_GERRORN, gerror);
}

void arm_smmu_tlb_inv_asid(struct arm_smmu_device *smmu, u16 asid)
{
	struct arm_smmu_cmdq_ent cmd = {
		.opcode = smmu->features & ARM_SMMU_FEAT_E2H ? CMDQ_OP_TLBI_EL2_ASID
							     : CMDQ_OP_TLBI_NH_ASID,
		.tlbi.asid = asid,
	};
	arm_smmu_cmdq_issue_cmd_with_sync(smmu, &cmd);
}

void arm_smmu_tlb_inv_vmid(struct arm_smmu_device *smmu, u16 vmid)
{
	struct arm_smmu_cmdq_ent cmd = { .opcode = CMDQ_OP_TLBI_S12_VMALL, .tlbi.vmid = vmid };
	arm_smmu_cmdq_issue_cmd_with_sync(smmu, &cmd);
}

static unsigned ilog2_u64(u64 v)
{
	return 63U - (unsigned)__builtin_clzll(v);
}

void arm_smmu_tlb_inv_range_cmd(struct arm_smmu_device *smmu, struct arm_smmu_cmdq_ent *cmd,
				u64 iova, size_t size, size_t granule, unsigned leaf_pgshift)
{
	u64 end = iova + size, num_pages = 0;
	u64 inv_range = granule;
	unsigned tg = leaf_pgshift;
	struct arm_smmu_cmdq_batch cmds;

	if (!size || !granule)
		return;
	if (smmu->features & ARM_SMMU_FEAT_RANGE_INV) {
		/* TG: 4K -> 1, 16K -> 2, 64K -> 3 */
		cmd->tlbi.tg = (u8)((tg - 10) / 2);
		/* TTL: the level granule sits at; 6.1 sets it for walk flushes too */
		cmd->tlbi.ttl = (u8)(4 - ((ilog2_u64(granule) - 3) / (tg - 3)));
		num_pages = size >> tg;
		if (!num_pages)
			num_pages = 1;
	}
	cmds.num = 0;
	while (iova < end) {
		if (smmu->features & ARM_SMMU_FEAT_RANGE_INV) {
			if (!num_pages)
				break;
			/* each command takes 5 bits of the remaining page count */
			unsigned scale = (unsigned)__builtin_ctzll(num_pages);
			u64 num = (num_pages >> scale) & CMDQ_TLBI_RANGE_NUM_MAX;
			cmd->tlbi.scale = (u8)scale;
			cmd->tlbi.num = (u8)(num - 1);
			inv_range = num << (scale + tg);
			num_pages -= num << scale;
		}
		cmd->tlbi.addr = iova;
		arm_smmu_cmdq_batch_add(smmu, &cmds, cmd);
		iova += inv_range;
	}
	arm_smmu_cmdq_batch_submit(smmu, &cmds);
}

void arm_smmu_irq_handler(void *opaque, int which)
{
	struct arm_smmu_device *smmu = opaque;
	switch (which) {
	case 0:	/* SMMU_IRQ_EVTQ */
		arm_smmu_evtq_thread(smmu);
		break;
	case 1:	/* SMMU_IRQ_GERROR */
		arm_smmu_gerror_handler(smmu);
		break;
	default:	/* CMD_SYNC completion: we poll CONS instead */
		break;
	}
}
