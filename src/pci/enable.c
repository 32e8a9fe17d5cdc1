/*
 * pci_enable_device() and pci_disable_device() (drivers/pci/pci.c, 6.1):
 * enables are counted; the first one enables the bridges above (
 * pci_enable_bridge(), upstream first) and then turns on the decoding the
 * device's resources need, logging "enabling device (old -> new)" when the
 * command register changes. Disabling only drops the count and bus
 * mastering: decoding stays on, so a later enable logs nothing.
 */
#include "base/device.h"
#include "pci/pci.h"

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2

/* The resources Linux assigned a function and the decoding they need. */
static u16 pci_resource_decoding(const struct pci_dev *dev)
{
	const struct hw_pci_fn *hw = dev->hw;
	u16 cmd = PCI_COMMAND_MEMORY;	/* every modelled function has a memory BAR or window */
	if (!hw)
		return cmd;
	if (hw->virtio && hw->virtio->legacy)
		cmd |= PCI_COMMAND_IO;	/* the legacy interface's I/O BAR 0 */
	if (dev->subordinate) {
		/*
		 * An I/O window is sized for what is below it, and a hotplug
		 * bridge always gets the default hotplug I/O size.
		 */
		if (dev->is_hotplug_bridge)
			cmd |= PCI_COMMAND_IO;
		for (size_t i = 0; i < dev->subordinate->ndevices; i++)
			cmd |= pci_resource_decoding(dev->subordinate->devices[i]) & PCI_COMMAND_IO;
	}
	return cmd;
}

static void pci_enable_bridge(struct pci_dev *bridge)
{
	if (bridge->bus->self)
		pci_enable_bridge(bridge->bus->self);
	if (bridge->enable_cnt) {
		bridge->is_busmaster = true;
		return;
	}
	pci_enable_device(bridge);
	bridge->is_busmaster = true;
}

int pci_enable_device(struct pci_dev *dev)
{
	if (dev->enable_cnt++)
		return 0;
	if (dev->bus->self)
		pci_enable_bridge(dev->bus->self);
	u16 old = dev->command, cmd = old | pci_resource_decoding(dev);
	if (cmd != old) {
		dev_info(&dev->dev, "enabling device (%04x -> %04x)\n", old, cmd);
		dev->command = cmd;
	}
	return 0;
}

void pci_disable_device(struct pci_dev *dev)
{
	if (dev->enable_cnt && !--dev->enable_cnt)
		dev->is_busmaster = false;
}
