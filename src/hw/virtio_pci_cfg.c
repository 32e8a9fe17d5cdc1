/* virtio-pci's config-space side: the PCI_CFG access window and bus mastering (QEMU 7.2). */
#include <linux/pci_regs.h>
#include "hw/virtio_pci_cfg.h"
#include "hw/pci_config.h"
#include "hw/system.h"
#include "hw/virtqueue_dev.h"

/* struct virtio_pci_cfg_cap: cap (16 bytes: .bar at 4, .offset at 8, .length at 12), pci_cfg_data at 16 */
#define CFG_CAP_TYPE 3
#define CFG_CAP_OFFSET 8
#define CFG_CAP_LENGTH 12
#define CFG_CAP_DATA 16
#define VIRTIO_PCI_CAP_PCI_CFG 5

/* the modern BAR's regions, as virtio_pci_modern_regions_init() places them */
#define MODERN_COMMON 0x0000
#define MODERN_ISR 0x1000
#define MODERN_DEVICE 0x2000
#define MODERN_NOTIFY 0x3000
#define MODERN_REGION_SIZE 0x1000
#define NOTIFY_OFF_MULTIPLIER 4

/* struct virtio_pci_common_cfg fields the window reaches */
#define COMMON_MSIX_CONFIG 0x10
#define COMMON_NUM_QUEUES 0x12
#define COMMON_DEVICE_STATUS 0x14
#define COMMON_CONFIG_GENERATION 0x15

/* proxy->config_cap: the vendor capability of type PCI_CFG, or 0 */
static unsigned config_cap(const struct hw_pci_config *c)
{
	unsigned pos = c->config[PCI_CAPABILITY_LIST];
	for (int ttl = 48; pos >= 0x40 && pos < HW_PCI_CONFIG_SPACE_SIZE && ttl--; pos = c->config[pos + 1])
		if (c->config[pos] == PCI_CAP_ID_VNDR && c->config[pos + CFG_CAP_TYPE] == VIRTIO_PCI_CAP_PCI_CFG)
			return pos;
	return 0;
}

static bool overlaps(unsigned offset, unsigned size, unsigned reg, unsigned reg_size)
{
	return offset < reg + reg_size && reg < offset + size;
}

/* virtio_pci_common_read() of the fields the model keeps */
static u32 common_read(struct vdev_hw *d, u32 off, unsigned len)
{
	switch (off) {
	case COMMON_MSIX_CONFIG:
		return len == 2 ? d->config_vector : 0;
	case COMMON_NUM_QUEUES:
		return len == 2 ? d->nqueues : 0;
	case COMMON_DEVICE_STATUS:
		return len == 1 ? d->status : 0;
	case COMMON_CONFIG_GENERATION:
		return 0;
	default:
		return 0;
	}
}

static void common_write(struct vdev_hw *d, u32 off, unsigned len, u32 val)
{
	if (off == COMMON_DEVICE_STATUS && len == 1)
		vdev_hw_set_status(d, (u8)val);
	else if (off == COMMON_MSIX_CONFIG && len == 2)
		vdev_hw_set_config_vector(d, (u16)val);
}

/* virtio_address_space_read(): the region holding [off, off + len) of the modern BAR */
static u32 modern_read(struct vdev_hw *d, u32 off, unsigned len)
{
	if (off + len <= MODERN_COMMON + MODERN_REGION_SIZE)
		return common_read(d, off - MODERN_COMMON, len);
	if (off >= MODERN_ISR && off + len <= MODERN_ISR + MODERN_REGION_SIZE)
		return off == MODERN_ISR ? vdev_hw_isr_read(d) : 0;
	if (off >= MODERN_DEVICE && off + len <= MODERN_DEVICE + MODERN_REGION_SIZE) {
		u8 buf[4] = { 0 };
		vdev_hw_config_read(d, off - MODERN_DEVICE, buf, len);
		return (u32)buf[0] | (u32)buf[1] << 8 | (u32)buf[2] << 16 | (u32)buf[3] << 24;
	}
	return 0;
}

static void modern_write(struct vdev_hw *d, u32 off, unsigned len, u32 val)
{
	if (off + len <= MODERN_COMMON + MODERN_REGION_SIZE)
		common_write(d, off - MODERN_COMMON, len, val);
	else if (off >= MODERN_NOTIFY && off + len <= MODERN_NOTIFY + MODERN_REGION_SIZE &&
		 (off - MODERN_NOTIFY) / NOTIFY_OFF_MULTIPLIER < d->nqueues)
		vdev_hw_notify(d, (off - MODERN_NOTIFY) / NOTIFY_OFF_MULTIPLIER);
}

static struct vdev_hw *device_of(struct hw_system *hw, struct hw_pci_fn *fn)
{
	return hw && fn->virtio ? hw_virtio_device(hw, fn->virtio) : NULL;
}

/* Where an access to the window's data goes: the capability, the device, its offset and width. */
struct cfg_window {
	unsigned cap;
	struct vdev_hw *d;
	u32 off, len;
};

/* an access that touches pci_cfg_data, with a device behind and a width of 1, 2 or 4 */
static bool window_access(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size,
			  struct cfg_window *w)
{
	struct hw_pci_config *c = fn->config;
	w->cap = config_cap(c);
	if (!w->cap || !overlaps(offset, size, w->cap + CFG_CAP_DATA, 4))
		return false;
	w->d = device_of(hw, fn);
	w->off = hw_pci_get(c, w->cap + CFG_CAP_OFFSET, 4);
	w->len = hw_pci_get(c, w->cap + CFG_CAP_LENGTH, 4);
	return w->d && (w->len == 1 || w->len == 2 || w->len == 4);
}

void hw_virtio_pci_cfg_write(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size)
{
	struct hw_pci_config *c = fn->config;
	if (!c)
		return;
	/* the device model is looked up only for an access that reaches it (the lookup is a walk) */
	if (overlaps(offset, size, PCI_COMMAND, 1) && !(c->config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
		struct vdev_hw *d = device_of(hw, fn);
		if (d && (d->status & VDEV_S_DRIVER_OK))
			vdev_hw_set_status(d, d->status & (u8)~VDEV_S_DRIVER_OK);
	}
	struct cfg_window w;
	if (window_access(hw, fn, offset, size, &w))
		modern_write(w.d, w.off, w.len, hw_pci_get(c, w.cap + CFG_CAP_DATA, w.len));
}

void hw_virtio_pci_cfg_read(struct hw_system *hw, struct hw_pci_fn *fn, unsigned offset, unsigned size)
{
	struct hw_pci_config *c = fn->config;
	/* the window's data at cap + 16: no capability sits below 0x40 */
	if (!c || offset + size <= HW_PCI_CONFIG_HEADER_SIZE + CFG_CAP_DATA || offset >= HW_PCI_CONFIG_SPACE_SIZE)
		return;
	struct cfg_window w;
	if (window_access(hw, fn, offset, size, &w))
		hw_pci_set(c, w.cap + CFG_CAP_DATA, w.len, modern_read(w.d, w.off, w.len));
}
