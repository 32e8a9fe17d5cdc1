/*
 * The VFIO device file (anon_inode:[vfio-device]) of a device bound to
 * vfio-pci (drivers/vfio/pci/vfio_pci_core.c, 6.1). VFIO_DEVICE_GET_INFO is
 * answered as vfio-pci answers it. Not modelled yet: GET_REGION_INFO,
 * GET_IRQ_INFO, SET_IRQS, RESET, the hot-reset ioctls and the regions'
 * pread/pwrite (they need vfio-pci's config-space virtualisation over the
 * device's real registers); they return -EOPNOTSUPP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include "uapi/vfio.h"
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

long vfio_device_ioctl(struct vfio_device_file *df, unsigned long cmd, void *arg)
{
	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return get_info(df, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return get_irq_info(df, arg);
	case VFIO_DEVICE_GET_REGION_INFO:
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

void vfio_device_release(struct vfio_device_file *df)
{
	struct vfio_group *g = df->group;
	g->container_users--;
	struct uapi_file *gf = g->opened_file;
	if (df->module)
		module_put(g->k, df->module);
	free(df);
	uapi_file_put(g->k, gf);
}
