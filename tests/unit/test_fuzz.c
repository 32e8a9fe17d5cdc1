/*
 * Bad input never crashes and never half-applies: random command lines,
 * script lines and corrupted device trees, from a fixed seed so a failure
 * reproduces. ASan/UBSan in the test build turn any memory error into a
 * failure.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "boot_util.h"
#include "machine/machine.h"
#include "init/boot.h"

static unsigned long long rng_state;

/* IOMMUSIM_FUZZ_SCALE=N runs N times the iterations (and other seeds): for long local runs */
static int scale(void)
{
	const char *e = getenv("IOMMUSIM_FUZZ_SCALE");
	int n = e ? atoi(e) : 1;
	return n > 0 ? n : 1;
}

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng_state >> 33) % n;
}

static const char *const opts[] = {
	"-M", "-machine", "-device", "-drive", "-netdev", "-global", "-append", "-m", "-smp", "--bogus", "",
};
static const char *const vals[] = {
	"virt,iommu=smmuv3", "virt", "virt,gic-version=3", "virt,gic-version=9", "virt,iommu=x",
	"pcie-root-port,id=rp,chassis=1", "pcie-root-port,id=rp,chassis=1", "pci-bridge,id=br,chassis_nr=2",
	"pcie-pci-bridge,id=pb", "virtio-net-pci,bus=rp", "virtio-rng-pci,bus=br,addr=1",
	"virtio-blk-pci,drive=d0", "if=none,id=d0,file=/dev/null,format=raw", "user,id=n0",
	"virtio-net-pci,addr=3.1", "virtio-net-pci,addr=zz", "virtio-rng-pci,bus=nope",
	"virtio-rng-pci,multifunction=on,addr=4", "virtio-net-device", "virtio-mmio.force-legacy=false",
	"iommu.strict=0", "iommu.passthrough=1", "swiotlb=force", "1G", "0", "-1", ",,,", "=", "a=b=c",
	"virtio-net-pci,disable-legacy=on,iommu_platform=on", "e1000", "virtio-net-pci,,", "",
};

Test(fuzz, command_lines)
{
	rng_state = 1 + (unsigned long long)scale() * 1000;
	for (int iter = 0; iter < 400 * scale(); iter++) {
		char *argv[16];
		int argc = 0, n = 1 + rnd(12);
		for (int i = 0; i < n; i++)
			argv[argc++] = (char *)(rnd(2) ? opts[rnd(ARRAY_SIZE(opts))] : vals[rnd(ARRAY_SIZE(vals))]);
		char err[512] = "";
		struct iommusim *sim = iommusim_boot(argc, argv, NULL, err, sizeof(err));
		if (!sim)
			cr_assert_neq(err[0], '\0', "a failed boot always says why (iteration %d)", iter);
		iommusim_free(sim);
	}
}

static const char *const words[] = {
	"echo", "cat", "ls", "readlink", "dmesg", "sleep", "modprobe", "rmmod", "dma", "mem", "iommu",
	"read", "write", "map", "unmap", ">", "'", "\"", "0000:00:01.0", "0000:01:00.0", "vfio-pci",
	"/sys/bus/pci/devices/0000:00:01.0/driver_override", "/sys/bus/pci/drivers/virtio-pci/unbind",
	"/sys/bus/pci/drivers/vfio-pci/bind", "/sys/bus/pci/drivers_probe", "/sys/kernel/iommu_groups/0",
	"/sys/kernel/iommu_groups", "/sys/../sys/./bus", "0x1000", "0x41000000", "4096", "0", "-5",
	"0xffffffffffffffff", "virtio_pci", "r", "rw", "#", "\\", "1e9", "/sys/bus/pci/devices/0000:01:00.0",
	"smmu", "ste", "walk", "blk", "raw-read", "-q", "vda", "virtio0", "alloc", "sync", "for-cpu",
	"to-device", "from-device", "0xfffff000", "0x100", "/sys/block/vda/queue/max_segments",
	"/sys/kernel/debug/iommusim/dma/0000:00:01.0", "/sys/kernel/debug/iommusim/events", "virtio_blk",
	"a003e00.virtio_mmio", "/sys/bus/virtio/drivers/virtio_blk/unbind", "w",
};

Test(fuzz, script_lines)
{
	rng_state = 2 + (unsigned long long)scale() * 1000;
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device pcie-root-port,id=rp,chassis=1 "
				       "-device virtio-net-pci,bus=rp -device virtio-rng-pci "
				       "-drive if=none,id=d0,file=null-co://,format=raw "
				       "-device virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on "
				       "-device virtio-rng-device -append iommu.strict=0");
	for (int iter = 0; iter < 1500 * scale(); iter++) {
		char line[512] = "";
		int n = 1 + rnd(6);
		for (int i = 0; i < n; i++) {
			strcat(line, words[rnd(ARRAY_SIZE(words))]);
			if (rnd(5))
				strcat(line, " ");
		}
		char *out = run(sim, line);
		free(out);
	}
	/* the machine is still consistent: every member of a group points back at it */
	struct iommu_core *c = iommu_core(sim->k);
	for (size_t g = 0; g < c->ngroups; g++)
		for (size_t i = 0; c->groups[g] && i < c->groups[g]->ndevices; i++)
			cr_assert_eq(c->groups[g]->devices[i]->iommu_group, c->groups[g]);
	iommusim_free(sim);
}

Test(fuzz, corrupted_device_trees)
{
	rng_state = 3 + (unsigned long long)scale() * 1000;
	struct qemu_cmdline cmd;
	struct machine m;
	char err[256];
	char *argv[] = { "-M", "virt,iommu=smmuv3", "-device", "virtio-rng-pci" };
	cr_assert_eq(qemu_cmdline_parse(4, argv, &cmd, err, sizeof(err)), 0);
	cr_assert_eq(virt_machine_build(&cmd, &m, err, sizeof(err)), 0);
	for (int iter = 0; iter < 300 * scale(); iter++) {
		u8 *blob = malloc(m.fdt_size);
		memcpy(blob, m.fdt, m.fdt_size);
		int flips = 1 + rnd(8);
		for (int i = 0; i < flips; i++)
			blob[rnd((unsigned)m.fdt_size)] ^= (u8)(1u << rnd(8));
		size_t size = rnd(4) ? m.fdt_size : rnd((unsigned)m.fdt_size);
		struct machine um;
		if (!dtb_machine_build(blob, size, "", &um, err, sizeof(err))) {
			struct kernel *k = kernel_boot(&um, NULL, err, sizeof(err));
			kernel_free(k);
			machine_free(&um);
		}
		free(blob);
	}
	machine_free(&m);
	qemu_cmdline_free(&cmd);
}
