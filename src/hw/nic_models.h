/*
 * The NIC models of -nic model= / -net nic,model= (QEMU 7.2's
 * qemu_get_nic_models(TYPE_PCI_DEVICE): every PCI device type of the
 * network category that is a NIC, "virtio" standing for virtio-net-pci).
 */
#ifndef IOMMUSIM_HW_NIC_MODELS_H
#define IOMMUSIM_HW_NIC_MODELS_H

#include <stdbool.h>

enum nic_model_kind {
	NIC_MODEL_UNSUPPORTED,	/* QEMU: "Unsupported NIC model: X" */
	NIC_MODEL_NOT_MODELLED,	/* a QEMU NIC iommusim does not model */
	NIC_MODEL_MODELLED,
};

/* What model (NULL: the default, virtio) is; *device gets the -device type for a modelled one. */
enum nic_model_kind nic_model_lookup(const char *model, const char **device);

#endif
