/*
 * The VFIO device file (anon_inode:[vfio-device]) of a device bound to
 * vfio-pci (drivers/vfio/pci/vfio_pci_core.c, 6.1). VFIO_DEVICE_GET_INFO is
 * answered as vfio-pci answers it, and so are GET_IRQ_INFO and
 * GET_REGION_INFO; pread and pwrite of the config region go through
 * vfio_pci_config.c; VFIO_DEVICE_RESET resets the function as 6.1 does.
 * VFIO_DEVICE_SET_IRQS is vfio_pci_intrs.c's.
 * Not modelled yet: the hot-reset ioctls, reads and writes of
 * the BARs and the ROM; they return -EOPNOTSUPP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include "drivers/irq.h"
#include "uapi/uapi_version.h"
#include "uapi/vfio.h"
#include "uapi/vfio_pci_core.h"
#include "drivers/drivers.h"
#include "drivers/drivers_version.h"
#include "kversion/linux_version.h"
#include "pci/pci.h"

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
	/* the reset at the first open worked */
	if (df->vdev->reset_works)
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	/* the BARs, the ROM, config space and VGA; no device-specific regions */
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	memcpy(arg, &info, minsz);
	return 0;
}

/* vfio_pci_get_irq_count(): what the function's pin and capabilities offer */
static u32 irq_count(struct pci_dev *pdev, u32 index, const struct uapi_version *uv)
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
		return uv->err_irq_any_function || pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

u32 vfio_pci_irq_count(struct pci_dev *pdev, u32 index)
{
	return irq_count(pdev, index, kernel_version(pdev->dev.k)->uapi);
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
	const struct uapi_version *uv = kernel_version(pdev->dev.k)->uapi;
	/* the error interrupt is PCIe's (AER) on 6.1 */
	if (info.index == VFIO_PCI_ERR_IRQ_INDEX && !uv->err_irq_any_function && !pci_is_pcie(pdev))
		return -EINVAL;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = irq_count(pdev, info.index, uv);
	bool dyn_msix = uv->dyn_msix && pdev->msix_cap && msi_parent_msix_alloc_dyn(pdev->dev.k);
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.index != VFIO_PCI_MSIX_IRQ_INDEX || !dyn_msix)
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
	/* a cdev's file before VFIO_DEVICE_BIND_IOMMUFD */
	if (!df->access_granted)
		return -EINVAL;
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

int vfio_pci_try_reset_function(struct pci_dev *pdev)
{
	/* pci_try_reset_function() gives up before saying anything without a reset method */
	bool warn = kernel_version(pdev->dev.k)->drivers->pci_reset_warns_without_reset_handlers &&
		    pdev->dev.driver && pdev->reset_methods[0];
	if (warn)
		dev_warn(&pdev->dev, "resetting\n");
	int rc = pci_try_reset_function(pdev);
	if (warn)
		dev_warn(&pdev->dev, "reset done\n");
	return rc;
}

/*
 * vfio_pci_ioctl_reset(): only a device whose reset worked at open (EINVAL
 * otherwise; the argument is not read), brought to D0, then
 * pci_try_reset_function(): its result. vconfig is left as it is: the
 * function's own registers come back from the state saved just before.
 */
static long ioctl_reset(struct vfio_device_file *df)
{
	struct vfio_pci_core_device *vdev = df->vdev;
	if (!vdev->reset_works)
		return -EINVAL;
	vfio_pci_set_power_state(vdev, PCI_D0);
	return vfio_pci_try_reset_function(vdev->pdev);
}

long vfio_device_ioctl(struct vfio_device_file *df, unsigned long cmd, void *arg)
{
	/* 7.3 with VFIO_DEVICE_CDEV: BIND first, nothing else before it, the cdev's own ioctls */
	bool handled;
	long ret = vfio_device_cdev_ioctl(df, cmd, arg, &handled);
	if (handled)
		return ret;
	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return get_info(df, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return get_irq_info(df, arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return get_region_info(df, arg);
	case VFIO_DEVICE_RESET:
		return ioctl_reset(df);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_pci_ioctl_set_irqs(df->vdev, arg);
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
 * pci_intx_mask_broken(), which 6.1 runs at enumeration: the command
 * register's INTx disable bit does not take a write (restored after).
 */
static bool pci_intx_mask_broken(struct pci_dev *pdev)
{
	u16 orig = 0, toggle, now = 0;
	pci_read_config_word(pdev, PCI_COMMAND, &orig);
	toggle = orig ^ PCI_COMMAND_INTX_DISABLE;
	pci_write_config_word(pdev, PCI_COMMAND, toggle);
	pci_read_config_word(pdev, PCI_COMMAND, &now);
	pci_write_config_word(pdev, PCI_COMMAND, orig);
	return now != toggle;
}

/*
 * vfio_pci_open_device() -> vfio_pci_core_enable() at the first open: bus
 * mastering off so that the saved state lacks it, pci_enable_device()
 * ("enabling device (0000 -> 0003)" for a function no driver enabled
 * before), pci_try_reset_function() (reset_works when it succeeds), the
 * state saved and a copy kept for the last close, INTx masking (pci_2_3)
 * and INTx enabled again, the virtual config space, the MSI-X BAR. The
 * runtime PM resume before is not modelled (the function is in D0).
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
	struct pci_dev *pdev = to_pci_dev(df->dev);
	vdev->pdev = pdev;
	vdev->open_count = 1;
	pci_clear_master(pdev);
	pci_enable_device(pdev);
	/* the model never contends for the device lock: no -EAGAIN to give up on */
	vdev->reset_works = !vfio_pci_try_reset_function(pdev);
	pci_save_state(pdev);
	/* NULL without memory: 6.1 only says so at debug level */
	vdev->pci_saved_state = pci_store_saved_state(pdev);
	/* vfio_pci_nointx() lists i40e and X550 NICs only, which QEMU does not model */
	vdev->pci_2_3 = !pci_intx_mask_broken(pdev);
	u16 cmd = 0;
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (vdev->pci_2_3 && (cmd & PCI_COMMAND_INTX_DISABLE))
		pci_write_config_word(pdev, PCI_COMMAND, cmd & (u16)~PCI_COMMAND_INTX_DISABLE);
	int ret = vfio_config_init(vdev);
	if (ret) {
		free(vdev->pci_saved_state);
		pci_disable_device(pdev);
		free(vdev);
		return ret;
	}
	vdev->msix_bar = (u8)msix_bar(pdev);
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	df->vdev = vdev;
	return 0;
}

/*
 * vfio_pci_core_disable() at the last close: D0, bus mastering off, the
 * virtual config space gone; the state saved at open loaded back
 * ("vfio_pci_core_disable: Couldn't reload saved state" when it does not
 * fit, and without a working reset nothing more), INTx disabled, the
 * function reset when that worked at open, the state restored, the
 * function disabled. vfio_pci_dev_set_try_reset()'s bus reset of a device
 * set whose functions all still need one is not modelled.
 */
void vfio_device_close(struct vfio_device_file *df)
{
	struct vfio_pci_core_device *vdev = df->vdev;
	if (--vdev->open_count)
		return;
	struct pci_dev *pdev = vdev->pdev;
	/* back to D0, with the state saved into D3hot restored */
	vfio_pci_set_power_state(vdev, PCI_D0);
	pci_clear_master(pdev);
	/* the interrupts the user left enabled (vfio_pci_set_irqs_ioctl(... count 0)), then the triggers */
	vfio_pci_irqs_release(vdev);
	vdev->virq_disabled = false;
	vfio_config_free(vdev);
	if (pci_load_and_free_saved_state(pdev, &vdev->pci_saved_state)) {
		dev_info(&pdev->dev, "vfio_pci_core_disable: Couldn't reload saved state\n");
		if (!vdev->reset_works)
			goto out;
		pci_save_state(pdev);
	}
	pci_write_config_word(pdev, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
	if (vdev->reset_works)
		__pci_reset_function_locked(pdev);
	pci_restore_state(pdev);
out:
	pci_disable_device(pdev);
	free(vdev->pm_save);
	free(vdev);
}

void vfio_device_release(struct vfio_device_file *df)
{
	struct vfio_group *g = df->group;
	/* a cdev's file: unbound, if it was (its registration reference is not modelled) */
	if (!g) {
		vfio_df_unbind_iommufd(df);
		free(df);
		return;
	}
	vfio_device_close(df);
	g->container_users--;
	struct uapi_file *gf = g->opened_file;
	if (df->module)
		module_put(g->k, df->module);
	free(df);
	uapi_file_put(g->k, gf);
}
