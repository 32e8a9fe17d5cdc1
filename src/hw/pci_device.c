/*
 * QEMU's abstract "pci-device" (hw/pci/pci.c pci_props): the properties
 * every PCI function has, whatever its type.
 */
#include <string.h>
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
	/* the option ROM BAR (pci_add_option_rom): its size, or none */
	QDEV_UINT32("rombar", 1, QDEV_MODELLED),
	QDEV_STR("romfile", QDEV_MODELLED),
	QDEV_UINT32("romsize", UINT32_MAX, QDEV_MODELLED),
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

struct hw_pci_fn *pci_qdev_endpoint_fn_new(const struct qdev *d, u16 vendor, u16 device, u32 class)
{
	struct hw_pci_fn *fn = pci_qdev_fn_new(d);

	if (!fn)
		return NULL;
	fn->vendor = vendor;
	fn->device = device;
	fn->class = class;
	/* pci_set_default_subsystem_id() */
	fn->subsystem_vendor = PCI_VENDOR_ID_REDHAT_QUMRANET;
	fn->subsystem_device = PCI_SUBDEVICE_ID_QEMU;
	return fn;
}

/* The romfile a type's class gives it (PCIDeviceClass.romfile), inherited by its subtypes. */
static const struct hw_option_rom *class_rom(const struct hw_device_type *t)
{
	for (; t; t = t->parent)
		if (t->rom)
			return t->rom;
	return NULL;
}

/*
 * pci_add_option_rom(): the ROM BAR is the romfile's size rounded up to a
 * power of two, or romsize when given (which must hold the file); none
 * without a romfile (romfile="" or a class with none) or with rombar=0 (the
 * ROM then goes to fw_cfg). A romfile other than the class's own would need
 * the file: refused as not modelled.
 */
int pci_qdev_realize_rom(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn)
{
	u64 size = qdev_uint(d, "romsize");
	const struct hw_option_rom *rom = class_rom(d->type);
	const char *file = qdev_is_set(d, "romfile") ? qdev_str(d, "romfile") : rom ? rom->file : NULL;

	if (size != UINT32_MAX && (size & (size - 1))) {
		virt_pci_unplug(fn);
		return virt_fail(b, "ROM size %u is not a power of two", (unsigned)size);
	}
	if (!file || !*file || !qdev_uint(d, "rombar"))
		return 0;
	if (!rom || strcmp(file, rom->file)) {
		virt_pci_unplug(fn);
		return virt_fail(b, "romfile \"%s\": option ROM files other than the device's own (%s) are not modelled by iommusim",
				 file, rom ? rom->file : "none");
	}
	if (size != UINT32_MAX && rom->bytes > size) {
		virt_pci_unplug(fn);
		return virt_fail(b, "romfile \"%s\" (%u bytes) is too large for ROM size %u", file, rom->bytes,
				 (unsigned)size);
	}
	u32 bar = 1;
	while (bar < rom->bytes)
		bar <<= 1;
	fn->rom_size = size != UINT32_MAX ? (u32)size : bar;
	return 0;
}

int pci_qdev_register(struct virt_build *b, struct hw_pci_bus *bus, const struct qdev *d,
		      struct hw_pci_fn *fn)
{
	int ret = virt_pci_plug(b, bus, fn, d);

	if (ret) {
		virt_pci_fn_free(fn);
		return ret;
	}
	return pci_qdev_realize_rom(b, d, fn);
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
