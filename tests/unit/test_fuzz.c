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
#include <libfdt.h>
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

/*
 * What any input must leave behind: every group sits at its id in the core's
 * table and its members point back at it, each once; every device that
 * names a group is one of its members. what/iter say which input broke it.
 */
static void assert_groups_consistent(struct kernel *k, const char *what, int iter)
{
	struct iommu_core *c = k->iommu;	/* iommu_core() would allocate one */
	for (size_t g = 0; c && g < c->ngroups; g++) {
		struct iommu_group *grp = c->groups[g];
		if (!grp)
			continue;
		cr_assert_eq(grp->id, (int)g, "%s %d: group %zu has id %d", what, iter, g, grp->id);
		cr_assert_eq(grp->k, k, "%s %d: group %zu belongs to this kernel", what, iter, g);
		for (size_t i = 0; i < grp->ndevices; i++) {
			struct device *dev = grp->devices[i];
			cr_assert_eq(dev->iommu_group, grp, "%s %d: %s, a member of group %zu, points elsewhere",
				     what, iter, dev->name, g);
			for (size_t j = 0; j < i; j++)
				cr_assert_neq(grp->devices[j], dev, "%s %d: %s twice in group %zu", what, iter,
					      dev->name, g);
		}
	}
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *dev = k->devices[i];
		struct iommu_group *grp = dev->iommu_group;
		if (!grp)
			continue;
		cr_assert(c && grp->id >= 0 && (size_t)grp->id < c->ngroups && c->groups[grp->id] == grp,
			  "%s %d: %s's group %d is not in the table", what, iter, dev->name, grp->id);
		bool member = false;
		for (size_t j = 0; j < grp->ndevices && !member; j++)
			member = grp->devices[j] == dev;
		cr_assert(member, "%s %d: group %d does not hold %s", what, iter, grp->id, dev->name);
	}
}

static const char *const opts[] = {
	"-M", "-machine", "-device", "-drive", "-netdev", "-global", "-append", "-m", "-smp", "--bogus", "",
	/* the rest of QEMU's command line: JSON and keyval forms, no-effect and refused options */
	"-blockdev", "-object", "-set", "-accel", "-nographic", "-kernel", "-serial", "-chardev", "-mon",
	"-rtc", "-boot", "-name", "-overcommit", "-no-user-config", "-nodefaults", "-hda", "-cdrom",
	"-snapshot", "-S", "-enable-kvm", "-numa", "-display", "-vga", "-help", "-version", "-g",
	"--device", "-nic", "-net", "-cpu", "-uuid",
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
	"virt-7.1,its=off", "virt,smp.cpus=2,memory.size=1G", "virt,usb=off,dump-guest-core=off,gic-version=3",
	"virt,memory-backend=m", "virt,highmem=off", "virt-6.1,gic-version=3", "help", "virt,help", "virt,its",
	"{\"driver\":\"virtio-rng-pci\",\"addr\":\"0x5\"}",
	"{\"driver\":\"pcie-root-port\",\"port\":8,\"chassis\":1,\"id\":\"pci.1\",\"addr\":\"0x1\"}",
	"{\"driver\":\"virtio-blk-pci\",\"bus\":\"pci.1\",\"drive\":\"libvirt-1-format\",\"bootindex\":1}",
	"{\"driver\":\"null-co\",\"node-name\":\"libvirt-1-storage\"}",
	"{\"node-name\":\"libvirt-1-format\",\"driver\":\"raw\",\"file\":\"libvirt-1-storage\"}",
	"driver=raw,node-name=r,file.driver=null-co", "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\",\"size\":1073741824}",
	"memory-backend-ram,id=m,size=1G", "iothread,id=io0", "{\"type\":\"user\",\"id\":\"n1\"}", "{\"driver\":",
	"{'driver':'virtio-rng-pci'}", "{\"a\":[1,{\"b\":null}]}", "tcg,thread=multi", "kvm", "device.r.addr=5",
	"pty,id=c0", "chardev=c0", "base=utc", "strict=on", "guest=vm1,debug-threads=on", "mem-lock=off",
	"null-co://", "/dev/null", "1G,slots=2,maxmem=4G", "2,sockets=2,cores=1,threads=1", "none", "std",
	"aa kexec BOOT_IMAGE=x rwx quietx loglevel=x panic=x bb=1 bb=2 iommu.strict=maybe \"q p\" dd=\"q v\" -- z",
	"init=/init mem=1G", "console=ttyAMA0 root=/dev/vda rw", "cortex-a57", "6a2c4f3e-8b1d-4e6a-9f7c-2d5e8a1b3c4d",
	/* switches, Intel's root port, the NICs and controllers without a driver, the expander */
	"ioh3420,id=rp,chassis=4", "x3130-upstream,id=up,bus=rp", "xio3130-downstream,id=dn,bus=up,chassis=5",
	"xio3130-downstream,bus=up,chassis=5,slot=1,hotplug=off", "e1000e,bus=dn", "e1000,netdev=n0",
	"qemu-xhci", "ahci", "pxb-pcie,id=px,bus_nr=9", "pcie-root-port,bus=px,chassis=6", "user,model=e1000",
	"user,model=e1000e", "user,model=igb", "arm-smmuv3", "igb", "pxb-pcie,numa_node=0",
};

/* devices whose functions form groups, and a few that refuse (bus=rp with no rp, bus=nope) */
static const char *const devs[] = {
	"pcie-root-port,id=rp,chassis=1", "pci-bridge,id=br,chassis_nr=2", "pcie-pci-bridge,id=pb",
	"virtio-rng-pci", "virtio-net-pci,disable-legacy=on,iommu_platform=on",
	"virtio-rng-pci,multifunction=on,addr=4", "virtio-net-pci,bus=rp", "virtio-rng-pci,bus=br,addr=1",
	"virtio-net-device", "virtio-rng-pci,bus=nope", "ioh3420,id=rp,chassis=4", "x3130-upstream,id=up,bus=rp",
	"xio3130-downstream,id=dn,bus=up,chassis=5", "e1000e,bus=dn", "pxb-pcie,id=px,bus_nr=9",
};

Test(fuzz, command_lines)
{
	rng_state = 1 + (unsigned long long)scale() * 1000;
	for (int iter = 0; iter < 400 * scale(); iter++) {
		char *argv[16];
		int argc = 0, n = 1 + rnd(12);
		if (iter % 2) {
			/* a machine, then option-value pairs: enough of these boot to check what they built */
			argv[argc++] = "-M";
			argv[argc++] = (char *)(rnd(4) ? "virt,iommu=smmuv3" : vals[rnd(5)]);
			for (int i = 0; i < n % 4; i++) {
				bool dev = rnd(4);
				argv[argc++] = (char *)(dev ? "-device" : opts[rnd(ARRAY_SIZE(opts))]);
				argv[argc++] = (char *)(dev ? devs[rnd(ARRAY_SIZE(devs))] : vals[rnd(ARRAY_SIZE(vals))]);
			}
		} else {
			for (int i = 0; i < n; i++)
				argv[argc++] = (char *)(rnd(2) ? opts[rnd(ARRAY_SIZE(opts))] : vals[rnd(ARRAY_SIZE(vals))]);
		}
		char err[512] = "";
		struct iommusim *sim = iommusim_boot(argc, argv, NULL, err, sizeof(err));
		if (!sim)
			cr_assert_neq(err[0], '\0', "a failed boot always says why (iteration %d)", iter);
		else
			assert_groups_consistent(sim->k, "command line", iter);
		iommusim_free(sim);
	}
}

/*
 * Random trees of PCIe switches and endpoints: root ports (generic or
 * ioh3420) on pcie.0, upstream ports below root ports, downstream ports or
 * pcie.0, downstream ports below upstream ports, endpoints of several types
 * and functions anywhere, at random addresses; sometimes an expander with
 * bridges of its own. Whatever QEMU accepts boots with consistent groups,
 * Linux finding below a root or downstream port only device 0, and every
 * function below an ioh3420 (no ACS) in the port's group.
 */
static void assert_switch_rules(struct kernel *k, int iter)
{
	assert_groups_consistent(k, "switch tree", iter);
	for (size_t i = 0; i < k->ndevices; i++) {
		if (!dev_is_pci(k->devices[i]))
			continue;
		struct pci_dev *p = to_pci_dev(k->devices[i]);
		struct pci_dev *up = p->bus->self;
		if (up && (up->pcie_type == HW_PCIE_ROOT_PORT || up->pcie_type == HW_PCIE_DOWNSTREAM))
			cr_assert_eq(PCI_SLOT(p->devfn), 0, "switch tree %d: %s found below a port", iter, p->dev.name);
		for (struct pci_dev *a = up; a; a = a->bus->self) {
			if (a->vendor != 0x8086 || a->device != 0x3420 || !p->dev.iommu_group || !a->dev.iommu_group)
				continue;
			cr_assert_eq(p->dev.iommu_group, a->dev.iommu_group,
				     "switch tree %d: %s is not in its ioh3420's group", iter, p->dev.name);
		}
	}
}

Test(fuzz, switch_trees)
{
	static const char *const endpoints[] = {
		"virtio-rng-pci", "e1000e", "e1000", "qemu-xhci", "ich9-ahci", "virtio-net-pci,disable-legacy=on",
	};
	rng_state = 5 + (unsigned long long)scale() * 1000;
	int booted = 0;
	for (int iter = 0; iter < 150 * scale(); iter++) {
		char args[64][96];
		char *argv[130];
		int argc = 0, nbus = 0, nports = 0;
		char buses[40][16];	/* ids of buses that take devices */
		argv[argc++] = "-M";
		argv[argc++] = (char *)(rnd(16) ? "virt,iommu=smmuv3" : "virt,iommu=smmuv3,gic-version=3,its=off");
		int ndev = 2 + rnd(16);
		for (int i = 0; i < ndev && argc < 126; i++) {
			char *a = args[i];
			const char *parent = nbus && rnd(4) ? buses[rnd((unsigned)nbus)] : "pcie.0";
			char id[16];
			snprintf(id, sizeof(id), "b%d", i);
			unsigned kind = rnd(7);
			if (kind == 3 && rnd(4))
				kind = 4;	/* expanders rarely: every device without bus= goes behind one */
			switch (kind) {
			case 0:
				snprintf(a, 96, "%s,id=%s,chassis=%u,slot=%d", rnd(2) ? "ioh3420" : "pcie-root-port", id,
					 1 + rnd(3), nports++);
				break;
			case 1:
				snprintf(a, 96, "x3130-upstream,id=%s,bus=%s", id, parent);
				break;
			case 2:
				snprintf(a, 96, "xio3130-downstream,id=%s,bus=%s,chassis=%u,slot=%d%s", id, parent,
					 1 + rnd(3), nports++, rnd(4) ? "" : ",hotplug=off");
				break;
			case 3:
				snprintf(a, 96, "pxb-pcie,id=%s,bus_nr=%u", id, 1 + rnd(200));
				break;
			default: {
				/* pcie.0's slots 0 and 1 hold the host bridge and the default NIC */
				unsigned slot = strcmp(parent, "pcie.0") ? rnd(3) : 2 + rnd(24), fn = rnd(3) ? 0 : rnd(8);
				snprintf(a, 96, "%s,bus=%s,addr=%x.%u%s", endpoints[rnd(ARRAY_SIZE(endpoints))], parent, slot,
					 fn, fn || !rnd(3) ? ",multifunction=on" : "");
				id[0] = '\0';
				break;
			}
			}
			if (id[0] && nbus < 40)
				snprintf(buses[nbus++], sizeof(buses[0]), "%s", id);
			argv[argc++] = "-device";
			argv[argc++] = a;
		}
		char err[512] = "";
		struct iommusim *sim = iommusim_boot(argc, argv, NULL, err, sizeof(err));
		if (!sim)
			cr_assert_neq(err[0], '\0', "a failed boot always says why (iteration %d)", iter);
		else
			assert_switch_rules(sim->k, iter), booted++;
		if (getenv("IOMMUSIM_FUZZ_VERBOSE"))
			fprintf(stderr, "%d: %s\n", iter, sim ? "booted" : err);
		iommusim_free(sim);
	}
	/* enough of the random trees are machines QEMU takes for the rules to be checked */
	cr_assert_gt(booted, 40 * scale(), "only %d trees booted", booted);
}

/*
 * libvirt's JSON options with random damage (bytes changed, dropped or the
 * text cut short): QEMU's JSON grammar must say why it refuses, never crash.
 */
Test(fuzz, json_options)
{
	static const char *const base[] = {
		"{\"driver\":\"pcie-root-port\",\"port\":8,\"chassis\":1,\"id\":\"pci.1\",\"bus\":\"pcie.0\","
		"\"multifunction\":true,\"addr\":\"0x1\"}",
		"{\"driver\":\"virtio-blk-pci\",\"bus\":\"pcie.0\",\"addr\":\"0x3\",\"drive\":\"libvirt-1-format\","
		"\"id\":\"virtio-disk0\",\"bootindex\":1}",
		"{\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"driver\":\"raw\",\"file\":{\"driver\":\"null-co\"}}",
		"{'qom-type':'memory-backend-ram','id':'mach-virt.ram','size':134217728,'x':[1,2.5e3,\"\\u00e9\\n\",null]}",
	};
	static const char alphabet[] = "{}[]:,\"'\\ 0123456789.-+eE truefalsenull\x01\xff";
	rng_state = 4 + (unsigned long long)scale() * 1000;
	for (int iter = 0; iter < 600 * scale(); iter++) {
		const char *b = base[rnd(ARRAY_SIZE(base))];
		char text[512];
		size_t n = strlen(b);
		memcpy(text, b, n + 1);
		int edits = 1 + rnd(4);
		for (int e = 0; e < edits; e++) {
			size_t at = rnd((unsigned)n);
			switch (rnd(3)) {
			case 0:
				text[at] = alphabet[rnd(sizeof(alphabet) - 1)];
				break;
			case 1:
				memmove(text + at, text + at + 1, n - at);
				n--;
				break;
			default:
				text[at] = '\0';
				n = at;
				break;
			}
			if (!n)
				break;
		}
		if (!n || text[0] != '{')
			continue;
		const char *opt = (const char *[]){ "-device", "-blockdev", "-object", "-netdev" }[rnd(4)];
		char *argv[] = { "-M", "virt,iommu=smmuv3", "-nic", "none", (char *)opt, text,
				 "-blockdev", "driver=null-co,node-name=libvirt-1-format" };
		char err[1024] = "";
		struct iommusim *sim = iommusim_boot(8, argv, NULL, err, sizeof(err));
		if (!sim)
			cr_assert_neq(err[0], '\0', "a refused option always says why (iteration %d: %s)", iter, text);
		else
			assert_groups_consistent(sim->k, "json option", iter);
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
	"a003e00.virtio_mmio", "/sys/bus/virtio/drivers/virtio_blk/unbind", "w", "1>", "2>&1", "<", "2>",
	">|", "1>>",
};

Test(fuzz, script_lines)
{
	rng_state = 2 + (unsigned long long)scale() * 1000;
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp,chassis=1 "
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
		assert_groups_consistent(sim->k, "script line", iter);
	}
	iommusim_free(sim);
}

/*
 * virt's DT with its first four virtio-mmio transports behind the SMMU
 * (iommus), so that booting it forms groups for the checks to look at:
 * from a DT alone virt has no PCI functions, and so no groups.
 */
static u8 *dt_with_masters(const struct machine *m, size_t *size)
{
	int cap = (int)m->fdt_size + 512;
	u8 *fdt = malloc((size_t)cap);
	cr_assert_eq(fdt_open_into(m->fdt, fdt, cap), 0);
	uint32_t phandle = fdt_get_phandle(fdt, fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3"));
	cr_assert_gt(phandle, 0);
	int off = -1;
	for (uint32_t sid = 0x100; sid < 0x104; sid++) {
		off = fdt_node_offset_by_compatible(fdt, off, "virtio,mmio");
		cr_assert_geq(off, 0);
		fdt32_t cells[2] = { cpu_to_fdt32(phandle), cpu_to_fdt32(sid) };
		cr_assert_eq(fdt_setprop(fdt, off, "iommus", cells, sizeof(cells)), 0);
	}
	cr_assert_eq(fdt_pack(fdt), 0);
	*size = fdt_totalsize(fdt);
	return fdt;
}

Test(fuzz, corrupted_device_trees)
{
	rng_state = 3 + (unsigned long long)scale() * 1000;
	struct qemu_cmdline cmd;
	struct machine m, um;
	char err[256];
	char *argv[] = { "-M", "virt,iommu=smmuv3", "-device", "virtio-rng-pci" };
	cr_assert_eq(qemu_cmdline_parse(4, argv, &cmd, err, sizeof(err)), 0);
	cr_assert_eq(virt_machine_build(&cmd, &m, err, sizeof(err)), 0);
	size_t msize;
	u8 *masters = dt_with_masters(&m, &msize);
	/* uncorrupted, the masters' DT forms a group per transport: the checks below see real groups */
	cr_assert_eq(dtb_machine_build(masters, msize, "", &um, err, sizeof(err)), 0, "%s", err);
	struct kernel *k = kernel_boot(&um, NULL, err, sizeof(err));
	cr_assert_not_null(k, "%s", err);
	cr_assert_eq(((struct iommu_core *)k->iommu)->ngroups, 4);
	assert_groups_consistent(k, "device tree", -1);
	kernel_free(k);
	machine_free(&um);

	const struct {
		const void *fdt;
		size_t size;
	} bases[] = { { m.fdt, m.fdt_size }, { masters, msize } };
	for (int iter = 0; iter < 300 * scale(); iter++) {
		const void *base = bases[iter % 2].fdt;
		size_t base_size = bases[iter % 2].size;
		u8 *blob = malloc(base_size);
		memcpy(blob, base, base_size);
		int flips = 1 + rnd(8);
		for (int i = 0; i < flips; i++)
			blob[rnd((unsigned)base_size)] ^= (u8)(1u << rnd(8));
		size_t size = rnd(4) ? base_size : rnd((unsigned)base_size);
		err[0] = '\0';
		if (!dtb_machine_build(blob, size, "", &um, err, sizeof(err))) {
			k = kernel_boot(&um, NULL, err, sizeof(err));
			if (k)
				assert_groups_consistent(k, "device tree", iter);
			else
				cr_assert_neq(err[0], '\0', "a failed boot always says why (iteration %d)", iter);
			kernel_free(k);
			machine_free(&um);
		} else {
			cr_assert_neq(err[0], '\0', "a rejected device tree always says why (iteration %d)", iter);
		}
		free(blob);
	}
	free(masters);
	machine_free(&m);
	qemu_cmdline_free(&cmd);
}
