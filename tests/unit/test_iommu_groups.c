/* IOMMU group rules, default domain types and stream-ID conflicts. */
#include "boot_util.h"

#define REF "-M virt,iommu=smmuv3,gic-version=3 -nic none -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1 " \
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
	cr_assert_eq(g0->owner_cnt, 1, "virtio-pci uses the default domain; pcieport manages DMA itself");
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
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci -append iommu.passthrough=1");
	struct iommu_group *g = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(g->default_domain->type, IOMMU_DOMAIN_IDENTITY);
	cr_assert_null(pdev_of(sim, "0000:00:01.0")->dev.dma_ops, "identity: dma-direct");
	iommusim_free(sim);

	sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci -append iommu.strict=0");
	g = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(g->default_domain->type, IOMMU_DOMAIN_DMA_FQ);
	iommusim_free(sim);

	sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci -append iommu.passthrough=0~iommu.strict=1");
	g = pdev_of(sim, "0000:00:01.0")->dev.iommu_group;
	cr_assert_eq(g->default_domain->type, IOMMU_DOMAIN_DMA);
	iommusim_free(sim);
}

Test(iommu_groups, functions_of_a_slot_share_without_acs)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci,addr=4.0,multifunction=on "
				       "-device virtio-net-pci,addr=4.1 -device virtio-rng-pci,addr=5");
	cr_assert_eq(group_of(sim, "0000:00:04.0"), group_of(sim, "0000:00:04.1"));
	cr_assert_neq(group_of(sim, "0000:00:04.0"), group_of(sim, "0000:00:05.0"));
	iommusim_free(sim);
}

Test(iommu_groups, pcie_to_pci_bridge_alias_shares_then_collides)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device pcie-pci-bridge,id=pb "
				       "-device virtio-net-pci,bus=pb,addr=1 -device virtio-rng-pci,bus=pb,addr=2");
	/* 01:01.0 aliases to RID 0x100 and takes the bridge's group; 01:02.0's 0x100 is taken */
	cr_assert_eq(group_of(sim, "0000:01:01.0"), group_of(sim, "0000:00:01.0"));
	cr_assert_eq(group_of(sim, "0000:01:02.0"), -1);
	iommusim_free(sim);
}

Test(iommu_groups, no_smmu_no_groups)
{
	struct iommusim *sim = boot_ok("-M virt -nic none -device virtio-rng-pci -device pcie-root-port,id=r,chassis=1");
	cr_assert_eq(iommu_core(sim->k)->ngroups, 0);
	cr_assert_str_eq(pdev_of(sim, "0000:00:02.0")->dev.driver->name, "pcieport");
	iommusim_free(sim);
}

Test(iommu_groups, group_ids_are_reused_lowest_first)
{
	struct iommusim *sim = boot_ok("-M virt,iommu=smmuv3 -nic none -device virtio-rng-pci -device virtio-rng-pci");
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

/* --- the driver core and the IOMMU core on a bus of their own --- */

static int fake_match(struct device *dev, struct device_driver *drv)
{
	(void)dev;
	(void)drv;
	return 1;
}

static const struct bus_type fake_bus = { .name = "fake", .match = fake_match };

static int probe_defers(struct device *dev)
{
	(void)dev;
	return -EPROBE_DEFER;
}

static int probe_ok(struct device *dev)
{
	klog_advance(&dev->k->log, 1000);	/* a probe takes time */
	return 0;
}

static void remove_logs(struct device *dev)
{
	kprintf(dev->k, "remove %s", dev->name);
}

static void fake_kernel(struct kernel *k)
{
	memset(k, 0, sizeof(*k));
	klog_init(&k->log);
	k->deferred_probe_enabled = true;
	k->initcalls_done = true;
	k->deferred_probe_timeout = -1;
}

static void fake_kernel_free(struct kernel *k)
{
	free(k->devices);
	free(k->drivers);
	free(k->deferred);
	iommu_core_free(k);
	klog_free(&k->log);
}

static size_t log_index(struct kernel *k, const char *text)
{
	for (size_t i = 0; i < klog_count(&k->log); i++)
		if (strstr(klog_line(&k->log, i), text))
			return i;
	return (size_t)-1;
}

Test(driver_core, bind_store_deferral_is_not_queued)
{
	struct kernel k;
	fake_kernel(&k);
	struct device_driver drv = { .name = "defers", .bus = &fake_bus, .probe = probe_defers };
	struct device dev;
	device_initialize(&k, &dev, &fake_bus, NULL, "d0");
	dev.match_driver = false;
	cr_assert_eq(device_add(&dev), 0);
	cr_assert_eq(driver_register(&k, &drv), 0);
	dev.match_driver = true;
	/* device_driver_attach() calls __driver_probe_device(): no deferred list, -EAGAIN */
	cr_assert_eq(driver_bind_store(&drv, &dev), -EAGAIN);
	cr_assert_eq(k.ndeferred, 0);
	cr_assert_not(dev.deferred);
	cr_assert_null(dev.driver);
	/* drivers_probe goes through device_attach(): that one queues it, and succeeds */
	cr_assert_eq(bus_rescan_store(&dev), 0);
	cr_assert_eq(k.ndeferred, 1);
	cr_assert(dev.deferred);
	/* binding an unknown device or one of another driver */
	cr_assert_eq(driver_bind_store(&drv, NULL), -ENODEV);
	cr_assert_eq(driver_unbind_store(&drv, &dev), -ENODEV);
	fake_kernel_free(&k);
}

Test(driver_core, driver_detach_unbinds_the_last_bound_first)
{
	struct kernel k;
	fake_kernel(&k);
	struct device_driver drv = { .name = "ok", .bus = &fake_bus, .probe = probe_ok,
				     .remove = remove_logs };
	struct device a, b;
	device_initialize(&k, &a, &fake_bus, NULL, "a");
	device_initialize(&k, &b, &fake_bus, NULL, "b");
	a.match_driver = b.match_driver = false;
	cr_assert_eq(device_add(&a), 0);
	cr_assert_eq(device_add(&b), 0);
	cr_assert_eq(driver_register(&k, &drv), 0);
	/* a binds before b: b, bound last, is released first */
	b.match_driver = a.match_driver = true;
	cr_assert_eq(driver_bind_store(&drv, &a), 0);
	cr_assert_eq(driver_bind_store(&drv, &b), 0);
	cr_assert_eq(driver_bind_store(&drv, &a), -EBUSY);
	driver_unregister(&k, &drv);
	size_t ra = log_index(&k, "remove a"), rb = log_index(&k, "remove b");
	cr_assert_neq(ra, (size_t)-1);
	cr_assert_neq(rb, (size_t)-1);
	cr_assert_lt(rb, ra, "driver_detach() takes the driver's device list from its tail");
	cr_assert_null(a.driver);
	cr_assert_null(b.driver);
	fake_kernel_free(&k);
}

Test(driver_core, timeout_extended_after_the_new_driver_probed)
{
	struct kernel k;
	fake_kernel(&k);
	k.deferred_probe_timeout = 10;
	k.deferred_timeout_at_ns = 5;	/* the timeout work is pending */
	struct device_driver drv = { .name = "ok", .bus = &fake_bus, .probe = probe_ok };
	struct device dev;
	device_initialize(&k, &dev, &fake_bus, NULL, "d0");
	dev.match_driver = false;
	cr_assert_eq(device_add(&dev), 0);
	dev.match_driver = true;
	cr_assert_eq(driver_register(&k, &drv), 0);
	cr_assert_eq(dev.driver, &drv);
	/* deferred_probe_extend_timeout() runs after bus_add_driver() attached */
	cr_assert_eq(k.deferred_timeout_at_ns, k.log.clock_ns + 10000000000ULL);
	fake_kernel_free(&k);
}

static struct iommu_device fake_iommu;

static int fake_probe_device(struct device *dev, struct iommu_device **out)
{
	(void)dev;
	*out = &fake_iommu;
	return 0;
}

static int fake_attach(struct iommu_domain *domain, struct device *dev)
{
	(void)domain;
	(void)dev;
	return 0;
}

static void fake_domain_free(struct iommu_domain *domain)
{
	free(domain);
}

static const struct iommu_domain_ops fake_domain_ops = { .attach_dev = fake_attach,
							 .free = fake_domain_free };

/* only DMA domains: an identity default domain falls back */
static struct iommu_domain *fake_domain_alloc(struct kernel *k, unsigned int type)
{
	(void)k;
	return type == IOMMU_DOMAIN_DMA ? calloc(1, sizeof(struct iommu_domain)) : NULL;
}

static const struct iommu_ops fake_iommu_ops = {
	.name = "fake",
	.probe_device = fake_probe_device,
	.device_group = generic_device_group,
	.domain_alloc = fake_domain_alloc,
	.pgsize_bitmap = 0x1000,
	.default_domain_ops = &fake_domain_ops,
};

Test(iommu_core, default_domain_falls_back_to_dma)
{
	struct kernel k;
	fake_kernel(&k);
	fake_iommu.ops = &fake_iommu_ops;
	struct device dev;
	device_initialize(&k, &dev, &fake_bus, NULL, "d0");
	cr_assert_eq(bus_set_iommu(&k, &fake_bus, &fake_iommu_ops), 0);
	iommu_core(&k)->def_domain_type = IOMMU_DOMAIN_IDENTITY;
	cr_assert_eq(iommu_probe_device(&dev), 0);
	cr_assert_not_null(dev.iommu_group);
	cr_assert_eq(dev.iommu_group->default_domain->type, IOMMU_DOMAIN_DMA);
	/* pr_warn() of group->name, which no one set: printk's "(null)" */
	cr_assert_neq(log_index(&k, "iommu: Failed to allocate default IOMMU domain of type 4 "
				    "for group (null) - Falling back to IOMMU_DOMAIN_DMA"), (size_t)-1);
	iommu_release_device(&dev);
	fake_kernel_free(&k);
}
