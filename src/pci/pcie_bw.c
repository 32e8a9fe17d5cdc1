/* Link bandwidth as the PCI core reports it when a fabric link limits a function. */
#include <linux/pci_regs.h>
#include "pci/pci.h"
#include "pci/pcie_bw.h"

/* enum pci_bus_speed's PCIe speeds, as Link Status/Capabilities encode them (1: 2.5 GT/s ...) */
enum pcie_speed { SPEED_UNKNOWN, SPEED_2_5GT, SPEED_5_0GT, SPEED_8_0GT, SPEED_16_0GT, SPEED_32_0GT, SPEED_64_0GT };

static const char *pci_speed_string(enum pcie_speed s)
{
	static const char *const str[] = { "Unknown", "2.5 GT/s PCIe", "5.0 GT/s PCIe", "8.0 GT/s PCIe",
					   "16.0 GT/s PCIe", "32.0 GT/s PCIe", "64.0 GT/s PCIe" };
	return str[s];
}

/* PCIE_SPEED2MBS_ENC(): Mb/s per lane after encoding overhead */
static unsigned speed2mbs(enum pcie_speed s)
{
	switch (s) {
	case SPEED_2_5GT:
		return 2500 * 8 / 10;
	case SPEED_5_0GT:
		return 5000 * 8 / 10;
	case SPEED_8_0GT:
		return 8000 * 128 / 130;
	case SPEED_16_0GT:
		return 16000 * 128 / 130;
	case SPEED_32_0GT:
		return 32000 * 128 / 130;
	case SPEED_64_0GT:
		return 64000;
	default:
		return 0;
	}
}

/* pcie_capability_read_*(): a function without the PCIe capability reads 0 */
static u32 exp_read(struct pci_dev *dev, unsigned reg, unsigned size)
{
	u32 v = 0;
	if (!pci_is_pcie(dev))
		return 0;
	if (size == 2) {
		u16 w = 0;
		pci_read_config_word(dev, dev->pcie_cap + reg, &w);
		return w;
	}
	pci_read_config_dword(dev, dev->pcie_cap + reg, &v);
	return v;
}

static enum pcie_speed link_speed(unsigned code)
{
	return code >= 1 && code <= 6 ? (enum pcie_speed)code : SPEED_UNKNOWN;
}

/* pcie_get_speed_cap(): the highest speed Link Capabilities 2 lists, else Link Capabilities' own */
static enum pcie_speed speed_cap(struct pci_dev *dev)
{
	/* Link Capabilities 2 exists from the capability's version 2 on (pcie_cap_has_lnkctl2) */
	bool v2 = (exp_read(dev, PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_VERS) > 1;
	u32 vector = v2 ? exp_read(dev, PCI_EXP_LNKCAP2, 4) & 0xfe : 0; /* Supported Link Speeds Vector, bit 1: 2.5 GT/s */
	if (vector)
		return link_speed(31 - (unsigned)__builtin_clz(vector));
	return link_speed(exp_read(dev, PCI_EXP_LNKCAP, 4) & PCI_EXP_LNKCAP_SLS);
}

void pcie_report_downtraining(struct pci_dev *dev)
{
	if (!pci_is_pcie(dev) || PCI_FUNC(dev->devfn) != 0)
		return;
	if (dev->pcie_type != HW_PCIE_ENDPOINT && dev->pcie_type != HW_PCIE_LEG_END &&
	    dev->pcie_type != HW_PCIE_UPSTREAM)
		return;
	enum pcie_speed cap_speed = speed_cap(dev);
	unsigned cap_width = (exp_read(dev, PCI_EXP_LNKCAP, 4) & PCI_EXP_LNKCAP_MLW) >> 4;
	unsigned bw_cap = cap_speed && cap_width ? cap_width * speed2mbs(cap_speed) : 0;
	/* pcie_bandwidth_available(): the narrowest link from the function up to the root bus */
	unsigned bw = 0, width = 0;
	enum pcie_speed speed = SPEED_UNKNOWN;
	struct pci_dev *limiting = NULL;
	for (struct pci_dev *d = dev; d; d = pci_is_root_bus(d->bus) ? NULL : d->bus->self) {
		u16 lnksta = (u16)exp_read(d, PCI_EXP_LNKSTA, 2);
		enum pcie_speed s = link_speed(lnksta & PCI_EXP_LNKSTA_CLS);
		unsigned w = (lnksta & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT;
		unsigned next_bw = w * speed2mbs(s);
		if (!bw || next_bw <= bw) {
			bw = next_bw;
			limiting = d;
			speed = s;
			width = w;
		}
	}
	if (bw >= bw_cap)
		return;
	dev_info(&dev->dev,
		 "%u.%03u Gb/s available PCIe bandwidth, limited by %s x%u link at %s (capable of %u.%03u Gb/s with %s x%u link)\n",
		 bw / 1000, bw % 1000, pci_speed_string(speed), width, limiting ? limiting->dev.name : "<unknown>",
		 bw_cap / 1000, bw_cap % 1000, pci_speed_string(cap_speed), cap_width);
}
