/*
 * iommusim-blk, installed as `blk` in the oracle's guest: the model's
 *   blk read DEVICE SECTOR COUNT
 *   blk write DEVICE SECTOR COUNT PATTERN
 * done for real with O_DIRECT on /dev/DEVICE, printed as the model prints
 * them (the bytes as `mem read` shows them, the same messages), so a corpus
 * script reads a disk the same way on both sides. DEVICE is the disk (vda)
 * or its virtio device (virtio1); COUNT is in 512-byte sectors, 1..32768.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SECTORS 32768u

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*s || *end || errno || s[0] == '-' ? -1 : 0;
}

static void fill_pattern(unsigned char *buf, size_t len, const char *pat)
{
	unsigned long long byte;
	if (!strncmp(pat, "0x", 2) && !parse_u64(pat, &byte) && byte <= 0xff) {
		memset(buf, (int)byte, len);
		return;
	}
	size_t plen = strlen(pat);
	for (size_t i = 0; i < len; i++)
		buf[i] = plen ? (unsigned char)pat[i % plen] : (unsigned char)i;
}

static void hexdump(unsigned long long base, const unsigned char *buf, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		printf("%010llx:", base + off);
		for (size_t i = 0; i < 16; i++) {
			if (i % 2 == 0)
				putchar(' ');
			if (off + i < len)
				printf("%02x", buf[off + i]);
			else
				fputs("  ", stdout);
		}
		fputs("  ", stdout);
		for (size_t i = 0; i < 16 && off + i < len; i++)
			putchar(buf[off + i] >= 0x20 && buf[off + i] < 0x7f ? buf[off + i] : '.');
		putchar('\n');
	}
}

static unsigned long long read_number(const char *fmt, const char *disk)
{
	char path[256];
	unsigned long long v = 0;
	snprintf(path, sizeof(path), fmt, disk);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

/* vdX as given, or the disk below /sys/bus/virtio/devices/virtioN/block. */
static int find_disk(const char *name, char *disk, size_t len)
{
	char path[256];
	snprintf(path, sizeof(path), "/sys/block/%s", name);
	if (strncmp(name, "virtio", 6) && !access(path, F_OK)) {
		snprintf(disk, len, "%s", name);
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/bus/virtio/devices/%s/block", name);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] != '.') {
			snprintf(disk, len, "%s", e->d_name);
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	return -1;
}

int main(int argc, char **argv)
{
	int write = argc >= 2 && !strcmp(argv[1], "write");
	int read = argc >= 2 && !strcmp(argv[1], "read");
	if ((!write && !read) || argc != (write ? 6 : 5)) {
		printf("blk: usage: blk read|raw-read [-q] DEVICE SECTOR COUNT | blk write DEVICE SECTOR COUNT PATTERN\n");
		return 1;
	}
	char disk[256];
	if (find_disk(argv[2], disk, sizeof(disk))) {
		printf("blk: %s: no such disk\n", argv[2]);
		return 1;
	}
	unsigned long long sector, count;
	if (parse_u64(argv[3], &sector) || parse_u64(argv[4], &count) || !count || count > MAX_SECTORS) {
		printf("blk: bad sector or count '%s %s' (count 1..%u sectors)\n", argv[3], argv[4], MAX_SECTORS);
		return 1;
	}
	unsigned long long capacity = read_number("/sys/block/%s/size", disk);
	if (sector > capacity || count > capacity - sector) {
		printf("blk: %s: sectors %llu..%llu are beyond the end of the disk (%llu sectors)\n", disk, sector,
		       sector + count - 1, capacity);
		return 1;
	}
	if (write && read_number("/sys/block/%s/ro", disk)) {
		printf("blk: %s: write error: %s\n", disk, strerror(EPERM));
		return 1;
	}
	size_t len = (size_t)count << 9;
	unsigned char *buf;
	if (posix_memalign((void **)&buf, 4096, len)) {
		printf("blk: %s: no memory for %zu bytes\n", disk, len);
		return 1;
	}
	char dev[300];
	snprintf(dev, sizeof(dev), "/dev/%s", disk);
	int fd = open(dev, (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
	ssize_t n = -1;
	if (write)
		fill_pattern(buf, len, argv[5]);
	if (fd >= 0)
		n = write ? pwrite(fd, buf, len, (off_t)(sector << 9)) : pread(fd, buf, len, (off_t)(sector << 9));
	if (n != (ssize_t)len) {
		printf("blk: %s: %s of %llu sectors at sector %llu failed: %s\n", disk, write ? "write" : "read",
		       count, sector, strerror(n < 0 ? errno : EIO));
		return 1;
	}
	if (fd >= 0)
		close(fd);
	if (!write)
		hexdump(sector << 9, buf, len);
	free(buf);
	return 0;
}
