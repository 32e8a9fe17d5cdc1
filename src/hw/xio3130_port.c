/* The XIO3130 switch ports' shared layout; see xio3130_port.h. */
#include <errno.h>
#include "hw/xio3130_port.h"
#include "hw/pci_caps.h"

#define XIO3130_MSI_OFFSET 0x70
#define XIO3130_MSI_NR_VECTOR 1
#define XIO3130_SSVID_OFFSET 0x80
#define XIO3130_EXP_OFFSET 0x90
#define XIO3130_AER_OFFSET 0x100
#define XIO3130_AER_LOG_MAX 8

int xio3130_port_caps_init(struct hw_pci_fn *fn, const struct hw_pci_board *board, u8 exp_type)
{
	int ret = hw_pci_layout_header(fn, true);
	if (ret)
		return ret;
	hw_pcie_port_init_reg(fn);
	if (board->msi_nonbroken)
		ret = hw_msi_init(fn, XIO3130_MSI_OFFSET, XIO3130_MSI_NR_VECTOR, true, false);
	if (ret >= 0)
		ret = hw_pci_bridge_ssvid_init(fn, XIO3130_SSVID_OFFSET, 0, 0);
	if (ret >= 0)
		ret = hw_pcie_cap_init(fn, XIO3130_EXP_OFFSET, exp_type, 0, 0, 0);
	return ret < 0 ? ret : 0;
}

int xio3130_port_aer_init(struct hw_pci_fn *fn)
{
	int ret = hw_pcie_aer_init(fn, 2, XIO3130_AER_OFFSET, HW_PCI_ERR_SIZEOF, XIO3130_AER_LOG_MAX);
	return ret < 0 ? ret : 0;
}
