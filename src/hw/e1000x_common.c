/* The e1000 family's shared realize start; see e1000x_common.h. */
#include <errno.h>
#include "hw/e1000x_common.h"
#include "hw/nic_models.h"

#define PCI_CLASS_NETWORK_ETHERNET_PROGIF 0x020000

int e1000x_realize_start(struct virt_build *b, const struct qdev *d, u16 device,
			 struct hw_pci_bus **bus, struct hw_pci_fn **fn)
{
	const char *netdev = qdev_str(d, "netdev");
	int ret;

	*bus = virt_pci_bus_of(b, d);
	if (!*bus)
		return -EINVAL;
	/* the netdev property is set (and checked) before realize */
	if (netdev) {
		ret = virt_claim_netdev(b, d->type->name, netdev);
		if (ret)
			return ret;
	}
	*fn = pci_qdev_endpoint_fn_new(d, PCI_VENDOR_ID_INTEL, device, PCI_CLASS_NETWORK_ETHERNET_PROGIF);
	if (!*fn)
		return -ENOMEM;
	(*fn)->intx_pin = 1;
	nic_macaddr(b, d, (*fn)->macaddr);
	return 0;
}
