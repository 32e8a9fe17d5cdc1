/*
 * Linux 7.3's decoded event lines (arm_smmu_decode_event() and the part of
 * arm_smmu_dump_event() after the raw words): what the record says, in words.
 */
#ifndef IOMMUSIM_SMMUV3_EVENT_DECODE_H
#define IOMMUSIM_SMMUV3_EVENT_DECODE_H

#include "smmuv3/arm_smmu_v3.h"

/* arm_smmu_decode_event()'s view of one record */
struct arm_smmu_event {
	u8 id;
	u32 sid, ssid;		/* ssid: IOMMU_NO_PASID (0) without SSV */
	bool ssv, privileged, instruction, s2, read, stall;
	bool class_tt;		/* a permission fault on a stage-1 table fetch */
	bool ttrnw;		/* ... which was a read (EVTQ_1_TT_READ) */
	u8 class;
	u16 stag;
	u64 iova, ipa, fetch_addr;
	const struct device *dev;	/* the master owning sid, or NULL */
};

void arm_smmu_decode_event(struct arm_smmu_device *smmu, const u64 raw[4],
			   struct arm_smmu_event *event);
/*
 * 7.3's lines after "event 0x%02x received:" and the raw words: for a
 * translation, address-size, access or permission fault
 *   event: F_TRANSLATION client: 0000:00:02.0 sid: 0x10 ssid: 0x0 iova: 0x8090040 ipa: 0x0
 *   unpriv data write s1 "Input address caused fault" stag: 0x0
 * for F_STE_FETCH/F_CD_FETCH/F_VMS_FETCH the fetch address, for the others
 * the first line's sid and ssid only. Unknown types say UNKNOWN, a stream
 * without a master "(unassigned sid)".
 */
void arm_smmu_dump_decoded_event(struct arm_smmu_device *smmu, const struct arm_smmu_event *evt);
/* 7.3's event_str[]: the name of an event id, or "UNKNOWN" */
const char *arm_smmu_event_str(u8 id);

#endif
