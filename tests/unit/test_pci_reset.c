/*
 * QEMU 7.2's PCI resets on the hardware side: an FLR written to Device
 * Control (virtio-pci behind a port, nvme, the XIO3130 ports), a bridge's
 * Secondary Bus Reset, and PM state writes (which reset nothing on 7.2),
 * driven through iommusim_pci_config_write() as setpci would.
 */
#include <linux/pci_regs.h>
#include "boot_util.h"
#include "hw/nvme_dev.h"
#include "hw/pci_config.h"
#include "hw/pci_msix.h"
#include "hw/pci_reset.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

#define VNET_RP "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		"-device virtio-net-pci,bus=rp1"
#define E1000E_RP "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		  "-device e1000e,bus=rp1"
#define NVME_RP "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		"-drive if=none,id=nv,file=null-co://,format=raw -device nvme,drive=nv,serial=x,bus=rp1"
#define SWITCH "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	       "-device x3130-upstream,id=up1,bus=rp1 " \
	       "-device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=0 -device virtio-net-pci,bus=dn1"

static u32 cfg(struct iommusim *sim, const char *dev, unsigned off, unsigned size)
{
	uint32_t v = 0;
	cr_assert_eq(iommusim_pci_config_read(sim, dev, off, size, &v), 0, "read %s at %#x", dev, off);
	return v;
}

static void cfg_write(struct iommusim *sim, const char *dev, unsigned off, unsigned size, u32 val)
{
	cr_assert_eq(iommusim_pci_config_write(sim, dev, off, size, val), 0, "write %s at %#x", dev, off);
}

static struct hw_pci_fn *hw_fn(struct iommusim *sim, const char *dev)
{
	return (struct hw_pci_fn *)pdev_of(sim, dev)->hw;
}

static struct vdev_hw *vdev_of(struct iommusim *sim, const char *dev)
{
	struct vdev_hw *v = hw_virtio_device(sim->k->hw, hw_fn(sim, dev)->virtio);
	cr_assert_not_null(v);
	return v;
}

/* Initiate Function Level Reset, as pcie_flr() sets it */
static void flr(struct iommusim *sim, const char *dev)
{
	unsigned exp = pdev_of(sim, dev)->pcie_cap;
	cr_assert_neq(exp, 0);
	cfg_write(sim, dev, exp + PCI_EXP_DEVCTL, 2, cfg(sim, dev, exp + PCI_EXP_DEVCTL, 2) | PCI_EXP_DEVCTL_BCR_FLR);
}

Test(pci_reset, flr_resets_a_virtio_function_and_its_config_space)
{
	struct iommusim *sim = boot_ok(VNET_RP);
	const char *dev = "0000:01:00.0";
	struct pci_dev *p = pdev_of(sim, dev);
	struct vdev_hw *v = vdev_of(sim, dev);
	/* virtio-pci drove it: status DRIVER_OK, MSI-X on, memory decode and bus mastering */
	cr_assert(v->status & VDEV_S_DRIVER_OK);
	cr_assert(cfg(sim, dev, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);
	cr_assert(cfg(sim, dev, p->msix_cap + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_ENABLE);
	cr_assert(cfg(sim, dev, p->pcie_cap + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
	cfg_write(sim, dev, PCI_BASE_ADDRESS_1, 4, 0x10040000);
	cfg_write(sim, dev, PCI_CACHE_LINE_SIZE, 1, 0x10);
	cfg_write(sim, dev, PCI_INTERRUPT_LINE, 1, 0x2a);
	/* error reporting enables, which the reset clears, and the payload size, which it keeps */
	u16 devctl = (u16)cfg(sim, dev, p->pcie_cap + PCI_EXP_DEVCTL, 2);
	cfg_write(sim, dev, p->pcie_cap + PCI_EXP_DEVCTL, 2, devctl | PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_URRE);
	cr_assert(cfg(sim, dev, p->pcie_cap + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_CERE);
	u32 bar4_type = cfg(sim, dev, PCI_BASE_ADDRESS_4, 4) & 0xf;

	flr(sim, dev);

	cr_assert_eq(v->status, 0, "virtio status %#x after FLR", v->status);
	cr_assert_eq(v->guest_features, 0);
	cr_assert_eq(v->vq[0].ready, false);
	cr_assert_eq(cfg(sim, dev, PCI_COMMAND, 2), 0);
	cr_assert_eq(cfg(sim, dev, PCI_BASE_ADDRESS_1, 4), 0);
	cr_assert_eq(cfg(sim, dev, PCI_BASE_ADDRESS_4, 4), bar4_type);
	cr_assert_eq(cfg(sim, dev, PCI_BASE_ADDRESS_5, 4), 0);
	cr_assert_eq(cfg(sim, dev, PCI_CACHE_LINE_SIZE, 1), 0);
	cr_assert_eq(cfg(sim, dev, PCI_INTERRUPT_LINE, 1), 0);
	cr_assert_eq(cfg(sim, dev, p->msix_cap + PCI_MSIX_FLAGS, 2) & (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL), 0);
	struct hw_msix *m = hw_fn(sim, dev)->msix;
	cr_assert_not(hw_msix_enabled(m));
	cr_assert(hw_msix_entry_masked(m, 0));
	cr_assert_eq(hw_msix_entry_addr(m, 0), 0);
	u16 after = (u16)cfg(sim, dev, p->pcie_cap + PCI_EXP_DEVCTL, 2);
	/* the FLR bit reads 0 again; the error enables are gone, the rest stays */
	cr_assert_eq(after & PCI_EXP_DEVCTL_BCR_FLR, 0);
	cr_assert_eq(after & (PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_URRE), 0);
	cr_assert_eq(after & PCI_EXP_DEVCTL_PAYLOAD, devctl & PCI_EXP_DEVCTL_PAYLOAD);
	/* IDs, capabilities and the FLR capability untouched */
	cr_assert_eq(cfg(sim, dev, PCI_VENDOR_ID, 4), 0x10411af4);
	cr_assert(cfg(sim, dev, p->pcie_cap + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
	iommusim_free(sim);
}

Test(pci_reset, flr_write_on_a_function_without_flr_does_nothing)
{
	struct iommusim *sim = boot_ok(E1000E_RP);
	const char *dev = "0000:01:00.0";
	struct pci_dev *p = pdev_of(sim, dev);
	cr_assert_eq(cfg(sim, dev, p->pcie_cap + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR, 0);
	cfg_write(sim, dev, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cfg_write(sim, dev, PCI_BASE_ADDRESS_0, 4, 0x10000000);
	flr(sim, dev);
	/* the bit is read-only there: no reset, and it reads 0 */
	cr_assert_eq(cfg(sim, dev, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cr_assert_eq(cfg(sim, dev, PCI_BASE_ADDRESS_0, 4), 0x10000000);
	cr_assert_eq(cfg(sim, dev, p->pcie_cap + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR, 0);
	iommusim_free(sim);
}

Test(pci_reset, secondary_bus_reset_resets_the_functions_below_not_the_bridge)
{
	struct iommusim *sim = boot_ok(VNET_RP);
	const char *rp = "0000:00:01.0", *dev = "0000:01:00.0";
	struct vdev_hw *v = vdev_of(sim, dev);
	cr_assert(v->status & VDEV_S_DRIVER_OK);
	u32 rp_cmd = cfg(sim, rp, PCI_COMMAND, 2), rp_busses = cfg(sim, rp, PCI_PRIMARY_BUS, 4);
	u16 bctl = (u16)cfg(sim, rp, PCI_BRIDGE_CONTROL, 2);
	cr_assert_eq(bctl & PCI_BRIDGE_CTL_BUS_RESET, 0);

	cfg_write(sim, rp, PCI_BRIDGE_CONTROL, 2, bctl | PCI_BRIDGE_CTL_BUS_RESET);
	cr_assert_eq(v->status, 0);
	cr_assert_eq(cfg(sim, dev, PCI_COMMAND, 2), 0);
	/* QEMU's pci_find_bus_nr() still finds the bus right behind by its number */
	struct hw_system *hw = sim->k->hw;
	cr_assert_eq(hw_pci_host_config_read(&hw->pci, 1u << 20, 4), 0x10411af4u);
	/* the bridge itself keeps its registers */
	cr_assert_eq(cfg(sim, rp, PCI_COMMAND, 2), rp_cmd);
	cr_assert_eq(cfg(sim, rp, PCI_PRIMARY_BUS, 4), rp_busses);

	/* the device is set up again, then SBR written while already set: no second reset */
	vdev_hw_set_status(v, 1);
	cfg_write(sim, rp, PCI_BRIDGE_CONTROL, 2, bctl | PCI_BRIDGE_CTL_BUS_RESET);
	cr_assert_eq(v->status, 1);
	cfg_write(sim, rp, PCI_BRIDGE_CONTROL, 2, bctl);
	cr_assert_eq(v->status, 1);
	cr_assert_eq(hw_pci_host_config_read(&hw->pci, 1u << 20, 4), 0x10411af4u);
	iommusim_free(sim);
}

Test(pci_reset, pm_state_writes_reset_nothing_on_qemu_7_2)
{
	struct iommusim *sim = boot_ok(VNET_RP);
	const char *dev = "0000:01:00.0";
	struct vdev_hw *v = vdev_of(sim, dev);
	unsigned pm = hw_fn(sim, dev)->config->pm_cap;
	cr_assert_neq(pm, 0);
	u32 cmd = cfg(sim, dev, PCI_COMMAND, 2);
	u8 status = v->status;
	cr_assert_eq(cfg(sim, dev, pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_NO_SOFT_RESET, 0);
	cfg_write(sim, dev, pm + PCI_PM_CTRL, 2, 3);	/* D3hot */
	cr_assert_eq(cfg(sim, dev, pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 3);
	cfg_write(sim, dev, pm + PCI_PM_CTRL, 2, 0);	/* D0 */
	cr_assert_eq(cfg(sim, dev, pm + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK, 0);
	cr_assert_eq(v->status, status);
	cr_assert_eq(cfg(sim, dev, PCI_COMMAND, 2), cmd);
	iommusim_free(sim);
}

Test(pci_reset, flr_of_a_virtio_function_clears_pmcsr)
{
	struct iommusim *sim = boot_ok(VNET_RP);
	const char *dev = "0000:01:00.0";
	unsigned pm = hw_fn(sim, dev)->config->pm_cap;
	cfg_write(sim, dev, pm + PCI_PM_CTRL, 2, 3);
	flr(sim, dev);
	cr_assert_eq(cfg(sim, dev, pm + PCI_PM_CTRL, 2), 0);
	iommusim_free(sim);
}

Test(pci_reset, flr_resets_the_nvme_controller)
{
	struct iommusim *sim = boot_ok(NVME_RP);
	const char *dev = "0000:01:00.0";
	struct nvme_ctrl_hw *n = hw_nvme_device(sim->k->hw, hw_fn(sim, dev));
	cr_assert_not_null(n);
	cr_assert(n->cc & NVME_CC_EN);
	cr_assert(n->csts & NVME_CSTS_RDY);
	u32 aqa = n->aqa;
	u64 asq = n->asq;
	flr(sim, dev);
	cr_assert_eq(n->cc, 0);
	cr_assert_eq(n->csts, 0);
	cr_assert_eq(n->intms, 0);
	cr_assert_not(n->sq[0].valid);
	cr_assert_not(n->cq[0].valid);
	/* the admin queue registers survive (nvme_ctrl_reset() leaves them) */
	cr_assert_eq(n->aqa, aqa);
	cr_assert_eq(n->asq, asq);
	cr_assert_eq(cfg(sim, dev, PCI_COMMAND, 2), 0);
	iommusim_free(sim);
}

Test(pci_reset, flr_of_a_switch_port_resets_its_bus_numbers_and_everything_below)
{
	struct iommusim *sim = boot_ok(SWITCH);
	const char *up = "0000:01:00.0", *dn = "0000:02:00.0", *dev = "0000:03:00.0";
	struct vdev_hw *v = vdev_of(sim, dev);
	cr_assert(v->status & VDEV_S_DRIVER_OK);
	cr_assert_eq(cfg(sim, up, PCI_SECONDARY_BUS, 1), 2);
	cr_assert_eq(cfg(sim, dn, PCI_SECONDARY_BUS, 1), 3);
	flr(sim, up);
	cr_assert_eq(v->status, 0);
	cr_assert_eq(cfg(sim, up, PCI_PRIMARY_BUS, 4), 0);
	cr_assert_eq(cfg(sim, dn, PCI_PRIMARY_BUS, 4), 0);
	cr_assert_eq(cfg(sim, dev, PCI_COMMAND, 2), 0);
	/* with the bus numbers gone, config cycles for bus 3 reach nothing */
	struct hw_system *hw = sim->k->hw;
	cr_assert_eq(hw_pci_host_config_read(&hw->pci, 3u << 20, 4), 0xffffffffu);
	/* the downstream port's slot: device 0 present, power indicator on, notifications off */
	unsigned exp = pdev_of(sim, dn)->pcie_cap;
	u16 sltctl = (u16)cfg(sim, dn, exp + PCI_EXP_SLTCTL, 2);
	cr_assert_eq(sltctl & (PCI_EXP_SLTCTL_HPIE | PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE), 0);
	cr_assert_eq(sltctl & PCI_EXP_SLTCTL_PIC, PCI_EXP_SLTCTL_PWR_IND_ON);
	cr_assert_eq(sltctl & PCI_EXP_SLTCTL_AIC, PCI_EXP_SLTCTL_ATTN_IND_OFF);
	iommusim_free(sim);
}

Test(pci_reset, a_bad_write_resets_nothing)
{
	struct iommusim *sim = boot_ok(VNET_RP);
	const char *dev = "0000:01:00.0";
	struct vdev_hw *v = vdev_of(sim, dev);
	unsigned exp = pdev_of(sim, dev)->pcie_cap;
	u8 status = v->status;
	/* unaligned, a bad size, past the config space: -EINVAL and the device as it was */
	cr_assert_eq(iommusim_pci_config_write(sim, dev, exp + PCI_EXP_DEVCTL + 1, 2, 0xffff), -EINVAL);
	cr_assert_eq(iommusim_pci_config_write(sim, dev, exp + PCI_EXP_DEVCTL, 3, 0xffff), -EINVAL);
	cr_assert_eq(iommusim_pci_config_write(sim, dev, 0x1000, 4, 0xffffffff), -EINVAL);
	cr_assert_eq(iommusim_pci_config_write(sim, "0000:09:00.0", exp + PCI_EXP_DEVCTL, 2, 0x8000), -ENOENT);
	cr_assert_eq(v->status, status);
	cr_assert_neq(cfg(sim, dev, PCI_COMMAND, 2), 0);
	/* without a machine, the reset still clears config space */
	struct hw_pci_fn *fn = hw_fn(sim, dev);
	hw_pci_device_reset(NULL, fn);
	cr_assert_eq(cfg(sim, dev, PCI_COMMAND, 2), 0);
	cr_assert_eq(v->status, status);
	iommusim_free(sim);
}
