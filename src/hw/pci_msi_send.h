/*
 * A PCI function sends the message of one of its MSI or MSI-X vectors as
 * the guest programmed it (QEMU's msi_notify / msix_notify): a 32-bit
 * bus-master write of the data to the address, carrying the function's
 * requester ID, so it translates through the SMMU like any DMA of the
 * function and reaches the ITS (or GICv2m) only if the address does.
 */
#ifndef IOMMUSIM_HW_PCI_MSI_SEND_H
#define IOMMUSIM_HW_PCI_MSI_SEND_H

#include "hw/system.h"
#include "machine/hw_pci.h"

/*
 * The vector's message: MSI-X when its Enable is set (the entry's address
 * and data), else MSI (the capability's address, its data with the vector
 * number in the low bits Multiple Message Enable gives). 0 written,
 * 1 masked (MSI-X entry or function mask, an MSI mask bit: nothing is
 * sent), -EFAULT the write was aborted (an SMMU fault, nothing at the
 * address), -EINVAL neither enabled or the vector out of range. *addr and
 * *data (when not NULL) say what was, or would have been, written.
 */
int hw_pci_msi_send(struct hw_system *hw, struct hw_pci_fn *fn, unsigned vector, u64 *addr, u32 *data);

#endif
