/*
 * The virtio device drivers the reference init loads besides virtio_blk
 * (virtio_blk.c): virtio_net and virtio_rng. They bind by virtio device ID;
 * what the model keeps of them is their feature tables (6.1), which decide
 * the negotiated features sysfs shows. Their queues are not modelled.
 */
#include "drivers/drivers.h"
#include "drivers/virtio.h"

/* VIRTNET_FEATURES of drivers/net/virtio_net.c */
#define VIRTNET_FEATURES \
	0 /* CSUM */, 1 /* GUEST_CSUM */, 5 /* MAC */, 11 /* HOST_TSO4 */, 14 /* HOST_UFO */, \
	12 /* HOST_TSO6 */, 13 /* HOST_ECN */, 7 /* GUEST_TSO4 */, 8 /* GUEST_TSO6 */, \
	9 /* GUEST_ECN */, 10 /* GUEST_UFO */, 15 /* MRG_RXBUF */, 16 /* STATUS */, \
	17 /* CTRL_VQ */, 18 /* CTRL_RX */, 19 /* CTRL_VLAN */, 21 /* GUEST_ANNOUNCE */, \
	22 /* MQ */, 23 /* CTRL_MAC_ADDR */, 3 /* MTU */, 2 /* CTRL_GUEST_OFFLOADS */, \
	63 /* SPEED_DUPLEX */, 62 /* STANDBY */, 60 /* RSS */, 57 /* HASH_REPORT */, \
	53 /* NOTF_COAL */

static const unsigned net_features[] = { VIRTNET_FEATURES };
/* a legacy device also gets GSO and ANY_LAYOUT */
static const unsigned net_features_legacy[] = { VIRTNET_FEATURES, 6 /* GSO */, VIRTIO_F_ANY_LAYOUT };

static const u32 net_ids[] = { HW_VIRTIO_NET, 0 };
static const u32 rng_ids[] = { HW_VIRTIO_RNG, 0 };

struct virtio_driver virtio_net_driver = {
	.driver = { .name = "virtio_net", .bus = &virtio_bus, .module = "virtio_net" },
	.ids = net_ids,
	.feature_table = net_features,
	.feature_table_size = ARRAY_SIZE(net_features),
	.feature_table_legacy = net_features_legacy,
	.feature_table_size_legacy = ARRAY_SIZE(net_features_legacy),
};

struct virtio_driver virtio_rng_driver = {
	.driver = { .name = "virtio_rng", .bus = &virtio_bus, .module = "virtio_rng" },
	.ids = rng_ids,
};
