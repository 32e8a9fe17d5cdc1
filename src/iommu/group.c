/*
 * IOMMU groups (drivers/iommu/iommu.c, 6.1): ids handed out lowest-free
 * (an ida), membership, Linux's rules for which PCI functions must share a
 * group, and the DMA ownership that keeps kernel drivers and user space apart.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/iommu.h"
#include "pci/pci.h"

struct iommu_group *iommu_group_alloc(struct kernel *k)
{
	struct iommu_core *c = iommu_core(k);
	size_t id = 0;
	while (id < c->ngroups && c->groups[id])
		id++;
	if (id == c->ngroups) {
		struct iommu_group **p = realloc(c->groups, (c->ngroups + 1) * sizeof(*p));
		if (!p)
			return NULL;
		c->groups = p;
		c->groups[c->ngroups++] = NULL;
	}
	struct iommu_group *group = calloc(1, sizeof(*group));
	if (!group)
		return NULL;
	group->k = k;
	group->id = (int)id;
	c->groups[id] = group;
	return group;
}

struct iommu_group *iommu_group_get(struct device *dev)
{
	return dev->iommu_group;
}

int iommu_group_add_device(struct iommu_group *group, struct device *dev)
{
	if (group->ndevices == group->cap) {
		size_t cap = group->cap ? group->cap * 2 : 4;
		struct device **p = realloc(group->devices, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		group->devices = p;
		group->cap = cap;
	}
	group->devices[group->ndevices++] = dev;
	dev->iommu_group = group;
	dev_info(dev, "Adding to iommu group %d\n", group->id);
	return 0;
}

/* The last device out frees the group and its id. */
void iommu_group_remove_device(struct device *dev)
{
	struct iommu_group *group = dev->iommu_group;
	if (!group)
		return;
	dev_info(dev, "Removing from iommu group %d\n", group->id);
	for (size_t i = 0; i < group->ndevices; i++) {
		if (group->devices[i] == dev) {
			memmove(&group->devices[i], &group->devices[i + 1],
				(group->ndevices - i - 1) * sizeof(*group->devices));
			group->ndevices--;
			break;
		}
	}
	dev->iommu_group = NULL;
	if (group->ndevices)
		return;
	struct iommu_core *c = iommu_core(dev->k);
	c->groups[group->id] = NULL;
	if (group->domain && group->domain != group->default_domain)
		group->domain = NULL;
	if (group->default_domain)
		iommu_domain_free(group->default_domain);
	if (group->blocking_domain)
		iommu_domain_free(group->blocking_domain);
	free(group->devices);
	free(group);
}

struct iommu_group *generic_device_group(struct device *dev)
{
	return iommu_group_alloc(dev->k);
}

/* --- pci_device_group() --- */

struct group_for_pci_data {
	struct pci_dev *pdev;
	struct iommu_group *group;
};

static int get_pci_alias_or_group(struct pci_dev *pdev, u16 alias, void *opaque)
{
	struct group_for_pci_data *data = opaque;
	(void)alias;
	data->pdev = pdev;
	data->group = iommu_group_get(&pdev->dev);
	return data->group != NULL;
}

/* No DMA alias quirks are modelled, so functions only alias through topology. */
static struct iommu_group *get_pci_alias_group(struct pci_dev *pdev, u8 *devfns)
{
	if (devfns[pdev->devfn])
		return NULL;
	devfns[pdev->devfn] = 1;
	return iommu_group_get(&pdev->dev);
}

/* Functions of one slot without ACS can reach each other: they share a group. */
static struct iommu_group *get_pci_function_alias_group(struct pci_dev *pdev, u8 *devfns)
{
	if (!pdev->multifunction || pci_acs_enabled(pdev, REQ_ACS_FLAGS))
		return NULL;
	struct pci_bus *bus = pdev->bus;
	for (size_t i = 0; i < bus->ndevices; i++) {
		struct pci_dev *tmp = bus->devices[i];
		if (tmp == pdev || PCI_SLOT(tmp->devfn) != PCI_SLOT(pdev->devfn) ||
		    pci_acs_enabled(tmp, REQ_ACS_FLAGS))
			continue;
		struct iommu_group *group = get_pci_alias_group(tmp, devfns);
		if (group)
			return group;
	}
	return NULL;
}

struct iommu_group *pci_device_group(struct device *dev)
{
	struct group_for_pci_data data = { 0 };
	u8 devfns[256] = { 0 };

	if (!dev_is_pci(dev))
		return NULL;
	struct pci_dev *pdev = to_pci_dev(dev);
	/* an alias that already has a group decides it */
	if (pci_for_each_dma_alias(pdev, get_pci_alias_or_group, &data))
		return data.group;
	pdev = data.pdev;

	/* upstream until ACS isolates the path; an existing group on the way wins */
	for (struct pci_bus *bus = pdev->bus; !pci_is_root_bus(bus); bus = bus->parent) {
		if (!bus->self)
			continue;
		if (pci_acs_path_enabled(bus->self, NULL, REQ_ACS_FLAGS))
			break;
		pdev = bus->self;
		struct iommu_group *group = iommu_group_get(&pdev->dev);
		if (group)
			return group;
	}

	struct iommu_group *group = get_pci_alias_group(pdev, devfns);
	if (group)
		return group;
	group = get_pci_function_alias_group(pdev, devfns);
	if (group)
		return group;
	return iommu_group_alloc(dev->k);
}

/* --- DMA ownership --- */

int iommu_device_use_default_domain(struct device *dev)
{
	struct iommu_group *group = iommu_group_get(dev);
	if (!group)
		return 0;
	if (group->owner_cnt && (group->domain != group->default_domain || group->owner))
		return -EBUSY;
	group->owner_cnt++;
	return 0;
}

void iommu_device_unuse_default_domain(struct device *dev)
{
	struct iommu_group *group = iommu_group_get(dev);
	if (group && group->owner_cnt)
		group->owner_cnt--;
}

bool iommu_group_dma_owner_claimed(struct iommu_group *group)
{
	return group->owner_cnt != 0;
}

/* attach every member to domain; on failure put the ones moved back */
int iommu_group_set_domain(struct iommu_group *group, struct iommu_domain *domain)
{
	if (group->domain == domain)
		return 0;
	for (size_t i = 0; i < group->ndevices; i++) {
		int ret = domain->ops->attach_dev(domain, group->devices[i]);
		if (ret) {
			for (size_t j = 0; j < i && group->domain; j++)
				group->domain->ops->attach_dev(group->domain, group->devices[j]);
			return ret;
		}
	}
	group->domain = domain;
	return 0;
}

/*
 * __iommu_group_alloc_blocking_domain(): a BLOCKED domain, or for drivers
 * that have none (arm-smmu-v3 in 6.1) an empty UNMANAGED one: every DMA faults.
 */
static int iommu_group_alloc_blocking_domain(struct iommu_group *group)
{
	if (group->blocking_domain)
		return 0;
	if (!group->ndevices)
		return -EINVAL;
	const struct bus_type *bus = group->devices[0]->bus;
	group->blocking_domain = iommu_domain_alloc_type(group->k, bus, IOMMU_DOMAIN_BLOCKED);
	if (!group->blocking_domain)
		group->blocking_domain = iommu_domain_alloc_type(group->k, bus, IOMMU_DOMAIN_UNMANAGED);
	return group->blocking_domain ? 0 : -EINVAL;
}

int iommu_group_claim_dma_owner(struct iommu_group *group, void *owner)
{
	if (group->owner_cnt)
		return -EPERM;
	if (group->domain && group->domain != group->default_domain)
		return -EBUSY;
	int ret = iommu_group_alloc_blocking_domain(group);
	if (!ret)
		ret = iommu_group_set_domain(group, group->blocking_domain);
	if (ret)
		return ret;
	group->owner = owner;
	group->owner_cnt++;
	return 0;
}

void iommu_group_release_dma_owner(struct iommu_group *group)
{
	if (!group->owner_cnt || !group->owner)
		return;
	/* back to the default domain; it takes any device as it took them before */
	if (group->default_domain)
		iommu_group_set_domain(group, group->default_domain);
	group->owner_cnt = 0;
	group->owner = NULL;
}

/* --- sysfs views --- */

const char *iommu_domain_type_sysfs(const struct iommu_domain *domain)
{
	if (!domain)
		return "unknown";
	switch (domain->type) {
	case IOMMU_DOMAIN_BLOCKED:
		return "blocked";
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_UNMANAGED:
		return "unmanaged";
	case IOMMU_DOMAIN_DMA:
		return "DMA";
	case IOMMU_DOMAIN_DMA_FQ:
		return "DMA-FQ";
	default:
		return "unknown";
	}
}

/* Every member's regions, sorted by start, duplicates dropped (iommu_insert_resv_region merges). */
int iommu_get_group_resv_regions(struct iommu_group *group, struct iommu_resv_region *out, int max)
{
	int n = 0;
	for (size_t i = 0; i < group->ndevices; i++) {
		struct device *dev = group->devices[i];
		if (!dev->iommu || !dev->iommu->iommu_dev)
			continue;
		const struct iommu_ops *ops = dev->iommu->iommu_dev->ops;
		struct iommu_resv_region r[IOMMU_MAX_RESV];
		int got = ops->get_resv_regions ? ops->get_resv_regions(dev, r, IOMMU_MAX_RESV) : 0;
		for (int j = 0; j < got; j++) {
			bool dup = false;
			for (int m = 0; m < n; m++)
				if (out[m].start == r[j].start && out[m].length == r[j].length &&
				    out[m].type == r[j].type)
					dup = true;
			if (dup || n == max)
				continue;
			int pos = n++;
			while (pos > 0 && out[pos - 1].start > r[j].start) {
				out[pos] = out[pos - 1];
				pos--;
			}
			out[pos] = r[j];
		}
	}
	return n;
}
