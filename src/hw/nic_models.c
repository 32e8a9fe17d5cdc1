/* QEMU 7.2's PCI NIC models (qemu-system-aarch64 -M virt -nic user,model=help) and the modelled ones. */
#include <stdio.h>
#include <string.h>
#include "hw/nic_models.h"
#include "hw/qdev.h"
#include "machine/virt_internal.h"

static const char *const qemu_nic_models[] = {
	"e1000", "e1000-82544gc", "e1000-82545em", "e1000e", "i82550", "i82551", "i82557a",
	"i82557b", "i82557c", "i82558a", "i82558b", "i82559a", "i82559b", "i82559c", "i82559er",
	"i82562", "i82801", "ne2k_pci", "pcnet", "pvrdma", "rtl8139", "tulip", "virtio-net-pci",
	"virtio-net-pci-non-transitional", "virtio-net-pci-transitional", "vmxnet3",
};

static const char *const modelled[] = { "virtio-net-pci", "e1000", "e1000e" };

enum nic_model_kind nic_model_lookup(const char *model, const char **device)
{
	/* pci_init_nic_devices(): "virtio" is virtio-net-pci's short name */
	if (!model || !strcmp(model, "virtio"))
		model = "virtio-net-pci";
	for (size_t i = 0; i < sizeof(modelled) / sizeof(modelled[0]); i++) {
		if (!strcmp(model, modelled[i])) {
			*device = modelled[i];
			return NIC_MODEL_MODELLED;
		}
	}
	for (size_t i = 0; i < sizeof(qemu_nic_models) / sizeof(qemu_nic_models[0]); i++)
		if (!strcmp(model, qemu_nic_models[i]))
			return NIC_MODEL_NOT_MODELLED;
	return NIC_MODEL_UNSUPPORTED;
}

void nic_macaddr(struct virt_build *b, const struct qdev *d, unsigned char mac[6])
{
	const char *s = qdev_str(d, "mac");
	/* the property was checked when it was set (parse_macaddr) */
	if (s && sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4],
			&mac[5]) == 6 && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return;
	static const unsigned char base[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	memcpy(mac, base, sizeof(base));
	mac[5] = (unsigned char)(base[5] + b->mac_index++);
}
