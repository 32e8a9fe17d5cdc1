/*
 * /sys/bus/pci/devices/D/resource (drivers/pci/pci-sysfs.c resource_show):
 * one line per resource Linux keeps for the function, start, end and flags
 * as 64-bit hex; with CONFIG_PCI_IOV that is 13 lines (6 BARs, the ROM, 6
 * SR-IOV BARs), 17 for a bridge (its 4 bridge resources too). Addresses
 * are bus addresses (pci_resource_to_user), which virt maps 1:1. A bridge
 * window left unset or disabled reads as zeros (7.3's "backwards
 * compatibility" rule; 6.1 never keeps such a window: it zeroes it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "pci/pci.h"
#include "pci/resource.h"
#include "sysfs/sysfs.h"

/* Linux's numbering with SR-IOV: the ROM at 6, VF BARs 7-12, the bridge resources 13-16 */
#define LINUX_PCI_BRIDGE_RESOURCES 13
#define LINUX_DEVICE_COUNT_RESOURCE 17

static const struct resource *linux_resource(const struct pci_dev *pdev, int i)
{
	if (i <= PCI_ROM_RESOURCE)
		return &pdev->resource[i];
	if (i >= LINUX_PCI_BRIDGE_RESOURCES && i - LINUX_PCI_BRIDGE_RESOURCES < 3)
		return &pdev->resource[PCI_BRIDGE_RESOURCES + i - LINUX_PCI_BRIDGE_RESOURCES];
	return NULL;	/* VF BARs and the fourth bridge resource: none here */
}

int sysfs_pci_resource_read(struct pci_dev *pdev, struct sysfs_buf *out)
{
	int max = pdev->subordinate ? LINUX_DEVICE_COUNT_RESOURCE : LINUX_PCI_BRIDGE_RESOURCES;
	size_t cap = (size_t)max * 58 + 1, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (int i = 0; i < max; i++) {
		const struct resource *r = linux_resource(pdev, i);
		if (r && i >= LINUX_PCI_BRIDGE_RESOURCES && (r->flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED)))
			r = NULL;
		len += (size_t)snprintf(buf + len, cap - len, "0x%016llx 0x%016llx 0x%016llx\n",
					r ? (unsigned long long)r->start : 0ULL, r ? (unsigned long long)r->end : 0ULL,
					r ? (unsigned long long)r->flags : 0ULL);
	}
	free(out->text);
	out->text = buf;
	out->len = 0;
	return 0;
}
