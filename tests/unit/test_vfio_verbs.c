/*
 * The vfio verb's config-write and reset words: what the verb refuses before
 * it makes a call (a bad offset, more than 64 bytes, a word that is not a hex
 * byte, extra words) prints the usage line and leaves the device's config
 * space as it was; the words it takes reach the device file (an answer that
 * is not the usage line). The writes' and the reset's effects are the
 * corpus's (tests/linux/vfio_config_write_*, vfio_reset_*).
 */
#include "boot_util.h"

#define MACHINE \
	"-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	"-device virtio-net-pci,bus=rp1"
#define DEV "0000:01:00.0"
#define VFIO_DEV "vfio device " DEV " "

/* virtio-net bound to vfio-pci, its group in a type1v2 container and its device file open */
static struct iommusim *assigned(void)
{
	struct iommusim *sim = boot_ok(MACHINE);
	char *out = run(sim, "echo vfio-pci > /sys/bus/pci/devices/" DEV "/driver_override\n"
			     "echo " DEV " > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			     "echo " DEV " > /sys/bus/pci/drivers_probe\n"
			     "vfio open container\n"
			     "vfio open group 0\n"
			     "vfio group 0 set-container\n"
			     "vfio set-iommu type1v2\n"
			     "vfio group 0 get-device-fd " DEV "\n");
	cr_assert_str_eq(out, "ok\nok\nok\nok\nok\n", "assigning " DEV ": %s", out);
	free(out);
	return sim;
}

/*
 * The config region as the device file reads it: the header but its BAR,
 * ROM and interrupt-line registers, the capabilities, extended space.
 */
static char *config_snapshot(struct iommusim *sim)
{
	char *out = run(sim, VFIO_DEV "config-read 0 16\n" VFIO_DEV "config-read 0x28 8\n"
				 VFIO_DEV "config-read 0x34 1\n" VFIO_DEV "config-read 0x3d 3\n"
				 VFIO_DEV "config-read 0x40 0xc0\n" VFIO_DEV "config-read 0x100 0x100\n");
	cr_assert(!strncmp(out, "ok 16 bytes ", 12) && strstr(out, "\nok 256 bytes "), "config-read: %s", out);
	return out;
}

/* LINE is refused with the usage line, and the config region is unchanged */
static void refused(struct iommusim *sim, const char *line)
{
	char *before = config_snapshot(sim);
	char *out = run(sim, line);
	cr_assert(!strncmp(out, "vfio: usage: vfio ", 18), "'%s' printed '%s'", line, out);
	cr_assert(strstr(out, "config-write OFFSET [BYTE...]|reset"), "the usage names the verbs: %s", out);
	cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line: %s", out);
	free(out);
	char *after = config_snapshot(sim);
	cr_assert_str_eq(after, before, "'%s' changed the config space", line);
	free(before);
	free(after);
}

/* LINE reaches the device file: "ok ..." or an errno line, never the usage */
static char *taken(struct iommusim *sim, const char *line)
{
	char *out = run(sim, line);
	cr_assert(!strncmp(out, "ok", 2) || (out[0] == 'E' && strstr(out, " (")), "'%s' printed '%s'", line,
		  out);
	return out;
}

/* "config-write OFFSET" and N bytes "ff" */
static char *write_line(const char *offset, int n)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);
	fprintf(f, VFIO_DEV "config-write %s", offset);
	for (int i = 0; i < n; i++)
		fputs(" ff", f);
	fputc('\n', f);
	fclose(f);
	return line;
}

Test(vfio_verbs, config_write_bad_offset)
{
	struct iommusim *sim = assigned();
	refused(sim, VFIO_DEV "config-write zz 01\n");
	refused(sim, VFIO_DEV "config-write -1 01\n");
	refused(sim, VFIO_DEV "config-write 0x100000000 01\n");
	refused(sim, VFIO_DEV "config-write 0x3c0x 01\n");
	refused(sim, VFIO_DEV "config-write\n");
	iommusim_free(sim);
}

Test(vfio_verbs, config_write_too_many_bytes)
{
	struct iommusim *sim = assigned();
	char *line = write_line("0x40", 65);
	refused(sim, line);
	free(line);
	line = write_line("0", 70);
	refused(sim, line);
	free(line);
	/* 64 is the most, and passes */
	line = write_line("0x40", 64);
	free(taken(sim, line));
	free(line);
	iommusim_free(sim);
}

Test(vfio_verbs, config_write_bad_byte)
{
	struct iommusim *sim = assigned();
	static const char *const bad[] = { "g1", "0x", "100", "0x1ff", "-1", "1 2x", "0xfg", "x1", "+1", "''" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), VFIO_DEV "config-write 0x3c %s\n", bad[i]);
		refused(sim, line);
	}
	/* one or two digits, 0x in front or not, either case */
	free(taken(sim, VFIO_DEV "config-write 0x3c 5\n"));
	free(taken(sim, VFIO_DEV "config-write 0x3c 0x5A\n"));
	free(taken(sim, VFIO_DEV "config-write 0x3c 0X1f 00\n"));
	free(taken(sim, VFIO_DEV "config-write 0x3c Ff\n"));
	iommusim_free(sim);
}

Test(vfio_verbs, config_write_answers)
{
	struct iommusim *sim = assigned();
	/* no bytes: a pwrite of length 0 */
	free(taken(sim, VFIO_DEV "config-write 0x3c\n"));
	/* the offset may lie past the region: the device file answers */
	free(taken(sim, VFIO_DEV "config-write 0x1000 01\n"));
	free(taken(sim, VFIO_DEV "config-write 0xffffffff 01\n"));
	iommusim_free(sim);
}

Test(vfio_verbs, reset_words)
{
	struct iommusim *sim = assigned();
	refused(sim, VFIO_DEV "reset now\n");
	refused(sim, VFIO_DEV "reset 1\n");
	refused(sim, VFIO_DEV "resets\n");
	free(taken(sim, VFIO_DEV "reset\n"));
	iommusim_free(sim);
}

Test(vfio_verbs, device_not_open)
{
	struct iommusim *sim = boot_ok(MACHINE);
	char *out = run(sim, "vfio device " DEV " config-write 0x3c 5a\n");
	cr_assert_str_eq(out, "vfio: device " DEV " is not open\n");
	free(out);
	out = run(sim, "vfio device " DEV " reset\n");
	cr_assert_str_eq(out, "vfio: device " DEV " is not open\n");
	free(out);
	/* the words are checked first */
	out = run(sim, "vfio device " DEV " config-write 0x3c zz\n");
	cr_assert(!strncmp(out, "vfio: usage: ", 13), "%s", out);
	free(out);
	iommusim_free(sim);
}
