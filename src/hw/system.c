#include <errno.h>
#include "hw/system.h"
#include "hw/smmuv3/smmu_hw.h"

static u64 smmu_read(void *opaque, u64 offset, unsigned size)
{
	return smmu_hw_mmio_read(opaque, offset, size);
}

static void smmu_write(void *opaque, u64 offset, u64 val, unsigned size)
{
	smmu_hw_mmio_write(opaque, offset, val, size);
}

int hw_ioremap(struct hw_system *hw, u64 pa, u64 size, struct hw_mmio *out)
{
	if (hw->smmu && pa == hw->smmu_base && size <= SMMU_HW_MMIO_SIZE) {
		*out = (struct hw_mmio){ hw->smmu, smmu_read, smmu_write, SMMU_HW_MMIO_SIZE };
		return 0;
	}
	return -ENODEV;
}

int hw_request_irq(struct hw_system *hw, u64 pa, void (*handler)(void *opaque, int line), void *opaque)
{
	if (!hw->smmu || pa != hw->smmu_base)
		return -ENODEV;
	smmu_hw_set_irq(hw->smmu, handler, opaque);
	return 0;
}
