/*
 * DMA ownership of a group (seed 001): kernel drivers using the default
 * domain and a user-space owner exclude each other; an owner may attach its
 * own (unmanaged) domain and the device's DMA goes through it.
 */
#include "boot_util.h"
#include "drivers/device_dma.h"
#include "pgtable/io_pgtable.h"
#include "hw/system.h"

#define M "-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp,chassis=1 -device virtio-net-pci,bus=rp"

static int owner_token;

Test(dma_ownership, kernel_drivers_and_user_owner_exclude_each_other)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	struct iommu_group *g = pdev_of(sim, "0000:01:00.0")->dev.iommu_group;
	cr_assert_eq(g, pdev_of(sim, "0000:00:01.0")->dev.iommu_group);
	cr_assert_eq(g->owner_cnt, 1, "virtio-pci uses the default domain; pcieport manages DMA itself");
	cr_assert_eq(iommu_group_claim_dma_owner(g, &owner_token), -EPERM);
	cr_assert(iommu_group_dma_owner_claimed(g));

	/* the root port's pcieport does not count (6.1: driver_managed_dma) */
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0"), 0);
	cr_assert_eq(g->owner_cnt, 0);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/pcieport/unbind", "0000:00:01.0"), 0);
	cr_assert_eq(g->owner_cnt, 0);
	cr_assert_not(iommu_group_dma_owner_claimed(g));

	cr_assert_eq(iommu_group_claim_dma_owner(g, &owner_token), 0);
	cr_assert_eq(g->owner, &owner_token);
	cr_assert_not_null(g->blocking_domain);
	cr_assert_eq(g->domain, g->blocking_domain, "a user-owned group starts blocked");
	cr_assert_eq(g->blocking_domain->type, IOMMU_DOMAIN_UNMANAGED,
		     "6.1's arm-smmu-v3 has no BLOCKED domain: an empty unmanaged one stands in");
	/* a kernel driver may not bind now; vfio-pci manages DMA itself and may */
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/bind", "0000:01:00.0"), -EBUSY);
	cr_assert_null(pdev_of(sim, "0000:01:00.0")->dev.driver);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/devices/0000:01:00.0/driver_override", "vfio-pci"), 0);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers_probe", "0000:01:00.0"), 0);
	cr_assert_str_eq(pdev_of(sim, "0000:01:00.0")->dev.driver->name, "vfio-pci");

	/* giving the group back re-attaches the default domain; kernel drivers bind again */
	iommu_group_release_dma_owner(g);
	cr_assert_null(g->owner);
	cr_assert_eq(g->domain, g->default_domain);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/pcieport/bind", "0000:00:01.0"), 0);
	cr_assert_eq(g->owner_cnt, 0);
	iommusim_free(sim);
}

Test(dma_ownership, owner_attaches_its_own_domain)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	struct device *nic = &pdev_of(sim, "0000:01:00.0")->dev;
	struct iommu_group *g = nic->iommu_group;
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:01:00.0"), 0);
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/pcieport/unbind", "0000:00:01.0"), 0);
	cr_assert_eq(iommu_group_claim_dma_owner(g, &owner_token), 0);

	/* blocked: nothing gets through, not even what the default domain maps */
	u8 buf[8] = { 0 };
	cr_assert_eq(iommu_map(g->default_domain, 0x20000, 0x41000000, 0x1000, IOMMU_READ), 0);
	cr_assert_eq(device_dma(nic, 0x20000, buf, sizeof(buf), false, false), -EFAULT);

	struct iommu_domain *d = iommu_domain_alloc_type(k, &pci_bus_type, IOMMU_DOMAIN_UNMANAGED);
	cr_assert_not_null(d);
	cr_assert_eq(iommu_attach_group(d, g), 0);
	cr_assert_eq(g->domain, d);
	cr_assert_eq(iommu_map(d, 0x10000, 0x41000000, 0x1000, IOMMU_READ | IOMMU_WRITE), 0);
	const u8 bytes[8] = "userdma";
	cr_assert_eq(device_dma(nic, 0x10000, (void *)bytes, sizeof(bytes), true, false), 0);
	u8 back[8];
	cr_assert_eq(guest_mem_read(((struct hw_system *)k->hw)->mem, 0x41000000, back, sizeof(back)), 0);
	cr_assert_eq(memcmp(back, bytes, sizeof(bytes)), 0, "the device's write landed through the owner's domain");

	/* attaching a second domain while one is attached is refused */
	struct iommu_domain *d2 = iommu_domain_alloc_type(k, &pci_bus_type, IOMMU_DOMAIN_UNMANAGED);
	cr_assert_eq(iommu_attach_group(d2, g), -EBUSY);
	cr_assert_eq(g->domain, d);
	iommu_domain_free(d2);

	iommu_detach_group(d, g);
	cr_assert_eq(g->domain, g->blocking_domain, "back to blocked while still owned");
	cr_assert_eq(device_dma(nic, 0x10000, buf, sizeof(buf), false, false), -EFAULT);
	iommu_group_release_dma_owner(g);
	iommu_domain_free(d);
	cr_assert_eq(g->domain, g->default_domain);
	cr_assert_eq(device_dma(nic, 0x20000, buf, sizeof(buf), false, false), 0,
		     "the default domain's mapping works again");
	iommusim_free(sim);
}
