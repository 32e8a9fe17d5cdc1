/*
 * The virtual sysfs. Paths are parsed by component; each directory renders
 * its entries from the model, each attribute its value, in Linux's format
 * (note Linux prints "%#x"-style values with 0x even for zero).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "sysfs/sysfs.h"
#include "sysfs/block.h"
#include "sysfs/module.h"
#include "base/platform.h"
#include "dma/dma_mask.h"
#include "drivers/drivers.h"
#include "drivers/scsi.h"
#include "drivers/virtio_blk.h"
#include "drivers/drivers_version.h"
#include "kversion/linux_version.h"
#include "iommu/iommu.h"
#include "pci/pci.h"
#include "pci/pci_dynid.h"
#include "sysfs/vfio_dev.h"

#define MAX_DEBUG 16
static struct {
	const char *name;
	sysfs_debug_read_fn fn;
} debug_files[MAX_DEBUG];

void sysfs_register_debug(const char *name, sysfs_debug_read_fn fn)
{
	for (int i = 0; i < MAX_DEBUG; i++) {
		if (!debug_files[i].name || !strcmp(debug_files[i].name, name)) {
			debug_files[i].name = name;
			debug_files[i].fn = fn;
			return;
		}
	}
}

void sysfs_buf_free(struct sysfs_buf *b)
{
	free(b->text);
	for (size_t i = 0; i < b->nnames; i++)
		free(b->names[i]);
	free(b->names);
	memset(b, 0, sizeof(*b));
}

static int emit(struct sysfs_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int emit(struct sysfs_buf *out, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (out->text) {
		char *j = NULL;
		r = asprintf(&j, "%s%s", out->text, s);
		free(s);
		if (r < 0)
			return -ENOMEM;
		free(out->text);
		s = j;
	}
	out->text = s;
	return 0;
}

int sysfs_buf_add_name(struct sysfs_buf *out, const char *name)
{
	char **p = realloc(out->names, (out->nnames + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	out->names = p;
	out->names[out->nnames] = strdup(name);
	return out->names[out->nnames++] ? 0 : -ENOMEM;
}

/* --- paths --- */

#define MAX_COMPONENTS 24

struct spath {
	char *buf;
	char *c[MAX_COMPONENTS];
	int n;
};

/* Split "/sys/a/b" into components below /sys; -ENOENT for paths outside /sys. */
static int split_path(const char *path, struct spath *sp)
{
	memset(sp, 0, sizeof(*sp));
	if (strncmp(path, "/sys", 4) || (path[4] && path[4] != '/'))
		return -ENOENT;
	sp->buf = strdup(path + 4);
	if (!sp->buf)
		return -ENOMEM;
	for (char *save = NULL, *t = strtok_r(sp->buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (sp->n)
				sp->n--;
			continue;
		}
		if (sp->n == MAX_COMPONENTS) {
			free(sp->buf);
			return -ENAMETOOLONG;
		}
		sp->c[sp->n++] = t;
	}
	return 0;
}

static bool is(const struct spath *sp, int i, const char *s)
{
	return i < sp->n && !strcmp(sp->c[i], s);
}

int sysfs_device_path(const struct device *dev, char *buf, size_t len)
{
	/* the parent chain, PCI functions hanging below "pciDDDD:BB" of their host */
	const char *parts[16];
	int n = 0;
	char hostname[24] = "";
	for (const struct device *d = dev; d && n < 14; d = d->parent) {
		parts[n++] = d->name;
		if (dev_is_pci(d) && (!d->parent || !dev_is_pci(d->parent))) {
			const struct pci_dev *p = (const struct pci_dev *)d;
			snprintf(hostname, sizeof(hostname), "pci%04x:%02x", p->bus->host->domain, 0);
			parts[n++] = hostname;
		}
	}
	const struct device *top = dev;
	while (top->parent)
		top = top->parent;
	int off = snprintf(buf, len, "devices%s", top->bus == &platform_bus_type ? "/platform" : "");
	while (n-- > 0 && off >= 0 && (size_t)off < len)
		off += snprintf(buf + off, len - off, "/%s", parts[n]);
	return off;
}

/* "../" for every component of from (a directory below /sys), then to */
static int emit_rel_link(struct sysfs_buf *out, const char *from_dir, const char *to)
{
	int depth = 1;
	for (const char *p = from_dir; *p; p++)
		depth += *p == '/';
	char rel[512] = "";
	size_t off = 0;
	for (int i = 0; i < depth && off + 3 < sizeof(rel); i++)
		off += snprintf(rel + off, sizeof(rel) - off, "../");
	return emit(out, "%s%s", rel, to);
}

static const struct bus_type *const buses[] = { &pci_bus_type, &platform_bus_type, &virtio_bus, &scsi_bus_type };

/* a bus a module registers exists while the module is loaded (scsi: scsi_mod) */
static bool bus_exists(struct kernel *k, const struct bus_type *bus)
{
	return bus != &scsi_bus_type || scsi_bus_registered(k);
}

static const struct bus_type *find_bus(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
		if (!strcmp(buses[i]->name, name))
			return buses[i];
	return NULL;
}

static struct device *find_dev(struct kernel *k, const struct bus_type *bus, const char *name)
{
	return bus ? bus_find_device_by_name(k, bus, name) : NULL;
}

static struct iommu_group *find_group(struct kernel *k, const char *s)
{
	char *end;
	long id = strtol(s, &end, 10);
	struct iommu_core *c = iommu_core(k);
	if (*end || end == s || id < 0 || (size_t)id >= c->ngroups)
		return NULL;
	return c->groups[id];
}

/* --- device attributes --- */

enum attr_kind { ATTR_RO, ATTR_RW, ATTR_WO, ATTR_LINK };

struct dev_attr {
	const char *name;
	enum attr_kind kind;
	bool pci_only;
};

static const struct dev_attr dev_attrs[] = {
	{ "class", ATTR_RO, true },
	{ "config", ATTR_RO, true },
	{ "consistent_dma_mask_bits", ATTR_RO, true },
	{ "device", ATTR_RO, false },
	{ "dma_mask_bits", ATTR_RO, true },
	{ "driver", ATTR_LINK, false },
	{ "driver_override", ATTR_RW, false },
	{ "features", ATTR_RO, false },
	{ "iommu_group", ATTR_LINK, false },
	{ "irq", ATTR_RO, true },
	{ "modalias", ATTR_RO, false },
	{ "reset", ATTR_WO, true },
	{ "resource", ATTR_RO, true },
	{ "reset_method", ATTR_RW, true },
	{ "revision", ATTR_RO, true },
	{ "subsystem_device", ATTR_RO, true },
	{ "subsystem_vendor", ATTR_RO, true },
	{ "vendor", ATTR_RO, false },
};

static const struct dev_attr *find_attr(const struct device *dev, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_attrs); i++) {
		const struct dev_attr *a = &dev_attrs[i];
		if (strcmp(a->name, name))
			continue;
		if (a->pci_only && !dev_is_pci(dev))
			return NULL;
		/* hosts, targets and LUNs have their own attributes (scsi_sysfs.c) */
		if (dev->bus == &scsi_bus_type && strcmp(name, "driver"))
			return NULL;
		/* virtio devices have device/vendor; platform devices have neither */
		if ((!strcmp(name, "device") || !strcmp(name, "vendor")) && dev->bus == &platform_bus_type)
			return NULL;
		if (!strcmp(name, "driver_override") && dev->bus == &virtio_bus)
			return NULL;
		/* pci_dev_reset_method_attr_is_visible(): only with a reset method */
		if ((!strcmp(name, "reset_method") || !strcmp(name, "reset")) &&
		    !to_pci_dev((struct device *)dev)->reset_attrs)
			return NULL;
		/* virtio's features_show */
		if (!strcmp(name, "features") && dev->bus != &virtio_bus)
			return NULL;
		return a;
	}
	return NULL;
}

static int dev_attr_show(struct device *dev, const char *name, struct sysfs_buf *out)
{
	if (dev_is_pci(dev)) {
		struct pci_dev *p = to_pci_dev(dev);
		if (!strcmp(name, "vendor"))
			return emit(out, "0x%04x\n", p->vendor);
		if (!strcmp(name, "config"))
			return sysfs_pci_config_read(p, out);
		if (!strcmp(name, "resource"))
			return sysfs_pci_resource_read(p, out);
		if (!strcmp(name, "device"))
			return emit(out, "0x%04x\n", p->device);
		if (!strcmp(name, "class"))
			return emit(out, "0x%06x\n", p->class);
		if (!strcmp(name, "revision"))
			return emit(out, "0x%02x\n", p->revision);
		/* irq_show(): MSI's first vector, else pci_assign_irq()'s INTx irq (0 before a probe) */
		if (!strcmp(name, "irq"))
			return emit(out, "%d\n", p->msi_enabled ? pci_irq_vector(p, 0) : p->irq);
		if (!strcmp(name, "reset_method")) {
			/* reset_method_show(): the methods' names in order */
			char list[64] = "";
			for (int i = 0; i < PCI_NUM_RESET_METHODS && p->reset_methods[i]; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
					 pci_reset_method_name(p->reset_methods[i]));
			return emit(out, "%s%s", list, list[0] ? "\n" : "");
		}
		if (!strcmp(name, "subsystem_vendor"))
			return emit(out, "0x%04x\n", p->subsystem_vendor);
		if (!strcmp(name, "subsystem_device"))
			return emit(out, "0x%04x\n", p->subsystem_device);
		if (!strcmp(name, "dma_mask_bits"))
			return emit(out, "%d\n", dma_mask_bits(dev->dma_mask ? *dev->dma_mask : 0));
		if (!strcmp(name, "consistent_dma_mask_bits"))
			return emit(out, "%d\n", dma_mask_bits(dev->coherent_dma_mask));
		if (!strcmp(name, "modalias"))
			return emit(out, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", p->vendor,
				    p->device, p->subsystem_vendor, p->subsystem_device,
				    (p->class >> 16) & 0xff, (p->class >> 8) & 0xff, p->class & 0xff);
	}
	if (dev->bus == &virtio_bus) {
		struct virtio_device *v = dev_to_virtio(dev);
		if (!strcmp(name, "vendor"))
			return emit(out, "0x%04x\n", v->vendor);
		if (!strcmp(name, "device"))
			return emit(out, "0x%04x\n", v->device_id);
		if (!strcmp(name, "modalias"))
			return emit(out, "virtio:d%08Xv%08X\n", v->device_id, v->vendor);
		if (!strcmp(name, "features")) {
			/*
			 * a bitstring, bit 0 first, as features_show prints it: as
			 * many bits as the kernel's feature word has (7.3: 128, the
			 * ones past 63 zero here as no modelled device offers them)
			 */
			unsigned nbits = kernel_version(dev->k)->drivers->virtio_feature_bits;
			char bits[130];
			nbits = MIN(nbits, sizeof(bits) - 2);
			for (unsigned i = 0; i < nbits; i++)
				bits[i] = i < 64 && (v->features >> i) & 1 ? '1' : '0';
			bits[nbits] = '\n';
			bits[nbits + 1] = '\0';
			return emit(out, "%s", bits);
		}
	}
	if (!strcmp(name, "modalias"))
		return emit(out, "of:N%sT(null)\n", dev->name);
	if (!strcmp(name, "driver_override"))
		return emit(out, "%s\n", dev->driver_override ? dev->driver_override : "(null)");
	return -ENOENT;
}

/* driver_set_override(): a trailing newline is dropped; empty clears it */
static int driver_override_store(struct device *dev, const char *val)
{
	size_t len = strlen(val);
	if (len >= 4095)
		return -EINVAL;
	char *s = strndup(val, len);
	if (!s)
		return -ENOMEM;
	if (len && s[len - 1] == '\n')
		s[--len] = '\0';
	free(dev->driver_override);
	dev->driver_override = len ? s : NULL;
	if (!len)
		free(s);
	return 0;
}

static int dev_link(struct device *dev, const char *name, struct sysfs_buf *out)
{
	char dir[256];
	sysfs_device_path(dev, dir, sizeof(dir));
	char to[128];
	if (!strcmp(name, "driver")) {
		if (!dev->driver)
			return -ENOENT;
		snprintf(to, sizeof(to), "bus/%s/drivers/%s", dev->bus->name, dev->driver->name);
	} else if (!strcmp(name, "iommu_group")) {
		if (!dev->iommu_group)
			return -ENOENT;
		snprintf(to, sizeof(to), "kernel/iommu_groups/%d", dev->iommu_group->id);
	} else {
		return -EINVAL;
	}
	return emit_rel_link(out, dir, to);
}

/* --- resolving a path to an object --- */

/* A subtree another file renders, from a component on: a disk's directory, /sys/module. */
struct subtree {
	int (*stat)(struct kernel *k, char **c, int n, struct sysfs_stat *st);
	int (*list)(struct kernel *k, char **c, int n, struct sysfs_buf *out);
	int (*read)(struct kernel *k, char **c, int n, struct sysfs_buf *out);
	int (*readlink)(struct kernel *k, char **c, int n, struct sysfs_buf *out);
};

static const struct subtree block_tree = {
	sysfs_block_stat, sysfs_block_list, sysfs_block_read, sysfs_block_readlink,
};
static const struct subtree module_tree = {
	sysfs_module_stat, sysfs_module_list, sysfs_module_read, sysfs_module_readlink,
};
static const struct subtree scsi_host_tree = {
	sysfs_scsi_host_stat, sysfs_scsi_host_list, sysfs_scsi_host_read, sysfs_scsi_host_readlink,
};
static const struct subtree scsi_sdev_tree = {
	sysfs_scsi_sdev_stat, sysfs_scsi_sdev_list, sysfs_scsi_sdev_read, sysfs_scsi_sdev_readlink,
};
static const struct subtree vfio_dev_tree = {
	sysfs_vfio_dev_stat, sysfs_vfio_dev_list, sysfs_vfio_dev_read, sysfs_vfio_dev_readlink,
};

enum node_kind {
	N_DIR,			/* a directory: list() fills names */
	N_FILE,			/* a readable attribute */
	N_LINK,
	N_WO,			/* write-only attribute */
};

struct node {
	enum node_kind kind;
	struct device *dev;		/* the device an attribute belongs to */
	const char *attr;
	struct iommu_group *group;
	const struct bus_type *bus;
	struct device_driver *drv;
	int what;			/* which special file */
	bool bus_entry;			/* /sys/bus/B/devices/D itself: a link */
	bool writable;			/* a subtree's file with a store */
	const struct subtree *sub;	/* W_SUB: who renders it, from component sub_first on */
	int sub_first;
	struct spath sp;		/* the path, split: lookup() keeps it, node_put() frees it */
	char rest[64];			/* the component after /sys/kernel/debug/iommusim/NAME */
};

enum {
	W_NONE, W_GROUPS, W_GROUP, W_GROUP_DEVICES, W_GROUP_TYPE, W_GROUP_RESV, W_GROUP_DEV,
	W_BUS_ROOT, W_BUS, W_BUS_DEVICES, W_BUS_DEVLINK, W_BUS_DRIVERS, W_DRIVER, W_DRIVER_BIND,
	W_DRIVER_UNBIND, W_DRIVER_DEVLINK, W_DRIVERS_PROBE, W_DRIVERS_AUTOPROBE, W_DEVICE,
	W_DEVICE_ATTR, W_DEBUG_DEFERRED, W_DEBUG, W_DEBUG_EXT, W_ROOT, W_KERNEL, W_DEBUG_IOMMUSIM,
	W_BUS_UEVENT, W_DRIVER_UEVENT, W_DRIVER_MODULE, W_DRIVER_NEW_ID, W_DRIVER_REMOVE_ID,
	W_BLOCK_ROOT, W_BLOCK_LINK, W_DEV_BLOCK, W_DEV_DISKPATH, W_VIRTUAL_DIR, W_SUB,
};

static int leaf(struct node *nd, enum node_kind kind, int what)
{
	nd->kind = kind;
	nd->what = what;
	return 0;
}

/* components first.. of sp belong to the subtree t */
static int sub_leaf(struct kernel *k, const struct spath *sp, int first, const struct subtree *t,
		    struct node *nd)
{
	struct sysfs_stat st;
	int ret = t->stat(k, (char **)sp->c + first, sp->n - first, &st);
	if (ret)
		return ret;
	nd->sub = t;
	nd->sub_first = first;
	nd->writable = st.writable;
	nd->kind = st.type == SYSFS_DIR ? N_DIR : st.type == SYSFS_LNK ? N_LINK
		   : st.readable ? N_FILE : N_WO;
	nd->what = W_SUB;
	return 0;
}

/* the virtio device's disk (virtio_blk bound to it), NULL when none */
static struct virtio_blk *dev_disk(struct device *dev)
{
	if (dev->bus != &virtio_bus)
		return NULL;
	struct virtio_blk *v = virtblk_find(dev->k, dev->name);
	return v && v->vdev == dev_to_virtio(dev) ? v : NULL;
}

static int resolve_device_dir(struct device *dev, const struct spath *sp, int i, struct node *nd)
{
	nd->dev = dev;
	if (i == sp->n)
		return leaf(nd, N_DIR, W_DEVICE);
	/* device_add_disk(): the disk's directory below its device, in "block" */
	/* a SCSI host's class device (scsi_host/hostN) */
	if (dev->bus == &scsi_bus_type && is(sp, i, "scsi_host") && scsi_host_lookup(dev->k, dev->name))
		return sub_leaf(dev->k, sp, i - 1, &scsi_host_tree, nd);
	/* a vfio device's class device (vfio-dev/vfioN) */
	if (is(sp, i, "vfio-dev") && sysfs_vfio_dev_present(dev))
		return sub_leaf(dev->k, sp, i - 1, &vfio_dev_tree, nd);
	/* a scsi_device's own attributes */
	if (i + 1 == sp->n && sysfs_scsi_sdev_attr(dev, sp->c[i]))
		return sub_leaf(dev->k, sp, i - 1, &scsi_sdev_tree, nd);
	struct virtio_blk *disk = dev_disk(dev);
	if (disk && is(sp, i, "block")) {
		if (i + 1 == sp->n)
			return leaf(nd, N_DIR, W_DEV_BLOCK);
		if (strcmp(sp->c[i + 1], disk->disk_name))
			return -ENOENT;
		return sub_leaf(dev->k, sp, i + 1, &block_tree, nd);
	}
	/* a disk deeper below (an nvme namespace: nvme/nvme0/nvme0n1): each directory on the way */
	char sub[48], *comp[4];
	int ncomp = 0, m = 0;
	const char *below = sysfs_block_disk_below(dev->k, dev, sub, sizeof(sub));
	for (char *save = NULL, *t = below ? strtok_r(sub, "/", &save) : NULL; t && ncomp < 4;
	     t = strtok_r(NULL, "/", &save))
		comp[ncomp++] = t;
	while (m < ncomp && i + m < sp->n && !strcmp(sp->c[i + m], comp[m]))
		m++;
	if (m) {
		if (i + m == sp->n) {
			nd->sub_first = m;
			return leaf(nd, N_DIR, W_DEV_DISKPATH);
		}
		if (m == ncomp && !strcmp(sp->c[i + m], below))
			return sub_leaf(dev->k, sp, i + m, &block_tree, nd);
		return -ENOENT;
	}
	if (i + 1 != sp->n)
		return -ENOENT;
	const struct dev_attr *a = find_attr(dev, sp->c[i]);
	if (!a)
		return -ENOENT;
	nd->attr = a->name;
	nd->what = W_DEVICE_ATTR;
	nd->kind = a->kind == ATTR_LINK ? N_LINK : a->kind == ATTR_WO ? N_WO : N_FILE;
	if (a->kind == ATTR_LINK) {
		if ((!strcmp(a->name, "driver") && !dev->driver) ||
		    (!strcmp(a->name, "iommu_group") && !dev->iommu_group))
			return -ENOENT;
	}
	return 0;
}

/* /sys/bus/B/drivers/D/...: the driver core's files, then its devices */
static int resolve_driver_dir(struct kernel *k, const struct spath *sp, struct node *nd)
{
	struct device_driver *drv = nd->drv;
	if (sp->n == 4)
		return leaf(nd, N_DIR, W_DRIVER);
	if (sp->n == 5) {
		/* add_bind_files(), unless the driver suppresses them */
		if (is(sp, 4, "bind") && !drv->suppress_bind_attrs)
			return leaf(nd, N_WO, W_DRIVER_BIND);
		if (is(sp, 4, "unbind") && !drv->suppress_bind_attrs)
			return leaf(nd, N_WO, W_DRIVER_UNBIND);
		if (is(sp, 4, "uevent"))
			return leaf(nd, N_WO, W_DRIVER_UEVENT);
		/* module_add_driver(): the module that registered it */
		if (is(sp, 4, "module") && driver_module_kobject(k, drv))
			return leaf(nd, N_LINK, W_DRIVER_MODULE);
		/* pci_drv_groups */
		if (is(sp, 4, "new_id") && drv->bus == &pci_bus_type)
			return leaf(nd, N_WO, W_DRIVER_NEW_ID);
		if (is(sp, 4, "remove_id") && drv->bus == &pci_bus_type)
			return leaf(nd, N_WO, W_DRIVER_REMOVE_ID);
	}
	struct device *dev = find_dev(k, nd->bus, sp->c[4]);
	if (!dev || dev->driver != drv)
		return -ENOENT;
	if (sp->n == 5) {
		nd->kind = N_LINK;
		nd->what = W_DRIVER_DEVLINK;
		nd->dev = dev;
		return 0;
	}
	return resolve_device_dir(dev, sp, 5, nd);
}

static int resolve(struct kernel *k, const struct spath *sp, struct node *nd)
{
	memset(nd, 0, sizeof(*nd));
	nd->kind = N_DIR;
	if (sp->n == 0)
		return leaf(nd, N_DIR, W_ROOT);
	if (is(sp, 0, "kernel")) {
		if (sp->n == 1)
			return leaf(nd, N_DIR, W_KERNEL);
		if (is(sp, 1, "iommu_groups")) {
			if (sp->n == 2)
				return leaf(nd, N_DIR, W_GROUPS);
			nd->group = find_group(k, sp->c[2]);
			if (!nd->group)
				return -ENOENT;
			if (sp->n == 3)
				return leaf(nd, N_DIR, W_GROUP);
			if (sp->n == 4 && is(sp, 3, "type"))
				return leaf(nd, N_FILE, W_GROUP_TYPE);
			if (sp->n == 4 && is(sp, 3, "reserved_regions"))
				return leaf(nd, N_FILE, W_GROUP_RESV);
			if (is(sp, 3, "devices")) {
				if (sp->n == 4)
					return leaf(nd, N_DIR, W_GROUP_DEVICES);
				for (size_t i = 0; i < nd->group->ndevices; i++) {
					struct device *d = nd->group->devices[i];
					if (!strcmp(d->name, sp->c[4])) {
						if (sp->n == 5) {
							nd->kind = N_LINK;
							nd->what = W_GROUP_DEV;
							nd->dev = d;
							return 0;
						}
						return resolve_device_dir(d, sp, 5, nd);
					}
				}
			}
			return -ENOENT;
		}
		if (is(sp, 1, "debug")) {
			if (sp->n == 2)
				return leaf(nd, N_DIR, W_DEBUG);
			if (sp->n == 3 && is(sp, 2, "devices_deferred"))
				return leaf(nd, N_FILE, W_DEBUG_DEFERRED);
			if (is(sp, 2, "iommusim")) {
				if (sp->n == 3)
					return leaf(nd, N_DIR, W_DEBUG_IOMMUSIM);
				for (int i = 0; i < MAX_DEBUG && debug_files[i].name; i++) {
					if (!strcmp(debug_files[i].name, sp->c[3])) {
						nd->kind = N_FILE;
						nd->what = W_DEBUG_EXT;
						nd->attr = debug_files[i].name;
						return 0;
					}
				}
			}
		}
		return -ENOENT;
	}
	if (is(sp, 0, "bus")) {
		if (sp->n == 1)
			return leaf(nd, N_DIR, W_BUS_ROOT);
		nd->bus = find_bus(sp->c[1]);
		if (!nd->bus || !bus_exists(k, nd->bus))
			return -ENOENT;
		if (sp->n == 2)
			return leaf(nd, N_DIR, W_BUS);
		if (sp->n == 3 && is(sp, 2, "drivers_probe"))
			return leaf(nd, N_WO, W_DRIVERS_PROBE);
		if (sp->n == 3 && is(sp, 2, "drivers_autoprobe"))
			return leaf(nd, N_FILE, W_DRIVERS_AUTOPROBE);
		if (sp->n == 3 && is(sp, 2, "uevent"))
			return leaf(nd, N_WO, W_BUS_UEVENT);
		if (is(sp, 2, "devices")) {
			if (sp->n == 3)
				return leaf(nd, N_DIR, W_BUS_DEVICES);
			struct device *dev = find_dev(k, nd->bus, sp->c[3]);
			if (!dev)
				return -ENOENT;
			if (sp->n == 4) {
				/* the entry itself is a link; following it lists the device */
				nd->dev = dev;
				nd->what = W_DEVICE;
				return 0;
			}
			return resolve_device_dir(dev, sp, 4, nd);
		}
		if (is(sp, 2, "drivers")) {
			if (sp->n == 3)
				return leaf(nd, N_DIR, W_BUS_DRIVERS);
			nd->drv = driver_find(k, sp->c[3], nd->bus);
			if (!nd->drv)
				return -ENOENT;
			return resolve_driver_dir(k, sp, nd);
		}
		return -ENOENT;
	}
	if (is(sp, 0, "block")) {
		if (sp->n == 1)
			return leaf(nd, N_DIR, W_BLOCK_ROOT);
		/* the device the disk hangs under (a virtio device, an nvme function) */
		nd->dev = sysfs_block_disk_parent(k, sp->c[1], NULL, 0);
		if (!nd->dev)
			return -ENOENT;
		/* a link to the disk under its device; what is below it is the disk's (link followed) */
		if (sp->n == 2)
			return leaf(nd, N_LINK, W_BLOCK_LINK);
		return sub_leaf(k, sp, 1, &block_tree, nd);
	}
	if (is(sp, 0, "module"))
		return sub_leaf(k, sp, 1, &module_tree, nd);
	/* /sys/class: only the classes the model has (scsi_host) */
	if (is(sp, 0, "class") && (sp->n == 1 || is(sp, 1, "scsi_host")))
		return sub_leaf(k, sp, 1, &scsi_host_tree, nd);
	/* /sys/devices/virtual: the directories on the way to a disk there (an nvme multipath head) */
	if (is(sp, 0, "devices") && sp->n >= 2 && is(sp, 1, "virtual")) {
		char dir[96], want[96];
		if (sp->n >= 5 && sysfs_block_disk_virtual(k, sp->c[4], dir, sizeof(dir))) {
			snprintf(want, sizeof(want), "devices/virtual/%s/%s", sp->c[2], sp->c[3]);
			nd->dev = sysfs_block_disk_parent(k, sp->c[4], NULL, 0);
			if (strcmp(dir, want) || !nd->dev)
				return -ENOENT;
			return sub_leaf(k, sp, 4, &block_tree, nd);
		}
		size_t off = 0;
		for (int j = 0; j < sp->n && off < sizeof(dir); j++)
			off += (size_t)snprintf(dir + off, sizeof(dir) - off, "%s%s", j ? "/" : "", sp->c[j]);
		if (sp->n > 4 || sysfs_block_virtual_entries(k, dir, NULL))
			return -ENOENT;
		return leaf(nd, N_DIR, W_VIRTUAL_DIR);
	}
	if (is(sp, 0, "devices")) {
		/* the device whose own /sys/devices path is the longest prefix */
		struct device *best = NULL;
		int best_comps = 0;
		for (size_t i = 0; i < k->ndevices; i++) {
			char p[256];
			sysfs_device_path(k->devices[i], p, sizeof(p));
			int comps = 1;
			for (char *c = p; *c; c++)
				comps += *c == '/';
			if (comps > sp->n)
				continue;
			char joined[256] = "";
			size_t off = 0;
			for (int j = 0; j < comps && off < sizeof(joined); j++)
				off += snprintf(joined + off, sizeof(joined) - off, "%s%s", j ? "/" : "", sp->c[j]);
			if (!strcmp(joined, p) && comps > best_comps) {
				best = k->devices[i];
				best_comps = comps;
			}
		}
		return best ? resolve_device_dir(best, sp, best_comps, nd) : -ENOENT;
	}
	return -ENOENT;
}

static bool is_file(const struct node *nd)
{
	return nd->kind == N_FILE || nd->kind == N_WO;
}

/*
 * The path walk's errno for a path that does not resolve: -ENOTDIR when a
 * component before the last is a file, as link_path_walk() finds it.
 */
static int missing_errno(struct kernel *k, const struct spath *sp)
{
	for (int j = 1; j < sp->n; j++) {
		struct spath pre = *sp;
		struct node nd;
		pre.n = j;
		if (resolve(k, &pre, &nd))
			break;
		if (is_file(&nd))
			return -ENOTDIR;
	}
	return -ENOENT;
}

static void node_put(struct node *nd)
{
	free(nd->sp.buf);
	nd->sp.buf = NULL;
}

/* split + resolve: the node a path names, with its path kept (node_put() when done) */
static int lookup(struct kernel *k, const char *path, struct node *nd)
{
	struct spath sp;
	int ret = split_path(path, &sp);
	if (ret)
		return ret;
	ret = resolve(k, &sp, nd);
	if (ret == -ENOENT)
		ret = missing_errno(k, &sp);
	if (!ret) {
		nd->bus_entry = nd->what == W_DEVICE && sp.n == 4 && is(&sp, 0, "bus");
		snprintf(nd->rest, sizeof(nd->rest), "%s", sp.n > 4 ? sp.c[4] : "");
		/* "file/" names a directory that is not there */
		if (is_file(nd) && path[strlen(path) - 1] == '/')
			ret = -ENOTDIR;
	}
	if (ret) {
		free(sp.buf);
		return ret;
	}
	nd->sp = sp;
	return 0;
}

/* the subtree's own components of a W_SUB node */
static char **sub_c(struct node *nd)
{
	return nd->sp.c + nd->sub_first;
}

static int sub_n(const struct node *nd)
{
	return nd->sp.n - nd->sub_first;
}

/* A directory of /sys/devices above every device in it, e.g. /sys/devices/platform. */
static bool devices_ancestor(struct kernel *k, const struct spath *sp)
{
	if (!is(sp, 0, "devices"))
		return false;
	char want[256] = "";
	size_t off = 0;
	for (int j = 0; j < sp->n && off < sizeof(want); j++)
		off += snprintf(want + off, sizeof(want) - off, "%s%s", j ? "/" : "", sp->c[j]);
	for (size_t i = 0; i < k->ndevices; i++) {
		char p[256];
		sysfs_device_path(k->devices[i], p, sizeof(p));
		if (!strncmp(p, want, off) && p[off] == '/')
			return true;
	}
	return false;
}

static int sorted_names(struct sysfs_buf *out)
{
	for (size_t i = 1; i < out->nnames; i++) {
		char *x = out->names[i];
		size_t j = i;
		while (j > 0 && strcmp(out->names[j - 1], x) > 0) {
			out->names[j] = out->names[j - 1];
			j--;
		}
		out->names[j] = x;
	}
	return 0;
}

/* a driver's directory: its files (driver_add_groups, add_bind_files, module link) and devices */
static void list_driver(struct kernel *k, struct device_driver *drv, struct sysfs_buf *out)
{
	if (!drv->suppress_bind_attrs) {
		sysfs_buf_add_name(out, "bind");
		sysfs_buf_add_name(out, "unbind");
	}
	if (driver_module_kobject(k, drv))
		sysfs_buf_add_name(out, "module");
	if (drv->bus == &pci_bus_type) {
		sysfs_buf_add_name(out, "new_id");
		sysfs_buf_add_name(out, "remove_id");
	}
	sysfs_buf_add_name(out, "uevent");
	for (size_t i = 0; i < k->ndevices; i++)
		if (k->devices[i]->driver == drv)
			sysfs_buf_add_name(out, k->devices[i]->name);
}

static int list_node(struct kernel *k, struct node *nd, struct sysfs_buf *out)
{
	struct iommu_core *c = iommu_core(k);
	char num[24];
	switch (nd->what) {
	case W_ROOT:
		sysfs_buf_add_name(out, "block");
		sysfs_buf_add_name(out, "bus");
		sysfs_buf_add_name(out, "devices");
		sysfs_buf_add_name(out, "kernel");
		sysfs_buf_add_name(out, "module");
		break;
	case W_KERNEL:
		sysfs_buf_add_name(out, "debug");
		sysfs_buf_add_name(out, "iommu_groups");
		break;
	case W_DEBUG:
		sysfs_buf_add_name(out, "devices_deferred");
		sysfs_buf_add_name(out, "iommusim");
		break;
	case W_DEBUG_IOMMUSIM:
		for (int i = 0; i < MAX_DEBUG && debug_files[i].name; i++)
			sysfs_buf_add_name(out, debug_files[i].name);
		break;
	case W_GROUPS:
		/* ls sorts names as strings: 0 1 10 11 2 ... */
		for (size_t i = 0; i < c->ngroups; i++) {
			if (c->groups[i]) {
				snprintf(num, sizeof(num), "%zu", i);
				sysfs_buf_add_name(out, num);
			}
		}
		break;
	case W_GROUP:
		sysfs_buf_add_name(out, "devices");
		sysfs_buf_add_name(out, "reserved_regions");
		sysfs_buf_add_name(out, "type");
		break;
	case W_GROUP_DEVICES:
		for (size_t i = 0; i < nd->group->ndevices; i++)
			sysfs_buf_add_name(out, nd->group->devices[i]->name);
		break;
	case W_BUS_ROOT:
		for (size_t i = 0; i < ARRAY_SIZE(buses); i++)
			if (bus_exists(k, buses[i]))
				sysfs_buf_add_name(out, buses[i]->name);
		break;
	case W_BUS:
		sysfs_buf_add_name(out, "devices");
		sysfs_buf_add_name(out, "drivers");
		sysfs_buf_add_name(out, "drivers_autoprobe");
		sysfs_buf_add_name(out, "drivers_probe");
		sysfs_buf_add_name(out, "uevent");
		break;
	case W_BUS_DEVICES:
		for (size_t i = 0; i < k->ndevices; i++)
			if (k->devices[i]->bus == nd->bus)
				sysfs_buf_add_name(out, k->devices[i]->name);
		break;
	case W_BUS_DRIVERS:
		for (size_t i = 0; i < k->ndrivers; i++)
			if (k->drivers[i]->bus == nd->bus)
				sysfs_buf_add_name(out, k->drivers[i]->name);
		break;
	case W_DRIVER:
		list_driver(k, nd->drv, out);
		break;
	case W_BLOCK_ROOT:
		return sysfs_block_disks(k, out);
	case W_VIRTUAL_DIR: {
		char dir[96];
		size_t off = 0;
		for (int j = 0; j < nd->sp.n && off < sizeof(dir); j++)
			off += (size_t)snprintf(dir + off, sizeof(dir) - off, "%s%s", j ? "/" : "", nd->sp.c[j]);
		return sysfs_block_virtual_entries(k, dir, out);
	}
	case W_DEV_BLOCK:
		sysfs_buf_add_name(out, dev_disk(nd->dev)->disk_name);
		break;
	case W_DEV_DISKPATH: {
		/* the next directory towards the disk, or the disk itself */
		char sub[48];
		const char *below = sysfs_block_disk_below(k, nd->dev, sub, sizeof(sub));
		int depth = 0;
		const char *name = below;
		for (char *save = NULL, *t = strtok_r(sub, "/", &save); t; t = strtok_r(NULL, "/", &save), depth++)
			if (depth == nd->sub_first) {
				name = t;
				break;
			}
		if (name)
			sysfs_buf_add_name(out, name);
		break;
	}
	case W_SUB:
		return nd->sub->list(k, sub_c(nd), sub_n(nd), out);
	case W_DEVICE:
		for (size_t i = 0; i < ARRAY_SIZE(dev_attrs); i++) {
			struct node tmp;
			struct spath one = { .n = 1 };
			one.c[0] = (char *)dev_attrs[i].name;
			if (!resolve_device_dir(nd->dev, &one, 0, &tmp))
				sysfs_buf_add_name(out, dev_attrs[i].name);
		}
		if (dev_disk(nd->dev))
			sysfs_buf_add_name(out, "block");
		if (sysfs_vfio_dev_present(nd->dev))
			sysfs_buf_add_name(out, "vfio-dev");
		{
			char sub[48];
			if (sysfs_block_disk_below(k, nd->dev, sub, sizeof(sub)))
				sysfs_buf_add_name(out, strtok(sub, "/"));
		}
		/* the directories below it: its children's, or the PCI root bus's for a host bridge */
		{
			char mine[256], theirs[256];
			size_t n = (size_t)sysfs_device_path(nd->dev, mine, sizeof(mine));
			for (size_t i = 0; i < k->ndevices; i++) {
				sysfs_device_path(k->devices[i], theirs, sizeof(theirs));
				if (strncmp(theirs, mine, n) || theirs[n] != '/')
					continue;
				theirs[n + 1 + strcspn(theirs + n + 1, "/")] = '\0';
				bool seen = false;
				for (size_t j = 0; j < out->nnames; j++)
					seen |= !strcmp(out->names[j], theirs + n + 1);
				if (!seen)
					sysfs_buf_add_name(out, theirs + n + 1);
			}
		}
		break;
	default:
		return -ENOTDIR;
	}
	return 0;
}

int sysfs_list(struct kernel *k, const char *path, struct sysfs_buf *out)
{
	struct node nd;
	memset(out, 0, sizeof(*out));
	int ret = lookup(k, path, &nd);
	if (ret)
		return ret;
	ret = nd.kind == N_DIR ? list_node(k, &nd, out) : -ENOTDIR;
	node_put(&nd);
	return ret ? ret : sorted_names(out);
}

static int show_resv(struct kernel *k, struct iommu_group *group, struct sysfs_buf *out)
{
	static const char *const type_str[] = { "direct", "direct-relaxable", "reserved", "msi", "msi" };
	struct iommu_resv_region r[IOMMU_MAX_RESV * 4];
	int n = iommu_get_group_resv_regions(group, r, (int)ARRAY_SIZE(r));
	(void)k;
	out->text = strdup("");
	for (int i = 0; i < n; i++)
		emit(out, "0x%016llx 0x%016llx %s\n", (unsigned long long)r[i].start,
		     (unsigned long long)(r[i].start + r[i].length - 1), type_str[r[i].type]);
	return 0;
}

static int read_node(struct kernel *k, struct node *nd, struct sysfs_buf *out)
{
	if (nd->kind == N_DIR)
		return -EISDIR;
	if (nd->kind == N_WO)
		return -EACCES;
	switch (nd->what) {
	case W_GROUP_TYPE:
		return emit(out, "%s\n", iommu_domain_type_sysfs(nd->group->default_domain));
	case W_GROUP_RESV:
		return show_resv(k, nd->group, out);
	case W_DRIVERS_AUTOPROBE:
		return emit(out, "%d\n", bus_drivers_autoprobe(k, nd->bus));
	case W_DEBUG_DEFERRED:
		out->text = strdup("");
		for (size_t i = 0; i < k->ndeferred; i++)
			emit(out, "%s\t\n", k->deferred[i]->name);
		return 0;
	case W_DEBUG_EXT:
		/* what follows /sys/kernel/debug/iommusim/NAME, e.g. a device name */
		for (int i = 0; i < MAX_DEBUG && debug_files[i].name; i++)
			if (!strcmp(debug_files[i].name, nd->attr))
				return debug_files[i].fn(k, nd->rest, out);
		return -ENOENT;
	case W_SUB:
		return nd->sub->read(k, sub_c(nd), sub_n(nd), out);
	case W_DEVICE_ATTR:
		/* cat follows a link: a directory */
		return nd->kind == N_LINK ? -EISDIR : dev_attr_show(nd->dev, nd->attr, out);
	default:
		return -EISDIR;
	}
}

int sysfs_read(struct kernel *k, const char *path, struct sysfs_buf *out)
{
	struct node nd;
	memset(out, 0, sizeof(*out));
	int ret = lookup(k, path, &nd);
	if (ret)
		return ret;
	ret = read_node(k, &nd, out);
	node_put(&nd);
	return ret;
}

static int readlink_node(struct kernel *k, struct node *nd, struct sysfs_buf *out)
{
	char devpath[256];
	if (nd->bus_entry) {
		sysfs_device_path(nd->dev, devpath, sizeof(devpath));
		return emit_rel_link(out, "bus/x/devices", devpath);
	}
	if (nd->kind != N_LINK)
		return -EINVAL;
	switch (nd->what) {
	case W_GROUP_DEV:
		sysfs_device_path(nd->dev, devpath, sizeof(devpath));
		return emit_rel_link(out, "kernel/iommu_groups/N/devices", devpath);
	case W_DRIVER_DEVLINK:
		sysfs_device_path(nd->dev, devpath, sizeof(devpath));
		return emit_rel_link(out, "bus/x/drivers/y", devpath);
	case W_DRIVER_MODULE:
		snprintf(devpath, sizeof(devpath), "module/%s", driver_module_kobject(k, nd->drv));
		return emit_rel_link(out, "bus/x/drivers/y", devpath);
	case W_BLOCK_LINK: {
		/* /sys/block/vda -> ../devices/.../virtioN/block/vda (nvme: .../nvme/nvme0/nvme0n1) */
		char sub[48] = "block";
		/* a multipath head: .../virtual/nvme-subsystem/nvme-subsys0/nvme0n1 */
		if (sysfs_block_disk_virtual(k, nd->sp.c[1], devpath, sizeof(devpath))) {
			size_t len = strlen(devpath);
			snprintf(devpath + len, sizeof(devpath) - len, "/%s", nd->sp.c[1]);
			return emit_rel_link(out, "block", devpath);
		}
		sysfs_block_disk_parent(k, nd->sp.c[1], sub, sizeof(sub));
		size_t n = (size_t)sysfs_device_path(nd->dev, devpath, sizeof(devpath));
		snprintf(devpath + MIN(n, sizeof(devpath) - 1), sizeof(devpath) - MIN(n, sizeof(devpath) - 1),
			 "/%s/%s", sub, nd->sp.c[1]);
		return emit_rel_link(out, "block", devpath);
	}
	case W_SUB:
		return nd->sub->readlink(k, sub_c(nd), sub_n(nd), out);
	default:
		return dev_link(nd->dev, nd->attr, out);
	}
}

int sysfs_readlink(struct kernel *k, const char *path, struct sysfs_buf *out)
{
	struct node nd;
	memset(out, 0, sizeof(*out));
	int ret = lookup(k, path, &nd);
	if (ret)
		return ret;
	ret = readlink_node(k, &nd, out);
	node_put(&nd);
	return ret;
}

/* sysfs_streq(): a value with or without its trailing newline */
static char *strip_nl(const char *val)
{
	char *s = strdup(val);
	if (s) {
		size_t n = strlen(s);
		if (n && s[n - 1] == '\n')
			s[n - 1] = '\0';
	}
	return s;
}

int sysfs_lstat(struct kernel *k, const char *path, struct sysfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	struct spath sp;
	int ret = split_path(path, &sp);
	if (ret)
		return ret;
	struct node nd;
	ret = lookup(k, path, &nd);
	if (ret == -ENOENT && devices_ancestor(k, &sp)) {
		st->type = SYSFS_DIR;
		st->readable = true;
		ret = 0;
	} else if (!ret) {
		st->readable = nd.kind != N_WO;
		switch (nd.kind) {
		case N_DIR:
			st->type = nd.bus_entry ? SYSFS_LNK : SYSFS_DIR;
			break;
		case N_LINK:
			st->type = SYSFS_LNK;
			break;
		default:
			/* what has a store: sysfs_write() carries it out */
			st->type = SYSFS_REG;
			st->writable = nd.kind == N_WO || nd.what == W_GROUP_TYPE ||
				       nd.what == W_DRIVERS_AUTOPROBE || (nd.what == W_SUB && nd.writable) ||
				       (nd.what == W_DEVICE_ATTR && (!strcmp(nd.attr, "driver_override") ||
								     !strcmp(nd.attr, "reset_method")));
		}
		node_put(&nd);
	}
	free(sp.buf);
	return ret;
}

/* a kobject's path as kobject_get_path() gives it: "/bus/pci/drivers/vfio-pci" */
static int uevent_store(struct kernel *k, const struct spath *sp, int ncomp, const char *val)
{
	char kobj[256] = "";
	size_t off = 0;
	for (int i = 0; i < ncomp && off < sizeof(kobj); i++)
		off += snprintf(kobj + off, sizeof(kobj) - off, "/%s", sp->c[i]);
	return kobject_synth_uevent(k, kobj, val, strlen(val));
}

static int write_node(struct kernel *k, struct node *nd, const char *val)
{
	char *name;
	int ret;
	switch (nd->what) {
	case W_DRIVERS_AUTOPROBE:
		return bus_drivers_autoprobe_store(k, nd->bus, val);
	case W_BUS_UEVENT:
	case W_DRIVER_UEVENT:
		return uevent_store(k, &nd->sp, nd->sp.n - 1, val);
	case W_DRIVER_NEW_ID:
		return pci_new_id_store(k, nd->drv, val);
	case W_DRIVER_REMOVE_ID:
		return pci_remove_id_store(k, nd->drv, val);
	case W_SUB:
		if (nd->sub == &module_tree && nd->kind == N_WO)
			return uevent_store(k, &nd->sp, nd->sp.n - 1, val);	/* /module/M/uevent */
		/* a module parameter with a store: the model keeps the defaults */
		return nd->writable ? -EOPNOTSUPP : -EACCES;
	case W_DEVICE_ATTR:
		if (!strcmp(nd->attr, "driver_override"))
			return driver_override_store(nd->dev, val);
		if (!strcmp(nd->attr, "reset"))
			return pci_reset_store(to_pci_dev(nd->dev), val);
		if (!strcmp(nd->attr, "reset_method"))
			return pci_reset_method_store(to_pci_dev(nd->dev), val);
		return -EACCES;
	case W_DRIVER_BIND:
	case W_DRIVER_UNBIND:
	case W_DRIVERS_PROBE:
	case W_GROUP_TYPE:
		break;
	default:
		return -EACCES;
	}
	name = strip_nl(val);
	if (!name)
		return -ENOMEM;
	switch (nd->what) {
	case W_DRIVER_BIND:
		ret = driver_bind_store(nd->drv, find_dev(k, nd->bus, name));
		break;
	case W_DRIVER_UNBIND:
		ret = driver_unbind_store(nd->drv, find_dev(k, nd->bus, name));
		break;
	case W_DRIVERS_PROBE:
		ret = bus_rescan_store(find_dev(k, nd->bus, name));
		break;
	default:
		ret = iommu_group_store_type(nd->group, val);
	}
	free(name);
	return ret;
}

int sysfs_write(struct kernel *k, const char *path, const char *val)
{
	struct node nd;
	int ret = lookup(k, path, &nd);
	if (ret)
		return ret;
	ret = nd.kind == N_DIR ? -EISDIR : write_node(k, &nd, val);
	node_put(&nd);
	return ret;
}
