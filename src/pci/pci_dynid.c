/* new_id / remove_id: a PCI driver's dynamic IDs (drivers/pci/pci-driver.c, 6.1). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pci/pci_dynid.h"
#include "base/probe.h"

struct pci_dynid {
	struct pci_dynid *next;
	const struct device_driver *drv;
	struct pci_device_id id;
	u32 subvendor, subdevice;
	unsigned long driver_data;
};

/* pci_match_one_device() with the subsystem IDs the static tables leave at PCI_ANY_ID */
static bool dynid_matches(const struct pci_dynid *d, const struct pci_dev *pdev)
{
	return (d->id.vendor == PCI_ANY_ID || d->id.vendor == pdev->vendor) &&
	       (d->id.device == PCI_ANY_ID || d->id.device == pdev->device) &&
	       (d->subvendor == PCI_ANY_ID || d->subvendor == pdev->subsystem_vendor) &&
	       (d->subdevice == PCI_ANY_ID || d->subdevice == pdev->subsystem_device) &&
	       !((d->id.class ^ pdev->class) & d->id.class_mask);
}

const struct pci_device_id *pci_dynid_match(const struct device_driver *drv, const struct pci_dev *pdev)
{
	for (const struct pci_dynid *d = pdev->dev.k->pci_dynids; d; d = d->next)
		if (d->drv == drv && dynid_matches(d, pdev))
			return &d->id;
	return NULL;
}

/*
 * The kernel's sscanf() of "%x %x ..." (lib/vsprintf.c): whitespace, then
 * hex digits with an optional 0x; it stops at the first word that is not
 * one. How many it converted.
 */
static int scan_hex(const char *s, unsigned long long *v, int max)
{
	int n = 0;
	while (n < max) {
		while (isspace((unsigned char)*s))
			s++;
		if (!isxdigit((unsigned char)*s))
			break;
		if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x' && isxdigit((unsigned char)s[2]))
			s += 2;
		unsigned long long x = 0;
		for (; isxdigit((unsigned char)*s); s++)
			x = x * 16 + (unsigned long long)(isdigit((unsigned char)*s) ? *s - '0'
								  : tolower((unsigned char)*s) - 'a' + 10);
		v[n++] = x;
	}
	return n;
}

int pci_new_id_store(struct kernel *k, struct device_driver *drv, const char *buf)
{
	const struct pci_driver *pdrv = (const struct pci_driver *)drv;
	unsigned long long f[7] = { 0, 0, PCI_ANY_ID, PCI_ANY_ID, 0, 0, 0 };
	int fields = scan_hex(buf, f, 7);
	if (fields < 2)
		return -EINVAL;
	if (fields != 7) {
		/* a device with these IDs: does the driver take it already? */
		struct pci_dev tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.dev.k = k;
		tmp.dev.bus = &pci_bus_type;
		tmp.vendor = (u16)f[0];
		tmp.device = (u16)f[1];
		tmp.subsystem_vendor = (u16)f[2];
		tmp.subsystem_device = (u16)f[3];
		tmp.class = (u32)f[4];
		if (pci_bus_type.match(&tmp.dev, drv) > 0)
			return -EEXIST;
	}
	/* only a driver_data one of the table's entries has (all the model's have 0) */
	if (pdrv->id_table) {
		bool found = false;
		for (const struct pci_device_id *id = pdrv->id_table; id->vendor || id->class_mask; id++)
			found |= f[6] == 0;
		if (!found)
			return -EINVAL;
	}
	struct pci_dynid *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->drv = drv;
	d->id.vendor = (u32)f[0];
	d->id.device = (u32)f[1];
	d->subvendor = (u32)f[2];
	d->subdevice = (u32)f[3];
	d->id.class = (u32)f[4];
	d->id.class_mask = (u32)f[5];
	d->driver_data = (unsigned long)f[6];
	/* pci_add_dynid(): at the tail, then driver_attach() whatever drivers_autoprobe says */
	struct pci_dynid **tail = &k->pci_dynids;
	while (*tail)
		tail = &(*tail)->next;
	*tail = d;
	driver_attach(k, drv);
	return 0;
}

int pci_remove_id_store(struct kernel *k, struct device_driver *drv, const char *buf)
{
	unsigned long long f[6] = { 0, 0, PCI_ANY_ID, PCI_ANY_ID, 0, 0 };
	if (scan_hex(buf, f, 6) < 2)
		return -EINVAL;
	for (struct pci_dynid **p = &k->pci_dynids; *p; p = &(*p)->next) {
		struct pci_dynid *d = *p;
		if (d->drv == drv && d->id.vendor == (u32)f[0] && d->id.device == (u32)f[1] &&
		    ((u32)f[2] == PCI_ANY_ID || d->subvendor == (u32)f[2]) &&
		    ((u32)f[3] == PCI_ANY_ID || d->subdevice == (u32)f[3]) &&
		    !((d->id.class ^ (u32)f[4]) & (u32)f[5])) {
			*p = d->next;
			free(d);
			return 0;
		}
	}
	return -ENODEV;
}

void pci_free_dynids(struct kernel *k, const struct device_driver *drv)
{
	for (struct pci_dynid **p = &k->pci_dynids; *p;) {
		struct pci_dynid *d = *p;
		if (!drv || d->drv == drv) {
			*p = d->next;
			free(d);
		} else {
			p = &d->next;
		}
	}
}
