/*
 * TLB maintenance. Small address ranges are found by probing the hash for
 * every entry size in use; anything larger, or an invalidation without the
 * full tag, visits the valid entries only (a bitmap tracks them).
 */
#include "hw/smmuv3/smmu_tlb.h"

#include <string.h>

#define PROBE_LIMIT 64

void smmu_tlb_init(struct smmu_tlb *tlb)
{
	memset(tlb, 0, sizeof(*tlb));
}

static void drop(struct smmu_tlb *tlb, unsigned idx)
{
	tlb->e[idx].kind = SMMU_TLB_INVALID;
	tlb->valid[idx / 64] &= ~BIT(idx % 64);
}

void smmu_tlb_insert(struct smmu_tlb *tlb, const struct smmu_tlb_entry *ent)
{
	unsigned idx = smmu_tlb_index(ent->in, ent->size_shift, ent->kind, ent->asid, ent->vmid);

	tlb->e[idx] = *ent;
	tlb->valid[idx / 64] |= BIT(idx % 64);
	tlb->shifts |= BIT(ent->size_shift);
}

static bool ranges_overlap(u64 a, u8 shift, u64 start, u64 len)
{
	u64 a_end = a + ((1ULL << shift) - 1);
	u64 end = start + (len - 1);

	return a <= end && start <= a_end;
}

static bool entry_matches(const struct smmu_tlb_entry *e, const struct smmu_tlb_inval *inv)
{
	if (e->kind == SMMU_TLB_INVALID || !(inv->kinds & BIT(e->kind)))
		return false;
	if (inv->match_vmid && e->vmid != inv->vmid)
		return false;
	if (inv->match_asid && e->asid != inv->asid)
		return false;
	if (!inv->by_addr)
		return true;
	if (inv->by_ipa && e->kind == SMMU_TLB_NESTED) {
		/* A nested entry's IPA page is as large as the entry itself. */
		return ranges_overlap(e->ipa, e->size_shift, inv->start, inv->len);
	}
	return ranges_overlap(e->in, e->size_shift, inv->start, inv->len);
}

static u64 count_probes(const struct smmu_tlb *tlb, const struct smmu_tlb_inval *inv)
{
	u64 n = 0;

	for (u64 s = tlb->shifts; s; s &= s - 1) {
		unsigned shift = (unsigned)__builtin_ctzll(s);
		u64 first = inv->start >> shift, last = (inv->start + inv->len - 1) >> shift;

		n += last - first + 1;
		if (n > PROBE_LIMIT)
			break;
	}
	return n;
}

u64 smmu_tlb_invalidate(struct smmu_tlb *tlb, const struct smmu_tlb_inval *inv)
{
	u64 dropped = 0;

	if (inv->by_addr && inv->len == 0)
		return 0;
	/*
	 * Probing needs the full tag; nested entries matched by IPA are keyed
	 * by input address, so those always take the scan.
	 */
	if (inv->by_addr && !inv->by_ipa && inv->match_asid && inv->match_vmid &&
	    count_probes(tlb, inv) <= PROBE_LIMIT) {
		for (u64 s = tlb->shifts; s; s &= s - 1) {
			u8 shift = (u8)__builtin_ctzll(s);
			u64 base = inv->start & ~((1ULL << shift) - 1);
			u64 last = inv->start + inv->len - 1;

			for (u64 a = base;; a += 1ULL << shift) {
				for (u8 k = SMMU_TLB_S1; k <= SMMU_TLB_NESTED; k++) {
					struct smmu_tlb_entry *e;

					if (!(inv->kinds & BIT(k)))
						continue;
					e = &tlb->e[smmu_tlb_index(a, shift, k, inv->asid, inv->vmid)];
					if (e->in == a && e->size_shift == shift &&
					    entry_matches(e, inv)) {
						drop(tlb, (unsigned)(e - tlb->e));
						dropped++;
					}
				}
				if (last - a < (1ULL << shift))
					break;
			}
		}
		return dropped;
	}
	/* the scan visits only the entries that hold something */
	for (unsigned w = 0; w < SMMU_TLB_ENTRIES / 64; w++) {
		for (u64 bits = tlb->valid[w]; bits; bits &= bits - 1) {
			unsigned i = w * 64 + (unsigned)__builtin_ctzll(bits);
			if (entry_matches(&tlb->e[i], inv)) {
				drop(tlb, i);
				dropped++;
			}
		}
	}
	return dropped;
}

u64 smmu_tlb_flush_all(struct smmu_tlb *tlb)
{
	u64 dropped = 0;

	for (unsigned w = 0; w < SMMU_TLB_ENTRIES / 64; w++) {
		for (u64 bits = tlb->valid[w]; bits; bits &= bits - 1) {
			drop(tlb, w * 64 + (unsigned)__builtin_ctzll(bits));
			dropped++;
		}
	}
	tlb->shifts = 0;
	return dropped;
}
