/*
 * PCI resource assignment (pci/setup_bus.c, setup_res.c, resource.c) as
 * Linux 6.1 does it at pci_host_probe() on QEMU 7.2's virt: the windows and
 * addresses below are the ones real Linux logged for the same command
 * lines (the NAME.linux files of tests/linux), and the registers are what a config read of
 * the hardware then returns.
 */
#include <criterion/criterion.h>
#include <linux/pci_regs.h>
#include <string.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "base/log.h"
#include "pci/resource.h"

static bool logged(struct iommusim *sim, const char *text)
{
	const struct klog *log = &sim->k->log;
	for (size_t i = 0; i < klog_count(log); i++)
		if (strstr(klog_line(log, i), text))
			return true;
	return false;
}

static u32 cfg32(struct pci_dev *dev, unsigned where)
{
	u32 v;
	cr_assert_eq(pci_read_config_dword(dev, where, &v), 0);
	return v;
}

static u16 cfg16(struct pci_dev *dev, unsigned where)
{
	u16 v;
	cr_assert_eq(pci_read_config_word(dev, where, &v), 0);
	return v;
}

static void assert_res(const struct resource *r, u64 start, u64 end)
{
	cr_assert_not_null(r->parent, "resource [%#llx-%#llx] not assigned", (unsigned long long)start,
			   (unsigned long long)end);
	cr_assert_eq(r->start, start, "start %#llx, expected %#llx", (unsigned long long)r->start,
		     (unsigned long long)start);
	cr_assert_eq(r->end, end, "end %#llx, expected %#llx", (unsigned long long)r->end, (unsigned long long)end);
}

/* vfio_config_write_bars: two hotplug root ports, virtio-net and e1000e */
Test(pci_assign, hotplug_root_ports)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3,gic-version=3 -nic none "
				       "-device pcie-root-port,id=rp1,chassis=1 -device virtio-net-pci,bus=rp1 "
				       "-device pcie-root-port,id=rp2,chassis=2 -device e1000e,bus=rp2");
	struct pci_dev *rp1 = pdev_of(sim, "0000:00:01.0"), *rp2 = pdev_of(sim, "0000:00:02.0");
	/* the hotplug sizes are the windows' minimum: 256 bytes of I/O (a 4K window), 2M, 2M */
	assert_res(&rp1->resource[PCI_BRIDGE_MEM_WINDOW], 0x10000000, 0x101fffff);
	assert_res(&rp1->resource[PCI_BRIDGE_PREF_MEM_WINDOW], 0x8000000000, 0x80001fffff);
	assert_res(&rp1->resource[PCI_BRIDGE_IO_WINDOW], 0x1000, 0x1fff);
	assert_res(&rp2->resource[PCI_BRIDGE_MEM_WINDOW], 0x10200000, 0x103fffff);
	assert_res(&rp2->resource[PCI_BRIDGE_PREF_MEM_WINDOW], 0x8000200000, 0x80003fffff);
	assert_res(&rp2->resource[PCI_BRIDGE_IO_WINDOW], 0x2000, 0x2fff);
	/* the windows (1M aligned) went first, then the ports' own 4K BARs */
	assert_res(&rp1->resource[0], 0x10400000, 0x10400fff);
	assert_res(&rp2->resource[0], 0x10401000, 0x10401fff);
	cr_assert_eq(cfg32(rp1, PCI_BASE_ADDRESS_0), 0x10400000);
	/* the bridge's registers: memory base/limit in 1M units, 64-bit prefetchable with upper halves */
	cr_assert_eq(cfg32(rp1, PCI_MEMORY_BASE), 0x10101000);
	cr_assert_eq(cfg32(rp1, PCI_PREF_MEMORY_BASE) & 0xfff0fff0, 0x00100000);
	cr_assert_eq(cfg32(rp1, PCI_PREF_BASE_UPPER32), 0x80);
	cr_assert_eq(cfg32(rp1, PCI_PREF_LIMIT_UPPER32), 0x80);
	cr_assert_eq(cfg16(rp2, PCI_IO_BASE) & 0xf0f0, 0x2020);
	cr_assert_eq(cfg32(rp2, PCI_IO_BASE_UPPER16), 0);

	/* virtio-net: the ROM (256K) first, into the non-prefetchable window, its register left 0 */
	struct pci_dev *net = pdev_of(sim, "0000:01:00.0");
	assert_res(&net->resource[PCI_ROM_RESOURCE], 0x10000000, 0x1003ffff);
	assert_res(&net->resource[4], 0x8000000000, 0x8000003fff);
	assert_res(&net->resource[1], 0x10040000, 0x10040fff);
	cr_assert_eq(cfg32(net, PCI_ROM_ADDRESS), 0);
	/* what vfio's vconfig of it read on real Linux: 00 00 00 00 00 00 04 10 ... 0c 00 00 00 80 00 00 00 */
	cr_assert_eq(cfg32(net, PCI_BASE_ADDRESS_1), 0x10040000);
	cr_assert_eq(cfg32(net, PCI_BASE_ADDRESS_4), 0x0000000c);
	cr_assert_eq(cfg32(net, PCI_BASE_ADDRESS_5), 0x80);
	/* e1000e: 00 00 24 10 00 00 26 10 01 20 00 00 00 00 28 10 */
	struct pci_dev *e1000e = pdev_of(sim, "0000:02:00.0");
	cr_assert_eq(cfg32(e1000e, PCI_BASE_ADDRESS_0), 0x10240000);
	cr_assert_eq(cfg32(e1000e, PCI_BASE_ADDRESS_1), 0x10260000);
	cr_assert_eq(cfg32(e1000e, PCI_BASE_ADDRESS_2), 0x2001);
	cr_assert_eq(cfg32(e1000e, PCI_BASE_ADDRESS_3), 0x10280000);
	cr_assert(logged(sim, "pci 0000:00:01.0: bridge window [mem 0x8000000000-0x80001fffff 64bit pref]: assigned"));
	cr_assert(logged(sim, "pci 0000:02:00.0: BAR 2 [io  0x2000-0x201f]: assigned"));
	cr_assert(logged(sim, "pci 0000:00:02.0:   bridge window [io  0x2000-0x2fff]"));
	iommusim_free(sim);
}

/* vfio_reset_bus: without hotplug a window is what lies below, and an unused one is turned off */
Test(pci_assign, root_port_without_hotplug)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3,gic-version=3 -nic none "
				       "-device pcie-root-port,id=rp1,chassis=1,hotplug=off -device e1000,bus=rp1");
	struct pci_dev *rp = pdev_of(sim, "0000:00:01.0");
	assert_res(&rp->resource[PCI_BRIDGE_MEM_WINDOW], 0x10000000, 0x100fffff);
	assert_res(&rp->resource[PCI_BRIDGE_IO_WINDOW], 0x1000, 0x1fff);
	assert_res(&rp->resource[0], 0x10100000, 0x10100fff);
	/* nothing prefetchable below: no window, its registers base above limit */
	cr_assert_eq(rp->resource[PCI_BRIDGE_PREF_MEM_WINDOW].flags, 0);
	cr_assert_eq(cfg32(rp, PCI_PREF_MEMORY_BASE) & 0xfff0fff0, 0x0000fff0);
	cr_assert_eq(cfg32(rp, PCI_PREF_BASE_UPPER32), 0);
	cr_assert_not(logged(sim, "64bit pref]: assigned"));
	struct pci_dev *e1000 = pdev_of(sim, "0000:01:00.0");
	assert_res(&e1000->resource[0], 0x10040000, 0x1005ffff);
	assert_res(&e1000->resource[1], 0x1000, 0x103f);
	cr_assert_eq(cfg32(e1000, PCI_BASE_ADDRESS_1), 0x1001);
	iommusim_free(sim);
}

/* switch_two_level: windows grow up the hierarchy, the I/O ones by 4K per port below */
Test(pci_assign, two_level_switch)
{
	struct iommusim *sim = boot_ok(
		"-M virt,iommu=smmuv3 -device pcie-root-port,id=rp1,chassis=1 -device x3130-upstream,id=u1,bus=rp1 "
		"-device xio3130-downstream,id=d1,bus=u1,chassis=2,slot=0 -device x3130-upstream,id=u2,bus=d1 "
		"-device xio3130-downstream,id=d2,bus=u2,chassis=3,slot=0 "
		"-device xio3130-downstream,id=d3,bus=u2,chassis=3,slot=1 "
		"-device virtio-rng-pci,bus=d2 -device virtio-rng-pci,bus=d3");
	assert_res(&pdev_of(sim, "0000:00:02.0")->resource[PCI_BRIDGE_IO_WINDOW], 0x1000, 0x4fff);
	assert_res(&pdev_of(sim, "0000:00:02.0")->resource[PCI_BRIDGE_MEM_WINDOW], 0x10000000, 0x103fffff);
	assert_res(&pdev_of(sim, "0000:01:00.0")->resource[PCI_BRIDGE_IO_WINDOW], 0x1000, 0x3fff);
	assert_res(&pdev_of(sim, "0000:03:00.0")->resource[PCI_BRIDGE_IO_WINDOW], 0x1000, 0x2fff);
	assert_res(&pdev_of(sim, "0000:04:01.0")->resource[PCI_BRIDGE_PREF_MEM_WINDOW], 0x8000200000, 0x80003fffff);
	/* the default NIC on pcie.0 after the port's windows: its I/O BAR above the port's 16K */
	struct pci_dev *nic = pdev_of(sim, "0000:00:01.0");
	assert_res(&nic->resource[0], 0x5000, 0x501f);
	assert_res(&nic->resource[4], 0x8000400000, 0x8000403fff);
	struct pci_dev *rng = pdev_of(sim, "0000:06:00.0");
	assert_res(&rng->resource[4], 0x8000200000, 0x8000203fff);
	cr_assert_eq(cfg32(rng, PCI_BASE_ADDRESS_5), 0x80);
	cr_assert_eq(cfg32(rng, PCI_BASE_ADDRESS_4), 0x0020000c);
	iommusim_free(sim);
}

/*
 * nvme_config_caps_pcie0: a 64-bit non-prefetchable BAR on pcie.0 goes above
 * 4G too (pci_high is tried first, and the host's high window is not prefetchable)
 */
Test(pci_assign, bar64_on_root_bus)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device nvme,serial=a");
	struct pci_dev *nvme = pdev_of(sim, "0000:00:01.0");
	cr_assert(nvme->resource[0].flags & IORESOURCE_MEM_64);
	assert_res(&nvme->resource[0], 0x8000000000, 0x8000003fff);
	cr_assert_eq(cfg32(nvme, PCI_BASE_ADDRESS_0), 0x00000004);
	cr_assert_eq(cfg32(nvme, PCI_BASE_ADDRESS_1), 0x80);
	cr_assert(logged(sim, "pci 0000:00:01.0: BAR 0 [mem 0x8000000000-0x8000003fff 64bit]: assigned"));
	iommusim_free(sim);
}

/* the resource tree: first fit in address order, aligned, within [min, max] */
Test(pci_assign, allocate_resource_first_fit)
{
	struct resource root = { .start = 0x1000, .end = 0xffff, .flags = IORESOURCE_IO };
	struct resource a = { .flags = IORESOURCE_IO }, b = a, c = a, d = a;
	cr_assert_eq(allocate_resource(&root, &a, 0x1000, 0x1000, 0xffff, 0x1000), 0);
	cr_assert_eq(a.start, 0x1000);
	cr_assert_eq(allocate_resource(&root, &b, 0x20, 0x1000, 0xffff, 0x20), 0);
	cr_assert_eq(b.start, 0x2000);
	/* a 4K-aligned one skips the rest of the 0x2000 page */
	cr_assert_eq(allocate_resource(&root, &c, 0x1000, 0x1000, 0xffff, 0x1000), 0);
	cr_assert_eq(c.start, 0x3000);
	/* the gap b left behind is found again once c is placed after it */
	cr_assert_eq(allocate_resource(&root, &d, 0x40, 0x1000, 0xffff, 0x40), 0);
	cr_assert_eq(d.start, 0x2040);
	/* too big: -EBUSY, the resource untouched */
	struct resource e = { .start = 7, .end = 8, .flags = IORESOURCE_IO };
	cr_assert_eq(allocate_resource(&root, &e, 0x10000, 0, ~0ULL, 0x1000), -EBUSY);
	cr_assert_eq(e.start, 7);
	cr_assert_null(e.parent);
	/* release frees the range for the next first fit */
	release_resource(&a);
	cr_assert_null(a.parent);
	struct resource f = { .flags = IORESOURCE_IO };
	cr_assert_eq(allocate_resource(&root, &f, 0x800, 0, ~0ULL, 0x800), 0);
	cr_assert_eq(f.start, 0x1000);
}

/* %pR as 6.1 prints it */
Test(pci_assign, resource_text)
{
	char buf[80];
	struct resource io = { .start = 0x1000, .end = 0x1fff, .flags = IORESOURCE_IO };
	cr_assert_str_eq(resource_str(&io, buf, sizeof(buf)), "[io  0x1000-0x1fff]");
	struct resource pref = { .start = 0x8000000000, .end = 0x80001fffff,
				 .flags = IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_MEM_64 };
	cr_assert_str_eq(resource_str(&pref, buf, sizeof(buf)), "[mem 0x8000000000-0x80001fffff 64bit pref]");
	struct resource unset = { .start = 0x1000, .end = 0x1fff, .flags = IORESOURCE_IO | IORESOURCE_UNSET };
	cr_assert_str_eq(resource_str(&unset, buf, sizeof(buf)), "[io  size 0x1000]");
	struct resource small = { .start = 0, .end = 0xfff, .flags = IORESOURCE_MEM };
	cr_assert_str_eq(resource_str(&small, buf, sizeof(buf)), "[mem 0x00000000-0x00000fff]");
}

/*
 * assign_io_exhausted: 16 hotplug root ports each want a 4K I/O window and
 * virt's I/O space holds 15 above PCIBIOS_MIN_IO; the 16th port and the
 * I/O BARs (one behind it, one on pcie.0 after the windows) get none
 */
Test(pci_assign, io_space_exhausted)
{
	char args[2048] = "-M virt,iommu=smmuv3 -nic none";
	for (int i = 1; i <= 16; i++) {
		size_t n = strlen(args);
		snprintf(args + n, sizeof(args) - n, " -device pcie-root-port,id=rp%d,chassis=%d", i, i);
	}
	strcat(args, " -device e1000e,bus=rp16 -device e1000e,bus=pcie.0");
	struct iommusim *sim = boot_ok(args);
	assert_res(&pdev_of(sim, "0000:00:0f.0")->resource[PCI_BRIDGE_IO_WINDOW], 0xf000, 0xffff);
	struct pci_dev *rp16 = pdev_of(sim, "0000:00:10.0");
	cr_assert(logged(sim, "pci 0000:00:10.0: bridge window [io  size 0x1000]: can't assign; no space"));
	cr_assert(logged(sim, "pci 0000:00:10.0: bridge window [io  size 0x1000]: failed to assign"));
	cr_assert(logged(sim, "pci 0000:00:11.0: BAR 2 [io  size 0x0020]: can't assign; no space"));
	cr_assert(logged(sim, "pci 0000:10:00.0: BAR 2 [io  size 0x0020]: failed to assign"));
	/* the window is gone: pci_setup_bridge() turns the range off (base 0xf0 above limit 0) and says nothing */
	cr_assert_eq(rp16->resource[PCI_BRIDGE_IO_WINDOW].flags, 0);
	cr_assert_eq(cfg16(rp16, PCI_IO_BASE) & 0xf0f0, 0x00f0);
	cr_assert_eq(cfg32(rp16, PCI_IO_BASE_UPPER16), 0);
	cr_assert_not(logged(sim, "pci 0000:00:10.0:   bridge window [io"));
	/* its memory windows still came, and the endpoints' memory BARs */
	assert_res(&rp16->resource[PCI_BRIDGE_MEM_WINDOW], 0x11e00000, 0x11ffffff);
	struct pci_dev *e1000e = pdev_of(sim, "0000:10:00.0");
	assert_res(&e1000e->resource[0], 0x11e40000, 0x11e5ffff);
	cr_assert_eq(e1000e->resource[2].flags, 0);
	cr_assert_eq(cfg32(e1000e, PCI_BASE_ADDRESS_2), 0x1);
	/* pcieport enabled the port with memory decoding only (pci_enable_resources) */
	cr_assert(logged(sim, "pcieport 0000:00:10.0: enabling device (0000 -> 0002)"));
	iommusim_free(sim);
}

/* pci_sysfs_resource: the resource file shows each resource's bus addresses and flags */
Test(pci_assign, sysfs_resource)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
				       "-device virtio-net-pci,bus=rp1");
	char *text = NULL;
	cr_assert_gt(iommusim_sysfs_read(sim, "/sys/bus/pci/devices/0000:01:00.0/resource", &text), 0);
	/* 13 lines for an endpoint: BAR 1, the 64-bit prefetchable BAR 4, the ROM (not enabled) */
	size_t lines = 0;
	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	cr_assert_eq(lines, 13);
	cr_assert(strstr(text, "0x0000000010040000 0x0000000010040fff 0x0000000000040200\n"));
	cr_assert(strstr(text, "0x0000008000000000 0x0000008000003fff 0x000000000014220c\n"));
	cr_assert(strstr(text, "0x0000000010000000 0x000000001003ffff 0x0000000000046200\n"));
	free(text);
	/* a bridge has 17: its windows after the (absent) SR-IOV BARs */
	cr_assert_gt(iommusim_sysfs_read(sim, "/sys/bus/pci/devices/0000:00:01.0/resource", &text), 0);
	lines = 0;
	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	cr_assert_eq(lines, 17);
	cr_assert(strstr(text, "0x0000008000000000 0x00000080001fffff 0x0000000000102201\n"));
	free(text);
	iommusim_free(sim);
}
