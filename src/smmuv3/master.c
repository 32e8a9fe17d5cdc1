/*
 * Masters of the SMMU (arm_smmu_probe_device and friends): the stream IDs
 * of_xlate collected, kept in a tree ordered by ID. A stream already owned
 * by another master is refused, which leaves the device without a group (a
 * PCI device behind a conventional bridge aliases to the bridge's own ID).
 * Which ID is tried first and what is said differ (smmu_version.h): 6.1 in
 * the fwspec's order, 7.3 in ascending order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smmuv3/arm_smmu_v3.h"
#include "smmuv3/smmu_tables.h"
#include "smmuv3/smmu_version.h"
#include "kversion/linux_version.h"
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

static int stream_id_cmp(const void *a, const void *b)
{
	u32 x = ((const struct arm_smmu_stream *)a)->id, y = ((const struct arm_smmu_stream *)b)->id;
	return x < y ? -1 : x > y;
}

/*
 * 7.3: the IDs sorted; one the master itself already holds (a bridged
 * function's own RID equal to its bridge's alias) is passed over, one
 * another master holds refuses the device (-ENODEV).
 */
static int arm_smmu_insert_master_sorted(struct arm_smmu_device *smmu, struct arm_smmu_master *master)
{
	unsigned n = master->num_streams, i;
	int ret = 0;
	bool *inserted = calloc(n ? n : 1, sizeof(*inserted));
	if (!inserted)
		return -ENOMEM;
	qsort(master->streams, n, sizeof(*master->streams), stream_id_cmp);
	for (i = 0; i < n; i++) {
		struct arm_smmu_stream *s = &master->streams[i];
		ret = arm_smmu_init_sid_strtab(smmu, s->id);
		if (ret)
			break;
		size_t pos = stream_lower_bound(smmu, s->id);
		if (pos < smmu->nstreams && smmu->streams[pos]->id == s->id) {
			struct arm_smmu_master *owner = smmu->streams[pos]->master;
			if (owner == master)
				continue;
			dev_warn(master->dev,
				 "Aliasing StreamID 0x%x (from %s) unsupported, expect DMA to be broken\n",
				 s->id, owner->dev->name);
			ret = -ENODEV;
			break;
		}
		memmove(&smmu->streams[pos + 1], &smmu->streams[pos],
			(smmu->nstreams - pos) * sizeof(*smmu->streams));
		smmu->streams[pos] = s;
		smmu->nstreams++;
		inserted[i] = true;
	}
	if (ret)
		while (i-- > 0)
			if (inserted[i])
				stream_erase(smmu, &master->streams[i]);
	free(inserted);
	return ret;
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
	if (kernel_version(smmu->k)->smmu->streams_sorted_aliasing_warning) {
		for (i = 0; i < fwspec->num_ids; i++)
			master->streams[i] = (struct arm_smmu_stream){ .id = fwspec->ids[i], .master = master };
		ret = arm_smmu_insert_master_sorted(smmu, master);
		if (ret) {
			free(master->streams);
			master->streams = NULL;
		}
		return ret;
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
