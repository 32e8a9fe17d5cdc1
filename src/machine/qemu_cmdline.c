/*
 * QEMU 7.2's command line (softmmu/vl.c qemu_init): a first pass looks every
 * option up ("-foo: invalid option", "-m: requires an argument"), a second
 * one handles them in order. Three syntaxes, as QEMU has them:
 *  - QemuOpts (util/qemu-option.c): "a=1,b=x,,y,flag" -> {a:1, b:"x,y",
 *    flag:on}, "noflag" -> flag=off; the first element of some lists is an
 *    implied key (-device: driver, -netdev: type);
 *  - keyval (util/keyval.c) for -machine and -blockdev: dotted keys
 *    ("memory.size=1G"), no bare flags;
 *  - JSON ('{...}') for -device, -blockdev, -object, -netdev.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_cmdline.h"
#include "machine/qemu_json.h"
#include "machine/qemu_options.h"
#include "machine/virt_internal.h"

void qemu_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Arrays grow to the next power of two, so n appends cost O(n) copying. */
static bool needs_growth(size_t n)
{
	return n == 0 || (n & (n - 1)) == 0;
}

void qemu_optlist_free(struct qemu_optlist *l)
{
	for (size_t i = 0; i < l->nopts; i++) {
		free(l->opts[i].key);
		free(l->opts[i].val);
	}
	free(l->opts);
	free(l->driver);
	free(l->text);
	memset(l, 0, sizeof(*l));
}

static int optlist_add_typed(struct qemu_optlist *l, const char *key, size_t klen,
			     const char *val, enum qemu_opt_type type)
{
	struct qemu_opt *n = l->opts;

	if (needs_growth(l->nopts)) {
		n = realloc(l->opts, (l->nopts ? l->nopts * 2 : 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		l->opts = n;
	}
	n[l->nopts].key = strndup(key, klen);
	n[l->nopts].val = strdup(val);
	n[l->nopts].type = type;
	if (!n[l->nopts].key || !n[l->nopts].val) {
		free(n[l->nopts].key);
		free(n[l->nopts].val);
		return -ENOMEM;
	}
	l->nopts++;
	return 0;
}

static int optlist_add(struct qemu_optlist *l, const char *key, size_t klen, const char *val)
{
	return optlist_add_typed(l, key, klen, val, QOPT_STR);
}

/* Set key (replacing its value in place if present, as a merge does). */
static int optlist_set(struct qemu_optlist *l, const char *key, const char *val,
		       enum qemu_opt_type type)
{
	for (size_t i = 0; i < l->nopts; i++) {
		if (!strcmp(l->opts[i].key, key)) {
			char *v = strdup(val);

			if (!v)
				return -ENOMEM;
			free(l->opts[i].val);
			l->opts[i].val = v;
			l->opts[i].type = type;
			return 0;
		}
	}
	return optlist_add_typed(l, key, strlen(key), val, type);
}

static void optlist_del(struct qemu_optlist *l, const char *key_in)
{
	char key[256];

	/* key_in may be one of the keys that go */
	snprintf(key, sizeof(key), "%s", key_in);
	for (size_t i = 0; i < l->nopts;) {
		if (!strcmp(l->opts[i].key, key)) {
			free(l->opts[i].key);
			free(l->opts[i].val);
			memmove(&l->opts[i], &l->opts[i + 1], (l->nopts - i - 1) * sizeof(l->opts[0]));
			l->nopts--;
		} else {
			i++;
		}
	}
}

/*
 * Read one value up to an unescaped ',' (",," is a literal comma, as
 * get_opt_value() does). Returns a malloc'd string; *pp moves past it.
 */
static char *read_value(const char **pp)
{
	const char *p = *pp;
	size_t cap = strlen(p) + 1, n = 0;
	char *v = malloc(cap);

	if (!v)
		return NULL;
	while (*p) {
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;	/* ",," -> "," */
		}
		v[n++] = *p++;
	}
	v[n] = '\0';
	*pp = p;
	return v;
}

int qemu_opts_split(const char *opt, const char *arg, const char *implied,
		    struct qemu_optlist *l, char *err, size_t errlen)
{
	const char *p = arg;
	bool first = true;

	while (*p) {
		const char *key = p;
		size_t klen = strcspn(p, "=,");
		char *val;
		int ret;

		if (first && implied && p[klen] != '=') {
			/* implied element: the value may contain ",," too */
			val = read_value(&p);
			if (!val)
				return -ENOMEM;
			ret = optlist_add(l, implied, strlen(implied), val);
			free(val);
		} else if (p[klen] == '=') {
			if (klen == 0) {
				qemu_set_err(err, errlen, "%s %s: Invalid parameter ''", opt, arg);
				return -EINVAL;
			}
			p += klen + 1;
			val = read_value(&p);
			if (!val)
				return -ENOMEM;
			ret = optlist_add(l, key, klen, val);
			free(val);
		} else {
			if (klen == 0) {
				qemu_set_err(err, errlen, "%s %s: Invalid parameter ''", opt, arg);
				return -EINVAL;
			}
			/* a bare flag means "on", "noflag" means flag=off (deprecated, still read) */
			if (klen > 2 && !strncmp(key, "no", 2))
				ret = optlist_add(l, key + 2, klen - 2, "off");
			else
				ret = optlist_add(l, key, klen, "on");
			p += klen;
		}
		if (ret)
			return ret;
		first = false;
		if (*p == ',')
			p++;
	}
	return 0;
}

bool qemu_id_wellformed(const char *id)
{
	if (!isalpha((unsigned char)id[0]))
		return false;
	for (const char *c = id + 1; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-._", *c))
			return false;
	return true;
}

const struct qemu_opt *qemu_opt_find(const struct qemu_optlist *l, const char *key)
{
	/* the last occurrence wins, as with QemuOpts */
	for (size_t i = l->nopts; i > 0; i--)
		if (!strcmp(l->opts[i - 1].key, key))
			return &l->opts[i - 1];
	return NULL;
}

const char *qemu_opt_get(const struct qemu_optlist *l, const char *key)
{
	const struct qemu_opt *o = qemu_opt_find(l, key);

	return o ? o->val : NULL;
}

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

/*
 * keyval_parse(): "k=v,a.b=c" with an implied key for a leading bare value;
 * a later bare word is an error, as are malformed keys and a key used both
 * as a value and as a prefix ("its=on,its.x=1").
 */
static int keyval_split(const char *opt, const char *arg, const char *implied,
			struct qemu_optlist *l, bool *help, char *err, size_t errlen)
{
	const char *p = arg;
	bool first = true;
	size_t start = l->nopts;

	while (*p) {
		size_t klen = strcspn(p, "=,");
		char *val;
		int ret;

		if (p[klen] != '=') {
			if (klen == 4 && !strncmp(p, "help", 4) && help) {
				*help = true;
				p += klen;
			} else if (first && implied && klen) {
				/* the implied value ends at the first comma (no ",," in it) */
				val = strndup(p, klen);
				if (!val)
					return -ENOMEM;
				p += klen;
				ret = optlist_set(l, implied, val, QOPT_STR);
				free(val);
				if (ret)
					return ret;
			} else if (!klen) {
				qemu_set_err(err, errlen, "%s %s: Invalid parameter ''", opt, arg);
				return -EINVAL;
			} else {
				qemu_set_err(err, errlen, "%s %s: Expected '=' after parameter '%.*s'",
					     opt, arg, (int)klen, p);
				return -EINVAL;
			}
		} else {
			bool ok = klen > 0;
			char key[256];

			/* keys: dot-separated segments of letters, digits, '-', '_' */
			for (size_t i = 0; ok && i < klen; i++) {
				char c = p[i];

				if (c == '.')
					ok = i > 0 && i + 1 < klen && p[i + 1] != '.';
				else
					ok = isalnum((unsigned char)c) || c == '-' || c == '_';
			}
			if (!ok || klen >= sizeof(key)) {
				qemu_set_err(err, errlen, "%s %s: Invalid parameter '%.*s'", opt, arg,
					     (int)klen, p);
				return -EINVAL;
			}
			memcpy(key, p, klen);
			key[klen] = '\0';
			/* a scalar and a sub-key of the same name within one argument */
			for (size_t i = start; i < l->nopts; i++) {
				const char *o = l->opts[i].key;
				size_t ol = strlen(o);

				if ((!strncmp(o, key, klen) && o[klen] == '.') ||
				    (!strncmp(key, o, ol) && key[ol] == '.')) {
					size_t pl = ol < klen ? ol : klen;

					qemu_set_err(err, errlen, "%s %s: Parameters '%.*s.*' used inconsistently",
						     opt, arg, (int)pl, key);
					return -EINVAL;
				}
			}
			p += klen + 1;
			val = read_value(&p);
			if (!val)
				return -ENOMEM;
			ret = optlist_set(l, key, val, QOPT_STR);
			free(val);
			if (ret)
				return ret;
		}
		first = false;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * A JSON object's members into l, nested objects flattened to dotted keys
 * ("file": {"driver": "file"} -> file.driver), each with its JSON type.
 */
static int json_to_optlist(struct json_object *o, const char *prefix, struct qemu_optlist *l,
			   bool flatten)
{
	json_object_object_foreach(o, k, v) {
		char key[512];
		enum qemu_opt_type t = QOPT_STR;
		const char *s = "";
		char num[64];
		int ret;

		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", k);
		switch (json_object_get_type(v)) {
		case json_type_object:
			if (!flatten) {
				t = QOPT_OTHER;
				s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
				break;
			}
			ret = json_to_optlist(v, key, l, true);
			if (ret)
				return ret;
			continue;
		case json_type_string:
			s = json_object_get_string(v);
			break;
		case json_type_boolean:
			t = QOPT_BOOL;
			s = json_object_get_boolean(v) ? "true" : "false";
			break;
		case json_type_int:
			t = QOPT_INT;
			if (json_object_get_int64(v) == INT64_MAX)
				snprintf(num, sizeof(num), "%llu", (unsigned long long)json_object_get_uint64(v));
			else
				snprintf(num, sizeof(num), "%lld", (long long)json_object_get_int64(v));
			s = num;
			break;
		case json_type_double:
			t = QOPT_NUM;
			snprintf(num, sizeof(num), "%.17g", json_object_get_double(v));
			s = num;
			break;
		case json_type_null:
			t = QOPT_NULL;
			break;
		default:
			t = QOPT_OTHER;
			s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
			break;
		}
		ret = optlist_add_typed(l, key, strlen(key), s, t);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_json_dict(const char *opt, const char *arg, struct qemu_optlist *l,
			   bool flatten, char *err, size_t errlen)
{
	struct json_object *o = NULL;
	char msg[256] = "";
	int ret = qemu_json_parse(arg, &o, msg, sizeof(msg));

	if (ret) {
		if (ret == -EINVAL)
			qemu_set_err(err, errlen, "%s %s: %s", opt, arg, msg);
		return ret;
	}
	if (!o || json_object_get_type(o) != json_type_object) {
		/* QEMU asserts here; a JSON option is always an object */
		qemu_set_err(err, errlen, "%s %s: Invalid parameter type, expected: object", opt, arg);
		json_object_put(o);
		return -EINVAL;
	}
	l->json = true;
	ret = json_to_optlist(o, "", l, flatten);
	json_object_put(o);
	return ret;
}

struct parse {
	struct qemu_cmdline c;
	char *err;
	size_t errlen;
	bool machine_accel;	/* -machine accel= or -enable-kvm */
	char **chardevs;	/* -chardev ids, for -mon chardev= */
	size_t nchardevs;
};

static int record(struct parse *p, const char *opt, const char *arg, enum qemu_effect e)
{
	struct qemu_arg *a = p->c.args;

	if (needs_growth(p->c.nargs)) {
		a = realloc(p->c.args, (p->c.nargs ? p->c.nargs * 2 : 1) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		p->c.args = a;
	}
	a[p->c.nargs].opt = opt ? strdup(opt) : NULL;
	a[p->c.nargs].arg = arg ? strdup(arg) : NULL;
	a[p->c.nargs].effect = e;
	if ((opt && !a[p->c.nargs].opt) || (arg && !a[p->c.nargs].arg)) {
		free(a[p->c.nargs].opt);
		free(a[p->c.nargs].arg);
		return -ENOMEM;
	}
	p->c.nargs++;
	return 0;
}

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* An error QEMU finds in a later phase: kept (the first of its phase) for the builder. */
static int defer(struct parse *p, enum qemu_phase ph)
{
	if (ph == QPH_PARSE)
		return -EINVAL;
	if (!p->c.deferred[ph]) {
		p->c.deferred[ph] = strdup(p->err && p->errlen ? p->err : "");
		if (!p->c.deferred[ph])
			return -ENOMEM;
	}
	if (p->err && p->errlen)
		p->err[0] = '\0';
	return 0;
}

static int set_text(struct qemu_optlist *l, const char *arg)
{
	l->text = strdup(arg);
	return l->text ? 0 : -ENOMEM;
}

/* Machine types: virt and its versions, and what QEMU prints for them. */
static char *machine_help(void)
{
	static const char *const versions[] = {
		"2.10", "2.11", "2.12", "2.6", "2.7", "2.8", "2.9", "3.0", "3.1", "4.0", "4.1",
		"4.2", "5.0", "5.1", "5.2", "6.0", "6.1", "6.2", "7.0", "7.1",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "Supported machines are:\n");
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "virt-%s", versions[i]);
		fprintf(f, "%-20s QEMU %s ARM Virtual Machine\n", name, versions[i]);
	}
	fprintf(f, "%-20s QEMU 7.2 ARM Virtual Machine (alias of virt-7.2)\n", "virt");
	fprintf(f, "%-20s QEMU 7.2 ARM Virtual Machine\n", "virt-7.2");
	fprintf(f, "(iommusim models virt only; QEMU 7.2 lists its other Arm boards here too)\n");
	fclose(f);
	return buf;
}

static char *virt_props_help(const char *type)
{
	static const char *const lines[] = {
		"  acpi=<OnOffAuto>       - Enable ACPI",
		"  append=<string>        - Linux kernel command line",
		"  boot=<BootConfiguration> - Boot configuration",
		"  confidential-guest-support=<link<confidential-guest-support>> - Set confidential guest scheme to support",
		"  default-bus-bypass-iommu=<bool> - Set on/off to enable/disable bypass_iommu for default root bus",
		"  dt-compatible=<string> - Overrides the \"compatible\" property of the dt root node",
		"  dtb-kaslr-seed=<bool>  - Deprecated synonym of dtb-randomness",
		"  dtb-randomness=<bool>  - Set off to disable passing random or non-deterministic dtb nodes to guest",
		"  dtb=<string>           - Linux kernel device tree file",
		"  dump-guest-core=<bool> - Include guest memory in a core dump",
		"  dumpdtb=<string>       - Dump current dtb to a file and quit",
		"  firmware=<string>      - Firmware image",
		"  gic-version=<string>   - Set GIC version. Valid values are 2, 3, 4, host and max",
		"  graphics=<bool>        - Set on/off to enable/disable graphics emulation",
		"  highmem=<bool>         - Set on/off to enable/disable using physical address space above 32 bits",
		"  initrd=<string>        - Linux initial ramdisk file",
		"  iommu=<string>         - Set the IOMMU type. Valid values are none and smmuv3",
		"  its=<bool>             - Set on/off to enable/disable ITS instantiation",
		"  kernel=<string>        - Linux kernel image file",
		"  mem-merge=<bool>       - Enable/disable memory merge support",
		"  memory-backend=<link<memory-backend>> - Set RAM backendValid value is ID of hostmem based backend",
		"  memory-encryption=<string> - Set memory encryption object to use",
		"  memory=<MemorySizeConfiguration> - Memory size configuration",
		"  mte=<bool>             - Set on/off to enable/disable emulating a guest CPU which implements the ARM Memory Tagging Extension",
		"  phandle-start=<int>    - The first phandle ID we may generate dynamically",
		"  ras=<bool>             - Set on/off to enable/disable reporting host memory errors to a KVM guest using ACPI and guest external abort exceptions",
		"  secure=<bool>          - Set on/off to enable/disable the ARM Security Extensions (TrustZone)",
		"  smp=<SMPConfiguration> - CPU topology",
		"  suppress-vmdesc=<bool> - Set on to disable self-describing migration",
		"  usb=<bool>             - Set on/off to enable/disable usb",
		"  virtualization=<bool>  - Set on/off to enable/disable emulating a guest CPU which implements the ARM Virtualization Extensions",
		"  x-oem-id=<string>      - Override the default value of field OEMID in ACPI table header.The string may be up to 6 bytes in size",
		"  x-oem-table-id=<string> - Override the default value of field OEM Table ID in ACPI table header.The string may be up to 8 bytes in size",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *v = !strcmp(type, "virt") ? "7.2" : type + 5;

	if (!f)
		return NULL;
	fprintf(f, "virt-%s-machine options:\n", v);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		fprintf(f, "%s\n", lines[i]);
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
			return take_info(p, machine_help());
		if (!strcmp(t, "virt") || !strncmp(t, "virt-", 5))
			return take_info(p, virt_props_help(t));
		return fail(p, "unsupported machine type\nUse -machine help to list supported machines");
	}
	if (qemu_opt_get(&p->c.machine, "type") && !strcmp(qemu_opt_get(&p->c.machine, "type"), "help"))
		return take_info(p, machine_help());
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
			ret = defer(p, ph);
	} else if (strcmp(name, "kvm")) {
		/* configure_accelerators() finds it */
		fail(p, "%s %s: invalid accelerator %s", opt, arg, name);
		ret = defer(p, QPH_ACCEL);
	}
	if (!ret) {
		l.driver = strdup(name);
		ret = l.driver ? set_text(&l, arg) : -ENOMEM;
	}
	if (!ret)
		ret = list_append(&p->c.accels, &p->c.naccels, &l);
	qemu_optlist_free(&l);
	return ret;
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
				ret = fail(p, "%s %s: Parameter '%s' expects a non-negative number below 2^64\n"
					   "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
					   "and exabytes, respectively.", opt, arg, k);
		} else if (!strcmp(k, "slots")) {
			char *end;

			errno = 0;
			(void)strtoull(v, &end, 0);
			if (!*v || *end || errno)
				ret = fail(p, "%s %s: Parameter 'slots' expects a number", opt, arg);
		} else {
			ret = fail(p, "%s %s: Invalid parameter '%s'", opt, arg, k);
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
static int add_legacy_drive(struct parse *p, const char *file, int index, bool cdrom, const char *text,
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
	if (!ret)
		ret = set_text(&l, text);
	if (!ret)
		ret = list_append(&p->c.drives, &p->c.ndrives, &l);
	qemu_optlist_free(&l);
	return ret;
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
		fprintf(f, "List of user creatable objects:\n");
		for (i = 0; types[i]; i++)
			fprintf(f, "  %s\n", types[i]);
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
		ret = fail(p, "%s %s: Parameter 'qom-type' is missing", opt, arg);
		goto out;
	}
	for (i = 0; types[i] && strcmp(types[i], type); i++)
		;
	if (!types[i]) {
		ret = fail(p, "%s %s: Parameter 'qom-type' does not accept value '%s'", opt, arg, type);
		goto out;
	}
	id = qemu_opt_get(&l, "id");
	if (!id) {
		ret = fail(p, "%s %s: Parameter 'id' is missing", opt, arg);
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
				ret = fail(p, l.json ? "%s %s: Parameter '%s' is unexpected"
						     : "%s %s: Invalid parameter '%s'", opt, arg, k);
				goto out;
			}
		}
		sz = qemu_opt_find(&l, "size");
		if (!sz) {
			ret = fail(p, "%s %s: Parameter 'size' is missing", opt, arg);
			goto out;
		}
		if (l.json ? sz->type != QOPT_INT || sz->val[0] == '-' : qemu_parse_size(sz->val, &v)) {
			ret = fail(p, l.json ? "%s %s: Parameter 'size' expects uint64"
					     : "%s %s: Parameter 'size' expects a size value", opt, arg);
			goto out;
		}
		if (!strcmp(type, "memory-backend-file") && !qemu_opt_get(&l, "mem-path")) {
			ret = fail(p, "%s %s: mem-path property not set", opt, arg);
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
					ret = fail(p, l.json ? "%s %s: Parameter '%s' is unexpected"
							     : "%s %s: Invalid parameter '%s'", opt, arg, k);
					goto out;
				}
			}
		}
	}
	for (i = 0; i < p->c.nobjects; i++) {
		const char *o = qemu_opt_get(&p->c.objects[i], "id");

		if (o && !strcmp(o, id)) {
			ret = fail(p, "%s %s: Duplicate ID '%s' for object", opt, arg, id);
			goto out;
		}
	}
	l.driver = strdup(type);
	ret = l.driver ? set_text(&l, arg) : -ENOMEM;
	if (!ret)
		ret = list_append(&p->c.objects, &p->c.nobjects, &l);
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
		return fail(p, "%s %s: Help is not available for this option", opt, arg);
	if (arg[0] == '{')
		ret = parse_json_dict(opt, arg, &l, true, p->err, p->errlen);
	else
		ret = keyval_split(opt, arg, NULL, &l, NULL, p->err, p->errlen);
	if (!ret) {
		/* the QAPI visitor: driver, the driver's members, their types */
		char msg[512];

		if (virt_blockdev_syntax(&l, msg, sizeof(msg)))
			ret = fail(p, "%s %s: %s", opt, arg, msg);
	}
	if (!ret)
		ret = set_text(&l, arg);
	if (!ret)
		ret = list_append(&p->c.blockdevs, &p->c.nblockdevs, &l);
	qemu_optlist_free(&l);
	return ret;
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
			ret = fail(p, "%s %s: Parameter 'driver' is missing", opt, arg);
	} else {
		ret = parse_device(opt, arg, &l, p->err, p->errlen);
		if (!ret)
			ret = check_id(opt, arg, "device", p->c.devices, p->c.ndevices, &l, p->err, p->errlen);
	}
	if (!ret)
		ret = set_text(&l, arg);
	if (!ret)
		ret = list_append(&p->c.devices, &p->c.ndevices, &l);
	qemu_optlist_free(&l);
	return ret;
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
	if (!ret)
		ret = set_text(&l, arg);
	if (!ret)
		ret = list_append(&p->c.netdevs, &p->c.nnetdevs, &l);
	qemu_optlist_free(&l);
	return ret;
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
		return fail(p, "%s %s: can't parse: \"%s\"", opt, arg, arg);
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
			return fail(p, "%s %s: There is no option group '%s'", opt, arg, group);
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
		return fail(p, "%s %s: there is no %s \"%s\" defined", opt, arg, group, id);
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
	return fail(p, "%s %s: there is no %s \"%s\" defined", opt, arg, group, id);
}

/* -chardev ids, for -mon chardev= */
static int note_chardev(struct parse *p, const char *opt, const char *arg)
{
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, "backend", &l, p->err, p->errlen);
	const char *id = qemu_opt_get(&l, "id");

	for (size_t i = 0; !ret && id && i < p->nchardevs; i++)
		if (!strcmp(p->chardevs[i], id))
			ret = fail(p, "%s %s: Duplicate ID '%s' for chardev", opt, arg, id);
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

static bool have_chardev(const struct parse *p, const char *id)
{
	for (size_t i = 0; i < p->nchardevs; i++)
		if (!strcmp(p->chardevs[i], id))
			return true;
	return false;
}

/* Kernel, initrd, append and dtb are the machine's properties in 7.2. */
static int machine_string(struct parse *p, const char *key, const char *arg)
{
	return optlist_set(&p->c.machine, key, arg, QOPT_STR);
}

static int handle(struct parse *p, const struct qemu_option_def *d, const char *typed,
		  const char *arg, int argi)
{
	const char *n = d->name;
	struct qemu_optlist l = { .argi = argi };
	int ret = 0;

	switch (d->kind) {
	case QOK_NOT_TARGET:
		return arg ? fail(p, "%s %s: Option not supported for this target", typed, arg)
			   : fail(p, "%s: Option not supported for this target", typed);
	case QOK_QEMU_ERROR:
		/* a floppy, SD or MTD drive fails when the drives are made; the others with the board */
		if (!strcmp(n, "usbdevice")) {
			fail(p, "%s %s: Error: no usb bus to attach usbdevice %s, please try -machine usb=on and check that the machine model supports USB",
			     typed, arg, arg);
			return defer(p, QPH_DEVICES);
		}
		if (strcmp(n, "debugcon")) {
			/* drive_add(IF_FLOPPY/IF_SD/IF_MTD): refused when the drives are made */
			char text[1024];

			snprintf(text, sizeof(text), "%s %s", typed, arg);
			return add_legacy_drive(p, arg, !strcmp(n, "fdb"), false, text,
						n[0] == 'f' ? "floppy" : n[0] == 's' ? "sd" : "mtd");
		}
		fail(p, "%s %s: %s", typed, arg, d->why);
		return defer(p, QPH_BOARD);
	case QOK_REFUSED:
		if (!strcmp(n, "audio")) {
			/* QEMU's own checks first */
			struct qemu_optlist a = { 0 };

			ret = qemu_opts_split(typed, arg, "driver", &a, p->err, p->errlen);
			if (!ret && !qemu_opt_get(&a, "model"))
				ret = fail(p, "%s %s: Parameter 'model' is missing", typed, arg);
			if (!ret && !qemu_opt_get(&a, "driver"))
				ret = fail(p, "%s %s: Parameter 'driver' is missing", typed, arg);
			qemu_optlist_free(&a);
			if (ret)
				return ret;
		}
		return arg ? fail(p, "%s %s: %s", typed, arg, d->why) : fail(p, "%s: %s", typed, d->why);
	case QOK_INFO:
		return take_info(p, qemu_option_info(n, arg));
	case QOK_NO_EFFECT:
		if (arg) {
			enum qemu_phase ph;

			ret = qemu_option_check(d, typed, arg, &ph, p->err, p->errlen);
			if (ret == -EINVAL)
				ret = defer(p, ph);
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
			/* the Arm CPU models of qemu-system-aarch64 7.2 (virt takes some: -cpu MODEL) */
			static const char *const cpus[] = { "a64fx", "arm1026", "arm1136", "arm1136-r2", "arm1176", "arm11mpcore", "arm926", "arm946", "cortex-a15", "cortex-a35", "cortex-a53", "cortex-a57", "cortex-a7", "cortex-a72", "cortex-a76", "cortex-a8", "cortex-a9", "cortex-m0", "cortex-m3", "cortex-m33", "cortex-m4", "cortex-m55", "cortex-m7", "cortex-r5", "cortex-r5f", "max", "neoverse-n1", "pxa250", "pxa255", "pxa260", "pxa261", "pxa262", "pxa270-a0", "pxa270-a1", "pxa270", "pxa270-b0", "pxa270-b1", "pxa270-c0", "pxa270-c5", "sa1100", "sa1110", "ti925t", };
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);

			if (!f)
				return -ENOMEM;
			fprintf(f, "Available CPUs:\n");
			for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
				fprintf(f, "  %s\n", cpus[i]);
			fclose(f);
			return take_info(p, buf);
		}

		ret = comma ? qemu_opts_split(typed, comma + 1, NULL, &l, p->err, p->errlen) : 0;
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
			ret = l.driver ? set_text(&l, arg) : -ENOMEM;
		}
		if (!ret)
			ret = list_append(&p->c.nics, &p->c.nnics, &l);
		qemu_optlist_free(&l);
		return ret;
	}
	if (!strcmp(n, "device"))
		return opt_device(p, typed, arg, argi);
	if (!strcmp(n, "netdev"))
		return opt_netdev(p, typed, arg, argi);
	if (!strcmp(n, "drive")) {
		ret = qemu_opts_split(typed, arg, NULL, &l, p->err, p->errlen);
		if (!ret)
			ret = check_id(typed, arg, "drive", p->c.drives, p->c.ndrives, &l, p->err, p->errlen);
		if (!ret)
			ret = set_text(&l, arg);
		if (!ret)
			ret = list_append(&p->c.drives, &p->c.ndrives, &l);
		qemu_optlist_free(&l);
		return ret;
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
	return fail(p, "%s: not handled", typed);	/* every modelled option is handled above */
}

static bool effect_of(const struct qemu_option_def *d, enum qemu_effect *e)
{
	switch (d->kind) {
	case QOK_MODELLED: *e = QEFF_MODELLED; return true;
	case QOK_NO_EFFECT: *e = QEFF_NONE; return true;
	case QOK_INFO: *e = QEFF_INFO; return true;
	default: return false;
	}
}

/*
 * After the options: the machine dict's legacy and nested keys, as
 * qemu_apply_legacy_machine_options() and the machine's properties take
 * them (errors here have no location, as in QEMU).
 */
static int finish(struct parse *p)
{
	struct qemu_optlist *m = &p->c.machine;
	const char *v;
	int ret = 0;

	/* monitors are made in qemu_create_late_backends(), after every chardev */
	for (size_t i = 0; i < p->c.nargs; i++) {
		const struct qemu_arg *a = &p->c.args[i];
		struct qemu_optlist mon = { 0 };
		const char *cd;

		if (!a->opt || strcmp(a->opt, "mon") || !a->arg)
			continue;
		ret = qemu_opts_split("-mon", a->arg, NULL, &mon, p->err, p->errlen);
		cd = qemu_opt_get(&mon, "chardev");
		if (!ret && cd && !have_chardev(p, cd)) {
			fail(p, "-mon %s: chardev \"%s\" not found", a->arg, cd);
			ret = defer(p, QPH_MONITORS);
		}
		qemu_optlist_free(&mon);
		if (ret)
			return ret;
	}
	/* keyval_dashify: "dump_guest_core" is "dump-guest-core" */
	for (size_t i = 0; i < m->nopts; i++)
		for (char *c = m->opts[i].key; *c; c++)
			if (*c == '_')
				*c = '-';
	if ((v = qemu_opt_get(m, "memory"))) {
		return fail(p, "Parameter 'memory' used inconsistently");
	}
	if ((v = qemu_opt_get(m, "smp")))
		return fail(p, "Invalid parameter type for 'smp', expected: object");
	if ((v = qemu_opt_get(m, "boot")))
		return fail(p, "Invalid parameter type for 'boot', expected: object");
	/* -M smp.X and memory.X: -smp and -m win over them */
	for (size_t i = 0; !ret && i < m->nopts; i++) {
		const char *k = m->opts[i].key;

		if (!strncmp(k, "smp.", 4) && !p->c.has_smp) {
			ret = optlist_set(&p->c.smp, k + 4, m->opts[i].val, QOPT_STR);
		} else if (!strncmp(k, "memory.", 7)) {
			static const struct { const char *mk, *ok; } map[] = {
				{ "size", "size" }, { "slots", "slots" }, { "max-size", "maxmem" },
			};
			size_t j;

			for (j = 0; j < 3 && strcmp(k + 7, map[j].mk); j++)
				;
			if (j == 3)
				return fail(p, "Parameter '%s' is unexpected", k);
			if (!qemu_opt_get(&p->c.memory, map[j].ok))
				ret = optlist_set(&p->c.memory, map[j].ok, m->opts[i].val, QOPT_STR);
		} else if (!strncmp(k, "boot.", 5)) {
			char *b = NULL;

			if (asprintf(&b, "%s=%s", k + 5, m->opts[i].val) < 0)
				return -ENOMEM;
			enum qemu_phase ph;

			ret = qemu_option_check(qemu_option_lookup("boot"), "-boot", b, &ph, p->err, p->errlen);
			free(b);
			if (ret == -EINVAL)
				ret = defer(p, ph);
		}
	}
	if (ret)
		return ret;
	if (!p->c.has_smp) {
		for (size_t i = 0; i < m->nopts; i++)
			if (!strncmp(m->opts[i].key, "smp.", 4))
				p->c.has_smp = true;
	}
	for (size_t i = 0; i < m->nopts;) {
		const char *k = m->opts[i].key;

		if (!strncmp(k, "smp.", 4) || !strncmp(k, "memory.", 7) || !strncmp(k, "boot.", 5))
			optlist_del(m, k);
		else
			i++;
	}
	if ((v = qemu_opt_get(&p->c.memory, "size"))) {
		p->c.mem = strdup(v);
		if (!p->c.mem)
			return -ENOMEM;
	}
	/* the kernel's inputs, out of the machine dict */
	{
		static const char *const keys[] = { "append", "dtb", "kernel", "initrd" };
		char **dst[] = { &p->c.append, &p->c.dtb, &p->c.kernel, &p->c.initrd };

		for (size_t i = 0; i < 4; i++) {
			if ((v = qemu_opt_get(m, keys[i]))) {
				*dst[i] = strdup(v);
				if (!*dst[i])
					return -ENOMEM;
				optlist_del(m, keys[i]);
			}
		}
	}
	if (p->machine_accel && p->c.naccels) {
		fail(p, "The -accel and \"-machine accel=\" options are incompatible");
		optlist_del(m, "accel");
		return defer(p, QPH_ACCEL);
	}
	/* the accelerators in the order QEMU tries them: KVM is never available here */
	if ((v = qemu_opt_get(m, "accel")) || p->c.naccels) {
		bool tcg = false, kvm = false;
		char bad[64] = "";

		if (v) {
			char *list = strdup(v), *save = NULL;

			if (!list)
				return -ENOMEM;
			for (char *a = strtok_r(list, ":", &save); a && !tcg; a = strtok_r(NULL, ":", &save)) {
				if (!strcmp(a, "tcg"))
					tcg = true;
				else if (!strcmp(a, "kvm"))
					kvm = true;
				else if (!bad[0])
					snprintf(bad, sizeof(bad), "%s", a);
			}
			free(list);
		}
		for (size_t i = 0; i < p->c.naccels && !tcg; i++) {
			tcg = !strcmp(p->c.accels[i].driver, "tcg");
			kvm |= !strcmp(p->c.accels[i].driver, "kvm");
		}
		optlist_del(m, "accel");
		if (!tcg && kvm) {
			fail(p, "%s: KVM is not modelled: iommusim models QEMU's TCG accelerator only",
			     v ? "-machine accel=kvm" : "-accel kvm");
			return defer(p, QPH_ACCEL);
		}
		if (!tcg && bad[0]) {
			fail(p, "invalid accelerator %s", bad);
			return defer(p, QPH_ACCEL);
		}
	}
	/* accelerator properties given to -machine (kernel_irqchip, ...) go to KVM's */
	optlist_del(m, "kernel-irqchip");
	optlist_del(m, "kvm-shadow-mem");
	optlist_del(m, "igd-passthru");
	return 0;
}

int qemu_cmdline_parse(int argc, char **argv, struct qemu_cmdline *out,
		       char *err, size_t errlen)
{
	struct parse p = { .err = err, .errlen = errlen };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	/* first pass: every option must exist and have its argument */
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct qemu_option_def *d;

		if (!a || a[0] != '-')
			continue;	/* a disk image */
		d = qemu_option_lookup(a + (a[1] == '-' ? 2 : 1));
		if (!d) {
			qemu_set_err(err, errlen, "%s: invalid option", a);
			return -EINVAL;
		}
		if (d->has_arg) {
			if (i + 1 >= argc || !argv[i + 1]) {
				qemu_set_err(err, errlen, "%s: requires an argument", a);
				return -EINVAL;
			}
			i++;
		}
	}
	/* second pass: in order */
	for (int i = 0; i < argc && !ret && !p.c.info; i++) {
		const char *a = argv[i];
		const struct qemu_option_def *d;
		const char *arg = NULL;
		enum qemu_effect e = QEFF_NONE;

		if (!a || a[0] != '-') {
			/* a disk image: drive_add(IF_DEFAULT, 0, file, "media=disk") */
			ret = add_legacy_drive(&p, a ? a : "", 0, false, a ? a : "", NULL);
			if (!ret)
				ret = record(&p, NULL, a ? a : "", QEFF_MODELLED);
			continue;
		}
		d = qemu_option_lookup(a + (a[1] == '-' ? 2 : 1));
		if (d->has_arg)
			arg = argv[++i];
		ret = handle(&p, d, a, arg, i - (arg ? 1 : 0));
		/* an -object is modelled when it can be the RAM (a memory backend) */
		if (!ret && !strcmp(d->name, "object") && p.c.nobjects &&
		    strncmp(p.c.objects[p.c.nobjects - 1].driver, "memory-backend-", 15))
			e = QEFF_NONE;
		else if (!ret && !effect_of(d, &e))
			continue;
		if (!ret && e != QEFF_INFO && !p.c.info)
			ret = record(&p, d->name, arg, e);
	}
	if (!ret && !p.c.info)
		ret = finish(&p);
	/* without -M (a DT of the user's own) there are no later phases: the first error now */
	for (int ph = 0; !ret && !p.c.info && !qemu_opt_get(&p.c.machine, "type") && ph < QPH_COUNT; ph++) {
		if (p.c.deferred[ph]) {
			qemu_set_err(err, errlen, "%s", p.c.deferred[ph]);
			ret = -EINVAL;
		}
	}
	for (size_t i = 0; i < p.nchardevs; i++)
		free(p.chardevs[i]);
	free(p.chardevs);
	if (ret == -ENOMEM)
		qemu_set_err(err, errlen, "out of memory");
	if (ret) {
		qemu_cmdline_free(&p.c);
		return ret;
	}
	*out = p.c;
	return 0;
}

static void free_lists(struct qemu_optlist *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		qemu_optlist_free(&a[i]);
	free(a);
}

void qemu_cmdline_free(struct qemu_cmdline *cmd)
{
	if (!cmd)
		return;
	qemu_optlist_free(&cmd->machine);
	qemu_optlist_free(&cmd->memory);
	free(cmd->mem);
	free(cmd->append);
	free(cmd->dtb);
	free(cmd->kernel);
	free(cmd->initrd);
	free(cmd->info);
	for (int i = 0; i < QPH_COUNT; i++)
		free(cmd->deferred[i]);
	free_lists(cmd->devices, cmd->ndevices);
	free_lists(cmd->drives, cmd->ndrives);
	free_lists(cmd->netdevs, cmd->nnetdevs);
	free_lists(cmd->globals, cmd->nglobals);
	free_lists(cmd->nics, cmd->nnics);
	free_lists(cmd->blockdevs, cmd->nblockdevs);
	free_lists(cmd->objects, cmd->nobjects);
	free_lists(cmd->accels, cmd->naccels);
	for (size_t i = 0; i < cmd->nargs; i++) {
		free(cmd->args[i].opt);
		free(cmd->args[i].arg);
	}
	free(cmd->args);
	qemu_optlist_free(&cmd->smp);
	qemu_optlist_free(&cmd->cpu);
	memset(cmd, 0, sizeof(*cmd));
}

void qemu_cmdline_print(const struct qemu_cmdline *cmd, FILE *out)
{
	for (size_t i = 0; i < cmd->nargs; i++) {
		const struct qemu_arg *a = &cmd->args[i];
		const char *what = a->effect == QEFF_MODELLED ? "modelled" : "no effect on the answers";

		if (!a->opt)
			fprintf(out, "%-40s %s (a disk image: -drive index=0,media=disk)\n", a->arg, what);
		else if (a->arg)
			fprintf(out, "-%s %-*s %s\n", a->opt, (int)(a->arg[0] && strlen(a->opt) < 38 ? 38 - strlen(a->opt) : 0),
				a->arg, what);
		else
			fprintf(out, "-%-39s %s\n", a->opt, what);
	}
}

/* qemu_strtosz(): a number (decimal fraction allowed) with an optional
 * B/K/M/G/T/P/E suffix, binary units; no suffix means bytes. */
int qemu_parse_size(const char *s, unsigned long long *out)
{
	const char *p = s;
	unsigned long long ip = 0, mul = 1;
	double frac = 0, scale = 0.1;
	bool digits = false;

	if (!s || !*s)
		return -EINVAL;
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
		char *end;

		errno = 0;
		ip = strtoull(s, &end, 16);
		if (errno || end == s + 2)
			return -EINVAL;
		p = end;
		digits = true;
	} else {
		for (; isdigit((unsigned char)*p); p++) {
			if (ip > (~0ULL - 9) / 10)
				return -EINVAL;
			ip = ip * 10 + (unsigned)(*p - '0');
			digits = true;
		}
		if (*p == '.') {
			for (p++; isdigit((unsigned char)*p); p++, scale /= 10) {
				frac += (*p - '0') * scale;
				digits = true;
			}
		}
	}
	if (!digits)
		return -EINVAL;
	switch (*p) {
	case 'b': case 'B': mul = 1; p++; break;
	case 'k': case 'K': mul = 1ULL << 10; p++; break;
	case 'm': case 'M': mul = 1ULL << 20; p++; break;
	case 'g': case 'G': mul = 1ULL << 30; p++; break;
	case 't': case 'T': mul = 1ULL << 40; p++; break;
	case 'p': case 'P': mul = 1ULL << 50; p++; break;
	case 'e': case 'E': mul = 1ULL << 60; p++; break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	/* a fraction only makes sense with a unit (QEMU rejects "1.5") */
	if (frac != 0 && mul == 1)
		return -EINVAL;
	if (ip > ~0ULL / mul)
		return -EINVAL;
	*out = ip * mul + (unsigned long long)(frac * (double)mul);
	return 0;
}

int qemu_parse_bool(const char *s, int *out)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "y")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "n")) {
		*out = 0;
		return 0;
	}
	return -EINVAL;
}
