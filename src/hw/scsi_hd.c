/*
 * QEMU 7.2's "scsi-hd" (hw/scsi/scsi-disk.c) as a -device: its properties
 * (the SCSI device's channel, scsi-id and lun, the block properties, the
 * INQUIRY strings), the bus it plugs into (bus=ID.0 of a virtio-scsi
 * device, or the first SCSI bus qdev finds: QEMU's "No 'SCSI' bus found
 * for device 'scsi-hd'" when none), scsi_qdev_realize()'s placement and
 * scsi_realize()'s drive checks. The disk joins its controller's
 * description; hw/scsi_disk.c answers its commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/qdev_types.h"
#include "hw/virtio_qdev.h"
#include "hw/virtio_scsi_dev.h"
#include "hw/blkconf.h"

static const struct qdev_prop scsi_hd_props[] = {
	QDEV_ON_OFF_AUTO("account-failed", QDEV_AUTO, QDEV_NO_EFFECT),
	QDEV_ON_OFF_AUTO("account-invalid", QDEV_AUTO, QDEV_NO_EFFECT),
	QDEV_ON_OFF_AUTO("backend_defaults", QDEV_AUTO, QDEV_DEFAULT_ONLY),
	{ .name = "bootindex", .kind = QDEV_PROP_INT32, .type = "int32", .effect = QDEV_NO_EFFECT },
	QDEV_UINT32("channel", 0, QDEV_MODELLED),
	/* the geometry mode page is not among the model's pages */
	QDEV_UINT32("cyls", 0, QDEV_DEFAULT_ONLY),
	QDEV_STR("device_id", QDEV_DEFAULT_ONLY),
	QDEV_UINT("discard_granularity", QDEV_PROP_SIZE, "size", UINT32_MAX, QDEV_DEFAULT_ONLY),
	QDEV_BIT("dpofua", false, QDEV_DEFAULT_ONLY),
	{ .name = "drive", .kind = QDEV_PROP_STR, .type = "str",
	  .desc = "Node name or ID of a block device to use as a backend", .effect = QDEV_MODELLED },
	QDEV_UINT32("heads", 0, QDEV_DEFAULT_ONLY),
	/* BIOS translation hints: a SCSI disk never reports them */
	QDEV_UINT32("lcyls", 0, QDEV_NO_EFFECT),
	QDEV_UINT32("lheads", 0, QDEV_NO_EFFECT),
	BLKCONF_BLOCKSIZE_PROP("logical_block_size", QDEV_DEFAULT_ONLY),
	QDEV_UINT32("lsecs", 0, QDEV_NO_EFFECT),
	/* SCSIDevice's lun and scsi-id: UINT32_MAX (-1) lets the bus pick */
	QDEV_UINT32("lun", UINT32_MAX, QDEV_MODELLED),
	QDEV_UINT64("max_io_size", 2147483647, QDEV_DEFAULT_ONLY),
	QDEV_UINT64("max_unmap_size", 1073741824, QDEV_DEFAULT_ONLY),
	QDEV_UINT("min_io_size", QDEV_PROP_SIZE, "size", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT("opt_io_size", QDEV_PROP_SIZE, "size", 0, QDEV_DEFAULT_ONLY),
	BLKCONF_BLOCKSIZE_PROP("physical_block_size", QDEV_DEFAULT_ONLY),
	QDEV_UINT16("port_index", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT64("port_wwn", 0, QDEV_DEFAULT_ONLY),
	QDEV_STR("product", QDEV_MODELLED),
	QDEV_BIT("quirk_mode_page_vendor_specific_apple", false, QDEV_DEFAULT_ONLY),
	QDEV_BIT("removable", false, QDEV_DEFAULT_ONLY),
	BLKCONF_ON_ERROR_PROP("rerror"),
	QDEV_UINT16("rotation_rate", 0, QDEV_DEFAULT_ONLY),
	QDEV_UINT32("scsi-id", UINT32_MAX, QDEV_MODELLED),
	QDEV_INT32("scsi_version", 5, QDEV_DEFAULT_ONLY),
	QDEV_UINT32("secs", 0, QDEV_DEFAULT_ONLY),
	QDEV_STR("serial", QDEV_MODELLED),
	QDEV_BOOL("share-rw", false, QDEV_DEFAULT_ONLY),
	QDEV_STR("vendor", QDEV_MODELLED),
	QDEV_STR("ver", QDEV_MODELLED),
	BLKCONF_ON_ERROR_PROP("werror"),
	QDEV_ON_OFF_AUTO("write-cache", QDEV_AUTO, QDEV_DEFAULT_ONLY),
	QDEV_UINT64("wwn", 0, QDEV_DEFAULT_ONLY),
};

/* every virtio-scsi controller realized so far: on the PCI tree, then virt's transports */
static void collect(const struct hw_pci_bus *bus, struct virtio_scsi_conf **out, unsigned *n, unsigned max)
{
	for (int i = 0; bus && i < 256; i++) {
		const struct hw_pci_fn *fn = bus->fn[i];
		if (!fn)
			continue;
		if (fn->virtio && fn->virtio->scsi && *n < max)
			out[(*n)++] = fn->virtio->scsi;
		collect(fn->secondary, out, n, max);
	}
}

/*
 * qdev_device_add()'s bus: bus=NAME, else the first SCSI bus
 * qbus_find_recursive() meets, which walks each bus's devices newest first:
 * the newest controller. (Not modelled: a controller created on pcie.0 after
 * a root port wins over a newer one behind that port; here the newer one does.)
 */
static struct virtio_scsi_conf *scsi_bus_of(struct virt_build *b, const struct qdev *d)
{
	struct virtio_scsi_conf *all[64];
	unsigned n = 0;
	collect(b->m->pci_root, all, &n, ARRAY_SIZE(all));
	for (int i = 0; i < VIRT_MMIO_TRANSPORTS && n < ARRAY_SIZE(all); i++)
		if (b->m->mmio[i] && b->m->mmio[i]->scsi)
			all[n++] = b->m->mmio[i]->scsi;
	struct virtio_scsi_conf *pick = NULL;
	if (d->bus) {
		for (unsigned i = 0; i < n; i++)
			if (all[i]->bus_name && !strcmp(all[i]->bus_name, d->bus))
				return all[i];
		if (!strcmp(d->bus, "pcie.0") || idmap_get(&b->buses, d->bus)) {
			const struct hw_pci_bus *pb = !strcmp(d->bus, "pcie.0") ? b->m->pci_root :
						      idmap_get(&b->buses, d->bus);
			virt_fail(b, "Device '%s' can't go on %s bus", d->type->name, pb->is_express ? "PCIE" : "PCI");
		} else if (!strncmp(d->bus, "virtio-mmio-bus.", 16)) {
			virt_fail(b, "Device '%s' can't go on virtio-mmio-bus bus", d->type->name);
		} else {
			virt_fail(b, "Bus '%s' not found", d->bus);
		}
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		if (!pick || all[i]->seq > pick->seq)
			pick = all[i];
	if (!pick)
		virt_fail(b, "No 'SCSI' bus found for device '%s'", d->type->name);
	return pick;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *r = s ? strdup(s) : NULL;
	if (s && !r)
		*oom = true;
	return r;
}

static int scsi_hd_realize(struct virt_build *b, struct qdev *d)
{
	struct virtio_scsi_conf *c = scsi_bus_of(b, d);
	if (!c)
		return -EINVAL;
	const char *drive = qdev_str(d, "drive");
	struct virt_disk disk = { .drive = -1, .node = -1 };
	struct scsi_bus_info info = {
		.max_channel = VIRTIO_SCSI_MAX_CHANNEL, .max_target = VIRTIO_SCSI_MAX_TARGET,
		.max_lun = VIRTIO_SCSI_MAX_LUN, .tcq = true,
	};
	struct scsi_hd_conf h = {
		.id = d->id,
		.channel = (int)qdev_uint(d, "channel"),
		.scsi_id = (int)(u32)qdev_uint(d, "scsi-id"),
		.lun = (int)(u32)qdev_uint(d, "lun"),
	};
	char msg[160];
	/* scsi_qdev_realize() places the device before scsi_realize() looks at the drive */
	if (scsi_hd_place(&info, c->hd, c->nhd, &h, msg, sizeof(msg)))
		return virt_fail(b, "%s", msg);
	if (!drive)
		return virt_fail(b, "drive property not set");
	const char *serial = qdev_str(d, "serial");
	if (serial && strlen(serial) > 36)
		return virt_fail(b, "The serial number can't be longer than 36 characters");
	int ret = virt_claim_drive(b, "scsi-hd", drive, &disk);
	if (ret)
		return ret;
	if (!disk.file)
		return virt_fail(b, "Device needs media, but drive is empty");
	struct scsi_hd_conf *nh = realloc(c->hd, (c->nhd + 1) * sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	c->hd = nh;
	bool oom = false;
	h.id = dup_or_null(d->id, &oom);
	h.drive_file = dup_or_null(disk.file, &oom);
	/* blk_name(): a -drive's id; a -blockdev's backend is anonymous */
	h.drive_id = dup_or_null(disk.drive >= 0 ? drive : NULL, &oom);
	h.has_drive = true;
	h.readonly = disk.readonly;
	h.snapshot = disk.snapshot;
	h.serial = dup_or_null(qdev_str(d, "serial"), &oom);
	h.vendor = dup_or_null(qdev_str(d, "vendor"), &oom);
	h.product = dup_or_null(qdev_str(d, "product"), &oom);
	h.version = dup_or_null(qdev_str(d, "ver"), &oom);
	c->hd[c->nhd++] = h;
	return oom ? -ENOMEM : 0;
}

const struct hw_device_type scsi_hd_type = {
	.name = "scsi-hd",
	.bus = "SCSI",
	.desc = "virtual SCSI disk",
	.categories = 1u << QDEV_CAT_STORAGE,
	QDEV_PROPS(scsi_hd_props),
	.realize = scsi_hd_realize,
};
