/*
 * ARM LPAE (VMSAv8-64) page tables for the SMMU, stage 1 and stage 2, with
 * 4K/16K/64K granules: the model of Linux 6.1 drivers/iommu/io-pgtable-arm.c.
 *
 * Tables are guest physical memory: every descriptor is read and written with
 * guest_mem_read64/write64 at a physical address, never through a host
 * pointer, so what the SMMU hardware model walks is exactly what lands here.
 * A "ptep" below is therefore the PA of a descriptor.
 */
#include <errno.h>
#include <stdlib.h>

#include "pgtable/io_pgtable.h"

#define ARM_LPAE_MAX_ADDR_BITS 52
#define ARM_LPAE_S2_MAX_CONCAT_PAGES 16
#define ARM_LPAE_MAX_LEVELS 4
#define ARM_LPAE_PTE_SHIFT 3 /* ilog2(sizeof(arm_lpae_iopte)) */

/* The reference kernel (Debian arm64) runs with 4K CPU pages. */
#define KERNEL_PAGE_SIZE SZ_4K

#define SZ_32M 0x2000000ULL
#define SZ_512M 0x20000000ULL

/* Attributes a split block hands to its pieces; the contiguous bit is dropped. */
#define ARM_LPAE_PTE_ATTR_LO_MASK (0x3ffULL << 2)
#define ARM_LPAE_PTE_ATTR_HI_MASK (6ULL << 52)
#define ARM_LPAE_PTE_ATTR_MASK (ARM_LPAE_PTE_ATTR_LO_MASK | ARM_LPAE_PTE_ATTR_HI_MASK)

typedef u64 arm_lpae_iopte;

struct arm_lpae_io_pgtable {
	struct io_pgtable iop; /* first: io_pgtable_to_data is a cast */
	int pgd_bits;	       /* index bits of the (possibly concatenated) pgd */
	int start_level;
	int bits_per_level;
	u64 pgd; /* PA */
};

static inline struct arm_lpae_io_pgtable *io_pgtable_to_data(struct io_pgtable *iop)
{
	return (struct arm_lpae_io_pgtable *)iop;
}

static inline struct arm_lpae_io_pgtable *io_pgtable_ops_to_data(struct io_pgtable_ops *ops)
{
	return io_pgtable_to_data(io_pgtable_ops_to_pgtable(ops));
}

/* Geometry, as the ARM_LPAE_* macros of io-pgtable-arm.c compute it. */
static inline unsigned lvl_shift(int lvl, const struct arm_lpae_io_pgtable *d)
{
	return (unsigned)((ARM_LPAE_MAX_LEVELS - lvl) * d->bits_per_level) + ARM_LPAE_PTE_SHIFT;
}

static inline size_t granule(const struct arm_lpae_io_pgtable *d)
{
	return (size_t)1 << (d->bits_per_level + ARM_LPAE_PTE_SHIFT);
}

static inline size_t pgd_size(const struct arm_lpae_io_pgtable *d)
{
	return (size_t)1 << (d->pgd_bits + ARM_LPAE_PTE_SHIFT);
}

static inline int ptes_per_table(const struct arm_lpae_io_pgtable *d)
{
	return 1 << d->bits_per_level;
}

static inline size_t block_size(int lvl, const struct arm_lpae_io_pgtable *d)
{
	return (size_t)1 << lvl_shift(lvl, d);
}

/* Index of iova at lvl; the start level may index a concatenated pgd. */
static inline unsigned lvl_idx(u64 iova, int lvl, const struct arm_lpae_io_pgtable *d)
{
	int bits = d->bits_per_level;

	if (lvl == d->start_level)
		bits = d->pgd_bits;
	return (unsigned)((iova >> lvl_shift(lvl, d)) & ((1ULL << bits) - 1));
}

/* Entries from index i to the end of its granule-sized table page. */
static inline int max_entries(unsigned i, const struct arm_lpae_io_pgtable *d)
{
	int per = ptes_per_table(d);

	return per - (int)(i & (unsigned)(per - 1));
}

static inline unsigned iopte_type(arm_lpae_iopte pte)
{
	return (unsigned)(pte & ARM_LPAE_PTE_TYPE_MASK);
}

/* Type 3 means "page" at level 3 and "table" above it; type 1 is a block. */
static inline bool iopte_leaf(arm_lpae_iopte pte, int lvl)
{
	if (lvl == ARM_LPAE_MAX_LEVELS - 1)
		return iopte_type(pte) == ARM_LPAE_PTE_TYPE_PAGE;
	return iopte_type(pte) == ARM_LPAE_PTE_TYPE_BLOCK;
}

static inline arm_lpae_iopte iopte_prot(arm_lpae_iopte pte)
{
	return pte & ARM_LPAE_PTE_ATTR_MASK;
}

/* 52-bit PAs with 64K granule keep PA[51:48] in descriptor bits [15:12]. */
static inline arm_lpae_iopte paddr_to_iopte(u64 paddr)
{
	return (paddr | (paddr >> (48 - 12))) & ARM_LPAE_PTE_ADDR_MASK;
}

static inline u64 iopte_to_paddr(arm_lpae_iopte pte, const struct arm_lpae_io_pgtable *d)
{
	u64 paddr = pte & ARM_LPAE_PTE_ADDR_MASK;

	if (granule(d) < SZ_64K)
		return paddr;
	return (paddr | (paddr << (48 - 12))) & (ARM_LPAE_PTE_ADDR_MASK << 4);
}

static inline int pte_read(struct arm_lpae_io_pgtable *d, u64 ptep, arm_lpae_iopte *pte)
{
	return guest_mem_read64(d->iop.cfg.mem, ptep, pte);
}

static inline int pte_write(struct arm_lpae_io_pgtable *d, u64 ptep, arm_lpae_iopte pte)
{
	return guest_mem_write64(d->iop.cfg.mem, ptep, pte);
}

/*
 * Linux takes table pages from alloc_pages(get_order(size)): whole CPU pages,
 * naturally aligned, zeroed. The caller's allocator gets the same request.
 */
static size_t table_alloc_size(size_t size)
{
	return size < KERNEL_PAGE_SIZE ? KERNEL_PAGE_SIZE : size;
}

static u64 alloc_table(struct io_pgtable_cfg *cfg, size_t size)
{
	size_t sz = table_alloc_size(size);
	u64 pa = cfg->alloc_table(cfg->alloc_cookie, sz, sz);

	if (!pa)
		return 0;
	/* A misplaced page would let the walker read someone else's memory. */
	if (!IS_ALIGNED(pa, sz) || guest_mem_fill(cfg->mem, pa, 0, sz)) {
		cfg->free_table(cfg->alloc_cookie, pa, sz);
		return 0;
	}
	return pa;
}

static void free_table(struct io_pgtable_cfg *cfg, u64 pa, size_t size)
{
	cfg->free_table(cfg->alloc_cookie, pa, table_alloc_size(size));
}

static size_t __arm_lpae_unmap(struct arm_lpae_io_pgtable *d, struct iommu_iotlb_gather *gather,
			       u64 iova, size_t size, size_t pgcount, int lvl, u64 table);

static void __arm_lpae_free_pgtable(struct arm_lpae_io_pgtable *d, int lvl, u64 table)
{
	size_t tsz = lvl == d->start_level ? pgd_size(d) : granule(d);

	/* Only leaves live at the last level: nothing below to free. */
	if (lvl < ARM_LPAE_MAX_LEVELS - 1) {
		for (u64 p = table; p < table + tsz; p += sizeof(arm_lpae_iopte)) {
			arm_lpae_iopte pte;

			if (pte_read(d, p, &pte) || !pte || iopte_leaf(pte, lvl))
				continue;
			__arm_lpae_free_pgtable(d, lvl + 1, iopte_to_paddr(pte, d));
		}
	}
	free_table(&d->iop.cfg, table, tsz);
}

/* Write num_entries consecutive leaves mapping paddr onward. */
static int __arm_lpae_init_pte(struct arm_lpae_io_pgtable *d, u64 paddr, arm_lpae_iopte prot,
			       int lvl, int num_entries, u64 ptep)
{
	size_t sz = block_size(lvl, d);
	arm_lpae_iopte pte = prot;

	pte |= lvl == ARM_LPAE_MAX_LEVELS - 1 ? ARM_LPAE_PTE_TYPE_PAGE : ARM_LPAE_PTE_TYPE_BLOCK;
	for (int i = 0; i < num_entries; i++) {
		int ret = pte_write(d, ptep + (u64)i * sizeof(pte),
				    pte | paddr_to_iopte(paddr + (u64)i * sz));
		if (ret)
			return ret;
	}
	/* coherent_walk or not, the model has no cache to clean. */
	return 0;
}

static int arm_lpae_init_pte(struct arm_lpae_io_pgtable *d, u64 iova, u64 paddr,
			     arm_lpae_iopte prot, int lvl, int num_entries, u64 ptep)
{
	size_t sz = block_size(lvl, d);
	int i;

	/*
	 * Linux checks and acts entry by entry; checking every entry for an
	 * existing leaf first gives the same -EEXIST without tearing down a
	 * table for a map that then fails.
	 */
	for (i = 0; i < num_entries; i++) {
		arm_lpae_iopte pte;

		if (pte_read(d, ptep + (u64)i * sizeof(pte), &pte))
			return -EFAULT;
		if (iopte_leaf(pte, lvl))
			return -EEXIST; /* we require an unmap first */
	}
	for (i = 0; i < num_entries; i++) {
		arm_lpae_iopte pte;

		if (pte_read(d, ptep + (u64)i * sizeof(pte), &pte))
			return -EFAULT;
		if (iopte_type(pte) == ARM_LPAE_PTE_TYPE_TABLE) {
			/* A block replaces a table: unmap and free the old table first. */
			u64 tblp = ptep - (u64)lvl_idx(iova, lvl, d) * sizeof(pte);

			if (__arm_lpae_unmap(d, NULL, iova + (u64)i * sz, sz, 1, lvl, tblp) != sz)
				return -EINVAL;
		}
	}
	return __arm_lpae_init_pte(d, paddr, prot, lvl, num_entries, ptep);
}

/*
 * Point ptep at a new next-level table. Linux does this with a cmpxchg
 * against curr and returns the old value; the model runs single-threaded, so
 * the swap always wins. With a non-coherent walker Linux then cleans the
 * entry and marks it ARM_LPAE_PTE_SW_SYNC, so that bit shows in memory too.
 */
static arm_lpae_iopte arm_lpae_install_table(struct arm_lpae_io_pgtable *d, u64 table, u64 ptep,
					     arm_lpae_iopte curr, int *err)
{
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	arm_lpae_iopte old = 0, new;

	new = paddr_to_iopte(table) | ARM_LPAE_PTE_TYPE_TABLE;
	if (cfg->quirks & IO_PGTABLE_QUIRK_ARM_NS)
		new |= ARM_LPAE_PTE_NSTABLE;

	*err = pte_read(d, ptep, &old);
	if (*err || old != curr)
		return old;
	if (!cfg->coherent_walk)
		new |= ARM_LPAE_PTE_SW_SYNC;
	*err = pte_write(d, ptep, new);
	return old;
}

static int __arm_lpae_map(struct arm_lpae_io_pgtable *d, u64 iova, u64 paddr, size_t size,
			  size_t pgcount, arm_lpae_iopte prot, int lvl, u64 table, size_t *mapped)
{
	size_t tblsz = granule(d);
	unsigned idx;
	u64 ptep, cptep;
	arm_lpae_iopte pte;
	int err;

	/* Find our entry at the current level. */
	idx = lvl_idx(iova, lvl, d);
	ptep = table + (u64)idx * sizeof(pte);

	/* If we can install a leaf entry at this level, then do so. */
	if (size == block_size(lvl, d)) {
		int num = (int)MIN(pgcount, (size_t)max_entries(idx, d));
		int ret = arm_lpae_init_pte(d, iova, paddr, prot, lvl, num, ptep);

		if (!ret && mapped)
			*mapped += (size_t)num * size;
		return ret;
	}

	/* We can't allocate tables at the final level. */
	if (lvl >= ARM_LPAE_MAX_LEVELS - 1)
		return -EINVAL;

	if (pte_read(d, ptep, &pte))
		return -EFAULT;
	if (!pte) {
		/* Tables are installed lazily, on the first map beneath them. */
		cptep = alloc_table(&d->iop.cfg, tblsz);
		if (!cptep)
			return -ENOMEM;
		pte = arm_lpae_install_table(d, cptep, ptep, 0, &err);
		if (err || pte)
			free_table(&d->iop.cfg, cptep, tblsz);
		if (err)
			return err;
	}

	if (pte && !iopte_leaf(pte, lvl))
		cptep = iopte_to_paddr(pte, d);
	else if (pte)
		return -EEXIST; /* a block already covers this iova */

	/* Rinse, repeat. */
	return __arm_lpae_map(d, iova, paddr, size, pgcount, prot, lvl + 1, cptep, mapped);
}

static arm_lpae_iopte arm_lpae_prot_to_pte(struct arm_lpae_io_pgtable *d, int prot)
{
	enum io_pgtable_fmt fmt = d->iop.fmt;
	arm_lpae_iopte pte;

	if (fmt == ARM_64_LPAE_S1 || fmt == ARM_32_LPAE_S1) {
		/* Non-global: the TLB tags it with the ASID of the CD. */
		pte = ARM_LPAE_PTE_nG;
		if (!(prot & IOMMU_WRITE) && (prot & IOMMU_READ))
			pte |= ARM_LPAE_PTE_AP_RDONLY;
		if (!(prot & IOMMU_PRIV))
			pte |= ARM_LPAE_PTE_AP_UNPRIV;
		if (prot & IOMMU_MMIO)
			pte |= (arm_lpae_iopte)ARM_LPAE_MAIR_ATTR_IDX_DEV << ARM_LPAE_PTE_ATTRINDX_SHIFT;
		else if (prot & IOMMU_CACHE)
			pte |= (arm_lpae_iopte)ARM_LPAE_MAIR_ATTR_IDX_CACHE
			       << ARM_LPAE_PTE_ATTRINDX_SHIFT;
	} else {
		pte = ARM_LPAE_PTE_HAP_FAULT;
		if (prot & IOMMU_READ)
			pte |= ARM_LPAE_PTE_HAP_READ;
		if (prot & IOMMU_WRITE)
			pte |= ARM_LPAE_PTE_HAP_WRITE;
		if (prot & IOMMU_MMIO)
			pte |= ARM_LPAE_PTE_MEMATTR_DEV;
		else if (prot & IOMMU_CACHE)
			pte |= ARM_LPAE_PTE_MEMATTR_OIWB;
		else
			pte |= ARM_LPAE_PTE_MEMATTR_NC;
	}

	/* 6.1: inner shareable only for cacheable memory, outer otherwise. */
	if (prot & IOMMU_CACHE)
		pte |= ARM_LPAE_PTE_SH_IS;
	else
		pte |= ARM_LPAE_PTE_SH_OS;

	if (prot & IOMMU_NOEXEC)
		pte |= ARM_LPAE_PTE_XN;

	if (d->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_NS)
		pte |= ARM_LPAE_PTE_NS;

	/* The SMMU does not manage the Access flag: set it or every access faults. */
	pte |= ARM_LPAE_PTE_AF;
	return pte;
}

static inline bool is_power_of_2(size_t x)
{
	return x && !(x & (x - 1));
}

/* iova outside the input range: Linux's (s64)iova >> ias, inverted for TTBR1. */
static inline bool iova_out_of_range(const struct io_pgtable_cfg *cfg, unsigned long iova)
{
	long long iaext = (long long)iova >> cfg->ias;

	if (cfg->quirks & IO_PGTABLE_QUIRK_ARM_TTBR1)
		iaext = ~iaext;
	return iaext != 0;
}

static int arm_lpae_map_pages(struct io_pgtable_ops *ops, unsigned long iova, u64 paddr,
			      size_t pgsize, size_t pgcount, int iommu_prot, size_t *mapped)
{
	struct arm_lpae_io_pgtable *d = io_pgtable_ops_to_data(ops);
	struct io_pgtable_cfg *cfg = &d->iop.cfg;

	/*
	 * One page size the tables support. Linux accepts a multi-bit pgsize
	 * here and fails only at the last level after allocating tables; the
	 * power-of-two test gives its -EINVAL without the side effects.
	 */
	if (!is_power_of_2(pgsize) || (pgsize & cfg->pgsize_bitmap) != pgsize)
		return -EINVAL;

	if (iova_out_of_range(cfg, iova) || paddr >> cfg->oas)
		return -ERANGE;

	/* If no access, then nothing to do. */
	if (!(iommu_prot & (IOMMU_READ | IOMMU_WRITE)))
		return 0;

	return __arm_lpae_map(d, iova, paddr, pgsize, pgcount, arm_lpae_prot_to_pte(d, iommu_prot),
			      d->start_level, d->pgd, mapped);
}

static int arm_lpae_map(struct io_pgtable_ops *ops, unsigned long iova, u64 paddr, size_t size,
			int iommu_prot)
{
	return arm_lpae_map_pages(ops, iova, paddr, size, 1, iommu_prot, NULL);
}

/*
 * A leaf at lvl-1 covers more than is being unmapped: build a table of
 * next-level leaves mapping the same PAs with the same attributes, minus the
 * range being unmapped, and swap it in (arm_lpae_split_blk_unmap). When size
 * is still smaller than the new leaves, split again further down.
 */
static size_t arm_lpae_split_blk_unmap(struct arm_lpae_io_pgtable *d,
				       struct iommu_iotlb_gather *gather, u64 iova, size_t size,
				       arm_lpae_iopte blk_pte, int lvl, u64 ptep, size_t pgcount)
{
	struct io_pgtable_cfg *cfg = &d->iop.cfg;
	size_t tablesz = granule(d);
	size_t split_sz;
	int per = ptes_per_table(d);
	int i, unmap_idx_start = -1, num_entries = 0;
	arm_lpae_iopte prot, old;
	u64 blk_paddr, tablep;
	int err;

	if (lvl == ARM_LPAE_MAX_LEVELS)
		return 0;
	split_sz = block_size(lvl, d);

	tablep = alloc_table(cfg, tablesz);
	if (!tablep)
		return 0; /* bytes unmapped */

	if (size == split_sz) {
		unmap_idx_start = (int)lvl_idx(iova, lvl, d);
		num_entries = (int)MIN(pgcount, (size_t)max_entries((unsigned)unmap_idx_start, d));
	}

	blk_paddr = iopte_to_paddr(blk_pte, d);
	prot = iopte_prot(blk_pte);
	for (i = 0; i < per; i++, blk_paddr += split_sz) {
		/* Unmap! */
		if (i >= unmap_idx_start && i < unmap_idx_start + num_entries)
			continue;
		if (__arm_lpae_init_pte(d, blk_paddr, prot, lvl, 1,
					tablep + (u64)i * sizeof(arm_lpae_iopte)))
			goto out_free;
	}

	old = arm_lpae_install_table(d, tablep, ptep, blk_pte, &err);
	if (err)
		goto out_free;
	if (old != blk_pte) {
		/* Someone else changed the entry: only a table is still usable. */
		free_table(cfg, tablep, tablesz);
		if (iopte_type(old) != ARM_LPAE_PTE_TYPE_TABLE)
			return 0;
		tablep = iopte_to_paddr(old, d);
	} else if (unmap_idx_start >= 0) {
		for (i = 0; i < num_entries; i++)
			io_pgtable_tlb_add_page(&d->iop, gather, iova + (u64)i * size, size);
		return (size_t)num_entries * size;
	}

	return __arm_lpae_unmap(d, gather, iova, size, pgcount, lvl, tablep);

out_free:
	free_table(cfg, tablep, tablesz);
	return 0;
}

static size_t __arm_lpae_unmap(struct arm_lpae_io_pgtable *d, struct iommu_iotlb_gather *gather,
			       u64 iova, size_t size, size_t pgcount, int lvl, u64 table)
{
	struct io_pgtable *iop = &d->iop;
	arm_lpae_iopte pte;
	unsigned idx;
	u64 ptep;

	/* Something went horribly wrong and we ran out of page table. */
	if (lvl == ARM_LPAE_MAX_LEVELS)
		return 0;

	idx = lvl_idx(iova, lvl, d);
	ptep = table + (u64)idx * sizeof(pte);
	if (pte_read(d, ptep, &pte) || !pte)
		return 0;

	/* If the size matches this level, we're in the right place. */
	if (size == block_size(lvl, d)) {
		int num = (int)MIN(pgcount, (size_t)max_entries(idx, d));
		int i = 0;

		while (i < num) {
			if (pte_read(d, ptep, &pte) || !pte)
				break;
			if (pte_write(d, ptep, 0))
				break;
			if (!iopte_leaf(pte, lvl)) {
				/* A whole table goes: flush partial walks, then free it. */
				io_pgtable_tlb_flush_walk(iop, iova + (u64)i * size, size, granule(d));
				__arm_lpae_free_pgtable(d, lvl + 1, iopte_to_paddr(pte, d));
			} else if (!iommu_iotlb_gather_queued(gather)) {
				io_pgtable_tlb_add_page(iop, gather, iova + (u64)i * size, size);
			}
			ptep += sizeof(pte);
			i++;
		}
		return (size_t)i * size;
	} else if (iopte_leaf(pte, lvl)) {
		/* Insert a table at the next level to map the old region, minus the hole. */
		return arm_lpae_split_blk_unmap(d, gather, iova, size, pte, lvl + 1, ptep, pgcount);
	}

	/* Keep on walkin'. */
	return __arm_lpae_unmap(d, gather, iova, size, pgcount, lvl + 1, iopte_to_paddr(pte, d));
}

static size_t arm_lpae_unmap_pages(struct io_pgtable_ops *ops, unsigned long iova, size_t pgsize,
				   size_t pgcount, struct iommu_iotlb_gather *gather)
{
	struct arm_lpae_io_pgtable *d = io_pgtable_ops_to_data(ops);
	struct io_pgtable_cfg *cfg = &d->iop.cfg;

	if (!is_power_of_2(pgsize) || (pgsize & cfg->pgsize_bitmap) != pgsize || !pgcount)
		return 0;
	if (iova_out_of_range(cfg, iova))
		return 0;

	return __arm_lpae_unmap(d, gather, iova, pgsize, pgcount, d->start_level, d->pgd);
}

static size_t arm_lpae_unmap(struct io_pgtable_ops *ops, unsigned long iova, size_t size,
			     struct iommu_iotlb_gather *gather)
{
	return arm_lpae_unmap_pages(ops, iova, size, 1, gather);
}

static u64 arm_lpae_iova_to_phys(struct io_pgtable_ops *ops, unsigned long iova)
{
	struct arm_lpae_io_pgtable *d = io_pgtable_ops_to_data(ops);
	u64 table = d->pgd;
	arm_lpae_iopte pte;
	int lvl = d->start_level;

	/* No range check, as in Linux: indices simply use the low ias bits. */
	do {
		u64 ptep = table + (u64)lvl_idx(iova, lvl, d) * sizeof(pte);

		if (pte_read(d, ptep, &pte) || !pte)
			return 0;
		if (iopte_leaf(pte, lvl)) {
			u64 off = iova & (block_size(lvl, d) - 1);

			return iopte_to_paddr(pte, d) | off;
		}
		table = iopte_to_paddr(pte, d);
	} while (++lvl < ARM_LPAE_MAX_LEVELS);

	/* Ran out of page tables to walk. */
	return 0;
}

static inline unsigned fls_ul(unsigned long x)
{
	return x ? 64u - (unsigned)__builtin_clzl(x) : 0;
}

/*
 * Keep only the page sizes of one translation granule: the CPU page size
 * when offered, else the largest below it, else the smallest above it.
 */
static void arm_lpae_restrict_pgsizes(struct io_pgtable_cfg *cfg)
{
	unsigned long granule_sz, page_sizes;
	unsigned max_addr_bits = 48;
	const unsigned long page_mask = ~(unsigned long)(KERNEL_PAGE_SIZE - 1);

	if (cfg->pgsize_bitmap & KERNEL_PAGE_SIZE)
		granule_sz = KERNEL_PAGE_SIZE;
	else if (cfg->pgsize_bitmap & ~page_mask)
		granule_sz = 1UL << (fls_ul(cfg->pgsize_bitmap & ~page_mask) - 1);
	else if (cfg->pgsize_bitmap & page_mask)
		granule_sz = 1UL << __builtin_ctzl(cfg->pgsize_bitmap & page_mask);
	else
		granule_sz = 0;

	switch (granule_sz) {
	case SZ_4K:
		page_sizes = SZ_4K | SZ_2M | SZ_1G;
		break;
	case SZ_16K:
		page_sizes = SZ_16K | SZ_32M;
		break;
	case SZ_64K:
		/* Only the 64K granule can express 52-bit addresses. */
		max_addr_bits = 52;
		page_sizes = SZ_64K | SZ_512M;
		if (cfg->oas > 48)
			page_sizes |= 1ULL << 42; /* 4TB */
		break;
	default:
		page_sizes = 0;
	}

	cfg->pgsize_bitmap &= page_sizes;
	cfg->ias = MIN(cfg->ias, max_addr_bits);
	cfg->oas = MIN(cfg->oas, max_addr_bits);
}

static struct arm_lpae_io_pgtable *arm_lpae_alloc_pgtable(struct io_pgtable_cfg *cfg)
{
	struct arm_lpae_io_pgtable *d;
	int levels, va_bits, pg_shift, bpl;

	arm_lpae_restrict_pgsizes(cfg);

	if (!(cfg->pgsize_bitmap & (SZ_4K | SZ_16K | SZ_64K)))
		return NULL;
	if (cfg->ias > ARM_LPAE_MAX_ADDR_BITS || cfg->oas > ARM_LPAE_MAX_ADDR_BITS)
		return NULL;

	pg_shift = __builtin_ctzl(cfg->pgsize_bitmap);
	bpl = pg_shift - ARM_LPAE_PTE_SHIFT;
	va_bits = (int)cfg->ias - pg_shift;
	/* An input range no larger than one page leaves nothing to translate. */
	if (va_bits <= 0)
		return NULL;
	levels = (va_bits + bpl - 1) / bpl;
	if (levels > ARM_LPAE_MAX_LEVELS)
		return NULL;

	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->bits_per_level = bpl;
	d->start_level = ARM_LPAE_MAX_LEVELS - levels;
	/* Size of the pgd without concatenation. */
	d->pgd_bits = va_bits - bpl * (levels - 1);

	d->iop.ops = (struct io_pgtable_ops){
		.map = arm_lpae_map,
		.map_pages = arm_lpae_map_pages,
		.unmap = arm_lpae_unmap,
		.unmap_pages = arm_lpae_unmap_pages,
		.iova_to_phys = arm_lpae_iova_to_phys,
	};
	return d;
}

/* TCR.IPS / VTCR.PS encoding of an output size; -1 when the size has none. */
static int arm_lpae_ps(unsigned oas)
{
	switch (oas) {
	case 32:
		return ARM_LPAE_TCR_PS_32_BIT;
	case 36:
		return ARM_LPAE_TCR_PS_36_BIT;
	case 40:
		return ARM_LPAE_TCR_PS_40_BIT;
	case 42:
		return ARM_LPAE_TCR_PS_42_BIT;
	case 44:
		return ARM_LPAE_TCR_PS_44_BIT;
	case 48:
		return ARM_LPAE_TCR_PS_48_BIT;
	case 52:
		return ARM_LPAE_TCR_PS_52_BIT;
	default:
		return -1;
	}
}

static struct io_pgtable *arm_64_lpae_alloc_pgtable_s1(struct io_pgtable_cfg *cfg, void *cookie)
{
	struct arm_lpae_io_pgtable *d;
	bool tg1;
	int ps;

	(void)cookie;
	if (cfg->quirks &
	    ~(IO_PGTABLE_QUIRK_ARM_NS | IO_PGTABLE_QUIRK_ARM_TTBR1 | IO_PGTABLE_QUIRK_ARM_OUTER_WBWA))
		return NULL;

	d = arm_lpae_alloc_pgtable(cfg);
	if (!d)
		return NULL;
	d->iop.fmt = ARM_64_LPAE_S1;

	/* TCR: how the walker itself accesses the tables. */
	if (cfg->coherent_walk) {
		cfg->arm_lpae_s1_cfg.tcr.sh = ARM_LPAE_TCR_SH_IS;
		cfg->arm_lpae_s1_cfg.tcr.irgn = ARM_LPAE_TCR_RGN_WBWA;
		cfg->arm_lpae_s1_cfg.tcr.orgn = ARM_LPAE_TCR_RGN_WBWA;
		/* The quirk is for non-coherent walkers only. */
		if (cfg->quirks & IO_PGTABLE_QUIRK_ARM_OUTER_WBWA)
			goto out_free_data;
	} else {
		cfg->arm_lpae_s1_cfg.tcr.sh = ARM_LPAE_TCR_SH_OS;
		cfg->arm_lpae_s1_cfg.tcr.irgn = ARM_LPAE_TCR_RGN_NC;
		cfg->arm_lpae_s1_cfg.tcr.orgn = (cfg->quirks & IO_PGTABLE_QUIRK_ARM_OUTER_WBWA)
							? ARM_LPAE_TCR_RGN_WBWA
							: ARM_LPAE_TCR_RGN_NC;
	}

	tg1 = cfg->quirks & IO_PGTABLE_QUIRK_ARM_TTBR1;
	switch (granule(d)) {
	case SZ_4K:
		cfg->arm_lpae_s1_cfg.tcr.tg = tg1 ? ARM_LPAE_TCR_TG1_4K : ARM_LPAE_TCR_TG0_4K;
		break;
	case SZ_16K:
		cfg->arm_lpae_s1_cfg.tcr.tg = tg1 ? ARM_LPAE_TCR_TG1_16K : ARM_LPAE_TCR_TG0_16K;
		break;
	case SZ_64K:
		cfg->arm_lpae_s1_cfg.tcr.tg = tg1 ? ARM_LPAE_TCR_TG1_64K : ARM_LPAE_TCR_TG0_64K;
		break;
	}

	ps = arm_lpae_ps(cfg->oas);
	if (ps < 0)
		goto out_free_data;
	cfg->arm_lpae_s1_cfg.tcr.ips = (u32)ps;
	cfg->arm_lpae_s1_cfg.tcr.tsz = 64 - cfg->ias;

	/* MAIR: the memory types the PTEs' AttrIndx selects. */
	cfg->arm_lpae_s1_cfg.mair =
		((u64)ARM_LPAE_MAIR_ATTR_NC << ARM_LPAE_MAIR_ATTR_SHIFT(ARM_LPAE_MAIR_ATTR_IDX_NC)) |
		((u64)ARM_LPAE_MAIR_ATTR_WBRWA
		 << ARM_LPAE_MAIR_ATTR_SHIFT(ARM_LPAE_MAIR_ATTR_IDX_CACHE)) |
		((u64)ARM_LPAE_MAIR_ATTR_DEVICE << ARM_LPAE_MAIR_ATTR_SHIFT(ARM_LPAE_MAIR_ATTR_IDX_DEV)) |
		((u64)ARM_LPAE_MAIR_ATTR_INC_OWBRWA
		 << ARM_LPAE_MAIR_ATTR_SHIFT(ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE));

	/* The pgd is allocated last, once nothing else can fail. */
	d->iop.cfg = *cfg;
	d->pgd = alloc_table(cfg, pgd_size(d));
	if (!d->pgd)
		goto out_free_data;
	cfg->arm_lpae_s1_cfg.ttbr = d->pgd;
	return &d->iop;

out_free_data:
	free(d);
	return NULL;
}

static struct io_pgtable *arm_64_lpae_alloc_pgtable_s2(struct io_pgtable_cfg *cfg, void *cookie)
{
	struct arm_lpae_io_pgtable *d;
	u64 sl;
	int ps;

	(void)cookie;
	/* The NS quirk doesn't apply at stage 2; nor does any other. */
	if (cfg->quirks)
		return NULL;

	d = arm_lpae_alloc_pgtable(cfg);
	if (!d)
		return NULL;
	d->iop.fmt = ARM_64_LPAE_S2;

	/*
	 * Concatenate pgds at level 1 if possible in order to reduce the depth
	 * of the stage-2 walk: up to 16 level-1 tables stand in for a level 0.
	 */
	if (d->start_level == 0) {
		unsigned long pgd_pages = pgd_size(d) / sizeof(arm_lpae_iopte);

		if (pgd_pages <= ARM_LPAE_S2_MAX_CONCAT_PAGES) {
			d->pgd_bits += d->bits_per_level;
			d->start_level++;
		}
	}

	/* VTCR */
	if (cfg->coherent_walk) {
		cfg->arm_lpae_s2_cfg.vtcr.sh = ARM_LPAE_TCR_SH_IS;
		cfg->arm_lpae_s2_cfg.vtcr.irgn = ARM_LPAE_TCR_RGN_WBWA;
		cfg->arm_lpae_s2_cfg.vtcr.orgn = ARM_LPAE_TCR_RGN_WBWA;
	} else {
		cfg->arm_lpae_s2_cfg.vtcr.sh = ARM_LPAE_TCR_SH_OS;
		cfg->arm_lpae_s2_cfg.vtcr.irgn = ARM_LPAE_TCR_RGN_NC;
		cfg->arm_lpae_s2_cfg.vtcr.orgn = ARM_LPAE_TCR_RGN_NC;
	}

	sl = (u64)d->start_level;
	switch (granule(d)) {
	case SZ_4K:
		cfg->arm_lpae_s2_cfg.vtcr.tg = ARM_LPAE_TCR_TG0_4K;
		sl++; /* SL0 format is different for 4K granule size */
		break;
	case SZ_16K:
		cfg->arm_lpae_s2_cfg.vtcr.tg = ARM_LPAE_TCR_TG0_16K;
		break;
	case SZ_64K:
		cfg->arm_lpae_s2_cfg.vtcr.tg = ARM_LPAE_TCR_TG0_64K;
		break;
	}

	ps = arm_lpae_ps(cfg->oas);
	if (ps < 0)
		goto out_free_data;
	cfg->arm_lpae_s2_cfg.vtcr.ps = (u32)ps;
	cfg->arm_lpae_s2_cfg.vtcr.tsz = 64 - cfg->ias;
	cfg->arm_lpae_s2_cfg.vtcr.sl = ~sl & 0x3;

	/* Concatenated tables must be aligned to their total size: alloc_table does. */
	d->iop.cfg = *cfg;
	d->pgd = alloc_table(cfg, pgd_size(d));
	if (!d->pgd)
		goto out_free_data;
	cfg->arm_lpae_s2_cfg.vttbr = d->pgd;
	return &d->iop;

out_free_data:
	free(d);
	return NULL;
}

static void arm_lpae_free_pgtable(struct io_pgtable *iop)
{
	struct arm_lpae_io_pgtable *d = io_pgtable_to_data(iop);

	__arm_lpae_free_pgtable(d, d->start_level, d->pgd);
	free(d);
}

const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s1_init_fns = {
	.alloc = arm_64_lpae_alloc_pgtable_s1,
	.free = arm_lpae_free_pgtable,
};

const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s2_init_fns = {
	.alloc = arm_64_lpae_alloc_pgtable_s2,
	.free = arm_lpae_free_pgtable,
};
