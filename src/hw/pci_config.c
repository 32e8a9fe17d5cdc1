/* Config space storage, QEMU's write semantics and capability lists (hw/pci/pci.c, pcie.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "hw/pci_config.h"
#include "hw/pci_msix.h"

static int realloc_len(struct hw_pci_config *c, unsigned len)
{
	u8 *p = calloc(3, len);
	if (!p)
		return -ENOMEM;
	if (c->len) {
		memcpy(p, c->config, c->len);
		memcpy(p + len, c->wmask, c->len);
		memcpy(p + 2 * len, c->w1cmask, c->len);
		/* pci_init_wmask(): space past the header that no capability took is plain RW */
		memset(p + len + c->len, 0xff, len - c->len);
	}
	free(c->config);
	c->config = p;
	c->wmask = p + len;
	c->w1cmask = p + 2 * len;
	c->len = (u16)len;
	return 0;
}

static void mark_used(struct hw_pci_config *c, unsigned offset, unsigned size)
{
	for (unsigned i = offset; i < offset + size && i < HW_PCI_CONFIG_SPACE_SIZE; i++)
		c->used[i / 8] |= (u8)(1u << (i % 8));
}

static bool is_used(const struct hw_pci_config *c, unsigned i)
{
	return c->used[i / 8] & (1u << (i % 8));
}

u32 hw_pci_get(const struct hw_pci_config *c, unsigned offset, unsigned size)
{
	u32 v = 0;
	for (unsigned i = size; i-- > 0;)
		v = v << 8 | (offset + i < c->len ? c->config[offset + i] : 0);
	return v;
}

static void set_bytes(u8 *base, unsigned len, unsigned offset, unsigned size, u32 val)
{
	for (unsigned i = 0; i < size; i++, val >>= 8)
		if (offset + i < len)
			base[offset + i] = (u8)val;
}

void hw_pci_set(struct hw_pci_config *c, unsigned offset, unsigned size, u32 val)
{
	set_bytes(c->config, c->len, offset, size, val);
}

void hw_pci_set_wmask(struct hw_pci_config *c, unsigned offset, unsigned size, u32 val)
{
	set_bytes(c->wmask, c->len, offset, size, val);
}

void hw_pci_set_w1cmask(struct hw_pci_config *c, unsigned offset, unsigned size, u32 val)
{
	set_bytes(c->w1cmask, c->len, offset, size, val);
}

struct hw_pci_config *hw_pci_config_new(bool express)
{
	struct hw_pci_config *c = calloc(1, sizeof(*c));
	if (!c || realloc_len(c, HW_PCI_CONFIG_SPACE_SIZE)) {
		free(c);
		return NULL;
	}
	c->size = express ? HW_PCIE_CONFIG_SPACE_SIZE : HW_PCI_CONFIG_SPACE_SIZE;
	mark_used(c, 0, HW_PCI_CONFIG_HEADER_SIZE);
	/* pci_init_wmask() */
	c->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	c->wmask[PCI_INTERRUPT_LINE] = 0xff;
	hw_pci_set_wmask(c, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
						    PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	memset(c->wmask + HW_PCI_CONFIG_HEADER_SIZE, 0xff, c->len - HW_PCI_CONFIG_HEADER_SIZE);
	/* pci_init_w1cmask() */
	hw_pci_set_w1cmask(c, PCI_STATUS, 2, PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
						    PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
						    PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
	return c;
}

void hw_pci_config_free(struct hw_pci_config *c)
{
	if (!c)
		return;
	free(c->config);
	free(c);
}

/* pci_bridge_initfn() -> pci_init_mask_bridge(): the type 1 header's registers */
static void init_bridge_header(struct hw_pci_config *c)
{
	mark_used(c, 0, HW_PCI_CONFIG_HEADER_SIZE);
	hw_pci_set_wmask(c, HW_PCI_PRIMARY_BUS, 4, 0xffffffff);	/* the bus numbers and secondary latency */
	c->wmask[PCI_IO_BASE] = PCI_IO_RANGE_MASK & 0xff;
	c->wmask[PCI_IO_LIMIT] = PCI_IO_RANGE_MASK & 0xff;
	hw_pci_set_wmask(c, PCI_MEMORY_BASE, 2, PCI_MEMORY_RANGE_MASK & 0xffff);
	hw_pci_set_wmask(c, PCI_MEMORY_LIMIT, 2, PCI_MEMORY_RANGE_MASK & 0xffff);
	hw_pci_set_wmask(c, PCI_PREF_MEMORY_BASE, 2, PCI_PREF_RANGE_MASK & 0xffff);
	hw_pci_set_wmask(c, PCI_PREF_MEMORY_LIMIT, 2, PCI_PREF_RANGE_MASK & 0xffff);
	hw_pci_set_wmask(c, PCI_PREF_BASE_UPPER32, 4, 0xffffffff);
	hw_pci_set_wmask(c, PCI_PREF_LIMIT_UPPER32, 4, 0xffffffff);
	/* 16-bit I/O decode, 64-bit prefetchable window */
	c->config[PCI_IO_BASE] = PCI_IO_RANGE_TYPE_16;
	c->config[PCI_IO_LIMIT] = PCI_IO_RANGE_TYPE_16;
	hw_pci_set(c, PCI_PREF_MEMORY_BASE, 2, PCI_PREF_RANGE_TYPE_64);
	hw_pci_set(c, PCI_PREF_MEMORY_LIMIT, 2, PCI_PREF_RANGE_TYPE_64);
	hw_pci_set_wmask(c, PCI_BRIDGE_CONTROL, 2,
			 PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR | PCI_BRIDGE_CTL_ISA | PCI_BRIDGE_CTL_VGA |
			 0x10 /* VGA 16-bit decode */ | PCI_BRIDGE_CTL_MASTER_ABORT | PCI_BRIDGE_CTL_BUS_RESET |
			 PCI_BRIDGE_CTL_FAST_BACK | 0x100 /* primary discard */ | 0x200 /* secondary discard */ |
			 0x800 /* discard timer SERR */);
	hw_pci_set_w1cmask(c, PCI_BRIDGE_CONTROL, 2, 0x400 /* discard timer status */);
	hw_pci_set_w1cmask(c, PCI_SEC_STATUS, 2, PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
						       PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
						       PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
	/* a conventional bridge's status: 66 MHz and fast back-to-back capable, both sides */
	hw_pci_set(c, PCI_STATUS, 2, PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
	hw_pci_set(c, PCI_SEC_STATUS, 2, PCI_STATUS_66MHZ | PCI_STATUS_FAST_BACK);
}

void hw_pci_config_init_header(struct hw_pci_config *c, const struct hw_pci_header *h)
{
	hw_pci_set(c, PCI_VENDOR_ID, 2, h->vendor);
	hw_pci_set(c, PCI_DEVICE_ID, 2, h->device);
	hw_pci_set(c, PCI_REVISION_ID, 1, h->revision);
	hw_pci_set(c, PCI_CLASS_PROG, 1, h->class & 0xff);
	hw_pci_set(c, PCI_CLASS_DEVICE, 2, (h->class >> 8) & 0xffff);
	hw_pci_set(c, PCI_HEADER_TYPE, 1, (h->header_type & 0x7f) | (h->multifunction ? 0x80 : 0));
	hw_pci_set(c, PCI_INTERRUPT_PIN, 1, h->interrupt_pin);
	if ((h->header_type & 0x7f) == PCI_HEADER_TYPE_BRIDGE) {
		init_bridge_header(c);
	} else {
		hw_pci_set(c, PCI_SUBSYSTEM_VENDOR_ID, 2, h->subsystem_vendor);
		hw_pci_set(c, PCI_SUBSYSTEM_ID, 2, h->subsystem_device);
	}
}

/* pci_find_space(): the first run of size free bytes from the end of the header */
static int find_space(const struct hw_pci_config *c, unsigned size)
{
	for (unsigned off = HW_PCI_CONFIG_HEADER_SIZE; off + size <= HW_PCI_CONFIG_SPACE_SIZE; off++) {
		unsigned i = 0;
		while (i < size && !is_used(c, off + i))
			i++;
		if (i == size)
			return (int)off;
		off += i;
	}
	return -ENOSPC;
}

int hw_pci_add_capability(struct hw_pci_config *c, u8 cap_id, u8 offset, u8 size)
{
	if (!c || size < 2)
		return -EINVAL;
	if (!offset) {
		int pos = find_space(c, size);
		if (pos < 0)
			return pos;
		offset = (u8)pos;
	} else {
		if (offset < HW_PCI_CONFIG_HEADER_SIZE || offset % 4 || offset + size > HW_PCI_CONFIG_SPACE_SIZE)
			return -EINVAL;
		/* pci_add_capability: "Attempt to add PCI capability ... overlaps existing capability" */
		for (unsigned i = offset; i < (unsigned)offset + size; i++)
			if (is_used(c, i))
				return -EINVAL;
	}
	c->config[offset + PCI_CAP_LIST_ID] = cap_id;
	c->config[offset + PCI_CAP_LIST_NEXT] = c->config[PCI_CAPABILITY_LIST];
	c->config[PCI_CAPABILITY_LIST] = offset;
	hw_pci_set(c, PCI_STATUS, 2, hw_pci_get(c, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
	memset(c->wmask + offset, 0, size);
	memset(c->w1cmask + offset, 0, size);
	mark_used(c, offset, size);
	return offset;
}

int hw_pcie_add_capability(struct hw_pci_config *c, u16 cap_id, u8 version, u16 offset, u16 size)
{
	if (!c || c->size != HW_PCIE_CONFIG_SPACE_SIZE || offset < HW_PCI_CONFIG_SPACE_SIZE || offset % 4 ||
	    size < 4 || offset + size > HW_PCIE_CONFIG_SPACE_SIZE)
		return -EINVAL;
	/* the new one must not overlap those already there */
	for (u16 pos = c->ext_last ? HW_PCI_CONFIG_SPACE_SIZE : 0; pos;) {
		u32 header = hw_pci_get(c, pos, 4);
		if (pos == offset)
			return -EINVAL;
		pos = (u16)PCI_EXT_CAP_NEXT(header);
	}
	if (offset < c->ext_last)
		return -EINVAL;
	if ((unsigned)offset + size > c->len && realloc_len(c, offset + size))
		return -ENOMEM;
	if (c->ext_last) {
		u32 prev = hw_pci_get(c, c->ext_last, 4);
		hw_pci_set(c, c->ext_last, 4, (prev & 0xfffff) | (u32)offset << 20);
	}
	hw_pci_set(c, offset, 4, (u32)cap_id | (u32)(version & 0xf) << 16);
	memset(c->wmask + offset, 0, size);
	memset(c->w1cmask + offset, 0, size);
	c->ext_last = offset;
	return 0;
}

u8 hw_pci_config_find_capability(const struct hw_pci_config *c, u8 cap_id)
{
	u8 pos = c ? c->config[PCI_CAPABILITY_LIST] : 0;
	for (int ttl = 48; pos >= HW_PCI_CONFIG_HEADER_SIZE && ttl--; pos = c->config[pos + PCI_CAP_LIST_NEXT])
		if (c->config[pos + PCI_CAP_LIST_ID] == cap_id)
			return pos;
	return 0;
}

u16 hw_pci_config_find_ext_capability(const struct hw_pci_config *c, u16 cap_id)
{
	if (!c || !c->ext_last)
		return 0;
	u16 pos = HW_PCI_CONFIG_SPACE_SIZE;
	for (int ttl = 480; pos >= HW_PCI_CONFIG_SPACE_SIZE && ttl--;) {
		u32 header = hw_pci_get(c, pos, 4);
		if (PCI_EXT_CAP_ID(header) == cap_id)
			return pos;
		pos = (u16)PCI_EXT_CAP_NEXT(header);
	}
	return 0;
}

static int check(const struct hw_pci_fn *fn, unsigned offset, unsigned size)
{
	if (!fn || !fn->config || (size != 1 && size != 2 && size != 4) || offset % size ||
	    offset >= fn->config->size)
		return -EINVAL;
	return 0;
}

static bool overlaps(unsigned offset, unsigned size, unsigned reg, unsigned reg_size);

/*
 * pcie_sync_bridge_lnk(): a root or downstream port's Link Status shows the
 * link its device 0 trained to (its own Link Status, within the port's
 * width and speed), or the port's full link when that device has no PCIe
 * capability or there is none.
 */
static void sync_bridge_lnk(const struct hw_pci_fn *fn)
{
	struct hw_pci_config *c = fn->config;
	unsigned pos = c->exp_cap;
	u16 lnkcap = (u16)hw_pci_get(c, pos + PCI_EXP_LNKCAP, 2);
	const struct hw_pci_fn *target = fn->secondary ? fn->secondary->fn[0] : NULL;
	u16 lnksta;
	if (!target || !target->config || !target->config->exp_cap) {
		lnksta = lnkcap;
	} else {
		lnksta = (u16)hw_pci_get(target->config, target->config->exp_cap + PCI_EXP_LNKSTA, 2);
		if ((lnksta & PCI_EXP_LNKSTA_NLW) > (lnkcap & PCI_EXP_LNKCAP_MLW))
			lnksta = (u16)((lnksta & ~PCI_EXP_LNKSTA_NLW) | (lnkcap & PCI_EXP_LNKCAP_MLW));
		if ((lnksta & PCI_EXP_LNKSTA_CLS) > (lnkcap & PCI_EXP_LNKCAP_SLS))
			lnksta = (u16)((lnksta & ~PCI_EXP_LNKSTA_CLS) | (lnkcap & PCI_EXP_LNKCAP_SLS));
	}
	/*
	 * Never a zero width or speed, whatever the port's own link (an
	 * xio3130-downstream's has neither): Debian's QEMU 7.2 has the fix
	 * that makes it so (real QEMU shows x1 2.5 GT/s on that port).
	 */
	if (!(lnksta & PCI_EXP_LNKSTA_NLW))
		lnksta |= 1u << 4;
	if (!(lnksta & PCI_EXP_LNKSTA_CLS))
		lnksta |= 1u;
	u16 mask = PCI_EXP_LNKSTA_CLS | PCI_EXP_LNKSTA_NLW;
	u16 cur = (u16)hw_pci_get(c, pos + PCI_EXP_LNKSTA, 2);
	hw_pci_set(c, pos + PCI_EXP_LNKSTA, 2, (cur & ~mask) | (lnksta & mask));
}

int hw_pci_config_read(const struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 *val)
{
	int ret = check(fn, offset, size);
	if (ret)
		return ret;
	int type = hw_pci_config_pcie_type(fn);
	if ((type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM) &&
	    overlaps(offset, size, fn->config->exp_cap + PCI_EXP_LNKSTA, 2))
		sync_bridge_lnk(fn);
	*val = hw_pci_get(fn->config, offset, size);
	return 0;
}

static bool overlaps(unsigned offset, unsigned size, unsigned reg, unsigned reg_size)
{
	return offset < reg + reg_size && reg < offset + size;
}

int hw_pci_config_write(struct hw_pci_fn *fn, unsigned offset, unsigned size, u32 val)
{
	int ret = check(fn, offset, size);
	if (ret)
		return ret;
	struct hw_pci_config *c = fn->config;
	/* a write past the bytes kept: they become kept (QEMU holds the whole space) */
	if (offset + size > c->len && realloc_len(c, (offset + size + 63) & ~63u))
		return -ENOMEM;
	for (unsigned i = 0; i < size; i++, val >>= 8) {
		unsigned a = offset + i;
		u8 wm = c->wmask[a], w1c = c->w1cmask[a], b = (u8)val;
		c->config[a] = (u8)((c->config[a] & ~wm) | (b & wm));
		c->config[a] &= (u8)~(b & w1c);
	}
	/* msix_write_config(): the function sees its new Enable and Function Mask bits */
	if (c->msix_cap && fn->msix && overlaps(offset, size, c->msix_cap + PCI_MSIX_FLAGS, 2))
		hw_msix_control_write(fn->msix, (u16)hw_pci_get(c, c->msix_cap + PCI_MSIX_FLAGS, 2));
	return 0;
}

u8 hw_pci_config_secondary_bus(const struct hw_pci_fn *fn)
{
	if (!fn || !fn->config || (fn->config->config[PCI_HEADER_TYPE] & 0x7f) != PCI_HEADER_TYPE_BRIDGE)
		return 0;
	return fn->config->config[HW_PCI_SECONDARY_BUS];
}

u8 hw_pci_config_subordinate_bus(const struct hw_pci_fn *fn)
{
	if (!fn || !fn->config || (fn->config->config[PCI_HEADER_TYPE] & 0x7f) != PCI_HEADER_TYPE_BRIDGE)
		return 0;
	return fn->config->config[HW_PCI_SUBORDINATE_BUS];
}

int hw_pci_config_pcie_type(const struct hw_pci_fn *fn)
{
	if (!fn || !fn->config || !fn->config->exp_cap)
		return -1;
	return (int)((hw_pci_get(fn->config, fn->config->exp_cap + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_TYPE) >> 4);
}
