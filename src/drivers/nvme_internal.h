/*
 * What the nvme driver's two halves share (drivers/nvme/host/pci.c, the
 * transport: queues, doorbells, interrupts, the reset work, PRPs, timeouts;
 * core.c: identify, the queue count, the namespace scan and the disks):
 * the controller's state and the admin command path.
 */
#ifndef IOMMUSIM_DRIVERS_NVME_INTERNAL_H
#define IOMMUSIM_DRIVERS_NVME_INTERNAL_H

#include "drivers/nvme.h"
#include "dma/mapping.h"
#include "hw/nvme_dev.h"
#include "base/le_bytes.h"

#define NVME_AQ_DEPTH 32
#define NVME_CTRL_PAGE_SIZE 4096u
#define NVME_CTRL_PAGE_SHIFT 12
#define NVME_MAX_SEGS 127
#define NVME_MAX_KB_SZ 4096
#define NVME_IO_QUEUE_DEPTH 1024	/* the io_queue_depth parameter */
#define NVME_QUIRK_BOGUS_NID (1u << 18)
#define NVME_CTRL_CMIC_MULTI_CTRL (1u << 1)
#define NVME_SC_HOST_ABORTED_CMD 0x371
#define BLKEXT_MAJOR 259

enum nvme_ctrl_state {
	NVME_CTRL_NEW,
	NVME_CTRL_LIVE,
	NVME_CTRL_RESETTING,
	NVME_CTRL_CONNECTING,
	NVME_CTRL_DELETING,
	NVME_CTRL_DEAD,
};

/* a blk-mq request slot of a queue: the command the driver waits for */
struct nvme_req {
	bool busy, done, cancelled;
	u16 status;
	u32 result;
	u16 genctr;
};

struct nvme_queue {
	struct nvme_dev *dev;
	unsigned qid;
	u32 q_depth;
	u64 sq_pa, sq_dma, cq_pa, cq_dma;
	u32 sq_tail, cq_head;
	bool cq_phase;
	u16 cq_vector;
	bool irq_requested;
	bool created;			/* the controller has it (I/O queues: Create CQ/SQ succeeded) */
	char irqname[24];
	struct nvme_req *reqs;		/* q_depth slots; the tag is the index */
};

struct nvme_dev {
	struct pci_dev *pdev;
	struct kernel *k;
	int instance;
	char name[16];			/* nvme0: the controller's class device */
	u32 quirks;
	struct hw_mmio bar;
	enum nvme_ctrl_state state;
	u64 cap;
	u32 vs;
	u32 db_stride;
	u32 q_depth;
	unsigned nr_allocated_queues;	/* 1 + the I/O queues the CPUs could use */
	unsigned num_vecs;
	unsigned io_queues;		/* HCTX_TYPE_DEFAULT's */
	unsigned online_queues;
	struct nvme_queue queues[1 + 512];
	/* from Identify Controller */
	u16 oncs, oacs;
	u8 vwc, lpa, mdts;
	u8 cmic;			/* Identify Controller CMIC: bit 1, several controllers possible */
	u32 nn;
	u32 max_hw_sectors;
	u32 max_segments;
	struct nvme_ns *ns;		/* the namespaces found, nns of them */
	unsigned nns;
	/* the command the reset work waits for, and what the work returns when it is cancelled */
	struct nvme_queue *wait_q;
	int wait_tag;
	u64 wait_deadline;
	int wait_fail;
	const char *wait_fail_msg;	/* logged before the work gives up, or NULL */
	bool wait_io;			/* an I/O request (no reset work) */
	/*
	 * the reset work's place while the boot's device_initcall runs the
	 * controllers' works side by side (nvme_flush_work)
	 */
	enum { WORK_NONE, WORK_IDENTIFY, WORK_FINISH } work;
};

static inline struct guest_mem *kmem(struct kernel *k)
{
	return k->hw->mem;
}

/* ---- pci.c ---- */

/* dev_info() on the controller's class device: "nvme nvme0: ..." */
void nvme_ctrl_log(struct nvme_dev *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* a command's first dword and namespace, the rest zero */
void nvme_cmd_init(u8 *sqe, u8 opcode, u32 nsid);
/*
 * nvme_submit_sync_cmd() on the admin queue, with an optional buffer the
 * device reads or writes: 0, a positive NVMe status, or -errno
 */
int nvme_admin_cmd(struct nvme_dev *dev, u8 *sqe, u64 buf_pa, size_t len, enum dma_data_direction dir,
		   u32 *result);
/* the reset work waits for the admin command in flight; cancelled, it fails with fail (msg logged) */
int nvme_wait_for(struct nvme_dev *dev, int fail, const char *msg);

/* ---- core.c ---- */

/* Identify Controller: what the reset work needs first */
int nvme_identify_ctrl(struct nvme_dev *dev);
/* the rest of nvme_init_identify(): MDTS, the limits */
int nvme_init_identify(struct nvme_dev *dev);
/* Set Features Number of Queues: *count asked, *count granted */
int nvme_set_queue_count(struct nvme_dev *dev, unsigned *count);
/* the namespace scan: every active namespace gets its disk */
int nvme_scan(struct nvme_dev *dev);

#endif
