/* Linux 7.3's event decode and its two dmesg lines (event_decode.h). */
#include "smmuv3/event_decode.h"
#include "smmuv3/evtq.h"

/* EVTQ fields only the decoder reads */
#define EVTQ_1_STAG GENMASK_ULL(15, 0)
#define EVTQ_1_CLASS_TT 0x01
#define EVTQ_1_TT_READ BIT(44)
#define EVTQ_3_FETCH_ADDR GENMASK_ULL(51, 3)

#define EVT_ID_STE_FETCH_FAULT 0x03
#define EVT_ID_CD_FETCH_FAULT 0x09
#define EVT_ID_VMS_FETCH_FAULT 0x25

const char *arm_smmu_event_str(u8 id)
{
	/* 7.3 names these; F_UUT, F_BAD_ATS_TREQ, F_TRANSL_FORBIDDEN, F_WALK_EABT... are UNKNOWN */
	switch (id) {
	case 0x02: return "C_BAD_STREAMID";
	case EVT_ID_STE_FETCH_FAULT: return "F_STE_FETCH";
	case 0x04: return "C_BAD_STE";
	case 0x06: return "F_STREAM_DISABLED";
	case 0x08: return "C_BAD_SUBSTREAMID";
	case EVT_ID_CD_FETCH_FAULT: return "F_CD_FETCH";
	case 0x0a: return "C_BAD_CD";
	case EVT_ID_TRANSLATION_FAULT: return "F_TRANSLATION";
	case EVT_ID_ADDR_SIZE_FAULT: return "F_ADDR_SIZE";
	case EVT_ID_ACCESS_FAULT: return "F_ACCESS";
	case EVT_ID_PERMISSION_FAULT: return "F_PERMISSION";
	case EVT_ID_VMS_FETCH_FAULT: return "F_VMS_FETCH";
	default: return "UNKNOWN";
	}
}

static const char *const event_class_str[] = {
	"CD fetch",
	"Stage 1 translation table fetch",
	"Input address caused fault",
	"Reserved",
};

void arm_smmu_decode_event(struct arm_smmu_device *smmu, const u64 raw[4],
			   struct arm_smmu_event *event)
{
	struct arm_smmu_master *master;

	event->id = (u8)FIELD_GET(EVTQ_0_ID, raw[0]);
	event->sid = (u32)FIELD_GET(EVTQ_0_SID, raw[0]);
	event->ssv = raw[0] & EVTQ_0_SSV;
	event->ssid = event->ssv ? (u32)FIELD_GET(EVTQ_0_SSID, raw[0]) : 0;
	event->privileged = raw[1] & EVTQ_1_PnU;
	event->instruction = raw[1] & EVTQ_1_InD;
	event->s2 = raw[1] & EVTQ_1_S2;
	event->read = raw[1] & EVTQ_1_RnW;
	event->stag = (u16)FIELD_GET(EVTQ_1_STAG, raw[1]);
	event->stall = raw[1] & EVTQ_1_STALL;
	event->class = (u8)FIELD_GET(EVTQ_1_CLASS, raw[1]);
	event->iova = raw[2];
	event->ipa = raw[3] & EVTQ_3_IPA;
	event->fetch_addr = raw[3] & EVTQ_3_FETCH_ADDR;
	event->ttrnw = raw[1] & EVTQ_1_TT_READ;
	event->class_tt = event->id == EVT_ID_PERMISSION_FAULT && event->class == EVTQ_1_CLASS_TT;
	master = arm_smmu_find_master(smmu, event->sid);
	event->dev = master ? master->dev : NULL;
}

/* Linux's %#x and %#llx: "0x" even before a zero (glibc's prints a bare 0) */
void arm_smmu_dump_decoded_event(struct arm_smmu_device *smmu, const struct arm_smmu_event *evt)
{
	const char *client = evt->dev ? evt->dev->name : "(unassigned sid)";
	const char *name = arm_smmu_event_str(evt->id);

	switch (evt->id) {
	case EVT_ID_TRANSLATION_FAULT:
	case EVT_ID_ADDR_SIZE_FAULT:
	case EVT_ID_ACCESS_FAULT:
	case EVT_ID_PERMISSION_FAULT:
		dev_err(smmu->dev, "event: %s client: %s sid: 0x%x ssid: 0x%x iova: 0x%llx ipa: 0x%llx\n",
			name, client, evt->sid, evt->ssid, (unsigned long long)evt->iova,
			(unsigned long long)evt->ipa);
		dev_err(smmu->dev, "%s %s %s %s \"%s\"%s%s stag: 0x%x\n",
			evt->privileged ? "priv" : "unpriv", evt->instruction ? "inst" : "data",
			evt->read ? "read" : "write", evt->s2 ? "s2" : "s1",
			event_class_str[evt->class & 3],
			evt->class_tt ? (evt->ttrnw ? " ttd_read" : " ttd_write") : "",
			evt->stall ? " stall" : "", evt->stag);
		break;
	case EVT_ID_STE_FETCH_FAULT:
	case EVT_ID_CD_FETCH_FAULT:
	case EVT_ID_VMS_FETCH_FAULT:
		dev_err(smmu->dev, "event: %s client: %s sid: 0x%x ssid: 0x%x fetch_addr: 0x%llx\n",
			name, client, evt->sid, evt->ssid, (unsigned long long)evt->fetch_addr);
		break;
	default:
		dev_err(smmu->dev, "event: %s client: %s sid: 0x%x ssid: 0x%x\n", name, client,
			evt->sid, evt->ssid);
		break;
	}
}
