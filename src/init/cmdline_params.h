/* The kernel parameters a kernel build knows (per-version data). */
#ifndef IOMMUSIM_INIT_CMDLINE_PARAMS_H
#define IOMMUSIM_INIT_CMDLINE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

/* An obs_kernel_param: __setup("str", fn) or early_param("str", fn). */
struct kparam_setup {
	const char *str;
	bool early;
};

/* A built-in kernel_param ("panic", "arm_smmu_v3.disable_bypass") and its value kind. */
struct kparam {
	const char *name;
	char kind;
};

extern const struct kparam_setup linux_6_1_setup_params[];
extern const size_t linux_6_1_nsetup_params;
extern const struct kparam linux_6_1_kernel_params[];
extern const size_t linux_6_1_nkernel_params;

#endif
