/*
 * Masters of the SMMU (Linux 6.1 arm_smmu_probe_device and friends): the
 * stream IDs of_xlate collected, kept in a tree ordered by ID. A stream
 * already owned by another master is refused, which leaves the device
 * without a group (a PCI device behind a conventional bridge aliases to the
 * bridge's own ID).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/smmu_tables.h"
#include "pci/pci.h"
#include "pgtable/io_pgtable.h"

static struct arm_smmu_device *arm_smmu_get_by_fwnode(struct kernel *k, int fwnode)
{
	struct iommu_device *iommu = iommu_device_from_fwnode(k, fwnode);
	return iommu ? iommu->priv : NULL;
}

/* index of the first stream with id >= sid */
static size_t stream_lower_bound(const struct arm_smmu_device *smmu, u32 sid)
{
	size_t lo = 0, hi = smmu->nstreams;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (smmu->streams[mid]->id < sid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void stream_erase(struct arm_smmu_device *smmu, struct arm_smmu_stream *s)
{
	size_t i = stream_lower_bound(smmu, s->id);
	if (i < smmu->nstreams && smmu->streams[i] == s) {
		memmove(&smmu->streams[i], &smmu->streams[i + 1],
			(smmu->nstreams - i - 1) * sizeof(*smmu->streams));
		smmu->nstreams--;
	}
}

struct arm_smmu_master *arm_smmu_find_master(struct arm_smmu_device *smmu, u32 sid)
{
	size_t i = stream_lower_bound(smmu, sid);
	if (i < smmu->nstreams && smmu->streams[i]->id == sid)
		return smmu->streams[i]->master;
	return NULL;
}

static int arm_smmu_insert_master(struct arm_smmu_device *smmu, struct arm_smmu_master *master)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(master->dev);
	int ret = 0;
	unsigned i;

	master->streams = calloc(fwspec->num_ids ? fwspec->num_ids : 1, sizeof(*master->streams));
	if (!master->streams)
		return -ENOMEM;
	master->num_streams = fwspec->num_ids;
	if (smmu->nstreams + fwspec->num_ids > smmu->streams_cap) {
		size_t cap = (smmu->nstreams + fwspec->num_ids) * 2;
		struct arm_smmu_stream **p = realloc(smmu->streams, cap * sizeof(*p));
		if (!p) {
			free(master->streams);
			return -ENOMEM;
		}
		smmu->streams = p;
		smmu->streams_cap = cap;
	}
	for (i = 0; i < fwspec->num_ids; i++) {
		u32 sid = fwspec->ids[i];
		struct arm_smmu_stream *s = &master->streams[i];
		s->id = sid;
		s->master = master;
		ret = arm_smmu_init_sid_strtab(smmu, sid);
		if (ret)
			break;
		size_t pos = stream_lower_bound(smmu, sid);
		if (pos < smmu->nstreams && smmu->streams[pos]->id == sid) {
			dev_warn(master->dev, "stream %u already in tree from dev %s\n", sid,
				 smmu->streams[pos]->master->dev->name);
			ret = -EINVAL;
			break;
		}
		memmove(&smmu->streams[pos + 1], &smmu->streams[pos],
			(smmu->nstreams - pos) * sizeof(*smmu->streams));
		smmu->streams[pos] = s;
		smmu->nstreams++;
	}
	if (ret) {
		while (i-- > 0)
			stream_erase(smmu, &master->streams[i]);
		free(master->streams);
		master->streams = NULL;
	}
	return ret;
}

int arm_smmu_probe_device(struct device *dev, struct iommu_device **out)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	if (!fwspec || fwspec->ops != &arm_smmu_ops)
		return -ENODEV;
	if (dev->iommu->priv)
		return -EBUSY;
	struct arm_smmu_device *smmu = arm_smmu_get_by_fwnode(dev->k, fwspec->iommu_fwnode);
	if (!smmu)
		return -ENODEV;
	struct arm_smmu_master *master = calloc(1, sizeof(*master));
	if (!master)
		return -ENOMEM;
	master->dev = dev;
	master->smmu = smmu;
	dev->iommu->priv = master;
	int ret = arm_smmu_insert_master(smmu, master);
	if (ret) {
		dev->iommu->priv = NULL;
		free(master);
		return ret;
	}
	*out = &smmu->iommu;
	return 0;
}

void arm_smmu_release_device(struct device *dev)
{
	struct arm_smmu_master *master = dev->iommu ? dev->iommu->priv : NULL;
	if (!master)
		return;
	if (master->domain && master->domain->domain.ops->detach_dev)
		master->domain->domain.ops->detach_dev(&master->domain->domain, dev);
	for (unsigned i = 0; i < master->num_streams; i++)
		stream_erase(master->smmu, &master->streams[i]);
	free(master->streams);
	free(master);
	dev->iommu->priv = NULL;
}

struct iommu_group *arm_smmu_device_group(struct device *dev)
{
	/* PCI functions follow the PCI topology rules; anything else gets its own group */
	if (dev_is_pci(dev))
		return pci_device_group(dev);
	return generic_device_group(dev);
}

int arm_smmu_of_xlate(struct device *dev, const u32 *args, int nargs)
{
	if (nargs != 1)
		return -EINVAL;
	return iommu_fwspec_add_ids(dev, args, 1);
}

int arm_smmu_get_resv_regions(struct device *dev, struct iommu_resv_region *out, int max)
{
	(void)dev;
	if (max < 1)
		return 0;
	/* the software-managed MSI window, then dma-iommu's own (none on DT PCI) */
	/* 6.1 gives the doorbell window write, no-exec, MMIO permissions */
	out[0] = (struct iommu_resv_region){ MSI_IOVA_BASE, MSI_IOVA_LENGTH,
					     IOMMU_WRITE | IOMMU_NOEXEC | IOMMU_MMIO,
					     IOMMU_RESV_SW_MSI };
	return 1;
}
