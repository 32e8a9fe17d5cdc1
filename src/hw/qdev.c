/*
 * The device type registry: lookup by QEMU name or alias, a device's
 * property values (its type's, its parents', and for a virtio-pci proxy its
 * virtio device's, which QEMU aliases), and the help texts QEMU 7.2 prints
 * for -device help and -device NAME,help.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hw/qdev.h"
#include "hw/qdev_types.h"

#define DEVICE_TYPE(t) &t,
const struct hw_device_type *const hw_device_types[] = {
#include "hw/qdev_types.def"
};
#undef DEVICE_TYPE
const size_t hw_device_ntypes = ARRAY_SIZE(hw_device_types);

const struct hw_device_type *hw_device_type_find(const char *name)
{
	for (size_t i = 0; i < hw_device_ntypes; i++) {
		const struct hw_device_type *t = hw_device_types[i];

		if (t->abstract)
			continue;
		if (!strcmp(t->name, name) || (t->alias && !strcmp(t->alias, name)))
			return t;
	}
	return NULL;
}

const struct hw_device_type *hw_device_type_lookup(const char *name)
{
	for (size_t i = 0; i < hw_device_ntypes; i++)
		if (!strcmp(hw_device_types[i]->name, name))
			return hw_device_types[i];
	return NULL;
}

bool hw_device_type_is(const struct hw_device_type *t, const struct hw_device_type *type)
{
	for (; t; t = t->parent)
		if (t == type)
			return true;
	return false;
}

static size_t chain_props(const struct hw_device_type *t)
{
	size_t n = 0;

	for (; t; t = t->parent)
		n += t->nprops;
	return n;
}

static void add_chain(struct qdev *d, const struct hw_device_type *t, const char *owner)
{
	for (; t; t = t->parent) {
		for (size_t i = 0; i < t->nprops; i++) {
			struct qdev_slot *s = &d->slots[d->nslots++];

			s->prop = &t->props[i];
			s->owner = owner;
			s->set = false;
			s->v = t->props[i].def;
			if (t->props[i].kind == QDEV_PROP_STR || t->props[i].kind == QDEV_PROP_LINK ||
			    t->props[i].kind == QDEV_PROP_CHILD || t->props[i].kind == QDEV_PROP_MACADDR)
				s->v.s = NULL;
		}
	}
}

int qdev_init(struct qdev *d, const struct hw_device_type *t)
{
	size_t n = chain_props(t) + (t->vdev ? chain_props(t->vdev) : 0);

	memset(d, 0, sizeof(*d));
	d->type = t;
	d->slots = calloc(n ? n : 1, sizeof(*d->slots));
	if (!d->slots)
		return -ENOMEM;
	add_chain(d, t, t->name);
	if (t->vdev)
		add_chain(d, t->vdev, t->vdev->name);
	return 0;
}

void qdev_fini(struct qdev *d)
{
	free(d->slots);
	memset(d, 0, sizeof(*d));
}

struct qdev_slot *qdev_find(const struct qdev *d, const char *key)
{
	/* the first letters first: a device has a hundred properties, and thousands of devices */
	for (size_t i = 0; i < d->nslots; i++) {
		const char *n = d->slots[i].prop->name;

		if (n[0] == key[0] && n[1] == key[1] && !strcmp(n, key))
			return &d->slots[i];
	}
	return NULL;
}

static const struct qdev_slot *must_find(const struct qdev *d, const char *key)
{
	const struct qdev_slot *s = qdev_find(d, key);

	if (!s) {
		/* a device file reads a property its table does not declare */
		fprintf(stderr, "iommusim: %s has no property '%s'\n", d->type->name, key);
		abort();
	}
	return s;
}

bool qdev_bool(const struct qdev *d, const char *key)
{
	return must_find(d, key)->v.b;
}

u64 qdev_uint(const struct qdev *d, const char *key)
{
	return must_find(d, key)->v.u;
}

int64_t qdev_int(const struct qdev *d, const char *key)
{
	return must_find(d, key)->v.i;
}

int qdev_enum(const struct qdev *d, const char *key)
{
	return must_find(d, key)->v.e;
}

const char *qdev_str(const struct qdev *d, const char *key)
{
	return must_find(d, key)->v.s;
}

bool qdev_is_set(const struct qdev *d, const char *key)
{
	return must_find(d, key)->set;
}

/* ---- help ---- */

static const char *const category_names[QDEV_CAT_COUNT] = {
	[QDEV_CAT_BRIDGE] = "Controller/Bridge/Hub",
	[QDEV_CAT_USB] = "USB",
	[QDEV_CAT_STORAGE] = "Storage",
	[QDEV_CAT_NETWORK] = "Network",
	[QDEV_CAT_INPUT] = "Input",
	[QDEV_CAT_DISPLAY] = "Display",
	[QDEV_CAT_SOUND] = "Sound",
	[QDEV_CAT_MISC] = "Misc",
	[QDEV_CAT_CPU] = "CPU",
	[QDEV_CAT_WATCHDOG] = "Watchdog",
	[QDEV_CAT_NONE] = "Uncategorized",
};

static int cmp_type_name(const void *a, const void *b)
{
	const struct hw_device_type *const *x = a, *const *y = b;

	return strcasecmp((*x)->name, (*y)->name);
}

void qdev_print_device_list(FILE *out)
{
	const struct hw_device_type *sorted[ARRAY_SIZE(hw_device_types)];
	size_t n = 0;

	for (size_t i = 0; i < hw_device_ntypes; i++)
		if (!hw_device_types[i]->abstract)
			sorted[n++] = hw_device_types[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_type_name);
	/* qdev_print_devinfos(): each category in turn, then the uncategorized ones */
	for (int c = 0; c < QDEV_CAT_COUNT; c++) {
		bool printed = false;

		for (size_t i = 0; i < n; i++) {
			const struct hw_device_type *t = sorted[i];
			bool in = c == QDEV_CAT_NONE ? !t->categories : (t->categories & (1u << c));

			if (!in)
				continue;
			if (!printed)
				fprintf(out, "%s%s devices:\n", c ? "\n" : "", category_names[c]);
			printed = true;
			fprintf(out, "name \"%s\"", t->name);
			if (t->bus)
				fprintf(out, ", bus %s", t->bus);
			if (t->alias)
				fprintf(out, ", alias \"%s\"", t->alias);
			if (t->desc)
				fprintf(out, ", desc \"%s\"", t->desc);
			fprintf(out, "\n");
		}
	}
}

static int cmp_slot_name(const void *a, const void *b)
{
	const struct qdev_slot *x = a, *y = b;

	return strcmp(x->prop->name, y->prop->name);
}

/* The default as QEMU prints it: the JSON of the value. */
static void print_default(const struct qdev_prop *p, FILE *out)
{
	switch (p->kind) {
	case QDEV_PROP_BOOL:
		fprintf(out, "%s", p->def.b ? "true" : "false");
		break;
	case QDEV_PROP_INT32:
	case QDEV_PROP_PCI_DEVFN:
		fprintf(out, "%" PRId64, p->def.i);
		break;
	case QDEV_PROP_ENUM:
		fprintf(out, "\"%s\"", p->values[p->def.e]);
		break;
	default:
		fprintf(out, "%" PRIu64, p->def.u);
		break;
	}
}

int qdev_print_device_help(const char *name, FILE *out)
{
	const struct hw_device_type *t = hw_device_type_find(name);
	struct qdev d;

	if (!t)
		return hw_device_type_lookup(name) ? -EINVAL : -ENOENT;
	if (qdev_init(&d, t))
		return -ENOMEM;
	qsort(d.slots, d.nslots, sizeof(d.slots[0]), cmp_slot_name);
	fprintf(out, "%s options:\n", t->name);
	for (size_t i = 0; i < d.nslots; i++) {
		const struct qdev_prop *p = d.slots[i].prop;
		int len = fprintf(out, "  %s=<%s>", p->name, p->type);

		if (p->desc)
			fprintf(out, "%*s - %s", len < 24 ? 24 - len : 0, "", p->desc);
		if (p->has_default) {
			fprintf(out, " (default: ");
			print_default(p, out);
			fprintf(out, ")");
		}
		fprintf(out, "\n");
	}
	qdev_fini(&d);
	return 0;
}

void qdev_print_effects(FILE *out)
{
	static const char *const what[] = {
		[QDEV_NO_EFFECT] = "no effect",
		[QDEV_DEFAULT_ONLY] = "default only",
	};

	for (size_t i = 0; i < hw_device_ntypes; i++) {
		const struct hw_device_type *t = hw_device_types[i];

		for (int e = QDEV_NO_EFFECT; e <= QDEV_DEFAULT_ONLY; e++) {
			bool first = true;

			for (size_t j = 0; j < t->nprops; j++) {
				/* a child<> is never set: "not writable" */
				if (t->props[j].effect != (enum qdev_prop_effect)e ||
				    t->props[j].kind == QDEV_PROP_CHILD)
					continue;
				if (first)
					fprintf(out, "- `%s`, %s: ", t->name, what[e]);
				fprintf(out, "%s`%s`", first ? "" : ", ", t->props[j].name);
				first = false;
			}
			if (!first)
				fprintf(out, "\n");
		}
	}
}
