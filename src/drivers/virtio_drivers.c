/*
 * The virtio device drivers the reference init loads: virtio_blk,
 * virtio_net, virtio_rng. They bind by virtio device ID.
 */
#include "drivers/drivers.h"
#include "drivers/virtio.h"

static const u32 blk_ids[] = { HW_VIRTIO_BLK, 0 };
static const u32 net_ids[] = { HW_VIRTIO_NET, 0 };
static const u32 rng_ids[] = { HW_VIRTIO_RNG, 0 };

struct virtio_driver virtio_blk_driver = {
	.driver = { .name = "virtio_blk", .bus = &virtio_bus, .module = "virtio_blk" },
	.ids = blk_ids,
};

struct virtio_driver virtio_net_driver = {
	.driver = { .name = "virtio_net", .bus = &virtio_bus, .module = "virtio_net" },
	.ids = net_ids,
};

struct virtio_driver virtio_rng_driver = {
	.driver = { .name = "virtio_rng", .bus = &virtio_bus, .module = "virtio_rng" },
	.ids = rng_ids,
};
