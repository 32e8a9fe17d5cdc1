/*
 * A -drive's data as QEMU's raw format over file-posix (or host_device, or
 * null-co) serves it to a device model.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "hw/blk_backend.h"

int blk_backend_open(struct blk_backend *b, const char *file, bool readonly, bool snapshot, char *err,
		     size_t errlen)
{
	memset(b, 0, sizeof(*b));
	b->readonly = readonly;
	b->snapshot = snapshot;
	if (!file)
		return 0;
	if (!strncmp(file, "null-co://", 10)) {
		/* QEMU's null block driver: 1 GiB by default, data never transferred */
		b->null_co = true;
		b->total_sectors = (1ULL << 30) / BDRV_SECTOR_SIZE;
		return 0;
	}
	b->file = fopen(file, readonly || snapshot ? "rb" : "r+b");
	if (!b->file) {
		/* QEMU refuses to start: the board is never built */
		int e = errno;
		snprintf(err, errlen, "Could not open '%s': %s", file, strerror(e));
		return -e;
	}
	struct stat st;
	if (fstat(fileno(b->file), &st) || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
		snprintf(err, errlen, "Could not open '%s': not a file or device", file);
		fclose(b->file);
		b->file = NULL;
		return -EINVAL;
	}
	/* host_device for /dev/...: its length is where it seeks to (0 for /dev/null) */
	off_t size = st.st_size;
	if (!S_ISREG(st.st_mode)) {
		size = fseeko(b->file, 0, SEEK_END) ? 0 : ftello(b->file);
		if (size < 0)
			size = 0;
	}
	/* bdrv_refresh_total_sectors(): a partial last sector counts, reading as zeros */
	b->total_sectors = ((u64)size + BDRV_SECTOR_SIZE - 1) / BDRV_SECTOR_SIZE;
	return 0;
}

void blk_backend_close(struct blk_backend *b)
{
	if (b->file)
		fclose(b->file);
	free(b->overlay.sector);
	free(b->overlay.data);
	memset(b, 0, sizeof(*b));
}

/* the first overlay entry at or after sector (binary search) */
static size_t overlay_find(const struct blk_overlay *o, u64 sector)
{
	size_t lo = 0, hi = o->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->sector[mid] < sector)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int overlay_grow(struct blk_overlay *o)
{
	size_t cap = o->cap ? o->cap * 2 : 64;
	u64 *ns = realloc(o->sector, cap * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	o->sector = ns;
	u8 *nd = realloc(o->data, cap * BDRV_SECTOR_SIZE);
	if (!nd)
		return -ENOMEM;
	o->data = nd;
	o->cap = cap;
	return 0;
}

/* -snapshot: a written sector goes to the overlay (requests are whole sectors) */
static int overlay_write(struct blk_overlay *o, u64 off, const u8 *buf, size_t len)
{
	for (size_t done = 0; done < len; done += BDRV_SECTOR_SIZE) {
		u64 sector = (off + done) / BDRV_SECTOR_SIZE;
		size_t i = overlay_find(o, sector);
		if (i == o->n || o->sector[i] != sector) {
			if (o->n == o->cap && overlay_grow(o))
				return -ENOMEM;
			memmove(&o->sector[i + 1], &o->sector[i], (o->n - i) * sizeof(*o->sector));
			memmove(o->data + (i + 1) * BDRV_SECTOR_SIZE, o->data + i * BDRV_SECTOR_SIZE,
				(o->n - i) * BDRV_SECTOR_SIZE);
			o->sector[i] = sector;
			o->n++;
		}
		memcpy(o->data + i * BDRV_SECTOR_SIZE, buf + done, BDRV_SECTOR_SIZE);
	}
	return 0;
}

static void overlay_read(const struct blk_overlay *o, u64 off, u8 *buf, size_t len)
{
	u64 first = off / BDRV_SECTOR_SIZE, end = (off + len) / BDRV_SECTOR_SIZE;
	for (size_t i = overlay_find(o, first); i < o->n && o->sector[i] < end; i++)
		memcpy(buf + (o->sector[i] - first) * BDRV_SECTOR_SIZE, o->data + i * BDRV_SECTOR_SIZE,
		       BDRV_SECTOR_SIZE);
}

int blk_backend_read(struct blk_backend *b, u64 off, u8 *buf, size_t len)
{
	if (b->null_co)
		return 0;
	if (!b->file)
		return -ENOMEDIUM;
	memset(buf, 0, len);
	if (fseeko(b->file, (off_t)off, SEEK_SET))
		return -EIO;
	size_t n = fread(buf, 1, len, b->file);
	/* raw-posix pads a read past the end of the file with zeros */
	if (n < len && ferror(b->file)) {
		clearerr(b->file);
		return -EIO;
	}
	clearerr(b->file);
	if (b->snapshot)
		overlay_read(&b->overlay, off, buf, len);
	return 0;
}

int blk_backend_write(struct blk_backend *b, u64 off, const u8 *buf, size_t len)
{
	if (b->readonly)
		return -EACCES;
	if (b->null_co)
		return 0;
	if (!b->file)
		return -ENOMEDIUM;
	if (b->snapshot)
		return overlay_write(&b->overlay, off, buf, len) ? -EIO : 0;
	if (fseeko(b->file, (off_t)off, SEEK_SET) || fwrite(buf, 1, len, b->file) != len || fflush(b->file)) {
		clearerr(b->file);
		return -EIO;
	}
	return 0;
}

void blk_backend_flush(struct blk_backend *b)
{
	if (b->file && !b->readonly && !b->snapshot)
		fflush(b->file);
}
