/*
 * Reads of a vfio-pci device's config region (drivers/vfio/pci/
 * vfio_pci_config.c, 6.1) over the first 256 bytes: vconfig is what the
 * device held when vfio_config_init() ran at the first open, with the
 * capabilities vfio_cap_init() hides unchained from the next pointers, and
 * since nothing writes through the device file (pwrite is not modelled) the
 * virtualized bits still equal the device's: each byte reads as the device
 * has it, but the next pointers, which come from the walk. Refused with
 * -EOPNOTSUPP, before anything is read: the BARs and the ROM register
 * (vconfig keeps the addresses the kernel assigned, which the model does
 * not assign), the interrupt line (the Linux irq number the kernel wrote
 * there) and extended config space (vfio_ecap_init()'s hiding is not
 * modelled).
 */
#include <errno.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "uapi/vfio.h"
#include "pci/pci.h"

/* pci_cap_length[] of vfio_pci_config.c: 0 hides the capability, 0xff: variable */
static unsigned fixed_cap_length(u8 cap)
{
	switch (cap) {
	case PCI_CAP_ID_PM:
		return PCI_PM_SIZEOF;
	case PCI_CAP_ID_AGP:
		return PCI_AGP_SIZEOF;
	case PCI_CAP_ID_VPD:
		return PCI_CAP_VPD_SIZEOF;
	case PCI_CAP_ID_MSI:
	case PCI_CAP_ID_PCIX:
	case PCI_CAP_ID_HT:
	case PCI_CAP_ID_VNDR:
	case PCI_CAP_ID_EXP:
	case PCI_CAP_ID_SATA:
		return 0xff;
	case PCI_CAP_ID_MSIX:
		return PCI_CAP_MSIX_SIZEOF;
	case PCI_CAP_ID_AF:
		return PCI_CAP_AF_SIZEOF;
	default:
		/* slot ID, CompactPCI, debug port, SHPC, SSVID, AGP3, secure device, unknown */
		return 0;
	}
}

/*
 * vfio_cap_len(), for the variable-length capabilities the modelled
 * functions carry (MSI, vendor-specific, PCI Express); the others are
 * counted as hidden, which no modelled function has.
 */
static unsigned cap_length(struct pci_dev *pdev, u8 cap, u8 pos)
{
	unsigned len = fixed_cap_length(cap);
	if (len != 0xff)
		return len;
	u8 b;
	u16 flags;
	switch (cap) {
	case PCI_CAP_ID_VNDR:
		return pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &b) ? 0 : b;
	case PCI_CAP_ID_MSI:
		/* vfio_msi_cap_len(): 64-bit address and per-vector masking widen it */
		if (pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &flags))
			return 0;
		len = 10;	/* the minimum: ID, next, flags, a 32-bit address, data */
		if (flags & PCI_MSI_FLAGS_64BIT)
			len += 4;
		if (flags & PCI_MSI_FLAGS_MASKBIT)
			len += 10;
		return len;
	case PCI_CAP_ID_EXP:
		if (pci_read_config_word(pdev, pos + PCI_EXP_FLAGS, &flags))
			return 0;
		if ((flags & PCI_EXP_FLAGS_VERS) == 1)
			return pdev->pcie_type == PCI_EXP_TYPE_RC_END ? 0xc : PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
		return pdev->pcie_type == PCI_EXP_TYPE_RC_END ? 0x2c : PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
	default:
		return 0;
	}
}

/* What a config byte reads as, or whether the model refuses it. */
struct vconfig_byte {
	bool known;
	bool virt;	/* from vconfig (a rewritten next pointer) rather than the device */
	u8 value;
};

/* the bytes the model answers (see the comment at the top) */
static bool byte_known(unsigned pos)
{
	bool bars = pos >= PCI_BASE_ADDRESS_0 && pos < PCI_CARDBUS_CIS;
	bool rom = pos >= PCI_ROM_ADDRESS && pos < PCI_ROM_ADDRESS + 4;
	return !bars && !rom && pos != PCI_INTERRUPT_LINE;
}

/*
 * vfio_cap_init()'s walk: each capability kept or hidden (unchained from
 * its predecessor's next pointer); the bytes the model answers marked.
 */
static int build_vconfig(struct pci_dev *pdev, struct vconfig_byte *v)
{
	memset(v, 0, sizeof(*v) * PCI_CFG_SPACE_SIZE);
	for (unsigned pos = 0; pos < PCI_CFG_SPACE_SIZE; pos++)
		v[pos].known = byte_known(pos);
	u16 status;
	u8 pos;
	if (pci_read_config_word(pdev, PCI_STATUS, &status))
		return -EIO;
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	if (pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos))
		return -EIO;
	struct vconfig_byte *prev = &v[PCI_CAPABILITY_LIST];
	prev->virt = true;
	prev->value = pos;
	int loops = (PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / PCI_CAP_SIZEOF;
	while (pos && loops--) {
		u8 cap, next;
		if (pci_read_config_byte(pdev, pos, &cap) || pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT, &next))
			return -EIO;
		unsigned len = cap && cap <= PCI_CAP_ID_MAX ? cap_length(pdev, cap, pos) : 0;
		if (!len) {
			prev->value = next;
			pos = next;
			continue;
		}
		v[pos + PCI_CAP_LIST_NEXT].virt = true;
		v[pos + PCI_CAP_LIST_NEXT].value = next;
		prev = &v[pos + PCI_CAP_LIST_NEXT];
		pos = next;
	}
	return 0;
}

ssize_t vfio_pci_config_read(struct pci_dev *pdev, u8 *buf, size_t count, u64 pos)
{
	/* vfio_config_do_rw(): the access lies within the function's config space */
	if (pos >= pdev->cfg_size || pos + count > pdev->cfg_size)
		return count ? -EFAULT : 0;
	if (!count)
		return 0;
	/* extended config space is not answered */
	if (pos + count > PCI_CFG_SPACE_SIZE)
		return -EOPNOTSUPP;
	struct vconfig_byte v[PCI_CFG_SPACE_SIZE];
	int ret = build_vconfig(pdev, v);
	if (ret)
		return ret;
	for (size_t i = 0; i < count; i++)
		if (!v[pos + i].known)
			return -EOPNOTSUPP;
	for (size_t i = 0; i < count; i++) {
		const struct vconfig_byte *b = &v[pos + i];
		if (b->virt)
			buf[i] = b->value;
		else if (pci_read_config_byte(pdev, (int)(pos + i), &buf[i]))
			return -EIO;
	}
	return (ssize_t)count;
}
