/*
 * When groups are made, per kernel, side by side on the same machine:
 * 6.1 probes a function's IOMMU at its first driver probe, 7.3 probes every
 * function when the SMMU registers (after ACS is turned on from
 * pci_dma_configure()), so the host bridge and driverless functions get
 * groups, root ports with ACS split from what is below them, and the
 * aliased StreamID goes to the first function in PCI list order.
 * What real Linux printed for these machines is in tests/linux/ (6.1) and
 * tests/linux/linux-7.3_qemu-10.0/ (7.3): reference_machine_gicv2,
 * rp_chassis_slot, ioh3420_hotplug_off, switch_two_level,
 * pcie_pci_bridge_then_bridge, nvme_bridge_stream_taken, group_type_change.
 */
#include "boot_util.h"

/* index of the first log line containing s at or after from, or -1 */
static long log_find(struct iommusim *sim, const char *s, size_t from)
{
	for (size_t i = from; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), s))
			return (long)i;
	return -1;
}

/* lines that start with s ("pci 0000:..." is inside "virtio-pci 0000:...") */
static int log_count_start(struct iommusim *sim, const char *s)
{
	int n = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (!strncmp(klog_line(&sim->k->log, i), s, strlen(s)))
			n++;
	return n;
}

static u16 acs_ctrl(struct iommusim *sim, const char *bdf)
{
	struct pci_dev *p = pdev_of(sim, bdf);
	cr_assert_neq(p->acs_cap, 0, "%s has no ACS capability", bdf);
	u16 v;
	pci_read_config_word(p, p->acs_cap + 6, &v);
	return v;
}

static const char *driver_of(struct iommusim *sim, const char *bdf)
{
	struct device_driver *d = pdev_of(sim, bdf)->dev.driver;
	return d ? d->name : "";
}

#define REF "-M virt,iommu=smmuv3,gic-version=2 -nic none -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1 " \
	    "-device virtio-blk-pci,bus=rp1,drive=d0 -drive if=none,id=d0,file=/dev/null,format=raw,readonly=on " \
	    "-device pci-bridge,id=br1,bus=pcie.0,chassis_nr=2 -device virtio-net-pci,bus=br1,addr=1,netdev=n0 " \
	    "-netdev user,id=n0 -device virtio-rng-pci,bus=br1,addr=2 -device virtio-rng-pci,bus=pcie.0"

Test(iommu_73, reference_machine_groups_per_kernel)
{
	struct iommusim *a = boot_on(REF, LINUX61), *b = boot_on(REF, LINUX73);
	/* bdf, 6.1's group, 7.3's group (-1: none) */
	static const struct { const char *bdf; int g61, g73; } want[] = {
		{ "0000:00:00.0", -1, 0 },	/* no driver tries the host bridge on 6.1 */
		{ "0000:00:01.0", 0, 1 },	/* the root port: ACS on 7.3 ... */
		{ "0000:01:00.0", 0, 4 },	/* ... splits it from its disk */
		{ "0000:00:02.0", 1, 2 },
		{ "0000:00:03.0", 2, 3 },
		{ "0000:02:01.0", -1, -1 },	/* aliases to the pci-bridge's StreamID */
		{ "0000:02:02.0", -1, -1 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_expect_eq(group_of(a, want[i].bdf), want[i].g61, "6.1 %s", want[i].bdf);
		cr_expect_eq(group_of(b, want[i].bdf), want[i].g73, "7.3 %s", want[i].bdf);
		/* the same drivers bind on both */
		cr_expect_str_eq(driver_of(a, want[i].bdf), driver_of(b, want[i].bdf), "%s", want[i].bdf);
	}
	/* a driverless function's group still has its default domain on 7.3 */
	struct iommu_group *hb = pdev_of(b, "0000:00:00.0")->dev.iommu_group;
	cr_assert_not_null(hb->default_domain);
	cr_assert_eq(hb->default_domain->type, IOMMU_DOMAIN_DMA);
	cr_assert_eq(hb->domain, hb->default_domain);
	cr_assert_eq(hb->owner_cnt, 0);
	iommusim_free(a);
	iommusim_free(b);
}

Test(iommu_73, adding_lines_at_smmu_registration_in_list_order)
{
	struct iommusim *a = boot_on(REF, LINUX61), *b = boot_on(REF, LINUX73);
	/* 6.1: the driver's prefix, at its probe */
	cr_assert_geq(log_find(a, "pcieport 0000:00:01.0: Adding to iommu group 0", 0), 0);
	cr_assert_geq(log_find(a, "virtio-pci 0000:01:00.0: Adding to iommu group 0", 0), 0);
	cr_assert_eq(log_count_start(a, "pci 0000:00:00.0: Adding"), 0);
	/* 7.3: the bus prefix, one line per function, right after the SMMU's queues */
	long evtq = log_find(b, "allocated 32768 entries for evtq", 0);
	cr_assert_geq(evtq, 0);
	static const char *const lines[] = {
		"pci 0000:00:00.0: Adding to iommu group 0",
		"pci 0000:00:01.0: Adding to iommu group 1",
		"pci 0000:00:02.0: Adding to iommu group 2",
		"pci 0000:00:03.0: Adding to iommu group 3",
		"pci 0000:01:00.0: Adding to iommu group 4",
		"pci 0000:02:01.0: Aliasing StreamID 0x10 (from 0000:00:02.0) unsupported, expect DMA to be broken",
		"pci 0000:02:02.0: Aliasing StreamID 0x10 (from 0000:00:02.0) unsupported, expect DMA to be broken",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		cr_expect_str_eq(klog_line(&b->k->log, evtq + 1 + i), lines[i], "line %zu", i);
	/* nothing at driver probe but the refused functions' second try */
	cr_assert_eq(log_count(b, "Adding to iommu group"), 5);
	cr_assert_eq(log_count(b, "virtio-pci 0000:02:01.0: Aliasing StreamID 0x10 (from 0000:00:02.0)"), 1);
	cr_assert_eq(log_count(b, "virtio-pci 0000:02:02.0: Aliasing StreamID 0x10 (from 0000:00:02.0)"), 1);
	cr_assert_eq(log_count(b, "already in tree"), 0);
	cr_assert_eq(log_count(a, "Aliasing"), 0);
	cr_assert_eq(log_count(a, "virtio-pci 0000:02:01.0: stream 16 already in tree from dev 0000:00:02.0"), 1);
	iommusim_free(a);
	iommusim_free(b);
}

/* QEMU's pcie-root-port has ACS (control at 0x14e), ioh3420 none */
#define RP_IOH "-M virt,iommu=smmuv3 -nic none -device ioh3420,id=p1,chassis=1 -device virtio-rng-pci,bus=p1 " \
	       "-device pcie-root-port,id=p2,chassis=2 -device virtio-rng-pci,bus=p2"

Test(iommu_73, acs_enabled_from_dma_configure_splits_root_ports)
{
	struct iommusim *a = boot_on(RP_IOH, LINUX61), *b = boot_on(RP_IOH, LINUX73);
	cr_assert_eq(pdev_of(a, "0000:00:01.0")->acs_cap, 0, "ioh3420 has no ACS");
	cr_assert_eq(acs_ctrl(a, "0000:00:02.0"), 0x0000, "6.1 never turns it on (DT)");
	cr_assert_eq(acs_ctrl(b, "0000:00:02.0"), 0x001d, "7.3: SV|RR|CR|UF, as the capability offers");
	cr_assert_eq(pdev_of(b, "0000:00:02.0")->acs_cap, 0x148);
	/* ioh3420 shares with its endpoint on both; pcie-root-port only on 6.1 */
	cr_assert_eq(group_of(a, "0000:00:01.0"), group_of(a, "0000:01:00.0"));
	cr_assert_eq(group_of(b, "0000:00:01.0"), group_of(b, "0000:01:00.0"));
	cr_assert_eq(group_of(a, "0000:00:02.0"), group_of(a, "0000:02:00.0"));
	cr_assert_neq(group_of(b, "0000:00:02.0"), group_of(b, "0000:02:00.0"));
	cr_assert_eq(group_of(b, "0000:00:00.0"), 0);
	cr_assert_eq(group_of(b, "0000:00:01.0"), 1);
	cr_assert_eq(group_of(b, "0000:01:00.0"), 1);
	cr_assert_eq(group_of(b, "0000:00:02.0"), 2);
	cr_assert_eq(group_of(b, "0000:02:00.0"), 3);
	/* the same through sysfs's config file */
	char *cfg = run(b, "od -A x -t x1 -j 0x14e -N 2 /sys/bus/pci/devices/0000:00:02.0/config\n");
	cr_assert_not_null(strstr(cfg, "1d 00"), "%s", cfg);
	free(cfg);
	iommusim_free(a);
	iommusim_free(b);
}

/* a root port, a switch without ACS, two downstream ports with an endpoint each */
#define SWITCH "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 " \
	       "-device x3130-upstream,id=up1,bus=rp1 " \
	       "-device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=0 -device virtio-rng-pci,bus=dn1 " \
	       "-device xio3130-downstream,id=dn2,bus=up1,chassis=3,slot=1 -device virtio-rng-pci,bus=dn2"

Test(iommu_73, switch_ports_without_acs)
{
	struct iommusim *a = boot_on(SWITCH, LINUX61), *b = boot_on(SWITCH, LINUX73);
	static const char *const all[] = { "0000:00:01.0", "0000:01:00.0", "0000:02:00.0",
					   "0000:02:01.0", "0000:03:00.0", "0000:04:00.0" };
	/* 6.1: one group of everything below the root port */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		cr_expect_eq(group_of(a, all[i]), 0, "6.1 %s", all[i]);
	/* 7.3: root port | upstream port | each downstream port with its endpoint */
	cr_expect_eq(group_of(b, "0000:00:00.0"), 0);
	cr_expect_eq(group_of(b, "0000:00:01.0"), 1);
	cr_expect_eq(group_of(b, "0000:01:00.0"), 2);
	cr_expect_eq(group_of(b, "0000:02:00.0"), 3);
	cr_expect_eq(group_of(b, "0000:02:01.0"), 4);
	cr_expect_eq(group_of(b, "0000:03:00.0"), 3);
	cr_expect_eq(group_of(b, "0000:04:00.0"), 4);
	iommusim_free(a);
	iommusim_free(b);
}

/* pcie-pci-bridge 00:02.0 with virtio 01:01.0 and a pci-bridge 01:03.0 with virtio 02:01.0 */
#define PPB "-M virt,iommu=smmuv3 -nic none -device pcie-pci-bridge,id=ppb,addr=2 " \
	    "-device virtio-rng-pci,bus=ppb,addr=1 -device pci-bridge,id=br,bus=ppb,addr=3,chassis_nr=2 " \
	    "-device virtio-rng-pci,bus=br,addr=1"

Test(iommu_73, alias_owner_follows_the_probe_order)
{
	struct iommusim *a = boot_on(PPB, LINUX61), *b = boot_on(PPB, LINUX73);
	/* 6.1: pcieport tries the pci-bridge 01:03.0 at boot, before virtio_pci loads: it owns 0x100 */
	cr_assert_eq(group_of(a, "0000:00:02.0"), group_of(a, "0000:01:03.0"));
	cr_assert_eq(group_of(a, "0000:01:01.0"), -1);
	cr_assert_eq(group_of(a, "0000:02:01.0"), -1);
	/* 7.3: the first function in list order behind the bridge, 01:01.0, owns it */
	cr_assert_eq(group_of(b, "0000:00:02.0"), group_of(b, "0000:01:01.0"));
	cr_assert_eq(group_of(b, "0000:01:03.0"), -1);
	cr_assert_eq(group_of(b, "0000:02:01.0"), -1);
	cr_assert_eq(log_count_start(b, "pci 0000:01:01.0: Adding to iommu group 1"), 1, "joins the bridge's group");
	cr_assert_eq(log_count_start(b, "pci 0000:01:03.0: Aliasing StreamID 0x100 (from 0000:01:01.0)"), 1);
	cr_assert_eq(log_count_start(b, "pci 0000:02:01.0: Aliasing StreamID 0x100 (from 0000:01:01.0)"), 1,
		     "the lowest of its IDs is tried first");
	/* and again at driver probe, pcieport's try of the bridge included */
	cr_assert_eq(log_count(b, "pcieport 0000:01:03.0: Aliasing StreamID 0x100 (from 0000:01:01.0)"), 1);
	cr_assert_eq(log_count(b, "virtio-pci 0000:02:01.0: Aliasing StreamID 0x100 (from 0000:01:01.0)"), 1);
	iommusim_free(a);
	iommusim_free(b);
}

#define NVME_BRIDGE "-M virt,iommu=smmuv3 -nic none -device pci-bridge,id=br1,chassis_nr=1 " \
		    "-device nvme,bus=br1,addr=1,serial=a,drive=n0 -drive if=none,id=n0,file=/dev/null,format=raw " \
		    "-device nvme,bus=br1,addr=2,serial=b,drive=n1 -drive if=none,id=n1,file=/dev/null,format=raw"

Test(iommu_73, pci_bridge_on_pcie0_takes_the_stream_of_everything_behind_it)
{
	struct iommusim *a = boot_on(NVME_BRIDGE, LINUX61), *b = boot_on(NVME_BRIDGE, LINUX73);
	cr_assert_eq(group_of(a, "0000:00:01.0"), -1, "6.1: no driver tries the bridge");
	cr_assert_eq(group_of(a, "0000:01:01.0"), 0);
	cr_assert_eq(group_of(a, "0000:01:02.0"), -1);
	cr_assert_eq(group_of(b, "0000:00:01.0"), 1);
	cr_assert_eq(group_of(b, "0000:01:01.0"), -1);
	cr_assert_eq(group_of(b, "0000:01:02.0"), -1);
	cr_assert_eq(log_count_start(b, "pci 0000:01:01.0: Aliasing StreamID 0x8 (from 0000:00:01.0)"), 1);
	cr_assert_eq(log_count_start(b, "pci 0000:01:02.0: Aliasing StreamID 0x8 (from 0000:00:01.0)"), 1);
	iommusim_free(a);
	iommusim_free(b);
}

#define TYPES "-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci -device ioh3420,id=p1,chassis=1 " \
	      "-device virtio-rng-pci,bus=p1"

Test(iommu_73, group_type_store_per_kernel)
{
	struct iommusim *a = boot_on(TYPES, LINUX61), *b = boot_on(TYPES, LINUX73);
	/* 6.1: pcieport first: the ioh3420 and its endpoint are group 0, 00:01.0 group 1 */
	char *o = run(a, "echo identity > /sys/kernel/iommu_groups/0/type\n"
			 "echo identity > /sys/kernel/iommu_groups/1/type\n"
			 "echo DMA-FQ > /sys/kernel/iommu_groups1/type\n"
			 "echo DMA-FQ > /sys/kernel/iommu_groups/1/type\n"
			 "cat /sys/kernel/iommu_groups/1/type\n");
	cr_assert_str_eq(o, "sh: write error: Invalid argument\n"
			    "sh: write error: Device or resource busy\n"
			    "sh: can't create /sys/kernel/iommu_groups1/type: nonexistent directory\n"
			    "DMA-FQ\n");
	free(o);
	cr_assert_eq(log_count(a, "iommu: Device is still bound to driver"), 1);
	cr_assert_eq(log_count(a, "iommu: Cannot change default domain: Group has more than one device"), 1);
	/*
	 * 7.3: 0 the host bridge (no driver: changes), 1 the bound virtio
	 * (-EPERM, unlogged; DMA -> DMA-FQ still), 2 the ioh3420 and its
	 * endpoint: refused while virtio-pci uses it, two members or not.
	 */
	o = run(b, "echo identity > /sys/kernel/iommu_groups/0/type\n"
		   "cat /sys/kernel/iommu_groups/0/type\n"
		   "echo identity > /sys/kernel/iommu_groups/1/type\n"
		   "echo DMA-FQ > /sys/kernel/iommu_groups/1/type\n"
		   "cat /sys/kernel/iommu_groups/1/type\n"
		   "echo identity > /sys/kernel/iommu_groups/2/type\n"
		   "echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
		   "echo identity > /sys/kernel/iommu_groups/2/type\n"
		   "cat /sys/kernel/iommu_groups/2/type\n"
		   "echo auto > /sys/kernel/iommu_groups/2/type\n"
		   "cat /sys/kernel/iommu_groups/2/type\n"
		   "echo bogus > /sys/kernel/iommu_groups/2/type\n");
	cr_assert_str_eq(o, "identity\n"
			    "sh: write error: Operation not permitted\n"
			    "DMA-FQ\n"
			    "sh: write error: Operation not permitted\n"
			    "identity\n"
			    "DMA\n"
			    "sh: write error: Invalid argument\n");
	free(o);
	cr_assert_eq(log_count(b, "iommu: Device is still bound"), 0);
	cr_assert_eq(log_count(b, "Group has more than one device"), 0);
	/* both members moved to the new domain */
	struct iommu_group *g = pdev_of(b, "0000:00:02.0")->dev.iommu_group;
	cr_assert_eq(g->ndevices, 2);
	cr_assert_eq(g->domain, g->default_domain);
	/* refused writes leave the group as it was */
	struct iommu_domain *before = g->default_domain;
	cr_assert_eq(iommu_group_store_type(g, "bogus"), -EINVAL);
	cr_assert_eq(iommu_group_store_type(g, "DMA"), 0, "already DMA: nothing to do");
	cr_assert_eq(g->default_domain, before);
	struct iommu_group *g1 = pdev_of(b, "0000:00:01.0")->dev.iommu_group;
	before = g1->default_domain;
	cr_assert_eq(iommu_group_store_type(g1, "identity"), -EPERM);
	cr_assert_eq(g1->default_domain, before);
	cr_assert_eq(g1->domain, before);
	cr_assert_eq(before->type, IOMMU_DOMAIN_DMA_FQ);
	iommusim_free(a);
	iommusim_free(b);
}

Test(iommu_73, domain_type_lines)
{
	struct iommusim *a = boot_on("-M virt,iommu=smmuv3 -nic none", LINUX61);
	struct iommusim *b = boot_on("-M virt,iommu=smmuv3 -nic none", LINUX73);
	cr_assert_geq(log_find(a, "iommu: Default domain type: Translated ", 0), 0);
	cr_assert_geq(log_find(a, "iommu: DMA domain TLB invalidation policy: strict mode ", 0), 0);
	long i = log_find(b, "iommu: Default domain type: Translated", 0);
	cr_assert_geq(i, 0);
	cr_assert_str_eq(strstr(klog_line(&b->k->log, i), "iommu:"), "iommu: Default domain type: Translated",
			 "no trailing blank");
	i = log_find(b, "iommu: DMA domain TLB invalidation policy:", 0);
	cr_assert_str_eq(strstr(klog_line(&b->k->log, i), "iommu:"),
			 "iommu: DMA domain TLB invalidation policy: strict mode");
	iommusim_free(a);
	iommusim_free(b);
	/* set on the command line: the same on both */
	a = boot_on("-M virt,iommu=smmuv3 -nic none -append iommu.passthrough=1", LINUX61);
	b = boot_on("-M virt,iommu=smmuv3 -nic none -append iommu.passthrough=1", LINUX73);
	cr_assert_geq(log_find(a, "iommu: Default domain type: Passthrough (set via kernel command line)", 0), 0);
	cr_assert_geq(log_find(b, "iommu: Default domain type: Passthrough (set via kernel command line)", 0), 0);
	cr_assert_eq(log_count(b, "TLB invalidation policy"), 0);
	cr_assert_eq(pdev_of(b, "0000:00:00.0")->dev.iommu_group->default_domain->type, IOMMU_DOMAIN_IDENTITY);
	iommusim_free(a);
	iommusim_free(b);
}

Test(iommu_73, no_iommu_no_groups_on_either)
{
	struct iommusim *b = boot_on("-M virt,iommu=none -nic none -device virtio-rng-pci", LINUX73);
	cr_assert_eq(group_of(b, "0000:00:00.0"), -1);
	cr_assert_eq(group_of(b, "0000:00:01.0"), -1);
	cr_assert_eq(log_count(b, "Adding to iommu group"), 0);
	char *o = run(b, "ls /sys/kernel/iommu_groups\n");
	cr_assert_str_eq(o, "");
	free(o);
	iommusim_free(b);
}

Test(iommu_73, vfio_pci_on_an_aliased_function)
{
	static const char script[] = "echo 0000:02:01.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
				     "echo vfio-pci > /sys/bus/pci/devices/0000:02:01.0/driver_override\n"
				     "echo 0000:02:01.0 > /sys/bus/pci/drivers_probe\n"
				     "readlink /sys/bus/pci/devices/0000:02:01.0/driver\n";
	struct iommusim *a = boot_on(REF, LINUX61), *b = boot_on(REF, LINUX73);
	char *o = run(a, script);
	free(o);
	o = run(b, script);
	free(o);
	/* no group: vfio-pci refuses it on both; each kernel says so its way */
	cr_assert_null(pdev_of(a, "0000:02:01.0")->dev.driver);
	cr_assert_null(pdev_of(b, "0000:02:01.0")->dev.driver);
	cr_assert_eq(log_count_start(a, "vfio-pci: probe of 0000:02:01.0 failed with error -22"), 1);
	cr_assert_eq(log_count(a, "probe with driver"), 0);
	cr_assert_eq(log_count_start(b, "vfio-pci 0000:02:01.0: probe with driver vfio-pci failed with error -22"), 1);
	cr_assert_eq(log_count_start(b, "vfio-pci: probe of"), 0);
	/* 7.3 tries the IOMMU again at each probe: its third Aliasing line */
	cr_assert_eq(log_count(b, "0000:02:01.0: Aliasing StreamID 0x10 (from 0000:00:02.0)"), 3);
	cr_assert_eq(log_count_start(b, "vfio-pci 0000:02:01.0: Aliasing StreamID 0x10"), 1);
	iommusim_free(a);
	iommusim_free(b);
}

/* every group at its id, members pointing back once, every grouped device a member */
static void assert_groups_consistent(struct kernel *k, int iter)
{
	struct iommu_core *c = k->iommu;
	for (size_t g = 0; c && g < c->ngroups; g++) {
		struct iommu_group *grp = c->groups[g];
		if (!grp)
			continue;
		cr_assert_eq(grp->id, (int)g, "iter %d", iter);
		cr_assert_not_null(grp->default_domain, "iter %d: group %zu has no default domain", iter, g);
		for (size_t i = 0; i < grp->ndevices; i++) {
			cr_assert_eq(grp->devices[i]->iommu_group, grp, "iter %d", iter);
			for (size_t j = 0; j < i; j++)
				cr_assert_neq(grp->devices[j], grp->devices[i], "iter %d", iter);
		}
	}
	for (size_t i = 0; i < k->ndevices; i++) {
		struct iommu_group *grp = k->devices[i]->iommu_group;
		if (!grp)
			continue;
		bool member = false;
		for (size_t j = 0; j < grp->ndevices && !member; j++)
			member = grp->devices[j] == k->devices[i];
		cr_assert(member, "iter %d: %s not in its group", iter, k->devices[i]->name);
	}
}

/*
 * Random topologies of ports, switches, bridges and endpoints on 7.3: every
 * function is probed at registration; the groups stay consistent through
 * type writes, unbinds and binds; nothing crashes (ASan/UBSan in the build).
 */
Test(iommu_73, random_topologies)
{
	static const char *const parents[] = { "rp", "ioh", "dn", "br", "pb", "pcie.0" };
	static const char *const ends[] = { "virtio-rng-pci", "virtio-net-pci,netdev=n0", "e1000e", "virtio-rng-pci,disable-legacy=on" };
	unsigned long long seed = 0x7373;
	int booted = 0;
	for (int iter = 0; iter < 24; iter++) {
		char args[2048] = "-M virt,iommu=smmuv3 -nic none -netdev user,id=n0";
		size_t len = strlen(args);
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned r = (unsigned)(seed >> 33);
		len += (size_t)snprintf(args + len, sizeof(args) - len,
					" -device pcie-root-port,id=rp,chassis=1 -device ioh3420,id=ioh,chassis=2"
					" -device x3130-upstream,id=up,bus=rp -device xio3130-downstream,id=dn,bus=up,chassis=3,slot=0"
					" -device pci-bridge,id=br,chassis_nr=4 -device pcie-pci-bridge,id=pb");
		bool netdev_used = false;
		for (int d = 0; d < 4; d++) {
			const char *p = parents[(r >> (3 * d)) % 6];
			const char *e = ends[(r >> (3 * d + 12)) % 4];
			bool conventional = !strcmp(p, "br") || !strcmp(p, "pb");
			bool one_slot = !strcmp(p, "rp") || !strcmp(p, "ioh") || !strcmp(p, "dn");
			if (strstr(e, "netdev")) {
				if (netdev_used)
					e = ends[0];
				netdev_used = true;
			}
			if (one_slot)
				len += (size_t)snprintf(args + len, sizeof(args) - len, " -device %s,bus=%s,addr=0.%d%s",
							e, p, d, d == 0 ? ",multifunction=on" : "");
			else
				len += (size_t)snprintf(args + len, sizeof(args) - len, " -device %s,bus=%s,addr=%d",
							e, p, (conventional ? 1 : 8) + d);
		}
		struct iommusim_options opts = { .linux_version = "7.3", .qemu_version = "10.0" };
		char *copy = strdup(args), *argv[128], err[256] = "";
		int argc = 0;
		for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 127; t = strtok_r(NULL, " ", &save))
			argv[argc++] = t;
		struct iommusim *sim = iommusim_boot(argc, argv, &opts, err, sizeof(err));
		free(copy);
		if (!sim)
			continue;	/* a function 0.N without 0.0 and the like: QEMU's refusal */
		booted++;
		struct kernel *k = sim->k;
		assert_groups_consistent(k, iter);
		/* the host bridge is group 0; every bus-0 function has a group */
		cr_assert_eq(group_of(sim, "0000:00:00.0"), 0, "iter %d: %s", iter, args);
		for (size_t i = 0; i < k->ndevices; i++) {
			struct device *dev = k->devices[i];
			if (dev_is_pci(dev) && to_pci_dev(dev)->bus->number == 0)
				cr_assert_not_null(dev->iommu_group, "iter %d: %s", iter, dev->name);
		}
		char script[4096] = "";
		size_t sl = 0;
		for (int g = 0; g < 12; g++) {
			static const char *const types[] = { "identity", "DMA", "DMA-FQ", "auto", "blocked" };
			sl += (size_t)snprintf(script + sl, sizeof(script) - sl, "echo %s > /sys/kernel/iommu_groups/%d/type\n",
					       types[(r + (unsigned)g) % 5], g);
		}
		for (size_t i = 0; i < k->ndevices && sl < sizeof(script) - 200; i++) {
			struct device *dev = k->devices[i];
			if (!dev_is_pci(dev) || !dev->driver || (r + i) % 3)
				continue;
			sl += (size_t)snprintf(script + sl, sizeof(script) - sl,
					       "echo %s > /sys/bus/pci/drivers/%s/unbind\n"
					       "echo identity > /sys/kernel/iommu_groups/%d/type\n"
					       "echo %s > /sys/bus/pci/drivers_probe\n",
					       dev->name, dev->driver->name, dev->iommu_group ? dev->iommu_group->id : 99,
					       dev->name);
		}
		char *o = run(sim, script);
		free(o);
		assert_groups_consistent(k, iter);
		iommusim_free(sim);
	}
	cr_assert_geq(booted, 12, "only %d of the machines booted", booted);
}
