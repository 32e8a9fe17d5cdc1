/*
 * virtio_net (drivers/net/virtio_net.c, 6.1), as far as the model goes: its
 * feature table, which decides the negotiated features sysfs shows, and the
 * queues virtnet_probe sets up (rx and tx of one pair with their callbacks,
 * the control queue without: so 3 MSI-X vectors). No packets move: the
 * interface is never brought up, so no receive buffers are posted.
 * virtio_rng is in virtio_rng.c, virtio_blk in virtio_blk.c.
 */
#include <errno.h>
#include "drivers/drivers.h"
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"

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

#define VIRTIO_NET_F_CTRL_VQ 17

/* skb_recv_done / skb_xmit_done: nothing is ever posted, so nothing to take */
static void skb_recv_done(struct virtqueue *vq)
{
	(void)vq;
}

static void skb_xmit_done(struct virtqueue *vq)
{
	(void)vq;
}

/* virtnet_probe() -> init_vqs() -> virtnet_find_vqs(): one pair, then the control queue */
static int virtnet_probe(struct virtio_device *vdev)
{
	if (!vdev->config)
		return -EINVAL;
	struct virtqueue *vqs[3] = { NULL };
	vq_callback_t *callbacks[3] = { skb_recv_done, skb_xmit_done, NULL };
	const char *const names[3] = { "input.0", "output.0", "control" };
	unsigned nvqs = virtio_has_feature(vdev, VIRTIO_NET_F_CTRL_VQ) ? 3 : 2;
	return vdev->config->find_vqs(vdev, nvqs, vqs, callbacks, names);
}

/* virtnet_remove(): reset, then the queues go */
static void virtnet_remove(struct virtio_device *vdev)
{
	vdev->config->set_status(vdev, 0);
	vdev->config->del_vqs(vdev);
}

struct virtio_driver virtio_net_driver = {
	.driver = { .name = "virtio_net", .bus = &virtio_bus },
	.ids = net_ids,
	.feature_table = net_features,
	.feature_table_size = ARRAY_SIZE(net_features),
	.feature_table_legacy = net_features_legacy,
	.feature_table_size_legacy = ARRAY_SIZE(net_features_legacy),
	.probe = virtnet_probe,
	.remove = virtnet_remove,
};
