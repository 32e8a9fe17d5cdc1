/*
 * The event queue, driver side (arm_smmu_evtq_thread of 6.1 and 7.3): drain
 * the records the SMMU wrote to guest memory and report them in dmesg (7.3
 * adds its decoded lines: event_decode.h).
 */
#ifndef IOMMUSIM_SMMUV3_EVTQ_H
#define IOMMUSIM_SMMUV3_EVTQ_H

#include "smmuv3/arm_smmu_v3.h"

#define EVTQ_ENT_DWORDS 4
#define EVTQ_0_ID GENMASK_ULL(7, 0)
#define EVTQ_0_SSV BIT(11)
#define EVTQ_0_SSID GENMASK_ULL(31, 12)
#define EVTQ_0_SID GENMASK_ULL(63, 32)
#define EVTQ_1_STALL BIT(31)
#define EVTQ_1_PnU BIT(33)
#define EVTQ_1_InD BIT(34)
#define EVTQ_1_RnW BIT(35)
#define EVTQ_1_S2 BIT(39)
#define EVTQ_1_CLASS GENMASK_ULL(41, 40)
#define EVTQ_2_ADDR GENMASK_ULL(63, 0)
#define EVTQ_3_IPA GENMASK_ULL(51, 12)

#define EVT_ID_BAD_STE_CONFIG 0x04
#define EVT_ID_STREAM_DISABLED_FAULT 0x06
#define EVT_ID_BAD_SUBSTREAMID_CONFIG 0x08
#define EVT_ID_BAD_CD_CONFIG 0x0a
#define EVT_ID_TRANSLATION_FAULT 0x10
#define EVT_ID_ADDR_SIZE_FAULT 0x11
#define EVT_ID_ACCESS_FAULT 0x12
#define EVT_ID_PERMISSION_FAULT 0x13

/* printk's DEFAULT_RATELIMIT_INTERVAL (5 s) and DEFAULT_RATELIMIT_BURST */
#define ARM_SMMU_EVT_RATELIMIT_NS (5ULL * 1000000000ULL)
#define ARM_SMMU_EVT_RATELIMIT_BURST 10

/*
 * Drain the EVTQ: each record is printed as "event 0x%02x received:" and its
 * four dwords, then on 7.3 what they mean (the whole record rate limited as
 * one __ratelimit), and an overflow flagged by the SMMU is reported once and
 * acknowledged.
 */
void arm_smmu_evtq_thread(struct arm_smmu_device *smmu);

#endif
