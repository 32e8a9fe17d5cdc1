/* The config-space registers the hardware keeps: a bridge's bus numbers (QEMU's pci_bridge wmask). */
#include <errno.h>
#include "hw/pci_config.h"

static int check(const struct hw_pci_fn *fn, unsigned offset, unsigned size)
{
	if (!fn || (size != 1 && size != 2 && size != 4) || offset % size || offset >= 4096)
		return -EINVAL;
	if (fn->header_type != 1 || offset / 4 != HW_PCI_PRIMARY_BUS / 4)
		return -EOPNOTSUPP;
	return 0;
}

int hw_pci_config_read(const struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 *val)
{
	int ret = check(fn, offset, size);
	if (ret)
		return ret;
	u32 dword = (u32)fn->primary_bus | (u32)fn->secondary_bus << 8 | (u32)fn->subordinate_bus << 16;
	unsigned shift = (offset % 4) * 8;
	*val = (dword >> shift) & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	return 0;
}

int hw_pci_config_write(struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 val)
{
	int ret = check(fn, offset, size);
	if (ret)
		return ret;
	for (unsigned i = 0; i < size; i++, val >>= 8) {
		switch (offset + i) {
		case HW_PCI_PRIMARY_BUS:
			fn->primary_bus = (u8)val;
			break;
		case HW_PCI_SECONDARY_BUS:
			fn->secondary_bus = (u8)val;
			break;
		case HW_PCI_SUBORDINATE_BUS:
			fn->subordinate_bus = (u8)val;
			break;
		default:
			break;	/* the secondary latency timer: not kept, reads 0 */
		}
	}
	return 0;
}
