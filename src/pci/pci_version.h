/*
 * The PCI core: what differs between the kernels the model answers as
 * (src/kversion/linux_version.h). One field per behaviour, named by the
 * behaviour; pci_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_PCI_PCI_VERSION_H
#define IOMMUSIM_PCI_PCI_VERSION_H

#include <stdbool.h>

struct pci_version {
	/*
	 * pci_enable_acs() runs from pci_dma_configure() (7.3): a port's ACS
	 * control is written when the IOMMU configures the function. 6.1 enables
	 * it at enumeration only when pci_request_acs() ran before, which on a
	 * DT machine it has not.
	 */
	bool acs_at_dma_configure;
	/*
	 * pci_setup_device()'s header line ends with pci_type_str() ("PCIe Root
	 * Port", "conventional PCI endpoint", ...) (7.3); 6.1 stops at the class.
	 */
	bool header_names_type;
	/*
	 * pci_read_bridge_windows() logs what a bridge forwards while it is
	 * scanned: "PCI bridge to [bus 00]" and each window whose base is not
	 * above its limit (7.3); 6.1 only probes which windows exist.
	 */
	bool scan_logs_bridge_windows;
	/*
	 * pcie_aspm_override_default_link_state(): on a DT platform a link's
	 * supported L0s/L1 become its default states, logged on the downstream
	 * function ("ASPM: default states L0s") (7.3); 6.1 keeps what firmware
	 * left (nothing) and says nothing.
	 */
	bool aspm_dt_default_states;
	/*
	 * pci_host_probe() assigns with pci_assign_unassigned_root_bus_resources()
	 * (7.3): bridge windows are sized with a realloc list (a hotplug bridge's
	 * extra space and disabled ROMs are optional "add_size", logged), the
	 * window's head alignment leaves no gaps (calculate_head_align), failed
	 * optional sizes are released and retried without them, and every bus's
	 * resources are logged at the end ("pci_bus 0000:01: resource 0 ...").
	 * 6.1 sizes with no realloc list (the hotplug sizes are minimums) and
	 * assigns once (pci_bus_size_bridges + pci_bus_assign_resources).
	 */
	bool assign_with_realloc;
	/*
	 * pci_aer_init() unmasks Advisory Non-Fatal errors (clears
	 * PCI_ERR_COR_ADV_NFAT in the Correctable Error Mask) of a function with
	 * role-based error reporting when AER is native (7.3); 6.1 leaves the mask.
	 */
	bool aer_unmask_adv_nonfatal;
	/*
	 * pcibios_align_resource() is pci_align_resource() (7.3): a memory
	 * window whose size is not a multiple of its alignment is placed with
	 * the remainder before the aligned start when the gap has room there.
	 * 6.1 keeps the aligned start.
	 */
	bool align_window_tail_first;
	/*
	 * pci_bridge_secondary_bus_reset() warns once a boot when the bridge's
	 * config access is not locked ("unlocked secondary bus reset via:
	 * %pS", 7.3): what %pS prints for its caller, the build's symbol and
	 * offset, when the reset comes from pci_parent_bus_reset() (inlined in
	 * pci_reset_bus_function()) or from pciehp_reset_slot(). NULL: no such
	 * warning (6.1).
	 */
	const char *sbr_unlocked_warning_via_parent;
	const char *sbr_unlocked_warning_via_pciehp;
	/*
	 * MSI-X vectors come from a per-device MSI domain made for the whole
	 * table (pci_setup_msix_device_domain(): the parent's msi_prepare sees
	 * the table size, so the ITS holds an event for every entry and a vector
	 * can be added once MSI-X is on: pci_msix_alloc_irq_at()) (7.3). 6.1
	 * prepares the parent for the vectors asked for and cannot add any.
	 */
	bool msix_domain_per_device;
	/*
	 * An MSI-X allocation whose vector N (N > 0) the MSI domain cannot
	 * allocate: 7.3's msi_handle_pci_fail() answers the N allocated, and
	 * __pci_enable_msix_range() frees them and tries again with N (when N
	 * is at least the minimum), so pci_alloc_irq_vectors() returns fewer
	 * (measured: VFIO SET_IRQS answers "ok 1" for 3 with one ITS event
	 * left). 6.1 fails the whole allocation.
	 */
	bool msix_retries_with_allocated;
};

extern const struct pci_version pci_linux_6_1, pci_linux_7_3;

#endif
