/*
 * The arm-smmu-v3 driver against the SMMUv3 hardware model, through MMIO
 * and guest memory only: queues and stream table at boot, device reset,
 * command encoding, CERROR recovery, S1/S2/nested/identity domains, map and
 * unmap with invalidation, and the event queue thread's dmesg lines.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/page_alloc.h"
#include "hw/mem.h"
#include "hw/smmuv3/smmu_hw.h"
#include "hw/smmuv3/smmuv3_regs.h"
#include "pgtable/io_pgtable.h"
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/cmdq.h"
#include "smmuv3/domain.h"
#include "smmuv3/evtq.h"
#include "smmuv3/event_decode.h"
#include "hw/smmuv3/smmu_hw_version.h"
#include "kversion/linux_version.h"
#include "smmuv3/smmu_tables.h"
#include "smmuv3/ste.h"

#define RAM_SIZE (256ULL << 20)

static struct {
	struct kernel k;
	struct page_alloc pages;
	struct guest_mem *mem;
	struct smmu_hw *hw;
	struct smmu_hw_config cfg;
	struct device_driver drv;
	struct device sdev;
	struct arm_smmu_device smmu;
	/* one master with one stream */
	struct device mdev;
	struct dev_iommu mdev_iommu;
	struct iommu_fwspec fwspec;
	u32 ids[2];
	struct arm_smmu_master master;
	struct arm_smmu_stream stream[2];
	struct arm_smmu_stream *tree[2];
} F;

static u64 mmio_read(void *opaque, u64 off, unsigned size)
{
	return smmu_hw_mmio_read(opaque, off, size);
}

static void mmio_write(void *opaque, u64 off, u64 val, unsigned size)
{
	smmu_hw_mmio_write(opaque, off, val, size);
}

/* What 6.1's arm_smmu_device_hw_probe finds in the model's ID registers. */
static void probe_like_linux(struct arm_smmu_device *smmu, const struct smmu_hw_config *c)
{
	smmu->features = ARM_SMMU_FEAT_TT_LE | ARM_SMMU_FEAT_COHERENCY;
	if (c->strtab_2lvl && c->sidsize > STRTAB_SPLIT)
		smmu->features |= ARM_SMMU_FEAT_2_LVL_STRTAB;
	if (c->s1)
		smmu->features |= ARM_SMMU_FEAT_TRANS_S1;
	if (c->s2)
		smmu->features |= ARM_SMMU_FEAT_TRANS_S2;
	if (c->range_inv)
		smmu->features |= ARM_SMMU_FEAT_RANGE_INV;
	smmu->asid_bits = c->asid16 ? 16 : 8;
	smmu->vmid_bits = c->vmid16 ? 16 : 8;
	smmu->sid_bits = c->sidsize;
	smmu->ssid_bits = c->ssidsize;
	smmu->cmdq.max_n_shift = MIN(CMDQ_MAX_SZ_SHIFT(kernel_config(&F.k)), c->cmdq_shift);
	smmu->evtq.max_n_shift = MIN(EVTQ_MAX_SZ_SHIFT(kernel_config(&F.k)), c->evtq_shift);
	smmu->pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G | SZ_16K | (32ULL << 20) | SZ_64K | (512ULL << 20);
	smmu->oas = c->oas;
	smmu->ias = c->oas;
}

/* Create RAM, the SMMU model and the driver's view; no structures yet. */
static void create(const struct smmu_hw_config *cfg, bool wire_irq)
{
	memset(&F, 0, sizeof(F));
	klog_init(&F.k.log);
	F.mem = guest_mem_new(VIRT_RAM_BASE, RAM_SIZE);
	cr_assert_not_null(F.mem);
	page_alloc_init(&F.pages, VIRT_RAM_BASE, RAM_SIZE);
	F.k.pages = &F.pages;
	F.cfg = *cfg;
	F.hw = smmu_hw_new(F.mem, cfg);
	cr_assert_not_null(F.hw);
	F.drv.name = "arm-smmu-v3";
	F.sdev.k = &F.k;
	F.sdev.driver = &F.drv;
	strcpy(F.sdev.name, "9050000.smmuv3");
	F.smmu.dev = &F.sdev;
	F.smmu.k = &F.k;
	F.smmu.mem = F.mem;
	F.smmu.mmio = (struct hw_mmio){ F.hw, mmio_read, mmio_write, SMMU_HW_MMIO_SIZE };
	probe_like_linux(&F.smmu, cfg);
	if (wire_irq)
		smmu_hw_set_irq(F.hw, arm_smmu_irq_handler, &F.smmu);
}

static void boot(const struct smmu_hw_config *cfg, bool wire_irq)
{
	create(cfg, wire_irq);
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), 0);
	cr_assert_eq(arm_smmu_device_reset(&F.smmu), 0);
}

static void boot_virt(void)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	boot(&c, true);
}

/* A master with streams sids[0..n) as arm_smmu_probe_device would make it. */
static void add_master(const u32 *sids, unsigned n)
{
	F.mdev.k = &F.k;
	strcpy(F.mdev.name, "0000:00:02.0");
	F.fwspec.ids = F.ids;
	F.fwspec.num_ids = n;
	F.mdev_iommu.fwspec = &F.fwspec;
	F.mdev_iommu.priv = &F.master;
	F.mdev.iommu = &F.mdev_iommu;
	F.master.smmu = &F.smmu;
	F.master.dev = &F.mdev;
	F.master.streams = F.stream;
	F.master.num_streams = n;
	for (unsigned i = 0; i < n; i++) {
		F.ids[i] = sids[i];
		F.stream[i] = (struct arm_smmu_stream){ sids[i], &F.master };
		F.tree[i] = &F.stream[i];
		cr_assert_eq(arm_smmu_init_sid_strtab(&F.smmu, sids[i]), 0);
	}
	F.smmu.streams = F.tree;
	F.smmu.nstreams = n;
}

static void teardown(void)
{
	arm_smmu_free_structures(&F.smmu);
	smmu_hw_free(F.hw);
	guest_mem_free(F.mem);
	page_alloc_destroy(&F.pages);
	klog_free(&F.k.log);
}

static int log_find(const char *needle, size_t from)
{
	for (size_t i = from; i < klog_count(&F.k.log); i++)
		if (strstr(klog_line(&F.k.log, i), needle))
			return (int)i;
	return -1;
}

static u32 rd32(u64 off)
{
	return (u32)smmu_hw_mmio_read(F.hw, off, 4);
}

static void read_ste(u32 sid, u64 *ste)
{
	u64 pa;
	cr_assert_eq(arm_smmu_ste_pa(&F.smmu, sid, &pa), 0);
	cr_assert_eq(guest_mem_read(F.mem, pa, ste, 64), 0);
}

/* ---- boot ---- */

Test(smmu_boot, queues_strtab_and_reset_as_linux, .fini = teardown)
{
	boot_virt();
	cr_assert_geq(log_find("arm-smmu-v3 9050000.smmuv3: allocated 65536 entries for cmdq", 0), 0);
	cr_assert_geq(log_find("arm-smmu-v3 9050000.smmuv3: allocated 32768 entries for evtq", 0), 0);
	cr_assert_eq(rd32(SMMU_REG_CR0ACK), CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
	cr_assert_eq(rd32(SMMU_REG_CR1), 0xd75);
	cr_assert_eq(rd32(SMMU_REG_CR2), CR2_PTM | CR2_RECINVSID);
	cr_assert_eq(rd32(SMMU_REG_IRQ_CTRLACK), IRQ_CTRL_EVTQ_IRQEN | IRQ_CTRL_GERROR_IRQEN);
	/* 2-level, 16 SID bits, split 8: 256 L1 descriptors */
	cr_assert_eq(rd32(SMMU_REG_STRTAB_BASE_CFG), (1u << 16) | (8u << 6) | 16u);
	struct arm_smmu_tables *t = F.smmu.tables;
	cr_assert_eq(t->num_l1_ents, 256);
	u64 base = smmu_hw_mmio_read(F.hw, SMMU_REG_STRTAB_BASE, 8);
	cr_assert_eq(base, t->strtab_pa | STRTAB_BASE_RA);
	cr_assert_eq(smmu_hw_mmio_read(F.hw, SMMU_REG_CMDQ_BASE, 8),
		     Q_BASE_RWA | F.smmu.cmdq.base_pa | 16);
	cr_assert_eq(smmu_hw_mmio_read(F.hw, SMMU_REG_EVTQ_BASE, 8),
		     Q_BASE_RWA | F.smmu.evtq.base_pa | 15);
	/* Debian: DMA_CMA=y, so Q_MAX_SZ_SHIFT = PAGE_SHIFT + CMA_ALIGNMENT (8) */
	cr_assert(IS_ALIGNED(F.smmu.cmdq.base_pa, 1ULL << 20));
	cr_assert_eq(CMDQ_MAX_SZ_SHIFT(kernel_config(&F.k)), 16);
	cr_assert_eq(EVTQ_MAX_SZ_SHIFT(kernel_config(&F.k)), 15);
	/* CFGI_ALL + sync, TLBI_NSNH_ALL + sync; all consumed */
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_CFGI_ALL], 1);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_NSNH_ALL], 1);
	cr_assert_eq(F.smmu.stats.syncs, 2);
	cr_assert_eq(smmu_hw_stats(F.hw)->cmds, 4);
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), 4);
	cr_assert_eq(F.smmu.stats.cmdq_timeouts, 0);
}

Test(smmu_boot, linear_stream_table_without_2lvl, .fini = teardown)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	c.sidsize = 8;	/* <= STRTAB_SPLIT: Linux drops 2-level */
	boot(&c, true);
	cr_assert_eq(rd32(SMMU_REG_STRTAB_BASE_CFG), 8u);
	u64 ste[8];
	read_ste(255, ste);
	cr_assert_eq(ste[0], STRTAB_STE_0_V);	/* abort: disable_bypass defaults on */
	cr_assert_eq(ste[1], 1ULL << 44);	/* arm_smmu_init_bypass_stes: SHCFG incoming */
	cr_assert_eq(arm_smmu_init_sid_strtab(&F.smmu, 255), 0);
	cr_assert_eq(arm_smmu_init_sid_strtab(&F.smmu, 256), -ERANGE);
}

Test(smmu_boot, bad_state_is_refused, .fini = teardown)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	create(&c, false);
	cr_assert_eq(arm_smmu_device_reset(&F.smmu), -EINVAL);	/* no structures */
	cr_assert_eq(arm_smmu_init_sid_strtab(&F.smmu, 1), -EINVAL);
	F.smmu.cmdq.max_n_shift = 30;
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), -EINVAL);
	cr_assert_null(F.smmu.tables);
	/* out of guest memory: the queue shrinks, then fails cleanly */
	F.smmu.cmdq.max_n_shift = CMDQ_MAX_SZ_SHIFT(kernel_config(&F.k));
	struct page_alloc tiny;
	page_alloc_init(&tiny, VIRT_RAM_BASE, 0);
	F.k.pages = &tiny;
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), -ENOMEM);
	cr_assert_null(F.smmu.tables);
	cr_assert_geq(log_find("failed to allocate queue", 0), 0);
	F.k.pages = &F.pages;
}

Test(smmu_boot, l2_tables_on_demand, .fini = teardown)
{
	boot_virt();
	struct arm_smmu_tables *t = F.smmu.tables;
	u64 l1, pa, ste[8];
	cr_assert_eq(arm_smmu_ste_pa(&F.smmu, 0x123, &pa), -ENOENT);
	cr_assert_eq(guest_mem_read64(F.mem, t->strtab_pa + 8, &l1), 0);
	cr_assert_eq(l1, 0);
	cr_assert_eq(arm_smmu_init_sid_strtab(&F.smmu, 0x123), 0);
	cr_assert_eq(guest_mem_read64(F.mem, t->strtab_pa + 8, &l1), 0);
	cr_assert_eq(l1 & 0x1f, 9);	/* span = STRTAB_SPLIT + 1 */
	cr_assert_eq(l1 & STRTAB_L1_DESC_L2PTR_MASK, t->l1_desc[1].l2ptr_pa);
	read_ste(0x123, ste);
	cr_assert_eq(ste[0], STRTAB_STE_0_V);
	cr_assert_eq(arm_smmu_init_sid_strtab(&F.smmu, 0x10000), -ERANGE);
	/* an unattached stream aborts, silently (Config abort records no event) */
	u64 out;
	cr_assert_eq(smmu_hw_translate(F.hw, 0x123, SMMU_NO_SSID, 0x1000, false, &out, NULL), -EFAULT);
	cr_assert_eq(smmu_hw_stats(F.hw)->events, 0);
}

Test(smmu_boot, disable_bypass_0_makes_bypass_stes, .fini = teardown)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	create(&c, true);
	F.smmu.allow_bypass = true;
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), 0);
	cr_assert_eq(arm_smmu_device_reset(&F.smmu), 0);
	cr_assert_eq(arm_smmu_init_sid_strtab(&F.smmu, 0x10), 0);
	u64 ste[8], out = 0;
	read_ste(0x10, ste);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_BYPASS);
	cr_assert_eq(smmu_hw_translate(F.hw, 0x10, SMMU_NO_SSID, 0x41234000, true, &out, NULL), 0);
	cr_assert_eq(out, 0x41234000);
}

/* ---- commands ---- */

Test(smmu_cmd, encodings)
{
	u64 c[2];
	struct arm_smmu_cmdq_ent e = { .opcode = CMDQ_OP_CFGI_STE, .cfgi = { .sid = 0x1234, .leaf = true } };
	cr_assert_eq(arm_smmu_cmdq_build_cmd(c, &e), 0);
	cr_assert_eq(c[0], 0x0000123400000003ULL);
	cr_assert_eq(c[1], 1);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_CFGI_CD, .cfgi = { .sid = 7, .ssid = 0x5, .leaf = true } };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0000000700005005ULL);
	cr_assert_eq(c[1], 1);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_CFGI_CD_ALL, .cfgi = { .sid = 9 } };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0000000900000006ULL);
	cr_assert_eq(c[1], 0);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_CFGI_ALL };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x4);
	cr_assert_eq(c[1], 31);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_CFGI_STE_RANGE, .cfgi = { .sid = 0x100, .span = 7 } };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0000010000000004ULL);
	cr_assert_eq(c[1], 7);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_TLBI_NH_ASID, .tlbi = { .asid = 0xabc, .vmid = 2 } };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0abc000200000011ULL);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_TLBI_NH_VA,
					.tlbi = { .asid = 1, .vmid = 0, .num = 2, .scale = 3, .leaf = true,
						  .ttl = 3, .tg = 1, .addr = 0x12345678fffULL } };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0001000000302012ULL);
	cr_assert_eq(c[1], 0x0000012345678000ULL | (1 << 10) | (3 << 8) | 1);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_TLBI_S12_VMALL, .tlbi = { .vmid = 5 } };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0000000500000028ULL);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_TLBI_S2_IPA,
					.tlbi = { .vmid = 5, .num = 1, .tg = 3, .addr = 0xfff0000012345000ULL } };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x000000050000102aULL);
	cr_assert_eq(c[1], 0x0000000012345000ULL | (3 << 10));	/* IPA is bits 51:12 */
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_TLBI_NSNH_ALL };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x30);
	cr_assert_eq(c[1], 0);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_CMD_SYNC };
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0fc02046ULL);	/* CS=SEV, MSH=ISH, MSIATTR=OIWB */
	cr_assert_eq(c[1], 0);
	e.sync.msiaddr = 0x40001003;
	arm_smmu_cmdq_build_cmd(c, &e);
	cr_assert_eq(c[0], 0x0fc01046ULL);	/* CS=IRQ */
	cr_assert_eq(c[1], 0x40001000);
	e = (struct arm_smmu_cmdq_ent){ .opcode = 0x99 };
	cr_assert_eq(arm_smmu_cmdq_build_cmd(c, &e), -ENOENT);
}

Test(smmu_cmd, illegal_command_is_skipped_like_linux, .fini = teardown)
{
	boot_virt();
	u64 syncs = F.smmu.stats.syncs;
	/* QEMU's SMMU has no stage 2: S12_VMALL is CERROR_ILL */
	struct arm_smmu_cmdq_ent e = { .opcode = CMDQ_OP_TLBI_S12_VMALL, .tlbi.vmid = 1 };
	cr_assert_eq(arm_smmu_cmdq_issue_cmd_with_sync(&F.smmu, &e), 0);
	cr_assert_eq(F.smmu.stats.cmdq_errors, 1);
	cr_assert_eq(smmu_hw_stats(F.hw)->cmdq_errors, 1);
	int i = log_find("unexpected global error reported (0x00000001), this could be serious", 0);
	cr_assert_geq(i, 0);
	/* CONS index 4 with ERR = 1 in bits 30:24 */
	cr_assert_geq(log_find("CMDQ error (cons 0x01000004): Illegal command", (size_t)i), 0);
	cr_assert_geq(log_find("skipping command in error state:", (size_t)i), 0);
	cr_assert_geq(log_find("\t0x0000000100000028", (size_t)i), 0);
	cr_assert_geq(log_find("\t0x0000000000000000", (size_t)i), 0);
	/* the replacement CMD_SYNC and ours both ran; the queue moves on */
	cr_assert_eq(F.smmu.stats.syncs, syncs + 1);
	cr_assert_eq(rd32(SMMU_REG_CMDQ_CONS), 6);
	e = (struct arm_smmu_cmdq_ent){ .opcode = CMDQ_OP_TLBI_NH_ASID, .tlbi.asid = 1 };
	cr_assert_eq(arm_smmu_cmdq_issue_cmd_with_sync(&F.smmu, &e), 0);
	cr_assert_eq(F.smmu.stats.cmdq_errors, 1);
	/* an opcode the driver does not build never reaches the queue */
	e.opcode = 0x99;
	cr_assert_eq(arm_smmu_cmdq_issue_cmd(&F.smmu, &e), -EINVAL);
	cr_assert_geq(log_find("ignoring unknown CMDQ opcode 0x99", 0), 0);
	cr_assert_eq(arm_smmu_cmdq_issue_cmdlist(&F.smmu, NULL, -1, true), -EINVAL);
	cr_assert_eq(arm_smmu_cmdq_issue_cmdlist(&F.smmu, NULL, CMDQ_BATCH_ENTRIES + 1, true), -EINVAL);
}

Test(smmu_cmd, error_without_irq_is_recovered_by_the_poll, .fini = teardown)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	boot(&c, false);
	struct arm_smmu_cmdq_ent e = { .opcode = CMDQ_OP_TLBI_S2_IPA, .tlbi.vmid = 1 };
	cr_assert_eq(arm_smmu_cmdq_issue_cmd_with_sync(&F.smmu, &e), 0);
	cr_assert_eq(F.smmu.stats.cmdq_errors, 1);
	cr_assert_geq(log_find("Illegal command", 0), 0);
}

Test(smmu_cmd, disabled_queue_times_out, .fini = teardown)
{
	boot_virt();
	smmu_hw_mmio_write(F.hw, SMMU_REG_CR0, 0, 4);
	struct arm_smmu_cmdq_ent e = { .opcode = CMDQ_OP_TLBI_NSNH_ALL };
	cr_assert_eq(arm_smmu_cmdq_issue_cmd_with_sync(&F.smmu, &e), -ETIMEDOUT);
	cr_assert_eq(F.smmu.stats.cmdq_timeouts, 1);
	cr_assert_geq(log_find("CMD_SYNC timeout at 0x00000005 [hwprod 0x00000006, hwcons 0x00000004]", 0), 0);
}

/* ---- domains ---- */

static struct iommu_domain *attach_new(unsigned type)
{
	struct iommu_domain *dom = arm_smmu_domain_alloc(&F.k, type);
	cr_assert_not_null(dom);
	cr_assert_eq(dom->ops->attach_dev(dom, &F.mdev), 0);
	return dom;
}

/* what iommu_unmap() does with the driver's ops: gather the leaves, then sync */
static size_t unmap_sync(struct iommu_domain *dom, u64 iova, size_t pgsize, size_t pgcount)
{
	struct iommu_iotlb_gather gather;
	iommu_iotlb_gather_init(&gather);
	size_t n = dom->ops->unmap_pages(dom, iova, pgsize, pgcount, &gather);
	dom->ops->iotlb_sync(dom, &gather);
	return n;
}

Test(smmu_domain, alloc_types)
{
	static const unsigned ok[] = { IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_DMA_FQ, IOMMU_DOMAIN_UNMANAGED,
				       IOMMU_DOMAIN_IDENTITY };
	for (unsigned i = 0; i < ARRAY_SIZE(ok); i++) {
		struct iommu_domain *d = arm_smmu_domain_alloc(NULL, ok[i]);
		cr_assert_not_null(d);
		cr_assert_eq(d->type, ok[i]);
		cr_assert_eq(d->ops, &arm_smmu_domain_ops);
		d->ops->free(d);
	}
	/* 6.1 has no blocked domain in this driver */
	cr_assert_null(arm_smmu_domain_alloc(NULL, IOMMU_DOMAIN_BLOCKED));
	cr_assert_null(arm_smmu_domain_alloc(NULL, 0x40));
}

Test(smmu_domain, s1_map_translate_unmap_fault, .fini = teardown)
{
	boot_virt();
	u32 sid = 8;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_DMA);
	struct arm_smmu_domain *d = to_smmu_domain(dom);
	struct arm_smmu_domain_cfg *cfg = d->cfg;

	cr_assert_eq(d->stage, ARM_SMMU_DOMAIN_S1);
	cr_assert_eq(cfg->s1.cd.asid, 1);
	cr_assert_eq(dom->geometry.aperture_end, (1ULL << 48) - 1);
	cr_assert(dom->geometry.force_aperture);
	cr_assert_eq(dom->pgsize_bitmap, SZ_4K | SZ_2M | SZ_1G);
	cr_assert_eq(F.master.domain, d);

	u64 ste[8], cd[8];
	read_ste(sid, ste);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_S1_TRANS);
	cr_assert_eq(ste[0] & STRTAB_STE_0_S1CTXPTR_MASK, cfg->s1.cdtab_pa);
	cr_assert_eq(guest_mem_read(F.mem, cfg->s1.cdtab_pa, cd, 64), 0);
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_ASID, cd[0]), 1);
	cr_assert(cd[0] & CTXDESC_CD_0_V);
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_T0SZ, cd[0]), 16);
	cr_assert_eq(FIELD_GET(CTXDESC_CD_0_TCR_IPS, cd[0]), 4);

	/* map a page and let the hardware walk it */
	u64 buf = page_alloc(&F.pages, SZ_4K), out = 0;
	size_t mapped = 0;
	cr_assert_eq(dom->ops->map_pages(dom, 0x10000, buf, SZ_4K, 1, IOMMU_READ | IOMMU_WRITE, &mapped), 0);
	cr_assert_eq(mapped, SZ_4K);
	cr_assert_eq(dom->ops->iova_to_phys(dom, 0x10123), buf + 0x123);
	cr_assert_eq(smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x10123, true, &out, NULL), 0);
	cr_assert_eq(out, buf + 0x123);

	/* unmap: one range TLBI by ASID plus a sync, strictly */
	u64 tlbi = F.smmu.stats.tlbi, va = F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA];
	u64 hw_inv = smmu_hw_stats(F.hw)->tlb_invalidations;
	cr_assert_eq(unmap_sync(dom, 0x10000, SZ_4K, 1), SZ_4K);
	cr_assert_eq(F.smmu.stats.tlbi, tlbi + 1);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA], va + 1);
	cr_assert_eq(smmu_hw_stats(F.hw)->tlb_invalidations, hw_inv + 1);
	cr_assert_eq(dom->ops->iova_to_phys(dom, 0x10123), 0);

	/* the device's next access faults, and the EVTQ thread prints it */
	size_t from = klog_count(&F.k.log);
	cr_assert_eq(smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x10123, true, &out, NULL), -EFAULT);
	int i = log_find("arm-smmu-v3 9050000.smmuv3: event 0x10 received:", from);
	cr_assert_geq(i, 0);
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)i + 1),
			 "arm-smmu-v3 9050000.smmuv3: \t0x0000000800000010");
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)i + 3),
			 "arm-smmu-v3 9050000.smmuv3: \t0x0000000000010123");
	cr_assert_eq(F.smmu.stats.events, 1);
	cr_assert_eq(F.smmu.stats.events_printed, 1);

	/* detach: the stream aborts again */
	dom->ops->detach_dev(dom, &F.mdev);
	cr_assert_null(F.master.domain);
	read_ste(sid, ste);
	cr_assert_eq(ste[0], STRTAB_STE_0_V);
	dom->ops->free(dom);
}

Test(smmu_domain, range_invalidation_splits_like_linux, .fini = teardown)
{
	boot_virt();
	u32 sid = 3;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_UNMANAGED);
	u64 buf = page_alloc(&F.pages, 64 * SZ_4K);
	size_t mapped = 0;
	cr_assert_eq(dom->ops->map_pages(dom, 0x200000, buf, SZ_4K, 64, IOMMU_READ, &mapped), 0);
	cr_assert_eq(mapped, 64 * SZ_4K);
	/* 33 pages: 1 page (scale 0) then 32 pages (num 1, scale 5): two commands */
	u64 va = F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA], syncs = F.smmu.stats.syncs;
	u32 prod = F.smmu.cmdq.prod;
	cr_assert_eq(unmap_sync(dom, 0x200000, SZ_4K, 33), 33 * SZ_4K);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA], va + 2);
	cr_assert_eq(F.smmu.stats.syncs, syncs + 1);
	u64 c0, c1;
	u64 slot = F.smmu.cmdq.base_pa + 16ULL * (prod & ((1u << F.smmu.cmdq.max_n_shift) - 1));
	guest_mem_read64(F.mem, slot, &c0);
	guest_mem_read64(F.mem, slot + 8, &c1);
	cr_assert_eq(FIELD_GET(CMDQ_0_OP, c0), CMDQ_OP_TLBI_NH_VA);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_0_ASID, c0), 1);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_0_NUM, c0), 0);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_0_SCALE, c0), 0);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_1_TG, c1), 1);	/* 4K */
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_1_TTL, c1), 3);	/* leaf at level 3 */
	cr_assert(c1 & CMDQ_TLBI_1_LEAF);
	cr_assert_eq(c1 & CMDQ_TLBI_1_VA_MASK, 0x200000);
	guest_mem_read64(F.mem, slot + 16, &c0);
	guest_mem_read64(F.mem, slot + 24, &c1);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_0_NUM, c0), 0);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_0_SCALE, c0), 5);
	cr_assert_eq(c1 & CMDQ_TLBI_1_VA_MASK, 0x201000);
	/* flush_iotlb_all: TLBI_NH_ASID */
	u64 asid_cmds = F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_ASID];
	dom->ops->flush_iotlb_all(dom);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_ASID], asid_cmds + 1);
	dom->ops->free(dom);
}

/*
 * A table torn down by an unmap: 6.1's tlb_flush_walk sends a non-leaf range
 * TLBI, and __arm_lpae_unmap's granule still sets TTL (level 3 for 4K), as
 * 6.1's __arm_smmu_tlb_inv_range computes it whatever the leaf flag.
 */
Test(smmu_domain, walk_invalidation_is_non_leaf_with_ttl, .fini = teardown)
{
	boot_virt();
	u32 sid = 3;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_UNMANAGED);
	u64 buf = page_alloc(&F.pages, SZ_2M);
	size_t mapped = 0;
	cr_assert_eq(dom->ops->map_pages(dom, 0x400000, buf, SZ_4K, 512, IOMMU_READ, &mapped), 0);
	u64 va = F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA];
	u32 prod = F.smmu.cmdq.prod;
	/* one 2M unmap over the level-2 table entry: the whole table goes */
	cr_assert_eq(unmap_sync(dom, 0x400000, SZ_2M, 1), SZ_2M);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA], va + 1);
	u64 c0, c1;
	u64 slot = F.smmu.cmdq.base_pa + 16ULL * (prod & ((1u << F.smmu.cmdq.max_n_shift) - 1));
	guest_mem_read64(F.mem, slot, &c0);
	guest_mem_read64(F.mem, slot + 8, &c1);
	cr_assert_eq(FIELD_GET(CMDQ_0_OP, c0), CMDQ_OP_TLBI_NH_VA);
	cr_assert_not(c1 & CMDQ_TLBI_1_LEAF);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_1_TG, c1), 1);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_1_TTL, c1), 3);
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_0_SCALE, c0), 9);	/* 512 pages = 1 << 9 */
	cr_assert_eq(FIELD_GET(CMDQ_TLBI_0_NUM, c0), 0);
	cr_assert_eq(c1 & CMDQ_TLBI_1_VA_MASK, 0x400000);
	cr_assert_eq(dom->ops->iova_to_phys(dom, 0x400000), 0);
	dom->ops->free(dom);
}

/* 6.1 arm_smmu_get_resv_regions: the SW MSI window, IOMMU_WRITE | NOEXEC | MMIO */
Test(smmu_master, resv_regions_sw_msi_window)
{
	struct device dev = { 0 };
	struct iommu_resv_region r[2];
	memset(r, 0xff, sizeof(r));
	cr_assert_eq(arm_smmu_get_resv_regions(&dev, r, 0), 0);
	cr_assert_eq(arm_smmu_get_resv_regions(&dev, r, 2), 1);
	cr_assert_eq(r[0].start, 0x8000000);
	cr_assert_eq(r[0].length, 0x100000);
	cr_assert_eq(r[0].type, IOMMU_RESV_SW_MSI);
	cr_assert_eq(r[0].prot, IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO);
}

Test(smmu_domain, without_ril_one_command_per_granule, .fini = teardown)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	c.range_inv = false;
	boot(&c, true);
	u32 sid = 3;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_DMA);
	u64 buf = page_alloc(&F.pages, 4 * SZ_4K);
	size_t mapped = 0;
	cr_assert_eq(dom->ops->map_pages(dom, 0x400000, buf, SZ_4K, 4, IOMMU_READ, &mapped), 0);
	u64 va = F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA];
	cr_assert_eq(unmap_sync(dom, 0x400000, SZ_4K, 4), 4 * SZ_4K);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_NH_VA], va + 4);
	dom->ops->free(dom);
}

/*
 * Whether leaves are invalidated is the gather's owner's call, not the
 * domain type's (6.1): on a DMA-FQ domain a plain gather still gets its range
 * TLBI at sync; one marked queued (dma-iommu's flush queue) gathers nothing,
 * and the queue's flush_iotlb_all invalidates later.
 */
Test(smmu_domain, queued_gather_defers_invalidation, .fini = teardown)
{
	boot_virt();
	u32 sid = 3;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_DMA_FQ);
	u64 buf = page_alloc(&F.pages, 2 * SZ_4K);
	size_t mapped = 0;
	cr_assert_eq(dom->ops->map_pages(dom, 0x1000, buf, SZ_4K, 2, IOMMU_READ, &mapped), 0);
	u64 tlbi = F.smmu.stats.tlbi;
	cr_assert_eq(unmap_sync(dom, 0x1000, SZ_4K, 1), SZ_4K);
	cr_assert_eq(F.smmu.stats.tlbi, tlbi + 1, "not queued: strict on a DMA-FQ domain too");

	struct iommu_iotlb_gather gather;
	iommu_iotlb_gather_init(&gather);
	gather.queued = true;
	cr_assert_eq(dom->ops->unmap_pages(dom, 0x2000, SZ_4K, 1, &gather), SZ_4K);
	cr_assert_eq(gather.pgsize, 0, "no leaf gathered");
	dom->ops->iotlb_sync(dom, &gather);
	cr_assert_eq(F.smmu.stats.tlbi, tlbi + 1);	/* the flush queue will do it */
	cr_assert_eq(dom->ops->iova_to_phys(dom, 0x2000), 0);
	dom->ops->flush_iotlb_all(dom);
	cr_assert_eq(F.smmu.stats.tlbi, tlbi + 2);
	dom->ops->free(dom);
}

Test(smmu_domain, identity_and_switching, .fini = teardown)
{
	boot_virt();
	u32 sid = 5;
	add_master(&sid, 1);
	struct iommu_domain *id = attach_new(IOMMU_DOMAIN_IDENTITY);
	u64 ste[8], out = 0;
	read_ste(sid, ste);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_BYPASS);
	cr_assert_eq(smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x40008000, false, &out, NULL), 0);
	cr_assert_eq(out, 0x40008000);
	/* move to a DMA domain: the old one loses the master */
	u64 steps = F.smmu.stats.ste_syncs;
	struct iommu_domain *dma = attach_new(IOMMU_DOMAIN_DMA);
	cr_assert_eq(to_smmu_domain(id)->nmasters, 0);
	cr_assert_eq(to_smmu_domain(dma)->nmasters, 1);
	/* 6.1: bypass -> abort (detach: words 0-2, one sync) -> S1 (attach: two syncs) */
	cr_assert_eq(F.smmu.stats.ste_syncs, steps + 3);
	read_ste(sid, ste);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_S1_TRANS);
	/* a second DMA domain gets the next ASID */
	struct iommu_domain *dma2 = attach_new(IOMMU_DOMAIN_DMA);
	cr_assert_eq(((struct arm_smmu_domain_cfg *)to_smmu_domain(dma2)->cfg)->s1.cd.asid, 2);
	dma2->ops->free(dma2);
	read_ste(sid, ste);
	cr_assert_eq(ste[0], STRTAB_STE_0_V);	/* freed while attached: abort */
	/* ASID 2 is free again */
	struct iommu_domain *dma3 = attach_new(IOMMU_DOMAIN_DMA);
	cr_assert_eq(((struct arm_smmu_domain_cfg *)to_smmu_domain(dma3)->cfg)->s1.cd.asid, 2);
	dma3->ops->free(dma3);
	dma->ops->free(dma);
	id->ops->free(id);
}

Test(smmu_domain, attach_without_master_is_enoent, .fini = teardown)
{
	boot_virt();
	struct iommu_domain *dom = arm_smmu_domain_alloc(&F.k, IOMMU_DOMAIN_DMA);
	struct device nodev = { .k = &F.k };
	cr_assert_eq(dom->ops->attach_dev(dom, &nodev), -ENOENT);
	cr_assert_eq(dom->ops->map_pages(dom, 0, 0x40000000, SZ_4K, 1, IOMMU_READ, &(size_t){ 0 }), -ENODEV);
	cr_assert_eq(unmap_sync(dom, 0, SZ_4K, 1), 0);
	cr_assert_eq(dom->ops->iova_to_phys(dom, 0), 0);
	dom->ops->flush_iotlb_all(dom);
	dom->ops->free(dom);
}

static void cfg_s1s2(struct smmu_hw_config *c)
{
	smmu_hw_config_qemu_virt(c);
	c->s2 = true;
	c->vmid16 = true;
}

Test(smmu_domain, s2_only_smmu_gets_s2_domains, .fini = teardown)
{
	struct smmu_hw_config c;
	cfg_s1s2(&c);
	c.s1 = false;
	boot(&c, true);
	u32 sid = 0x20;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_DMA);
	struct arm_smmu_domain *d = to_smmu_domain(dom);
	cr_assert_eq(d->stage, ARM_SMMU_DOMAIN_S2);
	cr_assert_eq(((struct arm_smmu_domain_cfg *)d->cfg)->s2.vmid, 1);
	cr_assert_eq(dom->geometry.aperture_end, (1ULL << 44) - 1);	/* ias = smmu->ias */
	u64 ste[8], out = 0, buf = page_alloc(&F.pages, SZ_4K);
	read_ste(sid, ste);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_S2_TRANS);
	cr_assert_eq(FIELD_GET(STRTAB_STE_2_S2VMID, ste[2]), 1);
	size_t mapped = 0;
	cr_assert_eq(dom->ops->map_pages(dom, 0x80000, buf, SZ_4K, 1, IOMMU_READ | IOMMU_WRITE, &mapped), 0);
	cr_assert_eq(smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x80010, true, &out, NULL), 0);
	cr_assert_eq(out, buf + 0x10);
	u64 ipa = F.smmu.stats.cmds[CMDQ_OP_TLBI_S2_IPA];
	cr_assert_eq(unmap_sync(dom, 0x80000, SZ_4K, 1), SZ_4K);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_S2_IPA], ipa + 1);
	/* a stage-2 fault is not handed to IOPF: printed, with S2 set in word 1 */
	size_t from = klog_count(&F.k.log);
	cr_assert_eq(smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x80010, true, &out, NULL), -EFAULT);
	cr_assert_geq(log_find("event 0x10 received:", from), 0);
	u64 vm = F.smmu.stats.cmds[CMDQ_OP_TLBI_S12_VMALL];
	dom->ops->flush_iotlb_all(dom);
	cr_assert_eq(F.smmu.stats.cmds[CMDQ_OP_TLBI_S12_VMALL], vm + 1);
	dom->ops->free(dom);
}

Test(smmu_domain, nested_over_s2_parent, .fini = teardown)
{
	struct smmu_hw_config c;
	cfg_s1s2(&c);
	boot(&c, true);
	u32 sid = 0x21;
	add_master(&sid, 1);
	cr_assert_null(arm_smmu_domain_alloc_s2(&F.k, NULL));
	struct iommu_domain *s2 = arm_smmu_domain_alloc_s2(&F.k, &F.smmu);
	cr_assert_not_null(s2);
	cr_assert_eq(to_smmu_domain(s2)->stage, ARM_SMMU_DOMAIN_S2);
	int err = 0;
	/* the guest may not set STRW (word 1) nor a reserved config */
	u64 bad[2] = { STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS),
		       FIELD_PREP(STRTAB_STE_1_STRW, 2) };
	cr_assert_null(arm_smmu_domain_alloc_nested(s2, bad, &err));
	cr_assert_eq(err, -EIO);
	bad[0] = STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, 6);
	bad[1] = 0;
	cr_assert_null(arm_smmu_domain_alloc_nested(s2, bad, &err));
	cr_assert_eq(err, -EIO);
	struct iommu_domain *dma = arm_smmu_domain_alloc(&F.k, IOMMU_DOMAIN_DMA);
	cr_assert_null(arm_smmu_domain_alloc_nested(dma, bad, &err));
	cr_assert_eq(err, -EINVAL);
	dma->ops->free(dma);

	/* guest bypass: the stream runs on stage 2 alone */
	u64 guest_bypass[2] = { STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_BYPASS), 0 };
	struct iommu_domain *nb = arm_smmu_domain_alloc_nested(s2, guest_bypass, &err);
	cr_assert_not_null(nb);
	cr_assert_eq(nb->ops->attach_dev(nb, &F.mdev), 0);
	u64 ste[8];
	read_ste(sid, ste);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_S2_TRANS);
	u64 buf = page_alloc(&F.pages, SZ_4K), out = 0;
	size_t mapped = 0;
	cr_assert_eq(s2->ops->map_pages(s2, 0x100000, buf, SZ_4K, 1, IOMMU_READ | IOMMU_WRITE, &mapped), 0);
	cr_assert_eq(smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x100008, false, &out, NULL), 0);
	cr_assert_eq(out, buf + 8);

	/* guest S1: a CD table at an IPA, nested STE = Config 7 over the same VMID */
	u64 guest_s1[2] = { STRTAB_STE_0_V | FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_S1_TRANS) |
				    0x200000,
			    FIELD_PREP(STRTAB_STE_1_S1DSS, STRTAB_STE_1_S1DSS_SSID0) };
	struct iommu_domain *ns = arm_smmu_domain_alloc_nested(s2, guest_s1, &err);
	cr_assert_not_null(ns);
	u64 steps = F.smmu.stats.ste_syncs;
	cr_assert_eq(ns->ops->attach_dev(ns, &F.mdev), 0);
	cr_assert_eq(to_smmu_domain(nb)->nmasters, 0);
	read_ste(sid, ste);
	cr_assert_eq(FIELD_GET(STRTAB_STE_0_CFG, ste[0]), STRTAB_STE_0_CFG_NESTED);
	cr_assert_eq(ste[0] & STRTAB_STE_0_S1CTXPTR_MASK, 0x200000);
	cr_assert_eq(FIELD_GET(STRTAB_STE_2_S2VMID, ste[2]),
		     ((struct arm_smmu_domain_cfg *)to_smmu_domain(s2)->cfg)->s2.vmid);
	/* 6.1: S2 -> abort (detach, one sync) -> nested (two syncs) */
	cr_assert_eq(F.smmu.stats.ste_syncs, steps + 3);
	ns->ops->free(ns);
	read_ste(sid, ste);
	cr_assert_eq(ste[0], STRTAB_STE_0_V);
	nb->ops->free(nb);
	s2->ops->free(s2);
}

/* ---- event queue ---- */

Test(smmu_evtq, ratelimit_and_overflow, .fini = teardown)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	create(&c, false);
	F.smmu.evtq.max_n_shift = 3;	/* 8 records */
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), 0);
	cr_assert_eq(arm_smmu_device_reset(&F.smmu), 0);
	cr_assert_geq(log_find("allocated 8 entries for evtq", 0), 0);
	u32 sid = 1;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_DMA);
	u64 out;
	/* 10 faults into an 8-entry queue nobody drains: 2 lost, OVFLG toggles */
	for (int i = 0; i < 10; i++)
		smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x1000ULL * (u64)i, false, &out, NULL);
	arm_smmu_evtq_thread(&F.smmu);
	cr_assert_eq(F.smmu.stats.events, 8);
	cr_assert_eq(F.smmu.stats.events_printed, 8);
	cr_assert_eq(F.smmu.stats.evtq_overflows, 1);
	cr_assert_geq(log_find("arm-smmu-v3 9050000.smmuv3: EVTQ overflow detected -- events lost", 0), 0);
	/* the overflow was acknowledged: CONS.OVACKFLG == PROD.OVFLG */
	cr_assert_eq(rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_CONS) & Q_OVF,
		     rd32(SMMU_PAGE1 + SMMU_REG_EVTQ_PROD) & Q_OVF);
	/* 4 more within the same 5 s: 2 printed (burst 10), 2 suppressed */
	for (int i = 0; i < 4; i++)
		smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x100000, false, &out, NULL);
	arm_smmu_evtq_thread(&F.smmu);
	cr_assert_eq(F.smmu.stats.events, 12);
	cr_assert_eq(F.smmu.stats.events_printed, 10);
	cr_assert_eq(F.smmu.stats.evtq_overflows, 1);
	/* 6 s later the window reopens and reports what it swallowed */
	F.k.log.clock_ns += 6000000000ULL;
	smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x200000, false, &out, NULL);
	arm_smmu_evtq_thread(&F.smmu);
	cr_assert_geq(log_find("arm_smmu_evtq_thread: 2 callbacks suppressed", 0), 0);
	cr_assert_eq(F.smmu.stats.events_printed, 11);
	/* nothing new: nothing printed */
	size_t n = klog_count(&F.k.log);
	arm_smmu_evtq_thread(&F.smmu);
	cr_assert_eq(klog_count(&F.k.log), n);
	dom->ops->free(dom);
}

/*
 * The same stage-1 write fault on QEMU 10.0's SMMU read by 6.1 (the four
 * raw words) and by 7.3 (the raw words, then what they mean).
 */
static void fault_on_qemu_10_0(const struct linux_version *kernel)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu(&c, &smmu_hw_qemu_10_0, true, true);
	create(&c, true);
	F.k.version = kernel;
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), 0);
	cr_assert_eq(arm_smmu_device_reset(&F.smmu), 0);
	u32 sid = 0x10;
	add_master(&sid, 1);
	struct iommu_domain *dom = attach_new(IOMMU_DOMAIN_DMA);
	u64 out;
	cr_assert_eq(smmu_hw_translate(F.hw, sid, SMMU_NO_SSID, 0x8090040, true, &out, NULL), -EFAULT);
	dom->ops->free(dom);
}

Test(smmu_evtq, linux_6_1_prints_the_raw_words, .fini = teardown)
{
	fault_on_qemu_10_0(&linux_6_1);
	int at = log_find("event 0x10 received:", 0);
	cr_assert_geq(at, 0);
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)at + 1), "arm-smmu-v3 9050000.smmuv3: \t0x0000001000000010");
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)at + 2), "arm-smmu-v3 9050000.smmuv3: \t0x0000020000000000");
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)at + 3), "arm-smmu-v3 9050000.smmuv3: \t0x0000000008090040");
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)at + 4), "arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000");
	cr_assert_eq(klog_count(&F.k.log), (size_t)at + 5, "nothing after the words");
}

Test(smmu_evtq, linux_7_3_decodes_the_event, .fini = teardown)
{
	fault_on_qemu_10_0(&linux_7_3);
	int at = log_find("event 0x10 received:", 0);
	cr_assert_geq(at, 0);
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)at + 2), "arm-smmu-v3 9050000.smmuv3: \t0x0000020000000000");
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)at + 5),
			 "arm-smmu-v3 9050000.smmuv3: event: F_TRANSLATION client: 0000:00:02.0 "
			 "sid: 0x10 ssid: 0x0 iova: 0x8090040 ipa: 0x0");
	cr_assert_str_eq(klog_line(&F.k.log, (size_t)at + 6),
			 "arm-smmu-v3 9050000.smmuv3: unpriv data write s1 \"Input address caused fault\" stag: 0x0");
	cr_assert_eq(klog_count(&F.k.log), (size_t)at + 7);
}

/* 7.3's decode of every kind of record, from raw words */
Test(smmu_evtq, linux_7_3_event_kinds, .fini = teardown)
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	create(&c, false);
	F.k.version = &linux_7_3;
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), 0);
	u32 sid = 0x18;
	add_master(&sid, 1);
	struct arm_smmu_event e;
	size_t n = klog_count(&F.k.log);

	/* a stream nobody owns */
	u64 bad_sid[4] = { 0x0000010000000002ULL, 0, 0, 0 };
	arm_smmu_decode_event(&F.smmu, bad_sid, &e);
	cr_assert_null(e.dev);
	arm_smmu_dump_decoded_event(&F.smmu, &e);
	cr_assert_str_eq(klog_line(&F.k.log, n++),
			 "arm-smmu-v3 9050000.smmuv3: event: C_BAD_STREAMID client: (unassigned sid) sid: 0x100 ssid: 0x0");

	/* a fetch fault names its address */
	u64 cd_fetch[4] = { 0x0000001800000009ULL | 1ULL << 11 | 5ULL << 12, 0, 0, 0x40001008ULL };
	arm_smmu_decode_event(&F.smmu, cd_fetch, &e);
	arm_smmu_dump_decoded_event(&F.smmu, &e);
	cr_assert_str_eq(klog_line(&F.k.log, n++),
			 "arm-smmu-v3 9050000.smmuv3: event: F_CD_FETCH client: 0000:00:02.0 sid: 0x18 ssid: 0x5 fetch_addr: 0x40001008");

	/* a stage-2 permission fault on a stage-1 table read, privileged, stalled */
	u64 perm[4] = { 0x0000001800000013ULL, 0x7ULL | 1ULL << 31 | 1ULL << 33 | 1ULL << 35 | 1ULL << 39 |
				1ULL << 40 | 1ULL << 44, 0x1234, 0x55000ULL };
	arm_smmu_decode_event(&F.smmu, perm, &e);
	arm_smmu_dump_decoded_event(&F.smmu, &e);
	cr_assert_str_eq(klog_line(&F.k.log, n++),
			 "arm-smmu-v3 9050000.smmuv3: event: F_PERMISSION client: 0000:00:02.0 sid: 0x18 ssid: 0x0 iova: 0x1234 ipa: 0x55000");
	cr_assert_str_eq(klog_line(&F.k.log, n++),
			 "arm-smmu-v3 9050000.smmuv3: priv data read s2 \"Stage 1 translation table fetch\" ttd_read stall stag: 0x7");

	/* names 7.3 does not know */
	u64 walk_eabt[4] = { 0x000000180000000bULL, 0, 0, 0 };
	arm_smmu_decode_event(&F.smmu, walk_eabt, &e);
	arm_smmu_dump_decoded_event(&F.smmu, &e);
	cr_assert_str_eq(klog_line(&F.k.log, n++),
			 "arm-smmu-v3 9050000.smmuv3: event: UNKNOWN client: 0000:00:02.0 sid: 0x18 ssid: 0x0");
	cr_assert_str_eq(arm_smmu_event_str(0x01), "UNKNOWN");
	cr_assert_str_eq(arm_smmu_event_str(0x25), "F_VMS_FETCH");
}

/*
 * The STE updates of one master's life, per kernel: attach a DMA domain,
 * move to a second DMA domain, then free it while attached. 6.1 goes
 * through abort each time (arm_smmu_write_strtab_ent: one sync to abort,
 * two to a translating STE, PREFETCH_CFG after the latter only); 7.3's
 * entry writer goes straight from STE to STE, then PREFETCH_CFG.
 */
static void ste_updates(const struct linux_version *kernel, unsigned expect[3],
			unsigned expect_prefetch[3])
{
	struct smmu_hw_config c;
	smmu_hw_config_qemu_virt(&c);
	create(&c, true);
	F.k.version = kernel;
	cr_assert_eq(arm_smmu_init_structures(&F.smmu), 0);
	cr_assert_eq(arm_smmu_device_reset(&F.smmu), 0);
	u32 sid = 0x10;
	add_master(&sid, 1);
	u64 syncs = F.smmu.stats.ste_syncs, prefetch = F.smmu.stats.cmds[CMDQ_OP_PREFETCH_CFG];
	struct iommu_domain *a = attach_new(IOMMU_DOMAIN_DMA);
	cr_expect_eq(F.smmu.stats.ste_syncs - syncs, expect[0], "attach");
	cr_expect_eq(F.smmu.stats.cmds[CMDQ_OP_PREFETCH_CFG] - prefetch, expect_prefetch[0]);
	syncs = F.smmu.stats.ste_syncs, prefetch = F.smmu.stats.cmds[CMDQ_OP_PREFETCH_CFG];
	struct iommu_domain *b = attach_new(IOMMU_DOMAIN_DMA);
	cr_expect_eq(F.smmu.stats.ste_syncs - syncs, expect[1], "switch");
	cr_expect_eq(F.smmu.stats.cmds[CMDQ_OP_PREFETCH_CFG] - prefetch, expect_prefetch[1]);
	cr_expect_eq(to_smmu_domain(a)->nmasters, 0);
	syncs = F.smmu.stats.ste_syncs, prefetch = F.smmu.stats.cmds[CMDQ_OP_PREFETCH_CFG];
	b->ops->free(b);
	cr_expect_eq(F.smmu.stats.ste_syncs - syncs, expect[2], "free while attached");
	cr_expect_eq(F.smmu.stats.cmds[CMDQ_OP_PREFETCH_CFG] - prefetch, expect_prefetch[2]);
	u64 ste[8];
	read_ste(sid, ste);
	cr_assert_eq(ste[0], STRTAB_STE_0_V, "abort");
	/* each step is one CFGI_STE and one CMD_SYNC */
	a->ops->free(a);
}

Test(smmu_domain, ste_updates_linux_6_1, .fini = teardown)
{
	/* abort -> S1: 2; S1 -> abort -> S1: 1 + 2; S1 -> abort: 1 */
	ste_updates(&linux_6_1, (unsigned[]){ 2, 3, 1 }, (unsigned[]){ 1, 1, 0 });
	/* 6.1's abort STE keeps SHCFG=incoming in word 1, as its bypass one */
	u64 ste[8];
	read_ste(0x10, ste);
	cr_assert_eq(ste[1], 1ULL << 44);
}

Test(smmu_domain, ste_updates_linux_7_3, .fini = teardown)
{
	/* abort -> S1: 2 (hitless); S1 -> S1: the CD table pointer alone, 1; S1 -> abort: 2 */
	ste_updates(&linux_7_3, (unsigned[]){ 2, 1, 2 }, (unsigned[]){ 1, 1, 1 });
	u64 ste[8];
	read_ste(0x10, ste);
	cr_assert_eq(ste[1], 0, "7.3's abort STE is word 0 alone");
}
