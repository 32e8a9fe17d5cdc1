/*
 * QEMU 7.2's SCSI bus (hw/scsi/scsi-bus.c): device placement at realize,
 * device lookup, CDB parsing, the unit-attention gate and the target's own
 * emulation (INQUIRY and REQUEST SENSE for a LUN without a device, REPORT
 * LUNS for any LUN). The disk's own commands are in scsi_disk.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/scsi_bus.h"
#include "hw/scsi_disk.h"

struct scsi_disk *scsi_device_find(struct scsi_bus *bus, int channel, int id, int lun)
{
	struct scsi_disk *target_dev = NULL;
	/* QEMU walks the bus's children newest first; the last target match wins */
	for (unsigned i = bus->ndisks; i-- > 0;) {
		struct scsi_disk *d = &bus->disks[i];
		if (d->channel == channel && d->id == id) {
			if (d->lun == lun)
				return d;
			target_dev = d;
		}
	}
	return target_dev;
}

/* scsi_device_find() over confs already placed: index of the match, or -1 */
static int conf_find(const struct scsi_hd_conf *placed, unsigned n, int channel, int id, int lun)
{
	int target = -1;
	for (unsigned i = n; i-- > 0;) {
		if (placed[i].channel == channel && placed[i].scsi_id == id) {
			if (placed[i].lun == lun)
				return (int)i;
			target = (int)i;
		}
	}
	return target;
}

int scsi_hd_place(const struct scsi_bus_info *info, const struct scsi_hd_conf *placed, unsigned nplaced,
		  struct scsi_hd_conf *conf, char *err, size_t errlen)
{
	int channel = conf->channel, id = conf->scsi_id, lun = conf->lun;
	int f;
	if (channel < 0 || channel > info->max_channel) {
		snprintf(err, errlen, "bad scsi channel id: %d", channel);
		return -EINVAL;
	}
	if (id != -1 && (id < 0 || id > info->max_target)) {
		snprintf(err, errlen, "bad scsi device id: %d", id);
		return -EINVAL;
	}
	if (lun != -1 && (lun < 0 || lun > info->max_lun)) {
		snprintf(err, errlen, "bad scsi device lun: %d", lun);
		return -EINVAL;
	}
	if (id == -1) {
		/* the first target whose LUN is free */
		if (lun == -1)
			lun = 0;
		do {
			f = conf_find(placed, nplaced, channel, ++id, lun);
		} while (f >= 0 && placed[f].lun == lun && id < info->max_target);
		if (f >= 0 && placed[f].lun == lun) {
			snprintf(err, errlen, "no free target");
			return -EBUSY;
		}
	} else if (lun == -1) {
		do {
			f = conf_find(placed, nplaced, channel, id, ++lun);
		} while (f >= 0 && placed[f].lun == lun && lun < info->max_lun);
		if (f >= 0 && placed[f].lun == lun) {
			snprintf(err, errlen, "no free lun");
			return -EBUSY;
		}
	} else {
		f = conf_find(placed, nplaced, channel, id, lun);
		if (f >= 0 && placed[f].lun == lun) {
			snprintf(err, errlen, "lun already used by '%s'", placed[f].id ? placed[f].id : "(null)");
			return -EBUSY;
		}
	}
	conf->scsi_id = id;
	conf->lun = lun;
	return 0;
}

int scsi_bus_add_hd(struct scsi_bus *bus, const struct scsi_hd_conf *conf, char *err, size_t errlen)
{
	/* the devices on the bus, as the confs placement reads */
	struct scsi_hd_conf *placed = calloc(bus->ndisks + 1, sizeof(*placed));
	if (!placed)
		return -ENOMEM;
	for (unsigned i = 0; i < bus->ndisks; i++) {
		placed[i].channel = bus->disks[i].channel;
		placed[i].scsi_id = bus->disks[i].id;
		placed[i].lun = bus->disks[i].lun;
		placed[i].id = bus->disks[i].qdev_id[0] ? bus->disks[i].qdev_id : NULL;
	}
	struct scsi_hd_conf c = *conf;
	int ret = scsi_hd_place(&bus->info, placed, bus->ndisks, &c, err, errlen);
	free(placed);
	if (ret)
		return ret;
	struct scsi_disk *d;
	struct scsi_disk *nd = realloc(bus->disks, (bus->ndisks + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	bus->disks = nd;
	d = &bus->disks[bus->ndisks];
	memset(d, 0, sizeof(*d));
	d->channel = c.channel;
	d->id = c.scsi_id;
	d->lun = c.lun;
	ret = scsi_disk_realize(d, conf, err, errlen);
	if (ret)
		return ret;
	bus->ndisks++;
	return 0;
}

void scsi_bus_free(struct scsi_bus *bus)
{
	for (unsigned i = 0; i < bus->ndisks; i++)
		scsi_disk_unrealize(&bus->disks[i]);
	free(bus->disks);
	bus->disks = NULL;
	bus->ndisks = 0;
}

void scsi_bus_reset(struct scsi_bus *bus)
{
	/* SENSE_CODE(RESET): power on, reset, or bus device reset occurred */
	for (unsigned i = 0; i < bus->ndisks; i++) {
		bus->disks[i].ua_key = SCSI_SENSE_UNIT_ATTENTION;
		bus->disks[i].ua_asc = 0x29;
		bus->disks[i].ua_ascq = 0x00;
	}
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 be64(const u8 *p)
{
	return (u64)be32(p) << 32 | be32(p + 4);
}

/* scsi_cdb_length(): by the opcode's group */
static int cdb_length(u8 op)
{
	switch (op >> 5) {
	case 0: return 6;
	case 1:
	case 2: return 10;
	case 4: return 16;
	case 5: return 12;
	default: return -1;
	}
}

int scsi_cdb_parse(const u8 *cdb, unsigned buflen, u32 blocksize, struct scsi_cdb_info *info)
{
	memset(info, 0, sizeof(*info));
	if (!buflen)
		return -EINVAL;
	int len = cdb_length(cdb[0]);
	if (len < 0 || (unsigned)len > buflen)
		return -EINVAL;
	info->len = (unsigned)len;
	/* scsi_req_xfer(): the allocation or transfer length field of each group */
	switch (cdb[0] >> 5) {
	case 0:
		info->xfer = cdb[4];
		break;
	case 1:
	case 2:
		info->xfer = (size_t)cdb[7] << 8 | cdb[8];
		break;
	case 4:
		info->xfer = be32(cdb + 10);
		break;
	case 5:
		info->xfer = be32(cdb + 6);
		break;
	}
	switch (cdb[0]) {
	case TEST_UNIT_READY:
	case START_STOP:
	case ALLOW_MEDIUM_REMOVAL:
	case SYNCHRONIZE_CACHE:
	case SYNCHRONIZE_CACHE_16:
	case VERIFY_10:
		info->xfer = 0;
		break;
	case READ_6:
	case WRITE_6:
		/* a 6-byte READ/WRITE of length 0 moves 256 blocks */
		info->xfer = cdb[4] ? cdb[4] : 256;
		info->lba = ((u64)(cdb[1] & 0x1f) << 16 | (u64)cdb[2] << 8 | cdb[3]);
		info->xfer *= blocksize;
		break;
	case READ_10:
	case WRITE_10:
		info->lba = be32(cdb + 2);
		info->xfer *= blocksize;
		break;
	case READ_12:
	case WRITE_12:
		info->lba = be32(cdb + 2);
		info->xfer *= blocksize;
		break;
	case READ_16:
	case WRITE_16:
		info->lba = be64(cdb + 2);
		info->xfer *= blocksize;
		break;
	case INQUIRY:
		info->xfer = (size_t)cdb[3] << 8 | cdb[4];
		break;
	case READ_CAPACITY_10:
		info->xfer = 8;
		break;
	case SERVICE_ACTION_IN_16:
	case REPORT_LUNS:
		break;
	}
	/* scsi_cmd_xfer_mode(): which way the data goes */
	if (!info->xfer) {
		info->mode = SCSI_XFER_NONE;
		return 0;
	}
	switch (cdb[0]) {
	case WRITE_6:
	case WRITE_10:
	case WRITE_12:
	case WRITE_16:
	case MODE_SELECT:
		info->mode = SCSI_XFER_TO_DEV;
		break;
	default:
		info->mode = SCSI_XFER_FROM_DEV;
		break;
	}
	return 0;
}

void scsi_set_sense(struct scsi_result *res, u8 key, u8 asc, u8 ascq)
{
	/* scsi_build_sense(): fixed format, current error */
	res->status = SAM_STAT_CHECK_CONDITION;
	memset(res->sense, 0, sizeof(res->sense));
	res->sense[0] = 0x70;
	res->sense[2] = key;
	res->sense[7] = 10;
	res->sense[12] = asc;
	res->sense[13] = ascq;
	res->sense_len = SCSI_SENSE_LEN;
}

static void put_data(struct scsi_result *res, u8 *data_in, size_t in_cap, size_t xfer, const u8 *buf,
		     size_t len)
{
	size_t n = MIN(MIN(len, xfer), in_cap);
	if (n)
		memcpy(data_in, buf, n);
	res->data_len = n;
}

static void store_lun(u8 *p, int lun)
{
	memset(p, 0, 8);
	if (lun < 256) {
		p[1] = (u8)lun;
	} else {
		p[0] = (u8)(0x40 | ((lun >> 8) & 0x3f));
		p[1] = (u8)lun;
	}
}

/* scsi_target_emulate_report_luns(): LUN 0 first, then the target's others, newest first */
static bool report_luns(struct scsi_bus *bus, const struct scsi_disk *d, const u8 *cdb, size_t xfer,
			struct scsi_result *res, u8 *data_in, size_t in_cap)
{
	if (xfer < 16 || cdb[2] > 2)
		return false;
	size_t n = 1;
	for (unsigned i = 0; i < bus->ndisks; i++)
		if (bus->disks[i].channel == d->channel && bus->disks[i].id == d->id && bus->disks[i].lun)
			n++;
	u8 *buf = calloc(8 + 8 * n, 1);
	if (!buf) {
		scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x24, 0);
		return true;
	}
	size_t off = 16;	/* header, then LUN 0 */
	for (unsigned i = bus->ndisks; i-- > 0;) {
		const struct scsi_disk *o = &bus->disks[i];
		if (o->channel == d->channel && o->id == d->id && o->lun) {
			store_lun(buf + off, o->lun);
			off += 8;
		}
	}
	u32 list = (u32)(off - 8);
	buf[0] = (u8)(list >> 24);
	buf[1] = (u8)(list >> 16);
	buf[2] = (u8)(list >> 8);
	buf[3] = (u8)list;
	put_data(res, data_in, in_cap, xfer, buf, off);
	free(buf);
	return true;
}

/* scsi_target_emulate_inquiry(): a LUN without a device */
static bool target_inquiry(int lun, const u8 *cdb, size_t xfer, struct scsi_result *res, u8 *data_in,
			   size_t in_cap, bool tcq)
{
	u8 buf[SCSI_MAX_INQUIRY_LEN] = { 0 };
	size_t len;
	if (cdb[1] & 0x1) {
		/* only the supported-pages list */
		if (cdb[2] != 0x00)
			return false;
		buf[0] = lun ? TYPE_NO_LUN : TYPE_INACTIVE | TYPE_NOT_PRESENT;
		buf[1] = 0x00;
		buf[3] = 1;
		buf[4] = 0x00;
		len = 5;
	} else {
		if (cdb[2] != 0)
			return false;
		len = MIN(xfer, (size_t)SCSI_MAX_INQUIRY_LEN);
		if (lun) {
			buf[0] = TYPE_NO_LUN;
		} else {
			buf[0] = TYPE_NOT_PRESENT | TYPE_INACTIVE;
			memcpy(buf + 8, "QEMU    ", 8);
			memcpy(buf + 16, "QEMU TARGET     ", 16);
			memcpy(buf + 32, "2.5+", 4);
			buf[2] = 5;
			buf[3] = 2 | 0x10;
			buf[4] = (u8)(len > 36 ? len - 5 : 36 - 5);
			buf[7] = 0x10 | (tcq ? 0x02 : 0);
		}
	}
	put_data(res, data_in, in_cap, xfer, buf, len);
	return true;
}

void scsi_req_run(struct scsi_bus *bus, struct scsi_disk *d, int lun, const u8 *cdb, unsigned cdb_len,
		  const u8 *data_out, size_t out_len, u8 *data_in, size_t in_cap, struct scsi_result *res)
{
	memset(res, 0, sizeof(*res));
	res->status = SAM_STAT_GOOD;
	d->commands++;
	struct scsi_cdb_info info;
	if (scsi_cdb_parse(cdb, cdb_len, d->blocksize, &info)) {
		/* reqops_invalid_opcode */
		scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x20, 0x00);
		return;
	}
	u8 op = cdb[0];
	/* a pending unit attention answers everything but INQUIRY, REPORT LUNS and a REQUEST SENSE with sense */
	if (d->ua_key == SCSI_SENSE_UNIT_ATTENTION && op != INQUIRY && op != REPORT_LUNS &&
	    !(op == REQUEST_SENSE && d->sense_len)) {
		struct scsi_result ua;
		scsi_set_sense(&ua, d->ua_key, d->ua_asc, d->ua_ascq);
		d->ua_key = 0;
		if (op == REQUEST_SENSE) {
			put_data(res, data_in, in_cap, info.xfer, ua.sense, ua.sense_len);
			return;
		}
		*res = ua;
		memcpy(d->sense, res->sense, res->sense_len);
		d->sense_len = res->sense_len;
		return;
	}
	if (lun != d->lun || op == REPORT_LUNS || (op == REQUEST_SENSE && d->sense_len)) {
		/* reqops_target_command */
		bool ok;
		switch (op) {
		case REPORT_LUNS:
			ok = report_luns(bus, d, cdb, info.xfer, res, data_in, in_cap);
			break;
		case INQUIRY:
			ok = target_inquiry(lun, cdb, info.xfer, res, data_in, in_cap, bus->info.tcq);
			break;
		case REQUEST_SENSE: {
			u8 sense[SCSI_SENSE_LEN] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };
			if (lun == d->lun && d->sense_len) {
				memcpy(sense, d->sense, d->sense_len);
				d->sense_len = 0;
			} else if (lun != d->lun) {
				/* SENSE_CODE(LUN_NOT_SUPPORTED) */
				sense[2] = SCSI_SENSE_ILLEGAL_REQUEST;
				sense[12] = 0x25;
			}
			put_data(res, data_in, in_cap, info.xfer, sense, sizeof(sense));
			ok = true;
			break;
		}
		case TEST_UNIT_READY:
			ok = true;
			break;
		default:
			/* SENSE_CODE(LUN_NOT_SUPPORTED) */
			scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x25, 0x00);
			ok = true;
			break;
		}
		if (!ok)
			scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	scsi_disk_emulate(d, cdb, &info, data_out, out_len, data_in, in_cap, bus->info.tcq, res);
	/* scsi_req_complete(): the device keeps the last command's sense, or none */
	d->sense_len = 0;
	if (res->status == SAM_STAT_CHECK_CONDITION) {
		memcpy(d->sense, res->sense, res->sense_len);
		d->sense_len = res->sense_len;
	}
}
