/*
 * QEMU 7.2's virtio-scsi. A request queue's element is parsed as
 * virtio_scsi_parse_req() does (the request header with its CDB out, the
 * response with its sense in, then data one way at most), the LUN
 * addressed as virtio_scsi_device_get() reads it, the CDB checked against
 * the buffers (VIRTIO_SCSI_S_OVERRUN), the command run on the bus and the
 * response written back as virtio_scsi_command_complete() writes it. A
 * header too short for the sizes is virtio_error ("wrong size for
 * virtio-scsi headers"). The event queue keeps the driver's buffers: no
 * event happens without hotplug.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/virtio_scsi_dev.h"
#include "base/le_bytes.h"

#define VIRTIO_SCSI_MAX_SECTORS_DEFAULT 0xFFFF
#define VIRTIO_SCSI_CMD_PER_LUN_DEFAULT 128

/* virtio_scsi_get_config() */
static void update_config(struct vdev_scsi *s)
{
	u8 *c = s->config;
	put_le(c + VIRTIO_SCSI_CFG_NUM_QUEUES, s->num_queues, 4);
	put_le(c + VIRTIO_SCSI_CFG_SEG_MAX, s->seg_max, 4);
	put_le(c + VIRTIO_SCSI_CFG_MAX_SECTORS, s->max_sectors, 4);
	put_le(c + VIRTIO_SCSI_CFG_CMD_PER_LUN, s->cmd_per_lun, 4);
	put_le(c + VIRTIO_SCSI_CFG_EVENT_INFO_SIZE, VIRTIO_SCSI_EVENT_SIZE, 4);
	put_le(c + VIRTIO_SCSI_CFG_SENSE_SIZE, s->sense_size, 4);
	put_le(c + VIRTIO_SCSI_CFG_CDB_SIZE, s->cdb_size, 4);
	put_le(c + VIRTIO_SCSI_CFG_MAX_CHANNEL, VIRTIO_SCSI_MAX_CHANNEL, 2);
	put_le(c + VIRTIO_SCSI_CFG_MAX_TARGET, VIRTIO_SCSI_MAX_TARGET, 2);
	put_le(c + VIRTIO_SCSI_CFG_MAX_LUN, VIRTIO_SCSI_MAX_LUN, 4);
}

int vdev_scsi_init(struct vdev_hw *d, char *err, size_t errlen)
{
	const struct hw_virtio *hw = d->hw;
	struct vdev_scsi *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->bus.info = (struct scsi_bus_info){
		.max_channel = VIRTIO_SCSI_MAX_CHANNEL,
		.max_target = VIRTIO_SCSI_MAX_TARGET,
		.max_lun = VIRTIO_SCSI_MAX_LUN,
		.tcq = true,
	};
	s->num_queues = d->nqueues - VIRTIO_SCSI_VQ_NUM_FIXED;
	s->seg_max = hw->seg_max;
	const struct virtio_scsi_conf *conf = hw->scsi;
	s->max_sectors = conf && conf->max_sectors ? conf->max_sectors : VIRTIO_SCSI_MAX_SECTORS_DEFAULT;
	s->cmd_per_lun = conf && conf->cmd_per_lun ? conf->cmd_per_lun : VIRTIO_SCSI_CMD_PER_LUN_DEFAULT;
	s->sense_size = VIRTIO_SCSI_SENSE_DEFAULT_SIZE;
	s->cdb_size = VIRTIO_SCSI_CDB_DEFAULT_SIZE;
	for (unsigned i = 0; conf && i < conf->nhd; i++) {
		int ret = scsi_bus_add_hd(&s->bus, &conf->hd[i], err, errlen);
		if (ret) {
			scsi_bus_free(&s->bus);
			free(s);
			return ret;
		}
	}
	update_config(s);
	d->scsi = s;
	return 0;
}

void virtio_scsi_conf_free(struct virtio_scsi_conf *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nhd; i++) {
		struct scsi_hd_conf *h = &c->hd[i];
		free((char *)h->id);
		free((char *)h->drive_file);
		free((char *)h->drive_id);
		free((char *)h->serial);
		free((char *)h->vendor);
		free((char *)h->product);
		free((char *)h->version);
	}
	free(c->hd);
	free(c->bus_name);
	free(c);
}

void vdev_scsi_free(struct vdev_hw *d)
{
	if (!d->scsi)
		return;
	scsi_bus_free(&d->scsi->bus);
	free(d->scsi);
	d->scsi = NULL;
}

u64 vdev_scsi_features(const struct vdev_hw *d, u64 f)
{
	(void)d;
	/* the "hotplug" and "param_change" properties, on by default */
	return f | BIT(VIRTIO_SCSI_F_HOTPLUG) | BIT(VIRTIO_SCSI_F_CHANGE);
}

void vdev_scsi_reset(struct vdev_hw *d)
{
	struct vdev_scsi *s = d->scsi;
	if (!s)
		return;
	s->sense_size = VIRTIO_SCSI_SENSE_DEFAULT_SIZE;
	s->cdb_size = VIRTIO_SCSI_CDB_DEFAULT_SIZE;
	update_config(s);
	scsi_bus_reset(&s->bus);
}

void vdev_scsi_config_read(const struct vdev_hw *d, unsigned offset, void *buf, unsigned len)
{
	if (d->scsi && offset < VIRTIO_SCSI_CFG_SIZE)
		memcpy(buf, d->scsi->config + offset, MIN(len, VIRTIO_SCSI_CFG_SIZE - offset));
}

/* virtio_scsi_device_get(): the LUN field's single-level format, else no device */
static struct scsi_disk *device_get(struct vdev_scsi *s, const u8 *lun, int *lun_out)
{
	if (lun[0] != 1)
		return NULL;
	if (lun[2] != 0 && !(lun[2] >= 0x40 && lun[2] < 0x80))
		return NULL;
	*lun_out = ((lun[2] << 8) | lun[3]) & 0x3fff;
	return scsi_device_find(&s->bus, 0, lun[1], *lun_out);
}

/* virtio_scsi_complete_req(): the response, then the element is used */
static int complete(struct vdev_hw *d, unsigned q, struct vdev_elem *elem, const u8 *resp, size_t resp_size,
		    size_t payload)
{
	if (resp_size && vdev_elem_write(d, elem, 0, resp, resp_size)) {
		virtio_error(d, "virtio: bogus descriptor or out of resources");
		return -1;
	}
	virtqueue_push(d, q, elem, (u32)(payload + resp_size));
	return 0;
}

/* 0: completed; -1: virtio_error, the element is dropped */
static int handle_cmd(struct vdev_hw *d, unsigned q, struct vdev_elem *elem)
{
	struct vdev_scsi *s = d->scsi;
	size_t req_size = VIRTIO_SCSI_CMD_REQ_HDR + s->cdb_size;
	size_t resp_size = VIRTIO_SCSI_CMD_RESP_HDR + s->sense_size;
	if (elem->out_len < req_size || elem->in_len < resp_size) {
		virtio_error(d, "wrong size for virtio-scsi headers");
		return -1;
	}
	u8 *resp = calloc(1, resp_size);
	if (!resp)
		return -1;
	size_t out_size = elem->out_len - req_size, in_size = elem->in_len - resp_size;
	const u8 *req = elem->out_data;
	int ret;
	s->cmds++;
	if (out_size && in_size) {
		/* data both ways: VIRTIO_SCSI_F_INOUT is not offered */
		resp[11] = VIRTIO_SCSI_S_FAILURE;
		ret = complete(d, q, elem, resp, resp_size, 0);
		free(resp);
		return ret;
	}
	size_t payload = out_size ? out_size : in_size;
	enum scsi_xfer_mode mode = out_size ? SCSI_XFER_TO_DEV : in_size ? SCSI_XFER_FROM_DEV : SCSI_XFER_NONE;
	int lun = 0;
	struct scsi_disk *dev = device_get(s, req, &lun);
	if (!dev) {
		s->bad_target++;
		resp[11] = VIRTIO_SCSI_S_BAD_TARGET;
		ret = complete(d, q, elem, resp, resp_size, payload);
		free(resp);
		return ret;
	}
	const u8 *cdb = req + VIRTIO_SCSI_CMD_REQ_HDR;
	struct scsi_cdb_info info;
	if (!scsi_cdb_parse(cdb, s->cdb_size, dev->blocksize, &info) && info.mode != SCSI_XFER_NONE &&
	    (info.mode != mode || info.xfer > payload)) {
		s->overruns++;
		resp[11] = VIRTIO_SCSI_S_OVERRUN;
		ret = complete(d, q, elem, resp, resp_size, payload);
		free(resp);
		return ret;
	}
	u8 *data_in = in_size ? calloc(1, in_size) : NULL;
	if (in_size && !data_in) {
		free(resp);
		return -1;
	}
	struct scsi_result res;
	scsi_req_run(&s->bus, dev, lun, cdb, s->cdb_size, req + req_size, out_size, data_in, in_size, &res);
	if (res.data_len && mode == SCSI_XFER_FROM_DEV && !res.data_untouched &&
	    vdev_elem_write(d, elem, resp_size, data_in, res.data_len)) {
		free(data_in);
		free(resp);
		virtio_error(d, "virtio: bogus descriptor or out of resources");
		return -1;
	}
	free(data_in);
	/* virtio_scsi_command_complete() */
	resp[10] = res.status;
	resp[11] = VIRTIO_SCSI_S_OK;
	if (res.status == SAM_STAT_GOOD) {
		put_le(resp + 4, payload - res.data_len, 4);
	} else {
		size_t sl = MIN((size_t)res.sense_len, (size_t)s->sense_size);
		memcpy(resp + VIRTIO_SCSI_CMD_RESP_HDR, res.sense, sl);
		put_le(resp, sl, 4);
	}
	ret = complete(d, q, elem, resp, resp_size, payload);
	free(resp);
	return ret;
}

/* virtio_scsi_handle_ctrl_req() */
static int handle_ctrl(struct vdev_hw *d, unsigned q, struct vdev_elem *elem)
{
	struct vdev_scsi *s = d->scsi;
	if (elem->out_len < 4) {
		virtio_error(d, "wrong size for virtio-scsi headers");
		return -1;
	}
	u32 type = (u32)get_le(elem->out_data, 4);
	u8 resp[VIRTIO_SCSI_AN_RESP_SIZE] = { 0 };
	if (type == VIRTIO_SCSI_T_TMF) {
		if (elem->out_len < VIRTIO_SCSI_TMF_REQ_SIZE || elem->in_len < VIRTIO_SCSI_TMF_RESP_SIZE) {
			virtio_error(d, "wrong size for virtio-scsi headers");
			return -1;
		}
		s->tmfs++;
		u32 subtype = (u32)get_le(elem->out_data + 4, 4);
		int lun = 0;
		struct scsi_disk *dev = device_get(s, elem->out_data + 8, &lun);
		if (!dev)
			resp[0] = VIRTIO_SCSI_S_BAD_TARGET;
		else if (subtype > 7)	/* beyond QUERY_TASK_SET */
			resp[0] = VIRTIO_SCSI_S_FUNCTION_REJECTED;
		else if (dev->lun != lun && subtype != 2 && subtype != 3)	/* not a target-level TMF */
			resp[0] = VIRTIO_SCSI_S_INCORRECT_LUN;
		else if (subtype == 4)	/* LOGICAL UNIT RESET: the device resets */
			dev->ua_key = SCSI_SENSE_UNIT_ATTENTION, dev->ua_asc = 0x29, dev->ua_ascq = 0;
		return complete(d, q, elem, resp, VIRTIO_SCSI_TMF_RESP_SIZE, 0);
	}
	if (type == VIRTIO_SCSI_T_AN_QUERY || type == VIRTIO_SCSI_T_AN_SUBSCRIBE) {
		if (elem->out_len < VIRTIO_SCSI_AN_REQ_SIZE || elem->in_len < VIRTIO_SCSI_AN_RESP_SIZE) {
			virtio_error(d, "wrong size for virtio-scsi headers");
			return -1;
		}
		/* no asynchronous notification is supported: event_actual 0 */
		resp[4] = VIRTIO_SCSI_S_OK;
		return complete(d, q, elem, resp, VIRTIO_SCSI_AN_RESP_SIZE, 0);
	}
	/* an unknown type completes with nothing written */
	return complete(d, q, elem, resp, 0, 0);
}

void vdev_scsi_handle_output(struct vdev_hw *d, unsigned q)
{
	if (!d->scsi || q >= d->nqueues || !d->vq[q].ready || d->broken)
		return;
	/* the event queue: buffers wait for an event (none without hotplug) */
	if (q == 1)
		return;
	struct vdev_elem *elem = malloc(sizeof(*elem));
	if (!elem)
		return;
	bool suppress = d->vq[q].notification;
	unsigned rounds = 0;
	do {
		if (suppress)
			virtio_queue_set_notification(d, q, false);
		while (virtqueue_pop(d, q, elem) > 0) {
			int ret = q == 0 ? handle_ctrl(d, q, elem) : handle_cmd(d, q, elem);
			vdev_elem_release(elem);
			if (ret) {
				/* virtqueue_detach_element */
				d->vq[q].inuse--;
				break;
			}
		}
		if (suppress)
			virtio_queue_set_notification(d, q, true);
	} while (!d->broken && !virtio_queue_empty(d, q) && ++rounds < 4 * VIRTQUEUE_MAX_SIZE);
	free(elem);
}
