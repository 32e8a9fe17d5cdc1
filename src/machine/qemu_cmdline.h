/*
 * The whole qemu-system-aarch64 7.2 command line: every option QEMU 7.2
 * knows (its table is in qemu_options.c), read in QEMU's two passes with
 * QEMU's syntax (QemuOpts "k=v,,x,flag", keyval "a.b=c" for -machine and
 * -blockdev, JSON for -device/-blockdev/-object/-netdev as libvirt writes
 * them) and QEMU's error texts. What shapes the machine is parsed into the
 * fields below for the virt builder; what cannot change an answer is kept in
 * the record (so a user can see it was read); what would change one but is
 * not modelled is refused with a message that says so.
 */
#ifndef IOMMUSIM_MACHINE_QEMU_CMDLINE_H
#define IOMMUSIM_MACHINE_QEMU_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The type a value had in the JSON form (QemuOpts and keyval values are strings). */
enum qemu_opt_type {
	QOPT_STR = 0,
	QOPT_BOOL,		/* val "true"/"false" */
	QOPT_INT,		/* val the decimal integer */
	QOPT_NUM,		/* a JSON number that is no integer */
	QOPT_NULL,
	QOPT_OTHER,		/* a JSON object or array (val its JSON text) */
};

struct qemu_opt {
	char *key;
	char *val;		/* "on" for a bare flag such as "readonly" */
	enum qemu_opt_type type;
};

/* One "-device DRIVER,k=v,..." (driver is NULL for -drive/-netdev/-M lists). */
struct qemu_optlist {
	char *driver;
	size_t nopts;
	struct qemu_opt *opts;
	int argi;		/* position on the command line, for messages */
	bool json;		/* given in JSON form ('{...}') */
	char *text;		/* the argument as given, for "-device TEXT: ..." messages */
};

/* How an option bears on what iommusim answers (the README's table). */
enum qemu_effect {
	QEFF_MODELLED,		/* shapes the machine or the kernel */
	QEFF_NONE,		/* accepted and recorded: cannot change an answer */
	QEFF_INFO,		/* prints information and exits (-help, -version, help values) */
};

/*
 * When QEMU finds a problem: while it reads the options, or in one of the
 * later phases of qemu_init() (the machine builder reports those where QEMU
 * would, so that of several errors the same one comes first).
 */
enum qemu_phase {
	QPH_PARSE,		/* the options' own syntax, in order */
	QPH_RTC,		/* configure_rtc() */
	QPH_CHARDEV,		/* the chardevs (then the block nodes and drives) */
	QPH_MACHINE,		/* the machine's properties (then -smp, -m) */
	QPH_ACCEL,		/* configure_accelerators() (then the netdevs) */
	QPH_MONITORS,		/* the monitors */
	QPH_SERIAL,		/* the serial and parallel ports (then -cpu, the board, orphan drives) */
	QPH_DEVICES,		/* -usbdevice, before the -device options */
	QPH_BOARD,		/* after the devices */
	QPH_COUNT,
};

/* One option as read, in command-line order. */
struct qemu_arg {
	char *opt;		/* option name without dashes ("nographic"); NULL: a disk image */
	char *arg;		/* its argument, or NULL */
	enum qemu_effect effect;
};

struct qemu_version;

struct qemu_cmdline {
	const struct qemu_version *qemu;	/* the QEMU whose command line it is */
	struct qemu_optlist machine;	/* -M virt,iommu=smmuv3,gic-version=3 (keyval, merged) */
	char *mem;			/* -m size (as given, e.g. "1G"), or NULL */
	struct qemu_optlist memory;	/* -m [size=]S,slots=N,maxmem=M merged */
	char *append;			/* -append "...", or NULL */
	struct qemu_optlist smp;	/* -smp [cpus=]N,sockets=..., merged as QEMU merges them */
	bool has_smp;
	struct qemu_optlist cpu;	/* -cpu MODEL[,prop=val]: driver is the model; NULL if none */
	bool nodefaults;		/* -nodefaults: no default NIC (nor serial, monitor...) */
	bool snapshot;			/* -snapshot: every -drive as snapshot=on */
	char *dtb;			/* -dtb FILE: the DT the kernel gets instead of the board's */
	char *kernel, *initrd;		/* -kernel, -initrd: recorded (iommusim models the kernel) */
	size_t ndevices, ndrives, nnetdevs, nglobals, nnics, nblockdevs, nobjects, naccels, nargs;
	struct qemu_optlist *devices;	/* -device in command-line order (json tells the form) */
	struct qemu_optlist *drives;	/* -drive, and -hda/-cdrom/disk images as QEMU adds them */
	struct qemu_optlist *netdevs;
	struct qemu_optlist *globals;	/* -global driver.prop=value split into driver + one opt */
	/* -nic TYPE,... and -net TYPE,... in order; driver "nic"/"net" says which */
	struct qemu_optlist *nics;
	struct qemu_optlist *blockdevs;	/* -blockdev: nested keys flattened ("file.filename") */
	struct qemu_optlist *objects;	/* -object: driver is the qom-type */
	struct qemu_optlist *accels;	/* -accel NAME,props (driver is the accelerator) */
	struct qemu_arg *args;		/* every option read, in order */
	char *info;			/* -help, -version, "-M help"...: what QEMU prints, then exits 0 */
	/* the first error of each later phase (NULL: none), for the builder to report in turn */
	char *deferred[QPH_COUNT];
};

/*
 * Parse a qemu-system-aarch64 argv (only QEMU options; the CLI strips its
 * own first). Returns 0, or -EINVAL with QEMU's message (or iommusim's, for
 * an option it refuses as not modelled) in err. On error *out is left zeroed.
 * When the line asks QEMU for information, out->info holds the text QEMU
 * prints (and nothing should boot).
 */
int qemu_cmdline_parse(int argc, char **argv, struct qemu_cmdline *out,
		       char *err, size_t errlen);
/* The same for a given QEMU (qemu_version.h); out->qemu says which. */
int qemu_cmdline_parse_version(const struct qemu_version *qemu, int argc, char **argv,
			       struct qemu_cmdline *out, char *err, size_t errlen);
void qemu_cmdline_free(struct qemu_cmdline *cmd);

/*
 * Print the record: each option as read, with "modelled" or "no effect on
 * the answers" (iommusim boot --cmdline).
 */
void qemu_cmdline_print(const struct qemu_cmdline *cmd, FILE *out);

/* An error message into err (when there is room), printf style. */
void qemu_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Value of key in an option list (the last one given), or NULL. */
const char *qemu_opt_get(const struct qemu_optlist *l, const char *key);
/* The option itself (for its JSON type), or NULL. */
const struct qemu_opt *qemu_opt_find(const struct qemu_optlist *l, const char *key);
/*
 * Parse a QEMU size ("1G", "512M", "1073741824"); 0 or -EINVAL.
 * Parse a QEMU bool ("on"/"off"/"true"/"false"/"yes"/"no"); 0 or -EINVAL.
 */
int qemu_parse_size(const char *s, unsigned long long *out);
int qemu_parse_bool(const char *s, int *out);

/* QEMU ids: a letter, then letters, digits, '-', '.', '_' (id_wellformed). */
bool qemu_id_wellformed(const char *id);

/*
 * QemuOpts syntax, for the option checks: split arg ("k=v,,x,flag,noflag")
 * into l; implied names the key of a leading bare value (NULL: none). opt is
 * the option as typed, for messages. 0, -EINVAL (message in err), -ENOMEM.
 */
int qemu_opts_split(const char *opt, const char *arg, const char *implied,
		    struct qemu_optlist *l, char *err, size_t errlen);
void qemu_optlist_free(struct qemu_optlist *l);

#endif
