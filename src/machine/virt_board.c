/*
 * What the virt board offers a device while it realizes: its messages with
 * the option's location, bus lookup and PCI registration, the PCIe chassis
 * slots, and the backends (drives, block nodes, netdevs, objects) devices
 * claim, with QEMU 7.2's texts when one is missing or taken.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/virt_internal.h"
#include "hw/qdev.h"

int virt_fail(struct virt_build *b, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!b->err || !b->errlen)
		return -EINVAL;
	n = (size_t)snprintf(b->err, b->errlen, "%s", b->where);
	if (n >= b->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(b->err + n, b->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

struct hw_pci_bus *virt_pci_bus_of(struct virt_build *b, const struct qdev *d)
{
	struct hw_pci_bus *bus;

	/* qbus_find_recursive: the newest pxb-pcie's bus comes first, and no PCI bus is ever "full" */
	if (!d->bus)
		return b->pxb_bus ? b->pxb_bus : b->m->pci_root;
	if (!strcmp(d->bus, "pcie.0"))
		return b->m->pci_root;
	bus = idmap_get(&b->buses, d->bus);
	if (!bus) {
		if (!strncmp(d->bus, "virtio-mmio-bus.", 16))
			virt_fail(b, "Device '%s' can't go on virtio-mmio-bus bus", d->type->name);
		else
			virt_fail(b, "Bus '%s' not found", d->bus);
	}
	return bus;
}

int virt_pci_plug(struct virt_build *b, struct hw_pci_bus *bus, struct hw_pci_fn *fn,
		  const struct qdev *d)
{
	char msg[256];

	/* do_pci_register_device(): an expander's root bus takes bridges only */
	if (bus->is_root && bus->bridge && fn->header_type != 1)
		return virt_fail(b, "PCI: Only PCI/PCIe bridges can be plugged into %s", bus->bridge->qemu_driver);
	if (virt_pci_place(bus, fn, (int)qdev_int(d, "addr"), d->type->name, msg, sizeof(msg)))
		return virt_fail(b, "%s", msg);
	return 0;
}

void virt_pci_unplug(struct hw_pci_fn *fn)
{
	fn->bus->fn[fn->devfn] = NULL;
	virt_pci_fn_free(fn);
}

int virt_pci_bridge_bus(struct virt_build *b, struct hw_pci_fn *fn, bool express)
{
	fn->secondary = virt_pci_bus_new(express, false, fn->qemu_id, fn);
	if (!fn->secondary)
		return -ENOMEM;
	if (fn->qemu_id && idmap_put(&b->buses, fn->secondary->qemu_id, fn->secondary))
		return -ENOMEM;
	return 0;
}

int virt_pcie_chassis_add_slot(struct virt_build *b, unsigned chassis, unsigned slot)
{
	u32 key = (u32)chassis << 16 | slot;
	u32 *n;

	for (size_t i = 0; i < b->nrp; i++)
		if (b->rp_chassis_slot[i] == key)
			return -EBUSY;
	n = realloc(b->rp_chassis_slot, (b->nrp + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	b->rp_chassis_slot = n;
	n[b->nrp++] = key;
	return 0;
}

int virt_claim_drive(struct virt_build *b, const char *owner, const char *name,
		     struct virt_disk *disk)
{
	if (virt_drive_resolve(b->cmd, b->drive_names, name, disk))
		return virt_fail(b, "Property '%s.drive' can't find value '%s'", owner, name);
	if (disk->drive >= 0) {
		if (b->drive_used[disk->drive])
			return virt_fail(b, "Drive '%s' is already in use by another device", name);
		b->drive_used[disk->drive] = true;
	} else if (b->node_users[disk->node] && !disk->readonly) {
		/* a node two devices write: QEMU's permission conflict, with QOM paths */
		return virt_fail(b, "Permission conflict on node '%s': permissions 'write' are both required "
				 "by block device '%s/virtio-backend' (uses node '%s' as 'root' child) and "
				 "unshared by block device '%s/virtio-backend' (uses node '%s' as 'root' child).",
				 name, b->node_users[disk->node], name, b->qom_path, name);
	} else if (!b->node_users[disk->node]) {
		b->node_users[disk->node] = strdup(b->qom_path);
		if (!b->node_users[disk->node])
			return -ENOMEM;
	}
	return 0;
}

int virt_claim_netdev(struct virt_build *b, const char *owner, const char *id)
{
	for (size_t i = 0; i < b->cmd->nnetdevs; i++) {
		const char *d = qemu_opt_get(&b->cmd->netdevs[i], "id");

		if (!d || strcmp(d, id))
			continue;
		if (b->netdev_used[i])
			return virt_fail(b, "Property '%s.netdev' can't take value '%s', it's in use",
					 owner, id);
		b->netdev_used[i] = true;
		return 0;
	}
	return virt_fail(b, "Property '%s.netdev' can't find value '%s'", owner, id);
}

int virt_check_link(struct virt_build *b, const char *prop, const char *link_type, const char *id)
{
	const struct qemu_optlist *o = NULL;

	for (size_t i = 0; i < b->cmd->nobjects && !o; i++) {
		const char *oid = qemu_opt_get(&b->cmd->objects[i], "id");

		if (oid && !strcmp(oid, id))
			o = &b->cmd->objects[i];
	}
	if (!o)
		return virt_fail(b, "Device '%s' not found", id);
	/* rng-backend is abstract: rng-random, rng-builtin, rng-egd derive from it */
	if (strcmp(o->driver, link_type) &&
	    !(!strcmp(link_type, "rng-backend") && !strncmp(o->driver, "rng-", 4)))
		return virt_fail(b, "Invalid parameter type for '%s', expected: %s", prop, link_type);
	return 0;
}
