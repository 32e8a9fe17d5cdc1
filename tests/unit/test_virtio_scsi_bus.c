/*
 * The SCSI bus and scsi-hd under virtio-scsi (hw/scsi_bus.h): QEMU 7.2's
 * placement rules and their messages, CDB parsing, and each command's
 * answer as scsi-disk and the bus's target emulation give it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "hw/scsi_bus.h"

static const struct scsi_bus_info vscsi_info = { .max_channel = 0, .max_target = 255, .max_lun = 16383, .tcq = true };

static struct scsi_hd_conf hd(const char *file, int id, int lun)
{
	return (struct scsi_hd_conf){ .drive_file = file, .drive_id = "disk0", .has_drive = true, .scsi_id = id,
				      .lun = lun };
}

static void new_bus(struct scsi_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	bus->info = vscsi_info;
}

static void run(struct scsi_bus *bus, struct scsi_disk *d, int lun, const u8 *cdb, unsigned len, u8 *in,
		size_t cap, struct scsi_result *res)
{
	u8 full[32] = { 0 };
	memcpy(full, cdb, len);
	scsi_req_run(bus, d, lun, full, sizeof(full), NULL, 0, in, cap, res);
}

/* the reset unit attention goes with the first TEST UNIT READY */
static void clear_ua(struct scsi_bus *bus, struct scsi_disk *d)
{
	static const u8 tur[6] = { TEST_UNIT_READY };
	struct scsi_result res;
	run(bus, d, d->lun, tur, sizeof(tur), NULL, 0, &res);
}

Test(scsi_bus, automatic_targets_and_luns)
{
	struct scsi_hd_conf placed[4];
	char err[128];
	placed[0] = hd("null-co://", -1, -1);
	cr_assert_eq(scsi_hd_place(&vscsi_info, placed, 0, &placed[0], err, sizeof(err)), 0);
	cr_assert_eq(placed[0].scsi_id, 0);
	cr_assert_eq(placed[0].lun, 0);
	/* the next one without scsi-id takes the next free target */
	placed[1] = hd("null-co://", -1, -1);
	cr_assert_eq(scsi_hd_place(&vscsi_info, placed, 1, &placed[1], err, sizeof(err)), 0);
	cr_assert_eq(placed[1].scsi_id, 1);
	/* scsi-id=0 without lun: the first free LUN of target 0 */
	placed[2] = hd("null-co://", 0, -1);
	cr_assert_eq(scsi_hd_place(&vscsi_info, placed, 2, &placed[2], err, sizeof(err)), 0);
	cr_assert_eq(placed[2].scsi_id, 0);
	cr_assert_eq(placed[2].lun, 1);
	/* an explicit address in use is refused with the holder's id */
	placed[3] = hd("null-co://", 0, 1);
	placed[2].id = "d2";
	cr_assert_eq(scsi_hd_place(&vscsi_info, placed, 3, &placed[3], err, sizeof(err)), -EBUSY);
	cr_assert_str_eq(err, "lun already used by 'd2'");
	cr_assert_eq(placed[3].scsi_id, 0);
	cr_assert_eq(placed[3].lun, 1);
	placed[2].id = NULL;
	cr_assert_eq(scsi_hd_place(&vscsi_info, placed, 3, &placed[3], err, sizeof(err)), -EBUSY);
	cr_assert_str_eq(err, "lun already used by '(null)'");
}

Test(scsi_bus, bad_addresses_are_refused_with_qemu_text)
{
	char err[128];
	struct scsi_hd_conf c = hd("null-co://", 256, -1);
	cr_assert_eq(scsi_hd_place(&vscsi_info, NULL, 0, &c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "bad scsi device id: 256");
	cr_assert_eq(c.scsi_id, 256);
	c = hd("null-co://", 0, 16384);
	cr_assert_eq(scsi_hd_place(&vscsi_info, NULL, 0, &c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "bad scsi device lun: 16384");
	c = hd("null-co://", -1, -1);
	c.channel = 1;
	cr_assert_eq(scsi_hd_place(&vscsi_info, NULL, 0, &c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "bad scsi channel id: 1");
}

Test(scsi_bus, no_free_target)
{
	static struct scsi_hd_conf placed[256];
	char err[128];
	for (int i = 0; i < 256; i++) {
		placed[i] = hd("null-co://", -1, -1);
		cr_assert_eq(scsi_hd_place(&vscsi_info, placed, (unsigned)i, &placed[i], err, sizeof(err)), 0);
		cr_assert_eq(placed[i].scsi_id, i);
	}
	struct scsi_hd_conf c = hd("null-co://", -1, -1);
	cr_assert_eq(scsi_hd_place(&vscsi_info, placed, 256, &c, err, sizeof(err)), -EBUSY);
	cr_assert_str_eq(err, "no free target");
}

Test(scsi_bus, drive_errors_leave_the_bus_unchanged)
{
	struct scsi_bus bus;
	new_bus(&bus);
	char err[160];
	struct scsi_hd_conf c = hd(NULL, -1, -1);
	c.has_drive = false;
	cr_assert_eq(scsi_bus_add_hd(&bus, &c, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "drive property not set");
	c = hd("/nonexistent/disk.img", -1, -1);
	cr_assert_lt(scsi_bus_add_hd(&bus, &c, err, sizeof(err)), 0);
	cr_assert_str_eq(err, "Could not open '/nonexistent/disk.img': No such file or directory");
	cr_assert_eq(bus.ndisks, 0);
	scsi_bus_free(&bus);
}

Test(scsi_bus, cdb_parse_lengths_and_directions)
{
	struct scsi_cdb_info info;
	u8 inq[6] = { INQUIRY, 0, 0, 0, 36, 0 };
	cr_assert_eq(scsi_cdb_parse(inq, 32, 512, &info), 0);
	cr_assert_eq(info.len, 6);
	cr_assert_eq(info.xfer, 36);
	cr_assert_eq(info.mode, SCSI_XFER_FROM_DEV);
	u8 rd10[10] = { READ_10, 0, 0, 0, 0, 8, 0, 0, 4, 0 };
	cr_assert_eq(scsi_cdb_parse(rd10, 32, 512, &info), 0);
	cr_assert_eq(info.len, 10);
	cr_assert_eq(info.lba, 8);
	cr_assert_eq(info.xfer, 4 * 512);
	u8 wr16[16] = { WRITE_16, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 };
	cr_assert_eq(scsi_cdb_parse(wr16, 32, 512, &info), 0);
	cr_assert_eq(info.lba, 1);
	cr_assert_eq(info.xfer, 1024);
	cr_assert_eq(info.mode, SCSI_XFER_TO_DEV);
	u8 tur[6] = { TEST_UNIT_READY };
	cr_assert_eq(scsi_cdb_parse(tur, 32, 512, &info), 0);
	cr_assert_eq(info.mode, SCSI_XFER_NONE);
	u8 rl[12] = { REPORT_LUNS, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0 };
	cr_assert_eq(scsi_cdb_parse(rl, 32, 512, &info), 0);
	cr_assert_eq(info.len, 12);
	cr_assert_eq(info.xfer, 4096);
	/* groups 3, 6 and 7 have no length: INVALID OPCODE */
	u8 bad[6] = { 0x60 };
	cr_assert_eq(scsi_cdb_parse(bad, 32, 512, &info), -EINVAL);
	cr_assert_eq(scsi_cdb_parse(rd10, 6, 512, &info), -EINVAL);
}

Test(scsi_bus, inquiry_answers_as_qemu_harddisk)
{
	struct scsi_bus bus;
	new_bus(&bus);
	char err[160];
	struct scsi_hd_conf c = hd("null-co://", -1, -1);
	cr_assert_eq(scsi_bus_add_hd(&bus, &c, err, sizeof(err)), 0, "%s", err);
	struct scsi_disk *d = scsi_device_find(&bus, 0, 0, 0);
	cr_assert_not_null(d);
	u8 cdb[6] = { INQUIRY, 0, 0, 0, 36, 0 };
	u8 in[64];
	memset(in, 0xee, sizeof(in));
	struct scsi_result res;
	run(&bus, d, 0, cdb, sizeof(cdb), in, sizeof(in), &res);
	/* INQUIRY is answered even with the reset unit attention pending */
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(res.data_len, 36);
	cr_assert_eq(in[0], TYPE_DISK);
	cr_assert_eq(in[2], 5);
	cr_assert_eq(in[3], 0x12);
	cr_assert_eq(in[4], 31);
	cr_assert_eq(in[7], 0x12);
	cr_assert_eq(memcmp(in + 8, "QEMU    QEMU HARDDISK   2.5+", 28), 0);
	cr_assert_eq(in[36], 0xee, "nothing past the allocation length");
	/* a LUN the target does not have: PQ 3 */
	run(&bus, d, 5, cdb, sizeof(cdb), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(in[0], TYPE_NO_LUN);
	/* VPD page 0: the pages a disk without a serial has */
	u8 vpd[6] = { INQUIRY, 1, 0, 0, 64, 0 };
	run(&bus, d, 0, vpd, sizeof(vpd), in, sizeof(in), &res);
	cr_assert_eq(res.data_len, 9);
	u8 pages[] = { 0x00, 0x83, 0xb0, 0xb1, 0xb2 };
	cr_assert_eq(in[3], 5);
	cr_assert_eq(memcmp(in + 4, pages, sizeof(pages)), 0);
	/* page 0x80 needs serial=: INVALID FIELD IN CDB */
	vpd[2] = 0x80;
	run(&bus, d, 0, vpd, sizeof(vpd), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(res.sense[2], SCSI_SENSE_ILLEGAL_REQUEST);
	cr_assert_eq(res.sense[12], 0x24);
	/* page 0x83 names the drive */
	vpd[2] = 0x83;
	run(&bus, d, 0, vpd, sizeof(vpd), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(in[7], 5);
	cr_assert_eq(memcmp(in + 8, "disk0", 5), 0);
	scsi_bus_free(&bus);
}

Test(scsi_bus, unit_attention_once_then_capacity)
{
	struct scsi_bus bus;
	new_bus(&bus);
	char err[160];
	struct scsi_hd_conf c = hd("null-co://", 3, 0);
	cr_assert_eq(scsi_bus_add_hd(&bus, &c, err, sizeof(err)), 0, "%s", err);
	struct scsi_disk *d = scsi_device_find(&bus, 0, 3, 0);
	u8 rc[10] = { READ_CAPACITY_10 };
	u8 in[32];
	struct scsi_result res;
	run(&bus, d, 0, rc, sizeof(rc), in, 8, &res);
	cr_assert_eq(res.status, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(res.sense[2], SCSI_SENSE_UNIT_ATTENTION);
	cr_assert_eq(res.sense[12], 0x29);
	run(&bus, d, 0, rc, sizeof(rc), in, 8, &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	/* null-co: 1 GiB of 512-byte blocks */
	cr_assert_eq(in[0] << 24 | in[1] << 16 | in[2] << 8 | in[3], (1 << 21) - 1);
	cr_assert_eq(in[6] << 8 | in[7], 512);
	/* a bus reset brings it back */
	scsi_bus_reset(&bus);
	run(&bus, d, 0, rc, sizeof(rc), in, 8, &res);
	cr_assert_eq(res.status, SAM_STAT_CHECK_CONDITION);
	scsi_bus_free(&bus);
}

Test(scsi_bus, report_luns_lun0_first_then_newest)
{
	struct scsi_bus bus;
	new_bus(&bus);
	char err[160];
	struct scsi_hd_conf c1 = hd("null-co://", 0, 1), c2 = hd("null-co://", 0, 300), c3 = hd("null-co://", 1, 0);
	cr_assert_eq(scsi_bus_add_hd(&bus, &c1, err, sizeof(err)), 0);
	cr_assert_eq(scsi_bus_add_hd(&bus, &c2, err, sizeof(err)), 0);
	cr_assert_eq(scsi_bus_add_hd(&bus, &c3, err, sizeof(err)), 0);
	/* LUN 0 of target 0 has no device: the target answers for it */
	struct scsi_disk *d = scsi_device_find(&bus, 0, 0, 0);
	cr_assert_not_null(d);
	cr_assert_neq(d->lun, 0);
	u8 cdb[12] = { REPORT_LUNS, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0 };
	u8 in[4096];
	struct scsi_result res;
	run(&bus, d, 0, cdb, sizeof(cdb), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(res.data_len, 32);
	cr_assert_eq(in[3], 24);
	u8 l0[8] = { 0 }, l300[8] = { 0x41, 0x2c }, l1[8] = { 0, 1 };
	cr_assert_eq(memcmp(in + 8, l0, 8), 0);
	cr_assert_eq(memcmp(in + 16, l300, 8), 0);
	cr_assert_eq(memcmp(in + 24, l1, 8), 0);
	/* INQUIRY of the missing LUN 0: PQ 1, no device type */
	u8 inq[6] = { INQUIRY, 0, 0, 0, 36, 0 };
	run(&bus, d, 0, inq, sizeof(inq), in, sizeof(in), &res);
	cr_assert_eq(in[0], 0x3f);
	/* an allocation length under 16 is INVALID FIELD IN CDB */
	cdb[8] = 0;
	cdb[9] = 8;
	run(&bus, d, 0, cdb, sizeof(cdb), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(res.sense[12], 0x24);
	scsi_bus_free(&bus);
}

Test(scsi_bus, read_write_a_file_and_range_checks)
{
	char path[] = "/tmp/iommusim_scsi_XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	static u8 img[8192];
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (u8)(i * 5 + 1);
	cr_assert_eq(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
	close(fd);
	struct scsi_bus bus;
	new_bus(&bus);
	char err[160];
	struct scsi_hd_conf c = hd(path, -1, -1);
	cr_assert_eq(scsi_bus_add_hd(&bus, &c, err, sizeof(err)), 0, "%s", err);
	struct scsi_disk *d = scsi_device_find(&bus, 0, 0, 0);
	clear_ua(&bus, d);
	u8 rd[10] = { READ_10, 0, 0, 0, 0, 2, 0, 0, 2, 0 };
	u8 in[1024];
	struct scsi_result res;
	run(&bus, d, 0, rd, sizeof(rd), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(res.data_len, 1024);
	cr_assert_eq(memcmp(in, img + 1024, 1024), 0);
	/* past the end: LBA OUT OF RANGE */
	rd[5] = 15;
	run(&bus, d, 0, rd, sizeof(rd), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(res.sense[12], 0x21);
	/* a write lands in the file */
	u8 wr[32] = { WRITE_10, 0, 0, 0, 0, 1, 0, 0, 1, 0 };
	u8 data[512];
	memset(data, 0x5a, sizeof(data));
	scsi_req_run(&bus, d, 0, wr, sizeof(wr), data, sizeof(data), NULL, 0, &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(res.data_len, 512);
	rd[5] = 1;
	rd[8] = 1;
	run(&bus, d, 0, rd, sizeof(rd), in, 512, &res);
	cr_assert_eq(memcmp(in, data, 512), 0);
	/* an unknown opcode: INVALID OPCODE, kept for REQUEST SENSE */
	u8 op[6] = { 0x06 };
	run(&bus, d, 0, op, sizeof(op), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(res.sense[12], 0x20);
	u8 rs[6] = { REQUEST_SENSE, 0, 0, 0, 18, 0 };
	run(&bus, d, 0, rs, sizeof(rs), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(in[2], SCSI_SENSE_ILLEGAL_REQUEST);
	cr_assert_eq(in[12], 0x20);
	scsi_bus_free(&bus);
	unlink(path);
}

Test(scsi_bus, readonly_drive_refuses_writes)
{
	struct scsi_bus bus;
	new_bus(&bus);
	char err[160];
	struct scsi_hd_conf c = hd("null-co://", -1, -1);
	c.readonly = true;
	cr_assert_eq(scsi_bus_add_hd(&bus, &c, err, sizeof(err)), 0);
	struct scsi_disk *d = scsi_device_find(&bus, 0, 0, 0);
	clear_ua(&bus, d);
	u8 wr[32] = { WRITE_10, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	u8 data[512] = { 0 };
	struct scsi_result res;
	scsi_req_run(&bus, d, 0, wr, sizeof(wr), data, sizeof(data), NULL, 0, &res);
	cr_assert_eq(res.status, SAM_STAT_CHECK_CONDITION);
	cr_assert_eq(res.sense[2], SCSI_SENSE_DATA_PROTECT);
	/* MODE SENSE shows write protection */
	u8 ms[6] = { MODE_SENSE, 0x08, 0x08, 0, 64, 0 };
	u8 in[64];
	run(&bus, d, 0, ms, sizeof(ms), in, sizeof(in), &res);
	cr_assert_eq(res.status, SAM_STAT_GOOD);
	cr_assert_eq(in[2] & 0x80, 0x80);
	cr_assert_eq(in[4], 0x08);
	cr_assert_eq(in[0], 3 + 20);
	scsi_bus_free(&bus);
}
