/* Guest memory: bounds, zero-before-write, chunk crossing, 64-bit accessors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hw/mem.h"

#define RAM_SIZE (256ULL << 20)

static struct guest_mem *mem;

static void setup(void)
{
	mem = guest_mem_new(VIRT_RAM_BASE, RAM_SIZE);
	cr_assert_not_null(mem);
}

static void teardown(void)
{
	guest_mem_free(mem);
}

TestSuite(hw_mem, .init = setup, .fini = teardown);

Test(hw_mem, new_rejects_bad_geometry)
{
	cr_assert_null(guest_mem_new(VIRT_RAM_BASE, 0));
	cr_assert_null(guest_mem_new(VIRT_RAM_BASE, 0x1234));
	cr_assert_null(guest_mem_new(0xfffffffffffff000ULL, 0x2000));
	/* base + size == 2^64 wraps too. */
	cr_assert_null(guest_mem_new(0xffffffffffffe000ULL, 0x2000));
	struct guest_mem *top = guest_mem_new(0xffffffffffffc000ULL, 0x2000);
	cr_assert_not_null(top);
	cr_assert_eq(guest_mem_write64(top, 0xffffffffffffdff8ULL, 0x55), 0);
	u64 v = 0;
	cr_assert_eq(guest_mem_read64(top, 0xffffffffffffdff8ULL, &v), 0);
	cr_assert_eq(v, 0x55);
	cr_assert_eq(guest_mem_read64(top, 0xffffffffffffe000ULL, &v), -EFAULT);
	guest_mem_free(top);
	guest_mem_free(NULL);
}

Test(hw_mem, geometry)
{
	cr_assert_eq(guest_mem_base(mem), VIRT_RAM_BASE);
	cr_assert_eq(guest_mem_size(mem), RAM_SIZE);
	cr_assert(guest_mem_valid(mem, VIRT_RAM_BASE, RAM_SIZE));
	cr_assert(guest_mem_valid(mem, VIRT_RAM_BASE + RAM_SIZE, 0));
	cr_assert_not(guest_mem_valid(mem, VIRT_RAM_BASE - 1, 1));
	cr_assert_not(guest_mem_valid(mem, VIRT_RAM_BASE + RAM_SIZE - 4, 8));
	cr_assert_not(guest_mem_valid(mem, VIRT_RAM_BASE + 8, ~0ULL));
	cr_assert_not(guest_mem_valid(NULL, VIRT_RAM_BASE, 1));
}

Test(hw_mem, untouched_reads_zero)
{
	u8 buf[64];
	u64 v = 1;

	memset(buf, 0xaa, sizeof(buf));
	cr_assert_eq(guest_mem_read(mem, VIRT_RAM_BASE + 0x123456, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0);
	cr_assert_eq(guest_mem_read64(mem, VIRT_RAM_BASE + 0x8000000, &v), 0);
	cr_assert_eq(v, 0);
}

Test(hw_mem, write_read_across_chunks)
{
	u8 in[200000], out[200000];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (u8)(i * 7 + 3);
	/* Starts mid-chunk and spans four 64 KiB chunks. */
	u64 pa = VIRT_RAM_BASE + 0x10000 - 13;
	cr_assert_eq(guest_mem_write(mem, pa, in, sizeof(in)), 0);
	cr_assert_eq(guest_mem_read(mem, pa, out, sizeof(out)), 0);
	cr_assert_eq(memcmp(in, out, sizeof(in)), 0);
	/* Bytes just around the range are untouched. */
	u8 b = 0xff;
	cr_assert_eq(guest_mem_read(mem, pa - 1, &b, 1), 0);
	cr_assert_eq(b, 0);
	cr_assert_eq(guest_mem_read(mem, pa + sizeof(in), &b, 1), 0);
	cr_assert_eq(b, 0);
}

Test(hw_mem, out_of_range_is_efault_and_not_applied)
{
	u8 buf[16] = { 1, 2, 3 };
	u64 last = VIRT_RAM_BASE + RAM_SIZE;

	cr_assert_eq(guest_mem_write(mem, last - 8, buf, 16), -EFAULT);
	u64 v = 0xdead;
	cr_assert_eq(guest_mem_read64(mem, last - 8, &v), 0);
	cr_assert_eq(v, 0, "a refused write must not land partly");
	cr_assert_eq(guest_mem_read(mem, last - 8, buf, 16), -EFAULT);
	cr_assert_eq(guest_mem_read(mem, VIRT_RAM_BASE - 16, buf, 16), -EFAULT);
	cr_assert_eq(guest_mem_fill(mem, last - 1, 0xff, 2), -EFAULT);
	cr_assert_eq(guest_mem_read64(mem, last, &v), -EFAULT);
	cr_assert_eq(guest_mem_write64(mem, VIRT_RAM_BASE - 8, 1), -EFAULT);
	cr_assert_eq(guest_mem_read64(mem, 0, &v), -EFAULT);
	cr_assert_eq(guest_mem_write64(mem, ~0ULL - 7, 1), -EFAULT);
}

Test(hw_mem, rw64_little_endian_and_alignment)
{
	u64 pa = VIRT_RAM_BASE + 0x2000;
	u8 bytes[8];
	u64 v;

	cr_assert_eq(guest_mem_write64(mem, pa, 0x0123456789abcdefULL), 0);
	cr_assert_eq(guest_mem_read(mem, pa, bytes, 8), 0);
	cr_assert_eq(bytes[0], 0xef);
	cr_assert_eq(bytes[7], 0x01);
	cr_assert_eq(guest_mem_read64(mem, pa, &v), 0);
	cr_assert_eq(v, 0x0123456789abcdefULL);
	cr_assert_eq(guest_mem_read64(mem, pa + 4, &v), -EINVAL);
	cr_assert_eq(guest_mem_write64(mem, pa + 1, 0), -EINVAL);
	/* The last naturally aligned word of RAM is reachable. */
	cr_assert_eq(guest_mem_write64(mem, VIRT_RAM_BASE + RAM_SIZE - 8, 7), 0);
	cr_assert_eq(guest_mem_read64(mem, VIRT_RAM_BASE + RAM_SIZE - 8, &v), 0);
	cr_assert_eq(v, 7);
}

Test(hw_mem, fill)
{
	u64 pa = VIRT_RAM_BASE + 0x30000 - 3;
	u8 buf[0x20006];

	cr_assert_eq(guest_mem_fill(mem, pa, 0x5a, 0x20000), 0);
	cr_assert_eq(guest_mem_read(mem, pa - 3, buf, sizeof(buf)), 0);
	cr_assert_eq(buf[0], 0);
	cr_assert_eq(buf[2], 0);
	for (size_t i = 3; i < 0x20003; i++)
		cr_assert_eq(buf[i], 0x5a);
	cr_assert_eq(buf[0x20003], 0);
	/* Zero fill over written memory clears it. */
	cr_assert_eq(guest_mem_fill(mem, pa + 10, 0, 100), 0);
	cr_assert_eq(guest_mem_read(mem, pa, buf, 120), 0);
	cr_assert_eq(buf[9], 0x5a);
	cr_assert_eq(buf[10], 0);
	cr_assert_eq(buf[109], 0);
	cr_assert_eq(buf[110], 0x5a);
}

Test(hw_mem, large_sparse_ram)
{
	/* 1 TiB of RAM costs nothing until touched. */
	struct guest_mem *big = guest_mem_new(VIRT_RAM_BASE, 1ULL << 40);
	u64 v = 0;

	cr_assert_not_null(big);
	cr_assert_eq(guest_mem_write64(big, VIRT_RAM_BASE + (1ULL << 40) - 8, 42), 0);
	cr_assert_eq(guest_mem_read64(big, VIRT_RAM_BASE + (1ULL << 40) - 8, &v), 0);
	cr_assert_eq(v, 42);
	guest_mem_free(big);
}

Test(hw_mem, copy_across_chunks_overlapping_and_from_untouched)
{
	u64 base = guest_mem_base(mem);
	static u8 src[200000], back[200000];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i * 7 + 1);
	/* a range spanning several 64 KiB chunks, copied to an unaligned place */
	cr_assert_eq(guest_mem_write(mem, base + 0x1234, src, sizeof(src)), 0);
	cr_assert_eq(guest_mem_copy(mem, base + 0x100001, base + 0x1234, sizeof(src)), 0);
	cr_assert_eq(guest_mem_read(mem, base + 0x100001, back, sizeof(back)), 0);
	cr_assert_eq(memcmp(src, back, sizeof(src)), 0);
	/* overlapping forwards (dst above src): memmove semantics */
	cr_assert_eq(guest_mem_copy(mem, base + 0x1234 + 70000, base + 0x1234, 100000), 0);
	cr_assert_eq(guest_mem_read(mem, base + 0x1234 + 70000, back, 100000), 0);
	cr_assert_eq(memcmp(src, back, 100000), 0);
	/* overlapping backwards (dst below src) */
	cr_assert_eq(guest_mem_write(mem, base + 0x300000, src, sizeof(src)), 0);
	cr_assert_eq(guest_mem_copy(mem, base + 0x300000 - 5000, base + 0x300000, sizeof(src)), 0);
	cr_assert_eq(guest_mem_read(mem, base + 0x300000 - 5000, back, sizeof(src)), 0);
	cr_assert_eq(memcmp(src, back, sizeof(src)), 0);
	/* from memory never written: zeroes arrive */
	cr_assert_eq(guest_mem_copy(mem, base + 0x100001, base + 0x700000, 1000), 0);
	cr_assert_eq(guest_mem_read(mem, base + 0x100001, back, 1000), 0);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(back[i], 0);
	/* out of RAM on either side: nothing copied */
	cr_assert_eq(guest_mem_copy(mem, base + guest_mem_size(mem) - 10, base, 100), -EFAULT);
	cr_assert_eq(guest_mem_copy(mem, base, base - 4096, 100), -EFAULT);
	cr_assert_eq(guest_mem_read(mem, base, back, 1), 0);
}
