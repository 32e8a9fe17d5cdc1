/*
 * QEMU 7.2's "virt" machine from a parsed command line (hw/arm/virt.c plus
 * the devices' realize functions): machine options, -device in command-line
 * order, and the messages QEMU gives when one of them is wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include "machine/virt_internal.h"
#include "hw/pci_msix.h"

enum dev_kind {
	DEV_PCIE_ROOT_PORT,
	DEV_PCI_BRIDGE,
	DEV_PCIE_PCI_BRIDGE,
	DEV_VIRTIO_PCI,
	DEV_VIRTIO_MMIO,
};

struct dev_model {
	const char *name;
	enum dev_kind kind;
	enum hw_virtio_id vid;
};

static const struct dev_model dev_models[] = {
	{ "pcie-root-port", DEV_PCIE_ROOT_PORT, HW_VIRTIO_NONE },
	{ "pci-bridge", DEV_PCI_BRIDGE, HW_VIRTIO_NONE },
	{ "pcie-pci-bridge", DEV_PCIE_PCI_BRIDGE, HW_VIRTIO_NONE },
	{ "virtio-net-pci", DEV_VIRTIO_PCI, HW_VIRTIO_NET },
	{ "virtio-blk-pci", DEV_VIRTIO_PCI, HW_VIRTIO_BLK },
	{ "virtio-rng-pci", DEV_VIRTIO_PCI, HW_VIRTIO_RNG },
	{ "virtio-net-device", DEV_VIRTIO_MMIO, HW_VIRTIO_NET },
	{ "virtio-blk-device", DEV_VIRTIO_MMIO, HW_VIRTIO_BLK },
	{ "virtio-rng-device", DEV_VIRTIO_MMIO, HW_VIRTIO_RNG },
};

/* QEMU's own names for the virtio personalities (the proxied vdev type) */
#define VIRTIO_QUEUE_MAX 1024	/* QEMU hw/virtio: queues a device may have */

static const char *vdev_type(enum hw_virtio_id id)
{
	switch (id) {
	case HW_VIRTIO_NET: return "virtio-net-device";
	case HW_VIRTIO_BLK: return "virtio-blk-device";
	default: return "virtio-rng-device";
	}
}

/* Properties of one -device after globals and its own options are applied. */
struct dev_cfg {
	const struct dev_model *model;
	const char *id, *bus, *drive, *netdev;
	int devfn;			/* -1: first free slot */
	bool multifunction;
	/* bridges */
	unsigned chassis, slot, port;
	bool hotplug, shpc;
	/* virtio */
	int disable_legacy;		/* -1 auto, 0 off, 1 on */
	bool disable_modern, iommu_platform;
	u32 num_queues, queue_size;
	bool seg_max_adjust;
	bool vectors_set;		/* virtio-pci "vectors" given */
	unsigned vectors;
	bool queue_reset;		/* virtio-device queue_reset (off on virt-7.1 and older) */
	const char *rng;		/* virtio-rng rng= backend object */
};

struct build {
	const struct qemu_cmdline *cmd;
	struct machine *m;
	char *err;
	size_t errlen;
	struct idmap buses;		/* bus id -> struct hw_pci_bus */
	bool msi_nonbroken;		/* the GIC has an MSI controller (ITS or GICv2m) */
	bool *drive_used, *netdev_used;
	char **drive_names;		/* each -drive's name: its id or QEMU's ("virtio0") */
	bool mmio_legacy;		/* -global virtio-mmio.force-legacy */
	u32 *rp_chassis_slot;		/* chassis << 16 | slot of each root port */
	size_t nrp;
	struct virt_machine_opts mo;	/* the machine type and its properties */
	const char **dev_ids;		/* ids of the devices created so far */
	size_t ndev_ids;
	unsigned anon_devices;		/* -device without id, for QOM paths in messages */
	char **node_users;		/* per -blockdev: the QOM path of the device using it */
	char qom_path[128];		/* the device being added */
	char where[1024];		/* "-device ...: " prefix for messages */
};

static bool needs_more(size_t n)
{
	return n == 0 || (n & (n - 1)) == 0;
}

/* An error the parser kept for this phase of QEMU's start (see enum qemu_phase). */
static int deferred(struct build *b, enum qemu_phase ph)
{
	if (!b->cmd->deferred[ph])
		return 0;
	qemu_set_err(b->err, b->errlen, "%s", b->cmd->deferred[ph]);
	return -EINVAL;
}

static int fail(struct build *b, const char *fmt, ...)
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

/* The option as given ("-device TEXT: "), or rebuilt with commas re-escaped. */
static void set_where(struct build *b, const char *opt, const char *first,
		      const struct qemu_optlist *l)
{
	size_t n = 0, cap = sizeof(b->where);
	char *w = b->where;

	if (l && l->text) {
		snprintf(w, cap, "%s %s: ", opt, l->text);
		return;
	}

#define PUT(...) do { if (n < cap) n += (size_t)snprintf(w + n, cap - n, __VA_ARGS__); } while (0)
	PUT("%s ", opt);
	if (first)
		PUT("%s", first);
	for (size_t i = 0; l && i < l->nopts; i++) {
		PUT("%s%s=", (i || first) ? "," : "", l->opts[i].key);
		for (const char *c = l->opts[i].val; *c && n + 2 < cap; c++) {
			if (*c == ',')
				w[n++] = ',';
			w[n++] = *c;
		}
		w[n < cap ? n : cap - 1] = '\0';
	}
	PUT(": ");
#undef PUT
	if (n >= cap)
		snprintf(w + cap - 6, 6, "...: ");
}

/* ---- property value parsers, worded like QEMU's visitors ---- */

/*
 * A property's value: a string from QemuOpts (or -global), or a typed JSON
 * value, which QEMU's qobject input visitor checks more strictly.
 */
struct pval {
	const char *s;
	enum qemu_opt_type t;
	bool json;		/* from the JSON form: a string is only a string */
};

static int prop_bool(struct build *b, const char *key, struct pval v, bool *out)
{
	int x = 0;

	if (v.t == QOPT_BOOL) {
		*out = !strcmp(v.s, "true");
		return 0;
	}
	if (v.t != QOPT_STR || v.json)
		return fail(b, "Invalid parameter type for '%s', expected: boolean", key);
	if (qemu_parse_bool(v.s, &x))
		return fail(b, "Parameter '%s' expects 'on' or 'off'", key);
	*out = x;
	return 0;
}

static int prop_uint(struct build *b, const char *key, struct pval pv,
		     unsigned long long max, const char *tname, unsigned *out)
{
	const char *val = pv.s;
	char *end;
	unsigned long long v;

	if ((pv.t != QOPT_STR || pv.json) && pv.t != QOPT_INT)
		return fail(b, "Parameter '%s' expects uint64", key);
	errno = 0;
	if (pv.t == QOPT_INT && val[0] == '-') {
		/* a negative JSON integer is taken as its unsigned 64-bit image */
		v = (unsigned long long)strtoll(val, &end, 10);
	} else {
		v = strtoull(val, &end, 0);
		if (!*val || *end || errno)
			return fail(b, "Parameter '%s' expects integer", key);
		if (val[0] == '-')
			return fail(b, "Parameter '%s' expects %s", key, tname);
	}
	if (v > max)
		return fail(b, "Parameter '%s' expects %s", key, tname);
	*out = (unsigned)v;
	return 0;
}

static int prop_str(struct build *b, const char *key, struct pval v, const char **out)
{
	if (v.t != QOPT_STR)
		return fail(b, "Invalid parameter type for '%s', expected: string", key);
	*out = v.s;
	return 0;
}

static int prop_on_off_auto(struct build *b, const char *key, struct pval pv, int *out)
{
	const char *val = pv.s;

	if (pv.t != QOPT_STR)
		return fail(b, "Invalid parameter type for '%s', expected: string", key);
	if (!strcmp(val, "on"))
		*out = 1;
	else if (!strcmp(val, "off"))
		*out = 0;
	else if (!strcmp(val, "auto"))
		*out = -1;
	else
		return fail(b, "Parameter '%s' does not accept value '%s'", key, val);
	return 0;
}

/* DEFINE_PROP_PCI_DEVFN: "slot[.fn]" in hex, slot <= 0x1f, fn <= 7; a JSON integer is the devfn */
static int prop_devfn(struct build *b, const char *drv, struct pval pv, int *out)
{
	const char *val = pv.s;
	char *end;
	unsigned long slot, fn = 0;

	if (pv.t == QOPT_INT) {
		long long d = strtoll(val, NULL, 10);

		if (d < -1 || d > 255)
			return fail(b, "Parameter 'addr' expects a value between -1 and 255");
		*out = (int)d;
		return 0;
	}
	if (pv.t != QOPT_STR)
		return fail(b, "Invalid parameter type for 'addr', expected int or str");

	errno = 0;
	slot = strtoul(val, &end, 16);
	if (end == val || errno || val[0] == '-' || val[0] == '+')
		goto bad;
	if (*end == '.') {
		const char *f = end + 1;

		fn = strtoul(f, &end, 16);
		if (end == f || f[0] == '-' || f[0] == '+')
			goto bad;
	}
	if (*end || slot > 0x1f || fn > 7)
		goto bad;
	*out = PCI_DEVFN(slot, fn);
	return 0;
bad:
	return fail(b, "Property '%s.addr' doesn't take value '%s'", drv, val);
}

static const char *const ignored_pci_props[] = {
	"romfile", "rombar", "x-pcie-lnksta-dllla", "x-pcie-extcap-init", NULL,
};
static const char *const ignored_virtio_props[] = {
	"ioeventfd", "event_idx", "indirect_desc", "packed", "ats",
	"notify_on_empty", "any_layout", "use-started", NULL,
};
static const char *const ignored_blk_props[] = {
	"serial", "write-cache", "config-wce", "logical_block_size",
	"physical_block_size", "discard", "write-zeroes", "bootindex", NULL,
};
static const char *const ignored_net_props[] = {
	"mac", "mq", "rx_queue_size", "tx_queue_size", "host_mtu", "speed", "duplex", "bootindex",
	NULL,
};
static const char *const ignored_rng_props[] = { "max-bytes", "period", NULL };
static const char *const bridge_reserve_props[] = {
	"bus-reserve", "io-reserve", "mem-reserve", "pref32-reserve", "pref64-reserve", NULL,
};

static bool in_list(const char *const *l, const char *key)
{
	for (; *l; l++)
		if (!strcmp(*l, key))
			return true;
	return false;
}

/* Apply one property; -EINVAL (message set) for an unknown key or bad value. */
static int apply_prop(struct build *b, struct dev_cfg *c, const char *key, struct pval val)
{
	const struct dev_model *dm = c->model;
	const bool pci = dm->kind != DEV_VIRTIO_MMIO;
	const bool virtio = dm->kind == DEV_VIRTIO_PCI || dm->kind == DEV_VIRTIO_MMIO;

	if (!strcmp(key, "id")) {
		c->id = val.s;
		return 0;
	}
	if (!strcmp(key, "bus")) {
		c->bus = val.s;
		return 0;
	}
	if (pci) {
		if (!strcmp(key, "addr"))
			return prop_devfn(b, dm->name, val, &c->devfn);
		if (!strcmp(key, "multifunction"))
			return prop_bool(b, key, val, &c->multifunction);
		if (in_list(ignored_pci_props, key))
			return 0;
	}
	switch (dm->kind) {
	case DEV_PCIE_ROOT_PORT:
		if (!strcmp(key, "chassis"))
			return prop_uint(b, key, val, 0xff, "uint8_t", &c->chassis);
		if (!strcmp(key, "slot"))
			return prop_uint(b, key, val, 0xffff, "uint16_t", &c->slot);
		if (!strcmp(key, "port"))
			return prop_uint(b, key, val, 0xff, "uint8_t", &c->port);
		if (!strcmp(key, "hotplug"))
			return prop_bool(b, key, val, &c->hotplug);
		if (in_list(bridge_reserve_props, key) || !strcmp(key, "x-speed") ||
		    !strcmp(key, "x-width"))
			return 0;
		break;
	case DEV_PCI_BRIDGE:
		if (!strcmp(key, "chassis_nr"))
			return prop_uint(b, key, val, 0xff, "uint8_t", &c->chassis);
		if (!strcmp(key, "shpc"))
			return prop_bool(b, key, val, &c->shpc);
		if (!strcmp(key, "msi")) {
			int v = 0;

			return prop_on_off_auto(b, key, val, &v);
		}
		if (in_list(bridge_reserve_props, key))
			return 0;
		break;
	case DEV_PCIE_PCI_BRIDGE:
		if (!strcmp(key, "msi")) {
			int v = 0;

			return prop_on_off_auto(b, key, val, &v);
		}
		break;
	case DEV_VIRTIO_PCI:
		if (!strcmp(key, "disable-legacy"))
			return prop_on_off_auto(b, key, val, &c->disable_legacy);
		if (!strcmp(key, "disable-modern"))
			return prop_bool(b, key, val, &c->disable_modern);
		if (!strcmp(key, "vectors")) {
			c->vectors_set = true;
			return prop_uint(b, key, val, 0xffffffffULL, "uint32_t", &c->vectors);
		}
		break;
	case DEV_VIRTIO_MMIO:
		break;
	}
	if (virtio) {
		if (!strcmp(key, "iommu_platform"))
			return prop_bool(b, key, val, &c->iommu_platform);
		if (!strcmp(key, "queue_reset"))
			return prop_bool(b, key, val, &c->queue_reset);
		if (in_list(ignored_virtio_props, key))
			return 0;
		switch (dm->vid) {
		case HW_VIRTIO_BLK:
			if (!strcmp(key, "drive"))
				return prop_str(b, key, val, &c->drive);
			if (!strcmp(key, "num-queues"))
				return prop_uint(b, key, val, 0xffff, "uint16_t", &c->num_queues);
			if (!strcmp(key, "queue-size"))
				return prop_uint(b, key, val, 0xffff, "uint16_t", &c->queue_size);
			if (!strcmp(key, "seg-max-adjust"))
				return prop_bool(b, key, val, &c->seg_max_adjust);
			if (in_list(ignored_blk_props, key))
				return 0;
			break;
		case HW_VIRTIO_NET:
			if (!strcmp(key, "netdev"))
				return prop_str(b, key, val, &c->netdev);
			if (in_list(ignored_net_props, key))
				return 0;
			break;
		default:
			if (!strcmp(key, "rng"))
				return prop_str(b, key, val, &c->rng);
			if (in_list(ignored_rng_props, key))
				return 0;
			break;
		}
	}
	return fail(b, "Property '%s.%s' not found", dm->name, key);
}

static const struct dev_model *find_model(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_models); i++)
		if (!strcmp(dev_models[i].name, name))
			return &dev_models[i];
	return NULL;
}

static int find_netdev(const struct build *b, const char *id)
{
	for (size_t i = 0; i < b->cmd->nnetdevs; i++) {
		const char *d = qemu_opt_get(&b->cmd->netdevs[i], "id");

		if (d && !strcmp(d, id))
			return (int)i;
	}
	return -1;
}

/* The virtio personality: backends, queues (virtio-blk/-net/-rng realize). */
static int virtio_personality(struct build *b, const struct dev_cfg *c, struct hw_virtio *v)
{
	v->id = c->model->vid;
	v->iommu_platform = c->iommu_platform;
	/* hw_compat_7_1 and -device queue_reset=off: no VIRTIO_F_RING_RESET */
	v->no_queue_reset = !c->queue_reset;
	switch (v->id) {
	case HW_VIRTIO_BLK: {
		struct virt_disk disk;

		if (!c->drive)
			return fail(b, "drive property not set");
		if (virt_drive_resolve(b->cmd, b->drive_names, c->drive, &disk))
			return fail(b, "Property '%s.drive' can't find value '%s'",
				    vdev_type(v->id), c->drive);
		if (disk.drive >= 0) {
			if (b->drive_used[disk.drive])
				return fail(b, "Drive '%s' is already in use by another device", c->drive);
			b->drive_used[disk.drive] = true;
		} else if (b->node_users[disk.node] && !disk.readonly) {
			/* a node two devices write: QEMU's permission conflict, with QOM paths */
			return fail(b, "Permission conflict on node '%s': permissions 'write' are both required "
				    "by block device '%s/virtio-backend' (uses node '%s' as 'root' child) and "
				    "unshared by block device '%s/virtio-backend' (uses node '%s' as 'root' child).",
				    c->drive, b->node_users[disk.node], c->drive, b->qom_path, c->drive);
		} else if (!b->node_users[disk.node]) {
			b->node_users[disk.node] = strdup(b->qom_path);
			if (!b->node_users[disk.node])
				return -ENOMEM;
		}
		if (!disk.file)
			return fail(b, "Device needs media, but drive is empty");
		v->drive_file = strdup(disk.file);
		if (!v->drive_file)
			return -ENOMEM;
		v->drive_readonly = disk.readonly;
		v->drive_snapshot = disk.snapshot;
		/*
		 * num-queues auto: on PCI virtio_pci_optimal_num_queues(), one per
		 * vCPU within the MSI-X table and VIRTIO_QUEUE_MAX; on virtio-mmio 1.
		 */
		if (c->num_queues)
			v->num_queues = c->num_queues;
		else if (c->model->kind == DEV_VIRTIO_MMIO)
			v->num_queues = 1;
		else
			v->num_queues = MIN(MIN(b->m->smp.cpus, PCI_MSIX_FLAGS_QSIZE), VIRTIO_QUEUE_MAX);
		v->queue_size = c->queue_size ? c->queue_size : 256;
		if (v->queue_size <= 2)
			return fail(b, "invalid queue-size property (%u), must be > 2", v->queue_size);
		if (v->queue_size & (v->queue_size - 1))
			return fail(b, "invalid queue-size property (%u), must be a power of 2",
				    v->queue_size);
		if (v->queue_size > 1024)
			return fail(b, "invalid queue-size property (%u), must be <= 1024",
				    v->queue_size);
		/* seg-max-adjust (default on since 5.0): seg_max = queue_size - 2 */
		v->seg_max = c->seg_max_adjust ? v->queue_size - 2 : 128 - 2;
		break;
	}
	case HW_VIRTIO_NET:
		if (c->netdev) {
			int n = find_netdev(b, c->netdev);

			if (n < 0)
				return fail(b, "Property '%s.netdev' can't find value '%s'",
					    vdev_type(v->id), c->netdev);
			if (b->netdev_used[n])
				return fail(b, "Property '%s.netdev' can't take value '%s', it's in use",
					    vdev_type(v->id), c->netdev);
			b->netdev_used[n] = true;
			v->netdev = strdup(c->netdev);
			if (!v->netdev)
				return -ENOMEM;
		}
		v->queue_size = 256;
		break;
	default:
		if (c->rng) {
			/* rng= names an rng backend object (rng-random, rng-builtin, rng-egd) */
			const struct qemu_optlist *o = NULL;

			for (size_t i = 0; i < b->cmd->nobjects && !o; i++)
				if (!strcmp(qemu_opt_get(&b->cmd->objects[i], "id"), c->rng))
					o = &b->cmd->objects[i];
			if (!o)
				return fail(b, "Device '%s' not found", c->rng);
			if (strncmp(o->driver, "rng-", 4))
				return fail(b, "Invalid parameter type for 'rng', expected: rng-backend");
		}
		v->queue_size = 8;	/* virtio-rng's single 8-entry queue */
		break;
	}
	return 0;
}

static struct hw_pci_bus *resolve_pci_bus(struct build *b, const struct dev_cfg *c)
{
	struct hw_pci_bus *bus;

	if (!c->bus)
		return b->m->pci_root;	/* qbus_find_recursive: pcie.0 is never "full" */
	if (!strcmp(c->bus, "pcie.0"))
		return b->m->pci_root;
	bus = idmap_get(&b->buses, c->bus);
	if (!bus) {
		if (!strncmp(c->bus, "virtio-mmio-bus.", 16))
			fail(b, "Device '%s' can't go on virtio-mmio-bus bus", c->model->name);
		else
			fail(b, "Bus '%s' not found", c->bus);
	}
	return bus;
}

/*
 * The MSI-X table of a virtio-pci function: "vectors", or its type's default
 * (virtio-blk num-queues + 1, virtio-net 2 * queues + 2, virtio-rng 2).
 * virtio_pci_device_plugged() drops MSI-X when the interrupt controller has
 * no MSI support (silently) or the count is invalid (with a warning):
 * the function then has no MSI-X capability and only INTx.
 */
static int virtio_pci_msix(struct build *b, const struct dev_cfg *c, struct hw_pci_fn *fn)
{
	unsigned n = c->vectors;
	if (!c->vectors_set) {
		switch (fn->virtio->id) {
		case HW_VIRTIO_BLK: n = fn->virtio->num_queues + 1; break;
		case HW_VIRTIO_NET: n = 2 * 1 + 2; break;	/* one queue pair per netdev here */
		default: n = 2; break;
		}
	}
	if (!n || !b->msi_nonbroken || n > HW_MSIX_MAX_VECTORS)
		return 0;
	fn->msix = hw_msix_new(n);
	return fn->msix ? 0 : -ENOMEM;
}

static int realize_pci(struct build *b, struct dev_cfg *c)
{
	const struct dev_model *dm = c->model;
	struct hw_pci_bus *bus = resolve_pci_bus(b, c);
	struct hw_pci_fn *fn;
	int ret;

	if (!bus)
		return -EINVAL;
	fn = virt_pci_fn_new(dm->name, c->id);
	if (!fn)
		return -ENOMEM;
	fn->multifunction = c->multifunction;

	switch (dm->kind) {
	case DEV_PCIE_ROOT_PORT:
		fn->vendor = PCI_VENDOR_ID_REDHAT;
		fn->device = PCI_DEVICE_ID_REDHAT_PCIE_RP;
		fn->class = 0x060400;
		fn->header_type = 1;
		fn->pcie_type = HW_PCIE_ROOT_PORT;
		fn->hotplug_slot = c->hotplug;
		/* gen_pcie_root_port: rp_realize adds ACS at GEN_PCIE_ROOT_PORT_ACS_OFFSET;
		 * pcie_acs_init gives downstream ports SV, TB, RR, CR, UF, DT */
		fn->has_acs = true;
		fn->acs_cap = PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR |
			      PCI_ACS_UF | PCI_ACS_DT;
		fn->chassis = (u8)c->chassis;
		fn->slot = (u16)c->slot;
		fn->intx_pin = 1;
		break;
	case DEV_PCI_BRIDGE:
		fn->vendor = PCI_VENDOR_ID_REDHAT;
		fn->device = PCI_DEVICE_ID_REDHAT_BRIDGE;
		fn->class = 0x060400;
		fn->header_type = 1;
		fn->shpc = c->shpc;
		fn->chassis = (u8)c->chassis;
		break;
	case DEV_PCIE_PCI_BRIDGE:
		fn->vendor = PCI_VENDOR_ID_REDHAT;
		fn->device = PCI_DEVICE_ID_REDHAT_PCIE_BRIDGE;
		fn->class = 0x060400;
		fn->header_type = 1;
		fn->pcie_type = HW_PCIE_PCI_BRIDGE;
		fn->shpc = true;	/* pcie_pci_bridge_realize always inits SHPC */
		break;
	case DEV_VIRTIO_PCI: {
		/* virtio_pci_realize: a "PCIe port" is an express bus that is not a root bus */
		bool pcie_port = bus->is_express && !bus->is_root;
		bool legacy, modern = !c->disable_modern;
		struct hw_virtio *v = calloc(1, sizeof(*v));

		if (!v) {
			virt_pci_fn_free(fn);
			return -ENOMEM;
		}
		fn->virtio = v;
		v->pci_proxy = fn;
		legacy = c->disable_legacy < 0 ? !pcie_port : !c->disable_legacy;
		if (!legacy && !modern) {
			virt_pci_fn_free(fn);
			return fail(b, "device cannot work as neither modern nor legacy mode is enabled");
		}
		ret = virtio_personality(b, c, v);
		if (ret) {
			virt_pci_fn_free(fn);
			return ret;
		}
		/* virtio_pci_device_plugged: legacy can't offer ACCESS_PLATFORM */
		if (legacy && c->iommu_platform) {
			virt_pci_fn_free(fn);
			return fail(b, "VIRTIO_F_IOMMU_PLATFORM was supported by neither legacy nor transitional device");
		}
		v->legacy = legacy;
		v->modern = modern;
		fn->vendor = PCI_VENDOR_ID_REDHAT_QUMRANET;
		fn->subsystem_vendor = PCI_VENDOR_ID_REDHAT_QUMRANET;
		switch (v->id) {
		case HW_VIRTIO_NET: fn->class = 0x020000; break;
		case HW_VIRTIO_BLK: fn->class = 0x010000; break;
		default: fn->class = 0x00ff00; break;
		}
		if (legacy) {
			/* transitional: 0x1000 + n IDs, subsystem id = virtio device id */
			fn->device = v->id == HW_VIRTIO_NET ? 0x1000 :
				     v->id == HW_VIRTIO_BLK ? 0x1001 : 0x1005;
			fn->subsystem_device = (u16)v->id;
			fn->revision = 0;
		} else {
			fn->device = (u16)(PCI_DEVICE_ID_VIRTIO_10_BASE + v->id);
			fn->subsystem_device = PCI_SUBDEVICE_ID_QEMU;
			fn->revision = 1;
		}
		/* PCIe endpoint capability only behind a PCIe port, and only if modern */
		fn->pcie_type = (pcie_port && modern) ? HW_PCIE_ENDPOINT : HW_PCIE_NONE;
		/* virtio_pci_realize: INTA */
		fn->intx_pin = 1;
		ret = virtio_pci_msix(b, c, fn);
		if (ret) {
			virt_pci_fn_free(fn);
			return ret;
		}
		break;
	}
	case DEV_VIRTIO_MMIO:
		break;
	}

	{
		char msg[256];

		ret = virt_pci_place(bus, fn, c->devfn, dm->name, msg, sizeof(msg));
		if (ret) {
			virt_pci_fn_free(fn);
			return fail(b, "%s", msg);
		}
	}

	/* bridge realize steps that can fail, after the function is registered */
	if (dm->kind == DEV_PCIE_ROOT_PORT) {
		/* gen_rp_interrupts_init(): one exclusive-BAR MSI-X vector, in use from realize */
		if (!b->msi_nonbroken) {
			bus->fn[fn->devfn] = NULL;
			virt_pci_fn_free(fn);
			return fail(b, "MSI-X is not supported by interrupt controller");
		}
		fn->msix = hw_msix_new(1);
		if (!fn->msix) {
			bus->fn[fn->devfn] = NULL;
			virt_pci_fn_free(fn);
			return -ENOMEM;
		}
		hw_msix_vector_use(fn->msix, 0);
	}
	if (dm->kind == DEV_PCI_BRIDGE && !c->chassis) {
		bus->fn[fn->devfn] = NULL;
		virt_pci_fn_free(fn);
		return fail(b, "Bridge chassis not specified. Each bridge is required to be assigned a unique chassis id > 0.");
	}
	if (dm->kind == DEV_PCIE_ROOT_PORT) {
		u32 key = (u32)c->chassis << 16 | c->slot;
		u32 *n;

		for (size_t i = 0; i < b->nrp; i++) {
			if (b->rp_chassis_slot[i] == key) {
				bus->fn[fn->devfn] = NULL;
				virt_pci_fn_free(fn);
				/* pcie_chassis_add_slot() -> -EBUSY */
				return fail(b, "Can't add chassis slot, error %d", -EBUSY);
			}
		}
		n = realloc(b->rp_chassis_slot, (b->nrp + 1) * sizeof(*n));
		if (!n) {
			bus->fn[fn->devfn] = NULL;
			virt_pci_fn_free(fn);
			return -ENOMEM;
		}
		b->rp_chassis_slot = n;
		n[b->nrp++] = key;
	}
	if (fn->header_type == 1) {
		/* bridges name their secondary bus after their id */
		fn->secondary = virt_pci_bus_new(dm->kind == DEV_PCIE_ROOT_PORT, false, c->id, fn);
		if (!fn->secondary ||
		    (c->id && idmap_put(&b->buses, fn->secondary->qemu_id, fn->secondary))) {
			bus->fn[fn->devfn] = NULL;
			virt_pci_fn_free(fn);
			return -ENOMEM;
		}
	}
	return 0;
}

/* virtio-*-device: the first free virtio-mmio transport, highest address first. */
static int realize_mmio(struct build *b, struct dev_cfg *c)
{
	struct hw_virtio *v;
	int idx = -1, ret;

	if (c->bus) {
		char *end;
		long n;

		if (!strcmp(c->bus, "pcie.0") || idmap_get(&b->buses, c->bus)) {
			struct hw_pci_bus *pb = !strcmp(c->bus, "pcie.0") ? b->m->pci_root :
						idmap_get(&b->buses, c->bus);

			return fail(b, "Device '%s' can't go on %s bus", c->model->name,
				    pb->is_express ? "PCIE" : "PCI");
		}
		if (strncmp(c->bus, "virtio-mmio-bus.", 16))
			return fail(b, "Bus '%s' not found", c->bus);
		errno = 0;
		n = strtol(c->bus + 16, &end, 10);
		if (errno || *end || end == c->bus + 16 || n < 0 || n >= VIRT_MMIO_TRANSPORTS)
			return fail(b, "Bus '%s' not found", c->bus);
		if (b->m->mmio[n])
			return fail(b, "Bus '%s' is full", c->bus);
		idx = (int)n;
	} else {
		/*
		 * virt creates the transports in increasing address order and
		 * qbus_realize prepends each bus, so qbus_find_recursive meets the
		 * highest-addressed transport first.
		 */
		for (int i = VIRT_MMIO_TRANSPORTS - 1; i >= 0; i--) {
			if (!b->m->mmio[i]) {
				idx = i;
				break;
			}
		}
		if (idx < 0)
			return fail(b, "No 'virtio-bus' bus found for device '%s'", c->model->name);
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = virtio_personality(b, c, v);
	if (ret) {
		free((char *)v->drive_file);
		free((char *)v->netdev);
		free(v);
		return ret;
	}
	/* each transport has its own wired line: SPI VIRT_IRQ_MMIO + index */
	v->mmio_intid = GIC_SPI_BASE + VIRT_IRQ_MMIO + (u32)idx;
	/* force-legacy=on (default): virtio-mmio version 1, legacy only */
	v->legacy = b->mmio_legacy;
	v->modern = !b->mmio_legacy;
	b->m->mmio[idx] = v;
	return 0;
}

static int note_device_id(struct build *b, const char *id)
{
	const char **n = b->dev_ids;

	if (needs_more(b->ndev_ids)) {
		n = realloc(b->dev_ids, (b->ndev_ids ? b->ndev_ids * 2 : 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		b->dev_ids = n;
	}
	n[b->ndev_ids++] = id;
	return 0;
}

/*
 * One device, as qdev_device_add() makes it: the machine type's compat
 * properties, then -global, then its own options (in JSON form with their
 * JSON types), then realize.
 */
static int add_device_at(struct build *b, const char *driver, const struct qemu_optlist *l,
			 const char *where);

static int add_device(struct build *b, const char *driver, const struct qemu_optlist *l)
{
	return add_device_at(b, driver, l, NULL);
}

static int add_device_at(struct build *b, const char *driver, const struct qemu_optlist *l,
			 const char *where)
{
	struct dev_cfg c = {
		.devfn = -1, .hotplug = true, .shpc = true, .disable_legacy = -1,
		.seg_max_adjust = true, .queue_reset = true,
	};
	const char *id = l ? qemu_opt_get(l, "id") : NULL;
	int ret;

	if (where) {
		if (where != b->where)
			snprintf(b->where, sizeof(b->where), "%s", where);
	} else {
		set_where(b, "-device", driver, l);
	}
	c.model = find_model(driver);
	if (!c.model)
		return fail(b, "'%s' is not a valid device model name", driver);
	/* a JSON device's id is checked when it is created, against every device so far */
	if (id) {
		for (size_t i = 0; i < b->ndev_ids; i++)
			if (!strcmp(b->dev_ids[i], id))
				return fail(b, "Duplicate device ID '%s'", id);
		if (note_device_id(b, id))
			return -ENOMEM;
		snprintf(b->qom_path, sizeof(b->qom_path), "/machine/peripheral/%s", id);
	} else if (l) {
		snprintf(b->qom_path, sizeof(b->qom_path), "/machine/peripheral-anon/device[%u]",
			 b->anon_devices++);
	} else {
		/* a NIC the machine makes itself */
		snprintf(b->qom_path, sizeof(b->qom_path), "/machine/unattached");
	}
	/* compat properties of older virt types (hw_compat_7_1) */
	if (b->mo.virtio_no_queue_reset &&
	    (c.model->kind == DEV_VIRTIO_PCI || c.model->kind == DEV_VIRTIO_MMIO))
		c.queue_reset = false;
	if (b->mo.rng_pci_no_vectors && !strcmp(driver, "virtio-rng-pci")) {
		c.vectors_set = true;
		c.vectors = 0;
	}
	/* -global driver.prop=value are defaults the device's own options override */
	for (size_t i = 0; i < b->cmd->nglobals; i++) {
		const struct qemu_optlist *g = &b->cmd->globals[i];
		struct pval gv = { g->opts[0].val, QOPT_STR, false };

		if (strcmp(g->driver, driver))
			continue;
		ret = apply_prop(b, &c, g->opts[0].key, gv);
		if (ret) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s", b->err ? b->err + strlen(b->where) : "");
			set_where(b, "-global", NULL, NULL);
			return fail(b, "can't apply global %s.%s=%s: %s", g->driver,
				    g->opts[0].key, g->opts[0].val, msg);
		}
	}
	for (size_t i = 0; l && i < l->nopts; i++) {
		struct pval v = { l->opts[i].val, l->opts[i].type, l->json };

		ret = apply_prop(b, &c, l->opts[i].key, v);
		if (ret)
			return ret;
	}
	if (c.model->kind == DEV_VIRTIO_MMIO)
		return realize_mmio(b, &c);
	return realize_pci(b, &c);
}

static int parse_globals(struct build *b)
{
	b->mmio_legacy = true;
	for (size_t i = 0; i < b->cmd->nglobals; i++) {
		const struct qemu_optlist *g = &b->cmd->globals[i];
		const char *k = g->opts[0].key, *v = g->opts[0].val;

		set_where(b, "-global", NULL, NULL);
		if (!strcmp(g->driver, "virtio-mmio")) {
			bool bv = false;

			if (strcmp(k, "force-legacy"))
				return fail(b, "can't apply global virtio-mmio.%s=%s: Property 'virtio-mmio.%s' not found",
					    k, v, k);
			if (prop_bool(b, k, (struct pval){ v, QOPT_STR, false }, &bv))
				return -EINVAL;
			b->mmio_legacy = bv;
		} else if (!find_model(g->driver)) {
			return fail(b, "global %s.%s=%s: driver '%s' is not modelled", g->driver, k, v,
				    g->driver);
		}
	}
	return 0;
}

/*
 * The NICs QEMU's virt plugs into pcie.0 while the machine initialises,
 * before any -device: one per -nic or "-net nic", or the default NIC
 * (virtio-net-pci) when no -nic, -net or -netdev option and no -nodefaults
 * was given. So they take the first free slots, from 00:01.0.
 */
static int machine_nics(struct build *b)
{
	static const char *const backends[] = {
		"user", "tap", "bridge", "socket", "stream", "dgram", "vde",
		"l2tpv3", "hubport", "vhost-user", "vhost-vdpa", NULL,
	};
	bool default_net = !b->cmd->nodefaults && !b->cmd->nnetdevs;
	for (size_t i = 0; i < b->cmd->nnics; i++) {
		const struct qemu_optlist *n = &b->cmd->nics[i];
		const char *type = qemu_opt_get(n, "type");
		bool is_nic = !strcmp(n->driver, "nic");
		default_net = false;
		snprintf(b->where, sizeof(b->where), "-%s %s: ", n->driver, type ? type : "");
		if (!type)
			return fail(b, "Parameter 'type' is missing");
		if (!strcmp(type, "none"))
			continue;
		/* "-net user" only makes a backend on a hub; "-net nic" the NIC */
		if (!is_nic && strcmp(type, "nic")) {
			if (!in_list(backends, type))
				return fail(b, "Parameter 'type' does not accept value '%s'", type);
			continue;
		}
		if (is_nic && !in_list(backends, type))
			return fail(b, "Parameter 'type' does not accept value '%s'", type);
		const char *model = qemu_opt_get(n, "model");
		if (model && strcmp(model, "virtio") && strcmp(model, "virtio-net-pci"))
			return fail(b, "NIC model '%s' is not modelled by iommusim (virtio-net-pci is)", model);
		int ret = add_device(b, "virtio-net-pci", NULL);
		if (ret)
			return ret;
	}
	return default_net ? add_device(b, "virtio-net-pci", NULL) : 0;
}

/*
 * -drive if=virtio (virt's default interface, so -hda, -cdrom and disk
 * images too): drive_new() adds a "-device virtio-blk-pci,drive=NAME" at the
 * end of the QemuOpts devices, in the drives' order.
 */
static int implicit_drives(struct build *b)
{
	for (size_t i = 0; i < b->cmd->ndrives; i++) {
		const struct qemu_optlist *d = &b->cmd->drives[i];
		struct qemu_optlist l = { 0 };
		struct qemu_opt o = { .key = "drive", .val = b->drive_names[i] };
		int ret;

		if (!virt_drive_is_virtio(d))
			continue;
		if (d->argi == -1)
			snprintf(b->where, sizeof(b->where), "%s: ", d->text ? d->text : "");
		else
			set_where(b, "-drive", NULL, d);
		if (b->drive_used[i])
			return fail(b, "Drive '%s' is already in use because it has been automatically connected to another device (did you need 'if=none' in the drive options?)",
				    b->drive_names[i]);
		l.nopts = 1;
		l.opts = &o;
		l.text = d->text;
		/* the device's messages carry the drive's location, as in QEMU */
		ret = add_device_at(b, "virtio-blk-pci", &l, b->where);
		if (ret)
			return ret;
	}
	return 0;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	free(m->fdt);
	free((char *)m->append);
	virt_pci_tree_free(m->pci_root);
	for (int i = 0; i < VIRT_MMIO_TRANSPORTS; i++) {
		if (!m->mmio[i])
			continue;
		free((char *)m->mmio[i]->drive_file);
		free((char *)m->mmio[i]->netdev);
		free(m->mmio[i]);
	}
	memset(m, 0, sizeof(*m));
}

int virt_machine_build(const struct qemu_cmdline *cmd, struct machine *out,
		       char *err, size_t errlen)
{
	struct machine m = { 0 };
	struct build b = { .cmd = cmd, .m = &m, .err = err, .errlen = errlen };
	struct virt_fdt_cfg fc = { 0 };
	struct hw_pci_fn *host;
	int ret;
	const char *cpu_compatible = NULL;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (cmd->info) {
		/* QEMU prints the information and exits: there is no machine */
		qemu_set_err(err, errlen, "the command line asks QEMU for information, not for a machine");
		return -EINVAL;
	}
	b.drive_used = calloc(cmd->ndrives + 1, sizeof(bool));
	b.netdev_used = calloc(cmd->nnetdevs + 1, sizeof(bool));
	b.drive_names = calloc(cmd->ndrives + 1, sizeof(char *));
	b.node_users = calloc(cmd->nblockdevs + 1, sizeof(char *));
	if (!b.drive_used || !b.netdev_used || !b.drive_names || !b.node_users) {
		ret = -ENOMEM;
		goto out;
	}

	/*
	 * In qemu_init()'s order, so that of several errors QEMU's first is
	 * ours: the machine type, the RTC, the chardevs, block nodes and drives,
	 * the machine's properties, -smp, -m, the accelerator, the netdevs,
	 * monitors and serial ports, the CPU model, the board (memory backend,
	 * GIC, NICs, drives no bus takes), -usbdevice, the devices.
	 */
	ret = virt_select_machine(cmd, &b.mo, err, errlen);
	if (!ret)
		ret = deferred(&b, QPH_RTC);
	if (!ret)
		ret = deferred(&b, QPH_CHARDEV);
	if (!ret)
		ret = virt_drives_check(cmd, b.drive_names, err, errlen);
	if (!ret)
		ret = virt_parse_machine_opts(cmd, &b.mo, err, errlen);
	if (!ret)
		ret = deferred(&b, QPH_MACHINE);
	if (!ret)
		ret = virt_parse_smp(cmd, &m.smp, err, errlen);
	if (!ret)
		ret = virt_parse_memory(cmd, &b.mo, err, errlen);
	if (!ret)
		ret = deferred(&b, QPH_ACCEL);
	for (size_t i = 0; !ret && i < cmd->nnetdevs; i++) {
		static const char *const types[] = {
			"user", "tap", "bridge", "socket", "stream", "dgram", "vde",
			"l2tpv3", "hubport", "vhost-user", "vhost-vdpa", NULL,
		};
		const char *t = qemu_opt_get(&cmd->netdevs[i], "type");

		set_where(&b, "-netdev", NULL, &cmd->netdevs[i]);
		if (!qemu_opt_get(&cmd->netdevs[i], "id"))
			ret = fail(&b, "Parameter 'id' is missing");
		else if (!t)
			ret = fail(&b, "Parameter 'type' is missing");
		else if (!in_list(types, t))
			ret = fail(&b, "Parameter 'type' does not accept value '%s'", t);
	}
	if (!ret)
		ret = deferred(&b, QPH_MONITORS);
	if (!ret)
		ret = deferred(&b, QPH_SERIAL);
	if (!ret)
		ret = virt_parse_cpu(cmd, &cpu_compatible, err, errlen);
	if (!ret)
		ret = virt_check_board(cmd, &b.mo, err, errlen);
	if (!ret)
		ret = virt_check_max_cpus(&m.smp, b.mo.gic, err, errlen);
	if (!ret)
		ret = parse_globals(&b);
	if (ret)
		goto out;
	m.ram_size = b.mo.ram_size;
	m.smmu_translate_all = b.mo.translate_all;

	m.ram_base = VIRT_RAM_BASE;
	m.gic_version = b.mo.gic;
	/* the MSI controller virt creates: GICv2m with GICv2, the ITS with GICv3 unless its=off */
	if (b.mo.gic == 2)
		m.gic = (struct hw_gic_cfg){ HW_MSI_V2M, VIRT_GIC_V2M_BASE, VIRT_GIC_V2M_SIZE,
					     GIC_SPI_BASE + VIRT_IRQ_GIC_V2M, VIRT_GIC_V2M_NR_SPIS };
	else if (b.mo.its)
		m.gic = (struct hw_gic_cfg){ HW_MSI_ITS, VIRT_GIC_ITS_BASE, VIRT_GIC_ITS_SIZE, 0, 0 };
	b.msi_nonbroken = m.gic.msi != HW_MSI_NONE;
	m.has_smmu = b.mo.smmu;
	m.append = strdup(cmd->append ? cmd->append : "");
	/* gpex: pcie.0 with its host bridge function gpex-root at 00:00.0 */
	m.pci_root = virt_pci_bus_new(true, true, "pcie.0", NULL);
	if (m.pci_root)
		m.pci_root->intx_intid = GIC_SPI_BASE + VIRT_IRQ_PCIE;
	host = virt_pci_fn_new("gpex-root", NULL);
	if (!m.append || !m.pci_root || !host) {
		virt_pci_fn_free(host);
		ret = -ENOMEM;
		goto out;
	}
	host->vendor = PCI_VENDOR_ID_REDHAT;
	host->device = PCI_DEVICE_ID_REDHAT_PCIE_HOST;
	host->class = 0x060000;
	host->subsystem_vendor = PCI_VENDOR_ID_REDHAT_QUMRANET;
	host->subsystem_device = PCI_SUBDEVICE_ID_QEMU;
	host->devfn = 0;
	m.pci_root->fn[0] = host;

	ret = machine_nics(&b);
	if (!ret)
		ret = virt_drives_check_orphans(cmd, err, errlen);
	if (!ret)
		ret = deferred(&b, QPH_DEVICES);
	if (ret)
		goto out;
	/*
	 * qemu_create_cli_devices(): the QemuOpts -device list (the implicit
	 * if=virtio drives at its end), then the JSON ones, each in order.
	 */
	for (size_t i = 0; i < cmd->ndevices; i++) {
		if (cmd->devices[i].json)
			continue;
		ret = add_device(&b, cmd->devices[i].driver, &cmd->devices[i]);
		if (ret)
			goto out;
	}
	ret = implicit_drives(&b);
	if (ret)
		goto out;
	for (size_t i = 0; i < cmd->ndevices; i++) {
		if (!cmd->devices[i].json)
			continue;
		ret = add_device(&b, cmd->devices[i].driver, &cmd->devices[i]);
		if (ret)
			goto out;
	}
	/* -debugcon: after the devices */
	ret = deferred(&b, QPH_BOARD);
	if (ret)
		goto out;

	fc.gic_version = b.mo.gic;
	fc.its = b.mo.its;
	fc.smmu = b.mo.smmu;
	fc.ram_size = m.ram_size;
	fc.append = m.append;
	fc.cpus = &m.smp;
	fc.cpu_compatible = cpu_compatible;
	fc.dt_compatible = b.mo.dt_compatible;
	fc.phandle_start = b.mo.phandle_start;
	fc.no_cpu_map = b.mo.no_cpu_map;
	ret = virt_fdt_build(&fc, &m.fdt, &m.fdt_size);
	if (ret) {
		b.where[0] = '\0';
		fail(&b, "could not build the device tree: %s", strerror(-ret));
		goto out;
	}
out:
	if (ret == -ENOMEM && err && errlen)
		snprintf(err, errlen, "out of memory");
	free(b.drive_used);
	free(b.netdev_used);
	for (size_t i = 0; b.drive_names && i < cmd->ndrives; i++)
		free(b.drive_names[i]);
	free(b.drive_names);
	for (size_t i = 0; b.node_users && i < cmd->nblockdevs; i++)
		free(b.node_users[i]);
	free(b.node_users);
	free(b.dev_ids);
	free(b.rp_chassis_slot);
	idmap_free(&b.buses);
	if (ret) {
		machine_free(&m);
		return ret < 0 ? ret : -EINVAL;
	}
	*out = m;
	return 0;
}
