/*
 * QEMU 7.2's SCSI bus (hw/scsi/scsi-bus.c) and its scsi-hd device
 * (hw/scsi/scsi-disk.c), as an HBA model (virtio-scsi) uses them: the
 * devices a bus holds, addressed by channel, target id and LUN; the
 * command descriptor blocks parsed as scsi_req_parse_cdb() does (length,
 * transfer size and direction); and each command answered as scsi-disk
 * emulates it, or as the bus's target emulation answers for a LUN no
 * device has (INQUIRY, REPORT LUNS, REQUEST SENSE).
 *
 * The HBA moves the data: it hands data-out bytes in and takes data-in
 * bytes out, through its own DMA.
 */
#ifndef IOMMUSIM_HW_SCSI_BUS_H
#define IOMMUSIM_HW_SCSI_BUS_H

#include "base/bits.h"
#include "hw/blk_backend.h"

/* SAM status codes */
#define SAM_STAT_GOOD 0x00
#define SAM_STAT_CHECK_CONDITION 0x02

/* sense keys */
#define SCSI_SENSE_NO_SENSE 0x00
#define SCSI_SENSE_NOT_READY 0x02
#define SCSI_SENSE_MEDIUM_ERROR 0x03
#define SCSI_SENSE_ILLEGAL_REQUEST 0x05
#define SCSI_SENSE_UNIT_ATTENTION 0x06
#define SCSI_SENSE_DATA_PROTECT 0x07

/* opcodes the model knows (include/scsi/constants.h) */
#define TEST_UNIT_READY 0x00
#define REQUEST_SENSE 0x03
#define INQUIRY 0x12
#define MODE_SELECT 0x15
#define MODE_SENSE 0x1a
#define START_STOP 0x1b
#define ALLOW_MEDIUM_REMOVAL 0x1e
#define READ_6 0x08
#define WRITE_6 0x0a
#define READ_CAPACITY_10 0x25
#define READ_10 0x28
#define WRITE_10 0x2a
#define VERIFY_10 0x2f
#define SYNCHRONIZE_CACHE 0x35
#define MODE_SENSE_10 0x5a
#define READ_16 0x88
#define WRITE_16 0x8a
#define SYNCHRONIZE_CACHE_16 0x91
#define SERVICE_ACTION_IN_16 0x9e
#define SAI_READ_CAPACITY_16 0x10
#define REPORT_LUNS 0xa0
#define READ_12 0xa8
#define WRITE_12 0xaa

#define TYPE_DISK 0x00
#define TYPE_NO_LUN 0x7f		/* PQ 3, no device type */
#define TYPE_NOT_PRESENT 0x1f
#define TYPE_INACTIVE 0x20		/* PQ 1 */

#define SCSI_SENSE_LEN 18		/* fixed-format sense as scsi-disk builds it */
#define SCSI_MAX_INQUIRY_LEN 256
#define SCSI_CMD_BUF_SIZE 16		/* the longest CDB the bus parses */

/* What scsi_req_parse_cdb() makes of a CDB. */
enum scsi_xfer_mode {
	SCSI_XFER_NONE,
	SCSI_XFER_FROM_DEV,		/* data-in: device to guest */
	SCSI_XFER_TO_DEV,		/* data-out: guest to device */
};

struct scsi_cdb_info {
	unsigned len;			/* the CDB's length by its group code */
	size_t xfer;			/* bytes the command moves */
	enum scsi_xfer_mode mode;
	u64 lba;			/* READ/WRITE: the first block */
};

/* -device scsi-hd's properties, as the command line gave them. */
struct scsi_hd_conf {
	const char *id;			/* id= or NULL */
	const char *drive_file;		/* the drive's file; "null-co://..." for QEMU's null driver */
	const char *drive_id;		/* the drive's name (blk_name: VPD page 0x83 without a serial) */
	bool has_drive;			/* drive= given */
	bool readonly;
	bool snapshot;			/* writes go to a temporary overlay */
	int channel;			/* 0 by default */
	int scsi_id;			/* -1: the bus picks the first free target */
	int lun;			/* -1: 0, or the first free LUN of scsi_id */
	const char *serial;		/* NULL: none (no VPD page 0x80) */
	const char *vendor;		/* NULL: "QEMU" */
	const char *product;		/* NULL: "QEMU HARDDISK" */
	const char *version;		/* NULL: QEMU's hardware version "2.5+" */
};

/* The limits an HBA puts on its bus (SCSIBusInfo). */
struct scsi_bus_info {
	int max_channel, max_target, max_lun;
	bool tcq;			/* tagged queueing: INQUIRY's CmdQue bit */
};

/* A realized scsi-hd on its bus. */
struct scsi_disk {
	char qdev_id[48];		/* id= or "" */
	char drive_name[48];
	int channel, id, lun;
	struct blk_backend blk;		/* its drive */
	u32 blocksize;			/* logical block size */
	char vendor[9], product[17], version[5], serial[37];
	/* the pending unit attention (key 0: none), reported once */
	u8 ua_key, ua_asc, ua_ascq;
	/* the last CHECK CONDITION's sense, for REQUEST SENSE */
	u8 sense[SCSI_SENSE_LEN];
	unsigned sense_len;
	u64 commands, reads, writes;
};

struct scsi_bus {
	struct scsi_bus_info info;
	struct scsi_disk *disks;	/* in creation order (QEMU lists the newest first) */
	unsigned ndisks;
};

/* The answer to one command. */
struct scsi_result {
	u8 status;			/* SAM status */
	u8 sense[SCSI_SENSE_LEN];
	unsigned sense_len;
	size_t data_len;		/* data-in bytes produced, or data-out bytes taken */
	bool data_untouched;		/* null-co read: data_len bytes count as moved, none written */
};

/*
 * scsi_qdev_realize()'s placement of conf among the devices already placed
 * (their confs, with scsi_id and lun set): conf's scsi_id and lun are
 * filled as QEMU picks them. 0, or -EINVAL / -EBUSY with QEMU's message
 * ("bad scsi channel id: 1", "bad scsi device id: 256", "bad scsi device
 * lun: 16384", "no free target", "no free lun", "lun already used by 'ID'");
 * conf is unchanged on error.
 */
int scsi_hd_place(const struct scsi_bus_info *info, const struct scsi_hd_conf *placed, unsigned nplaced,
		  struct scsi_hd_conf *conf, char *err, size_t errlen);

/*
 * scsi_qdev_realize() + scsi_realize(): place a scsi-hd on the bus, with
 * QEMU's automatic target and LUN, and open its drive. 0, or -EINVAL /
 * -EBUSY / -errno with QEMU's message in err ("bad scsi device id: 256",
 * "no free target", "lun already used by 'ID'", "drive property not set",
 * "Could not open 'FILE': REASON"); the bus is unchanged on error.
 */
int scsi_bus_add_hd(struct scsi_bus *bus, const struct scsi_hd_conf *conf, char *err, size_t errlen);
void scsi_bus_free(struct scsi_bus *bus);
/* A bus or device reset: every device gets the RESET unit attention (scsi_device_purge_requests). */
void scsi_bus_reset(struct scsi_bus *bus);

/*
 * scsi_device_find(): the device at exactly (channel, id, lun), else one
 * on the same target (which answers for the LUN as the target), else NULL.
 */
struct scsi_disk *scsi_device_find(struct scsi_bus *bus, int channel, int id, int lun);

/*
 * scsi_req_parse_cdb() for a device of blocksize: 0 and *info, or -EINVAL
 * for an opcode whose group has no length (the request then fails with
 * INVALID OPCODE). buflen is the bytes the HBA has for the CDB.
 */
int scsi_cdb_parse(const u8 *cdb, unsigned buflen, u32 blocksize, struct scsi_cdb_info *info);

/*
 * Run one command for lun on device d (found by scsi_device_find): the
 * device's own emulation when lun is its LUN, the target's otherwise.
 * data_out holds the data-out bytes (out_len), data_in receives up to
 * in_cap bytes. Always fills *res; never fails.
 */
void scsi_req_run(struct scsi_bus *bus, struct scsi_disk *d, int lun, const u8 *cdb, unsigned cdb_len,
		  const u8 *data_out, size_t out_len, u8 *data_in, size_t in_cap, struct scsi_result *res);

#endif
