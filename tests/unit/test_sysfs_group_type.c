/*
 * Writing /sys/kernel/iommu_groups/N/type (6.1's iommu_group_store_type()):
 * the errnos and texts real Linux gave on the oracle
 * (tests/linux/group_type_change, group_type_ratelimit), and what the change
 * does below sysfs: a new default domain, the STE rewritten by arm-smmu-v3,
 * the device's DMA ops at its next probe, its DMA through the new domain.
 */
#include "boot_util.h"

#define M "-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci " \
	  "-drive if=none,id=d0,file=null-co://,format=raw " \
	  "-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on " \
	  "-device pcie-root-port,id=rp1,chassis=1 -device virtio-net-pci,bus=rp1"

#define TYPE1 "/sys/kernel/iommu_groups/1/type"

Test(sysfs_group_type, store_sequence)
{
	struct iommusim *sim = boot_ok(M);
	char *o = run(sim, "cat " TYPE1 "\n"
			   "echo identity > " TYPE1 "\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			   "echo identity > " TYPE1 "\ncat " TYPE1 "\n"
			   "echo identity > " TYPE1 "\n"
			   "echo DMA-FQ > " TYPE1 "\ncat " TYPE1 "\n"
			   "echo DMA > " TYPE1 "\ncat " TYPE1 "\n"
			   "echo DMA-FQ > " TYPE1 "\necho auto > " TYPE1 "\ncat " TYPE1 "\n"
			   "echo bogus > " TYPE1 "\n"
			   "echo \"DMA \" > " TYPE1 "\n"
			   "echo -n identity > " TYPE1 "\ncat " TYPE1 "\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/bind\n"
			   "cat " TYPE1 " /sys/bus/pci/devices/0000:00:01.0/dma_mask_bits\n"
			   "echo DMA > " TYPE1 "\necho auto > " TYPE1 "\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			   "echo DMA > " TYPE1 "\n"
			   "echo 0000:00:01.0 > /sys/bus/pci/drivers/virtio-pci/bind\n"
			   "echo DMA-FQ > " TYPE1 "\ncat " TYPE1 "\n"
			   "echo DMA-FQ > " TYPE1 "\necho DMA > " TYPE1 "\ncat " TYPE1 "\n"
			   "echo 0000:01:00.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
			   "echo 0000:00:03.0 > /sys/bus/pci/drivers/pcieport/unbind\n"
			   "echo identity > /sys/kernel/iommu_groups/0/type\n");
	cr_assert_str_eq(o, "DMA\n"
			    "sh: write error: Device or resource busy\n"
			    "identity\n"
			    "DMA-FQ\n"
			    "DMA\n"
			    "DMA\n"
			    "sh: write error: Invalid argument\n"
			    "sh: write error: Invalid argument\n"
			    "identity\n"
			    "identity\n64\n"
			    "sh: write error: Device or resource busy\n"
			    "sh: write error: Device or resource busy\n"
			    "DMA-FQ\n"
			    "sh: write error: Device or resource busy\n"
			    "sh: write error: Device or resource busy\n"
			    "DMA-FQ\n"
			    "sh: write error: Invalid argument\n");
	free(o);
	o = run(sim, "dmesg\n");
	cr_assert(strstr(o, "] iommu: Device is still bound to driver\n"), "%s", o);
	cr_assert(strstr(o, "] iommu: Cannot change default domain: Group has more than one device\n"), "%s", o);
	free(o);
	iommusim_free(sim);
}

static bool has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* the domain changes below sysfs: the SMMU's STE, the DMA ops, the device's own DMA */
Test(sysfs_group_type, ste_dma_ops_and_device_dma)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	struct device *dev = &pdev_of(sim, "0000:00:02.0")->dev;
	struct iommu_group *g = dev->iommu_group;
	struct iommu_domain *boot_domain = g->default_domain;
	cr_assert_eq(g->id, 2);

	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:00:02.0\n"), 0);
	cr_assert_eq(sysfs_write(k, "/sys/kernel/iommu_groups/2/type", "identity\n"), 0);
	cr_assert_neq(g->default_domain, boot_domain, "a new domain");
	cr_assert_eq(g->domain, g->default_domain);
	cr_assert_eq(g->default_domain->type, IOMMU_DOMAIN_IDENTITY);
	char *o = run(sim, "smmu ste 0000:00:02.0\n");
	cr_assert(has(o, "Config=bypass"), "%s", o);
	free(o);
	/* bypassed: the device reaches RAM at its physical address */
	o = run(sim, "echo 0000:00:02.0 > /sys/bus/pci/drivers/virtio-pci/bind\n"
		     "cat /sys/kernel/debug/iommusim/dma/0000:00:02.0\n"
		     "mem write 0x44000000 16 0xab\n"
		     "dma read 0000:00:02.0 0x44000000 16\n");
	cr_assert(has(o, "dma_ops: dma-direct\ndomain: identity\n"), "%s", o);
	cr_assert(has(o, "0044000000: abab abab abab abab abab abab abab abab  ................\n"), "%s", o);
	free(o);

	/* translated again: the same address is an IOVA nothing maps, and faults */
	o = run(sim, "echo 0000:00:02.0 > /sys/bus/pci/drivers/virtio-pci/unbind\n"
		     "echo DMA-FQ > /sys/kernel/iommu_groups/2/type\n"
		     "smmu ste 0000:00:02.0\n"
		     "echo 0000:00:02.0 > /sys/bus/pci/drivers/virtio-pci/bind\n"
		     "cat /sys/kernel/debug/iommusim/dma/0000:00:02.0\n"
		     "dma read 0000:00:02.0 0x44000000 16\n"
		     "dmesg\n");
	cr_assert(has(o, "Config=S1 "), "%s", o);
	cr_assert(has(o, "dma_ops: dma-iommu\ndomain: DMA-FQ\n"), "%s", o);
	cr_assert(has(o, "dma: 0000:00:02.0: read of 16 bytes at 0x44000000 failed: Bad address\n"), "%s", o);
	cr_assert(has(o, "] arm-smmu-v3 9050000.smmuv3: event 0x10 received:\n"), "%s", o);
	free(o);
	/* the disk works through its new domain */
	o = run(sim, "blk read vda 0 1\n");
	cr_assert(has(o, "0000000000: "), "%s", o);
	free(o);
	iommusim_free(sim);
}

/* DMA -> DMA-FQ while bound: the same domain gains a flush queue */
Test(sysfs_group_type, flush_queue_in_place)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	struct device *dev = &pdev_of(sim, "0000:00:02.0")->dev;
	struct iommu_domain *d = dev->iommu_group->default_domain;
	cr_assert_eq(sysfs_write(k, "/sys/kernel/iommu_groups/2/type", "DMA-FQ"), 0);
	cr_assert_eq(dev->iommu_group->default_domain, d);
	cr_assert_eq(d->type, IOMMU_DOMAIN_DMA_FQ);
	cr_assert_str_eq(dev->driver->name, "virtio-pci");
	/* an unmap now waits in the flush queue: no invalidation until it is flushed */
	char *o = run(sim, "dma map 0000:00:02.0 0x44000000 4096\n");
	unsigned long long iova = 0;
	cr_assert_eq(sscanf(o, "dma 0x%llx (dma-iommu)", &iova), 1, "%s", o);
	free(o);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "dma unmap 0000:00:02.0 0x%llx 4096\n", iova);
	o = run(sim, "cat /sys/kernel/debug/iommusim/dma/0000:00:02.0\n");
	const char *inv = strstr(o, "invalidations: ");
	cr_assert_not_null(inv, "%s", o);
	unsigned long before = strtoul(inv + 15, NULL, 10);
	free(o);
	o = run(sim, cmd);
	cr_assert_str_eq(o, "");
	free(o);
	o = run(sim, "cat /sys/kernel/debug/iommusim/dma/0000:00:02.0\n");
	cr_assert(has(o, "domain: DMA-FQ\n"), "%s", o);
	inv = strstr(o, "invalidations: ");
	cr_assert_eq(strtoul(inv + 15, NULL, 10), before, "queued, not invalidated: %s", o);
	free(o);
	cr_assert_eq(sysfs_write(k, "/sys/kernel/iommu_groups/2/type", "DMA"), -EBUSY);
	cr_assert_eq(sysfs_write(k, "/sys/kernel/iommu_groups/2/type", "DMA-FQ"), -EBUSY,
		     "only DMA -> DMA-FQ while bound");
	iommusim_free(sim);
}

/* a group in a domain other than its default: "Group not assigned to default domain" */
Test(sysfs_group_type, not_in_default_domain)
{
	struct iommusim *sim = boot_ok(M);
	struct kernel *k = sim->k;
	struct iommu_group *g = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(sysfs_write(k, "/sys/bus/pci/drivers/virtio-pci/unbind", "0000:00:01.0"), 0);
	cr_assert_eq(iommu_group_claim_dma_owner(g, (void *)g), 0);
	cr_assert_eq(sysfs_write(k, TYPE1, "identity"), -EBUSY);
	char *o = run(sim, "dmesg\n");
	cr_assert(has(o, "] pci 0000:00:01.0: Group not assigned to default domain\n"), "%s", o);
	free(o);
	iommu_group_release_dma_owner(g);
	cr_assert_eq(sysfs_write(k, TYPE1, "identity"), 0);
	iommusim_free(sim);
}

/* printk_ratelimited(): 10 messages every 5 s a call site, then how many were dropped */
Test(sysfs_group_type, messages_rate_limited)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pcie-root-port,id=rp1,chassis=1 "
				       "-device virtio-rng-pci,bus=rp1 -device virtio-rng-pci");
	size_t before = klog_count(&sim->k->log);
	for (int i = 0; i < 12; i++)
		cr_assert_eq(sysfs_write(sim->k, "/sys/kernel/iommu_groups/0/type", "identity\n"), -EINVAL);
	cr_assert_eq(sysfs_write(sim->k, "/sys/kernel/iommu_groups/1/type", "DMA\n"), -EBUSY);
	cr_assert_eq(klog_count(&sim->k->log) - before, 11, "10 of the 12, and the other call site's one");
	char *o = run(sim, "sleep 6\necho identity > /sys/kernel/iommu_groups/0/type\ndmesg\n");
	const char *sup = strstr(o, "] iommu_group_store_type: 2 callbacks suppressed\n");
	cr_assert_not_null(sup, "%s", o);
	cr_assert(has(sup, "] iommu: Cannot change default domain: Group has more than one device\n"), "%s", o);
	free(o);
	iommusim_free(sim);
}

Test(sysfs_group_type, ratelimit_state)
{
	struct klog log;
	struct ratelimit_state rs = { 0 };
	klog_init(&log);
	log.clock_ns = 2000000000ULL;
	int printed = 0;
	for (int i = 0; i < 15; i++)
		printed += klog_ratelimit(&log, &rs, "f");
	cr_assert_eq(printed, 10);
	/* still inside the interval: 5 s is not past it yet */
	log.clock_ns += 5000000000ULL - 4000000ULL;
	cr_assert_not(klog_ratelimit(&log, &rs, "f"));
	cr_assert_eq(klog_count(&log), 0);
	log.clock_ns += 8000000ULL;
	cr_assert(klog_ratelimit(&log, &rs, "f"));
	cr_assert_str_eq(klog_line(&log, 0), "f: 6 callbacks suppressed");
	klog_free(&log);
}
