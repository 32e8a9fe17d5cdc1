/*
 * QEMU command-line option syntax (util/qemu-option.c, QemuOpts flavour):
 * "a=1,b=x,,y,flag" -> {a:1, b:"x,y", flag:on}; the first element of some
 * lists is an implied key (-device: driver, -netdev/-M: type).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_cmdline.h"

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

static void optlist_free(struct qemu_optlist *l)
{
	for (size_t i = 0; i < l->nopts; i++) {
		free(l->opts[i].key);
		free(l->opts[i].val);
	}
	free(l->opts);
	free(l->driver);
	memset(l, 0, sizeof(*l));
}

static int optlist_add(struct qemu_optlist *l, const char *key, size_t klen,
		       const char *val)
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
	if (!n[l->nopts].key || !n[l->nopts].val) {
		free(n[l->nopts].key);
		free(n[l->nopts].val);
		return -ENOMEM;
	}
	l->nopts++;
	return 0;
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

/*
 * Split "k=v,k2=v2,flag" into l. implied: name of the key an initial
 * element without '=' stands for (NULL: none, bare words become =on).
 */
static int parse_opts(const char *opt, const char *arg, const char *implied,
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
			/* a bare flag means "on" */
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

/* QEMU ids: a letter, then letters, digits, '-', '.', '_' (id_wellformed). */
static bool id_wellformed(const char *id)
{
	if (!isalpha((unsigned char)id[0]))
		return false;
	for (const char *c = id + 1; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-._", *c))
			return false;
	return true;
}

const char *qemu_opt_get(const struct qemu_optlist *l, const char *key)
{
	/* the last occurrence wins, as with QemuOpts */
	for (size_t i = l->nopts; i > 0; i--)
		if (!strcmp(l->opts[i - 1].key, key))
			return l->opts[i - 1].val;
	return NULL;
}

static int check_id(const char *opt, const char *arg, const char *list,
		    const struct qemu_optlist *prev, size_t nprev,
		    const struct qemu_optlist *l, char *err, size_t errlen)
{
	const char *id = qemu_opt_get(l, "id");

	if (!id)
		return 0;
	if (!id_wellformed(id)) {
		qemu_set_err(err, errlen, "%s %s: Parameter 'id' expects an identifier", opt, arg);
		return -EINVAL;
	}
	for (size_t i = 0; i < nprev; i++) {
		const char *o = qemu_opt_get(&prev[i], "id");

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
	{
		struct qemu_optlist tmp = { 0 };
		const char *d, *p, *v;

		ret = parse_opts(opt, arg, NULL, &tmp, err, errlen);
		if (ret) {
			optlist_free(&tmp);
			return ret;
		}
		d = qemu_opt_get(&tmp, "driver");
		p = qemu_opt_get(&tmp, "property");
		v = qemu_opt_get(&tmp, "value");
		if (!d || !p || !v || tmp.nopts != 3) {
			qemu_set_err(err, errlen,
				"%s %s: options 'driver', 'property', and 'value' are required",
				opt, arg);
			optlist_free(&tmp);
			return -EINVAL;
		}
		l->driver = strdup(d);
		ret = l->driver ? optlist_add(l, p, strlen(p), v) : -ENOMEM;
		optlist_free(&tmp);
		return ret;
	}
}

/* -device: driver is the first element or driver=... */
static int parse_device(const char *opt, const char *arg, struct qemu_optlist *l,
			char *err, size_t errlen)
{
	struct qemu_optlist tmp = { 0 };
	const char *drv;
	int ret = parse_opts(opt, arg, "driver", &tmp, err, errlen);

	if (ret) {
		optlist_free(&tmp);
		return ret;
	}
	drv = qemu_opt_get(&tmp, "driver");
	if (!drv || !*drv) {
		qemu_set_err(err, errlen, "%s %s: Parameter 'driver' is missing", opt, arg);
		optlist_free(&tmp);
		return -EINVAL;
	}
	l->driver = strdup(drv);
	if (!l->driver) {
		optlist_free(&tmp);
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
	optlist_free(&tmp);
	return ret;
}

static int replace_str(char **dst, const char *src)
{
	char *n = strdup(src);

	if (!n)
		return -ENOMEM;
	free(*dst);
	*dst = n;
	return 0;
}

int qemu_cmdline_parse(int argc, char **argv, struct qemu_cmdline *out,
		       char *err, size_t errlen)
{
	struct qemu_cmdline c = { 0 };
	int ret = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < argc && !ret; i++) {
		const char *opt = argv[i];
		const char *arg;
		struct qemu_optlist l = { .argi = i };

		if (!opt || opt[0] != '-') {
			qemu_set_err(err, errlen, "%s: invalid option", opt ? opt : "(null)");
			ret = -EINVAL;
			break;
		}
		/* QEMU accepts "--opt" as well as "-opt" */
		if (opt[1] == '-')
			opt++;
		if (!strcmp(opt, "-nodefaults")) {
			c.nodefaults = true;
			continue;
		}
		if (strcmp(opt, "-M") && strcmp(opt, "-machine") && strcmp(opt, "-m") &&
		    strcmp(opt, "-device") && strcmp(opt, "-drive") &&
		    strcmp(opt, "-netdev") && strcmp(opt, "-global") &&
		    strcmp(opt, "-append") && strcmp(opt, "-smp") && strcmp(opt, "-cpu") &&
		    strcmp(opt, "-nic") && strcmp(opt, "-net") && strcmp(opt, "-dtb")) {
			qemu_set_err(err, errlen, "%s: invalid option", argv[i]);
			ret = -EINVAL;
			break;
		}
		if (i + 1 >= argc || !argv[i + 1]) {
			qemu_set_err(err, errlen, "%s: requires an argument", argv[i]);
			ret = -EINVAL;
			break;
		}
		arg = argv[++i];

		if (!strcmp(opt, "-M") || !strcmp(opt, "-machine")) {
			/* repeated -machine options merge into one list */
			c.machine.argi = i;
			ret = parse_opts(opt, arg, "type", &c.machine, err, errlen);
		} else if (!strcmp(opt, "-m")) {
			struct qemu_optlist m = { 0 };

			ret = parse_opts(opt, arg, "size", &m, err, errlen);
			if (!ret) {
				const char *sz = qemu_opt_get(&m, "size");

				if (!sz || !*sz) {
					qemu_set_err(err, errlen, "%s %s: missing 'size' option value", opt, arg);
					ret = -EINVAL;
				} else {
					ret = replace_str(&c.mem, sz);
				}
			}
			optlist_free(&m);
		} else if (!strcmp(opt, "-append")) {
			ret = replace_str(&c.append, arg);
		} else if (!strcmp(opt, "-dtb")) {
			ret = replace_str(&c.dtb, arg);
		} else if (!strcmp(opt, "-smp")) {
			/* repeated -smp options merge, the later value of a key winning */
			c.has_smp = true;
			c.smp.argi = i;
			ret = parse_opts(opt, arg, "cpus", &c.smp, err, errlen);
		} else if (!strcmp(opt, "-cpu")) {
			/* the last -cpu wins; the model name comes first, properties after */
			struct qemu_optlist cpu = { .argi = i };
			const char *comma = strchr(arg, ',');
			ret = comma ? parse_opts(opt, comma + 1, NULL, &cpu, err, errlen) : 0;
			if (!ret) {
				cpu.driver = comma ? strndup(arg, (size_t)(comma - arg)) : strdup(arg);
				if (!cpu.driver)
					ret = -ENOMEM;
			}
			if (!ret) {
				optlist_free(&c.cpu);
				c.cpu = cpu;
			} else {
				optlist_free(&cpu);
			}
		} else if (!strcmp(opt, "-nic") || !strcmp(opt, "-net")) {
			ret = parse_opts(opt, arg, "type", &l, err, errlen);
			if (!ret) {
				l.driver = strdup(opt + 1);
				ret = l.driver ? list_append(&c.nics, &c.nnics, &l) : -ENOMEM;
			}
		} else if (!strcmp(opt, "-device")) {
			ret = parse_device(opt, arg, &l, err, errlen);
			if (!ret)
				ret = check_id(opt, arg, "device", c.devices, c.ndevices, &l, err, errlen);
			if (!ret)
				ret = list_append(&c.devices, &c.ndevices, &l);
		} else if (!strcmp(opt, "-drive")) {
			ret = parse_opts(opt, arg, NULL, &l, err, errlen);
			if (!ret)
				ret = check_id(opt, arg, "drive", c.drives, c.ndrives, &l, err, errlen);
			if (!ret)
				ret = list_append(&c.drives, &c.ndrives, &l);
		} else if (!strcmp(opt, "-netdev")) {
			ret = parse_opts(opt, arg, "type", &l, err, errlen);
			if (!ret && !qemu_opt_get(&l, "id")) {
				qemu_set_err(err, errlen, "%s %s: Parameter 'id' is missing", opt, arg);
				ret = -EINVAL;
			}
			if (!ret)
				ret = check_id(opt, arg, "netdev", c.netdevs, c.nnetdevs, &l, err, errlen);
			if (!ret)
				ret = list_append(&c.netdevs, &c.nnetdevs, &l);
		} else { /* -global */
			ret = parse_global(opt, arg, &l, err, errlen);
			if (!ret)
				ret = list_append(&c.globals, &c.nglobals, &l);
		}
		optlist_free(&l);
	}
	if (ret == -ENOMEM)
		qemu_set_err(err, errlen, "out of memory");
	if (ret) {
		qemu_cmdline_free(&c);
		return ret;
	}
	*out = c;
	return 0;
}

void qemu_cmdline_free(struct qemu_cmdline *cmd)
{
	if (!cmd)
		return;
	optlist_free(&cmd->machine);
	free(cmd->mem);
	free(cmd->append);
	free(cmd->dtb);
	for (size_t i = 0; i < cmd->ndevices; i++)
		optlist_free(&cmd->devices[i]);
	for (size_t i = 0; i < cmd->ndrives; i++)
		optlist_free(&cmd->drives[i]);
	for (size_t i = 0; i < cmd->nnetdevs; i++)
		optlist_free(&cmd->netdevs[i]);
	for (size_t i = 0; i < cmd->nglobals; i++)
		optlist_free(&cmd->globals[i]);
	for (size_t i = 0; i < cmd->nnics; i++)
		optlist_free(&cmd->nics[i]);
	optlist_free(&cmd->smp);
	optlist_free(&cmd->cpu);
	free(cmd->nics);
	free(cmd->devices);
	free(cmd->drives);
	free(cmd->netdevs);
	free(cmd->globals);
	memset(cmd, 0, sizeof(*cmd));
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
