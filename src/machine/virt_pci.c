/*
 * The PCI hardware tree of the virt machine: buses, functions, and QEMU's
 * rules for where a function may sit (hw/pci/pci.c do_pci_register_device,
 * pci_init_multifunction; hw/pci/shpc.c slot range).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/virt_internal.h"
#include "hw/nvme_dev.h"
#include "hw/virtio_scsi_dev.h"
#include "hw/pci_msix.h"


/* ---- id map: FNV-1a, linear probing ---- */

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int idmap_grow(struct idmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	const char **k = calloc(ncap, sizeof(*k));
	void **v = calloc(ncap, sizeof(*v));

	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->keys[i])
			continue;
		for (j = hash_str(m->keys[i]) & (ncap - 1); k[j]; j = (j + 1) & (ncap - 1))
			;
		k[j] = m->keys[i];
		v[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = k;
	m->vals = v;
	m->cap = ncap;
	return 0;
}

int idmap_put(struct idmap *m, const char *key, void *val)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && idmap_grow(m))
		return -ENOMEM;
	for (j = hash_str(key) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
		if (!strcmp(m->keys[j], key)) {
			m->vals[j] = val;
			return 0;
		}
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
	return 0;
}

void *idmap_get(const struct idmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t j = hash_str(key) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1))
		if (!strcmp(m->keys[j], key))
			return m->vals[j];
	return NULL;
}

void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- tree ---- */

struct hw_pci_bus *virt_pci_bus_new(bool express, bool root, const char *id,
				    struct hw_pci_fn *bridge)
{
	struct hw_pci_bus *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->is_express = express;
	b->is_root = root;
	b->bridge = bridge;
	if (id) {
		b->qemu_id = strdup(id);
		if (!b->qemu_id) {
			free(b);
			return NULL;
		}
	}
	return b;
}

struct hw_pci_fn *virt_pci_fn_new(const char *driver, const char *id)
{
	struct hw_pci_fn *fn = calloc(1, sizeof(*fn));

	if (!fn)
		return NULL;
	fn->pcie_type = HW_PCIE_NONE;
	fn->qemu_driver = strdup(driver);
	fn->qemu_id = id ? strdup(id) : NULL;
	if (!fn->qemu_driver || (id && !fn->qemu_id)) {
		virt_pci_fn_free(fn);
		return NULL;
	}
	return fn;
}

static void virtio_free(struct hw_virtio *v)
{
	if (!v)
		return;
	free((char *)v->drive_file);
	free((char *)v->netdev);
	virtio_scsi_conf_free(v->scsi);
	free(v);
}

void virt_pci_fn_free(struct hw_pci_fn *fn)
{
	if (!fn)
		return;
	virt_pci_tree_free(fn->secondary);
	virtio_free(fn->virtio);
	nvme_hw_props_free(fn->nvme);
	hw_msix_free(fn->msix);
	free((char *)fn->qemu_driver);
	free((char *)fn->qemu_id);
	free(fn);
}

void virt_pci_tree_free(struct hw_pci_bus *bus)
{
	if (!bus)
		return;
	for (int i = 0; i < 256; i++)
		virt_pci_fn_free(bus->fn[i]);
	free((char *)bus->qemu_id);
	free(bus);
}

/* The name QEMU prints for an occupant: type name, then ",id=" and its id. */
static const char *id_or_null(const struct hw_pci_fn *fn)
{
	return fn->qemu_id ? fn->qemu_id : "(null)";
}

int virt_pci_place(struct hw_pci_bus *bus, struct hw_pci_fn *fn, int devfn,
		   const char *name, char *err, size_t errlen)
{
	/* SHPC (pci-bridge, pcie-pci-bridge) only drives slots 1..31 */
	bool shpc = bus->bridge && bus->bridge->shpc;

	if (devfn < 0) {
		/* first free function 0 from devfn_min (0 on every bus here) */
		for (devfn = 0; devfn < 256; devfn += 8)
			if (!bus->fn[devfn])
				break;
		if (devfn >= 256) {
			qemu_set_err(err, errlen,
				"PCI: no slot/function available for %s, all in use or reserved",
				name);
			return -EINVAL;
		}
	} else if (bus->fn[devfn]) {
		qemu_set_err(err, errlen,
			"PCI: slot %d function %d not available for %s, in use by %s,id=%s",
			PCI_SLOT(devfn), PCI_FUNC(devfn), name,
			bus->fn[devfn]->qemu_driver, id_or_null(bus->fn[devfn]));
		return -EINVAL;
	}

	/* pci_init_multifunction(): function 0 decides for the whole slot */
	if (PCI_FUNC(devfn)) {
		struct hw_pci_fn *f0 = bus->fn[PCI_DEVFN(PCI_SLOT(devfn), 0)];

		if (f0 && !f0->multifunction) {
			qemu_set_err(err, errlen,
				"PCI: single function device can't be populated in function %x.%x",
				PCI_SLOT(devfn), PCI_FUNC(devfn));
			return -EINVAL;
		}
	} else if (!fn->multifunction) {
		for (int f = 1; f < 8; f++) {
			if (bus->fn[PCI_DEVFN(PCI_SLOT(devfn), f)]) {
				qemu_set_err(err, errlen,
					"PCI: %x.0 indicates single function, but %x.%x is already populated.",
					PCI_SLOT(devfn), PCI_SLOT(devfn), f);
				return -EINVAL;
			}
		}
	}

	/* hotplug handler plug callback (shpc_device_plug_cb), cold plug too */
	if (shpc && PCI_SLOT(devfn) < 1) {
		qemu_set_err(err, errlen,
			"Unsupported PCI slot %d for standard hotplug controller. Valid slots are between 1 and 31.",
			PCI_SLOT(devfn));
		return -EINVAL;
	}

	fn->devfn = (u8)devfn;
	fn->bus = bus;
	bus->fn[devfn] = fn;
	return 0;
}
