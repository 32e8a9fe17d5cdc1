/*
 * Comparing a booted model's PCI config space byte by byte with what real
 * Linux read from /sys/bus/pci/devices/D/config on real QEMU 7.2, for the
 * unit tests that hold such dumps.
 */
#ifndef IOMMUSIM_TESTS_CONFIG_SPACE_UTIL_H
#define IOMMUSIM_TESTS_CONFIG_SPACE_UTIL_H

#include <stdio.h>
#include <linux/pci_regs.h>
#include "boot_util.h"

/* One function's dump: its config space size and the bytes Linux read (hex; the rest is 0). */
struct real_config {
	const char *dev;
	unsigned size;
	const char *hex;
};

static inline u8 hexbyte(const char *hex, unsigned off)
{
	unsigned v;
	char two[3] = { hex[2 * off], hex[2 * off + 1], 0 };
	sscanf(two, "%x", &v);
	return (u8)v;
}

/* A config read that must succeed. */
static inline u32 cfg(struct iommusim *sim, const char *dev, unsigned off, unsigned size)
{
	uint32_t v = 0xdeadbeef;
	cr_assert_eq(iommusim_pci_config_read(sim, dev, off, size, &v), 0, "%s: read %#x", dev, off);
	return v;
}

/* The capability id's offset in dev's list, 0 when absent (Linux's pci_find_capability walk). */
static inline unsigned find_cap(struct iommusim *sim, const char *dev, unsigned id)
{
	unsigned pos = cfg(sim, dev, PCI_CAPABILITY_LIST, 1);
	for (int ttl = 48; pos >= 0x40 && ttl--; pos = cfg(sim, dev, pos + 1, 1))
		if (cfg(sim, dev, pos, 1) == id)
			return pos;
	return 0;
}

/*
 * Each function's config space ends where real's does, and every byte but
 * those skip() names (what Linux assigned, which the model does not) equals
 * real QEMU's. Each differing byte is printed; the count of them returned.
 */
static inline unsigned config_space_differences(struct iommusim *sim, const struct real_config *real,
						size_t n,
						bool (*skip)(struct iommusim *sim, const char *dev, unsigned off))
{
	unsigned bad = 0;
	for (size_t i = 0; i < n; i++) {
		const char *dev = real[i].dev;
		uint32_t v;
		cr_assert_eq(iommusim_pci_config_read(sim, dev, real[i].size - 1, 1, &v), 0, "%s", dev);
		cr_assert_eq(iommusim_pci_config_read(sim, dev, real[i].size, 1, &v), -EINVAL, "%s", dev);
		unsigned known = (unsigned)strlen(real[i].hex) / 2;
		for (unsigned off = 0; off < real[i].size; off++) {
			u8 want = off < known ? hexbyte(real[i].hex, off) : 0;
			if (skip(sim, dev, off))
				continue;
			if (cfg(sim, dev, off, 1) != want) {
				fprintf(stderr, "%s at %#05x: %#04x, QEMU has %#04x\n", dev, off,
					cfg(sim, dev, off, 1), want);
				bad++;
			}
		}
	}
	return bad;
}

#endif
