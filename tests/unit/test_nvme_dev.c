/*
 * QEMU 7.2's NVMe controller model on its own: a hand-made system (RAM, no
 * SMMU) and one function with its MSI-X table. The test plays the driver
 * through BAR0 and guest memory: the enable handshake, admin commands,
 * I/O with PRPs over a drive file, the checks QEMU makes, interrupts as
 * MSI-X writes, and DMA that faults.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include "hw/nvme_dev.h"
#include "hw/pci_msix.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (64ull << 20)
#define ASQ (RAM_BASE + 0x10000)
#define ACQ (RAM_BASE + 0x11000)
#define DATA (RAM_BASE + 0x100000)
#define IOSQ (RAM_BASE + 0x20000)
#define IOCQ (RAM_BASE + 0x30000)
#define PRPLIST (RAM_BASE + 0x40000)
#define MSI_ADDR (RAM_BASE + 0x50000)

struct rig {
	struct hw_system sys;
	struct hw_pci_bus bus;
	struct hw_pci_fn fn;
	struct nvme_ctrl_hw *n;
	struct hw_mmio bar;
	u16 asq_tail, acq_head, iosq_tail, iocq_head;
	bool aphase, iophase;
	char path[64];
};

static void put_le(u8 *p, u64 v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (u8)v;
}

static u64 get_le(const u8 *p, int n)
{
	u64 v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* a 1 MiB drive whose sector s is filled with the byte s & 0xff */
static void rig_init(struct rig *r, bool with_drive)
{
	memset(r, 0, sizeof(*r));
	r->sys.mem = guest_mem_new(RAM_BASE, RAM_SIZE);
	cr_assert_not_null(r->sys.mem);
	r->bus.is_express = true;
	r->bus.is_root = true;
	r->fn.devfn = 0x10;
	r->fn.vendor = NVME_PCI_VENDOR;
	r->fn.device = NVME_PCI_DEVICE;
	r->fn.subsystem_vendor = 0x1af4;
	r->fn.bus = &r->bus;
	r->fn.msix = hw_msix_new(65);
	r->bus.fn[0x10] = &r->fn;
	struct nvme_hw_props p = { .serial = "deadbeef", .max_ioqpairs = 64, .msix_qsize = 65, .mdts = 7,
				   .aerl = 3, .logical_block_size = 512 };
	if (with_drive) {
		snprintf(r->path, sizeof(r->path), "/tmp/iommusim-nvme-XXXXXX");
		int fd = mkstemp(r->path);
		cr_assert(fd >= 0);
		u8 sector[512];
		for (int s = 0; s < 2048; s++) {
			memset(sector, s & 0xff, sizeof(sector));
			cr_assert_eq(write(fd, sector, sizeof(sector)), (ssize_t)sizeof(sector));
		}
		close(fd);
		p.drive_file = r->path;
	}
	char err[160] = "";
	r->n = nvme_hw_new(&r->sys, &r->fn, &p, err, sizeof(err));
	cr_assert_not_null(r->n, "%s", err);
	nvme_hw_bar0(r->n, &r->bar);
	r->aphase = r->iophase = true;
}

static void rig_fini(struct rig *r)
{
	nvme_hw_free(r->n);
	hw_msix_free(r->fn.msix);
	guest_mem_free(r->sys.mem);
	if (r->path[0])
		unlink(r->path);
}

static void enable(struct rig *r)
{
	writel(&r->bar, NVME_REG_AQA, 31 | 31 << 16);
	writeq(&r->bar, NVME_REG_ASQ, ASQ);
	writeq(&r->bar, NVME_REG_ACQ, ACQ);
	writel(&r->bar, NVME_REG_CC, 6 << 16 | 4 << 20 | NVME_CC_EN);
	cr_assert_eq(readl(&r->bar, NVME_REG_CSTS), NVME_CSTS_RDY);
}

/* submit on the admin queue; the CQE's status (phase stripped), or -1 when none was posted */
static int admin(struct rig *r, u8 *sqe, u16 cid, u32 *result)
{
	put_le(sqe + 2, cid, 2);
	guest_mem_write(r->sys.mem, ASQ + r->asq_tail * 64ull, sqe, 64);
	r->asq_tail = (r->asq_tail + 1) % 32;
	writel(&r->bar, NVME_REG_DBS, r->asq_tail);
	u8 cqe[16];
	guest_mem_read(r->sys.mem, ACQ + r->acq_head * 16ull, cqe, 16);
	u16 st = (u16)get_le(cqe + 14, 2);
	if ((st & 1) != r->aphase)
		return -1;
	cr_assert_eq(get_le(cqe + 12, 2), cid);
	cr_assert_eq(get_le(cqe + 10, 2), 0u);
	if (result)
		*result = (u32)get_le(cqe, 4);
	if (++r->acq_head == 32) {
		r->acq_head = 0;
		r->aphase = !r->aphase;
	}
	writel(&r->bar, NVME_REG_DBS + 4, r->acq_head);
	return st >> 1;
}

static void sqe_init(u8 *sqe, u8 opc, u32 nsid)
{
	memset(sqe, 0, 64);
	sqe[0] = opc;
	put_le(sqe + 4, nsid, 4);
}

Test(nvme_dev, registers_at_reset_and_the_enable_handshake)
{
	struct rig r;
	rig_init(&r, false);
	u64 cap = readq(&r.bar, NVME_REG_CAP);
	cr_assert_eq(NVME_CAP_MQES(cap), 0x7ffu);
	cr_assert_eq(NVME_CAP_CQR(cap), 1u);
	cr_assert_eq(NVME_CAP_TO(cap), 0xfu);
	cr_assert_eq(NVME_CAP_DSTRD(cap), 0u);
	cr_assert_eq(NVME_CAP_CSS(cap), 0xc1u);
	cr_assert_eq(NVME_CAP_MPSMIN(cap), 0u);
	cr_assert_eq(NVME_CAP_MPSMAX(cap), 4u);
	cr_assert_eq(readl(&r.bar, NVME_REG_VS), 0x00010400u);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS), 0u);
	/* enabling without admin queues: controller fatal status */
	writel(&r.bar, NVME_REG_CC, NVME_CC_EN);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS) & NVME_CSTS_CFS, NVME_CSTS_CFS);
	writel(&r.bar, NVME_REG_CC, 0);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS), 0u);
	/* a memory page size beyond MPSMAX is refused too */
	writel(&r.bar, NVME_REG_AQA, 31 | 31 << 16);
	writeq(&r.bar, NVME_REG_ASQ, ASQ);
	writeq(&r.bar, NVME_REG_ACQ, ACQ);
	cr_assert_eq(readq(&r.bar, NVME_REG_ASQ), ASQ);
	writel(&r.bar, NVME_REG_CC, 5 << 7 | NVME_CC_EN);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS) & NVME_CSTS_RDY, 0u);
	writel(&r.bar, NVME_REG_CC, 0);
	enable(&r);
	/* disable: not ready, the admin queues gone */
	writel(&r.bar, NVME_REG_CC, 0);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS), 0u);
	cr_assert(!r.n->sq[0].valid && !r.n->cq[0].valid);
	/* shutdown notification completes at once */
	enable(&r);
	writel(&r.bar, NVME_REG_CC, readl(&r.bar, NVME_REG_CC) | 1u << 14);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS) & NVME_CSTS_SHST_CMPLT, NVME_CSTS_SHST_CMPLT);
	rig_fini(&r);
}

Test(nvme_dev, bar0_is_sized_as_qemu_does)
{
	struct nvme_hw_props p = { .serial = "x", .max_ioqpairs = 64, .msix_qsize = 65, .logical_block_size = 512 };
	cr_assert_eq(nvme_hw_bar0_size(&p), 0x4000u);
	p.max_ioqpairs = 1024;
	p.msix_qsize = 1025;
	cr_assert_eq(nvme_hw_bar0_size(&p), 0x10000u);
}

Test(nvme_dev, properties_refused_with_qemu_messages)
{
	char err[160];
	struct nvme_hw_props p = { .max_ioqpairs = 64, .msix_qsize = 65, .logical_block_size = 512 };
	cr_assert_eq(nvme_hw_check_props(&p, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "serial property not set");
	p.serial = "x";
	p.max_ioqpairs = 0;
	cr_assert_eq(nvme_hw_check_props(&p, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "max_ioqpairs must be between 1 and 65535");
	p.max_ioqpairs = 4;
	p.msix_qsize = 0;
	cr_assert_eq(nvme_hw_check_props(&p, err, sizeof(err)), -EINVAL);
	cr_assert_str_eq(err, "msix_qsize must be between 1 and 2048");
	p.msix_qsize = 5;
	cr_assert_eq(nvme_hw_check_props(&p, err, sizeof(err)), 0);
	struct hw_system sys = { 0 };
	p.drive_file = "/nonexistent/iommusim-nvme.img";
	cr_assert_null(nvme_hw_new(&sys, NULL, &p, err, sizeof(err)));
	cr_assert_str_eq(err, "Could not open '/nonexistent/iommusim-nvme.img': No such file or directory");
}

Test(nvme_dev, identify_controller_namespace_and_lists)
{
	struct rig r;
	rig_init(&r, true);
	enable(&r);
	u8 sqe[64], buf[4096];
	sqe_init(sqe, NVME_ADM_IDENTIFY, 0);
	sqe[40] = NVME_ID_CNS_CTRL;
	put_le(sqe + 24, DATA, 8);
	cr_assert_eq(admin(&r, sqe, 7, NULL), 0);
	guest_mem_read(r.sys.mem, DATA, buf, sizeof(buf));
	cr_assert_eq(get_le(buf, 2), 0x1b36u);
	cr_assert_eq(get_le(buf + 2, 2), 0x1af4u);
	cr_assert(!memcmp(buf + 4, "deadbeef            ", 20));
	cr_assert(!memcmp(buf + 24, "QEMU NVMe Ctrl ", 15));
	cr_assert_eq(buf[77], 7);			/* mdts */
	cr_assert_eq(get_le(buf + 80, 4), 0x10400u);
	cr_assert_eq(buf[512], 0x66);
	cr_assert_eq(buf[513], 0x44);
	cr_assert_eq(get_le(buf + 516, 4), 256u);
	cr_assert_str_eq((char *)buf + 768, "nqn.2019-08.org.qemu:deadbeef");
	/* the active namespace list from nsid 0: just 1 */
	sqe_init(sqe, NVME_ADM_IDENTIFY, 0);
	sqe[40] = NVME_ID_CNS_NS_ACTIVE_LIST;
	put_le(sqe + 24, DATA, 8);
	cr_assert_eq(admin(&r, sqe, 8, NULL), 0);
	guest_mem_read(r.sys.mem, DATA, buf, 8);
	cr_assert_eq(get_le(buf, 4), 1u);
	cr_assert_eq(get_le(buf + 4, 4), 0u);
	/* namespace 1: 2048 blocks of 512 bytes */
	sqe_init(sqe, NVME_ADM_IDENTIFY, 1);
	sqe[40] = NVME_ID_CNS_NS;
	put_le(sqe + 24, DATA, 8);
	cr_assert_eq(admin(&r, sqe, 9, NULL), 0);
	guest_mem_read(r.sys.mem, DATA, buf, sizeof(buf));
	cr_assert_eq(get_le(buf, 8), 2048u);
	cr_assert_eq(buf[26] & 0xf, 0);
	cr_assert_eq(buf[128 + 2], 9);
	/* descriptors: UUID, EUI-64, CSI */
	sqe_init(sqe, NVME_ADM_IDENTIFY, 1);
	sqe[40] = NVME_ID_CNS_NS_DESC_LIST;
	put_le(sqe + 24, DATA, 8);
	cr_assert_eq(admin(&r, sqe, 10, NULL), 0);
	guest_mem_read(r.sys.mem, DATA, buf, 64);
	cr_assert_eq(buf[0], 3);
	cr_assert_eq(buf[1], 16);
	cr_assert_eq(buf[20], 1);
	cr_assert_eq(buf[32], 4);
	/* nsid 0 for Identify Namespace, an unknown CNS */
	sqe_init(sqe, NVME_ADM_IDENTIFY, 0);
	sqe[40] = NVME_ID_CNS_NS;
	cr_assert_eq(admin(&r, sqe, 11, NULL), NVME_SC_INVALID_NS | NVME_SC_DNR);
	sqe_init(sqe, NVME_ADM_IDENTIFY, 0);
	sqe[40] = 0x1f;
	cr_assert_eq(admin(&r, sqe, 12, NULL), NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	/* an unknown opcode */
	sqe_init(sqe, 0x7f, 0);
	cr_assert_eq(admin(&r, sqe, 13, NULL), NVME_SC_INVALID_OPCODE | NVME_SC_DNR);
	rig_fini(&r);
}

Test(nvme_dev, queue_count_and_queue_creation_checks)
{
	struct rig r;
	rig_init(&r, false);
	enable(&r);
	u8 sqe[64];
	u32 result = 0;
	sqe_init(sqe, NVME_ADM_SET_FEATURES, 0);
	put_le(sqe + 40, NVME_FEAT_NUM_QUEUES, 4);
	put_le(sqe + 44, 1 | 1 << 16, 4);
	cr_assert_eq(admin(&r, sqe, 1, &result), 0);
	cr_assert_eq(result, 63u | 63u << 16);
	put_le(sqe + 44, 0xffff, 4);
	cr_assert_eq(admin(&r, sqe, 2, NULL), NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	/* CQ 0, a CQ beyond max_ioqpairs, a size beyond MQES, an unaligned base, no PC */
	struct { u32 dw10, dw11; u64 prp; u16 st; } bad[] = {
		{ 0 | 15u << 16, 3, IOCQ, NVME_SC_QID_INVALID },
		{ 65 | 15u << 16, 3, IOCQ, NVME_SC_QID_INVALID },
		{ 1 | 0x800u << 16, 3, IOCQ, NVME_SC_QUEUE_SIZE },
		{ 1 | 15u << 16, 3, IOCQ + 8, NVME_SC_PRP_INVALID_OFFSET },
		{ 1 | 15u << 16, 2, IOCQ, NVME_SC_INVALID_FIELD },
		{ 1 | 15u << 16, 3 | 65u << 16, IOCQ, NVME_SC_INVALID_VECTOR },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		sqe_init(sqe, NVME_ADM_CREATE_CQ, 0);
		put_le(sqe + 24, bad[i].prp, 8);
		put_le(sqe + 40, bad[i].dw10, 4);
		put_le(sqe + 44, bad[i].dw11, 4);
		cr_assert_eq(admin(&r, sqe, (u16)(10 + i), NULL), bad[i].st | NVME_SC_DNR, "case %zu", i);
	}
	/* an SQ on a CQ that does not exist */
	sqe_init(sqe, NVME_ADM_CREATE_SQ, 0);
	put_le(sqe + 24, IOSQ, 8);
	put_le(sqe + 40, 1 | 15u << 16, 4);
	put_le(sqe + 44, 1 | 1u << 16, 4);
	cr_assert_eq(admin(&r, sqe, 20, NULL), NVME_SC_CQ_INVALID | NVME_SC_DNR);
	/* the queue count is fixed once a queue exists */
	sqe_init(sqe, NVME_ADM_CREATE_CQ, 0);
	put_le(sqe + 24, IOCQ, 8);
	put_le(sqe + 40, 1 | 15u << 16, 4);
	put_le(sqe + 44, 1, 4);		/* no interrupts: MSI-X is off, vector 0 */
	cr_assert_eq(admin(&r, sqe, 21, NULL), 0);
	sqe_init(sqe, NVME_ADM_SET_FEATURES, 0);
	put_le(sqe + 40, NVME_FEAT_NUM_QUEUES, 4);
	cr_assert_eq(admin(&r, sqe, 22, NULL), NVME_SC_CMD_SEQ_ERROR | NVME_SC_DNR);
	/* a CQ with an SQ on it cannot go */
	sqe_init(sqe, NVME_ADM_CREATE_SQ, 0);
	put_le(sqe + 24, IOSQ, 8);
	put_le(sqe + 40, 1 | 15u << 16, 4);
	put_le(sqe + 44, 1 | 1u << 16, 4);
	cr_assert_eq(admin(&r, sqe, 23, NULL), 0);
	sqe_init(sqe, NVME_ADM_DELETE_CQ, 0);
	put_le(sqe + 40, 1, 2);
	cr_assert_eq(admin(&r, sqe, 24, NULL), NVME_SC_INVALID_QUEUE_DEL | NVME_SC_DNR);
	sqe_init(sqe, NVME_ADM_DELETE_SQ, 0);
	put_le(sqe + 40, 1, 2);
	cr_assert_eq(admin(&r, sqe, 25, NULL), 0);
	sqe_init(sqe, NVME_ADM_DELETE_CQ, 0);
	put_le(sqe + 40, 1, 2);
	cr_assert_eq(admin(&r, sqe, 26, NULL), 0);
	rig_fini(&r);
}

/* one I/O queue pair, 16 deep, interrupting on vector 1 */
static void io_queues(struct rig *r)
{
	u8 sqe[64];
	sqe_init(sqe, NVME_ADM_CREATE_CQ, 0);
	put_le(sqe + 24, IOCQ, 8);
	put_le(sqe + 40, 1 | 15u << 16, 4);
	put_le(sqe + 44, 3 | 1u << 16, 4);
	cr_assert_eq(admin(r, sqe, 100, NULL), 0);
	sqe_init(sqe, NVME_ADM_CREATE_SQ, 0);
	put_le(sqe + 24, IOSQ, 8);
	put_le(sqe + 40, 1 | 15u << 16, 4);
	put_le(sqe + 44, 1 | 1u << 16, 4);
	cr_assert_eq(admin(r, sqe, 101, NULL), 0);
}

static int io(struct rig *r, u8 *sqe, u16 cid)
{
	put_le(sqe + 2, cid, 2);
	guest_mem_write(r->sys.mem, IOSQ + r->iosq_tail * 64ull, sqe, 64);
	r->iosq_tail = (r->iosq_tail + 1) % 16;
	writel(&r->bar, NVME_REG_DBS + 8, r->iosq_tail);
	u8 cqe[16];
	guest_mem_read(r->sys.mem, IOCQ + r->iocq_head * 16ull, cqe, 16);
	u16 st = (u16)get_le(cqe + 14, 2);
	if ((st & 1) != r->iophase)
		return -1;
	cr_assert_eq(get_le(cqe + 12, 2), cid);
	cr_assert_eq(get_le(cqe + 10, 2), 1u);
	if (++r->iocq_head == 16) {
		r->iocq_head = 0;
		r->iophase = !r->iophase;
	}
	writel(&r->bar, NVME_REG_DBS + 12, r->iocq_head);
	return st >> 1;
}

Test(nvme_dev, reads_and_writes_with_prps_and_msix)
{
	struct rig r;
	rig_init(&r, true);
	/* MSI-X on, vector 1 unmasked and aimed at RAM */
	hw_msix_control_write(r.fn.msix, PCI_MSIX_FLAGS_ENABLE);
	struct hw_mmio t;
	hw_msix_mmio(r.fn.msix, &t);
	t.write(t.opaque, 16 + PCI_MSIX_ENTRY_LOWER_ADDR, (u32)MSI_ADDR, 4);
	t.write(t.opaque, 16 + PCI_MSIX_ENTRY_UPPER_ADDR, (u32)(MSI_ADDR >> 32), 4);
	t.write(t.opaque, 16 + PCI_MSIX_ENTRY_DATA, 0x1234, 4);
	t.write(t.opaque, 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
	enable(&r);
	io_queues(&r);
	/* 8 KiB + 512 (17 blocks) from LBA 3: PRP1, then a PRP list of two pages */
	u8 sqe[64];
	sqe_init(sqe, NVME_CMD_READ, 1);
	put_le(sqe + 24, DATA + 0x200, 8);
	put_le(sqe + 32, PRPLIST, 8);
	guest_mem_write64(r.sys.mem, PRPLIST, DATA + 0x1000);
	guest_mem_write64(r.sys.mem, PRPLIST + 8, DATA + 0x2000);
	put_le(sqe + 40, 3, 8);
	put_le(sqe + 48, 16, 2);
	guest_mem_fill(r.sys.mem, DATA, 0xee, 0x3000);
	cr_assert_eq(io(&r, sqe, 5), 0);
	u8 buf[0x3000];
	guest_mem_read(r.sys.mem, DATA, buf, sizeof(buf));
	cr_assert_eq(buf[0x1ff], 0xee);
	for (int b = 0; b < 17; b++)
		cr_assert_eq(buf[0x200 + b * 512], (u8)(3 + b), "block %d", b);
	cr_assert_eq(buf[0x200 + 17 * 512], 0xee);
	/* the completion interrupted: vector 1's message landed */
	u8 msg[4];
	guest_mem_read(r.sys.mem, MSI_ADDR, msg, 4);
	cr_assert_eq(get_le(msg, 4), 0x1234u);
	cr_assert_eq(r.n->stats.reads, 1u);
	/* a write of 1 block at LBA 100, read back through the file */
	guest_mem_fill(r.sys.mem, DATA, 0x5a, 512);
	sqe_init(sqe, NVME_CMD_WRITE, 1);
	put_le(sqe + 24, DATA, 8);
	put_le(sqe + 40, 100, 8);
	cr_assert_eq(io(&r, sqe, 6), 0);
	FILE *f = fopen(r.path, "rb");
	cr_assert_not_null(f);
	fseek(f, 100 * 512, SEEK_SET);
	u8 sect[512];
	cr_assert_eq(fread(sect, 1, sizeof(sect), f), sizeof(sect));
	fclose(f);
	cr_assert_eq(sect[0], 0x5a);
	cr_assert_eq(sect[511], 0x5a);
	/* beyond the namespace; beyond MDTS; an unaligned PRP2; a namespace that does not exist */
	sqe_init(sqe, NVME_CMD_READ, 1);
	put_le(sqe + 24, DATA, 8);
	put_le(sqe + 40, 2047, 8);
	put_le(sqe + 48, 1, 2);
	cr_assert_eq(io(&r, sqe, 7), NVME_SC_LBA_RANGE | NVME_SC_DNR);
	sqe_init(sqe, NVME_CMD_READ, 1);
	put_le(sqe + 24, DATA, 8);
	put_le(sqe + 48, 1024, 2);	/* 1025 blocks: more than 128 pages */
	cr_assert_eq(io(&r, sqe, 8), NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	sqe_init(sqe, NVME_CMD_READ, 1);
	put_le(sqe + 24, DATA, 8);
	put_le(sqe + 32, DATA + 0x1008, 8);
	put_le(sqe + 48, 15, 2);	/* 8 KiB: PRP2 is the second page and must be aligned */
	cr_assert_eq(io(&r, sqe, 9), NVME_SC_PRP_INVALID_OFFSET | NVME_SC_DNR);
	sqe_init(sqe, NVME_CMD_READ, 2);
	cr_assert_eq(io(&r, sqe, 10), NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	sqe_init(sqe, NVME_CMD_READ, 0);
	cr_assert_eq(io(&r, sqe, 11), NVME_SC_INVALID_NS | NVME_SC_DNR);
	/* a PRP list the device cannot read */
	sqe_init(sqe, NVME_CMD_READ, 1);
	put_le(sqe + 24, DATA, 8);
	put_le(sqe + 32, 0x1000, 8);
	put_le(sqe + 48, 23, 2);	/* 12 KiB */
	cr_assert_eq(io(&r, sqe, 12), NVME_SC_DATA_XFER_ERROR);
	rig_fini(&r);
}

Test(nvme_dev, faulting_queue_dma_is_a_controller_fatal_status)
{
	struct rig r;
	rig_init(&r, false);
	/* the admin SQ where nothing is: the first entry cannot be fetched */
	writel(&r.bar, NVME_REG_AQA, 31 | 31 << 16);
	writeq(&r.bar, NVME_REG_ASQ, 0x1000);
	writeq(&r.bar, NVME_REG_ACQ, ACQ);
	writel(&r.bar, NVME_REG_CC, NVME_CC_EN);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS), NVME_CSTS_RDY);
	u8 sqe[64];
	sqe_init(sqe, NVME_ADM_IDENTIFY, 0);
	sqe[40] = NVME_ID_CNS_CTRL;
	writel(&r.bar, NVME_REG_DBS, 1);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS), NVME_CSTS_RDY | NVME_CSTS_CFS);
	cr_assert_eq(r.n->stats.cqes, 0u);
	cr_assert_eq(r.n->stats.dma_faults, 1u);
	/* nothing more happens until the controller is reset */
	writel(&r.bar, NVME_REG_DBS, 2);
	cr_assert_eq(r.n->stats.dma_faults, 1u);
	writel(&r.bar, NVME_REG_CC, 0);
	cr_assert_eq(readl(&r.bar, NVME_REG_CSTS), 0u);
	/* a data buffer that faults: the admin command completes with Invalid Field */
	enable(&r);
	sqe_init(sqe, NVME_ADM_IDENTIFY, 0);
	sqe[40] = NVME_ID_CNS_CTRL;
	put_le(sqe + 24, 0x2000, 8);
	cr_assert_eq(admin(&r, sqe, 3, NULL), NVME_SC_INVALID_FIELD | NVME_SC_DNR);
	/* a doorbell for a queue that does not exist changes nothing */
	writel(&r.bar, NVME_REG_DBS + 8 * 5, 1);
	cr_assert_str_eq(r.n->error, "submission queue doorbell write for nonexistent queue");
	writel(&r.bar, NVME_REG_DBS, 40);
	cr_assert_str_eq(r.n->error, "submission queue doorbell write value beyond queue size");
	rig_fini(&r);
}

Test(nvme_dev, async_event_requests_are_held_up_to_aerl)
{
	struct rig r;
	rig_init(&r, false);
	enable(&r);
	u8 sqe[64];
	/* aerl 3: four requests held (no completion), the fifth refused */
	for (u16 i = 0; i < 4; i++) {
		sqe_init(sqe, NVME_ADM_ASYNC_EV_REQ, 0);
		cr_assert_eq(admin(&r, sqe, (u16)(20 + i), NULL), -1, "AER %u", i);
	}
	cr_assert_eq(r.n->outstanding_aers, 4u);
	sqe_init(sqe, NVME_ADM_ASYNC_EV_REQ, 0);
	cr_assert_eq(admin(&r, sqe, 30, NULL), NVME_SC_ASYNC_LIMIT | NVME_SC_DNR);
	/* a controller reset drops them */
	writel(&r.bar, NVME_REG_CC, 0);
	cr_assert_eq(r.n->outstanding_aers, 0u);
	rig_fini(&r);
}

Test(nvme_dev, pin_interrupts_follow_intms)
{
	struct rig r;
	rig_init(&r, false);
	enable(&r);
	/* MSI-X off: the admin CQ asserts vector 0 on the pin */
	u8 sqe[64];
	sqe_init(sqe, NVME_ADM_GET_FEATURES, 0);
	put_le(sqe + 40, NVME_FEAT_NUM_QUEUES, 4);
	u32 result = 0;
	cr_assert_eq(admin(&r, sqe, 1, &result), 0);
	cr_assert_eq(result, 63u | 63u << 16);
	cr_assert_eq(r.n->stats.irqs, 1u);
	/* the head doorbell caught up: deasserted */
	cr_assert_eq(r.n->irq_status, 0u);
	/* INTMS masks, INTMC unmasks; both read back the mask */
	writel(&r.bar, NVME_REG_INTMS, 1);
	cr_assert_eq(readl(&r.bar, NVME_REG_INTMS), 1u);
	cr_assert_eq(readl(&r.bar, NVME_REG_INTMC), 1u);
	writel(&r.bar, NVME_REG_INTMC, 1);
	cr_assert_eq(readl(&r.bar, NVME_REG_INTMS), 0u);
	/* Abort: QEMU aborts nothing (DW0 bit 0 set) */
	sqe_init(sqe, NVME_ADM_ABORT, 0);
	cr_assert_eq(admin(&r, sqe, 2, &result), 0);
	cr_assert_eq(result, 1u);
	rig_fini(&r);
}
