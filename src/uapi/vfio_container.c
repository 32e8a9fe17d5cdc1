/*
 * The VFIO container, /dev/vfio/vfio (drivers/vfio/container.c, 6.1): its
 * ioctls, the groups set to it and the IOMMU backend it passes everything
 * else to once SET_IOMMU chose one. Linux 6.1's Debian kernel registers one
 * backend, vfio_iommu_type1 (a module: no backend until it is loaded), and
 * no noiommu one (CONFIG_VFIO_NOIOMMU is not set).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio.h>
#include "uapi/vfio.h"
#include "drivers/drivers.h"
#include "iommu/iommu.h"

static bool module_loaded(struct kernel *k, const char *name)
{
	struct module_info mods[64];
	size_t n = module_list(k, mods, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		if (!strcmp(mods[i].name, name))
			return true;
	return false;
}

/* vfio.iommu_drivers_list: type1 once its module is loaded */
static bool type1_registered(struct kernel *k)
{
	return module_loaded(k, "vfio_iommu_type1");
}

struct vfio_container *vfio_container_open(struct kernel *k)
{
	struct vfio_container *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->k = k;
	c->refs = 1;
	return c;
}

void vfio_container_put(struct vfio_container *c)
{
	if (--c->refs)
		return;
	/* the groups hold references: none is left when the last one goes */
	if (c->iommu)
		vfio_iommu_type1_release(c->iommu);
	free(c->groups);
	free(c);
}

static long check_extension(struct vfio_container *c, unsigned long arg)
{
	if (c->iommu)
		return vfio_iommu_type1_check_extension(c->k, c->iommu, arg);
	/* no backend chosen: the first registered one that answers > 0 */
	if (!type1_registered(c->k))
		return 0;
	return vfio_iommu_type1_check_extension(c->k, NULL, arg);
}

static long set_iommu(struct vfio_container *c, unsigned long arg)
{
	/* only a container with a group may enable an IOMMU, and only once */
	if (!c->ngroups || c->iommu)
		return -EINVAL;
	if (!type1_registered(c->k) || vfio_iommu_type1_check_extension(c->k, NULL, arg) <= 0)
		return -ENODEV;
	struct vfio_iommu *iommu;
	int ret = vfio_iommu_type1_open(c->k, arg, &iommu);
	if (ret)
		return ret;
	/* __vfio_container_attach_groups(): all of them, or none */
	for (size_t i = 0; i < c->ngroups; i++) {
		ret = vfio_iommu_type1_attach_group(iommu, c->groups[i]->iommu_group);
		if (ret) {
			while (i-- > 0)
				vfio_iommu_type1_detach_group(iommu, c->groups[i]->iommu_group);
			vfio_iommu_type1_release(iommu);
			return ret;
		}
	}
	c->iommu = iommu;
	return 0;
}

long vfio_container_ioctl(struct vfio_container *c, unsigned long cmd, void *arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(c, (unsigned long)arg);
	case VFIO_SET_IOMMU:
		return set_iommu(c, (unsigned long)arg);
	default:
		/* everything else goes to the backend, once there is one */
		return c->iommu ? vfio_iommu_type1_ioctl(c->iommu, cmd, arg) : -EINVAL;
	}
}

int vfio_container_attach_group(struct vfio_container *c, struct vfio_group *g)
{
	struct vfio_group **groups = realloc(c->groups, (c->ngroups + 1) * sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	c->groups = groups;
	/* the group leaves the kernel's hands: EPERM while a kernel driver uses it */
	int ret = iommu_group_claim_dma_owner(g->iommu_group, g);
	if (ret)
		return ret;
	if (c->iommu) {
		ret = vfio_iommu_type1_attach_group(c->iommu, g->iommu_group);
		if (ret) {
			iommu_group_release_dma_owner(g->iommu_group);
			return ret;
		}
	}
	c->groups[c->ngroups++] = g;
	g->container = c;
	g->container_users = 1;
	c->refs++;
	return 0;
}

void vfio_group_detach_container(struct vfio_group *g)
{
	struct vfio_container *c = g->container;
	if (c->iommu)
		vfio_iommu_type1_detach_group(c->iommu, g->iommu_group);
	iommu_group_release_dma_owner(g->iommu_group);
	for (size_t i = 0; i < c->ngroups; i++) {
		if (c->groups[i] == g) {
			memmove(&c->groups[i], &c->groups[i + 1], (c->ngroups - i - 1) * sizeof(*c->groups));
			c->ngroups--;
			break;
		}
	}
	g->container = NULL;
	g->container_users = 0;
	/* the last group gone deprivileges the container: no IOMMU any more */
	if (c->iommu && !c->ngroups) {
		vfio_iommu_type1_release(c->iommu);
		c->iommu = NULL;
	}
	vfio_container_put(c);
}
