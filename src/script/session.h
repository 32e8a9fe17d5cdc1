/* One booted machine with its kernel: what the public handle points at. */
#ifndef IOMMUSIM_SCRIPT_SESSION_H
#define IOMMUSIM_SCRIPT_SESSION_H

#include "base/device.h"
#include "machine/machine.h"
#include "machine/qemu_cmdline.h"
#include "kconfig/kconfig.h"

struct iommusim {
	struct qemu_cmdline cmd;
	struct machine machine;
	struct kernel *k;
	size_t dmesg_seen;		/* lines already shown by dmesg in this session */
	const struct linux_version *version;	/* the kernel chosen (--linux) */
	struct kernel_config kconfig;	/* the configuration with the options' --kconfig settings */
	struct iommufd_exec_state *iommufd_verb;	/* the iommufd verb's open files (iommufd_exec.h) */
};

struct iommusim_options;
struct kernel_config;

/* iommusim_boot() with a kernel built with config (NULL: the reference kernel's). */
struct iommusim *iommusim_boot_config(int argc, char **argv, const struct iommusim_options *opts,
				      const struct kernel_config *config, char *err, size_t errlen);

#endif
