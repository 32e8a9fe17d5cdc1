/*
 * Device types and their properties, as QEMU's qdev declares them (a type
 * name, a parent type, a property table, a realize function), in this
 * project's style: tables of struct qdev_prop, values read back by name.
 *
 * How to add a device model:
 *  1. Write src/hw/<device>.c with a `const struct hw_device_type <x>_type`:
 *     its QEMU name, parent (&pci_device_type for a PCI function, ...), bus,
 *     help category and description, a property table (QDEV_PROP_* below,
 *     every property `-device <name>,help` lists on qemu-system-aarch64 7.2,
 *     each marked modelled, no effect, or default only) and a realize
 *     function reading the values with qdev_bool()/qdev_uint()/qdev_str().
 *  2. Add one line DEVICE_TYPE(<x>_type) to src/hw/qdev_types.def.
 *  3. Store QEMU's help text: oracle/regen-qemu-help <name> (tests/qemu/).
 * The board (src/machine/virt_machine.c) finds the type, applies compat
 * properties, -global and the device's own options, then calls realize.
 */
#ifndef IOMMUSIM_HW_QDEV_H
#define IOMMUSIM_HW_QDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "base/bits.h"
#include "machine/qemu_cmdline.h"
#include "machine/hw_pci.h"

/* How a value is parsed (QEMU's PropertyInfo). */
enum qdev_prop_kind {
	QDEV_PROP_BOOL,
	QDEV_PROP_UINT8,
	QDEV_PROP_UINT16,
	QDEV_PROP_UINT32,
	QDEV_PROP_UINT64,
	QDEV_PROP_INT32,
	QDEV_PROP_SIZE,		/* "1.5k", "2G"; a JSON integer */
	QDEV_PROP_STR,
	QDEV_PROP_ENUM,		/* OnOffAuto and QAPI enums: values[] */
	QDEV_PROP_PCI_DEVFN,	/* "slot[.fn]" */
	QDEV_PROP_LINK,		/* link<T>: the id of an -object of type T (link_type) */
	QDEV_PROP_CHILD,	/* child<T>: read-only */
	QDEV_PROP_MACADDR,	/* "52:54:00:12:34:56" */
	QDEV_PROP_BLOCKSIZE,	/* a size, a power of two in 512 B..2 MiB */
};

/* Whether a property bears on what the model answers. */
enum qdev_prop_effect {
	QDEV_MODELLED,		/* the model honours every value */
	QDEV_NO_EFFECT,		/* checked as QEMU checks it, cannot change an answer */
	QDEV_DEFAULT_ONLY,	/* would change an answer, not modelled: other values refused */
};

union qdev_scalar {
	bool b;
	u64 u;
	int64_t i;
	int e;			/* ENUM: index in values[] */
	const char *s;
};

struct qdev_prop {
	const char *name;
	enum qdev_prop_kind kind;
	const char *type;		/* as -device X,help prints it: "uint32", "OnOffAuto" */
	const char *desc;		/* NULL: none printed */
	bool has_default;		/* help prints "(default: ...)" */
	union qdev_scalar def;
	const char *const *values;	/* ENUM: the names, NULL-terminated */
	const char *link_type;		/* LINK: the object type ("iothread", "rng-" prefix) */
	enum qdev_prop_effect effect;
};

extern const char *const qdev_on_off_auto[];	/* "on", "off", "auto" (QEMU's order) */
#define QDEV_AUTO 2
#define QDEV_ON 0
#define QDEV_OFF 1

/* Table helpers, named after QEMU's DEFINE_PROP_* */
#define QDEV_BIT(n, d, eff) \
	{ .name = (n), .kind = QDEV_PROP_BOOL, .type = "bool", .desc = "on/off", \
	  .has_default = true, .def.b = (d), .effect = (eff) }
#define QDEV_BOOL(n, d, eff) \
	{ .name = (n), .kind = QDEV_PROP_BOOL, .type = "bool", .desc = "", \
	  .has_default = true, .def.b = (d), .effect = (eff) }
#define QDEV_UINT(n, k, t, d, eff) \
	{ .name = (n), .kind = (k), .type = (t), .desc = "", \
	  .has_default = true, .def.u = (d), .effect = (eff) }
#define QDEV_UINT8(n, d, eff) QDEV_UINT(n, QDEV_PROP_UINT8, "uint8", d, eff)
#define QDEV_UINT16(n, d, eff) QDEV_UINT(n, QDEV_PROP_UINT16, "uint16", d, eff)
#define QDEV_UINT32(n, d, eff) QDEV_UINT(n, QDEV_PROP_UINT32, "uint32", d, eff)
#define QDEV_UINT64(n, d, eff) QDEV_UINT(n, QDEV_PROP_UINT64, "uint64", d, eff)
#define QDEV_SIZE(n, d, eff) QDEV_UINT(n, QDEV_PROP_SIZE, "size", d, eff)
#define QDEV_INT32(n, d, eff) \
	{ .name = (n), .kind = QDEV_PROP_INT32, .type = "int32", .desc = "", \
	  .has_default = true, .def.i = (d), .effect = (eff) }
#define QDEV_STR(n, eff) { .name = (n), .kind = QDEV_PROP_STR, .type = "str", .effect = (eff) }
#define QDEV_ON_OFF_AUTO(n, d, eff) \
	{ .name = (n), .kind = QDEV_PROP_ENUM, .type = "OnOffAuto", .desc = "on/off/auto", \
	  .has_default = true, .def.e = (d), .values = qdev_on_off_auto, .effect = (eff) }
#define QDEV_LINK(n, t, target, eff) \
	{ .name = (n), .kind = QDEV_PROP_LINK, .type = (t), .link_type = (target), .effect = (eff) }
#define QDEV_CHILD(n, t) { .name = (n), .kind = QDEV_PROP_CHILD, .type = (t), .effect = QDEV_NO_EFFECT }

/* -device help's categories (QEMU's DeviceCategory, in its order) */
enum qdev_category {
	QDEV_CAT_BRIDGE,
	QDEV_CAT_USB,
	QDEV_CAT_STORAGE,
	QDEV_CAT_NETWORK,
	QDEV_CAT_INPUT,
	QDEV_CAT_DISPLAY,
	QDEV_CAT_SOUND,
	QDEV_CAT_MISC,
	QDEV_CAT_CPU,
	QDEV_CAT_WATCHDOG,
	QDEV_CAT_NONE,		/* "Uncategorized devices" */
	QDEV_CAT_COUNT,
};

struct virt_build;		/* the board being built (machine/virt_internal.h) */
struct qdev;

struct hw_device_type {
	const char *name;			/* QEMU's type name */
	const struct hw_device_type *parent;	/* NULL: a direct TYPE_DEVICE */
	bool abstract;				/* never -device'd, never listed */
	const char *alias;			/* -device accepts it too ("virtio-blk") */
	const char *bus;			/* help: "PCI", "virtio-bus"; NULL: none */
	const char *desc;			/* help: desc "..."; NULL: none */
	unsigned categories;			/* BIT(enum qdev_category) */
	const struct qdev_prop *props;
	size_t nprops;
	/* virtio-*-pci proxies: the virtio device whose properties they alias */
	const struct hw_device_type *vdev;
	/* make the hardware; 0, or -EINVAL with the message set through the board */
	int (*realize)(struct virt_build *b, struct qdev *d);
	/*
	 * virtio-*-device: the virtio device ID and its realize (backends,
	 * queues, config), run by either transport (virtio-pci, virtio-mmio)
	 */
	enum hw_virtio_id virtio_id;
	int (*virtio_realize)(struct virt_build *b, struct qdev *d, struct hw_virtio *v);
	/* PCI: the option ROM its class's romfile names (subtypes inherit it); NULL: none */
	const struct hw_option_rom *rom;
};

/* A romfile of Debian's ipxe-qemu as QEMU 7.2 finds it: its name and size. */
struct hw_option_rom {
	const char *file;
	u32 bytes;
};

#define QDEV_PROPS(arr) .props = (arr), .nprops = sizeof(arr) / sizeof((arr)[0])

/* One property's value on a device being made. */
struct qdev_slot {
	const struct qdev_prop *prop;
	const char *owner;		/* the type named in its messages ("virtio-net-device") */
	bool set;			/* given by compat, -global or the device's options */
	union qdev_scalar v;
};

/* A device being made: -device's id and bus, and every property's value. */
struct qdev {
	const struct hw_device_type *type;
	const char *id, *bus;
	struct qdev_slot *slots;
	size_t nslots;
};

/* A value as the command line gives it (QemuOpts string or typed JSON). */
struct qdev_input {
	const char *s;
	enum qemu_opt_type t;
	bool json;
};

/* The registry: every type, abstract ones included, in qdev_types.def order. */
extern const struct hw_device_type *const hw_device_types[];
extern const size_t hw_device_ntypes;

/* A concrete type by name or alias; NULL when iommusim has none. */
const struct hw_device_type *hw_device_type_find(const char *name);
/* Whether qemu-system-aarch64 7.2 has a -device type (or alias) of that name. */
bool qdev_qemu_has_device(const char *name);
/* Any type by name, abstract ones too (-global's driver, QEMU's abstract-type errors). */
const struct hw_device_type *hw_device_type_lookup(const char *name);
/* Whether t is type or derives from it. */
bool hw_device_type_is(const struct hw_device_type *t, const struct hw_device_type *type);

/* A device of type t with every property at its default: 0 or -ENOMEM. */
int qdev_init(struct qdev *d, const struct hw_device_type *t);
void qdev_fini(struct qdev *d);
/* The property named key, or NULL. */
struct qdev_slot *qdev_find(const struct qdev *d, const char *key);
/*
 * Set key from a command-line value as QEMU's visitors do: 0, or -EINVAL
 * with QEMU's message in msg ("Property 'T.k' not found", "Parameter 'k'
 * expects uint8_t", ...; a DEFAULT_ONLY property with another value: not
 * modelled). LINK targets are the board's to check (qdev_slot.prop->kind).
 */
int qdev_prop_parse(struct qdev *d, const char *key, struct qdev_input in, char *msg, size_t msglen);

/* Values by name; the property must exist on the type (else abort()). */
bool qdev_bool(const struct qdev *d, const char *key);
u64 qdev_uint(const struct qdev *d, const char *key);
int64_t qdev_int(const struct qdev *d, const char *key);
int qdev_enum(const struct qdev *d, const char *key);
const char *qdev_str(const struct qdev *d, const char *key);	/* STR, LINK: NULL when unset */
bool qdev_is_set(const struct qdev *d, const char *key);

/*
 * -device help (QEMU 7.2's format: categories, then name "x", bus B, alias,
 * desc), for the types iommusim models; -device NAME,help (NAME options:,
 * then each property, sorted, as qdev_device_help prints it). 0, or -ENOENT
 * for an unknown name (QEMU: "Device 'NAME' not found").
 */
void qdev_print_device_list(FILE *out);
int qdev_print_device_help(const char *name, FILE *out);
/*
 * The README's list of the properties that are not modelled: per type (its
 * own properties, not its parents'), one line for those with no effect and
 * one for those taking only their default: "- `T`, no effect: `a`, `b`".
 */
void qdev_print_effects(FILE *out);

#endif
