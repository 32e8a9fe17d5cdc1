/*
 * arm-smmu-v3 domains (Linux 6.1 arm_smmu_domain_alloc and the
 * iommu_domain_ops): minimal version, replaced by the full one.
 */
#include <errno.h>
#include <stdlib.h>
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/smmu_tables.h"

struct iommu_domain *arm_smmu_domain_alloc(struct kernel *k, unsigned type)
{
	if (type != IOMMU_DOMAIN_UNMANAGED && type != IOMMU_DOMAIN_DMA &&
	    type != IOMMU_DOMAIN_DMA_FQ && type != IOMMU_DOMAIN_IDENTITY &&
	    type != IOMMU_DOMAIN_BLOCKED)
		return NULL;
	struct arm_smmu_domain *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domain.type = type;
	d->domain.k = k;
	d->domain.ops = &arm_smmu_domain_ops;
	d->domain.priv = d;
	if (type == IOMMU_DOMAIN_IDENTITY)
		d->stage = ARM_SMMU_DOMAIN_BYPASS;
	return &d->domain;
}

static int arm_smmu_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	struct arm_smmu_master *master = dev->iommu ? dev->iommu->priv : NULL;
	if (!master)
		return -ENOENT;
	master->domain = to_smmu_domain(domain);
	return 0;
}

static void arm_smmu_detach_dev(struct iommu_domain *domain, struct device *dev)
{
	(void)domain;
	struct arm_smmu_master *master = dev->iommu ? dev->iommu->priv : NULL;
	if (master)
		master->domain = NULL;
}

static void arm_smmu_domain_free(struct iommu_domain *domain)
{
	free(to_smmu_domain(domain));
}

const struct iommu_domain_ops arm_smmu_domain_ops = {
	.attach_dev = arm_smmu_attach_dev,
	.detach_dev = arm_smmu_detach_dev,
	.free = arm_smmu_domain_free,
};
