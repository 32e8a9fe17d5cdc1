/* Little-endian fields of n bytes (n <= 8) in a byte buffer, as devices lay out their structures. */
#ifndef IOMMUSIM_BASE_LE_BYTES_H
#define IOMMUSIM_BASE_LE_BYTES_H

#include "base/bits.h"

static inline void put_le(u8 *p, u64 v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (u8)v;
}

static inline u64 get_le(const u8 *p, int n)
{
	u64 v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#endif
