/*
 * PCI enumeration per kernel and per QEMU, side by side on the same machine:
 * 7.3 names each function's type on its header line, logs what a bridge
 * forwards while it is scanned and a link's default ASPM states; both
 * kernels enable Extended Tags where QEMU (9.2+, not for virt-9.1 and older)
 * offers them and report a function whose path up is narrower than its
 * link. What real Linux printed is in tests/linux/ (6.1 on 7.2) and
 * tests/linux/linux-7.3_qemu-10.0/ (rp_chassis_slot, switch_two_level,
 * bridge_chain_behind_rp, nvme_behind_pcie_pci_bridge, nvme_bridge_stream_taken,
 * libvirt_json_null_disk).
 */
#include <linux/pci_regs.h>
#include "boot_util.h"

/* a root port with an endpoint, a switch with two downstream ports, a pci-bridge, nvme on pcie.0 */
#define MIX "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1,addr=1 " \
	    "-device virtio-rng-pci,bus=rp1 -device pcie-root-port,id=rp2,chassis=2,addr=2 " \
	    "-device x3130-upstream,id=up,bus=rp2 -device xio3130-downstream,id=dn,bus=up,chassis=3,slot=0 " \
	    "-device pci-bridge,id=br,chassis_nr=4,addr=3 -device virtio-rng-pci,bus=br,addr=1 " \
	    "-drive if=none,id=nv,file=null-co://,format=raw -device nvme,drive=nv,serial=a,addr=4"

Test(pci_73_enum, header_line_names_the_type_on_73)
{
	struct iommusim *a = boot_on(MIX, LINUX61), *b = boot_on(MIX, LINUX73);
	cr_expect_geq(log_line_equal(a, "pci 0000:00:01.0: [1b36:000c] type 01 class 0x060400"), 0);
	cr_expect_eq(log_count(a, "PCIe Root Port"), 0);
	static const char *const lines[] = {
		"pci 0000:00:00.0: [1b36:0008] type 00 class 0x060000 conventional PCI endpoint",
		"pci 0000:00:01.0: [1b36:000c] type 01 class 0x060400 PCIe Root Port",
		"pci 0000:00:03.0: [1b36:0001] type 01 class 0x060400 conventional PCI bridge",
		"pci 0000:00:04.0: [1b36:0010] type 00 class 0x010802 PCIe Root Complex Integrated Endpoint",
		"pci 0000:01:00.0: [1af4:1044] type 00 class 0x00ff00 PCIe Endpoint",
		"pci 0000:02:00.0: [104c:8232] type 01 class 0x060400 PCIe Switch Upstream Port",
		"pci 0000:03:00.0: [104c:8233] type 01 class 0x060400 PCIe Switch Downstream Port",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		cr_expect_geq(log_line_equal(b, lines[i]), 0, "7.3 lacks '%s'", lines[i]);
	iommusim_free(a);
	iommusim_free(b);
}

Test(pci_73_enum, bridge_windows_at_scan_on_73)
{
	struct iommusim *a = boot_on(MIX, LINUX61), *b = boot_on(MIX, LINUX73);
	cr_expect_eq(log_count(a, "PCI bridge to [bus 00]"), 0);
	/* a root port's windows are off at power-on (rp_reset): only the bus line */
	long rp = log_line_equal(b, "pci 0000:00:01.0: PCI bridge to [bus 00]");
	cr_assert_geq(rp, 0);
	cr_expect_eq(log_count(b, "pci 0000:00:01.0:   bridge window [io  0x0000-0x0fff]"), 0);
	/* a pci-bridge's registers are 0: each window reads [0, granule) */
	long br = log_line_equal(b, "pci 0000:00:03.0: PCI bridge to [bus 00]");
	cr_assert_geq(br, 0);
	cr_expect_eq(log_line_equal(b, "pci 0000:00:03.0:   bridge window [io  0x0000-0x0fff]"), br + 1);
	cr_expect_eq(log_line_equal(b, "pci 0000:00:03.0:   bridge window [mem 0x00000000-0x000fffff]"), br + 2);
	cr_expect_eq(log_line_equal(b, "pci 0000:00:03.0:   bridge window [mem 0x00000000-0x000fffff 64bit pref]"), br + 3);
	/* the switch ports' windows are open too */
	cr_expect_geq(log_line_equal(b, "pci 0000:02:00.0:   bridge window [io  0x0000-0x0fff]"), 0);
	iommusim_free(a);
	iommusim_free(b);
}

Test(pci_73_enum, extended_tags_follow_qemu)
{
	struct iommusim *a = boot_on(MIX, LINUX61), *b = boot_on(MIX, LINUX73), *c = boot_on(MIX, LINUX61_QEMU10),
			*d = boot_on(MIX, LINUX73_QEMU72);
	/* QEMU 7.2 offers no Extended Tag: neither kernel enables it */
	cr_expect_eq(log_count(a, "enabling Extended Tags"), 0);
	cr_expect_eq(log_count(d, "enabling Extended Tags"), 0);
	/* QEMU 10.0: every PCIe function (root ports, switch ports, endpoints), on both kernels */
	static const char *const fns[] = { "0000:00:01.0", "0000:00:02.0", "0000:00:04.0",
					   "0000:01:00.0", "0000:02:00.0", "0000:03:00.0" };
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		char line[80];
		snprintf(line, sizeof(line), "pci %s: enabling Extended Tags", fns[i]);
		cr_expect_geq(log_line_equal(b, line), 0, "7.3: %s", line);
		cr_expect_geq(log_line_equal(c, line), 0, "6.1 on 10.0: %s", line);
	}
	cr_expect_eq(log_count(b, "enabling Extended Tags"), 6);
	/* the capability bit itself */
	struct pci_dev *p = pdev_of(b, "0000:01:00.0");
	u32 devcap;
	pci_read_config_dword(p, p->pcie_cap + PCI_EXP_DEVCAP, &devcap);
	cr_expect_eq(devcap & PCI_EXP_DEVCAP_EXT_TAG, PCI_EXP_DEVCAP_EXT_TAG);
	p = pdev_of(a, "0000:01:00.0");
	pci_read_config_dword(p, p->pcie_cap + PCI_EXP_DEVCAP, &devcap);
	cr_expect_eq(devcap & PCI_EXP_DEVCAP_EXT_TAG, 0);
	iommusim_free(a);
	iommusim_free(b);
	iommusim_free(c);
	iommusim_free(d);
}

Test(pci_73_enum, extended_tags_off_for_old_machine_types)
{
	/* hw_compat_9_1: x-pcie-ext-tag=false on virt-9.1 and older */
	struct iommusim *old = boot_on("-M virt-9.1,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
				       "-device virtio-rng-pci,bus=rp1", LINUX73);
	struct iommusim *new = boot_on("-M virt-9.2,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
				       "-device virtio-rng-pci,bus=rp1", LINUX73);
	cr_expect_eq(log_count(old, "enabling Extended Tags"), 0);
	cr_expect_eq(log_count(new, "enabling Extended Tags"), 2);
	iommusim_free(old);
	iommusim_free(new);
}

Test(pci_73_enum, aspm_default_states_on_73)
{
	struct iommusim *a = boot_on(MIX, LINUX61), *b = boot_on(MIX, LINUX73);
	cr_expect_eq(log_count(a, "ASPM"), 0);
	/* the root port's link, after the endpoint's own lines */
	long ep = log_line_equal(b, "pci 0000:01:00.0: enabling Extended Tags");
	cr_expect_eq(log_line_equal(b, "pci 0000:01:00.0: ASPM: default states L0s"), ep + 1);
	/* the link below rp2 ends at the upstream port; the switch's internal bus has none */
	cr_expect_geq(log_line_equal(b, "pci 0000:02:00.0: ASPM: default states L0s"), 0);
	cr_expect_eq(log_count(b, "pci 0000:03:00.0: ASPM"), 0);
	/* a link ends at the downstream port's slot: none behind it here (empty) */
	cr_expect_eq(log_count(b, "ASPM: default states"), 2);
	iommusim_free(a);
	iommusim_free(b);
}

Test(pci_73_enum, no_aspm_below_a_pcie_to_pci_bridge)
{
	struct iommusim *b = boot_on("-M virt,iommu=smmuv3 -nic none -device pcie-pci-bridge,id=ppb "
				     "-drive if=none,id=nv,file=null-co://,format=raw "
				     "-device nvme,drive=nv,serial=x,bus=ppb,addr=1", LINUX73);
	cr_expect_geq(log_line_equal(b, "pci 0000:01:01.0: enabling Extended Tags"), 0);
	cr_expect_eq(log_count(b, "ASPM"), 0);
	iommusim_free(b);
}

Test(pci_73_enum, narrow_link_reported_on_both_kernels)
{
	/* nvme (x1 2.5 GT/s) behind a conventional pci-bridge: an Unknown x0 link limits it */
	const char *args = "-M virt,iommu=smmuv3 -nic none -device pci-bridge,id=br1,chassis_nr=1 "
			   "-drive if=none,id=nv0,file=null-co://,format=raw -device nvme,drive=nv0,serial=a,bus=br1,addr=1";
	const char *line = "pci 0000:01:01.0: 0.000 Gb/s available PCIe bandwidth, limited by Unknown x0 link at "
			   "0000:00:01.0 (capable of 2.000 Gb/s with 2.5 GT/s PCIe x1 link)";
	struct iommusim *a = boot_on(args, LINUX61), *b = boot_on(args, LINUX73);
	cr_expect_geq(log_line_equal(a, line), 0);
	cr_expect_geq(log_line_equal(b, line), 0);
	iommusim_free(a);
	iommusim_free(b);
	/* behind a root port the endpoint's own link is the narrowest: nothing said */
	b = boot_on("-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
		    "-drive if=none,id=nv0,file=null-co://,format=raw -device nvme,drive=nv0,serial=a,bus=rp1", LINUX73);
	cr_expect_eq(log_count(b, "available PCIe bandwidth"), 0);
	iommusim_free(b);
}
