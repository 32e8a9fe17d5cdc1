/*
 * iommusim-blk, installed as `blk` in the oracle's guest: the model's
 *   blk read DEVICE SECTOR COUNT
 *   blk write DEVICE SECTOR COUNT PATTERN
 * done for real with O_DIRECT on /dev/DEVICE, printed as the model prints
 * them (the bytes as `mem read` shows them, the same messages), so a corpus
 * script reads a disk the same way on both sides. DEVICE is named as the
 * model's verbs take it: the disk (vda), its virtio device (virtio1), or the
 * transport that device sits on, by PCI address (0000:01:00.0, 01:00.0) or
 * platform device name (a003e00.virtio_mmio); COUNT is in 512-byte sectors,
 * 1..32768.
 */
#define _GNU_SOURCE
#include <ctype.h>
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

/* the first entry of dir not starting with '.', and matching prefix */
static int first_entry(const char *dir, const char *prefix, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = -1;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] != '.' && !strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(out, len, "%s", e->d_name);
			ret = 0;
			break;
		}
	}
	if (d)
		closedir(d);
	return ret;
}

/* the sysfs directory of the device called name on one of the model's buses */
static int device_dir(const char *name, char *dir, size_t len)
{
	static const char *const buses[] = { "pci", "platform", "virtio" };
	for (size_t i = 0; i < sizeof(buses) / sizeof(buses[0]); i++) {
		snprintf(dir, len, "/sys/bus/%s/devices/%s", buses[i], name);
		if (!access(dir, F_OK))
			return 0;
	}
	return -1;
}

static int hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

enum { FOUND, NO_DISK, UNKNOWN, NO_FUNCTION, BAD_ADDRESS, AMBIGUOUS };

/*
 * The disk DEVICE means, as the model's verbs resolve it: a device's sysfs
 * name (0000:01:00.0, a003e00.virtio_mmio, virtio1), a PCI address as lspci
 * takes it (DDDD:BB:DD.F, or BB:DD.F when one domain has it, either case),
 * or a disk (vda). FOUND with the disk, or why not (others: the candidates
 * of an ambiguous address).
 */
static int find_disk(const char *name, char *disk, size_t len, char *others, size_t olen)
{
	char dir[512], sub[1024], vdev[256], addr[16];
	if (device_dir(name, dir, sizeof(dir))) {
		snprintf(dir, sizeof(dir), "/sys/block/%s", name);
		if (strchr(name, '/') == NULL && !access(dir, F_OK)) {
			snprintf(disk, len, "%s", name);
			return FOUND;
		}
		size_t n = strlen(name);
		int has_domain = n == 12;
		const char *a = has_domain ? name + 5 : name;
		if ((n != 12 && n != 7) || (has_domain && (!hex_run(name, 4) || name[4] != ':')) ||
		    !hex_run(a, 2) || a[2] != ':' || !hex_run(a + 3, 2) || a[5] != '.' || !hex_run(a + 6, 1))
			return UNKNOWN;
		char slot[3] = { a[3], a[4], 0 };
		if (strtoul(slot, NULL, 16) > 0x1f || a[6] < '0' || a[6] > '7')
			return BAD_ADDRESS;
		snprintf(addr, sizeof(addr), "%s", name);
		for (char *c = addr; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (has_domain) {
			snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", addr);
			if (access(dir, F_OK))
				return NO_FUNCTION;
		} else {
			DIR *d = opendir("/sys/bus/pci/devices");
			struct dirent *e;
			size_t found = 0, off = 0;
			others[0] = '\0';
			while (d && (e = readdir(d))) {
				if (strlen(e->d_name) != 12 || strcmp(e->d_name + 5, addr))
					continue;
				if (!found++)
					snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
				if (off < olen)
					off += (size_t)snprintf(others + off, olen - off, "%s%s", off ? " " : "", e->d_name);
			}
			if (d)
				closedir(d);
			if (found != 1)
				return found ? AMBIGUOUS : NO_FUNCTION;
		}
	}
	/* a virtio device's disk, or the disk of the virtio device on a transport */
	snprintf(sub, sizeof(sub), "%s/block", dir);
	if (!first_entry(sub, "", disk, len))
		return FOUND;
	if (first_entry(dir, "virtio", vdev, sizeof(vdev)))
		return NO_DISK;
	snprintf(sub, sizeof(sub), "%s/%s/block", dir, vdev);
	return first_entry(sub, "", disk, len) ? NO_DISK : FOUND;
}

int main(int argc, char **argv)
{
	int write = argc >= 2 && !strcmp(argv[1], "write");
	int read = argc >= 2 && !strcmp(argv[1], "read");
	if ((!write && !read) || argc != (write ? 6 : 5)) {
		printf("blk: usage: blk read|raw-read [-q] DEVICE SECTOR COUNT | blk write DEVICE SECTOR COUNT PATTERN\n");
		return 1;
	}
	char disk[256], others[256];
	switch (find_disk(argv[2], disk, sizeof(disk), others, sizeof(others))) {
	case FOUND:
		break;
	case NO_DISK:
		printf("blk: %s: no disk on this device\n", argv[2]);
		return 1;
	case NO_FUNCTION:
		printf("blk: %s: no PCI function at this address\n", argv[2]);
		return 1;
	case BAD_ADDRESS:
		printf("blk: %s: not a PCI address (device 00-1f, function 0-7)\n", argv[2]);
		return 1;
	case AMBIGUOUS:
		printf("blk: %s: ambiguous PCI address, give the domain: %s\n", argv[2], others);
		return 1;
	default:
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
