/*
 * STE and CD decode. What counts as ILLEGAL follows the SMMUv3 spec's
 * STE/CD field descriptions for an implementation with the given IDRs, and
 * QEMU's decode_ste/decode_cd where the spec leaves a choice.
 */
#include "hw/smmuv3/smmu_config.h"

#include <errno.h>
#include <string.h>

#include "hw/smmuv3/smmuv3_tables.h"

/* IPS / S2PS / IDR5.OAS encodings; reserved ones clamp to the OAS. */
static unsigned pa_bits(unsigned enc, unsigned limit)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48 };
	unsigned b = enc < ARRAY_SIZE(bits) ? bits[enc] : limit;

	return b < limit ? b : limit;
}

static bool granule_supported(const struct smmu_hw_config *hw, unsigned shift)
{
	return (shift == 12 && hw->gran4k) || (shift == 14 && hw->gran16k) ||
	       (shift == 16 && hw->gran64k);
}

static int s2_tt_decode(const u64 *ste, const struct smmu_hw_config *hw, struct smmu_ste_cfg *o)
{
	static const u8 s2tg_shift[] = { [STE_S2TG_4K] = 12, [STE_S2TG_64K] = 16,
					 [STE_S2TG_16K] = 14, [3] = 0 };
	unsigned g = s2tg_shift[o->s2tg];
	unsigned in_bits = 64 - o->s2t0sz;
	int level;

	/* AArch32 stage-2 tables and big-endian walks are not implemented. */
	if (!o->s2aa64 || o->s2endi)
		return -EINVAL;
	if (!g || !granule_supported(hw, g))
		return -EINVAL;
	/* The IPA space may not exceed what the SMMU can take as input. */
	if (in_bits > hw->ias)
		return -EINVAL;
	level = smmu_walk_s2_start_level(g, o->s2sl0, in_bits);
	if (level < 0)
		return -EINVAL;
	o->s2.granule_shift = (u8)g;
	o->s2.in_bits = (u8)in_bits;
	o->s2.start_level = (u8)level;
	o->s2.out_bits = (u8)pa_bits(o->s2ps, hw->oas);
	o->s2.ttb = o->s2ttb;
	o->s2.affd = o->s2affd;
	o->s2.ha = o->s2ha && hw->httu >= 1;
	o->s2.disabled = false;
	/* As QEMU: a table base outside the output range is a bad STE. */
	if (o->s2ttb >> o->s2.out_bits)
		return -EINVAL;
	(void)ste;
	return 0;
}

int smmu_ste_decode(const u64 ste[8], const struct smmu_hw_config *hw, struct smmu_ste_cfg *o)
{
	memset(o, 0, sizeof(*o));
	if (!(ste[0] & STE0_V))
		return -EINVAL;
	o->config = (u8)FIELD_GET(STE0_CONFIG, ste[0]);
	o->s1fmt = (u8)FIELD_GET(STE0_S1FMT, ste[0]);
	o->s1ctxptr = ste[0] & STE0_S1CTXPTR;
	o->s1cdmax = (u8)FIELD_GET(STE0_S1CDMAX, ste[0]);
	o->s1dss = (u8)FIELD_GET(STE1_S1DSS, ste[1]);
	o->s1stalld = ste[1] & STE1_S1STALLD;
	o->eats = (u8)FIELD_GET(STE1_EATS, ste[1]);
	o->strw = (u8)FIELD_GET(STE1_STRW, ste[1]);
	o->shcfg = (u8)FIELD_GET(STE1_SHCFG, ste[1]);
	o->vmid = (u16)FIELD_GET(STE2_S2VMID, ste[2]);
	if (!hw->vmid16)
		o->vmid &= 0xff; /* VMID[15:8] are RES0 without VMID16 */
	o->s2t0sz = (u8)FIELD_GET(STE2_S2T0SZ, ste[2]);
	o->s2sl0 = (u8)FIELD_GET(STE2_S2SL0, ste[2]);
	o->s2tg = (u8)FIELD_GET(STE2_S2TG, ste[2]);
	o->s2ps = (u8)FIELD_GET(STE2_S2PS, ste[2]);
	o->s2aa64 = ste[2] & STE2_S2AA64;
	o->s2endi = ste[2] & STE2_S2ENDI;
	o->s2affd = ste[2] & STE2_S2AFFD;
	o->s2ptw = ste[2] & STE2_S2PTW;
	o->s2hd = ste[2] & STE2_S2HD;
	o->s2ha = ste[2] & STE2_S2HA;
	o->s2s = ste[2] & STE2_S2S;
	o->s2r = ste[2] & STE2_S2R;
	o->s2ttb = ste[3] & STE3_S2TTB;

	switch (o->config) {
	case STE_CONFIG_ABORT:
		return 0; /* nothing else is looked at */
	case STE_CONFIG_BYPASS:
		break;
	case STE_CONFIG_S1:
	case STE_CONFIG_S2:
	case STE_CONFIG_NESTED:
		if (STE_CONFIG_S1_EN(o->config) && !hw->s1)
			return -EINVAL;
		if (STE_CONFIG_S2_EN(o->config) && !hw->s2)
			return -EINVAL;
		break;
	default:
		return -EINVAL; /* 0b001..0b011 are reserved */
	}
	/* StreamWorld: Secure is reserved here, EL2 needs IDR0.HYP (E2H also CR2.E2H). */
	if (o->strw == 1 || (o->strw >= STE_STRW_EL2 && !hw->hyp))
		return -EINVAL;
	if (o->config == STE_CONFIG_BYPASS)
		return 0;
	if (STE_CONFIG_S1_EN(o->config)) {
		/* Only linear CD tables are modelled (IDR0.CD2L = 0). */
		if (o->s1fmt != STE_S1FMT_LINEAR && (!hw->cd2l || o->s1fmt == 3))
			return -EINVAL;
		if (o->s1cdmax > hw->ssidsize)
			return -EINVAL;
		if (o->s1cdmax && o->s1dss == 3)
			return -EINVAL;
	}
	if (STE_CONFIG_S2_EN(o->config))
		return s2_tt_decode(ste, hw, o);
	return 0;
}

int smmu_cd_decode(const u64 cd[8], const struct smmu_hw_config *hw, unsigned out_limit,
		   struct smmu_cd_cfg *o)
{
	static const u8 tg0_shift[] = { [CD_TG0_4K] = 12, [CD_TG0_64K] = 16,
					[CD_TG0_16K] = 14, [3] = 0 };
	unsigned g;
	int level;

	memset(o, 0, sizeof(*o));
	if (!(cd[0] & CD0_V))
		return -EINVAL;
	o->t0sz = (u8)FIELD_GET(CD0_T0SZ, cd[0]);
	o->tg0 = (u8)FIELD_GET(CD0_TG0, cd[0]);
	o->irgn0 = (u8)FIELD_GET(CD0_IRGN0, cd[0]);
	o->orgn0 = (u8)FIELD_GET(CD0_ORGN0, cd[0]);
	o->sh0 = (u8)FIELD_GET(CD0_SH0, cd[0]);
	o->epd0 = cd[0] & CD0_EPD0;
	o->endi = cd[0] & CD0_ENDI;
	o->epd1 = cd[0] & CD0_EPD1;
	o->ips = (u8)FIELD_GET(CD0_IPS, cd[0]);
	o->affd = cd[0] & CD0_AFFD;
	o->wxn = cd[0] & CD0_WXN;
	o->tbi = (u8)FIELD_GET(CD0_TBI, cd[0]);
	o->aa64 = cd[0] & CD0_AA64;
	o->hd = cd[0] & CD0_HD;
	o->ha = cd[0] & CD0_HA;
	o->s = cd[0] & CD0_S;
	o->r = cd[0] & CD0_R;
	o->a = cd[0] & CD0_A;
	o->aset = cd[0] & CD0_ASET;
	o->asid = (u16)FIELD_GET(CD0_ASID, cd[0]);
	if (!hw->asid16)
		o->asid &= 0xff; /* ASID[15:8] are RES0 without ASID16 */
	o->ttb0 = cd[1] & CD1_TTB0;
	o->mair = cd[3];

	/* IDR0.TTF = AArch64 only, IDR0.TTENDIAN = little endian only. */
	if (!o->aa64 || o->endi)
		return -EINVAL;
	g = tg0_shift[o->tg0];
	if (!g || !granule_supported(hw, g))
		return -EINVAL;
	if (o->t0sz < CD_T0SZ_MIN || o->t0sz > CD_T0SZ_MAX)
		return -EINVAL;
	level = smmu_walk_s1_start_level(g, 64 - o->t0sz);
	if (level < 0)
		return -EINVAL;
	o->s1.ttb = o->ttb0;
	o->s1.granule_shift = (u8)g;
	o->s1.in_bits = (u8)(64 - o->t0sz);
	o->s1.start_level = (u8)level;
	o->s1.out_bits = (u8)pa_bits(o->ips, out_limit);
	o->s1.affd = o->affd;
	o->s1.ha = o->ha && hw->httu >= 1;
	o->s1.disabled = o->epd0;
	return 0;
}
