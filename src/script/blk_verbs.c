/*
 * blk: the disk I/O a shell would do with dd on /dev/vdX or /dev/nvmeXnY,
 * through the virtio_blk driver and its virtqueue, or the nvme driver and
 * its I/O queue with PRPs, the device's DMA and the SMMU.
 *   blk read DEVICE SECTOR COUNT           (prints the bytes like mem read)
 *   blk write DEVICE SECTOR COUNT PATTERN  (PATTERN: 0xNN or a string, repeated)
 *   blk raw-read DEVICE SECTOR COUNT       (one request, one segment, no queue limits)
 *   blk read -q ... / blk raw-read -q ...  (no dump: how many requests and segments it took)
 * DEVICE is the disk (vda, nvme0n1), its virtio device (virtio1), or the
 * transport that device sits on: a PCI address (0000:01:00.0, or 01:00.0)
 * or a virtio-mmio device (a003e00.virtio_mmio); see device_arg.h. COUNT is
 * in 512-byte sectors, 1..32768. Bad input prints why and sends nothing.
 * raw-read is virtio_blk's alone (an nvme request always has its PRPs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "script/verbs.h"
#include "script/device_arg.h"
#include "base/page_alloc.h"
#include "drivers/nvme.h"
#include "drivers/virtio_blk.h"
#include "hw/system.h"

#define BLK_MAX_SECTORS 32768u

/* the nvme disk arg names: the disk, or the PCI function of its controller; NULL quietly */
static struct nvme_ns *nvme_disk_arg(struct kernel *k, const char *arg)
{
	struct nvme_ns *ns = nvme_ns_find(k, arg);
	if (ns)
		return ns;
	char *msg = NULL;
	size_t len = 0;
	FILE *quiet = open_memstream(&msg, &len);
	if (!quiet)
		return NULL;
	struct device *dev = verb_device(k, "blk", arg, quiet);
	fclose(quiet);
	free(msg);
	return dev ? nvme_ns_of_device(dev) : NULL;
}

/* The disk the I/O goes to, whichever driver has it. */
struct blk_target {
	struct virtio_blk *vblk;	/* one of the two */
	struct nvme_ns *ns;
	const char *name;
	u64 capacity;
	u32 lbs;			/* sectors a logical block (the nvme disk's; 1 on virtio) */
	bool ro;
};

static int target_rw(const struct blk_target *t, bool write, u64 sector, u64 count, u64 pa, bool raw)
{
	return t->ns ? nvme_ns_rw(t->ns, write, sector, count, pa) : virtblk_rw(t->vblk, write, sector, count, pa, raw);
}

/* How the driver split the last request: requests, then segments. */
static void target_split(const struct blk_target *t, unsigned *requests, unsigned *segments)
{
	*requests = t->ns ? t->ns->last_requests : t->vblk->last_requests;
	*segments = t->ns ? t->ns->last_segments : t->vblk->last_segments;
}

/* A request that never completed: what the driver does about it. */
static void print_stuck(const struct blk_target *t, const char *what, u64 sector, u64 count, FILE *out)
{
	if (t->ns)
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu did not complete: the controller posted no completion (nvme's timeout handler runs when the clock passes %llu s)\n",
			t->name, what, (unsigned long long)count, (unsigned long long)sector,
			(unsigned long long)(NVME_IO_TIMEOUT_NS / 1000000000ull));
	else
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu never completed: no completion reached the driver (the device did not use the buffers, or its interrupt was lost; Linux waits for ever: 6.1's virtio_blk has no timeout handler)\n",
			t->name, what, (unsigned long long)count, (unsigned long long)sector);
}

/* dd on the disk: checks, a fresh buffer in guest RAM, the driver's I/O, the dump or the failure */
static int blk_io(struct kernel *k, const struct blk_target *t, bool write, bool raw, bool quiet, u64 sector,
		  u64 count, const char *pattern, FILE *out)
{
	const char *name = t->name, *what = write ? "write" : "read";
	/* the block device ends at its capacity: dd reads nothing past it, writes get ENOSPC */
	if (!raw && (sector > t->capacity || count > t->capacity - sector)) {
		fprintf(out, "blk: %s: sectors %llu..%llu are beyond the end of the disk (%llu sectors)\n", name,
			(unsigned long long)sector, (unsigned long long)(sector + count - 1),
			(unsigned long long)t->capacity);
		return -EINVAL;
	}
	if (t->lbs > 1 && ((sector % t->lbs) || (count % t->lbs))) {
		/* the block device takes whole logical blocks (dd on it: EINVAL) */
		fprintf(out, "blk: %s: %s error: %s\n", name, what, strerror(EINVAL));
		return -EINVAL;
	}
	if (write && t->ro) {
		/* blkdev_write_iter() on a read-only disk */
		fprintf(out, "blk: %s: write error: %s\n", name, strerror(EPERM));
		return -EPERM;
	}
	size_t len = (size_t)count << SECTOR_SHIFT;
	struct guest_mem *mem = k->hw->mem;
	u8 *buf = calloc(1, len);
	u64 pa = buf ? page_alloc(k->pages, len) : 0;
	if (!pa) {
		free(buf);
		fprintf(out, "blk: %s: no memory for %zu bytes\n", name, len);
		return -ENOMEM;
	}
	if (write) {
		verb_fill_pattern(buf, len, pattern);
		guest_mem_write(mem, pa, buf, len);
	} else {
		/*
		 * a fresh user buffer, as dd's is: zeroed pages, so a device that
		 * writes nothing (QEMU's null-co without read-zeroes) reads as zeros
		 */
		guest_mem_fill(mem, pa, 0, len);
	}
	int ret = target_rw(t, write, sector, count, pa, raw);
	unsigned requests, segments;
	switch (ret) {
	case 0:
		target_split(t, &requests, &segments);
		if (quiet)
			fprintf(out, "blk: %s: read %llu sectors at sector %llu in %u request%s, %u segment%s\n", name,
				(unsigned long long)count, (unsigned long long)sector, requests,
				requests == 1 ? "" : "s", segments, segments == 1 ? "" : "s");
		else if (!write) {
			guest_mem_read(mem, pa, buf, len);
			hexdump(out, sector << SECTOR_SHIFT, buf, len);
		}
		break;
	case -ETIMEDOUT:
		print_stuck(t, what, sector, count, out);
		break;
	case -ENOMEM:
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu could not be mapped for DMA (BLK_STS_RESOURCE: blk-mq requeues it and retries)\n",
			name, what, (unsigned long long)count, (unsigned long long)sector);
		break;
	default:
		if (ret == -ENODEV && t->ns) {
			fprintf(out, "blk: %s: %s error: %s (the controller is not live)\n", name, what, strerror(EIO));
			break;
		}
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu failed: %s\n", name, what,
			(unsigned long long)count, (unsigned long long)sector, strerror(-ret));
		break;
	}
	/* a request the device may still complete keeps its buffer, as the kernel would */
	if (ret != -ETIMEDOUT)
		page_free(k->pages, pa, len);
	free(buf);
	return ret;
}

int verb_blk(struct kernel *k, int argc, char **argv, FILE *out)
{
	bool quiet = argc >= 3 && !strcmp(argv[2], "-q") && strcmp(argv[1], "write");
	char *args[6];
	if (quiet) {
		/* drop the flag: the rest parses as usual */
		for (int i = 0, j = 0; i < argc && j < 6; i++)
			if (i != 2)
				args[j++] = argv[i];
		argc--;
		argv = args;
	}
	bool write = argc >= 2 && !strcmp(argv[1], "write");
	bool raw = argc >= 2 && !strcmp(argv[1], "raw-read");
	bool read = argc >= 2 && !strcmp(argv[1], "read");
	if ((!write && !raw && !read) || argc != (write ? 6 : 5)) {
		fprintf(out, "blk: usage: blk read|raw-read [-q] DEVICE SECTOR COUNT | blk write DEVICE SECTOR COUNT PATTERN\n");
		return -EINVAL;
	}
	struct nvme_ns *ns = nvme_disk_arg(k, argv[2]);
	struct virtio_blk *vblk = ns ? NULL : verb_disk(k, "blk", argv[2], out);
	if (!vblk && !ns)
		return -ENODEV;
	u64 sector, count;
	if (verb_parse_u64(argv[3], &sector) || verb_parse_u64(argv[4], &count) || !count || count > BLK_MAX_SECTORS) {
		fprintf(out, "blk: bad sector or count '%s %s' (count 1..%u sectors)\n", argv[3], argv[4],
			BLK_MAX_SECTORS);
		return -EINVAL;
	}
	if (ns && raw) {
		fprintf(out, "blk: %s: raw-read is virtio_blk's (an nvme command always carries its PRPs): use read\n",
			ns->disk_name);
		return -EINVAL;
	}
	struct blk_target t = { .vblk = vblk, .ns = ns, .lbs = 1 };
	if (ns) {
		t.name = ns->disk_name;
		t.capacity = ns->capacity;
		t.lbs = ns->lim.logical_block_size >> SECTOR_SHIFT;
		t.ro = ns->ro;
	} else {
		t.name = vblk->disk_name;
		t.capacity = vblk->capacity;
		t.ro = vblk->ro;
	}
	return blk_io(k, &t, write, raw, quiet, sector, count, write ? argv[5] : NULL, out);
}
