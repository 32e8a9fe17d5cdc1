/*
 * DMA aliases and ACS (drivers/pci/search.c, pci.c): which requester IDs a
 * function's DMA can carry once bridges rewrite it, and whether the path up
 * isolates it from its peers.
 */
#include "pci/pci.h"

int pci_for_each_dma_alias(struct pci_dev *pdev,
			   int (*fn)(struct pci_dev *pdev, u16 alias, void *data), void *data)
{
	int ret = fn(pdev, pci_dev_id(pdev), data);
	if (ret)
		return ret;

	for (struct pci_bus *bus = pdev->bus; !pci_is_root_bus(bus); bus = bus->parent) {
		struct pci_dev *tmp = bus->self;
		if (!tmp)
			continue;
		if (tmp->dev_flags & PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT)
			return ret;
		if (pci_is_pcie(tmp)) {
			switch (tmp->pcie_type) {
			case HW_PCIE_ROOT_PORT:
			case HW_PCIE_UPSTREAM:
			case HW_PCIE_DOWNSTREAM:
				continue;	/* PCIe carries the requester ID through */
			case HW_PCIE_PCI_BRIDGE:
				/* PCIe-to-PCI: the secondary bus number with devfn 0 */
				ret = fn(tmp, PCI_DEVID(tmp->subordinate->number, PCI_DEVFN(0, 0)), data);
				break;
			case HW_PCIE_PCIE_BRIDGE:
				ret = fn(tmp, pci_dev_id(tmp), data);
				break;
			default:
				continue;
			}
		} else if (tmp->dev_flags & PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS) {
			ret = fn(tmp, PCI_DEVID(tmp->subordinate->number, PCI_DEVFN(0, 0)), data);
		} else {
			/* a conventional bridge takes ownership: its own ID */
			ret = fn(tmp, pci_dev_id(tmp), data);
		}
		if (ret)
			return ret;
	}
	return ret;
}

/*
 * The ACS capability and control registers, read from config space:
 * controls missing from the capability are hard-wired on, except egress
 * control.
 */
static bool pci_acs_flags_enabled(struct pci_dev *pdev, u16 acs_flags)
{
	if (!pdev->acs_cap)
		return false;
	u16 cap, ctrl;
	pci_read_config_word(pdev, pdev->acs_cap + 4 /* PCI_ACS_CAP */, &cap);
	acs_flags &= (u16)(cap | PCI_ACS_EC);
	pci_read_config_word(pdev, pdev->acs_cap + 6 /* PCI_ACS_CTRL */, &ctrl);
	return (ctrl & acs_flags) == acs_flags;
}

bool pci_acs_enabled(struct pci_dev *pdev, u16 acs_flags)
{
	/* conventional PCI shares its bus: never isolated */
	if (!pci_is_pcie(pdev))
		return false;
	switch (pdev->pcie_type) {
	case HW_PCIE_PCIE_BRIDGE:
	case HW_PCIE_PCI_BRIDGE:
	case HW_PCIE_RC_EC:
		return false;
	case HW_PCIE_DOWNSTREAM:
	case HW_PCIE_ROOT_PORT:
		return pci_acs_flags_enabled(pdev, acs_flags);
	case HW_PCIE_ENDPOINT:
	case HW_PCIE_UPSTREAM:
	case HW_PCIE_LEG_END:
	case HW_PCIE_RC_END:
		/* ACS only matters for these inside a multifunction device */
		if (!pdev->multifunction)
			return true;
		return pci_acs_flags_enabled(pdev, acs_flags);
	default:
		return true;
	}
}

bool pci_acs_path_enabled(struct pci_dev *start, struct pci_dev *end, u16 acs_flags)
{
	struct pci_dev *pdev, *parent = start;
	do {
		pdev = parent;
		if (!pci_acs_enabled(pdev, acs_flags))
			return false;
		if (pci_is_root_bus(pdev->bus))
			return end == NULL;
		parent = pdev->bus->self;
	} while (pdev != end);
	return true;
}
