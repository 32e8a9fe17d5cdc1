/*
 * vfio_pci_set_power_state() of Linux 6.1 (drivers/vfio/pci/vfio_pci_core.c):
 * the user's power state changes (a PMCSR write through the config region)
 * and vfio-pci's own moves back to D0. A function without No_Soft_Reset
 * (vdev->needs_pm_restore) may lose its state in D3hot: its config state is
 * saved on the way down (vdev->pm_save) and restored on the way back up.
 */
#include <stdlib.h>
#include <linux/pci_regs.h>
#include "uapi/vfio_pci_core.h"
#include "pci/pci.h"

/* vfio_pci_probe_power_state(): the state may be lost unless PMCSR says No_Soft_Reset */
static bool needs_pm_restore(struct pci_dev *pdev)
{
	u16 pmcsr;
	if (!pdev->pm_cap || pci_read_config_word(pdev, pdev->pm_cap + PCI_PM_CTRL, &pmcsr))
		return false;
	return !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);
}

int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev, unsigned state)
{
	struct pci_dev *pdev = vdev->pdev;
	bool needs_save = false, needs_restore = false;
	if (needs_pm_restore(pdev)) {
		if (pdev->current_state < PCI_D3hot && state >= PCI_D3hot) {
			pci_save_state(pdev);
			needs_save = true;
		}
		if (pdev->current_state >= PCI_D3hot && state <= PCI_D0)
			needs_restore = true;
	}
	int ret = pci_set_power_state(pdev, state);
	if (ret)
		return ret;
	if (needs_save && pdev->current_state >= PCI_D3hot) {
		free(vdev->pm_save);
		vdev->pm_save = pci_store_saved_state(pdev);
	} else if (needs_restore) {
		pci_load_and_free_saved_state(pdev, &vdev->pm_save);
		pci_restore_state(pdev);
	}
	return 0;
}
