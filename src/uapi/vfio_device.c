/*
 * The VFIO device file (anon_inode:[vfio-device]) of a device bound to
 * vfio-pci (drivers/vfio/pci/vfio_pci_core.c, 6.1). VFIO_DEVICE_GET_INFO is
 * answered as vfio-pci answers it, and so are GET_IRQ_INFO and
 * GET_REGION_INFO; pread and pwrite of the config region go through
 * vfio_pci_config.c. Not modelled yet: SET_IRQS, RESET, the hot-reset
 * ioctls, reads and writes of the BARs and the ROM; they return
 * -EOPNOTSUPP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include "uapi/vfio.h"
#include "uapi/vfio_pci_core.h"
#include "drivers/drivers.h"
#include "pci/pci.h"

/* pcie_reset_flr(dev, PCI_RESET_PROBE): Function Level Reset in Device Capabilities */
static bool flr_works(struct pci_dev *pdev)
{
	u32 cap;
	return pdev->pcie_cap && !pci_read_config_dword(pdev, pdev->pcie_cap + PCI_EXP_DEVCAP, &cap) &&
	       (cap & PCI_EXP_DEVCAP_FLR);
}

/* pci_pm_reset(dev, PCI_RESET_PROBE): a PM capability without No_Soft_Reset */
static bool pm_reset_works(struct pci_dev *pdev)
{
	u8 pm = pci_find_capability(pdev, PCI_CAP_ID_PM);
	u16 csr;
	u32 v;
	if (!pm || pci_read_config_dword(pdev, pm + PCI_PM_CTRL, &v))
		return false;
	csr = (u16)v;
	return !(csr & PCI_PM_CTRL_NO_SOFT_RESET);
}

/* pci_parent_bus_reset(dev, PCI_RESET_PROBE): alone below a bridge */
static bool bus_reset_works(struct pci_dev *pdev)
{
	if (pci_is_root_bus(pdev->bus) || pdev->subordinate || !pdev->bus->self)
		return false;
	for (size_t i = 0; i < pdev->bus->ndevices; i++)
		if (pdev->bus->devices[i] != pdev)
			return false;
	return true;
}

/* vdev->reset_works: pci_probe_reset_function() found a method */
static bool reset_works(struct device *dev)
{
	if (!dev_is_pci(dev))
		return false;
	struct pci_dev *pdev = to_pci_dev(dev);
	return flr_works(pdev) || pm_reset_works(pdev) || bus_reset_works(pdev);
}

static long get_info(struct vfio_device_file *df, struct vfio_device_info *arg)
{
	size_t minsz = offsetof(struct vfio_device_info, num_irqs) + sizeof(arg->num_irqs);
	if (!arg)
		return -EFAULT;
	struct vfio_device_info info;
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI;
	if (reset_works(df->dev))
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	/* the BARs, the ROM, config space and VGA; no device-specific regions */
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	memcpy(arg, &info, minsz);
	return 0;
}

/* vfio_pci_get_irq_count(): what the function's pin and capabilities offer */
static u32 irq_count(struct pci_dev *pdev, u32 index)
{
	u32 v;
	u8 pos;
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		/*
		 * an irq and a pin (CONFIG_VFIO_PCI_INTX); pci_device_probe()
		 * assigned the irq at the first probe (pci_assign_irq())
		 */
		if (pci_intx_irq(pdev) <= 0 || pci_read_config_dword(pdev, PCI_INTERRUPT_LINE, &v))
			return 0;
		return (v >> 8) & 0xff ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		pos = pci_find_capability(pdev, PCI_CAP_ID_MSI);
		if (!pos || pci_read_config_dword(pdev, pos, &v))
			return 0;
		return 1u << ((((v >> 16) & PCI_MSI_FLAGS_QMASK) >> 1));
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (!pdev->msix_cap || pci_read_config_dword(pdev, pdev->msix_cap, &v))
			return 0;
		return ((v >> 16) & PCI_MSIX_FLAGS_QSIZE) + 1;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

static long get_irq_info(struct vfio_device_file *df, struct vfio_irq_info *arg)
{
	size_t minsz = offsetof(struct vfio_irq_info, count) + sizeof(arg->count);
	if (!arg)
		return -EFAULT;
	struct vfio_irq_info info;
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	struct pci_dev *pdev = to_pci_dev(df->dev);
	/* the error interrupt is PCIe's (AER) */
	if (info.index == VFIO_PCI_ERR_IRQ_INDEX && !pci_is_pcie(pdev))
		return -EINVAL;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = irq_count(pdev, info.index);
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	memcpy(arg, &info, minsz);
	return 0;
}

/* vfio_pci_priv.h: each region's window in the device file */
#define VFIO_PCI_OFFSET_SHIFT 40
#define VFIO_PCI_INDEX_TO_OFFSET(index) ((u64)(index) << VFIO_PCI_OFFSET_SHIFT)

/* the MMU's page size of the reference kernel (arm64, 4K pages) */
#define VFIO_PCI_PAGE_SIZE 4096u

/*
 * vfio_pci_probe_mmaps(): a memory BAR of a page or more can be mmapped.
 * A smaller one only when the kernel placed it at a page boundary, which
 * depends on BAR assignment the model does not do: counted as not.
 */
static bool bar_mmap_supported(const struct pci_dev *pdev, unsigned bar)
{
	return pdev->bar[bar] == PCI_BAR_MEM && pdev->bar_len[bar] >= VFIO_PCI_PAGE_SIZE;
}

/* vdev->msix_bar (vfio_pci_core_enable()): the MSI-X table's BIR, or none */
static unsigned msix_bar(struct pci_dev *pdev)
{
	u32 table;
	if (!pdev->msix_cap || pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table))
		return 0xff;
	return table & PCI_MSIX_TABLE_BIR;
}

/*
 * pci_map_rom() finds an image: the model's ROMs are ipxe-qemu's files,
 * which start with the 0x55aa signature, so a sized ROM maps.
 */
static bool rom_maps(const struct pci_dev *pdev)
{
	return pdev->rom_len != 0;
}

/*
 * vfio_pci_ioctl_get_region_info(): the config space, the six BARs as the
 * kernel sized them (an absent BAR and a 64-bit BAR's upper half: size 0,
 * no flags), the ROM (read-only, when there is one) and VGA (these devices
 * have none: EINVAL); vfio-pci registers no device-specific regions here.
 * The BAR holding the MSI-X table carries VFIO_REGION_INFO_CAP_MSIX_MAPPABLE
 * when it can be mmapped (6.1 adds it on every platform).
 */
static long get_region_info(struct vfio_device_file *df, struct vfio_region_info *arg)
{
	size_t minsz = offsetof(struct vfio_region_info, offset) + sizeof(arg->offset);
	if (!arg)
		return -EFAULT;
	struct vfio_region_info info;
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return -EINVAL;
	struct pci_dev *pdev = to_pci_dev(df->dev);
	struct vfio_info_cap_header msix_mappable = {
		.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
		.version = 1,
	};
	u32 caps_size = 0;
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
		info.size = pdev->cfg_size;
		info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
		info.size = pdev->bar_len[info.index];
		if (!info.size) {
			info.flags = 0;
			break;
		}
		info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		if (bar_mmap_supported(pdev, info.index)) {
			info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
			if (info.index == df->vdev->msix_bar)
				caps_size = sizeof(msix_mappable);
		}
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
		info.flags = 0;
		/* the BAR's size, not the image's */
		info.size = pdev->rom_len;
		if (!info.size)
			break;
		if (rom_maps(pdev))
			info.flags = VFIO_REGION_INFO_FLAG_READ;
		else
			info.size = 0;
		break;
	default:
		/* VGA (vdev->has_vga is false for these functions) and beyond */
		return -EINVAL;
	}
	if (caps_size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps_size) {
			info.argsz = sizeof(info) + caps_size;
			info.cap_offset = 0;
		} else {
			/* the chain follows the struct; the last header's next stays 0 */
			memcpy(arg + 1, &msix_mappable, sizeof(msix_mappable));
			info.cap_offset = sizeof(*arg);
		}
	}
	memcpy(arg, &info, minsz);
	return 0;
}

ssize_t vfio_device_rw(struct vfio_device_file *df, void *buf, size_t count, u64 off, bool write)
{
	u64 index = off >> VFIO_PCI_OFFSET_SHIFT;
	u64 pos = off & ((1ULL << VFIO_PCI_OFFSET_SHIFT) - 1);
	/* vfio-pci registers no device-specific regions for these functions */
	if (index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return vfio_pci_config_rw(df->vdev, buf, count, pos, write);
	case VFIO_PCI_ROM_REGION_INDEX:
		return write ? -EINVAL : -EOPNOTSUPP;
	case VFIO_PCI_VGA_REGION_INDEX:
		/* vfio_pci_vga_rw(): no VGA */
		return -EINVAL;
	default:
		return -EOPNOTSUPP;
	}
}

long vfio_device_ioctl(struct vfio_device_file *df, unsigned long cmd, void *arg)
{
	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return get_info(df, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return get_irq_info(df, arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return get_region_info(df, arg);
	case VFIO_DEVICE_SET_IRQS:
	case VFIO_DEVICE_RESET:
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
	case VFIO_DEVICE_PCI_HOT_RESET:
	case VFIO_DEVICE_IOEVENTFD:
	case VFIO_DEVICE_FEATURE:
		return -EOPNOTSUPP;
	default:
		return -ENOTTY;
	}
}

/* the vfio_pci_core_device of another open file of the same device, or NULL */
static struct vfio_pci_core_device *open_vdev(struct kernel *k, const struct vfio_device_file *df)
{
	struct uapi_state *st = k->uapi;
	for (int fd = 0; st && fd < UAPI_MAX_FDS; fd++) {
		const struct uapi_file *f = st->fds[fd];
		if (f && f->kind == UAPI_FILE_VFIO_DEVICE && f->device != df && f->device->dev == df->dev)
			return f->device->vdev;
	}
	return NULL;
}

/*
 * vfio_pci_open_device() -> vfio_pci_core_enable() at the first open:
 * pci_enable_device() ("enabling device (0000 -> 0003)" for a function no
 * driver enabled before) and the virtual config space. Not modelled: the
 * function reset it tries, the saved state, INTx masking and the power state.
 */
int vfio_device_open(struct kernel *k, struct vfio_device_file *df)
{
	struct vfio_pci_core_device *vdev = open_vdev(k, df);
	if (vdev) {
		vdev->open_count++;
		df->vdev = vdev;
		return 0;
	}
	vdev = calloc(1, sizeof(*vdev));
	if (!vdev)
		return -ENOMEM;
	vdev->pdev = to_pci_dev(df->dev);
	vdev->open_count = 1;
	vdev->msix_bar = (u8)msix_bar(vdev->pdev);
	pci_enable_device(vdev->pdev);
	int ret = vfio_config_init(vdev);
	if (ret) {
		pci_disable_device(vdev->pdev);
		free(vdev);
		return ret;
	}
	df->vdev = vdev;
	return 0;
}

/* vfio_pci_core_disable() at the last close: bus mastering off, the device disabled */
static void vfio_device_close(struct vfio_device_file *df)
{
	struct vfio_pci_core_device *vdev = df->vdev;
	if (--vdev->open_count)
		return;
	vfio_config_free(vdev);
	pci_clear_master(vdev->pdev);
	pci_disable_device(vdev->pdev);
	free(vdev);
}

void vfio_device_release(struct vfio_device_file *df)
{
	struct vfio_group *g = df->group;
	vfio_device_close(df);
	g->container_users--;
	struct uapi_file *gf = g->opened_file;
	if (df->module)
		module_put(g->k, df->module);
	free(df);
	uapi_file_put(g->k, gf);
}
