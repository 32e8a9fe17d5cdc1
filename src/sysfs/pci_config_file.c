/*
 * /sys/bus/pci/devices/D/config (drivers/pci/pci-sysfs.c pci_read_config):
 * the function's config space as root reads it, cfg_size bytes (256, or
 * 4096 for PCIe), through the kernel's config accessors, so what it shows
 * is what a config cycle reaches now.
 */
#include <errno.h>
#include <stdlib.h>
#include "pci/pci.h"
#include "sysfs/sysfs.h"

int sysfs_pci_config_read(struct pci_dev *pdev, struct sysfs_buf *out)
{
	size_t size = pdev->cfg_size ? pdev->cfg_size : 256;
	char *buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
	/* pci_user_read_config_dword() a dword at a time, as the aligned middle is read */
	for (size_t off = 0; off < size; off += 4) {
		u32 v;
		pci_read_config_dword(pdev, (unsigned)off, &v);
		for (int i = 0; i < 4; i++)
			buf[off + i] = (char)(v >> (8 * i));
	}
	buf[size] = '\0';
	free(out->text);
	out->text = buf;
	out->len = size;
	return 0;
}
