/*
 * MSI-X, device side, as QEMU 7.2's hw/pci/msix.c behaves: a vector is
 * masked by its entry's mask bit, by the Function Mask, or while MSI-X is
 * disabled; notifying a masked vector sets its pending bit, and the change
 * that unmasks it sends the message then.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>
#include "hw/pci_msix.h"

static u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void put_le32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (u8)v;
}

static u8 *entry(const struct hw_msix *m, unsigned vector)
{
	return m->table + (size_t)vector * PCI_MSIX_ENTRY_SIZE;
}

struct hw_msix *hw_msix_new(unsigned nentries)
{
	if (!nentries || nentries > HW_MSIX_MAX_VECTORS)
		return NULL;
	struct hw_msix *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->nentries = nentries;
	/* msix_init_exclusive_bar(): the PBA in the upper half of 4K, or right after a bigger table */
	m->pba_offset = MAX(2048u, nentries * PCI_MSIX_ENTRY_SIZE);
	m->table = calloc(nentries, PCI_MSIX_ENTRY_SIZE);
	m->pba = calloc((nentries + 63) / 64, sizeof(u64));
	m->used = calloc(nentries, sizeof(unsigned));
	if (!m->table || !m->pba || !m->used) {
		hw_msix_free(m);
		return NULL;
	}
	hw_msix_reset(m);
	return m;
}

void hw_msix_free(struct hw_msix *m)
{
	if (!m)
		return;
	free(m->table);
	free(m->pba);
	free(m->used);
	free(m);
}

void hw_msix_reset(struct hw_msix *m)
{
	if (!m)
		return;
	m->control = 0;
	/* msix_reset() keeps the vectors' users: they belong to the device, not the guest */
	memset(m->table, 0, (size_t)m->nentries * PCI_MSIX_ENTRY_SIZE);
	for (unsigned v = 0; v < m->nentries; v++)
		put_le32(entry(m, v) + PCI_MSIX_ENTRY_VECTOR_CTRL, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	memset(m->pba, 0, ((m->nentries + 63) / 64) * sizeof(u64));
}

void hw_msix_set_sender(struct hw_msix *m, hw_msix_send_fn send, void *opaque)
{
	m->send = send;
	m->send_opaque = opaque;
}

u16 hw_msix_control_read(const struct hw_msix *m)
{
	return (u16)(m->control | ((m->nentries - 1) & PCI_MSIX_FLAGS_QSIZE));
}

bool hw_msix_enabled(const struct hw_msix *m)
{
	return m && (m->control & PCI_MSIX_FLAGS_ENABLE);
}

/* msix_function_masked: disabled, or Function Mask set */
static bool function_masked(u16 control)
{
	return !(control & PCI_MSIX_FLAGS_ENABLE) || (control & PCI_MSIX_FLAGS_MASKALL);
}

static bool vector_masked(const struct hw_msix *m, unsigned vector, bool fmask)
{
	return fmask || (get_le32(entry(m, vector) + PCI_MSIX_ENTRY_VECTOR_CTRL) & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

bool hw_msix_pending(const struct hw_msix *m, unsigned vector)
{
	return vector < m->nentries && (m->pba[vector / 64] & BIT(vector % 64));
}

static void set_pending(struct hw_msix *m, unsigned vector, bool on)
{
	if (on)
		m->pba[vector / 64] |= BIT(vector % 64);
	else
		m->pba[vector / 64] &= ~BIT(vector % 64);
}

u64 hw_msix_entry_addr(const struct hw_msix *m, unsigned vector)
{
	if (vector >= m->nentries)
		return 0;
	const u8 *e = entry(m, vector);
	return (u64)get_le32(e + PCI_MSIX_ENTRY_UPPER_ADDR) << 32 | get_le32(e + PCI_MSIX_ENTRY_LOWER_ADDR);
}

u32 hw_msix_entry_data(const struct hw_msix *m, unsigned vector)
{
	return vector < m->nentries ? get_le32(entry(m, vector) + PCI_MSIX_ENTRY_DATA) : 0;
}

bool hw_msix_entry_masked(const struct hw_msix *m, unsigned vector)
{
	return vector >= m->nentries || vector_masked(m, vector, false);
}

/* msi_send_message(): the write the function makes as bus master */
static int send_message(struct hw_msix *m, unsigned vector)
{
	m->stats.sent++;
	int ret = m->send ? m->send(m->send_opaque, hw_msix_entry_addr(m, vector),
				    hw_msix_entry_data(m, vector)) : -EFAULT;
	if (ret)
		m->stats.faulted++;
	return ret ? -EFAULT : 0;
}

int hw_msix_notify(struct hw_msix *m, unsigned vector)
{
	if (!m || vector >= m->nentries || !m->used[vector]) {
		if (m)
			m->stats.unused++;
		return -EINVAL;
	}
	m->stats.notified++;
	if (vector_masked(m, vector, function_masked(m->control))) {
		set_pending(m, vector, true);
		m->stats.pended++;
		return 1;
	}
	return send_message(m, vector);
}

/* msix_handle_mask_update(): an unmasked vector with its pending bit set fires now */
static void mask_update(struct hw_msix *m, unsigned vector, bool was_masked)
{
	bool is_masked = vector_masked(m, vector, function_masked(m->control));
	if (is_masked == was_masked || is_masked || !hw_msix_pending(m, vector))
		return;
	set_pending(m, vector, false);
	hw_msix_notify(m, vector);
}

void hw_msix_control_write(struct hw_msix *m, u16 val)
{
	bool was_fmasked = function_masked(m->control);
	bool was[HW_MSIX_MAX_VECTORS];
	for (unsigned v = 0; v < m->nentries; v++)
		was[v] = vector_masked(m, v, was_fmasked);
	m->control = val & (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	if (!hw_msix_enabled(m) || function_masked(m->control) == was_fmasked)
		return;
	for (unsigned v = 0; v < m->nentries; v++)
		mask_update(m, v, was[v]);
}

int hw_msix_vector_use(struct hw_msix *m, unsigned vector)
{
	if (!m || vector >= m->nentries)
		return -EINVAL;
	m->used[vector]++;
	return 0;
}

void hw_msix_vector_unuse(struct hw_msix *m, unsigned vector)
{
	if (!m || vector >= m->nentries)
		return;
	/* msix_clr_pending() when the last user goes */
	if (m->used[vector])
		m->used[vector]--;
	if (!m->used[vector])
		set_pending(m, vector, false);
}

/* ---- the BAR window ---- */

static u64 table_read(void *opaque, u64 off, unsigned size)
{
	struct hw_msix *m = opaque;
	if (size != 4 || (off & 3))
		return 0;
	if (off < (u64)m->nentries * PCI_MSIX_ENTRY_SIZE)
		return get_le32(m->table + off);
	if (off >= m->pba_offset && off - m->pba_offset < ((m->nentries + 63) / 64) * 8ULL) {
		u64 w = m->pba[(off - m->pba_offset) / 8];
		return (u32)(((off - m->pba_offset) & 4) ? w >> 32 : w);
	}
	return 0;
}

static void table_write(void *opaque, u64 off, u64 val, unsigned size)
{
	struct hw_msix *m = opaque;
	if (size != 4 || (off & 3) || off >= (u64)m->nentries * PCI_MSIX_ENTRY_SIZE)
		return;	/* the PBA and the space past the table ignore writes */
	unsigned vector = (unsigned)(off / PCI_MSIX_ENTRY_SIZE);
	bool was = vector_masked(m, vector, function_masked(m->control));
	put_le32(m->table + off, (u32)val);
	mask_update(m, vector, was);
}

void hw_msix_mmio(struct hw_msix *m, struct hw_mmio *out)
{
	u64 size = MAX(4096ULL, (u64)m->pba_offset + ((m->nentries + 63) / 64) * 8ULL);
	u64 pow2 = 4096;
	while (pow2 < size)
		pow2 <<= 1;
	*out = (struct hw_mmio){ m, table_read, table_write, pow2 };
}
