/*
 * Test bench for the SMMU hardware model: guest memory with a bump
 * allocator, an SMMU programmed through MMIO the way a driver would, and
 * hand-built stream tables, CDs and page tables.
 */
#ifndef TEST_SMMU_UTIL_H
#define TEST_SMMU_UTIL_H

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hw/mem.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/smmuv3/smmuv3_regs.h"
#include "hw/smmuv3/smmuv3_tables.h"

#define T_RAM_SIZE (512ULL << 20)
#define T_ALLOC_BASE (VIRT_RAM_BASE + (16ULL << 20))
#define T_STE_LOG2 8
#define T_CMDQ_SHIFT 6
#define T_EVTQ_SHIFT 3

struct tenv {
	struct guest_mem *mem;
	struct smmu_hw *smmu;
	struct smmu_hw_config cfg;
	u64 next;
	u64 strtab, cmdq, evtq;
	int irqs[3];
};

static struct tenv T;

static inline void t_irq(void *opaque, int which)
{
	((struct tenv *)opaque)->irqs[which]++;
}

static inline u64 t_alloc(u64 size, u64 align)
{
	u64 a = ALIGN_UP(T.next, align);

	T.next = a + size;
	cr_assert(T.next <= VIRT_RAM_BASE + T_RAM_SIZE);
	return a;
}

static inline u32 rd32(u64 off) { return (u32)smmu_hw_mmio_read(T.smmu, off, 4); }
static inline u64 rd64(u64 off) { return smmu_hw_mmio_read(T.smmu, off, 8); }
static inline void wr32(u64 off, u32 v) { smmu_hw_mmio_write(T.smmu, off, v, 4); }
static inline void wr64(u64 off, u64 v) { smmu_hw_mmio_write(T.smmu, off, v, 8); }

static inline u64 mrd64(u64 pa)
{
	u64 v = 0;

	cr_assert_eq(guest_mem_read64(T.mem, pa, &v), 0);
	return v;
}

static inline void mwr64(u64 pa, u64 v)
{
	cr_assert_eq(guest_mem_write64(T.mem, pa, v), 0);
}

/*
 * Create memory + SMMU; no register programmed yet. The tests check the
 * architected event records, so the SMMU writes every field unless
 * as_configured keeps cfg's choice (QEMU 7.2's sparser records).
 */
static inline void t_create_cfg(const struct smmu_hw_config *cfg, bool as_configured)
{
	memset(&T, 0, sizeof(T));
	T.mem = guest_mem_new(VIRT_RAM_BASE, T_RAM_SIZE);
	cr_assert_not_null(T.mem);
	T.cfg = *cfg;
	if (!as_configured)
		T.cfg.arch_event_records = true;
	T.smmu = smmu_hw_new(T.mem, &T.cfg);
	cr_assert_not_null(T.smmu);
	smmu_hw_set_irq(T.smmu, t_irq, &T);
	T.next = T_ALLOC_BASE;
}

static inline void t_create(const struct smmu_hw_config *cfg)
{
	t_create_cfg(cfg, false);
}

/* Linear stream table, CMDQ and EVTQ, IRQs on, then SMMUEN. */
static inline void t_enable(void)
{
	T.strtab = t_alloc(64ULL << T_STE_LOG2, 64ULL << T_STE_LOG2);
	T.cmdq = t_alloc(16ULL << T_CMDQ_SHIFT, 16ULL << T_CMDQ_SHIFT);
	T.evtq = t_alloc(32ULL << T_EVTQ_SHIFT, 32ULL << T_EVTQ_SHIFT);
	wr64(SMMU_REG_STRTAB_BASE, T.strtab);
	wr32(SMMU_REG_STRTAB_BASE_CFG, T_STE_LOG2);
	wr64(SMMU_REG_CMDQ_BASE, T.cmdq | T_CMDQ_SHIFT);
	wr64(SMMU_REG_EVTQ_BASE, T.evtq | T_EVTQ_SHIFT);
	wr32(SMMU_REG_CR2, CR2_RECINVSID | CR2_PTM);
	wr32(SMMU_REG_IRQ_CTRL, IRQ_CTRL_EVTQ_IRQEN | IRQ_CTRL_GERROR_IRQEN);
	wr32(SMMU_REG_CR0, CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
	cr_assert_eq(rd32(SMMU_REG_CR0ACK), CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
}

static inline void t_setup(const struct smmu_hw_config *cfg)
{
	t_create(cfg);
	t_enable();
}

/* QEMU virt, plus stage 2 and VMID16 so every STE config can be tested. */
static inline void t_cfg_s1s2(struct smmu_hw_config *c)
{
	smmu_hw_config_qemu_virt(c);
	c->s2 = true;
	c->vmid16 = true;
	c->ssidsize = 4;
}

static inline void t_destroy(void)
{
	smmu_hw_free(T.smmu);
	guest_mem_free(T.mem);
}

static inline void t_ste_write(u32 sid, const u64 ste[8])
{
	for (int i = 0; i < 8; i++)
		mwr64(T.strtab + sid * 64ULL + 8 * i, ste[i]);
}

/* Push one command and ring the doorbell. */
static inline void t_cmd(u64 c0, u64 c1)
{
	u32 prod = rd32(SMMU_REG_CMDQ_PROD);
	u32 mask = (2u << T_CMDQ_SHIFT) - 1;
	u64 slot = T.cmdq + 16ULL * (prod & ((1u << T_CMDQ_SHIFT) - 1));

	mwr64(slot, c0);
	mwr64(slot + 8, c1);
	wr32(SMMU_REG_CMDQ_PROD, (prod + 1) & mask);
}

/* Number of records waiting in the EVTQ. */
static inline u32 t_evt_pending(void)
{
	u32 prod = rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD), cons = rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS);
	u32 mask = (2u << T_EVTQ_SHIFT) - 1;

	return ((prod & mask) - (cons & mask)) & mask;
}

/* Pop the next event record; fails the test when there is none. */
static inline void t_evt_pop(struct smmu_event *ev)
{
	u32 cons = rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS);
	u32 mask = (2u << T_EVTQ_SHIFT) - 1;
	u8 rec[32];

	cr_assert_gt(t_evt_pending(), 0, "no event in the EVTQ");
	cr_assert_eq(guest_mem_read(T.mem, T.evtq + 32ULL * (cons & ((1u << T_EVTQ_SHIFT) - 1)), rec, 32), 0);
	smmu_event_decode(rec, ev);
	wr32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS, (cons & Q_OVF) | ((cons + 1) & mask));
}

/* ---- page tables ---- */

struct t_pt {
	u64 root; /* PA of the start-level table */
	unsigned g; /* granule shift */
	unsigned in_bits;
	int start;
	u64 table_delta; /* table pointers are written as PA + delta (IPA for nested S1) */
};

static inline void t_pt_init(struct t_pt *pt, unsigned g, unsigned in_bits, int start, u64 delta)
{
	unsigned stride = g - 3, shift = g + stride * (unsigned)(3 - start);
	u64 bytes = 8ULL << (in_bits - shift);

	pt->g = g;
	pt->in_bits = in_bits;
	pt->start = start;
	pt->table_delta = delta;
	pt->root = t_alloc(MAX(bytes, 64ULL), MAX(bytes, 64ULL));
}

/* Address of the descriptor for addr at level, building tables down to it. */
static inline u64 t_pt_slot(struct t_pt *pt, u64 addr, int level)
{
	unsigned stride = pt->g - 3;
	u64 table = pt->root;

	for (int l = pt->start;; l++) {
		unsigned shift = pt->g + stride * (unsigned)(3 - l);
		unsigned bits = l == pt->start ? pt->in_bits - shift : stride;
		u64 slot = table + ((addr >> shift) & ((1ULL << bits) - 1)) * 8;
		u64 d;

		if (l == level)
			return slot;
		d = mrd64(slot);
		if (!(d & PTE_VALID)) {
			u64 next = t_alloc(1ULL << pt->g, 1ULL << pt->g);

			d = (next + pt->table_delta) | PTE_VALID | PTE_TYPE;
			mwr64(slot, d);
		}
		table = (d & GENMASK_ULL(47, pt->g)) - pt->table_delta;
	}
}

#define T_S1_RW (PTE_AF | PTE_S1_AP_UNPRIV)
#define T_S1_RO (PTE_AF | PTE_S1_AP_UNPRIV | PTE_S1_AP_RDONLY)
#define T_S2_RW (PTE_AF | PTE_S2_AP_READ | PTE_S2_AP_WRITE)

/* Leaf (page at level 3, block above) mapping addr -> out with attrs. */
static inline u64 t_pt_map(struct t_pt *pt, u64 addr, u64 out, int level, u64 attrs)
{
	u64 slot = t_pt_slot(pt, addr, level);

	mwr64(slot, out | attrs | PTE_VALID | (level == 3 ? PTE_TYPE : 0));
	return slot;
}

/* ---- STE / CD builders ---- */

static inline void t_ste_s1(u64 ste[8], u64 cdtab, unsigned s1cdmax)
{
	memset(ste, 0, 64);
	ste[0] = STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S1) | (cdtab & STE0_S1CTXPTR) |
		 FIELD_PREP(STE0_S1CDMAX, s1cdmax);
	ste[1] = FIELD_PREP(STE1_S1DSS, STE_S1DSS_SSID0) | FIELD_PREP(STE1_SHCFG, 1);
}

/* VTCR-style stage-2 words for STE word 2/3. */
static inline void t_ste_s2_fields(u64 ste[8], u16 vmid, unsigned t0sz, unsigned sl0, unsigned tg,
				   unsigned ps, u64 s2ttb)
{
	ste[2] = FIELD_PREP(STE2_S2VMID, vmid) | FIELD_PREP(STE2_S2T0SZ, t0sz) |
		 FIELD_PREP(STE2_S2SL0, sl0) | FIELD_PREP(STE2_S2TG, tg) | FIELD_PREP(STE2_S2PS, ps) |
		 STE2_S2AA64 | STE2_S2R;
	ste[3] = s2ttb & STE3_S2TTB;
}

static inline void t_cd(u64 cd[8], u16 asid, unsigned tg0, unsigned t0sz, u64 ttb0)
{
	memset(cd, 0, 64);
	cd[0] = FIELD_PREP(CD0_T0SZ, t0sz) | FIELD_PREP(CD0_TG0, tg0) | FIELD_PREP(CD0_IRGN0, 1) |
		FIELD_PREP(CD0_ORGN0, 1) | FIELD_PREP(CD0_SH0, 3) | CD0_EPD1 | CD0_V |
		FIELD_PREP(CD0_IPS, 5) | CD0_AA64 | CD0_R | CD0_A | CD0_ASET |
		FIELD_PREP(CD0_ASID, asid);
	cd[1] = ttb0 & CD1_TTB0;
	cd[3] = 0x0000000000ff04ULL;
}

static inline void t_cd_write(u64 pa, const u64 cd[8])
{
	for (int i = 0; i < 8; i++)
		mwr64(pa + 8 * i, cd[i]);
}

/*
 * A stream using stage 1 with a 4K, 48-bit table: returns its table; the CD
 * table (one CD) is at *cdtab.
 */
static inline struct t_pt t_stream_s1(u32 sid, u16 asid, u64 *cdtab_out)
{
	struct t_pt pt;
	u64 ste[8], cd[8];
	u64 cdtab = t_alloc(64, 64);

	t_pt_init(&pt, 12, 48, 0, 0);
	t_cd(cd, asid, CD_TG0_4K, 16, pt.root);
	t_cd_write(cdtab, cd);
	t_ste_s1(ste, cdtab, 0);
	t_ste_write(sid, ste);
	if (cdtab_out)
		*cdtab_out = cdtab;
	return pt;
}

#endif
