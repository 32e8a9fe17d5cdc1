/*
 * The public reads and writes of PCI hardware state behind the kernel's back:
 * config registers as root reaches them (setpci), and the requester ID the
 * hardware gives a function's DMA.
 */
#include <errno.h>
#include <string.h>
#include "iommusim/iommusim.h"
#include "script/session.h"
#include "hw/pci_config.h"
#include "hw/pci_device_config.h"
#include "hw/pci_rid.h"
#include "hw/system.h"
#include "pci/pci.h"

/* the live function of that name, and the hardware function config cycles reached when it was enumerated */
static struct hw_pci_fn *pci_hw_fn(struct iommusim *sim, const char *name)
{
	struct pci_dev *pdev = pci_get_by_name(sim->k, name);
	if (!pdev || pdev->dev.dead)
		return NULL;
	return (struct hw_pci_fn *)pdev->hw;
}

int iommusim_pci_config_read(struct iommusim *sim, const char *dev, unsigned offset, unsigned size,
			     uint32_t *val)
{
	if (!sim || !dev || !val)
		return -EINVAL;
	struct hw_pci_fn *fn = pci_hw_fn(sim, dev);
	if (!fn)
		return -ENOENT;
	return hw_pci_read_config(sim->k->hw, fn, offset, size, val);
}

int iommusim_pci_config_write(struct iommusim *sim, const char *dev, unsigned offset, unsigned size,
			      uint32_t val)
{
	if (!sim || !dev)
		return -EINVAL;
	struct hw_pci_fn *fn = pci_hw_fn(sim, dev);
	if (!fn)
		return -ENOENT;
	/* as the function's write_config takes it: an FLR or a secondary bus reset may follow */
	struct hw_system *hw = sim->k->hw;
	int ret = hw_pci_write_config(hw, fn, offset, size, val);
	/* behind the host's back: its routes are looked up afresh */
	if (!ret && hw)
		hw_pci_host_routing_changed(&hw->pci);
	return ret;
}

int iommusim_pci_requester_id(struct iommusim *sim, const char *dev, uint16_t *rid, uint32_t *sid)
{
	if (!sim || !dev || !rid)
		return -EINVAL;
	struct hw_pci_fn *fn = pci_hw_fn(sim, dev);
	if (!fn)
		return -ENOENT;
	*rid = hw_pci_requester_id(fn);
	if (!sid)
		return 0;
	u32 s;
	int ret = hw_pci_stream_id(sim->k->hw, *rid, &s);
	if (!ret)
		*sid = s;
	return ret;
}
