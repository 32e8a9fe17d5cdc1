/*
 * SMMUv3 hardware model: the device as software sees it, through its MMIO
 * registers and through the tables and queues it reads from guest memory.
 * It knows nothing of any driver: like QEMU's hw/arm/smmuv3.c it decodes
 * STEs and CDs, walks AArch64 tables (stage 1, stage 2, nested), caches in
 * a TLB and a config cache, consumes the CMDQ and produces the EVTQ.
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_HW_H
#define IOMMUSIM_HW_SMMUV3_SMMU_HW_H

#include "base/bits.h"
#include "hw/mem.h"
#include "hw/smmuv3/smmu_event.h"

struct smmu_hw;

/* What the implementation supports; turned into IDR0..IDR5 at creation. */
struct smmu_hw_config {
	bool s1, s2; /* IDR0.S1P, IDR0.S2P */
	unsigned ias, oas; /* bits; oas must be one of 32,36,40,42,44,48 */
	unsigned sidsize, ssidsize; /* IDR1.SIDSIZE (<= 32), IDR1.SSIDSIZE (<= 20) */
	bool strtab_2lvl; /* IDR0.ST_LVL = 2-level */
	bool cd2l; /* IDR0.CD2L: 2-level CD tables (not modelled: must be false) */
	unsigned cmdq_shift, evtq_shift; /* IDR1.CMDQS, IDR1.EVTQS (<= 19) */
	bool range_inv; /* IDR3.RIL */
	bool coherent; /* IDR0.COHACC */
	bool asid16, vmid16; /* IDR0.ASID16, IDR0.VMID16 */
	bool gran4k, gran16k, gran64k; /* IDR5.GRAN* */
	unsigned httu; /* IDR0.HTTU: 0 none, 1 access flag, 2 access+dirty */
	bool msi, sev, hyp; /* IDR0.MSI, IDR0.SEV, IDR0.HYP */
	unsigned stall_model; /* IDR0.STALL_MODEL (1: stall not supported) */
	bool had, bbml2, xnx; /* IDR3.HAD, IDR3.BBML = 2, IDR3.XNX */
	bool fwb; /* IDR3.FWB: stage 2 can force write-back (no QEMU has it: an iommusim option) */
	/*
	 * EVTQ records carry every field the architecture defines for their
	 * type. QEMU 7.2 (false) fills fewer: no CLASS but F_WALK_EABT's, no
	 * address in C_BAD_* records, the fetch address of F_STE/CD_FETCH in
	 * the input-address word.
	 */
	bool arch_event_records;
	/*
	 * Without arch_event_records: QEMU 10.0's translation-class fault
	 * records also carry CLASS and a stage-2 fault's IPA (7.2: false).
	 */
	bool fault_record_class;
	u32 iidr, aidr;
};

/*
 * The SMMU of QEMU 7.2's virt machine (hw/arm/smmuv3.c smmuv3_init_regs):
 * stage 1 only, AArch64 LE tables, COHACC, ASID16, 2-level stream table,
 * SIDSIZE 16, SSIDSIZE 0 (QEMU 7.2 has no substreams), CMDQS = EVTQS = 19,
 * RIL, 4K/16K/64K granules, OAS 44. Linux 6.1 probes features 0x00008305
 * (2_LVL_STRTAB | TT_LE | COHERENCY | TRANS_S1 | RANGE_INV), ias = oas = 44.
 */
void smmu_hw_config_qemu_virt(struct smmu_hw_config *c);

struct smmu_hw_version;
/*
 * The SMMU of a QEMU release's virt machine (smmu_hw_version.h) with the
 * stages its stage property leaves it (s1, s2: "1", "2" or "nested");
 * a release without stage 2 gets stage 1 whatever is asked. QEMU 10.0's
 * smmuv3_init_regs: S1P/S2P per stage, VMID16, IDR3.XNX with S2P, and
 * 7.2's other values; with both stages Linux 7.3 probes features
 * 0x01088705, with stage 1 only 0x01008305.
 */
void smmu_hw_config_qemu(struct smmu_hw_config *c, const struct smmu_hw_version *v, bool s1,
			 bool s2);

/* NULL when mem is NULL, cfg is inconsistent, or out of memory. */
struct smmu_hw *smmu_hw_new(struct guest_mem *mem, const struct smmu_hw_config *cfg);
void smmu_hw_free(struct smmu_hw *smmu);
const struct smmu_hw_config *smmu_hw_get_config(const struct smmu_hw *smmu);

/*
 * MMIO: offsets in page 0 and page 1 (0x10000 + ...), size 4 or 8, as the
 * architecture lays them out. Unknown offsets read as zero and ignore writes.
 */
#define SMMU_HW_MMIO_SIZE 0x20000
u64 smmu_hw_mmio_read(struct smmu_hw *smmu, u64 offset, unsigned size);
void smmu_hw_mmio_write(struct smmu_hw *smmu, u64 offset, u64 val, unsigned size);

/* Interrupt lines: the wired "eventq", "gerror" and "cmdq-sync" IRQs. */
enum { SMMU_IRQ_EVTQ, SMMU_IRQ_GERROR, SMMU_IRQ_CMD_SYNC };
void smmu_hw_set_irq(struct smmu_hw *smmu, void (*irq)(void *opaque, int which), void *opaque);

#define SMMU_NO_SSID 0xffffffffu

/*
 * Translate one access. Returns 0 with *pa set, -EFAULT when the access is
 * aborted (translation fault, STE abort, GBPA abort, S1DSS terminate) or
 * -EIO on a configuration error (C_BAD_*, F_STE_FETCH, F_CD_FETCH). A
 * recordable fault goes to the EVTQ (when enabled) and, if ev is not NULL,
 * is also returned there (ev->type 0 when nothing was reported).
 */
int smmu_hw_translate(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, bool write,
		      u64 *pa, struct smmu_event *ev);

/*
 * A device's DMA of len bytes at iova: each page is translated, then its
 * bytes move (write=true: buf -> memory). On the first fault nothing further
 * moves and the error of smmu_hw_translate is returned; -EFAULT too when the
 * output address is not RAM (an external abort, not an SMMU event).
 */
int smmu_hw_dma(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, void *buf, size_t len,
		bool write);
/*
 * The same with the requester ID the transaction carries on past the SMMU
 * (QEMU keeps the MemTxAttrs: the ITS takes it as the DeviceID of an MSI).
 * smmu_hw_dma passes the StreamID, which is the RID on virt.
 */
int smmu_hw_dma_rid(struct smmu_hw *smmu, u32 sid, u32 ssid, u64 iova, void *buf, size_t len,
		    bool write, u32 requester_id);

/*
 * Where translated accesses go (QEMU: the SMMU's downstream address space,
 * the system bus with RAM and MMIO doorbells): 0, or -EFAULT for an external
 * abort. Without one, guest RAM only.
 */
typedef int (*smmu_hw_output_fn)(void *opaque, u64 pa, void *buf, size_t len, bool write,
				 u32 requester_id);
void smmu_hw_set_output(struct smmu_hw *smmu, smmu_hw_output_fn fn, void *opaque);

struct smmu_hw_stats {
	u64 translations; /* smmu_hw_translate calls, including each DMA page */
	u64 tlb_hits, tlb_misses;
	u64 tlb_invalidations; /* TLBI_* commands consumed */
	u64 tlb_entries_dropped; /* TLB entries those commands removed */
	u64 cfg_hits, cfg_misses;
	u64 cfg_invalidations; /* CFGI_* commands consumed */
	u64 walks; /* page-table walks started (either stage) */
	u64 ptw_reads; /* descriptors read from memory */
	u64 cmds; /* commands consumed successfully */
	u64 cmd_syncs;
	u64 cmdq_errors;
	u64 events; /* records written to the EVTQ */
	u64 events_lost; /* recordable events dropped: EVTQ full or disabled */
	u64 faults; /* translations that failed */
	u64 irqs[3]; /* raised, by SMMU_IRQ_* */
};
const struct smmu_hw_stats *smmu_hw_stats(struct smmu_hw *smmu);

#endif
