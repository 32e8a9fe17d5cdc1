/* --kconfig NAME=VALUE: setting a kernel's settable options (kconfig_set.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "kconfig/kconfig_set.h"

static const struct kconfig_settables *const settables[] = { &linux_6_1_settables, &linux_7_3_settables };

const struct kconfig_settables *kconfig_settables(const struct kernel_config *c)
{
	for (size_t i = 0; c && c->version && i < sizeof(settables) / sizeof(settables[0]); i++)
		if (!strcmp(settables[i]->version, c->version))
			return settables[i];
	return NULL;
}

static const struct kconfig_settable *find_settable(const struct kconfig_settables *t, enum kconfig_symbol s)
{
	for (size_t i = 0; t && i < t->noptions; i++)
		if (t->options[i].symbol == s)
			return &t->options[i];
	return NULL;
}

static int find_symbol(const char *name, size_t len)
{
	if (len > 7 && !strncmp(name, "CONFIG_", 7)) {
		name += 7;
		len -= 7;
	}
	for (int s = 0; s < KCONFIG_NR_SYMBOLS; s++) {
		const char *n = kconfig_symbol_name(s);
		if (strlen(n) == len && !strncmp(n, name, len))
			return s;
	}
	return -1;
}

/* "A, B, C" */
static void list_settable(const struct kconfig_settables *t, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; t && i < t->noptions && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 kconfig_symbol_name(t->options[i].symbol));
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static int fail(const struct kernel_config *c, const struct kconfig_settables *t, char *err, size_t errlen,
		const char *what, int namelen, const char *name)
{
	char known[1024];
	list_settable(t, known, sizeof(known));
	snprintf(err, errlen, "--kconfig: %s%.*s; Linux %s's settable options: %s (--kconfig help: what each changes)",
		 what, namelen, name, c->version ? c->version : "?", known);
	return -EINVAL;
}

static int parse_value(const struct kconfig_settable *o, const char *v, size_t len, struct kconfig_value *out)
{
	enum kconfig_kind kind = kconfig_symbol_kind(o->symbol);
	if (kind == KCONFIG_INT) {
		char buf[32], *end;
		if (!len || len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, v, len);
		buf[len] = '\0';
		errno = 0;
		long n = strtol(buf, &end, 0);
		if (errno || *end || end == buf)
			return -EINVAL;
		if (n < o->min || n > o->max)
			return -ERANGE;
		*out = (struct kconfig_value){ 'y', n };
		return 0;
	}
	if (len != 1 || (v[0] != 'y' && v[0] != 'n' && !(v[0] == 'm' && kind == KCONFIG_TRISTATE)))
		return -EINVAL;
	*out = (struct kconfig_value){ v[0], v[0] == 'n' ? 0 : 1 };
	return 0;
}

int kconfig_set(struct kernel_config *c, const char *spec, char *err, size_t errlen)
{
	const struct kconfig_settables *t = kconfig_settables(c);
	struct kconfig_value next[KCONFIG_NR_SYMBOLS];
	bool set[KCONFIG_NR_SYMBOLS] = { false };
	if (!spec || !*spec)
		return fail(c, t, err, errlen, "no NAME=VALUE", 0, "");
	memcpy(next, c->values, sizeof(next));
	for (const char *p = spec; *p;) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		int namelen = (int)(eq ? (size_t)(eq - p) : len);
		if (!eq || !namelen)
			return fail(c, t, err, errlen, "not NAME=VALUE: ", (int)len, p);
		int s = find_symbol(p, (size_t)namelen);
		const struct kconfig_settable *o = s < 0 ? NULL : find_settable(t, (enum kconfig_symbol)s);
		if (s < 0)
			return fail(c, t, err, errlen, "unknown option ", namelen, p);
		if (!o)
			return fail(c, t, err, errlen, "not settable (the model has no answers for another value): ",
				    namelen, p);
		struct kconfig_value v;
		const char *val = eq + 1;
		size_t vlen = len - (size_t)namelen - 1;
		int r = parse_value(o, val, vlen, &v);
		if (r) {
			char what[160];
			enum kconfig_kind kind = kconfig_symbol_kind(o->symbol);
			if (r == -ERANGE)
				snprintf(what, sizeof(what), "%.*s is out of range [%ld..%ld] for ", (int)vlen, val,
					 o->min, o->max);
			else
				snprintf(what, sizeof(what), "'%.*s' is not %s for ", (int)vlen, val,
					 kind == KCONFIG_INT ? "a number" : kind == KCONFIG_TRISTATE ? "y, m or n" : "y or n");
			return fail(c, t, err, errlen, what, namelen, p);
		}
		if (set[s] && (next[s].state != v.state || next[s].number != v.number))
			return fail(c, t, err, errlen, "conflicting values for ", namelen, p);
		if (o->choice && v.state == 'y') {
			for (size_t i = 0; i < t->noptions; i++) {
				const struct kconfig_settable *m = &t->options[i];
				if (m->choice != o->choice || m->symbol == o->symbol)
					continue;
				if (set[m->symbol] && next[m->symbol].state == 'y') {
					char what[160];
					snprintf(what, sizeof(what), "one choice: %s=y conflicts with ",
						 kconfig_symbol_name(m->symbol));
					return fail(c, t, err, errlen, what, namelen, p);
				}
				next[m->symbol] = (struct kconfig_value){ 'n', 0 };
			}
		}
		next[s] = v;
		set[s] = true;
		p += len;
		if (*p == ',' && !*++p)
			return fail(c, t, err, errlen, "a trailing comma in ", (int)strlen(spec), spec);
	}
	/* a choice needs one member y: setting the chosen one to n alone leaves none */
	for (size_t i = 0; t && i < t->noptions; i++) {
		int choice = t->options[i].choice;
		if (!choice)
			continue;
		bool any = false;
		for (size_t j = 0; j < t->noptions; j++)
			any |= t->options[j].choice == choice && next[t->options[j].symbol].state == 'y';
		if (!any) {
			char what[160];
			snprintf(what, sizeof(what), "a choice needs one of its options y (set another to y): ");
			return fail(c, t, err, errlen, what, -1, kconfig_symbol_name(t->options[i].symbol));
		}
	}
	memcpy(c->values, next, sizeof(next));
	return 0;
}

/* every enabled option's "depends on" enabled too; -EINVAL naming the first that is not */
static int check_depends(const struct kernel_config *c, char *err, size_t errlen)
{
	const struct kconfig_settables *t = kconfig_settables(c);
	for (size_t i = 0; t && i < t->ndepends; i++) {
		const struct kconfig_dependency *d = &t->depends[i];
		if (!kconfig_enabled(c, d->option) || kconfig_enabled(c, d->needs))
			continue;
		snprintf(err, errlen, "--kconfig: %s=%c depends on %s (set %s=y too)", kconfig_symbol_name(d->option),
			 c->values[d->option].state, kconfig_symbol_name(d->needs), kconfig_symbol_name(d->needs));
		return -EINVAL;
	}
	return 0;
}

int kconfig_apply_settings(const struct kernel_config *base, const char *const *settings,
			   struct kernel_config *out, char *err, size_t errlen)
{
	*out = base ? *base : *kconfig_default();
	for (const char *const *s = settings; s && *s; s++) {
		int r = kconfig_set(out, *s, err, errlen);
		if (r)
			return r;
	}
	return check_depends(out, err, errlen);
}

void kconfig_print_settable(const struct kernel_config *c, FILE *out)
{
	const struct kconfig_settables *t = kconfig_settables(c);
	fprintf(out, "Linux %s (%s): the options --kconfig NAME=VALUE[,NAME=VALUE...] sets\n",
		c->version ? c->version : "?", c->release ? c->release : "?");
	for (size_t i = 0; t && i < t->noptions; i++) {
		const struct kconfig_settable *o = &t->options[i];
		const struct kconfig_value *v = &c->values[o->symbol];
		enum kconfig_kind kind = kconfig_symbol_kind(o->symbol);
		if (kind == KCONFIG_INT)
			fprintf(out, "  %s=%ld (%ld..%ld)\n", kconfig_symbol_name(o->symbol), v->number, o->min, o->max);
		else
			fprintf(out, "  %s=%c%s\n", kconfig_symbol_name(o->symbol), v->state ? v->state : '?',
				kind == KCONFIG_MODEL ? " (not a Kconfig option: a choice of source)" : "");
		fprintf(out, "      %s\n", o->effect);
	}
}
