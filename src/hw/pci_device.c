/*
 * QEMU's abstract "pci-device" (hw/pci/pci.c pci_props): the properties
 * every PCI function has, whatever its type.
 */
#include "hw/qdev_types.h"
#include "hw/pci_qdev.h"

static const struct qdev_prop pci_device_props[] = {
	/* ACPI is off on a DT boot: the index names nothing the kernel sees */
	QDEV_UINT32("acpi-index", 0, QDEV_NO_EFFECT),
	{ .name = "addr", .kind = QDEV_PROP_PCI_DEVFN, .type = "int32",
	  .desc = "Slot and optional function number, example: 06.0 or 06",
	  .has_default = true, .def.i = -1, .effect = QDEV_MODELLED },
	/* a failover primary stays hidden until virtio-net negotiates STANDBY */
	QDEV_STR("failover_pair_id", QDEV_DEFAULT_ONLY),
	QDEV_BIT("multifunction", false, QDEV_MODELLED),
	/* BARs and option ROMs are not part of the model's answers */
	QDEV_UINT32("rombar", 1, QDEV_NO_EFFECT),
	QDEV_STR("romfile", QDEV_NO_EFFECT),
	QDEV_UINT32("romsize", UINT32_MAX, QDEV_NO_EFFECT),
	/* the PCIe capability's extended capabilities and link status bits */
	QDEV_BIT("x-pcie-extcap-init", true, QDEV_DEFAULT_ONLY),
	QDEV_BIT("x-pcie-lnksta-dllla", true, QDEV_DEFAULT_ONLY),
};

const struct hw_device_type pci_device_type = {
	.name = "pci-device",
	.abstract = true,
	.bus = "PCI",
	QDEV_PROPS(pci_device_props),
};

struct hw_pci_fn *pci_qdev_fn_new(const struct qdev *d)
{
	struct hw_pci_fn *fn = virt_pci_fn_new(d->type->name, d->id);

	if (fn)
		fn->multifunction = qdev_bool(d, "multifunction");
	return fn;
}

int pci_qdev_realize_rom(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn)
{
	u64 size = qdev_uint(d, "romsize");
	const char *file = qdev_str(d, "romfile");

	if (size != UINT32_MAX && (size & (size - 1))) {
		virt_pci_unplug(fn);
		return virt_fail(b, "ROM size %u is not a power of two", (unsigned)size);
	}
	if (file && *file) {
		/* romfile="" (no ROM) is fine: no BAR is part of the answers */
		virt_pci_unplug(fn);
		return virt_fail(b, "romfile \"%s\": option ROM files are not modelled by iommusim", file);
	}
	return 0;
}

/* pci_bridge_qemu_reserve_cap_init(): the windows a firmware would reserve */
int pci_bridge_reserve_check(struct virt_build *b, const struct qdev *d)
{
	u64 mem = qdev_uint(d, "mem-reserve");
	u64 p32 = qdev_uint(d, "pref32-reserve"), p64 = qdev_uint(d, "pref64-reserve");

	if (p32 != UINT64_MAX && p64 != UINT64_MAX)
		return virt_fail(b, "PCI resource reserve cap: PREF32 and PREF64 conflict");
	if (mem != UINT64_MAX && mem >= (4ULL << 30))
		return virt_fail(b, "PCI resource reserve cap: mem-reserve must be less than 4G");
	if (p32 != UINT64_MAX && p32 >= (4ULL << 30))
		return virt_fail(b, "PCI resource reserve cap: pref32-reserve  must be less than 4G");
	return 0;
}
