/*
 * virtio_scsi (drivers/scsi/virtio_scsi.c, Linux 6.1): probe reads the
 * config (num_queues capped by the CPUs, max_target, seg_max, cmd_per_lun,
 * max_sectors, max_lun), sets up the control, event and one request queue
 * per queue (vp_find_vqs gives each its vector), adds the SCSI host
 * ("Virtio SCSI HBA"), marks the device ready, posts its event buffers and
 * scans. Commands go out as struct virtio_scsi_cmd_req with the CDB, come
 * back as struct virtio_scsi_cmd_resp; the response code becomes the host
 * byte as virtscsi_complete_cmd() maps it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/scsi.h"
#include "drivers/drivers.h"
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"
#include "drivers/drivers_version.h"
#include "kversion/linux_version.h"
#include "base/page_alloc.h"
#include "hw/system.h"
#include "hw/virtio_scsi_dev.h"

#define VIRTIO_SCSI_VQ_BASE 2
#define VIRTIO_SCSI_EVENT_LEN 8
#define VIRTIO_SCSI_CDB_SIZE 32
#define VIRTIO_SCSI_SENSE_SIZE 96
#define REQ_SIZE (VIRTIO_SCSI_CMD_REQ_HDR + VIRTIO_SCSI_CDB_SIZE)
#define RESP_SIZE (VIRTIO_SCSI_CMD_RESP_HDR + VIRTIO_SCSI_SENSE_SIZE)
#define VIRTIO_SCSI_S_SIMPLE 0

struct virtio_scsi {
	struct Scsi_Host shost;		/* first: the host device finds its HBA */
	struct virtio_device *vdev;
	unsigned num_queues;
	struct virtqueue *ctrl_vq, *event_vq;
	struct virtqueue **req_vqs;
	u64 event_pa;			/* the event buffers (kmalloc'd with the HBA) */
	u64 cmd_pa;			/* one command's request and response (its PDU) */
	u64 tag;			/* the last command's tag */
	u64 completed, errors;
};

static const unsigned scsi_features[] = { VIRTIO_SCSI_F_HOTPLUG, VIRTIO_SCSI_F_CHANGE };
static const u32 scsi_ids[] = { HW_VIRTIO_SCSI, 0 };

static struct guest_mem *kmem(struct kernel *k)
{
	return ((struct hw_system *)k->hw)->mem;
}

static u32 cread32(struct virtio_device *vdev, unsigned off)
{
	u8 b[4] = { 0 };
	vdev->config->get(vdev, off, b, 4);
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static u16 cread16(struct virtio_device *vdev, unsigned off)
{
	u8 b[2] = { 0 };
	vdev->config->get(vdev, off, b, 2);
	return (u16)(b[0] | b[1] << 8);
}

static struct virtio_scsi *shost_to_vscsi(struct Scsi_Host *shost)
{
	return (struct virtio_scsi *)shost;
}

/* virtscsi_complete_cmd(): the response code as a host byte, status, resid, sense */
static void complete_cmd(struct virtio_scsi *vscsi, struct scsi_cmnd *sc)
{
	struct kernel *k = vscsi->vdev->dev.k;
	u8 resp[RESP_SIZE];
	guest_mem_read(kmem(k), vscsi->cmd_pa + REQ_SIZE, resp, sizeof(resp));
	u32 sense_len = (u32)resp[0] | (u32)resp[1] << 8 | (u32)resp[2] << 16 | (u32)resp[3] << 24;
	u32 resid = (u32)resp[4] | (u32)resp[5] << 8 | (u32)resp[6] << 16 | (u32)resp[7] << 24;
	u8 status = resp[10], response = resp[11];
	int host;
	switch (response) {
	case VIRTIO_SCSI_S_OK: host = DID_OK; break;
	case VIRTIO_SCSI_S_OVERRUN: host = DID_ERROR; break;
	case VIRTIO_SCSI_S_ABORTED: host = DID_ABORT; break;
	case VIRTIO_SCSI_S_BAD_TARGET: host = DID_BAD_TARGET; break;
	case VIRTIO_SCSI_S_RESET: host = DID_RESET; break;
	case VIRTIO_SCSI_S_BUSY: host = DID_BUS_BUSY; break;
	case VIRTIO_SCSI_S_TRANSPORT_FAILURE: host = DID_TRANSPORT_DISRUPTED; break;
	case VIRTIO_SCSI_S_TARGET_FAILURE: host = DID_TARGET_FAILURE; break;
	case VIRTIO_SCSI_S_NEXUS_FAILURE: host = DID_NEXUS_FAILURE; break;
	default:
		dev_printk(&sc->host->shost_gendev, "unknown response %d\n", response);
		host = DID_ERROR;
		break;
	}
	sc->result = host << 16 | status;
	sc->resid = MIN(resid, sc->bufflen);
	if (sense_len) {
		sc->sense_len = MIN(sense_len, (u32)SCSI_SENSE_BUFFERSIZE);
		memcpy(sc->sense, resp + VIRTIO_SCSI_CMD_RESP_HDR, sc->sense_len);
	}
	if (host != DID_OK)
		vscsi->errors++;
	vscsi->completed++;
	scsi_done(sc);
}

/* virtscsi_req_done(): every used request completes its command */
static void virtscsi_req_done(struct virtqueue *vq)
{
	struct virtio_scsi *vscsi = vq->vdev->priv;
	struct scsi_cmnd *sc;
	u32 len;
	if (!vscsi)
		return;
	while ((sc = virtqueue_get_buf(vq, &len)))
		complete_cmd(vscsi, sc);
}

/* virtscsi_ctrl_done / virtscsi_event_done: nothing is queued there at scan time */
static void virtscsi_ctrl_done(struct virtqueue *vq)
{
	u32 len;
	while (virtqueue_get_buf(vq, &len))
		;
}

static void virtscsi_event_done(struct virtqueue *vq)
{
	u32 len;
	while (virtqueue_get_buf(vq, &len))
		;
}

/* virtio_scsi_init_hdr() + virtscsi_add_cmd() + virtscsi_kick_cmd() */
static int virtscsi_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *sc)
{
	struct virtio_scsi *vscsi = shost_to_vscsi(shost);
	struct kernel *k = vscsi->vdev->dev.k;
	if (sc->cmd_len > VIRTIO_SCSI_CDB_SIZE)
		return SCSI_MLQUEUE_HOST_BUSY;
	u8 req[REQ_SIZE] = { 0 };
	req[0] = 1;
	req[1] = (u8)sc->id;
	req[2] = (u8)((sc->lun >> 8) | 0x40);
	req[3] = (u8)sc->lun;
	u64 tag = ++vscsi->tag;
	for (int i = 0; i < 8; i++)
		req[8 + i] = (u8)(tag >> (8 * i));
	req[16] = VIRTIO_SCSI_S_SIMPLE;
	memcpy(req + VIRTIO_SCSI_CMD_REQ_HDR, sc->cmnd, sc->cmd_len);
	u8 resp[RESP_SIZE] = { 0 };
	guest_mem_write(kmem(k), vscsi->cmd_pa, req, sizeof(req));
	guest_mem_write(kmem(k), vscsi->cmd_pa + REQ_SIZE, resp, sizeof(resp));
	struct vring_sg sg[4];
	unsigned out = 0, in = 0, n = 0;
	sg[n++] = (struct vring_sg){ vscsi->cmd_pa, REQ_SIZE };
	out++;
	if (sc->dir == SCSI_DMA_TO_DEVICE && sc->bufflen) {
		sg[n++] = (struct vring_sg){ sc->buf_pa, sc->bufflen };
		out++;
	}
	sg[n++] = (struct vring_sg){ vscsi->cmd_pa + REQ_SIZE, RESP_SIZE };
	in++;
	if (sc->dir == SCSI_DMA_FROM_DEVICE && sc->bufflen) {
		sg[n++] = (struct vring_sg){ sc->buf_pa, sc->bufflen };
		in++;
	}
	/* virtscsi_pick_vq_mq(): the submitting CPU's queue; the scan runs on CPU 0 */
	struct virtqueue *vq = vscsi->req_vqs[0];
	int err = virtqueue_add_sgs(vq, sg, out, in, sc);
	if (err) {
		virtqueue_kick(vq);
		/* -ENOSPC / -ENOMEM: busy, retried; anything else fails the command */
		if (err == -ENOSPC || err == -ENOMEM)
			return SCSI_MLQUEUE_HOST_BUSY;
		sc->result = DID_ERROR << 16;
		scsi_done(sc);
		return 0;
	}
	virtqueue_kick(vq);
	return 0;
}

static const struct scsi_host_template virtscsi_host_template = {
	.name = "Virtio SCSI HBA",
	.proc_name = "virtio_scsi",
	.this_id = -1,
	.queuecommand = virtscsi_queuecommand,
};

/* virtscsi_kick_event_all(): every event buffer goes to the device */
static void kick_event_all(struct virtio_scsi *vscsi)
{
	for (unsigned i = 0; i < VIRTIO_SCSI_EVENT_LEN; i++) {
		struct vring_sg sg = { vscsi->event_pa + (u64)i * VIRTIO_SCSI_EVENT_SIZE, VIRTIO_SCSI_EVENT_SIZE };
		if (virtqueue_add_inbuf(vscsi->event_vq, &sg, (void *)(uintptr_t)(i + 1)))
			break;
	}
	virtqueue_kick(vscsi->event_vq);
}

/* virtscsi_init(): control, event, then the request queues */
static int virtscsi_init(struct virtio_device *vdev, struct virtio_scsi *vscsi)
{
	unsigned num_vqs = vscsi->num_queues + VIRTIO_SCSI_VQ_BASE;
	struct virtqueue **vqs = calloc(num_vqs, sizeof(*vqs));
	vq_callback_t **callbacks = calloc(num_vqs, sizeof(*callbacks));
	const char **names = calloc(num_vqs, sizeof(*names));
	int err = vqs && callbacks && names ? 0 : -ENOMEM;
	/* 7.3's request queues split into default and poll ones (virtscsi_poll_queues, 0) */
	if (!err && kernel_version(vdev->dev.k)->drivers->virtio_scsi_logs_queue_split)
		dev_info(&vdev->dev, "%u/0/0 default/read/poll queues\n", vscsi->num_queues);
	if (!err) {
		callbacks[0] = virtscsi_ctrl_done;
		callbacks[1] = virtscsi_event_done;
		names[0] = "control";
		names[1] = "event";
		for (unsigned i = VIRTIO_SCSI_VQ_BASE; i < num_vqs; i++) {
			callbacks[i] = virtscsi_req_done;
			names[i] = "request";
		}
		err = vdev->config->find_vqs(vdev, num_vqs, vqs, callbacks, (const char *const *)names);
	}
	if (!err) {
		vscsi->ctrl_vq = vqs[0];
		vscsi->event_vq = vqs[1];
		for (unsigned i = VIRTIO_SCSI_VQ_BASE; i < num_vqs; i++)
			vscsi->req_vqs[i - VIRTIO_SCSI_VQ_BASE] = vqs[i];
		/* cdb_size and sense_size are written back as the defaults: the device keeps its values */
	}
	free(vqs);
	free(callbacks);
	free(names);
	return err;
}

static void vscsi_free(struct kernel *k, struct virtio_scsi *vscsi)
{
	if (vscsi->event_pa)
		page_free(k->pages, vscsi->event_pa, PAGE_SIZE);
	if (vscsi->cmd_pa)
		page_free(k->pages, vscsi->cmd_pa, PAGE_SIZE);
	free(vscsi->req_vqs);
	free(vscsi);
}

static int virtscsi_probe(struct virtio_device *vdev)
{
	struct kernel *k = vdev->dev.k;
	if (!vdev->config || !vdev->config->get) {
		dev_err(&vdev->dev, "virtscsi_probe failure: config access disabled\n");
		return -EINVAL;
	}
	unsigned num_queues = cread32(vdev, VIRTIO_SCSI_CFG_NUM_QUEUES);
	if (!num_queues)
		num_queues = 1;
	num_queues = MIN(num_queues, k->nr_cpu_ids);
	u32 num_targets = (u32)cread16(vdev, VIRTIO_SCSI_CFG_MAX_TARGET) + 1;
	struct virtio_scsi *vscsi = calloc(1, sizeof(*vscsi));
	if (!vscsi)
		return -ENOMEM;
	vscsi->req_vqs = calloc(num_queues, sizeof(*vscsi->req_vqs));
	vscsi->event_pa = page_alloc(k->pages, PAGE_SIZE);
	vscsi->cmd_pa = page_alloc(k->pages, PAGE_SIZE);
	if (!vscsi->req_vqs || !vscsi->event_pa || !vscsi->cmd_pa) {
		vscsi_free(k, vscsi);
		return -ENOMEM;
	}
	struct Scsi_Host *shost = &vscsi->shost;
	scsi_host_init(k, shost, &virtscsi_host_template);
	u32 sg_elems = cread32(vdev, VIRTIO_SCSI_CFG_SEG_MAX);
	shost->sg_tablesize = (unsigned short)(sg_elems ? sg_elems : 1);
	vscsi->vdev = vdev;
	vscsi->num_queues = num_queues;
	vdev->priv = vscsi;
	int err = virtscsi_init(vdev, vscsi);
	if (err)
		goto fail;
	shost->can_queue = (int)vscsi->req_vqs[0]->num;
	u32 cmd_per_lun = cread32(vdev, VIRTIO_SCSI_CFG_CMD_PER_LUN);
	shost->cmd_per_lun = (short)MIN(cmd_per_lun ? cmd_per_lun : 1, (u32)shost->can_queue);
	u32 max_sectors = cread32(vdev, VIRTIO_SCSI_CFG_MAX_SECTORS);
	shost->max_sectors = max_sectors ? max_sectors : 0xFFFF;
	/* LUNs above 255 come back in format 1: 16640 and up */
	shost->max_lun = (u64)cread32(vdev, VIRTIO_SCSI_CFG_MAX_LUN) + 1 + 0x4000;
	shost->max_id = num_targets;
	shost->max_channel = 0;
	shost->max_cmd_len = VIRTIO_SCSI_CDB_SIZE;
	shost->nr_hw_queues = num_queues;
	err = scsi_add_host(shost, &vdev->dev);
	if (err) {
		vdev->config->del_vqs(vdev);
		goto fail;
	}
	virtio_device_ready(vdev);
	kick_event_all(vscsi);
	scsi_scan_host(shost);
	return 0;
fail:
	vdev->priv = NULL;
	scsi_host_release(shost);
	vscsi_free(k, vscsi);
	return err;
}

static void virtscsi_remove(struct virtio_device *vdev)
{
	struct virtio_scsi *vscsi = vdev->priv;
	if (!vscsi)
		return;
	scsi_remove_host(&vscsi->shost);
	/* virtscsi_remove_vqs(): reset, then the queues go */
	vdev->config->set_status(vdev, 0);
	vdev->config->del_vqs(vdev);
	vdev->priv = NULL;
	vscsi_free(vdev->dev.k, vscsi);
}

static void virtscsi_release(struct virtio_device *vdev)
{
	struct virtio_scsi *vscsi = vdev->priv;
	if (!vscsi)
		return;
	scsi_host_release(&vscsi->shost);
	free(vscsi->req_vqs);
	free(vscsi);
	vdev->priv = NULL;
}

struct virtio_driver virtio_scsi_driver = {
	.driver = { .name = "virtio_scsi", .bus = &virtio_bus },
	.ids = scsi_ids,
	.feature_table = scsi_features,
	.feature_table_size = ARRAY_SIZE(scsi_features),
	.feature_table_legacy = scsi_features,
	.feature_table_size_legacy = ARRAY_SIZE(scsi_features),
	.probe = virtscsi_probe,
	.remove = virtscsi_remove,
	.release = virtscsi_release,
};
