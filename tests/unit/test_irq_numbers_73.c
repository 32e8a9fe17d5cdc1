/*
 * Linux irq numbers on 6.1 and 7.3 side by side (the same command lines,
 * both measured on real Linux: /proc/interrupts and the PCI functions' irq
 * files). 7.3 probes the Armv8 PMU in drivers/perf, after rtc-pl031, so
 * everything mapped between (pl061, the SMMU's lines, rtc, PCI functions
 * that probe at boot) takes one number less; and 7.3's port services give
 * AER to root ports only, so a switch port without hotplug has no service,
 * allocates no MSI and its irq file reads 0. QEMU 10.0 changes nothing
 * here: 7.3 on QEMU 7.2 read the same numbers.
 */
#include <linux/pci_regs.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "drivers/irq.h"
#include "fw/of.h"
#include <libfdt.h>

/* the GIC's SPI base: DT SPI n is INTID 32 + n */
#define SPI(n) (32u + (n))

#define SWITCH                                                                                                  \
	"-M virt,iommu=smmuv3,gic-version=3 -nic none "                                                         \
	"-device pcie-root-port,id=rp1,chassis=1 -device x3130-upstream,id=up1,bus=rp1 "                         \
	"-device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=0 -device virtio-rng-pci,bus=dn1 "            \
	"-device xio3130-downstream,id=dn2,bus=up1,chassis=3,slot=1 -device virtio-net-pci,bus=dn2,netdev=n0 " \
	"-netdev user,id=n0 -device ioh3420,id=rp2,chassis=4 -device e1000,bus=rp2 "                           \
	"-device ioh3420,id=rp3,chassis=5 -device virtio-rng-pci,bus=rp3"

#define V2M                                                                                          \
	"-M virt,its=off -nic none -device pcie-root-port,id=rp1,chassis=1 -device virtio-rng-pci,bus=rp1 " \
	"-device virtio-net-pci,netdev=n0 -netdev user,id=n0 "                                       \
	"-device virtio-blk-device,drive=d0 -drive if=none,id=d0,file=null-co://,format=raw"

static void expect_irq_file(struct iommusim *sim, const char *dev, const char *want)
{
	char path[128], *got = NULL;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/irq", dev);
	cr_assert_geq(iommusim_sysfs_read(sim, path, &got), 0, "%s", path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

static void expect_wired(struct iommusim *sim, int irq, u32 intid)
{
	struct irq_desc *d = irq_to_desc(sim->k, irq);
	cr_assert_not_null(d, "irq %d is not mapped", irq);
	cr_assert_eq(d->kind, IRQ_KIND_WIRED, "irq %d: kind %d", irq, d->kind);
	cr_assert_eq(d->hwirq, intid, "irq %d: INTID %u, not %u", irq, d->hwirq, intid);
}

/* the irq a wired INTID was given, 0 when it is not mapped */
static int irq_of_intid(struct iommusim *sim, u32 intid)
{
	struct irq_desc *all[256];
	size_t n = irq_list(sim->k, all, 256);
	for (size_t i = 0; i < n && i < 256; i++)
		if (all[i]->kind == IRQ_KIND_WIRED && all[i]->hwirq == intid)
			return all[i]->irq;
	return 0;
}

/* The platform devices' lines before PCI, as each kernel's /proc/interrupts showed them (switch case) */
Test(irq_numbers_73, platform_lines_per_kernel)
{
	struct iommusim *k61 = boot_on(SWITCH, LINUX61_QEMU10), *k73 = boot_on(SWITCH, LINUX73);
	/* both: SGIs 1-8, the timer's PPIs 9-12 (virt PPI 27 at 11), uart-pl011 13 */
	struct iommusim *both[] = { k61, k73 };
	for (int i = 0; i < 2; i++) {
		for (int irq = 1; irq <= 8; irq++)
			cr_assert_eq(irq_to_desc(both[i]->k, irq)->kind, IRQ_KIND_IPI);
		expect_wired(both[i], 11, 27);
		expect_wired(both[i], 13, SPI(1));
	}
	/* 6.1: arm-pmu 14, pl061 15, evtq 16, priq 17, gerror 18, rtc-pl031 19 */
	expect_wired(k61, 14, 23);
	expect_wired(k61, 15, SPI(7));
	expect_wired(k61, 16, SPI(74));
	expect_wired(k61, 17, SPI(75));
	expect_wired(k61, 18, SPI(77));
	expect_wired(k61, 19, SPI(2));
	/* 7.3: pl061 14, evtq 15, priq 16, gerror 17, rtc-pl031 18, arm-pmu 19 */
	expect_wired(k73, 14, SPI(7));
	expect_wired(k73, 15, SPI(74));
	expect_wired(k73, 16, SPI(75));
	expect_wired(k73, 17, SPI(77));
	expect_wired(k73, 18, SPI(2));
	expect_wired(k73, 19, 23);
	/* the ports probe at late_initcall on both, after the PMU: the first INTx is 20 either way */
	expect_irq_file(k61, "0000:00:01.0", "20\n");
	expect_irq_file(k73, "0000:00:01.0", "20\n");
	iommusim_free(k61);
	iommusim_free(k73);
}

/* Real Linux: 6.1 0 20 23 26 28 29 30 20 22 0 25; 7.3 0 20 23 26 0 28 29 20 22 0 25 */
Test(irq_numbers_73, switch_upstream_port_has_no_service_on_73)
{
	struct iommusim *k61 = boot_on(SWITCH, LINUX61), *k73 = boot_on(SWITCH, LINUX73);
	static const char *const devs[] = { "0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:00:03.0",
					    "0000:01:00.0", "0000:02:00.0", "0000:02:01.0", "0000:03:00.0",
					    "0000:04:00.0", "0000:05:00.0", "0000:06:00.0" };
	static const char *const want61[] = { "0\n",  "20\n", "23\n", "26\n", "28\n", "29\n",
					      "30\n", "20\n", "22\n", "0\n",  "25\n" };
	static const char *const want73[] = { "0\n",  "20\n", "23\n", "26\n", "0\n", "28\n",
					      "29\n", "20\n", "22\n", "0\n", "25\n" };
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		expect_irq_file(k61, devs[i], want61[i]);
		expect_irq_file(k73, devs[i], want73[i]);
	}
	/* 6.1's upstream port enabled MSI for an AER service no driver takes; 7.3's found no service */
	struct pci_dev *up61 = pdev_of(k61, "0000:01:00.0"), *up73 = pdev_of(k73, "0000:01:00.0");
	cr_assert(up61->msi_enabled || up61->msix_enabled);
	cr_assert_not(up73->msi_enabled || up73->msix_enabled);
	cr_assert_eq(up73->irq, 0, "a function with no pin keeps irq 0");
	/* bound all the same and enabled (pcie_port_device_register() enables before it looks) */
	cr_assert_not_null(up73->dev.driver);
	u16 cmd = 0;
	pci_read_config_word(up73, PCI_COMMAND, &cmd);
	cr_assert(cmd & PCI_COMMAND_MEMORY);
	/* the downstream ports keep hotplug on both kernels: an MSI each */
	cr_assert(pdev_of(k73, "0000:02:00.0")->msi_enabled);
	iommusim_free(k61);
	iommusim_free(k73);
}

/* A downstream port with hotplug=off: 6.1 AER's MSI, 7.3 nothing (real Linux: irq_numbers_mixed's 05:00.0) */
Test(irq_numbers_73, downstream_port_without_hotplug)
{
	const char *args = "-M virt,iommu=smmuv3,gic-version=3 -nic none "
			   "-device pcie-root-port,id=rp3,chassis=3 -device x3130-upstream,id=up,bus=rp3 "
			   "-device xio3130-downstream,id=dn,bus=up,chassis=4,slot=0,hotplug=off "
			   "-device virtio-rng-pci,bus=dn";
	struct iommusim *k61 = boot_on(args, LINUX61), *k73 = boot_on(args, LINUX73);
	struct pci_dev *dn61 = pdev_of(k61, "0000:02:00.0"), *dn73 = pdev_of(k73, "0000:02:00.0");
	cr_assert(dn61->msi_enabled);
	cr_assert_not(dn73->msi_enabled || dn73->msix_enabled);
	expect_irq_file(k73, "0000:02:00.0", "0\n");
	expect_irq_file(k73, "0000:01:00.0", "0\n");
	/* the endpoint below still swizzles onto the root port's line */
	char want[16];
	snprintf(want, sizeof(want), "%d\n", pdev_of(k73, "0000:00:01.0")->irq);
	expect_irq_file(k73, "0000:03:00.0", want);
	iommusim_free(k61);
	iommusim_free(k73);
}

/* No IOMMU, GICv2m: the ports probe at boot; real Linux 6.1 0 16 19 16, 7.3 0 15 17 15 */
Test(irq_numbers_73, v2m_ports_at_boot)
{
	struct iommusim *k61 = boot_on(V2M, LINUX61), *k73 = boot_on(V2M, LINUX73);
	expect_irq_file(k61, "0000:00:01.0", "16\n");
	expect_irq_file(k61, "0000:00:02.0", "19\n");
	expect_irq_file(k61, "0000:01:00.0", "16\n");
	expect_irq_file(k73, "0000:00:01.0", "15\n");
	expect_irq_file(k73, "0000:00:02.0", "17\n");
	expect_irq_file(k73, "0000:01:00.0", "15\n");
	/* 7.3's /proc/interrupts: rtc-pl031 18, arm-pmu 19 (virtio-pci is built in: 00:02.0's INTx at 17 before them) */
	expect_wired(k73, 18, SPI(2));
	expect_wired(k73, 19, 23);
	cr_assert_eq(irq_of_intid(k61, 23), 14);
	iommusim_free(k61);
	iommusim_free(k73);
}

/* The kernel decides, not QEMU: 7.3 on QEMU 7.2 read what it read on 10.0 */
Test(irq_numbers_73, same_on_qemu_72)
{
	struct iommusim *a = boot_on(SWITCH, LINUX73), *b = boot_on(SWITCH, LINUX73_QEMU72);
	struct irq_desc *da[256], *db[256];
	size_t na = irq_list(a->k, da, 256), nb = irq_list(b->k, db, 256);
	cr_assert_eq(na, nb);
	for (size_t i = 0; i < na && i < 256; i++) {
		cr_assert_eq(da[i]->irq, db[i]->irq);
		cr_assert_eq(da[i]->kind, db[i]->kind, "irq %d", da[i]->irq);
		if (da[i]->kind == IRQ_KIND_WIRED)
			cr_assert_eq(da[i]->hwirq, db[i]->hwirq, "irq %d", da[i]->irq);
	}
	expect_irq_file(b, "0000:01:00.0", "0\n");
	iommusim_free(a);
	iommusim_free(b);
}

/* Bad look-ups on 7.3: the errors of_irq_get() gives, nothing mapped; a mapped line keeps its (7.3) number */
Test(irq_numbers_73, bad_inputs)
{
	struct iommusim *sim = boot_on("-M virt,iommu=smmuv3 -nic none", LINUX73);
	struct kernel *k = sim->k;
	size_t before = irq_list(k, NULL, 0);
	int pmu = fdt_node_offset_by_compatible(k->fdt, -1, "arm,armv8-pmuv3");
	int smmu = fdt_node_offset_by_compatible(k->fdt, -1, "arm,smmu-v3");
	cr_assert_geq(pmu, 0);
	cr_assert_geq(smmu, 0);
	cr_assert_eq(of_irq_get(k, pmu, 1), -ENXIO);
	cr_assert_eq(of_irq_get_byname(k, pmu, "pmu"), -EINVAL);
	cr_assert_eq(of_irq_get_byname(k, smmu, "combined"), -ENODATA);
	cr_assert_eq(irq_create_ipis(k, 0), -EINVAL);
	cr_assert_eq(irq_create_wired(k, 15), -EINVAL);
	cr_assert_eq(irq_create_wired(k, 1020), -EINVAL);
	cr_assert_eq(irq_list(k, NULL, 0), before, "a failed look-up mapped something");
	cr_assert_eq(of_irq_get_byname(k, smmu, "gerror"), 17);
	cr_assert_eq(of_irq_get(k, pmu, 0), 19);
	cr_assert_eq(irq_list(k, NULL, 0), before);
	iommusim_free(sim);
}
