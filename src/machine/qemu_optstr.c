/*
 * QEMU option strings and values (util/qemu-option.c, util/keyval.c,
 * util/cutils.c): option lists and their keys, QemuOpts splitting
 * ("a=1,b=x,,y,flag"), keyval splitting ("memory.size=1G"), JSON objects
 * into option lists, ids, and the size and bool value parsers.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_cmdline.h"
#include "machine/qemu_cmdline_internal.h"
#include "machine/qemu_json.h"

void qemu_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
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

int optlist_add_typed(struct qemu_optlist *l, const char *key, size_t klen,
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

int optlist_add(struct qemu_optlist *l, const char *key, size_t klen, const char *val)
{
	return optlist_add_typed(l, key, klen, val, QOPT_STR);
}

/* Set key (replacing its value in place if present, as a merge does). */
int optlist_set(struct qemu_optlist *l, const char *key, const char *val,
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

void optlist_del(struct qemu_optlist *l, const char *key_in)
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

/*
 * keyval_parse(): "k=v,a.b=c" with an implied key for a leading bare value;
 * a later bare word is an error, as are malformed keys and a key used both
 * as a value and as a prefix ("its=on,its.x=1").
 */
int keyval_split(const char *opt, const char *arg, const char *implied,
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

int parse_json_dict(const char *opt, const char *arg, struct qemu_optlist *l,
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
