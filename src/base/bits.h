/* Bit-field helpers in the kernel's spelling, so table layouts read like Linux's headers. */
#ifndef IOMMUSIM_BASE_BITS_H
#define IOMMUSIM_BASE_BITS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define BIT(n) (1ULL << (n))
#define GENMASK_ULL(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#define GENMASK(h, l) GENMASK_ULL(h, l)
/* FIELD_GET/FIELD_PREP for a contiguous mask; works on any constant mask. */
#define FIELD_SHIFT(mask) ((unsigned)__builtin_ctzll(mask))
#define FIELD_GET(mask, reg) ((u64)(((u64)(reg) & (mask)) >> FIELD_SHIFT(mask)))
#define FIELD_PREP(mask, val) ((((u64)(val)) << FIELD_SHIFT(mask)) & (mask))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((u64)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((u64)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((u64)(a) - 1)) == 0)
#define DMA_BIT_MASK(n) (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define SZ_4K 0x1000ULL
#define SZ_16K 0x4000ULL
#define SZ_64K 0x10000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL

#endif
