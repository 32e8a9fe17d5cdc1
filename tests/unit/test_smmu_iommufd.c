/*
 * arm-smmu-v3's iommufd side on Linux 7.3 (smmuv3/iommufd.c): what
 * IOMMU_GET_HW_INFO reads from the SMMU, the nest parent (stage 2 only
 * where the SMMU has it), the vIOMMU's CANWBS / S2FWB requirement and
 * iommusim's two options for it, the S2FWB bit in the nest parent's STE,
 * and the guest commands the vIOMMU rewrites and issues on the real
 * command queue.
 */
#include "iommufd_util.h"
#include "hw/smmuv3/smmuv3_regs.h"
#include "smmuv3/iommufd.h"
#include "smmuv3/ste.h"

static long hw_info(struct ifd *c, u32 dev_id, struct iommu_hw_info_arm_smmuv3 *data, u32 *len, u32 *type,
		    u64 *caps)
{
	struct iommu_hw_info h = { .size = sizeof(h), .dev_id = dev_id, .data_len = *len,
				   .data_uptr = (u64)(uintptr_t)data };
	long ret = ifd_io(c, IOMMU_GET_HW_INFO, &h);
	*len = h.data_len;
	*type = h.out_data_type;
	if (caps)
		*caps = h.out_capabilities;
	return ret;
}

Test(smmu_iommufd, hw_info_reads_the_id_registers)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	struct arm_smmu_device *smmu = ifd_smmu(&c);
	struct iommu_hw_info_arm_smmuv3 info;
	u32 len = sizeof(info), type = 0;
	u64 caps = 0;
	memset(&info, 0xa5, sizeof(info));
	cr_assert_eq(hw_info(&c, c.dev_id, &info, &len, &type, &caps), 0);
	cr_expect_eq(type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	cr_expect_eq(len, sizeof(info));
	for (unsigned i = 0; i < 6; i++)
		cr_expect_eq(info.idr[i], readl(&smmu->mmio, SMMU_REG_IDR0 + 4 * i), "IDR%u", i);
	cr_expect_eq(info.iidr, readl(&smmu->mmio, SMMU_REG_IIDR));
	cr_expect_eq(info.aidr, readl(&smmu->mmio, SMMU_REG_AIDR));
	cr_expect_eq(info.flags, 0);
	cr_expect_eq(info.__reserved, 0);
	/* QEMU 10.0's virt: both stages, no FWB; no ATS, no dirty tracking */
	cr_expect(info.idr[0] & IDR0_S1P);
	cr_expect(info.idr[0] & IDR0_S2P);
	cr_expect_not(info.idr[3] & IDR3_FWB);
	cr_expect_eq(caps, IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
	ifd_close(&c);
}

Test(smmu_iommufd, hw_info_stage1_only_smmu_and_fwb_option)
{
	struct ifd c = ifd_open((struct ifd_opts){ .machine = "virt-9.1", .s2fwb = true });
	struct iommu_hw_info_arm_smmuv3 info;
	u32 len = sizeof(info), type = 0;
	cr_assert_eq(hw_info(&c, c.dev_id, &info, &len, &type, NULL), 0);
	/* virt-9.1's SMMU is stage 1 only: FWB (a stage-2 feature) does not show */
	cr_expect(info.idr[0] & IDR0_S1P);
	cr_expect_not(info.idr[0] & IDR0_S2P);
	cr_expect_not(info.idr[3] & IDR3_FWB);
	cr_expect_not(ifd_smmu(&c)->features & ARM_SMMU_FEAT_NESTING);
	ifd_close(&c);

	c = ifd_open((struct ifd_opts){ .s2fwb = true });
	len = sizeof(info);
	cr_assert_eq(hw_info(&c, c.dev_id, &info, &len, &type, NULL), 0);
	cr_expect(info.idr[3] & IDR3_FWB);
	cr_expect(ifd_smmu(&c)->features & ARM_SMMU_FEAT_S2FWB);
	ifd_close(&c);
}

Test(smmu_iommufd, nest_parent_needs_stage_2)
{
	struct ifd c = ifd_open((struct ifd_opts){ .machine = "virt-9.1" });
	u32 ioas = ifd_ioas(&c), id = 0;
	size_t objs = iommufd_object_count(c.ictx);
	cr_expect_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, &id), -EOPNOTSUPP);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	/* a plain paging HWPT is a stage-1 domain there */
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, ioas, 0, 0, NULL, 0, &id), 0);
	struct iommufd_object *obj = iommufd_get_object(c.ictx, id, IOMMUFD_OBJ_HWPT_PAGING);
	cr_assert_not_null(obj);
	cr_expect_eq(to_smmu_domain(to_hwpt(obj)->domain)->stage, ARM_SMMU_DOMAIN_S1);
	ifd_close(&c);

	c = ifd_open((struct ifd_opts){ 0 });
	ioas = ifd_ioas(&c);
	u32 parent = ifd_nest_parent(&c, ioas);
	obj = iommufd_get_object(c.ictx, parent, IOMMUFD_OBJ_HWPT_PAGING);
	cr_assert_not_null(obj);
	struct arm_smmu_domain *d = to_smmu_domain(to_hwpt(obj)->domain);
	cr_expect_eq(d->stage, ARM_SMMU_DOMAIN_S2);
	cr_expect(to_hwpt_paging(to_hwpt(obj))->nest_parent);
	cr_expect_not(((struct arm_smmu_domain_cfg *)d->cfg)->s2.s2fwb);
	ifd_close(&c);
}

/* 7.3 refuses a vIOMMU unless the master is CANWBS or the SMMU has S2FWB: QEMU 10.0 has neither */
Test(smmu_iommufd, viommu_needs_canwbs_or_s2fwb)
{
	struct ifd c = ifd_open((struct ifd_opts){ 0 });
	u32 parent = ifd_nest_parent(&c, ifd_ioas(&c)), viommu = 0;
	size_t objs = iommufd_object_count(c.ictx);
	cr_expect_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), -EOPNOTSUPP);
	cr_expect_eq(iommufd_object_count(c.ictx), objs);
	cr_expect_eq(c.ictx->objects[parent]->users, 0);
	/* the device does not enforce cache coherency there */
	cr_expect_not(c.idev->enforce_cache_coherency);
	ifd_close(&c);

	c = ifd_open((struct ifd_opts){ .s2fwb = true });
	parent = ifd_nest_parent(&c, ifd_ioas(&c));
	cr_expect_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	cr_expect_eq(c.ictx->objects[parent]->users, 1);
	ifd_close(&c);

	c = ifd_open((struct ifd_opts){ .canwbs = true });
	cr_expect(c.idev->enforce_cache_coherency);
	parent = ifd_nest_parent(&c, ifd_ioas(&c));
	cr_expect_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	struct iommufd_viommu *v = to_viommu(iommufd_get_object(c.ictx, viommu, IOMMUFD_OBJ_VIOMMU));
	struct iommufd_hwpt_paging *p = to_hwpt_paging(to_hwpt(iommufd_get_object(c.ictx, parent, IOMMUFD_OBJ_HWPT_PAGING)));
	cr_expect(p->enforce_cache_coherency);
	cr_assert_not_null(v->vsmmu);
	cr_expect_eq(v->vsmmu->smmu, ifd_smmu(&c));
	cr_expect_eq(v->vsmmu->vmid, ((struct arm_smmu_domain_cfg *)to_smmu_domain(p->common.domain)->cfg)->s2.vmid);
	cr_expect_neq(v->vsmmu->vmid, 0);
	ifd_close(&c);
}

Test(smmu_iommufd, without_arm_smmu_v3_iommufd)
{
	struct ifd c = ifd_open((struct ifd_opts){ .kconfig = "IOMMUFD=y", .canwbs = true });
	struct iommu_hw_info_arm_smmuv3 info;
	memset(&info, 0xa5, sizeof(info));
	u32 len = sizeof(info), type = 7;
	/* no hw_info op: type NONE, no data, the caller's buffer zeroed */
	cr_assert_eq(hw_info(&c, c.dev_id, &info, &len, &type, NULL), 0);
	cr_expect_eq(type, IOMMU_HW_INFO_TYPE_NONE);
	cr_expect_eq(len, 0);
	cr_expect_eq(info.idr[0], 0);
	u32 parent = ifd_nest_parent(&c, ifd_ioas(&c)), viommu;
	cr_expect_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), -EOPNOTSUPP);
	ifd_close(&c);
}

/* the nest parent's STE: S2FWB set when the SMMU has it, as 7.3's IO_PGTABLE_QUIRK_ARM_S2FWB asks */
Test(smmu_iommufd, s2fwb_in_the_nest_parent_ste)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	u32 parent = ifd_nest_parent(&c, ioas);
	struct iommufd_hw_pagetable *hwpt = to_hwpt(iommufd_get_object(c.ictx, parent, IOMMUFD_OBJ_HWPT_PAGING));
	struct arm_smmu_domain *d = to_smmu_domain(hwpt->domain);
	cr_expect(((struct arm_smmu_domain_cfg *)d->cfg)->s2.s2fwb);
	u64 ste[NUM_ENTRY_QWORDS];
	arm_smmu_make_s2_domain_ste(ste, ifd_smmu(&c), &((struct arm_smmu_domain_cfg *)d->cfg)->s2, false, false);
	cr_expect(ste[1] & STRTAB_STE_1_S2FWB);
	/* a plain S2 config (not a nest parent) never sets it */
	struct arm_smmu_s2_cfg plain = ((struct arm_smmu_domain_cfg *)d->cfg)->s2;
	plain.s2fwb = false;
	arm_smmu_make_s2_domain_ste(ste, ifd_smmu(&c), &plain, false, false);
	cr_expect_not(ste[1] & STRTAB_STE_1_S2FWB);
	ifd_close(&c);
}

static u32 viommu_with_vdevice(struct ifd *c, u64 vsid, u32 *parent_out)
{
	u32 parent = ifd_nest_parent(c, ifd_ioas(c)), viommu = 0, vdev = 0;
	cr_assert_eq(ifd_viommu_alloc(c, c->dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	cr_assert_eq(ifd_vdevice_alloc(c, viommu, c->dev_id, vsid, &vdev), 0);
	if (parent_out)
		*parent_out = parent;
	return viommu;
}

static long invalidate(struct ifd *c, u32 id, const u64 *cmds, u32 n, u32 *done)
{
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv), .hwpt_id = id, .data_uptr = (u64)(uintptr_t)cmds,
					     .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
					     .entry_len = 16, .entry_num = n };
	long ret = ifd_io(c, IOMMU_HWPT_INVALIDATE, &inv);
	*done = inv.entry_num;
	return ret;
}

/* what the vIOMMU puts on the real queue: the physical StreamID and the parent's VMID */
Test(smmu_iommufd, guest_commands_rewritten_on_the_command_queue)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	const u64 vsid = 0x42;
	u32 viommu = viommu_with_vdevice(&c, vsid, NULL);
	struct iommufd_viommu *v = to_viommu(iommufd_get_object(c.ictx, viommu, IOMMUFD_OBJ_VIOMMU));
	u16 vmid = v->vsmmu->vmid;
	u64 cmds[] = {
		/* CFGI_CD, SID = vSID, leaf */
		CMDQ_OP_CFGI_CD | FIELD_PREP(CMDQ_CFGI_0_SID, vsid), CMDQ_CFGI_1_LEAF,
		/* TLBI_NH_ASID: ASID 5, the guest's VMID field 9 (replaced) */
		CMDQ_OP_TLBI_NH_ASID | FIELD_PREP(CMDQ_TLBI_0_ASID, 5) | FIELD_PREP(CMDQ_TLBI_0_VMID, 9), 0,
		/* TLBI_NH_VA: ASID 5, address 0x123000, TG 4K with TTL 3 (range fields with RIL) */
		CMDQ_OP_TLBI_NH_VA | FIELD_PREP(CMDQ_TLBI_0_ASID, 5),
		0x123000 | FIELD_PREP(CMDQ_TLBI_1_TG, 1) | FIELD_PREP(CMDQ_TLBI_1_TTL, 3) | CMDQ_TLBI_1_LEAF,
		/* TLBI_NSNH_ALL becomes NH_ALL of the VMID */
		CMDQ_OP_TLBI_NSNH_ALL, 0,
	};
	u64 syncs = ifd_smmu(&c)->stats.syncs;
	u32 done = 99;
	cr_assert_eq(invalidate(&c, viommu, cmds, 4, &done), 0);
	cr_expect_eq(done, 4);
	/* one block with its CMD_SYNC */
	cr_expect_eq(ifd_smmu(&c)->stats.syncs, syncs + 1);
	u64 q[2];
	ifd_cmdq_read(&c, 1, q);
	cr_expect_eq(q[0] & CMDQ_0_OP, CMDQ_OP_CMD_SYNC);
	ifd_cmdq_read(&c, 5, q);
	cr_expect_eq(q[0], CMDQ_OP_CFGI_CD | FIELD_PREP(CMDQ_CFGI_0_SID, ifd_sid(&c)));
	cr_expect_eq(q[1], CMDQ_CFGI_1_LEAF);
	ifd_cmdq_read(&c, 4, q);
	cr_expect_eq(q[0], CMDQ_OP_TLBI_NH_ASID | FIELD_PREP(CMDQ_TLBI_0_ASID, 5) | FIELD_PREP(CMDQ_TLBI_0_VMID, vmid));
	ifd_cmdq_read(&c, 3, q);
	cr_expect_eq(q[0], CMDQ_OP_TLBI_NH_VA | FIELD_PREP(CMDQ_TLBI_0_ASID, 5) | FIELD_PREP(CMDQ_TLBI_0_VMID, vmid));
	cr_expect_eq(q[1], cmds[5]);
	ifd_cmdq_read(&c, 2, q);
	cr_expect_eq(q[0], CMDQ_OP_TLBI_NH_ALL | FIELD_PREP(CMDQ_TLBI_0_VMID, vmid));
	cr_expect_eq(q[1], 0);
	/* the hardware took them all: no command error */
	cr_expect_eq(ifd_smmu(&c)->stats.cmdq_errors, 0);
	ifd_close(&c);
}

/* a refused command stops the batch: what came before it is issued, entry_num says how many */
Test(smmu_iommufd, bad_command_stops_the_batch)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	u32 viommu = viommu_with_vdevice(&c, 7, NULL);
	struct {
		const char *what;
		u64 cmd[2];
	} bad[] = {
		{ "CFGI_STE (not a guest's)", { CMDQ_OP_CFGI_STE | FIELD_PREP(CMDQ_CFGI_0_SID, 7), 0 } },
		{ "CFGI_ALL", { CMDQ_OP_CFGI_ALL, 31 } },
		{ "TLBI_S2_IPA", { CMDQ_OP_TLBI_S2_IPA, 0 } },
		{ "CMD_SYNC", { CMDQ_OP_CMD_SYNC, 0 } },
		{ "ATC_INV without ATS", { 0x40 | FIELD_PREP(CMDQ_CFGI_0_SID, 7), 0 } },
		{ "CFGI_CD of an unknown vSID", { CMDQ_OP_CFGI_CD | FIELD_PREP(CMDQ_CFGI_0_SID, 8), 0 } },
		{ "CFGI_CD with SSID (no substreams)", { CMDQ_OP_CFGI_CD | FIELD_PREP(CMDQ_CFGI_0_SID, 7) | (1ULL << 12), 0 } },
		{ "CFGI_CD_ALL with a leaf bit", { CMDQ_OP_CFGI_CD_ALL | FIELD_PREP(CMDQ_CFGI_0_SID, 7), 1 } },
		{ "TLBI_NH_ALL with an ASID", { CMDQ_OP_TLBI_NH_ALL | FIELD_PREP(CMDQ_TLBI_0_ASID, 1), 0 } },
		{ "TLBI_NH_VA NUM without TG", { CMDQ_OP_TLBI_NH_VA | FIELD_PREP(CMDQ_TLBI_0_NUM, 1), 0x1000 } },
		{ "TLBI_NH_VA TG without TTL or range", { CMDQ_OP_TLBI_NH_VA, 0x1000 | FIELD_PREP(CMDQ_TLBI_1_TG, 1) } },
		{ "TLBI_NH_VA SCALE bit 25 without DS",
		  { CMDQ_OP_TLBI_NH_VA | (1ULL << 25) | FIELD_PREP(CMDQ_TLBI_0_NUM, 1), FIELD_PREP(CMDQ_TLBI_1_TG, 1) } },
		{ "TLBI_NH_VA a RES0 bit of word 1", { CMDQ_OP_TLBI_NH_VA, 1ULL << 4 } },
		{ "TLBI_NSNH_ALL with a VMID", { CMDQ_OP_TLBI_NSNH_ALL | FIELD_PREP(CMDQ_TLBI_0_VMID, 1), 0 } },
		{ "a RES0 bit of word 0", { CMDQ_OP_TLBI_NH_ASID | (1ULL << 8), 0 } },
	};
	const u64 good[2] = { CMDQ_OP_TLBI_NH_ASID | FIELD_PREP(CMDQ_TLBI_0_ASID, 3), 0 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		u64 cmds[6] = { good[0], good[1], good[0], good[1], bad[i].cmd[0], bad[i].cmd[1] };
		u64 issued = ifd_smmu(&c)->stats.cmds[CMDQ_OP_TLBI_NH_ASID];
		u32 done = 99;
		cr_expect_eq(invalidate(&c, viommu, cmds, 3, &done), -EIO, "%s", bad[i].what);
		cr_expect_eq(done, 2, "%s: %u handled", bad[i].what, done);
		/* 7.3 issues in blocks: nothing of a block with a bad command reaches the queue */
		cr_expect_eq(ifd_smmu(&c)->stats.cmds[CMDQ_OP_TLBI_NH_ASID], issued, "%s", bad[i].what);
	}
	ifd_close(&c);
}

/* entry_len other than 16: shorter entries are zero-extended, longer ones need a zero tail */
Test(smmu_iommufd, entry_len_and_batches)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	u32 viommu = viommu_with_vdevice(&c, 7, NULL);
	u64 wide[4] = { CMDQ_OP_TLBI_NH_ASID, 0, 0, 0 };
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv), .hwpt_id = viommu,
					     .data_uptr = (u64)(uintptr_t)wide,
					     .data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
					     .entry_len = 32, .entry_num = 1 };
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_INVALIDATE, &inv), 0);
	cr_expect_eq(inv.entry_num, 1);
	wide[3] = 1;
	inv.entry_num = 1;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_INVALIDATE, &inv), -E2BIG);
	cr_expect_eq(inv.entry_num, 0);
	/* 8 bytes: word 1 is zero */
	u64 narrow = CMDQ_OP_TLBI_NH_ALL;
	inv.entry_len = 8;
	inv.entry_num = 1;
	inv.data_uptr = (u64)(uintptr_t)&narrow;
	cr_expect_eq(ifd_io(&c, IOMMU_HWPT_INVALIDATE, &inv), 0);
	/* a long batch goes in blocks of 63 commands, each with its CMD_SYNC */
	enum { N = 200 };
	static u64 many[2 * N];
	for (int i = 0; i < N; i++) {
		many[2 * i] = CMDQ_OP_TLBI_NH_ASID | FIELD_PREP(CMDQ_TLBI_0_ASID, i);
		many[2 * i + 1] = 0;
	}
	u64 syncs = ifd_smmu(&c)->stats.syncs;
	u32 done = 0;
	cr_expect_eq(invalidate(&c, viommu, many, N, &done), 0);
	cr_expect_eq(done, N);
	cr_expect_eq(ifd_smmu(&c)->stats.syncs, syncs + 4);	/* 63 + 63 + 63 + 11 */
	/* a bad one at 100: the first block (63) was issued, the second not */
	many[200] = CMDQ_OP_CFGI_ALL;
	u64 issued = ifd_smmu(&c)->stats.cmds[CMDQ_OP_TLBI_NH_ASID];
	cr_expect_eq(invalidate(&c, viommu, many, N, &done), -EIO);
	cr_expect_eq(done, 100);
	cr_expect_eq(ifd_smmu(&c)->stats.cmds[CMDQ_OP_TLBI_NH_ASID], issued + 63);
	ifd_close(&c);
}

/* the conversion by itself, on the vSMMU of a vIOMMU */
Test(smmu_iommufd, convert_user_cmd)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 viommu = viommu_with_vdevice(&c, 0x99, NULL);
	struct arm_vsmmu *vsmmu = to_viommu(iommufd_get_object(c.ictx, viommu, IOMMUFD_OBJ_VIOMMU))->vsmmu;
	u64 cmd[2] = { CMDQ_OP_CFGI_CD_ALL | FIELD_PREP(CMDQ_CFGI_0_SID, 0x99), 0 };
	cr_expect_eq(arm_vsmmu_convert_user_cmd(vsmmu, cmd), 0);
	cr_expect_eq(cmd[0], CMDQ_OP_CFGI_CD_ALL | FIELD_PREP(CMDQ_CFGI_0_SID, ifd_sid(&c)));
	u64 vaa[2] = { 0x13 | FIELD_PREP(CMDQ_TLBI_0_VMID, 0xffff), 0x5000 | FIELD_PREP(CMDQ_TLBI_1_TG, 1) |
									   FIELD_PREP(CMDQ_TLBI_1_TTL, 3) };
	cr_expect_eq(arm_vsmmu_convert_user_cmd(vsmmu, vaa), 0);
	cr_expect_eq(vaa[0], 0x13 | FIELD_PREP(CMDQ_TLBI_0_VMID, vsmmu->vmid));
	/* NH_VAA takes no ASID */
	u64 vaa_asid[2] = { 0x13 | FIELD_PREP(CMDQ_TLBI_0_ASID, 1), 0 };
	cr_expect_eq(arm_vsmmu_convert_user_cmd(vsmmu, vaa_asid), -EIO);
	ifd_close(&c);
}

/*
 * The VMM's whole path: guest RAM in an IOAS under a nest parent, the
 * guest's CD and stage-1 tables in it (IPA addresses), a vIOMMU, the
 * device's vDEVICE, a nested HWPT from the guest's STE, the device
 * attached. Its DMA walks both stages; the combined TLB entry stays until
 * the guest's TLBI, forwarded through IOMMU_HWPT_INVALIDATE, drops it.
 */
#include "hw/system.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/smmuv3/smmuv3_tables.h"

#define GPA 0x40000000ULL		/* the guest's RAM: IPA = IOVA of the IOAS */
#define PG(n) (GPA + (n) * 0x1000ULL)
#define S1_TABLE(ipa) ((ipa) | 3)
/* a stage-1 page: valid, page, AttrIndx 0, AP RW at any level, inner shareable, AF */
#define S1_PAGE(ipa) ((ipa) | 3 | (1ULL << 6) | (3ULL << 8) | (1ULL << 10))

static int dma_read(struct ifd *c, u64 iova, char *out, size_t len)
{
	return smmu_hw_dma(c->sim->k->hw->smmu, ifd_sid(c), SMMU_NO_SSID, iova, out, len, false);
}

Test(smmu_iommufd, guest_tlbi_drops_the_nested_tlb_entry)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	u32 ioas = ifd_ioas(&c);
	u64 *ram = iommusim_user_alloc(c.sim, 0x10000);
	cr_assert_not_null(ram);
	memset(ram, 0, 0x10000);
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (u64)(uintptr_t)ram, .length = 0x10000, .iova = GPA };
	cr_assert_eq(ifd_io(&c, IOMMU_IOAS_MAP, &m), 0);
	/* the guest's CD (page 0): 48-bit VA, 4K granule, ASID 5, tables at page 1 */
	u64 *cd = ram;
	cd[0] = CD0_V | CD0_AA64 | FIELD_PREP(CD0_T0SZ, 16) | FIELD_PREP(CD0_IRGN0, 1) | FIELD_PREP(CD0_ORGN0, 1) |
		FIELD_PREP(CD0_SH0, 3) | CD0_EPD1 | FIELD_PREP(CD0_IPS, 4) | CD0_R | CD0_A | FIELD_PREP(CD0_ASID, 5);
	cd[1] = PG(1);
	cd[3] = 0xff;
	/* VA 0x1000 -> page 5 ("first"); page 6 holds "second" */
	ram[0x1000 / 8] = S1_TABLE(PG(2));
	ram[0x2000 / 8] = S1_TABLE(PG(3));
	ram[0x3000 / 8] = S1_TABLE(PG(4));
	ram[0x4000 / 8 + 1] = S1_PAGE(PG(5));
	strcpy((char *)ram + 0x5000, "first");
	strcpy((char *)ram + 0x6000, "second");

	u32 parent = ifd_nest_parent(&c, ioas), viommu = 0, vdev = 0, nested = 0;
	cr_assert_eq(ifd_viommu_alloc(&c, c.dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu), 0);
	struct iommu_hwpt_arm_smmuv3 ste = {
		{ STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) | PG(0), 0 }
	};
	cr_assert_eq(ifd_hwpt_alloc(&c, c.dev_id, viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &nested), 0);
	/* a translating vSTE attaches only with the device's vDEVICE (7.3: ENOENT) */
	u32 pt = nested;
	cr_expect_eq(iommufd_device_attach(c.idev, &pt), -ENOENT);
	cr_assert_eq(ifd_vdevice_alloc(&c, viommu, c.dev_id, 0x42, &vdev), 0);
	pt = nested;
	cr_assert_eq(iommufd_device_attach(c.idev, &pt), 0);
	/* in use: the nested HWPT while attached */
	cr_expect_eq(ifd_destroy(&c, nested), -EBUSY);

	char buf[8] = "";
	cr_assert_eq(dma_read(&c, 0x1000, buf, 6), 0);
	cr_expect_str_eq(buf, "first");
	/* the guest remaps VA 0x1000 without telling anyone: the TLB still answers the old page */
	ram[0x4000 / 8 + 1] = S1_PAGE(PG(6));
	const struct smmu_hw_stats *st = smmu_hw_stats(c.sim->k->hw->smmu);
	u64 hits = st->tlb_hits;
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(dma_read(&c, 0x1000, buf, 6), 0);
	cr_expect_str_eq(buf, "first");
	cr_expect_gt(st->tlb_hits, hits);
	u32 done = 0;
	/* a TLBI of another ASID leaves it */
	u64 other[2] = { CMDQ_OP_TLBI_NH_VA | FIELD_PREP(CMDQ_TLBI_0_ASID, 6), 0x1000 | CMDQ_TLBI_1_LEAF };
	cr_assert_eq(invalidate(&c, viommu, other, 1, &done), 0);
	cr_assert_eq(dma_read(&c, 0x1000, buf, 6), 0);
	cr_expect_str_eq(buf, "first");
	/* the guest's TLBI_NH_VA (its VMID field says nothing: the host puts the parent's) */
	u64 tlbi[2] = { CMDQ_OP_TLBI_NH_VA | FIELD_PREP(CMDQ_TLBI_0_ASID, 5) | FIELD_PREP(CMDQ_TLBI_0_VMID, 77),
			0x1000 | CMDQ_TLBI_1_LEAF };
	u64 dropped = st->tlb_entries_dropped;
	cr_assert_eq(invalidate(&c, viommu, tlbi, 1, &done), 0);
	cr_expect_eq(done, 1);
	cr_expect_gt(st->tlb_entries_dropped, dropped);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(dma_read(&c, 0x1000, buf, 7), 0);
	cr_expect_str_eq(buf, "second");
	iommufd_device_detach(c.idev);
	cr_expect_eq(ifd_destroy(&c, nested), 0);
	ifd_close(&c);
}

/* the ID registers the oracle's iommufd kernel read on QEMU 10.0 (tests/linux/iommufd/nest_parent*.linux) */
Test(smmu_iommufd, hw_info_equals_qemu_10_0)
{
	static const struct {
		const char *machine;
		u32 idr[6];
	} measured[] = {
		{ "virt", { 0x0d44101b, 0x02730010, 0, 0x00001414, 0, 0x00000074 } },
		{ "virt-9.1", { 0x0d44101a, 0x02730010, 0, 0x00001404, 0, 0x00000074 } },
	};
	for (size_t m = 0; m < 2; m++) {
		struct ifd c = ifd_open((struct ifd_opts){ .machine = measured[m].machine });
		struct iommu_hw_info_arm_smmuv3 info;
		u32 len = sizeof(info), type = 0;
		u64 caps = 0;
		cr_assert_eq(hw_info(&c, c.dev_id, &info, &len, &type, &caps), 0);
		for (unsigned i = 0; i < 6; i++)
			cr_expect_eq(info.idr[i], measured[m].idr[i], "%s IDR%u %#x, QEMU %#x", measured[m].machine, i,
				     info.idr[i], measured[m].idr[i]);
		cr_expect_eq(info.iidr, 0);
		cr_expect_eq(info.aidr, 1);
		cr_expect_eq(caps, IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
		ifd_close(&c);
	}
}

/*
 * The options are hardware and firmware: any kernel boots with them. The
 * SMMU shows IDR3.FWB to both; 7.3 takes it as ARM_SMMU_FEAT_S2FWB, 6.1
 * reads no IDR3 field but RIL. The CANWBS flag reaches every PCI master's
 * fwspec on both; only 7.3's arm-smmu-v3 asks for it.
 */
Test(smmu_iommufd, options_on_6_1_and_7_3)
{
	const char *lv[] = { "6.1", "7.3" };
	for (int i = 0; i < 2; i++) {
		struct iommusim_options opts = { .linux_version = lv[i], .qemu_version = "10.0", .smmu_s2fwb = true,
						 .pci_rc_canwbs = true };
		char err[512] = "";
		struct iommusim *sim = boot_str_opts("-M virt,iommu=smmuv3,gic-version=3 -nic none -device "
						     "pcie-root-port,id=rp1,chassis=1 -device virtio-net-pci,bus=rp1",
						     &opts, err, sizeof(err));
		cr_assert_not_null(sim, "%s: %s", lv[i], err);
		struct pci_dev *p = pdev_of(sim, IFD_DEV);
		struct arm_smmu_master *master = p->dev.iommu->priv;
		cr_expect(readl(&master->smmu->mmio, SMMU_REG_IDR3) & IDR3_FWB, "%s", lv[i]);
		cr_expect_eq(!!(master->smmu->features & ARM_SMMU_FEAT_S2FWB), i == 1, "%s", lv[i]);
		cr_expect(dev_iommu_fwspec_get(&p->dev)->flags & IOMMU_FWSPEC_PCI_RC_CANWBS, "%s", lv[i]);
		cr_expect(arm_smmu_master_canwbs(master), "%s", lv[i]);
		iommusim_free(sim);
	}
	/* without the options: neither */
	struct iommusim *sim = boot_on("-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,"
				       "chassis=1 -device virtio-net-pci,bus=rp1", LINUX73);
	struct pci_dev *p = pdev_of(sim, IFD_DEV);
	struct arm_smmu_master *master = p->dev.iommu->priv;
	cr_expect_not(readl(&master->smmu->mmio, SMMU_REG_IDR3) & IDR3_FWB);
	cr_expect_not(dev_iommu_fwspec_get(&p->dev)->flags & IOMMU_FWSPEC_PCI_RC_CANWBS);
	iommusim_free(sim);
}

/*
 * One guest's TLBI stays in its VM: two VMs (an IOAS, a nest parent and a
 * vIOMMU each, so two VMIDs), a device each, both guests using ASID 5 and
 * VA 0x1000. Both remap it; a TLBI_NH_ASID of ASID 5 through the first
 * vIOMMU is tagged with the first VMID and drops only that VM's entry.
 */
struct vm {
	u64 *ram;
	u32 viommu;
	u32 sid;
};

static struct vm vm_new(struct ifd *c, u32 dev_id, struct iommufd_device *idev, struct pci_dev *pdev, u64 vsid)
{
	struct vm v = { .ram = iommusim_user_alloc(c->sim, 0x10000) };
	cr_assert_not_null(v.ram);
	memset(v.ram, 0, 0x10000);
	u32 ioas = ifd_ioas(c), parent = 0, nested = 0, vdev = 0;
	struct iommu_ioas_map m = { .size = sizeof(m), .ioas_id = ioas,
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .user_va = (u64)(uintptr_t)v.ram, .length = 0x10000, .iova = GPA };
	cr_assert_eq(ifd_io(c, IOMMU_IOAS_MAP, &m), 0);
	v.ram[0] = CD0_V | CD0_AA64 | FIELD_PREP(CD0_T0SZ, 16) | FIELD_PREP(CD0_IRGN0, 1) |
		   FIELD_PREP(CD0_ORGN0, 1) | FIELD_PREP(CD0_SH0, 3) | CD0_EPD1 | FIELD_PREP(CD0_IPS, 4) | CD0_R |
		   CD0_A | FIELD_PREP(CD0_ASID, 5);
	v.ram[1] = PG(1);
	v.ram[3] = 0xff;
	v.ram[0x1000 / 8] = S1_TABLE(PG(2));
	v.ram[0x2000 / 8] = S1_TABLE(PG(3));
	v.ram[0x3000 / 8] = S1_TABLE(PG(4));
	v.ram[0x4000 / 8 + 1] = S1_PAGE(PG(5));
	strcpy((char *)v.ram + 0x5000, "first");
	strcpy((char *)v.ram + 0x6000, "second");
	cr_assert_eq(ifd_hwpt_alloc(c, dev_id, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, &parent), 0);
	cr_assert_eq(ifd_viommu_alloc(c, dev_id, parent, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &v.viommu), 0);
	cr_assert_eq(ifd_vdevice_alloc(c, v.viommu, dev_id, vsid, &vdev), 0);
	struct iommu_hwpt_arm_smmuv3 ste = {
		{ STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) | PG(0), 0 }
	};
	cr_assert_eq(ifd_hwpt_alloc(c, dev_id, v.viommu, 0, IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, 16, &nested), 0);
	cr_assert_eq(iommufd_device_attach(idev, &nested), 0);
	v.sid = ((struct arm_smmu_master *)pdev->dev.iommu->priv)->streams[0].id;
	return v;
}

static void vm_read(struct ifd *c, const struct vm *v, const char *want)
{
	char buf[8] = "";
	cr_assert_eq(smmu_hw_dma(c->sim->k->hw->smmu, v->sid, SMMU_NO_SSID, 0x1000, buf, 7, false), 0);
	cr_expect_str_eq(buf, want, "SID %#x", v->sid);
}

Test(smmu_iommufd, guest_tlbi_stays_in_its_vmid)
{
	struct ifd c = ifd_open((struct ifd_opts){ .canwbs = true });
	struct iommufd_device *idev2;
	u32 dev2 = ifd_bind(&c, IFD_DEV2, &idev2);
	struct vm a = vm_new(&c, c.dev_id, c.idev, c.pdev, 0x10);
	struct vm b = vm_new(&c, dev2, idev2, pdev_of(c.sim, IFD_DEV2), 0x10);
	struct iommufd_viommu *va = to_viommu(c.ictx->objects[a.viommu]), *vb = to_viommu(c.ictx->objects[b.viommu]);
	cr_assert_neq(va->vsmmu->vmid, vb->vsmmu->vmid);
	vm_read(&c, &a, "first");
	vm_read(&c, &b, "first");
	a.ram[0x4000 / 8 + 1] = S1_PAGE(PG(6));
	b.ram[0x4000 / 8 + 1] = S1_PAGE(PG(6));
	u64 tlbi[2] = { CMDQ_OP_TLBI_NH_ASID | FIELD_PREP(CMDQ_TLBI_0_ASID, 5), 0 };
	u32 done = 0;
	cr_assert_eq(invalidate(&c, a.viommu, tlbi, 1, &done), 0);
	vm_read(&c, &a, "second");
	vm_read(&c, &b, "first");
	/* and the second VM's own TLBI reaches it */
	cr_assert_eq(invalidate(&c, b.viommu, tlbi, 1, &done), 0);
	vm_read(&c, &b, "second");
	ifd_close(&c);
}

/*
 * The guest changes its CD (another ASID and table) and tells its vSMMU with
 * CFGI_CD of its vSID: rewritten to the physical StreamID, it makes the
 * hardware fetch the CD again (a config-cache miss); the new ASID's walk
 * then finds the new table. A CFGI_CD of another vSID is EIO and changes
 * nothing.
 */
Test(smmu_iommufd, guest_cfgi_cd_refetches_the_cd)
{
	struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = true });
	struct vm a = vm_new(&c, c.dev_id, c.idev, c.pdev, 0x33);
	vm_read(&c, &a, "first");
	/* a second table tree at pages 7-9 (L1-L3) with VA 0x1000 -> page 6, under ASID 6 */
	a.ram[0x7000 / 8] = S1_TABLE(PG(8));
	a.ram[0x8000 / 8] = S1_TABLE(PG(9));
	a.ram[0x9000 / 8] = S1_TABLE(PG(10));
	a.ram[0xa000 / 8 + 1] = S1_PAGE(PG(6));
	a.ram[1] = PG(7);
	a.ram[0] = (a.ram[0] & ~CD0_ASID) | FIELD_PREP(CD0_ASID, 6);
	const struct smmu_hw_stats *st = smmu_hw_stats(c.sim->k->hw->smmu);
	u32 done = 0;
	u64 other[2] = { CMDQ_OP_CFGI_CD | FIELD_PREP(CMDQ_CFGI_0_SID, 0x34), CMDQ_CFGI_1_LEAF };
	cr_expect_eq(invalidate(&c, a.viommu, other, 1, &done), -EIO);
	cr_expect_eq(done, 0);
	/* the old CD and the old entry still answer */
	vm_read(&c, &a, "first");
	u64 misses = st->cfg_misses;
	u64 cfgi[2] = { CMDQ_OP_CFGI_CD | FIELD_PREP(CMDQ_CFGI_0_SID, 0x33), CMDQ_CFGI_1_LEAF };
	cr_assert_eq(invalidate(&c, a.viommu, cfgi, 1, &done), 0);
	vm_read(&c, &a, "second");
	cr_expect_gt(st->cfg_misses, misses);
	ifd_close(&c);
}

/* the STE a nested attach installs: Config nested, the parent's VMID, S2FWB exactly when the SMMU has FWB */
Test(smmu_iommufd, nested_ste_installed)
{
	for (int fwb = 0; fwb < 2; fwb++) {
		struct ifd c = ifd_open((struct ifd_opts){ .s2fwb = fwb, .canwbs = !fwb });
		struct vm a = vm_new(&c, c.dev_id, c.idev, c.pdev, 0x33);
		struct arm_smmu_device *smmu = ifd_smmu(&c);
		u64 pa = 0, ste[4];
		cr_assert_eq(arm_smmu_ste_pa(smmu, a.sid, &pa), 0);
		for (int i = 0; i < 4; i++)
			cr_assert_eq(guest_mem_read64(smmu->mem, pa + 8 * i, &ste[i]), 0);
		cr_expect_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_NESTED);
		cr_expect_eq(ste[0] & STRTAB_STE_0_S1CTXPTR_MASK, PG(0));
		cr_expect(ste[1] & STRTAB_STE_1_MEV);
		cr_expect_eq(!!(ste[1] & STRTAB_STE_1_S2FWB), fwb, "FWB %d", fwb);
		struct iommufd_viommu *v = to_viommu(c.ictx->objects[a.viommu]);
		cr_expect_eq(FIELD_GET(STRTAB_STE_2_S2VMID, ste[2]), v->vsmmu->vmid);
		ifd_close(&c);
	}
}
