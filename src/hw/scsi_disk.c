/*
 * QEMU 7.2's scsi-hd: a direct-access device over a raw drive (a file, or
 * QEMU's null-co driver: hw/blk_backend.h). INQUIRY (standard data and the VPD pages scsi-disk has for a
 * disk), READ CAPACITY(10/16), MODE SENSE(6/10), TEST UNIT READY,
 * START STOP UNIT, SYNCHRONIZE CACHE, READ/WRITE(6/10/12/16) answered as
 * scsi_disk_emulate_command() and scsi_disk_dma_command() answer them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/scsi_disk.h"

/* DEFAULT_DISCARD_GRANULARITY: non-zero, so the disk reports thin provisioning */
#define DEFAULT_DISCARD_GRANULARITY 4096

static void strpad(char *dst, const char *src, size_t n)
{
	size_t l = strlen(src);
	memset(dst, ' ', n);
	memcpy(dst, src, MIN(l, n));
}

static void put_be(u8 *p, u64 v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (u8)v;
}

int scsi_disk_realize(struct scsi_disk *d, const struct scsi_hd_conf *conf, char *err, size_t errlen)
{
	if (!conf->has_drive) {
		snprintf(err, errlen, "drive property not set");
		return -EINVAL;
	}
	snprintf(d->qdev_id, sizeof(d->qdev_id), "%s", conf->id ? conf->id : "");
	snprintf(d->drive_name, sizeof(d->drive_name), "%s", conf->drive_id ? conf->drive_id : "");
	d->blocksize = BDRV_SECTOR_SIZE;
	int ret = blk_backend_open(&d->blk, conf->drive_file, conf->readonly, conf->snapshot, err, errlen);
	if (ret)
		return ret;
	snprintf(d->vendor, sizeof(d->vendor), "%s", conf->vendor ? conf->vendor : "QEMU");
	snprintf(d->product, sizeof(d->product), "%s", conf->product ? conf->product : "QEMU HARDDISK");
	snprintf(d->version, sizeof(d->version), "%s", conf->version ? conf->version : "2.5+");
	snprintf(d->serial, sizeof(d->serial), "%s", conf->serial ? conf->serial : "");
	/* a new device starts with the power-on/reset unit attention */
	d->ua_key = SCSI_SENSE_UNIT_ATTENTION;
	d->ua_asc = 0x29;
	d->ua_ascq = 0x00;
	return 0;
}

void scsi_disk_unrealize(struct scsi_disk *d)
{
	blk_backend_close(&d->blk);
}

/* blocks of blocksize the drive holds */
static u64 nb_blocks(const struct scsi_disk *d)
{
	return d->blk.total_sectors / (d->blocksize / BDRV_SECTOR_SIZE);
}

/* scsi_disk_emulate_vpd_page(): -1 for a page a disk does not have */
static int vpd_page(const struct scsi_disk *d, u8 page, u8 *buf)
{
	int n = 0;
	buf[n++] = TYPE_DISK;
	buf[n++] = page;
	buf[n++] = 0;
	buf[n++] = 0;
	int start = n;
	switch (page) {
	case 0x00:
		buf[n++] = 0x00;
		if (d->serial[0])
			buf[n++] = 0x80;
		buf[n++] = 0x83;
		buf[n++] = 0xb0;
		buf[n++] = 0xb1;
		buf[n++] = 0xb2;
		break;
	case 0x80: {
		if (!d->serial[0])
			return -1;
		size_t l = MIN(strlen(d->serial), (size_t)36);
		memcpy(buf + n, d->serial, l);
		n += (int)l;
		break;
	}
	case 0x83: {
		/* device_id: the serial's first 20 characters, else the drive's name */
		const char *id = d->serial[0] ? d->serial : d->drive_name;
		size_t l = MIN(strlen(id), d->serial[0] ? (size_t)20 : (size_t)(255 - 8));
		if (l) {
			buf[n++] = 0x2;	/* ASCII */
			buf[n++] = 0;	/* not officially assigned */
			buf[n++] = 0;
			buf[n++] = (u8)l;
			memcpy(buf + n, id, l);
			n += (int)l;
		}
		break;
	}
	case 0xb0:
		/* block limits: 0x3c bytes; unmap granularity in blocks */
		memset(buf + n, 0, 0x3c);
		put_be(buf + 4 + 24, DEFAULT_DISCARD_GRANULARITY / d->blocksize, 4);
		n += 0x3c;
		break;
	case 0xb1:
		/* block device characteristics: no rotation rate given */
		memset(buf + n, 0, 0x3c);
		n += 0x3c;
		break;
	case 0xb2:
		/* logical block provisioning: UNMAP and WRITE SAME(16/10) unmapping, thin */
		buf[n++] = 0;
		buf[n++] = 0xe0;
		buf[n++] = 1;
		buf[n++] = 0;
		break;
	default:
		return -1;
	}
	put_be(buf + 2, (u64)(n - start), 2);
	return n;
}

/* the standard INQUIRY data of scsi_disk_emulate_inquiry() */
static int std_inquiry(const struct scsi_disk *d, size_t xfer, bool tcq, u8 *buf)
{
	size_t len = MIN(xfer, (size_t)SCSI_MAX_INQUIRY_LEN);
	memset(buf, 0, SCSI_MAX_INQUIRY_LEN);
	buf[0] = TYPE_DISK;
	buf[1] = 0;	/* not removable */
	strpad((char *)buf + 16, d->product, 16);
	strpad((char *)buf + 8, d->vendor, 8);
	memcpy(buf + 32, d->version, MIN(strlen(d->version), (size_t)4));
	buf[2] = 5;		/* scsi_version: SPC-3 */
	buf[3] = 2 | 0x10;	/* response data format 2, HiSup */
	/* a short allocation length leaves the additional length for 36 bytes */
	buf[4] = (u8)(len > 36 ? len - 5 : 36 - 5);
	buf[7] = 0x10 | (tcq ? 0x02 : 0);	/* sync, CmdQue */
	return (int)len;
}

/* mode pages: r/w error recovery (0x01), caching (0x08), control (0x0a) */
static int mode_page(u8 page, u8 *p)
{
	switch (page) {
	case 0x01:
		memset(p, 0, 12);
		p[0] = 0x01;
		p[1] = 10;
		p[2] = 0x80;	/* AWRE */
		return 12;
	case 0x08:
		memset(p, 0, 20);
		p[0] = 0x08;
		p[1] = 18;
		p[2] = 0x04;	/* WCE: cache=writeback */
		return 20;
	case 0x0a:
		memset(p, 0, 12);
		p[0] = 0x0a;
		p[1] = 10;
		return 12;
	default:
		return -1;
	}
}

static int mode_sense(const struct scsi_disk *d, const u8 *cdb, u8 *buf)
{
	bool ten = cdb[0] == MODE_SENSE_10;
	bool dbd = cdb[1] & 0x08;
	u8 page = cdb[2] & 0x3f;
	u8 pc = cdb[2] >> 6;
	if (pc == 3)	/* saved values */
		return -2;
	int hdr = ten ? 8 : 4;
	memset(buf, 0, 512);
	u8 dev_specific = (u8)((d->blk.readonly ? 0x80 : 0) | 0x10);	/* WP, DPOFUA */
	buf[ten ? 3 : 2] = dev_specific;
	int n = hdr;
	if (!dbd) {
		u64 nb = nb_blocks(d);
		if (nb > 0xffffff)
			nb = 0;
		buf[ten ? 7 : 3] = 8;
		put_be(buf + n + 1, nb, 3);
		put_be(buf + n + 5, d->blocksize, 3);
		n += 8;
	}
	if (page == 0x3f) {
		static const u8 all[] = { 0x01, 0x08, 0x0a };
		for (size_t i = 0; i < ARRAY_SIZE(all); i++)
			n += mode_page(all[i], buf + n);
	} else {
		int l = mode_page(page, buf + n);
		if (l < 0)
			return -1;
		n += l;
	}
	/* changeable values: none */
	if (pc == 1)
		memset(buf + hdr + (dbd ? 0 : 8) + 2, 0, (size_t)(n - hdr - (dbd ? 0 : 8) - 2));
	if (ten)
		put_be(buf, (u64)(n - 2), 2);
	else
		buf[0] = (u8)(n - 1);
	return n;
}

static void rw(struct scsi_disk *d, bool write, const struct scsi_cdb_info *info, const u8 *data_out,
	       size_t out_len, u8 *data_in, size_t in_cap, struct scsi_result *res)
{
	u64 nblocks = info->xfer / d->blocksize;
	/* check_lba_range() */
	if (info->lba > nb_blocks(d) || nblocks > nb_blocks(d) - info->lba) {
		scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x21, 0x00);
		return;
	}
	u64 off = info->lba * d->blocksize;
	if (write) {
		if (d->blk.readonly) {
			scsi_set_sense(res, SCSI_SENSE_DATA_PROTECT, 0x27, 0x00);
			return;
		}
		size_t len = MIN(info->xfer, out_len);
		if (blk_backend_write(&d->blk, off, data_out, len)) {
			scsi_set_sense(res, SCSI_SENSE_MEDIUM_ERROR, 0x0c, 0x00);	/* WRITE ERROR */
			return;
		}
		d->writes++;
		res->data_len = len;
		return;
	}
	size_t len = MIN(info->xfer, in_cap);
	if (d->blk.null_co) {
		/* null-co moves no bytes: the guest's buffers stay as they were */
		d->reads++;
		res->data_len = len;
		res->data_untouched = true;
		return;
	}
	if (blk_backend_read(&d->blk, off, data_in, len)) {
		scsi_set_sense(res, SCSI_SENSE_MEDIUM_ERROR, 0x11, 0x00);	/* UNRECOVERED READ ERROR */
		return;
	}
	d->reads++;
	res->data_len = len;
}

void scsi_disk_emulate(struct scsi_disk *d, const u8 *cdb, const struct scsi_cdb_info *info,
		       const u8 *data_out, size_t out_len, u8 *data_in, size_t in_cap, bool tcq,
		       struct scsi_result *res)
{
	u8 buf[512];
	int len = -1;
	memset(buf, 0, sizeof(buf));
	switch (cdb[0]) {
	case TEST_UNIT_READY:
	case START_STOP:
	case ALLOW_MEDIUM_REMOVAL:
	case SYNCHRONIZE_CACHE:
	case SYNCHRONIZE_CACHE_16:
	case VERIFY_10:
		if (cdb[0] == SYNCHRONIZE_CACHE || cdb[0] == SYNCHRONIZE_CACHE_16)
			blk_backend_flush(&d->blk);
		return;
	case INQUIRY:
		if (cdb[1] & 0x1)
			len = vpd_page(d, cdb[2], buf);
		else if (cdb[2] == 0)
			len = std_inquiry(d, info->xfer, tcq, buf);
		break;
	case READ_CAPACITY_10: {
		u64 nb = nb_blocks(d);
		if (!nb) {
			scsi_set_sense(res, SCSI_SENSE_NOT_READY, 0x3a, 0x00);	/* NO MEDIUM */
			return;
		}
		put_be(buf, nb - 1 > 0xffffffffULL ? 0xffffffffULL : nb - 1, 4);
		put_be(buf + 4, d->blocksize, 4);
		len = 8;
		break;
	}
	case SERVICE_ACTION_IN_16: {
		if ((cdb[1] & 0x1f) != SAI_READ_CAPACITY_16)
			break;
		u64 nb = nb_blocks(d);
		if (!nb) {
			scsi_set_sense(res, SCSI_SENSE_NOT_READY, 0x3a, 0x00);
			return;
		}
		put_be(buf, nb - 1, 8);
		put_be(buf + 8, d->blocksize, 4);
		buf[14] = 0x80;	/* LBPME: discard supported */
		len = 32;
		break;
	}
	case MODE_SENSE:
	case MODE_SENSE_10:
		len = mode_sense(d, cdb, buf);
		if (len == -2) {
			/* SAVING PARAMETERS NOT SUPPORTED */
			scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x39, 0x00);
			return;
		}
		break;
	case READ_6:
	case READ_10:
	case READ_12:
	case READ_16:
		rw(d, false, info, data_out, out_len, data_in, in_cap, res);
		return;
	case WRITE_6:
	case WRITE_10:
	case WRITE_12:
	case WRITE_16:
		rw(d, true, info, data_out, out_len, data_in, in_cap, res);
		return;
	default:
		/* INVALID OPCODE */
		scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x20, 0x00);
		return;
	}
	if (len < 0) {
		/* INVALID FIELD IN CDB */
		scsi_set_sense(res, SCSI_SENSE_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	size_t n = MIN(MIN((size_t)len, info->xfer), in_cap);
	memcpy(data_in, buf, n);
	res->data_len = n;
}
