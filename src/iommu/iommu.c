/*
 * IOMMU core, device side (drivers/iommu/iommu.c): the default domain
 * policy, registered instances, fwspec, and iommu_probe_device(). When a
 * device is probed is the kernel's (iommu_version.h): 6.1 at its first
 * driver probe, 7.3 when the IOMMU registers (iommu_probe_73.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "iommu/iommu.h"
#include "iommu/iommu_version.h"
#include "iommu/group_debugfs.h"
#include "kconfig/kconfig.h"
#include "kversion/linux_version.h"
#include "base/string_helpers.h"

struct iommu_core *iommu_core(struct kernel *k)
{
	if (!k->iommu)
		k->iommu = calloc(1, sizeof(struct iommu_core));
	return k->iommu;
}

static const char *iommu_domain_type_str(unsigned int t)
{
	switch (t) {
	case IOMMU_DOMAIN_BLOCKED:
		return "Blocked";
	case IOMMU_DOMAIN_IDENTITY:
		return "Passthrough";
	case IOMMU_DOMAIN_UNMANAGED:
		return "Unmanaged";
	case IOMMU_DOMAIN_DMA:
	case IOMMU_DOMAIN_DMA_FQ:
		return "Translated";
	default:
		return "Unknown";
	}
}

/*
 * passthrough/strict: -1 when not on the command line, else 0/1. Without
 * them, the kernel configuration's IOMMU_DEFAULT_* choice (6.1: DMA_STRICT).
 */
int iommu_subsys_init(struct kernel *k, int passthrough, int strict)
{
	struct iommu_core *c = iommu_core(k);
	if (!c)
		return -ENOMEM;
	iommu_group_debugfs_init();
	const struct kernel_config *cfg = kernel_config(k);
	c->def_domain_type = kconfig_enabled(cfg, KCONFIG_IOMMU_DEFAULT_PASSTHROUGH) ? IOMMU_DOMAIN_IDENTITY
										     : IOMMU_DOMAIN_DMA;
	c->dma_strict = kconfig_enabled(cfg, KCONFIG_IOMMU_DEFAULT_DMA_STRICT);
	if (passthrough >= 0) {
		c->cmd_line_dma_api = true;
		c->def_domain_type = passthrough ? IOMMU_DOMAIN_IDENTITY : IOMMU_DOMAIN_DMA;
	}
	if (strict >= 0) {
		c->cmd_line_strict = true;
		c->dma_strict = strict;
	}
	bool pt = c->def_domain_type == IOMMU_DOMAIN_IDENTITY;
	if (!pt && !c->dma_strict)
		c->def_domain_type = IOMMU_DOMAIN_DMA_FQ;
	/*
	 * 6.1's format really is "%s %s": a trailing space when not set on the
	 * command line; 7.3 puts the blank inside the optional part.
	 */
	const char *sep = kernel_version(k)->iommu->domain_lines_trailing_blank ? " " : "";
	const char *via = " (set via kernel command line)";
	kprintf(k, "iommu: Default domain type: %s%s%s", iommu_domain_type_str(c->def_domain_type),
		c->cmd_line_dma_api ? "" : sep, c->cmd_line_dma_api ? via : "");
	if (!pt)
		kprintf(k, "iommu: DMA domain TLB invalidation policy: %s mode%s%s",
			c->dma_strict ? "strict" : "lazy", c->cmd_line_strict ? "" : sep,
			c->cmd_line_strict ? via : "");
	return 0;
}

void iommu_core_free(struct kernel *k)
{
	struct iommu_core *c = k->iommu;
	if (!c)
		return;
	for (size_t i = 0; i < c->ngroups; i++) {
		struct iommu_group *g = c->groups[i];
		if (!g)
			continue;
		if (g->default_domain)
			iommu_domain_free(g->default_domain);
		if (g->blocking_domain)
			iommu_domain_free(g->blocking_domain);
		free(g->devices);
		free(g);
	}
	free(c->groups);
	free(c->iommus);
	free(c);
	k->iommu = NULL;
}

int iommu_device_register(struct kernel *k, struct iommu_device *iommu)
{
	struct iommu_core *c = iommu_core(k);
	struct iommu_device **p = realloc(c->iommus, (c->niommus + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	c->iommus = p;
	c->iommus[c->niommus++] = iommu;
	if (kernel_version(k)->iommu->probe_at_register)
		return iommu_register_probe_buses(k, iommu);
	return 0;
}

struct iommu_device *iommu_device_from_fwnode(struct kernel *k, int fwnode)
{
	struct iommu_core *c = iommu_core(k);
	for (size_t i = 0; i < c->niommus; i++)
		if (c->iommus[i]->fwnode == fwnode)
			return c->iommus[i];
	return NULL;
}

const struct iommu_ops *iommu_ops_from_fwnode(struct kernel *k, int fwnode)
{
	struct iommu_device *iommu = iommu_device_from_fwnode(k, fwnode);
	return iommu ? iommu->ops : NULL;
}

const struct iommu_ops *bus_iommu_ops(struct kernel *k, const struct bus_type *bus)
{
	struct iommu_core *c = iommu_core(k);
	for (size_t i = 0; i < c->nbus_ops; i++)
		if (c->bus_ops_bus[i] == bus)
			return c->bus_ops[i];
	return NULL;
}

int iommu_bus_ops_set(struct kernel *k, const struct bus_type *bus, const struct iommu_ops *ops)
{
	struct iommu_core *c = iommu_core(k);
	const struct iommu_ops *cur = bus_iommu_ops(k, bus);
	if (cur)
		return cur == ops ? 0 : -EBUSY;
	if (c->nbus_ops == sizeof(c->bus_ops) / sizeof(c->bus_ops[0]))
		return -ENOSPC;
	c->bus_ops[c->nbus_ops] = ops;
	c->bus_ops_bus[c->nbus_ops++] = bus;
	return 0;
}

/*
 * bus_set_iommu() (6.1): the ops for a bus, then bus_iommu_probe() of what
 * is already there. 7.3 has no bus_set_iommu(): iommu_device_register() took
 * the ops and probed every bus already, so only the same ops are accepted.
 */
int bus_set_iommu(struct kernel *k, const struct bus_type *bus, const struct iommu_ops *ops)
{
	struct iommu_core *c = iommu_core(k);
	if (kernel_version(k)->iommu->probe_at_register)
		return iommu_bus_ops_set(k, bus, ops);
	if (bus_iommu_ops(k, bus))
		return -EBUSY;
	if (c->nbus_ops == sizeof(c->bus_ops) / sizeof(c->bus_ops[0]))
		return -ENOSPC;
	c->bus_ops[c->nbus_ops] = ops;
	c->bus_ops_bus[c->nbus_ops++] = bus;
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *dev = k->devices[i];
		if (dev->bus == bus && !device_iommu_mapped(dev))
			iommu_probe_device(dev);	/* most fail: no fwspec yet (seed 004) */
	}
	return 0;
}

struct dev_iommu *dev_iommu_get(struct device *dev)
{
	if (!dev->iommu)
		dev->iommu = calloc(1, sizeof(*dev->iommu));
	return dev->iommu;
}

void dev_iommu_free(struct device *dev)
{
	if (!dev->iommu)
		return;
	iommu_fwspec_free(dev);
	free(dev->iommu);
	dev->iommu = NULL;
}

int iommu_fwspec_init(struct device *dev, int iommu_fwnode, const struct iommu_ops *ops)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	if (fwspec)
		return ops == fwspec->ops ? 0 : -EINVAL;
	if (!dev_iommu_get(dev))
		return -ENOMEM;
	fwspec = calloc(1, sizeof(*fwspec));
	if (!fwspec)
		return -ENOMEM;
	fwspec->iommu_fwnode = iommu_fwnode;
	fwspec->ops = ops;
	dev->iommu->fwspec = fwspec;
	return 0;
}

void iommu_fwspec_free(struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	if (!fwspec)
		return;
	free(fwspec->ids);
	free(fwspec);
	dev->iommu->fwspec = NULL;
}

int iommu_fwspec_add_ids(struct device *dev, const u32 *ids, int num)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	if (!fwspec || num < 0)
		return -EINVAL;
	u32 *p = realloc(fwspec->ids, (fwspec->num_ids + num) * sizeof(*p) + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p + fwspec->num_ids, ids, num * sizeof(*p));
	fwspec->ids = p;
	fwspec->num_ids += num;
	return 0;
}

static struct iommu_group *iommu_group_get_for_dev(struct device *dev, const struct iommu_ops *ops)
{
	struct iommu_group *group = iommu_group_get(dev);
	if (group)
		return group;
	group = ops->device_group(dev);
	if (!group)
		return NULL;
	if (iommu_group_add_device(group, dev))
		return NULL;
	return group;
}

static int iommu_group_alloc_default_domain(struct iommu_group *group, struct device *dev, unsigned int type);

/* iommu_get_def_domain_type(): what the IOMMU driver insists on for the device, 0: no preference */
static unsigned int iommu_get_def_domain_type(struct device *dev)
{
	const struct iommu_ops *ops = dev->iommu->iommu_dev->ops;
	return ops->def_domain_type ? (unsigned int)ops->def_domain_type(dev) : 0;
}

int iommu_alloc_default_domain(struct iommu_group *group, struct device *dev)
{
	struct iommu_core *c = iommu_core(dev->k);
	if (group->default_domain)
		return 0;
	unsigned int type = iommu_get_def_domain_type(dev);
	if (!type)
		type = c->def_domain_type;
	return iommu_group_alloc_default_domain(group, dev, type);
}

/* iommu_group_alloc_default_domain(): of that type, else DMA; group->default_domain set */
static int iommu_group_alloc_default_domain(struct iommu_group *group, struct device *dev, unsigned int type)
{
	struct iommu_domain *dom = iommu_domain_alloc_type(dev->k, dev->bus, type);
	if (!dom && type != IOMMU_DOMAIN_DMA) {
		dom = iommu_domain_alloc_type(dev->k, dev->bus, IOMMU_DOMAIN_DMA);
		if (dom)
			/* Linux prints group->name, which only a few drivers set: "(null)" */
			kprintf(dev->k, "iommu: Failed to allocate default IOMMU domain of type %u for group (null) - Falling back to IOMMU_DOMAIN_DMA",
				type);
	}
	if (!dom)
		return -ENOMEM;
	group->default_domain = dom;
	if (!group->domain)
		group->domain = dom;
	return 0;
}

int iommu_probe_device(struct device *dev)
{
	const struct iommu_ops *ops = bus_iommu_ops(dev->k, dev->bus);
	struct iommu_device *iommu_dev = NULL;
	int ret;

	if (kernel_version(dev->k)->iommu->probe_at_register)
		return __iommu_probe_device(dev, NULL);
	if (!ops)
		return -ENODEV;
	if (!dev_iommu_get(dev))
		return -ENOMEM;
	ret = ops->probe_device(dev, &iommu_dev);
	if (ret) {
		dev_iommu_free(dev);	/* the fwspec goes too: the next probe starts over */
		return ret;
	}
	dev->iommu->iommu_dev = iommu_dev;
	struct iommu_group *group = iommu_group_get_for_dev(dev, ops);
	if (!group) {
		if (ops->release_device)
			ops->release_device(dev);
		dev_iommu_free(dev);
		return -ENODEV;
	}
	iommu_alloc_default_domain(group, dev);
	/* a device joining a group user space has claimed stays off the default domain */
	if (group->default_domain && !group->owner && group->domain == group->default_domain) {
		ret = group->default_domain->ops->attach_dev(group->default_domain, dev);
		if (ret) {
			iommu_release_device(dev);
			return ret;
		}
	}
	return 0;
}

void iommu_release_device(struct device *dev)
{
	if (!dev->iommu)
		return;
	const struct iommu_device *iommu_dev = dev->iommu->iommu_dev;
	if (iommu_dev && iommu_dev->ops->release_device)
		iommu_dev->ops->release_device(dev);
	if (dev->iommu_group)
		iommu_group_remove_device(dev);
	dev_iommu_free(dev);
}

/*
 * iommu_change_dev_def_domain(): a new default domain of the type asked for,
 * attached to the group's one device, the old one freed. The device's DMA
 * ops follow at its next probe (arm-smmu-v3 has no probe_finalize).
 */
static int iommu_change_dev_def_domain(struct iommu_group *group, struct device *dev, unsigned int type)
{
	struct kernel *k = group->k;
	struct iommu_core *c = iommu_core(k);
	static const char func[] = "iommu_change_dev_def_domain";

	if (group->default_domain != group->domain) {
		if (klog_ratelimit(&k->log, &c->rs_def_not_attached, func))
			dev_err(dev, "Group not assigned to default domain\n");
		return -EBUSY;
	}
	struct iommu_domain *prev = group->default_domain;
	unsigned int dev_def = iommu_get_def_domain_type(dev);
	if (!type) {
		/* "auto": what the driver insists on, else the type the system booted with */
		type = dev_def ? dev_def : c->def_domain_type;
	} else if (dev_def && type != dev_def) {
		if (klog_ratelimit(&k->log, &c->rs_def_type, func))
			dev_err(dev, "Device cannot be in %s domain\n", iommu_domain_type_str(type));
		return -EINVAL;
	}
	if (prev->type == type)
		return 0;
	/* a flush queue comes up without tearing the domain down */
	if (type == IOMMU_DOMAIN_DMA_FQ && prev->type == IOMMU_DOMAIN_DMA) {
		/*
		 * Linux gives a DMA domain its cookie when allocating it; the
		 * model's dma-iommu makes it at the first iommu_setup_dma_ops(),
		 * which brings the queue up itself for a DMA-FQ domain.
		 */
		int ret = prev->iova_cookie ? iommu_dma_init_fq(prev) : 0;
		if (!ret)
			prev->type = IOMMU_DOMAIN_DMA_FQ;
		return ret;
	}
	group->default_domain = NULL;
	int ret = iommu_group_alloc_default_domain(group, dev, type);
	if (!ret) {
		/* __iommu_attach_device(): the IOMMU driver installs the new domain in the STEs */
		ret = group->default_domain->ops->attach_dev(group->default_domain, dev);
		if (ret)
			iommu_domain_free(group->default_domain);
	}
	if (ret) {
		group->default_domain = prev;
		group->domain = prev;
		return ret;
	}
	group->domain = group->default_domain;
	iommu_domain_free(prev);
	return 0;
}

/*
 * 7.3's iommu_setup_default_domain() on a populated group: the type asked
 * for (0: what the members' IOMMU driver insists on, else the boot's), a
 * new default domain of it every member is moved to, the old one freed.
 */
static int iommu_setup_default_domain_type(struct iommu_group *group, unsigned int req)
{
	struct iommu_core *c = iommu_core(group->k);
	unsigned int driver_type = 0;
	for (size_t i = 0; i < group->ndevices; i++) {
		unsigned int t = iommu_get_def_domain_type(group->devices[i]);
		/* conflicting wishes: identity wins */
		if (t && (!driver_type || t == IOMMU_DOMAIN_IDENTITY))
			driver_type = t;
	}
	if (req && driver_type && req != driver_type)
		return -EINVAL;
	unsigned int type = req ? req : driver_type ? driver_type : c->def_domain_type;
	struct iommu_domain *prev = group->default_domain;
	if (prev->type == type)
		return 0;
	group->default_domain = NULL;
	int ret = iommu_group_alloc_default_domain(group, group->devices[0], type);
	if (ret) {
		group->default_domain = prev;
		return ret;
	}
	struct iommu_domain *dom = group->default_domain;
	/* attach every member (all or none) */
	ret = iommu_group_set_domain(group, dom);
	if (ret) {
		group->default_domain = prev;
		iommu_domain_free(dom);
		return ret;
	}
	iommu_domain_free(prev);
	return 0;
}

/*
 * 7.3's iommu_group_store_type(): a DMA domain gains a flush queue in place
 * whatever is bound; otherwise any group with members whose default domain
 * no driver uses (pcieport and vfio-pci manage DMA themselves) changes, how
 * many members it has notwithstanding; -EPERM, unlogged, when one does.
 */
static int iommu_group_store_type_unowned(struct iommu_group *group, unsigned int req)
{
	struct iommu_domain *dd = group->default_domain;
	if (req == IOMMU_DOMAIN_DMA_FQ && dd->type == IOMMU_DOMAIN_DMA) {
		int ret = dd->iova_cookie ? iommu_dma_init_fq(dd) : 0;
		if (!ret)
			dd->type = IOMMU_DOMAIN_DMA_FQ;
		return ret;
	}
	if (!group->ndevices || group->owner_cnt)
		return -EPERM;
	return iommu_setup_default_domain_type(group, req);
}

int iommu_group_store_type(struct iommu_group *group, const char *buf)
{
	struct kernel *k = group->k;
	struct iommu_core *c = iommu_core(k);
	static const char func[] = "iommu_group_store_type";
	unsigned int req;

	if (!group->default_domain)
		return -EINVAL;
	if (sysfs_streq(buf, "identity"))
		req = IOMMU_DOMAIN_IDENTITY;
	else if (sysfs_streq(buf, "DMA"))
		req = IOMMU_DOMAIN_DMA;
	else if (sysfs_streq(buf, "DMA-FQ"))
		req = IOMMU_DOMAIN_DMA_FQ;
	else if (sysfs_streq(buf, "auto"))
		req = 0;
	else
		return -EINVAL;
	if (kernel_version(k)->iommu->group_type_unowned_groups)
		return iommu_group_store_type_unowned(group, req);
	if (group->ndevices != 1) {
		if (klog_ratelimit(&k->log, &c->rs_type_count, func))
			kprintf(k, "iommu: Cannot change default domain: Group has more than one device");
		return -EINVAL;
	}
	struct device *dev = group->devices[0];
	/* a bound device may only gain a flush queue */
	if (dev->driver && !(req == IOMMU_DOMAIN_DMA_FQ && group->default_domain->type == IOMMU_DOMAIN_DMA)) {
		if (klog_ratelimit(&k->log, &c->rs_type_bound, func))
			kprintf(k, "iommu: Device is still bound to driver");
		return -EBUSY;
	}
	return iommu_change_dev_def_domain(group, dev, req);
}
