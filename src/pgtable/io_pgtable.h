/*
 * io-pgtable: the page-table library the SMMU driver builds its domains on,
 * modelled on Linux 6.1 include/linux/io-pgtable.h. The tables live in guest
 * physical memory (hw/mem.h), so the SMMU hardware model walks exactly what
 * this layer wrote. Table pages come from a caller-provided allocator so the
 * layer needs no kernel allocator of its own.
 *
 * Usage, as in Linux: fill a struct io_pgtable_cfg, call
 * alloc_io_pgtable_ops(fmt, &cfg, cookie); on success cfg holds the restricted
 * pgsize_bitmap / ias / oas and the register values (TTBR/TCR/MAIR for stage 1,
 * VTTBR/VTCR for stage 2) the driver copies into the CD or STE.
 */
#ifndef IOMMUSIM_PGTABLE_IO_PGTABLE_H
#define IOMMUSIM_PGTABLE_IO_PGTABLE_H

#include <stddef.h>

#include "base/bits.h"
#include "hw/mem.h"

/*
 * Mapping protection flags, as include/linux/iommu.h spells them. Guarded so
 * the IOMMU core may define the same values in its own header.
 */
#ifndef IOMMU_READ
#define IOMMU_READ (1 << 0)
#define IOMMU_WRITE (1 << 1)
#define IOMMU_CACHE (1 << 2) /* DMA cache coherency */
#define IOMMU_NOEXEC (1 << 3)
#define IOMMU_MMIO (1 << 4) /* e.g. things like MSI doorbells */
#define IOMMU_PRIV (1 << 5) /* privileged-only access */
#endif

/*
 * TLB invalidation gathered over an unmap (include/linux/iommu.h). Its owner
 * is the caller of the unmap: iommu_unmap() starts one and syncs it at the
 * end; dma-iommu sets `queued` when its flush queue will invalidate later,
 * and leaf unmaps then skip tlb_add_page. The driver never decides `queued`.
 * The IOMMU core should include this header rather than redefine it
 * (IOMMUSIM_HAVE_IOTLB_GATHER guards a shared definition).
 */
#ifndef IOMMUSIM_HAVE_IOTLB_GATHER
#define IOMMUSIM_HAVE_IOTLB_GATHER
struct iommu_iotlb_gather {
	unsigned long start;
	unsigned long end;
	size_t pgsize;
	bool queued;
};

/* iommu_iotlb_gather_init(): an empty range, not queued */
static inline void iommu_iotlb_gather_init(struct iommu_iotlb_gather *gather)
{
	*gather = (struct iommu_iotlb_gather){ .start = ~0UL };
}

static inline bool iommu_iotlb_gather_queued(const struct iommu_iotlb_gather *gather)
{
	return gather && gather->queued;
}
#endif

enum io_pgtable_fmt {
	ARM_32_LPAE_S1,
	ARM_32_LPAE_S2,
	ARM_64_LPAE_S1,
	ARM_64_LPAE_S2,
	ARM_V7S,
	ARM_MALI_LPAE,
	AMD_IOMMU_V1,
	APPLE_DART,
	IO_PGTABLE_NUM_FMTS,
};

/* TLB maintenance the page-table code asks of its IOMMU driver. */
struct iommu_flush_ops {
	void (*tlb_flush_all)(void *cookie);
	/* A table was removed: invalidate walks cached for [iova, iova+size). */
	void (*tlb_flush_walk)(unsigned long iova, size_t size, size_t granule, void *cookie);
	/* A leaf was removed: queue its invalidation in gather. */
	void (*tlb_add_page)(struct iommu_iotlb_gather *gather, unsigned long iova,
			     size_t granule, void *cookie);
};

/* Quirks (include/linux/io-pgtable.h); stage 1 accepts NS, TTBR1, OUTER_WBWA. */
#define IO_PGTABLE_QUIRK_ARM_NS BIT(0)
#define IO_PGTABLE_QUIRK_NO_PERMS BIT(1)
#define IO_PGTABLE_QUIRK_ARM_MTK_EXT BIT(3)
#define IO_PGTABLE_QUIRK_ARM_MTK_TTBR_EXT BIT(4)
#define IO_PGTABLE_QUIRK_ARM_TTBR1 BIT(5)
#define IO_PGTABLE_QUIRK_ARM_OUTER_WBWA BIT(6)

/* TCR/VTCR field encodings (drivers/iommu/io-pgtable-arm.h). */
#define ARM_LPAE_TCR_TG0_4K 0
#define ARM_LPAE_TCR_TG0_64K 1
#define ARM_LPAE_TCR_TG0_16K 2

#define ARM_LPAE_TCR_TG1_16K 1
#define ARM_LPAE_TCR_TG1_4K 2
#define ARM_LPAE_TCR_TG1_64K 3

#define ARM_LPAE_TCR_SH_NS 0
#define ARM_LPAE_TCR_SH_OS 2
#define ARM_LPAE_TCR_SH_IS 3

#define ARM_LPAE_TCR_RGN_NC 0
#define ARM_LPAE_TCR_RGN_WBWA 1
#define ARM_LPAE_TCR_RGN_WT 2
#define ARM_LPAE_TCR_RGN_WB 3

#define ARM_LPAE_TCR_PS_32_BIT 0x0ULL
#define ARM_LPAE_TCR_PS_36_BIT 0x1ULL
#define ARM_LPAE_TCR_PS_40_BIT 0x2ULL
#define ARM_LPAE_TCR_PS_42_BIT 0x3ULL
#define ARM_LPAE_TCR_PS_44_BIT 0x4ULL
#define ARM_LPAE_TCR_PS_48_BIT 0x5ULL
#define ARM_LPAE_TCR_PS_52_BIT 0x6ULL

/* MAIR attribute bytes and the indices stage-1 PTEs use (AttrIndx). */
#define ARM_LPAE_MAIR_ATTR_SHIFT(n) ((n) << 3)
#define ARM_LPAE_MAIR_ATTR_MASK 0xff
#define ARM_LPAE_MAIR_ATTR_DEVICE 0x04
#define ARM_LPAE_MAIR_ATTR_NC 0x44
#define ARM_LPAE_MAIR_ATTR_INC_OWBRWA 0xf4
#define ARM_LPAE_MAIR_ATTR_WBRWA 0xff
#define ARM_LPAE_MAIR_ATTR_IDX_NC 0
#define ARM_LPAE_MAIR_ATTR_IDX_CACHE 1
#define ARM_LPAE_MAIR_ATTR_IDX_DEV 2
#define ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE 3

/* LPAE descriptor bits, exported so tests and the walker can name them. */
#define ARM_LPAE_PTE_TYPE_MASK 0x3ULL
#define ARM_LPAE_PTE_TYPE_BLOCK 1ULL
#define ARM_LPAE_PTE_TYPE_TABLE 3ULL
#define ARM_LPAE_PTE_TYPE_PAGE 3ULL
#define ARM_LPAE_PTE_ADDR_MASK GENMASK_ULL(47, 12)
#define ARM_LPAE_PTE_NSTABLE BIT(63)
#define ARM_LPAE_PTE_XN (3ULL << 53) /* UXN|PXN (stage 2: XN[1:0]) */
#define ARM_LPAE_PTE_SW_SYNC BIT(55) /* software bit: table PTE already synced */
#define ARM_LPAE_PTE_nG BIT(11)
#define ARM_LPAE_PTE_AF BIT(10)
#define ARM_LPAE_PTE_SH_MASK (3ULL << 8)
#define ARM_LPAE_PTE_SH_NS (0ULL << 8)
#define ARM_LPAE_PTE_SH_OS (2ULL << 8)
#define ARM_LPAE_PTE_SH_IS (3ULL << 8)
#define ARM_LPAE_PTE_NS BIT(5)
#define ARM_LPAE_PTE_VALID BIT(0)
/* Stage 1 */
#define ARM_LPAE_PTE_AP_UNPRIV (1ULL << 6)
#define ARM_LPAE_PTE_AP_RDONLY (2ULL << 6)
#define ARM_LPAE_PTE_ATTRINDX_SHIFT 2
#define ARM_LPAE_PTE_ATTRINDX_MASK (7ULL << 2)
/* Stage 2 */
#define ARM_LPAE_PTE_HAP_FAULT (0ULL << 6)
#define ARM_LPAE_PTE_HAP_READ (1ULL << 6)
#define ARM_LPAE_PTE_HAP_WRITE (2ULL << 6)
#define ARM_LPAE_PTE_MEMATTR_MASK (0xfULL << 2)
#define ARM_LPAE_PTE_MEMATTR_OIWB (0xfULL << 2)
#define ARM_LPAE_PTE_MEMATTR_NC (0x5ULL << 2)
#define ARM_LPAE_PTE_MEMATTR_DEV (0x1ULL << 2)

struct io_pgtable_cfg {
	/* Input: set by the caller. */
	unsigned long quirks;
	unsigned long pgsize_bitmap; /* restricted to the chosen granule on alloc */
	unsigned int ias;	     /* input address bits; clamped on alloc */
	unsigned int oas;	     /* output address bits; clamped on alloc */
	bool coherent_walk;	     /* the walker snoops CPU caches */
	const struct iommu_flush_ops *tlb;

	/* Where the tables live and where their pages come from. */
	struct guest_mem *mem;
	u64 (*alloc_table)(void *cookie, size_t size, size_t align); /* returns PA, 0 on failure */
	void (*free_table)(void *cookie, u64 pa, size_t size);
	void *alloc_cookie;

	/* Output: the register values for the CD (stage 1) or STE (stage 2). */
	union {
		struct {
			u64 ttbr;
			struct {
				u32 ips : 3;
				u32 tg : 2;
				u32 sh : 2;
				u32 orgn : 2;
				u32 irgn : 2;
				u32 tsz : 6;
			} tcr;
			u64 mair;
		} arm_lpae_s1_cfg;

		struct {
			u64 vttbr;
			struct {
				u32 ps : 3;
				u32 tg : 2;
				u32 sh : 2;
				u32 orgn : 2;
				u32 irgn : 2;
				u32 sl : 2;
				u32 tsz : 6;
			} vtcr;
		} arm_lpae_s2_cfg;
	};
};

/*
 * The operations on one set of tables. map_pages maps pgcount pages of pgsize
 * (a single size from pgsize_bitmap) but, as in Linux, stops at the end of the
 * leaf table it lands in: *mapped says how many bytes went in, and the caller
 * loops. unmap_pages likewise returns the bytes unmapped (0 on error).
 */
struct io_pgtable_ops {
	int (*map)(struct io_pgtable_ops *ops, unsigned long iova, u64 paddr, size_t size,
		   int prot);
	int (*map_pages)(struct io_pgtable_ops *ops, unsigned long iova, u64 paddr,
			 size_t pgsize, size_t pgcount, int prot, size_t *mapped);
	size_t (*unmap)(struct io_pgtable_ops *ops, unsigned long iova, size_t size,
			struct iommu_iotlb_gather *gather);
	size_t (*unmap_pages)(struct io_pgtable_ops *ops, unsigned long iova, size_t pgsize,
			      size_t pgcount, struct iommu_iotlb_gather *gather);
	u64 (*iova_to_phys)(struct io_pgtable_ops *ops, unsigned long iova);
};

struct io_pgtable {
	enum io_pgtable_fmt fmt;
	void *cookie; /* passed to the flush ops */
	struct io_pgtable_cfg cfg;
	struct io_pgtable_ops ops;
};

#define io_pgtable_ops_to_pgtable(x) \
	((struct io_pgtable *)((char *)(x) - offsetof(struct io_pgtable, ops)))

/*
 * Allocate tables of format fmt as cfg describes; NULL when the format is not
 * supported, cfg is inconsistent (no usable granule, unsupported oas, quirk
 * not valid for the stage, no mem/allocator) or the pgd cannot be allocated.
 * cfg is updated in place (pgsize_bitmap, ias, oas, register values), and the
 * tables keep their own copy of it.
 */
struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt, struct io_pgtable_cfg *cfg,
					    void *cookie);
/* Invalidate the whole TLB (tlb_flush_all), then free every table. NULL is a no-op. */
void free_io_pgtable_ops(struct io_pgtable_ops *ops);

/* Flush helpers the formats call: each is a no-op when the op is missing. */
static inline void io_pgtable_tlb_flush_all(struct io_pgtable *iop)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_flush_all)
		iop->cfg.tlb->tlb_flush_all(iop->cookie);
}

static inline void io_pgtable_tlb_flush_walk(struct io_pgtable *iop, unsigned long iova,
					     size_t size, size_t granule)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_flush_walk)
		iop->cfg.tlb->tlb_flush_walk(iova, size, granule, iop->cookie);
}

static inline void io_pgtable_tlb_add_page(struct io_pgtable *iop,
					   struct iommu_iotlb_gather *gather, unsigned long iova,
					   size_t granule)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_add_page)
		iop->cfg.tlb->tlb_add_page(gather, iova, granule, iop->cookie);
}

/* Per-format constructors, as io-pgtable.c's io_pgtable_init_table holds them. */
struct io_pgtable_init_fns {
	struct io_pgtable *(*alloc)(struct io_pgtable_cfg *cfg, void *cookie);
	void (*free)(struct io_pgtable *iop);
};

extern const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s1_init_fns;
extern const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s2_init_fns;

#endif
