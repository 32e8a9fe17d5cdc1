/*
 * QEMU's command-line syntax for the options iommusim accepts:
 * -M/-machine, -m, -smp, -cpu, -device, -drive, -netdev, -nic, -net,
 * -global, -append, -dtb, -nodefaults.
 * Parsing only splits and checks option syntax; the machine builder decides
 * which devices and properties exist and rejects the rest by name.
 */
#ifndef IOMMUSIM_MACHINE_QEMU_CMDLINE_H
#define IOMMUSIM_MACHINE_QEMU_CMDLINE_H

#include <stddef.h>

struct qemu_opt {
	char *key;
	char *val;		/* "on" for a bare flag such as "readonly" */
};

/* One "-device DRIVER,k=v,..." (driver is NULL for -drive/-netdev/-M lists). */
struct qemu_optlist {
	char *driver;
	size_t nopts;
	struct qemu_opt *opts;
	int argi;		/* position on the command line, for messages */
};

struct qemu_cmdline {
	struct qemu_optlist machine;	/* -M virt,iommu=smmuv3,gic-version=3 */
	char *mem;			/* -m 1G, or NULL */
	char *append;			/* -append "...", or NULL */
	struct qemu_optlist smp;	/* -smp [cpus=]N,sockets=..., merged as QEMU merges them */
	bool has_smp;
	struct qemu_optlist cpu;	/* -cpu MODEL[,prop=val]: driver is the model; NULL if none */
	bool nodefaults;		/* -nodefaults: no default NIC (nor serial, monitor...) */
	char *dtb;			/* -dtb FILE: the DT the kernel gets instead of the board's */
	size_t ndevices, ndrives, nnetdevs, nglobals, nnics;
	struct qemu_optlist *devices;
	struct qemu_optlist *drives;
	struct qemu_optlist *netdevs;
	struct qemu_optlist *globals;	/* -global driver.prop=value split into driver + one opt */
	/* -nic TYPE,... and -net TYPE,... in order; driver "nic"/"net" says which */
	struct qemu_optlist *nics;
};

/*
 * Parse "-M virt,... -device ..." style argv (only QEMU options; the CLI strips
 * its own first). Returns 0, or -EINVAL with a message naming the bad argument
 * in err. On error *out is left zeroed.
 */
int qemu_cmdline_parse(int argc, char **argv, struct qemu_cmdline *out,
		       char *err, size_t errlen);
void qemu_cmdline_free(struct qemu_cmdline *cmd);

/* An error message into err (when there is room), printf style. */
void qemu_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Value of key in an option list, or NULL. */
const char *qemu_opt_get(const struct qemu_optlist *l, const char *key);
/*
 * Parse a QEMU size ("1G", "512M", "1073741824"); 0 or -EINVAL.
 * Parse a QEMU bool ("on"/"off"/"true"/"false"/"yes"/"no"); 0 or -EINVAL.
 */
int qemu_parse_size(const char *s, unsigned long long *out);
int qemu_parse_bool(const char *s, int *out);

#endif
