/*
 * The user APIs (VFIO, later iommufd): what differs between the kernels the
 * model answers as (src/kversion/linux_version.h). One field per behaviour,
 * named by the behaviour; uapi_version.c has each kernel's values.
 */
#ifndef IOMMUSIM_UAPI_UAPI_VERSION_H
#define IOMMUSIM_UAPI_UAPI_VERSION_H

#include <stdbool.h>

struct uapi_version {
	/*
	 * VFIO type1 knows VFIO_TYPE1_NESTING_IOMMU (6.1: CHECK_EXTENSION 1,
	 * SET_IOMMU opens a nesting v2 container). 6.6 made it reserved: the
	 * extension reads 0, so SET_IOMMU with it finds no backend (ENODEV).
	 */
	bool type1_nesting;
	/*
	 * MAP_DMA/UNMAP_DMA of a range that wraps past the top of the address
	 * space: -EINVAL (6.1), -EOVERFLOW (7.3's check_add_overflow()).
	 */
	int type1_wrap_errno;
	/* vfio_info_cap_add() pads each capability to 8 bytes (7.3; 6.1 packs them) */
	bool info_caps_aligned;
	/*
	 * vfio-pci's GET_IRQ_INFO: the error interrupt (VFIO_PCI_ERR_IRQ_INDEX)
	 * is offered for every function (7.3), not only PCIe ones (6.1: EINVAL
	 * on a conventional function)
	 */
	bool err_irq_any_function;
	/*
	 * vfio-pci keeps MSI/MSI-X vector contexts one by one and grows MSI-X
	 * (6.5 and later, so 7.3): GET_IRQ_INFO's MSI-X has no NORESIZE when
	 * the MSI domain allocates vectors dynamically (vdev->has_dyn_msix),
	 * and SET_IRQS with an eventfd for a vector past those enabled adds it
	 * (pci_msix_alloc_irq_at()); fd -1 for such a vector is 0. 6.1: a fixed
	 * block, NORESIZE always, any vector past it EINVAL.
	 */
	bool dyn_msix;
	/*
	 * SET_IRQS of the ERR or REQ trigger with an fd below -1
	 * (vfio_pci_set_ctx_trigger_single()): -EINVAL on 7.3; 6.1 answers 0
	 * and keeps the trigger it had
	 */
	bool single_trigger_refuses_bad_fd;
};

extern const struct uapi_version uapi_linux_6_1, uapi_linux_7_3;

#endif
