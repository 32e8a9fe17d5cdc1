/*
 * The PCI hardware a machine exposes: each function's description (what its
 * QEMU type and properties make of it) and how buses hang below bridges.
 * Built by the machine builder. The description's register fields (IDs,
 * class, header type, PCIe type, ACS bits, pin, chassis, slot...) are read
 * only by the config builder (hw/pci_layout.h), which makes the function's
 * config space (hw/pci_config.h) when the board realizes; the kernel sees
 * that config space alone, through the host's ECAM (hw/pci_host.h), and
 * programs the bridges' bus-number registers there, which the hardware
 * reads back to route config cycles and form requester IDs (hw/pci_rid.h).
 */
#ifndef IOMMUSIM_MACHINE_HW_PCI_H
#define IOMMUSIM_MACHINE_HW_PCI_H

#include "base/bits.h"

/* PCIe capability device/port type (PCI_EXP_FLAGS_TYPE), or none. */
enum hw_pcie_type {
	HW_PCIE_NONE = -1,		/* conventional PCI: no PCIe capability */
	HW_PCIE_ENDPOINT = 0x0,
	HW_PCIE_LEG_END = 0x1,
	HW_PCIE_ROOT_PORT = 0x4,
	HW_PCIE_UPSTREAM = 0x5,
	HW_PCIE_DOWNSTREAM = 0x6,
	HW_PCIE_PCI_BRIDGE = 0x7,	/* PCIe-to-PCI bridge (pcie-pci-bridge) */
	HW_PCIE_PCIE_BRIDGE = 0x8,	/* PCI-to-PCIe bridge */
	HW_PCIE_RC_END = 0x9,		/* root complex integrated endpoint */
	HW_PCIE_RC_EC = 0xa,
};

/* virtio personality of a virtio-*-pci or virtio-*-device (virtio-mmio) */
enum hw_virtio_id {
	HW_VIRTIO_NONE = 0,
	HW_VIRTIO_NET = 1,
	HW_VIRTIO_BLK = 2,
	HW_VIRTIO_RNG = 4,
	HW_VIRTIO_SCSI = 8,
};

struct virtio_scsi_conf;	/* hw/virtio_scsi_dev.h */

struct hw_virtio {
	enum hw_virtio_id id;
	bool legacy;		/* offers the legacy (0.9.5) interface */
	bool modern;		/* offers the virtio 1.0 interface */
	bool iommu_platform;	/* offers VIRTIO_F_ACCESS_PLATFORM */
	bool no_queue_reset;	/* queue_reset=off (virt-7.1 and older): no VIRTIO_F_RING_RESET */
	u64 features_off;	/* feature bits a property turns off (event_idx=off, discard=off, ...) */
	bool write_cache_off;	/* virtio-blk write-cache=off: config wce 0 */
	const char *drive_file;	/* virtio-blk: -drive file= (NULL: no medium) */
	bool drive_readonly;
	bool drive_snapshot;	/* snapshot=on / -snapshot: writes never reach the file */
	const char *netdev;	/* virtio-net: netdev id */
	u32 num_queues;		/* virtio-blk num-queues */
	u32 seg_max;		/* virtio-blk config seg_max */
	/* virtio-blk logical_block_size, physical_block_size, min_io_size, opt_io_size (bytes; 0: 512, 512, 0, 0) */
	u32 logical_block_size, physical_block_size, min_io_size, opt_io_size;
	u32 queue_size;		/* virtqueue size (QEMU default 256) */
	u32 mmio_intid;		/* virtio-mmio: GIC INTID of the transport's wired line */
	struct virtio_scsi_conf *scsi;	/* virtio-scsi: its properties and the scsi-hd devices on its bus */
	struct hw_pci_fn *pci_proxy;	/* virtio-pci: the function that carries it */
};

struct hw_pci_bus;
struct hw_msix;			/* hw/pci_msix.h */
struct hw_pci_config;		/* hw/pci_config.h */
struct nvme_hw_props;		/* hw/nvme_dev.h */

struct hw_pci_fn {
	u8 devfn;
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device;
	u8 revision;
	u32 class;			/* 24-bit class code, e.g. 0x060400 */
	u8 header_type;			/* 0 normal, 1 bridge (bit 7 not included) */
	bool multifunction;		/* header type bit 7, on function 0 */
	enum hw_pcie_type pcie_type;
	bool has_acs;			/* ACS extended capability present */
	u16 acs_cap;			/* its capability bits (PCI_ACS_SV|TB|RR|CR|UF...) */
	bool hotplug_slot;		/* PCIe slot capable of hotplug (root/downstream ports) */
	bool shpc;			/* bridge with a standard hotplug controller (pci-bridge, pcie-pci-bridge) */
	u8 chassis;			/* root port chassis= / pci-bridge chassis_nr= */
	u16 slot;			/* root port physical slot= */
	struct hw_pci_bus *secondary;	/* bridges: the bus behind */
	const char *qemu_driver;	/* "virtio-blk-pci", "pcie-root-port", ... */
	const char *qemu_id;		/* id= or NULL */
	struct hw_virtio *virtio;	/* virtio personality or NULL */
	struct nvme_hw_props *nvme;	/* nvme: the controller's properties, or NULL */
	struct hw_pci_bus *bus;		/* the bus it sits on */
	u8 intx_pin;			/* PCI_INTERRUPT_PIN: 1..4 for INTA..INTD, 0 none */
	struct hw_msix *msix;		/* the MSI-X table and PBA (BAR contents), or NULL */
	u32 rom_size;			/* the expansion ROM BAR (pci_add_option_rom), 0: none */
	/*
	 * PCIERootPortClass's aer_vector: the Advanced Error Interrupt Message
	 * Number rp_write_config() puts in Root Error Status after every config
	 * write (from the MSI vectors the guest enabled); NULL: left 0
	 */
	u8 (*aer_vector)(const struct hw_pci_fn *fn);
	u8 macaddr[6];			/* a NIC's MAC address (e1000e's serial number is made from it) */
	/*
	 * The config space the kernel reads and writes (NULL until the board
	 * realizes; owned by the board, hw_system_free releases it). Everything
	 * above but the tree links, qemu_driver/qemu_id, virtio and msix is
	 * description, read only by the config builder.
	 */
	struct hw_pci_config *config;
};

struct hw_pci_bus {
	bool is_express;		/* PCIe bus (root bus of pcie.0, or below a PCIe port) */
	bool is_root;
	const char *qemu_id;		/* "pcie.0" or the bridge's id */
	struct hw_pci_fn *bridge;	/* NULL on the root bus */
	struct hw_pci_fn *fn[256];	/* by devfn */
	u32 intx_intid;			/* root bus: GIC INTID of the host bridge's INTA line */
};

#endif
