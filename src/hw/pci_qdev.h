/*
 * Steps every PCI device's realize shares (hw/pci/pci.c pci_qdev_realize):
 * the function with its type name, id and multifunction bit; the option ROM
 * checks after the device's own realize; the bridges' resource reserve
 * capability (pci_bridge_qemu_reserve_cap_init).
 */
#ifndef IOMMUSIM_HW_PCI_QDEV_H
#define IOMMUSIM_HW_PCI_QDEV_H

#include "hw/qdev.h"
#include "machine/virt_internal.h"

/* A new function for d (not on a bus yet), or NULL (-ENOMEM). */
struct hw_pci_fn *pci_qdev_fn_new(const struct qdev *d);
/*
 * A new type 0 function for d of vendor:device and class (0xCCSSPP), with
 * QEMU's default subsystem IDs 1af4:1100 (pci_set_default_subsystem_id);
 * NULL (-ENOMEM).
 */
struct hw_pci_fn *pci_qdev_endpoint_fn_new(const struct qdev *d, u16 vendor, u16 device, u32 class);
/*
 * pci_add_option_rom()'s checks once the device realized and sits on its
 * bus: 0, or -EINVAL with the message set and fn unplugged and freed.
 */
int pci_qdev_realize_rom(struct virt_build *b, const struct qdev *d, struct hw_pci_fn *fn);
/*
 * An endpoint's registration as pci_qdev_realize does it: fn on bus at d's
 * addr=, then the option ROM checks. 0, or an error with QEMU's message set
 * and fn freed.
 */
int pci_qdev_register(struct virt_build *b, struct hw_pci_bus *bus, const struct qdev *d,
		      struct hw_pci_fn *fn);
/* The bridges' reserve properties: 0 or -EINVAL with QEMU's message (nothing freed). */
int pci_bridge_reserve_check(struct virt_build *b, const struct qdev *d);

#define PCI_BRIDGE_RESERVE_PROPS \
	QDEV_UINT32("bus-reserve", UINT32_MAX, QDEV_NO_EFFECT), \
	QDEV_SIZE("io-reserve", UINT64_MAX, QDEV_NO_EFFECT), \
	QDEV_SIZE("mem-reserve", UINT64_MAX, QDEV_NO_EFFECT), \
	QDEV_SIZE("pref32-reserve", UINT64_MAX, QDEV_NO_EFFECT), \
	QDEV_SIZE("pref64-reserve", UINT64_MAX, QDEV_NO_EFFECT)

#endif
