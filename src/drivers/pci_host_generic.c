/*
 * pci-host-generic (drivers/pci/controller/pci-host-generic.c): binds the
 * ECAM host node, maps its config window (the node's reg) and enumerates
 * what answers there.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "hw/system.h"
#include "pci/pci.h"

static const char *const gen_pci_of_match[] = { "pci-host-ecam-generic", NULL };

static int gen_pci_probe(struct platform_device *pdev)
{
	struct kernel *k = pdev->dev.k;
	/* pci_ecam_create(): the window is ioremapped; nothing decodes it, no host */
	struct hw_mmio ecam;
	if (!k->hw || hw_ioremap(k->hw, pdev->base, pdev->size, &ecam))
		return -ENODEV;
	dev_info(&pdev->dev, "ECAM at [mem %#010llx-%#010llx] for [bus 00-ff]\n",
		 (unsigned long long)pdev->base, (unsigned long long)(pdev->base + pdev->size - 1));
	struct pci_host *host = pci_scan_root_bus(k, &pdev->dev, &ecam);
	if (!host)
		return -ENOMEM;
	pci_bus_add_devices(host->root);
	return 0;
}

struct platform_driver gen_pci_driver = {
	.driver = { .name = "pci-host-generic", .bus = &platform_bus_type },
	.of_match_table = gen_pci_of_match,
	.probe = gen_pci_probe,
};
