/*
 * The SMMUv3 device: ID registers built from the configuration, the
 * control/queue registers of pages 0 and 1, and their side effects
 * (CR0 -> CR0ACK, GBPA update, GERRORN acknowledgement, CMDQ_PROD kick).
 * Acknowledgements complete at once: software polling CR0ACK/IRQ_CTRLACK
 * or GBPA.UPDATE sees the new value on its first read.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/smmuv3/smmu_hw_internal.h"
#include "hw/smmuv3/smmu_hw_version.h"

/* QEMU's Primecell/CoreLink ID bytes (an MMU-600) at 0xfd0..0xffc. */
static const u8 smmu_idregs[] = { 0x04, 0, 0, 0, 0x84, 0xB4, 0xF0, 0x10,
				  0x0D, 0xF0, 0x05, 0xB1 };

#define QUEUE_PTR_MASK GENMASK(19, 0) /* index + wrap for up to 2^19 entries */

void smmu_hw_config_qemu_virt(struct smmu_hw_config *c)
{
	memset(c, 0, sizeof(*c));
	c->s1 = true;
	c->s2 = false;
	c->ias = 44;
	c->oas = 44;
	c->sidsize = 16;
	c->ssidsize = 0;
	c->strtab_2lvl = true;
	c->cmdq_shift = 19;
	c->evtq_shift = 19;
	c->range_inv = true;
	c->coherent = true;
	c->asid16 = true;
	c->vmid16 = false;
	c->gran4k = c->gran16k = c->gran64k = true;
	c->stall_model = 1; /* stall not supported */
	c->had = true;
	c->bbml2 = true;
	c->iidr = 0;
	c->aidr = 1; /* SMMUv3.1 */
}

void smmu_hw_config_qemu(struct smmu_hw_config *c, const struct smmu_hw_version *v, bool s1,
			 bool s2)
{
	smmu_hw_config_qemu_virt(c);
	if (!v->has_stage2 || (!s1 && !s2)) {
		s1 = true;
		s2 = false;
	}
	c->s1 = s1;
	c->s2 = s2;
	c->vmid16 = v->vmid16;
	c->xnx = v->xnx_with_stage2 && s2;
	c->bbml2 = v->bbml2;
	c->fault_record_class = v->fault_record_class;
}

static int oas_encoding(unsigned oas)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48 };

	for (unsigned i = 0; i < ARRAY_SIZE(bits); i++)
		if (bits[i] == oas)
			return (int)i;
	return -1;
}

static bool config_valid(const struct smmu_hw_config *c)
{
	return (c->s1 || c->s2) && oas_encoding(c->oas) >= 0 && c->ias >= 32 && c->ias <= 48 &&
	       c->sidsize <= 32 && c->ssidsize <= 20 && c->cmdq_shift <= 19 &&
	       c->evtq_shift <= 19 && !c->cd2l && c->httu <= 2 && c->stall_model <= 3 &&
	       (c->gran4k || c->gran16k || c->gran64k);
}

static void build_idrs(struct smmu_hw *smmu)
{
	const struct smmu_hw_config *c = &smmu->cfg;

	smmu->idr[0] = (u32)((c->s2 ? IDR0_S2P : 0) | (c->s1 ? IDR0_S1P : 0) |
			     FIELD_PREP(IDR0_TTF, IDR0_TTF_AARCH64) |
			     (c->coherent ? IDR0_COHACC : 0) | FIELD_PREP(IDR0_HTTU, c->httu) |
			     (c->hyp ? IDR0_HYP : 0) | (c->asid16 ? IDR0_ASID16 : 0) |
			     (c->msi ? IDR0_MSI : 0) | (c->sev ? IDR0_SEV : 0) |
			     (c->vmid16 ? IDR0_VMID16 : 0) |
			     FIELD_PREP(IDR0_TTENDIAN, IDR0_TTENDIAN_LE) |
			     FIELD_PREP(IDR0_STALL_MODEL, c->stall_model) | IDR0_TERM_MODEL |
			     (c->strtab_2lvl ? FIELD_PREP(IDR0_ST_LVL, IDR0_ST_LVL_2LVL) : 0));
	smmu->idr[1] = (u32)(FIELD_PREP(IDR1_SIDSIZE, c->sidsize) |
			     FIELD_PREP(IDR1_SSIDSIZE, c->ssidsize) |
			     FIELD_PREP(IDR1_EVTQS, c->evtq_shift) |
			     FIELD_PREP(IDR1_CMDQS, c->cmdq_shift));
	smmu->idr[2] = 0;
	smmu->idr[3] = (u32)((c->had ? IDR3_HAD : 0) | (c->xnx ? IDR3_XNX : 0) |
			     (c->range_inv ? IDR3_RIL : 0) | (c->fwb ? IDR3_FWB : 0) |
			     (c->bbml2 ? FIELD_PREP(IDR3_BBML, 2) : 0));
	smmu->idr[4] = 0;
	smmu->idr[5] = (u32)(FIELD_PREP(IDR5_OAS, oas_encoding(c->oas)) |
			     (c->gran4k ? IDR5_GRAN4K : 0) | (c->gran16k ? IDR5_GRAN16K : 0) |
			     (c->gran64k ? IDR5_GRAN64K : 0));
}

struct smmu_hw *smmu_hw_new(struct guest_mem *mem, const struct smmu_hw_config *cfg)
{
	struct smmu_hw *smmu;

	if (!mem || !cfg || !config_valid(cfg))
		return NULL;
	smmu = calloc(1, sizeof(*smmu));
	if (!smmu)
		return NULL;
	smmu->mem = mem;
	smmu->cfg = *cfg;
	build_idrs(smmu);
	smmu->gbpa = GBPA_RESET_VAL;
	smmu->cmdq.max_shift = cfg->cmdq_shift;
	smmu->cmdq.ent_size = 16;
	smmu->evtq.max_shift = cfg->evtq_shift;
	smmu->evtq.ent_size = SMMU_EVT_BYTES;
	smmu_tlb_init(&smmu->tlb);
	return smmu;
}

void smmu_hw_free(struct smmu_hw *smmu)
{
	free(smmu);
}

const struct smmu_hw_config *smmu_hw_get_config(const struct smmu_hw *smmu)
{
	return &smmu->cfg;
}

void smmu_hw_set_irq(struct smmu_hw *smmu, void (*irq)(void *opaque, int which), void *opaque)
{
	smmu->irq = irq;
	smmu->irq_opaque = opaque;
}

const struct smmu_hw_stats *smmu_hw_stats(struct smmu_hw *smmu)
{
	smmu->stats.walks = smmu->wstats.walks;
	smmu->stats.ptw_reads = smmu->wstats.reads;
	return &smmu->stats;
}

/* A 64-bit register seen through a 32-bit access to either half. */
static u32 half(u64 reg, u64 off)
{
	return (u32)((off & 4) ? reg >> 32 : reg);
}

static void set_half(u64 *reg, u64 off, u32 val)
{
	if (off & 4)
		*reg = (*reg & 0xffffffffULL) | (u64)val << 32;
	else
		*reg = (*reg & ~0xffffffffULL) | val;
}

static u32 reg_read32(struct smmu_hw *smmu, u64 off)
{
	if (off >= SMMU_PAGE1) {
		/* Page 1 holds only the EVTQ (and absent PRIQ) index registers. */
		off -= SMMU_PAGE1;
		if (off != SMMU_REG_EVTQ_PROD && off != SMMU_REG_EVTQ_CONS)
			return 0;
	}
	if (off >= SMMU_REG_IDREGS && off < SMMU_REG_IDREGS + 4 * ARRAY_SIZE(smmu_idregs))
		return smmu_idregs[(off - SMMU_REG_IDREGS) / 4];

	switch (off) {
	case SMMU_REG_IDR0: case SMMU_REG_IDR1: case SMMU_REG_IDR2:
	case SMMU_REG_IDR3: case SMMU_REG_IDR4: case SMMU_REG_IDR5:
		return smmu->idr[off / 4];
	case SMMU_REG_IIDR: return smmu->cfg.iidr;
	case SMMU_REG_AIDR: return smmu->cfg.aidr;
	case SMMU_REG_CR0: return smmu->cr0;
	case SMMU_REG_CR0ACK: return smmu->cr0;
	case SMMU_REG_CR1: return smmu->cr1;
	case SMMU_REG_CR2: return smmu->cr2;
	case SMMU_REG_STATUSR: return 0;
	case SMMU_REG_GBPA: return smmu->gbpa;
	case SMMU_REG_IRQ_CTRL: return smmu->irq_ctrl;
	case SMMU_REG_IRQ_CTRLACK: return smmu->irq_ctrl;
	case SMMU_REG_GERROR: return smmu->gerror;
	case SMMU_REG_GERRORN: return smmu->gerrorn;
	case SMMU_REG_GERROR_IRQ_CFG0: case SMMU_REG_GERROR_IRQ_CFG0 + 4:
		return half(smmu->gerror_irq_cfg0, off);
	case SMMU_REG_GERROR_IRQ_CFG1: return smmu->gerror_irq_cfg1;
	case SMMU_REG_GERROR_IRQ_CFG2: return smmu->gerror_irq_cfg2;
	case SMMU_REG_STRTAB_BASE: case SMMU_REG_STRTAB_BASE + 4:
		return half(smmu->strtab_base, off);
	case SMMU_REG_STRTAB_BASE_CFG: return smmu->strtab_base_cfg;
	case SMMU_REG_CMDQ_BASE: case SMMU_REG_CMDQ_BASE + 4:
		return half(smmu->cmdq.base, off);
	case SMMU_REG_CMDQ_PROD: return smmu->cmdq.prod;
	case SMMU_REG_CMDQ_CONS: return smmu->cmdq.cons;
	case SMMU_REG_EVTQ_BASE: case SMMU_REG_EVTQ_BASE + 4:
		return half(smmu->evtq.base, off);
	case SMMU_REG_EVTQ_PROD: return smmu->evtq.prod;
	case SMMU_REG_EVTQ_CONS: return smmu->evtq.cons;
	case SMMU_REG_EVTQ_IRQ_CFG0: case SMMU_REG_EVTQ_IRQ_CFG0 + 4:
		return half(smmu->evtq_irq_cfg0, off);
	case SMMU_REG_EVTQ_IRQ_CFG1: return smmu->evtq_irq_cfg1;
	case SMMU_REG_EVTQ_IRQ_CFG2: return smmu->evtq_irq_cfg2;
	default: return 0;
	}
}

u64 smmu_hw_mmio_read(struct smmu_hw *smmu, u64 offset, unsigned size)
{
	if (!smmu || (size != 4 && size != 8) || (offset & (size - 1)) ||
	    offset >= SMMU_HW_MMIO_SIZE)
		return 0;
	if (size == 4)
		return reg_read32(smmu, offset);
	/* 64-bit access: one register, or two adjacent 32-bit ones. */
	return (u64)reg_read32(smmu, offset) | (u64)reg_read32(smmu, offset + 4) << 32;
}

static void write_cr0(struct smmu_hw *smmu, u32 val)
{
	u32 old = smmu->cr0;

	smmu->cr0 = val & (u32)CR0_WRITABLE;
	/* Enabling the CMDQ starts consumption from CONS. */
	if (!(old & CR0_CMDQEN) && (smmu->cr0 & CR0_CMDQEN))
		smmu_hw_cmdq_process(smmu);
}

static void reg_write32(struct smmu_hw *smmu, u64 off, u32 val)
{
	if (off >= SMMU_PAGE1) {
		off -= SMMU_PAGE1;
		if (off != SMMU_REG_EVTQ_PROD && off != SMMU_REG_EVTQ_CONS)
			return;
	}
	switch (off) {
	case SMMU_REG_CR0:
		write_cr0(smmu, val);
		break;
	case SMMU_REG_CR1:
		smmu->cr1 = val & (u32)GENMASK(11, 0);
		break;
	case SMMU_REG_CR2:
		smmu->cr2 = val & (u32)(CR2_RECINVSID | CR2_PTM | (smmu->cfg.hyp ? CR2_E2H : 0));
		break;
	case SMMU_REG_GBPA:
		/* Only a write with UPDATE set changes GBPA; it completes at once. */
		if (val & GBPA_UPDATE)
			smmu->gbpa = val & (u32)GBPA_FIELDS;
		break;
	case SMMU_REG_IRQ_CTRL:
		smmu->irq_ctrl = val & (u32)(IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVTQ_IRQEN);
		break;
	case SMMU_REG_GERRORN: {
		bool was_err = (smmu->gerror ^ smmu->gerrorn) & GERROR_CMDQ_ERR;

		smmu->gerrorn = val & (u32)GENMASK(8, 0);
		/* Acknowledging CMDQ_ERR lets the queue resume at CONS. */
		if (was_err && !((smmu->gerror ^ smmu->gerrorn) & GERROR_CMDQ_ERR))
			smmu_hw_cmdq_process(smmu);
		break;
	}
	case SMMU_REG_GERROR_IRQ_CFG0: case SMMU_REG_GERROR_IRQ_CFG0 + 4:
		set_half(&smmu->gerror_irq_cfg0, off, val);
		break;
	case SMMU_REG_GERROR_IRQ_CFG1: smmu->gerror_irq_cfg1 = val; break;
	case SMMU_REG_GERROR_IRQ_CFG2: smmu->gerror_irq_cfg2 = val; break;
	case SMMU_REG_STRTAB_BASE: case SMMU_REG_STRTAB_BASE + 4:
		set_half(&smmu->strtab_base, off, val);
		smmu->strtab_base &= STRTAB_BASE_ADDR | STRTAB_BASE_RA;
		break;
	case SMMU_REG_STRTAB_BASE_CFG:
		smmu->strtab_base_cfg = val & (u32)(STRTAB_BASE_CFG_FMT | STRTAB_BASE_CFG_SPLIT |
						    STRTAB_BASE_CFG_LOG2SIZE);
		break;
	case SMMU_REG_CMDQ_BASE: case SMMU_REG_CMDQ_BASE + 4:
		set_half(&smmu->cmdq.base, off, val);
		smmu->cmdq.base &= Q_BASE_RWA | Q_BASE_ADDR | Q_BASE_LOG2SIZE;
		break;
	case SMMU_REG_CMDQ_PROD:
		smmu->cmdq.prod = val & QUEUE_PTR_MASK;
		smmu_hw_cmdq_process(smmu);
		break;
	case SMMU_REG_CMDQ_CONS:
		/* Software owns CONS only while the queue is disabled. */
		if (!(smmu->cr0 & CR0_CMDQEN))
			smmu->cmdq.cons = val & QUEUE_PTR_MASK;
		break;
	case SMMU_REG_EVTQ_BASE: case SMMU_REG_EVTQ_BASE + 4:
		set_half(&smmu->evtq.base, off, val);
		smmu->evtq.base &= Q_BASE_RWA | Q_BASE_ADDR | Q_BASE_LOG2SIZE;
		break;
	case SMMU_REG_EVTQ_PROD:
		if (!(smmu->cr0 & CR0_EVTQEN))
			smmu->evtq.prod = val & (QUEUE_PTR_MASK | Q_OVF);
		break;
	case SMMU_REG_EVTQ_CONS:
		smmu->evtq.cons = val & (QUEUE_PTR_MASK | Q_OVF);
		break;
	case SMMU_REG_EVTQ_IRQ_CFG0: case SMMU_REG_EVTQ_IRQ_CFG0 + 4:
		set_half(&smmu->evtq_irq_cfg0, off, val);
		break;
	case SMMU_REG_EVTQ_IRQ_CFG1: smmu->evtq_irq_cfg1 = val; break;
	case SMMU_REG_EVTQ_IRQ_CFG2: smmu->evtq_irq_cfg2 = val; break;
	default:
		break; /* read-only or unimplemented: ignored */
	}
}

void smmu_hw_mmio_write(struct smmu_hw *smmu, u64 offset, u64 val, unsigned size)
{
	if (!smmu || (size != 4 && size != 8) || (offset & (size - 1)) ||
	    offset >= SMMU_HW_MMIO_SIZE)
		return;
	if (size == 4) {
		reg_write32(smmu, offset, (u32)val);
		return;
	}
	/*
	 * A 64-bit register takes both halves; a pair of 32-bit registers is
	 * written low then high. No 64-bit register has a write side effect.
	 */
	reg_write32(smmu, offset, (u32)val);
	reg_write32(smmu, offset + 4, (u32)(val >> 32));
}
