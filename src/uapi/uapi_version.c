/* The user APIs of each kernel (uapi_version.h). */
#include <errno.h>
#include "uapi/uapi_version.h"

const struct uapi_version uapi_linux_6_1 = {
	.type1_nesting = true,
	.type1_wrap_errno = -EINVAL,
	.info_caps_aligned = false,
	.err_irq_any_function = false,
	.dyn_msix = false,
	.single_trigger_refuses_bad_fd = false,
};

const struct uapi_version uapi_linux_7_3 = {
	.type1_nesting = false,
	.type1_wrap_errno = -EOVERFLOW,
	.info_caps_aligned = true,
	.err_irq_any_function = true,
	.dyn_msix = true,
	.single_trigger_refuses_bad_fd = true,
};
