/*
 * The options of the 7.3 kernel a user may set (--kconfig), and what each
 * changes in the model. Every other option of linux_7_3.c is Debian's value
 * and stays so: the model's answers for another value are not written.
 */
#include "kconfig/settable_common.h"

static const struct kconfig_settable options[] = {
	KCONFIG_SETTABLE_DEBUG_TEST_DRIVER_REMOVE
	KCONFIG_SETTABLE_COMMON
};

const struct kconfig_settables linux_7_3_settables = {
	.version = "7.3",
	.options = options,
	.noptions = sizeof(options) / sizeof(options[0]),
};
