/*
 * QEMU 7.2's virtio-scsi device (hw/scsi/virtio-scsi.c), virtio ID 8: its
 * host features (hotplug and param_change on by default), its config space
 * (struct virtio_scsi_config), the control, event and request queues, and
 * its SCSI bus with the scsi-hd devices on it (hw/scsi_bus.h). Every byte of
 * a request moves by the device's own DMA (hw/virtqueue_dev.h).
 */
#ifndef IOMMUSIM_HW_VIRTIO_SCSI_DEV_H
#define IOMMUSIM_HW_VIRTIO_SCSI_DEV_H

#include "hw/virtqueue_dev.h"
#include "hw/scsi_bus.h"

#define VIRTIO_ID_SCSI 8

/* include/uapi/linux/virtio_scsi.h */
#define VIRTIO_SCSI_F_INOUT 0
#define VIRTIO_SCSI_F_HOTPLUG 1
#define VIRTIO_SCSI_F_CHANGE 2
#define VIRTIO_SCSI_F_T10_PI 3

#define VIRTIO_SCSI_CDB_DEFAULT_SIZE 32
#define VIRTIO_SCSI_SENSE_DEFAULT_SIZE 96
#define VIRTIO_SCSI_VQ_NUM_FIXED 2		/* control and event */
#define VIRTIO_SCSI_MAX_CHANNEL 0
#define VIRTIO_SCSI_MAX_TARGET 255
#define VIRTIO_SCSI_MAX_LUN 16383

/* response codes */
#define VIRTIO_SCSI_S_OK 0
#define VIRTIO_SCSI_S_OVERRUN 1
#define VIRTIO_SCSI_S_ABORTED 2
#define VIRTIO_SCSI_S_BAD_TARGET 3
#define VIRTIO_SCSI_S_RESET 4
#define VIRTIO_SCSI_S_BUSY 5
#define VIRTIO_SCSI_S_TRANSPORT_FAILURE 6
#define VIRTIO_SCSI_S_TARGET_FAILURE 7
#define VIRTIO_SCSI_S_NEXUS_FAILURE 8
#define VIRTIO_SCSI_S_FAILURE 9
#define VIRTIO_SCSI_S_FUNCTION_SUCCEEDED 10
#define VIRTIO_SCSI_S_FUNCTION_REJECTED 11
#define VIRTIO_SCSI_S_INCORRECT_LUN 12

/* control queue request types */
#define VIRTIO_SCSI_T_TMF 0
#define VIRTIO_SCSI_T_AN_QUERY 1
#define VIRTIO_SCSI_T_AN_SUBSCRIBE 2

/* struct virtio_scsi_config offsets */
#define VIRTIO_SCSI_CFG_NUM_QUEUES 0
#define VIRTIO_SCSI_CFG_SEG_MAX 4
#define VIRTIO_SCSI_CFG_MAX_SECTORS 8
#define VIRTIO_SCSI_CFG_CMD_PER_LUN 12
#define VIRTIO_SCSI_CFG_EVENT_INFO_SIZE 16
#define VIRTIO_SCSI_CFG_SENSE_SIZE 20
#define VIRTIO_SCSI_CFG_CDB_SIZE 24
#define VIRTIO_SCSI_CFG_MAX_CHANNEL 28
#define VIRTIO_SCSI_CFG_MAX_TARGET 30
#define VIRTIO_SCSI_CFG_MAX_LUN 32
#define VIRTIO_SCSI_CFG_SIZE 36

/* header sizes: struct virtio_scsi_cmd_req/resp without the CDB and sense */
#define VIRTIO_SCSI_CMD_REQ_HDR 19
#define VIRTIO_SCSI_CMD_RESP_HDR 12
#define VIRTIO_SCSI_TMF_REQ_SIZE 24
#define VIRTIO_SCSI_TMF_RESP_SIZE 1
#define VIRTIO_SCSI_AN_REQ_SIZE 16
#define VIRTIO_SCSI_AN_RESP_SIZE 5
#define VIRTIO_SCSI_EVENT_SIZE 16

/* A virtio-scsi device as the board made it: properties, bus name, disks. */
struct virtio_scsi_conf {
	char *bus_name;			/* "ID.0" when the device (or its PCI proxy) has an id */
	unsigned seq;			/* creation order among the machine's controllers */
	u32 max_sectors, cmd_per_lun;
	struct scsi_hd_conf *hd;	/* the scsi-hd devices on its bus, placed (strings owned) */
	unsigned nhd;
};

/* Free c and the strings it owns. */
void virtio_scsi_conf_free(struct virtio_scsi_conf *c);

struct vdev_scsi {
	struct scsi_bus bus;
	u32 num_queues;			/* request queues */
	u32 seg_max, max_sectors, cmd_per_lun;
	u32 sense_size, cdb_size;	/* the driver may set them (virtio_scsi_set_config) */
	u8 config[VIRTIO_SCSI_CFG_SIZE];
	u64 cmds, bad_target, overruns, tmfs;
};

/*
 * Realize the device's half for d (d->hw describes it): the queues are
 * control, event and num_queues request queues; each scsi-hd of the
 * description joins the bus. 0, or -errno with QEMU's message in err.
 */
int vdev_scsi_init(struct vdev_hw *d, char *err, size_t errlen);
void vdev_scsi_free(struct vdev_hw *d);
/* virtio_scsi_get_features(): the scsi bits QEMU adds to the common ones. */
u64 vdev_scsi_features(const struct vdev_hw *d, u64 features);
/* virtio_scsi_reset(): sizes back to their defaults, every device on the bus reset. */
void vdev_scsi_reset(struct vdev_hw *d);
/* The config space as a read sees it. */
void vdev_scsi_config_read(const struct vdev_hw *d, unsigned offset, void *buf, unsigned len);
/* A queue's notify: control (0), event (1) or a request queue (2...). */
void vdev_scsi_handle_output(struct vdev_hw *d, unsigned q);

#endif
