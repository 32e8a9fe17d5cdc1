/*
 * Turning ACS on (drivers/pci/pci.c: pci_acs_init(), pci_enable_acs(),
 * pci_std_enable_acs()). Whether it is on decides which PCI functions the
 * IOMMU core may isolate (pci_device_group() reads the controls back through
 * config space, pci/alias.c). The rule is the same on both kernels: once
 * pci_request_acs() has run (of_iommu_configure(), for the first master
 * behind an IOMMU), a function with the ACS capability gets Source
 * Validation, P2P Request and Completion Redirect and Upstream Forwarding,
 * as far as its capability offers them. When it runs differs
 * (pci_version.h's acs_at_dma_configure): 6.1 only at enumeration, which on
 * a DT machine comes before any pci_request_acs(), so QEMU's root ports keep
 * 0x0000; 7.3 from pci_dma_configure(), on the IOMMU core's probe, just
 * before the function's group is chosen, so a pcie-root-port reads 0x001d.
 * pci_restore_state() enables it again on both.
 */
#include <linux/pci_regs.h>
#include "pci/pci.h"
#include "pci/pci_version.h"
#include "kversion/linux_version.h"

void pci_enable_acs(struct pci_dev *dev)
{
	/* pci_acs_enable: no device-specific quirk applies to QEMU's functions */
	if (!dev->acs_cap || !dev->bus->host->acs_requested)
		return;
	u16 cap, ctrl;
	pci_read_config_word(dev, dev->acs_cap + PCI_ACS_CAP, &cap);
	pci_read_config_word(dev, dev->acs_cap + PCI_ACS_CTRL, &ctrl);
	/* Translation Blocking only for external-facing or untrusted ports, or with ATS off: not on virt */
	ctrl |= cap & (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF);
	pci_write_config_word(dev, dev->acs_cap + PCI_ACS_CTRL, ctrl);
}

void pci_acs_init(struct pci_dev *dev)
{
	dev->acs_cap = pci_find_ext_capability(dev, PCI_EXT_CAP_ID_ACS);
	if (!kernel_version(dev->dev.k)->pci->acs_at_dma_configure)
		pci_enable_acs(dev);
}

void pci_dma_configure_acs(struct pci_dev *dev)
{
	/* "regardless of capability": quirked root ports have ACS without one */
	if (kernel_version(dev->dev.k)->pci->acs_at_dma_configure)
		pci_enable_acs(dev);
}
