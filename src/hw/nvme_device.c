/*
 * QEMU 7.2's "nvme" device type (hw/nvme/ctrl.c nvme_props, nvme_realize):
 * its properties and the PCI function it makes: Red Hat 1b36:0010, class
 * 0x010802, revision 2, INTA, a PCIe endpoint capability (a root complex
 * integrated endpoint on pcie.0), MSI-X with msix_qsize vectors in BAR0
 * (none when the interrupt controller takes no MSIs), and the legacy
 * namespace over drive=. hw/nvme_dev.c is the controller the board
 * realizes from it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "hw/nvme_dev.h"
#include "hw/nvme_hw_version.h"
#include "hw/pci_caps.h"
#include "hw/pci_msix.h"
#include "hw/pci_qdev.h"
#include "hw/pci_type_layouts.h"
#include "hw/qdev_types.h"
#include "hw/blkconf.h"

#define NVME_PM_CAP 0x60
#define NVME_PCIE_CAP 0x80

static const struct qdev_prop nvme_props[] = {
	/* I/O accounting of the QEMU block layer */
	QDEV_ON_OFF_AUTO("account-failed", QDEV_AUTO, QDEV_NO_EFFECT),
	QDEV_ON_OFF_AUTO("account-invalid", QDEV_AUTO, QDEV_NO_EFFECT),
	QDEV_UINT32("aer_max_queued", 64, QDEV_NO_EFFECT),
	QDEV_UINT8("aerl", 3, QDEV_MODELLED),
	/* block sizes probed from a host device: not modelled */
	QDEV_ON_OFF_AUTO("backend_defaults", QDEV_AUTO, QDEV_DEFAULT_ONLY),
	/* firmware boot order */
	{ .name = "bootindex", .kind = QDEV_PROP_INT32, .type = "int32", .effect = QDEV_NO_EFFECT },
	/* a controller memory buffer: not modelled */
	QDEV_UINT32("cmb_size_mb", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT("discard_granularity", QDEV_PROP_SIZE, "size", UINT32_MAX, QDEV_NO_EFFECT),
	{ .name = "drive", .kind = QDEV_PROP_STR, .type = "str",
	  .desc = "Node name or ID of a block device to use as a backend", .effect = QDEV_MODELLED },
	QDEV_BOOL("ioeventfd", false, QDEV_NO_EFFECT),
	BLKCONF_BLOCKSIZE_PROP("logical_block_size", QDEV_MODELLED),
	QDEV_UINT32("max_ioqpairs", 64, QDEV_MODELLED),
	QDEV_UINT8("mdts", 7, QDEV_MODELLED),
	QDEV_UINT("min_io_size", QDEV_PROP_SIZE, "size", 0, QDEV_NO_EFFECT),
	/* the MSI-X table in a BAR of its own: not modelled */
	QDEV_BOOL("msix-exclusive-bar", false, QDEV_DEFAULT_ONLY),
	QDEV_UINT16("msix_qsize", 65, QDEV_MODELLED),
	/* deprecated: max_ioqpairs = num_queues - 1 when set */
	QDEV_UINT32("num_queues", 0, QDEV_MODELLED),
	QDEV_UINT("opt_io_size", QDEV_PROP_SIZE, "size", 0, QDEV_NO_EFFECT),
	{ .name = "physical_block_size", .kind = QDEV_PROP_BLOCKSIZE, .type = "size",
	  .desc = "A power of two between 512 B and 2 MiB", .has_default = true, .def.u = 0,
	  .effect = QDEV_NO_EFFECT },
	/* a persistent memory region backend: not modelled */
	QDEV_LINK("pmrdev", "link<memory-backend>", "memory-backend", QDEV_DEFAULT_ONLY),
	QDEV_STR("serial", QDEV_MODELLED),
	QDEV_BOOL("share-rw", false, QDEV_NO_EFFECT),
	/* the SMART log's critical warning bits: no log page Linux reads at boot shows them */
	{ .name = "smart_critical_warning", .kind = QDEV_PROP_UINT8, .type = "uint8", .effect = QDEV_NO_EFFECT },
	/* SR-IOV: not modelled */
	QDEV_UINT8("sriov_max_vfs", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT8("sriov_max_vi_per_vf", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT8("sriov_max_vq_per_vf", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT16("sriov_vi_flexible", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT16("sriov_vq_flexible", 0, QDEV_DEFAULT_ONLY),
	/* an nvme-subsys: not modelled */
	QDEV_LINK("subsys", "link<nvme-subsys>", "nvme-subsys", QDEV_DEFAULT_ONLY),
	/* the Intel 8086:5845 identity instead of Red Hat's: not modelled */
	QDEV_BOOL("use-intel-id", false, QDEV_DEFAULT_ONLY),
	QDEV_UINT8("vsl", 7, QDEV_NO_EFFECT),
	QDEV_ON_OFF_AUTO("write-cache", QDEV_AUTO, QDEV_DEFAULT_ONLY),
	QDEV_BOOL("zoned.auto_transition", true, QDEV_NO_EFFECT),
	QDEV_UINT8("zoned.zasl", 0, QDEV_NO_EFFECT),
};

/* nvme_check_params() and the legacy namespace's setup: the controller's properties */
static int nvme_props_from(struct virt_build *b, const struct qdev *d, struct nvme_hw_props *p)
{
	const char *serial = qdev_str(d, "serial");
	const char *drive = qdev_str(d, "drive");
	u64 nq = qdev_uint(d, "num_queues");
	u64 lbs = qdev_uint(d, "logical_block_size");
	char msg[160];
	int ret;

	memset(p, 0, sizeof(*p));
	p->serial = serial;
	p->max_ioqpairs = (u32)qdev_uint(d, "max_ioqpairs");
	/* num_queues (deprecated since 5.1) counts the admin queue too */
	if (nq)
		p->max_ioqpairs = (u32)nq - 1;
	p->msix_qsize = (u16)qdev_uint(d, "msix_qsize");
	p->mdts = (u8)qdev_uint(d, "mdts");
	p->aerl = (u8)qdev_uint(d, "aerl");
	p->logical_block_size = lbs ? (u32)lbs : BDRV_SECTOR_SIZE;
	if (nvme_hw_check_props(p, msg, sizeof(msg)))
		return virt_fail(b, "%s", msg);
	ret = blkconf_blocksizes(b, d);
	if (ret)
		return ret;
	if (drive) {
		struct virt_disk disk;
		ret = virt_claim_drive(b, "nvme", drive, &disk);
		if (ret)
			return ret;
		if (!disk.file)
			return virt_fail(b, "could not get blockdev size: No medium found");
		p->drive_file = disk.file;
		p->drive_readonly = disk.readonly;
		p->drive_snapshot = disk.snapshot;
	}
	return 0;
}

static int nvme_realize(struct virt_build *b, struct qdev *d)
{
	struct hw_pci_bus *bus = virt_pci_bus_of(b, d);
	struct nvme_hw_props p, *saved;
	struct hw_pci_fn *fn;
	int ret;

	if (!bus)
		return -EINVAL;
	ret = nvme_props_from(b, d, &p);
	if (ret)
		return ret;
	fn = pci_qdev_endpoint_fn_new(d, PCI_VENDOR_ID_REDHAT, NVME_PCI_DEVICE, NVME_PCI_CLASS);
	saved = fn ? nvme_hw_props_dup(&p) : NULL;
	if (!saved) {
		virt_pci_fn_free(fn);
		return -ENOMEM;
	}
	fn->nvme = saved;
	fn->revision = NVME_PCI_REVISION;
	fn->intx_pin = 1;
	/* pcie_endpoint_cap_init(): integrated in the root complex when on the root bus */
	fn->pcie_type = bus->is_express && bus->is_root ? HW_PCIE_RC_END : HW_PCIE_ENDPOINT;
	/* msix_init() fails quietly without MSI support: the pin only */
	if (b->msi_nonbroken) {
		fn->msix = hw_msix_new(p.msix_qsize);
		if (!fn->msix) {
			virt_pci_fn_free(fn);
			return -ENOMEM;
		}
	}
	return pci_qdev_register(b, bus, d, fn);
}

/*
 * nvme_init_pci(): BAR0 (64-bit: registers, doorbells, MSI-X table and
 * PBA), power management at 0x60 (no soft reset), the PCIe endpoint at 0x80
 * (integrated in the root complex on pcie.0) with FLR, and MSI-X in the
 * first free place (0x40), each new capability heading the list.
 */
int nvme_layout(struct hw_pci_fn *fn, const struct hw_pci_board *board)
{
	if (!fn->nvme)
		return -EINVAL;
	int ret = hw_pci_layout_header(fn, fn->pcie_type != HW_PCIE_NONE);
	if (ret)
		return ret;
	ret = hw_pci_pm_init(fn, NVME_PM_CAP);
	if (ret >= 0) {
		hw_pci_set(fn->config, NVME_PM_CAP + PCI_PM_CTRL, 2, PCI_PM_CTRL_NO_SOFT_RESET);
		if (fn->pcie_type != HW_PCIE_NONE) {
			ret = hw_pcie_endpoint_cap_init(fn, NVME_PCIE_CAP);
			if (ret >= 0)
				hw_pcie_cap_flr_init(fn);
		}
	}
	u64 bar = nvme_hw_bar0_size(fn->nvme);
	u32 table = (u32)ALIGN_UP(NVME_REG_DBS + 2ull * 4 * (fn->nvme->max_ioqpairs + 1), 4096);
	u32 pba = (u32)ALIGN_UP(table + (u64)fn->nvme->msix_qsize * 16, 4096);
	if (ret >= 0 && fn->msix)
		ret = hw_msix_cap_init(fn, 0, fn->msix->nentries, 0, table, 0, pba);
	if (ret >= 0 && fn->pcie_type != HW_PCIE_NONE && board && board->nvme && board->nvme->pcie_deverr)
		hw_pcie_cap_deverr_init(fn);
	if (ret >= 0)
		ret = hw_pci_register_bar(fn, 0, PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64, bar);
	return ret < 0 ? ret : 0;
}

const struct hw_device_type nvme_type = {
	.name = "nvme",
	.parent = &pci_device_type,
	.bus = "PCI",
	.desc = "Non-Volatile Memory Express",
	.categories = 1u << QDEV_CAT_STORAGE,
	QDEV_PROPS(nvme_props),
	.realize = nvme_realize,
};
