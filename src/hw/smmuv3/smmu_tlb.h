/*
 * The SMMU's TLB: a direct-mapped, hashed array of leaf translations
 * tagged by stage kind, VMID and ASID, as TLBI commands address them. One
 * entry holds the combined result of all stages for one page or block; the
 * hit path is a hash, one compare and no allocation.
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMU_TLB_H
#define IOMMUSIM_HW_SMMUV3_SMMU_TLB_H

#include "base/bits.h"

#define SMMU_TLB_ENTRIES 4096

/* What produced an entry: its tag space. */
enum smmu_tlb_kind {
	SMMU_TLB_INVALID = 0,
	SMMU_TLB_S1 = 1, /* stage 1 only: tagged ASID (+ VMID when S2P) */
	SMMU_TLB_S2 = 2, /* stage 2 only: tagged VMID */
	SMMU_TLB_NESTED = 3, /* stage 1 + stage 2: ASID and VMID */
};

#define SMMU_TLB_PERM_S1W BIT(0) /* stage 1 allows writes */
#define SMMU_TLB_PERM_S2R BIT(1) /* stage 2 allows reads */
#define SMMU_TLB_PERM_S2W BIT(2) /* stage 2 allows writes */

struct smmu_tlb_entry {
	u64 in; /* input address, aligned to the entry size */
	u64 out; /* output address of in */
	u64 ipa; /* intermediate address of in (stage 2 / nested) */
	u16 asid, vmid;
	u8 kind;
	u8 size_shift;
	u8 perm;
	u8 pad;
};

struct smmu_tlb {
	struct smmu_tlb_entry e[SMMU_TLB_ENTRIES];
	u64 shifts; /* bit n set when some entry has size_shift n */
	u64 valid[SMMU_TLB_ENTRIES / 64]; /* which entries hold a translation: scans visit only those */
};

/* Which entries an invalidation hits; range is [start, start+len) on in (or ipa). */
struct smmu_tlb_inval {
	u8 kinds; /* BIT(kind) set for the kinds to consider */
	bool match_vmid, match_asid;
	u16 vmid, asid;
	bool by_addr; /* else: every address */
	bool by_ipa; /* match S2 entries on in, NESTED entries on ipa */
	u64 start, len;
};

void smmu_tlb_init(struct smmu_tlb *tlb);

static inline unsigned smmu_tlb_index(u64 in, u8 shift, u8 kind, u16 asid, u16 vmid)
{
	u64 h = (in >> shift) * 0x9e3779b97f4a7c15ULL;

	h ^= ((u64)asid << 32 | (u64)vmid << 16 | (u64)kind << 8 | shift) * 0xc2b2ae3d27d4eb4fULL;
	return (unsigned)(h >> 40) & (SMMU_TLB_ENTRIES - 1);
}

/* Entry translating addr in the given tag space, or NULL. */
static inline const struct smmu_tlb_entry *smmu_tlb_lookup(const struct smmu_tlb *tlb, u8 kind,
							   u16 asid, u16 vmid, u64 addr)
{
	u64 shifts = tlb->shifts;

	while (shifts) {
		u8 s = (u8)__builtin_ctzll(shifts);
		u64 in = addr & ~((1ULL << s) - 1);
		const struct smmu_tlb_entry *e = &tlb->e[smmu_tlb_index(in, s, kind, asid, vmid)];

		if (e->in == in && e->kind == kind && e->size_shift == s && e->asid == asid &&
		    e->vmid == vmid)
			return e;
		shifts &= shifts - 1;
	}
	return NULL;
}

void smmu_tlb_insert(struct smmu_tlb *tlb, const struct smmu_tlb_entry *ent);
/* Returns the number of entries dropped. */
u64 smmu_tlb_invalidate(struct smmu_tlb *tlb, const struct smmu_tlb_inval *inv);
u64 smmu_tlb_flush_all(struct smmu_tlb *tlb);

#endif
