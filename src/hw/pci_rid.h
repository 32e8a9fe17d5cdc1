/*
 * The requester ID a PCI function's transactions carry when they reach the
 * host bridge, as QEMU 7.2 computes it (hw/pci/pci.c pci_req_id_cache_get,
 * pci_requester_id), from the topology and the bus numbers the bridges'
 * registers hold, and the host's wiring of it to an SMMU StreamID. Nothing
 * here asks the kernel: its alias logic (pci_for_each_dma_alias) is only a
 * prediction of this, and when the two disagree the SMMU says so.
 */
#ifndef IOMMUSIM_HW_PCI_RID_H
#define IOMMUSIM_HW_PCI_RID_H

#include "hw/system.h"
#include "machine/hw_pci.h"

/* pci_bus_num(): 0 for the root bus (virt's GPEX), else its bridge's secondary bus register. */
u8 hw_pci_bus_num(const struct hw_pci_bus *bus);

/*
 * pci_requester_id(): walking up from fn to the root bus, a conventional
 * (non-PCIe) bridge takes the transaction over (its own BDF), a PCIe-to-PCI
 * bridge (PCIe port type PCI_BRIDGE) gives it its secondary bus number with
 * devfn 0; PCIe ports pass it through. On a PCIe path, fn's own BDF.
 */
u16 hw_pci_requester_id(const struct hw_pci_fn *fn);

/*
 * The host bridge's wiring of a requester ID to the SMMU: QEMU's virt puts
 * its whole PCIe host behind the SMMU with StreamID = requester ID (its DT
 * says so with iommu-map = <0 &smmu 0 0x10000>, but the wiring does not
 * depend on what the DT says). 0 and *sid, or -ENODEV without an SMMU.
 */
int hw_pci_stream_id(const struct hw_system *hw, u16 rid, u32 *sid);

/*
 * A bus-master access of len bytes at addr by fn (write: buf -> memory),
 * with the requester ID above: through the SMMU as that StreamID, or straight
 * to the system bus when there is no SMMU or bypass_iommu (QEMU gave the
 * access the plain memory address space). 0, or -EFAULT when the SMMU
 * faulted it (the event goes to the EVTQ) or nothing is at that address.
 */
int hw_pci_dma(struct hw_system *hw, const struct hw_pci_fn *fn, u64 addr, void *buf, size_t len,
	       bool write, bool bypass_iommu);

#endif
