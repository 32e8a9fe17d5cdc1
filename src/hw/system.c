#include <errno.h>
#include <string.h>
#include "hw/system.h"
#include "hw/gic.h"
#include "hw/smmuv3/smmu_hw.h"

static u64 smmu_read(void *opaque, u64 offset, unsigned size)
{
	return smmu_hw_mmio_read(opaque, offset, size);
}

static void smmu_write(void *opaque, u64 offset, u64 val, unsigned size)
{
	smmu_hw_mmio_write(opaque, offset, val, size);
}

static u64 gic_frame_read(void *opaque, u64 offset, unsigned size)
{
	return hw_gic_msi_frame_read(opaque, offset, size);
}

/* a CPU store to the frame: no requester ID (the ITS takes it as DeviceID 0) */
static void gic_frame_write(void *opaque, u64 offset, u64 val, unsigned size)
{
	hw_gic_msi_frame_write(opaque, offset, val, size, 0);
}

int hw_ioremap(struct hw_system *hw, u64 pa, u64 size, struct hw_mmio *out)
{
	if (hw->smmu && pa == hw->smmu_base && size <= SMMU_HW_MMIO_SIZE) {
		*out = (struct hw_mmio){ hw->smmu, smmu_read, smmu_write, SMMU_HW_MMIO_SIZE };
		return 0;
	}
	if (hw->gic && hw_gic_msi_frame_hit(hw->gic, pa, size) && pa == hw_gic_config(hw->gic)->msi_base) {
		*out = (struct hw_mmio){ hw->gic, gic_frame_read, gic_frame_write, hw_gic_config(hw->gic)->msi_size };
		return 0;
	}
	return -ENODEV;
}

static u64 le_value(const u8 *p, size_t len)
{
	u64 v = 0;
	for (size_t i = len; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

int hw_phys_write(struct hw_system *hw, u64 pa, const void *buf, size_t len, u32 requester_id)
{
	if (hw->gic && hw_gic_msi_frame_hit(hw->gic, pa, len)) {
		/* MMIO: the doorbell takes halfword and word writes; a wider access is not decoded */
		if (len != 2 && len != 4)
			return -EFAULT;
		hw_gic_msi_frame_write(hw->gic, pa - hw_gic_config(hw->gic)->msi_base, le_value(buf, len),
				       (unsigned)len, requester_id);
		return 0;
	}
	return guest_mem_write(hw->mem, pa, buf, len);
}

int hw_phys_read(struct hw_system *hw, u64 pa, void *buf, size_t len)
{
	if (hw->gic && hw_gic_msi_frame_hit(hw->gic, pa, len)) {
		if (len != 2 && len != 4)
			return -EFAULT;
		u64 v = hw_gic_msi_frame_read(hw->gic, pa - hw_gic_config(hw->gic)->msi_base, (unsigned)len);
		for (size_t i = 0; i < len; i++, v >>= 8)
			((u8 *)buf)[i] = (u8)v;
		return 0;
	}
	return guest_mem_read(hw->mem, pa, buf, len);
}

int hw_request_irq(struct hw_system *hw, u64 pa, void (*handler)(void *opaque, int line), void *opaque)
{
	if (!hw->smmu || pa != hw->smmu_base)
		return -ENODEV;
	smmu_hw_set_irq(hw->smmu, handler, opaque);
	return 0;
}
