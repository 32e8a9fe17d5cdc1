/*
 * QEMU 7.2's and QEMU 10.0's SMMUv3 side by side: the ID registers each
 * release's smmuv3_init_regs() leaves for each stage property, and what a
 * stage-1 translation fault's record says in each.
 */
#include "test_smmu_util.h"
#include "hw/smmuv3/smmu_hw_version.h"

TestSuite(smmu_qemu_versions, .fini = t_destroy);

static void create(const struct smmu_hw_version *v, bool s1, bool s2)
{
	struct smmu_hw_config c;

	smmu_hw_config_qemu(&c, v, s1, s2);
	t_create_cfg(&c, true);
}

/* IDR0 bits both releases set: TTF AArch64, COHACC, ASID16, TTENDIAN LE, no stall, TERM_MODEL, 2-level */
#define IDR0_COMMON 0x0d401018u

Test(smmu_qemu_versions, qemu_7_2_is_stage_1_whatever_is_asked)
{
	create(&smmu_hw_qemu_7_2, true, true);
	cr_assert_eq(rd32(SMMU_REG_IDR0), IDR0_COMMON | IDR0_S1P, "0x%08x", rd32(SMMU_REG_IDR0));
	cr_assert_eq(rd32(SMMU_REG_IDR1), 0x02730010u, "SIDSIZE 16, EVTQS = CMDQS = 19");
	/* HAD, RIL and BBML = 2 (7.1's "Advertise support for SMMUv3.2-BBML2") */
	cr_assert_eq(rd32(SMMU_REG_IDR3), 0x1404u, "0x%08x", rd32(SMMU_REG_IDR3));
	cr_assert_eq(rd32(SMMU_REG_IDR5), 0x74u, "OAS 44, 4K/16K/64K");
	cr_assert_eq(rd32(SMMU_REG_AIDR), 1u);
}

Test(smmu_qemu_versions, qemu_10_0_nested)
{
	create(&smmu_hw_qemu_10_0, true, true);
	cr_assert_eq(rd32(SMMU_REG_IDR0), IDR0_COMMON | IDR0_S1P | IDR0_S2P | IDR0_VMID16,
		     "0x%08x", rd32(SMMU_REG_IDR0));
	cr_assert_eq(rd32(SMMU_REG_IDR1), 0x02730010u, "no substreams (SSIDSIZE 0)");
	cr_assert_eq(rd32(SMMU_REG_IDR3), 0x1414u, "XNX with stage 2");
	cr_assert_eq(rd32(SMMU_REG_IDR5), 0x74u);
	cr_assert_eq(rd32(SMMU_REG_AIDR), 1u, "still SMMUv3.1");
}

Test(smmu_qemu_versions, qemu_10_0_stage_1)
{
	create(&smmu_hw_qemu_10_0, true, false);
	cr_assert_eq(rd32(SMMU_REG_IDR0), IDR0_COMMON | IDR0_S1P | IDR0_VMID16);
	cr_assert_eq(rd32(SMMU_REG_IDR3), 0x1404u, "no XNX without stage 2; BBML2 stays");
}

Test(smmu_qemu_versions, qemu_10_0_stage_2)
{
	create(&smmu_hw_qemu_10_0, false, true);
	cr_assert_eq(rd32(SMMU_REG_IDR0), IDR0_COMMON | IDR0_S2P | IDR0_VMID16);
	cr_assert_eq(rd32(SMMU_REG_IDR3), 0x1414u);
}

Test(smmu_qemu_versions, no_stage_at_all_is_stage_1)
{
	create(&smmu_hw_qemu_10_0, false, false);
	cr_assert_eq(rd32(SMMU_REG_IDR0) & (IDR0_S1P | IDR0_S2P), IDR0_S1P);
}

static u64 word(const u8 *rec, int i)
{
	u64 v = 0;

	for (int b = 7; b >= 0; b--)
		v = v << 8 | rec[8 * i + b];
	return v;
}

/* A write to an unmapped IOVA through stream 1's stage-1 tables: the record's four words. */
static void s1_write_fault(u64 w[4])
{
	u64 pa;
	u8 rec[32];

	t_enable();
	t_stream_s1(1, 1, NULL);
	cr_assert_eq(smmu_hw_translate(T.smmu, 1, SMMU_NO_SSID, 0x8020040, true, &pa, NULL), -EFAULT);
	cr_assert_eq(guest_mem_read(T.mem, T.evtq, rec, 32), 0);
	for (int i = 0; i < 4; i++)
		w[i] = word(rec, i);
}

Test(smmu_qemu_versions, translation_fault_class_per_release)
{
	u64 w[4];

	create(&smmu_hw_qemu_7_2, true, false);
	s1_write_fault(w);
	cr_assert_eq(w[0], 0x0000000100000010ULL);
	cr_assert_eq(w[1], 0, "7.2: no CLASS");
	cr_assert_eq(w[2], 0x8020040ULL);
	cr_assert_eq(w[3], 0);
	t_destroy();

	create(&smmu_hw_qemu_10_0, true, true);
	s1_write_fault(w);
	cr_assert_eq(w[0], 0x0000000100000010ULL);
	cr_assert_eq(w[1], 0x0000020000000000ULL, "10.0: CLASS IN");
	cr_assert_eq(w[2], 0x8020040ULL);
	cr_assert_eq(w[3], 0, "no IPA for a stage-1 fault");
}

Test(smmu_qemu_versions, read_fault_on_10_0)
{
	u64 pa;
	u8 rec[32];

	create(&smmu_hw_qemu_10_0, true, true);
	t_enable();
	t_stream_s1(1, 1, NULL);
	cr_assert_eq(smmu_hw_translate(T.smmu, 1, SMMU_NO_SSID, 0x5000, false, &pa, NULL), -EFAULT);
	cr_assert_eq(guest_mem_read(T.mem, T.evtq, rec, 32), 0);
	cr_assert_eq(word(rec, 1), 0x0000020800000000ULL, "RnW and CLASS IN");
}

/* Configuration errors carry no CLASS on either release. */
Test(smmu_qemu_versions, bad_ste_record_is_the_same)
{
	u64 pa, ste[8] = { 0 };
	u8 rec[32];

	create(&smmu_hw_qemu_10_0, true, true);
	t_enable();
	ste[0] = 1 | (7ULL << 1); /* V, Config 0b111 with no S1 context: C_BAD_STE */
	t_ste_write(2, ste);
	cr_assert_eq(smmu_hw_translate(T.smmu, 2, SMMU_NO_SSID, 0x1000, true, &pa, NULL), -EIO);
	cr_assert_eq(guest_mem_read(T.mem, T.evtq, rec, 32), 0);
	cr_assert_eq(word(rec, 0) & 0xff, SMMU_EVT_C_BAD_STE);
	cr_assert_eq(word(rec, 1), 0);
}

/*
 * QEMU 10.0 with stage 2 (what iommufd's nesting parent programs; 7.3's DMA
 * domains stay stage 1): a stage-2 translation fault says S2, CLASS IN, and
 * the IPA in word 3.
 */
Test(smmu_qemu_versions, stage_2_fault_on_10_0)
{
	u64 pa, ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S2) };
	u8 rec[32];
	struct t_pt pt;

	create(&smmu_hw_qemu_10_0, true, true);
	t_enable();
	t_pt_init(&pt, 12, 40, 1, 0);
	t_ste_s2_fields(ste, 5, 24, 1, STE_S2TG_4K, 4, pt.root);
	t_ste_write(3, ste);
	t_pt_map(&pt, 0x100000, 0x41000000, 3, T_S2_RW);
	cr_assert_eq(smmu_hw_translate(T.smmu, 3, SMMU_NO_SSID, 0x100010, false, &pa, NULL), 0);
	cr_assert_eq(pa, 0x41000010);
	cr_assert_eq(smmu_hw_translate(T.smmu, 3, SMMU_NO_SSID, 0x234567, true, &pa, NULL), -EFAULT);
	cr_assert_eq(guest_mem_read(T.mem, T.evtq, rec, 32), 0);
	cr_assert_eq(word(rec, 0), 0x0000000300000010ULL);
	cr_assert_eq(word(rec, 1), 1ULL << 39 | 2ULL << 40, "S2, CLASS IN");
	cr_assert_eq(word(rec, 2), 0x234567ULL);
	cr_assert_eq(word(rec, 3), 0x234000ULL, "IPA[51:12]");
}

/* QEMU 7.2 has no stage 2: an S2 STE is C_BAD_STE there */
Test(smmu_qemu_versions, stage_2_ste_is_bad_on_7_2)
{
	u64 pa, ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S2) };
	u8 rec[32];

	create(&smmu_hw_qemu_7_2, true, true);
	t_enable();
	t_ste_s2_fields(ste, 5, 24, 1, STE_S2TG_4K, 4, 0x40000000);
	t_ste_write(3, ste);
	cr_assert_eq(smmu_hw_translate(T.smmu, 3, SMMU_NO_SSID, 0x1000, false, &pa, NULL), -EIO);
	cr_assert_eq(guest_mem_read(T.mem, T.evtq, rec, 32), 0);
	cr_assert_eq(word(rec, 0) & 0xff, SMMU_EVT_C_BAD_STE);
}
