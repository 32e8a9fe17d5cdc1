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

/* the same I/O on an nvme disk */
static int blk_nvme(struct kernel *k, struct nvme_ns *ns, bool write, bool quiet, u64 sector, u64 count,
		    const char *pattern, FILE *out)
{
	const char *name = ns->disk_name;
	if (sector > ns->capacity || count > ns->capacity - sector) {
		fprintf(out, "blk: %s: sectors %llu..%llu are beyond the end of the disk (%llu sectors)\n", name,
			(unsigned long long)sector, (unsigned long long)(sector + count - 1),
			(unsigned long long)ns->capacity);
		return -EINVAL;
	}
	u32 lbs = ns->lim.logical_block_size >> SECTOR_SHIFT;
	if (lbs > 1 && ((sector % lbs) || (count % lbs))) {
		/* the block device takes whole logical blocks (dd on it: EINVAL) */
		fprintf(out, "blk: %s: %s error: %s\n", name, write ? "write" : "read", strerror(EINVAL));
		return -EINVAL;
	}
	if (write && ns->ro) {
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
		/* dd's fresh pages: zeros, whatever the device leaves alone */
		guest_mem_fill(mem, pa, 0, len);
	}
	int ret = nvme_ns_rw(ns, write, sector, count, pa);
	const char *what = write ? "write" : "read";
	switch (ret) {
	case 0:
		if (quiet)
			fprintf(out, "blk: %s: read %llu sectors at sector %llu in %u request%s, %u segment%s\n", name,
				(unsigned long long)count, (unsigned long long)sector, ns->last_requests,
				ns->last_requests == 1 ? "" : "s", ns->last_segments, ns->last_segments == 1 ? "" : "s");
		else if (!write) {
			guest_mem_read(mem, pa, buf, len);
			hexdump(out, sector << SECTOR_SHIFT, buf, len);
		}
		break;
	case -ETIMEDOUT:
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu did not complete: the controller posted no completion (nvme's timeout handler runs when the clock passes %llu s)\n",
			name, what, (unsigned long long)count, (unsigned long long)sector,
			(unsigned long long)(NVME_IO_TIMEOUT_NS / 1000000000ull));
		break;
	case -ENODEV:
		fprintf(out, "blk: %s: %s error: %s (the controller is not live)\n", name, what, strerror(EIO));
		break;
	case -ENOMEM:
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu could not be mapped for DMA (BLK_STS_RESOURCE: blk-mq requeues it and retries)\n",
			name, what, (unsigned long long)count, (unsigned long long)sector);
		break;
	default:
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu failed: %s\n", name, what,
			(unsigned long long)count, (unsigned long long)sector, strerror(-ret));
		break;
	}
	/* a request the controller may still complete keeps its buffer */
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
	if (ns)
		return blk_nvme(k, ns, write, quiet, sector, count, write ? argv[5] : NULL, out);
	const char *name = vblk->disk_name;
	/* the block device ends at its capacity: dd reads nothing past it, writes get ENOSPC */
	if (!raw && (sector > vblk->capacity || count > vblk->capacity - sector)) {
		fprintf(out, "blk: %s: sectors %llu..%llu are beyond the end of the disk (%llu sectors)\n", name,
			(unsigned long long)sector, (unsigned long long)(sector + count - 1),
			(unsigned long long)vblk->capacity);
		return -EINVAL;
	}
	if (write && vblk->ro) {
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
		verb_fill_pattern(buf, len, argv[5]);
		guest_mem_write(mem, pa, buf, len);
	} else {
		/*
		 * a fresh user buffer, as dd's is: zeroed pages, so a device that
		 * writes nothing (QEMU's null-co without read-zeroes) reads as zeros
		 */
		guest_mem_fill(mem, pa, 0, len);
	}
	int ret = virtblk_rw(vblk, write, sector, count, pa, raw);
	const char *what = write ? "write" : "read";
	switch (ret) {
	case 0:
		if (quiet)
			fprintf(out, "blk: %s: read %llu sectors at sector %llu in %u request%s, %u segment%s\n", name,
				(unsigned long long)count, (unsigned long long)sector, vblk->last_requests,
				vblk->last_requests == 1 ? "" : "s", vblk->last_segments,
				vblk->last_segments == 1 ? "" : "s");
		else if (!write) {
			guest_mem_read(mem, pa, buf, len);
			hexdump(out, sector << SECTOR_SHIFT, buf, len);
		}
		break;
	case -ETIMEDOUT:
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu never completed: no completion reached the driver (the device did not use the buffers, or its interrupt was lost; Linux waits for ever: 6.1's virtio_blk has no timeout handler)\n",
			name, what, (unsigned long long)count, (unsigned long long)sector);
		break;
	case -ENOMEM:
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu could not be mapped for DMA (BLK_STS_RESOURCE: blk-mq requeues it and retries)\n",
			name, what, (unsigned long long)count, (unsigned long long)sector);
		break;
	default:
		fprintf(out, "blk: %s: %s of %llu sectors at sector %llu failed: %s\n", name, what,
			(unsigned long long)count, (unsigned long long)sector, strerror(-ret));
		break;
	}
	/* a request the device still holds keeps its buffer, as the kernel would */
	if (ret != -ETIMEDOUT)
		page_free(k->pages, pa, len);
	free(buf);
	return ret;
}
