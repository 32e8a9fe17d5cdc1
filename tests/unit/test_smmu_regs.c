/* SMMU registers: ID registers, CR0/ACK, GBPA, IRQ_CTRL, 64-bit halves, page 1, SMMUEN=0. */
#include "test_smmu_util.h"

static void setup_virt(void)
{
	struct smmu_hw_config c;

	smmu_hw_config_qemu_virt(&c);
	t_create(&c);
}

TestSuite(smmu_regs, .init = setup_virt, .fini = t_destroy);

/* The feature bits arm_smmu_device_hw_probe() (Linux 6.1) derives from the IDRs. */
static u32 linux_features(void)
{
	u32 idr0 = rd32(SMMU_REG_IDR0), idr3 = rd32(SMMU_REG_IDR3), idr5 = rd32(SMMU_REG_IDR5);
	u32 f = 0;

	if (FIELD_GET(IDR0_ST_LVL, idr0) == IDR0_ST_LVL_2LVL)
		f |= 1u << 0;
	if (idr0 & IDR0_CD2L)
		f |= 1u << 1;
	switch (FIELD_GET(IDR0_TTENDIAN, idr0)) {
	case 0: f |= (1u << 2) | (1u << 3); break;
	case 2: f |= 1u << 2; break;
	case 3: f |= 1u << 3; break;
	}
	if (idr0 & BIT(16)) f |= 1u << 4; /* PRI */
	if (idr0 & BIT(10)) f |= 1u << 5; /* ATS */
	if (idr0 & IDR0_SEV) f |= 1u << 6;
	if (idr0 & IDR0_MSI) f |= 1u << 7;
	if (idr0 & IDR0_HYP) f |= 1u << 12;
	if (idr0 & IDR0_COHACC) f |= 1u << 8;
	switch (FIELD_GET(IDR0_STALL_MODEL, idr0)) {
	case 0: f |= 1u << 11; break;
	case 2: f |= (1u << 11) | (1u << 13); break;
	}
	if (idr0 & IDR0_S1P) f |= 1u << 9;
	if (idr0 & IDR0_S2P) f |= 1u << 10;
	if (idr3 & IDR3_RIL) f |= 1u << 15;
	if (FIELD_GET(GENMASK(11, 10), idr5) == 1) f |= 1u << 14; /* VAX */
	return f;
}

Test(smmu_regs, qemu_virt_idrs_give_linux_features_0x8305)
{
	u32 idr0 = rd32(SMMU_REG_IDR0), idr1 = rd32(SMMU_REG_IDR1), idr5 = rd32(SMMU_REG_IDR5);

	cr_assert_eq(linux_features(), 0x00008305, "features 0x%08x", linux_features());
	cr_assert_eq(FIELD_GET(IDR0_TTF, idr0), IDR0_TTF_AARCH64);
	cr_assert(idr0 & IDR0_ASID16);
	cr_assert_not(idr0 & IDR0_VMID16);
	cr_assert_not(idr0 & IDR0_S2P);
	cr_assert_eq(FIELD_GET(IDR1_SIDSIZE, idr1), 16);
	cr_assert_eq(FIELD_GET(IDR1_SSIDSIZE, idr1), 0);
	cr_assert_eq(FIELD_GET(IDR1_CMDQS, idr1), 19);
	cr_assert_eq(FIELD_GET(IDR1_EVTQS, idr1), 19);
	cr_assert_eq(FIELD_GET(IDR5_OAS, idr5), 4, "44-bit OAS");
	cr_assert(idr5 & IDR5_GRAN4K);
	cr_assert(idr5 & IDR5_GRAN16K);
	cr_assert(idr5 & IDR5_GRAN64K);
	cr_assert_eq(rd32(SMMU_REG_AIDR), 1);
	cr_assert_eq(rd32(SMMU_REG_GBPA), GBPA_RESET_VAL);
	/* Primecell ID registers. */
	cr_assert_eq(rd32(0xfd0), 0x04);
	cr_assert_eq(rd32(0xfe0), 0x84);
	cr_assert_eq(rd32(0xffc), 0xb1);
	/* ID registers are read-only. */
	wr32(SMMU_REG_IDR0, 0);
	cr_assert_eq(rd32(SMMU_REG_IDR0), idr0);
}

Test(smmu_regs, config_with_stage2_sets_s2p)
{
	struct smmu_hw_config c;
	struct smmu_hw *s;

	t_cfg_s1s2(&c);
	s = smmu_hw_new(T.mem, &c);
	cr_assert_not_null(s);
	u32 idr0 = (u32)smmu_hw_mmio_read(s, SMMU_REG_IDR0, 4);
	cr_assert(idr0 & IDR0_S2P);
	cr_assert(idr0 & IDR0_VMID16);
	cr_assert_eq(FIELD_GET(IDR1_SSIDSIZE, smmu_hw_mmio_read(s, SMMU_REG_IDR1, 4)), 4);
	smmu_hw_free(s);
}

Test(smmu_regs, bad_configs_are_refused)
{
	struct smmu_hw_config c;

	smmu_hw_config_qemu_virt(&c);
	cr_assert_null(smmu_hw_new(NULL, &c));
	cr_assert_null(smmu_hw_new(T.mem, NULL));
	c.oas = 45;
	cr_assert_null(smmu_hw_new(T.mem, &c));
	smmu_hw_config_qemu_virt(&c);
	c.s1 = false;
	cr_assert_null(smmu_hw_new(T.mem, &c));
	smmu_hw_config_qemu_virt(&c);
	c.cmdq_shift = 20;
	cr_assert_null(smmu_hw_new(T.mem, &c));
	smmu_hw_config_qemu_virt(&c);
	c.gran4k = c.gran16k = c.gran64k = false;
	cr_assert_null(smmu_hw_new(T.mem, &c));
	smmu_hw_config_qemu_virt(&c);
	c.cd2l = true;
	cr_assert_null(smmu_hw_new(T.mem, &c));
}

Test(smmu_regs, cr0_is_acked_and_masked)
{
	wr32(SMMU_REG_CR0, 0xffffffff);
	cr_assert_eq(rd32(SMMU_REG_CR0), (u32)CR0_WRITABLE);
	cr_assert_eq(rd32(SMMU_REG_CR0ACK), (u32)CR0_WRITABLE);
	wr32(SMMU_REG_CR0, CR0_EVTQEN);
	cr_assert_eq(rd32(SMMU_REG_CR0ACK), CR0_EVTQEN);
	wr32(SMMU_REG_CR0ACK, 0); /* read-only */
	cr_assert_eq(rd32(SMMU_REG_CR0ACK), CR0_EVTQEN);
	wr32(SMMU_REG_IRQ_CTRL, 0x7);
	/* No PRI: PRIQ_IRQEN is RES0. */
	cr_assert_eq(rd32(SMMU_REG_IRQ_CTRLACK), IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVTQ_IRQEN);
	wr32(SMMU_REG_CR2, 0x7);
	cr_assert_eq(rd32(SMMU_REG_CR2), CR2_RECINVSID | CR2_PTM, "E2H needs HYP");
}

Test(smmu_regs, gbpa_needs_update_bit)
{
	wr32(SMMU_REG_GBPA, GBPA_ABORT);
	cr_assert_eq(rd32(SMMU_REG_GBPA), GBPA_RESET_VAL, "no UPDATE: ignored");
	wr32(SMMU_REG_GBPA, GBPA_UPDATE | GBPA_ABORT);
	cr_assert_eq(rd32(SMMU_REG_GBPA), GBPA_ABORT, "UPDATE completes and reads 0");
}

Test(smmu_regs, smmu_disabled_follows_gbpa)
{
	u64 pa = 0;
	u8 buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8];
	struct smmu_event ev;

	/* Reset GBPA: bypass. */
	cr_assert_eq(smmu_hw_translate(T.smmu, 1, SMMU_NO_SSID, 0x41230000, false, &pa, &ev), 0);
	cr_assert_eq(pa, 0x41230000);
	cr_assert_eq(smmu_hw_dma(T.smmu, 1, SMMU_NO_SSID, 0x41230ffc, buf, 8, true), 0);
	cr_assert_eq(guest_mem_read(T.mem, 0x41230ffc, back, 8), 0);
	cr_assert_eq(memcmp(buf, back, 8), 0);
	/* Abort: nothing moves, nothing is recorded. */
	wr32(SMMU_REG_GBPA, GBPA_UPDATE | GBPA_ABORT);
	memset(back, 0, 8);
	cr_assert_eq(smmu_hw_dma(T.smmu, 1, SMMU_NO_SSID, 0x41230ffc, back, 8, false), -EFAULT);
	cr_assert_eq(back[0], 0);
	cr_assert_eq(smmu_hw_translate(T.smmu, 1, SMMU_NO_SSID, 0x41230000, false, &pa, &ev),
		     -EFAULT);
	cr_assert_eq(ev.type, 0);
	cr_assert_eq(smmu_hw_stats(T.smmu)->events, 0);
	/* DMA to a bypassed address that is not RAM is an external abort. */
	wr32(SMMU_REG_GBPA, GBPA_UPDATE);
	cr_assert_eq(smmu_hw_dma(T.smmu, 1, SMMU_NO_SSID, 0x1000, buf, 8, true), -EFAULT);
}

Test(smmu_regs, registers_64bit_and_halves)
{
	wr64(SMMU_REG_STRTAB_BASE, 0x4000000000001240ULL | 0x3f);
	cr_assert_eq(rd64(SMMU_REG_STRTAB_BASE), 0x4000000000001240ULL, "RA kept, low bits RES0");
	wr32(SMMU_REG_STRTAB_BASE + 4, 0x12);
	cr_assert_eq(rd64(SMMU_REG_STRTAB_BASE), 0x0000001200001240ULL);
	cr_assert_eq(rd32(SMMU_REG_STRTAB_BASE), 0x00001240);
	cr_assert_eq(rd32(SMMU_REG_STRTAB_BASE + 4), 0x12);
	wr32(SMMU_REG_STRTAB_BASE_CFG, 0xffffffff);
	cr_assert_eq(rd32(SMMU_REG_STRTAB_BASE_CFG), 0x307ff);
	wr64(SMMU_REG_CMDQ_BASE, 0x4000000041000013ULL);
	cr_assert_eq(rd64(SMMU_REG_CMDQ_BASE), 0x4000000041000013ULL);
	wr64(SMMU_REG_EVTQ_BASE, 0x41001000ULL | 7);
	cr_assert_eq(rd64(SMMU_REG_EVTQ_BASE), 0x41001007ULL);
	wr64(SMMU_REG_GERROR_IRQ_CFG0, 0x123456789abcULL);
	cr_assert_eq(rd64(SMMU_REG_GERROR_IRQ_CFG0), 0x123456789abcULL);
	/* A 64-bit read of a 32-bit pair. */
	wr32(SMMU_REG_CMDQ_PROD, 5);
	wr32(SMMU_REG_CMDQ_CONS, 3);
	cr_assert_eq(rd64(SMMU_REG_CMDQ_PROD), (3ULL << 32) | 5);
	/* Bad sizes/alignment/offsets: RAZ/WI. */
	cr_assert_eq(smmu_hw_mmio_read(T.smmu, SMMU_REG_IDR0, 2), 0);
	cr_assert_eq(smmu_hw_mmio_read(T.smmu, SMMU_REG_IDR0 + 2, 4), 0);
	cr_assert_eq(smmu_hw_mmio_read(T.smmu, SMMU_HW_MMIO_SIZE, 4), 0);
	cr_assert_eq(smmu_hw_mmio_read(T.smmu, 0x300, 4), 0);
	smmu_hw_mmio_write(T.smmu, SMMU_REG_CR0, CR0_SMMUEN, 2);
	cr_assert_eq(rd32(SMMU_REG_CR0), 0);
}

Test(smmu_regs, evtq_indexes_in_page1)
{
	wr32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD, 0x5);
	wr32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS, 0x80000003);
	cr_assert_eq(rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD), 0x5);
	cr_assert_eq(rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS), 0x80000003);
	/* Page 0 aliases them (as QEMU); other page-1 offsets are RAZ/WI. */
	cr_assert_eq(rd32(SMMU_REG_EVTQ_PROD), 0x5);
	cr_assert_eq(rd32(SMMU_PAGE1 + SMMU_REG_IDR0), 0);
	wr32(SMMU_PAGE1 + SMMU_REG_CR0, CR0_SMMUEN);
	cr_assert_eq(rd32(SMMU_REG_CR0), 0);
	/* While the EVTQ is enabled, PROD belongs to the SMMU. */
	wr32(SMMU_REG_CR0, CR0_EVTQEN);
	wr32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD, 0x1);
	cr_assert_eq(rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD), 0x5);
}
