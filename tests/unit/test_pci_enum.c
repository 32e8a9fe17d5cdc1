/* PCI enumeration (bus numbers depth first, IDs, types) and DMA aliases. */
#include "boot_util.h"

#define RP "-M virt,iommu=smmuv3 -nic none "

Test(pci_enum, bus_numbers_go_depth_first)
{
	/* rp1 -> pcie-pci-bridge -> pci-bridge -> endpoint; rp2 -> endpoint */
	struct iommusim *sim = boot_ok(RP "-device pcie-root-port,id=rp1,chassis=1 "
				       "-device pcie-pci-bridge,id=pb,bus=rp1 "
				       "-device pci-bridge,id=br,bus=pb,addr=1,chassis_nr=2 "
				       "-device virtio-net-pci,bus=br,addr=3 "
				       "-device pcie-root-port,id=rp2,chassis=3 "
				       "-device virtio-rng-pci,bus=rp2");
	struct pci_dev *rp1 = pdev_of(sim, "0000:00:01.0");
	struct pci_dev *rp2 = pdev_of(sim, "0000:00:02.0");
	cr_assert_eq(rp1->subordinate->number, 1);
	cr_assert_eq(rp1->subordinate->busn_end, 3, "rp1's subtree ends at bus 3");
	cr_assert_eq(pdev_of(sim, "0000:01:00.0")->subordinate->number, 2);
	cr_assert_eq(pdev_of(sim, "0000:02:01.0")->subordinate->number, 3);
	/* rp2 comes after rp1's whole subtree */
	cr_assert_eq(rp2->subordinate->number, 4);
	struct pci_dev *net = pdev_of(sim, "0000:03:03.0");
	struct pci_dev *rng = pdev_of(sim, "0000:04:00.0");
	cr_assert_eq(net->vendor, 0x1af4);
	cr_assert_eq(net->device, 0x1000, "transitional below a conventional bridge");
	cr_assert_eq(rng->device, 0x1044, "modern below a root port");
	cr_assert_eq(rp1->pcie_type, HW_PCIE_ROOT_PORT);
	cr_assert_eq(pdev_of(sim, "0000:01:00.0")->pcie_type, HW_PCIE_PCI_BRIDGE);
	cr_assert_eq(pdev_of(sim, "0000:02:01.0")->pcie_type, HW_PCIE_NONE);
	cr_assert_eq(rng->pcie_type, HW_PCIE_ENDPOINT);
	iommusim_free(sim);
}

struct alias_list {
	u16 ids[8];
	const struct pci_dev *devs[8];
	int n;
};

static int collect(struct pci_dev *pdev, u16 alias, void *data)
{
	struct alias_list *l = data;
	l->devs[l->n] = pdev;
	l->ids[l->n++] = alias;
	return 0;
}

Test(pci_enum, dma_aliases_follow_the_bridges)
{
	struct iommusim *sim = boot_ok(RP "-device pcie-root-port,id=rp1,chassis=1 "
				       "-device pcie-pci-bridge,id=pb,bus=rp1 "
				       "-device pci-bridge,id=br,bus=pb,addr=1,chassis_nr=2 "
				       "-device virtio-net-pci,bus=br,addr=3");
	struct alias_list l = { 0 };
	pci_for_each_dma_alias(pdev_of(sim, "0000:03:03.0"), collect, &l);
	/* itself, the conventional bridge's own ID, the PCIe-to-PCI bridge's
	 * (secondary bus, devfn 0); the root port adds nothing */
	cr_assert_eq(l.n, 3);
	cr_assert_eq(l.ids[0], 0x0318);
	cr_assert_eq(l.ids[1], 0x0208);
	cr_assert_eq(l.ids[2], 0x0200);
	cr_assert_eq(l.devs[2], pdev_of(sim, "0000:01:00.0"));

	memset(&l, 0, sizeof(l));
	pci_for_each_dma_alias(pdev_of(sim, "0000:01:00.0"), collect, &l);
	cr_assert_eq(l.n, 1, "a PCIe function below a root port has only its own ID");
	cr_assert_eq(l.ids[0], 0x0100);
	iommusim_free(sim);
}

Test(pci_enum, multifunction_and_only_one_child)
{
	struct iommusim *sim = boot_ok(RP "-device virtio-rng-pci,addr=5.0,multifunction=on "
				       "-device virtio-net-pci,addr=5.3 "
				       "-device pcie-root-port,id=rp,chassis=1,addr=6 "
				       "-device virtio-rng-pci,bus=rp,addr=2");
	cr_assert(pdev_of(sim, "0000:00:05.0")->multifunction);
	cr_assert(pdev_of(sim, "0000:00:05.3")->multifunction);
	/* a root port has one link partner: Linux only scans device 0 below it */
	cr_assert_null(pci_get_by_name(sim->k, "0000:01:02.0"));
	iommusim_free(sim);
}

Test(pci_enum, acs_stays_off_for_boot_time_functions)
{
	struct iommusim *sim = boot_ok(RP "-device pcie-root-port,id=rp,chassis=1 "
				       "-device virtio-rng-pci,bus=rp");
	struct pci_dev *rp = pdev_of(sim, "0000:00:01.0");
	cr_assert_eq(rp->acs_cap, 0x148, "QEMU's root port has the ACS capability after AER");
	u16 ctrl = 0xffff;
	pci_read_config_word(rp, rp->acs_cap + 6, &ctrl);
	cr_assert_eq(ctrl, 0, "6.1 on DT requests ACS only at the first probe");
	cr_assert_not(pci_acs_enabled(rp, REQ_ACS_FLAGS));
	cr_assert(rp->bus->host->acs_requested, "of_iommu_configure requested it since");
	iommusim_free(sim);
}

Test(pci_enum, bridge_windows_logged_children_first)
{
	/* pci_bus_assign_resources(): a bridge is set up after everything below it */
	struct iommusim *sim = boot_ok(RP "-device pcie-root-port,id=rp1,chassis=1 "
				       "-device pcie-pci-bridge,id=pb,bus=rp1 "
				       "-device pci-bridge,id=br,bus=pb,addr=1,chassis_nr=2 "
				       "-device pcie-root-port,id=rp2,chassis=3");
	const char *want[] = {
		"pci 0000:02:01.0: PCI bridge to [bus 03]",
		"pci 0000:01:00.0: PCI bridge to [bus 02-03]",
		"pci 0000:00:01.0: PCI bridge to [bus 01-03]",
		"pci 0000:00:02.0: PCI bridge to [bus 04]",
	};
	size_t at = 0;
	for (size_t w = 0; w < ARRAY_SIZE(want); w++) {
		size_t i = at;
		while (i < klog_count(&sim->k->log) && strcmp(klog_line(&sim->k->log, i), want[w]))
			i++;
		cr_assert_lt(i, klog_count(&sim->k->log), "missing or out of order: %s", want[w]);
		at = i + 1;
	}
	iommusim_free(sim);
}

/* index of the first log line containing s, or -1 */
static long log_find(struct iommusim *sim, const char *s)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), s))
			return (long)i;
	return -1;
}

Test(pci_enum, unconfigured_bridges_are_reported_per_bus_before_their_children)
{
	struct iommusim *sim = boot_ok(RP "-device pcie-root-port,id=rp1,chassis=1 "
				       "-device pcie-pci-bridge,id=pb,bus=rp1 "
				       "-device virtio-net-pci,bus=pb,addr=3");
	long rp = log_find(sim, "pci 0000:00:01.0: bridge configuration invalid ([bus 00-00]), reconfiguring");
	long pb = log_find(sim, "pci 0000:01:00.0: bridge configuration invalid ([bus 00-00]), reconfiguring");
	long pb_found = log_find(sim, "pci 0000:01:00.0: [1b36:000e] type 01");
	long nic_found = log_find(sim, "pci 0000:02:03.0: [1af4:1000] type 00");
	cr_assert(rp >= 0 && pb >= 0 && pb_found >= 0 && nic_found >= 0);
	/* pass 0 of bus 0 comes before bus 1 is scanned; bus 1's pass 0 before bus 2 */
	cr_assert_lt(rp, pb_found);
	cr_assert_lt(pb_found, pb);
	cr_assert_lt(pb, nic_found);
	iommusim_free(sim);
}
