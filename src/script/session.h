/* One booted machine with its kernel: what the public handle points at. */
#ifndef IOMMUSIM_SCRIPT_SESSION_H
#define IOMMUSIM_SCRIPT_SESSION_H

#include "base/device.h"
#include "machine/machine.h"
#include "machine/qemu_cmdline.h"

struct iommusim {
	struct qemu_cmdline cmd;
	struct machine machine;
	struct kernel *k;
	size_t dmesg_seen;		/* lines already shown by dmesg in this session */
};

#endif
