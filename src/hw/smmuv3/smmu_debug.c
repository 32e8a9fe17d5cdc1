#include <errno.h>
#include "hw/smmuv3/smmu_debug.h"
#include "hw/smmuv3/smmu_config.h"
#include "hw/smmuv3/smmu_hw_internal.h"
#include "hw/smmuv3/smmuv3_tables.h"

static const char *const config_str[8] = {
	"abort", "reserved", "reserved", "reserved", "bypass", "S1", "S2", "S1+S2",
};
static const char *const tg0_str[4] = { "4K", "64K", "16K", "reserved" };
static const char *const tg2_str[4] = { "4K", "16K", "64K", "reserved" };

static void print_words(FILE *out, const char *what, u64 pa, const u64 *w)
{
	fprintf(out, "%s @0x%llx:", what, (unsigned long long)pa);
	for (int i = 0; i < 8; i++)
		fprintf(out, " %016llx", (unsigned long long)w[i]);
	fputc('\n', out);
}

static int read_words(struct smmu_hw *smmu, u64 pa, u64 *w)
{
	for (int i = 0; i < 8; i++)
		if (guest_mem_read64(smmu->mem, pa + 8ULL * i, &w[i]))
			return -EFAULT;
	return 0;
}

static const char *const class_str[4] = { "CD", "TT", "IN", "reserved" };

static void print_event(FILE *out, const struct smmu_event *ev)
{
	fprintf(out, "fault: %s (event 0x%02x)", smmu_event_name(ev->type), ev->type);
	/* a nested CD fetch stage 2 could not translate */
	if (ev->s2)
		fprintf(out, " at stage 2, CLASS %s, IPA 0x%llx", class_str[ev->class & 3],
			(unsigned long long)ev->ipa);
	if (ev->fetch_addr)
		fprintf(out, " fetch 0x%llx", (unsigned long long)ev->fetch_addr);
	fputc('\n', out);
}

int smmu_hw_debug_ste(struct smmu_hw *smmu, u32 sid, u32 ssid, FILE *out)
{
	struct smmu_event ev = { 0 };
	u64 addr, ste[8], cd[8];

	if (!(smmu->cr0 & CR0_SMMUEN)) {
		fprintf(out, "SMMU disabled: GBPA %s\n", smmu->gbpa & GBPA_ABORT ? "abort" : "bypass");
		return 0;
	}
	if (smmu_hw_ste_locate(smmu, sid, ssid, &addr, &ev)) {
		print_event(out, &ev);
		return -EIO;
	}
	if (read_words(smmu, addr, ste))
		return -EFAULT;
	print_words(out, "STE", addr, ste);
	struct smmu_ste_cfg s;
	if (smmu_ste_decode(ste, &smmu->cfg, &s)) {
		fprintf(out, "STE invalid (C_BAD_STE): V=%llu Config=%llu\n",
			(unsigned long long)(ste[0] & 1), (unsigned long long)((ste[0] >> 1) & 7));
		return 0;
	}
	fprintf(out, "V=1 Config=%s", config_str[s.config & 7]);
	if (s.config == STE_CONFIG_S1 || s.config == STE_CONFIG_NESTED)
		fprintf(out, " S1ContextPtr=0x%llx S1Fmt=%u S1CDMax=%u S1DSS=%u",
			(unsigned long long)s.s1ctxptr, s.s1fmt, s.s1cdmax, s.s1dss);
	if (s.config == STE_CONFIG_S2 || s.config == STE_CONFIG_NESTED)
		fprintf(out, " S2VMID=%u S2T0SZ=%u S2SL0=%u S2TG=%s S2PS=%u S2AA64=%d S2AFFD=%d S2R=%d S2TTB=0x%llx",
			s.vmid, s.s2t0sz, s.s2sl0, tg2_str[s.s2tg & 3], s.s2ps, s.s2aa64, s.s2affd, s.s2r,
			(unsigned long long)s.s2ttb);
	fprintf(out, " EATS=%u STRW=%u SHCFG=%u\n", s.eats, s.strw, s.shcfg);
	if (s.config != STE_CONFIG_S1 && s.config != STE_CONFIG_NESTED)
		return 0;
	/* A SubstreamID beyond the CD table (or any, without one) is what the SMMU would refuse. */
	if (ssid != SMMU_NO_SSID && (!s.s1cdmax || ssid >> s.s1cdmax)) {
		fprintf(out, "fault: %s (event 0x%02x)\n", smmu_event_name(SMMU_EVT_C_BAD_SUBSTREAMID),
			SMMU_EVT_C_BAD_SUBSTREAMID);
		return -EIO;
	}
	u64 cd_pa = s.s1ctxptr + (ssid == SMMU_NO_SSID ? 0 : (u64)ssid) * (CD_DWORDS * 8);
	/* nested: the CD pointer is an IPA; stage 2 (walked here, no TLB) says where it is */
	if (s.config == STE_CONFIG_NESTED) {
		struct smmu_walk_stats quiet = { 0 };
		struct smmu_walk_fault f = { 0 };
		u64 ipa = cd_pa;

		if (smmu_walk_s2_read(smmu->mem, &s.s2, NULL, ipa, &cd_pa, &f, &quiet)) {
			fprintf(out, "CD at IPA 0x%llx: stage 2 faults %s\n", (unsigned long long)ipa,
				smmu_event_name(f.type));
			return -EFAULT;
		}
		fprintf(out, "CD at IPA 0x%llx -> PA 0x%llx\n", (unsigned long long)ipa,
			(unsigned long long)cd_pa);
	}
	if (read_words(smmu, cd_pa, cd)) {
		fprintf(out, "CD @0x%llx: not in RAM\n", (unsigned long long)cd_pa);
		return -EFAULT;
	}
	print_words(out, "CD", cd_pa, cd);
	struct smmu_cd_cfg c;
	if (smmu_cd_decode(cd, &smmu->cfg, s.config == STE_CONFIG_NESTED ? smmu->cfg.ias : smmu->cfg.oas, &c)) {
		fprintf(out, "CD invalid (C_BAD_CD)\n");
		return 0;
	}
	fprintf(out, "V=1 ASID=%u TTB0=0x%llx T0SZ=%u TG0=%s IPS=%u IRGN0=%u ORGN0=%u SH0=%u EPD0=%d EPD1=%d "
		"AFFD=%d HA=%d HD=%d AA64=%d R=%d A=%d ASET=%d MAIR=0x%016llx\n",
		c.asid, (unsigned long long)c.ttb0, c.t0sz, tg0_str[c.tg0 & 3], c.ips, c.irgn0, c.orgn0, c.sh0,
		c.epd0, c.epd1, c.affd, c.ha, c.hd, c.aa64, c.r, c.a, c.aset, (unsigned long long)c.mair);
	return 0;
}

struct trace_ctx {
	FILE *out;
	bool nested;
};

static const char *desc_kind(unsigned level, u64 desc)
{
	if (!(desc & PTE_VALID))
		return "invalid";
	if (level < 3 && (desc & PTE_TYPE))
		return "table";
	return level == 3 ? "page" : "block";
}

/*
 * One line per descriptor. Nested, each stage-1 level first names its
 * descriptor's IPA, then the stage-2 walk of that IPA (indented), then the
 * PA stage 2 gave, then the stage-1 descriptor read there.
 */
static void trace_step(void *opaque, const struct smmu_walk_step *st)
{
	struct trace_ctx *t = opaque;

	switch (st->kind) {
	case SMMU_WALK_STEP_TABLE_IPA:
		fprintf(t->out, "  S1 L%u descriptor at IPA 0x%llx:\n", st->level,
			(unsigned long long)st->addr);
		return;
	case SMMU_WALK_STEP_TABLE_PA:
		fprintf(t->out, "    S2 -> PA 0x%llx%s\n", (unsigned long long)st->addr,
			st->tlb_hit ? " (TLB)" : "");
		return;
	}
	fprintf(t->out, "%s%s L%u @0x%llx: 0x%016llx %s\n", st->s2_for_table ? "    " : "  ",
		st->s2 ? "S2" : "S1", st->level, (unsigned long long)st->addr,
		(unsigned long long)st->desc, desc_kind(st->level, st->desc));
}

static void print_size(FILE *out, u8 shift, bool writable)
{
	fprintf(out, "%llu KiB %s, %s", 1ULL << (shift - 10), shift > 16 ? "block" : "page",
		writable ? "rw" : "ro");
}

int smmu_hw_debug_walk(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, bool write, FILE *out)
{
	struct smmu_event ev = { 0 };
	struct smmu_xlate_cfg xc;

	fprintf(out, "walk sid 0x%x", sid);
	if (ssid != SMMU_NO_SSID)
		fprintf(out, " ssid 0x%x", ssid);
	fprintf(out, " iova 0x%llx (%s)\n", (unsigned long long)iova, write ? "write" : "read");
	if (!(smmu->cr0 & CR0_SMMUEN)) {
		fprintf(out, "SMMU disabled: GBPA %s\n", smmu->gbpa & GBPA_ABORT ? "abort" : "bypass");
		return 0;
	}
	if (smmu_hw_cfg_build(smmu, sid, ssid, &xc, &ev)) {
		print_event(out, &ev);
		return -EIO;
	}
	if (xc.mode == SMMU_XLATE_ABORT || xc.mode == SMMU_XLATE_DISABLED) {
		fprintf(out, "STE aborts the transaction\n");
		return -EFAULT;
	}
	if (xc.mode == SMMU_XLATE_BYPASS) {
		fprintf(out, "bypass -> pa 0x%llx\n", (unsigned long long)iova);
		return 0;
	}
	bool nested = xc.s1 && xc.s2;
	struct trace_ctx t = { out, nested };
	struct smmu_walk_stats st = { .trace = trace_step, .trace_opaque = &t };
	struct smmu_walk_result r1 = { .out = iova, .size_shift = 63, .readable = true, .writable = true };
	struct smmu_walk_result r2 = { .readable = true, .writable = true };
	struct smmu_walk_fault f = { 0 };
	int ret = 0;

	if (nested)
		fprintf(out, "nested: ASID %u, VMID %u; stage 1 tables at IPAs (TTB0 0x%llx)\n", xc.asid,
			xc.vmid, (unsigned long long)xc.cd.s1.ttb);
	if (xc.s1)
		ret = smmu_walk(smmu->mem, &xc.cd.s1, false, xc.s2 ? &xc.ste.s2 : NULL, iova, write, &r1, &f, &st);
	if (!ret && nested) {
		fprintf(out, "  S1 -> IPA 0x%llx (", (unsigned long long)r1.out);
		print_size(out, r1.size_shift, r1.writable);
		fputs(")\n", out);
	}
	if (!ret && xc.s2)
		ret = smmu_walk(smmu->mem, &xc.ste.s2, true, NULL, r1.out, write, &r2, &f, &st);
	else if (!ret)
		r2 = r1;
	if (!ret && nested) {
		fprintf(out, "  S2 -> PA 0x%llx (", (unsigned long long)r2.out);
		print_size(out, r2.size_shift, r2.writable);
		fputs(")\n", out);
	}
	if (ret) {
		fprintf(out, "fault: %s (event 0x%02x)", smmu_event_name(f.type), f.type);
		if (f.s2 && nested)
			fprintf(out, " at stage 2, CLASS %s, IPA 0x%llx", class_str[f.class & 3],
				(unsigned long long)f.ipa);
		else if (f.s2)
			fputs(" at stage 2", out);
		fputc('\n', out);
		return -EFAULT;
	}
	bool w_ok = r1.writable && r2.writable;
	fprintf(out, "-> pa 0x%llx (", (unsigned long long)r2.out);
	print_size(out, MIN(r1.size_shift, r2.size_shift), w_ok);
	fprintf(out, ")%s\n", write && !w_ok ? ": a write faults F_PERMISSION" : "");
	return 0;
}
