/*
 * The SCSI midlayer (drivers/scsi, Linux 6.1), kept minimal but real: a
 * host an HBA driver adds (scsi_host_alloc/scsi_add_host), commands run
 * through the host template's queuecommand and completed by scsi_done(),
 * and the scan (scsi_scan_host) that finds targets and LUNs with INQUIRY
 * and REPORT LUNS and adds a scsi_device for each, with scsi_add_lun()'s
 * log line. Hosts, targets and devices are devices on the "scsi" bus,
 * below the HBA's device: hostN, targetH:C:T, H:C:T:L.
 */
#ifndef IOMMUSIM_DRIVERS_SCSI_H
#define IOMMUSIM_DRIVERS_SCSI_H

#include "base/device.h"

#define SCSI_SENSE_BUFFERSIZE 96
#define SCSI_MAX_CDB 32

/* host bytes (include/scsi/scsi_status.h) */
enum scsi_host_status {
	DID_OK = 0x00,
	DID_NO_CONNECT = 0x01,
	DID_BUS_BUSY = 0x02,
	DID_TIME_OUT = 0x03,
	DID_BAD_TARGET = 0x04,
	DID_ABORT = 0x05,
	DID_ERROR = 0x07,
	DID_RESET = 0x08,
	DID_TRANSPORT_DISRUPTED = 0x0e,
	DID_TARGET_FAILURE = 0x10,
	DID_NEXUS_FAILURE = 0x11,
};

enum dma_data_direction_scsi {
	SCSI_DMA_NONE,
	SCSI_DMA_FROM_DEVICE,
	SCSI_DMA_TO_DEVICE,
};

struct Scsi_Host;
struct scsi_device;

/* A command as the HBA driver gets it (struct scsi_cmnd). */
struct scsi_cmnd {
	struct Scsi_Host *host;
	unsigned channel, id;
	u64 lun;
	u8 cmnd[SCSI_MAX_CDB];
	unsigned cmd_len;
	enum dma_data_direction_scsi dir;
	u64 buf_pa;			/* the data buffer (guest-physical, contiguous) */
	u32 bufflen;
	/* what the HBA reports */
	int result;			/* host byte << 16 | SAM status */
	u32 resid;
	u8 sense[SCSI_SENSE_BUFFERSIZE];
	unsigned sense_len;
	bool done;
};

static inline int host_byte(int result)
{
	return (result >> 16) & 0xff;
}

struct scsi_host_template {
	const char *name;		/* what scsi_add_host() logs without an info() */
	const char *proc_name;
	int this_id;			/* the HBA's own target id, -1: none */
	/* 0 queued; SCSI_MLQUEUE_HOST_BUSY when it cannot take it */
	int (*queuecommand)(struct Scsi_Host *shost, struct scsi_cmnd *cmd);
};

#define SCSI_MLQUEUE_HOST_BUSY 0x1055

struct scsi_target {
	struct device dev;		/* "targetH:C:T" */
	struct Scsi_Host *shost;
	unsigned channel, id;
	int scsi_level;
	bool added;			/* device_add()ed: a LUN was found */
};

struct scsi_device {
	struct device sdev_gendev;	/* "H:C:T:L" */
	struct Scsi_Host *host;
	struct scsi_target *starget;
	unsigned channel, id;
	u64 lun;
	u8 inquiry[36];
	unsigned inquiry_len;
	char vendor[9], model[17], rev[5];
	u8 type;
	int scsi_level;
	unsigned queue_depth;
};

struct Scsi_Host {
	struct device shost_gendev;	/* "hostN" */
	const struct scsi_host_template *hostt;
	unsigned host_no;
	unsigned max_channel, max_id;
	u64 max_lun;
	unsigned max_cmd_len;
	int can_queue;
	short cmd_per_lun;
	unsigned short sg_tablesize;
	unsigned max_sectors;
	unsigned nr_hw_queues;
	bool added;
	struct scsi_target **targets;	/* the targets with devices, in scan order */
	unsigned ntargets;
	struct scsi_device **sdevs;	/* in scan order */
	unsigned nsdevs;
	u64 cmds, timeouts;
};

extern const struct bus_type scsi_bus_type;
/* The virtio_scsi HBA driver (virtio_scsi.c). */
extern struct virtio_driver virtio_scsi_driver;

/* scsi_host_alloc(): fill in a host the HBA driver embeds; its number is the lowest free. */
void scsi_host_init(struct kernel *k, struct Scsi_Host *shost, const struct scsi_host_template *sht);
/* scsi_add_host(): "scsi hostN: NAME", the host device below dev. 0 or -errno. */
int scsi_add_host(struct Scsi_Host *shost, struct device *dev);
/* scsi_scan_host(): every target of every channel, then their LUNs. */
void scsi_scan_host(struct Scsi_Host *shost);
/* scsi_remove_host(): its devices and targets go, then the host device. */
void scsi_remove_host(struct Scsi_Host *shost);
/* The model's teardown: free what the host holds, no device access. */
void scsi_host_release(struct Scsi_Host *shost);
/* scsi_done(): the HBA finished cmd. */
void scsi_done(struct scsi_cmnd *cmd);

/*
 * scsi_execute_cmd() without retries: cdb to (channel, id, lun) on shost,
 * data through buf_pa. 0 with *cmd holding the result, or -ETIMEDOUT when
 * the HBA never completed it, or -EBUSY.
 */
int scsi_execute(struct Scsi_Host *shost, unsigned channel, unsigned id, u64 lun, const u8 *cdb,
		 unsigned cdb_len, enum dma_data_direction_scsi dir, u64 buf_pa, u32 bufflen,
		 struct scsi_cmnd *cmd);

/* scsi_device_type(): the 17-character name of a peripheral type. */
const char *scsi_device_type(unsigned type);

/* Whether scsi_mod is loaded (the scsi bus exists in sysfs). */
bool scsi_bus_registered(struct kernel *k);
/* The host called "hostN", or NULL. */
struct Scsi_Host *scsi_host_lookup(struct kernel *k, const char *name);

/* /sys/class/scsi_host, from the component after "class" on (sysfs subtree hooks). */
struct sysfs_buf;
struct sysfs_stat;
int sysfs_scsi_host_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st);
int sysfs_scsi_host_list(struct kernel *k, char **c, int n, struct sysfs_buf *out);
int sysfs_scsi_host_read(struct kernel *k, char **c, int n, struct sysfs_buf *out);
int sysfs_scsi_host_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out);

/* A scsi_device's attributes (vendor, model, rev, type, scsi_level, queue_depth, state, ...): NAME, ATTR. */
bool sysfs_scsi_sdev_attr(const struct device *dev, const char *name);
int sysfs_scsi_sdev_stat(struct kernel *k, char **c, int n, struct sysfs_stat *st);
int sysfs_scsi_sdev_list(struct kernel *k, char **c, int n, struct sysfs_buf *out);
int sysfs_scsi_sdev_read(struct kernel *k, char **c, int n, struct sysfs_buf *out);
int sysfs_scsi_sdev_readlink(struct kernel *k, char **c, int n, struct sysfs_buf *out);

#endif
