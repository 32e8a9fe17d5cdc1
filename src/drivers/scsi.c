/*
 * The SCSI midlayer of Linux 6.1 as far as a scan goes (hosts.c,
 * scsi_scan.c, scsi_lib.c): hosts numbered from 0 (the lowest free), the
 * scan of every target id of every channel with a 36-byte INQUIRY of LUN 0
 * (scsi_probe_lun, retried on a reset unit attention), REPORT LUNS for
 * targets that answer (SCSI-3 and up; sequential LUNs up to 8 below), and
 * scsi_add_lun()'s notice for each LUN found. Commands complete when the
 * HBA calls scsi_done(); one the HBA never completes is a timeout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/scsi.h"
#include "drivers/drivers.h"
#include "base/page_alloc.h"
#include "hw/system.h"

#define SCSI_2 3
#define SCSI_3 4
#define SCSI_SCAN_NO_RESPONSE 0
#define SCSI_SCAN_TARGET_PRESENT 1
#define SCSI_SCAN_LUN_PRESENT 2
#define INQUIRY_LEN 36
#define REPORT_LUNS_LEN ((511 + 1) * 8)
#define MAX_SEQ_LUNS_SCSI2 8

/* only scsi_devices bind to drivers (scsi_bus_match) */
static int scsi_bus_match(struct device *dev, struct device_driver *drv)
{
	(void)drv;
	return strncmp(dev->name, "host", 4) && strncmp(dev->name, "target", 6);
}

const struct bus_type scsi_bus_type = {
	.name = "scsi",
	.match = scsi_bus_match,
};

static const char *const scsi_device_types[] = {
	"Direct-Access    ", "Sequential-Access", "Printer          ", "Processor        ",
	"WORM             ", "CD-ROM           ", "Scanner          ", "Optical Device   ",
	"Medium Changer   ", "Communications   ", "ASC IT8          ", "ASC IT8          ",
	"RAID             ", "Enclosure        ", "Direct-Access-RBC", "Optical card     ",
	"Bridge controller", "Object storage   ", "Automation/Drive ", "Security Manager ",
	"Direct-Access-ZBC",
};

const char *scsi_device_type(unsigned type)
{
	if (type == 0x1e)
		return "Well-known LUN   ";
	if (type == 0x1f)
		return "No Device        ";
	if (type >= ARRAY_SIZE(scsi_device_types))
		return "Unknown          ";
	return scsi_device_types[type];
}

bool scsi_bus_registered(struct kernel *k)
{
	struct module_info mods[64];
	size_t n = module_list(k, mods, ARRAY_SIZE(mods));
	for (size_t i = 0; i < n && i < ARRAY_SIZE(mods); i++)
		if (!strcmp(mods[i].name, "scsi_mod"))
			return true;
	return false;
}

struct Scsi_Host *scsi_host_lookup(struct kernel *k, const char *name)
{
	struct device *dev = bus_find_device_by_name(k, &scsi_bus_type, name);
	/* the host device is the first member of its Scsi_Host */
	return dev && !strncmp(dev->name, "host", 4) ? (struct Scsi_Host *)dev : NULL;
}

void scsi_host_init(struct kernel *k, struct Scsi_Host *shost, const struct scsi_host_template *sht)
{
	memset(shost, 0, sizeof(*shost));
	/* ida_alloc(): the lowest number no live host has */
	unsigned no = 0;
	char name[16];
	for (;; no++) {
		snprintf(name, sizeof(name), "host%u", no);
		if (!bus_find_device_by_name(k, &scsi_bus_type, name))
			break;
	}
	device_initialize(k, &shost->shost_gendev, &scsi_bus_type, NULL, name);
	shost->shost_gendev.match_driver = false;
	shost->hostt = sht;
	shost->host_no = no;
	/* scsi_host_alloc()'s defaults */
	shost->max_channel = 0;
	shost->max_id = 8;
	shost->max_lun = 8;
	shost->max_cmd_len = 12;
	shost->can_queue = 1;
	shost->cmd_per_lun = 1;
	shost->sg_tablesize = 128;
	shost->max_sectors = 1024;
	shost->nr_hw_queues = 1;
}

int scsi_add_host(struct Scsi_Host *shost, struct device *dev)
{
	shost->shost_gendev.parent = dev;
	dev_info(&shost->shost_gendev, "%s\n", shost->hostt->name);
	int ret = device_add(&shost->shost_gendev);
	if (!ret)
		shost->added = true;
	return ret;
}

void scsi_done(struct scsi_cmnd *cmd)
{
	cmd->done = true;
}

int scsi_execute(struct Scsi_Host *shost, unsigned channel, unsigned id, u64 lun, const u8 *cdb,
		 unsigned cdb_len, enum dma_data_direction_scsi dir, u64 buf_pa, u32 bufflen,
		 struct scsi_cmnd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->host = shost;
	cmd->channel = channel;
	cmd->id = id;
	cmd->lun = lun;
	cmd->cmd_len = MIN(cdb_len, (unsigned)SCSI_MAX_CDB);
	memcpy(cmd->cmnd, cdb, cmd->cmd_len);
	cmd->dir = dir;
	cmd->buf_pa = buf_pa;
	cmd->bufflen = bufflen;
	shost->cmds++;
	if (shost->hostt->queuecommand(shost, cmd))
		return -EBUSY;
	if (!cmd->done) {
		shost->timeouts++;
		return -ETIMEDOUT;
	}
	return 0;
}

static struct guest_mem *kmem(struct kernel *k)
{
	return ((struct hw_system *)k->hw)->mem;
}

/* a reset unit attention (ASC 0x28/0x29, ASCQ 0) is retried */
static bool ua_retry(const struct scsi_cmnd *cmd)
{
	if ((cmd->result & 0xff) != 0x02 || cmd->sense_len < 14 || (cmd->sense[0] & 0x7e) != 0x70)
		return false;
	return (cmd->sense[2] & 0x0f) == 0x06 && (cmd->sense[12] == 0x28 || cmd->sense[12] == 0x29) &&
	       cmd->sense[13] == 0;
}

/* scsi_probe_lun(): 0 with the INQUIRY data in inq, or -EIO */
static int probe_lun(struct Scsi_Host *shost, unsigned channel, unsigned id, u64 lun, u64 buf, u8 *inq)
{
	u8 cdb[6] = { 0x12, 0, 0, 0, INQUIRY_LEN, 0 };
	struct scsi_cmnd cmd;
	struct kernel *k = shost->shost_gendev.k;
	int result = -1;
	for (int count = 0; count < 3; count++) {
		u8 zero[INQUIRY_LEN] = { 0 };
		guest_mem_write(kmem(k), buf, zero, sizeof(zero));
		if (scsi_execute(shost, channel, id, lun, cdb, sizeof(cdb), SCSI_DMA_FROM_DEVICE, buf,
				 INQUIRY_LEN, &cmd))
			return -EIO;
		result = cmd.result;
		if (result && ua_retry(&cmd))
			continue;
		if (!result && cmd.resid == INQUIRY_LEN)
			continue;
		break;
	}
	if (result)
		return -EIO;
	guest_mem_read(kmem(k), buf, inq, INQUIRY_LEN);
	/* scsi_sanitize_inquiry_string(): from a NUL on, and anything unprintable, a space */
	static const struct { int off, len; } strs[] = { { 8, 8 }, { 16, 16 }, { 32, 4 } };
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		bool terminated = false;
		for (int j = strs[i].off; j < strs[i].off + strs[i].len; j++) {
			if (!inq[j])
				terminated = true;
			if (terminated || inq[j] < 0x20 || inq[j] > 0x7e)
				inq[j] = ' ';
		}
	}
	return 0;
}

static struct scsi_target *find_target(struct Scsi_Host *shost, unsigned channel, unsigned id)
{
	for (unsigned i = 0; i < shost->ntargets; i++)
		if (shost->targets[i]->channel == channel && shost->targets[i]->id == id)
			return shost->targets[i];
	return NULL;
}

static struct scsi_device *find_sdev(struct Scsi_Host *shost, unsigned channel, unsigned id, u64 lun)
{
	for (unsigned i = 0; i < shost->nsdevs; i++) {
		struct scsi_device *s = shost->sdevs[i];
		if (s->channel == channel && s->id == id && s->lun == lun)
			return s;
	}
	return NULL;
}

/* scsi_target_add(): the target shows once it has a LUN */
static int target_add(struct Scsi_Host *shost, struct scsi_target *t)
{
	if (t->added)
		return 0;
	struct scsi_target **nt = realloc(shost->targets, (shost->ntargets + 1) * sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	shost->targets = nt;
	shost->targets[shost->ntargets++] = t;
	t->added = true;
	return device_add(&t->dev);
}

/* scsi_add_lun(): the device's identity from its INQUIRY data, its notice, its sysfs device */
static int add_lun(struct Scsi_Host *shost, struct scsi_target *t, u64 lun, const u8 *inq)
{
	struct kernel *k = shost->shost_gendev.k;
	struct scsi_device *sdev = calloc(1, sizeof(*sdev));
	struct scsi_device **ns = realloc(shost->sdevs, (shost->nsdevs + 1) * sizeof(*ns));
	if (ns)
		shost->sdevs = ns;
	if (!sdev || !ns) {
		free(sdev);
		return -ENOMEM;
	}
	char name[48];
	snprintf(name, sizeof(name), "%u:%u:%u:%llu", shost->host_no, t->channel, t->id, (unsigned long long)lun);
	device_initialize(k, &sdev->sdev_gendev, &scsi_bus_type, &t->dev, name);
	sdev->host = shost;
	sdev->starget = t;
	sdev->channel = t->channel;
	sdev->id = t->id;
	sdev->lun = lun;
	memcpy(sdev->inquiry, inq, INQUIRY_LEN);
	sdev->inquiry_len = INQUIRY_LEN;
	memcpy(sdev->vendor, inq + 8, 8);
	memcpy(sdev->model, inq + 16, 16);
	memcpy(sdev->rev, inq + 32, 4);
	sdev->type = inq[0] & 0x1f;
	sdev->scsi_level = inq[2] & 0x07;
	if (sdev->scsi_level >= 2 || (sdev->scsi_level == 1 && (inq[3] & 0x0f) == 1))
		sdev->scsi_level++;
	t->scsi_level = sdev->scsi_level;
	sdev->queue_depth = (unsigned)shost->cmd_per_lun;
	dev_info(&sdev->sdev_gendev, "%s %.8s %.16s %.4s PQ: %d ANSI: %d%s\n", scsi_device_type(sdev->type),
		 sdev->vendor, sdev->model, sdev->rev, inq[0] >> 5, inq[2] & 0x07,
		 (inq[3] & 0x0f) == 1 ? " CCS" : "");
	shost->sdevs[shost->nsdevs++] = sdev;
	int ret = target_add(shost, t);
	return ret ? ret : device_add(&sdev->sdev_gendev);
}

/* scsi_probe_and_add_lun() */
static int probe_and_add_lun(struct Scsi_Host *shost, struct scsi_target *t, u64 lun, u64 buf)
{
	if (find_sdev(shost, t->channel, t->id, lun))
		return SCSI_SCAN_LUN_PRESENT;
	u8 inq[INQUIRY_LEN];
	if (probe_lun(shost, t->channel, t->id, lun, buf, inq))
		return SCSI_SCAN_NO_RESPONSE;
	/* scsi_probe_lun(): the target's level even without a LUN 0, so its other LUNs get scanned */
	int level = inq[2] & 0x07;
	if (level >= 2 || (level == 1 && (inq[3] & 0x0f) == 1))
		level++;
	t->scsi_level = level;
	if ((inq[0] >> 5) == 3)
		return lun == 0 ? SCSI_SCAN_TARGET_PRESENT : SCSI_SCAN_NO_RESPONSE;
	/* PQ 1 with no device type: a target without this LUN */
	if ((inq[0] >> 5) == 1 && (inq[0] & 0x1f) == 0x1f)
		return SCSI_SCAN_TARGET_PRESENT;
	return add_lun(shost, t, lun, inq) ? SCSI_SCAN_NO_RESPONSE : SCSI_SCAN_LUN_PRESENT;
}

/* scsilun_to_int() */
static u64 scsilun_to_int(const u8 *l)
{
	u64 lun = 0;
	for (int i = 0; i < 8; i += 2)
		lun |= (u64)((l[i] << 8) | l[i + 1]) << (i * 8);
	return lun;
}

/* scsi_report_lun_scan(): 0 when done, 1 to fall back to a sequential scan */
static int report_lun_scan(struct Scsi_Host *shost, struct scsi_target *t, u64 buf)
{
	struct kernel *k = shost->shost_gendev.k;
	if (t->scsi_level < SCSI_3)
		return 1;
	u64 data = page_alloc(k->pages, REPORT_LUNS_LEN);
	if (!data)
		return 1;
	u8 cdb[12] = { 0xa0, 0, 0, 0, 0, 0, (u8)(REPORT_LUNS_LEN >> 24), (u8)(REPORT_LUNS_LEN >> 16),
		       (u8)(REPORT_LUNS_LEN >> 8), (u8)REPORT_LUNS_LEN, 0, 0 };
	struct scsi_cmnd cmd;
	int result = -1;
	for (int retries = 0; retries < 3; retries++) {
		if (scsi_execute(shost, t->channel, t->id, 0, cdb, sizeof(cdb), SCSI_DMA_FROM_DEVICE, data,
				 REPORT_LUNS_LEN, &cmd)) {
			result = -1;
			break;
		}
		result = cmd.result;
		if (!result || !ua_retry(&cmd))
			break;
	}
	if (result) {
		page_free(k->pages, data, REPORT_LUNS_LEN);
		return 1;
	}
	u8 hdr[8];
	guest_mem_read(kmem(k), data, hdr, sizeof(hdr));
	u32 length = (u32)hdr[0] << 24 | (u32)hdr[1] << 16 | (u32)hdr[2] << 8 | hdr[3];
	u32 num_luns = MIN(length / 8, (u32)(REPORT_LUNS_LEN / 8 - 1));
	for (u32 i = 0; i < num_luns; i++) {
		u8 l[8];
		guest_mem_read(kmem(k), data + 8 + 8ULL * i, l, sizeof(l));
		u64 lun = scsilun_to_int(l);
		char lname[48];
		snprintf(lname, sizeof(lname), "target%u:%u:%u", shost->host_no, t->channel, t->id);
		if (l[4] || l[5] || l[6] || l[7]) {
			kprintf(k, "scsi %s: lun 0x%02x%02x%02x%02x%02x%02x%02x%02x has a LUN larger than currently supported.",
				lname, l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]);
		} else if (lun > shost->max_lun) {
			kprintf(k, "scsi %s: %llu has a LUN larger than allowed by the host adapter", lname,
				(unsigned long long)lun);
		} else if (probe_and_add_lun(shost, t, lun, buf) == SCSI_SCAN_NO_RESPONSE) {
			kprintf(k, "scsi %s: Unexpected response from lun %llu while scanning, scan aborted", lname,
				(unsigned long long)lun);
			break;
		}
	}
	page_free(k->pages, data, REPORT_LUNS_LEN);
	return 0;
}

/* __scsi_scan_target() */
static void scan_target(struct Scsi_Host *shost, unsigned channel, unsigned id, u64 buf)
{
	struct kernel *k = shost->shost_gendev.k;
	struct scsi_target *t = find_target(shost, channel, id);
	bool fresh = !t;
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return;
		char name[48];
		snprintf(name, sizeof(name), "target%u:%u:%u", shost->host_no, channel, id);
		device_initialize(k, &t->dev, &scsi_bus_type, &shost->shost_gendev, name);
		t->dev.match_driver = false;
		t->shost = shost;
		t->channel = channel;
		t->id = id;
		t->scsi_level = SCSI_2;
	}
	int res = probe_and_add_lun(shost, t, 0, buf);
	if (res == SCSI_SCAN_LUN_PRESENT || res == SCSI_SCAN_TARGET_PRESENT) {
		if (report_lun_scan(shost, t, buf)) {
			/* scsi_sequential_lun_scan(): stop at the first LUN that is not there */
			u64 max = MIN(shost->max_lun, (u64)MAX_SEQ_LUNS_SCSI2);
			for (u64 lun = 1; lun < max; lun++)
				if (probe_and_add_lun(shost, t, lun, buf) != SCSI_SCAN_LUN_PRESENT)
					break;
		}
	}
	/* scsi_target_reap(): a target with no LUN never showed */
	if (fresh && !t->added)
		free(t);
}

void scsi_scan_host(struct Scsi_Host *shost)
{
	struct kernel *k = shost->shost_gendev.k;
	u64 buf = page_alloc(k->pages, PAGE_SIZE);
	if (!buf)
		return;
	for (unsigned channel = 0; channel <= shost->max_channel; channel++)
		for (unsigned id = 0; id < shost->max_id; id++) {
			if ((int)id == shost->hostt->this_id)
				continue;
			scan_target(shost, channel, id, buf);
		}
	page_free(k->pages, buf, PAGE_SIZE);
}

void scsi_remove_host(struct Scsi_Host *shost)
{
	for (unsigned i = shost->nsdevs; i-- > 0;) {
		device_del(&shost->sdevs[i]->sdev_gendev);
		free(shost->sdevs[i]);
	}
	for (unsigned i = shost->ntargets; i-- > 0;) {
		device_del(&shost->targets[i]->dev);
		free(shost->targets[i]);
	}
	free(shost->sdevs);
	free(shost->targets);
	shost->sdevs = NULL;
	shost->targets = NULL;
	shost->nsdevs = shost->ntargets = 0;
	if (shost->added)
		device_del(&shost->shost_gendev);
	shost->added = false;
}

void scsi_host_release(struct Scsi_Host *shost)
{
	for (unsigned i = 0; i < shost->nsdevs; i++)
		free(shost->sdevs[i]);
	for (unsigned i = 0; i < shost->ntargets; i++)
		free(shost->targets[i]);
	free(shost->sdevs);
	free(shost->targets);
	shost->sdevs = NULL;
	shost->targets = NULL;
	shost->nsdevs = shost->ntargets = 0;
}
