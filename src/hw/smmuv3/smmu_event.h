/*
 * SMMUv3 event records: the architected 32-byte EVTQ entry, shared by the
 * hardware model (which writes them) and by whoever reads the EVTQ (driver,
 * tests). Layout per the SMMUv3 spec, "Event queue record formats"; the
 * same fields Linux decodes as EVTQ_0_ID/EVTQ_1_S2/... in arm-smmu-v3.h.
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_EVENT_H
#define IOMMUSIM_HW_SMMUV3_SMMU_EVENT_H

#include "base/bits.h"

#define SMMU_EVT_DWORDS 4
#define SMMU_EVT_BYTES 32

/* Event type codes (EVTQ_0_ID). */
#define SMMU_EVT_F_UUT 0x01
#define SMMU_EVT_C_BAD_STREAMID 0x02
#define SMMU_EVT_F_STE_FETCH 0x03
#define SMMU_EVT_C_BAD_STE 0x04
#define SMMU_EVT_F_BAD_ATS_TREQ 0x05
#define SMMU_EVT_F_STREAM_DISABLED 0x06
#define SMMU_EVT_F_TRANS_FORBIDDEN 0x07
#define SMMU_EVT_C_BAD_SUBSTREAMID 0x08
#define SMMU_EVT_F_CD_FETCH 0x09
#define SMMU_EVT_C_BAD_CD 0x0a
#define SMMU_EVT_F_WALK_EABT 0x0b
#define SMMU_EVT_F_TRANSLATION 0x10
#define SMMU_EVT_F_ADDR_SIZE 0x11
#define SMMU_EVT_F_ACCESS 0x12
#define SMMU_EVT_F_PERMISSION 0x13

/* Record fields, by 64-bit word. */
#define SMMU_EVT_0_ID GENMASK_ULL(7, 0)
#define SMMU_EVT_0_SSV BIT(11)
#define SMMU_EVT_0_SSID GENMASK_ULL(31, 12)
#define SMMU_EVT_0_SID GENMASK_ULL(63, 32)
#define SMMU_EVT_1_STAG GENMASK_ULL(15, 0)
#define SMMU_EVT_1_STALL BIT(31)
#define SMMU_EVT_1_PNU BIT(33)
#define SMMU_EVT_1_IND BIT(34)
#define SMMU_EVT_1_RNW BIT(35)
#define SMMU_EVT_1_S2 BIT(39)
#define SMMU_EVT_1_CLASS GENMASK_ULL(41, 40)
#define SMMU_EVT_2_ADDR GENMASK_ULL(63, 0)
#define SMMU_EVT_3_IPA GENMASK_ULL(51, 12)
/* Fetch-fault records (F_STE_FETCH, F_CD_FETCH, F_WALK_EABT) put FetchAddr here. */
#define SMMU_EVT_3_FETCH_ADDR GENMASK_ULL(51, 3)

/* CLASS: what the faulting access was for. */
#define SMMU_EVT_CLASS_CD 0
#define SMMU_EVT_CLASS_TT 1
#define SMMU_EVT_CLASS_IN 2

struct smmu_event {
	u8 type;
	u32 sid;
	bool ssv;
	u32 ssid;
	u64 input_addr; /* InputAddr: the transaction's address */
	u64 ipa; /* IPA of a stage-2 fault (valid when s2) */
	u64 fetch_addr; /* F_*_FETCH / F_WALK_EABT: the address that failed */
	bool s2; /* fault came from stage 2 */
	u8 class; /* SMMU_EVT_CLASS_* */
	bool rnw; /* 1: read, 0: write */
	bool ind; /* instruction (never for DMA here) */
	bool pnu; /* privileged */
	bool stall;
	u16 stag;
};

/* True for the types whose word 3 holds FetchAddr rather than IPA. */
bool smmu_event_has_fetch_addr(u8 type);
/* Encode ev into the little-endian 32-byte record rec. */
void smmu_event_encode(const struct smmu_event *ev, u8 rec[SMMU_EVT_BYTES]);
/* Decode a 32-byte record; the inverse of smmu_event_encode. */
void smmu_event_decode(const u8 rec[SMMU_EVT_BYTES], struct smmu_event *ev);
/* "C_BAD_STE", "F_TRANSLATION", ...; "UNKNOWN" for other codes. */
const char *smmu_event_name(u8 type);

#endif
