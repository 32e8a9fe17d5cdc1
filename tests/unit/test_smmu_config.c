/* Stream table lookup, STE/CD decode errors and substream handling, seen as events. */
#include "test_smmu_util.h"

static void setup(void)
{
	struct smmu_hw_config c;

	t_cfg_s1s2(&c);
	t_setup(&c);
}

TestSuite(smmu_config, .init = setup, .fini = t_destroy);

/* Translate and expect an error with a recorded event of the given type. */
static void expect_event(u32 sid, u32 ssid, u64 iova, int err, u8 type, struct smmu_event *out)
{
	struct smmu_event ev, rec;
	u64 pa = 0xdead;

	cr_assert_eq(smmu_hw_translate(T.smmu, sid, ssid, iova, false, &pa, &ev), err);
	cr_assert_eq(pa, 0xdead, "no output on error");
	cr_assert_eq(ev.type, type, "got %s want %s", smmu_event_name(ev.type), smmu_event_name(type));
	t_evt_pop(&rec);
	cr_assert_eq(rec.type, type);
	cr_assert_eq(rec.sid, sid);
	cr_assert_eq(rec.ssv, ssid != SMMU_NO_SSID);
	if (ssid != SMMU_NO_SSID)
		cr_assert_eq(rec.ssid, ssid);
	cr_assert_eq(t_evt_pending(), 0);
	if (out)
		*out = rec;
}

static void bad_ste(const u64 ste[8])
{
	t_ste_write(9, ste);
	expect_event(9, SMMU_NO_SSID, 0x1000, -EIO, SMMU_EVT_C_BAD_STE, NULL);
}

Test(smmu_config, bad_streamid_linear)
{
	struct smmu_event ev;

	expect_event(1u << T_STE_LOG2, SMMU_NO_SSID, 0x1000, -EIO, SMMU_EVT_C_BAD_STREAMID, &ev);
	cr_assert_eq(ev.input_addr, 0x1000);
	/* Without CR2.RECINVSID the transaction still fails, silently. */
	wr32(SMMU_REG_CR2, CR2_PTM);
	u64 pa;
	cr_assert_eq(smmu_hw_translate(T.smmu, 0x12345, SMMU_NO_SSID, 0, false, &pa, &ev), -EIO);
	cr_assert_eq(ev.type, 0);
	cr_assert_eq(t_evt_pending(), 0);
}

Test(smmu_config, ste_abort_and_bypass)
{
	u64 ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_ABORT) };
	u64 pa = 0;
	struct smmu_event ev;

	t_ste_write(4, ste);
	cr_assert_eq(smmu_hw_translate(T.smmu, 4, SMMU_NO_SSID, 0x1000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, 0, "Config abort records nothing");
	cr_assert_eq(t_evt_pending(), 0);

	ste[0] = STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_BYPASS);
	t_ste_write(5, ste);
	cr_assert_eq(smmu_hw_translate(T.smmu, 5, SMMU_NO_SSID, 0x41234567, true, &pa, &ev), 0);
	cr_assert_eq(pa, 0x41234567);
	/* Bypass beyond the OAS: a stage-1 address size fault. */
	expect_event(5, SMMU_NO_SSID, 1ULL << 44, -EFAULT, SMMU_EVT_F_ADDR_SIZE, &ev);
	cr_assert_not(ev.s2);
	/* Bypass with a SubstreamID. */
	expect_event(5, 2, 0x1000, -EIO, SMMU_EVT_C_BAD_SUBSTREAMID, NULL);
}

Test(smmu_config, ste_illegal_fields)
{
	u64 ste[8] = { 0 };

	bad_ste(ste); /* V = 0 */
	for (unsigned cfgv = 1; cfgv <= 3; cfgv++) {
		ste[0] = STE0_V | FIELD_PREP(STE0_CONFIG, cfgv);
		bad_ste(ste);
	}
	/* StreamWorld Secure / EL2 without HYP. */
	ste[0] = STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_BYPASS);
	ste[1] = FIELD_PREP(STE1_STRW, 1);
	bad_ste(ste);
	ste[1] = FIELD_PREP(STE1_STRW, STE_STRW_EL2);
	bad_ste(ste);

	u64 cdtab = t_alloc(64, 64);
	t_ste_s1(ste, cdtab, 0);
	ste[0] |= FIELD_PREP(STE0_S1FMT, 1); /* 2-level CD table: no CD2L */
	bad_ste(ste);
	t_ste_s1(ste, cdtab, 5); /* S1CDMax 5 > SSIDSIZE 4 */
	bad_ste(ste);
	t_ste_s1(ste, cdtab, 2);
	ste[1] = FIELD_PREP(STE1_S1DSS, 3);
	bad_ste(ste);
}

Test(smmu_config, ste_illegal_stage2)
{
	u64 ste[8];
	u64 s2ttb = t_alloc(SZ_4K * 2, SZ_4K * 2);

	memset(ste, 0, sizeof(ste));
	ste[0] = STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S2);
	t_ste_s2_fields(ste, 1, 24, 0, STE_S2TG_4K, 4, s2ttb); /* 40 bits from level 2 */
	bad_ste(ste);
	t_ste_s2_fields(ste, 1, 24, 3, STE_S2TG_4K, 4, s2ttb); /* SL0 reserved */
	bad_ste(ste);
	t_ste_s2_fields(ste, 1, 24, 1, 3, 4, s2ttb); /* S2TG reserved */
	bad_ste(ste);
	t_ste_s2_fields(ste, 1, 16, 2, STE_S2TG_4K, 4, s2ttb); /* 48-bit IPA > IAS 44 */
	bad_ste(ste);
	t_ste_s2_fields(ste, 1, 24, 1, STE_S2TG_4K, 4, s2ttb);
	ste[2] &= ~STE2_S2AA64;
	bad_ste(ste);
	t_ste_s2_fields(ste, 1, 24, 1, STE_S2TG_4K, 4, s2ttb);
	ste[2] |= STE2_S2ENDI;
	bad_ste(ste);
	t_ste_s2_fields(ste, 1, 24, 1, STE_S2TG_4K, 2, 1ULL << 41); /* TTB beyond 40-bit S2PS */
	bad_ste(ste);
	/* The same STE with everything right translates. */
	t_ste_s2_fields(ste, 1, 24, 1, STE_S2TG_4K, 4, s2ttb);
	t_ste_write(9, ste);
	u64 pa;
	struct smmu_event ev;
	cr_assert_eq(smmu_hw_translate(T.smmu, 9, SMMU_NO_SSID, 0x1000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION);
	cr_assert(ev.s2);
	cr_assert_eq(ev.ipa, 0x1000);
}

Test(smmu_config, stage2_config_on_s1_only_smmu)
{
	struct smmu_hw_config c;
	u64 ste[8] = { 0 };

	t_destroy();
	smmu_hw_config_qemu_virt(&c);
	t_setup(&c);
	ste[0] = STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S2);
	t_ste_s2_fields(ste, 1, 24, 1, STE_S2TG_4K, 4, t_alloc(2 * SZ_4K, 2 * SZ_4K));
	bad_ste(ste);
	ste[0] = STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_NESTED);
	bad_ste(ste);
}

static void bad_cd(u64 cd[8])
{
	u64 ste[8], cdtab = t_alloc(64, 64);

	t_cd_write(cdtab, cd);
	t_ste_s1(ste, cdtab, 0);
	t_ste_write(11, ste);
	/* Config cache holds only good configs, so no CFGI is needed between cases. */
	expect_event(11, SMMU_NO_SSID, 0x1000, -EIO, SMMU_EVT_C_BAD_CD, NULL);
}

Test(smmu_config, cd_illegal_fields)
{
	u64 cd[8], ttb = t_alloc(SZ_4K, SZ_4K);

	t_cd(cd, 1, CD_TG0_4K, 16, ttb);
	cd[0] &= ~CD0_V;
	bad_cd(cd);
	t_cd(cd, 1, CD_TG0_4K, 16, ttb);
	cd[0] &= ~CD0_AA64;
	bad_cd(cd);
	t_cd(cd, 1, CD_TG0_4K, 15, ttb);
	bad_cd(cd);
	t_cd(cd, 1, CD_TG0_4K, 40, ttb);
	bad_cd(cd);
	t_cd(cd, 1, 3, 16, ttb);
	bad_cd(cd);
	t_cd(cd, 1, CD_TG0_4K, 16, ttb);
	cd[0] |= CD0_ENDI;
	bad_cd(cd);
}

Test(smmu_config, fetch_faults)
{
	struct smmu_event ev;
	u64 ste[8];

	/* CD table outside RAM: F_CD_FETCH with the address. */
	t_ste_s1(ste, 0x20000000, 0);
	t_ste_write(12, ste);
	expect_event(12, SMMU_NO_SSID, 0x1000, -EIO, SMMU_EVT_F_CD_FETCH, &ev);
	cr_assert_eq(ev.fetch_addr, 0x20000000);
	/* Stream table outside RAM: F_STE_FETCH. */
	wr64(SMMU_REG_STRTAB_BASE, 0x30000000);
	expect_event(3, SMMU_NO_SSID, 0x1000, -EIO, SMMU_EVT_F_STE_FETCH, &ev);
	cr_assert_eq(ev.fetch_addr, 0x30000000 + 3 * 64);
}

Test(smmu_config, two_level_stream_table)
{
	u64 l1 = t_alloc(8 * 256, 64), l2a = t_alloc(64 * 256, 64), l2b = t_alloc(64 * 2, 64);
	u64 ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_BYPASS) };
	u64 pa;
	struct smmu_event ev;

	wr64(SMMU_REG_STRTAB_BASE, l1);
	wr32(SMMU_REG_STRTAB_BASE_CFG, FIELD_PREP(STRTAB_BASE_CFG_FMT, STRTAB_BASE_CFG_FMT_2LVL) |
					     FIELD_PREP(STRTAB_BASE_CFG_SPLIT, 8) | 16);
	mwr64(l1 + 8 * 1, l2a | 9); /* SPAN 9: 256 STEs */
	mwr64(l1 + 8 * 3, l2b | 2); /* SPAN 2: 2 STEs */
	for (int i = 0; i < 8; i++) {
		mwr64(l2a + 0x05 * 64 + 8 * i, ste[i]);
		mwr64(l2b + 0x01 * 64 + 8 * i, ste[i]);
	}
	cr_assert_eq(smmu_hw_translate(T.smmu, 0x105, SMMU_NO_SSID, 0x40001000, false, &pa, &ev), 0);
	cr_assert_eq(pa, 0x40001000);
	cr_assert_eq(smmu_hw_translate(T.smmu, 0x301, SMMU_NO_SSID, 0x40001000, false, &pa, &ev), 0);
	/* Beyond the level-2 span, no level-2 table, beyond LOG2SIZE. */
	expect_event(0x302, SMMU_NO_SSID, 0, -EIO, SMMU_EVT_C_BAD_STREAMID, NULL);
	expect_event(0x205, SMMU_NO_SSID, 0, -EIO, SMMU_EVT_C_BAD_STREAMID, NULL);
	expect_event(0x10000, SMMU_NO_SSID, 0, -EIO, SMMU_EVT_C_BAD_STREAMID, NULL);
	/* An invalid STE inside a valid level-2 table is C_BAD_STE. */
	expect_event(0x106, SMMU_NO_SSID, 0, -EIO, SMMU_EVT_C_BAD_STE, NULL);
}

/* A stream with 4 CDs (S1CDMax 2), each with its own ASID and table. */
static u64 cd_tables[4];

static void substream_setup(u32 sid, unsigned s1dss)
{
	u64 cdtab = t_alloc(64 * 4, 64), ste[8], cd[8];

	for (int i = 0; i < 4; i++) {
		struct t_pt pt;

		t_pt_init(&pt, 12, 48, 0, 0);
		t_pt_map(&pt, 0x10000, 0x41000000ULL + 0x1000ULL * (u64)i, 3, T_S1_RW);
		cd_tables[i] = pt.root;
		t_cd(cd, (u16)(10 + i), CD_TG0_4K, 16, pt.root);
		t_cd_write(cdtab + 64ULL * (u64)i, cd);
	}
	t_ste_s1(ste, cdtab, 2);
	ste[1] = (ste[1] & ~STE1_S1DSS) | FIELD_PREP(STE1_S1DSS, s1dss);
	t_ste_write(sid, ste);
}

Test(smmu_config, substreams)
{
	u64 pa;
	struct smmu_event ev;

	substream_setup(20, STE_S1DSS_SSID0);
	for (u32 ssid = 1; ssid < 4; ssid++) {
		cr_assert_eq(smmu_hw_translate(T.smmu, 20, ssid, 0x10008, false, &pa, &ev), 0);
		cr_assert_eq(pa, 0x41000008ULL + 0x1000ULL * ssid);
	}
	/* No SSID with S1DSS = SSID0: CD 0. */
	cr_assert_eq(smmu_hw_translate(T.smmu, 20, SMMU_NO_SSID, 0x10008, false, &pa, &ev), 0);
	cr_assert_eq(pa, 0x41000008ULL);
	/* SSID 0 itself is then illegal; so is one beyond S1CDMax. */
	expect_event(20, 0, 0x10000, -EIO, SMMU_EVT_C_BAD_SUBSTREAMID, NULL);
	expect_event(20, 4, 0x10000, -EIO, SMMU_EVT_C_BAD_SUBSTREAMID, &ev);
	cr_assert_eq(ev.ssid, 4);

	substream_setup(21, STE_S1DSS_TERMINATE);
	expect_event(21, SMMU_NO_SSID, 0x10000, -EFAULT, SMMU_EVT_F_STREAM_DISABLED, NULL);
	cr_assert_eq(smmu_hw_translate(T.smmu, 21, 0, 0x10008, false, &pa, &ev), 0);
	cr_assert_eq(pa, 0x41000008ULL);

	substream_setup(22, STE_S1DSS_BYPASS);
	cr_assert_eq(smmu_hw_translate(T.smmu, 22, SMMU_NO_SSID, 0x42000000, false, &pa, &ev), 0);
	cr_assert_eq(pa, 0x42000000, "stage 1 bypassed");

	/* S1CDMax 0: any SubstreamID is bad. */
	t_stream_s1(23, 5, NULL);
	expect_event(23, 0, 0x10000, -EIO, SMMU_EVT_C_BAD_SUBSTREAMID, NULL);
}
