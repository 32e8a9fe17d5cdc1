/*
 * The options of the 6.1 kernel a user may set (--kconfig), and what each
 * changes in the model. Every other option of linux_6_1.c is Debian's value
 * and stays so: the model's answers for another value are not written.
 */
#include "kconfig/settable_common.h"

static const struct kconfig_settable options[] = {
	KCONFIG_SETTABLE_DEBUG_TEST_DRIVER_REMOVE
	{ KCONFIG_IOMMUSIM_TEST_REMOVE_DMA_CLEANUP, 0, 0, 0,
	  "y: the test_remove path calls the bus's dma_cleanup, as 6.1.53 and "
	  "later do (f429378a9bf8, the reference 6.1.176); n, it does not, as 6.1.0 to 6.1.52: with "
	  "DEBUG_TEST_DRIVER_REMOVE=y a kernel driver leaves its group's owner_cnt at 2, 1 after "
	  "unbind, and VFIO finds the group not viable (seed 002)" },
	KCONFIG_SETTABLE_COMMON
};

const struct kconfig_settables linux_6_1_settables = {
	.version = "6.1",
	.options = options,
	.noptions = sizeof(options) / sizeof(options[0]),
};
