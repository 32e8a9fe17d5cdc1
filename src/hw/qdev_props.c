/*
 * Property values as QEMU 7.2 reads them for -device, -global and compat
 * properties: QemuOpts strings through the keyval visitor, JSON values
 * through the qobject input visitor, each with QEMU's error texts.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/qdev.h"

const char *const qdev_on_off_auto[] = { "on", "off", "auto", NULL };

static int perr(char *msg, size_t msglen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int parse_bool(const char *key, struct qdev_input in, bool *out, char *msg, size_t msglen)
{
	int x = 0;

	if (in.t == QOPT_BOOL) {
		*out = !strcmp(in.s, "true");
		return 0;
	}
	if (in.t != QOPT_STR || in.json)
		return perr(msg, msglen, "Invalid parameter type for '%s', expected: boolean", key);
	if (qemu_parse_bool(in.s, &x))
		return perr(msg, msglen, "Parameter '%s' expects 'on' or 'off'", key);
	*out = x;
	return 0;
}

/* visit_type_uintN: a uint64 first (a negative number is its 64-bit image), then the range */
static int parse_uint(const char *key, struct qdev_input in, u64 max, const char *tname, u64 *out,
		      char *msg, size_t msglen)
{
	char *end;
	unsigned long long v;

	if ((in.t != QOPT_STR || in.json) && in.t != QOPT_INT)
		return perr(msg, msglen, "Parameter '%s' expects uint64", key);
	errno = 0;
	if (in.t == QOPT_INT && in.s[0] == '-') {
		v = (unsigned long long)strtoll(in.s, &end, 10);
	} else {
		v = strtoull(in.s, &end, 0);
		if (!*in.s || *end || errno)
			return perr(msg, msglen, "Parameter '%s' expects integer", key);
	}
	if (v > max)
		return perr(msg, msglen, "Parameter '%s' expects %s", key, tname);
	*out = v;
	return 0;
}

static int parse_int32(const char *key, struct qdev_input in, int64_t *out, char *msg, size_t msglen)
{
	char *end;
	long long v;

	if (in.json && in.t != QOPT_INT)
		return perr(msg, msglen, "Invalid parameter type for '%s', expected: integer", key);
	if (!in.json && in.t != QOPT_STR)
		return perr(msg, msglen, "Parameter '%s' expects integer", key);
	errno = 0;
	v = strtoll(in.s, &end, 0);
	if (!*in.s || *end || errno)
		return perr(msg, msglen, "Parameter '%s' expects integer", key);
	if (v < INT32_MIN || v > INT32_MAX)
		return perr(msg, msglen, "Parameter '%s' expects int32_t", key);
	*out = v;
	return 0;
}

static int parse_size(const char *key, struct qdev_input in, u64 *out, char *msg, size_t msglen)
{
	unsigned long long v;

	if (in.t == QOPT_INT) {
		*out = in.s[0] == '-' ? (u64)strtoll(in.s, NULL, 10) : strtoull(in.s, NULL, 10);
		return 0;
	}
	if (in.t != QOPT_STR || in.json)
		return perr(msg, msglen, "Parameter '%s' expects uint64", key);
	if (qemu_parse_size(in.s, &v))
		return perr(msg, msglen, "Parameter '%s' expects size", key);
	*out = v;
	return 0;
}

static int parse_enum(const char *key, const struct qdev_prop *p, struct qdev_input in, int *out,
		      char *msg, size_t msglen)
{
	if (in.t != QOPT_STR)
		return perr(msg, msglen, "Invalid parameter type for '%s', expected: string", key);
	for (int i = 0; p->values[i]; i++) {
		if (!strcmp(p->values[i], in.s)) {
			*out = i;
			return 0;
		}
	}
	return perr(msg, msglen, "Parameter '%s' does not accept value '%s'", key, in.s);
}

/* DEFINE_PROP_PCI_DEVFN: "slot[.fn]" in hex, slot <= 0x1f, fn <= 7; a JSON integer is the devfn */
static int parse_devfn(const struct qdev_slot *s, struct qdev_input in, int64_t *out,
		       char *msg, size_t msglen)
{
	const char *val = in.s;
	char *end;
	unsigned long slot, fn = 0;

	if (in.t == QOPT_INT) {
		long long d = strtoll(val, NULL, 10);

		if (d < -1 || d > 255)
			return perr(msg, msglen, "Parameter '%s' expects a value between -1 and 255",
				    s->prop->name);
		*out = d;
		return 0;
	}
	if (in.t != QOPT_STR)
		return perr(msg, msglen, "Invalid parameter type for '%s', expected int or str",
			    s->prop->name);
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
	*out = (int64_t)((slot << 3) | fn);
	return 0;
bad:
	return perr(msg, msglen, "Property '%s.%s' doesn't take value '%s'", s->owner, s->prop->name, val);
}

/* set_mac(): six hex pairs separated by ':' or '-' */
static int parse_macaddr(const struct qdev_slot *s, struct qdev_input in, char *msg, size_t msglen)
{
	const char *p = in.s;

	if (in.t != QOPT_STR)
		return perr(msg, msglen, "Invalid parameter type for '%s', expected: string", s->prop->name);
	for (int i = 0; i < 6; i++, p += 3) {
		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			goto bad;
		if (i == 5 ? p[2] != '\0' : (p[2] != ':' && p[2] != '-'))
			goto bad;
	}
	return 0;
bad:
	return perr(msg, msglen, "Property '%s.%s' doesn't take value '%s'", s->owner, s->prop->name, in.s);
}

/*
 * set_blocksize(): 512 B..2 MiB and a power of two; the message names the
 * object's id, which an aliased property's (virtio-blk-pci's child) lacks.
 */
static int check_blocksize(const struct qdev *d, const struct qdev_slot *s, u64 v, char *msg,
			   size_t msglen)
{
	const char *id = s->owner == d->type->name && d->id ? d->id : "";

	if (!v)
		return 0;	/* the backend's size */
	if (v < 512 || v > (2u << 20))
		return perr(msg, msglen, "Property %s.%s doesn't take value %llu (minimum: 512, maximum: 2097152)",
			    id, s->prop->name, (unsigned long long)v);
	if (v & (v - 1))
		return perr(msg, msglen, "Property %s.%s doesn't take value '%llu', it's not a power of 2",
			    id, s->prop->name, (unsigned long long)v);
	return 0;
}

static bool is_default(const struct qdev_prop *p, union qdev_scalar v)
{
	switch (p->kind) {
	case QDEV_PROP_BOOL:
		return v.b == p->def.b;
	case QDEV_PROP_INT32:
	case QDEV_PROP_PCI_DEVFN:
		return v.i == p->def.i;
	case QDEV_PROP_ENUM:
		return v.e == p->def.e;
	case QDEV_PROP_STR:
	case QDEV_PROP_LINK:
	case QDEV_PROP_CHILD:
	case QDEV_PROP_MACADDR:
		return !v.s;
	default:
		return v.u == p->def.u;
	}
}

int qdev_prop_parse(struct qdev *d, const char *key, struct qdev_input in, char *msg, size_t msglen)
{
	struct qdev_slot *s = qdev_find(d, key);
	const struct qdev_prop *p;
	union qdev_scalar v = { 0 };
	int ret = 0;

	if (!s)
		return perr(msg, msglen, "Property '%s.%s' not found", d->type->name, key);
	p = s->prop;
	switch (p->kind) {
	case QDEV_PROP_BOOL:
		ret = parse_bool(key, in, &v.b, msg, msglen);
		break;
	case QDEV_PROP_UINT8:
		ret = parse_uint(key, in, UINT8_MAX, "uint8_t", &v.u, msg, msglen);
		break;
	case QDEV_PROP_UINT16:
		ret = parse_uint(key, in, UINT16_MAX, "uint16_t", &v.u, msg, msglen);
		break;
	case QDEV_PROP_UINT32:
		ret = parse_uint(key, in, UINT32_MAX, "uint32_t", &v.u, msg, msglen);
		break;
	case QDEV_PROP_UINT64:
		ret = parse_uint(key, in, UINT64_MAX, "uint64_t", &v.u, msg, msglen);
		break;
	case QDEV_PROP_INT32:
		ret = parse_int32(key, in, &v.i, msg, msglen);
		break;
	case QDEV_PROP_SIZE:
		ret = parse_size(key, in, &v.u, msg, msglen);
		break;
	case QDEV_PROP_ENUM:
		ret = parse_enum(key, p, in, &v.e, msg, msglen);
		break;
	case QDEV_PROP_PCI_DEVFN:
		ret = parse_devfn(s, in, &v.i, msg, msglen);
		break;
	case QDEV_PROP_STR:
	case QDEV_PROP_LINK:
		if (in.t != QOPT_STR)
			return perr(msg, msglen, "Invalid parameter type for '%s', expected: string", key);
		v.s = in.s;
		break;
	case QDEV_PROP_CHILD:
		return perr(msg, msglen, "Property '%s.%s' is not writable", d->type->name, key);
	case QDEV_PROP_MACADDR:
		ret = parse_macaddr(s, in, msg, msglen);
		v.s = in.s;
		break;
	case QDEV_PROP_BLOCKSIZE:
		ret = parse_size(key, in, &v.u, msg, msglen);
		if (!ret)
			ret = check_blocksize(d, s, v.u, msg, msglen);
		break;
	}
	if (ret)
		return ret;
	if (p->effect == QDEV_DEFAULT_ONLY && !is_default(p, v))
		return perr(msg, msglen, "Property '%s.%s' is not modelled by iommusim: only its default is accepted",
			    s->owner, key);
	s->v = v;
	s->set = true;
	return 0;
}
