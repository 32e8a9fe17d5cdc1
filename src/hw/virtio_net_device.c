/*
 * QEMU 7.2's "virtio-net-device" (hw/net/virtio-net.c): the NIC on a virtio
 * bus. Its feature bits are properties; the model offers QEMU's defaults
 * and refuses other values. Realize claims the netdev.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/qdev_types.h"
#include "hw/virtio_qdev.h"
#include "hw/nic_models.h"

#define NET_FEATURE(n, d) QDEV_BIT(n, d, QDEV_DEFAULT_ONLY)

static const struct qdev_prop virtio_net_device_props[] = {
	{ .name = "bootindex", .kind = QDEV_PROP_INT32, .type = "int32", .effect = QDEV_NO_EFFECT },
	NET_FEATURE("csum", true),
	NET_FEATURE("ctrl_guest_offloads", true),
	NET_FEATURE("ctrl_mac_addr", true),
	NET_FEATURE("ctrl_rx", true),
	NET_FEATURE("ctrl_rx_extra", true),
	NET_FEATURE("ctrl_vlan", true),
	NET_FEATURE("ctrl_vq", true),
	/* VIRTIO_NET_F_SPEED_DUPLEX's config */
	QDEV_STR("duplex", QDEV_DEFAULT_ONLY),
	/* VIRTIO_NET_F_STANDBY */
	QDEV_BOOL("failover", false, QDEV_DEFAULT_ONLY),
	NET_FEATURE("gso", true),
	NET_FEATURE("guest_announce", true),
	NET_FEATURE("guest_csum", true),
	NET_FEATURE("guest_ecn", true),
	NET_FEATURE("guest_rsc_ext", false),
	NET_FEATURE("guest_tso4", true),
	NET_FEATURE("guest_tso6", true),
	NET_FEATURE("guest_ufo", true),
	NET_FEATURE("hash", false),
	NET_FEATURE("host_ecn", true),
	QDEV_UINT16("host_mtu", 0, QDEV_DEFAULT_ONLY),
	NET_FEATURE("host_tso4", true),
	NET_FEATURE("host_tso6", true),
	NET_FEATURE("host_ufo", true),
	/* the address the guest's driver reads: no answer of the model shows it */
	{ .name = "mac", .kind = QDEV_PROP_MACADDR, .type = "str",
	  .desc = "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56",
	  .effect = QDEV_NO_EFFECT },
	NET_FEATURE("mq", false),
	NET_FEATURE("mrg_rxbuf", true),
	{ .name = "netdev", .kind = QDEV_PROP_STR, .type = "str",
	  .desc = "ID of a netdev to use as a backend", .effect = QDEV_MODELLED },
	/* host-side timers and batching */
	QDEV_UINT32("rsc_interval", 300000, QDEV_NO_EFFECT),
	NET_FEATURE("rss", false),
	QDEV_UINT16("rx_queue_size", 256, QDEV_DEFAULT_ONLY),
	QDEV_INT32("speed", -1, QDEV_DEFAULT_ONLY),
	NET_FEATURE("status", true),
	QDEV_STR("tx", QDEV_NO_EFFECT),
	QDEV_UINT16("tx_queue_size", 256, QDEV_DEFAULT_ONLY),
	QDEV_BOOL("x-mtu-bypass-backend", true, QDEV_NO_EFFECT),
	QDEV_INT32("x-txburst", 256, QDEV_NO_EFFECT),
	QDEV_UINT32("x-txtimer", 150000, QDEV_NO_EFFECT),
};

static int virtio_net_device_realize(struct virt_build *b, struct qdev *d, struct hw_virtio *v)
{
	const char *netdev = qdev_str(d, "netdev");
	int ret;

	if (netdev) {
		ret = virt_claim_netdev(b, "virtio-net-device", netdev);
		if (ret)
			return ret;
		v->netdev = strdup(netdev);
		if (!v->netdev)
			return -ENOMEM;
	}
	v->queue_size = 256;
	/* the device's MAC (its config space, which the model does not keep) takes one */
	unsigned char mac[6];
	nic_macaddr(b, d, mac);
	return 0;
}

const struct hw_device_type virtio_net_device_type = {
	.name = "virtio-net-device",
	.parent = &virtio_device_type,
	.bus = "virtio-bus",
	.categories = 1u << QDEV_CAT_NETWORK,
	QDEV_PROPS(virtio_net_device_props),
	.realize = virtio_mmio_qdev_realize,
	.virtio_id = HW_VIRTIO_NET,
	.virtio_realize = virtio_net_device_realize,
};
