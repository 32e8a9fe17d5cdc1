/* The PCI core of each kernel (pci_version.h). */
#include <stddef.h>
#include "pci/pci_version.h"

const struct pci_version pci_linux_6_1 = {
	.acs_at_dma_configure = false,
	.header_names_type = false,
	.scan_logs_bridge_windows = false,
	.aspm_dt_default_states = false,
	.assign_with_realloc = false,
	.aer_unmask_adv_nonfatal = false,
	.align_window_tail_first = false,
	.sbr_unlocked_warning_via_parent = NULL,
	.sbr_unlocked_warning_via_pciehp = NULL,
	.msix_domain_per_device = false,
	.msix_retries_with_allocated = false,
};

const struct pci_version pci_linux_7_3 = {
	.acs_at_dma_configure = true,
	.header_names_type = true,
	.scan_logs_bridge_windows = true,
	.aspm_dt_default_states = true,
	.assign_with_realloc = true,
	.aer_unmask_adv_nonfatal = true,
	.align_window_tail_first = true,
	.sbr_unlocked_warning_via_parent = "pci_reset_bus_function+0x198/0x1d8",
	.sbr_unlocked_warning_via_pciehp = "pciehp_reset_slot+0x50/0x88",
	.msix_domain_per_device = true,
	.msix_retries_with_allocated = true,
};
