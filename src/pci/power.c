/*
 * PCI power states (drivers/pci/pci.c of 6.1: pci_set_power_state(),
 * pci_power_up(), pci_set_low_power_state()) through the PM capability's
 * control register. The machine has no platform power methods (no ACPI),
 * so only PMCSR moves a function, and D3cold is never reached. The delays
 * the transitions take (pci_dev_d3_sleep()) pass in no time here.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include "pci/pci.h"

static const char *power_name(unsigned state)
{
	static const char *const names[] = { "D0", "D1", "D2", "D3hot", "D3cold" };
	return state < 5 ? names[state] : "unknown";
}

/* pci_power_up(): PMCSR to 0 out of a low-power state; 1 when the function needs its state back */
static int power_up(struct pci_dev *dev)
{
	u16 pmcsr;
	if (!dev->pm_cap) {
		dev->current_state = PCI_D0;
		return -EIO;
	}
	if (pci_read_config_word(dev, dev->pm_cap + PCI_PM_CTRL, &pmcsr)) {
		dev_err(&dev->dev, "Unable to change power state from %s to D0, device inaccessible\n",
			power_name(dev->current_state));
		dev->current_state = PCI_D3cold;
		return -EIO;
	}
	unsigned state = pmcsr & PCI_PM_CTRL_STATE_MASK;
	bool need_restore = (state == PCI_D3hot || dev->current_state >= PCI_D3hot) &&
			    !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);
	if (state != PCI_D0)
		pci_write_config_word(dev, dev->pm_cap + PCI_PM_CTRL, 0);
	dev->current_state = PCI_D0;
	return need_restore ? 1 : 0;
}

/*
 * pci_set_full_power_state(). A function that went through D3hot without
 * No_Soft_Reset gets its BARs back (pci_restore_bars()): the model's
 * registers still hold what the kernel placed there (QEMU 7.2 resets
 * nothing on the way back to D0), so there is nothing to write.
 */
static int set_full_power_state(struct pci_dev *dev)
{
	int ret = power_up(dev);
	if (ret < 0)
		return dev->current_state == PCI_D0 ? 0 : ret;
	u16 pmcsr;
	pci_read_config_word(dev, dev->pm_cap + PCI_PM_CTRL, &pmcsr);
	dev->current_state = pmcsr & PCI_PM_CTRL_STATE_MASK;
	if (dev->current_state != PCI_D0)
		dev_info(&dev->dev, "Refused to change power state from %s to D0\n", power_name(dev->current_state));
	return 0;
}

/* pci_set_low_power_state(): D1, D2 (when PMC offers them) or D3hot, only deeper */
static int set_low_power_state(struct pci_dev *dev, unsigned state)
{
	u16 pmc, pmcsr;
	if (!dev->pm_cap)
		return -EIO;
	if (dev->current_state <= PCI_D3cold && dev->current_state > state)
		return -EINVAL;
	if (pci_read_config_word(dev, dev->pm_cap + PCI_PM_PMC, &pmc))
		return -EIO;
	/* dev->d1_support / d2_support as pci_pm_init() found them */
	if ((state == PCI_D1 && !(pmc & PCI_PM_CAP_D1)) || (state == PCI_D2 && !(pmc & PCI_PM_CAP_D2)))
		return -EIO;
	if (dev->current_state == state)
		return 0;
	if (pci_read_config_word(dev, dev->pm_cap + PCI_PM_CTRL, &pmcsr)) {
		dev_err(&dev->dev, "Unable to change power state from %s to %s, device inaccessible\n",
			power_name(dev->current_state), power_name(state));
		dev->current_state = PCI_D3cold;
		return -EIO;
	}
	pmcsr = (u16)((pmcsr & ~PCI_PM_CTRL_STATE_MASK) | state);
	pci_write_config_word(dev, dev->pm_cap + PCI_PM_CTRL, pmcsr);
	pci_read_config_word(dev, dev->pm_cap + PCI_PM_CTRL, &pmcsr);
	dev->current_state = pmcsr & PCI_PM_CTRL_STATE_MASK;
	if (dev->current_state != state)
		dev_info(&dev->dev, "Refused to change power state from %s to %s\n", power_name(dev->current_state),
			 power_name(state));
	return 0;
}

int pci_set_power_state(struct pci_dev *dev, unsigned state)
{
	if (state > PCI_D3hot)
		return -EINVAL;
	if (dev->current_state == state)
		return 0;
	if (state == PCI_D0)
		return set_full_power_state(dev);
	/* no platform method follows (pci_platform_power_transition() fails): PMCSR's answer is the answer */
	return set_low_power_state(dev, state);
}
