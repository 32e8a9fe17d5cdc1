/*
 * Every group's default domain is really installed in the hardware: the STE
 * of each of its streams translates through the domain's tables (DMA),
 * bypasses (identity), or aborts (a stream no master owns, disable_bypass=1).
 */
#include "boot_util.h"
#include "hw/system.h"
#include "hw/smmuv3/smmu_hw.h"
#include "pgtable/io_pgtable.h"

#define REF "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1 " \
	    "-device virtio-net-pci,bus=rp1 -device pci-bridge,id=br1,bus=pcie.0,chassis_nr=2 " \
	    "-device virtio-net-pci,bus=br1,addr=1 -device virtio-rng-pci,bus=pcie.0"

static struct smmu_hw *hw_smmu(struct iommusim *sim)
{
	return ((struct hw_system *)sim->k->hw)->smmu;
}

Test(default_domains, dma_domains_translate_through_their_tables)
{
	struct iommusim *sim = boot_ok(REF);
	struct smmu_hw *smmu = hw_smmu(sim);
	/* every stream of every group member: unmapped IOVA -> F_TRANSLATION with its SID */
	const u32 sids[] = { 0x8, 0x100, 0x10, 0x18 };
	for (size_t i = 0; i < ARRAY_SIZE(sids); i++) {
		struct smmu_event ev = { 0 };
		u64 pa;
		cr_assert_eq(smmu_hw_translate(smmu, sids[i], SMMU_NO_SSID, 0x1000, false, &pa, &ev), -EFAULT);
		cr_assert_eq(ev.type, SMMU_EVT_F_TRANSLATION, "sid %#x", sids[i]);
		cr_assert_eq(ev.sid, sids[i]);
		cr_assert_eq(ev.input_addr, 0x1000);
	}
	/* a mapping in the group's domain is seen by all its streams */
	struct iommu_domain *d = pdev_of(sim, "0000:01:00.0")->dev.iommu_group->domain;
	cr_assert_eq(d, pdev_of(sim, "0000:00:01.0")->dev.iommu_group->domain);
	cr_assert_eq(iommu_map(d, 0x200000, 0x41234000, 0x1000, IOMMU_READ | IOMMU_WRITE), 0);
	u64 pa = 0;
	cr_assert_eq(smmu_hw_translate(smmu, 0x100, SMMU_NO_SSID, 0x200123, true, &pa, NULL), 0);
	cr_assert_eq(pa, 0x41234123);
	cr_assert_eq(smmu_hw_translate(smmu, 0x8, SMMU_NO_SSID, 0x200123, false, &pa, NULL), 0);
	/* but not by another group's */
	cr_assert_eq(smmu_hw_translate(smmu, 0x18, SMMU_NO_SSID, 0x200123, false, &pa, NULL), -EFAULT);
	cr_assert_eq(iommu_unmap(d, 0x200000, 0x1000), 0x1000);
	cr_assert_eq(smmu_hw_translate(smmu, 0x100, SMMU_NO_SSID, 0x200123, false, &pa, NULL), -EFAULT,
		     "strict unmap invalidated the TLB");
	/* 02:01.0 has no master: its own stream aborts without an event */
	struct smmu_event ev = { 0 };
	cr_assert_eq(smmu_hw_translate(smmu, 0x208, SMMU_NO_SSID, 0x1000, false, &pa, &ev), -EFAULT);
	cr_assert_eq(ev.type, 0);
	iommusim_free(sim);
}

Test(default_domains, identity_domains_bypass)
{
	struct iommusim *sim = boot_ok(REF " -append iommu.passthrough=1");
	struct smmu_hw *smmu = hw_smmu(sim);
	u64 pa = 0;
	cr_assert_eq(smmu_hw_translate(smmu, 0x100, SMMU_NO_SSID, 0x41000040, true, &pa, NULL), 0);
	cr_assert_eq(pa, 0x41000040);
	struct iommu_domain *d = pdev_of(sim, "0000:01:00.0")->dev.iommu_group->domain;
	cr_assert_eq(iommu_map(d, 0x200000, 0x41234000, 0x1000, IOMMU_READ), -EINVAL,
		     "an identity domain has no page tables to map into");
	iommusim_free(sim);
}
