/* A link's default ASPM states (drivers/pci/pcie/aspm.c), as far as they show. */
#include <linux/pci_regs.h>
#include "pci/aspm.h"
#include "pci/pci.h"
#include "pci/pci_version.h"
#include "kversion/linux_version.h"

#define LINK_STATE_L0S 0x1
#define LINK_STATE_L1 0x2

/* pcie_downstream_port(): the upstream end of a link */
static bool pcie_downstream_port(const struct pci_dev *dev)
{
	return dev->pcie_type == HW_PCIE_ROOT_PORT || dev->pcie_type == HW_PCIE_DOWNSTREAM ||
	       dev->pcie_type == HW_PCIE_PCIE_BRIDGE;
}

/* the L0s/L1 support set_pcie_port_type() reads from Link Capabilities */
static unsigned aspm_support(struct pci_dev *dev)
{
	u32 lnkcap;
	if (pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_LNKCAP, &lnkcap))
		return 0;
	return ((lnkcap & PCI_EXP_LNKCAP_ASPM_L0S) ? LINK_STATE_L0S : 0) |
	       ((lnkcap & PCI_EXP_LNKCAP_ASPM_L1) ? LINK_STATE_L1 : 0);
}

/* what Link Control has enabled: L0s on either end, L1 on both */
static unsigned aspm_enabled(struct pci_dev *parent, struct pci_dev *child)
{
	u16 p = 0, c = 0;
	pci_read_config_word(parent, parent->pcie_cap + PCI_EXP_LNKCTL, &p);
	pci_read_config_word(child, child->pcie_cap + PCI_EXP_LNKCTL, &c);
	return (((p | c) & PCI_EXP_LNKCTL_ASPM_L0S) ? LINK_STATE_L0S : 0) |
	       ((p & c & PCI_EXP_LNKCTL_ASPM_L1) ? LINK_STATE_L1 : 0);
}

/*
 * pcie_aspm_sanity_check(): every function below is PCIe and (ASPM being
 * neither disabled nor forced) reports role-based errors, else ASPM stays off.
 */
static bool pcie_aspm_sanity_check(struct pci_bus *linkbus)
{
	for (size_t i = 0; i < linkbus->ndevices; i++) {
		struct pci_dev *child = linkbus->devices[i];
		if (!pci_is_pcie(child))
			return false;
		u32 devcap = 0;
		pci_read_config_dword(child, child->pcie_cap + PCI_EXP_DEVCAP, &devcap);
		if (!(devcap & PCI_EXP_DEVCAP_RBER)) {
			dev_info(&child->dev,
				 "disabling ASPM on pre-1.1 PCIe device.  You can enable it with 'pcie_aspm=force'\n");
			return false;
		}
	}
	return true;
}

void pcie_aspm_init_link_state(struct pci_dev *pdev)
{
	if (!kernel_version(pdev->dev.k)->pci->aspm_dt_default_states)
		return;
	if (!pcie_downstream_port(pdev) || !pdev->subordinate)
		return;
	/* a root port below a bridge (VIA's chipsets) is left alone */
	if (pdev->pcie_type == HW_PCIE_ROOT_PORT && pdev->bus->self)
		return;
	struct pci_bus *linkbus = pdev->subordinate;
	if (!linkbus->ndevices)
		return;
	if (!pcie_aspm_sanity_check(linkbus))
		return;
	/* alloc_pcie_link_state(): the downstream end is the slot's function 0 */
	struct pci_dev *child = linkbus->devices[0];
	if (PCI_FUNC(child->devfn) != 0)
		return;
	unsigned support = aspm_support(pdev) & aspm_support(child);
	if (!support)
		return;
	/* pcie_aspm_override_default_link_state(): DT platforms default to what both ends support */
	unsigned override = support & ~aspm_enabled(pdev, child);
	if (override)
		dev_info(&child->dev, "ASPM: default states%s%s\n", (override & LINK_STATE_L0S) ? " L0s" : "",
			 (override & LINK_STATE_L1) ? " L1" : "");
}
