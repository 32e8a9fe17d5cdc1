/*
 * The hardware of one machine instance: guest RAM, the MMIO devices the
 * kernel side reaches through ioremap(), and every device model, realized
 * from the machine's description before the kernel runs (as QEMU's board
 * realizes its devices at startup). Only addresses cross this line.
 */
#ifndef IOMMUSIM_HW_SYSTEM_H
#define IOMMUSIM_HW_SYSTEM_H

#include "base/bits.h"
#include "hw/cpu.h"
#include "hw/mem.h"
#include "hw/pci_host.h"

struct smmu_hw;
struct hw_gic;
struct machine;
struct hw_virtio;
struct vdev_hw;
struct nvme_ctrl_hw;

/* A realized virtio device model and the description it was realized from. */
struct hw_virtio_slot {
	const struct hw_virtio *desc;
	struct vdev_hw *dev;
};

/* A register window as a driver sees it after ioremap(). */
struct hw_mmio {
	void *opaque;
	u64 (*read)(void *opaque, u64 offset, unsigned size);
	void (*write)(void *opaque, u64 offset, u64 val, unsigned size);
	u64 size;
};

struct qemu_version;

struct hw_system {
	const struct qemu_version *qemu;	/* whose device models these are */
	struct hw_cpu cpu;		/* the vCPUs' model (their ID registers) */
	struct guest_mem *mem;
	struct smmu_hw *smmu;		/* NULL without iommu=smmuv3 */
	u64 smmu_base;
	bool smmu_translate_all;	/* no device DMA bypasses the SMMU */
	struct hw_gic *gic;		/* wired lines and the MSI frame */
	struct hw_virtio_slot *virtio;	/* every virtio device (PCI and mmio), in board order */
	size_t nvirtio;
	struct hw_virtio_slot *virtio_by_desc;	/* the same, sorted by description: hw_virtio_device() */
	struct nvme_ctrl_hw **nvme;	/* every nvme controller (hw/nvme_dev.h), in board order */
	size_t nnvme;
	struct hw_pci_host pci;		/* the PCIe host's ECAM and the tree behind it (its config spaces are ours) */
};

/*
 * Realize the machine's hardware: RAM, the SMMU, the GIC, the PCI tree at
 * its reset state and every device model. NULL with QEMU's message in err
 * when a device cannot be realized (a drive that cannot be opened: "Could
 * not open 'FILE': REASON", as QEMU refuses to start), or the machine has no
 * usable RAM, or memory runs out.
 */
struct hw_system *hw_system_realize(const struct machine *m, char *err, size_t errlen);
void hw_system_free(struct hw_system *hw);

/* The realized model of a virtio device description, or NULL (none was realized for it). */
struct vdev_hw *hw_virtio_device(const struct hw_system *hw, const struct hw_virtio *desc);

/*
 * The system bus as a device's write or read reaches it after the SMMU (or
 * without one): the MSI frame's doorbell takes 2- and 4-byte writes (the
 * requester ID is the ITS's DeviceID), other frame registers ignore the
 * access, anything else is RAM. 0, or -EFAULT when nothing is there
 * (nothing moves then).
 */
int hw_phys_write(struct hw_system *hw, u64 pa, const void *buf, size_t len, u32 requester_id);
int hw_phys_read(struct hw_system *hw, u64 pa, void *buf, size_t len);

/*
 * request_irq() for the interrupt lines of the device at pa: handler(opaque,
 * line) runs when the device raises one. 0 or -ENODEV.
 */
int hw_request_irq(struct hw_system *hw, u64 pa, void (*handler)(void *opaque, int line), void *opaque);

/* 0 and *out for an MMIO window starting at pa, or -ENODEV. */
int hw_ioremap(struct hw_system *hw, u64 pa, u64 size, struct hw_mmio *out);

static inline u32 readl(const struct hw_mmio *m, u64 off)
{
	return (u32)m->read(m->opaque, off, 4);
}
static inline u64 readq(const struct hw_mmio *m, u64 off)
{
	return m->read(m->opaque, off, 8);
}
static inline void writel(const struct hw_mmio *m, u64 off, u32 val)
{
	m->write(m->opaque, off, val, 4);
}
static inline void writeq(const struct hw_mmio *m, u64 off, u64 val)
{
	m->write(m->opaque, off, val, 8);
}

#endif
