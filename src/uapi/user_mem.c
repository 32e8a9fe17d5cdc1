/*
 * The modelled process's anonymous memory. A block is guest RAM: its pages
 * come from the kernel's page allocator (as an anonymous mapping's pages
 * would), and the host bytes the caller gets are those very pages
 * (guest_mem_back), so what the caller writes the device reads through its
 * IOMMU mapping, and what the device writes the caller sees. MAP_DMA pins a
 * block's pages (get_user_pages); any other address faults (-EFAULT) as
 * get_user_pages does on an address with no mapping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/uapi.h"
#include "base/page_alloc.h"
#include "hw/mem.h"
#include "hw/system.h"

static u64 round_pow2(u64 v)
{
	u64 p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

void *uapi_user_alloc(struct kernel *k, size_t size)
{
	struct uapi_state *st = uapi_state(k);
	if (!st || !size || size > (1ULL << 36) || !k->pages || !k->hw || !k->hw->mem)
		return NULL;
	u64 backed = (size + GUEST_MEM_BACK_ALIGN - 1) & ~(GUEST_MEM_BACK_ALIGN - 1);
	u64 alloc = round_pow2(backed);
	if (st->nblocks == st->capblocks) {
		size_t cap = st->capblocks ? st->capblocks * 2 : 8;
		struct uapi_user_block **b = realloc(st->blocks, cap * sizeof(*b));
		if (!b)
			return NULL;
		st->blocks = b;
		st->capblocks = cap;
	}
	struct uapi_user_block *blk = calloc(1, sizeof(*blk));
	u8 *host = aligned_alloc(PAGE_SIZE, backed);
	if (!host || !blk) {
		free(blk);
		free(host);
		return NULL;
	}
	memset(host, 0, backed);
	u64 pa = page_alloc(k->pages, alloc);
	if (!pa) {
		free(host);
		free(blk);
		return NULL;
	}
	if (guest_mem_back(k->hw->mem, pa, host, backed)) {
		page_free(k->pages, pa, alloc);
		free(host);
		free(blk);
		return NULL;
	}
	*blk = (struct uapi_user_block){ .host = host, .pa = pa, .size = backed, .alloc_size = alloc };
	st->blocks[st->nblocks++] = blk;
	return host;
}

int uapi_user_free(struct kernel *k, void *ptr)
{
	struct uapi_state *st = k->uapi;
	if (!st || !ptr)
		return -EINVAL;
	for (size_t i = 0; i < st->nblocks; i++) {
		struct uapi_user_block *b = st->blocks[i];
		if (b->host != ptr)
			continue;
		/* the kernel still holds its pages: a device may DMA there */
		if (b->pinned)
			return -EBUSY;
		guest_mem_unback(k->hw->mem, b->pa, b->size);
		page_free(k->pages, b->pa, b->alloc_size);
		free(b->host);
		free(b);
		st->blocks[i] = st->blocks[--st->nblocks];
		return 0;
	}
	return -EINVAL;
}

int uapi_user_pa(struct kernel *k, u64 vaddr, u64 len, u64 *pa, struct uapi_user_block **block)
{
	struct uapi_state *st = k->uapi;
	if (!st)
		return -EFAULT;
	for (size_t i = 0; i < st->nblocks; i++) {
		struct uapi_user_block *b = st->blocks[i];
		u64 base = (u64)(uintptr_t)b->host;
		if (vaddr >= base && vaddr - base < b->size && len <= b->size - (vaddr - base)) {
			*pa = b->pa + (vaddr - base);
			*block = b;
			return 0;
		}
	}
	return -EFAULT;
}
