/*
 * The in-memory structures of arm-smmu-v3 (Linux 6.1 arm_smmu_init_structures
 * and arm_smmu_device_reset): the command and event queues and the stream
 * table live in guest RAM from the kernel's page allocator; reset hands
 * their addresses to the SMMU through its registers and enables it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smmuv3/smmu_tables.h"
#include "smmuv3/ste.h"
#include "smmuv3/cmdq.h"
#include "smmuv3/evtq.h"
#include "base/page_alloc.h"
#include "hw/smmuv3/smmuv3_regs.h"

/* the L1 table is capped at 1 MiB: STRTAB_L1_SZ_SHIFT */
#define STRTAB_L1_SZ_SHIFT 20
/* register polls before an acknowledgement is declared lost */
#define ARM_SMMU_ACK_POLLS 16

/* CR1: cacheable, inner-shareable table and queue accesses */
#define CR1_TABLE_SH GENMASK(11, 10)
#define CR1_TABLE_OC GENMASK(9, 8)
#define CR1_TABLE_IC GENMASK(7, 6)
#define CR1_QUEUE_SH GENMASK(5, 4)
#define CR1_QUEUE_OC GENMASK(3, 2)
#define CR1_QUEUE_IC GENMASK(1, 0)
#define CR1_CACHE_WB 1

static u64 tables_alloc(struct arm_smmu_device *smmu, u64 size)
{
	u64 pa;
	if (!smmu->k || !smmu->k->pages)
		return 0;
	pa = page_alloc(smmu->k->pages, size);
	/* dma_alloc_coherent() memory is zeroed */
	if (pa && guest_mem_fill(smmu->mem, pa, 0, size)) {
		page_free(smmu->k->pages, pa, size);
		return 0;
	}
	return pa;
}

static void tables_free(struct arm_smmu_device *smmu, u64 pa, u64 size)
{
	if (pa && smmu->k && smmu->k->pages)
		page_free(smmu->k->pages, pa, size);
}

/* arm_smmu_init_one_queue(): shrink the queue until its allocation succeeds */
static int init_one_queue(struct arm_smmu_device *smmu, struct arm_smmu_queue *q, u32 prod_off,
			  u32 cons_off, unsigned dwords, const char *name, u64 *size_out,
			  u64 *q_base)
{
	u64 qsz;
	for (;;) {
		qsz = ((1ULL << q->max_n_shift) * dwords) << 3;
		q->base_pa = tables_alloc(smmu, qsz);
		if (q->base_pa || qsz < PAGE_SIZE || !q->max_n_shift)
			break;
		q->max_n_shift--;
	}
	if (!q->base_pa) {
		dev_err(smmu->dev, "failed to allocate queue (0x%llx bytes) for %s\n",
			(unsigned long long)qsz, name);
		return -ENOMEM;
	}
	dev_info(smmu->dev, "allocated %u entries for %s\n", 1U << q->max_n_shift, name);
	*size_out = qsz;
	q->prod_off = prod_off;
	q->cons_off = cons_off;
	q->ent_dwords = dwords;
	*q_base = Q_BASE_RWA | (q->base_pa & Q_BASE_ADDR) |
		  FIELD_PREP(Q_BASE_LOG2SIZE, q->max_n_shift);
	q->prod = q->cons = 0;
	return 0;
}

/* arm_smmu_init_bypass_stes(): every STE of a fresh table aborts or bypasses */
static int init_initial_stes(struct arm_smmu_device *smmu, u64 pa, u32 nent)
{
	u64 ste[NUM_ENTRY_QWORDS];
	if (smmu->allow_bypass)
		arm_smmu_make_bypass_ste(ste, smmu);
	else
		arm_smmu_make_abort_ste(ste, smmu);
	for (u32 i = 0; i < nent; i++)
		if (guest_mem_write(smmu->mem, pa + (u64)i * sizeof(ste), ste, sizeof(ste)))
			return -EFAULT;
	return 0;
}

static int init_strtab_2lvl(struct arm_smmu_device *smmu, struct arm_smmu_tables *t)
{
	u32 size = STRTAB_L1_SZ_SHIFT - 3;
	size = MIN(size, smmu->sid_bits - STRTAB_SPLIT);
	t->num_l1_ents = 1U << size;
	size += STRTAB_SPLIT;
	if (size < smmu->sid_bits)
		dev_warn(smmu->dev, "2-level strtab only covers %u/%u bits of SID\n", size,
			 smmu->sid_bits);
	t->strtab_size = (u64)t->num_l1_ents * (STRTAB_L1_DESC_DWORDS << 3);
	t->strtab_pa = tables_alloc(smmu, t->strtab_size);
	if (!t->strtab_pa) {
		dev_err(smmu->dev, "failed to allocate l1 stream table (%u bytes)\n",
			(unsigned)t->strtab_size);
		return -ENOMEM;
	}
	t->l1_desc = calloc(t->num_l1_ents, sizeof(*t->l1_desc));
	if (!t->l1_desc)
		return -ENOMEM;
	t->strtab_base_cfg = (u32)(FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_2LVL) |
				   FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, size) |
				   FIELD_PREP(STRTAB_BASE_CFG_SPLIT, STRTAB_SPLIT));
	/* the L1 descriptors start invalid (span 0): the table was zeroed */
	return 0;
}

static int init_strtab_linear(struct arm_smmu_device *smmu, struct arm_smmu_tables *t)
{
	t->strtab_size = (1ULL << smmu->sid_bits) * (STRTAB_STE_DWORDS << 3);
	t->strtab_pa = tables_alloc(smmu, t->strtab_size);
	if (!t->strtab_pa) {
		dev_err(smmu->dev, "failed to allocate linear stream table (%u bytes)\n",
			(unsigned)t->strtab_size);
		return -ENOMEM;
	}
	t->num_l1_ents = 1U << smmu->sid_bits;
	t->strtab_base_cfg = (u32)(FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_LINEAR) |
				   FIELD_PREP(STRTAB_BASE_CFG_LOG2SIZE, smmu->sid_bits));
	return init_initial_stes(smmu, t->strtab_pa, t->num_l1_ents);
}

int arm_smmu_init_structures(struct arm_smmu_device *smmu)
{
	struct arm_smmu_tables *t;
	int ret;

	if (!smmu || !smmu->mem || smmu->tables)
		return -EINVAL;
	/* a linear table of more than 2^20 STEs is not something we allocate */
	if (smmu->sid_bits > 32 || (!(smmu->features & ARM_SMMU_FEAT_2_LVL_STRTAB) &&
				     smmu->sid_bits > 20))
		return -EINVAL;
	if (smmu->cmdq.max_n_shift > CMDQ_MAX_SZ_SHIFT(kernel_config(smmu->k)) ||
	    smmu->evtq.max_n_shift > EVTQ_MAX_SZ_SHIFT(kernel_config(smmu->k)))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	smmu->tables = t;
	ret = init_one_queue(smmu, &smmu->cmdq, SMMU_REG_CMDQ_PROD, SMMU_REG_CMDQ_CONS,
			     CMDQ_ENT_DWORDS, "cmdq", &t->cmdq_size, &t->cmdq_q_base);
	if (ret)
		goto err;
	ret = init_one_queue(smmu, &smmu->evtq, SMMU_PAGE1 + SMMU_REG_EVTQ_PROD,
			     SMMU_PAGE1 + SMMU_REG_EVTQ_CONS, EVTQ_ENT_DWORDS, "evtq",
			     &t->evtq_size, &t->evtq_q_base);
	if (ret)
		goto err;
	if (smmu->features & ARM_SMMU_FEAT_2_LVL_STRTAB)
		ret = init_strtab_2lvl(smmu, t);
	else
		ret = init_strtab_linear(smmu, t);
	if (ret)
		goto err;
	t->strtab_base = (t->strtab_pa & STRTAB_BASE_ADDR) | STRTAB_BASE_RA;
	t->asid_map = calloc(1, (1U << 16) / 8);
	t->vmid_map = calloc(1, (1U << 16) / 8);
	if (!t->asid_map || !t->vmid_map) {
		ret = -ENOMEM;
		goto err;
	}
	return 0;
err:
	arm_smmu_free_structures(smmu);
	return ret;
}

void arm_smmu_free_structures(struct arm_smmu_device *smmu)
{
	struct arm_smmu_tables *t = smmu ? smmu->tables : NULL;
	if (!t)
		return;
	/* stop the SMMU reading memory we are about to hand back */
	if (smmu->mmio.write)
		writel(&smmu->mmio, SMMU_REG_CR0, 0);
	if (t->l1_desc)
		for (u32 i = 0; i < t->num_l1_ents; i++)
			tables_free(smmu, t->l1_desc[i].l2ptr_pa,
				    (u64)STRTAB_STE_DWORDS * 8 << STRTAB_SPLIT);
	tables_free(smmu, t->strtab_pa, t->strtab_size);
	tables_free(smmu, smmu->cmdq.base_pa, t->cmdq_size);
	tables_free(smmu, smmu->evtq.base_pa, t->evtq_size);
	smmu->cmdq.base_pa = smmu->evtq.base_pa = 0;
	free(t->l1_desc);
	free(t->asid_map);
	free(t->vmid_map);
	free(t);
	smmu->tables = NULL;
}

/* arm_smmu_write_reg_sync(): write, then poll the ACK register for the value */
static int write_reg_sync(struct arm_smmu_device *smmu, u32 val, u32 reg_off, u32 ack_off)
{
	writel(&smmu->mmio, reg_off, val);
	for (int i = 0; i < ARM_SMMU_ACK_POLLS; i++)
		if (readl(&smmu->mmio, ack_off) == val)
			return 0;
	return -ETIMEDOUT;
}

/* arm_smmu_update_gbpa(): GBPA changes through its UPDATE handshake */
static int update_gbpa(struct arm_smmu_device *smmu, u32 set, u32 clr)
{
	u32 reg = readl(&smmu->mmio, SMMU_REG_GBPA);
	int i;
	for (i = 0; i < ARM_SMMU_ACK_POLLS && (reg & GBPA_UPDATE); i++)
		reg = readl(&smmu->mmio, SMMU_REG_GBPA);
	if (reg & GBPA_UPDATE)
		return -ETIMEDOUT;
	reg = (reg & ~clr) | set;
	writel(&smmu->mmio, SMMU_REG_GBPA, reg | GBPA_UPDATE);
	for (i = 0; i < ARM_SMMU_ACK_POLLS; i++)
		if (!(readl(&smmu->mmio, SMMU_REG_GBPA) & GBPA_UPDATE))
			return 0;
	dev_err(smmu->dev, "GBPA not responding to update\n");
	return -ETIMEDOUT;
}

/* arm_smmu_setup_irqs(): wired lines (no MSIs on virt), then IRQ_CTRL */
static int setup_irqs(struct arm_smmu_device *smmu)
{
	if (write_reg_sync(smmu, 0, SMMU_REG_IRQ_CTRL, SMMU_REG_IRQ_CTRLACK)) {
		dev_err(smmu->dev, "failed to disable irqs\n");
		return -ETIMEDOUT;
	}
	/* arm_smmu_setup_msis(): clear the MSI address registers */
	writeq(&smmu->mmio, SMMU_REG_GERROR_IRQ_CFG0, 0);
	writeq(&smmu->mmio, SMMU_REG_EVTQ_IRQ_CFG0, 0);
	if (write_reg_sync(smmu, IRQ_CTRL_EVTQ_IRQEN | IRQ_CTRL_GERROR_IRQEN, SMMU_REG_IRQ_CTRL,
			   SMMU_REG_IRQ_CTRLACK))
		dev_warn(smmu->dev, "failed to enable irqs\n");
	return 0;
}

int arm_smmu_device_reset(struct arm_smmu_device *smmu)
{
	struct arm_smmu_tables *t = smmu ? smmu->tables : NULL;
	struct arm_smmu_cmdq_ent cmd = { 0 };
	u32 enables;
	int ret;

	if (!t)
		return -EINVAL;
	if (readl(&smmu->mmio, SMMU_REG_CR0) & CR0_SMMUEN) {
		dev_warn(smmu->dev, "SMMU currently enabled! Resetting...\n");
		update_gbpa(smmu, GBPA_ABORT, 0);
	}
	ret = write_reg_sync(smmu, 0, SMMU_REG_CR0, SMMU_REG_CR0ACK);
	if (ret) {
		dev_err(smmu->dev, "failed to clear cr0\n");
		return ret;
	}
	writel(&smmu->mmio, SMMU_REG_CR1,
	       (u32)(FIELD_PREP(CR1_TABLE_SH, ARM_SMMU_SH_ISH) |
		     FIELD_PREP(CR1_TABLE_OC, CR1_CACHE_WB) | FIELD_PREP(CR1_TABLE_IC, CR1_CACHE_WB) |
		     FIELD_PREP(CR1_QUEUE_SH, ARM_SMMU_SH_ISH) |
		     FIELD_PREP(CR1_QUEUE_OC, CR1_CACHE_WB) | FIELD_PREP(CR1_QUEUE_IC, CR1_CACHE_WB)));
	writel(&smmu->mmio, SMMU_REG_CR2,
	       CR2_PTM | CR2_RECINVSID | ((smmu->features & ARM_SMMU_FEAT_E2H) ? CR2_E2H : 0));

	writeq(&smmu->mmio, SMMU_REG_STRTAB_BASE, t->strtab_base);
	writel(&smmu->mmio, SMMU_REG_STRTAB_BASE_CFG, t->strtab_base_cfg);

	writeq(&smmu->mmio, SMMU_REG_CMDQ_BASE, t->cmdq_q_base);
	writel(&smmu->mmio, SMMU_REG_CMDQ_PROD, smmu->cmdq.prod);
	writel(&smmu->mmio, SMMU_REG_CMDQ_CONS, smmu->cmdq.cons);
	enables = CR0_CMDQEN;
	ret = write_reg_sync(smmu, enables, SMMU_REG_CR0, SMMU_REG_CR0ACK);
	if (ret) {
		dev_err(smmu->dev, "failed to enable command queue\n");
		return ret;
	}
	/* forget any configuration and translation cached before we came */
	cmd.opcode = CMDQ_OP_CFGI_ALL;
	arm_smmu_cmdq_issue_cmd_with_sync(smmu, &cmd);
	if (smmu->features & ARM_SMMU_FEAT_HYP) {
		cmd.opcode = CMDQ_OP_TLBI_EL2_ALL;
		arm_smmu_cmdq_issue_cmd_with_sync(smmu, &cmd);
	}
	cmd.opcode = CMDQ_OP_TLBI_NSNH_ALL;
	arm_smmu_cmdq_issue_cmd_with_sync(smmu, &cmd);

	writeq(&smmu->mmio, SMMU_REG_EVTQ_BASE, t->evtq_q_base);
	writel(&smmu->mmio, smmu->evtq.prod_off, smmu->evtq.prod);
	writel(&smmu->mmio, smmu->evtq.cons_off, smmu->evtq.cons);
	enables |= CR0_EVTQEN;
	ret = write_reg_sync(smmu, enables, SMMU_REG_CR0, SMMU_REG_CR0ACK);
	if (ret) {
		dev_err(smmu->dev, "failed to enable event queue\n");
		return ret;
	}
	ret = setup_irqs(smmu);
	if (ret) {
		dev_err(smmu->dev, "failed to setup irqs\n");
		return ret;
	}
	/* the DT probe succeeded, so never global bypass: enable translation */
	enables |= CR0_SMMUEN;
	ret = write_reg_sync(smmu, enables, SMMU_REG_CR0, SMMU_REG_CR0ACK);
	if (ret) {
		dev_err(smmu->dev, "failed to enable SMMU interface\n");
		return ret;
	}
	return 0;
}

static bool sid_in_range(const struct arm_smmu_device *smmu, const struct arm_smmu_tables *t,
			 u32 sid)
{
	u64 limit = t->num_l1_ents;
	if (smmu->features & ARM_SMMU_FEAT_2_LVL_STRTAB)
		limit <<= STRTAB_SPLIT;
	return sid < limit;
}

/* arm_smmu_init_l2_strtab(): a level-2 table of 256 STEs, then its L1 descriptor */
static int init_l2_strtab(struct arm_smmu_device *smmu, struct arm_smmu_tables *t, u32 sid)
{
	struct arm_smmu_strtab_l1_desc *desc = &t->l1_desc[sid >> STRTAB_SPLIT];
	u64 size = (u64)STRTAB_STE_DWORDS * 8 << STRTAB_SPLIT;
	u64 val;

	if (desc->l2ptr_pa)
		return 0;
	u64 pa = tables_alloc(smmu, size);
	if (!pa) {
		dev_err(smmu->dev, "failed to allocate l2 stream table for SID %u\n", sid);
		return -ENOMEM;
	}
	if (init_initial_stes(smmu, pa, 1U << STRTAB_SPLIT)) {
		tables_free(smmu, pa, size);
		return -EFAULT;
	}
	desc->l2ptr_pa = pa;
	desc->span = STRTAB_SPLIT + 1;
	val = FIELD_PREP(STRTAB_L1_DESC_SPAN, desc->span) | (pa & STRTAB_L1_DESC_L2PTR_MASK);
	/* one 64-bit store: the SMMU sees the old (invalid) or the new descriptor */
	return guest_mem_write64(smmu->mem,
				 t->strtab_pa + (u64)(sid >> STRTAB_SPLIT) * (STRTAB_L1_DESC_DWORDS << 3),
				 val);
}

int arm_smmu_init_sid_strtab(struct arm_smmu_device *smmu, u32 sid)
{
	struct arm_smmu_tables *t = smmu ? smmu->tables : NULL;
	if (!t)
		return -EINVAL;
	if (!sid_in_range(smmu, t, sid))
		return -ERANGE;
	if (smmu->features & ARM_SMMU_FEAT_2_LVL_STRTAB)
		return init_l2_strtab(smmu, t, sid);
	return 0;
}

int arm_smmu_ste_pa(struct arm_smmu_device *smmu, u32 sid, u64 *pa)
{
	struct arm_smmu_tables *t = smmu ? smmu->tables : NULL;
	if (!t)
		return -EINVAL;
	if (!sid_in_range(smmu, t, sid))
		return -ERANGE;
	if (smmu->features & ARM_SMMU_FEAT_2_LVL_STRTAB) {
		const struct arm_smmu_strtab_l1_desc *d = &t->l1_desc[sid >> STRTAB_SPLIT];
		if (!d->l2ptr_pa)
			return -ENOENT;
		*pa = d->l2ptr_pa + (u64)(sid & ((1U << STRTAB_SPLIT) - 1)) * (STRTAB_STE_DWORDS << 3);
	} else {
		*pa = t->strtab_pa + (u64)sid * (STRTAB_STE_DWORDS << 3);
	}
	return 0;
}

int arm_smmu_install_ste_for_dev(struct arm_smmu_master *master)
{
	u64 target[NUM_ENTRY_QWORDS];
	int ret = 0;

	if (!master || !master->smmu)
		return -EINVAL;
	arm_smmu_make_master_ste(target, master);
	for (unsigned i = 0; i < master->num_streams; i++) {
		u32 sid = master->streams[i].id;
		unsigned j;
		/* bridged PCI devices may list one ID twice */
		for (j = 0; j < i; j++)
			if (master->streams[j].id == sid)
				break;
		if (j < i)
			continue;
		int r = arm_smmu_write_ste(master->smmu, sid, target);
		if (r && !ret)
			ret = r;
	}
	return ret;
}
