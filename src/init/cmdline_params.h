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

/* What one kernel image knows: its __setup/early_param table and its built-in kernel_params. */
struct kparam_table {
	const struct kparam_setup *setup;
	size_t nsetup;
	const struct kparam *params;
	size_t nparams;
};

extern const struct kparam_table linux_6_1_params, linux_7_3_params;

#endif
