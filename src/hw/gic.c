/*
 * The GIC's device-facing side: wired SPIs, and the ITS / GICv2m MSI frame
 * (QEMU 7.2 hw/intc/arm_gicv3_its.c, arm_gicv2m.c). Routes stand for what
 * the kernel programmed; delivering one calls the kernel's handler.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hw/gic.h"

struct gic_route {
	bool lpi;		/* ITS event, else SPI */
	u32 devid, id;		/* ITS: DeviceID, EventID; SPI: 0, INTID */
	hw_irq_handler fn;
	void *opaque;
};

/* The ITS's translations: (DeviceID, EventID) -> handler, open addressing. */
struct lpi_slot {
	u64 key;		/* DeviceID << 32 | EventID */
	hw_irq_handler fn;	/* NULL: empty */
	void *opaque;
	bool tomb;		/* removed: keep probing past it */
};

struct hw_gic {
	struct hw_gic_cfg cfg;
	struct hw_gic_stats stats;
	struct gic_route *routes;	/* SPIs (a line may have several handlers) */
	size_t nroutes, cap;
	struct lpi_slot *lpis;
	size_t nlpis, lpicap, lpiused;	/* live entries, slots, live + tombstones */
};

static size_t lpi_hash(u64 key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

static struct lpi_slot *lpi_find(const struct hw_gic *gic, u64 key)
{
	if (!gic->lpicap)
		return NULL;
	for (size_t i = lpi_hash(key, gic->lpicap), n = 0; n < gic->lpicap; i = (i + 1) & (gic->lpicap - 1), n++) {
		struct lpi_slot *sl = &gic->lpis[i];
		if (!sl->fn && !sl->tomb)
			return NULL;
		if (sl->fn && sl->key == key)
			return sl;
	}
	return NULL;
}

static int lpi_grow(struct hw_gic *gic)
{
	size_t cap = gic->lpicap ? gic->lpicap * 2 : 64;
	/* mostly tombstones: rehash at the same size */
	if (gic->nlpis * 4 < gic->lpicap)
		cap = gic->lpicap;
	struct lpi_slot *t = calloc(cap, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < gic->lpicap; i++) {
		const struct lpi_slot *sl = &gic->lpis[i];
		if (!sl->fn)
			continue;
		size_t j = lpi_hash(sl->key, cap);
		while (t[j].fn)
			j = (j + 1) & (cap - 1);
		t[j] = *sl;
	}
	free(gic->lpis);
	gic->lpis = t;
	gic->lpicap = cap;
	gic->lpiused = gic->nlpis;
	return 0;
}

struct hw_gic *hw_gic_new(const struct hw_gic_cfg *cfg)
{
	if (!cfg || (cfg->msi != HW_MSI_NONE && !cfg->msi_size))
		return NULL;
	struct hw_gic *gic = calloc(1, sizeof(*gic));
	if (gic)
		gic->cfg = *cfg;
	return gic;
}

void hw_gic_free(struct hw_gic *gic)
{
	if (!gic)
		return;
	free(gic->routes);
	free(gic->lpis);
	free(gic);
}

const struct hw_gic_cfg *hw_gic_config(const struct hw_gic *gic)
{
	return &gic->cfg;
}

const struct hw_gic_stats *hw_gic_stats(const struct hw_gic *gic)
{
	return &gic->stats;
}

bool hw_gic_msi_frame_hit(const struct hw_gic *gic, u64 pa, u64 len)
{
	if (!gic || gic->cfg.msi == HW_MSI_NONE || pa + len < pa)
		return false;
	return pa >= gic->cfg.msi_base && pa + len <= gic->cfg.msi_base + gic->cfg.msi_size;
}

u64 hw_gic_msi_frame_read(struct hw_gic *gic, u64 offset, unsigned size)
{
	(void)size;
	/* GICv2m's MSI_TYPER: first SPI in [25:16], how many in [9:0] */
	if (gic->cfg.msi == HW_MSI_V2M && offset == V2M_MSI_TYPER)
		return (u64)(gic->cfg.v2m_spi_base & 0x3ff) << 16 | (gic->cfg.v2m_nr_spis & 0x3ff);
	return 0;
}

/* Call every handler on the route; false when there is none. */
static bool deliver(struct hw_gic *gic, bool lpi, u32 devid, u32 id)
{
	if (lpi) {
		const struct lpi_slot *sl = lpi_find(gic, (u64)devid << 32 | id);
		if (!sl)
			return false;
		hw_irq_handler fn = sl->fn;
		void *opaque = sl->opaque;
		fn(opaque);
		return true;
	}
	bool found = false;
	/* a handler may change the routes (free_irq): walk by index, re-checking */
	for (size_t i = 0; i < gic->nroutes; i++) {
		struct gic_route r = gic->routes[i];
		if (r.id != id)
			continue;
		found = true;
		r.fn(r.opaque);
	}
	return found;
}

void hw_gic_msi_frame_write(struct hw_gic *gic, u64 offset, u64 val, unsigned size, u32 requester_id)
{
	if (size != 2 && size != 4)
		return;
	switch (gic->cfg.msi) {
	case HW_MSI_ITS:
		if (offset != GITS_TRANSLATER)
			return;
		gic->stats.msi_writes++;
		/* the DeviceID is the requester ID the write carries (virt's msi-map is 1:1) */
		if (deliver(gic, true, requester_id, (u32)val))
			gic->stats.msi_delivered++;
		else
			gic->stats.msi_dropped++;
		return;
	case HW_MSI_V2M: {
		if (offset != V2M_MSI_SETSPI_NS)
			return;
		gic->stats.msi_writes++;
		u32 intid = (u32)val & 0x3ff;
		if (intid >= gic->cfg.v2m_spi_base && intid - gic->cfg.v2m_spi_base < gic->cfg.v2m_nr_spis &&
		    deliver(gic, false, 0, intid))
			gic->stats.msi_delivered++;
		else
			gic->stats.msi_dropped++;
		return;
	}
	case HW_MSI_NONE:
		return;
	}
}

static int add_route(struct hw_gic *gic, const struct gic_route *r)
{
	if (gic->nroutes == gic->cap) {
		size_t cap = gic->cap ? 2 * gic->cap : 16;
		struct gic_route *p = realloc(gic->routes, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		gic->routes = p;
		gic->cap = cap;
	}
	gic->routes[gic->nroutes++] = *r;
	return 0;
}

static void del_route(struct hw_gic *gic, size_t i)
{
	memmove(&gic->routes[i], &gic->routes[i + 1], (gic->nroutes - i - 1) * sizeof(gic->routes[0]));
	gic->nroutes--;
}

int hw_gic_map_event(struct hw_gic *gic, u32 devid, u32 event, hw_irq_handler fn, void *opaque)
{
	if (!gic || !fn || gic->cfg.msi != HW_MSI_ITS)
		return -EINVAL;
	u64 key = (u64)devid << 32 | event;
	if (lpi_find(gic, key))
		return -EEXIST;
	if ((gic->lpiused + 1) * 2 > gic->lpicap && lpi_grow(gic))
		return -ENOMEM;
	size_t j = lpi_hash(key, gic->lpicap);
	while (gic->lpis[j].fn || gic->lpis[j].tomb)
		j = (j + 1) & (gic->lpicap - 1);
	gic->lpis[j] = (struct lpi_slot){ key, fn, opaque, false };
	gic->nlpis++;
	gic->lpiused++;
	return 0;
}

void hw_gic_unmap_event(struct hw_gic *gic, u32 devid, u32 event)
{
	struct lpi_slot *sl = gic ? lpi_find(gic, (u64)devid << 32 | event) : NULL;
	if (!sl)
		return;
	*sl = (struct lpi_slot){ .tomb = true };
	gic->nlpis--;
}

int hw_gic_connect_spi(struct hw_gic *gic, u32 intid, hw_irq_handler fn, void *opaque)
{
	if (!gic || !fn || intid < GIC_SPI_BASE || intid > 1019)
		return -EINVAL;
	return add_route(gic, &(struct gic_route){ false, 0, intid, fn, opaque });
}

void hw_gic_disconnect_spi(struct hw_gic *gic, u32 intid, hw_irq_handler fn, void *opaque)
{
	for (size_t i = 0; gic && i < gic->nroutes; i++) {
		const struct gic_route *r = &gic->routes[i];
		if (!r->lpi && r->id == intid && r->fn == fn && r->opaque == opaque) {
			del_route(gic, i);
			return;
		}
	}
}

void hw_gic_raise_spi(struct hw_gic *gic, u32 intid)
{
	if (!gic)
		return;
	gic->stats.wired_raised++;
	deliver(gic, false, 0, intid);
}
