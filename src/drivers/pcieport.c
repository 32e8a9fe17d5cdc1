/*
 * pcieport (drivers/pci/pcie/portdrv.c): matches every PCI-to-PCI bridge by
 * class, so dma_configure runs (and the bridge gets a group) even for the
 * conventional bridges whose probe then refuses them with -ENODEV.
 *
 * pcie_port_device_register() enables every root, upstream and downstream
 * port, then finds its services (get_port_device_capability): PME on root
 * ports, AER on every port with the capability (DT hosts leave it to the
 * OS; only a root port's is then enabled, aer_probe(); 7.3 gives it to root
 * ports only), hotplug where the
 * port's slot is hot-plug capable (root and downstream ports with
 * hotplug=on). A port with none of them: nothing more happens.
 * With services the port masters and its services share interrupts
 * (pcie_init_service_irqs(): MSI-X or MSI, else the pin; without one only
 * hotplug stays, polling). The services' own work is not modelled.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "drivers/drivers_version.h"
#include "drivers/irq.h"
#include <linux/pci_regs.h>
#include "kversion/linux_version.h"
#include "pci/pci.h"

#define PCIE_PORT_MAX_MSI_ENTRIES 32

/* the services' handlers: nothing they would report is modelled */
static irqreturn_t pcie_service_irq(int irq, void *dev_id)
{
	(void)irq, (void)dev_id;
	return IRQ_NONE;
}

#define PCIE_PORT_SERVICE_PME 0x1
#define PCIE_PORT_SERVICE_AER 0x2
#define PCIE_PORT_SERVICE_HP 0x4

/*
 * pcie_message_numbers(): the message PME and hotplug use (PCI_EXP_FLAGS_IRQ)
 * and AER's (Root Error Status 31:27), read once the vectors are enabled; the
 * vectors the port needs, 0 for none
 */
static unsigned pcie_message_numbers(struct pci_dev *dev, unsigned services, unsigned *pme, unsigned *aer)
{
	unsigned nvec = 0;
	if (services & (PCIE_PORT_SERVICE_PME | PCIE_PORT_SERVICE_HP)) {
		u16 flags = 0;
		pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_FLAGS, &flags);
		*pme = (flags & PCI_EXP_FLAGS_IRQ) >> 9;
		nvec = *pme + 1;
	}
	if ((services & PCIE_PORT_SERVICE_AER) && dev->aer_cap) {
		u32 st = 0;
		pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_ROOT_STATUS, &st);
		*aer = (st & PCI_ERR_ROOT_AER_IRQ) >> 27;
		nvec = MAX(nvec, *aer + 1);
	}
	return nvec;
}

/*
 * pcie_init_service_irqs() -> pcie_port_enable_irq_vec(): as many MSI-X or
 * MSI vectors as the port offers, then exactly the ones its message numbers
 * use (ioh3420's AER takes message 1 once both MSI vectors are on); INTx
 * when that fails
 */
static void pcie_port_service_irqs(struct pci_dev *dev, unsigned services)
{
	unsigned pme = 0, aer = 0;
	int n = pci_alloc_irq_vectors(dev, 1, PCIE_PORT_MAX_MSI_ENTRIES, PCI_IRQ_MSIX | PCI_IRQ_MSI);
	if (n > 0) {
		unsigned nvec = pcie_message_numbers(dev, services, &pme, &aer);
		if (nvec > (unsigned)n) {
			pci_free_irq_vectors(dev);
			n = -EIO;
		} else if (nvec != (unsigned)n) {
			pci_free_irq_vectors(dev);
			n = pci_alloc_irq_vectors(dev, nvec, nvec, PCI_IRQ_MSIX | PCI_IRQ_MSI);
		}
	}
	if (n < 0) {
		pme = aer = 0;
		n = pci_alloc_irq_vectors(dev, 1, 1, PCI_IRQ_LEGACY);
	}
	if (n <= 0)
		return;
	int irq = pci_irq_vector(dev, pme);
	if (irq > 0)
		request_irq(dev->dev.k, irq, pcie_service_irq, IRQF_SHARED, "PCIe PME", dev);
	int aer_irq = pci_irq_vector(dev, aer);
	if ((services & PCIE_PORT_SERVICE_AER) && aer_irq > 0 && aer_irq != irq)
		request_irq(dev->dev.k, aer_irq, pcie_service_irq, IRQF_SHARED, "aerdrv", dev);
}

static const struct pci_device_id port_pci_ids[] = {
	{ PCI_ANY_ID, PCI_ANY_ID, 0x060400, 0xffffff, false },	/* PCI-to-PCI bridge */
	{ PCI_ANY_ID, PCI_ANY_ID, 0x060401, 0xffffff, false },	/* subtractive decode */
	{ PCI_ANY_ID, PCI_ANY_ID, 0x080700, 0xffffff, false },	/* root complex event collector */
	{ 0, 0, 0, 0, false },
};

/*
 * The AER service's aer_enable_rootport(): root error status cleared,
 * system errors on error messages off, the port's interrupt on error
 * messages enabled in the Root Error Command register.
 */
static void aer_enable_rootport(struct pci_dev *dev)
{
	if (!dev->aer_cap || !dev->pcie_cap)
		return;
	u16 rtctl;
	pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_RTCTL, &rtctl);
	rtctl &= (u16)~(PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE | PCI_EXP_RTCTL_SEFEE);
	pci_write_config_word(dev, dev->pcie_cap + PCI_EXP_RTCTL, rtctl);
	u32 status;
	pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_ROOT_STATUS, &status);
	pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_ROOT_STATUS, status);
	u32 cmd;
	pci_read_config_dword(dev, dev->aer_cap + PCI_ERR_ROOT_COMMAND, &cmd);
	cmd |= PCI_ERR_ROOT_CMD_COR_EN | PCI_ERR_ROOT_CMD_NONFATAL_EN | PCI_ERR_ROOT_CMD_FATAL_EN;
	pci_write_config_dword(dev, dev->aer_cap + PCI_ERR_ROOT_COMMAND, cmd);
}

/*
 * pciehp's probe as far as the slot's registers go (pcie_init(),
 * pcie_enable_notification()): the events left in Slot Status cleared, then
 * Slot Control's notifications on: data link layer state changes, the
 * attention button (or presence detect without one), hot-plug interrupts,
 * command completions unless the slot has none. The port takes what its
 * write mask allows.
 */
static void pciehp_enable_notification(struct pci_dev *dev)
{
	unsigned pos = dev->pcie_cap;
	u32 sltcap;
	pci_read_config_dword(dev, pos + PCI_EXP_SLTCAP, &sltcap);
	pci_write_config_word(dev, pos + PCI_EXP_SLTSTA,
			      PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD | PCI_EXP_SLTSTA_MRLSC | PCI_EXP_SLTSTA_CC |
			      PCI_EXP_SLTSTA_DLLSC | PCI_EXP_SLTSTA_PDC);
	u16 cmd = PCI_EXP_SLTCTL_DLLSCE | PCI_EXP_SLTCTL_HPIE;
	cmd |= (sltcap & PCI_EXP_SLTCAP_ABP) ? PCI_EXP_SLTCTL_ABPE : PCI_EXP_SLTCTL_PDCE;
	if (!(sltcap & PCI_EXP_SLTCAP_NCCS))
		cmd |= PCI_EXP_SLTCTL_CCIE;
	u16 mask = PCI_EXP_SLTCTL_PDCE | PCI_EXP_SLTCTL_ABPE | PCI_EXP_SLTCTL_PFDE | PCI_EXP_SLTCTL_HPIE |
		   PCI_EXP_SLTCTL_CCIE | PCI_EXP_SLTCTL_DLLSCE;
	u16 sltctl;
	pci_read_config_word(dev, pos + PCI_EXP_SLTCTL, &sltctl);
	sltctl = (u16)((sltctl & ~mask) | (cmd & mask));
	pci_write_config_word(dev, pos + PCI_EXP_SLTCTL, sltctl);
}

/* get_port_device_capability(): what the reference kernel's port services find */
static unsigned port_services(struct pci_dev *dev)
{
	unsigned services = 0;
	bool root = dev->pcie_type == HW_PCIE_ROOT_PORT || dev->pcie_type == HW_PCIE_RC_EC;
	if ((dev->pcie_type == HW_PCIE_ROOT_PORT || dev->pcie_type == HW_PCIE_DOWNSTREAM) && dev->pcie_cap) {
		u16 flags = 0;
		u32 sltcap = 0;
		pci_read_config_word(dev, dev->pcie_cap + PCI_EXP_FLAGS, &flags);
		if (flags & PCI_EXP_FLAGS_SLOT)
			pci_read_config_dword(dev, dev->pcie_cap + PCI_EXP_SLTCAP, &sltcap);
		if (sltcap & PCI_EXP_SLTCAP_HPC)
			services |= PCIE_PORT_SERVICE_HP;
	}
	/*
	 * AER on every port with the capability (6.1: its vector counts,
	 * aer_probe() binds root ports only), or on root ports only (7.3)
	 */
	bool aer_root_only = kernel_version(dev->dev.k)->drivers->pcie_port_aer_root_only;
	if (pci_find_ext_capability(dev, PCI_EXT_CAP_ID_ERR) && (root || !aer_root_only))
		services |= PCIE_PORT_SERVICE_AER;
	if (root)
		services |= PCIE_PORT_SERVICE_PME;
	return services;
}

static int pcie_portdrv_probe(struct pci_dev *dev, const struct pci_device_id *id)
{
	(void)id;
	if (!pci_is_pcie(dev) ||
	    (dev->pcie_type != HW_PCIE_ROOT_PORT && dev->pcie_type != HW_PCIE_UPSTREAM &&
	     dev->pcie_type != HW_PCIE_DOWNSTREAM && dev->pcie_type != HW_PCIE_RC_EC))
		return -ENODEV;
	/* pcie_port_device_register() enables the port before looking for services */
	int ret = pci_enable_device(dev);
	if (ret)
		return ret;
	unsigned services = port_services(dev);
	if (!services)
		return 0;
	pci_set_master(dev);
	pcie_port_service_irqs(dev, services);
	if ((services & PCIE_PORT_SERVICE_AER) && (dev->pcie_type == HW_PCIE_ROOT_PORT || dev->pcie_type == HW_PCIE_RC_EC))
		aer_enable_rootport(dev);
	if (services & PCIE_PORT_SERVICE_HP)
		pciehp_enable_notification(dev);
	return 0;
}

static void pcie_portdrv_remove(struct pci_dev *dev)
{
	/* the services' actions on whichever vectors they took */
	unsigned nvec = dev->msix_enabled || dev->msi_enabled ? dev->msix_nvec : 1;
	for (unsigned i = 0; i < nvec; i++) {
		int irq = pci_irq_vector(dev, i);
		if (irq > 0)
			free_irq(dev->dev.k, irq, dev);
	}
	pci_free_irq_vectors(dev);
	pci_disable_device(dev);
}

struct pci_driver pcie_portdriver = {
	/* 6.1's portdrv takes no DMA ownership: a port leaves its group viable for VFIO */
	.driver = { .name = "pcieport", .bus = &pci_bus_type, .driver_managed_dma = true },
	.id_table = port_pci_ids,
	.probe = pcie_portdrv_probe,
	.remove = pcie_portdrv_remove,
};
