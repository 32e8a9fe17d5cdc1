/*
 * Probing every device when an IOMMU registers, as Linux 7.3 does
 * (iommu_device_register() -> bus_iommu_probe() on each of iommu_buses[]):
 * the platform bus, then PCI, each in its device list's order (PCI: the
 * scan's order, bus 0 by devfn, then each bridge's bus below it). A device
 * without a fwspec and without a driver has its bus's dma_configure run
 * first (that is where the DT gives it its IDs and, for PCI, where ACS is
 * enabled), so every function gets its group before any driver binds, the
 * host bridge and driverless functions included, and the "Adding to iommu
 * group" lines carry the bus's name. The default domains come after the
 * whole walk, one per new group in the order the groups were made.
 */
#include <errno.h>
#include <stdlib.h>
#include "iommu/iommu.h"
#include "base/platform.h"
#include "pci/pci.h"

/* iommu_buses[]: the buses 7.3's core walks, in its order */
static const struct bus_type *const iommu_buses[] = {
	&platform_bus_type,
	&pci_bus_type,
};

/* The groups whose default domain waits for the end of the walk (7.3's group_list) */
struct iommu_probe_groups {
	struct iommu_group **groups;
	size_t n, cap;
};

static int probe_groups_add(struct iommu_probe_groups *list, struct iommu_group *group)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->groups[i] == group)
			return 0;
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		struct iommu_group **p = realloc(list->groups, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		list->groups = p;
		list->cap = cap;
	}
	list->groups[list->n++] = group;
	return 0;
}

/*
 * iommu_init_device(): the fwspec (from dma_configure when the device has
 * neither one nor a driver), the IOMMU driver's probe, then the group the
 * driver picks. Returns the group, or NULL with *err; dev->iommu is gone on
 * failure, so a later dma_configure starts from scratch.
 */
static struct iommu_group *iommu_init_device(struct device *dev, int *err)
{
	if (!dev_iommu_get(dev)) {
		*err = -ENOMEM;
		return NULL;
	}
	if (!dev->iommu->fwspec && !dev->driver && dev->bus->dma_configure) {
		dev->bus->dma_configure(dev);
		/* the replay from dma_configure already did it, or nothing is left */
		if (!dev->iommu || dev->iommu_group) {
			*err = -ENODEV;
			return NULL;
		}
	}
	const struct iommu_fwspec *fwspec = dev->iommu->fwspec;
	const struct iommu_ops *ops = fwspec ? fwspec->ops : NULL;
	struct iommu_device *iommu_dev = NULL;
	if (!ops) {
		*err = -ENODEV;
		goto err_free;
	}
	*err = ops->probe_device(dev, &iommu_dev);
	if (*err)
		goto err_free;
	dev->iommu->iommu_dev = iommu_dev;
	struct iommu_group *group = ops->device_group(dev);
	if (group)
		return group;
	*err = -EINVAL;
	if (ops->release_device)
		ops->release_device(dev);
err_free:
	dev_iommu_free(dev);
	return NULL;
}

/* __iommu_probe_device() of 7.3; list NULL: the default domain now */
int __iommu_probe_device(struct device *dev, struct iommu_probe_groups *list)
{
	int ret;
	if (dev->iommu_group)
		return 0;
	struct iommu_group *group = iommu_init_device(dev, &ret);
	if (!group)
		return ret;
	ret = iommu_group_add_device(group, dev);
	if (ret) {
		iommu_release_device(dev);
		return ret;
	}
	if (group->domain) {
		ret = group->domain->ops->attach_dev(group->domain, dev);
	} else if (!group->default_domain && !list) {
		ret = iommu_alloc_default_domain(group, dev);
		if (!ret)
			ret = group->default_domain->ops->attach_dev(group->default_domain, dev);
	} else if (!group->default_domain) {
		ret = probe_groups_add(list, group);
	}
	if (ret)
		iommu_release_device(dev);
	return ret;
}

/* iommu_setup_default_domain() for a group bus_iommu_probe() made: every member attached */
static int iommu_setup_default_domain(struct iommu_group *group)
{
	if (!group->ndevices)
		return 0;
	int ret = iommu_alloc_default_domain(group, group->devices[0]);
	if (ret)
		return ret;
	for (size_t i = 0; i < group->ndevices && !ret; i++)
		ret = group->default_domain->ops->attach_dev(group->default_domain, group->devices[i]);
	return ret;
}

/*
 * bus_iommu_probe(): each device of the bus in list order. -ENODEV is "not
 * this IOMMU's master" (arm-smmu-v3's answer for an aliased StreamID too);
 * 7.3 would end the walk and unregister the IOMMU on any other error, which
 * arm-smmu-v3 only returns on QEMU's machines when out of memory.
 */
static int bus_iommu_probe(struct kernel *k, const struct bus_type *bus)
{
	struct iommu_probe_groups list = { 0 };
	int ret = 0;
	/* by index: nothing is added to the list while its devices are probed */
	for (size_t i = 0; i < k->ndevices && ret != -ENOMEM; i++) {
		struct device *dev = k->devices[i];
		if (dev->bus == bus && !dev->dead)
			ret = __iommu_probe_device(dev, &list);
	}
	ret = ret == -ENOMEM ? ret : 0;
	for (size_t i = 0; i < list.n && !ret; i++)
		ret = iommu_setup_default_domain(list.groups[i]);
	free(list.groups);
	return ret;
}

int iommu_register_probe_buses(struct kernel *k, struct iommu_device *iommu)
{
	int ret = 0;
	for (size_t i = 0; i < sizeof(iommu_buses) / sizeof(iommu_buses[0]) && !ret; i++) {
		ret = iommu_bus_ops_set(k, iommu_buses[i], iommu->ops);
		if (!ret)
			ret = bus_iommu_probe(k, iommu_buses[i]);
	}
	return ret;
}
