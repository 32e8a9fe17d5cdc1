/*
 * QEMU 7.2's "virtio-blk-device" (hw/block/virtio-blk.c): the block device
 * on a virtio bus, either transport's. Its realize claims the drive, sizes
 * the queues and checks the block sizes as virtio_blk_device_realize and
 * blkconf_blocksizes do; hw/virtio_blk_dev.c serves the requests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/qdev_types.h"
#include "hw/virtio_qdev.h"
#include "hw/blkconf.h"

#define VIRTIO_BLK_AUTO_NUM_QUEUES UINT16_MAX
#define BDRV_SECTOR_SIZE 512

static const struct qdev_prop virtio_blk_device_props[] = {
	/* I/O accounting of the QEMU block layer */
	QDEV_ON_OFF_AUTO("account-failed", QDEV_AUTO, QDEV_NO_EFFECT),
	QDEV_ON_OFF_AUTO("account-invalid", QDEV_AUTO, QDEV_NO_EFFECT),
	/* block sizes probed from a host device: not modelled */
	QDEV_ON_OFF_AUTO("backend_defaults", QDEV_AUTO, QDEV_DEFAULT_ONLY),
	/* firmware boot order */
	{ .name = "bootindex", .kind = QDEV_PROP_INT32, .type = "int32", .effect = QDEV_NO_EFFECT },
	/* feature bits and config fields Linux reads */
	QDEV_BIT("config-wce", true, QDEV_MODELLED),
	QDEV_UINT32("cyls", 0, QDEV_DEFAULT_ONLY),
	QDEV_BIT("discard", true, QDEV_MODELLED),
	QDEV_UINT("discard_granularity", QDEV_PROP_SIZE, "size", UINT32_MAX, QDEV_DEFAULT_ONLY),
	{ .name = "drive", .kind = QDEV_PROP_STR, .type = "str",
	  .desc = "Node name or ID of a block device to use as a backend", .effect = QDEV_MODELLED },
	QDEV_UINT32("heads", 0, QDEV_DEFAULT_ONLY),
	QDEV_LINK("iothread", "link<iothread>", "iothread", QDEV_NO_EFFECT),
	/* BIOS translation hints: virtio-blk never uses them */
	QDEV_UINT32("lcyls", 0, QDEV_NO_EFFECT),
	QDEV_UINT32("lheads", 0, QDEV_NO_EFFECT),
	BLKCONF_BLOCKSIZE_PROP("logical_block_size", QDEV_MODELLED),
	QDEV_UINT32("lsecs", 0, QDEV_NO_EFFECT),
	QDEV_UINT32("max-discard-sectors", 4194303, QDEV_DEFAULT_ONLY),
	QDEV_UINT32("max-write-zeroes-sectors", 4194303, QDEV_DEFAULT_ONLY),
	QDEV_UINT("min_io_size", QDEV_PROP_SIZE, "size", 0, QDEV_MODELLED),
	QDEV_UINT16("num-queues", VIRTIO_BLK_AUTO_NUM_QUEUES, QDEV_MODELLED),
	QDEV_UINT("opt_io_size", QDEV_PROP_SIZE, "size", 0, QDEV_MODELLED),
	BLKCONF_BLOCKSIZE_PROP("physical_block_size", QDEV_MODELLED),
	QDEV_UINT16("queue-size", 256, QDEV_MODELLED),
	QDEV_BOOL("report-discard-granularity", true, QDEV_DEFAULT_ONLY),
	/* QEMU merges requests on the host side only */
	QDEV_BIT("request-merging", true, QDEV_NO_EFFECT),
	BLKCONF_ON_ERROR_PROP("rerror"),
	QDEV_BIT("scsi", false, QDEV_DEFAULT_ONLY),
	QDEV_UINT32("secs", 0, QDEV_DEFAULT_ONLY),
	QDEV_BOOL("seg-max-adjust", true, QDEV_MODELLED),
	/* /sys/block/vdX/serial shows it */
	QDEV_STR("serial", QDEV_DEFAULT_ONLY),
	/* lets two devices write one node: the conflict check is modelled without it */
	QDEV_BOOL("share-rw", false, QDEV_DEFAULT_ONLY),
	BLKCONF_ON_ERROR_PROP("werror"),
	/* auto: the drive's cache mode, writeback */
	QDEV_ON_OFF_AUTO("write-cache", QDEV_AUTO, QDEV_MODELLED),
	QDEV_BIT("write-zeroes", true, QDEV_MODELLED),
	QDEV_BOOL("x-enable-wce-if-config-wce", true, QDEV_NO_EFFECT),
};

static int virtio_blk_device_realize(struct virt_build *b, struct qdev *d, struct hw_virtio *v)
{
	const char *drive = qdev_str(d, "drive");
	struct virt_disk disk;
	u64 nq, qs;
	int ret;

	if (!drive)
		return virt_fail(b, "drive property not set");
	ret = virt_claim_drive(b, "virtio-blk-device", drive, &disk);
	if (ret)
		return ret;
	if (!disk.file)
		return virt_fail(b, "Device needs media, but drive is empty");
	v->drive_file = strdup(disk.file);
	if (!v->drive_file)
		return -ENOMEM;
	v->drive_readonly = disk.readonly;
	v->drive_snapshot = disk.snapshot;
	/* num-queues auto: virtio-pci resolved it already (one per vCPU); virtio-mmio has 1 */
	nq = qdev_uint(d, "num-queues");
	if (nq == VIRTIO_BLK_AUTO_NUM_QUEUES)
		nq = 1;
	if (!nq)
		return virt_fail(b, "num-queues property must be larger than 0");
	qs = qdev_uint(d, "queue-size");
	if (qs <= 2)
		return virt_fail(b, "invalid queue-size property (%u), must be > 2", (unsigned)qs);
	if ((qs & (qs - 1)) || qs > VIRTQUEUE_MAX_SIZE)
		return virt_fail(b, "invalid queue-size property (%u), must be a power of 2 (max %d)",
				 (unsigned)qs, VIRTQUEUE_MAX_SIZE);
	ret = blkconf_blocksizes(b, d);
	if (ret)
		return ret;
	/* feature properties: VIRTIO_BLK_F_CONFIG_WCE (11), DISCARD (13), WRITE_ZEROES (14) */
	v->features_off |= (qdev_bool(d, "config-wce") ? 0 : BIT(11)) |
			   (qdev_bool(d, "discard") ? 0 : BIT(13)) |
			   (qdev_bool(d, "write-zeroes") ? 0 : BIT(14));
	v->write_cache_off = qdev_enum(d, "write-cache") == QDEV_OFF;
	v->logical_block_size = (u32)qdev_uint(d, "logical_block_size");
	v->physical_block_size = (u32)qdev_uint(d, "physical_block_size");
	v->min_io_size = (u32)qdev_uint(d, "min_io_size");
	v->opt_io_size = (u32)qdev_uint(d, "opt_io_size");
	v->num_queues = (u32)nq;
	v->queue_size = (u32)qs;
	/* seg-max-adjust (default on since 5.0): seg_max = queue_size - 2 */
	v->seg_max = qdev_bool(d, "seg-max-adjust") ? v->queue_size - 2 : 128 - 2;
	return 0;
}

const struct hw_device_type virtio_blk_device_type = {
	.name = "virtio-blk-device",
	.parent = &virtio_device_type,
	.bus = "virtio-bus",
	.categories = 1u << QDEV_CAT_STORAGE,
	QDEV_PROPS(virtio_blk_device_props),
	.realize = virtio_mmio_qdev_realize,
	.virtio_id = HW_VIRTIO_BLK,
	.virtio_realize = virtio_blk_device_realize,
};
