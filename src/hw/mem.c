/*
 * Guest physical memory: a two-level table of lazily allocated 64 KiB chunks.
 * A directory entry covers 1024 chunks (64 MiB); a missing directory or chunk
 * reads as zero, so a multi-GiB guest costs only what it touches. The 64-bit
 * accessors take the fast path the table walkers need: two loads and a copy.
 */
#include "hw/mem.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MEM_PAGE_SIZE SZ_4K
#define CHUNK_SHIFT 16
#define CHUNK_SIZE (1ULL << CHUNK_SHIFT)
#define DIR_SHIFT 10 /* chunks per directory: 1024 */
#define DIR_ENTRIES (1ULL << DIR_SHIFT)

struct guest_mem {
	u64 base;
	u64 size;
	u64 ndirs;
	u8 ***dirs; /* dirs[d][c] -> CHUNK_SIZE bytes, or NULL (zeroes) */
	/* ranges backed by callers' memory (guest_mem_back): their chunks are not ours */
	struct { u64 off, len; } *backed;
	size_t nbacked;
};

static bool chunk_is_backed(const struct guest_mem *mem, u64 off)
{
	for (size_t i = 0; i < mem->nbacked; i++)
		if (off >= mem->backed[i].off && off - mem->backed[i].off < mem->backed[i].len)
			return true;
	return false;
}

struct guest_mem *guest_mem_new(u64 ram_base, u64 ram_size)
{
	struct guest_mem *mem;
	u64 nchunks;

	if (!ram_size || ram_size > GUEST_MEM_MAX_SIZE || !IS_ALIGNED(ram_size, MEM_PAGE_SIZE) ||
	    !IS_ALIGNED(ram_base, MEM_PAGE_SIZE))
		return NULL;
	/* The header's contract: base + size itself must not wrap. */
	if (ram_base + ram_size < ram_base)
		return NULL;
	mem = calloc(1, sizeof(*mem));
	if (!mem)
		return NULL;
	nchunks = (ram_size + CHUNK_SIZE - 1) >> CHUNK_SHIFT;
	mem->ndirs = (nchunks + DIR_ENTRIES - 1) >> DIR_SHIFT;
	mem->dirs = calloc(mem->ndirs, sizeof(*mem->dirs));
	if (!mem->dirs) {
		free(mem);
		return NULL;
	}
	mem->base = ram_base;
	mem->size = ram_size;
	return mem;
}

void guest_mem_free(struct guest_mem *mem)
{
	if (!mem)
		return;
	for (u64 d = 0; d < mem->ndirs; d++) {
		if (!mem->dirs[d])
			continue;
		for (u64 c = 0; c < DIR_ENTRIES; c++)
			if (!chunk_is_backed(mem, ((d << DIR_SHIFT) + c) << CHUNK_SHIFT))
				free(mem->dirs[d][c]);
		free(mem->dirs[d]);
	}
	free(mem->dirs);
	free(mem->backed);
	free(mem);
}

u64 guest_mem_base(const struct guest_mem *mem)
{
	return mem->base;
}

u64 guest_mem_size(const struct guest_mem *mem)
{
	return mem->size;
}

bool guest_mem_valid(const struct guest_mem *mem, u64 pa, u64 len)
{
	u64 off;

	if (!mem || pa < mem->base)
		return false;
	off = pa - mem->base;
	/* Written to avoid overflow of pa+len. */
	return off <= mem->size && len <= mem->size - off;
}

/* Chunk holding RAM offset off, or NULL when never written. */
static inline u8 *chunk_peek(const struct guest_mem *mem, u64 off)
{
	u64 idx = off >> CHUNK_SHIFT;
	u8 **dir = mem->dirs[idx >> DIR_SHIFT];

	return dir ? dir[idx & (DIR_ENTRIES - 1)] : NULL;
}

/* Chunk holding RAM offset off, allocated (zeroed) on demand; NULL on ENOMEM. */
static u8 *chunk_get(struct guest_mem *mem, u64 off)
{
	u64 idx = off >> CHUNK_SHIFT;
	u8 ***dirp = &mem->dirs[idx >> DIR_SHIFT];
	u8 **slot;

	if (!*dirp) {
		*dirp = calloc(DIR_ENTRIES, sizeof(**dirp));
		if (!*dirp)
			return NULL;
	}
	slot = &(*dirp)[idx & (DIR_ENTRIES - 1)];
	if (!*slot)
		*slot = calloc(1, CHUNK_SIZE);
	return *slot;
}

int guest_mem_read(struct guest_mem *mem, u64 pa, void *buf, size_t len)
{
	u8 *out = buf;
	u64 off;

	if (!guest_mem_valid(mem, pa, len))
		return -EFAULT;
	off = pa - mem->base;
	while (len) {
		u64 in_chunk = off & (CHUNK_SIZE - 1);
		size_t n = MIN(len, (size_t)(CHUNK_SIZE - in_chunk));
		const u8 *chunk = chunk_peek(mem, off);

		if (chunk)
			memcpy(out, chunk + in_chunk, n);
		else
			memset(out, 0, n);
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * Allocate every chunk of the range first, so that running out of memory
 * fails the whole write before a byte of it lands (never half-applied).
 */
static int chunks_prepare(struct guest_mem *mem, u64 off, size_t len)
{
	u64 end = off + len;

	for (u64 c = off & ~(CHUNK_SIZE - 1); c < end; c += CHUNK_SIZE)
		if (!chunk_get(mem, c))
			return -ENOMEM;
	return 0;
}

int guest_mem_write(struct guest_mem *mem, u64 pa, const void *buf, size_t len)
{
	const u8 *in = buf;
	u64 off;
	int ret;

	if (!guest_mem_valid(mem, pa, len))
		return -EFAULT;
	off = pa - mem->base;
	ret = chunks_prepare(mem, off, len);
	if (ret)
		return ret;
	while (len) {
		u64 in_chunk = off & (CHUNK_SIZE - 1);
		size_t n = MIN(len, (size_t)(CHUNK_SIZE - in_chunk));

		memcpy(chunk_peek(mem, off) + in_chunk, in, n);
		in += n;
		off += n;
		len -= n;
	}
	return 0;
}

int guest_mem_copy(struct guest_mem *mem, u64 dst, u64 src, size_t len)
{
	if (!guest_mem_valid(mem, dst, len) || !guest_mem_valid(mem, src, len))
		return -EFAULT;
	u64 doff = dst - mem->base, soff = src - mem->base;
	int ret = chunks_prepare(mem, doff, len);
	if (ret)
		return ret;
	/* chunk by chunk, straight between them: one copy, as memmove would do */
	bool backwards = doff > soff && doff < soff + len;
	while (len) {
		u64 d = backwards ? doff + len - 1 : doff, s = backwards ? soff + len - 1 : soff;
		size_t n = backwards ? MIN(len, (size_t)MIN((d & (CHUNK_SIZE - 1)) + 1, (s & (CHUNK_SIZE - 1)) + 1))
				     : MIN(len, (size_t)MIN(CHUNK_SIZE - (d & (CHUNK_SIZE - 1)),
							    CHUNK_SIZE - (s & (CHUNK_SIZE - 1))));
		if (backwards) {
			d -= n - 1;
			s -= n - 1;
		}
		u8 *dchunk = chunk_peek(mem, d) + (d & (CHUNK_SIZE - 1));
		const u8 *schunk = chunk_peek(mem, s);
		if (schunk)
			memmove(dchunk, schunk + (s & (CHUNK_SIZE - 1)), n);
		else
			memset(dchunk, 0, n);
		if (!backwards) {
			doff += n;
			soff += n;
		}
		len -= n;
	}
	return 0;
}

int guest_mem_fill(struct guest_mem *mem, u64 pa, int byte, size_t len)
{
	u64 off;
	int ret;

	if (!guest_mem_valid(mem, pa, len))
		return -EFAULT;
	off = pa - mem->base;
	while (len) {
		u64 in_chunk = off & (CHUNK_SIZE - 1);
		size_t n = MIN(len, (size_t)(CHUNK_SIZE - in_chunk));
		u8 *chunk = chunk_peek(mem, off);

		/* Filling untouched memory with zeroes needs no allocation. */
		if (chunk || (u8)byte != 0) {
			if (!chunk) {
				ret = chunks_prepare(mem, off, len);
				if (ret)
					return ret;
				chunk = chunk_peek(mem, off);
			}
			memset(chunk + in_chunk, byte, n);
		}
		off += n;
		len -= n;
	}
	return 0;
}

/* Naturally aligned: an 8-byte access never straddles a chunk. */
int guest_mem_read64(struct guest_mem *mem, u64 pa, u64 *val)
{
	u64 off = pa - mem->base;
	const u8 *chunk;
	u64 raw;

	if (pa < mem->base || off >= mem->size || (pa & 7))
		return pa & 7 ? -EINVAL : -EFAULT;
	chunk = chunk_peek(mem, off);
	if (!chunk) {
		*val = 0;
		return 0;
	}
	memcpy(&raw, chunk + (off & (CHUNK_SIZE - 1)), sizeof(raw));
	*val = le64toh(raw);
	return 0;
}

int guest_mem_write64(struct guest_mem *mem, u64 pa, u64 val)
{
	u64 off = pa - mem->base;
	u8 *chunk;
	u64 raw = htole64(val);

	if (pa < mem->base || off >= mem->size || (pa & 7))
		return pa & 7 ? -EINVAL : -EFAULT;
	chunk = chunk_get(mem, off);
	if (!chunk)
		return -ENOMEM;
	memcpy(chunk + (off & (CHUNK_SIZE - 1)), &raw, sizeof(raw));
	return 0;
}

int guest_mem_back(struct guest_mem *mem, u64 pa, void *host, u64 len)
{
	if (!host || !len || !IS_ALIGNED(pa | len, CHUNK_SIZE))
		return -EINVAL;
	if (!guest_mem_valid(mem, pa, len))
		return -EFAULT;
	u64 off = pa - mem->base;
	void *grown = realloc(mem->backed, (mem->nbacked + 1) * sizeof(*mem->backed));
	if (!grown)
		return -ENOMEM;
	mem->backed = grown;
	/* every directory first, so that nothing changes when one cannot be had */
	for (u64 c = off; c < off + len; c += CHUNK_SIZE) {
		u8 ***dirp = &mem->dirs[(c >> CHUNK_SHIFT) >> DIR_SHIFT];
		if (!*dirp && !(*dirp = calloc(DIR_ENTRIES, sizeof(**dirp))))
			return -ENOMEM;
	}
	for (u64 c = off; c < off + len; c += CHUNK_SIZE) {
		u64 idx = c >> CHUNK_SHIFT;
		u8 **slot = &mem->dirs[idx >> DIR_SHIFT][idx & (DIR_ENTRIES - 1)];
		if (!chunk_is_backed(mem, c))
			free(*slot);
		*slot = (u8 *)host + (c - off);
	}
	mem->backed[mem->nbacked].off = off;
	mem->backed[mem->nbacked].len = len;
	mem->nbacked++;
	return 0;
}

void guest_mem_unback(struct guest_mem *mem, u64 pa, u64 len)
{
	if (!guest_mem_valid(mem, pa, len))
		return;
	u64 off = pa - mem->base;
	for (size_t i = 0; i < mem->nbacked; i++) {
		if (mem->backed[i].off != off || mem->backed[i].len != len)
			continue;
		for (u64 c = off; c < off + len; c += CHUNK_SIZE) {
			u64 idx = c >> CHUNK_SHIFT;
			mem->dirs[idx >> DIR_SHIFT][idx & (DIR_ENTRIES - 1)] = NULL;
		}
		mem->backed[i] = mem->backed[--mem->nbacked];
		return;
	}
}
