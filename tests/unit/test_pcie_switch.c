/*
 * PCIe switch ports, ioh3420, e1000/e1000e, qemu-xhci, ich9-ahci and
 * pxb-pcie (issue 10 item 4): their config space against real QEMU 7.2's
 * bytes, the groups and drivers Linux 6.1 gives them, QEMU's placement and
 * property checks with its messages, only device 0 scanned below every
 * kind of port, the expander's bus unseen, the NIC models of -nic/-net.
 */
#include <stdio.h>
#include <linux/pci_regs.h>
#include "config_space_util.h"

/*
 * The topology real QEMU 7.2 + Linux 6.1 dumped (od of each config file,
 * with the oracle's -smp 2 -m 1024 -cpu cortex-a57): ioh3420 00:01.0,
 * x3130-upstream 01:00.0, xio3130-downstream 02:00.0, e1000e 03:00.0,
 * e1000 00:02.0, qemu-xhci 00:03.0, ich9-ahci 00:04.0, pxb-pcie 00:05.0.
 */
#define TOPOLOGY                                                                                     \
	"-M virt,iommu=smmuv3 -smp 2 -m 1024 -cpu cortex-a57 -device ioh3420,id=rp1,chassis=1 "       \
	"-device x3130-upstream,id=up1,bus=rp1 -device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=0 " \
	"-netdev user,id=n1 -device e1000e,bus=dn1,netdev=n1 -netdev user,id=n0 -device e1000,netdev=n0 "  \
	"-device qemu-xhci -device ich9-ahci -device pxb-pcie,bus_nr=128"

/* What Linux read from /sys/bus/pci/devices/D/config; the rest is 0. */
static const struct real_config real[] = {
	{ "0000:00:01.0", 4096,
	  "8680203407041000020004060000010000000000000000000001030010200000"
	  "0010101001001100800000008000000000000000900000000000000014010200"
	  "0d00000086800000000000000000000000000000000000000000000000000000"
	  "0540130140f0ffff500000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000010604201008000000f00000011040000"
	  "000011207b000200f10140000000000000000000200030000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "010002000000000000000000302046000000000000e00000a002000000000000"
	  "0000000000000000000000000700000000000008000000000000000000000000" },
	{ "0000:01:00.0", 4096,
	  "4c10328207041000020004060000010000000000000000000102030010100000"
	  "0010101001001100800000008000000000000000900000000000000000000200"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "000000000000000000000000000000000500810040f0ffff0000000052000000"
	  "0d70000000000000000000000000000010805200008000100f00000011040000"
	  "0000110000000000000000000000000000000000000030000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "010002000000000000000000302046000000000000e00000a002000000000000" },
	{ "0000:02:00.0", 4096,
	  "4c10338207041000010004060000010000000000000000000203030010100000"
	  "0010101001001100800000008000000000000000900000000000000000000200"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "000000000000000000000000000000000500810040f0ffff0000000053000000"
	  "0d70000000000000000000000000000010806201008000100f00000000040000"
	  "000011207b000200f10140000000000000000000200030000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "010002000000000000000000302046000000000000e00000a002000000000000" },
	{ "0000:03:00.0", 4096,
	  "8680d31000001000000000020000000000000410000006100110000000000810"
	  "0000000000000000000000008680000000000000c80000000000000000010000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "1100040003000000032000000000000000000000000000000000000000000000"
	  "000000000000000001d022000000000005e08000000000000000000000000000"
	  "10a0010000800000000000001104000000001100000000000000000000000000"
	  "010002140000000000000000302046000000000000e00000a000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "03000100563412ffff0054520000000000000000000000000000000000000000" },
	{ "0000:00:02.0", 256,
	  "86800e1000000000030000020000000000002410013000000000000000000000"
	  "000000000000000000000000f41a001100000000000000000000000000010000" },
	{ "0000:00:03.0", 4096,
	  "361b0d00000010000130030c0000000004002000800000000000000000000000"
	  "000000000000000000000000f41a001100000000900000000000000000010000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "3000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000011a00f00003000000038000000000000"
	  "1000920000800000000000001104000000001100000000000000000000000000"
	  "0000000000003000000000000000000000000000000000000000000000000000" },
	{ "0000:00:04.0", 256,
	  "8680222900001000020106010000000000000000000000000000000000000000"
	  "413000000000261000000000f41a001100000000800000000000000000010000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "05a8800000000000000000000000000040000000000000000000000000000000"
	  "0000000000000000120010004800000000000000000000000000000000000000" },
	{ "0000:00:05.0", 256,
	  "361b0b000000a000000000060000000000000000000000000000000000000000"
	  "000000000000000000000000f41a001100000000000000000000000000000000" },
};

/*
 * What Linux assigned or its drivers and services set, which the model does
 * not: the command register, BAR addresses, bus numbers and bridge windows,
 * the interrupt line, the MSI registers Linux programmed (the model's
 * kernel uses MSI-X only), a port's error reporting enables (AER), slot
 * control (pciehp), AER's root command and status.
 */
static bool linux_assigned(struct iommusim *sim, const char *dev, unsigned off)
{
	bool bridge = (cfg(sim, dev, PCI_HEADER_TYPE, 1) & 0x7f) == 1;
	if (off == PCI_COMMAND || off == PCI_COMMAND + 1 || off == PCI_INTERRUPT_LINE)
		return true;
	if (off >= 0x10 && off < (bridge ? 0x1bu : 0x28u))
		return true;
	if (bridge && off >= 0x1c && off < 0x30)
		return true;
	unsigned msi = find_cap(sim, dev, PCI_CAP_ID_MSI);
	/* MSI's Message Control low byte (enable, vectors enabled), address and data */
	if (msi && off >= msi + PCI_MSI_FLAGS && off < msi + 0x18 && off != msi + PCI_MSI_FLAGS + 1)
		return true;
	unsigned exp = find_cap(sim, dev, PCI_CAP_ID_EXP);
	if (exp && bridge && (off == exp + PCI_EXP_DEVCTL || off == exp + PCI_EXP_SLTCTL ||
			      off == exp + PCI_EXP_SLTCTL + 1))
		return true;
	/* e1000e's serial number is made from the MAC QEMU assigns: not modelled (nothing reads it) */
	if (cfg(sim, dev, PCI_DEVICE_ID, 2) == 0x10d3 && off >= 0x144 && off < 0x14c)
		return true;
	uint32_t ext = 0;
	if (!iommusim_pci_config_read(sim, dev, 0x100, 2, &ext) && ext == PCI_EXT_CAP_ID_ERR &&
	    (off == 0x100 + PCI_ERR_ROOT_COMMAND || (off >= 0x100 + PCI_ERR_ROOT_STATUS && off < 0x100 + PCI_ERR_ROOT_STATUS + 4)))
		return true;
	return false;
}

Test(pcie_switch, config_space_as_real_qemu_lays_it_out)
{
	struct iommusim *sim = boot_ok(TOPOLOGY);
	unsigned bad = config_space_differences(sim, real, ARRAY_SIZE(real), linux_assigned);
	cr_assert_eq(bad, 0, "%u bytes differ", bad);
	iommusim_free(sim);
}

static void refused(const char *args, const char *want)
{
	char err[512] = "";
	struct iommusim *sim = boot_str(args, err, sizeof(err));
	cr_assert_null(sim, "%s booted", args);
	cr_assert_str_eq(err, want, "%s", args);
}

/* Each text as qemu-system-aarch64 7.2 -M virt printed it for the same options. */
Test(pcie_switch, qemus_refusals)
{
	refused("-M virt -device igb", "-device igb: 'igb' is not a valid device model name");
	refused("-M virt -device arm-smmuv3", "-device arm-smmuv3: Parameter 'driver' expects a pluggable device type");
	refused("-M virt -device x3130-upstream,id=up -device xio3130-downstream,bus=up,chassis=1 "
		"-device xio3130-downstream,bus=up,chassis=1",
		"-device xio3130-downstream,bus=up,chassis=1: Can't add chassis slot, error -16");
	refused("-M virt -device ioh3420 -device ioh3420", "-device ioh3420: Can't add chassis slot, error -16");
	/* root ports and downstream ports share the chassis/slot numbering */
	refused("-M virt -device pcie-root-port,chassis=3,slot=2,id=r -device x3130-upstream,id=u,bus=r "
		"-device xio3130-downstream,bus=u,chassis=3,slot=2",
		"-device xio3130-downstream,bus=u,chassis=3,slot=2: Can't add chassis slot, error -16");
	refused("-M virt -device pci-bridge,id=b,chassis_nr=1 -device x3130-upstream,bus=b",
		"-device x3130-upstream,bus=b: Unsupported PCI slot 0 for standard hotplug controller. "
		"Valid slots are between 1 and 31.");
	refused("-M virt -device pci-bridge,id=b,chassis_nr=1 -device pxb-pcie,bus=b",
		"-device pxb-pcie,bus=b: pxb-pcie devices cannot reside on a PCI bus");
	refused("-M virt -device pcie-root-port,id=r -device pxb-pcie,bus=r",
		"-device pxb-pcie,bus=r: PXB devices can be attached only to root bus");
	refused("-M virt -device pxb-pcie,bus_nr=5 -device pxb-pcie,bus_nr=5",
		"-device pxb-pcie,bus_nr=5: PCI: Only PCI/PCIe bridges can be plugged into pxb-pcie");
	refused("-M virt -device pxb-pcie,id=p,bus_nr=5 -device pxb-pcie,bus_nr=5,bus=pcie.0",
		"-device pxb-pcie,bus_nr=5,bus=pcie.0: Bus 5 is already in use");
	refused("-M virt -device pcie-root-port -device pxb-pcie,bus_nr=0", "-device pxb-pcie,bus_nr=0: Bus 0 is already in use");
	refused("-M virt -device pxb-pcie,numa_node=0", "-device pxb-pcie,numa_node=0: Illegal numa node 0");
	refused("-M virt -device pxb-pcie,id=p -device e1000e,bus=p",
		"-device e1000e,bus=p: PCI: Only PCI/PCIe bridges can be plugged into pxb-pcie");
	refused("-M virt -device pxb-pcie,id=p,bus_nr=5 -device pcie-root-port,chassis=3 -device e1000e",
		"-device e1000e: PCI: Only PCI/PCIe bridges can be plugged into pxb-pcie");
	refused("-M virt -device e1000,netdev=zz", "-device e1000,netdev=zz: Property 'e1000.netdev' can't find value 'zz'");
	refused("-M virt -device e1000,mac=zz", "-device e1000,mac=zz: Property 'e1000.mac' doesn't take value 'zz'");
	refused("-M virt -netdev user,id=n1 -device e1000e,netdev=n1 -device e1000,netdev=n1",
		"-device e1000,netdev=n1: Property 'e1000.netdev' can't take value 'n1', it's in use");
	refused("-M virt -device e1000e,subsys_ven=70000", "-device e1000e,subsys_ven=70000: Parameter 'subsys_ven' expects uint16_t");
	refused("-M virt -device ich9-ahci,addr=0",
		"-device ich9-ahci,addr=0: PCI: slot 0 function 0 not available for ich9-ahci, in use by gpex-root,id=(null)");
	refused("-M virt -device ich9-ahci,ahci[0]=x", "-device ich9-ahci,ahci[0]=x: Property 'ich9-ahci.ahci[0]' is not writable");
	refused("-M virt -device xio3130-downstream,hotplug=maybe",
		"-device xio3130-downstream,hotplug=maybe: Parameter 'hotplug' expects 'on' or 'off'");
	refused("-M virt,gic-version=3,its=off -device ioh3420", "-device ioh3420: MSI is not supported by interrupt controller");
	refused("-M virt,gic-version=3,its=off -device x3130-upstream",
		"-device x3130-upstream: MSI is not supported by interrupt controller");
	refused("-M virt,gic-version=3,its=off -device pcie-root-port,id=r -device x3130-upstream,bus=r",
		"-device pcie-root-port,id=r: MSI-X is not supported by interrupt controller");
	/* the conventional expander: never on virt */
	refused("-M virt -device pxb", "-device pxb: pxb devices cannot reside on a PCIe bus");
	refused("-M virt -device pci-bridge,id=b,chassis_nr=1 -device pxb,bus=b",
		"-device pxb,bus=b: PXB devices can be attached only to root bus");
	refused("-M virt -device pci-bridge,id=b,chassis_nr=1 -device pxb,bus=b,numa_node=0",
		"-device pxb,bus=b,numa_node=0: Illegal numa node 0");
	refused("-M virt -device pxb-pcie,id=p -device pxb,bus=p",
		"-device pxb,bus=p: PCI: Only PCI/PCIe bridges can be plugged into pxb-pcie");
	refused("-M virt -device pxb,bus_nr=300", "-device pxb,bus_nr=300: Parameter 'bus_nr' expects uint8_t");
	refused("-M virt -nic user,model=igb", "Unsupported NIC model: igb");
	refused("-M virt -nic user,model=e1000-82540em", "Unsupported NIC model: e1000-82540em");
}

/* What QEMU accepts where the checks above might wrongly refuse. */
Test(pcie_switch, qemus_acceptances)
{
	static const char *const ok[] = {
		"-M virt -device pxb-pcie,bus_nr=0",
		"-M virt -device qemu-xhci,p2=20,p3=0",
		"-M virt -device ahci -device e1000-82540em",
		"-M virt,gic-version=3,its=off -device ich9-ahci -device e1000e -device qemu-xhci",
		"-M virt -device xio3130-downstream,id=d,chassis=9 -device e1000,bus=d",
		"-M virt -device ioh3420,id=d,chassis=9 -device e1000,bus=d,addr=3",
		"-M virt -device pxb-pcie,id=p,bus_nr=255 -device pcie-root-port,id=r,chassis=3,bus=p,addr=5 "
		"-device e1000e,bus=r",
		"-M virt -device x3130-upstream,id=u -device xio3130-downstream,bus=u,id=d "
		"-device x3130-upstream,bus=d,id=u2 -device xio3130-downstream,bus=u2,chassis=4 -device e1000,bus=d",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		iommusim_free(boot_ok(ok[i]));
}

/*
 * pcieport: every port enabled; services (so bus mastering and an
 * interrupt) on root ports (PME), ports with a hotplug slot and, in 6.1,
 * every port with an AER capability (xio3130's ports have one).
 */
Test(pcie_switch, pcieport_services)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device ioh3420,id=rp1,chassis=1 "
				       "-device x3130-upstream,id=u1,bus=rp1 "
				       "-device xio3130-downstream,id=d1,bus=u1,chassis=2,slot=0 "
				       "-device xio3130-downstream,id=d2,bus=u1,chassis=2,slot=1,hotplug=off");
	static const struct {
		const char *dev;
		bool master;
	} ports[] = {
		{ "0000:00:02.0", true },	/* root port: PME, AER, pciehp */
		{ "0000:01:00.0", true },	/* upstream port: none, but pci_enable_bridge() for its ports */
		{ "0000:02:00.0", true },	/* downstream port with its slot: pciehp */
		{ "0000:02:01.0", true },	/* hotplug=off: still AER (6.1 gives it to every port with the capability) */
	};
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		struct pci_dev *p = pdev_of(sim, ports[i].dev);
		cr_assert_str_eq(p->dev.driver ? p->dev.driver->name : "", "pcieport", "%s", ports[i].dev);
		cr_assert_gt(p->enable_cnt, 0, "%s is enabled", ports[i].dev);
		cr_assert_eq(p->is_busmaster, ports[i].master, "%s", ports[i].dev);
	}
	/* no ACS anywhere below the ioh3420: one group */
	int g = group_of(sim, "0000:00:02.0");
	cr_assert_geq(g, 0);
	cr_assert_eq(group_of(sim, "0000:01:00.0"), g);
	cr_assert_eq(group_of(sim, "0000:02:01.0"), g);
	iommusim_free(sim);
}

/* Linux scans only device 0 below a root or downstream port, whatever QEMU put at other slots. */
Test(pcie_switch, only_device_zero_below_ports)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device ioh3420,id=rp1,chassis=1 "
				       "-device virtio-rng-pci,bus=rp1,addr=0 -device virtio-rng-pci,bus=rp1,addr=2 "
				       "-device x3130-upstream,id=u,bus=pcie.0 -device xio3130-downstream,id=d,bus=u,chassis=2 "
				       "-device xio3130-downstream,id=d2,bus=u,chassis=2,slot=1 "
				       "-device e1000,bus=d,addr=1 -device e1000e,bus=d2");
	/* ioh3420 00:02.0 (bus 1), the upstream port 00:03.0 (bus 2), its ports 02:00.0 and 02:01.0 (buses 3, 4) */
	cr_assert_not_null(pci_get_by_name(sim->k, "0000:01:00.0"));
	cr_assert_null(pci_get_by_name(sim->k, "0000:01:02.0"));
	/* the upstream port's bus is no root or downstream port's: both downstream ports are found */
	cr_assert_eq(pdev_of(sim, "0000:02:00.0")->device, 0x8233);
	cr_assert_eq(pdev_of(sim, "0000:02:01.0")->device, 0x8233);
	/* below d only an e1000 at slot 1: nothing; below d2 the e1000e, no driver and no group */
	cr_assert_null(pci_get_by_name(sim->k, "0000:03:01.0"));
	struct pci_dev *e = pdev_of(sim, "0000:04:00.0");
	cr_assert_eq(e->device, 0x10d3);
	cr_assert_null(e->dev.driver);
	cr_assert_eq(group_of(sim, "0000:04:00.0"), -1);
	iommusim_free(sim);
}

/* An expander's bus takes what QEMU puts there, and Linux on the DT sees none of it. */
Test(pcie_switch, expander_bus_unseen)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device pxb-pcie,id=p,bus_nr=64 "
				       "-device pcie-root-port,id=r,chassis=1 -device virtio-rng-pci,bus=r "
				       "-device pcie-root-port,id=r2,chassis=2,bus=pcie.0");
	struct pci_dev *x = pdev_of(sim, "0000:00:02.0");
	cr_assert_eq(x->vendor, 0x1b36);
	cr_assert_eq(x->device, 0x000b);
	cr_assert_eq(x->class, 0x060000);
	cr_assert_eq(x->hdr_type, 0);
	/* r went on the expander's bus (no bus=): pcie.0 has r2 at 00:03.0, and nothing is behind the pxb */
	cr_assert_eq(pdev_of(sim, "0000:00:03.0")->device, 0x000c);
	cr_assert_null(pci_get_by_name(sim->k, "0000:00:04.0"));
	cr_assert_null(pci_get_by_name(sim->k, "0000:02:00.0"));
	cr_assert_eq(pci_get_by_name(sim->k, "0000:01:00.0"), NULL, "r2 has no device below");
	iommusim_free(sim);
}
