/*
 * MSI-X of one PCI function, device side (QEMU 7.2 hw/pci/msix.c): the
 * vector table and pending-bit array the function exposes in a BAR, and the
 * capability's Message Control (MSI-X Enable, Function Mask). Firing a vector
 * sends its message: a 32-bit write of the entry's data to the entry's
 * address, made by the function as a bus master, so it carries the function's
 * requester ID and goes through the SMMU like the rest of its DMA. A vector
 * masked by its entry or by the function only sets its pending bit; the
 * message goes out when it is unmasked.
 *
 * The table lives in the hardware description (struct hw_pci_fn), next to the
 * function's other registers; the kernel side reaches it as MMIO (the table
 * window) and as a config-space register (Message Control).
 */
#ifndef IOMMUSIM_HW_PCI_MSIX_H
#define IOMMUSIM_HW_PCI_MSIX_H

#include "hw/system.h"

/* QEMU's PCI_MSIX_FLAGS_QSIZE + 1: the most vectors a function has */
#define HW_MSIX_MAX_VECTORS 2048

struct hw_msix_stats {
	u64 notified;		/* msix_notify() calls for a vector in use */
	u64 sent;		/* messages written (each one 32-bit bus-master write) */
	u64 faulted;		/* ... that the SMMU or the bus aborted */
	u64 pended;		/* notifications that found the vector masked */
	u64 unused;		/* notifications of a vector the device does not use */
};

/*
 * The bus-master write a message is: 0 when it reached its target, -EFAULT
 * when it was aborted (an SMMU fault, nothing at that address).
 */
typedef int (*hw_msix_send_fn)(void *opaque, u64 addr, u32 data);

struct hw_msix {
	unsigned nentries;
	u32 pba_offset;			/* where the PBA starts in the BAR */
	u16 control;			/* Message Control: PCI_MSIX_FLAGS_ENABLE | MASKALL */
	u8 *table;			/* nentries x PCI_MSIX_ENTRY_SIZE, little endian */
	u64 *pba;			/* pending bits */
	unsigned *used;			/* msix_vector_use() count: the device may fire it */
	hw_msix_send_fn send;		/* the function's bus-master write */
	void *send_opaque;
	struct hw_msix_stats stats;
};

/* A table of nentries (1..HW_MSIX_MAX_VECTORS) in its reset state; NULL otherwise. */
struct hw_msix *hw_msix_new(unsigned nentries);
void hw_msix_free(struct hw_msix *m);
/* msix_reset(): disabled, every entry masked with address and data 0, nothing pending. */
void hw_msix_reset(struct hw_msix *m);
/* The device that fires the vectors says how it writes (its bus-master path). */
void hw_msix_set_sender(struct hw_msix *m, hw_msix_send_fn send, void *opaque);

/* Message Control as a config read shows it (table size - 1 in QSIZE). */
u16 hw_msix_control_read(const struct hw_msix *m);
/* A config write of Message Control: only Enable and Function Mask are writable. */
void hw_msix_control_write(struct hw_msix *m, u16 val);
bool hw_msix_enabled(const struct hw_msix *m);

/*
 * The table BAR window as the kernel ioremaps it, laid out as QEMU's
 * msix_init_exclusive_bar() does: the entries from offset 0, the PBA at
 * pba_offset (the upper half of a 4K BAR, or right after a larger table).
 * 32-bit accesses; the PBA is read-only.
 */
void hw_msix_mmio(struct hw_msix *m, struct hw_mmio *out);

/* msix_vector_use()/unuse() (counted): 0, or -EINVAL for a vector beyond the table. */
int hw_msix_vector_use(struct hw_msix *m, unsigned vector);
void hw_msix_vector_unuse(struct hw_msix *m, unsigned vector);

/*
 * msix_notify(): send the vector's message, or set its pending bit when it
 * is masked. 0 sent, 1 left pending, -EFAULT the write was aborted,
 * -EINVAL a vector out of range or not in use (nothing happens).
 */
int hw_msix_notify(struct hw_msix *m, unsigned vector);

/* The entry's fields as the table holds them. */
u64 hw_msix_entry_addr(const struct hw_msix *m, unsigned vector);
u32 hw_msix_entry_data(const struct hw_msix *m, unsigned vector);
bool hw_msix_entry_masked(const struct hw_msix *m, unsigned vector);
bool hw_msix_pending(const struct hw_msix *m, unsigned vector);

#endif
