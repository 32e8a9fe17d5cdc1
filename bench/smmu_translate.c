/*
 * SMMU model translation throughput: TLB hit and miss for a stage-1 stream
 * and a nested (S1+S2) one (4K granule), programmed through MMIO and tables
 * in guest memory. A nested miss reads the stage-1 tables at IPAs that the
 * TLB's stage-2 entries translate (as QEMU 10.0 caches them); the cold line
 * drops those too before every translation (its figure includes the
 * TLBI_S12_VMALL command).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hw/mem.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/smmuv3/smmuv3_regs.h"
#include "hw/smmuv3/smmuv3_tables.h"

#define RAM (1ULL << 30)
#define PAGES 4096 /* distinct pages: the miss loop invalidates before each lap */

static struct guest_mem *mem;
static struct smmu_hw *smmu;
static u64 next_free = VIRT_RAM_BASE + (16ULL << 20);

static u64 alloc(u64 size)
{
	u64 a = ALIGN_UP(next_free, size < 4096 ? 64 : 4096);

	next_free = a + size;
	return a;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* 4K, 4-level map of iova -> out; table pointers written as PA + delta. */
static void map(u64 root, u64 iova, u64 out, u64 attrs, u64 delta)
{
	u64 table = root;

	for (int level = 0; level < 3; level++) {
		u64 slot = table + ((iova >> (39 - 9 * level)) & 511) * 8, d;

		guest_mem_read64(mem, slot, &d);
		if (!(d & PTE_VALID)) {
			d = (alloc(4096) + delta) | PTE_VALID | PTE_TYPE;
			guest_mem_write64(mem, slot, d);
		}
		table = (d & GENMASK_ULL(47, 12)) - delta;
	}
	guest_mem_write64(mem, table + ((iova >> 12) & 511) * 8, out | attrs | PTE_VALID | PTE_TYPE);
}

static void cmd(u64 c0, u64 c1, u64 cmdq)
{
	u32 prod = (u32)smmu_hw_mmio_read(smmu, SMMU_REG_CMDQ_PROD, 4);

	guest_mem_write64(mem, cmdq + 16 * (prod & 255), c0);
	guest_mem_write64(mem, cmdq + 16 * (prod & 255) + 8, c1);
	smmu_hw_mmio_write(smmu, SMMU_REG_CMDQ_PROD, (prod + 1) & 511, 4);
}

static void report(const char *what, double secs, u64 n)
{
	printf("%-28s %10.1f M translations/s  %7.1f ns/translation\n", what, (double)n / secs / 1e6,
	       secs * 1e9 / (double)n);
}

int main(void)
{
	struct smmu_hw_config c;
	u64 strtab, cmdq, evtq, pa, sink = 0;
	const u64 delta = 0x100000000ULL;

	mem = guest_mem_new(VIRT_RAM_BASE, RAM);
	smmu_hw_config_qemu_virt(&c);
	c.s2 = true;
	smmu = smmu_hw_new(mem, &c);
	if (!mem || !smmu)
		return 1;
	strtab = alloc(64 * 256);
	cmdq = alloc(16 * 256);
	evtq = alloc(32 * 256);
	smmu_hw_mmio_write(smmu, SMMU_REG_STRTAB_BASE, strtab, 8);
	smmu_hw_mmio_write(smmu, SMMU_REG_STRTAB_BASE_CFG, 8, 4);
	smmu_hw_mmio_write(smmu, SMMU_REG_CMDQ_BASE, cmdq | 8, 8);
	smmu_hw_mmio_write(smmu, SMMU_REG_EVTQ_BASE, evtq | 8, 8);
	smmu_hw_mmio_write(smmu, SMMU_REG_CR0, CR0_SMMUEN | CR0_CMDQEN | CR0_EVTQEN, 4);

	/* Stream 1: stage 1, 48-bit, 4-level 4K. */
	u64 s1root = alloc(4096), cd1 = alloc(64);
	u64 cd[8] = { FIELD_PREP(CD0_T0SZ, 16) | CD0_EPD1 | CD0_V | FIELD_PREP(CD0_IPS, 4) |
			      CD0_AA64 | CD0_R | CD0_A | FIELD_PREP(CD0_ASID, 1),
		      s1root };
	for (int i = 0; i < 8; i++)
		guest_mem_write64(mem, cd1 + 8 * i, cd[i]);
	u64 ste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_S1) | cd1,
		       FIELD_PREP(STE1_S1DSS, STE_S1DSS_SSID0) };
	for (int i = 0; i < 8; i++)
		guest_mem_write64(mem, strtab + 64 + 8 * i, ste[i]);
	for (u64 p = 0; p < PAGES; p++)
		map(s1root, 0x10000000 + p * 4096, 0x50000000 + p * 4096,
		    PTE_AF | PTE_S1_AP_UNPRIV, 0);

	/* Stream 2: nested; S2 (4-level, 48-bit IPA is beyond IAS 44: use 44 bits, level 0). */
	u64 s2root = alloc(4096);
	for (u64 off = 0; off < RAM; off += 4096 * 512) {
		/* 2M blocks: IPA = PA + delta over all RAM. */
		u64 table = s2root;
		u64 ipa = VIRT_RAM_BASE + off + delta;
		for (int level = 0; level < 2; level++) {
			u64 slot = table + ((ipa >> (39 - 9 * level)) & 511) * 8, d;

			guest_mem_read64(mem, slot, &d);
			if (!(d & PTE_VALID)) {
				d = alloc(4096) | PTE_VALID | PTE_TYPE;
				guest_mem_write64(mem, slot, d);
			}
			table = d & GENMASK_ULL(47, 12);
		}
		guest_mem_write64(mem, table + ((ipa >> 21) & 511) * 8,
				  (VIRT_RAM_BASE + off) | PTE_AF | PTE_S2_AP_READ | PTE_S2_AP_WRITE |
					  PTE_VALID);
	}
	u64 n1root = alloc(4096), cd2 = alloc(64);
	u64 ncd[8] = { FIELD_PREP(CD0_T0SZ, 16) | CD0_EPD1 | CD0_V | FIELD_PREP(CD0_IPS, 4) |
			       CD0_AA64 | CD0_R | CD0_A | FIELD_PREP(CD0_ASID, 2),
		       n1root + delta };
	for (int i = 0; i < 8; i++)
		guest_mem_write64(mem, cd2 + 8 * i, ncd[i]);
	u64 nste[8] = { STE0_V | FIELD_PREP(STE0_CONFIG, STE_CONFIG_NESTED) | (cd2 + delta),
			FIELD_PREP(STE1_S1DSS, STE_S1DSS_SSID0),
			FIELD_PREP(STE2_S2VMID, 3) | FIELD_PREP(STE2_S2T0SZ, 20) |
				FIELD_PREP(STE2_S2SL0, 2) | FIELD_PREP(STE2_S2PS, 4) | STE2_S2AA64 |
				STE2_S2R,
			s2root };
	for (int i = 0; i < 8; i++)
		guest_mem_write64(mem, strtab + 128 + 8 * i, nste[i]);
	for (u64 p = 0; p < PAGES; p++)
		map(n1root, 0x10000000 + p * 4096, 0x50000000 + p * 4096 + delta,
		    PTE_AF | PTE_S1_AP_UNPRIV, delta);

	/* Check both streams once. */
	if (smmu_hw_translate(smmu, 1, SMMU_NO_SSID, 0x10000123, false, &pa, NULL) ||
	    pa != 0x50000123 ||
	    smmu_hw_translate(smmu, 2, SMMU_NO_SSID, 0x10001123, false, &pa, NULL) ||
	    pa != 0x50001123) {
		fprintf(stderr, "bench setup broken\n");
		return 1;
	}

	const u64 hits = 50000000;
	double t0 = now();
	for (u64 i = 0; i < hits; i++) {
		smmu_hw_translate(smmu, 1, SMMU_NO_SSID, 0x10000000 + ((i & 15) << 12), false, &pa, NULL);
		sink += pa;
	}
	report("TLB hit (S1, 16 pages)", now() - t0, hits);
	t0 = now();
	for (u64 i = 0; i < hits; i++) {
		smmu_hw_translate(smmu, 2, SMMU_NO_SSID, 0x10000000 + ((i & 15) << 12), false, &pa, NULL);
		sink += pa;
	}
	report("TLB hit (nested, 16 pages)", now() - t0, hits);

	const unsigned laps = 200;
	double miss_time = 0;
	for (unsigned l = 0; l < laps; l++) {
		cmd(FIELD_PREP(CMD0_OP, CMD_TLBI_NSNH_ALL), 0, cmdq);
		t0 = now();
		for (u64 p = 0; p < PAGES; p++) {
			smmu_hw_translate(smmu, 1, SMMU_NO_SSID, 0x10000000 + p * 4096, false, &pa, NULL);
			sink += pa;
		}
		miss_time += now() - t0;
	}
	report("TLB miss, S1 4-level 4K", miss_time, (u64)laps * PAGES);

	miss_time = 0;
	for (unsigned l = 0; l < laps / 4; l++) {
		cmd(FIELD_PREP(CMD0_OP, CMD_TLBI_NSNH_ALL), 0, cmdq);
		t0 = now();
		for (u64 p = 0; p < PAGES; p++) {
			smmu_hw_translate(smmu, 2, SMMU_NO_SSID, 0x10000000 + p * 4096, false, &pa, NULL);
			sink += pa;
		}
		miss_time += now() - t0;
	}
	report("TLB miss, nested S1+S2 4K", miss_time, (u64)(laps / 4) * PAGES);

	/* Cold: no stage-2 entry for the stage-1 tables either. */
	const u64 cold = 200000;
	t0 = now();
	for (u64 i = 0; i < cold; i++) {
		cmd(FIELD_PREP(CMD0_OP, CMD_TLBI_S12_VMALL) | FIELD_PREP(CMD0_VMID, 3), 0, cmdq);
		smmu_hw_translate(smmu, 2, SMMU_NO_SSID, 0x10000000 + (i % PAGES) * 4096, false, &pa, NULL);
		sink += pa;
	}
	report("TLB miss, nested, cold+TLBI", now() - t0, cold);

	const struct smmu_hw_stats *st = smmu_hw_stats(smmu);
	printf("stats: hits %llu misses %llu walks %llu ptw_reads %llu faults %llu (sink %llx)\n",
	       (unsigned long long)st->tlb_hits, (unsigned long long)st->tlb_misses,
	       (unsigned long long)st->walks, (unsigned long long)st->ptw_reads,
	       (unsigned long long)st->faults, (unsigned long long)(sink & 0xf));
	int ret = st->faults ? 1 : 0;

	smmu_hw_free(smmu);
	guest_mem_free(mem);
	return ret;
}
