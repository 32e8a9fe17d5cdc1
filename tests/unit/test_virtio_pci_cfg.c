/*
 * QEMU 7.2's virtio-pci config-space side: the PCI configuration access
 * window (VIRTIO_PCI_CAP_PCI_CFG) reaching the modern BAR's registers, and
 * Bus Master Enable taking DRIVER_OK away, through setpci-like writes.
 */
#include <linux/pci_regs.h>
#include "boot_util.h"
#include "hw/pci_config.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

#define VNET_RP "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		"-device virtio-net-pci,bus=rp1"
#define DEV "0000:01:00.0"

static u32 cfg(struct iommusim *sim, unsigned off, unsigned size)
{
	uint32_t v = 0;
	cr_assert_eq(iommusim_pci_config_read(sim, DEV, off, size, &v), 0);
	return v;
}

static void cfg_write(struct iommusim *sim, unsigned off, unsigned size, u32 val)
{
	cr_assert_eq(iommusim_pci_config_write(sim, DEV, off, size, val), 0);
}

/* the vendor capability of cfg_type 5 */
static unsigned window(struct iommusim *sim)
{
	for (unsigned pos = cfg(sim, PCI_CAPABILITY_LIST, 1); pos; pos = cfg(sim, pos + 1, 1))
		if (cfg(sim, pos, 1) == PCI_CAP_ID_VNDR && cfg(sim, pos + 3, 1) == 5)
			return pos;
	cr_assert_fail("no PCI_CFG capability");
	return 0;
}

static struct vdev_hw *vdev(struct iommusim *sim)
{
	const struct hw_pci_fn *fn = pdev_of(sim, DEV)->hw;
	return hw_virtio_device(sim->k->hw, fn->virtio);
}

Test(virtio_pci_cfg, the_window_reads_and_writes_the_device_status)
{
	struct iommusim *sim = boot_ok(VNET_RP);
	struct vdev_hw *v = vdev(sim);
	unsigned w = window(sim);
	u8 status = v->status;
	cr_assert(status & VDEV_S_DRIVER_OK);
	/* common configuration's device_status: offset 0x14, one byte */
	cfg_write(sim, w + 8, 4, 0x14);
	cfg_write(sim, w + 12, 4, 1);
	cr_assert_eq(cfg(sim, w + 16, 1), status);
	/* num_queues: two bytes at 0x12 */
	cfg_write(sim, w + 8, 4, 0x12);
	cfg_write(sim, w + 12, 4, 2);
	cr_assert_eq(cfg(sim, w + 16, 2), v->nqueues);
	/* a write of 0 to device_status resets the device */
	cfg_write(sim, w + 8, 4, 0x14);
	cfg_write(sim, w + 12, 4, 1);
	cfg_write(sim, w + 16, 1, 0);
	cr_assert_eq(v->status, 0);
	cfg_write(sim, w + 16, 1, 1);
	cr_assert_eq(v->status, 1);
	/* a length other than 1, 2 or 4 reaches nothing */
	cfg_write(sim, w + 12, 4, 3);
	cfg_write(sim, w + 16, 1, 0);
	cr_assert_eq(v->status, 1);
	iommusim_free(sim);
}

Test(virtio_pci_cfg, clearing_bus_master_takes_driver_ok_away)
{
	struct iommusim *sim = boot_ok(VNET_RP);
	struct vdev_hw *v = vdev(sim);
	u8 status = v->status;
	cr_assert(status & VDEV_S_DRIVER_OK);
	u16 cmd = (u16)cfg(sim, PCI_COMMAND, 2);
	/* another bit: nothing */
	cfg_write(sim, PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	cr_assert_eq(v->status, status);
	cfg_write(sim, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MASTER);
	cr_assert_eq(v->status, status & ~VDEV_S_DRIVER_OK);
	iommusim_free(sim);
}
