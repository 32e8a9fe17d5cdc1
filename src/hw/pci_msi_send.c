/*
 * MSI and MSI-X messages as a function sends them (see pci_msi_send.h):
 * QEMU's msi_get_message() from the MSI capability's registers,
 * msix_get_message() from the table entry.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "hw/pci_config.h"
#include "hw/pci_msi_send.h"
#include "hw/pci_msix.h"
#include "hw/pci_rid.h"

static int send(struct hw_system *hw, struct hw_pci_fn *fn, u64 addr, u32 data)
{
	u8 b[4] = { (u8)data, (u8)(data >> 8), (u8)(data >> 16), (u8)(data >> 24) };
	return hw_pci_dma(hw, fn, addr, b, sizeof(b), true, false) ? -EFAULT : 0;
}

/* msi_get_message(): the vectors enabled are a power of two, the vector replaces the data's low bits */
static int msi_message(const struct hw_pci_config *c, unsigned vector, u64 *addr, u32 *data, bool *masked)
{
	unsigned pos = c->msi_cap;
	u16 flags = (u16)hw_pci_get(c, pos + PCI_MSI_FLAGS, 2);
	if (!pos || !(flags & PCI_MSI_FLAGS_ENABLE))
		return -EINVAL;
	unsigned nr = 1u << ((flags & PCI_MSI_FLAGS_QSIZE) >> 4);
	if (vector >= nr)
		return -EINVAL;
	bool is64 = flags & PCI_MSI_FLAGS_64BIT;
	*addr = hw_pci_get(c, pos + PCI_MSI_ADDRESS_LO, 4);
	if (is64)
		*addr |= (u64)hw_pci_get(c, pos + PCI_MSI_ADDRESS_HI, 4) << 32;
	u16 d = (u16)hw_pci_get(c, pos + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 2);
	*data = (u32)((d & ~(nr - 1)) | vector);
	*masked = false;
	if (flags & PCI_MSI_FLAGS_MASKBIT) {
		u32 bits = hw_pci_get(c, pos + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32), 4);
		*masked = bits & (1u << vector);
	}
	return 0;
}

int hw_pci_msi_send(struct hw_system *hw, struct hw_pci_fn *fn, unsigned vector, u64 *addr, u32 *data)
{
	u64 a = 0;
	u32 d = 0;
	bool masked;
	int ret = 0;
	if (fn->msix && hw_msix_enabled(fn->msix)) {
		if (vector >= fn->msix->nentries)
			return -EINVAL;
		a = hw_msix_entry_addr(fn->msix, vector);
		d = hw_msix_entry_data(fn->msix, vector);
		masked = hw_msix_entry_masked(fn->msix, vector) || (fn->msix->control & PCI_MSIX_FLAGS_MASKALL);
	} else if (fn->config) {
		ret = msi_message(fn->config, vector, &a, &d, &masked);
	} else {
		ret = -EINVAL;
	}
	if (addr)
		*addr = a;
	if (data)
		*data = d;
	if (ret)
		return ret;
	return masked ? 1 : send(hw, fn, a, d);
}
