#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smmuv3/event_log.h"
#include "smmuv3/evtq.h"
#include "sysfs/sysfs.h"

static const char *event_name(unsigned id)
{
	switch (id) {
	case 0x01: return "F_UUT";
	case 0x02: return "C_BAD_STREAMID";
	case 0x03: return "F_STE_FETCH";
	case 0x04: return "C_BAD_STE";
	case 0x05: return "F_BAD_ATS_TREQ";
	case 0x06: return "F_STREAM_DISABLED";
	case 0x07: return "F_TRANSL_FORBIDDEN";
	case 0x08: return "C_BAD_SUBSTREAMID";
	case 0x09: return "F_CD_FETCH";
	case 0x0a: return "C_BAD_CD";
	case 0x0b: return "F_WALK_EABT";
	case 0x10: return "F_TRANSLATION";
	case 0x11: return "F_ADDR_SIZE";
	case 0x12: return "F_ACCESS";
	case 0x13: return "F_PERMISSION";
	case 0x20: return "F_TLB_CONFLICT";
	case 0x21: return "F_CFG_CONFLICT";
	case 0x24: return "E_PAGE_REQUEST";
	case 0x25: return "F_VMS_FETCH";
	default: return "UNKNOWN";
	}
}

void arm_smmu_event_log_add(struct arm_smmu_device *smmu, const u64 evt[4])
{
	struct arm_smmu_event_log *log = &smmu->event_log;
	if (!log->recs) {
		log->recs = calloc(ARM_SMMU_EVENT_LOG_SIZE, sizeof(*log->recs));
		if (!log->recs)
			return;
	}
	struct arm_smmu_event_rec *r = &log->recs[log->total % ARM_SMMU_EVENT_LOG_SIZE];
	r->ts_ns = smmu->k ? smmu->k->log.clock_ns : 0;
	memcpy(r->evt, evt, sizeof(r->evt));
	log->total++;
}

void arm_smmu_event_log_free(struct arm_smmu_device *smmu)
{
	free(smmu->event_log.recs);
	memset(&smmu->event_log, 0, sizeof(smmu->event_log));
}

static const char *const class_str[] = { "CD", "TT", "IN", "RES" };

static int events_show(struct kernel *k, const char *rest, struct sysfs_buf *out)
{
	(void)rest;
	struct arm_smmu_device *smmu = k->smmu;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	const struct arm_smmu_event_log *log = smmu ? &smmu->event_log : NULL;
	u64 first = log && log->total > ARM_SMMU_EVENT_LOG_SIZE ? log->total - ARM_SMMU_EVENT_LOG_SIZE : 0;
	for (u64 i = first; log && i < log->total; i++) {
		const struct arm_smmu_event_rec *r = &log->recs[i % ARM_SMMU_EVENT_LOG_SIZE];
		const u64 *e = r->evt;
		unsigned id = (unsigned)FIELD_GET(EVTQ_0_ID, e[0]);
		fprintf(f, "[%5llu.%06llu] event 0x%02x %s sid 0x%llx", (unsigned long long)(r->ts_ns / 1000000000ULL),
			(unsigned long long)(r->ts_ns % 1000000000ULL / 1000), id, event_name(id),
			(unsigned long long)FIELD_GET(EVTQ_0_SID, e[0]));
		if (e[0] & EVTQ_0_SSV)
			fprintf(f, " ssid 0x%llx", (unsigned long long)FIELD_GET(EVTQ_0_SSID, e[0]));
		if (id >= 0x10 && id <= 0x13)
			fprintf(f, " %s addr 0x%016llx%s ipa 0x%llx class %s",
				e[1] & EVTQ_1_RnW ? "read" : "write", (unsigned long long)e[2],
				e[1] & EVTQ_1_S2 ? " stage 2" : "",
				(unsigned long long)(FIELD_GET(EVTQ_3_IPA, e[3]) << 12),
				class_str[FIELD_GET(EVTQ_1_CLASS, e[1])]);
		fputc('\n', f);
	}
	fclose(f);
	out->text = buf;
	return 0;
}

void arm_smmu_event_log_register_debugfs(void)
{
	sysfs_register_debug("events", events_show);
}
