/*
 * QEMU 7.2's "nvme" device (hw/nvme/ctrl.c, ns.c), as far as Linux 6.1's
 * nvme driver uses it: one NVMe 1.4 controller with one namespace (nsid 1)
 * over its -drive. BAR0 holds the controller registers, the doorbells
 * (DSTRD 0: four bytes apart from 0x1000) and, in the same BAR as QEMU lays
 * it out, the MSI-X table and PBA.
 *
 * Everything the controller reads or writes in guest memory is its own DMA
 * as the PCI function (hw_pci_dma: the requester ID the hardware computes,
 * through the SMMU): submission queue entries, PRP lists, data, completion
 * entries, and the MSI-X messages. As in QEMU, a submission or completion
 * queue access that faults sets CSTS.CFS (controller fatal status) and the
 * controller stops processing; a data transfer of an admin command that
 * faults completes it with Invalid Field; a PRP list that cannot be read is
 * a Data Transfer Error; a read or write whose data cannot be mapped never
 * completes (dma_blk_io waits for a map client that never comes).
 *
 * Not modelled: the shadow doorbells (Doorbell Buffer Config: QEMU 7.2
 * offers OACS bit 8; this model does not, so Linux rings the MMIO doorbells
 * only), the CMB and PMR, SR-IOV, zoned namespaces, metadata and
 * protection information, SGLs, namespace management and attachment,
 * Format, Dataset Management, Compare, Copy, Write Zeroes (Invalid Opcode).
 */
#ifndef IOMMUSIM_HW_NVME_DEV_H
#define IOMMUSIM_HW_NVME_DEV_H

#include "hw/blk_backend.h"
#include "hw/system.h"
#include "machine/hw_pci.h"

/* PCI identity (include/hw/pci/pci_ids.h) */
#define NVME_PCI_VENDOR 0x1b36		/* PCI_VENDOR_ID_REDHAT */
#define NVME_PCI_DEVICE 0x0010		/* PCI_DEVICE_ID_REDHAT_NVME */
#define NVME_PCI_CLASS 0x010802		/* mass storage, NVM, NVMe I/O controller */
#define NVME_PCI_REVISION 0x02

/* controller registers (BAR0) */
#define NVME_REG_CAP 0x00
#define NVME_REG_VS 0x08
#define NVME_REG_INTMS 0x0c
#define NVME_REG_INTMC 0x10
#define NVME_REG_CC 0x14
#define NVME_REG_CSTS 0x1c
#define NVME_REG_NSSR 0x20
#define NVME_REG_AQA 0x24
#define NVME_REG_ASQ 0x28
#define NVME_REG_ACQ 0x30
#define NVME_REG_DBS 0x1000

#define NVME_CAP_MQES(cap) ((cap) & 0xffff)
#define NVME_CAP_CQR(cap) (((cap) >> 16) & 0x1)
#define NVME_CAP_TO(cap) (((cap) >> 24) & 0xff)
#define NVME_CAP_DSTRD(cap) (((cap) >> 32) & 0xf)
#define NVME_CAP_CSS(cap) (((cap) >> 37) & 0xff)
#define NVME_CAP_MPSMIN(cap) (((cap) >> 48) & 0xf)
#define NVME_CAP_MPSMAX(cap) (((cap) >> 52) & 0xf)

#define NVME_CC_EN 0x1
#define NVME_CC_CSS(cc) (((cc) >> 4) & 0x7)
#define NVME_CC_MPS(cc) (((cc) >> 7) & 0xf)
#define NVME_CC_SHN(cc) (((cc) >> 14) & 0x3)
#define NVME_CC_IOSQES(cc) (((cc) >> 16) & 0xf)
#define NVME_CC_IOCQES(cc) (((cc) >> 20) & 0xf)

#define NVME_CSTS_RDY 0x1
#define NVME_CSTS_CFS 0x2
#define NVME_CSTS_SHST_CMPLT 0x8

#define NVME_SPEC_VER 0x00010400	/* 1.4 */

/* admin opcodes */
#define NVME_ADM_DELETE_SQ 0x00
#define NVME_ADM_CREATE_SQ 0x01
#define NVME_ADM_GET_LOG_PAGE 0x02
#define NVME_ADM_DELETE_CQ 0x04
#define NVME_ADM_CREATE_CQ 0x05
#define NVME_ADM_IDENTIFY 0x06
#define NVME_ADM_ABORT 0x08
#define NVME_ADM_SET_FEATURES 0x09
#define NVME_ADM_GET_FEATURES 0x0a
#define NVME_ADM_ASYNC_EV_REQ 0x0c
/* NVM opcodes */
#define NVME_CMD_FLUSH 0x00
#define NVME_CMD_WRITE 0x01
#define NVME_CMD_READ 0x02

/* Identify CNS values */
#define NVME_ID_CNS_NS 0x00
#define NVME_ID_CNS_CTRL 0x01
#define NVME_ID_CNS_NS_ACTIVE_LIST 0x02
#define NVME_ID_CNS_NS_DESC_LIST 0x03
#define NVME_ID_CNS_CS_CTRL 0x06

/* features */
#define NVME_FEAT_VOLATILE_WC 0x06
#define NVME_FEAT_NUM_QUEUES 0x07
#define NVME_FEAT_ASYNC_EVENT 0x0b
#define NVME_FEAT_TIMESTAMP 0x0e

/* log pages */
#define NVME_LOG_ERROR 0x01
#define NVME_LOG_SMART 0x02
#define NVME_LOG_FW_SLOT 0x03
#define NVME_LOG_CMD_EFFECTS 0x05

/* status field values (SCT << 8 | SC), and Do Not Retry */
#define NVME_SC_SUCCESS 0x0000
#define NVME_SC_INVALID_OPCODE 0x0001
#define NVME_SC_INVALID_FIELD 0x0002
#define NVME_SC_DATA_XFER_ERROR 0x0004
#define NVME_SC_INVALID_NS 0x000b
#define NVME_SC_CMD_SEQ_ERROR 0x000c
#define NVME_SC_PRP_INVALID_OFFSET 0x0013
#define NVME_SC_LBA_RANGE 0x0080
#define NVME_SC_CQ_INVALID 0x0100
#define NVME_SC_QID_INVALID 0x0101
#define NVME_SC_QUEUE_SIZE 0x0102
#define NVME_SC_ASYNC_LIMIT 0x0105
#define NVME_SC_INVALID_VECTOR 0x0108
#define NVME_SC_INVALID_QUEUE_DEL 0x010c
#define NVME_SC_WRITE_FAULT 0x0280
#define NVME_SC_READ_ERROR 0x0281
#define NVME_SC_DNR 0x4000

#define NVME_SQE_SIZE 64
#define NVME_CQE_SIZE 16
#define NVME_IDENTIFY_DATA_SIZE 4096
#define NVME_MAX_NAMESPACES 256
#define NVME_NSID_BROADCAST 0xffffffffu

/* The device's properties (QEMU's nvme_props) that change what it does. */
struct nvme_hw_props {
	const char *serial;		/* required: "serial property not set" */
	u32 max_ioqpairs;		/* 64 */
	u16 msix_qsize;			/* 65: the MSI-X table size */
	u8 mdts;			/* 7: 2^7 pages a transfer */
	u8 aerl;			/* 3: Async Event Request Limit - 1 */
	u32 logical_block_size;		/* 512 (the drive's blkconf) */
	const char *drive_file;		/* NULL: no drive (no namespace) */
	bool drive_readonly, drive_snapshot;
};

struct nvme_hw_sq {
	bool valid;
	u64 dma_addr;
	u32 size;
	u32 head, tail;
	u16 cqid;
};

struct nvme_hw_cq {
	bool valid;
	u64 dma_addr;
	u32 size;
	u32 head, tail;
	bool phase;
	bool irq_enabled;
	u16 vector;
	/* completions waiting for room (the CQ was full): their CQEs, in order */
	u8 (*pending)[NVME_CQE_SIZE];
	size_t npending;
};

struct nvme_hw_stats {
	u64 admin_cmds, io_cmds;
	u64 reads, writes;		/* I/O commands that moved data */
	u64 cqes;			/* completion entries posted */
	u64 dma_faults;			/* device DMA that faulted (queues, PRP lists, data) */
	u64 stuck;			/* I/O commands never completed: their data could not be mapped */
	u64 irqs;			/* interrupts asserted (MSI-X messages or the pin) */
	u64 msi_faulted;		/* ... MSI-X messages the SMMU aborted */
};

struct nvme_ctrl_hw {
	struct hw_system *sys;		/* the machine it was realized in */
	struct hw_pci_fn *fn;		/* the function it masters DMA as */
	struct nvme_hw_props props;
	struct blk_backend be;
	bool has_ns;			/* a drive: namespace 1 */
	/* registers */
	u64 cap;
	u32 vs, intms, cc, csts, aqa;
	u64 asq, acq;
	/* set at enable from CC */
	u32 page_size;
	unsigned nqueues;		/* max_ioqpairs + 1 */
	struct nvme_hw_sq *sq;
	struct nvme_hw_cq *cq;
	bool qs_created;
	u32 irq_status;			/* pin-based: the CQ vectors asserted */
	/* features */
	u32 async_config;
	u64 timestamp;
	bool vwc;
	/* Async Event Requests held: their command ids */
	u16 aer_cids[8];
	unsigned outstanding_aers;
	u8 id_ctrl[NVME_IDENTIFY_DATA_SIZE];
	u8 id_ns[NVME_IDENTIFY_DATA_SIZE];
	struct nvme_hw_stats stats;
	char error[160];		/* the last guest error, as QEMU's trace would name it */
};

/* A copy of p with its own strings (the board keeps it in hw_pci_fn.nvme); NULL: -ENOMEM. */
struct nvme_hw_props *nvme_hw_props_dup(const struct nvme_hw_props *p);
void nvme_hw_props_free(struct nvme_hw_props *p);

/*
 * QEMU's nvme_check_params() and realize: 0, or -EINVAL with QEMU's message
 * in err ("serial property not set", "max_ioqpairs cannot be 0", ...).
 * Checks the properties only.
 */
int nvme_hw_check_props(const struct nvme_hw_props *p, char *err, size_t errlen);
/*
 * Realize the controller for fn in sys (the board does, before the kernel
 * runs): its registers at reset, its namespace over the drive. fn's MSI-X
 * table must have msix_qsize entries. NULL with err set when the properties
 * are refused or the drive cannot be opened.
 */
struct nvme_ctrl_hw *nvme_hw_new(struct hw_system *sys, struct hw_pci_fn *fn, const struct nvme_hw_props *p,
				 char *err, size_t errlen);
void nvme_hw_free(struct nvme_ctrl_hw *n);
/*
 * nvme_pci_reset() (an FLR or a bus reset of the function): every queue
 * gone, CC, CSTS and the interrupt masks 0; AQA, ASQ and ACQ kept.
 */
void nvme_hw_function_reset(struct nvme_ctrl_hw *n);

/* The controller the board realized for fn in sys, or NULL. */
struct nvme_ctrl_hw *hw_nvme_device(const struct hw_system *sys, const struct hw_pci_fn *fn);

/* BAR0's size as QEMU computes it (registers, doorbells, MSI-X table and PBA, power of 2). */
u64 nvme_hw_bar0_size(const struct nvme_hw_props *p);
/* BAR0 as the driver sees it after ioremap(). */
void nvme_hw_bar0(struct nvme_ctrl_hw *n, struct hw_mmio *out);
u64 nvme_hw_mmio_read(struct nvme_ctrl_hw *n, u64 offset, unsigned size);
void nvme_hw_mmio_write(struct nvme_ctrl_hw *n, u64 offset, u64 val, unsigned size);

#endif
