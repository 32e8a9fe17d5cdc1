/* End-to-end translation and DMA: stage 1 per granule, stage 2, nested, faults as events. */
#include "test_smmu_util.h"

static void setup(void)
{
	struct smmu_hw_config c;

	t_cfg_s1s2(&c);
	t_setup(&c);
}

TestSuite(smmu_xlate, .init = setup, .fini = t_destroy);

static void s1_granule(unsigned tg0, unsigned g, unsigned t0sz, int start)
{
	struct t_pt pt;
	u64 ste[8], cd[8], cdtab = t_alloc(64, 64), pa;
	u64 iova = 0x12340000ULL << (g - 12), out = 0x48000000ULL;
	u8 data[64], back[64];

	t_pt_init(&pt, g, 64 - t0sz, start, 0);
	t_pt_map(&pt, iova, out, 3, T_S1_RW);
	t_cd(cd, 3, tg0, t0sz, pt.root);
	t_cd_write(cdtab, cd);
	t_ste_s1(ste, cdtab, 0);
	t_ste_write(7, ste);

	cr_assert_eq(smmu_hw_translate(T.smmu, 7, SMMU_NO_SSID, iova + 0x10, true, &pa, NULL), 0);
	cr_assert_eq(pa, out + 0x10);
	for (int i = 0; i < 64; i++)
		data[i] = (u8)(i ^ 0x5a);
	/* A DMA write ending exactly at the end of the page. */
	u64 end = iova + (1ULL << g) - 64;
	cr_assert_eq(smmu_hw_dma(T.smmu, 7, SMMU_NO_SSID, end, data, 64, true), 0);
	cr_assert_eq(guest_mem_read(T.mem, out + (1ULL << g) - 64, back, 64), 0);
	cr_assert_eq(memcmp(data, back, 64), 0);
	const struct smmu_hw_stats *st = smmu_hw_stats(T.smmu);
	cr_assert_eq(st->tlb_misses, 1);
	cr_assert_eq(st->tlb_hits, 1);
}

Test(smmu_xlate, s1_4k) { s1_granule(CD_TG0_4K, 12, 16, 0); }
Test(smmu_xlate, s1_16k) { s1_granule(CD_TG0_16K, 14, 17, 1); }
Test(smmu_xlate, s1_64k) { s1_granule(CD_TG0_64K, 16, 22, 2); }

Test(smmu_xlate, dma_stops_at_first_fault)
{
	struct t_pt pt = t_stream_s1(2, 9, NULL);
	u8 buf[3 * 4096], back[4096];
	struct smmu_event ev;

	t_pt_map(&pt, 0x100000, 0x44000000, 3, T_S1_RW);
	t_pt_map(&pt, 0x101000, 0x44005000, 3, T_S1_RW);
	memset(buf, 0xab, sizeof(buf));
	cr_assert_eq(smmu_hw_dma(T.smmu, 2, SMMU_NO_SSID, 0x100800, buf, 3 * 4096, true), -EFAULT);
	/* The two mapped pages took their bytes; nothing after the fault moved. */
	cr_assert_eq(guest_mem_read(T.mem, 0x44005000, back, 4096), 0);
	cr_assert_eq(back[0], 0xab);
	cr_assert_eq(back[4095], 0xab);
	cr_assert_eq(guest_mem_read(T.mem, 0x44000000, back, 4096), 0);
	cr_assert_eq(back[0x7ff], 0);
	cr_assert_eq(back[0x800], 0xab);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION);
	cr_assert_eq(ev.sid, 2);
	cr_assert_eq(ev.input_addr, 0x102000);
	cr_assert_not(ev.rnw, "a device write");
	cr_assert_not(ev.s2);
	cr_assert_eq(ev.class, SMMU_EVT_CLASS_IN);
	cr_assert_eq(t_evt_pending(), 0);
	cr_assert_eq(smmu_hw_dma(T.smmu, 2, SMMU_NO_SSID, 0, NULL, 4, true), -EINVAL);
	cr_assert_eq(smmu_hw_dma(T.smmu, 2, SMMU_NO_SSID, ~0ULL - 2, buf, 4, true), -EINVAL);
}

Test(smmu_xlate, s1_faults_recorded_with_fields)
{
	struct t_pt pt = t_stream_s1(6, 9, NULL);
	struct smmu_event ev;
	u64 pa;

	t_pt_map(&pt, 0x1000, 0x44000000, 3, T_S1_RO);
	t_pt_map(&pt, 0x2000, 0x44001000, 3, PTE_S1_AP_UNPRIV); /* AF clear */
	t_pt_map(&pt, 0x3000, 1ULL << 44, 3, T_S1_RW); /* CD IPS 48 clamps to OAS 44 */
	cr_assert_eq(smmu_hw_translate(T.smmu, 6, SMMU_NO_SSID, 0x1004, true, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, SMMU_EVT_F_PERMISSION);
	cr_assert_eq(smmu_hw_translate(T.smmu, 6, SMMU_NO_SSID, 0x2000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, SMMU_EVT_F_ACCESS);
	cr_assert(ev.rnw);
	cr_assert_eq(smmu_hw_translate(T.smmu, 6, SMMU_NO_SSID, 0x3000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, SMMU_EVT_F_ADDR_SIZE);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_PERMISSION);
	cr_assert_eq(ev.input_addr, 0x1004);
	cr_assert_not(ev.rnw);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_ACCESS);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_ADDR_SIZE);
	/* A read of the read-only page works and is cached; the write then faults from the TLB. */
	cr_assert_eq(smmu_hw_translate(T.smmu, 6, SMMU_NO_SSID, 0x1000, false, &pa, &ev), 0);
	u64 hits = smmu_hw_stats(T.smmu)->tlb_hits;
	cr_assert_eq(smmu_hw_translate(T.smmu, 6, SMMU_NO_SSID, 0x1000, true, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, SMMU_EVT_F_PERMISSION);
	cr_assert_eq(smmu_hw_stats(T.smmu)->tlb_hits, hits + 1);
}

Test(smmu_xlate, cd_r_clear_suppresses_stage1_events)
{
	u64 cdtab;
	struct t_pt pt = t_stream_s1(8, 9, &cdtab);
	struct smmu_event ev;
	u64 pa;

	(void)pt;
	mwr64(cdtab, mrd64(cdtab) & ~CD0_R);
	cr_assert_eq(smmu_hw_translate(T.smmu, 8, SMMU_NO_SSID, 0x1000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, 0);
	cr_assert_eq(t_evt_pending(), 0);
	cr_assert_eq(smmu_hw_stats(T.smmu)->faults, 1);
}

Test(smmu_xlate, evtq_disabled_loses_events)
{
	struct smmu_event ev;
	u64 pa;

	t_stream_s1(8, 9, NULL);
	wr32(SMMU_REG_CR0, CR0_SMMUEN | CR0_CMDQEN);
	cr_assert_eq(smmu_hw_translate(T.smmu, 8, SMMU_NO_SSID, 0x1000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION, "still reported to the caller");
	cr_assert_eq(smmu_hw_stats(T.smmu)->events, 0);
	cr_assert_eq(smmu_hw_stats(T.smmu)->events_lost, 1);
	cr_assert_eq(T.irqs[SMMU_IRQ_EVTQ], 0);
}

Test(smmu_xlate, blocks_make_one_tlb_entry)
{
	struct t_pt pt = t_stream_s1(2, 9, NULL);
	u64 pa;

	t_pt_map(&pt, 0x40000000, 0x80000000, 1, T_S1_RW); /* 1G block */
	for (u64 off = 0; off < SZ_1G; off += SZ_2M * 7) {
		cr_assert_eq(smmu_hw_translate(T.smmu, 2, SMMU_NO_SSID, 0x40000000 + off, false, &pa, NULL), 0);
		cr_assert_eq(pa, 0x80000000 + off);
	}
	cr_assert_eq(smmu_hw_stats(T.smmu)->tlb_misses, 1);
}

/* Stage 2 only stream: VMID 5, 4K, 40-bit IPA from level 1. */
static struct t_pt s2_stream(u32 sid, u16 vmid)
{
	struct t_pt pt;
	u64 ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S2) };

	t_pt_init(&pt, 12, 40, 1, 0);
	t_ste_s2_fields(ste, vmid, 24, 1, STE_S2TG_4K, 4, pt.root);
	t_ste_write(sid, ste);
	return pt;
}

Test(smmu_xlate, stage2_only)
{
	struct t_pt pt = s2_stream(30, 5);
	struct smmu_event ev;
	u64 pa;

	t_pt_map(&pt, 0x8000000000ULL - 0x1000, 0x45000000, 3, T_S2_RW);
	t_pt_map(&pt, 0x3000, 0x45001000, 3, PTE_AF | PTE_S2_AP_READ);
	cr_assert_eq(smmu_hw_translate(T.smmu, 30, SMMU_NO_SSID, 0x7ffffff010ULL, true, &pa, &ev), 0);
	cr_assert_eq(pa, 0x45000010);
	cr_assert_eq(smmu_hw_translate(T.smmu, 30, SMMU_NO_SSID, 0x3008, true, &pa, &ev), -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_PERMISSION);
	cr_assert(ev.s2);
	cr_assert_eq(ev.class, SMMU_EVT_CLASS_IN);
	cr_assert_eq(ev.ipa, 0x3000, "IPA[51:12] of the faulting access");
	cr_assert_eq(ev.input_addr, 0x3008);
	/* Stage 1 bypassed and the input beyond IAS (44): stage-1 address size fault. */
	cr_assert_eq(smmu_hw_translate(T.smmu, 30, SMMU_NO_SSID, 1ULL << 44, false, &pa, &ev), -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_ADDR_SIZE);
	cr_assert_not(ev.s2);
	/* Beyond S2T0SZ but within IAS: stage-2 translation fault. */
	cr_assert_eq(smmu_hw_translate(T.smmu, 30, SMMU_NO_SSID, 1ULL << 40, false, &pa, &ev), -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION);
	cr_assert(ev.s2);
	/* S2R clear: stage-2 faults go unrecorded. */
	mwr64(T.strtab + 30 * 64 + 16, mrd64(T.strtab + 30 * 64 + 16) & ~STE2_S2R);
	t_cmd(FIELD_PREP(CMD0_OP, CMD_CFGI_STE) | FIELD_PREP(CMD0_SID, 30), 0);
	cr_assert_eq(smmu_hw_translate(T.smmu, 30, SMMU_NO_SSID, 0x9000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, 0);
	cr_assert_eq(t_evt_pending(), 0);
}

/*
 * Nested: stage 2 maps IPA = PA + 4G over the allocator area (2M blocks)
 * and the data IPA 0x80000000 -> PA 0x46000000; S1 tables and the CD table
 * are referenced by IPA.
 */
#define NEST_DELTA 0x100000000ULL

static struct t_pt nest_s2;
static u64 nest_s2_data_slot;

static struct t_pt nested_stream(u32 sid)
{
	struct t_pt s1;
	u64 ste[8], cd[8], cdtab;

	t_pt_init(&nest_s2, 12, 40, 1, 0);
	for (u64 off = 0; off < (64ULL << 20); off += SZ_2M)
		t_pt_map(&nest_s2, T_ALLOC_BASE + NEST_DELTA + off, T_ALLOC_BASE + off, 2, T_S2_RW);
	nest_s2_data_slot = t_pt_map(&nest_s2, 0x80000000ULL, 0x46000000ULL, 3, T_S2_RW);
	cdtab = t_alloc(64, 64);
	t_pt_init(&s1, 12, 48, 0, NEST_DELTA);
	t_cd(cd, 77, CD_TG0_4K, 16, s1.root + NEST_DELTA);
	t_cd_write(cdtab, cd);
	t_ste_s1(ste, cdtab + NEST_DELTA, 0);
	ste[0] = (ste[0] & ~STE0_CONFIG) | FIELD_PREP(STE0_CONFIG, STE_CONFIG_NESTED);
	t_ste_s2_fields(ste, 12, 24, 1, STE_S2TG_4K, 4, nest_s2.root);
	t_ste_write(sid, ste);
	return s1;
}

Test(smmu_xlate, nested)
{
	struct t_pt s1 = nested_stream(40);
	struct smmu_event ev;
	u64 pa;
	u8 v = 0x77, back = 0;

	t_pt_map(&s1, 0x7000, 0x80000000ULL, 3, T_S1_RW);
	cr_assert_eq(smmu_hw_translate(T.smmu, 40, SMMU_NO_SSID, 0x7123, true, &pa, &ev), 0);
	cr_assert_eq(pa, 0x46000123ULL);
	cr_assert_eq(smmu_hw_dma(T.smmu, 40, SMMU_NO_SSID, 0x7124, &v, 1, true), 0);
	cr_assert_eq(guest_mem_read(T.mem, 0x46000124ULL, &back, 1), 0);
	cr_assert_eq(back, 0x77);

	/* Stage-2 write protection of the output IPA: S2, CLASS IN, IPA. */
	mwr64(nest_s2_data_slot, 0x46000000ULL | PTE_VALID | PTE_TYPE | PTE_AF | PTE_S2_AP_READ);
	t_cmd(FIELD_PREP(CMD0_OP, CMD_TLBI_S12_VMALL) | FIELD_PREP(CMD0_VMID, 12), 0);
	cr_assert_eq(smmu_hw_translate(T.smmu, 40, SMMU_NO_SSID, 0x7123, true, &pa, &ev), -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_PERMISSION);
	cr_assert(ev.s2);
	cr_assert_eq(ev.class, SMMU_EVT_CLASS_IN);
	cr_assert_eq(ev.ipa, 0x80000000ULL);
	cr_assert_eq(ev.input_addr, 0x7123);
	/* Reads still work. */
	cr_assert_eq(smmu_hw_translate(T.smmu, 40, SMMU_NO_SSID, 0x7123, false, &pa, &ev), 0);

	/* A stage-1 fault in a nested stream is a stage-1 event. */
	cr_assert_eq(smmu_hw_translate(T.smmu, 40, SMMU_NO_SSID, 0x9000, false, &pa, &ev), -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION);
	cr_assert_not(ev.s2);
}

Test(smmu_xlate, nested_s2_fault_on_table_walk)
{
	struct t_pt s1 = nested_stream(41);
	struct smmu_event ev;
	u64 pa;

	/* S1 maps 0x5000 through a level-1 table that lives at an IPA S2 leaves unmapped. */
	t_pt_map(&s1, 0x7000, 0x80000000ULL, 3, T_S1_RW);
	u64 l0 = t_pt_slot(&s1, 1ULL << 39, 0);
	mwr64(l0, 0x90000000ULL | PTE_VALID | PTE_TYPE);
	cr_assert_eq(smmu_hw_translate(T.smmu, 41, SMMU_NO_SSID, (1ULL << 39) | 0x5000, false, &pa, &ev),
		     -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION);
	cr_assert(ev.s2);
	cr_assert_eq(ev.class, SMMU_EVT_CLASS_TT);
	cr_assert_eq(ev.ipa, 0x90000000ULL + 8 * 0, "IPA of the level-1 descriptor");
	cr_assert_eq(ev.input_addr, (1ULL << 39) | 0x5000);
}

Test(smmu_xlate, nested_s2_fault_on_cd_fetch)
{
	u64 ste[8];
	struct smmu_event ev;
	u64 pa;

	nested_stream(42);
	for (int i = 0; i < 8; i++)
		ste[i] = mrd64(T.strtab + 42 * 64 + 8 * i);
	ste[0] = (ste[0] & ~STE0_S1CTXPTR) | (0xa0000000ULL & STE0_S1CTXPTR); /* unmapped IPA */
	t_ste_write(42, ste);
	cr_assert_eq(smmu_hw_translate(T.smmu, 42, SMMU_NO_SSID, 0x7000, false, &pa, &ev), -EFAULT);
	t_evt_pop(&ev);
	cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION);
	cr_assert(ev.s2);
	cr_assert_eq(ev.class, SMMU_EVT_CLASS_CD);
	cr_assert_eq(ev.ipa, 0xa0000000ULL);
}
