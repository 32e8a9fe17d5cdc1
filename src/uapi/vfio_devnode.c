/*
 * The VFIO nodes devtmpfs shows in /dev/vfio: "vfio" (the container's misc
 * device) while the vfio module is loaded, and "N" for each IOMMU group with
 * a device bound to vfio-pci (vfio_register_group_dev made its cdev), or
 * whose group file is still open.
 */
#include <string.h>
#include "uapi/vfio.h"
#include "drivers/drivers.h"
#include "iommu/iommu.h"

bool vfio_devnode_present(struct kernel *k)
{
	struct module_info mods[64];
	size_t n = module_list(k, mods, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		if (!strcmp(mods[i].name, "vfio"))
			return true;
	return false;
}

size_t vfio_devnode_groups(struct kernel *k, int *out, size_t max)
{
	struct iommu_core *core = iommu_core(k);
	struct uapi_state *st = k->uapi;
	size_t n = 0;
	if (!core || !vfio_devnode_present(k))
		return 0;
	for (size_t id = 0; id < core->ngroups && n < max; id++) {
		struct iommu_group *g = core->groups[id];
		if (!g)
			continue;
		bool open = false;
		for (size_t i = 0; st && i < st->ngroups; i++)
			open |= st->groups[i]->iommu_group == g;
		if (open || vfio_group_has_vfio_device(g))
			out[n++] = (int)id;
	}
	return n;
}
