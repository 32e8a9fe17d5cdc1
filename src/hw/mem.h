/*
 * Guest physical memory: a sparse RAM region (virt puts it at 0x40000000).
 * Both sides of the SMMU meet here: the driver writes tables and commands,
 * the hardware model reads them. An access outside RAM is an error (-EFAULT),
 * never a crash; pages are allocated on first write and read as zero before.
 */
#ifndef IOMMUSIM_HW_MEM_H
#define IOMMUSIM_HW_MEM_H

#include "base/bits.h"

struct guest_mem;

#define VIRT_RAM_BASE 0x40000000ULL
/* the most RAM the model takes (its page directory stays small below this) */
#define GUEST_MEM_MAX_SIZE (1ULL << 40)

/* NULL when size is 0, above GUEST_MEM_MAX_SIZE or not page aligned, or base+size overflows. */
struct guest_mem *guest_mem_new(u64 ram_base, u64 ram_size);
void guest_mem_free(struct guest_mem *mem);
u64 guest_mem_base(const struct guest_mem *mem);
u64 guest_mem_size(const struct guest_mem *mem);
/* True when [pa, pa+len) lies wholly in RAM. */
bool guest_mem_valid(const struct guest_mem *mem, u64 pa, u64 len);

/* 0 or -EFAULT (range not wholly in RAM; nothing is copied then). */
int guest_mem_read(struct guest_mem *mem, u64 pa, void *buf, size_t len);
int guest_mem_write(struct guest_mem *mem, u64 pa, const void *buf, size_t len);
int guest_mem_fill(struct guest_mem *mem, u64 pa, int byte, size_t len);
/* memmove() between two guest ranges (they may overlap); -EFAULT copies nothing. */
int guest_mem_copy(struct guest_mem *mem, u64 dst, u64 src, size_t len);
/*
 * Back [pa, pa+len) with len bytes of host memory the caller owns (pa and
 * len 64 KiB aligned): from then on those bytes ARE the guest pages, for
 * the CPU and every DMA, and what the range held is dropped. The memory
 * stays the caller's: guest_mem_free() leaves it alone. 0, -EFAULT (not
 * wholly in RAM), -EINVAL (unaligned, NULL host), -ENOMEM.
 */
int guest_mem_back(struct guest_mem *mem, u64 pa, void *host, u64 len);
/* The range gets memory of its own again, reading as zero; the host bytes are the caller's to free. */
void guest_mem_unback(struct guest_mem *mem, u64 pa, u64 len);
#define GUEST_MEM_BACK_ALIGN (64ULL << 10)

/* Naturally aligned little-endian 64-bit accesses: the table walkers' fast path. */
int guest_mem_read64(struct guest_mem *mem, u64 pa, u64 *val);
int guest_mem_write64(struct guest_mem *mem, u64 pa, u64 val);

#endif
