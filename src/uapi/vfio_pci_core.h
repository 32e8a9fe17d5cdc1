/*
 * struct vfio_pci_core_device of Linux 6.1 (include/linux/vfio_pci_core.h):
 * what vfio-pci keeps of a device while user space has it open. The first
 * device file's open makes it (vfio_pci_core_enable(): the function
 * enabled, reset, its state saved, the virtual config space built) and the
 * last close undoes it (vfio_pci_core_disable()); every device file of the
 * device shares it.
 */
#ifndef IOMMUSIM_UAPI_VFIO_PCI_CORE_H
#define IOMMUSIM_UAPI_VFIO_PCI_CORE_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/bits.h"

struct pci_dev;
struct pci_saved_state;
struct uapi_file;

/*
 * struct vfio_pci_irq_ctx: one vector's trigger (the user's eventfd, held
 * while the handler is installed) and the irq it is requested on.
 */
struct vfio_pci_irq_ctx {
	struct vfio_pci_core_device *vdev;
	struct uapi_file *trigger;	/* NULL: no handler on this vector */
	int irq;
	char name[80];			/* "vfio-msix[N](0000:01:00.0)" */
};

#define VFIO_PCI_NUM_RBARS 7	/* the six BARs and the ROM */

struct vfio_pci_core_device {
	struct pci_dev *pdev;
	unsigned int open_count;	/* device files open on it */
	bool reset_works;		/* the reset at enable succeeded */
	bool pci_2_3;			/* INTx masking through the command register */
	bool virq_disabled;		/* the user's INTx disable bit */
	bool bardirty;			/* vconfig's BARs need vfio_bar_fixup() */
	bool extended_caps;		/* a PCIe function with extended config space */
	u8 msix_bar;			/* the MSI-X table's BAR, 0xff: none */
	u8 msi_qmax;			/* log2 of the MSI vectors the function offers */
	u16 msi_flags;			/* MSI's control word at init: the layout of msi_perm */
	u32 rbar[VFIO_PCI_NUM_RBARS];	/* the BARs at enable, for vfio_bar_restore() */
	/* vfio_config_init(): cfg_size bytes each */
	u8 *vconfig;			/* the virtual config space */
	u8 *pci_config_map;		/* the capability each byte belongs to */
	/*
	 * The model's own: a byte of vconfig whose value it knows. The
	 * addresses the kernel assigned to the BARs are not modelled: their
	 * bytes stay unknown (a read refuses with -EOPNOTSUPP) until the user
	 * writes them or sizing clears them.
	 */
	u8 *vknown;
	struct pci_saved_state *pci_saved_state;	/* the state saved at enable */
	struct pci_saved_state *pm_save;	/* the state saved on the way into D3hot */
	/* vfio_pci_intrs.c: VFIO_DEVICE_SET_IRQS's state */
	unsigned int irq_type;		/* VFIO_PCI_{INTX,MSI,MSIX}_IRQ_INDEX, VFIO_PCI_NUM_IRQS: none */
	struct vfio_pci_irq_ctx *ctx;	/* nctx vectors (INTx: one) */
	unsigned int nctx;
	bool intx_masked;		/* the INTx line is masked (by the user or the handler) */
	struct uapi_file *err_trigger, *req_trigger;
};

/* pci_config_map's entries besides capability IDs (vfio_pci_priv.h) */
#define VFIO_PCI_CAP_ID_BASIC 0		/* the standard header */
#define VFIO_PCI_CAP_ID_INVALID 0xff	/* no capability: raw access */
#define VFIO_PCI_CAP_ID_INVALID_VIRT 0xfe	/* no capability: virtual access */

/*
 * vfio_pci_set_power_state() (vfio_pci_power.c): pci_set_power_state()'s
 * result, the state saved into D3hot and restored out of it when the
 * function lacks No_Soft_Reset.
 */
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev, unsigned state);

/*
 * pci_try_reset_function() of a function bound to vfio-pci (at open,
 * VFIO_DEVICE_RESET, an FLR written to config space): its result. 7.3's
 * pci_dev_save_and_disable() and pci_dev_restore() warn "resetting" and
 * "reset done" around a reset that is tried when the bound driver's error
 * handlers have no reset_prepare/reset_done (vfio-pci's have neither);
 * 6.1's say nothing. The close path's __pci_reset_function_locked() never does.
 */
struct pci_dev;
int vfio_pci_try_reset_function(struct pci_dev *pdev);

/* vfio_config_init() at enable (logs the capabilities it hides): 0, -ENOMEM, -EIO */
int vfio_config_init(struct vfio_pci_core_device *vdev);
void vfio_config_free(struct vfio_pci_core_device *vdev);
/*
 * vfio_pci_config_rw(): a read or write of count bytes at pos of the config
 * region, in the chunks vfio_config_do_rw() makes: bytes done, or -EFAULT
 * (outside config space), -EIO, and -EOPNOTSUPP for a read of a byte the
 * model does not know (nothing read then).
 */
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev, u8 *buf, size_t count, u64 pos, bool write);

/*
 * VFIO_DEVICE_SET_IRQS (vfio_pci_intrs.c): arg is struct vfio_irq_set with
 * its data after it. 0, a positive count (MSI/MSI-X: the vectors the
 * function could give when fewer than asked), or -errno.
 */
long vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *vdev, void *arg);
/* vfio_pci_core_disable()'s part: the interrupts the user left enabled, and the triggers, go */
void vfio_pci_irqs_release(struct vfio_pci_core_device *vdev);
/* vfio_pci_get_irq_count() (vfio_device.c): the vectors of an index */
u32 vfio_pci_irq_count(struct pci_dev *pdev, u32 index);

#endif
