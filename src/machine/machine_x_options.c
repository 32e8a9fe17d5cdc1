/*
 * iommusim's hardware and firmware options beyond QEMU (machine.h,
 * iommusim_options.smmu_s2fwb / pci_rc_canwbs). No QEMU SMMU implements
 * IDR3.FWB and QEMU's DT says nothing of a root complex's cache coherency
 * (7.3 learns CANWBS from IORT on ACPI machines only), so both are the
 * model's own: they let 7.3's vIOMMU path, which needs one of them, run.
 */
#include <errno.h>
#include <stdlib.h>
#include <libfdt.h>
#include "machine/machine.h"

/* every PCIe host bridge node (pci-host-ecam-generic) gets the CANWBS property */
static int mark_host_bridges(struct machine *m)
{
	int size = (int)fdt_totalsize(m->fdt) + 256;
	void *blob = malloc((size_t)size);
	if (!blob)
		return -ENOMEM;
	if (fdt_open_into(m->fdt, blob, size)) {
		free(blob);
		return -ENOMEM;
	}
	for (int node = fdt_node_offset_by_compatible(blob, -1, "pci-host-ecam-generic"); node >= 0;
	     node = fdt_node_offset_by_compatible(blob, node, "pci-host-ecam-generic")) {
		if (fdt_setprop_empty(blob, node, MACHINE_PCI_RC_CANWBS_PROP)) {
			free(blob);
			return -ENOMEM;
		}
	}
	fdt_pack(blob);
	free(m->fdt);
	m->fdt = blob;
	m->fdt_size = fdt_totalsize(blob);
	return 0;
}

int machine_set_x_options(struct machine *m, bool smmu_s2fwb, bool pci_rc_canwbs)
{
	if (pci_rc_canwbs && m->fdt) {
		int ret = mark_host_bridges(m);
		if (ret)
			return ret;
	}
	m->smmu_s2fwb = smmu_s2fwb;
	m->pci_rc_canwbs = pci_rc_canwbs;
	return 0;
}
