/*
 * Config space access (drivers/pci/access.c, pci_generic_config_read/write
 * over the ECAM window pci-host-generic ioremapped): a function's registers
 * at bus << 20 | devfn << 12 | where. Capability lists are walked through
 * the same reads (drivers/pci/pci.c __pci_find_next_cap_ttl,
 * pci_find_ext_capability).
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "pci/pci.h"

#define PCI_FIND_CAP_TTL 48
#define PCI_EXT_CAP_TTL ((4096 - 256) / 8)

static bool bad_access(const struct pci_bus *bus, unsigned where, unsigned size)
{
	return !bus || !bus->host || !bus->host->ecam.read || (size != 1 && size != 2 && size != 4) ||
	       where % size || where >= 4096;
}

static u64 ecam_offset(const struct pci_bus *bus, unsigned devfn, unsigned where)
{
	return (u64)bus->number << 20 | (u64)(devfn & 0xff) << 12 | where;
}

int pci_bus_read_config(struct pci_bus *bus, unsigned devfn, unsigned where, unsigned size, u32 *val)
{
	if (bad_access(bus, where, size)) {
		*val = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
		return -EINVAL;
	}
	const struct hw_mmio *m = &bus->host->ecam;
	*val = (u32)m->read(m->opaque, ecam_offset(bus, devfn, where), size);
	return 0;
}

int pci_bus_write_config(struct pci_bus *bus, unsigned devfn, unsigned where, unsigned size, u32 val)
{
	if (bad_access(bus, where, size))
		return -EINVAL;
	const struct hw_mmio *m = &bus->host->ecam;
	m->write(m->opaque, ecam_offset(bus, devfn, where), val, size);
	return 0;
}

int pci_read_config_byte(struct pci_dev *dev, unsigned where, u8 *val)
{
	u32 v;
	int ret = pci_bus_read_config(dev->bus, dev->devfn, where, 1, &v);
	*val = (u8)v;
	return ret;
}

int pci_read_config_word(struct pci_dev *dev, unsigned where, u16 *val)
{
	u32 v;
	int ret = pci_bus_read_config(dev->bus, dev->devfn, where, 2, &v);
	*val = (u16)v;
	return ret;
}

int pci_read_config_dword(struct pci_dev *dev, unsigned where, u32 *val)
{
	return pci_bus_read_config(dev->bus, dev->devfn, where, 4, val);
}

int pci_write_config_byte(struct pci_dev *dev, unsigned where, u8 val)
{
	return pci_bus_write_config(dev->bus, dev->devfn, where, 1, val);
}

int pci_write_config_word(struct pci_dev *dev, unsigned where, u16 val)
{
	return pci_bus_write_config(dev->bus, dev->devfn, where, 2, val);
}

int pci_write_config_dword(struct pci_dev *dev, unsigned where, u32 val)
{
	return pci_bus_write_config(dev->bus, dev->devfn, where, 4, val);
}

u8 pci_find_next_capability(struct pci_dev *dev, u8 pos, u8 cap)
{
	u8 next;
	if (pci_read_config_byte(dev, pos, &next))
		return 0;
	for (int ttl = PCI_FIND_CAP_TTL; ttl-- > 0;) {
		if (next < 0x40)
			break;
		u16 ent;
		pci_read_config_word(dev, next & ~3u, &ent);
		u8 id = ent & 0xff;
		if (id == 0xff)
			break;
		if (id == cap)
			return next & ~3u;
		pos = (u8)(next & ~3u);
		next = (u8)(ent >> 8);
	}
	return 0;
}

u8 pci_find_capability(struct pci_dev *dev, u8 cap)
{
	u16 status;
	pci_read_config_word(dev, PCI_STATUS, &status);
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	/* __pci_bus_find_cap_start(): type 0 and 1 headers keep the pointer at 0x34 */
	return pci_find_next_capability(dev, PCI_CAPABILITY_LIST, cap);
}

u16 pci_find_ext_capability(struct pci_dev *dev, u16 cap)
{
	if (dev->cfg_size <= 256)
		return 0;
	unsigned pos = 256;
	u32 header;
	if (pci_read_config_dword(dev, pos, &header) || header == 0)
		return 0;
	for (int ttl = PCI_EXT_CAP_TTL; ttl-- > 0;) {
		if (PCI_EXT_CAP_ID(header) == cap && pos)
			return (u16)pos;
		pos = PCI_EXT_CAP_NEXT(header);
		if (pos < 256)
			break;
		if (pci_read_config_dword(dev, pos, &header))
			break;
	}
	return 0;
}

static void command_update(struct pci_dev *dev, u16 clear, u16 set)
{
	u16 cmd;
	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	u16 new = (u16)((cmd & ~clear) | set);
	if (new != cmd)
		pci_write_config_word(dev, PCI_COMMAND, new);
}

void pci_set_master(struct pci_dev *dev)
{
	command_update(dev, 0, PCI_COMMAND_MASTER);
	dev->is_busmaster = true;
}

void pci_clear_master(struct pci_dev *dev)
{
	command_update(dev, PCI_COMMAND_MASTER, 0);
	dev->is_busmaster = false;
}

void pci_intx(struct pci_dev *dev, bool enable)
{
	if (enable)
		command_update(dev, PCI_COMMAND_INTX_DISABLE, 0);
	else
		command_update(dev, 0, PCI_COMMAND_INTX_DISABLE);
}
