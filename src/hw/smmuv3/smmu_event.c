/* Event record encode/decode: the architected EVTQ entry layout. */
#include "hw/smmuv3/smmu_event.h"

#include <endian.h>
#include <string.h>

bool smmu_event_has_fetch_addr(u8 type)
{
	return type == SMMU_EVT_F_STE_FETCH || type == SMMU_EVT_F_CD_FETCH ||
	       type == SMMU_EVT_F_WALK_EABT;
}

void smmu_event_encode(const struct smmu_event *ev, u8 rec[SMMU_EVT_BYTES])
{
	u64 w[SMMU_EVT_DWORDS];

	w[0] = FIELD_PREP(SMMU_EVT_0_ID, ev->type) | FIELD_PREP(SMMU_EVT_0_SID, ev->sid);
	/* SubstreamID is only meaningful with SSV set. */
	if (ev->ssv)
		w[0] |= SMMU_EVT_0_SSV | FIELD_PREP(SMMU_EVT_0_SSID, ev->ssid);
	w[1] = FIELD_PREP(SMMU_EVT_1_STAG, ev->stag) | (ev->stall ? SMMU_EVT_1_STALL : 0) |
	       (ev->pnu ? SMMU_EVT_1_PNU : 0) | (ev->ind ? SMMU_EVT_1_IND : 0) |
	       (ev->rnw ? SMMU_EVT_1_RNW : 0) | (ev->s2 ? SMMU_EVT_1_S2 : 0) |
	       FIELD_PREP(SMMU_EVT_1_CLASS, ev->class);
	w[2] = ev->input_addr;
	if (smmu_event_has_fetch_addr(ev->type))
		w[3] = ev->fetch_addr & SMMU_EVT_3_FETCH_ADDR;
	else
		w[3] = ev->ipa & SMMU_EVT_3_IPA;
	for (int i = 0; i < SMMU_EVT_DWORDS; i++) {
		u64 le = htole64(w[i]);

		memcpy(rec + 8 * i, &le, 8);
	}
}

void smmu_event_decode(const u8 rec[SMMU_EVT_BYTES], struct smmu_event *ev)
{
	u64 w[SMMU_EVT_DWORDS];

	for (int i = 0; i < SMMU_EVT_DWORDS; i++) {
		memcpy(&w[i], rec + 8 * i, 8);
		w[i] = le64toh(w[i]);
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = (u8)FIELD_GET(SMMU_EVT_0_ID, w[0]);
	ev->ssv = w[0] & SMMU_EVT_0_SSV;
	ev->ssid = (u32)FIELD_GET(SMMU_EVT_0_SSID, w[0]);
	ev->sid = (u32)FIELD_GET(SMMU_EVT_0_SID, w[0]);
	ev->stag = (u16)FIELD_GET(SMMU_EVT_1_STAG, w[1]);
	ev->stall = w[1] & SMMU_EVT_1_STALL;
	ev->pnu = w[1] & SMMU_EVT_1_PNU;
	ev->ind = w[1] & SMMU_EVT_1_IND;
	ev->rnw = w[1] & SMMU_EVT_1_RNW;
	ev->s2 = w[1] & SMMU_EVT_1_S2;
	ev->class = (u8)FIELD_GET(SMMU_EVT_1_CLASS, w[1]);
	ev->input_addr = w[2];
	if (smmu_event_has_fetch_addr(ev->type))
		ev->fetch_addr = w[3] & SMMU_EVT_3_FETCH_ADDR;
	else
		ev->ipa = w[3] & SMMU_EVT_3_IPA;
}

const char *smmu_event_name(u8 type)
{
	switch (type) {
	case SMMU_EVT_F_UUT: return "F_UUT";
	case SMMU_EVT_C_BAD_STREAMID: return "C_BAD_STREAMID";
	case SMMU_EVT_F_STE_FETCH: return "F_STE_FETCH";
	case SMMU_EVT_C_BAD_STE: return "C_BAD_STE";
	case SMMU_EVT_F_BAD_ATS_TREQ: return "F_BAD_ATS_TREQ";
	case SMMU_EVT_F_STREAM_DISABLED: return "F_STREAM_DISABLED";
	case SMMU_EVT_F_TRANS_FORBIDDEN: return "F_TRANS_FORBIDDEN";
	case SMMU_EVT_C_BAD_SUBSTREAMID: return "C_BAD_SUBSTREAMID";
	case SMMU_EVT_F_CD_FETCH: return "F_CD_FETCH";
	case SMMU_EVT_C_BAD_CD: return "C_BAD_CD";
	case SMMU_EVT_F_WALK_EABT: return "F_WALK_EABT";
	case SMMU_EVT_F_TRANSLATION: return "F_TRANSLATION";
	case SMMU_EVT_F_ADDR_SIZE: return "F_ADDR_SIZE";
	case SMMU_EVT_F_ACCESS: return "F_ACCESS";
	case SMMU_EVT_F_PERMISSION: return "F_PERMISSION";
	default: return "UNKNOWN";
	}
}
