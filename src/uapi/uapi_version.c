/* The user APIs of each kernel (uapi_version.h). */
#include "uapi/uapi_version.h"

const struct uapi_version uapi_linux_6_1 = {
	.type1_nesting = true,
};

const struct uapi_version uapi_linux_7_3 = {
	.type1_nesting = false,
};
