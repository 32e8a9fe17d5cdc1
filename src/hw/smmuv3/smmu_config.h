/*
 * Configuration structures: STE and CD decode (with the architecture's
 * ILLEGAL checks that raise C_BAD_STE / C_BAD_CD) and the configuration
 * cache that CFGI_* commands invalidate.
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_CONFIG_H
#define IOMMUSIM_HW_SMMUV3_SMMU_CONFIG_H

#include "hw/smmuv3/smmu_hw.h"
#include "hw/smmuv3/smmu_walk.h"

/* Every STE field the model decodes. */
struct smmu_ste_cfg {
	u8 config; /* STE_CONFIG_* */
	u8 s1fmt, s1cdmax, s1dss;
	u64 s1ctxptr;
	bool s1stalld;
	u8 eats, strw, shcfg;
	u16 vmid;
	u8 s2t0sz, s2sl0, s2tg, s2ps;
	bool s2aa64, s2endi, s2affd, s2ptw, s2hd, s2ha, s2s, s2r;
	u64 s2ttb;
	struct smmu_tt s2; /* stage-2 walk config when Config enables S2 */
};

/* Every CD field the model decodes. */
struct smmu_cd_cfg {
	u8 t0sz, tg0, irgn0, orgn0, sh0, ips, tbi;
	bool epd0, epd1, endi, affd, wxn, aa64, hd, ha, s, r, a, aset;
	u16 asid;
	u64 ttb0, mair;
	struct smmu_tt s1;
};

/*
 * Decode a 64-byte STE. 0, or -EINVAL when the STE is ILLEGAL for this
 * implementation (C_BAD_STE): V=0, reserved Config, a stage not implemented,
 * S1Fmt/S1CDMax/S1DSS unsupported, STRW reserved, S2 granule/T0SZ/SL0
 * inconsistent, S2AA64=0, S2ENDI=1, S2TTB beyond S2PS.
 */
int smmu_ste_decode(const u64 ste[8], const struct smmu_hw_config *hw, struct smmu_ste_cfg *out);
/*
 * Decode a 64-byte CD. out_limit is the stage-1 output size limit (OAS, or
 * IAS when stage 2 follows). 0, or -EINVAL when ILLEGAL (C_BAD_CD): V=0,
 * AA64=0, T0SZ out of 16..39, reserved or unsupported TG0, ENDI=1.
 */
int smmu_cd_decode(const u64 cd[8], const struct smmu_hw_config *hw, unsigned out_limit,
		   struct smmu_cd_cfg *out);

/* What a translation for one (StreamID, SubstreamID) needs. */
enum smmu_xlate_mode {
	SMMU_XLATE_ABORT, /* STE.Config abort: silently terminated */
	SMMU_XLATE_BYPASS, /* STE.Config bypass */
	SMMU_XLATE_DISABLED, /* S1DSS terminate: F_STREAM_DISABLED */
	SMMU_XLATE_TRANSLATE,
};

struct smmu_xlate_cfg {
	u8 mode;
	bool s1, s2; /* stages used for this substream */
	u8 tlb_kind;
	u16 asid, vmid;
	bool record_s1, record_s2; /* CD.R, STE.S2R */
	struct smmu_ste_cfg ste;
	struct smmu_cd_cfg cd; /* valid when s1 */
};

#define SMMU_CFG_CACHE_ENTRIES 256

struct smmu_cfg_entry {
	bool valid;
	u32 sid, ssid;
	struct smmu_xlate_cfg xc;
};

struct smmu_cfg_cache {
	struct smmu_cfg_entry e[SMMU_CFG_CACHE_ENTRIES];
};

static inline unsigned smmu_cfg_index(u32 sid, u32 ssid)
{
	u64 h = ((u64)sid << 32 | ssid) * 0x9e3779b97f4a7c15ULL;

	return (unsigned)(h >> 56) & (SMMU_CFG_CACHE_ENTRIES - 1);
}

#endif
