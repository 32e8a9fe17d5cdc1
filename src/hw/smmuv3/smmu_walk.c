/*
 * AArch64 long-descriptor walker for both SMMU stages (Arm ARM D8, SMMUv3
 * spec 3.4/5.2). Fault priority per descriptor follows the Arm ARM:
 * translation, then address size, then access flag, then permission.
 */
#include "hw/smmuv3/smmu_walk.h"

#include <errno.h>

#include "hw/smmuv3/smmu_event.h"
#include "hw/smmuv3/smmuv3_tables.h"

int smmu_walk_s1_start_level(unsigned granule_shift, unsigned in_bits)
{
	unsigned stride = granule_shift - 3;
	unsigned levels;

	if (in_bits > 48 || in_bits <= granule_shift)
		return -1;
	levels = (in_bits - granule_shift + stride - 1) / stride;
	return levels > 4 ? -1 : (int)(4 - levels);
}

int smmu_walk_s2_start_level(unsigned granule_shift, unsigned sl0, unsigned in_bits)
{
	unsigned stride = granule_shift - 3;
	int level;
	unsigned shift;

	if (in_bits > 48 || sl0 > 2)
		return -1;
	/* VTCR_EL2.SL0: 4K counts down from level 2, 16K/64K from level 3. */
	level = (granule_shift == 12 ? 2 : 3) - (int)sl0;
	shift = granule_shift + stride * (unsigned)(3 - level);
	/* At least one index bit, at most 16 concatenated tables. */
	if (in_bits <= shift || in_bits - shift > stride + 4)
		return -1;
	return level;
}

/* Blocks exist at level 1 and 2 with 4K, level 2 only with 16K/64K (no LPA). */
static bool block_allowed(unsigned granule_shift, unsigned level)
{
	if (granule_shift == 12)
		return level == 1 || level == 2;
	return level == 2;
}

static int walk_fault(struct smmu_walk_fault *fault, u8 type, bool is_s2, u64 addr)
{
	fault->type = type;
	fault->s2 = is_s2;
	fault->class = SMMU_EVT_CLASS_IN;
	fault->ipa = is_s2 ? addr : 0;
	fault->fetch_addr = 0;
	return -EFAULT;
}

static void trace_step(struct smmu_walk_stats *stats, const struct smmu_walk_step *step)
{
	if (stats->trace)
		stats->trace(stats->trace_opaque, step);
}

static int walk(struct guest_mem *mem, const struct smmu_tt *tt, bool is_s2, const struct smmu_tt *s2,
		const struct smmu_walk_tlb *wt, bool for_table, u64 addr, bool write,
		struct smmu_walk_result *res, struct smmu_walk_fault *fault,
		struct smmu_walk_stats *stats);

static int s2_read_access(struct guest_mem *mem, const struct smmu_tt *s2,
			  const struct smmu_walk_tlb *wt, u64 ipa, u64 *pa, bool *tlb_hit,
			  struct smmu_walk_fault *fault, struct smmu_walk_stats *stats)
{
	struct smmu_walk_result r2;

	*tlb_hit = false;
	if (wt) {
		const struct smmu_tlb_entry *e = smmu_tlb_lookup(wt->tlb, SMMU_TLB_S2, 0, wt->vmid, ipa);

		if (e) {
			if (!(e->perm & SMMU_TLB_PERM_S2R))
				return walk_fault(fault, SMMU_EVT_F_PERMISSION, true, ipa);
			*tlb_hit = true;
			*pa = e->out + (ipa - e->in);
			return 0;
		}
	}
	if (walk(mem, s2, true, NULL, NULL, true, ipa, false, &r2, fault, stats))
		return -EFAULT;
	if (wt) {
		u64 mask = (1ULL << r2.size_shift) - 1;
		struct smmu_tlb_entry ent = {
			.in = ipa & ~mask,
			.out = r2.out & ~mask,
			.ipa = ipa & ~mask,
			.vmid = wt->vmid,
			.kind = SMMU_TLB_S2,
			.size_shift = r2.size_shift,
			/* as a stage-2-only stream's entry: no stage 1 to forbid writes */
			.perm = (u8)(SMMU_TLB_PERM_S1W | (r2.readable ? SMMU_TLB_PERM_S2R : 0) |
				     (r2.writable ? SMMU_TLB_PERM_S2W : 0)),
		};

		smmu_tlb_insert(wt->tlb, &ent);
	}
	*pa = r2.out;
	return 0;
}

int smmu_walk_s2_read(struct guest_mem *mem, const struct smmu_tt *s2,
		      const struct smmu_walk_tlb *wt, u64 ipa, u64 *pa,
		      struct smmu_walk_fault *fault, struct smmu_walk_stats *stats)
{
	bool tlb_hit;

	return s2_read_access(mem, s2, wt, ipa, pa, &tlb_hit, fault, stats);
}

/*
 * Nested: the stage-1 descriptor at IPA ipa is read where stage 2 puts it.
 * Each descriptor's own IPA is translated, as the architecture reads it
 * (QEMU 10.0 translates a table's base and reads the descriptor at an
 * offset from that PA: the same when the table's IPA range lies in one
 * stage-2 page, as with 4K tables; not for a 64K table over 4K pages).
 */
static int table_ipa_to_pa(struct guest_mem *mem, const struct smmu_tt *s2,
			   const struct smmu_walk_tlb *wt, unsigned level, u64 ipa, u64 *pa,
			   struct smmu_walk_fault *fault, struct smmu_walk_stats *stats)
{
	struct smmu_walk_step step = { .kind = SMMU_WALK_STEP_TABLE_IPA, .level = level, .addr = ipa };
	bool tlb_hit;

	trace_step(stats, &step);
	if (s2_read_access(mem, s2, wt, ipa, pa, &tlb_hit, fault, stats))
		return -EFAULT;
	step = (struct smmu_walk_step){ .kind = SMMU_WALK_STEP_TABLE_PA, .tlb_hit = tlb_hit,
					.level = level, .addr = *pa };
	trace_step(stats, &step);
	return 0;
}

static int walk(struct guest_mem *mem, const struct smmu_tt *tt, bool is_s2, const struct smmu_tt *s2,
		const struct smmu_walk_tlb *wt, bool for_table, u64 addr, bool write,
		struct smmu_walk_result *res, struct smmu_walk_fault *fault,
		struct smmu_walk_stats *stats)
{
	unsigned g = tt->granule_shift, stride = g - 3;
	unsigned level = tt->start_level;
	u64 table = tt->ttb;
	bool table_rdonly = false;

	stats->walks++;
	if (tt->disabled || (tt->in_bits < 64 && (addr >> tt->in_bits)))
		return walk_fault(fault, SMMU_EVT_F_TRANSLATION, is_s2, addr);
	if (table >> tt->out_bits)
		return walk_fault(fault, SMMU_EVT_F_ADDR_SIZE, is_s2, addr);

	for (;;) {
		unsigned shift = g + stride * (3 - level);
		unsigned bits = level == tt->start_level ? tt->in_bits - shift : stride;
		u64 daddr = table + ((addr >> shift) & ((1ULL << bits) - 1)) * 8;
		u64 desc;

		if (s2 && !is_s2) {
			/* Nested: the stage-1 table address is an IPA. */
			if (table_ipa_to_pa(mem, s2, wt, level, daddr, &daddr, fault, stats)) {
				fault->class = SMMU_EVT_CLASS_TT;
				return -EFAULT;
			}
		}
		stats->reads++;
		if (guest_mem_read64(mem, daddr, &desc)) {
			walk_fault(fault, SMMU_EVT_F_WALK_EABT, is_s2, addr);
			fault->class = SMMU_EVT_CLASS_TT;
			fault->fetch_addr = daddr;
			return -EFAULT;
		}
		if (stats->trace) {
			struct smmu_walk_step step = { .kind = SMMU_WALK_STEP_DESC, .s2 = is_s2,
						       .s2_for_table = for_table, .level = level,
						       .addr = daddr, .desc = desc };

			stats->trace(stats->trace_opaque, &step);
		}
		if (!(desc & PTE_VALID))
			return walk_fault(fault, SMMU_EVT_F_TRANSLATION, is_s2, addr);

		if (level < 3 && (desc & PTE_TYPE)) {
			u64 next = desc & GENMASK_ULL(51, g);

			if (next >> tt->out_bits)
				return walk_fault(fault, SMMU_EVT_F_ADDR_SIZE, is_s2, addr);
			/* APTable[1] removes write permission at every lower level. */
			if (!is_s2 && (desc & PTE_TABLE_APTABLE_RDONLY))
				table_rdonly = true;
			table = next;
			level++;
			continue;
		}
		/* Level-3 0b01 and blocks where none may be are reserved encodings. */
		if (level == 3 ? !(desc & PTE_TYPE) : !block_allowed(g, level))
			return walk_fault(fault, SMMU_EVT_F_TRANSLATION, is_s2, addr);

		u64 out = desc & GENMASK_ULL(51, shift);

		if (out >> tt->out_bits)
			return walk_fault(fault, SMMU_EVT_F_ADDR_SIZE, is_s2, addr);
		if (!(desc & PTE_AF) && !tt->affd) {
			if (!tt->ha || guest_mem_write64(mem, daddr, desc | PTE_AF))
				return walk_fault(fault, SMMU_EVT_F_ACCESS, is_s2, addr);
		}
		if (is_s2) {
			res->readable = desc & PTE_S2_AP_READ;
			res->writable = desc & PTE_S2_AP_WRITE;
		} else {
			/*
			 * AP[2] makes a page read-only. AP[1] (EL0 access) is not
			 * checked: like QEMU's model, transactions carry no privilege.
			 */
			res->readable = true;
			res->writable = !(desc & PTE_S1_AP_RDONLY) && !table_rdonly;
		}
		if (write ? !res->writable : !res->readable)
			return walk_fault(fault, SMMU_EVT_F_PERMISSION, is_s2, addr);
		res->out = out | (addr & ((1ULL << shift) - 1));
		res->size_shift = (u8)shift;
		return 0;
	}
}

int smmu_walk(struct guest_mem *mem, const struct smmu_tt *tt, bool is_s2,
	      const struct smmu_tt *s2, u64 addr, bool write, struct smmu_walk_result *res,
	      struct smmu_walk_fault *fault, struct smmu_walk_stats *stats)
{
	return walk(mem, tt, is_s2, s2, NULL, false, addr, write, res, fault, stats);
}

int smmu_walk_nested(struct guest_mem *mem, const struct smmu_tt *s1, const struct smmu_tt *s2,
		     const struct smmu_walk_tlb *wt, u64 addr, bool write,
		     struct smmu_walk_result *res, struct smmu_walk_fault *fault,
		     struct smmu_walk_stats *stats)
{
	return walk(mem, s1, false, s2, wt, false, addr, write, res, fault, stats);
}
