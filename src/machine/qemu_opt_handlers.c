/*
 * The per-option handlers of the second pass: what each modelled option
 * (-machine, -m, -smp, -cpu, -accel, -device, -netdev, -drive, -blockdev,
 * -object, -global, -set, -nic/-net, the legacy drive options) adds to the
 * parsed command line, the checks QEMU makes as it reads them, and the help
 * texts some of them print.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_cmdline.h"
#include "machine/qemu_cmdline_internal.h"
#include "machine/qemu_options.h"
#include "machine/virt_internal.h"
#include "hw/qdev.h"

#define ID_HINT "\nIdentifiers consist of letters, digits, '-', '.', '_', starting with a letter."

static int check_id(const char *opt, const char *arg, const char *list,
		    const struct qemu_optlist *prev, size_t nprev,
		    const struct qemu_optlist *l, char *err, size_t errlen)
{
	const char *id = qemu_opt_get(l, "id");

	if (!id)
		return 0;
	if (!qemu_id_wellformed(id)) {
		qemu_set_err(err, errlen, "%s %s: Parameter 'id' expects an identifier" ID_HINT, opt, arg);
		return -EINVAL;
	}
	for (size_t i = 0; i < nprev; i++) {
		const char *o;

		if (prev[i].json)
			continue;	/* JSON devices are no QemuOpts: checked when created */
		o = qemu_opt_get(&prev[i], "id");
		if (o && !strcmp(o, id)) {
			qemu_set_err(err, errlen, "%s %s: Duplicate ID '%s' for %s", opt, arg, id, list);
			return -EINVAL;
		}
	}
	return 0;
}

static int list_append(struct qemu_optlist **arr, size_t *n, struct qemu_optlist *l)
{
	struct qemu_optlist *a = *arr;

	if (needs_growth(*n)) {
		a = realloc(*arr, (*n ? *n * 2 : 1) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		*arr = a;
	}
	a[(*n)++] = *l;
	memset(l, 0, sizeof(*l));
	return 0;
}

/* -global driver.prop=value, or -global driver=d,property=p,value=v */
static int parse_global(const char *opt, const char *arg, struct qemu_optlist *l,
			char *err, size_t errlen)
{
	size_t dlen = strcspn(arg, ".=");
	struct qemu_optlist tmp = { 0 };
	const char *d, *p, *v;
	int ret;

	if (arg[dlen] == '.' && dlen > 0) {
		const char *prop = arg + dlen + 1;
		size_t plen = strcspn(prop, "=");

		if (prop[plen] == '=' && plen > 0) {
			l->driver = strndup(arg, dlen);
			if (!l->driver)
				return -ENOMEM;
			return optlist_add(l, prop, plen, prop + plen + 1);
		}
	}
	ret = qemu_opts_split(opt, arg, NULL, &tmp, err, errlen);
	if (ret) {
		qemu_optlist_free(&tmp);
		return ret;
	}
	d = qemu_opt_get(&tmp, "driver");
	p = qemu_opt_get(&tmp, "property");
	v = qemu_opt_get(&tmp, "value");
	if (!d || !p || !v || tmp.nopts != 3) {
		qemu_set_err(err, errlen,
			     "%s %s: options 'driver', 'property', and 'value' are required", opt, arg);
		qemu_optlist_free(&tmp);
		return -EINVAL;
	}
	l->driver = strdup(d);
	ret = l->driver ? optlist_add(l, p, strlen(p), v) : -ENOMEM;
	qemu_optlist_free(&tmp);
	return ret;
}

/* -device in QemuOpts form: driver is the first element or driver=... */
static int parse_device(const char *opt, const char *arg, struct qemu_optlist *l,
			char *err, size_t errlen)
{
	struct qemu_optlist tmp = { 0 };
	const char *drv;
	int ret = qemu_opts_split(opt, arg, "driver", &tmp, err, errlen);

	if (ret) {
		qemu_optlist_free(&tmp);
		return ret;
	}
	drv = qemu_opt_get(&tmp, "driver");
	if (!drv || !*drv) {
		qemu_set_err(err, errlen, "%s %s: Parameter 'driver' is missing", opt, arg);
		qemu_optlist_free(&tmp);
		return -EINVAL;
	}
	l->driver = strdup(drv);
	if (!l->driver) {
		qemu_optlist_free(&tmp);
		return -ENOMEM;
	}
	/* keep every other option, in order */
	for (size_t i = 0; i < tmp.nopts; i++) {
		if (!strcmp(tmp.opts[i].key, "driver"))
			continue;
		ret = optlist_add(l, tmp.opts[i].key, strlen(tmp.opts[i].key), tmp.opts[i].val);
		if (ret)
			break;
	}
	qemu_optlist_free(&tmp);
	return ret;
}

static int set_text(struct qemu_optlist *l, const char *arg)
{
	l->text = strdup(arg);
	return l->text ? 0 : -ENOMEM;
}

/*
 * The tail the list-building handlers share: unless ret is already an
 * error, keep text as the option's text and append l to its list (*arr,
 * *n); then free what is left of l. Returns ret or the first error.
 */
static int keep_option(int ret, struct qemu_optlist *l, const char *text,
		       struct qemu_optlist **arr, size_t *n)
{
	if (!ret)
		ret = set_text(l, text);
	if (!ret)
		ret = list_append(arr, n, l);
	qemu_optlist_free(l);
	return ret;
}

/* Machine types: virt and its versions, and what the machine's QEMU prints for them. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *machine_help(const struct qemu_version *q)
{
	char names[64][32];
	const char *sorted[64];
	size_t n = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	/* QEMU sorts the machines by name and puts an alias just before its machine */
	for (const int *v = q->virt_types; *v && n < 64; v++, n++) {
		snprintf(names[n], sizeof(names[n]), "virt-%d.%d", *v / 100, *v % 100);
		sorted[n] = names[n];
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_str);
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "Supported machines are:\n");
	for (size_t i = 0; i < n; i++) {
		const char *v = sorted[i] + 5;
		int ver = atoi(v) * 100 + atoi(strchr(v, '.') + 1);

		if (ver == q->newest_virt)
			fprintf(f, "%-20s QEMU %s ARM Virtual Machine (alias of %s)\n", "virt", v, sorted[i]);
		fprintf(f, "%-20s QEMU %s ARM Virtual Machine%s\n", sorted[i], v,
			ver < q->deprecated_below ? " (deprecated)" : "");
	}
	fprintf(f, "(iommusim models virt only; QEMU %s lists its other Arm boards here too)\n", q->name);
	fclose(f);
	return buf;
}

static char *virt_props_help(const struct qemu_version *q, const char *type)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (!strcmp(type, "virt"))
		fprintf(f, "virt-%d.%d-machine options:\n", q->newest_virt / 100, q->newest_virt % 100);
	else
		fprintf(f, "%s-machine options:\n", type);
	for (const char *const *l = q->virt_props_help; *l; l++)
		fprintf(f, "%s\n", *l);
	fclose(f);
	return buf;
}

static int take_info(struct parse *p, char *text)
{
	if (!text)
		return -ENOMEM;
	free(p->c.info);
	p->c.info = text;
	return 0;
}

static int opt_machine(struct parse *p, const char *opt, const char *arg)
{
	bool help = false;
	int ret = keyval_split(opt, arg, "type", &p->c.machine, &help, p->err, p->errlen);

	if (ret)
		return ret;
	if (help) {
		const char *t = qemu_opt_get(&p->c.machine, "type");

		if (!t || !strcmp(t, "help"))
			return take_info(p, machine_help(p->c.qemu));
		if (!strcmp(t, "virt") || !strncmp(t, "virt-", 5))
			return take_info(p, virt_props_help(p->c.qemu, t));
		return cmdline_fail(p, "unsupported machine type\nUse -machine help to list supported machines");
	}
	if (qemu_opt_get(&p->c.machine, "type") && !strcmp(qemu_opt_get(&p->c.machine, "type"), "help"))
		return take_info(p, machine_help(p->c.qemu));
	if (qemu_opt_get(&p->c.machine, "accel"))
		p->machine_accel = true;
	return 0;
}

/* -accel NAME[,prop=value]: the list of accelerators to try, in order */
static int opt_accel(struct parse *p, const struct qemu_option_def *d, const char *opt, const char *arg)
{
	struct qemu_optlist l = { 0 };
	const char *name;
	int ret = qemu_opts_split(opt, arg, "accel", &l, p->err, p->errlen);

	if (ret) {
		qemu_optlist_free(&l);
		return ret;
	}
	name = qemu_opt_get(&l, "accel");
	/* no accelerator named, or "help": QEMU lists them and exits */
	if (!name || !strcmp(name, "help")) {
		qemu_optlist_free(&l);
		return take_info(p, strdup("Accelerators supported in QEMU binary:\ntcg\n"));
	}
	if (!strcmp(name, "tcg")) {
		enum qemu_phase ph;

		ret = qemu_option_check(d, opt, arg, &ph, p->err, p->errlen);
		if (ret == -EINVAL)
			ret = cmdline_defer(p, ph);
	} else if (strcmp(name, "kvm")) {
		/* configure_accelerators() finds it */
		cmdline_fail(p, "%s %s: invalid accelerator %s", opt, arg, name);
		ret = cmdline_defer(p, QPH_ACCEL);
	}
	if (!ret) {
		l.driver = strdup(name);
		if (!l.driver)
			ret = -ENOMEM;
	}
	return keep_option(ret, &l, arg, &p->c.accels, &p->c.naccels);
}

/* -m [size=]S[,slots=N][,maxmem=M]: QemuOpts "memory", merged; sizes checked as they are read */
static int opt_m(struct parse *p, const char *opt, const char *arg)
{
	struct qemu_optlist m = { 0 };
	int ret = qemu_opts_split(opt, arg, "size", &m, p->err, p->errlen);

	for (size_t i = 0; !ret && i < m.nopts; i++) {
		const char *k = m.opts[i].key, *v = m.opts[i].val;
		unsigned long long sz;

		if (!strcmp(k, "size") || !strcmp(k, "maxmem")) {
			if (qemu_parse_size(v, &sz))
				ret = cmdline_fail(p, "%s %s: Parameter '%s' expects a non-negative number below 2^64\n"
					   "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
					   "and exabytes, respectively.", opt, arg, k);
		} else if (!strcmp(k, "slots")) {
			char *end;

			errno = 0;
			(void)strtoull(v, &end, 0);
			if (!*v || *end || errno)
				ret = cmdline_fail(p, "%s %s: Parameter 'slots' expects a number", opt, arg);
		} else {
			ret = cmdline_fail(p, "%s %s: Invalid parameter '%s'", opt, arg, k);
		}
		if (!ret)
			ret = optlist_set(&p->c.memory, k, v, QOPT_STR);
	}
	qemu_optlist_free(&m);
	if (!ret && !p->c.memory.text)
		ret = set_text(&p->c.memory, arg);
	return ret;
}

/* -hda/-hdb/-hdc/-hdd/-cdrom and disk images: drive_add(IF_DEFAULT, index, file, opts) */
int add_legacy_drive(struct parse *p, const char *file, int index, bool cdrom, const char *text,
		     const char *ifv)
{
	struct qemu_optlist l = { .argi = -1 };
	char idx[16];
	int ret;

	snprintf(idx, sizeof(idx), "%d", index);
	ret = optlist_add(&l, "file", 4, file);
	if (!ret && ifv)
		ret = optlist_add(&l, "if", 2, ifv);
	if (!ret && index >= 0)
		ret = optlist_add(&l, "index", 5, idx);
	if (!ret)
		ret = optlist_add(&l, "media", 5, cdrom ? "cdrom" : "disk");
	return keep_option(ret, &l, text, &p->c.drives, &p->c.ndrives);
}

static bool in_names(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

/* -object: JSON or keyval with qom-type implied; type, id and the memory backends' keys checked */
static int opt_object(struct parse *p, const char *opt, const char *arg)
{
	static const char *const types[] = {
		"authz-list", "authz-list-file", "authz-simple", "can-bus", "can-host-socketcan",
		"colo-compare", "cryptodev-backend", "cryptodev-backend-builtin",
		"cryptodev-vhost-user", "dbus-vmstate", "filter-buffer", "filter-dump",
		"filter-mirror", "filter-redirector", "filter-replay", "filter-rewriter",
		"input-barrier", "input-linux", "iothread", "main-loop", "memory-backend-file",
		"memory-backend-memfd", "memory-backend-ram", "pr-manager-helper", "qtest",
		"rng-builtin", "rng-egd", "rng-random", "secret", "secret_keyring", "thread-context",
		"throttle-group", "tls-cipher-suites", "tls-creds-anon", "tls-creds-psk",
		"tls-creds-x509", NULL,
	};
	static const char *const backend_keys[] = {
		"qom-type", "id", "dump", "host-nodes", "merge", "policy", "prealloc-context",
		"prealloc-threads", "prealloc", "reserve", "share", "size",
		"x-use-canonical-path-for-ramblock-id", NULL,
	};
	static const char *const file_keys[] = { "align", "discard-data", "mem-path", "pmem", "readonly", NULL };
	static const char *const memfd_keys[] = { "hugetlb", "hugetlbsize", "seal", NULL };
	struct qemu_optlist l = { 0 };
	bool help = false;
	const char *type, *id;
	size_t i;
	int ret = 0;

	if (arg[0] == '{') {
		ret = parse_json_dict(opt, arg, &l, false, p->err, p->errlen);
	} else if (!strcmp(arg, "help") || !strncmp(arg, "help,", 5)) {
		help = true;
	} else {
		ret = qemu_opts_split(opt, arg, "qom-type", &l, p->err, p->errlen);
		help = qemu_opt_get(&l, "help") != NULL;
	}
	if (ret)
		goto out;
	type = qemu_opt_get(&l, "qom-type");
	if (help && (!type || !strcmp(type, "help"))) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f) {
			ret = -ENOMEM;
			goto out;
		}
		/* 7.2's types and those the machine's QEMU adds, in name order */
		const char *all[64];
		size_t n = 0;

		for (i = 0; types[i] && n < 64; i++)
			all[n++] = types[i];
		for (i = 0; p->c.qemu->object_types_added[i] && n < 64; i++)
			all[n++] = p->c.qemu->object_types_added[i];
		qsort(all, n, sizeof(all[0]), cmp_str);
		fprintf(f, "List of user creatable objects:\n");
		for (i = 0; i < n; i++)
			fprintf(f, "  %s\n", all[i]);
		fclose(f);
		ret = take_info(p, buf);
		goto out;
	}
	if (help) {
		/* "-object TYPE,help": its properties (the memory backends' as QEMU 7.2 lists them) */
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f) {
			ret = -ENOMEM;
			goto out;
		}
		fprintf(f, "%s options:\n", type);
		for (i = 2; !strncmp(type, "memory-backend-", 15) && backend_keys[i]; i++)
			fprintf(f, "  %s\n", backend_keys[i]);
		fclose(f);
		ret = take_info(p, buf);
		goto out;
	}
	if (!type) {
		ret = cmdline_fail(p, "%s %s: Parameter 'qom-type' is missing", opt, arg);
		goto out;
	}
	if (!in_names(types, type) && !in_names(p->c.qemu->object_types_added, type)) {
		ret = cmdline_fail(p, "%s %s: Parameter 'qom-type' does not accept value '%s'", opt, arg, type);
		goto out;
	}
	id = qemu_opt_get(&l, "id");
	if (!id) {
		ret = cmdline_fail(p, "%s %s: Parameter 'id' is missing", opt, arg);
		goto out;
	}
	if (!strncmp(type, "memory-backend-", 15)) {
		const struct qemu_opt *sz;
		unsigned long long v;

		for (i = 0; i < l.nopts; i++) {
			const char *k = l.opts[i].key;
			bool ok = false;

			for (size_t j = 0; backend_keys[j] && !ok; j++)
				ok = !strcmp(backend_keys[j], k);
			for (size_t j = 0; file_keys[j] && !ok && !strcmp(type, "memory-backend-file"); j++)
				ok = !strcmp(file_keys[j], k);
			for (size_t j = 0; memfd_keys[j] && !ok && !strcmp(type, "memory-backend-memfd"); j++)
				ok = !strcmp(memfd_keys[j], k);
			if (!ok) {
				ret = cmdline_fail(p, l.json ? "%s %s: Parameter '%s' is unexpected"
						     : "%s %s: Invalid parameter '%s'", opt, arg, k);
				goto out;
			}
		}
		sz = qemu_opt_find(&l, "size");
		if (!sz) {
			ret = cmdline_fail(p, "%s %s: Parameter 'size' is missing", opt, arg);
			goto out;
		}
		if (l.json ? sz->type != QOPT_INT || sz->val[0] == '-' : qemu_parse_size(sz->val, &v)) {
			ret = cmdline_fail(p, l.json ? "%s %s: Parameter 'size' expects uint64"
					     : "%s %s: Parameter 'size' expects a size value", opt, arg);
			goto out;
		}
		if (!strcmp(type, "memory-backend-file") && !qemu_opt_get(&l, "mem-path")) {
			ret = cmdline_fail(p, "%s %s: mem-path property not set", opt, arg);
			goto out;
		}
	}
	{
		/* the properties of the common objects (-object TYPE,help); others are not checked */
		static const struct { const char *type; const char *const keys[8]; } props[] = {
			{ "iothread", { "aio-max-batch", "poll-grow", "poll-max-ns", "poll-shrink",
					"thread-pool-max", "thread-pool-min" } },
			{ "rng-random", { "filename" } },
			{ "rng-builtin", { NULL } },
			{ "rng-egd", { "chardev" } },
			{ "secret", { "data", "file", "format", "iv", "keyid" } },
			{ "main-loop", { "aio-max-batch", "thread-pool-max", "thread-pool-min" } },
			{ "thread-context", { "cpu-affinity", "node-affinity" } },
		};

		for (size_t t = 0; t < sizeof(props) / sizeof(props[0]); t++) {
			if (strcmp(props[t].type, type))
				continue;
			for (i = 0; i < l.nopts; i++) {
				const char *k = l.opts[i].key;
				bool ok = !strcmp(k, "qom-type") || !strcmp(k, "id");

				for (size_t j = 0; j < 8 && props[t].keys[j] && !ok; j++)
					ok = !strcmp(props[t].keys[j], k);
				if (!ok) {
					ret = cmdline_fail(p, l.json ? "%s %s: Parameter '%s' is unexpected"
							     : "%s %s: Invalid parameter '%s'", opt, arg, k);
					goto out;
				}
			}
		}
	}
	for (i = 0; i < p->c.nobjects; i++) {
		const char *o = qemu_opt_get(&p->c.objects[i], "id");

		if (o && !strcmp(o, id)) {
			ret = cmdline_fail(p, "%s %s: Duplicate ID '%s' for object", opt, arg, id);
			goto out;
		}
	}
	l.driver = strdup(type);
	return keep_option(l.driver ? 0 : -ENOMEM, &l, arg, &p->c.objects, &p->c.nobjects);
out:
	qemu_optlist_free(&l);
	return ret;
}

/* -blockdev: JSON or keyval (no implied key); driver required */
static int opt_blockdev(struct parse *p, const char *opt, const char *arg)
{
	struct qemu_optlist l = { 0 };
	int ret;

	if (!strcmp(arg, "help"))
		return cmdline_fail(p, "%s %s: Help is not available for this option", opt, arg);
	if (arg[0] == '{')
		ret = parse_json_dict(opt, arg, &l, true, p->err, p->errlen);
	else
		ret = keyval_split(opt, arg, NULL, &l, NULL, p->err, p->errlen);
	if (!ret) {
		/* the QAPI visitor: driver, the driver's members, their types */
		char msg[512];

		if (virt_blockdev_syntax(&l, msg, sizeof(msg)))
			ret = cmdline_fail(p, "%s %s: %s", opt, arg, msg);
	}
	return keep_option(ret, &l, arg, &p->c.blockdevs, &p->c.nblockdevs);
}

static bool is_help(const char *s)
{
	return !strcmp(s, "help") || !strcmp(s, "?");
}

/*
 * -device help and -device NAME,help: what the device registry prints
 * (hw/qdev.h), kept for the end of the options (the first one only).
 */
static int device_help(struct parse *p, const char *opt, const char *arg, const char *driver)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret = 0;

	if (p->device_help || p->device_help_err)
		return 0;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	if (!driver)
		qdev_print_device_list(f);
	else
		ret = qdev_print_device_help(driver, f);
	fclose(f);
	if (ret == -ENOENT || ret == -EINVAL) {
		free(buf);
		buf = NULL;
		if (ret == -EINVAL)
			ret = asprintf(&p->device_help_err,
				       "%s %s: Parameter 'typename' expects a non-abstract device type", opt, arg);
		else if (qdev_qemu_has_device(driver))
			ret = asprintf(&p->device_help_err,
				       "%s %s: Device '%s' is not modelled by iommusim (-device help lists those that are)",
				       opt, arg, driver);
		else
			ret = asprintf(&p->device_help_err, "%s %s: Device '%s' not found", opt, arg, driver);
		return ret < 0 ? -ENOMEM : 0;
	}
	if (ret) {
		free(buf);
		return ret;
	}
	p->device_help = buf;
	return 0;
}

/* -device: JSON (created after every QemuOpts one, as QEMU does) or QemuOpts */
static int opt_device(struct parse *p, const char *opt, const char *arg, int argi)
{
	struct qemu_optlist l = { .argi = argi };
	int ret;

	if (arg[0] == '{') {
		struct qemu_optlist tmp = { 0 };

		ret = parse_json_dict(opt, arg, &tmp, false, p->err, p->errlen);
		/*
		 * qdev_device_add_from_qdict: driver, bus and id are read with
		 * qdict_get_try_str (a non-string is as if absent); the rest are
		 * properties, with their JSON types.
		 */
		for (size_t i = 0; !ret && i < tmp.nopts; i++) {
			const struct qemu_opt *o = &tmp.opts[i];

			if (!strcmp(o->key, "driver")) {
				if (o->type == QOPT_STR) {
					free(l.driver);
					l.driver = strdup(o->val);
					if (!l.driver)
						ret = -ENOMEM;
				}
				continue;
			}
			if ((!strcmp(o->key, "id") || !strcmp(o->key, "bus")) && o->type != QOPT_STR)
				continue;
			ret = optlist_add_typed(&l, o->key, strlen(o->key), o->val, o->type);
		}
		qemu_optlist_free(&tmp);
		l.json = true;
		if (!ret && !l.driver)
			ret = cmdline_fail(p, "%s %s: Parameter 'driver' is missing", opt, arg);
	} else {
		ret = parse_device(opt, arg, &l, p->err, p->errlen);
		if (!ret && (is_help(l.driver) || qemu_opt_find(&l, "help") || qemu_opt_find(&l, "?"))) {
			/* qdev_device_help(): the device list, or one type's properties */
			ret = device_help(p, opt, arg, is_help(l.driver) ? NULL : l.driver);
			qemu_optlist_free(&l);
			return ret;
		}
		if (!ret)
			ret = check_id(opt, arg, "device", p->c.devices, p->c.ndevices, &l, p->err, p->errlen);
	}
	return keep_option(ret, &l, arg, &p->c.devices, &p->c.ndevices);
}

static int opt_netdev(struct parse *p, const char *opt, const char *arg, int argi)
{
	struct qemu_optlist l = { .argi = argi };
	int ret;

	if (arg[0] == '{')
		ret = parse_json_dict(opt, arg, &l, false, p->err, p->errlen);
	else
		ret = qemu_opts_split(opt, arg, "type", &l, p->err, p->errlen);
	if (!ret)
		ret = check_id(opt, arg, "netdev", p->c.netdevs, p->c.nnetdevs, &l, p->err, p->errlen);
	return keep_option(ret, &l, arg, &p->c.netdevs, &p->c.nnetdevs);
}

/*
 * -set group.id.arg=value: sets a property of an option already given.
 * device, drive and netdev lists are the builder's; the other QemuOpts
 * groups change nothing iommusim answers.
 */
static int opt_set(struct parse *p, const char *opt, const char *arg)
{
	static const char *const other_groups[] = {
		"chardev", "mon", "accel", "rtc", "trace", "option-rom", "iscsi", "name", "numa",
		"fsdev", "tpmdev", "spice", "vnc", "sandbox", "icount", "msg", "fw_cfg", "action",
		"overcommit", "smp-opts", "memory", "add-fd", "semihosting-config", "boot-opts",
		"nic", "net", "global", "plugin", "audiodev", NULL,
	};
	char group[64], id[64], key[64];
	int pos = 0;
	struct qemu_optlist *arr = NULL;
	size_t n = 0;

	if (sscanf(arg, "%63[^.=].%63[^.=].%63[^=]%n", group, id, key, &pos) < 3 || arg[pos] != '=')
		return cmdline_fail(p, "%s %s: can't parse: \"%s\"", opt, arg, arg);
	if (!strcmp(group, "device")) {
		arr = p->c.devices;
		n = p->c.ndevices;
	} else if (!strcmp(group, "drive")) {
		arr = p->c.drives;
		n = p->c.ndrives;
	} else if (!strcmp(group, "netdev")) {
		arr = p->c.netdevs;
		n = p->c.nnetdevs;
	} else {
		/* a group that changes nothing here: its option with that id must have been given */
		static const struct { const char *group, *option; } renamed[] = {
			{ "smp-opts", "smp" }, { "boot-opts", "boot" }, { "memory", "m" },
		};
		const char *option = group;
		size_t i;

		for (i = 0; other_groups[i] && strcmp(other_groups[i], group); i++)
			;
		if (!other_groups[i])
			return cmdline_fail(p, "%s %s: There is no option group '%s'", opt, arg, group);
		for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
			if (!strcmp(renamed[i].group, group))
				option = renamed[i].option;
		for (i = 0; i < p->c.nargs; i++) {
			struct qemu_optlist l = { 0 };
			const struct qemu_arg *a = &p->c.args[i];
			bool found = false;

			if (!a->opt || strcmp(a->opt, option) || !a->arg)
				continue;
			if (!qemu_opts_split(opt, a->arg, NULL, &l, NULL, 0))
				found = qemu_opt_get(&l, "id") && !strcmp(qemu_opt_get(&l, "id"), id);
			qemu_optlist_free(&l);
			if (found)
				return 0;	/* recorded by the caller */
		}
		return cmdline_fail(p, "%s %s: there is no %s \"%s\" defined", opt, arg, group, id);
	}
	for (size_t i = 0; i < n; i++) {
		const char *o;

		if (arr[i].json)
			continue;	/* JSON options are not QemuOpts */
		o = qemu_opt_get(&arr[i], "id");
		if (o && !strcmp(o, id)) {
			if (!strcmp(group, "device") && !strcmp(key, "driver")) {
				char *d = strdup(arg + pos + 1);

				if (!d)
					return -ENOMEM;
				free(arr[i].driver);
				arr[i].driver = d;
				return 0;
			}
			return optlist_set(&arr[i], key, arg + pos + 1, QOPT_STR);
		}
	}
	return cmdline_fail(p, "%s %s: there is no %s \"%s\" defined", opt, arg, group, id);
}

/* -chardev ids, for -mon chardev= */
static int note_chardev(struct parse *p, const char *opt, const char *arg)
{
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, "backend", &l, p->err, p->errlen);
	const char *id = qemu_opt_get(&l, "id");

	for (size_t i = 0; !ret && id && i < p->nchardevs; i++)
		if (!strcmp(p->chardevs[i], id))
			ret = cmdline_fail(p, "%s %s: Duplicate ID '%s' for chardev", opt, arg, id);
	if (!ret && id) {
		char **n = realloc(p->chardevs, (p->nchardevs + 1) * sizeof(*n));

		if (!n) {
			ret = -ENOMEM;
		} else {
			p->chardevs = n;
			n[p->nchardevs] = strdup(id);
			ret = n[p->nchardevs] ? 0 : -ENOMEM;
			if (!ret)
				p->nchardevs++;
		}
	}
	qemu_optlist_free(&l);
	return ret;
}

/* Kernel, initrd, append and dtb are the machine's properties in 7.2. */
static int machine_string(struct parse *p, const char *key, const char *arg)
{
	return optlist_set(&p->c.machine, key, arg, QOPT_STR);
}

int cmdline_handle(struct parse *p, const struct qemu_option_def *d, const char *typed,
		   const char *arg, int argi)
{
	const char *n = d->name;
	struct qemu_optlist l = { .argi = argi };
	int ret = 0;

	switch (d->kind) {
	case QOK_NOT_TARGET:
		return arg ? cmdline_fail(p, "%s %s: Option not supported for this target", typed, arg)
			   : cmdline_fail(p, "%s: Option not supported for this target", typed);
	case QOK_QEMU_ERROR:
		/* a floppy, SD or MTD drive fails when the drives are made; the others with the board */
		if (!strcmp(n, "usbdevice")) {
			cmdline_fail(p, "%s %s: Error: no usb bus to attach usbdevice %s, please try -machine usb=on and check that the machine model supports USB",
			     typed, arg, arg);
			return cmdline_defer(p, QPH_DEVICES);
		}
		if (strcmp(n, "debugcon")) {
			/* drive_add(IF_FLOPPY/IF_SD/IF_MTD): refused when the drives are made */
			char text[1024];

			snprintf(text, sizeof(text), "%s %s", typed, arg);
			return add_legacy_drive(p, arg, !strcmp(n, "fdb"), false, text,
						n[0] == 'f' ? "floppy" : n[0] == 's' ? "sd" : "mtd");
		}
		cmdline_fail(p, "%s %s: %s", typed, arg, d->why);
		return cmdline_defer(p, QPH_BOARD);
	case QOK_REFUSED:
		if (!strcmp(n, "audio")) {
			/* QEMU's own checks first */
			struct qemu_optlist a = { 0 };

			ret = qemu_opts_split(typed, arg, "driver", &a, p->err, p->errlen);
			if (!ret && !qemu_opt_get(&a, "model"))
				ret = cmdline_fail(p, "%s %s: Parameter 'model' is missing", typed, arg);
			if (!ret && !qemu_opt_get(&a, "driver"))
				ret = cmdline_fail(p, "%s %s: Parameter 'driver' is missing", typed, arg);
			qemu_optlist_free(&a);
			if (ret)
				return ret;
		}
		return arg ? cmdline_fail(p, "%s %s: %s", typed, arg, d->why) : cmdline_fail(p, "%s: %s", typed, d->why);
	case QOK_INFO:
		return take_info(p, qemu_option_info(p->c.qemu, n, arg));
	case QOK_NO_EFFECT:
		if (arg) {
			enum qemu_phase ph;

			ret = qemu_option_check(d, typed, arg, &ph, p->err, p->errlen);
			if (ret == -EINVAL)
				ret = cmdline_defer(p, ph);
			if (!ret && !strcmp(n, "chardev"))
				ret = note_chardev(p, typed, arg);

		}
		if (!ret && !strcmp(n, "kernel"))
			ret = machine_string(p, "kernel", arg);
		if (!ret && !strcmp(n, "initrd"))
			ret = machine_string(p, "initrd", arg);
		if (!ret && !strcmp(n, "no-acpi"))
			ret = optlist_set(&p->c.machine, "acpi", "off", QOPT_STR);
		if (!ret && !strcmp(n, "usb"))
			ret = optlist_set(&p->c.machine, "usb", "on", QOPT_STR);
		if (!strcmp(n, "snapshot"))
			p->c.snapshot = true;
		return ret;
	case QOK_MODELLED:
		break;
	}

	if (!strcmp(n, "machine") || !strcmp(n, "M")) {
		ret = opt_machine(p, typed, arg);
		if (!ret && !p->c.machine.text)
			ret = set_text(&p->c.machine, arg);
		p->c.machine.argi = argi;
		return ret;
	}
	if (!strcmp(n, "m"))
		return opt_m(p, typed, arg);
	if (!strcmp(n, "append") || !strcmp(n, "dtb"))
		return machine_string(p, n, arg);
	if (!strcmp(n, "nodefaults")) {
		p->c.nodefaults = true;
		return 0;
	}
	if (!strcmp(n, "accel"))
		return opt_accel(p, d, typed, arg);
	if (!strcmp(n, "smp")) {
		/* repeated -smp options merge, the later value of a key winning */
		p->c.has_smp = true;
		p->c.smp.argi = argi;
		return qemu_opts_split(typed, arg, "cpus", &p->c.smp, p->err, p->errlen);
	}
	if (!strcmp(n, "cpu")) {
		/* the last -cpu wins; the model name comes first, properties after */
		const char *comma = strchr(arg, ',');

		if (!strcmp(arg, "help")) {
			/* the Arm CPU models of the machine's qemu-system-aarch64 (virt takes some: -cpu MODEL) */
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);

			if (!f)
				return -ENOMEM;
			fprintf(f, "Available CPUs:\n");
			for (const char *const *c = p->c.qemu->cpu_help; *c; c++)
				fprintf(f, "  %s\n", *c);
			fclose(f);
			return take_info(p, buf);
		}

		/* cpu_common_parse_features(): each property is key=value (empty ones are skipped) */
		for (const char *t = comma; t; t = strchr(t + 1, ',')) {
			size_t len = strcspn(t + 1, ",");
			if (len && !memchr(t + 1, '=', len)) {
				qemu_set_err(p->err, p->errlen, "Expected key=value format, found %.*s.", (int)len, t + 1);
				return -EINVAL;
			}
		}
		/* the properties less the empty ones */
		char *props = comma ? strdup(comma + 1) : NULL;
		if (comma && !props)
			return -ENOMEM;
		size_t n = 0;
		for (const char *t = comma ? comma + 1 : ""; *t; t++)
			if (*t != ',' || (n && props[n - 1] != ',' && t[1] && t[1] != ','))
				props[n++] = *t;
		if (props)
			props[n] = '\0';
		ret = props && *props ? qemu_opts_split(typed, props, NULL, &l, p->err, p->errlen) : 0;
		free(props);
		if (!ret) {
			l.driver = comma ? strndup(arg, (size_t)(comma - arg)) : strdup(arg);
			if (!l.driver)
				ret = -ENOMEM;
		}
		if (!ret) {
			qemu_optlist_free(&p->c.cpu);
			p->c.cpu = l;
			memset(&l, 0, sizeof(l));
		}
		qemu_optlist_free(&l);
		return ret;
	}
	if (!strcmp(n, "nic") || !strcmp(n, "net")) {
		ret = qemu_opts_split(typed, arg, "type", &l, p->err, p->errlen);
		if (!ret) {
			l.driver = strdup(n);
			if (!l.driver)
				ret = -ENOMEM;
		}
		return keep_option(ret, &l, arg, &p->c.nics, &p->c.nnics);
	}
	if (!strcmp(n, "device"))
		return opt_device(p, typed, arg, argi);
	if (!strcmp(n, "netdev"))
		return opt_netdev(p, typed, arg, argi);
	if (!strcmp(n, "drive")) {
		ret = qemu_opts_split(typed, arg, NULL, &l, p->err, p->errlen);
		if (!ret)
			ret = check_id(typed, arg, "drive", p->c.drives, p->c.ndrives, &l, p->err, p->errlen);
		return keep_option(ret, &l, arg, &p->c.drives, &p->c.ndrives);
	}
	if (!strcmp(n, "hda") || !strcmp(n, "hdb") || !strcmp(n, "hdc") || !strcmp(n, "hdd")) {
		char text[1024];

		snprintf(text, sizeof(text), "%s %s", typed, arg);
		return add_legacy_drive(p, arg, n[2] - 'a', false, text, NULL);
	}
	if (!strcmp(n, "cdrom")) {
		char text[1024];

		snprintf(text, sizeof(text), "%s %s", typed, arg);
		return add_legacy_drive(p, arg, 2, true, text, NULL);
	}
	if (!strcmp(n, "blockdev"))
		return opt_blockdev(p, typed, arg);
	if (!strcmp(n, "object"))
		return opt_object(p, typed, arg);
	if (!strcmp(n, "set"))
		return opt_set(p, typed, arg);
	if (!strcmp(n, "global")) {
		ret = parse_global(typed, arg, &l, p->err, p->errlen);
		if (!ret)
			ret = list_append(&p->c.globals, &p->c.nglobals, &l);
		qemu_optlist_free(&l);
		return ret;
	}
	return cmdline_fail(p, "%s: not handled", typed);	/* every modelled option is handled above */
}
