/*
 * The verbs' DEVICE operand (src/script/device_arg.c): every verb takes a
 * device by its sysfs name, a PCI address (long or short, either case), a
 * virtio device or a disk, means the same device whichever form names it,
 * and says clearly why an operand names nothing it can use.
 */
#include <unistd.h>
#include "boot_util.h"
#include "drivers/virtio_blk.h"
#include "script/device_arg.h"

/* a disk behind a root port (01:00.0), a NIC on the root bus (00:0a.0), a disk on virtio-mmio */
#define ARGS "-M virt,iommu=smmuv3 -nic none -drive if=none,id=d0,format=raw,file=%s " \
	     "-device pcie-root-port,id=rp1 -device virtio-blk-pci,bus=rp1,drive=d0 " \
	     "-device virtio-net-pci,addr=0xa -drive if=none,id=d1,file=null-co:// -device virtio-blk-device,drive=d1"

static struct iommusim *sim;
static char disk_path[64];

/* a 64 KiB disk image of zeroes, writable, and the machine */
static void setup(void)
{
	strcpy(disk_path, "/tmp/iommusim_verbs_XXXXXX");
	int fd = mkstemp(disk_path);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, 65536), 0);
	close(fd);
	char args[512];
	snprintf(args, sizeof(args), ARGS, disk_path);
	sim = boot_ok(args);
}

static void teardown(void)
{
	iommusim_free(sim);
	unlink(disk_path);
}

/* the output of each line of script, run alone */
static void expect(const char *line, const char *want)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s\n", line);
	char *o = run(sim, buf);
	cr_expect_str_eq(o, want, "%s", line);
	free(o);
}

/* the same lines with each of the names substituted for DEV print the same */
static void same_for(const char *const *names, size_t n, const char *fmt)
{
	char line[256], *first = NULL;
	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof(line), fmt, names[i]);
		strcat(line, "\n");
		char *o = run(sim, line);
		if (!first)
			first = o;
		else {
			cr_expect_str_eq(o, first, "'%s' differs from '%s'", names[i], names[0]);
			free(o);
		}
	}
	cr_assert(first && first[0], "%s printed nothing", fmt);
	free(first);
}

/* the virtio names the boot gave, found rather than assumed */
static const char *virtio_of(const char *pci)
{
	for (size_t i = 0; i < sim->k->ndevices; i++) {
		struct device *d = sim->k->devices[i];
		if (d->parent && !strcmp(d->parent->name, pci) && !strncmp(d->name, "virtio", 6))
			return d->name;
	}
	cr_assert_fail("no virtio device on %s", pci);
	return NULL;
}

TestSuite(script_verbs, .init = setup, .fini = teardown);

Test(script_verbs, blk_reads_the_disk_behind_a_pci_address)
{
	const char *names[] = { "vda", virtio_of("0000:01:00.0"), "0000:01:00.0", "01:00.0" };
	same_for(names, ARRAY_SIZE(names), "blk read -q %s 0 16");
	expect("blk read -q 01:00.0 0 16", "blk: vda: read 16 sectors at sector 0 in 1 request, 1 segment\n");
	/* a write through the address, read back through the disk */
	expect("blk write 0000:01:00.0 8 1 iommusim", "");
	char *o = run(sim, "blk read vda 8 1\n");
	const char *line0 = "0000001000: 696f 6d6d 7573 696d 696f 6d6d 7573 696d  iommusimiommusim\n";
	cr_assert(!strncmp(o, line0, strlen(line0)), "%s", o);
	free(o);
	/* raw-read too */
	expect("blk raw-read -q 01:00.0 0 8", "blk: vda: read 8 sectors at sector 0 in 1 request, 1 segment\n");
}

Test(script_verbs, blk_on_virtio_mmio_by_its_platform_device)
{
	char name[64] = "";
	for (size_t i = 0; i < sim->k->ndevices; i++)
		if (strstr(sim->k->devices[i]->name, ".virtio_mmio") && sim->k->devices[i]->driver)
			snprintf(name, sizeof(name), "%s", sim->k->devices[i]->name);
	cr_assert(name[0]);
	const char *names[] = { "vdb", name };
	same_for(names, ARRAY_SIZE(names), "blk read -q %s 0 1");
}

Test(script_verbs, blk_errors)
{
	const char *net = virtio_of("0000:00:0a.0");
	char line[64], want[128];
	expect("blk read 0000:00:01.0 0 1", "blk: 0000:00:01.0: no disk on this device\n");
	expect("blk read 00:0A.0 0 1", "blk: 00:0A.0: no disk on this device\n");
	snprintf(line, sizeof(line), "blk read %s 0 1", net);
	snprintf(want, sizeof(want), "blk: %s: no disk on this device\n", net);
	expect(line, want);
	expect("blk read 0000:09:00.0 0 1", "blk: 0000:09:00.0: no PCI function at this address\n");
	expect("blk read 09:00.0 0 1", "blk: 09:00.0: no PCI function at this address\n");
	expect("blk write 0000:01:20.0 0 1 x", "blk: 0000:01:20.0: not a PCI address (device 00-1f, function 0-7)\n");
	expect("blk read 01:00.8 0 1", "blk: 01:00.8: not a PCI address (device 00-1f, function 0-7)\n");
	expect("blk read vdq 0 1", "blk: vdq: no such disk\n");
	expect("blk read 0000:01:00 0 1", "blk: 0000:01:00: no such disk\n");
	expect("blk read 1:0.0 0 1", "blk: 1:0.0: no such disk\n");
	/* the host bridge is a device, not a disk */
	expect("blk read 4010000000.pcie 0 1", "blk: 4010000000.pcie: no disk on this device\n");
}

Test(script_verbs, iommu_and_dma_by_pci_address)
{
	expect("mem write 0x41000000 16 iommusim", "");
	expect("iommu map 01:00.0 0x100000 0x41000000 0x1000 rw", "");
	const char *names[] = { "0000:01:00.0", "01:00.0", "vda", virtio_of("0000:01:00.0") };
	same_for(names, ARRAY_SIZE(names), "dma read %s 0x100000 16");
	expect("dma read 01:00.0 0x100000 16", "0000100000: 696f 6d6d 7573 696d 696f 6d6d 7573 696d  iommusimiommusim\n");
	expect("dma write vda 0x100004 4 0x2d", "");
	expect("mem read 0x41000000 8", "0041000000: 696f 6d6d 2d2d 2d2d                      iomm----\n");
	expect("iommu unmap 0000:01:00.0 0x100000 0x1000", "");
	/* unmapped: the fault names the function, whichever name was given */
	expect("dma read vda 0x100000 4", "dma: 0000:01:00.0: read of 4 bytes at 0x100000 failed: Bad address\n");
}

Test(script_verbs, dma_api_by_pci_address)
{
	/* each name maps in the same domain: the second map gets the next IOVA */
	char *a = run(sim, "dma map 01:00.0 0x41000000 0x1000\n");
	char *b = run(sim, "dma map vda 0x41000000 0x1000\n");
	cr_assert(strstr(a, "(dma-iommu)") && strstr(b, "(dma-iommu)"), "%s%s", a, b);
	cr_assert_str_neq(a, b);
	unsigned long long iova;
	cr_assert_eq(sscanf(a, "dma 0x%llx", &iova), 1);
	char line[128];
	snprintf(line, sizeof(line), "dma sync 0000:01:00.0 0x%llx 0x1000 for-cpu", iova);
	expect(line, "");
	snprintf(line, sizeof(line), "dma unmap 01:00.0 0x%llx 0x1000", iova);
	expect(line, "");
	snprintf(line, sizeof(line), "dma unmap vda 0x%llx 0x1000", iova);
	char want[160];
	snprintf(want, sizeof(want), "dma: 0000:01:00.0: unmap of 0x%llx+0x1000 refused: not a live mapping\n", iova);
	expect(line, want);
	free(a);
	free(b);
	a = run(sim, "dma alloc 01:00.0 4096\n");
	cr_assert(!strncmp(a, "cpu 0x", 6), "%s", a);
	free(a);
}

Test(script_verbs, smmu_by_pci_address)
{
	const char *names[] = { "0000:01:00.0", "01:00.0", "vda", virtio_of("0000:01:00.0") };
	same_for(names, ARRAY_SIZE(names), "smmu ste %s");
	same_for(names, ARRAY_SIZE(names), "smmu walk %s 0x100000 w");
	char *o = run(sim, "smmu ste 01:00.0\n");
	cr_assert(!strncmp(o, "0000:01:00.0: sid 0x100\n", 24), "%s", o);
	free(o);
	/* uppercase hex reads as sysfs's lowercase */
	const char *nic[] = { "0000:00:0a.0", "0000:00:0A.0", "00:0A.0", "00:0a.0" };
	same_for(nic, ARRAY_SIZE(nic), "smmu ste %s");
	o = run(sim, "smmu ste 00:0A.0\n");
	cr_assert(!strncmp(o, "0000:00:0a.0: sid 0x50\n", 23), "%s", o);
	free(o);
}

Test(script_verbs, dma_iommu_smmu_errors)
{
	static const char *const verbs[][2] = {
		{ "dma read %s 0 4", "dma" },
		{ "dma map %s 0x41000000 4096", "dma" },
		{ "iommu map %s 0x100000 0x41000000 0x1000", "iommu" },
		{ "iommu unmap %s 0x100000 0x1000", "iommu" },
		{ "smmu ste %s", "smmu" },
		{ "smmu walk %s 0", "smmu" },
	};
	static const char *const args[][2] = {
		{ "0000:09:00.0", "no PCI function at this address" },
		{ "09:00.0", "no PCI function at this address" },
		{ "0000:00:20.0", "not a PCI address (device 00-1f, function 0-7)" },
		{ "00:01.9", "not a PCI address (device 00-1f, function 0-7)" },
		{ "0000:01:00", "no such device" },
		{ "nosuch", "no such device" },
		{ "vdq", "no such device" },
	};
	for (size_t v = 0; v < ARRAY_SIZE(verbs); v++) {
		for (size_t a = 0; a < ARRAY_SIZE(args); a++) {
			char line[128], want[160];
			snprintf(line, sizeof(line), verbs[v][0], args[a][0]);
			snprintf(want, sizeof(want), "%s: %s: %s\n", verbs[v][1], args[a][0], args[a][1]);
			expect(line, want);
		}
	}
	/* the SMMU's own device exists but sits behind no SMMU */
	expect("smmu ste 9050000.smmuv3", "smmu: 9050000.smmuv3: its DMA does not go through an SMMU\n");
}

/* two PCI domains (no virt machine has them: a kernel made up for the test) */
Test(script_verbs, short_address_in_two_domains_is_ambiguous)
{
	struct kernel k;
	memset(&k, 0, sizeof(k));
	struct device a = { .k = &k, .name = "0000:01:00.0", .bus = &pci_bus_type };
	struct device b = { .k = &k, .name = "0001:01:00.0", .bus = &pci_bus_type };
	struct device c = { .k = &k, .name = "0001:02:00.0", .bus = &pci_bus_type, .dead = true };
	struct device *devs[] = { &a, &b, &c };
	k.devices = devs;
	k.ndevices = 3;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	cr_assert_null(verb_device(&k, "dma", "01:00.0", out));
	cr_assert_eq(verb_device(&k, "dma", "0001:01:00.0", out), &b);
	cr_assert_eq(verb_device(&k, "dma", "0000:01:00.0", out), &a);
	/* a removed function is not there */
	cr_assert_null(verb_device(&k, "dma", "02:00.0", out));
	cr_assert_null(verb_disk(&k, "blk", "01:00.0", out));
	fclose(out);
	cr_assert_str_eq(buf, "dma: 01:00.0: ambiguous PCI address, give the domain: 0000:01:00.0 0001:01:00.0\n"
			      "dma: 02:00.0: no PCI function at this address\n"
			      "blk: 01:00.0: ambiguous PCI address, give the domain: 0000:01:00.0 0001:01:00.0\n");
	free(buf);
}
