/*
 * QEMU's abstract PCIe ports (hw/pci/pcie_port.c): "pcie-port", the port
 * number and AER log of every PCIe port, and "pcie-slot", a port with a
 * slot (root and downstream ports): chassis, slot number, hotplug.
 */
#include "hw/qdev_types.h"

static const struct qdev_prop pcie_port_props[] = {
	QDEV_UINT16("aer_log_max", 8, QDEV_NO_EFFECT),
	/* the Link Capabilities' port number: nothing the model answers reads it */
	QDEV_UINT8("port", 0, QDEV_NO_EFFECT),
};

const struct hw_device_type pcie_port_type = {
	.name = "pcie-port",
	.parent = &pci_device_type,
	.abstract = true,
	.bus = "PCI",
	QDEV_PROPS(pcie_port_props),
};

static const struct qdev_prop pcie_slot_props[] = {
	QDEV_UINT8("chassis", 0, QDEV_MODELLED),
	QDEV_BOOL("hotplug", true, QDEV_MODELLED),
	QDEV_BIT("power_controller_present", true, QDEV_DEFAULT_ONLY),
	QDEV_UINT16("slot", 0, QDEV_MODELLED),
	QDEV_BOOL("x-native-hotplug", true, QDEV_DEFAULT_ONLY),
};

const struct hw_device_type pcie_slot_type = {
	.name = "pcie-slot",
	.parent = &pcie_port_type,
	.abstract = true,
	.bus = "PCI",
	QDEV_PROPS(pcie_slot_props),
};
