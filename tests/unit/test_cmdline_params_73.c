/*
 * The kernel parameters each image knows (src/init/cmdline_params_*.c):
 * 7.3 knows nokaslr and hash_pointers, 6.1 passes them to user space as
 * unknown; a parameter 7.3 removed (arm_smmu_v3.disable_bypass) is no longer
 * in its table. Real Linux: tests/linux/cmdline_append_unknown.linux and
 * linux-7.3_qemu-10.0/cmdline_append_unknown.linux.
 */
#include "boot_util.h"
#include "init/cmdline_params.h"
#include "kversion/linux_version.h"

static bool knows_setup(const struct kparam_table *t, const char *str)
{
	for (size_t i = 0; i < t->nsetup; i++)
		if (!strcmp(t->setup[i].str, str))
			return true;
	return false;
}

static char kind_of(const struct kparam_table *t, const char *name)
{
	for (size_t i = 0; i < t->nparams; i++)
		if (!strcmp(t->params[i].name, name))
			return t->params[i].kind;
	return 0;
}

Test(cmdline_params_73, each_kernel_has_its_table)
{
	cr_assert_eq(linux_version_find("7.3")->params, &linux_7_3_params);
	cr_assert_eq(linux_version_find("6.1")->params, &linux_6_1_params);
	cr_assert(knows_setup(&linux_7_3_params, "nokaslr"));
	cr_assert_not(knows_setup(&linux_6_1_params, "nokaslr"));
	cr_assert(knows_setup(&linux_7_3_params, "hash_pointers"));
	cr_assert(knows_setup(&linux_7_3_params, "rdinit="));
	cr_assert_eq(kind_of(&linux_6_1_params, "arm_smmu_v3.disable_bypass"), 'b');
	cr_assert_eq(kind_of(&linux_7_3_params, "arm_smmu_v3.disable_bypass"), 0);
	cr_assert_eq(kind_of(&linux_7_3_params, "arm_smmu_v3.disable_msipolling"), 'b');
	cr_assert_eq(kind_of(&linux_7_3_params, "nvme_core.io_timeout"), 'u');
	cr_assert_eq(kind_of(&linux_7_3_params, "panic"), 'i');
}

static bool logged(struct iommusim *sim, const char *text)
{
	for (size_t i = 0; i < klog_count(&sim->k->log); i++)
		if (strstr(klog_line(&sim->k->log, i), text))
			return true;
	return false;
}

Test(cmdline_params_73, unknown_parameters_per_kernel)
{
	const char *args = "-M virt,iommu=smmuv3 -nic none -append aa~nokaslr~hash_pointers~panic=x";
	struct iommusim *sim = boot_on(args, "7.3", "10.0");
	cr_assert(logged(sim, "Unknown kernel command line parameters \"aa\", will be passed to user space."));
	cr_assert(logged(sim, "Booting kernel: `x' invalid for parameter `panic'"));
	iommusim_free(sim);
	sim = boot_on(args, "6.1", "7.2");
	cr_assert(logged(sim, "Unknown kernel command line parameters \"aa nokaslr hash_pointers\", will be passed to "
			      "user space."));
	cr_assert(logged(sim, "Booting kernel: `x' invalid for parameter `panic'"));
	iommusim_free(sim);
}
