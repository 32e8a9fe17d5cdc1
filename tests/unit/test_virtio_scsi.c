/*
 * virtio-scsi end to end: the -device types with QEMU 7.2's checks and
 * texts, the device's config and queues as virtio_scsi (Linux 6.1) reads
 * them, the scan, the scsi bus and /sys/class/scsi_host, commands through
 * the request queue with data by DMA, and the device's answers to a
 * malformed request.
 */
#include <unistd.h>
#include "boot_util.h"
#include "base/page_alloc.h"
#include "drivers/scsi.h"
#include "drivers/virtio.h"
#include "drivers/virtio_ring.h"
#include "hw/mem.h"
#include "hw/pci_msix.h"
#include "hw/scsi_bus.h"
#include "hw/system.h"
#include "hw/virtio_scsi_dev.h"

#define CTRL "-M virt,iommu=smmuv3 -nic none -device virtio-scsi-pci,id=scsi0"
#define DISK0 "-drive if=none,id=d0,file=null-co://,format=raw"

static struct Scsi_Host *host(struct iommusim *sim, const char *name)
{
	struct Scsi_Host *sh = scsi_host_lookup(sim->k, name);
	cr_assert_not_null(sh, "no %s", name);
	return sh;
}

static void modprobe_scsi(struct iommusim *sim)
{
	char *out = run(sim, "modprobe virtio_scsi\n");
	cr_assert_str_eq(out, "");
	free(out);
}

static void boot_fails(const char *args, const char *msg)
{
	char err[512] = "";
	struct iommusim *sim = boot_str(args, err, sizeof(err));
	cr_assert_null(sim, "booted: %s", args);
	cr_assert_not_null(strstr(err, msg), "'%s' not in '%s'", msg, err);
}

Test(virtio_scsi, module_binds_and_scans)
{
	struct iommusim *sim = boot_ok(CTRL " " DISK0 " -device scsi-hd,drive=d0,bus=scsi0.0");
	/* before the module: no driver, no scsi bus, no class */
	char *out = run(sim, "readlink /sys/bus/virtio/devices/virtio1/driver\nls /sys/bus\nls /sys/class\n");
	cr_assert_str_eq(out, "pci\nplatform\nvirtio\n");
	free(out);
	cr_assert_null(scsi_host_lookup(sim->k, "host0"));
	modprobe_scsi(sim);
	struct Scsi_Host *sh = host(sim, "host0");
	/* -smp 1: one request queue; QEMU's virtqueue_size 256, cmd_per_lun 128, seg_max 254 */
	cr_assert_eq(sh->nr_hw_queues, 1);
	cr_assert_eq(sh->can_queue, 256);
	cr_assert_eq(sh->cmd_per_lun, 128);
	cr_assert_eq(sh->sg_tablesize, 254);
	cr_assert_eq(sh->max_id, 256);
	cr_assert_eq(sh->max_lun, 16384 + 0x4000);
	cr_assert_eq(sh->max_sectors, 0xFFFF);
	cr_assert_eq(sh->nsdevs, 1);
	cr_assert_str_eq(sh->sdevs[0]->sdev_gendev.name, "0:0:0:0");
	cr_assert_eq(memcmp(sh->sdevs[0]->vendor, "QEMU    ", 8), 0);
	cr_assert_eq(sh->sdevs[0]->scsi_level, 6);
	out = run(sim, "ls /sys/bus/scsi/devices\ncat /sys/class/scsi_host/host0/proc_name\n"
		       "readlink /sys/class/scsi_host/host0\nls /sys/bus/scsi/drivers\n");
	cr_assert_str_eq(out, "0:0:0:0\nhost0\ntarget0:0:0\nvirtio_scsi\n"
			      "../../devices/platform/4010000000.pcie/pci0000:00/0000:00:01.0/virtio0/host0/scsi_host/host0\n",
			 "%s", out);
	free(out);
	out = run(sim, "dmesg\n");
	/* scsi_mod's banner, the host, the LUN, in that order */
	char *l1 = strstr(out, "] SCSI subsystem initialized\n");
	char *l2 = strstr(out, "] scsi host0: Virtio SCSI HBA\n");
	char *l3 = strstr(out, "] scsi 0:0:0:0: Direct-Access     QEMU     QEMU HARDDISK    2.5+ PQ: 0 ANSI: 5\n");
	cr_assert(l1 && l2 && l3 && l1 < l2 && l2 < l3, "%s", out);
	free(out);
	iommusim_free(sim);
}

Test(virtio_scsi, queues_follow_the_vcpus)
{
	struct iommusim *sim = boot_ok(CTRL " -smp 4 " DISK0 " -device scsi-hd,drive=d0");
	struct pci_dev *p = pdev_of(sim, "0000:00:01.0");
	cr_assert_eq(p->device, 0x1004, "transitional on pcie.0");
	cr_assert_eq(p->class, 0x010000);
	modprobe_scsi(sim);
	struct Scsi_Host *sh = host(sim, "host0");
	cr_assert_eq(sh->nr_hw_queues, 4);
	struct virtio_device *vdev = dev_to_virtio(sh->shost_gendev.parent);
	/* control, event and four request queues; num_queues + 3 MSI-X vectors */
	cr_assert_eq(vdev->nvqs, 6);
	cr_assert_str_eq(vdev->vqs[0]->name, "control");
	cr_assert_str_eq(vdev->vqs[1]->name, "event");
	cr_assert_str_eq(vdev->vqs[5]->name, "request");
	cr_assert_eq(vdev->hw->pci_proxy->msix->nentries, 7);
	u8 cfg[VIRTIO_SCSI_CFG_SIZE];
	vdev_hw_config_read(vdev->vhw, 0, cfg, sizeof(cfg));
	cr_assert_eq(cfg[VIRTIO_SCSI_CFG_NUM_QUEUES], 4);
	cr_assert_eq(cfg[VIRTIO_SCSI_CFG_SENSE_SIZE], 96);
	cr_assert_eq(cfg[VIRTIO_SCSI_CFG_CDB_SIZE], 32);
	cr_assert_eq(cfg[VIRTIO_SCSI_CFG_EVENT_INFO_SIZE], 16);
	cr_assert_eq(cfg[VIRTIO_SCSI_CFG_MAX_TARGET], 255);
	cr_assert_eq(cfg[VIRTIO_SCSI_CFG_MAX_LUN] | cfg[VIRTIO_SCSI_CFG_MAX_LUN + 1] << 8, 16383);
	/* the event queue holds the driver's 8 buffers: no event happened */
	cr_assert_eq(vdev->vhw->vq[1].popped, 0);
	cr_assert_eq(vdev->vqs[1]->num_free, vdev->vqs[1]->num - 8);
	iommusim_free(sim);
	/* num_queues given: the driver caps it by the CPUs */
	sim = boot_ok(CTRL ",num_queues=8 -smp 2 " DISK0 " -device scsi-hd,drive=d0");
	modprobe_scsi(sim);
	cr_assert_eq(host(sim, "host0")->nr_hw_queues, 2);
	iommusim_free(sim);
}

Test(virtio_scsi, targets_and_luns)
{
	struct iommusim *sim = boot_ok(CTRL " " DISK0 " -drive if=none,id=d1,file=null-co://,format=raw"
				       " -drive if=none,id=d2,file=null-co://,format=raw"
				       " -device scsi-hd,drive=d0 -device scsi-hd,drive=d1,scsi-id=7,lun=300"
				       " -device scsi-hd,drive=d2,scsi-id=7,lun=2");
	modprobe_scsi(sim);
	struct Scsi_Host *sh = host(sim, "host0");
	cr_assert_eq(sh->nsdevs, 3);
	cr_assert_str_eq(sh->sdevs[0]->sdev_gendev.name, "0:0:0:0");
	/* target 7 has no LUN 0: REPORT LUNS lists the newest first, LUN 300 in format 1 */
	cr_assert_str_eq(sh->sdevs[1]->sdev_gendev.name, "0:0:7:2");
	cr_assert_str_eq(sh->sdevs[2]->sdev_gendev.name, "0:0:7:16684");
	cr_assert_eq(sh->ntargets, 2);
	iommusim_free(sim);
}

Test(virtio_scsi, qemu_refusals)
{
	boot_fails("-M virt -nic none " DISK0 " -device scsi-hd,drive=d0",
		   "-device scsi-hd,drive=d0: No 'SCSI' bus found for device 'scsi-hd'");
	boot_fails(CTRL " " DISK0 " -device scsi-hd,drive=d0,bus=nope.0", "Bus 'nope.0' not found");
	boot_fails(CTRL " " DISK0 " -device scsi-hd,drive=d0,bus=pcie.0", "Device 'scsi-hd' can't go on PCIE bus");
	boot_fails(CTRL " -device scsi-hd", "drive property not set");
	boot_fails(CTRL " " DISK0 " -device scsi-hd,drive=d0,scsi-id=256", "bad scsi device id: 256");
	boot_fails(CTRL " " DISK0 " -device scsi-hd,drive=d0,lun=16384", "bad scsi device lun: 16384");
	boot_fails(CTRL " " DISK0 " -drive if=none,id=d1,file=null-co://,format=raw"
		   " -device scsi-hd,drive=d0,id=a,scsi-id=3 -device scsi-hd,drive=d1,scsi-id=3,lun=0",
		   "lun already used by 'a'");
	boot_fails(CTRL " " DISK0 " -device scsi-hd,drive=d0 -device scsi-hd,drive=d0",
		   "Drive 'd0' is already in use by another device");
	boot_fails(CTRL " " DISK0 " -device scsi-hd,drive=d0,product=x,scsi_version=4", "scsi_version");
	boot_fails("-M virt -nic none -device virtio-scsi-pci,num_queues=0",
		   "Invalid number of queues (= 0), must be a positive integer less than 1022.");
	boot_fails("-M virt -nic none -device virtio-scsi-pci,virtqueue_size=2",
		   "invalid virtqueue_size property (= 2), must be > 2");
	boot_fails(CTRL " " DISK0 " -device scsi-hd,drive=d0,serial=0123456789012345678901234567890123456",
		   "The serial number can't be longer than 36 characters");
}

Test(virtio_scsi, rmmod_removes_the_host_and_modprobe_numbers_it_again)
{
	struct iommusim *sim = boot_ok(CTRL " " DISK0 " -device scsi-hd,drive=d0");
	modprobe_scsi(sim);
	host(sim, "host0");
	char *out = run(sim, "rmmod virtio_scsi\nls /sys/bus/scsi/devices\nls /sys/class/scsi_host\n"
			     "readlink /sys/bus/virtio/devices/virtio0/driver\n");
	cr_assert_str_eq(out, "");
	free(out);
	cr_assert_null(scsi_host_lookup(sim->k, "host0"));
	modprobe_scsi(sim);
	cr_assert_eq(host(sim, "host0")->nsdevs, 1);
	iommusim_free(sim);
}

Test(virtio_scsi, mmio_transport)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -smp 2 -device virtio-scsi-device,id=vs "
				       DISK0 " -device scsi-hd,drive=d0,bus=vs.0");
	modprobe_scsi(sim);
	/* num_queues auto is 1 on virtio-mmio; its QueueNumMax is 1024 whatever virtqueue_size says */
	cr_assert_eq(host(sim, "host0")->nr_hw_queues, 1);
	cr_assert_eq(host(sim, "host0")->can_queue, 1024);
	cr_assert_eq(host(sim, "host0")->sg_tablesize, 254);
	cr_assert_eq(host(sim, "host0")->nsdevs, 1);
	iommusim_free(sim);
}

/* commands through the driver's request queue, data by the device's DMA */
Test(virtio_scsi, commands_move_data_by_dma)
{
	char path[] = "/tmp/iommusim_vscsi_XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	static u8 img[16384];
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (u8)(i * 3 + 7);
	cr_assert_eq(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
	close(fd);
	char args[512];
	snprintf(args, sizeof(args), CTRL " -drive if=none,id=d0,file=%s,format=raw -device scsi-hd,drive=d0", path);
	struct iommusim *sim = boot_ok(args);
	modprobe_scsi(sim);
	struct Scsi_Host *sh = host(sim, "host0");
	struct guest_mem *mem = ((struct hw_system *)sim->k->hw)->mem;
	u64 buf = page_alloc(sim->k->pages, PAGE_SIZE);
	cr_assert_neq(buf, 0);
	struct scsi_cmnd cmd;
	/* the reset unit attention comes with the first TEST UNIT READY */
	u8 tur[6] = { TEST_UNIT_READY };
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, tur, 6, SCSI_DMA_NONE, 0, 0, &cmd), 0);
	cr_assert_eq(cmd.result, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(cmd.sense[2] & 0xf, SCSI_SENSE_UNIT_ATTENTION);
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, tur, 6, SCSI_DMA_NONE, 0, 0, &cmd), 0);
	cr_assert_eq(cmd.result, 0);
	/* READ CAPACITY(10): 32 blocks of 512 */
	u8 rc[10] = { READ_CAPACITY_10 };
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, rc, 10, SCSI_DMA_FROM_DEVICE, buf, 8, &cmd), 0);
	u8 cap[8];
	guest_mem_read(mem, buf, cap, 8);
	cr_assert_eq(cap[3], 31);
	cr_assert_eq(cap[6], 2);
	/* READ(10) of blocks 2..3 */
	u8 rd[10] = { READ_10, 0, 0, 0, 0, 2, 0, 0, 2, 0 };
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, rd, 10, SCSI_DMA_FROM_DEVICE, buf, 1024, &cmd), 0);
	cr_assert_eq(cmd.result, 0);
	cr_assert_eq(cmd.resid, 0);
	u8 got[1024];
	guest_mem_read(mem, buf, got, sizeof(got));
	cr_assert_eq(memcmp(got, img + 1024, 1024), 0);
	/* a buffer larger than the transfer: the rest is the residual */
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, rd, 10, SCSI_DMA_FROM_DEVICE, buf, 2048, &cmd), 0);
	cr_assert_eq(cmd.resid, 1024);
	/* a buffer smaller than the transfer: VIRTIO_SCSI_S_OVERRUN, DID_ERROR */
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, rd, 10, SCSI_DMA_FROM_DEVICE, buf, 512, &cmd), 0);
	cr_assert_eq(host_byte(cmd.result), DID_ERROR);
	/* WRITE(10) reaches the file */
	memset(got, 0xa5, 512);
	guest_mem_write(mem, buf, got, 512);
	u8 wr[10] = { WRITE_10, 0, 0, 0, 0, 5, 0, 0, 1, 0 };
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, wr, 10, SCSI_DMA_TO_DEVICE, buf, 512, &cmd), 0);
	cr_assert_eq(cmd.result, 0);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, 5 * 512, SEEK_SET), 0);
	cr_assert_eq(fread(got + 512, 1, 512, f), 512);
	fclose(f);
	cr_assert_eq(memcmp(got, got + 512, 512), 0);
	/* a target with no device: VIRTIO_SCSI_S_BAD_TARGET */
	u8 inq[6] = { INQUIRY, 0, 0, 0, 36, 0 };
	cr_assert_eq(scsi_execute(sh, 0, 9, 0, inq, 6, SCSI_DMA_FROM_DEVICE, buf, 36, &cmd), 0);
	cr_assert_eq(host_byte(cmd.result), DID_BAD_TARGET);
	page_free(sim->k->pages, buf, PAGE_SIZE);
	iommusim_free(sim);
	unlink(path);
}

Test(virtio_scsi, short_header_is_virtio_error)
{
	struct iommusim *sim = boot_ok(CTRL " " DISK0 " -device scsi-hd,drive=d0");
	modprobe_scsi(sim);
	struct virtio_device *vdev = dev_to_virtio(host(sim, "host0")->shost_gendev.parent);
	u64 pa = page_alloc(sim->k->pages, PAGE_SIZE);
	struct vring_sg sg[2] = { { pa, 16 }, { pa + 512, 16 } };
	struct virtqueue *req = vdev->vqs[2];
	cr_assert_eq(virtqueue_add_sgs(req, sg, 1, 1, &sg), 0);
	virtqueue_kick(req);
	cr_assert(vdev->vhw->broken);
	cr_assert_str_eq(vdev->vhw->error, "wrong size for virtio-scsi headers");
	/* VERSION_1: the device asks for a reset */
	cr_assert(vdev->vhw->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	page_free(sim->k->pages, pa, PAGE_SIZE);
	iommusim_free(sim);
}

Test(virtio_scsi, inquiry_strings_as_linux_sanitizes_them)
{
	struct iommusim *sim = boot_ok(CTRL " " DISK0 " -device scsi-hd,drive=d0,vendor=ACME,product=Disk,ver=1.0");
	modprobe_scsi(sim);
	struct scsi_device *s = host(sim, "host0")->sdevs[0];
	/* QEMU pads vendor and product with spaces, the version with NULs: Linux makes them spaces */
	cr_assert_str_eq(s->rev, "1.0 ");
	char *out = run(sim, "cat /sys/bus/scsi/devices/0:0:0:0/vendor /sys/bus/scsi/devices/0:0:0:0/model "
			     "/sys/bus/scsi/devices/0:0:0:0/modalias /sys/bus/scsi/devices/0:0:0:0/queue_depth\n");
	cr_assert_str_eq(out, "ACME    \nDisk            \nscsi:t-0x00\n128\n");
	free(out);
	/* no driver, no driver_override: hosts and LUNs have only their own attributes */
	out = run(sim, "cat /sys/bus/scsi/devices/0:0:0:0/driver_override /sys/class/scsi_host/host0/vendor\n");
	cr_assert_not_null(strstr(out, "No such file or directory"));
	free(out);
	iommusim_free(sim);
}

/* one control request: out bytes, then len_in bytes of response read back */
static void ctrl_req(struct iommusim *sim, struct virtio_device *vdev, const u8 *req, u32 len_out, u8 *resp,
		     u32 len_in)
{
	struct guest_mem *mem = ((struct hw_system *)sim->k->hw)->mem;
	u64 pa = page_alloc(sim->k->pages, PAGE_SIZE);
	cr_assert_neq(pa, 0);
	guest_mem_write(mem, pa, req, len_out);
	memset(resp, 0xee, len_in);
	guest_mem_write(mem, pa + 2048, resp, len_in);
	struct vring_sg sg[2] = { { pa, len_out }, { pa + 2048, len_in } };
	struct virtqueue *ctrl = vdev->vqs[0];
	cr_assert_eq(virtqueue_add_sgs(ctrl, sg, 1, 1, &sg), 0);
	virtqueue_kick(ctrl);
	guest_mem_read(mem, pa + 2048, resp, len_in);
	page_free(sim->k->pages, pa, PAGE_SIZE);
}

Test(virtio_scsi, control_queue_tmf_and_an)
{
	struct iommusim *sim = boot_ok(CTRL " " DISK0 " -device scsi-hd,drive=d0");
	modprobe_scsi(sim);
	struct Scsi_Host *sh = host(sim, "host0");
	struct virtio_device *vdev = dev_to_virtio(sh->shost_gendev.parent);
	struct scsi_cmnd cmd;
	u8 tur[6] = { TEST_UNIT_READY };
	/* the reset unit attention, then a clean TEST UNIT READY */
	scsi_execute(sh, 0, 0, 0, tur, 6, SCSI_DMA_NONE, 0, 0, &cmd);
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, tur, 6, SCSI_DMA_NONE, 0, 0, &cmd), 0);
	cr_assert_eq(cmd.result, 0);
	/* TMF LOGICAL UNIT RESET of 0:0: function complete, and the LUN reports the reset */
	u8 tmf[VIRTIO_SCSI_TMF_REQ_SIZE] = { VIRTIO_SCSI_T_TMF, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0x40, 0 };
	u8 resp[8];
	ctrl_req(sim, vdev, tmf, sizeof(tmf), resp, VIRTIO_SCSI_TMF_RESP_SIZE);
	cr_assert_eq(resp[0], VIRTIO_SCSI_S_OK);
	cr_assert_eq(scsi_execute(sh, 0, 0, 0, tur, 6, SCSI_DMA_NONE, 0, 0, &cmd), 0);
	cr_assert_eq(cmd.result, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(cmd.sense[12], 0x29);
	/* a TMF for a target with no device */
	tmf[9] = 5;
	ctrl_req(sim, vdev, tmf, sizeof(tmf), resp, VIRTIO_SCSI_TMF_RESP_SIZE);
	cr_assert_eq(resp[0], VIRTIO_SCSI_S_BAD_TARGET);
	/* asynchronous notification query: none supported, OK */
	u8 an[VIRTIO_SCSI_AN_REQ_SIZE] = { VIRTIO_SCSI_T_AN_QUERY, 0, 0, 0, 1, 0, 0x40, 0, 0, 0, 0, 0, 0xff };
	ctrl_req(sim, vdev, an, sizeof(an), resp, VIRTIO_SCSI_AN_RESP_SIZE);
	cr_assert_eq(resp[0] | resp[1] | resp[2] | resp[3], 0, "event_actual");
	cr_assert_eq(resp[4], VIRTIO_SCSI_S_OK);
	cr_assert_not(vdev->vhw->broken);
	/* a TMF shorter than its header: virtio_error */
	ctrl_req(sim, vdev, tmf, 8, resp, 1);
	cr_assert(vdev->vhw->broken);
	cr_assert_str_eq(vdev->vhw->error, "wrong size for virtio-scsi headers");
	iommusim_free(sim);
}
