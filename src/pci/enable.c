/*
 * pci_enable_device() and pci_disable_device() (drivers/pci/pci.c, 6.1):
 * enables are counted; the first one enables the bridges above (
 * pci_enable_bridge(), upstream first) and then turns on the decoding the
 * device's resources need, logging "enabling device (old -> new)" when the
 * command register changes. Disabling only drops the count and bus
 * mastering: decoding stays on, so a later enable logs nothing.
 */
#include <linux/pci_regs.h>
#include "base/device.h"
#include "pci/pci.h"

/*
 * pci_enable_resources(): the decoding the function's assigned resources
 * need (its BARs, a bridge's windows; the ROM only when enabled). One that
 * found no space lost its type at assignment and asks for nothing.
 */
static u16 pci_resource_decoding(const struct pci_dev *dev)
{
	u16 cmd = 0;
	for (int i = 0; i < PCI_NUM_RESOURCES; i++) {
		const struct resource *r = &dev->resource[i];
		if (!(r->flags & (IORESOURCE_IO | IORESOURCE_MEM)) || !r->parent)
			continue;
		if (i == PCI_ROM_RESOURCE && !(r->flags & IORESOURCE_ROM_ENABLE))
			continue;
		if (r->flags & IORESOURCE_IO)
			cmd |= PCI_COMMAND_IO;
		if (r->flags & IORESOURCE_MEM)
			cmd |= PCI_COMMAND_MEMORY;
	}
	return cmd;
}

static void pci_enable_bridge(struct pci_dev *bridge)
{
	if (bridge->bus->self)
		pci_enable_bridge(bridge->bus->self);
	if (bridge->enable_cnt) {
		pci_set_master(bridge);
		return;
	}
	pci_enable_device(bridge);
	pci_set_master(bridge);
}

int pci_enable_device(struct pci_dev *dev)
{
	if (dev->enable_cnt++)
		return 0;
	if (dev->bus->self)
		pci_enable_bridge(dev->bus->self);
	/* pci_enable_resources(): the command register read, the decoding added, written back */
	u16 old, cmd;
	pci_read_config_word(dev, PCI_COMMAND, &old);
	cmd = old | pci_resource_decoding(dev);
	if (cmd != old) {
		dev_info(&dev->dev, "enabling device (%04x -> %04x)\n", old, cmd);
		pci_write_config_word(dev, PCI_COMMAND, cmd);
	}
	dev->command = cmd;
	return 0;
}

void pci_disable_device(struct pci_dev *dev)
{
	/* do_pci_disable_device(): bus mastering off, decoding left on */
	if (dev->enable_cnt && !--dev->enable_cnt)
		pci_clear_master(dev);
}
