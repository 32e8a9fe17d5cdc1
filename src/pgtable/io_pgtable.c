/*
 * Format-independent io-pgtable entry points (Linux drivers/iommu/io-pgtable.c):
 * pick the format's constructor, stamp fmt/cookie/cfg into the result, and on
 * free invalidate the whole TLB before the tables go.
 */
#include "pgtable/io_pgtable.h"

static const struct io_pgtable_init_fns *const io_pgtable_init_table[IO_PGTABLE_NUM_FMTS] = {
	[ARM_64_LPAE_S1] = &io_pgtable_arm_64_lpae_s1_init_fns,
	[ARM_64_LPAE_S2] = &io_pgtable_arm_64_lpae_s2_init_fns,
};

struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt, struct io_pgtable_cfg *cfg,
					    void *cookie)
{
	const struct io_pgtable_init_fns *fns;
	struct io_pgtable *iop;

	if (!cfg || (unsigned)fmt >= IO_PGTABLE_NUM_FMTS)
		return NULL;
	fns = io_pgtable_init_table[fmt];
	if (!fns)
		return NULL;
	/* The model's own requirement: somewhere to put and get the tables. */
	if (!cfg->mem || !cfg->alloc_table || !cfg->free_table)
		return NULL;

	iop = fns->alloc(cfg, cookie);
	if (!iop)
		return NULL;

	/* As Linux: the tables keep a copy of the final cfg, outputs included. */
	iop->fmt = fmt;
	iop->cookie = cookie;
	iop->cfg = *cfg;
	return &iop->ops;
}

void free_io_pgtable_ops(struct io_pgtable_ops *ops)
{
	struct io_pgtable *iop;

	if (!ops)
		return;
	iop = io_pgtable_ops_to_pgtable(ops);
	/* Nothing may still be cached from tables that are about to be reused. */
	io_pgtable_tlb_flush_all(iop);
	io_pgtable_init_table[iop->fmt]->free(iop);
}
