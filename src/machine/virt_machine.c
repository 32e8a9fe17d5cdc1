/*
 * QEMU's "virt" machine (7.2's or 10.0's) from a parsed command line (hw/arm/virt.c,
 * vl.c's order, qdev_device_add): machine options, the board's own NICs and
 * drives, -global, and each -device in command-line order, made from its
 * type in the registry (hw/qdev.h) and realized by its own file in hw/.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include "machine/virt_internal.h"
#include "machine/qemu_version.h"
#include "hw/qdev_types.h"
#include "hw/qdev_not_pluggable.h"
#include "hw/nic_models.h"
#include "hw/virtio_scsi_dev.h"

static bool needs_more(size_t n)
{
	return n == 0 || (n & (n - 1)) == 0;
}

/* An error the parser kept for this phase of QEMU's start (see enum qemu_phase). */
static int deferred(struct virt_build *b, enum qemu_phase ph)
{
	if (!b->cmd->deferred[ph])
		return 0;
	qemu_set_err(b->err, b->errlen, "%s", b->cmd->deferred[ph]);
	return -EINVAL;
}

/* The option as given ("-device TEXT: "), or rebuilt with commas re-escaped. */
static void set_where(struct virt_build *b, const char *opt, const char *first,
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

static bool in_list(const char *const *l, const char *key)
{
	for (; *l; l++)
		if (!strcmp(*l, key))
			return true;
	return false;
}

static int note_device_id(struct virt_build *b, const char *id)
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
static int add_device_at(struct virt_build *b, const char *driver, const struct qemu_optlist *l,
			 const char *where);

static int add_device(struct virt_build *b, const char *driver, const struct qemu_optlist *l)
{
	return add_device_at(b, driver, l, NULL);
}

/* QEMU applies a global to the objects of its type and of every subtype. */
static bool global_applies(const struct hw_device_type *t, const char *driver)
{
	const struct hw_device_type *g = hw_device_type_lookup(driver);

	return g && (hw_device_type_is(t, g) || (t->vdev && hw_device_type_is(t->vdev, g)));
}

/*
 * device_set_bootindex(): each index at most once in the firmware's boot
 * order (check_boot_index), taken when the property is set.
 */
static int boot_index_add(struct virt_build *b, int index)
{
	int *n;

	if (index < 0)
		return 0;
	for (size_t i = 0; i < b->nboot_indexes; i++)
		if (b->boot_indexes[i] == index)
			return virt_fail(b, "The bootindex %d has already been used", index);
	n = realloc(b->boot_indexes, (b->nboot_indexes + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	b->boot_indexes = n;
	n[b->nboot_indexes++] = index;
	return 0;
}

/* One property from the command line: parsed, checked, and a link's target looked up. */
static int set_prop(struct virt_build *b, struct qdev *d, const char *key, struct qdev_input in)
{
	char msg[512];
	struct qdev_slot *s;

	if (qdev_prop_parse(d, key, in, msg, sizeof(msg)))
		return virt_fail(b, "%s", msg);
	s = qdev_find(d, key);
	if (s->prop->kind == QDEV_PROP_LINK)
		return virt_check_link(b, key, s->prop->link_type, s->v.s);
	if (!strcmp(key, "bootindex"))
		return boot_index_add(b, (int)s->v.i);
	return 0;
}

static int add_device_at(struct virt_build *b, const char *driver, const struct qemu_optlist *l,
			 const char *where)
{
	const char *id = l ? qemu_opt_get(l, "id") : NULL;
	const struct hw_device_type *t;
	struct qdev d;
	int ret;

	if (where) {
		if (where != b->where)
			snprintf(b->where, sizeof(b->where), "%s", where);
	} else {
		set_where(b, "-device", driver, l);
	}
	t = hw_device_type_find(driver);
	if (!t && hw_device_type_lookup(driver))
		return virt_fail(b, "Parameter 'driver' expects a non-abstract device type");
	if (!t && qdev_type_not_pluggable(driver))
		return virt_fail(b, "Parameter 'driver' expects a pluggable device type");
	/* a type QEMU has and iommusim does not model: said so, not QEMU's "not valid" */
	if (!t && qdev_qemu_has_device(driver))
		return virt_fail(b, "Device '%s' is not modelled by iommusim (-device help lists those that are)",
				 driver);
	if (!t)
		return virt_fail(b, "'%s' is not a valid device model name", driver);
	/* a JSON device's id is checked when it is created, against every device so far */
	if (id) {
		for (size_t i = 0; i < b->ndev_ids; i++)
			if (!strcmp(b->dev_ids[i], id))
				return virt_fail(b, "Duplicate device ID '%s'", id);
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
	if (qdev_init(&d, t))
		return -ENOMEM;
	d.id = id;
	/* compat properties of older virt types (hw_compat_7_1: virt_compat.c) */
	ret = 0;
	if (b->mo.compat.virtio_no_queue_reset && qdev_find(&d, "queue_reset"))
		ret = set_prop(b, &d, "queue_reset", (struct qdev_input){ "off", QOPT_STR, false });
	if (!ret && b->mo.compat.virtio_rng_pci_no_vectors && !strcmp(t->name, "virtio-rng-pci"))
		ret = set_prop(b, &d, "vectors", (struct qdev_input){ "0", QOPT_STR, false });
	/* -global driver.prop=value are defaults the device's own options override */
	for (size_t i = 0; !ret && i < b->cmd->nglobals; i++) {
		const struct qemu_optlist *g = &b->cmd->globals[i];
		struct qdev_input gv = { g->opts[0].val, QOPT_STR, false };

		if (!global_applies(t, g->driver))
			continue;
		ret = set_prop(b, &d, g->opts[0].key, gv);
		if (ret == -EINVAL) {
			/* QEMU reports it where the device is created */
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", b->err ? b->err + strlen(b->where) : "");
			ret = virt_fail(b, "can't apply global %s.%s=%s: %s", g->driver,
					g->opts[0].key, g->opts[0].val, msg);
		}
	}
	/* qdev_set_nic_properties(): a NIC the machine makes gets its NICInfo's vectors */
	if (!ret && !l && b->nic_vectors[0] && qdev_find(&d, "vectors"))
		ret = set_prop(b, &d, "vectors", (struct qdev_input){ b->nic_vectors, QOPT_STR, false });
	/* the device's options: id and bus are the device's own, the rest properties */
	for (size_t i = 0; !ret && l && i < l->nopts; i++) {
		const struct qemu_opt *o = &l->opts[i];

		if (!strcmp(o->key, "id"))
			d.id = o->val;
		else if (!strcmp(o->key, "bus"))
			d.bus = o->val;
		else
			ret = set_prop(b, &d, o->key, (struct qdev_input){ o->val, o->type, l->json });
	}
	if (!ret)
		ret = t->realize(b, &d);
	qdev_fini(&d);
	return ret;
}

static int parse_globals(struct virt_build *b)
{
	b->mmio_legacy = true;
	for (size_t i = 0; i < b->cmd->nglobals; i++) {
		const struct qemu_optlist *g = &b->cmd->globals[i];
		const char *k = g->opts[0].key, *v = g->opts[0].val;

		set_where(b, "-global", NULL, NULL);
		if (!strcmp(g->driver, "virtio-mmio")) {
			int bv = 0;

			/* applied to the board's own transports: no option's location */
			b->where[0] = '\0';
			if (strcmp(k, "force-legacy"))
				return virt_fail(b, "can't apply global virtio-mmio.%s=%s: Property 'virtio-mmio.%s' not found",
						 k, v, k);
			if (qemu_parse_bool(v, &bv))
				return virt_fail(b, "can't apply global virtio-mmio.%s=%s: Parameter '%s' expects 'on' or 'off'",
						 k, v, k);
			b->mmio_legacy = bv;
		} else if (!strcmp(g->driver, "arm-smmuv3")) {
			continue;	/* applied when the machine makes its SMMU (virt_smmu.c) */
		} else if (!hw_device_type_lookup(g->driver)) {
			return virt_fail(b, "global %s.%s=%s: driver '%s' is not modelled", g->driver, k, v,
					 g->driver);
		}
	}
	return 0;
}

/*
 * The NICInfo's vector count: net_param_nic() (-nic) leaves it 0, so such a
 * NIC has no MSI-X; net_init_nic() (-net nic, the default NIC) keeps the
 * device's default unless vectors= is given, checked as QEMU checks it.
 */
static int nic_vectors(struct virt_build *b, const struct qemu_optlist *n, bool is_nic)
{
	const char *v = is_nic ? "0" : qemu_opt_get(n, "vectors");
	char *end;

	if (!v)
		return 0;
	errno = 0;
	unsigned long long val = strtoull(v, &end, 0);
	if (!*v || *end || errno || v[0] == '-')
		return virt_fail(b, "Parameter 'vectors' expects a uint64 value");
	if (val > 0x7ffffff)
		return virt_fail(b, "invalid # of vectors: %u", (unsigned)val);
	snprintf(b->nic_vectors, sizeof(b->nic_vectors), "%llu", val);
	return 0;
}

/*
 * The NICs QEMU's virt plugs into pcie.0 while the machine initialises,
 * before any -device: one per -nic or "-net nic", or the default NIC
 * (virtio-net-pci) when no -nic, -net or -netdev option and no -nodefaults
 * was given. So they take the first free slots, from 00:01.0.
 */
static int machine_nics(struct virt_build *b)
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
		snprintf(b->where, sizeof(b->where), "-%s %s: ", n->driver, n->text ? n->text : type ? type : "");
		if (!type)
			return virt_fail(b, "Parameter 'type' is missing");
		if (!strcmp(type, "none"))
			continue;
		/* "-net user" only makes a backend on a hub; "-net nic" the NIC */
		if (!is_nic && strcmp(type, "nic")) {
			if (!in_list(backends, type))
				return virt_fail(b, "Parameter 'type' does not accept value '%s'", type);
			continue;
		}
		if (is_nic && !in_list(backends, type))
			return virt_fail(b, "Parameter 'type' does not accept value '%s'", type);
		const char *model = qemu_opt_get(n, "model"), *device = NULL;
		switch (nic_model_lookup(model, &device)) {
		case NIC_MODEL_UNSUPPORTED:
			/* 10.0's pci_init_nic_devices() leaves it out with a warning */
			if (b->mo.qemu->unknown_nic_model_skipped)
				continue;
			b->where[0] = '\0';	/* QEMU reports it while the machine initialises */
			return virt_fail(b, "Unsupported NIC model: %s", model);
		case NIC_MODEL_NOT_MODELLED:
			return virt_fail(b, "NIC model '%s' is not modelled by iommusim (virtio-net-pci, e1000 and e1000e are)",
					 model);
		case NIC_MODEL_MODELLED:
			break;
		}
		int ret = nic_vectors(b, n, is_nic);
		if (!ret)
			ret = add_device(b, device, NULL);
		b->nic_vectors[0] = '\0';
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
static int implicit_drives(struct virt_build *b)
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
			return virt_fail(b, "Drive '%s' is already in use because it has been automatically connected to another device (did you need 'if=none' in the drive options?)",
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
		virtio_scsi_conf_free(m->mmio[i]->scsi);
		free(m->mmio[i]);
	}
	memset(m, 0, sizeof(*m));
}

int virt_machine_build(const struct qemu_cmdline *cmd, struct machine *out,
		       char *err, size_t errlen)
{
	struct machine m = { 0 };
	struct virt_build b = { .cmd = cmd, .m = &m, .err = err, .errlen = errlen };
	struct virt_fdt_cfg fc = { 0 };
	struct hw_pci_fn *host;
	int ret;
	const struct qemu_cpu_model *cpu_model = NULL;

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
	if (!ret) {
		m.qemu = b.mo.qemu;
		m.virt_version = b.mo.version;
		m.compat = b.mo.compat;
		ret = deferred(&b, QPH_RTC);
	}
	if (!ret)
		ret = deferred(&b, QPH_CHARDEV);
	if (!ret)
		ret = virt_drives_check(cmd, b.drive_names, err, errlen);
	if (!ret)
		ret = virt_parse_machine_opts(cmd, &b.mo, err, errlen);
	if (!ret)
		ret = deferred(&b, QPH_MACHINE);
	if (!ret)
		ret = virt_parse_smp(cmd, b.mo.qemu, b.mo.type, &m.smp, err, errlen);
	if (!ret)
		virt_finalize_gic(&b.mo, &m.smp);
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
			ret = virt_fail(&b, "Parameter 'id' is missing");
		else if (!t)
			ret = virt_fail(&b, "Parameter 'type' is missing");
		else if (!in_list(types, t))
			ret = virt_fail(&b, "Parameter 'type' does not accept value '%s'", t);
	}
	if (!ret)
		ret = deferred(&b, QPH_MONITORS);
	if (!ret)
		ret = deferred(&b, QPH_SERIAL);
	if (!ret)
		ret = virt_parse_cpu(cmd, b.mo.qemu, &cpu_model, &m.cpu_lpa2_off, err, errlen);
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
	/* create_pcie() makes the SMMU after the NICs */
	if (!ret)
		ret = virt_smmu_configure(&b);
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
	fc.cpu_compatible = cpu_model ? cpu_model->compatible : NULL;
	m.cpu = cpu_model;
	fc.dt_compatible = b.mo.dt_compatible;
	fc.phandle_start = b.mo.phandle_start;
	fc.no_cpu_map = b.mo.compat.no_cpu_map;
	fc.root_dma_coherent = b.mo.qemu->fdt_root_dma_coherent;
	fc.serial_alias = b.mo.qemu->fdt_serial_alias;
	ret = virt_fdt_build(&fc, &m.fdt, &m.fdt_size);
	if (ret) {
		b.where[0] = '\0';
		virt_fail(&b, "could not build the device tree: %s", strerror(-ret));
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
	free(b.boot_indexes);
	idmap_free(&b.buses);
	if (ret) {
		machine_free(&m);
		return ret < 0 ? ret : -EINVAL;
	}
	*out = m;
	return 0;
}
