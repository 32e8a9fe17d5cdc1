/*
 * Resource assignment per kernel, side by side: 6.1 sizes bridge windows
 * with the hotplug sizes as minimums and assigns once; 7.3 sizes with a
 * realloc list (logging each window's optional "add_size"), releases and
 * retries what does not fit, and logs every bus's resources at the end.
 * Real Linux's lines: tests/linux/ and tests/linux/linux-7.3_qemu-10.0/
 * (rp_chassis_slot, bridge_chain_behind_rp, assign_io_exhausted,
 * dt_pcie_ranges_32bit). Also QEMU 10.0's config-space defaults that show
 * in the dumps (AER masks, the slot's power indicator).
 */
#include <linux/pci_regs.h>
#include "boot_util.h"
#include "pci/setup_bus.h"

static u32 cfg32(struct iommusim *sim, const char *bdf, unsigned off)
{
	u32 v;
	pci_read_config_dword(pdev_of(sim, bdf), off, &v);
	return v;
}

#define CHAIN "-M virt,iommu=smmuv3 -device pcie-root-port,id=rp1,chassis=1 " \
	      "-device pci-bridge,id=br1,bus=rp1,chassis_nr=2 -device pci-bridge,id=br2,bus=br1,chassis_nr=3,addr=4 " \
	      "-device virtio-rng-pci,bus=br2,addr=1 -device virtio-rng-pci,bus=br1,addr=2 -device virtio-rng-pci"

Test(pci_73_assign, hotplug_io_extra_is_a_minimum_on_61_optional_on_73)
{
	struct iommusim *a = boot_on(CHAIN, LINUX61), *b = boot_on(CHAIN, LINUX73);
	/* the root port holds two bridges' 4K I/O windows: 6.1 adds its 256 hotplug bytes, 7.3 takes the larger */
	cr_expect_geq(log_line_equal(a, "pci 0000:00:02.0: bridge window [io  0x1000-0x3fff]: assigned"), 0);
	cr_expect_geq(log_line_equal(b, "pci 0000:00:02.0: bridge window [io  0x1000-0x2fff]: assigned"), 0);
	cr_expect_geq(log_line_equal(b, "pci 0000:00:01.0: BAR 0 [io  0x3000-0x301f]: assigned"), 0);
	/* the window as programmed: I/O base 0x10, limit 0x20 */
	cr_expect_eq(cfg32(b, "0000:00:02.0", PCI_IO_BASE) & 0xffff, 0x2010);
	cr_expect_eq(cfg32(a, "0000:00:02.0", PCI_IO_BASE) & 0xffff, 0x3010);
	iommusim_free(a);
	iommusim_free(b);
}

#define SLOTS "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1,slot=1 " \
	      "-device pcie-root-port,id=rp2,chassis=1,slot=2 -device virtio-rng-pci,bus=rp1"

Test(pci_73_assign, add_size_lines_and_bus_resources_on_73)
{
	struct iommusim *a = boot_on(SLOTS, LINUX61), *b = boot_on(SLOTS, LINUX73);
	cr_expect_eq(log_count(a, "add_size"), 0);
	cr_expect_eq(log_count(a, "pci_bus 0000:01: resource"), 0);
	static const char *const lines[] = {
		"pci 0000:00:01.0: bridge window [io  0x1000-0x0fff] to [bus 01] add_size 1000",
		"pci 0000:00:01.0: bridge window [mem 0x00100000-0x001fffff 64bit pref] to [bus 01] add_size 100000 "
		"add_align 100000",
		"pci 0000:00:01.0: bridge window [mem 0x00100000-0x001fffff] to [bus 01] add_size 100000 add_align 100000",
		"pci 0000:00:02.0: bridge window [mem 0x00100000-0x000fffff] to [bus 02] add_size 200000 add_align 100000",
		"pci_bus 0000:00: resource 4 [io  0x0000-0xffff]",
		"pci_bus 0000:00: resource 5 [mem 0x10000000-0x3efeffff]",
		"pci_bus 0000:01: resource 0 [io  0x1000-0x1fff]",
		"pci_bus 0000:01: resource 1 [mem 0x10000000-0x101fffff]",
		"pci_bus 0000:02: resource 2 [mem 0x8000200000-0x80003fffff 64bit pref]",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		cr_expect_geq(log_line_equal(b, lines[i]), 0, "7.3 lacks '%s'", lines[i]);
	/* the same windows on both kernels here */
	cr_expect_geq(log_line_equal(a, "pci 0000:00:02.0: bridge window [mem 0x10200000-0x103fffff]: assigned"), 0);
	cr_expect_geq(log_line_equal(b, "pci 0000:00:02.0: bridge window [mem 0x10200000-0x103fffff]: assigned"), 0);
	iommusim_free(a);
	iommusim_free(b);
}

Test(pci_73_assign, io_exhausted_releases_and_retries_on_73)
{
	char args[2048] = "-M virt,iommu=smmuv3 -nic none";
	for (int i = 1; i <= 16; i++) {
		char one[80];
		snprintf(one, sizeof(one), " -device pcie-root-port,id=rp%d,chassis=%d", i, i);
		strcat(args, one);
	}
	strcat(args, " -device e1000e,bus=rp16 -device e1000e,bus=pcie.0");
	struct iommusim *a = boot_on(args, LINUX61), *b = boot_on(args, LINUX73);
	cr_expect_eq(log_count(a, "releasing"), 0);
	cr_expect_eq(log_count(b, ": releasing"), 15);
	cr_expect_geq(log_line_equal(b, "pci 0000:00:01.0: bridge window [io  0x1000-0x1fff]: releasing"), 0);
	cr_expect_geq(log_line_equal(b, "pci 0000:00:10.0: bridge window [io  0x3000-0x4fff]: reassigned; expanded by 0x1000"),
		      0);
	cr_expect_geq(log_line_equal(b, "pci 0000:00:01.0: bridge window [io  size 0x1000]: failed to assign"), 0);
	cr_expect_geq(log_line_equal(b, "pci_bus 0000:00: Some PCI device resources are unassigned, try booting with "
				  "pci=realloc"), 0);
	cr_expect_geq(log_line_equal(b, "pci_bus 0000:01: resource 0 [io  size 0x1000]"), 0);
	/* a window that failed stays off in the bridge: base above limit */
	cr_expect_eq(cfg32(b, "0000:00:01.0", PCI_IO_BASE) & 0xffff, 0x00f0);
	iommusim_free(a);
	iommusim_free(b);
}

Test(pci_73_assign, reassign_and_release_refuse_an_unassigned_resource)
{
	struct iommusim *b = boot_on(SLOTS, LINUX73);
	struct pci_dev *p = pdev_of(b, "0000:01:00.0");
	/* the disabled ROM slot holds nothing: no address to grow or release */
	struct resource before = p->resource[PCI_ROM_RESOURCE];
	cr_assert_null(before.parent);
	size_t lines = klog_count(&b->k->log);
	cr_expect_eq(pci_reassign_resource(p, PCI_ROM_RESOURCE, 0x1000, 0x1000), -EINVAL);
	cr_expect_eq(klog_count(&b->k->log), lines + 1);
	cr_expect_not_null(strstr(klog_line(&b->k->log, lines), "can't reassign; unassigned resource"));
	pci_release_resource(p, PCI_ROM_RESOURCE);
	cr_expect_eq(klog_count(&b->k->log), lines + 1);
	cr_expect_eq(p->resource[PCI_ROM_RESOURCE].start, before.start);
	cr_expect_eq(p->resource[PCI_ROM_RESOURCE].end, before.end);
	iommusim_free(b);
}

#define AER "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 -device virtio-rng-pci,bus=rp1"

/* a function's AER register */
static u32 aer32(struct iommusim *sim, const char *bdf, unsigned reg)
{
	struct pci_dev *p = pdev_of(sim, bdf);
	cr_assert_neq(p->aer_cap, 0, "%s has no AER", bdf);
	u32 v;
	pci_read_config_dword(p, p->aer_cap + reg, &v);
	return v;
}

Test(pci_73_assign, aer_masks_per_qemu_and_kernel)
{
	struct iommusim *a = boot_on(AER, LINUX61), *b = boot_on(AER, LINUX73), *c = boot_on(AER, LINUX61_QEMU10),
			*d = boot_on(AER, LINUX73_QEMU72);
	/* QEMU 8.0+ resets the Uncorrectable Error Mask to internal errors and blocked TLP prefixes */
	cr_expect_eq(aer32(a, "0000:00:01.0", PCI_ERR_UNCOR_MASK), 0);
	cr_expect_eq(aer32(b, "0000:00:01.0", PCI_ERR_UNCOR_MASK), 0x02400000);
	cr_expect_eq(aer32(c, "0000:00:01.0", PCI_ERR_UNCOR_MASK), 0x02400000);
	cr_expect_eq(aer32(d, "0000:00:01.0", PCI_ERR_UNCOR_MASK), 0);
	/* 7.3 unmasks Advisory Non-Fatal (QEMU's reset value e000) */
	cr_expect_eq(aer32(a, "0000:00:01.0", PCI_ERR_COR_MASK), 0xe000);
	cr_expect_eq(aer32(b, "0000:00:01.0", PCI_ERR_COR_MASK), 0xc000);
	cr_expect_eq(aer32(c, "0000:00:01.0", PCI_ERR_COR_MASK), 0xe000);
	cr_expect_eq(aer32(d, "0000:00:01.0", PCI_ERR_COR_MASK), 0xc000);
	iommusim_free(a);
	iommusim_free(b);
	iommusim_free(c);
	iommusim_free(d);
	/* hw_compat_7_2: virt-7.2 on QEMU 10.0 keeps the mask at 0 */
	b = boot_on("-M virt-7.2,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
		    "-device virtio-rng-pci,bus=rp1", LINUX73);
	cr_expect_eq(aer32(b, "0000:00:01.0", PCI_ERR_UNCOR_MASK), 0);
	iommusim_free(b);
}

Test(pci_73_assign, slot_power_indicator_per_qemu)
{
	struct iommusim *a = boot_on(AER, LINUX61), *c = boot_on(AER, LINUX61_QEMU10);
	struct pci_dev *p = pdev_of(a, "0000:00:01.0");
	u16 ctl;
	pci_read_config_word(p, p->pcie_cap + PCI_EXP_SLTCTL, &ctl);
	cr_expect_eq(ctl & PCI_EXP_SLTCTL_PIC, PCI_EXP_SLTCTL_PWR_IND_ON);
	p = pdev_of(c, "0000:00:01.0");
	pci_read_config_word(p, p->pcie_cap + PCI_EXP_SLTCTL, &ctl);
	cr_expect_eq(ctl & PCI_EXP_SLTCTL_PIC, PCI_EXP_SLTCTL_PWR_IND_OFF);
	/* the power controller still powers the occupied slot */
	cr_expect_eq(ctl & PCI_EXP_SLTCTL_PCC, 0);
	iommusim_free(a);
	iommusim_free(c);
}

/* two root ports, each with a 4M ROM behind it: windows of 5M (6M on 6.1) aligned on 4M */
#define BIG_ROM "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
		"-device virtio-net-pci,bus=rp1,romsize=4194304,netdev=n1 -netdev user,id=n1 " \
		"-device pcie-root-port,id=rp2,chassis=2 -device virtio-net-pci,bus=rp2,romsize=4194304,netdev=n2 " \
		"-netdev user,id=n2"

Test(pci_73_assign, window_tail_placed_first_on_73)
{
	struct iommusim *a = boot_on(BIG_ROM, LINUX61), *b = boot_on(BIG_ROM, LINUX73);
	/* 6.1: the ROM counts in the window (6M), the second one follows it at 0x10600000 */
	cr_expect_geq(log_line_equal(a, "pci 0000:00:02.0: bridge window [mem 0x10600000-0x10bfffff]: assigned"), 0);
	/* 7.3: the ROM is optional (add_align 4M), and the second 5M window starts its 1M tail below 0x10800000 */
	cr_expect_geq(log_line_equal(b, "pci 0000:00:01.0: bridge window [mem 0x00100000-0x001fffff] to [bus 01] add_size "
				  "400000 add_align 400000"), 0);
	cr_expect_geq(log_line_equal(b, "pci 0000:00:02.0: bridge window [mem 0x10700000-0x10bfffff]: assigned"), 0);
	cr_expect_geq(log_line_equal(b, "pci 0000:02:00.0: ROM [mem 0x10800000-0x10bfffff pref]: assigned"), 0);
	iommusim_free(a);
	iommusim_free(b);
}
