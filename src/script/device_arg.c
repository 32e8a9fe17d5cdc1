/* One resolver for the verbs' DEVICE operand (device_arg.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "script/device_arg.h"
#include "drivers/virtio.h"
#include "drivers/virtio_blk.h"
#include "pci/pci.h"

enum arg_error { ARG_UNKNOWN, ARG_NO_FUNCTION, ARG_BAD_ADDRESS, ARG_AMBIGUOUS };

static struct device *live_device(struct kernel *k, const char *name)
{
	for (size_t i = 0; i < k->ndevices; i++)
		if (!k->devices[i]->dead && !strcmp(k->devices[i]->name, name))
			return k->devices[i];
	return NULL;
}

static struct virtio_blk *disk_named(struct kernel *k, const char *name)
{
	struct virtio_blk *all[64];
	size_t n = MIN(virtblk_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i]->disk_name, name))
			return all[i];
	return NULL;
}

static bool hex_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * "DDDD:BB:DD.F" or "BB:DD.F" (lspci's forms): the address in sysfs's
 * lowercase spelling, without the domain when the short form was given.
 * Returns false for anything else.
 */
static bool pci_address(const char *arg, char *out, size_t len, bool *has_domain, bool *in_range)
{
	size_t n = strlen(arg);
	*has_domain = n == 12;
	const char *a = *has_domain ? arg + 5 : arg;
	if ((n != 12 && n != 7) || (*has_domain && (!hex_run(arg, 4) || arg[4] != ':')) ||
	    !hex_run(a, 2) || a[2] != ':' || !hex_run(a + 3, 2) || a[5] != '.' || !hex_run(a + 6, 1))
		return false;
	snprintf(out, len, "%s", arg);
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	/* a device number is 5 bits, a function 3 */
	unsigned slot = (unsigned)strtoul((char[3]){ a[3], a[4], 0 }, NULL, 16);
	*in_range = slot <= 0x1f && a[6] >= '0' && a[6] <= '7';
	return true;
}

/* the device arg names, or NULL with *why */
static struct device *resolve(struct kernel *k, const char *arg, enum arg_error *why, char *others, size_t olen)
{
	struct device *dev = live_device(k, arg);
	if (dev)
		return dev;
	struct virtio_blk *vblk = disk_named(k, arg);
	if (vblk)
		return &vblk->vdev->dev;
	char addr[16];
	bool has_domain, in_range;
	*why = ARG_UNKNOWN;
	if (!pci_address(arg, addr, sizeof(addr), &has_domain, &in_range))
		return NULL;
	if (!in_range) {
		*why = ARG_BAD_ADDRESS;
		return NULL;
	}
	if (has_domain) {
		dev = live_device(k, addr);
		*why = ARG_NO_FUNCTION;
		return dev && dev_is_pci(dev) ? dev : NULL;
	}
	/* BB:DD.F: the one function with that address in any domain */
	size_t found = 0, off = 0;
	others[0] = '\0';
	for (size_t i = 0; i < k->ndevices; i++) {
		struct device *d = k->devices[i];
		if (d->dead || !dev_is_pci(d) || strlen(d->name) != 12 || strcmp(d->name + 5, addr))
			continue;
		if (!found++)
			dev = d;
		if (off < olen)
			off += (size_t)snprintf(others + off, olen - off, "%s%s", off ? " " : "", d->name);
	}
	*why = found ? ARG_AMBIGUOUS : ARG_NO_FUNCTION;
	return found == 1 ? dev : NULL;
}

static void explain(FILE *out, const char *verb, const char *arg, enum arg_error why, const char *others,
		    const char *unknown)
{
	switch (why) {
	case ARG_NO_FUNCTION:
		fprintf(out, "%s: %s: no PCI function at this address\n", verb, arg);
		break;
	case ARG_BAD_ADDRESS:
		fprintf(out, "%s: %s: not a PCI address (device 00-1f, function 0-7)\n", verb, arg);
		break;
	case ARG_AMBIGUOUS:
		fprintf(out, "%s: %s: ambiguous PCI address, give the domain: %s\n", verb, arg, others);
		break;
	case ARG_UNKNOWN:
		fprintf(out, "%s: %s: %s\n", verb, arg, unknown);
		break;
	}
}

struct device *verb_device(struct kernel *k, const char *verb, const char *arg, FILE *out)
{
	enum arg_error why;
	char others[256];
	struct device *dev = resolve(k, arg, &why, others, sizeof(others));
	if (!dev)
		explain(out, verb, arg, why, others, "no such device");
	return dev;
}

struct device *verb_dma_device(struct kernel *k, const char *verb, const char *arg, FILE *out)
{
	struct device *dev = verb_device(k, verb, arg, out);
	/* a virtio device does no DMA of its own: its transport does (vring_dma_dev()) */
	if (dev && dev->bus == &virtio_bus && dev->parent)
		dev = dev->parent;
	return dev;
}

struct virtio_blk *verb_disk(struct kernel *k, const char *verb, const char *arg, FILE *out)
{
	enum arg_error why;
	char others[256];
	struct device *dev = resolve(k, arg, &why, others, sizeof(others));
	if (!dev) {
		explain(out, verb, arg, why, others, "no such disk");
		return NULL;
	}
	struct virtio_blk *all[64];
	size_t n = MIN(virtblk_list(k, all, ARRAY_SIZE(all)), ARRAY_SIZE(all));
	for (size_t i = 0; i < n; i++)
		if (&all[i]->vdev->dev == dev || all[i]->vdev->dev.parent == dev)
			return all[i];
	fprintf(out, "%s: %s: no disk on this device\n", verb, arg);
	return NULL;
}
