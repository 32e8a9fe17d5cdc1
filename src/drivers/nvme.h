/*
 * Linux 6.1's nvme driver (drivers/nvme/host/pci.c and core.c), built in on
 * the reference kernel: a controller per PCI function of class 0x010802,
 * reached only through its BAR0 registers and doorbells, its queues in DMA
 * memory and its MSI-X vectors; and the namespaces' disks (nvme0n1) with
 * the queue limits 6.1 gives them.
 *
 * As on 6.1, probe only starts the controller's reset work (the function
 * is bound at once); the work then enables the device, sets up the admin
 * queue, identifies the controller, creates the I/O queues and scans the
 * namespaces. The model runs that work at once, until a command does not
 * complete: then it waits on the virtual clock for the command's timeout
 * (admin 60 s, I/O 30 s), and nvme_timeout()'s handling of it runs when the
 * clock passes it (nvme_tick): a controller that times out while starting
 * is disabled, the work fails and the driver lets go of the function
 * ("Removing after probe failure status: N").
 */
#ifndef IOMMUSIM_DRIVERS_NVME_H
#define IOMMUSIM_DRIVERS_NVME_H

#include "base/cpumask.h"
#include "drivers/virtio_blk.h"		/* struct blk_limits, SECTOR_SHIFT */
#include "hw/system.h"
#include "pci/pci.h"

#define NVME_ADMIN_TIMEOUT_NS (60ull * 1000000000ull)	/* nvme_core.admin_timeout */
#define NVME_IO_TIMEOUT_NS (30ull * 1000000000ull)	/* nvme_core.io_timeout */

struct nvme_dev;

/* A namespace's disk (struct nvme_ns and its gendisk). */
struct nvme_ns {
	struct nvme_dev *ctrl;
	u32 nsid;
	char disk_name[32];		/* nvme0n1 */
	/*
	 * nvme_mpath_alloc_disk(): with native multipath the namespace's disk
	 * is the subsystem's head (nvme0n1, bio-based, under
	 * /sys/devices/virtual/nvme-subsystem/nvme-subsys0) and the
	 * controller's own path to it a hidden disk (nvme0c0n1, no dev_t)
	 */
	bool mpath_head;
	char path_name[32];		/* nvme<subsys>c<ctrl>n<head> */
	int ctrl_instance;		/* the N of nvmeN, and of its subsystem nvme-subsysN */
	int head_instance;		/* the N of nvmeXnN */
	unsigned lba_shift;
	u64 capacity;			/* 512-byte sectors */
	bool ro;
	bool writeback;			/* the controller has a volatile write cache */
	struct blk_limits lim;
	unsigned nr_hw_queues;		/* blk-mq hardware contexts: the I/O queues */
	unsigned queue_depth;		/* the tag set's depth (mq/N/nr_tags) */
	unsigned nr_requests;		/* queue/nr_requests */
	unsigned short mq_map[CPUMASK_BITS];	/* each CPU's hardware queue */
	u64 requests, errors, stuck;
	unsigned last_requests, last_segments;	/* how the last nvme_ns_rw was split */
};

/* The namespace disk called name ("nvme0n1"), or NULL. */
struct nvme_ns *nvme_ns_find(struct kernel *k, const char *name);
/* Every nvme disk, controllers in probe order; returns how many (at most max stored). */
size_t nvme_ns_list(struct kernel *k, struct nvme_ns **out, size_t max);
/* The namespace disk on the PCI function dev, or NULL. */
struct nvme_ns *nvme_ns_of_device(struct device *dev);
/* The PCI function a disk's controller drives. */
struct device *nvme_ns_device(const struct nvme_ns *ns);
/* The controller's name ("nvme0"): the class device its disks hang under. */
const char *nvme_ns_ctrl_name(const struct nvme_ns *ns);

/*
 * Read or write nsect sectors at sector, the data at guest-physical buf_pa
 * (contiguous), split into requests within the queue limits, each one NVMe
 * Read or Write with its PRPs. 0, -EIO (the controller said an error:
 * logged as blk_print_req_error), -ENOMEM (a DMA mapping failed),
 * -ETIMEDOUT (the command did not complete: its timeout is pending),
 * -EINVAL (bad range; nothing sent), -ENODEV (the controller is not live).
 */
int nvme_ns_rw(struct nvme_ns *ns, bool write, u64 sector, u64 nsect, u64 buf_pa);

/* The virtual clock moved: command timeouts that came due are handled. */
void nvme_tick(struct kernel *k);
/*
 * The reset works the boot's device_initcall left going (probe only enables
 * each controller then): they run side by side, a command each in turn, as
 * on the reference guest's CPUs.
 */
void nvme_flush_work(struct kernel *k);
/*
 * async_synchronize_full() before init: each controller's reset work (run
 * from nvme_async_probe) finishes, the clock moving on to the timeout of a
 * command it waits for.
 */
void nvme_async_synchronize(struct kernel *k);
/* Teardown of the model: the drivers' own memory (no device access). */
void nvme_devices_free(struct kernel *k);

#endif
