/* Event records: the architected byte layout, decode, EVTQ overflow, abort and IRQ. */
#include "test_smmu_util.h"

static void setup(void)
{
	struct smmu_hw_config c;

	smmu_hw_config_qemu_virt(&c);
	t_setup(&c);
}

TestSuite(smmu_evtq, .init = setup, .fini = t_destroy);

static u64 word(const u8 *rec, int i)
{
	u64 v = 0;

	for (int b = 7; b >= 0; b--)
		v = v << 8 | rec[8 * i + b];
	return v;
}

Test(smmu_evtq, record_layout_field_by_field)
{
	struct smmu_event ev = {
		.type = SMMU_EVT_F_PERMISSION, .sid = 0xabcd1234, .ssv = true, .ssid = 0x12345,
		.input_addr = 0xfedcba9876543210ULL, .ipa = 0x000fedcba9876fffULL, .s2 = true,
		.class = SMMU_EVT_CLASS_TT, .rnw = true, .ind = true, .pnu = true, .stall = true,
		.stag = 0xbeef,
	}, back;
	u8 rec[32];

	smmu_event_encode(&ev, rec);
	/* Spelled out from the spec, not from the header's macros. */
	cr_assert_eq(word(rec, 0), 0x13ULL | 1ULL << 11 | 0x12345ULL << 12 | 0xabcd1234ULL << 32);
	cr_assert_eq(word(rec, 1), 0xbeefULL | 1ULL << 31 | 1ULL << 33 | 1ULL << 34 | 1ULL << 35 |
				   1ULL << 39 | 1ULL << 40);
	cr_assert_eq(word(rec, 2), 0xfedcba9876543210ULL);
	cr_assert_eq(word(rec, 3), 0x000fedcba9876000ULL, "IPA[51:12]");
	cr_assert_eq(rec[0], 0x13, "little endian: ID in byte 0");

	smmu_event_decode(rec, &back);
	cr_assert_eq(back.type, ev.type);
	cr_assert_eq(back.sid, ev.sid);
	cr_assert(back.ssv);
	cr_assert_eq(back.ssid, ev.ssid);
	cr_assert_eq(back.input_addr, ev.input_addr);
	cr_assert_eq(back.ipa, 0x000fedcba9876000ULL);
	cr_assert(back.s2 && back.rnw && back.ind && back.pnu && back.stall);
	cr_assert_eq(back.class, SMMU_EVT_CLASS_TT);
	cr_assert_eq(back.stag, 0xbeef);
	cr_assert_eq(back.fetch_addr, 0);
}

Test(smmu_evtq, fetch_records_and_no_ssv)
{
	struct smmu_event ev = { .type = SMMU_EVT_F_CD_FETCH, .sid = 7, .ssv = false, .ssid = 99,
				 .fetch_addr = 0x123456789abfULL }, back;
	u8 rec[32];

	smmu_event_encode(&ev, rec);
	cr_assert_eq(word(rec, 0), 0x09ULL | 7ULL << 32, "SSID only with SSV");
	cr_assert_eq(word(rec, 3), 0x123456789ab8ULL, "FetchAddr[51:3]");
	smmu_event_decode(rec, &back);
	cr_assert_eq(back.fetch_addr, 0x123456789ab8ULL);
	cr_assert_eq(back.ipa, 0);
	cr_assert_not(back.ssv);
	cr_assert(smmu_event_has_fetch_addr(SMMU_EVT_F_STE_FETCH));
	cr_assert(smmu_event_has_fetch_addr(SMMU_EVT_F_WALK_EABT));
	cr_assert_not(smmu_event_has_fetch_addr(SMMU_EVT_F_TRANSLATION));
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_C_BAD_STREAMID), "C_BAD_STREAMID");
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_C_BAD_STE), "C_BAD_STE");
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_C_BAD_SUBSTREAMID), "C_BAD_SUBSTREAMID");
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_C_BAD_CD), "C_BAD_CD");
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_F_TRANSLATION), "F_TRANSLATION");
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_F_ADDR_SIZE), "F_ADDR_SIZE");
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_F_ACCESS), "F_ACCESS");
	cr_assert_str_eq(smmu_event_name(SMMU_EVT_F_PERMISSION), "F_PERMISSION");
	cr_assert_str_eq(smmu_event_name(0xee), "UNKNOWN");
}

/* A fault on sid 1 (no mapping) for each call. */
static void fault(u64 iova)
{
	u64 pa;

	cr_assert_eq(smmu_hw_translate(T.smmu, 1, SMMU_NO_SSID, iova, false, &pa, NULL), -EFAULT);
}

Test(smmu_evtq, records_in_memory_and_irq)
{
	/* QEMU 7.2's SMMU as virt has it: its records as smmuv3_record_event() fills them */
	struct smmu_hw_config c;
	t_destroy();
	smmu_hw_config_qemu_virt(&c);
	t_create_cfg(&c, true);
	t_enable();
	t_stream_s1(1, 1, NULL);
	fault(0x5000);
	cr_assert_eq(T.irqs[SMMU_IRQ_EVTQ], 1);
	cr_assert_eq(rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD), 1);
	u8 rec[32];
	cr_assert_eq(guest_mem_read(T.mem, T.evtq, rec, 32), 0);
	cr_assert_eq(word(rec, 0), 0x10ULL | 1ULL << 32);
	/* QEMU 7.2's record: RnW for the read, CLASS left 0 for a translation fault */
	cr_assert_eq(word(rec, 1), 1ULL << 35, "read, no CLASS");
	cr_assert_eq(word(rec, 2), 0x5000);
	/* No IRQ when EVTQ_IRQEN is clear; the record still lands. */
	wr32(SMMU_REG_IRQ_CTRL, IRQ_CTRL_GERROR_IRQEN);
	fault(0x6000);
	cr_assert_eq(T.irqs[SMMU_IRQ_EVTQ], 1);
	cr_assert_eq(t_evt_pending(), 2);
}

/* An implementation with architected records says CLASS IN for the same fault. */
Test(smmu_evtq, class_recorded_when_configured)
{
	struct smmu_hw_config c;
	t_destroy();
	smmu_hw_config_qemu_virt(&c);
	c.arch_event_records = true;
	t_create_cfg(&c, true);
	t_enable();
	t_stream_s1(1, 1, NULL);
	fault(0x5000);
	u8 rec[32];
	cr_assert_eq(guest_mem_read(T.mem, T.evtq, rec, 32), 0);
	cr_assert_eq(word(rec, 1), 1ULL << 35 | 2ULL << 40, "read, CLASS IN");
}

Test(smmu_evtq, overflow_toggles_ovflg_once_and_drops)
{
	u32 qsize = 1u << T_EVTQ_SHIFT;
	struct smmu_event ev;

	t_stream_s1(1, 1, NULL);
	for (u32 i = 0; i < qsize + 3; i++)
		fault(0x1000 * (u64)(i + 1));
	u32 prod = rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD);
	cr_assert_eq(prod & Q_OVF, Q_OVF, "overflow flagged");
	cr_assert_eq(prod & ~Q_OVF, qsize, "full: wrap set, index 0");
	cr_assert_eq(smmu_hw_stats(T.smmu)->events, qsize);
	cr_assert_eq(smmu_hw_stats(T.smmu)->events_lost, 3);
	/* The oldest records are intact; the dropped ones are gone. */
	t_evt_pop(&ev);
	cr_assert_eq(ev.input_addr, 0x1000);
	/* Software acks the overflow: OVACKFLG := OVFLG. */
	wr32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS, (rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS) & ~Q_OVF) | Q_OVF);
	for (u32 i = 1; i < qsize; i++) {
		t_evt_pop(&ev);
		cr_assert_eq(ev.input_addr, 0x1000 * (u64)(i + 1));
	}
	cr_assert_eq(t_evt_pending(), 0);
	/* Room again: the next record goes in; OVFLG keeps its value until a new overflow. */
	fault(0x99000);
	cr_assert_eq(t_evt_pending(), 1);
	prod = rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD);
	cr_assert_eq(prod & Q_OVF, Q_OVF);
	for (u32 i = 0; i < qsize; i++)
		fault(0x1000);
	prod = rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD);
	cr_assert_eq(prod & Q_OVF, 0, "second overflow toggles back");
}

Test(smmu_evtq, queue_outside_ram_is_evtq_abt)
{
	t_stream_s1(1, 1, NULL);
	wr32(SMMU_REG_CR0, CR0_SMMUEN | CR0_CMDQEN);
	wr64(SMMU_REG_EVTQ_BASE, 0x2000 | T_EVTQ_SHIFT);
	wr32(SMMU_REG_CR0, CR0_SMMUEN | CR0_CMDQEN | CR0_EVTQEN);
	fault(0x1000);
	cr_assert_eq(rd32(SMMU_REG_GERROR), GERROR_EVTQ_ABT_ERR);
	cr_assert_eq(T.irqs[SMMU_IRQ_GERROR], 1);
	cr_assert_eq(smmu_hw_stats(T.smmu)->events_lost, 1);
	/* Still active: a second abort does not toggle again. */
	fault(0x1000);
	cr_assert_eq(rd32(SMMU_REG_GERROR), GERROR_EVTQ_ABT_ERR);
	cr_assert_eq(T.irqs[SMMU_IRQ_GERROR], 1);
}
