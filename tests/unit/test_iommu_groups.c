/* IOMMU group rules, default domain types and stream-ID conflicts. */
#include "boot_util.h"

#define REF "-M virt,iommu=smmuv3,gic-version=3 -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1 " \
	    "-device virtio-blk-pci,bus=rp1,drive=d0 -drive if=none,id=d0,file=/dev/null,format=raw,readonly=on " \
	    "-device pci-bridge,id=br1,bus=pcie.0,chassis_nr=2 -device virtio-net-pci,bus=br1,addr=1,netdev=n0 " \
	    "-netdev user,id=n0 -device virtio-rng-pci,bus=br1,addr=2 -device virtio-rng-pci,bus=pcie.0"

Test(iommu_groups, reference_machine)
{
	struct iommusim *sim = boot_ok(REF);
	cr_assert_eq(group_of(sim, "0000:00:00.0"), -1, "no driver tries the host bridge");
	cr_assert_eq(group_of(sim, "0000:00:01.0"), 0);
	cr_assert_eq(group_of(sim, "0000:01:00.0"), 0, "no ACS on the root port");
	cr_assert_eq(group_of(sim, "0000:00:02.0"), 1, "pcieport tried it: group without driver");
	cr_assert_null(pdev_of(sim, "0000:00:02.0")->dev.driver);
	cr_assert_eq(group_of(sim, "0000:00:03.0"), 2);
	cr_assert_eq(group_of(sim, "0000:02:01.0"), -1, "its alias stream 16 is the bridge's");
	cr_assert_eq(group_of(sim, "0000:02:02.0"), -1);
	cr_assert_str_eq(pdev_of(sim, "0000:02:01.0")->dev.driver->name, "virtio-pci",
			 "the failed IOMMU probe is ignored: the driver binds");
	cr_assert_null(pdev_of(sim, "0000:02:01.0")->dev.dma_ops, "dma-direct without a group");
	cr_assert_not_null(pdev_of(sim, "0000:01:00.0")->dev.dma_ops, "dma-iommu in a DMA domain");
	struct iommu_group *g0 = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(g0->default_domain->type, IOMMU_DOMAIN_DMA);
	cr_assert_eq(g0->domain, g0->default_domain);
	cr_assert_eq(g0->owner_cnt, 2, "both kernel drivers use the default domain");
	int hits = 0;
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i),
			   "virtio-pci 0000:02:01.0: stream 16 already in tree from dev 0000:00:02.0"))
			hits++;
	cr_assert_eq(hits, 1);
	iommusim_free(sim);
}

Test(iommu_groups, default_domain_types_from_the_command_line)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device virtio-rng-pci -append iommu.passthrough=1");
	struct iommu_group *g = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(g->default_domain->type, IOMMU_DOMAIN_IDENTITY);
	cr_assert_null(pdev_of(sim, "0000:00:01.0")->dev.dma_ops, "identity: dma-direct");
	iommusim_free(sim);

	sim = boot_ok("-M virt,iommu=smmuv3 -device virtio-rng-pci -append iommu.strict=0");
	g = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(g->default_domain->type, IOMMU_DOMAIN_DMA_FQ);
	iommusim_free(sim);

	sim = boot_ok("-M virt,iommu=smmuv3 -device virtio-rng-pci -append iommu.passthrough=0~iommu.strict=1");
	g = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(g->default_domain->type, IOMMU_DOMAIN_DMA);
	iommusim_free(sim);
}

Test(iommu_groups, functions_of_a_slot_share_without_acs)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device virtio-rng-pci,addr=4.0,multifunction=on "
				       "-device virtio-net-pci,addr=4.1 -device virtio-rng-pci,addr=5");
	cr_assert_eq(group_of(sim, "0000:00:04.0"), group_of(sim, "0000:00:04.1"));
	cr_assert_neq(group_of(sim, "0000:00:04.0"), group_of(sim, "0000:00:05.0"));
	iommusim_free(sim);
}

Test(iommu_groups, pcie_to_pci_bridge_alias_shares_then_collides)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device pcie-pci-bridge,id=pb "
				       "-device virtio-net-pci,bus=pb,addr=1 -device virtio-rng-pci,bus=pb,addr=2");
	/* 01:01.0 aliases to RID 0x100 and takes the bridge's group; 01:02.0's 0x100 is taken */
	cr_assert_eq(group_of(sim, "0000:01:01.0"), group_of(sim, "0000:00:01.0"));
	cr_assert_eq(group_of(sim, "0000:01:02.0"), -1);
	iommusim_free(sim);
}

Test(iommu_groups, no_smmu_no_groups)
{
	struct iommusim *sim = boot_ok("-M virt -device virtio-rng-pci -device pcie-root-port,id=r,chassis=1");
	cr_assert_eq(iommu_core(sim->k)->ngroups, 0);
	cr_assert_str_eq(pdev_of(sim, "0000:00:02.0")->dev.driver->name, "pcieport");
	iommusim_free(sim);
}

Test(iommu_groups, group_ids_are_reused_lowest_first)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -device virtio-rng-pci -device virtio-rng-pci");
	struct kernel *k = sim->k;
	struct pci_dev *a = pdev_of(sim, "0000:00:01.0");
	cr_assert_eq(group_of(sim, "0000:00:01.0"), 0);
	cr_assert_eq(group_of(sim, "0000:00:02.0"), 1);
	device_release_driver(&a->dev);
	iommu_release_device(&a->dev);
	cr_assert_eq(group_of(sim, "0000:00:01.0"), -1);
	struct iommu_group *g = iommu_group_alloc(k);
	cr_assert_eq(g->id, 0, "the freed id comes back first");
	iommusim_free(sim);
}
