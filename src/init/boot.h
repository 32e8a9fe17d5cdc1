/*
 * Booting the modelled kernel on a built machine: initcalls in Linux's
 * order, then the reference init's module loads (DESIGN.md).
 */
#ifndef IOMMUSIM_INIT_BOOT_H
#define IOMMUSIM_INIT_BOOT_H

#include "base/device.h"
#include "machine/machine.h"

/* the modules the reference init loads, in order */
extern const char *const default_init_modules[];

struct kernel_config;
struct linux_version;

struct boot_options {
	const char *const *init_modules;	/* NULL: default_init_modules; {NULL}: none */
	const struct linux_version *version;	/* NULL: the reference kernel (6.1) */
	const struct kernel_config *config;	/* NULL: the version's own configuration */
};

/*
 * NULL with a message in err when the command line is bad, the configuration
 * asks for what the model does not implement, or memory runs out.
 */
struct kernel *kernel_boot(const struct machine *m, const struct boot_options *opts,
			   char *err, size_t errlen);
void kernel_free(struct kernel *k);
/* sleep: advance the virtual clock and run what became due (deferred-probe timeout) */
void kernel_sleep(struct kernel *k, u64 ns);

#endif
