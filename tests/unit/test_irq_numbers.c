/*
 * Linux irq numbers as 6.1 hands them out on QEMU virt: the GIC's 8 IPIs,
 * the arch timer's 4 PPIs, pl011, the PMU, pl061, the SMMU's eventq, priq and
 * gerror, pl031, then the PCI functions' INTx (pci_assign_irq() at a
 * driver's probe) and MSI-X vectors, each the lowest free number. The
 * numbers are the ones real Linux showed in /proc/interrupts and
 * /sys/bus/pci/devices/D/irq for the same command lines.
 */
#include <linux/pci_regs.h>
#include "boot_util.h"
#include "iommusim/vfio.h"
#include "drivers/irq.h"
#include "fw/of.h"
#include <libfdt.h>

#define PORTS "-nic none -device pcie-root-port,id=rp1,chassis=1 -device virtio-rng-pci,bus=rp1 " \
	      "-device pcie-root-port,id=rp2,chassis=2 -device e1000e,bus=rp2"

static char *readf(struct iommusim *sim, const char *path)
{
	char *out = NULL;
	long n = iommusim_sysfs_read(sim, path, &out);
	cr_assert_geq(n, 0, "%s: %ld", path, n);
	return out;
}

static void expect_irq_file(struct iommusim *sim, const char *dev, const char *want)
{
	char path[128];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/irq", dev);
	char *got = readf(sim, path);
	cr_assert_str_eq(got, want, "%s", path);
	free(got);
}

static void expect_desc(struct iommusim *sim, int irq, enum irq_kind kind, u32 hwirq)
{
	struct irq_desc *d = irq_to_desc(sim->k, irq);
	cr_assert_not_null(d, "irq %d is not mapped", irq);
	cr_assert_eq(d->kind, kind, "irq %d: kind %d", irq, d->kind);
	cr_assert_eq(d->hwirq, hwirq, "irq %d: hwirq %u, not %u", irq, d->hwirq, hwirq);
}

/* the interrupt line byte pci_assign_irq() wrote */
static u8 intx_line(struct iommusim *sim, const char *dev)
{
	u8 v = 0xff;
	cr_assert_eq(pci_read_config_byte(pdev_of(sim, dev), PCI_INTERRUPT_LINE, &v), 0);
	return v;
}

Test(irq_numbers, before_pci_gicv3_smmu)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3,gic-version=3 " PORTS);
	/* gic_smp_init(): SGIs 0-7 as irqs 1-8 */
	for (int i = 1; i <= 8; i++)
		expect_desc(sim, i, IRQ_KIND_IPI, (u32)i - 1);
	/* arch_timer_of_init(): secure phys, phys, virt, hyp PPIs 29, 30, 27, 26 */
	expect_desc(sim, 9, IRQ_KIND_WIRED, 29);
	expect_desc(sim, 10, IRQ_KIND_WIRED, 30);
	expect_desc(sim, 11, IRQ_KIND_WIRED, 27);
	expect_desc(sim, 12, IRQ_KIND_WIRED, 26);
	expect_desc(sim, 13, IRQ_KIND_WIRED, 33);	/* uart-pl011 */
	expect_desc(sim, 14, IRQ_KIND_WIRED, 23);	/* arm-pmu */
	expect_desc(sim, 15, IRQ_KIND_WIRED, 39);	/* pl061 */
	expect_desc(sim, 16, IRQ_KIND_WIRED, 106);	/* arm-smmu-v3-evtq */
	expect_desc(sim, 17, IRQ_KIND_WIRED, 107);	/* priq, mapped though not requested */
	expect_desc(sim, 18, IRQ_KIND_WIRED, 109);	/* arm-smmu-v3-gerror; cmdq-sync is never mapped */
	expect_desc(sim, 19, IRQ_KIND_WIRED, 34);	/* rtc-pl031 */
	/* the ports probe at late_initcall (deferred for the SMMU): INTx then the MSI-X vector */
	expect_irq_file(sim, "0000:00:01.0", "20\n");
	expect_desc(sim, 21, IRQ_KIND_MSI, 0);
	expect_irq_file(sim, "0000:00:02.0", "22\n");
	/* virtio-rng swizzles onto rp1's line; e1000e has no driver: never assigned */
	expect_irq_file(sim, "0000:01:00.0", "20\n");
	expect_irq_file(sim, "0000:02:00.0", "0\n");
	expect_irq_file(sim, "0000:00:00.0", "0\n");
	cr_assert_eq(intx_line(sim, "0000:00:01.0"), 20);
	cr_assert_eq(intx_line(sim, "0000:01:00.0"), 20);
	cr_assert_eq(intx_line(sim, "0000:02:00.0"), 0);
	/* virtio0-config and virtio0-input after modprobe virtio_rng */
	expect_desc(sim, 24, IRQ_KIND_MSI, 0);
	expect_desc(sim, 25, IRQ_KIND_MSI, 1);
	cr_assert_null(irq_to_desc(sim->k, 26));
	iommusim_free(sim);
}

Test(irq_numbers, no_smmu_ports_before_rtc)
{
	/* without an IOMMU pcieport probes at pci-host-generic's probe, before drivers/rtc */
	struct iommusim *sim = boot_ok("-M virt,its=off " PORTS);
	expect_irq_file(sim, "0000:00:01.0", "16\n");
	expect_irq_file(sim, "0000:00:02.0", "18\n");
	expect_irq_file(sim, "0000:01:00.0", "16\n");
	/* GICv2m: the port's MSI is an SPI */
	struct irq_desc *msi = irq_to_desc(sim->k, 17);
	cr_assert_not_null(msi);
	cr_assert_eq(msi->kind, IRQ_KIND_MSI);
	cr_assert_geq(msi->hwirq, 32u);
	expect_desc(sim, 20, IRQ_KIND_WIRED, 34);	/* rtc-pl031 after both ports */
	iommusim_free(sim);
}

Test(irq_numbers, gicv2_one_cpu_nvme_and_bridge)
{
	/* real Linux: 0 23 19 25 23 0 */
	struct iommusim *sim = boot_ok(
		"-M virt,iommu=smmuv3,gic-version=2 -smp 1 -cpu max -nic none "
		"-device pcie-root-port,id=rp1,chassis=1 -device virtio-rng-pci,bus=rp1 "
		"-device nvme,serial=x,drive=d1 -drive if=none,id=d1,file=null-co://,format=raw "
		"-device pci-bridge,chassis_nr=3,id=b1 -device e1000,bus=b1,addr=1");
	for (int i = 1; i <= 8; i++)
		expect_desc(sim, i, IRQ_KIND_IPI, (u32)i - 1);
	expect_irq_file(sim, "0000:00:01.0", "23\n");
	expect_irq_file(sim, "0000:00:02.0", "19\n");
	expect_irq_file(sim, "0000:00:03.0", "25\n");
	expect_irq_file(sim, "0000:01:00.0", "23\n");
	expect_irq_file(sim, "0000:02:01.0", "0\n");
	iommusim_free(sim);
}

Test(irq_numbers, bad_inputs)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none");
	struct kernel *k = sim->k;
	size_t before = irq_list(k, NULL, 0);
	cr_assert_eq(irq_create_ipis(k, 0), -EINVAL);
	int timer = fdt_node_offset_by_compatible(k->fdt, -1, "arm,armv8-timer");
	int smmu = fdt_node_offset_by_compatible(k->fdt, -1, "arm,smmu-v3");
	cr_assert_geq(timer, 0);
	cr_assert_geq(smmu, 0);
	/* of_property_match_string(): no interrupt-names, or no such name */
	cr_assert_eq(of_irq_get_byname(k, timer, "virt"), -EINVAL);
	cr_assert_eq(of_irq_get_byname(k, smmu, "combined"), -ENODATA);
	cr_assert_eq(of_irq_get_byname(k, smmu, NULL), -EINVAL);
	cr_assert_eq(of_irq_get(k, timer, 4), -ENXIO);
	cr_assert_eq(of_irq_get(k, -1, 0), -EINVAL);
	cr_assert_eq(irq_list(k, NULL, 0), before, "a failed look-up mapped something");
	/* a line already mapped comes back with its number */
	cr_assert_eq(of_irq_get_byname(k, smmu, "gerror"), 18);
	cr_assert_eq(of_irq_get(k, timer, 2), 11);
	cr_assert_eq(irq_list(k, NULL, 0), before);
	iommusim_free(sim);
}

Test(irq_numbers, ioh3420_plain_msi)
{
	/* real Linux: ioh3420's irq file 21 (its MSI), the next port's INTx 23 */
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3,gic-version=3 -nic none "
				       "-device ioh3420,id=rp1,chassis=1 -device virtio-rng-pci,bus=rp1 "
				       "-device pcie-root-port,id=rp2,chassis=2 -device virtio-rng-pci,bus=rp2");
	struct pci_dev *port = pdev_of(sim, "0000:00:01.0");
	cr_assert(port->msi_enabled);
	cr_assert_not(port->msix_enabled);
	/* both vectors kept: QEMU moved AER's message number to 1 once both were enabled */
	cr_assert_eq(port->msix_nvec, 2);
	cr_assert_eq(pci_irq_vector(port, 0), 21);
	cr_assert_eq(pci_irq_vector(port, 1), 22);
	cr_assert_eq(pci_irq_vector(port, 2), -EINVAL);
	expect_irq_file(sim, "0000:00:01.0", "21\n");
	/* its INTx stays the line pci_assign_irq() wrote, shared with the function below */
	cr_assert_eq(port->irq, 20);
	cr_assert_eq(intx_line(sim, "0000:00:01.0"), 20);
	expect_irq_file(sim, "0000:01:00.0", "20\n");
	u8 pos = pci_find_capability(port, PCI_CAP_ID_MSI);
	cr_assert_neq(pos, 0);
	u16 flags, cmd;
	u32 root_status;
	pci_read_config_word(port, pos + PCI_MSI_FLAGS, &flags);
	cr_assert(flags & PCI_MSI_FLAGS_ENABLE);
	cr_assert_eq((flags & PCI_MSI_FLAGS_QSIZE) >> 4, 1, "Multiple Message Enable: %#x", flags);
	pci_read_config_dword(port, port->aer_cap + PCI_ERR_ROOT_STATUS, &root_status);
	cr_assert_eq((root_status & PCI_ERR_ROOT_AER_IRQ) >> 27, 1);
	pci_read_config_word(port, PCI_COMMAND, &cmd);
	cr_assert(cmd & PCI_COMMAND_INTX_DISABLE);
	/* the message is the first vector's */
	u32 lo;
	u16 data;
	pci_read_config_dword(port, pos + PCI_MSI_ADDRESS_LO, &lo);
	pci_read_config_word(port, pos + PCI_MSI_DATA_32, &data);
	struct irq_desc *d = irq_to_desc(sim->k, 21);
	cr_assert_eq(lo, (u32)d->msg_addr);
	cr_assert_eq(data, (u16)d->msg_data);
	expect_irq_file(sim, "0000:00:02.0", "23\n");
	expect_irq_file(sim, "0000:02:00.0", "23\n");
	iommusim_free(sim);
}
