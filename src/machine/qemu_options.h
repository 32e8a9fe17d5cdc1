/*
 * QEMU 7.2's option table for qemu-system-aarch64 (qemu-options.hx as the
 * Debian build has it: 121 options), each with what iommusim does with it,
 * and the checks QEMU makes on the options that cannot change an answer.
 */
#ifndef IOMMUSIM_MACHINE_QEMU_OPTIONS_H
#define IOMMUSIM_MACHINE_QEMU_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include "machine/qemu_cmdline.h"

enum qemu_option_kind {
	QOK_MODELLED,		/* parsed into struct qemu_cmdline for the builder */
	QOK_NO_EFFECT,		/* checked as QEMU checks it, recorded */
	QOK_REFUSED,		/* would change the answers; not modelled */
	QOK_NOT_TARGET,		/* "Option not supported for this target" */
	QOK_QEMU_ERROR,		/* QEMU itself refuses it on virt (message in why) */
	QOK_INFO,		/* prints and exits */
};

struct qemu_option_def {
	const char *name;
	bool has_arg;
	enum qemu_option_kind kind;
	const char *why;	/* REFUSED: why; QEMU_ERROR: QEMU's message; others: what it is */
};

extern const struct qemu_option_def qemu_option_table[];
extern const size_t qemu_option_count;

/* The entry for "name" (without dashes), or NULL: an invalid option. */
const struct qemu_option_def *qemu_option_lookup(const char *name);

/*
 * QEMU's checks of a no-effect option's argument: its QemuOpts keys, value
 * types and the values QEMU refuses ("-rtc foo=1: Invalid parameter 'foo'").
 * opt is the option as typed (for the message prefix). 0 or -EINVAL with
 * the message in err, and in *phase when QEMU finds it (QPH_PARSE: at once).
 */
int qemu_option_check(const struct qemu_option_def *d, const char *opt, const char *arg,
		      enum qemu_phase *phase, char *err, size_t errlen);

struct qemu_version;
/* The text an informational option of QEMU q prints (malloc'd), or NULL on ENOMEM. */
char *qemu_option_info(const struct qemu_version *q, const char *name, const char *arg);

#endif
