/*
 * Every option of QEMU 7.2's qemu-system-aarch64, read from the Debian
 * binary's own table (name, argument, target mask), with iommusim's answer
 * to it: modelled, accepted with no effect on the answers (checked as QEMU
 * checks it), refused because it would change the answers and is not
 * modelled, or refused as QEMU refuses it on virt.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/qemu_options.h"
#include "machine/qemu_version.h"

#define M(n, a, w) { n, a, QOK_MODELLED, w }
#define N(n, a, w) { n, a, QOK_NO_EFFECT, w }
#define R(n, a, w) { n, a, QOK_REFUSED, w }
#define T(n, a) { n, a, QOK_NOT_TARGET, NULL }
#define E(n, a, w) { n, a, QOK_QEMU_ERROR, w }
#define I(n, a, w) { n, a, QOK_INFO, w }

/* In the order of QEMU's table; "why" is what the README says of each. */
const struct qemu_option_def qemu_option_table[] = {
	I("help", false, "prints the options and exits"),
	I("version", false, "prints the version and exits"),
	M("machine", true, "the machine type and its properties"),
	M("M", true, "the machine type and its properties"),
	M("cpu", true, "the CPU model (the DT's compatible, the vCPU's ID_AA64MMFR0_EL1; max's lpa2=)"),
	M("accel", true, "tcg; KVM and the others are refused"),
	M("smp", true, "vCPUs: the DT's CPUs, queues per vCPU, swiotlb areas"),
	R("numa", true, "NUMA nodes are not modelled (they change the DT's memory nodes and distances)"),
	N("add-fd", true, "file descriptor sets for the host side"),
	M("set", true, "sets a property of a -device/-drive/-netdev/-object by id"),
	M("global", true, "default properties of a device type"),
	N("boot", true, "firmware boot order (the kernel is loaded directly)"),
	M("m", true, "RAM size (slots and maxmem checked, the hotplug area is empty)"),
	N("mem-path", true, "host backing of guest RAM"),
	N("mem-prealloc", false, "host preallocation of guest RAM"),
	N("k", true, "keyboard layout of a graphical display"),
	I("audio-help", false, "prints the audio backends and exits"),
	R("audio", true, "sound cards are not modelled (they add a PCI function)"),
	N("audiodev", true, "an audio backend (no sound card uses it)"),
	M("device", true, "devices (see the device list)"),
	N("name", true, "the guest's name on the host"),
	N("uuid", true, "the SMBIOS UUID (firmware tables only)"),
	E("fda", true, "machine type does not support if=floppy,bus=0,unit=0"),
	E("fdb", true, "machine type does not support if=floppy,bus=0,unit=1"),
	M("hda", true, "a virtio-blk-pci disk, index 0 (virt's default interface)"),
	M("hdb", true, "a virtio-blk-pci disk, index 1"),
	M("hdc", true, "a virtio-blk-pci disk, index 2"),
	M("hdd", true, "a virtio-blk-pci disk, index 3"),
	M("cdrom", true, "a read-only virtio-blk-pci disk, index 2"),
	M("blockdev", true, "block nodes that a disk's drive= names"),
	M("drive", true, "drives (if=virtio adds a virtio-blk-pci)"),
	N("snapshot", false, "writes go to a temporary overlay; the disk file is not written"),
	E("mtdblock", true, "machine type does not support if=mtd,bus=0,unit=0"),
	E("sd", true, "machine type does not support if=sd,bus=0,unit=0"),
	N("fsdev", true, "a 9p file system backend (no device uses it)"),
	R("virtfs", true, "virtio-9p-pci is not modelled"),
	N("iscsi", true, "iSCSI initiator settings of the host"),
	N("usb", false, "virt adds no USB controller for it"),
	E("usbdevice", true, NULL),
	N("display", true, "the host's display of the guest"),
	N("nographic", false, "no graphical output; serial and monitor on stdio"),
	N("spice", true, "the SPICE server of the host"),
	N("portrait", false, "rotates a graphical display"),
	N("rotate", true, "rotates a graphical display"),
	N("vga", true, "virt has no VGA slot: QEMU warns and adds none"),
	N("full-screen", false, "a graphical display in full screen"),
	T("g", true),
	N("vnc", true, "the VNC server of the host"),
	T("win2k-hack", false),
	T("no-fd-bootchk", false),
	N("no-acpi", false, "ACPI tables are for firmware; the kernel boots with the DT"),
	T("no-hpet", false),
	T("acpitable", true),
	N("smbios", true, "SMBIOS tables are for firmware; the kernel boots with the DT"),
	M("netdev", true, "network backends (a bare -netdev drops the default NIC)"),
	M("nic", true, "NICs on pcie.0 before any -device (virtio-net-pci)"),
	M("net", true, "NICs and backends, the legacy way"),
	N("chardev", true, "character backends of the host"),
	N("tpmdev", true, "a TPM backend (no TPM device uses it)"),
	R("bios", true, "firmware boots are not modelled (UEFI gives the kernel ACPI, not the DT)"),
	R("pflash", true, "firmware boots are not modelled (UEFI gives the kernel ACPI, not the DT)"),
	N("kernel", true, "the kernel image (iommusim models Linux 6.1 itself)"),
	M("append", true, "the kernel command line"),
	N("initrd", true, "the initramfs (the model's init loads the reference modules)"),
	M("dtb", true, "the DT the kernel gets instead of the board's"),
	N("compat", true, "QMP deprecation policy"),
	N("fw_cfg", true, "fw_cfg files for firmware"),
	N("serial", true, "the host side of the PL011 (virt always has it)"),
	N("parallel", true, "virt has no parallel port"),
	N("monitor", true, "the HMP monitor"),
	N("qmp", true, "the QMP monitor"),
	N("qmp-pretty", true, "the QMP monitor"),
	N("mon", true, "a monitor on a chardev"),
	E("debugcon", true, "'isa-debugcon' is not a valid device model name"),
	N("pidfile", true, "the host process's pid file"),
	N("singlestep", false, "TCG translation, one instruction a block"),
	R("preconfig", false, "QEMU would wait for QMP's x-exit-preconfig before building the machine"),
	N("S", false, "the CPUs start paused: the answers are those once they run"),
	N("overcommit", true, "host memory locking and CPU power management"),
	N("gdb", true, "a gdb server on the host"),
	N("s", false, "a gdb server on the host"),
	N("d", true, "QEMU's own log"),
	N("D", true, "QEMU's own log file"),
	N("dfilter", true, "QEMU's own log filter"),
	N("seed", true, "QEMU's random seed"),
	N("L", true, "QEMU's data directory"),
	R("enable-kvm", false, "KVM is not modelled: iommusim models QEMU's TCG accelerator only"),
	T("xen-domid", true),
	T("xen-attach", false),
	T("xen-domid-restrict", false),
	N("no-reboot", false, "exit instead of rebooting"),
	N("no-shutdown", false, "stop instead of exiting at shutdown"),
	N("action", true, "what QEMU does on reboot, shutdown, panic, watchdog"),
	R("loadvm", true, "restoring a VM snapshot is not modelled"),
	N("daemonize", false, "QEMU detaches from the terminal"),
	N("option-rom", true, "an option ROM for firmware"),
	N("rtc", true, "the RTC's time base"),
	N("icount", true, "TCG instruction counting (timing only)"),
	N("watchdog-action", true, "what a watchdog device would do (there is none)"),
	N("echr", true, "the monitor's escape character"),
	R("incoming", true, "incoming migration is not modelled (the guest would wait for it)"),
	N("only-migratable", false, "refuses non-migratable devices (all modelled ones migrate)"),
	M("nodefaults", false, "no default NIC (nor serial, monitor)"),
	N("chroot", true, "QEMU chroots on the host"),
	N("runas", true, "QEMU changes user on the host"),
	T("prom-env", true),
	N("semihosting", false, "Arm semihosting for bare-metal guests"),
	N("semihosting-config", true, "Arm semihosting for bare-metal guests"),
	N("old-param", false, "the old ATAG kernel parameters (a DT boot ignores them)"),
	N("sandbox", true, "seccomp sandboxing of the QEMU process"),
	R("readconfig", true, "iommusim reads no config files: give their options on the command line"),
	N("no-user-config", false, "QEMU reads no user config files"),
	N("trace", true, "QEMU's trace events"),
	N("plugin", true, "TCG plugins"),
	N("qtest", true, "QEMU's test protocol"),
	N("qtest-log", true, "QEMU's test protocol log"),
	N("async-teardown", false, "QEMU tears down memory in a separate process"),
	N("msg", true, "the format of QEMU's messages"),
	R("dump-vmstate", true, "QEMU would write the migration state description and exit"),
	N("enable-sync-profile", false, "QEMU's lock profiling"),
	M("object", true, "user objects (a memory backend can hold the RAM)"),
};
const size_t qemu_option_count = sizeof(qemu_option_table) / sizeof(qemu_option_table[0]);

const struct qemu_option_def *qemu_option_lookup(const char *name)
{
	for (size_t i = 0; i < qemu_option_count; i++)
		if (!strcmp(qemu_option_table[i].name, name))
			return &qemu_option_table[i];
	return NULL;
}

/* ---- QemuOpts groups of the no-effect options ---- */

enum key_kind { K_STR, K_BOOL, K_NUM, K_SIZE, K_ENUM };

struct key_def {
	const char *name;
	enum key_kind kind;
	const char *const *vals;	/* K_ENUM */
};

struct group_def {
	const char *option;
	const char *implied;		/* the key a leading bare value stands for */
	const struct key_def *keys;	/* NULL: any key (the group takes what its backend takes) */
	const char *id_missing;		/* message when id= is required and missing */
};

static const char *const watchdog_vals[] = { "reset", "shutdown", "poweroff", "pause", "debug",
					     "none", "inject-nmi", NULL };
static const char *const reboot_vals[] = { "reset", "shutdown", NULL };
static const char *const shutdown_vals[] = { "poweroff", "pause", NULL };
static const char *const panic_vals[] = { "pause", "shutdown", "exit-failure", "none", NULL };

static const struct key_def rtc_keys[] = { { "base", K_STR, NULL }, { "clock", K_STR, NULL }, { "driftfix", K_STR, NULL }, { 0 } };
static const struct key_def name_keys[] = {
	{ "guest", K_STR, NULL }, { "process", K_STR, NULL }, { "debug-threads", K_BOOL, NULL }, { 0 } };
static const struct key_def overcommit_keys[] = { { "mem-lock", K_BOOL, NULL }, { "cpu-pm", K_BOOL, NULL }, { 0 } };
static const struct key_def msg_keys[] = { { "timestamp", K_BOOL, NULL }, { "guest-name", K_BOOL, NULL }, { 0 } };
static const struct key_def action_keys[] = {
	{ "reboot", K_ENUM, reboot_vals }, { "shutdown", K_ENUM, shutdown_vals },
	{ "panic", K_ENUM, panic_vals }, { "watchdog", K_ENUM, watchdog_vals }, { 0 } };
static const struct key_def icount_keys[] = {
	{ "shift", K_STR, NULL }, { "align", K_BOOL, NULL }, { "sleep", K_BOOL, NULL }, { "rr", K_STR, NULL },
	{ "rrfile", K_STR, NULL }, { "rrsnapshot", K_STR, NULL }, { 0 } };
static const struct key_def sandbox_keys[] = {
	{ "enable", K_BOOL, NULL }, { "obsolete", K_STR, NULL }, { "elevateprivileges", K_STR, NULL },
	{ "spawn", K_STR, NULL }, { "resourcecontrol", K_STR, NULL }, { 0 } };
static const struct key_def semihosting_keys[] = {
	{ "enable", K_BOOL, NULL }, { "userspace", K_BOOL, NULL }, { "target", K_STR, NULL }, { "chardev", K_STR, NULL },
	{ "arg", K_STR, NULL }, { 0 } };
static const struct key_def mon_keys[] = {
	{ "mode", K_STR, NULL }, { "chardev", K_STR, NULL }, { "pretty", K_BOOL, NULL }, { "id", K_STR, NULL }, { 0 } };
static const struct key_def addfd_keys[] = { { "fd", K_NUM, NULL }, { "set", K_NUM, NULL }, { "opaque", K_STR, NULL }, { 0 } };
static const struct key_def fwcfg_keys[] = {
	{ "name", K_STR, NULL }, { "file", K_STR, NULL }, { "string", K_STR, NULL }, { "gen_id", K_STR, NULL }, { 0 } };
static const struct key_def iscsi_keys[] = {
	{ "user", K_STR, NULL }, { "password", K_STR, NULL }, { "password-secret", K_STR, NULL },
	{ "header-digest", K_STR, NULL }, { "initiator-name", K_STR, NULL }, { "timeout", K_NUM, NULL }, { 0 } };
static const struct key_def trace_keys[] = { { "enable", K_STR, NULL }, { "events", K_STR, NULL }, { "file", K_STR, NULL }, { 0 } };
static const struct key_def vnc_keys[] = {
	{ "vnc", K_STR, NULL }, { "websocket", K_STR, NULL }, { "tls-creds", K_STR, NULL }, { "share", K_STR, NULL },
	{ "display", K_STR, NULL }, { "head", K_NUM, NULL }, { "connections", K_NUM, NULL }, { "to", K_NUM, NULL },
	{ "ipv4", K_BOOL, NULL }, { "ipv6", K_BOOL, NULL }, { "password", K_BOOL, NULL }, { "password-secret", K_STR, NULL },
	{ "reverse", K_BOOL, NULL }, { "lock-key-sync", K_BOOL, NULL }, { "key-delay-ms", K_NUM, NULL }, { "sasl", K_BOOL, NULL },
	{ "sasl-authz", K_STR, NULL }, { "tls-authz", K_STR, NULL }, { "acl", K_BOOL, NULL }, { "lossy", K_BOOL, NULL },
	{ "non-adaptive", K_BOOL, NULL }, { "audiodev", K_STR, NULL }, { "power-control", K_BOOL, NULL }, { 0 } };

static const struct key_def spice_keys[] = {
	{ "port", K_NUM, NULL }, { "tls-port", K_NUM, NULL }, { "addr", K_STR, NULL },
	{ "ipv4", K_BOOL, NULL }, { "ipv6", K_BOOL, NULL }, { "unix", K_BOOL, NULL },
	{ "password", K_STR, NULL }, { "password-secret", K_STR, NULL },
	{ "disable-ticketing", K_BOOL, NULL }, { "disable-copy-paste", K_BOOL, NULL },
	{ "disable-agent-file-xfer", K_BOOL, NULL }, { "sasl", K_BOOL, NULL },
	{ "x509-dir", K_STR, NULL }, { "x509-key-file", K_STR, NULL },
	{ "x509-key-password", K_STR, NULL }, { "x509-cert-file", K_STR, NULL },
	{ "x509-cacert-file", K_STR, NULL }, { "x509-dh-key-file", K_STR, NULL },
	{ "tls-ciphers", K_STR, NULL }, { "tls-channel", K_STR, NULL },
	{ "plaintext-channel", K_STR, NULL }, { "image-compression", K_STR, NULL },
	{ "jpeg-wan-compression", K_STR, NULL }, { "zlib-glz-wan-compression", K_STR, NULL },
	{ "streaming-video", K_STR, NULL }, { "video-codecs", K_STR, NULL },
	{ "agent-mouse", K_BOOL, NULL }, { "playback-compression", K_BOOL, NULL },
	{ "seamless-migration", K_BOOL, NULL }, { "gl", K_BOOL, NULL }, { "rendernode", K_STR, NULL },
	{ 0 } };

static const struct group_def groups[] = {
	{ "rtc", NULL, rtc_keys, NULL },
	{ "name", "guest", name_keys, NULL },
	{ "overcommit", NULL, overcommit_keys, NULL },
	{ "msg", NULL, msg_keys, NULL },
	{ "action", NULL, action_keys, NULL },
	{ "icount", "shift", icount_keys, NULL },
	{ "sandbox", "enable", sandbox_keys, NULL },
	{ "semihosting-config", NULL, semihosting_keys, NULL },
	{ "mon", NULL, mon_keys, NULL },
	{ "add-fd", NULL, addfd_keys, NULL },
	{ "fw_cfg", "name", fwcfg_keys, NULL },
	{ "iscsi", NULL, iscsi_keys, NULL },
	{ "trace", "enable", trace_keys, NULL },
	{ "vnc", "vnc", vnc_keys, NULL },
	{ "chardev", "backend", NULL, "chardev: no id specified" },
	{ "tpmdev", "type", NULL, "Parameter 'id' is missing" },
	{ "fsdev", "fsdriver", NULL, "fsdev: No id specified" },
	{ "spice", NULL, spice_keys, NULL },
	{ "smbios", NULL, NULL, NULL },
};

static bool in(const char *const *l, const char *v)
{
	for (; *l; l++)
		if (!strcmp(*l, v))
			return true;
	return false;
}

static int bad(char *err, size_t errlen, const char *opt, const char *arg, const char *fmt,
	       const char *a1, const char *a2)
{
	char msg[384];

	snprintf(msg, sizeof(msg), fmt, a1, a2);
	if (arg)
		qemu_set_err(err, errlen, "%s %s: %s", opt, arg, msg);
	else
		qemu_set_err(err, errlen, "%s", msg);
	return -EINVAL;
}

static int check_group(const struct group_def *g, const char *opt, const char *arg,
		       struct qemu_optlist *l, char *err, size_t errlen)
{
	for (size_t i = 0; g->keys && i < l->nopts; i++) {
		const struct key_def *k = g->keys;
		const char *key = l->opts[i].key, *val = l->opts[i].val;

		for (; k->name && strcmp(k->name, key); k++)
			;
		if (!k->name) {
			if (!strcmp(key, "id") && strcmp(g->option, "rtc") && strcmp(g->option, "msg"))
				continue;
			return bad(err, errlen, opt, arg, "Invalid parameter '%s'", key, NULL);
		}
		switch (k->kind) {
		case K_BOOL: {
			int b;

			if (qemu_parse_bool(val, &b))
				return bad(err, errlen, opt, arg, "Parameter '%s' expects 'on' or 'off'", key, NULL);
			break;
		}
		case K_NUM: {
			char *end;

			errno = 0;
			(void)strtoull(val, &end, 0);
			if (!*val || *end || errno)
				return bad(err, errlen, opt, arg, "Parameter '%s' expects a number", key, NULL);
			break;
		}
		case K_SIZE: {
			unsigned long long sz;

			if (qemu_parse_size(val, &sz))
				return bad(err, errlen, opt, arg,
					   "Parameter '%s' expects a non-negative number below 2^64\n"
					   "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, peta-\n"
					   "and exabytes, respectively.", key, NULL);
			break;
		}
		case K_ENUM:
			if (!in(k->vals, val))
				return bad(err, errlen, opt, arg, "Parameter '%s' does not accept value '%s'",
					   key, val);
			break;
		case K_STR:
			break;
		}
	}
	if (g->id_missing && !qemu_opt_get(l, "id"))
		return bad(err, errlen, opt, arg, "%s", g->id_missing, NULL);
	return 0;
}

/* The character backends QEMU 7.2 builds (qemu_chr_parse_compat's prefixes and -chardev types). */
static const char *const chardev_types[] = {
	"null", "socket", "udp", "msmouse", "wctablet", "memory", "ringbuf", "file", "pipe",
	"pty", "stdio", "serial", "tty", "parallel", "parport", "spicevmc", "spiceport",
	"qemu-vdagent", "dbus", "vc", "mux", "testdev", "braille", NULL,
};

/* A -serial/-monitor style character device spec, as qemu_chr_parse_compat reads it. */
static bool chr_spec_ok(const char *s)
{
	static const char *const words[] = { "null", "vc", "stdio", "pty", "msmouse", "braille",
					     "testdev", "wctablet", NULL };
	static const char *const prefixes[] = {
		"vc:", "file:", "pipe:", "udp:", "tcp:", "telnet:", "tn3270:", "websocket:", "unix:",
		"/dev/", "chardev:", "mon:", "COM", NULL,
	};

	if (!strncmp(s, "mon:", 4))
		s += 4;
	if (in(words, s))
		return true;
	for (size_t i = 0; prefixes[i]; i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static bool uuid_ok(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };

	if (strlen(s) != 36)
		return false;
	for (int i = 0, d = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

/* -boot's order/once letters: a..p, each once (validate_bootdevices) */
static int boot_devices_ok(const char *v, char *err, size_t errlen)
{
	unsigned seen = 0;

	for (const char *p = v; *p; p++) {
		char c[2] = { *p, 0 };

		if (*p < 'a' || *p > 'p')
			return bad(err, errlen, NULL, NULL, "Invalid boot device '%s'", c, NULL);
		if (seen & (1u << (*p - 'a')))
			return bad(err, errlen, NULL, NULL, "Boot device '%s' was given twice", c, NULL);
		seen |= 1u << (*p - 'a');
	}
	return 0;
}

static int check_boot(const char *opt, const char *arg, char *err, size_t errlen)
{
	static const struct { const char *k; char kind; } keys[] = {
		{ "order", 's' }, { "once", 's' }, { "menu", 'b' }, { "splash", 's' },
		{ "splash-time", 'n' }, { "reboot-timeout", 'n' }, { "strict", 'b' },
	};
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, "order", &l, err, errlen);

	for (size_t i = 0; !ret && i < l.nopts; i++) {
		const char *k = l.opts[i].key, *v = l.opts[i].val;
		size_t j;

		for (j = 0; j < sizeof(keys) / sizeof(keys[0]) && strcmp(keys[j].k, k); j++)
			;
		/* -boot became the machine's "boot" property: errors name boot.KEY, without location */
		if (j == sizeof(keys) / sizeof(keys[0])) {
			ret = bad(err, errlen, NULL, NULL, "Parameter 'boot.%s' is unexpected", k, NULL);
		} else if (keys[j].kind == 'b') {
			int b;

			if (qemu_parse_bool(v, &b))
				ret = bad(err, errlen, NULL, NULL, "Parameter 'boot.%s' expects 'on' or 'off'", k, NULL);
		} else if (keys[j].kind == 'n') {
			char *end;

			(void)strtoll(v, &end, 0);
			if (!*v || *end)
				ret = bad(err, errlen, NULL, NULL, "Parameter 'boot.%s' expects integer", k, NULL);
		} else if (!strcmp(k, "order") || !strcmp(k, "once")) {
			ret = boot_devices_ok(v, err, errlen);
		}
	}
	qemu_optlist_free(&l);
	return ret;
}

static int check_rtc(const char *opt, const char *arg, char *err, size_t errlen)
{
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, NULL, &l, err, errlen);
	const char *v;

	if (!ret)
		ret = check_group(&groups[0], opt, arg, &l, err, errlen);
	if (!ret && (v = qemu_opt_get(&l, "base")) && strcmp(v, "utc") && strcmp(v, "localtime")) {
		int y, mo, d, h, mi, s;
		char tail;

		if (sscanf(v, "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &s, &tail) != 6 &&
		    sscanf(v, "%d-%d-%d%c", &y, &mo, &d, &tail) != 3)
			ret = bad(err, errlen, NULL, NULL, "invalid datetime format\n"
				  "valid formats: '2006-06-17T16:01:21' or '2006-06-17'", NULL, NULL);
	}
	if (!ret && (v = qemu_opt_get(&l, "clock")) && strcmp(v, "host") && strcmp(v, "rt") &&
	    strcmp(v, "vm"))
		ret = bad(err, errlen, NULL, NULL, "invalid option value '%s'", v, NULL);
	if (!ret && (v = qemu_opt_get(&l, "driftfix")) && strcmp(v, "none") && strcmp(v, "slew"))
		ret = bad(err, errlen, NULL, NULL, "invalid option value '%s'", v, NULL);
	qemu_optlist_free(&l);
	return ret;
}

static int check_chardev(const char *opt, const char *arg, char *err, size_t errlen)
{
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, "backend", &l, err, errlen);
	const char *b = qemu_opt_get(&l, "backend");

	if (!ret && !qemu_opt_get(&l, "id"))
		ret = bad(err, errlen, opt, arg, "chardev: no id specified", NULL, NULL);
	if (!ret && b && !in(chardev_types, b))
		ret = bad(err, errlen, opt, arg, "'%s' is not a valid char driver name", b, NULL);
	if (!ret && qemu_opt_get(&l, "id") && !qemu_id_wellformed(qemu_opt_get(&l, "id")))
		ret = bad(err, errlen, opt, arg, "Parameter 'id' expects an identifier\n"
			  "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.",
			  NULL, NULL);
	qemu_optlist_free(&l);
	return ret;
}

static const char *const display_types[] = {
	"none", "gtk", "sdl", "egl-headless", "curses", "cocoa", "spice-app", "dbus", "vnc", NULL,
};

static int check_display(const char *opt, const char *arg, char *err, size_t errlen)
{
	size_t n = strcspn(arg, ",=");
	char type[64];

	snprintf(type, sizeof(type), "%.*s", (int)(n < 63 ? n : 63), arg);
	/* "-display vnc=:5" is the legacy VNC spelling */
	if (arg[n] == '=' && !strcmp(type, "vnc"))
		return 0;
	if (!in(display_types, type))
		return bad(err, errlen, opt, arg, "Parameter 'type' does not accept value '%s'", type, NULL);
	if (arg[n] == ',') {
		struct qemu_optlist l = { 0 };
		static const char *const common[] = {
			"full-screen", "window-close", "show-cursor", "gl", "grab-on-hover", "zoom-to-fit",
			"show-tabs", "charset", "p2p", "addr", "audiodev", "rendernode", NULL,
		};
		int ret = qemu_opts_split(opt, arg + n + 1, NULL, &l, err, errlen);

		for (size_t i = 0; !ret && i < l.nopts; i++)
			if (!in(common, l.opts[i].key))
				ret = bad(err, errlen, opt, arg, "Parameter '%s' is unexpected", l.opts[i].key, NULL);
		qemu_optlist_free(&l);
		return ret;
	}
	return 0;
}

static int check_audiodev(const char *opt, const char *arg, char *err, size_t errlen)
{
	static const char *const drivers[] = {
		"none", "alsa", "coreaudio", "dbus", "dsound", "jack", "oss", "pa", "sdl", "spice",
		"wav", NULL,
	};
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, "driver", &l, err, errlen);
	const char *d = qemu_opt_get(&l, "driver");

	if (!ret && !qemu_opt_get(&l, "id"))
		ret = bad(err, errlen, opt, arg, "Parameter 'id' is missing", NULL, NULL);
	else if (!ret && !d)
		ret = bad(err, errlen, opt, arg, "Parameter 'driver' is missing", NULL, NULL);
	else if (!ret && !in(drivers, d))
		ret = bad(err, errlen, opt, arg, "Parameter 'driver' does not accept value '%s'", d, NULL);
	qemu_optlist_free(&l);
	return ret;
}

static int check_compat(const char *opt, const char *arg, char *err, size_t errlen)
{
	static const char *const in_vals[] = { "accept", "reject", "crash", NULL };
	static const char *const out_vals[] = { "accept", "hide", NULL };
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, NULL, &l, err, errlen);

	for (size_t i = 0; !ret && i < l.nopts; i++) {
		const char *k = l.opts[i].key, *v = l.opts[i].val;
		const char *const *vals = !strcmp(k, "deprecated-input") || !strcmp(k, "unstable-input") ? in_vals :
					  !strcmp(k, "deprecated-output") || !strcmp(k, "unstable-output") ? out_vals :
					  NULL;

		if (!vals)
			ret = bad(err, errlen, opt, arg, "Parameter '%s' is unexpected", k, NULL);
		else if (!in(vals, v))
			ret = bad(err, errlen, opt, arg, "Parameter '%s' does not accept value '%s'", k, v);
	}
	qemu_optlist_free(&l);
	return ret;
}

static int check_vga(const char *opt, const char *arg, char *err, size_t errlen)
{
	static const char *const warn_only[] = { "none", "std", "cirrus", "vmware", NULL };

	(void)opt;
	if (in(warn_only, arg))
		return 0;	/* virt: "No VGA device has been created" */
	/* QEMU reports the missing device type, then the card */
	if (!strcmp(arg, "virtio"))
		return bad(err, errlen, NULL, NULL, "type is NULL\nVirtio VGA not available", NULL, NULL);
	if (!strcmp(arg, "qxl"))
		return bad(err, errlen, NULL, NULL, "type is NULL\nQXL VGA not available", NULL, NULL);
	if (!strcmp(arg, "tcx"))
		return bad(err, errlen, NULL, NULL, "type is NULL\nTCX framebuffer not available", NULL, NULL);
	if (!strcmp(arg, "cg3"))
		return bad(err, errlen, NULL, NULL, "type is NULL\nCG3 framebuffer not available", NULL, NULL);
	return bad(err, errlen, NULL, NULL, "unknown vga type: %s", arg, NULL);
}

static int check_tcg_accel_props(const char *opt, const char *arg, char *err, size_t errlen)
{
	struct qemu_optlist l = { 0 };
	int ret = qemu_opts_split(opt, arg, "accel", &l, err, errlen);

	for (size_t i = 0; !ret && i < l.nopts; i++) {
		const char *k = l.opts[i].key, *v = l.opts[i].val;

		if (!strcmp(k, "accel"))
			continue;
		if (!strcmp(k, "thread")) {
			if (strcmp(v, "single") && strcmp(v, "multi"))
				ret = bad(err, errlen, opt, arg, "Invalid 'thread' setting %s", v, NULL);
		} else if (!strcmp(k, "tb-size")) {
			char *end;

			(void)strtoull(v, &end, 0);
			if (!*v || *end || v[0] == '-')
				ret = bad(err, errlen, opt, arg, "Parameter 'tb-size' expects uint64", NULL, NULL);
		} else if (!strcmp(k, "split-wx")) {
			int b;

			if (qemu_parse_bool(v, &b))
				ret = bad(err, errlen, opt, arg, "Parameter 'split-wx' expects 'on' or 'off'", NULL, NULL);
		} else {
			ret = bad(err, errlen, opt, arg, "Property 'tcg-accel.%s' not found", k, NULL);
		}
	}
	qemu_optlist_free(&l);
	return ret;
}

int qemu_option_check(const struct qemu_option_def *d, const char *opt, const char *arg,
		      enum qemu_phase *phase, char *err, size_t errlen)
{
	const char *n = d->name;

	*phase = QPH_PARSE;
	if (!strcmp(n, "accel")) {
		/* the accelerator's properties are set in configure_accelerators() */
		*phase = QPH_ACCEL;
		return check_tcg_accel_props(opt, arg, err, errlen);
	}
	if (!strcmp(n, "boot")) {
		/* -boot is the machine's "boot" property: QemuOpts syntax first, values later */
		struct qemu_optlist l = { 0 };
		int ret = qemu_opts_split(opt, arg, "order", &l, err, errlen);

		qemu_optlist_free(&l);
		if (ret)
			return ret;
		*phase = QPH_MACHINE;
		return check_boot(opt, arg, err, errlen);
	}
	if (!strcmp(n, "rtc")) {
		int ret = check_rtc(opt, arg, err, errlen);

		/* "Invalid parameter" at once, the values in configure_rtc() (no location) */
		if (ret && strncmp(err, opt, strlen(opt)))
			*phase = QPH_RTC;
		return ret;
	}
	if (!strcmp(n, "chardev")) {
		int ret = check_chardev(opt, arg, err, errlen);

		/* the backend's name and id matter when qemu_create_early_backends() makes it */
		if (ret && (strstr(err, "not a valid char driver name") || strstr(err, "no id specified")))
			*phase = QPH_CHARDEV;
		return ret;
	}
	if (!strcmp(n, "display"))
		return check_display(opt, arg, err, errlen);
	if (!strcmp(n, "audiodev"))
		return arg[0] == '{' ? 0 : check_audiodev(opt, arg, err, errlen);
	if (!strcmp(n, "compat"))
		return arg[0] == '{' ? 0 : check_compat(opt, arg, err, errlen);
	if (!strcmp(n, "vga"))
		return check_vga(opt, arg, err, errlen);
	if (!strcmp(n, "uuid") && !uuid_ok(arg))
		return bad(err, errlen, opt, arg, "failed to parse UUID string: wrong format", NULL, NULL);
	if (!strcmp(n, "rotate") && strcmp(arg, "0") && strcmp(arg, "90") && strcmp(arg, "180") &&
	    strcmp(arg, "270"))
		return bad(err, errlen, opt, arg, "only 90, 180, 270 deg rotation is available", NULL, NULL);
	if (!strcmp(n, "watchdog-action") && !in(watchdog_vals, arg))
		return bad(err, errlen, opt, arg, "Parameter 'watchdog' does not accept value '%s'", arg, NULL);
	if (!strcmp(n, "seed")) {
		char *end;

		(void)strtoull(arg, &end, 0);
		if (!*arg || *end)
			return bad(err, errlen, opt, arg, "Invalid seed number: %s", arg, NULL);
		return 0;
	}
	if (!strcmp(n, "serial") || !strcmp(n, "parallel") || !strcmp(n, "monitor") ||
	    !strcmp(n, "qmp") || !strcmp(n, "qmp-pretty")) {
		bool none_ok = strcmp(n, "qmp") && strcmp(n, "qmp-pretty");

		if ((none_ok && !strcmp(arg, "none")) || chr_spec_ok(arg))
			return 0;
		/* serial ports and monitors are made in qemu_create_late_backends() */
		*phase = none_ok && strcmp(n, "monitor") ? QPH_SERIAL : QPH_MONITORS;
		return bad(err, errlen, opt, arg, "'%s' is not a valid char driver", arg, NULL);
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (!strcmp(groups[i].option, n)) {
			struct qemu_optlist l = { 0 };
			int ret = qemu_opts_split(opt, arg, groups[i].implied, &l, err, errlen);

			if (!ret)
				ret = check_group(&groups[i], opt, arg, &l, err, errlen);
			if (!ret && !strcmp(n, "fw_cfg")) {
				int k = !!qemu_opt_get(&l, "file") + !!qemu_opt_get(&l, "string") +
					!!qemu_opt_get(&l, "gen_id");

				if (!qemu_opt_get(&l, "name") || k != 1)
					ret = bad(err, errlen, opt, arg,
						  "name, plus exactly one of file, string and gen_id, are needed",
						  NULL, NULL);
			}
			if (!ret && !strcmp(n, "add-fd") && qemu_opt_get(&l, "fd") &&
			    strtol(qemu_opt_get(&l, "fd"), NULL, 0) <= 2)
				ret = bad(err, errlen, opt, arg, "fd cannot be a standard I/O stream", NULL, NULL);
			if (!ret && !strcmp(n, "sandbox")) {
				static const char *const keys[] = { "obsolete", "elevateprivileges", "spawn",
								    "resourcecontrol" };

				for (size_t k = 0; !ret && k < 4; k++) {
					const char *v = qemu_opt_get(&l, keys[k]);

					if (v && strcmp(v, "allow") && strcmp(v, "deny") &&
					    (k != 1 || strcmp(v, "children")))
						ret = bad(err, errlen, opt, arg, "invalid argument for %s", keys[k], NULL);
				}
			}
			if (!ret && !strcmp(n, "smbios") && !qemu_opt_get(&l, "type") && !qemu_opt_get(&l, "file"))
				ret = bad(err, errlen, opt, arg, "Must specify type= or file=", NULL, NULL);
			if (!ret && !strcmp(n, "icount")) {
				const char *s = qemu_opt_get(&l, "shift");
				char *end;

				if (s && strcmp(s, "auto")) {
					(void)strtol(s, &end, 10);
					if (!*s || *end)
						ret = bad(err, errlen, opt, arg, "icount: Invalid shift value", NULL, NULL);
				}
			}
			qemu_optlist_free(&l);
			return ret;
		}
	}
	return 0;
}

/* ---- informational options ---- */

char *qemu_option_info(const struct qemu_version *q, const char *name, const char *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (!strcmp(name, "version")) {
		/* what the Debian build prints, then which model answers as it */
		fprintf(f, "QEMU emulator version %s\n"
			   "Copyright (c) %s Fabrice Bellard and the QEMU Project developers\n"
			   "(QEMU %s modelled by iommusim)\n", q->release, q->copyright_years, q->name);
	} else if (!strcmp(name, "help") || !strcmp(name, "h")) {
		/* the option table is 7.2's; a newer QEMU's command lines are read with it */
		fprintf(f, "usage: iommusim boot [qemu-system-aarch64 %s options]\n\n"
			   "iommusim reads every option of qemu-system-aarch64 7.2", q->name);
		if (q != qemu_version_default())
			fprintf(f, " (for QEMU %s too)", q->name);
		fprintf(f, ":\n");
		for (size_t i = 0; i < qemu_option_count; i++) {
			const struct qemu_option_def *d = &qemu_option_table[i];
			static const char *const kinds[] = {
				"modelled", "no effect on the answers", "refused (not modelled)",
				"not supported for this target", "refused by QEMU on virt", "information",
			};

			fprintf(f, "-%-20s %s%s%s\n", d->name, kinds[d->kind], d->why ? ": " : "",
				d->why ? d->why : "");
		}
	} else if (!strcmp(name, "audio-help")) {
		fprintf(f, "iommusim models no sound devices; -audiodev backends are accepted and unused\n");
	} else {
		fprintf(f, "%s %s\n", name, arg ? arg : "");
	}
	fclose(f);
	return buf;
}
