/*
 * The interrupt controller as devices reach it (QEMU 7.2's GIC distributor
 * inputs, arm_gicv3_its and arm_gicv2m): wired lines a device raises, and
 * the MSI frame a bus-master write lands on. GICv3's ITS takes the write to
 * GITS_TRANSLATER (frame + 0x10040): the DeviceID is the write's requester
 * ID, the EventID its data. GICv2m takes it at MSI_SETSPI_NS (frame + 0x40):
 * the data is the SPI to raise, within the frame's range (MSI_TYPER).
 *
 * What the kernel programs into the controller (the ITS device and
 * translation tables, which SPIs are enabled) is kept as routes from an
 * interrupt to the handler the kernel installed for it; an interrupt with no
 * route is dropped and counted, as the ITS drops an unmapped event.
 */
#ifndef IOMMUSIM_HW_GIC_H
#define IOMMUSIM_HW_GIC_H

#include "base/bits.h"

enum hw_msi_frame_kind {
	HW_MSI_NONE,		/* no MSI controller (GICv3 with its=off, a user's DT) */
	HW_MSI_ITS,		/* GICv3 ITS */
	HW_MSI_V2M,		/* GICv2m frame */
};

/* register offsets in the frames */
#define GITS_TRANSLATER 0x10040
#define V2M_MSI_TYPER 0x008
#define V2M_MSI_SETSPI_NS 0x040
#define GIC_SPI_BASE 32		/* INTID of SPI 0 */

struct hw_gic_cfg {
	enum hw_msi_frame_kind msi;
	u64 msi_base, msi_size;	/* the frame */
	u32 v2m_spi_base;	/* GICv2m: INTID of its first SPI */
	u32 v2m_nr_spis;
};

struct hw_gic_stats {
	u64 msi_writes;		/* writes that reached the doorbell */
	u64 msi_delivered;	/* ... that found a route */
	u64 msi_dropped;	/* ... that did not (unmapped DeviceID/EventID, SPI out of range or off) */
	u64 wired_raised;	/* wired lines raised */
};

typedef void (*hw_irq_handler)(void *opaque);

struct hw_gic;

/* NULL on allocation failure or a frame the kind does not fit. */
struct hw_gic *hw_gic_new(const struct hw_gic_cfg *cfg);
void hw_gic_free(struct hw_gic *gic);
const struct hw_gic_cfg *hw_gic_config(const struct hw_gic *gic);
const struct hw_gic_stats *hw_gic_stats(const struct hw_gic *gic);

/* True when [pa, pa+len) is inside the MSI frame. */
bool hw_gic_msi_frame_hit(const struct hw_gic *gic, u64 pa, u64 len);
/* MMIO of the frame (offsets from its base); unknown registers read 0, ignore writes. */
u64 hw_gic_msi_frame_read(struct hw_gic *gic, u64 offset, unsigned size);
void hw_gic_msi_frame_write(struct hw_gic *gic, u64 offset, u64 val, unsigned size, u32 requester_id);

/*
 * The kernel's programming, as routes. ITS: (DeviceID, EventID) -> handler
 * (MAPD + MAPTI); SPIs, wired or GICv2m's, may be shared by several
 * handlers (each is called). 0, -EINVAL (bad interrupt), -EEXIST (the ITS
 * event is mapped already), -ENOMEM.
 */
int hw_gic_map_event(struct hw_gic *gic, u32 devid, u32 event, hw_irq_handler fn, void *opaque);
void hw_gic_unmap_event(struct hw_gic *gic, u32 devid, u32 event);
int hw_gic_connect_spi(struct hw_gic *gic, u32 intid, hw_irq_handler fn, void *opaque);
void hw_gic_disconnect_spi(struct hw_gic *gic, u32 intid, hw_irq_handler fn, void *opaque);

/* A device raises a wired line (edge, or a level the handler will clear). */
void hw_gic_raise_spi(struct hw_gic *gic, u32 intid);

#endif
