/*
 * A -drive as QEMU's block layer gives it to a device model (the
 * BlockBackend under virtio-blk, nvme, scsi-hd): a raw image file or host
 * device, or the null-co:// driver, read-only or not, with -snapshot's
 * temporary overlay. Byte offsets and lengths; whole sectors from the
 * devices that use it.
 */
#ifndef IOMMUSIM_HW_BLK_BACKEND_H
#define IOMMUSIM_HW_BLK_BACKEND_H

#include <stdio.h>
#include "base/bits.h"

#define BDRV_SECTOR_SIZE 512

struct blk_backend {
	FILE *file;			/* NULL: no medium, or null-co */
	bool null_co;			/* file=null-co://: 1 GiB, reads leave the buffers alone (read-zeroes=off) */
	bool readonly;
	/* snapshot=on (-snapshot): writes land in a temporary overlay, the file stays as it was */
	bool snapshot;
	struct blk_overlay {
		u64 *sector;		/* sorted */
		u8 *data;		/* BDRV_SECTOR_SIZE bytes each, in the same order */
		size_t n, cap;
	} overlay;
	u64 total_sectors;		/* DIV_ROUND_UP(file size, 512), as QEMU's raw format */
};

/*
 * Open the drive's file (NULL: no medium): 0, or -errno with err worded as
 * QEMU refuses to start ("Could not open 'F': REASON").
 */
int blk_backend_open(struct blk_backend *b, const char *file, bool readonly, bool snapshot, char *err,
		     size_t errlen);
void blk_backend_close(struct blk_backend *b);
/*
 * blk_pread(): len bytes at off into buf, zeros past the end of the file;
 * null-co leaves buf as it was. 0, -EIO, -ENOMEDIUM.
 */
int blk_backend_read(struct blk_backend *b, u64 off, u8 *buf, size_t len);
/* blk_pwrite(): 0, -EACCES (read-only), -ENOMEDIUM, -EIO, -ENOMEM (overlay). */
int blk_backend_write(struct blk_backend *b, u64 off, const u8 *buf, size_t len);
/* blk_flush(): what the cache holds reaches the file. */
void blk_backend_flush(struct blk_backend *b);

#endif
