/*
 * of_iommu_configure(): on DT systems this is where a master gets its
 * fwspec. On 6.1 it also gets its group there, through the replayed
 * iommu_probe_device(): from really_probe() -> dma_configure, the first time
 * a driver tries it. On 7.3 the IOMMU core calls dma_configure itself when
 * the IOMMU registers (bus_probe.c), and the replay is only for a device it
 * has not seen (one its IOMMU refused, probed again by a driver).
 */
#include <errno.h>
#include "iommu/of_iommu.h"
#include "iommu/iommu_version.h"
#include "kversion/linux_version.h"
#include <libfdt.h>
#include "fw/of.h"
#include "pci/pci.h"

#define NO_IOMMU 1

static int of_iommu_xlate(struct device *dev, int iommu_np, const u32 *args, int nargs)
{
	struct kernel *k = dev->k;
	const struct iommu_ops *ops = iommu_ops_from_fwnode(k, iommu_np);
	if ((ops && !ops->of_xlate) || !of_device_is_available(k->fdt, iommu_np))
		return NO_IOMMU;
	int ret = iommu_fwspec_init(dev, iommu_np, ops);
	if (ret)
		return ret;
	/* an empty fwspec names the IOMMU we wait for */
	if (!ops)
		return driver_deferred_probe_check_state(dev);
	return ops->of_xlate(dev, args, nargs);
}

static int of_iommu_configure_dev_id(int master_np, struct device *dev, u32 id)
{
	int target;
	u32 out;
	int err = of_map_id(dev->k->fdt, master_np, id, "iommu-map", "iommu-map-mask", &target, &out);
	if (err == -ENODEV) {
		/* of_map_id()'s "%pOF: ... on %pOF": the node's full path, no target found */
		char path[256] = "?";
		fdt_get_path(dev->k->fdt, master_np, path, sizeof(path));
		kprintf(dev->k, "%s: no iommu-map translation for id 0x%x on (null)", path, id);
		return NO_IOMMU;
	}
	if (err)
		return err;
	if (target < 0)
		return NO_IOMMU;	/* no iommu-map at all */
	return of_iommu_xlate(dev, target, &out, 1);
}

struct of_pci_iommu_alias_info {
	struct device *dev;
	int np;
};

/*
 * iommusim's CANWBS root complex (the option pci_rc_canwbs): 7.3 takes
 * IOMMU_FWSPEC_PCI_RC_CANWBS from IORT's memory-access flags of the root
 * complex node; on the model's DT the host bridge carries this property.
 */
#define PCI_RC_CANWBS_PROP "iommusim,pci-rc-canwbs"

static int of_pci_iommu_init(struct pci_dev *pdev, u16 alias, void *data)
{
	struct of_pci_iommu_alias_info *info = data;
	(void)pdev;
	int err = of_iommu_configure_dev_id(info->np, info->dev, alias);
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(info->dev);
	if (!err && fwspec && fdt_getprop(info->dev->k->fdt, info->np, PCI_RC_CANWBS_PROP, NULL))
		fwspec->flags |= IOMMU_FWSPEC_PCI_RC_CANWBS;
	return err;
}

static int of_iommu_configure_device(int master_np, struct device *dev, const u32 *id)
{
	if (id)
		return of_iommu_configure_dev_id(master_np, dev, *id);
	int err = NO_IOMMU;
	for (int idx = 0;; idx++) {
		int target, nargs;
		u32 args[8];
		int r = of_parse_phandle_with_args(dev->k->fdt, master_np, "iommus", "#iommu-cells",
						   idx, &target, args, 8, &nargs);
		if (r == -ENOENT)
			break;
		if (r)
			return r;
		err = of_iommu_xlate(dev, target, args, nargs);
		if (err)
			break;
	}
	return err;
}

/* The fwspec from the DT: the PCI function's every DMA alias, else the node's own iommus */
static int of_iommu_configure_ids(struct device *dev, int master_np, const u32 *id)
{
	if (!dev_is_pci(dev))
		return of_iommu_configure_device(master_np, dev, id);
	struct of_pci_iommu_alias_info info = { .dev = dev, .np = master_np };
	to_pci_dev(dev)->bus->host->acs_requested = true;	/* pci_request_acs() */
	return pci_for_each_dma_alias(to_pci_dev(dev), of_pci_iommu_init, &info);
}

/*
 * 7.3: an existing fwspec is kept as it is; a failed look-up leaves none
 * behind; the probe is replayed only when dev->iommu did not exist before
 * (the IOMMU core's own probe made it, and goes on by itself).
 */
static int of_iommu_configure_73(struct device *dev, int master_np, const u32 *id,
				 const struct iommu_ops **ops)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	if (fwspec) {
		*ops = device_iommu_mapped(dev) ? fwspec->ops : NULL;
		return 0;
	}
	bool dev_iommu_present = dev->iommu != NULL;
	int err = of_iommu_configure_ids(dev, master_np, id);
	if (err && dev_iommu_present)
		iommu_fwspec_free(dev);
	else if (err)
		dev_iommu_free(dev);
	if (!err && !dev_iommu_present)
		err = iommu_probe_device(dev);
	if (err == -EPROBE_DEFER)
		return -EPROBE_DEFER;
	fwspec = dev_iommu_fwspec_get(dev);
	/* the core sets the DMA ops up once the device has its group */
	*ops = !err && fwspec && device_iommu_mapped(dev) ? fwspec->ops : NULL;
	return 0;
}

int of_iommu_configure(struct device *dev, int master_np, const u32 *id,
		       const struct iommu_ops **ops)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	int err;

	*ops = NULL;
	if (master_np < 0)
		return 0;
	if (kernel_version(dev->k)->iommu->probe_at_register)
		return of_iommu_configure_73(dev, master_np, id, ops);
	if (fwspec) {
		if (fwspec->ops) {
			*ops = fwspec->ops;
			return 0;
		}
		/* deferred last time: start again from scratch */
		iommu_fwspec_free(dev);
	}

	err = of_iommu_configure_ids(dev, master_np, id);

	if (!err) {
		fwspec = dev_iommu_fwspec_get(dev);
		*ops = fwspec ? fwspec->ops : NULL;
	}
	/* the IOMMU driver missed this device when it registered: replay its probe */
	if (!err && !device_iommu_mapped(dev))
		err = iommu_probe_device(dev);

	if (err == -EPROBE_DEFER) {
		*ops = NULL;
		return -EPROBE_DEFER;
	}
	if (err < 0)
		*ops = NULL;	/* "Adding to IOMMU failed" is only a debug message */
	return 0;
}
