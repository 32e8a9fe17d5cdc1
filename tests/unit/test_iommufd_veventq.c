/*
 * IOMMU_VEVENTQ_ALLOC on Linux 7.3 (iommufd's eventq.c, arm-smmu-v3's
 * vmaster): the ioctl's checks, the fd's read() ABI, and the whole path of
 * a guest's stage-1 fault: a device attached to a nested HWPT of a vIOMMU
 * DMAs to a VA its guest tables do not map; QEMU's SMMU writes the event
 * record to the host's EVTQ, arm-smmu-v3 hands it to the vIOMMU's vEVENTQ
 * with the StreamID replaced by the vSID and prints nothing, and the VMM
 * reads header + record from the fd. Without a vEVENTQ, or for a stage-2
 * fault, the host prints the event as before.
 */
#include "iommufd_util.h"
#include "hw/smmuv3/smmuv3_regs.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/smmuv3/smmuv3_tables.h"
#include "hw/system.h"
#include "smmuv3/evtq.h"
#include "smmuv3/ste.h"
#include "smmuv3/iommufd.h"
#include "uapi/iommufd_eventq.h"
#include <endian.h>

#define VSID 0x42
#define GPA 0x40000000ULL		/* the guest's RAM: IPA = IOVA of the IOAS */
#define PG(n) (GPA + (n) * 0x1000ULL)
#define S1_TABLE(ipa) ((ipa) | 3)
#define S1_PAGE(ipa) ((ipa) | 3 | (1ULL << 6) | (3ULL << 8) | (1ULL << 10))

static long veventq_alloc(struct ifd *c, u32 viommu, u32 type, u32 depth, u32 *id, int *fd)
{
	struct iommu_veventq_alloc a = { .size = sizeof(a), .viommu_id = viommu, .type = type,
					 .veventq_depth = depth };
	long ret = ifd_io(c, IOMMU_VEVENTQ_ALLOC, &a);
	if (id)
		*id = a.out_veventq_id;
	if (fd)
		*fd = (int)a.out_veventq_fd;
	return ret;
}

/* a vIOMMU on a nest parent (an SMMU with S2FWB: 7.3's requirement) and the device's vDEVICE */
static u32 viommu_setup(struct ifd *c, u32 ioas)
{
	u32 parent = ifd_nest_parent(c, ioas), viommu = 0, vdev = 0;
	cr_assert_eq(ifd_viommu_alloc(c, c->dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	cr_assert_eq(ifd_vdevice_alloc(c, viommu, c->dev_id, VSID, &vdev), 0);
	return viommu;
}

static size_t count_lines(struct ifd *c, const char *what)
{
	size_t n = 0;
	for (size_t i = 0; i < klog_count(&c->sim->k->log); i++)
		n += strstr(klog_line(&c->sim->k->log, i), what) != NULL;
	return n;
}

Test(iommufd_veventq, alloc_checks_leave_nothing)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	u32 viommu = viommu_setup(&c, ioas);
	size_t objs = iommufd_object_count(c.ictx);
	unsigned users = c.ictx->objects[viommu]->users;
	struct iommu_veventq_alloc a = { .size = sizeof(a), .viommu_id = viommu,
					 .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .veventq_depth = 4 };
	struct {
		const char *what;
		struct iommu_veventq_alloc cmd;
		long err;
	} bad[] = {
		{ "flags", a, -EOPNOTSUPP },
		{ "reserved", a, -EOPNOTSUPP },
		{ "type DEFAULT", a, -EOPNOTSUPP },
		{ "depth 0", a, -EINVAL },
		{ "depth 2^19 + 1", a, -EINVAL },
		{ "no such vIOMMU", a, -ENOENT },
		{ "an IOAS", a, -ENOENT },
		{ "the device", a, -ENOENT },
	};
	bad[0].cmd.flags = 1;
	bad[1].cmd.__reserved = 1;
	bad[2].cmd.type = IOMMU_VEVENTQ_TYPE_DEFAULT;
	bad[3].cmd.veventq_depth = 0;
	bad[4].cmd.veventq_depth = (1U << 19) + 1;
	bad[5].cmd.viommu_id = 999;
	bad[6].cmd.viommu_id = ioas;
	bad[7].cmd.viommu_id = c.dev_id;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(ifd_io(&c, IOMMU_VEVENTQ_ALLOC, &bad[i].cmd), bad[i].err, "%s", bad[i].what);
		cr_expect_eq(bad[i].cmd.out_veventq_id, 0, "%s", bad[i].what);
		cr_expect_eq(iommufd_object_count(c.ictx), objs, "%s", bad[i].what);
		cr_expect_eq(c.ictx->objects[viommu]->users, users, "%s", bad[i].what);
	}
	/* sizes: below out_veventq_fd's end EINVAL, a non-zero tail E2BIG */
	struct {
		struct iommu_veventq_alloc cmd;
		u32 tail[2];
	} big = { a, { 0, 1 } };
	big.cmd.size = sizeof(big);
	cr_expect_eq(ifd_io(&c, IOMMU_VEVENTQ_ALLOC, &big), -E2BIG);
	struct iommu_veventq_alloc small = a;
	small.size = offsetof(struct iommu_veventq_alloc, out_veventq_fd) + 3;
	cr_expect_eq(ifd_io(&c, IOMMU_VEVENTQ_ALLOC, &small), -EINVAL);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);

	/* the largest depth, and a size without __reserved (28 bytes: the minimum) */
	u32 id = 0;
	int fd = -1;
	struct iommu_veventq_alloc min = a;
	min.size = offsetof(struct iommu_veventq_alloc, __reserved);
	min.veventq_depth = 1U << 19;
	cr_assert_eq(ifd_io(&c, IOMMU_VEVENTQ_ALLOC, &min), 0);
	id = min.out_veventq_id;
	fd = (int)min.out_veventq_fd;
	cr_expect_geq(fd, 3);
	cr_expect_eq(min.__reserved, 0);
	cr_expect_eq(iommufd_object_count(c.ictx), objs + 1);
	cr_expect_eq(c.ictx->objects[viommu]->users, users + 1);
	/* one per type: a second ARM_SMMUV3 one is EEXIST, another type is taken (7.3 does not match it to the vIOMMU's) */
	cr_expect_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, NULL, NULL), -EEXIST);
	u32 id2 = 0;
	int fd2 = -1;
	cr_expect_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, 4, &id2, &fd2), 0);
	cr_expect_eq(veventq_alloc(&c, viommu, 77, 4, NULL, NULL), 0);
	cr_expect_eq(c.ictx->objects[viommu]->users, users + 3);

	/* DESTROY: the vIOMMU is in use; a vEVENTQ while its fd is open is EBUSY, then goes */
	cr_expect_eq(ifd_destroy(&c, viommu), -EBUSY);
	cr_expect_eq(ifd_destroy(&c, id), -EBUSY);
	cr_assert_eq(iommusim_close(c.sim, fd), 0);
	cr_expect_eq(ifd_destroy(&c, id), 0);
	cr_expect_eq(ifd_destroy(&c, id), -ENOENT);
	cr_expect_eq(c.ictx->objects[viommu]->users, users + 2);
	/* its type is free again */
	cr_expect_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, &id, &fd), 0);
	ifd_close(&c);
}

Test(iommufd_veventq, the_fd_outlives_the_iommufd_file)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 viommu = viommu_setup(&c, ifd_ioas(&c)), id = 0;
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2, &id, &fd), 0);
	struct uapi_file *ifile = uapi_fget(c.sim->k, c.fd);
	cr_expect_eq(ifile->refs, 2);
	/* pread is ESPIPE, write EINVAL (no write op), a read shorter than a header EINVAL, empty 0 */
	unsigned char buf[64];
	cr_expect_eq(uapi_pread(c.sim->k, fd, buf, sizeof(buf), 0), -ESPIPE);
	cr_expect_eq(uapi_write(c.sim->k, fd, buf, 8), -EINVAL);
	cr_expect_eq(uapi_read(c.sim->k, fd, buf, 7), -EINVAL);
	cr_expect_eq(uapi_read(c.sim->k, fd, buf, sizeof(buf)), 0);
	cr_expect_eq(iommusim_ioctl(c.sim, fd, IOMMU_DESTROY, buf), -ENOTTY);
	/* closing /dev/iommu leaves the context to the queue's file: it goes with it */
	ifd_close(&c);
}

/* the guest's RAM mapped at GPA, its CD and tables: VA 0x1000 maps page 5, nothing else */
static u64 *guest_ram(struct ifd *c, u32 ioas)
{
	u64 *ram = iommusim_user_alloc(c->sim, 0x10000);
	cr_assert_not_null(ram);
	memset(ram, 0, 0x10000);
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (u64)(uintptr_t)ram, .length = 0x10000, .iova = GPA };
	cr_assert_eq(ifd_io(c, IOMMU_IOAS_MAP, &m), 0);
	u64 *cd = ram;
	cd[0] = CD0_V | CD0_AA64 | FIELD_PREP(CD0_T0SZ, 16) | FIELD_PREP(CD0_IRGN0, 1) | FIELD_PREP(CD0_ORGN0, 1) |
		FIELD_PREP(CD0_SH0, 3) | CD0_EPD1 | FIELD_PREP(CD0_IPS, 4) | CD0_R | CD0_A | FIELD_PREP(CD0_ASID, 5);
	cd[1] = PG(1);
	cd[3] = 0xff;
	ram[0x1000 / 8] = S1_TABLE(PG(2));
	ram[0x2000 / 8] = S1_TABLE(PG(3));
	ram[0x3000 / 8] = S1_TABLE(PG(4));
	ram[0x4000 / 8 + 1] = S1_PAGE(PG(5));
	strcpy((char *)ram + 0x5000, "mapped");
	return ram;
}

/* the device attached to a nested HWPT of viommu from the guest's S1 STE (CD at page 0) */
static u32 attach_nested(struct ifd *c, u32 viommu)
{
	struct iommu_hwpt_arm_smmuv3 ste = {
		{ STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) | PG(0), 0 }
	};
	u32 nested = 0;
	cr_assert_eq(ifd_hwpt_alloc(c, c->dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &nested), 0);
	u32 pt = nested;
	cr_assert_eq(iommufd_device_attach(c->idev, &pt), 0);
	return nested;
}

static int dma_read(struct ifd *c, u64 iova, void *out, size_t len)
{
	return smmu_hw_dma(c->sim->k->hw->smmu, ifd_sid(c), SMMU_NO_SSID, iova, out, len, false);
}

/* one vEVENT as read(): header then the four words (little-endian) */
struct vevent_rec {
	struct iommufd_vevent_header hdr;
	u64 evt[4];
};

Test(iommufd_veventq, guest_stage1_fault_goes_to_the_veventq)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	guest_ram(&c, ioas);
	u32 viommu = viommu_setup(&c, ioas), id = 0;
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, &id, &fd), 0);
	attach_nested(&c, viommu);
	char ok[8] = "";
	cr_assert_eq(dma_read(&c, 0x1000, ok, 7), 0);
	cr_expect_str_eq(ok, "mapped");

	struct arm_smmu_device *smmu = ifd_smmu(&c);
	u64 events = smmu->stats.events, printed = smmu->stats.events_printed;
	size_t lines = count_lines(&c, "received:");
	u64 buf;
	/* VA 0x3000: its level-3 descriptor is 0, a stage-1 translation fault */
	cr_expect_neq(dma_read(&c, 0x3000, &buf, 8), 0);
	cr_expect_eq(smmu->stats.events, events + 1);
	/* forwarded: the host prints nothing */
	cr_expect_eq(smmu->stats.events_printed, printed);
	cr_expect_eq(count_lines(&c, "received:"), lines);

	struct vevent_rec rec[2];
	memset(rec, 0xee, sizeof(rec));
	cr_assert_eq(uapi_read(c.sim->k, fd, rec, sizeof(rec)), sizeof(rec[0]));
	cr_expect_eq(rec[0].hdr.flags, 0);
	cr_expect_eq(rec[0].hdr.sequence, 0);
	/* the record: F_TRANSLATION (0x10), the vSID where the StreamID was; a read (RnW), S2 clear, the VA */
	u64 e0 = le64toh(rec[0].evt[0]), e1 = le64toh(rec[0].evt[1]);
	cr_expect_eq(FIELD_GET(EVTQ_0_ID, e0), EVT_ID_TRANSLATION_FAULT);
	cr_expect_eq(FIELD_GET(EVTQ_0_SID, e0), VSID);
	cr_expect_eq(e0 & ~EVTQ_0_SID, EVT_ID_TRANSLATION_FAULT);
	cr_expect(e1 & EVTQ_1_RnW);
	cr_expect_not(e1 & EVTQ_1_S2);
	cr_expect_eq(le64toh(rec[0].evt[2]), 0x3000);
	/*
	 * the exact words: QEMU 10.0's F_TRANSLATION record of a read at 0x3000
	 * (CLASS IN, 2: the input address's walk, not a descriptor's IPA), the
	 * vSID in word 0
	 */
	const u64 want[4] = { EVT_ID_TRANSLATION_FAULT | ((u64)VSID << 32), EVTQ_1_RnW | FIELD_PREP(EVTQ_1_CLASS, 2),
			      0x3000, 0 };
	for (int i = 0; i < 4; i++)
		cr_expect_eq(le64toh(rec[0].evt[i]), want[i], "word %d: %#llx", i,
			     (unsigned long long)le64toh(rec[0].evt[i]));
	/* the rest of the buffer untouched; the queue is empty now */
	cr_expect_eq(rec[1].hdr.flags, 0xeeeeeeee);
	cr_expect_eq(uapi_read(c.sim->k, fd, rec, sizeof(rec)), 0);
	ifd_close(&c);
}

Test(iommufd_veventq, overflow_gives_the_lost_events_header)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	guest_ram(&c, ioas);
	u32 viommu = viommu_setup(&c, ioas);
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 2, NULL, &fd), 0);
	attach_nested(&c, viommu);
	struct arm_smmu_device *smmu = ifd_smmu(&c);
	u64 printed = smmu->stats.events_printed;
	u64 b;
	/* five faults into a queue of two: two vEVENTs, then the header (its sequence the last one's) */
	for (int i = 0; i < 5; i++)
		dma_read(&c, 0x3000 + 0x1000ULL * i, &b, 8);
	cr_expect_eq(smmu->stats.events_printed, printed);
	struct veventq_view {
		struct vevent_rec r[2];
		struct iommufd_vevent_header lost;
		u64 pad[8];
	} v;
	memset(&v, 0, sizeof(v));
	/* a buffer that fits less than the first vEVENT: EINVAL, nothing taken */
	cr_expect_eq(uapi_read(c.sim->k, fd, &v, sizeof(struct vevent_rec) - 1), -EINVAL);
	/* one and a half: the first only */
	cr_expect_eq(uapi_read(c.sim->k, fd, &v, sizeof(struct vevent_rec) + 20), sizeof(struct vevent_rec));
	cr_expect_eq(v.r[0].hdr.sequence, 0);
	cr_expect_eq(le64toh(v.r[0].evt[2]), 0x3000);
	/* the second and the lost-events header (no data) */
	memset(&v, 0, sizeof(v));
	cr_expect_eq(uapi_read(c.sim->k, fd, &v, sizeof(v)), sizeof(struct vevent_rec) + 8);
	cr_expect_eq(v.r[0].hdr.flags, 0);
	cr_expect_eq(v.r[0].hdr.sequence, 1);
	cr_expect_eq(le64toh(v.r[0].evt[2]), 0x4000);
	struct iommufd_vevent_header *lost = (struct iommufd_vevent_header *)&v.r[1];
	cr_expect_eq(lost->flags, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
	/* each lost event moved the header to the end with a new sequence: 2, 3, then 4 */
	cr_expect_eq(lost->sequence, 4);
	/* the next event after the gap: sequence 5 */
	dma_read(&c, 0x3000, &b, 8);
	memset(&v, 0, sizeof(v));
	cr_expect_eq(uapi_read(c.sim->k, fd, &v, sizeof(v)), sizeof(struct vevent_rec));
	cr_expect_eq(v.r[0].hdr.sequence, 5);
	ifd_close(&c);
}

/* with the queue full and the header last, the next event (after a read made room) replaces the header */
Test(iommufd_veventq, header_makes_way_for_the_next_event)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 viommu = viommu_setup(&c, ifd_ioas(&c));
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1, NULL, &fd), 0);
	struct iommufd_viommu *v = to_viommu(iommufd_get_object(c.ictx, viommu, IOMMUFD_OBJ_VIOMMU));
	u64 evt[4] = { 1, 2, 3, 4 };
	cr_expect_eq(iommufd_viommu_report_event(v, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, evt, sizeof(evt)), 0);
	/* full: lost, no error to the driver */
	cr_expect_eq(iommufd_viommu_report_event(v, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, evt, sizeof(evt)), 0);
	/* another type has no queue */
	cr_expect_eq(iommufd_viommu_report_event(v, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, evt, 16), -EOPNOTSUPP);
	struct vevent_rec r;
	cr_expect_eq(uapi_read(c.sim->k, fd, &r, sizeof(r)), sizeof(r));
	cr_expect_eq(r.hdr.sequence, 0);
	cr_expect_eq(r.evt[3], 4);
	/* room again: the new event takes the header's place at the end */
	evt[0] = 9;
	cr_expect_eq(iommufd_viommu_report_event(v, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, evt, sizeof(evt)), 0);
	memset(&r, 0, sizeof(r));
	cr_expect_eq(uapi_read(c.sim->k, fd, &r, sizeof(r)), sizeof(r));
	cr_expect_eq(r.hdr.flags, 0);
	cr_expect_eq(r.hdr.sequence, 2);
	cr_expect_eq(r.evt[0], 9);
	cr_expect_eq(uapi_read(c.sim->k, fd, &r, sizeof(r)), 0);
	ifd_close(&c);
}

Test(iommufd_veventq, without_a_veventq_the_host_prints_it)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	guest_ram(&c, ioas);
	u32 viommu = viommu_setup(&c, ioas);
	attach_nested(&c, viommu);
	struct arm_smmu_device *smmu = ifd_smmu(&c);
	u64 printed = smmu->stats.events_printed;
	size_t lines = count_lines(&c, "event 0x10 received:");
	u64 b;
	cr_expect_neq(dma_read(&c, 0x3000, &b, 8), 0);
	cr_expect_eq(smmu->stats.events_printed, printed + 1);
	cr_expect_eq(count_lines(&c, "event 0x10 received:"), lines + 1);
	/* the printed record has the physical StreamID */
	char sid_word[64];
	snprintf(sid_word, sizeof(sid_word), "0x%08x00000010", ifd_sid(&c));
	cr_expect_geq(count_lines(&c, sid_word), 1);
	ifd_close(&c);
}

Test(iommufd_veventq, stage2_fault_stays_the_hosts)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	u64 *ram = guest_ram(&c, ioas);
	u32 viommu = viommu_setup(&c, ioas);
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, NULL, &fd), 0);
	/* VA 0x2000 maps an IPA outside the IOAS: stage 2 faults */
	ram[0x4000 / 8 + 2] = S1_PAGE(0x80000000ULL);
	attach_nested(&c, viommu);
	struct arm_smmu_device *smmu = ifd_smmu(&c);
	u64 printed = smmu->stats.events_printed;
	u64 b;
	cr_expect_neq(dma_read(&c, 0x2000, &b, 8), 0);
	cr_expect_eq(smmu->stats.events_printed, printed + 1);
	unsigned char buf[64];
	cr_expect_eq(uapi_read(c.sim->k, fd, buf, sizeof(buf)), 0);
	ifd_close(&c);
}

Test(iommufd_veventq, a_device_without_vdevice_is_no_vmaster)
{
	/* a bypass vSTE attaches without a vDEVICE; its events (none translate) are not forwarded */
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 parent = ifd_nest_parent(&c, ifd_ioas(&c)), viommu = 0, nested = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, NULL, &fd), 0);
	struct iommu_hwpt_arm_smmuv3 ste = { { STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_BYPASS), 0 } };
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &nested), 0);
	u32 pt = nested;
	cr_assert_eq(iommufd_device_attach(c.idev, &pt), 0);
	struct arm_smmu_master *master = c.pdev->dev.iommu->priv;
	u64 evt[4] = { EVT_ID_TRANSLATION_FAULT | ((u64)ifd_sid(&c) << 32), 0, 0x1000, 0 };
	cr_expect_eq(arm_vmaster_report_event(master, evt), -EOPNOTSUPP);
	ifd_close(&c);
}

/* a configuration fault of the guest's own making (its CD invalid) is the guest's too: forwarded */
Test(iommufd_veventq, guest_bad_cd_goes_to_the_veventq)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	u64 *ram = guest_ram(&c, ioas);
	u32 viommu = viommu_setup(&c, ioas);
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, NULL, &fd), 0);
	/* the guest's CD: not valid */
	ram[0] &= ~CD0_V;
	attach_nested(&c, viommu);
	struct arm_smmu_device *smmu = ifd_smmu(&c);
	u64 printed = smmu->stats.events_printed;
	u64 b;
	cr_expect_neq(dma_read(&c, 0x1000, &b, 8), 0);
	cr_expect_eq(smmu->stats.events_printed, printed);
	struct vevent_rec r;
	cr_assert_eq(uapi_read(c.sim->k, fd, &r, sizeof(r)), sizeof(r));
	cr_expect_eq(FIELD_GET(EVTQ_0_ID, le64toh(r.evt[0])), EVT_ID_BAD_CD_CONFIG);
	cr_expect_eq(FIELD_GET(EVTQ_0_SID, le64toh(r.evt[0])), VSID);
	ifd_close(&c);
}

/* the vmaster is made at the attach: a vDEVICE destroyed later leaves its vSID in use (7.3's master->vmaster) */
Test(iommufd_veventq, vmaster_keeps_the_vsid_of_its_attach)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	guest_ram(&c, ioas);
	u32 viommu = viommu_setup(&c, ioas);
	int fd = -1;
	cr_assert_eq(veventq_alloc(&c, viommu, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 4, NULL, &fd), 0);
	attach_nested(&c, viommu);
	cr_assert_not_null(c.idev->vdev);
	cr_assert_eq(ifd_destroy(&c, c.idev->vdev->obj.id), 0);
	u64 b;
	cr_expect_neq(dma_read(&c, 0x3000, &b, 8), 0);
	struct vevent_rec r;
	cr_assert_eq(uapi_read(c.sim->k, fd, &r, sizeof(r)), sizeof(r));
	cr_expect_eq(FIELD_GET(EVTQ_0_SID, le64toh(r.evt[0])), VSID);
	/* attached to the parent (stage 2 only) it is no vmaster: its faults are the host's */
	u32 parent = viommu - 1;
	u32 pt = parent;
	cr_assert_eq(iommufd_device_replace(c.idev, &pt), 0);
	struct arm_smmu_master *master = c.pdev->dev.iommu->priv;
	u64 evt[4] = { EVT_ID_TRANSLATION_FAULT | ((u64)ifd_sid(&c) << 32), 0, 0x1000, 0 };
	cr_expect_eq(arm_vmaster_report_event(master, evt), -EOPNOTSUPP);
	ifd_close(&c);
}
