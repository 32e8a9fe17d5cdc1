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

struct virt_build;
struct qdev;
/*
 * A NIC's MAC address as its realize takes it: the mac property, or
 * qemu_macaddr_default_if_unset()'s next one (52:54:00:12:34:56, then :57 ...
 * in the order NICs are realized, the board's -nic ones first).
 */
void nic_macaddr(struct virt_build *b, const struct qdev *d, unsigned char mac[6]);

#endif
