/*
 * A device's own bus-master accesses, as the hardware issues them: the
 * requester ID the PCI hardware gives its transactions once bridges have
 * rewritten it (hw/pci_rid.h, never the kernel's alias prediction), the
 * StreamID the host's wiring (PCI) or the board's DT (platform devices) maps
 * that to, and the access itself, through the SMMU when the device sits
 * behind one and straight to memory otherwise.
 */
#ifndef IOMMUSIM_DRIVERS_DEVICE_DMA_H
#define IOMMUSIM_DRIVERS_DEVICE_DMA_H

#include "base/device.h"

/* 0 and *sid when the device's DMA reaches the SMMU; -ENODEV when it does not. */
int device_stream_id(struct device *dev, u32 *sid);

/*
 * A DMA of len bytes at addr (write: buf -> memory). 0, or -EFAULT when the
 * SMMU faulted it (the event goes to the EVTQ) or memory is not there.
 * bypass_iommu: QEMU gives this access the plain memory address space.
 */
int device_dma(struct device *dev, u64 addr, void *buf, size_t len, bool write, bool bypass_iommu);

#endif
