/*
 * What the three parts of the command-line parser share (private to
 * src/machine): qemu_optstr.c (option strings and values),
 * qemu_opt_handlers.c (the per-option handlers) and qemu_cmdline.c (the
 * two-pass driver and the parsed command line's lifetime).
 */
#ifndef IOMMUSIM_MACHINE_QEMU_CMDLINE_INTERNAL_H
#define IOMMUSIM_MACHINE_QEMU_CMDLINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "machine/qemu_cmdline.h"

struct qemu_option_def;

/* Arrays grow to the next power of two, so n appends cost O(n) copying. */
static inline bool needs_growth(size_t n)
{
	return n == 0 || (n & (n - 1)) == 0;
}

/* qemu_optstr.c: option lists; 0 or -ENOMEM */
int optlist_add_typed(struct qemu_optlist *l, const char *key, size_t klen,
		      const char *val, enum qemu_opt_type type);
int optlist_add(struct qemu_optlist *l, const char *key, size_t klen, const char *val);
/* Set key (replacing its value in place if present, as a merge does). */
int optlist_set(struct qemu_optlist *l, const char *key, const char *val,
		enum qemu_opt_type type);
/* Remove every occurrence of key. */
void optlist_del(struct qemu_optlist *l, const char *key_in);
/*
 * keyval_parse(): split arg into l with an implied key for a leading bare
 * value; a bare "help" sets *help when help is not NULL. 0, -EINVAL
 * (message in err), -ENOMEM.
 */
int keyval_split(const char *opt, const char *arg, const char *implied,
		 struct qemu_optlist *l, bool *help, char *err, size_t errlen);
/* A JSON object option into l (nested objects flattened to dotted keys when flatten). */
int parse_json_dict(const char *opt, const char *arg, struct qemu_optlist *l,
		    bool flatten, char *err, size_t errlen);

/* The parse in progress (qemu_cmdline.c drives it, the handlers fill it). */
struct parse {
	struct qemu_cmdline c;
	char *err;
	size_t errlen;
	bool machine_accel;	/* -machine accel= or -enable-kvm */
	char **chardevs;	/* -chardev ids, for -mon chardev= */
	size_t nchardevs;
	/*
	 * The first -device help or -device NAME,help: what it prints, or its
	 * error. QEMU answers it after reading every option (and after -cpu help
	 * and -machine help), in qemu_process_help_options().
	 */
	char *device_help, *device_help_err;
};

/* qemu_cmdline.c: an error now (-EINVAL, message in p->err) */
int cmdline_fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An error QEMU finds in a later phase: kept (the first of its phase) for the builder. */
int cmdline_defer(struct parse *p, enum qemu_phase ph);

/* qemu_opt_handlers.c: option d (typed as typed, argument arg at argv[argi]) */
int cmdline_handle(struct parse *p, const struct qemu_option_def *d, const char *typed,
		   const char *arg, int argi);
/* -hda/-hdb/-hdc/-hdd/-cdrom and disk images: drive_add(IF_DEFAULT, index, file, opts) */
int add_legacy_drive(struct parse *p, const char *file, int index, bool cdrom, const char *text,
		     const char *ifv);

#endif
